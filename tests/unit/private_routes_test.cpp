// PrivateRoutes (kucoin/mock/private_routes.hpp): a key's pushes reach only the sessions of that
// key that hold the push's channel, in order, as KuCoin's private frames; nobody listening: no frame.
#include <gtest/gtest.h>

#include "kucoin/mock/private_routes.hpp"
#include "kucoin/protocol/order_codec.hpp"
#include "kucoin/protocol/ws_codec.hpp"
#include "kucoin/protocol/ws_topic.hpp"

namespace {

using namespace kucoin;
using kucoin::mock::KeyPushes;
using kucoin::mock::PrivateRoutes;

OrderChange order_push(std::string oid, OrderEventType type) {
  OrderChange c;
  c.symbol = "BTC-USDT";
  c.order_id = "6720da3f0000000000000001";
  c.client_oid = std::move(oid);
  c.type = type;
  c.status = type == OrderEventType::filled ? OrderStatus::done : OrderStatus::open;
  c.order_time_ms = 1730206271588;
  c.ts_ns = 1730206271616000000;
  return c;
}

BalanceChange balance_push(std::string currency) {
  BalanceChange b;
  b.account_id = "548674591753";
  b.currency = std::move(currency);
  b.total = Amount{21, 0};
  b.available = Amount{20, 0};
  b.hold = Amount{1, 0};
  b.relation_event = "trade.hold";
  b.time_ms = 1730269283892;
  return b;
}

KeyPushes pushes_of_k() {
  return KeyPushes{"k",
                   "633559791e1cbc0001f319bc",
                   {order_push("a", OrderEventType::received), balance_push("USDT"),
                    order_push("a", OrderEventType::filled), balance_push("BTC")}};
}

TEST(PrivateRoutes, NobodyListeningMeansNoFrames) {
  PrivateRoutes routes;
  EXPECT_FALSE(routes.listens("k"));
  EXPECT_TRUE(routes.route(pushes_of_k()).empty());
  EXPECT_FALSE(routes.subscribe(1, "k", channels::kLevel2)) << "a public channel is not routed here";
  EXPECT_FALSE(routes.listens("k"));
}

TEST(PrivateRoutes, EachSessionGetsItsChannelsOfItsKeyInOrder) {
  PrivateRoutes routes;
  ASSERT_TRUE(routes.subscribe(1, "k", channels::kTradeOrdersV2));
  ASSERT_TRUE(routes.subscribe(1, "k", channels::kAccountBalance));
  ASSERT_TRUE(routes.subscribe(2, "k", channels::kAccountBalance));
  ASSERT_TRUE(routes.subscribe(3, "other", channels::kTradeOrdersV2));
  EXPECT_TRUE(routes.listens("k"));

  const auto deliveries = routes.route(pushes_of_k());
  ASSERT_EQ(deliveries.size(), 2u) << "session 3 belongs to another key";
  ASSERT_EQ(deliveries[0].connection, 1u);
  ASSERT_EQ(deliveries[0].frames.size(), 4u);
  ASSERT_EQ(deliveries[1].connection, 2u);
  ASSERT_EQ(deliveries[1].frames.size(), 2u) << "balance pushes only";

  // The frames are KuCoin's private data messages, decoded back to what was pushed.
  WsDecoder ws;
  OrderDecoder codec;
  const std::vector<std::pair<std::string, std::string>> expected = {
      {std::string(channels::kTradeOrdersV2), "orderChange"},
      {std::string(channels::kAccountBalance), "account.balance"},
      {std::string(channels::kTradeOrdersV2), "orderChange"},
      {std::string(channels::kAccountBalance), "account.balance"}};
  for (std::size_t i = 0; i < 4; ++i) {
    const std::string& f = deliveries[0].frames[i];
    auto msg = ws.decode_server(f);
    ASSERT_TRUE(msg) << msg.error() << ": " << f;
    const auto* data = std::get_if<DataMessage>(&*msg);
    ASSERT_NE(data, nullptr) << f;
    EXPECT_EQ(data->topic, expected[i].first);
    EXPECT_EQ(data->subject, expected[i].second);
    EXPECT_EQ(data->channel_type, std::optional<std::string_view>("private"));
    EXPECT_EQ(data->user_id, std::optional<std::string_view>("633559791e1cbc0001f319bc"));
    if (i % 2 == 0) {
      auto c = codec.order_change(data->data);
      ASSERT_TRUE(c) << c.error();
      EXPECT_EQ(*c, std::get<OrderChange>(pushes_of_k().pushes[i]));
    } else {
      auto b = codec.balance_change(data->data);
      ASSERT_TRUE(b) << b.error();
      EXPECT_EQ(*b, std::get<BalanceChange>(pushes_of_k().pushes[i]));
    }
  }
  EXPECT_EQ(deliveries[1].frames[0], deliveries[0].frames[1]);
  EXPECT_EQ(deliveries[1].frames[1], deliveries[0].frames[3]);
}

TEST(PrivateRoutes, UnsubscribeAndRemoveStopTheFrames) {
  PrivateRoutes routes;
  ASSERT_TRUE(routes.subscribe(1, "k", channels::kTradeOrdersV2));
  ASSERT_TRUE(routes.subscribe(1, "k", channels::kAccountBalance));
  routes.unsubscribe(1, channels::kTradeOrdersV2);
  auto d = routes.route(pushes_of_k());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].frames.size(), 2u);
  routes.unsubscribe(1, channels::kAccountBalance);
  EXPECT_FALSE(routes.listens("k"));
  EXPECT_TRUE(routes.route(pushes_of_k()).empty());
  ASSERT_TRUE(routes.subscribe(4, "k", channels::kAccountBalance));
  routes.remove(4);
  EXPECT_TRUE(routes.route(pushes_of_k()).empty());
}

}  // namespace
