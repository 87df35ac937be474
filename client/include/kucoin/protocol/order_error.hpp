// KuCoin's answers that refuse an order, as types: which rule an order broke (insufficient
// balance, price or size increment, minimum size, too many open orders, a duplicate clientOid, an
// order that does not exist), read from an ApiError's code and msg by the client, and written as
// the code and msg KuCoin sends by the mock. One table for both directions (order_error.cpp).
//
// Codes and texts (kucoin-protocol.md §2.6; OLD-SPOT-DOCS "System error codes"; ccxt's exact-msg
// table): 200001 order creation suspended, 200003 "Number of orders breached the limit", 200004
// "Balance insufficient" (also 230003, 260100, 210021 seen for balances), 400100 with
// "Order size below the minimum requirement.", "order_not_exist_or_not_allow_to_cancel" (cancel)
// and "order not exist." (query). Not confirmed from a capture [U]: the 400100 texts for a price or
// size off its increment and for a duplicate clientOid; the client matches them by keyword
// ("increment" with "price", "increment", "clientOid" with "duplicat"), so a variant still classifies.
#pragma once

#include <cstdint>
#include <string_view>

#include "kucoin/protocol/rest_error.hpp"

namespace kucoin {

enum class OrderRejection : std::uint8_t {
  none,                  // not an order refusal (transport, auth, rate limit, ... or success)
  insufficient_balance,  // 200004 (230003, 260100, 210021)
  price_increment,       // 400100: price not a multiple of priceIncrement
  size_increment,        // 400100: size or funds not a multiple of baseIncrement / quoteIncrement
  below_min_size,        // 400100: size under baseMinSize (or funds under minFunds)
  too_many_orders,       // 200003: open orders of the symbol or account at the limit
  duplicate_client_oid,  // 400100: a clientOid this account already used
  order_not_found,       // 400100 "order not exist." / "order_not_exist_or_not_allow_to_cancel"
  trading_suspended,     // 200001 (and 400600 symbol not trading, 400200 forbidden to place)
  invalid_order,         // any other 400100 / 300000 on an order endpoint
};

std::string_view to_string(OrderRejection r) noexcept;

// How KuCoin answers a refusal: HTTP status, code, msg. Business codes (2000xx) come with HTTP 200
// (§2.5), parameter errors (400100) with HTTP 400. `on_cancel`: the cancel endpoints' text for an
// order that does not exist (or is no longer cancelable).
struct OrderErrorWire {
  int http_status = 400;
  std::string_view code;
  std::string_view msg;
};
OrderErrorWire order_error_wire(OrderRejection r, bool on_cancel = false) noexcept;

// The rule an answer says the order broke; none for anything that is not an order refusal.
OrderRejection order_rejection(std::string_view code, std::string_view msg) noexcept;
inline OrderRejection order_rejection(const ApiError& e) noexcept {
  return e.kind == ApiErrorKind::request ? order_rejection(e.code, e.msg) : OrderRejection::none;
}

}  // namespace kucoin
