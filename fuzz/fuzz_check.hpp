// Shared by the fuzz targets: a property that must hold for every input. A failed check prints
// what broke and aborts, which libFuzzer reports as a crash (and saves the input) and the replay
// driver (replay_main.cpp) reports as a failed test.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace kucoin::fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* what, std::string_view detail) {
  std::fprintf(stderr, "%s:%d: property violated: %s\n  %.*s\n", file, line, what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Reads the input as a sequence of small integers and byte strings (structured inputs: the book's
// operations, the mock's HTTP requests). Past the end it gives zeros and empty strings.
class Bytes {
 public:
  explicit Bytes(std::string_view in) : in_(in) {}
  bool empty() const noexcept { return pos_ >= in_.size(); }
  std::uint8_t u8() noexcept { return pos_ < in_.size() ? static_cast<std::uint8_t>(in_[pos_++]) : 0; }
  std::uint16_t u16() noexcept { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }
  // Up to the next `sep` (consumed) or the end.
  std::string_view until(char sep) noexcept {
    const std::size_t start = pos_ < in_.size() ? pos_ : in_.size();
    const std::size_t end = in_.find(sep, start);
    if (end == std::string_view::npos) {
      pos_ = in_.size();
      return in_.substr(start);
    }
    pos_ = end + 1;
    return in_.substr(start, end - start);
  }
  std::string_view rest() noexcept {
    const std::size_t start = pos_ < in_.size() ? pos_ : in_.size();
    pos_ = in_.size();
    return in_.substr(start);
  }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace kucoin::fuzz

#define KUCOIN_FUZZ_CHECK(cond, detail)                                     \
  do {                                                                      \
    if (!(cond)) ::kucoin::fuzz::fail(__FILE__, __LINE__, #cond, (detail)); \
  } while (0)
