// Codec of the spot trading messages (order_messages.hpp), both directions: the client encodes
// order requests and decodes the answers and private pushes; the mock decodes requests and
// encodes answers and pushes. Pure; simdjson stays out of this header.
//
// REST answers are KuCoin envelopes: the envelope's error (RestDecoder::envelope, one place for
// its rules) wins over the data; data that cannot be read is an ApiError of kind bad_response
// whose data_error says why. Requests and pushes give a typed Error naming the field. Malformed
// input never throws or crashes.
//
//   POST   /api/v1/hf/orders                            {"orderId":"..","clientOid":".."}
//   DELETE /api/v1/hf/orders/{orderId}?symbol=          {"orderId":".."}
//   DELETE /api/v1/hf/orders/client-order/{clientOid}?symbol=   {"clientOid":".."}
//   DELETE /api/v1/hf/orders?symbol=                    "success"
//   GET    /api/v1/hf/orders/{orderId}?symbol=, /hf/orders/client-order/{clientOid}?symbol=   an order
//   GET    /api/v1/hf/orders/active?symbol=             [orders]
//   GET    /api/v1/hf/accounts/opened                   true | false
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/result.hpp"
#include "kucoin/protocol/order_messages.hpp"
#include "kucoin/protocol/rest_error.hpp"

namespace kucoin {

// Paths of the HF order endpoints (without query).
namespace order_paths {
inline constexpr std::string_view kOrders = "/api/v1/hf/orders";                     // POST place, DELETE cancel all
inline constexpr std::string_view kOrdersTest = "/api/v1/hf/orders/test";            // POST: validated, not placed
inline constexpr std::string_view kOrdersSync = "/api/v1/hf/orders/sync";            // POST
inline constexpr std::string_view kActive = "/api/v1/hf/orders/active";              // GET
inline constexpr std::string_view kByClientOid = "/api/v1/hf/orders/client-order/";  // + clientOid
inline constexpr std::string_view kById = "/api/v1/hf/orders/";                      // + orderId
inline constexpr std::string_view kHfAccountOpened = "/api/v1/hf/accounts/opened";
}  // namespace order_paths

// Reusable decoder. Not thread-safe: one per thread/connection.
class OrderDecoder {
 public:
  OrderDecoder();
  ~OrderDecoder();
  OrderDecoder(OrderDecoder&&) noexcept;
  OrderDecoder& operator=(OrderDecoder&&) noexcept;
  OrderDecoder(const OrderDecoder&) = delete;
  OrderDecoder& operator=(const OrderDecoder&) = delete;

  // REST answers (client side).
  Result<PlacedOrder, ApiError> placed_order(int http_status, std::string_view body);
  Result<CanceledOrder, ApiError> canceled_order(int http_status, std::string_view body);
  Result<void, ApiError> canceled_all(int http_status, std::string_view body);
  Result<OrderDetails, ApiError> order_details(int http_status, std::string_view body);
  Result<std::vector<OrderDetails>, ApiError> active_orders(int http_status, std::string_view body);
  Result<bool, ApiError> hf_account_opened(int http_status, std::string_view body);

  // A placement's JSON body (mock side). Checks the fields KuCoin requires: symbol, side, type;
  // price and size for limit; size or funds (not both) for market.
  Result<OrderRequest> order_request(std::string_view body);

  // The `data` object of a private push (DataMessage::data).
  Result<OrderChange> order_change(std::string_view data);
  Result<BalanceChange> balance_change(std::string_view data);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Encoders; they append to `out`.
void encode_order_request(const OrderRequest& request, std::string& out);  // the JSON body
void encode_placed_order(const PlacedOrder& placed, std::string& out);     // envelopes from here on
void encode_canceled_order(const CanceledOrder& canceled, std::string& out);
void encode_canceled_all(std::string& out);
void encode_order_details(const OrderDetails& order, std::string& out);
void encode_active_orders(const std::vector<OrderDetails>& orders, std::string& out);
void encode_hf_account_opened(bool opened, std::string& out);
// The `data` objects of the pushes, and whole frames (DataMessage envelopes, channelType private):
//   {"topic":"/spotMarket/tradeOrdersV2","type":"message","subject":"orderChange","userId":"..",...}
//   {"topic":"/account/balance","type":"message","subject":"account.balance","userId":"..",...}
void append_order_change_data(const OrderChange& change, std::string& out);
void append_balance_change_data(const BalanceChange& change, std::string& out);
void encode_order_change_frame(const OrderChange& change, std::string_view user_id, std::string& out);
void encode_balance_change_frame(const BalanceChange& change, std::string_view user_id, std::string& out);

}  // namespace kucoin
