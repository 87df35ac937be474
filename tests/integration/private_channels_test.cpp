// The mock's private channels on loopback (kucoin-protocol.md §8.2): the real WsClient on a private
// token subscribes /spotMarket/tradeOrdersV2 and /account/balance, the real TradingClient places an
// order that crosses the mock's book, and the exchange's pushes arrive as KuCoin's private frames,
// in order; pushes made while nobody listened are not replayed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kucoin/core/decimal.hpp"
#include "kucoin/net/trading_client.hpp"
#include "kucoin/protocol/order_codec.hpp"
#include "kucoin/protocol/ws_codec.hpp"
#include "kucoin/protocol/ws_topic.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

using net::TradingClient;
using net::WsState;

class PrivateChannels : public ::testing::TestWithParam<bool> {
 protected:
  bool tls() const { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(PlainAndTls, PrivateChannels, ::testing::Values(false, true), [](const auto& param_info) {
  return param_info.param ? std::string("tls") : std::string("http");
});

OrderRequest limit_buy(std::string oid, Price price, Quantity size) {
  OrderRequest r;
  r.client_oid = std::move(oid);
  r.symbol = "BTC-USDT";
  r.side = OrderSide::buy;
  r.type = OrderType::limit;
  r.price = price;
  r.size = size;
  return r;
}

// The private pushes a WsRecorder saw, decoded as the application would.
struct PrivatePushes {
  std::vector<OrderChange> orders;
  std::vector<BalanceChange> balances;
  std::vector<std::string> order_of_arrival;  // "order:<clientOid>:<type>" or "balance:<currency>"
  std::vector<std::string> problems;

  void on_message(const net::WsMessage& m) {
    if (m.channel != channels::kTradeOrdersV2 && m.channel != channels::kAccountBalance) return;
    auto f = ws.decode_server(std::string(m.text));
    if (!f || !std::holds_alternative<DataMessage>(*f)) {
      problems.push_back("not a data message: " + std::string(m.text));
      return;
    }
    const auto& d = std::get<DataMessage>(*f);
    if (d.channel_type != std::optional<std::string_view>("private") || !d.user_id || d.user_id->empty()) {
      problems.push_back("not a private push: " + std::string(m.text));
    }
    if (m.channel == channels::kTradeOrdersV2) {
      auto c = codec.order_change(d.data);
      if (!c || d.subject != "orderChange") return problems.push_back("bad orderChange: " + std::string(m.text));
      order_of_arrival.push_back("order:" + c->client_oid + ":" + std::string(to_string(c->type)));
      orders.push_back(std::move(*c));
    } else {
      auto b = codec.balance_change(d.data);
      if (!b || d.subject != "account.balance")
        return problems.push_back("bad account.balance: " + std::string(m.text));
      order_of_arrival.push_back("balance:" + b->currency);
      balances.push_back(std::move(*b));
    }
  }
  bool has(std::string_view oid, OrderEventType type) const {
    for (const OrderChange& c : orders) {
      if (c.client_oid == oid && c.type == type) return true;
    }
    return false;
  }

  WsDecoder ws;
  OrderDecoder codec;
};

TEST_P(PrivateChannels, AnOrderThatCrossesTheBookIsPushedOnThePrivateConnection) {
  WsHarness h(tls());
  TradingClient trading(*h.rest);
  auto book = h.base->await<L2Snapshot>([&](auto done) { h.rest->level2_20("BTC-USDT", SymbolScale{1, 8}, done); });
  ASSERT_TRUE(book) << book.error();
  ASSERT_FALSE(book->asks.empty());
  ASSERT_FALSE(book->bids.empty());
  const Price ask = book->asks.front().price;
  const Price bid = book->bids.front().price;
  const std::int64_t ten = 10 * static_cast<std::int64_t>(kPow10[ask.decimals]);

  // Before anyone listens: an order that rests. KuCoin does not replay its pushes later.
  auto early = h.base->await<PlacedOrder>([&](auto done) {
    trading.place_order(limit_buy("early", Price{bid.raw - ten, bid.decimals}, Quantity{1, 3}), done);
  });
  ASSERT_TRUE(early) << early.error();

  WsRecorder rec;
  PrivatePushes pushes;
  rec.also_on_message = [&](const net::WsMessage& m) { pushes.on_message(m); };
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(
      std::vector<std::string>{std::string(channels::kTradeOrdersV2), std::string(channels::kAccountBalance)}));
  ASSERT_TRUE(h.run_until(
      [&] {
        return rec.count_topic(channels::kTradeOrdersV2, WsTopicStatus::subscribed) == 1 &&
               rec.count_topic(channels::kAccountBalance, WsTopicStatus::subscribed) == 1;
      },
      5'000ms, "private subscriptions"))
      << rec.describe_states();
  ASSERT_EQ(rec.states.front().private_token, true);

  // A buy 10.0 above the best ask: it takes the book at once.
  const OrderRequest taker = limit_buy("taker", Price{ask.raw + ten, ask.decimals}, Quantity{1, 3});
  auto placed = h.base->await<PlacedOrder>([&](auto done) { trading.place_order(taker, done); });
  ASSERT_TRUE(placed) << placed.error();
  ASSERT_TRUE(h.run_until([&] { return pushes.has("taker", OrderEventType::filled) && pushes.balances.size() >= 2; },
                          5'000ms, "the fill's pushes"));
  EXPECT_TRUE(pushes.problems.empty()) << pushes.problems.front();

  // KuCoin's sequence for a taker order: received, match(es), filled; nothing of the early order.
  std::vector<OrderEventType> types;
  Quantity matched{};
  for (const OrderChange& c : pushes.orders) {
    EXPECT_EQ(c.client_oid, "taker") << "a push from before the subscription was replayed";
    EXPECT_EQ(c.order_id, placed->order_id);
    types.push_back(c.type);
    if (c.type == OrderEventType::match) matched = (matched + c.match_size.value_or(Quantity{})).value_or(Quantity{});
  }
  ASSERT_GE(types.size(), 3u);
  EXPECT_EQ(types.front(), OrderEventType::received);
  EXPECT_EQ(types[1], OrderEventType::match);
  EXPECT_EQ(types.back(), OrderEventType::filled);
  EXPECT_EQ(matched, taker.size.value()) << "the matches add up to the order";
  EXPECT_EQ(pushes.orders.back().filled_size, taker.size);

  // Balances: the hold of the quote, then the base bought; the last push of each currency is what
  // the mock's account shows.
  bool saw_usdt = false, saw_btc = false;
  for (const BalanceChange& b : pushes.balances) {
    EXPECT_EQ(b.symbol, "BTC-USDT");
    saw_usdt = saw_usdt || b.currency == "USDT";
    saw_btc = saw_btc || b.currency == "BTC";
  }
  EXPECT_TRUE(saw_usdt && saw_btc);
  for (const Account& a : h.server().rest().trade_accounts(std::string(kKey))) {
    for (auto it = pushes.balances.rbegin(); it != pushes.balances.rend(); ++it) {
      if (it->currency != a.currency) continue;
      auto available = parse_decimal(a.available);
      auto hold = parse_decimal(a.holds);
      ASSERT_TRUE(available && hold) << a.available << " " << a.holds;
      EXPECT_EQ(it->available, (Amount{available->raw, available->decimals})) << a.currency;
      EXPECT_EQ(it->hold, (Amount{hold->raw, hold->decimals})) << a.currency;
      break;
    }
  }
  h.stop(*client, rec, 1);
}

}  // namespace
}  // namespace kucoin::testing
