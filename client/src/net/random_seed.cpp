#include "kucoin/net/random_seed.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <random>

namespace kucoin::net {

namespace {

std::uint64_t mix(std::uint64_t x) noexcept {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::uint64_t random_seed() noexcept {
  static std::atomic<std::uint64_t> calls{0};
  std::uint64_t device = 0;
  try {
    std::random_device rd;
    device = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  } catch (...) {
    // No entropy source: the clocks, the pid and the call count still differ between processes.
  }
  std::uint64_t h = mix(device);
  h = mix(h ^ static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  h = mix(h ^ static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()));
  h = mix(h ^ static_cast<std::uint64_t>(::getpid()));
  return mix(h ^ calls.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace kucoin::net
