// OrderTracker (kucoin/trading/order_tracker.hpp): scripted sequences of REST answers and private
// pushes, with a lost push, a duplicate, a late push and a placement whose answer never came; the
// fills reported add up to what KuCoin filled, each exactly once.
#include <gtest/gtest.h>

#include "kucoin/core/decimal.hpp"
#include "kucoin/trading/order_tracker.hpp"

namespace {

using namespace kucoin;
using namespace kucoin::trading;

Quantity q(std::int64_t raw, std::uint8_t dec = 1) { return Quantity{raw, dec}; }
Price p(std::int64_t raw, std::uint8_t dec = 1) { return Price{raw, dec}; }
Amount a(std::int64_t raw, std::uint8_t dec = 1) { return Amount{raw, dec}; }

OrderRequest limit_buy(std::string oid, Quantity size = q(10)) {
  OrderRequest r;
  r.client_oid = std::move(oid);
  r.symbol = "BTC-USDT";
  r.side = OrderSide::buy;
  r.type = OrderType::limit;
  r.price = p(300000);
  r.size = size;
  return r;
}

// A push of order `id` (clientOid `oid`) with cumulative `filled` of a size-10 order.
OrderChange push(OrderEventType type, Quantity filled, std::int64_t ts, std::string trade = "",
                 std::optional<Quantity> match = std::nullopt) {
  OrderChange c;
  c.symbol = "BTC-USDT";
  c.order_id = "o1";
  c.client_oid = "c1";
  c.side = OrderSide::buy;
  c.order_type = OrderType::limit;
  c.type = type;
  c.status = type == OrderEventType::match                                        ? OrderStatus::match
             : type == OrderEventType::filled || type == OrderEventType::canceled ? OrderStatus::done
                                                                                  : OrderStatus::open;
  c.price = p(300000);
  c.size = q(10);
  c.origin_size = q(10);
  c.filled_size = filled;
  c.remain_size = *(q(10) - filled);
  if (type == OrderEventType::match) {
    c.match_price = p(300000);
    c.match_size = match;
    c.trade_id = std::move(trade);
  }
  c.ts_ns = ts;
  return c;
}

Quantity total_filled(const std::vector<Fill>& fills) {
  Quantity sum;
  for (const Fill& f : fills) sum = *(sum + f.size);
  return sum;
}

void append(std::vector<Fill>& all, const Changes& c) { all.insert(all.end(), c.fills.begin(), c.fills.end()); }

TEST(OrderTracker, PlaceAnswerAndPushesInSequence) {
  OrderTracker t;
  ASSERT_TRUE(t.on_place(limit_buy("c1")));
  EXPECT_EQ(t.by_client_oid("c1")->state, OrderState::pending);
  Changes c = t.on_placed({"o1", "c1"});
  ASSERT_EQ(c.states.size(), 1u);
  EXPECT_EQ(c.states[0].to, OrderState::open);
  EXPECT_EQ(t.by_order_id("o1")->client_oid, "c1");

  std::vector<Fill> fills;
  EXPECT_TRUE(t.on_order_change(push(OrderEventType::open, q(0), 1)).empty());  // already open
  c = t.on_order_change(push(OrderEventType::match, q(4), 2, "t1", q(4)));
  append(fills, c);
  ASSERT_EQ(c.fills.size(), 1u);
  EXPECT_EQ(c.fills[0].size, q(4));
  EXPECT_EQ(c.fills[0].trade_id, "t1");
  EXPECT_EQ(c.fills[0].funds, a(1200000, 2));  // 30000.0 * 0.4
  ASSERT_EQ(c.states.size(), 1u);
  EXPECT_EQ(c.states[0].to, OrderState::partially_filled);

  c = t.on_order_change(push(OrderEventType::match, q(10), 3, "t2", q(6)));
  append(fills, c);
  EXPECT_EQ(t.by_order_id("o1")->state, OrderState::filled);  // remainSize 0: done even before "filled"
  c = t.on_order_change(push(OrderEventType::filled, q(10), 4));
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(total_filled(fills), q(10));
  EXPECT_EQ(t.by_order_id("o1")->filled_funds, a(300000, 1));  // 30000.0 * 1.0
  EXPECT_TRUE(t.live_orders().empty());
}

TEST(OrderTracker, DuplicateAndLatePushesChangeNothing) {
  OrderTracker t;
  ASSERT_TRUE(t.on_place(limit_buy("c1")));
  (void)t.on_placed({"o1", "c1"});
  std::vector<Fill> fills;
  const OrderChange m1 = push(OrderEventType::match, q(3), 2, "t1", q(3));
  append(fills, t.on_order_change(m1));
  EXPECT_TRUE(t.on_order_change(m1).empty()) << "a duplicate push is not a second fill";
  append(fills, t.on_order_change(push(OrderEventType::match, q(5), 3, "t2", q(2))));
  // The "open" push of long ago arrives late: no state goes back, no fill.
  EXPECT_TRUE(t.on_order_change(push(OrderEventType::open, q(0), 1)).empty());
  EXPECT_EQ(t.by_order_id("o1")->state, OrderState::partially_filled);
  EXPECT_EQ(total_filled(fills), q(5));
  ASSERT_EQ(fills.size(), 2u);

  // A duplicate without a cumulative size is still recognised by its tradeId.
  OrderChange bare = m1;
  bare.filled_size.reset();
  EXPECT_TRUE(t.on_order_change(bare).empty());
}

TEST(OrderTracker, LostMatchPushIsReportedByTheNextPush) {
  OrderTracker t;
  ASSERT_TRUE(t.on_place(limit_buy("c1")));
  (void)t.on_placed({"o1", "c1"});
  std::vector<Fill> fills;
  append(fills, t.on_order_change(push(OrderEventType::match, q(2), 2, "t1", q(2))));
  // t2 (3 more, to 5) is lost; t3 brings the total to 7.
  Changes c = t.on_order_change(push(OrderEventType::match, q(7), 4, "t3", q(2)));
  append(fills, c);
  ASSERT_EQ(c.fills.size(), 2u);
  EXPECT_EQ(c.fills[0].size, q(3));
  EXPECT_TRUE(c.fills[0].trade_id.empty());
  EXPECT_FALSE(c.fills[0].funds.has_value()) << "the lost part's price is not known";
  EXPECT_EQ(c.fills[1].size, q(2));
  EXPECT_EQ(c.fills[1].trade_id, "t3");
  EXPECT_EQ(total_filled(fills), q(7));
}

TEST(OrderTracker, ReconcileReportsFillsThePushesMissedOnce) {
  OrderTracker t;
  ASSERT_TRUE(t.on_place(limit_buy("c1")));
  (void)t.on_placed({"o1", "c1"});
  std::vector<Fill> fills;
  append(fills, t.on_order_change(push(OrderEventType::match, q(2), 2, "t1", q(2))));
  // The private connection drops; while it is down 4 more are filled. REST says 6 filled.
  OrderDetails d;
  d.order_id = "o1";
  d.client_oid = "c1";
  d.symbol = "BTC-USDT";
  d.side = OrderSide::buy;
  d.price = p(300000);
  d.size = q(10);
  d.deal_size = q(6);
  d.deal_funds = a(180000, 1);
  d.remain_size = q(4);
  d.active = true;
  d.in_order_book = true;
  Changes c = t.reconcile_orders("BTC-USDT", std::span<const OrderDetails>(&d, 1));
  append(fills, c);
  ASSERT_EQ(c.fills.size(), 1u);
  EXPECT_TRUE(c.fills[0].from_reconcile);
  EXPECT_EQ(c.fills[0].size, q(4));
  EXPECT_EQ(c.fills[0].funds, a(120000, 1));  // 18000.0 - 6000.0
  EXPECT_TRUE(c.query_order_ids.empty());
  // The missed push arrives late after the reconcile: already counted.
  EXPECT_TRUE(t.on_order_change(push(OrderEventType::match, q(6), 3, "t2", q(4))).fills.empty());
  // A second reconcile with the same truth reports nothing.
  EXPECT_TRUE(t.reconcile_orders("BTC-USDT", std::span<const OrderDetails>(&d, 1)).empty());
  EXPECT_EQ(total_filled(fills), q(6));

  // The order finished while nobody listened: not active any more, its details say filled.
  c = t.reconcile_orders("BTC-USDT", {});
  ASSERT_EQ(c.query_order_ids, std::vector<std::string>{"o1"});
  d.active = false;
  d.in_order_book = false;
  d.deal_size = q(10);
  d.deal_funds = a(300000, 1);
  d.remain_size = q(0);
  c = t.apply_details(d);
  append(fills, c);
  ASSERT_EQ(c.states.size(), 1u);
  EXPECT_EQ(c.states[0].to, OrderState::filled);
  EXPECT_TRUE(c.states[0].from_reconcile);
  EXPECT_EQ(total_filled(fills), q(10));
}

TEST(OrderTracker, PlacementTimeoutIsResolvedByClientOidNotByASecondOrder) {
  OrderTracker t;
  ASSERT_TRUE(t.on_place(limit_buy("c1")));
  EXPECT_FALSE(t.on_place(limit_buy("c1"))) << "a clientOid is used once";
  EXPECT_FALSE(t.on_place(limit_buy(""))) << "no clientOid, no safe retry";
  // The answer never came. KuCoin's active orders show no such order: ask by clientOid.
  Changes c = t.reconcile_orders("BTC-USDT", {});
  EXPECT_EQ(c.query_client_oids, std::vector<std::string>{"c1"});
  // ... or it does list it: the tracker links it instead of anyone placing it again.
  OrderDetails d;
  d.order_id = "o9";
  d.client_oid = "c1";
  d.symbol = "BTC-USDT";
  d.size = q(10);
  d.price = p(300000);
  d.active = true;
  c = t.reconcile_orders("BTC-USDT", std::span<const OrderDetails>(&d, 1));
  ASSERT_EQ(c.states.size(), 1u);
  EXPECT_EQ(c.states[0].to, OrderState::open);
  EXPECT_EQ(t.by_order_id("o9"), t.by_client_oid("c1"));
  EXPECT_EQ(t.order_count(), 1u);
  // A late answer to the placement changes nothing.
  EXPECT_TRUE(t.on_placed({"o9", "c1"}).empty());
}

TEST(OrderTracker, RefusedPlacementAndForeignOrders) {
  OrderTracker t;
  ASSERT_TRUE(t.on_place(limit_buy("c1")));
  Changes c = t.on_place_failed("c1", OrderRejection::insufficient_balance);
  ASSERT_EQ(c.states.size(), 1u);
  EXPECT_EQ(c.states[0].to, OrderState::rejected);
  EXPECT_EQ(t.by_client_oid("c1")->rejection, OrderRejection::insufficient_balance);
  // An order placed by another client of the account: tracked from its first push.
  OrderChange other = push(OrderEventType::open, q(0), 5);
  other.order_id = "x1";
  other.client_oid = "elsewhere";
  c = t.on_order_change(other);
  ASSERT_EQ(c.states.size(), 1u);
  EXPECT_EQ(t.by_order_id("x1")->symbol, "BTC-USDT");
  other.type = OrderEventType::canceled;
  other.canceled_size = q(10);
  c = t.on_order_change(other);
  EXPECT_EQ(t.by_order_id("x1")->state, OrderState::canceled);
  // Done is final: a late "open" does not reopen it.
  other.type = OrderEventType::open;
  EXPECT_TRUE(t.on_order_change(other).empty());
}

TEST(OrderTracker, BalancesFromPushesAndReconcile) {
  OrderTracker t;
  BalanceChange b;
  b.currency = "USDT";
  b.total = a(1000);
  b.available = a(900);
  b.hold = a(100);
  b.time_ms = 10;
  ASSERT_EQ(t.on_balance_change(b).balances.size(), 1u);
  EXPECT_TRUE(t.on_balance_change(b).empty()) << "duplicate";
  BalanceChange older = b;
  older.available = a(1);
  older.time_ms = 5;
  EXPECT_TRUE(t.on_balance_change(older).empty()) << "older than what was applied";
  EXPECT_EQ(t.balance("USDT")->available, a(900));

  // REST: USDT differs (a push was lost), BTC is new, the main account is ignored.
  const std::vector<Account> accounts = {
      {"1", "USDT", "trade", "100", "80", "20"},
      {"2", "BTC", "trade", "0.5", "0.5", "0"},
      {"3", "USDT", "main", "7", "7", "0"},
  };
  auto r = t.reconcile_balances(accounts, "trade");
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->balances.size(), 2u);
  EXPECT_EQ(r->balances[0].currency, "USDT");
  EXPECT_TRUE(r->balances[0].from_reconcile);
  EXPECT_EQ(r->balances[0].before->available, a(900));
  EXPECT_EQ(r->balances[0].after.available, a(80, 0));
  EXPECT_FALSE(r->balances[1].before.has_value());
  EXPECT_TRUE(t.reconcile_balances(accounts, "trade")->empty());

  const std::vector<Account> broken = {{"1", "USDT", "trade", "lots", "1", "0"}};
  auto bad = t.reconcile_balances(broken, "trade");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::bad_number);
  EXPECT_NE(bad.error().message.find("USDT"), std::string::npos);
  EXPECT_EQ(t.balance("USDT")->total, a(100, 0)) << "nothing changed by a refused reconcile";
}

}  // namespace
