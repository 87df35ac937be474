// RestService's HF order endpoints (kucoin-protocol.md §8.3): the request is decoded with the
// client's own codec, the Exchange decides, the answer is KuCoin's shape (order_codec.hpp) or its
// refusal (order_error.hpp). Runs under RestService's lock, after routing, the weight pools,
// the signature and the parameter checks.
#include <algorithm>

#include "kucoin/mock/rest_service.hpp"
#include "kucoin/protocol/order_error.hpp"

namespace kucoin::mock {

std::vector<PrivatePush> RestService::take_pushes(std::string_view key) {
  std::lock_guard lock(mu_);
  return exchange_.take_pushes(key);
}

std::vector<KeyPushes> RestService::take_all_pushes() {
  std::lock_guard lock(mu_);
  return exchange_.take_all_pushes();
}

std::vector<Account> RestService::trade_accounts(std::string_view key) const {
  std::lock_guard lock(mu_);
  bool hf = false;
  for (const ApiKeyConfig& k : config_.keys) hf = hf || (k.key == key && k.hf);
  return exchange_.accounts(key, hf ? "trade_hf" : "trade");
}

void RestService::feed_market_trades(std::int64_t now_ms) {
  for (const SymbolInfo& s : market_->symbols()) {
    const std::vector<Trade> trades = market_->trades(s.symbol);
    auto [it, first_look] = trades_fed_.try_emplace(s.symbol, 0);
    std::uint64_t newest = it->second;
    for (const Trade& t : trades) {
      // Trades from before the first look happened before any order here could rest.
      if (t.id > it->second && !first_look) exchange_.on_market_trade(s.symbol, t, now_ms);
      newest = std::max(newest, t.id);
    }
    it->second = newest;
  }
}

RestAnswer RestService::dispatch_trading(const RestRequest& req, std::string_view method, std::string_view path,
                                         std::string_view query, std::int64_t now_ms, const ApiKeyConfig& key) {
  feed_market_trades(now_ms);
  auto refused = [this](const Refusal& r, bool on_cancel) {
    const OrderErrorWire w = order_error_wire(r.why, on_cancel);
    if (config_.log) config_.log("order refused (" + std::string(to_string(r.why)) + "): " + r.detail);
    return error(w.http_status, w.code, w.msg);
  };
  const std::string symbol = query_param(query, "symbol");  // checked by check_parameters() for all but POST
  const std::string_view by_oid = order_paths::kByClientOid;
  const std::string_view by_id = order_paths::kById;
  RestAnswer a;
  a.code = "200000";
  if (method == "POST") {  // place, test, sync
    auto order = order_decoder_.order_request(req.body);
    if (!order) return error(400, "400100", order.error().message);
    const L2Snapshot book = market_->peek(order->symbol).value_or(L2Snapshot{});
    auto placed = exchange_.place(key.key, *order, book, now_ms, path == order_paths::kOrdersTest);
    if (!placed) return refused(placed.error(), false);
    encode_placed_order(*placed, a.body);
  } else if (method == "DELETE") {
    if (path == order_paths::kOrders) {
      exchange_.cancel_all(key.key, symbol, now_ms);
      encode_canceled_all(a.body);
    } else {
      const bool oid = path.starts_with(by_oid);
      const std::string ref = percent_decode(path.substr(oid ? by_oid.size() : by_id.size()));
      auto canceled = oid ? exchange_.cancel_by_client_oid(key.key, symbol, ref, now_ms)
                          : exchange_.cancel_by_id(key.key, symbol, ref, now_ms);
      if (!canceled) return refused(canceled.error(), true);
      encode_canceled_order(*canceled, a.body);
    }
  } else if (path == order_paths::kActive) {
    encode_active_orders(exchange_.active_orders(key.key, symbol), a.body);
  } else {
    const bool oid = path.starts_with(by_oid);
    const std::string ref = percent_decode(path.substr(oid ? by_oid.size() : by_id.size()));
    auto order = oid ? exchange_.order_by_client_oid(key.key, ref) : exchange_.order_by_id(key.key, ref);
    if (!order || order->symbol != symbol) return refused(Refusal{OrderRejection::order_not_found, ref}, false);
    encode_order_details(*order, a.body);
  }
  return a;
}

}  // namespace kucoin::mock
