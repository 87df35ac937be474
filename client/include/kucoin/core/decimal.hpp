// Exact decimal <-> fixed-point conversion for KuCoin's number strings ("67993.3", "0.00047785").
// A value is held as an int64 count of 10^-decimals units; no double is ever involved.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kucoin/core/result.hpp"
#include "kucoin/core/types.hpp"

namespace kucoin {

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

namespace detail {
// 128-bit arithmetic for exact comparisons and rescaling (GCC/Clang extension).
__extension__ typedef __int128 int128;
}  // namespace detail

// A number read with its own decimals: value = raw * 10^-decimals.
struct ParsedDecimal {
  std::int64_t raw = 0;
  std::uint8_t decimals = 0;
};

// Parses a non-negative decimal string ("67993.3", "0.00019434546", "452338153.08", "1e-5") into
// raw * 10^-decimals exactly, keeping as many decimals as the text has (trailing zeros included),
// but at least `min_decimals` when the padded value still fits int64 (so that the prices of one
// symbol usually share a scale). Errors: bad_number (empty, sign, stray characters),
// number_too_long, precision_exceeded (non-zero digits beyond 18 decimals), out_of_range (more
// significant digits than int64 holds: up to 18 always fit, some 19).
Result<ParsedDecimal> parse_decimal(std::string_view text, int min_decimals = 0) noexcept;

// raw * 10^-from expressed with `to` decimals, exactly: multiplies, or divides when the dropped
// digits are zeros. nullopt when it does not fit int64 or would lose digits.
std::optional<std::int64_t> rescale(std::int64_t raw, int from, int to) noexcept;

// a + b and a - b exactly, with the decimals of the finer one; nullopt when the result does not
// fit int64.
std::optional<ParsedDecimal> add_decimals(std::int64_t a_raw, int a_dec, std::int64_t b_raw, int b_dec) noexcept;
template <class Tag>
std::optional<Decimal<Tag>> operator+(Decimal<Tag> a, Decimal<Tag> b) noexcept {
  auto r = add_decimals(a.raw, a.decimals, b.raw, b.decimals);
  if (!r) return std::nullopt;
  return Decimal<Tag>{r->raw, r->decimals};
}
template <class Tag>
std::optional<Decimal<Tag>> operator-(Decimal<Tag> a, Decimal<Tag> b) noexcept {
  auto r = add_decimals(a.raw, a.decimals, -b.raw, b.decimals);
  if (!r) return std::nullopt;
  return Decimal<Tag>{r->raw, r->decimals};
}

// Decimals of raw * 10^-decimals once trailing zeros are dropped: (150, 2) -> 1, (5, 0) -> 0.
int significant_decimals(std::int64_t raw, int decimals) noexcept;

// Parses an unsigned integer string ("14610502970") that must fit int64.
Result<std::int64_t> parse_int(std::string_view text) noexcept;

// Formats value * 10^-decimals without trailing zeros: (679933, 1) -> "67993.3", (5, 0) -> "5".
std::string format_fixed(std::int64_t value, int decimals);
// Appends the same text to `out` (no allocation when `out` has capacity).
void append_fixed(std::string& out, std::int64_t value, int decimals);

// Appends a Price or Quantity as exact text without trailing zeros.
template <class Tag>
void append_decimal(std::string& out, Decimal<Tag> d) {
  append_fixed(out, d.raw, d.decimals);
}

// Appends the decimal digits of `v`.
void append_int(std::string& out, std::int64_t v);

// Number of decimals an increment string such as "0.00001" or "1" denotes (for symbol metadata).
Result<int> decimals_of_increment(std::string_view increment) noexcept;

}  // namespace kucoin
