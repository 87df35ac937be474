// Market data value types: Side, Price, Quantity, and per-symbol scales.
#pragma once

#include <compare>
#include <cstdint>
#include <string_view>

namespace kucoin {

enum class Side : std::uint8_t { bid = 0, ask = 1 };

constexpr std::string_view to_string(Side s) noexcept { return s == Side::bid ? "bid" : "ask"; }
constexpr Side opposite(Side s) noexcept { return s == Side::bid ? Side::ask : Side::bid; }

// Fixed-point price in units of 10^-price_decimals of its symbol. Compare only within one symbol.
struct Price {
  std::int64_t raw = 0;
  constexpr auto operator<=>(const Price&) const = default;
};

// Fixed-point quantity in units of 10^-size_decimals of its symbol.
struct Quantity {
  std::int64_t raw = 0;
  constexpr auto operator<=>(const Quantity&) const = default;
};

// How many decimals a symbol's prices and sizes keep. Taken from priceIncrement/baseIncrement
// (spot) when known; the defaults cover every spot market listed in 2025.
struct SymbolScale {
  std::uint8_t price_decimals = 10;
  std::uint8_t size_decimals = 8;
  constexpr bool operator==(const SymbolScale&) const = default;
};

}  // namespace kucoin
