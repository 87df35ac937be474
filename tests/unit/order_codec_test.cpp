// Spot trading codec (order_codec.hpp): every message both ways, KuCoin's documented samples,
// malformed input as typed errors, and the order refusal table (order_error.hpp) both ways.
#include <gtest/gtest.h>

#include "kucoin/protocol/order_codec.hpp"
#include "kucoin/protocol/order_error.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "kucoin/protocol/ws_codec.hpp"

namespace {

using namespace kucoin;

Price px(std::int64_t raw, std::uint8_t dec) { return Price{raw, dec}; }
Quantity qty(std::int64_t raw, std::uint8_t dec) { return Quantity{raw, dec}; }
Amount amt(std::int64_t raw, std::uint8_t dec) { return Amount{raw, dec}; }

TEST(OrderCodec, RequestRoundTripsAndMatchesTheDocumentedBody) {
  OrderRequest r;
  r.client_oid = "5c52e11203aa677f33e493fb";
  r.symbol = "BTC-USDT";
  r.side = OrderSide::buy;
  r.type = OrderType::limit;
  r.price = px(100000, 0);
  r.size = qty(1, 5);
  std::string body;
  encode_order_request(r, body);
  // kucoin-protocol.md §8.3's example body, byte for byte.
  EXPECT_EQ(
      body,
      R"({"clientOid":"5c52e11203aa677f33e493fb","symbol":"BTC-USDT","side":"buy","type":"limit","price":"100000","size":"0.00001"})");
  OrderDecoder d;
  auto back = d.order_request(body);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, r);

  OrderRequest m;
  m.symbol = "ETH-USDT";
  m.side = OrderSide::sell;
  m.type = OrderType::market;
  m.funds = amt(2550, 2);
  m.time_in_force = TimeInForce::ioc;
  m.remark = "x\"y";
  body.clear();
  encode_order_request(m, body);
  auto mb = d.order_request(body);
  ASSERT_TRUE(mb) << mb.error();
  EXPECT_EQ(*mb, m);
}

TEST(OrderCodec, RequestRefusesWhatKuCoinRefuses) {
  OrderDecoder d;
  struct Case {
    const char* body;
    Errc code;
    const char* names;
  };
  const Case cases[] = {
      {R"({"side":"buy","type":"limit","price":"1","size":"1"})", Errc::missing_field, "symbol"},
      {R"({"symbol":"BTC-USDT","side":"hold","type":"limit","price":"1","size":"1"})", Errc::protocol_violation,
       "side"},
      {R"({"symbol":"BTC-USDT","side":"buy","type":"limit","size":"1"})", Errc::missing_field, "price"},
      {R"({"symbol":"BTC-USDT","side":"buy","type":"market","size":"1","funds":"2"})", Errc::invalid_argument, "size"},
      {R"({"symbol":"BTC-USDT","side":"buy","type":"market"})", Errc::invalid_argument, "funds"},
      {R"({"symbol":"BTC-USDT","side":"buy","type":"limit","price":1,"size":"1"})", Errc::wrong_type, "price"},
      {R"({"symbol":"BTC-USDT","side":"buy","type":"limit","price":"-1","size":"1"})", Errc::bad_number, "price"},
      {R"({"clientOid":"a b","symbol":"BTC-USDT","side":"buy","type":"limit","price":"1","size":"1"})",
       Errc::invalid_argument, "clientOid"},
      {R"({"symbol":"BTC-USDT","side":"buy","type":"limit","price":"1","size":"1","timeInForce":"DAY"})",
       Errc::protocol_violation, "timeInForce"},
      {R"([1,2])", Errc::wrong_type, "body"},
      {R"({"symbol":)", Errc::parse_error, "body"},
  };
  for (const Case& c : cases) {
    auto r = d.order_request(c.body);
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.error().code, c.code) << c.body << " -> " << r.error();
    EXPECT_NE(r.error().message.find(c.names), std::string::npos) << c.body << " -> " << r.error();
  }
}

TEST(OrderCodec, PlacedCanceledAndCancelAllAnswers) {
  OrderDecoder d;
  std::string out;
  encode_placed_order({"670fd33bf9406e0007ab3945", "5c52e11203aa677f33e493fb"}, out);
  EXPECT_EQ(
      out, R"({"code":"200000","data":{"orderId":"670fd33bf9406e0007ab3945","clientOid":"5c52e11203aa677f33e493fb"}})");
  auto p = d.placed_order(200, out);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->order_id, "670fd33bf9406e0007ab3945");
  EXPECT_EQ(p->client_oid, "5c52e11203aa677f33e493fb");

  out.clear();
  encode_canceled_order({"", "oid-1"}, out);
  EXPECT_EQ(out, R"({"code":"200000","data":{"clientOid":"oid-1"}})");
  auto c = d.canceled_order(200, out);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(*c, (CanceledOrder{"", "oid-1"}));
  EXPECT_FALSE(d.canceled_order(200, R"({"code":"200000","data":{}})"));

  out.clear();
  encode_canceled_all(out);
  EXPECT_TRUE(d.canceled_all(200, out));
  auto bad = d.canceled_all(200, R"({"code":"200000","data":"failed"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ApiErrorKind::bad_response);
  EXPECT_EQ(bad.error().data_error, Errc::protocol_violation);

  out.clear();
  encode_hf_account_opened(true, out);
  auto hf = d.hf_account_opened(200, out);
  ASSERT_TRUE(hf);
  EXPECT_TRUE(*hf);
  auto not_bool = d.hf_account_opened(200, R"({"code":"200000","data":"yes"})");
  ASSERT_FALSE(not_bool);
  EXPECT_EQ(not_bool.error().data_error, Errc::wrong_type);
}

TEST(OrderCodec, TheEnvelopeErrorWinsAndOrderRefusalsAreTyped) {
  OrderDecoder d;
  auto r = d.placed_order(200, R"({"code":"200004","msg":"Balance insufficient!"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ApiErrorKind::request);
  EXPECT_EQ(order_rejection(r.error()), OrderRejection::insufficient_balance);

  auto rl = d.placed_order(429, R"({"code":"429000","msg":"Too Many Requests"})");
  ASSERT_FALSE(rl);
  EXPECT_EQ(rl.error().kind, ApiErrorKind::rate_limit);
  EXPECT_EQ(order_rejection(rl.error()), OrderRejection::none);

  // Every refusal the mock writes is read back as the same refusal.
  for (auto rej :
       {OrderRejection::insufficient_balance, OrderRejection::price_increment, OrderRejection::size_increment,
        OrderRejection::below_min_size, OrderRejection::too_many_orders, OrderRejection::duplicate_client_oid,
        OrderRejection::order_not_found, OrderRejection::trading_suspended, OrderRejection::invalid_order}) {
    for (bool on_cancel : {false, true}) {
      const OrderErrorWire w = order_error_wire(rej, on_cancel);
      std::string body;
      encode_error_body(w.code, w.msg, body);
      auto e = d.order_details(w.http_status, body);
      ASSERT_FALSE(e) << to_string(rej);
      EXPECT_EQ(order_rejection(e.error()), rej) << to_string(rej) << ": " << e.error();
    }
  }
  // Texts seen from KuCoin (ccxt's table) and variants.
  EXPECT_EQ(order_rejection("400100", "Order size below the minimum requirement."), OrderRejection::below_min_size);
  EXPECT_EQ(order_rejection("400100", "order_not_exist_or_not_allow_to_cancel"), OrderRejection::order_not_found);
  EXPECT_EQ(order_rejection("230003", "Balance insufficient!"), OrderRejection::insufficient_balance);
  EXPECT_EQ(order_rejection("200003", ""), OrderRejection::too_many_orders);
  EXPECT_EQ(order_rejection("400100", "The PRICE increment is invalid"), OrderRejection::price_increment);
  EXPECT_EQ(order_rejection("400100", "validation.createOrder.clientOidIsRequired"), OrderRejection::invalid_order);
  EXPECT_EQ(order_rejection("400005", "Invalid KC-API-SIGN"), OrderRejection::none);
}

OrderDetails sample_details() {
  OrderDetails o;
  o.order_id = "6720da3fa30a360007f5f832";
  o.client_oid = "c-1";
  o.symbol = "BTC-USDT";
  o.side = OrderSide::sell;
  o.type = OrderType::limit;
  o.time_in_force = TimeInForce::gtc;
  o.price = px(300001, 1);
  o.size = qty(5, 1);
  o.deal_size = qty(2, 1);
  o.deal_funds = amt(600002, 1);
  o.remain_size = qty(3, 1);
  o.fee = amt(6, 2);
  o.fee_currency = "USDT";
  o.active = true;
  o.in_order_book = true;
  o.created_at_ms = 1730206271588;
  o.last_updated_at_ms = 1730206271600;
  return o;
}

TEST(OrderCodec, DetailsAndActiveOrdersRoundTrip) {
  OrderDecoder d;
  const OrderDetails o = sample_details();
  std::string out;
  encode_order_details(o, out);
  auto one = d.order_details(200, out);
  ASSERT_TRUE(one) << one.error();
  EXPECT_EQ(*one, o);

  OrderDetails o2 = o;
  o2.order_id = "2";
  o2.type = OrderType::market;
  o2.price = Price{};
  o2.post_only = true;
  out.clear();
  encode_active_orders({o, o2}, out);
  auto list = d.active_orders(200, out);
  ASSERT_TRUE(list) << list.error();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0], o);
  EXPECT_EQ((*list)[1], o2);

  auto missing = d.order_details(200, R"({"code":"200000","data":{"symbol":"BTC-USDT","side":"buy","type":"limit"}})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().data_error, Errc::missing_field);
  EXPECT_NE(missing.error().msg.find("data.id"), std::string::npos) << missing.error();
}

TEST(OrderCodec, DocumentedOrderChangePushDecodes) {
  // kucoin-protocol.md §8.2's sample, as a WebSocket frame through the client's frame decoder.
  const std::string frame =
      R"({"topic":"/spotMarket/tradeOrdersV2","type":"message","subject":"orderChange","userId":"633559791e1cbc0001f319bc","channelType":"private",)"
      R"("data":{"clientOid":"5c52e11203aa677f33e493fc","orderId":"6720da3fa30a360007f5f832","orderTime":1730206271588,"orderType":"market",)"
      R"("originSize":"0.00001","side":"buy","status":"new","symbol":"BTC-USDT","ts":1730206271616000000,"type":"received"}})";
  WsDecoder ws;
  auto f = ws.decode_server(frame);
  ASSERT_TRUE(f) << f.error();
  const auto* msg = std::get_if<DataMessage>(&*f);
  ASSERT_NE(msg, nullptr);
  OrderDecoder d;
  auto c = d.order_change(msg->data);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->type, OrderEventType::received);
  EXPECT_EQ(c->status, OrderStatus::new_order);
  EXPECT_EQ(c->order_type, OrderType::market);
  EXPECT_EQ(c->origin_size, qty(1, 5));
  EXPECT_EQ(c->client_oid, "5c52e11203aa677f33e493fc");
  EXPECT_EQ(c->order_time_ms, 1730206271588);
  EXPECT_EQ(c->ts_ns, 1730206271616000000);
  EXPECT_FALSE(c->filled_size.has_value());
}

TEST(OrderCodec, OrderChangeFramesRoundTrip) {
  OrderChange c;
  c.symbol = "BTC-USDT";
  c.order_id = "o1";
  c.client_oid = "c1";
  c.side = OrderSide::buy;
  c.type = OrderEventType::match;
  c.status = OrderStatus::match;
  c.price = px(300000, 1);
  c.size = qty(10, 1);
  c.origin_size = qty(10, 1);
  c.filled_size = qty(4, 1);
  c.remain_size = qty(6, 1);
  c.match_price = px(300000, 1);
  c.match_size = qty(4, 1);
  c.trade_id = "t1";
  c.liquidity = "taker";
  c.order_time_ms = 1;
  c.ts_ns = 2;
  std::string frame;
  encode_order_change_frame(c, "u1", frame);
  WsDecoder ws;
  auto f = ws.decode_server(frame);
  ASSERT_TRUE(f) << f.error();
  const auto* msg = std::get_if<DataMessage>(&*f);
  ASSERT_NE(msg, nullptr);
  EXPECT_EQ(msg->topic, "/spotMarket/tradeOrdersV2");
  EXPECT_EQ(msg->subject, "orderChange");
  EXPECT_EQ(msg->channel_type, "private");
  OrderDecoder d;
  auto back = d.order_change(msg->data);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, c);

  // A match push without its trade is refused.
  auto bad = d.order_change(
      R"({"symbol":"BTC-USDT","orderId":"o","side":"buy","type":"match","status":"match","matchSize":"1"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::missing_field);
  auto bad_type = d.order_change(R"({"symbol":"BTC-USDT","orderId":"o","side":"buy","type":"moved","status":"open"})");
  ASSERT_FALSE(bad_type);
  EXPECT_EQ(bad_type.error().code, Errc::protocol_violation);
}

TEST(OrderCodec, DocumentedBalancePushDecodesAndRoundTrips) {
  OrderDecoder d;
  auto b = d.balance_change(
      R"({"accountId":"548674591753","currency":"USDT","total":"21.133773386762","available":"20.132773386762","hold":"1.001",)"
      R"("availableChange":"-0.5005","holdChange":"0.5005","relationContext":{"symbol":"BTC-USDT","orderId":"6721d0632db25b0007071fdc"},)"
      R"("relationEvent":"trade.hold","relationEventId":"354689988084000","time":"1730269283892"})");
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(b->available_change, amt(-5005, 4));
  EXPECT_EQ(b->hold_change, amt(5005, 4));
  EXPECT_EQ(b->total, amt(21133773386762, 12));
  EXPECT_EQ(b->symbol, "BTC-USDT");
  EXPECT_EQ(b->order_id, "6721d0632db25b0007071fdc");
  EXPECT_EQ(b->time_ms, 1730269283892);
  EXPECT_EQ(to_string(b->available_change), "-0.5005");

  std::string frame;
  encode_balance_change_frame(*b, "u1", frame);
  WsDecoder ws;
  auto f = ws.decode_server(frame);
  ASSERT_TRUE(f) << f.error();
  const auto* msg = std::get_if<DataMessage>(&*f);
  ASSERT_NE(msg, nullptr);
  EXPECT_EQ(msg->topic, "/account/balance");
  EXPECT_EQ(msg->subject, "account.balance");
  auto back = d.balance_change(msg->data);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, *b);

  auto missing = d.balance_change(R"({"currency":"USDT","total":"1"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::missing_field);
}

}  // namespace
