#include "kucoin/core/secret.hpp"

#include <atomic>
#include <cstddef>

namespace kucoin {

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    wipe();
    value_ = other.value_;
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    other.value_.clear();
  }
  return *this;
}

Secret::~Secret() { wipe(); }

// Stores through a volatile pointer, which the compiler may not drop as dead stores (what
// OPENSSL_cleanse and explicit_bzero do, without tying the pure core to either).
void Secret::wipe() noexcept {
  if (!value_.empty()) {
    volatile char* p = value_.data();
    for (std::size_t i = 0; i < value_.size(); ++i) p[i] = 0;
    std::atomic_signal_fence(std::memory_order_seq_cst);
  }
  value_.clear();
}

}  // namespace kucoin
