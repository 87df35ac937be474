// Market data value types: Side, Price, Quantity (exact decimals), and per-symbol increments.
//
// Why a decimal carries its own number of decimals: real KuCoin books hold sizes with more
// decimals than the symbol's baseIncrement (leftovers of partly filled orders, old increments:
// "0.00019434546" where baseIncrement is 0.00000001) and, after a tick-size change, prices finer
// than priceIncrement. One scale per symbol cannot hold a book whose sizes run from
// "0.00019434546" to "452338153.08" (20 digits) in an int64, but each value on its own has at most
// a dozen significant digits. So every value is `raw * 10^-decimals` with its own `decimals`
// (0..18): any KuCoin number of up to 18 significant digits is held exactly, with no double, no
// rounding and no per-symbol limit. Comparisons are by value ("1.50" == "1.5").
#pragma once

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace kucoin {

enum class Side : std::uint8_t { bid = 0, ask = 1 };

constexpr std::string_view to_string(Side s) noexcept { return s == Side::bid ? "bid" : "ask"; }
constexpr Side opposite(Side s) noexcept { return s == Side::bid ? Side::ask : Side::bid; }

// The most decimals a value may have: 10^18 still fits int64.
inline constexpr int kMaxDecimals = 18;

namespace detail {
// Compares a_raw * 10^-a_dec with b_raw * 10^-b_dec exactly (128-bit products).
std::strong_ordering compare_decimals(std::int64_t a_raw, int a_dec, std::int64_t b_raw, int b_dec) noexcept;
}  // namespace detail

// An exact non-negative decimal value `raw * 10^-decimals`. Price and Quantity are two types of
// it so that a size cannot be passed where a price is expected.
template <class Tag>
struct Decimal {
  std::int64_t raw = 0;
  std::uint8_t decimals = 0;  // 0..kMaxDecimals

  // By value, whatever the decimals: Decimal{150, 2} == Decimal{15, 1}.
  friend constexpr bool operator==(const Decimal& a, const Decimal& b) noexcept {
    if (a.decimals == b.decimals) return a.raw == b.raw;
    return detail::compare_decimals(a.raw, a.decimals, b.raw, b.decimals) == 0;
  }
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept {
    if (a.decimals == b.decimals) return a.raw <=> b.raw;
    return detail::compare_decimals(a.raw, a.decimals, b.raw, b.decimals);
  }
  constexpr bool is_zero() const noexcept { return raw == 0; }
};

struct PriceTag {};
struct QuantityTag {};
using Price = Decimal<PriceTag>;
using Quantity = Decimal<QuantityTag>;

// Exact text without trailing zeros: Price{679933, 1} -> "67993.3", Quantity{5, 0} -> "5".
std::string to_string(Price p);
std::string to_string(Quantity q);
std::ostream& operator<<(std::ostream& os, Price p);
std::ostream& operator<<(std::ostream& os, Quantity q);

// A symbol's increments as numbers of decimals (priceIncrement 0.1 -> 1, baseIncrement
// 0.00000001 -> 8), from /api/v2/symbols. The decoder writes prices with at least
// `price_decimals` so that a book's prices usually share one scale; values may have more.
// The mock's generator draws prices and sizes on these increments.
struct SymbolScale {
  std::uint8_t price_decimals = 10;
  std::uint8_t size_decimals = 8;
  constexpr bool operator==(const SymbolScale&) const = default;
};

}  // namespace kucoin
