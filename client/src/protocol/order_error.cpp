#include "kucoin/protocol/order_error.hpp"

namespace kucoin {

namespace {

// ASCII case-insensitive substring search.
bool contains(std::string_view text, std::string_view word) noexcept {
  if (word.size() > text.size()) return false;
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
    std::size_t j = 0;
    while (j < word.size() && lower(text[i + j]) == lower(word[j])) ++j;
    if (j == word.size()) return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(OrderRejection r) noexcept {
  switch (r) {
    case OrderRejection::none: return "none";
    case OrderRejection::insufficient_balance: return "insufficient_balance";
    case OrderRejection::price_increment: return "price_increment";
    case OrderRejection::size_increment: return "size_increment";
    case OrderRejection::below_min_size: return "below_min_size";
    case OrderRejection::too_many_orders: return "too_many_orders";
    case OrderRejection::duplicate_client_oid: return "duplicate_client_oid";
    case OrderRejection::order_not_found: return "order_not_found";
    case OrderRejection::trading_suspended: return "trading_suspended";
    case OrderRejection::invalid_order: return "invalid_order";
  }
  return "unknown";
}

OrderErrorWire order_error_wire(OrderRejection r, bool on_cancel) noexcept {
  switch (r) {
    case OrderRejection::insufficient_balance: return {200, "200004", "Balance insufficient!"};
    case OrderRejection::price_increment: return {400, "400100", "Price increment invalid."};
    case OrderRejection::size_increment: return {400, "400100", "Size increment invalid."};
    case OrderRejection::below_min_size: return {400, "400100", "Order size below the minimum requirement."};
    case OrderRejection::too_many_orders: return {200, "200003", "Number of orders breached the limit"};
    case OrderRejection::duplicate_client_oid: return {400, "400100", "The clientOid is duplicated."};
    case OrderRejection::order_not_found:
      return on_cancel ? OrderErrorWire{400, "400100", "order_not_exist_or_not_allow_to_cancel"}
                       : OrderErrorWire{400, "400100", "order not exist."};
    case OrderRejection::trading_suspended: return {200, "200001", "Order creation for this pair suspended"};
    case OrderRejection::invalid_order: return {400, "400100", "Invalid order parameters."};
    case OrderRejection::none: break;
  }
  return {200, "200000", ""};
}

OrderRejection order_rejection(std::string_view code, std::string_view msg) noexcept {
  if (code == "200004" || code == "230003" || code == "260100" || code == "210021") {
    return OrderRejection::insufficient_balance;
  }
  if (code == "200003") return OrderRejection::too_many_orders;
  if (code == "200001" || code == "400600" || code == "400200") return OrderRejection::trading_suspended;
  if (code == "order_not_exist") return OrderRejection::order_not_found;  // an old code-as-text answer
  if (code == "400100") {
    if (contains(msg, "not_exist") || contains(msg, "not exist")) return OrderRejection::order_not_found;
    if (contains(msg, "minimum")) return OrderRejection::below_min_size;
    if (contains(msg, "increment")) {
      return contains(msg, "price") ? OrderRejection::price_increment : OrderRejection::size_increment;
    }
    if (contains(msg, "clientoid") && contains(msg, "duplicat")) return OrderRejection::duplicate_client_oid;
    if (contains(msg, "balance")) return OrderRejection::insufficient_balance;
    return OrderRejection::invalid_order;
  }
  if (code == "300000") return OrderRejection::invalid_order;
  return OrderRejection::none;
}

}  // namespace kucoin
