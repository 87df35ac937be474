// The mock's exchange (kucoin/mock/exchange.hpp): validation with KuCoin's refusals, holds,
// fills against the market's book and by market trades, cancels, and the private pushes, which,
// encoded and decoded like on the wire and applied to the client's OrderTracker, leave the client
// with exactly the exchange's fills and balances.
#include <gtest/gtest.h>

#include "kucoin/core/decimal.hpp"
#include "kucoin/mock/exchange.hpp"
#include "kucoin/mock/market.hpp"
#include "kucoin/protocol/order_codec.hpp"
#include "kucoin/protocol/ws_codec.hpp"
#include "kucoin/trading/order_tracker.hpp"

namespace {

using namespace kucoin;
using kucoin::mock::Exchange;

Price px(std::string_view s) {
  auto d = parse_decimal(s);
  return Price{d->raw, d->decimals};
}
Quantity qty(std::string_view s) {
  auto d = parse_decimal(s);
  return Quantity{d->raw, d->decimals};
}
Amount amt(std::string_view s) {
  auto d = parse_decimal(s);
  return Amount{d->raw, d->decimals};
}

std::vector<SymbolInfo> listing() {
  mock::GeneratorConfig g;
  return {mock::default_symbol_setup("BTC-USDT", g)};  // priceIncrement 0.1, baseIncrement 1e-8, min 0.00001
}

L2Snapshot book() {
  L2Snapshot b;
  b.sequence = 7;
  b.asks = {{px("30000.5"), qty("0.5")}, {px("30001"), qty("1")}};
  b.bids = {{px("29999.5"), qty("0.3")}, {px("29990"), qty("2")}};
  return b;
}

OrderRequest limit(std::string oid, OrderSide side, std::string_view price, std::string_view size) {
  OrderRequest r;
  r.client_oid = std::move(oid);
  r.symbol = "BTC-USDT";
  r.side = side;
  r.type = OrderType::limit;
  r.price = px(price);
  r.size = qty(size);
  return r;
}

Amount balance_of(const Exchange& ex, std::string_view key, std::string_view currency, bool hold = false) {
  for (const Account& a : ex.accounts(key)) {
    if (a.currency == currency) return amt(hold ? a.holds : a.available);
  }
  return Amount{};
}

// The pushes as the client receives them: encoded as frames, decoded, applied to a tracker.
struct Client {
  trading::OrderTracker tracker;
  OrderDecoder orders;
  WsDecoder ws;
  std::vector<trading::Fill> fills;

  void receive(Exchange& ex, std::string_view key) {
    for (const mock::PrivatePush& p : ex.take_pushes(key)) {
      std::string frame;
      if (const auto* c = std::get_if<OrderChange>(&p)) {
        encode_order_change_frame(*c, ex.user_id(key), frame);
      } else {
        encode_balance_change_frame(std::get<BalanceChange>(p), ex.user_id(key), frame);
      }
      auto f = ws.decode_server(frame);
      ASSERT_TRUE(f) << f.error();
      const auto& m = std::get<DataMessage>(*f);
      trading::Changes changes;
      if (m.topic == "/spotMarket/tradeOrdersV2") {
        auto c = orders.order_change(m.data);
        ASSERT_TRUE(c) << c.error();
        changes = tracker.on_order_change(*c);
      } else {
        auto b = orders.balance_change(m.data);
        ASSERT_TRUE(b) << b.error();
        changes = tracker.on_balance_change(*b);
      }
      fills.insert(fills.end(), changes.fills.begin(), changes.fills.end());
    }
  }
};

TEST(MockExchange, RefusesWhatKuCoinRefuses) {
  mock::ExchangeConfig cfg;
  cfg.max_open_orders = 2;
  Exchange ex(listing(), cfg);
  ex.set_balance("k", "USDT", amt("1000"));
  ex.set_balance("k", "BTC", amt("0.01"));
  auto refused = [&](OrderRequest r) {
    auto p = ex.place("k", r, book(), 1000);
    return p ? OrderRejection::none : p.error().why;
  };
  EXPECT_EQ(refused(limit("a", OrderSide::buy, "29000.05", "0.001")), OrderRejection::price_increment);
  EXPECT_EQ(refused(limit("b", OrderSide::buy, "29000", "0.000000001")), OrderRejection::size_increment);
  EXPECT_EQ(refused(limit("c", OrderSide::buy, "29000", "0.000001")), OrderRejection::below_min_size);
  EXPECT_EQ(refused(limit("d", OrderSide::buy, "29000", "1")), OrderRejection::insufficient_balance);
  EXPECT_EQ(refused(limit("e", OrderSide::sell, "31000", "0.02")), OrderRejection::insufficient_balance);
  OrderRequest funds;
  funds.client_oid = "f";
  funds.symbol = "BTC-USDT";
  funds.type = OrderType::market;
  funds.funds = amt("0.05");
  EXPECT_EQ(refused(funds), OrderRejection::below_min_size);
  OrderRequest unknown = limit("g", OrderSide::buy, "1", "1");
  unknown.symbol = "NOPE-USDT";
  EXPECT_EQ(refused(unknown), OrderRejection::invalid_order);
  EXPECT_TRUE(ex.take_pushes("k").empty()) << "a refused order leaves no trace";

  // /hf/orders/test validates without placing.
  auto t = ex.place("k", limit("x", OrderSide::sell, "31000", "0.001"), book(), 1000, true);
  ASSERT_TRUE(t);
  EXPECT_FALSE(ex.order_by_client_oid("k", "x").has_value());
  EXPECT_TRUE(ex.take_pushes("k").empty());
  EXPECT_EQ(refused(limit("h", OrderSide::buy, "29000", "0.001")), OrderRejection::none);
  EXPECT_EQ(refused(limit("h", OrderSide::buy, "29000", "0.001")), OrderRejection::duplicate_client_oid);
  EXPECT_EQ(refused(limit("i", OrderSide::buy, "29000", "0.001")), OrderRejection::none);
  EXPECT_EQ(refused(limit("j", OrderSide::buy, "29000", "0.001")), OrderRejection::too_many_orders);
  EXPECT_EQ(ex.active_orders("k", "BTC-USDT").size(), 2u);
}

TEST(MockExchange, RestingOrderHoldsAndFillsWhenTheMarketTradesThroughIt) {
  Exchange ex(listing());
  ex.set_balance("k", "USDT", amt("10000"));
  Client client;
  auto placed = ex.place("k", limit("c1", OrderSide::buy, "29000", "0.1"), book(), 1000);
  ASSERT_TRUE(placed);
  EXPECT_EQ(placed->client_oid, "c1");
  EXPECT_EQ(balance_of(ex, "k", "USDT"), amt("7100"));
  EXPECT_EQ(balance_of(ex, "k", "USDT", true), amt("2900"));
  const auto active = ex.active_orders("k", "BTC-USDT");
  ASSERT_EQ(active.size(), 1u);
  EXPECT_TRUE(active[0].in_order_book);
  ASSERT_TRUE(client.tracker.on_place(limit("c1", OrderSide::buy, "29000", "0.1")));
  (void)client.tracker.on_placed(*placed);
  client.receive(ex, "k");
  EXPECT_EQ(client.tracker.by_order_id(placed->order_id)->state, trading::OrderState::open);

  // A seller hits bids down to 29000.0 for 0.04: the resting buy is reached.
  mock::Trade trade;
  trade.taker_side = Side::ask;
  trade.price = px("29000");
  trade.size = qty("0.04");
  ex.on_market_trade("BTC-USDT", trade, 2000);
  trade.price = px("28000");
  trade.taker_side = Side::bid;  // a buyer's trade never fills a resting buy, whatever its price
  ex.on_market_trade("BTC-USDT", trade, 2001);
  auto d = ex.order_by_id("k", placed->order_id);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->deal_size, qty("0.04"));
  EXPECT_EQ(d->remain_size, qty("0.06"));
  client.receive(ex, "k");
  EXPECT_EQ(client.tracker.by_order_id(placed->order_id)->state, trading::OrderState::partially_filled);

  trade.taker_side = Side::ask;
  trade.price = px("28000");
  trade.size = qty("5");
  ex.on_market_trade("BTC-USDT", trade, 3000);
  d = ex.order_by_id("k", placed->order_id);
  EXPECT_FALSE(d->active);
  EXPECT_EQ(d->deal_size, qty("0.1"));
  EXPECT_EQ(d->deal_funds, amt("2900")) << "a maker fills at its own price";
  EXPECT_EQ(balance_of(ex, "k", "USDT"), amt("7100"));
  EXPECT_EQ(balance_of(ex, "k", "USDT", true), amt("0"));
  EXPECT_EQ(balance_of(ex, "k", "BTC"), amt("0.1"));

  client.receive(ex, "k");
  const auto* o = client.tracker.by_order_id(placed->order_id);
  EXPECT_EQ(o->state, trading::OrderState::filled);
  EXPECT_EQ(o->filled, qty("0.1"));
  ASSERT_EQ(client.fills.size(), 2u);
  EXPECT_EQ(client.fills[0].size, qty("0.04"));
  // The client's balances are the exchange's.
  auto r = client.tracker.reconcile_balances(ex.accounts("k"), "trade");
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->balances.empty()) << r->balances.front().currency;
}

TEST(MockExchange, CrossingOrdersTakeTheBook) {
  Exchange ex(listing());
  ex.set_balance("k", "USDT", amt("100000"));
  ex.set_balance("k", "BTC", amt("1"));
  Client client;

  // A limit buy through two ask levels: 0.5 @ 30000.5 and 0.5 @ 30001.
  auto p = ex.place("k", limit("c1", OrderSide::buy, "30001", "1"), book(), 1000);
  ASSERT_TRUE(p);
  auto d = ex.order_by_id("k", p->order_id);
  EXPECT_FALSE(d->active);
  EXPECT_EQ(d->deal_funds, amt("30000.75"));
  EXPECT_EQ(balance_of(ex, "k", "USDT"), amt("69999.25"));
  EXPECT_EQ(balance_of(ex, "k", "USDT", true), amt("0"));
  EXPECT_EQ(balance_of(ex, "k", "BTC"), amt("2"));

  // A limit sell partly crossing: 0.3 @ 29999.5 taken, the rest rests at 29999.5.
  p = ex.place("k", limit("c2", OrderSide::sell, "29999.5", "0.5"), book(), 1001);
  ASSERT_TRUE(p);
  d = ex.order_by_id("k", p->order_id);
  EXPECT_TRUE(d->in_order_book);
  EXPECT_EQ(d->deal_size, qty("0.3"));
  EXPECT_EQ(balance_of(ex, "k", "BTC", true), amt("0.2"));

  // IOC: the rest is canceled; postOnly that would take: canceled with nothing filled; FOK short: same.
  OrderRequest ioc = limit("c3", OrderSide::buy, "30000.5", "2");
  ioc.time_in_force = TimeInForce::ioc;
  p = ex.place("k", ioc, book(), 1002);
  ASSERT_TRUE(p) << p.error().detail;
  d = ex.order_by_id("k", p->order_id);
  EXPECT_EQ(d->deal_size, qty("0.5"));
  EXPECT_EQ(d->canceled_size, qty("1.5"));
  OrderRequest post = limit("c4", OrderSide::buy, "30001", "0.1");
  post.post_only = true;
  p = ex.place("k", post, book(), 1003);
  ASSERT_TRUE(p) << p.error().detail;
  d = ex.order_by_id("k", p->order_id);
  EXPECT_FALSE(d->active);
  EXPECT_TRUE(d->deal_size.is_zero());
  OrderRequest fok = limit("c5", OrderSide::buy, "30001", "2");  // 1.5 on offer up to 30001
  fok.time_in_force = TimeInForce::fok;
  p = ex.place("k", fok, book(), 1004);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_TRUE(ex.order_by_id("k", p->order_id)->deal_size.is_zero());

  // Market buy by funds: whole base increments at 30000.5 for at most 100 USDT.
  OrderRequest mkt;
  mkt.client_oid = "c6";
  mkt.symbol = "BTC-USDT";
  mkt.side = OrderSide::buy;
  mkt.type = OrderType::market;
  mkt.funds = amt("100");
  const Amount usdt_before = balance_of(ex, "k", "USDT");
  p = ex.place("k", mkt, book(), 1005);
  ASSERT_TRUE(p) << p.error().detail;
  d = ex.order_by_id("k", p->order_id);
  EXPECT_EQ(d->deal_size, qty("0.00333327"));
  EXPECT_LE(d->deal_funds, amt("100"));
  EXPECT_EQ(*(usdt_before - balance_of(ex, "k", "USDT")), d->deal_funds);

  // Market sell by size into the bids.
  OrderRequest sell;
  sell.client_oid = "c7";
  sell.symbol = "BTC-USDT";
  sell.side = OrderSide::sell;
  sell.type = OrderType::market;
  sell.size = qty("0.4");
  p = ex.place("k", sell, book(), 1006);
  ASSERT_TRUE(p) << p.error().detail;
  d = ex.order_by_id("k", p->order_id);
  EXPECT_EQ(d->deal_funds, amt("11998.85"));  // 0.3 * 29999.5 + 0.1 * 29990

  // Everything the client heard adds up to the exchange's truth.
  ASSERT_TRUE(client.tracker.reconcile_balances({}, "trade"));
  client.receive(ex, "k");
  for (const char* oid : {"c1", "c2", "c3", "c4", "c5", "c6", "c7"}) {
    const auto truth = ex.order_by_client_oid("k", oid);
    ASSERT_TRUE(truth) << oid;
    const auto* o = client.tracker.by_client_oid(oid);
    ASSERT_NE(o, nullptr) << oid;
    EXPECT_EQ(o->filled, truth->deal_size) << oid;
    EXPECT_EQ(o->filled_funds, truth->deal_funds) << oid;
  }
  auto r = client.tracker.reconcile_balances(ex.accounts("k"), "trade");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->balances.empty());
}

TEST(MockExchange, CancelsReleaseHoldsAndUnknownOrdersAreNotFound) {
  Exchange ex(listing());
  ex.set_balance("k", "USDT", amt("10000"));
  ex.set_balance("other", "USDT", amt("10000"));
  auto a = ex.place("k", limit("c1", OrderSide::buy, "29000", "0.1"), book(), 1000);
  auto b = ex.place("k", limit("c2", OrderSide::buy, "28000", "0.1"), book(), 1000);
  auto c = ex.place("k", limit("c3", OrderSide::buy, "27000", "0.1"), book(), 1000);
  ASSERT_TRUE(a && b && c);
  auto by_id = ex.cancel_by_id("k", "BTC-USDT", a->order_id, 2000);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->order_id, a->order_id);
  EXPECT_TRUE(by_id->client_oid.empty());
  auto again = ex.cancel_by_id("k", "BTC-USDT", a->order_id, 2001);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().why, OrderRejection::order_not_found);
  EXPECT_FALSE(ex.cancel_by_id("other", "BTC-USDT", b->order_id, 2001)) << "another key's order";
  EXPECT_FALSE(ex.cancel_by_client_oid("k", "ETH-USDT", "c2", 2001)) << "the wrong symbol";
  auto by_oid = ex.cancel_by_client_oid("k", "BTC-USDT", "c2", 2002);
  ASSERT_TRUE(by_oid);
  EXPECT_EQ(by_oid->client_oid, "c2");
  EXPECT_EQ(ex.cancel_all("k", "BTC-USDT", 2003), 1u);
  EXPECT_TRUE(ex.active_orders("k", "BTC-USDT").empty());
  EXPECT_EQ(balance_of(ex, "k", "USDT"), amt("10000"));
  EXPECT_EQ(balance_of(ex, "k", "USDT", true), amt("0"));
  const auto d = ex.order_by_client_oid("k", "c3");
  EXPECT_EQ(d->canceled_size, qty("0.1"));
  // The pushes end with the cancel, and the user id is stable per key.
  const auto pushes = ex.take_pushes("k");
  ASSERT_FALSE(pushes.empty());
  const auto* last = std::get_if<OrderChange>(&pushes.back());
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->type, OrderEventType::canceled);
  EXPECT_EQ(last->status, OrderStatus::done);
  EXPECT_EQ(ex.user_id("k"), ex.user_id("k"));
  EXPECT_NE(ex.user_id("k"), ex.user_id("other"));
  EXPECT_TRUE(ex.take_pushes("k").empty());
}

}  // namespace
