// RestService's HF order endpoints without sockets (trading_rest.cpp): signed like any private
// call, symbol checks, KuCoin's answer shapes, refusals with KuCoin's codes, the accounts that
// trading moved, and resting orders filled by the market's trades.
#include <gtest/gtest.h>

#include "kucoin/core/decimal.hpp"
#include "kucoin/mock/rest_service.hpp"
#include "kucoin/protocol/order_codec.hpp"
#include "kucoin/protocol/order_error.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "mock_rest_helpers.hpp"

namespace kucoin::mock::testing {
namespace {

struct Service {
  RestService svc{config_with_key()};
  Credentials c = creds(key_v2());
  std::int64_t now = kNow;

  RestAnswer call(std::string method, std::string target, std::string body = "") {
    Req r = signed_req(c, std::move(method), std::move(target), std::move(body), now);
    return svc.handle(r.view(), now++);
  }
};

std::string body_for(const OrderRequest& r) {
  std::string b;
  encode_order_request(r, b);
  return b;
}

OrderRequest buy(std::string oid, std::string_view price, std::string_view size) {
  OrderRequest r;
  r.client_oid = std::move(oid);
  r.symbol = "BTC-USDT";
  r.side = OrderSide::buy;
  auto p = parse_decimal(price);
  auto s = parse_decimal(size);
  r.price = Price{p->raw, p->decimals};
  r.size = Quantity{s->raw, s->decimals};
  return r;
}

TEST(MockTradingRest, PlaceQueryCancelWithKuCoinsShapes) {
  Service s;
  OrderDecoder d;
  RestAnswer a = s.call("POST", "/api/v1/hf/orders", body_for(buy("t1", "1000", "0.01")));
  ASSERT_EQ(a.status, 200) << a.body;
  auto placed = d.placed_order(a.status, a.body);
  ASSERT_TRUE(placed) << placed.error();
  EXPECT_EQ(placed->client_oid, "t1");

  a = s.call("GET", "/api/v1/hf/orders/client-order/t1?symbol=BTC-USDT");
  auto details = d.order_details(a.status, a.body);
  ASSERT_TRUE(details) << details.error();
  EXPECT_EQ(details->order_id, placed->order_id);
  EXPECT_TRUE(details->in_order_book);
  a = s.call("GET", "/api/v1/hf/orders/" + placed->order_id + "?symbol=BTC-USDT");
  ASSERT_TRUE(d.order_details(a.status, a.body));
  a = s.call("GET", "/api/v1/hf/orders/" + placed->order_id + "?symbol=ETH-USDT");
  auto wrong_symbol = d.order_details(a.status, a.body);
  ASSERT_FALSE(wrong_symbol);
  EXPECT_EQ(order_rejection(wrong_symbol.error()), OrderRejection::order_not_found);

  // The hold shows in /api/v1/accounts: 9900.5 available before, 10 held now.
  a = s.call("GET", "/api/v1/accounts?type=trade&currency=USDT");
  RestDecoder rd;
  auto accounts = rd.accounts(a.status, a.body);
  ASSERT_TRUE(accounts) << accounts.error();
  ASSERT_EQ(accounts->size(), 1u);
  EXPECT_EQ(accounts->front().available, "9890.5");
  EXPECT_EQ(accounts->front().holds, "110");
  EXPECT_EQ(accounts->front().balance, "10000.5");

  a = s.call("DELETE", "/api/v1/hf/orders/client-order/t1?symbol=BTC-USDT");
  auto canceled = d.canceled_order(a.status, a.body);
  ASSERT_TRUE(canceled) << canceled.error();
  EXPECT_EQ(canceled->client_oid, "t1");
  a = s.call("DELETE", "/api/v1/hf/orders/" + placed->order_id + "?symbol=BTC-USDT");
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.body.find("order_not_exist_or_not_allow_to_cancel"), std::string::npos) << a.body;
  a = s.call("DELETE", "/api/v1/hf/orders?symbol=BTC-USDT");
  EXPECT_TRUE(d.canceled_all(a.status, a.body));
  a = s.call("GET", "/api/v1/hf/orders/active?symbol=BTC-USDT");
  auto active = d.active_orders(a.status, a.body);
  ASSERT_TRUE(active) << active.error();
  EXPECT_TRUE(active->empty());
  a = s.call("GET", "/api/v1/hf/accounts/opened");
  EXPECT_EQ(d.hf_account_opened(a.status, a.body).value(), false);
}

TEST(MockTradingRest, RefusalsAndChecksBeforeTheExchange) {
  Service s;
  RestAnswer a = s.call("POST", "/api/v1/hf/orders", body_for(buy("t1", "1000", "100")));
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.code, "200004");
  a = s.call("POST", "/api/v1/hf/orders", R"({"symbol":"BTC-USDT","side":"buy","type":"limit","size":"1"})");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.code, "400100");
  EXPECT_NE(a.body.find("price"), std::string::npos) << a.body;
  a = s.call("GET", "/api/v1/hf/orders/active");
  EXPECT_EQ(a.code, "400100") << "the symbol is required";
  a = s.call("GET", "/api/v1/hf/orders/active?symbol=NOPE-USDT");
  EXPECT_EQ(a.code, "900001");
  // Unsigned: refused before anything else.
  Req unsigned_req{"POST", "/api/v1/hf/orders", body_for(buy("t2", "1000", "0.01")), {}, {}};
  unsigned_req.headers.emplace_back("Content-Type", "application/json");
  a = s.svc.handle(unsigned_req.view(), s.now);
  EXPECT_EQ(a.code, "400001");
  EXPECT_TRUE(s.svc.take_pushes(key_v2().key).empty()) << "no order was placed";
  EXPECT_EQ(spot_endpoint_cost("POST", "/api/v1/hf/orders")->weight, 1);
  EXPECT_EQ(spot_endpoint_cost("GET", "/api/v1/hf/orders/active")->pool, RatePool::spot);
}

TEST(MockTradingRest, TheMarketsTradesFillRestingOrders) {
  // A GeneratedMarket trades at its best levels with every snapshot served; a buy resting at the
  // best ask is reached by the buyers' trades there, or below it by the sellers' trades.
  Service s;
  OrderDecoder d;
  RestDecoder rd;
  RestAnswer a = s.call("GET", "/api/v1/market/orderbook/level2_20?symbol=BTC-USDT");
  auto book = rd.snapshot(a.status, a.body, SymbolScale{1, 8});
  ASSERT_TRUE(book) << book.error();
  // A buy well above the market: it takes the asks at once, as a taker.
  const Price best_ask = book->asks.front().price;
  OrderRequest r = buy("taker", "0", "0.0001");
  r.price = Price{best_ask.raw + 10 * static_cast<std::int64_t>(kPow10[best_ask.decimals]), best_ask.decimals};
  a = s.call("POST", "/api/v1/hf/orders", body_for(r));
  ASSERT_EQ(a.code, "200000") << a.body;
  a = s.call("GET", "/api/v1/hf/orders/client-order/taker?symbol=BTC-USDT");
  auto details = d.order_details(a.status, a.body);
  ASSERT_TRUE(details) << details.error();
  EXPECT_EQ(details->deal_size, r.size.value());
  EXPECT_FALSE(details->active);
  // A sell resting at the best ask: the market's buyers take the asks as the market moves (each
  // snapshot served moves the seeded generated market on); a buyer's trade at that price or above
  // fills it, as a maker, at its own price. The market is seeded: the same walk every run.
  a = s.call("GET", "/api/v1/market/orderbook/level2_20?symbol=BTC-USDT");
  book = rd.snapshot(a.status, a.body, SymbolScale{1, 8});
  ASSERT_TRUE(book) << book.error();
  OrderRequest sell = buy("maker", "0", "0.0001");
  sell.side = OrderSide::sell;
  sell.price = book->asks.front().price;
  a = s.call("POST", "/api/v1/hf/orders", body_for(sell));
  ASSERT_EQ(a.code, "200000") << a.body;
  a = s.call("GET", "/api/v1/hf/orders/client-order/maker?symbol=BTC-USDT");
  ASSERT_TRUE(d.order_details(a.status, a.body)->in_order_book) << "it rests: no bid is that high";
  (void)s.svc.take_pushes(key_v2().key);
  int snapshots = 0;
  for (bool filled = false; !filled && snapshots < 5'000; ++snapshots) {
    (void)s.call("GET", "/api/v1/market/orderbook/level2_20?symbol=BTC-USDT");
    a = s.call("GET", "/api/v1/hf/orders/client-order/maker?symbol=BTC-USDT");
    auto m = d.order_details(a.status, a.body);
    ASSERT_TRUE(m) << m.error();
    filled = !m->deal_size.is_zero();
  }
  ASSERT_LT(snapshots, 5'000) << "no buyer's trade reached the resting sell";
  int matches = 0;
  for (const PrivatePush& p : s.svc.take_pushes(key_v2().key)) {
    if (const auto* c = std::get_if<OrderChange>(&p); c && c->type == OrderEventType::match) {
      ++matches;
      EXPECT_EQ(c->liquidity, "maker");
      EXPECT_EQ(c->match_price, sell.price);
    }
  }
  EXPECT_GE(matches, 1);
}

}  // namespace
}  // namespace kucoin::mock::testing
