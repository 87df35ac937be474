// TradingClient: KuCoin spot HF orders over a RestClient (which signs, respects the rate-limit
// pools, waits out 429000 and resyncs its clock), decoded with order_codec.hpp. No Asio or Beast
// in this header; handlers run on the RestClient's strand.
//
// A placement with a clientOid is never made twice: when its answer is lost (a timeout or a
// dropped connection after the request went out) the order may exist, so the client asks
// GET /api/v1/hf/orders/client-order/{clientOid} first. Found: that order is the answer. KuCoin
// says it does not exist: the placement is sent again (up to max_placement_attempts in all).
// Anything else: the original error is returned and nothing is sent again.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kucoin/net/rest_client.hpp"
#include "kucoin/protocol/order_error.hpp"
#include "kucoin/protocol/order_messages.hpp"
#include "kucoin/trading/order_tracker.hpp"

namespace kucoin::net {

struct TradingClientOptions {
  int max_placement_attempts = 2;  // placements sent for one place_order (only after "order not exist")
};

class TradingClient {
 public:
  // `rest` must outlive the TradingClient and have credentials.
  explicit TradingClient(RestClient& rest, TradingClientOptions options = {});
  ~TradingClient();
  TradingClient(const TradingClient&) = delete;
  TradingClient& operator=(const TradingClient&) = delete;

  void place_order(OrderRequest request, RestHandler<PlacedOrder> done);  // POST /api/v1/hf/orders
  void test_order(OrderRequest request, RestHandler<PlacedOrder> done);   // POST /api/v1/hf/orders/test
  void cancel_order(std::string symbol, std::string order_id, RestHandler<CanceledOrder> done);
  void cancel_order_by_client_oid(std::string symbol, std::string client_oid, RestHandler<CanceledOrder> done);
  void cancel_all_orders(std::string symbol, RestHandler<void> done);
  void order(std::string symbol, std::string order_id, RestHandler<OrderDetails> done);
  void order_by_client_oid(std::string symbol, std::string client_oid, RestHandler<OrderDetails> done);
  void active_orders(std::string symbol, RestHandler<std::vector<OrderDetails>> done);
  void hf_account_opened(RestHandler<bool> done);  // GET /api/v1/hf/accounts/opened

  // Brings `tracker` level with KuCoin over REST (after a reconnect of the private connection or a
  // suspected lost push): each symbol's active orders, then one by one the orders the tracker
  // believes open that are no longer active (by id) and the placements still pending (by
  // clientOid: "order not exist" means it was never placed), then the accounts of `account_type`
  // ("trade", or "trade_hf" for an HF account). `done` gets everything that changed, in that order
  // (Changes::query_* empty: they were queried). `tracker` is used on the RestClient's strand and
  // must outlive the call. The first failed request ends it with its error.
  void reconcile(trading::OrderTracker& tracker, std::vector<std::string> symbols, std::string account_type,
                 RestHandler<trading::Changes> done);

  struct Stats {
    std::uint64_t placements_sent = 0;
    std::uint64_t placements_recovered = 0;  // answers lost, the order found by its clientOid
    std::uint64_t placements_resent = 0;     // answers lost, KuCoin did not have it: sent again
  };
  Stats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace kucoin::net
