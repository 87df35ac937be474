// Secret: a string that must never be printed or logged (API secret, passphrase, partner key,
// bullet token). Pure: no I/O, no OpenSSL.
#pragma once

#include <ostream>
#include <string>
#include <utility>

namespace kucoin {

// Streaming a Secret writes "<redacted>" ("<empty>" when empty); the value is reached only through
// reveal(). Its bytes are overwritten on destruction and assignment.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(const Secret&);
  Secret& operator=(Secret&&) noexcept;
  ~Secret();

  const std::string& reveal() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }

  friend std::ostream& operator<<(std::ostream& os, const Secret& s) {
    return os << (s.value_.empty() ? "<empty>" : "<redacted>");
  }

 private:
  void wipe() noexcept;
  std::string value_;
};

}  // namespace kucoin
