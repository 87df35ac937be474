// Exact decimal <-> fixed-point conversion for KuCoin's number strings ("67993.3", "0.00047785").
// A value is held as an int64 count of 10^-decimals units; no double is ever involved.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "kucoin/core/result.hpp"

namespace kucoin {

inline constexpr int kMaxDecimals = 18;

// 10^0 .. 10^19.
inline constexpr std::array<std::uint64_t, 20> kPow10 = [] {
  std::array<std::uint64_t, 20> p{};
  std::uint64_t v = 1;
  for (auto& x : p) {
    x = v;
    v *= 10;
  }
  return p;
}();
// Longest number string accepted. KuCoin's longest values are ~30 characters; longer input is
// rejected as number_too_long before any arithmetic.
inline constexpr std::size_t kMaxNumberLength = 48;

// Parses a non-negative plain decimal ("123", "0.5", "1.50", ".5" is rejected, "1e-5" accepted)
// into value * 10^decimals. Errors: bad_number (empty, sign, stray characters), number_too_long,
// precision_exceeded (non-zero digits beyond `decimals`), out_of_range (> INT64_MAX units),
// invalid_argument (decimals outside 0..18).
Result<std::int64_t> parse_fixed(std::string_view text, int decimals) noexcept;

// Parses an unsigned integer string ("14610502970") that must fit int64.
Result<std::int64_t> parse_int(std::string_view text) noexcept;

// Formats value * 10^-decimals without trailing zeros: (679933, 1) -> "67993.3", (5, 0) -> "5".
std::string format_fixed(std::int64_t value, int decimals);
// Appends the same text to `out` (no allocation when `out` has capacity).
void append_fixed(std::string& out, std::int64_t value, int decimals);

// Appends the decimal digits of `v`.
void append_int(std::string& out, std::int64_t v);

// Number of decimals an increment string such as "0.00001" or "1" denotes (for symbol metadata).
Result<int> decimals_of_increment(std::string_view increment) noexcept;

}  // namespace kucoin
