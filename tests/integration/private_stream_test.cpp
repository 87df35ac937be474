// PrivateStream on loopback against the shipped mock: pushes of the private channels feed the
// OrderTracker; a fill whose push is lost (the private connection is down when it happens) is
// reported once, by the reconcile after the reconnect; reconnecting again reports nothing twice.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kucoin/core/decimal.hpp"
#include "kucoin/net/private_stream.hpp"
#include "kucoin/net/trading_client.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

using net::PrivateChangeSource;
using net::PrivateStream;
using net::TradingClient;

struct ReportedFill {
  trading::Fill fill;
  PrivateChangeSource source;
};

OrderRequest taker_buy(std::string oid, Price best_ask) {
  OrderRequest r;
  r.client_oid = std::move(oid);
  r.symbol = "BTC-USDT";
  r.side = OrderSide::buy;
  r.type = OrderType::limit;
  r.price = Price{best_ask.raw + 10 * static_cast<std::int64_t>(kPow10[best_ask.decimals]), best_ask.decimals};
  r.size = Quantity{1, 3};
  return r;
}

TEST(PrivateStream, AFillWhosePushWasLostIsReportedOnceByTheReconcileAfterTheReconnect) {
  WsHarness h(false);
  TradingClient trading(*h.rest);
  trading::OrderTracker tracker;
  std::vector<ReportedFill> fills;
  std::vector<std::string> errors;
  net::PrivateStreamOptions options;
  options.ws = h.options();
  net::PrivateStreamHandlers handlers;
  handlers.on_changes = [&](const trading::Changes& c, PrivateChangeSource source) {
    for (const trading::Fill& f : c.fills) fills.push_back({f, source});
  };
  handlers.on_reconcile_error = [&](const ApiError& e) { errors.push_back(e.describe()); };
  handlers.on_bad_push = [&](const Error& e) { errors.push_back(e.describe()); };
  PrivateStream stream(h.base->io, *h.rest, trading, tracker, options, handlers);
  ASSERT_TRUE(stream.start());
  ASSERT_TRUE(h.run_until([&] { return stream.stats().reconciles == 1; }, 5'000ms, "the first reconcile"));

  auto book = h.base->await<L2Snapshot>([&](auto done) { h.rest->level2_20("BTC-USDT", SymbolScale{1, 8}, done); });
  ASSERT_TRUE(book) << book.error();
  ASSERT_FALSE(book->asks.empty());
  auto place = [&](const OrderRequest& order) {
    ASSERT_TRUE(tracker.on_place(order));
    auto placed = h.base->await<PlacedOrder>([&](auto done) { trading.place_order(order, done); });
    ASSERT_TRUE(placed) << placed.error();
    (void)tracker.on_placed(*placed);
  };

  // Connected: the fill arrives as a push.
  place(taker_buy("live-1", book->asks.front().price));
  ASSERT_TRUE(h.run_until([&] { return !fills.empty(); }, 5'000ms, "the pushed fill"));
  EXPECT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].fill.client_oid, "live-1");
  EXPECT_EQ(fills[0].source, PrivateChangeSource::push);
  EXPECT_FALSE(fills[0].fill.from_reconcile);

  // The private connection is cut; its next token comes 1 s late, so the fill happens while no
  // private session of the key listens: the mock drops its pushes, as KuCoin does.
  mock::RestFault late_token;
  late_token.path = "/api/v1/bullet-private";
  late_token.code = "200000";
  late_token.delay_ms = 1'000;
  h.server().rest().add_fault(late_token);
  h.server().drop_ws_connections();
  ASSERT_TRUE(h.run_until([&] { return stream.stats().connections_lost == 1; }, 5'000ms, "the connection lost"));
  const std::uint64_t pushes_before = stream.stats().pushes;
  place(taker_buy("lost-1", book->asks.front().price));
  ASSERT_TRUE(h.run_until([&] { return stream.stats().reconciles == 2; }, 10'000ms, "the reconcile after reconnect"));
  EXPECT_EQ(stream.stats().pushes, pushes_before) << "the fill's pushes were sent to no one";
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[1].fill.client_oid, "lost-1");
  EXPECT_EQ(fills[1].source, PrivateChangeSource::reconcile);
  EXPECT_TRUE(fills[1].fill.from_reconcile);
  EXPECT_EQ(fills[1].fill.size, (Quantity{1, 3}));
  EXPECT_EQ(tracker.by_client_oid("lost-1")->state, trading::OrderState::filled);

  // Another reconnect: the reconcile finds nothing new; no fill is reported twice.
  h.server().drop_ws_connections();
  ASSERT_TRUE(h.run_until([&] { return stream.stats().reconciles == 3; }, 10'000ms, "the next reconcile"));
  EXPECT_EQ(fills.size(), 2u);
  EXPECT_TRUE(errors.empty()) << errors.front();

  // The tracker ends with the mock's balances.
  auto diff = tracker.reconcile_balances(h.server().rest().trade_accounts(std::string(kKey)), "trade");
  ASSERT_TRUE(diff) << diff.error();
  EXPECT_TRUE(diff->balances.empty()) << "the tracker's " << diff->balances.front().currency << " differs";
  stream.stop();
}

// The private token expires (KuCoin's 401 "token is expired" frame, then the close): the stream
// comes back on a fresh bullet-private token, and the fill made while it was away is reported by
// the reconcile, once.
TEST(PrivateStream, APrivateTokenExpiryIsFollowedByAFreshTokenAndAReconcile) {
  WsHarness h(false);
  WsRecorder states;  // the private connection's states, through the stream's handler
  TradingClient trading(*h.rest);
  trading::OrderTracker tracker;
  std::vector<ReportedFill> fills;
  net::PrivateStreamOptions options;
  options.ws = h.options();
  net::PrivateStreamHandlers handlers;
  handlers.on_changes = [&](const trading::Changes& c, PrivateChangeSource source) {
    for (const trading::Fill& f : c.fills) fills.push_back({f, source});
  };
  handlers.on_state = states.handlers().on_state;
  PrivateStream stream(h.base->io, *h.rest, trading, tracker, options, handlers);
  ASSERT_TRUE(stream.start());
  ASSERT_TRUE(h.run_until([&] { return stream.stats().reconciles == 1; }, 5'000ms, "the first reconcile"));
  auto book = h.base->await<L2Snapshot>([&](auto done) { h.rest->level2_20("BTC-USDT", SymbolScale{1, 8}, done); });
  ASSERT_TRUE(book) << book.error();
  ASSERT_FALSE(book->asks.empty());

  mock::RestFault late_token;
  late_token.path = "/api/v1/bullet-private";
  late_token.code = "200000";
  late_token.delay_ms = 1'000;
  h.server().rest().add_fault(late_token);
  h.server().expire_tokens();
  ASSERT_TRUE(h.run_until([&] { return stream.stats().connections_lost == 1; }, 5'000ms, "the expired connection"));
  EXPECT_EQ(states.count_state(net::WsState::reconnecting, WsReason::token_expired), 1u) << states.describe_states();
  const OrderRequest order = taker_buy("while-expired", book->asks.front().price);
  ASSERT_TRUE(tracker.on_place(order));
  auto placed = h.base->await<PlacedOrder>([&](auto done) { trading.place_order(order, done); });
  ASSERT_TRUE(placed) << placed.error();
  (void)tracker.on_placed(*placed);
  ASSERT_TRUE(h.run_until([&] { return stream.stats().reconciles == 2; }, 10'000ms, "the reconcile after expiry"));
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].fill.client_oid, "while-expired");
  EXPECT_EQ(fills[0].source, PrivateChangeSource::reconcile);
  EXPECT_EQ(stream.stats().pushes, 0u) << "the fill's pushes reached no one";
  const auto records = h.server().ws_connections();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].private_token && records[1].private_token);
  EXPECT_NE(records[0].token, records[1].token) << "a fresh token";
  stream.stop();
}

}  // namespace
}  // namespace kucoin::testing
