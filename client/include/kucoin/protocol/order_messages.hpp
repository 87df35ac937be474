// Owned, typed messages of KuCoin spot trading, shared by the client and the mock
// (kucoin-protocol.md §8.2, §8.3): the HF order placement request and its answer, cancel answers,
// order details (one order, the active orders list), and the private pushes of
// /spotMarket/tradeOrdersV2 (subject orderChange) and /account/balance (subject account.balance).
// Decimals are exact (Price, Quantity, Amount); the codec is order_codec.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "kucoin/core/types.hpp"

namespace kucoin {

// An amount of one currency (a balance, a hold, an order's funds, a fee). A change of a balance
// (BalanceChange::available_change) may be negative: raw < 0.
struct AmountTag {};
using Amount = Decimal<AmountTag>;
std::string to_string(Amount a);
std::ostream& operator<<(std::ostream& os, Amount a);
// price * size exactly (the quote value of a fill); nullopt when it does not fit an Amount.
std::optional<Amount> notional(Price price, Quantity size) noexcept;

enum class OrderSide : std::uint8_t { buy, sell };
enum class OrderType : std::uint8_t { limit, market };
enum class TimeInForce : std::uint8_t { gtc, gtt, ioc, fok };

// Wire names: "buy", "limit", "GTC", ... and back (nullopt for a name KuCoin does not use).
std::string_view to_string(OrderSide s) noexcept;
std::string_view to_string(OrderType t) noexcept;
std::string_view to_string(TimeInForce t) noexcept;
std::optional<OrderSide> parse_order_side(std::string_view s) noexcept;
std::optional<OrderType> parse_order_type(std::string_view s) noexcept;
std::optional<TimeInForce> parse_time_in_force(std::string_view s) noexcept;

// POST /api/v1/hf/orders (also /hf/orders/test and /hf/orders/sync). A limit order needs price
// and size; a market order size (base) or funds (quote), not both.
struct OrderRequest {
  std::string client_oid;  // letters, digits, '_' and '-', at most 40; empty: not sent
  std::string symbol;
  OrderSide side = OrderSide::buy;
  OrderType type = OrderType::limit;
  std::optional<Price> price;
  std::optional<Quantity> size;
  std::optional<Amount> funds;
  std::optional<TimeInForce> time_in_force;  // unset: not sent (KuCoin's default GTC)
  bool post_only = false;
  bool hidden = false;
  bool iceberg = false;
  std::optional<Quantity> visible_size;
  std::optional<std::int64_t> cancel_after_s;  // GTT
  std::string remark;
  bool operator==(const OrderRequest&) const = default;
};

// The answer of a placement: {"orderId":"..","clientOid":".."}.
struct PlacedOrder {
  std::string order_id;
  std::string client_oid;
  bool operator==(const PlacedOrder&) const = default;
};

// The answer of a cancel: by order id {"orderId":".."}, by clientOid {"clientOid":".."}; the other
// field is empty.
struct CanceledOrder {
  std::string order_id;
  std::string client_oid;
  bool operator==(const CanceledOrder&) const = default;
};

// One order as GET /api/v1/hf/orders/{orderId}, /hf/orders/client-order/{clientOid} and each
// element of /hf/orders/active show it.
struct OrderDetails {
  std::string order_id;  // "id"
  std::string client_oid;
  std::string symbol;
  OrderSide side = OrderSide::buy;
  OrderType type = OrderType::limit;
  TimeInForce time_in_force = TimeInForce::gtc;
  Price price;             // 0 for a market order
  Quantity size;           // 0 for a market order by funds
  Amount funds;            // 0 unless a market order by funds
  Quantity deal_size;      // filled so far
  Amount deal_funds;       // quote value filled so far
  Quantity remain_size;    // still open
  Quantity canceled_size;  // "cancelledSize"
  Amount fee;
  std::string fee_currency;
  bool post_only = false;
  bool active = false;         // still open (resting or being matched)
  bool in_order_book = false;  // resting in the book
  std::int64_t created_at_ms = 0;
  std::int64_t last_updated_at_ms = 0;
  bool operator==(const OrderDetails&) const = default;
};

// /spotMarket/tradeOrdersV2 `data.type` and `data.status`.
enum class OrderEventType : std::uint8_t { received, open, match, update, filled, canceled };
enum class OrderStatus : std::uint8_t { new_order, open, match, done };  // "new", "open", "match", "done"
std::string_view to_string(OrderEventType t) noexcept;
std::string_view to_string(OrderStatus s) noexcept;
std::optional<OrderEventType> parse_order_event_type(std::string_view s) noexcept;
std::optional<OrderStatus> parse_order_status(std::string_view s) noexcept;

// One push of /spotMarket/tradeOrdersV2 (subject "orderChange"). Sizes absent from the push are
// nullopt; match_* and trade_id only on type match.
struct OrderChange {
  std::string symbol;
  std::string order_id;
  std::string client_oid;
  OrderSide side = OrderSide::buy;
  OrderType order_type = OrderType::limit;
  OrderEventType type = OrderEventType::open;
  OrderStatus status = OrderStatus::open;
  std::optional<Price> price;
  std::optional<Quantity> size;
  std::optional<Quantity> origin_size;
  std::optional<Quantity> filled_size;
  std::optional<Quantity> remain_size;
  std::optional<Quantity> canceled_size;
  std::optional<Quantity> old_size;  // type update
  std::optional<Amount> remain_funds;
  std::optional<Price> match_price;
  std::optional<Quantity> match_size;
  std::string trade_id;
  std::string liquidity;           // "maker" | "taker" (type match)
  std::int64_t order_time_ms = 0;  // "orderTime"
  std::int64_t ts_ns = 0;          // "ts"
  bool operator==(const OrderChange&) const = default;
};

// One push of /account/balance (subject "account.balance").
struct BalanceChange {
  std::string account_id;
  std::string currency;
  Amount total;
  Amount available;
  Amount hold;
  Amount available_change;     // may be negative
  Amount hold_change;          // may be negative
  std::string relation_event;  // "trade.hold", "trade.setted", ...
  std::string relation_event_id;
  std::string symbol;        // relationContext.symbol (empty when absent)
  std::string order_id;      // relationContext.orderId
  std::int64_t time_ms = 0;  // "time" (a string on the wire)
  bool operator==(const BalanceChange&) const = default;
};

}  // namespace kucoin
