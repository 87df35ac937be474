// Names of the trading enums on the wire, and Amount's text and arithmetic (order_messages.hpp).
#include "kucoin/protocol/order_messages.hpp"

#include <ostream>

#include "kucoin/core/decimal.hpp"

namespace kucoin {

std::string to_string(Amount a) { return format_fixed(a.raw, a.decimals); }
std::ostream& operator<<(std::ostream& os, Amount a) { return os << to_string(a); }

std::string_view to_string(OrderSide s) noexcept { return s == OrderSide::buy ? "buy" : "sell"; }
std::string_view to_string(OrderType t) noexcept { return t == OrderType::limit ? "limit" : "market"; }
std::string_view to_string(TimeInForce t) noexcept {
  switch (t) {
    case TimeInForce::gtc: return "GTC";
    case TimeInForce::gtt: return "GTT";
    case TimeInForce::ioc: return "IOC";
    case TimeInForce::fok: return "FOK";
  }
  return "GTC";
}
std::optional<OrderSide> parse_order_side(std::string_view s) noexcept {
  if (s == "buy") return OrderSide::buy;
  if (s == "sell") return OrderSide::sell;
  return std::nullopt;
}
std::optional<OrderType> parse_order_type(std::string_view s) noexcept {
  if (s == "limit") return OrderType::limit;
  if (s == "market") return OrderType::market;
  return std::nullopt;
}
std::optional<TimeInForce> parse_time_in_force(std::string_view s) noexcept {
  for (auto t : {TimeInForce::gtc, TimeInForce::gtt, TimeInForce::ioc, TimeInForce::fok}) {
    if (to_string(t) == s) return t;
  }
  return std::nullopt;
}
std::string_view to_string(OrderEventType t) noexcept {
  switch (t) {
    case OrderEventType::received: return "received";
    case OrderEventType::open: return "open";
    case OrderEventType::match: return "match";
    case OrderEventType::update: return "update";
    case OrderEventType::filled: return "filled";
    case OrderEventType::canceled: return "canceled";
  }
  return "open";
}
std::string_view to_string(OrderStatus s) noexcept {
  switch (s) {
    case OrderStatus::new_order: return "new";
    case OrderStatus::open: return "open";
    case OrderStatus::match: return "match";
    case OrderStatus::done: return "done";
  }
  return "open";
}
std::optional<OrderEventType> parse_order_event_type(std::string_view s) noexcept {
  for (auto t : {OrderEventType::received, OrderEventType::open, OrderEventType::match, OrderEventType::update,
                 OrderEventType::filled, OrderEventType::canceled}) {
    if (to_string(t) == s) return t;
  }
  return std::nullopt;
}
std::optional<OrderStatus> parse_order_status(std::string_view s) noexcept {
  for (auto t : {OrderStatus::new_order, OrderStatus::open, OrderStatus::match, OrderStatus::done}) {
    if (to_string(t) == s) return t;
  }
  return std::nullopt;
}

std::optional<Amount> notional(Price price, Quantity size) noexcept {
  const detail::int128 product = static_cast<detail::int128>(price.raw) * size.raw;
  int decimals = price.decimals + size.decimals;
  detail::int128 v = product;
  // Drop trailing zero digits while there are more decimals than an Amount keeps.
  while (decimals > kMaxDecimals && v % 10 == 0) {
    v /= 10;
    --decimals;
  }
  if (decimals > kMaxDecimals || v > INT64_MAX || v < INT64_MIN) return std::nullopt;
  return Amount{static_cast<std::int64_t>(v), static_cast<std::uint8_t>(decimals)};
}

}  // namespace kucoin
