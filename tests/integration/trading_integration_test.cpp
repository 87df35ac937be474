// Trading on loopback: the real TradingClient (over the real RestClient) against the shipped mock
// server's HF order endpoints and exchange, plain HTTP and TLS. Places, queries by clientOid,
// cancels, gets KuCoin's refusals as typed errors, recovers a placement whose answer was lost
// without placing it twice, and ends with the client's balances equal to the mock's.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "harness.hpp"
#include "kucoin/core/decimal.hpp"
#include "kucoin/mock/config_yaml.hpp"
#include "kucoin/net/trading_client.hpp"
#include "kucoin/protocol/order_error.hpp"
#include "kucoin/trading/order_tracker.hpp"

namespace kucoin::testing {
namespace {

using namespace std::chrono_literals;
using net::RestClient;
using net::TradingClient;

class Trading : public ::testing::TestWithParam<bool> {
 protected:
  bool tls() const { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(PlainAndTls, Trading, ::testing::Values(false, true), [](const auto& param_info) {
  return param_info.param ? std::string("tls") : std::string("http");
});

Price price_of(std::string_view s) {
  auto d = parse_decimal(s);
  return Price{d->raw, d->decimals};
}

OrderRequest limit_buy(std::string oid, Price price, std::string_view size) {
  OrderRequest r;
  r.client_oid = std::move(oid);
  r.symbol = "BTC-USDT";
  r.side = OrderSide::buy;
  r.type = OrderType::limit;
  r.price = price;
  auto s = parse_decimal(size);
  r.size = Quantity{s->raw, s->decimals};
  return r;
}

// The best bid of BTC-USDT now, 10.0 lower: a buy there rests.
Price resting_buy_price(Harness& h, RestClient& client) {
  auto book = h.await<L2Snapshot>([&](auto done) { client.level2_20("BTC-USDT", SymbolScale{1, 8}, done); });
  EXPECT_TRUE(book) << book.error();
  if (!book || book->bids.empty()) return price_of("20000");
  const Price best = book->bids.front().price;
  auto p = rescale(best.raw, best.decimals, 1);
  EXPECT_TRUE(p) << "the mock's prices are on its 0.1 tick";
  return Price{p.value_or(200000) - 100, 1};
}

// Client and mock agree on every trade account of the key.
void expect_balances_equal(Harness& h, RestClient& client) {
  auto mine = h.await<std::vector<Account>>([&](auto done) { client.accounts({"", "trade"}, done); });
  ASSERT_TRUE(mine) << mine.error();
  trading::OrderTracker tracker;
  ASSERT_TRUE(tracker.reconcile_balances(*mine, "trade"));
  auto diff = tracker.reconcile_balances(h.server->rest().trade_accounts(std::string(kKey)), "trade");
  ASSERT_TRUE(diff) << diff.error();
  EXPECT_TRUE(diff->balances.empty()) << "the client's " << diff->balances.front().currency
                                      << " differs from the mock's";
}

TEST_P(Trading, PlaceQueryCancelAndBalances) {
  Harness h(tls());
  RestClient client(h.io, h.options());
  TradingClient trading(client);

  auto hf = h.await<bool>([&](auto done) { trading.hf_account_opened(done); });
  ASSERT_TRUE(hf) << hf.error();
  EXPECT_FALSE(*hf);

  const Price price = resting_buy_price(h, client);
  auto placed = h.await<PlacedOrder>([&](auto done) { trading.place_order(limit_buy("it-1", price, "0.01"), done); });
  ASSERT_TRUE(placed) << placed.error();
  EXPECT_EQ(placed->client_oid, "it-1");
  EXPECT_FALSE(placed->order_id.empty());

  auto by_oid = h.await<OrderDetails>([&](auto done) { trading.order_by_client_oid("BTC-USDT", "it-1", done); });
  ASSERT_TRUE(by_oid) << by_oid.error();
  EXPECT_EQ(by_oid->order_id, placed->order_id);
  EXPECT_EQ(by_oid->price, price);
  EXPECT_TRUE(by_oid->active);
  auto active = h.await<std::vector<OrderDetails>>([&](auto done) { trading.active_orders("BTC-USDT", done); });
  ASSERT_TRUE(active) << active.error();
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ(active->front().client_oid, "it-1");
  expect_balances_equal(h, client);

  // KuCoin's refusals, typed.
  auto off_tick = h.await<PlacedOrder>([&](auto done) {
    trading.place_order(limit_buy("it-2", Price{price.raw * 10 + 5, 2}, "0.01"), done);
  });
  ASSERT_FALSE(off_tick);
  EXPECT_EQ(order_rejection(off_tick.error()), OrderRejection::price_increment) << off_tick.error();
  auto twice = h.await<PlacedOrder>([&](auto done) { trading.place_order(limit_buy("it-1", price, "0.01"), done); });
  ASSERT_FALSE(twice);
  EXPECT_EQ(order_rejection(twice.error()), OrderRejection::duplicate_client_oid) << twice.error();
  auto too_big = h.await<PlacedOrder>([&](auto done) { trading.place_order(limit_buy("it-3", price, "100"), done); });
  ASSERT_FALSE(too_big);
  EXPECT_EQ(order_rejection(too_big.error()), OrderRejection::insufficient_balance) << too_big.error();
  auto tested = h.await<PlacedOrder>([&](auto done) { trading.test_order(limit_buy("it-4", price, "0.01"), done); });
  ASSERT_TRUE(tested) << tested.error();

  auto canceled =
      h.await<CanceledOrder>([&](auto done) { trading.cancel_order_by_client_oid("BTC-USDT", "it-1", done); });
  ASSERT_TRUE(canceled) << canceled.error();
  EXPECT_EQ(canceled->client_oid, "it-1");
  auto again = h.await<CanceledOrder>([&](auto done) { trading.cancel_order("BTC-USDT", placed->order_id, done); });
  ASSERT_FALSE(again);
  EXPECT_EQ(order_rejection(again.error()), OrderRejection::order_not_found) << again.error();
  auto after = h.await<OrderDetails>([&](auto done) { trading.order("BTC-USDT", placed->order_id, done); });
  ASSERT_TRUE(after) << after.error();
  EXPECT_FALSE(after->active);
  EXPECT_EQ(after->canceled_size, by_oid->size);

  // A market buy by funds takes the mock's asks at once.
  OrderRequest market;
  market.client_oid = "it-5";
  market.symbol = "BTC-USDT";
  market.side = OrderSide::buy;
  market.type = OrderType::market;
  market.funds = Amount{50, 0};
  auto bought = h.await<PlacedOrder>([&](auto done) { trading.place_order(market, done); });
  ASSERT_TRUE(bought) << bought.error();
  auto filled = h.await<OrderDetails>([&](auto done) { trading.order_by_client_oid("BTC-USDT", "it-5", done); });
  ASSERT_TRUE(filled) << filled.error();
  EXPECT_FALSE(filled->active);
  EXPECT_FALSE(filled->deal_size.is_zero());
  auto none = h.await<void>([&](auto done) { trading.cancel_all_orders("BTC-USDT", done); });
  ASSERT_TRUE(none) << none.error();
  expect_balances_equal(h, client);
  EXPECT_EQ(trading.stats().placements_recovered, 0u);
}

TEST_P(Trading, LostPlacementAnswerIsRecoveredByClientOidNotPlacedTwice) {
  Harness h(tls());
  auto options = h.options();
  options.http.timeouts.read = 400ms;
  RestClient client(h.io, options);
  TradingClient trading(client);
  const Price price = resting_buy_price(h, client);

  // The mock accepts the order but answers after 3 s: the client gives up reading at 0.4 s.
  mock::RestFault late;
  late.path = "/api/v1/hf/orders";
  late.method = "POST";
  late.code = "200000";
  late.delay_ms = 3'000;
  h.server->rest().add_fault(late);
  auto placed = h.await<PlacedOrder>([&](auto done) { trading.place_order(limit_buy("lost-1", price, "0.01"), done); });
  ASSERT_TRUE(placed) << placed.error();
  EXPECT_EQ(trading.stats().placements_recovered, 1u);
  EXPECT_EQ(trading.stats().placements_sent, 1u);
  auto active = h.await<std::vector<OrderDetails>>([&](auto done) { trading.active_orders("BTC-USDT", done); });
  ASSERT_TRUE(active) << active.error();
  ASSERT_EQ(active->size(), 1u) << "one order, not two";
  EXPECT_EQ(active->front().order_id, placed->order_id);

  // The connection closes before the mock handled the request: KuCoin never had it, so it is
  // sent again, once.
  h.server->rest().clear_faults();
  mock::RestFault cut;
  cut.path = "/api/v1/hf/orders";
  cut.method = "POST";
  cut.close_connection = true;
  h.server->rest().add_fault(cut);
  auto second = h.await<PlacedOrder>([&](auto done) { trading.place_order(limit_buy("lost-2", price, "0.01"), done); });
  ASSERT_TRUE(second) << second.error();
  EXPECT_EQ(trading.stats().placements_resent, 1u);
  active = h.await<std::vector<OrderDetails>>([&](auto done) { trading.active_orders("BTC-USDT", done); });
  ASSERT_TRUE(active) << active.error();
  EXPECT_EQ(active->size(), 2u);
  expect_balances_equal(h, client);
}

TEST_P(Trading, ReconcileReportsFillsTheApplicationNeverHeardOf) {
  Harness h(tls());
  RestClient client(h.io, h.options());
  TradingClient trading(client);
  trading::OrderTracker tracker;
  // A buy well above the market: filled at once. No private push reaches this client.
  auto book = h.await<L2Snapshot>([&](auto done) { client.level2_20("BTC-USDT", SymbolScale{1, 8}, done); });
  ASSERT_TRUE(book) << book.error();
  const Price ask = book->asks.front().price;
  const OrderRequest taker =
      limit_buy("r-1", Price{ask.raw + 100 * static_cast<std::int64_t>(kPow10[ask.decimals]), ask.decimals}, "0.001");
  ASSERT_TRUE(tracker.on_place(taker));
  auto placed = h.await<PlacedOrder>([&](auto done) { trading.place_order(taker, done); });
  ASSERT_TRUE(placed) << placed.error();
  (void)tracker.on_placed(*placed);
  EXPECT_EQ(tracker.by_client_oid("r-1")->state, trading::OrderState::open);
  // A placement the application recorded but that never reached KuCoin (the process died first).
  ASSERT_TRUE(tracker.on_place(limit_buy("r-2", price_of("20000"), "0.001")));

  auto changes = h.await<trading::Changes>([&](auto done) { trading.reconcile(tracker, {"BTC-USDT"}, "trade", done); });
  ASSERT_TRUE(changes) << changes.error();
  ASSERT_EQ(changes->fills.size(), 1u);
  EXPECT_TRUE(changes->fills[0].from_reconcile);
  EXPECT_EQ(changes->fills[0].client_oid, "r-1");
  EXPECT_EQ(changes->fills[0].size, taker.size.value());
  EXPECT_EQ(tracker.by_client_oid("r-1")->state, trading::OrderState::filled);
  EXPECT_EQ(tracker.by_client_oid("r-2")->state, trading::OrderState::rejected);
  EXPECT_EQ(tracker.by_client_oid("r-2")->rejection, OrderRejection::order_not_found);
  EXPECT_FALSE(changes->balances.empty());
  EXPECT_TRUE(changes->query_order_ids.empty());
  auto usdt = tracker.balance("USDT");
  ASSERT_TRUE(usdt.has_value());
  auto mock_accounts = h.server->rest().trade_accounts(std::string(kKey));
  auto diff = tracker.reconcile_balances(mock_accounts, "trade");
  ASSERT_TRUE(diff) << diff.error();
  EXPECT_TRUE(diff->empty()) << "the tracker holds the mock's balances";

  // Nothing changed since: a second reconcile reports nothing.
  auto again = h.await<trading::Changes>([&](auto done) { trading.reconcile(tracker, {"BTC-USDT"}, "trade", done); });
  ASSERT_TRUE(again) << again.error();
  EXPECT_TRUE(again->empty());
}

TEST(TradingConfig, BalancesPerKeyFromTheServeYaml) {
  const std::string yaml = "keys:\n  - { key: " + std::string(kKey) + ", secret: " + std::string(kSecret) +
                           ", passphrase: \"" + std::string(kPassphrase) +
                           "\", version: 2, balances: { USDT: \"500\", BTC: \"0.002\" } }\n";
  auto cfg = mock::load_mock_config_yaml(yaml);
  ASSERT_TRUE(cfg) << cfg.error();
  Harness h(false, std::move(*cfg));
  RestClient client(h.io, h.options());
  TradingClient trading(client);
  auto refused = h.await<PlacedOrder>(
      [&](auto done) { trading.place_order(limit_buy("y-1", price_of("20000"), "0.03"), done); });  // 600 USDT
  ASSERT_FALSE(refused);
  EXPECT_EQ(order_rejection(refused.error()), OrderRejection::insufficient_balance) << refused.error();
  auto placed = h.await<PlacedOrder>(
      [&](auto done) { trading.place_order(limit_buy("y-2", price_of("20000"), "0.001"), done); });  // 20 USDT
  ASSERT_TRUE(placed) << placed.error();
  auto usdt = h.await<std::vector<Account>>([&](auto done) { client.accounts({"USDT", "trade"}, done); });
  ASSERT_TRUE(usdt) << usdt.error();
  ASSERT_EQ(usdt->size(), 1u);
  EXPECT_EQ(usdt->front().available, "480");
  EXPECT_EQ(usdt->front().holds, "20");
  expect_balances_equal(h, client);

  auto bad = mock::load_mock_config_yaml("keys:\n  - { key: k, secret: s, passphrase: p, balances: { USDT: lots } }\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("USDT"), std::string::npos) << bad.error();
}

}  // namespace
}  // namespace kucoin::testing
