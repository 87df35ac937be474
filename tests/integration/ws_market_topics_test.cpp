// The mock's ticker, level1, match and market-snapshot streams over a real loopback socket (ws://
// and wss://), read by the real WsClient on one connection with the level2 stream of the same
// symbol: every frame agrees with the level2 frames that came before it (sequence, best bid and
// ask) and with the mock's trade log (every trade once, in order). A symbol without a level2
// subscription moves all the same. The scheduling rules are unit-tested on a fake clock
// (tests/unit/mock_feed_topics_test.cpp).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <functional>
#include <map>

#include "kucoin/core/decimal.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

class WsMarketTopics : public ::testing::TestWithParam<bool> {
 protected:
  bool tls() const { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(PlainAndTls, WsMarketTopics, ::testing::Values(false, true), [](const auto& param_info) {
  return param_info.param ? std::string("wss") : std::string("ws");
});

struct Received {
  std::string topic;
  std::string text;
};

// The book the level2 frames build, from the truth the subscription started at.
struct Book {
  std::map<Price, Quantity, std::greater<>> bids;
  std::map<Price, Quantity, std::less<>> asks;
  std::int64_t sequence = 0;
  std::int64_t time_ms = 0;
  explicit Book(const L2Snapshot& s) : sequence(s.sequence), time_ms(s.time_ms) {
    for (const L2Level& l : s.bids) bids[l.price] = l.size;
    for (const L2Level& l : s.asks) asks[l.price] = l.size;
  }
  void apply(const L2Update& u) {
    for (const L2Change& c : u.changes) {
      if (c.price.raw == 0) continue;
      auto set = [&](auto& side) {
        if (c.size.raw == 0) {
          side.erase(c.price);
        } else {
          side[c.price] = c.size;
        }
      };
      c.side == Side::bid ? set(bids) : set(asks);
    }
    sequence = u.sequence_end;
    time_ms = u.time_ms;
  }
};

std::string str(simdjson::dom::element e, std::string_view key) {
  std::string_view v;
  EXPECT_EQ(e[key].get_string().get(v), simdjson::SUCCESS) << key << " must be a string";
  return std::string(v);
}

// The newest trade of the log at or before `sequence` (the log is in sequence order).
const mock::MarketTrade* last_trade_at(const std::vector<mock::MarketTrade>& log, std::int64_t sequence) {
  const mock::MarketTrade* found = nullptr;
  for (const auto& t : log) {
    if (t.trade.sequence > sequence) break;
    found = &t;
  }
  return found;
}

TEST_P(WsMarketTopics, TickerLevel1MatchAndSnapshotAgreeWithTheLevel2StreamAndTheTradeLog) {
  mock::MockServerConfig cfg;
  cfg.ws.pace_per_symbol = 200;  // BTC-USDT's level2 at 200 frames/s; ETH-USDT moved 20 messages every 100 ms
  WsHarness h(tls(), std::move(cfg));
  const mock::TruthView start = *h.live->truth("BTC-USDT");
  WsRecorder rec;
  rec.keep_messages = false;
  std::vector<Received> frames;
  rec.also_on_message = [&](const net::WsMessage& m) { frames.push_back({std::string(m.topic), std::string(m.text)}); };
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe("/market/level2:BTC-USDT"));
  ASSERT_TRUE(h.run_until([&] { return !frames.empty(); }, 10'000ms, "the first level2 frame"));
  // Nothing else moved BTC-USDT meanwhile: the level2 stream starts at the truth read above.
  for (const char* t : {"/market/ticker:BTC-USDT,ETH-USDT", "/spotMarket/level1:BTC-USDT,ETH-USDT",
                        "/market/match:BTC-USDT,ETH-USDT", "/market/snapshot:BTC-USDT"}) {
    ASSERT_TRUE(client->subscribe(t));
  }
  auto count = [&](std::string_view topic) { return rec.messages_for(std::string(topic)); };
  ASSERT_TRUE(h.run_until(
      [&] {
        return count("/market/ticker:BTC-USDT") >= 5 && count("/spotMarket/level1:BTC-USDT") >= 5 &&
               count("/market/match:BTC-USDT") >= 5 && count("/market/snapshot:BTC-USDT") >= 1 &&
               count("/market/ticker:ETH-USDT") >= 5 && count("/spotMarket/level1:ETH-USDT") >= 5 &&
               count("/market/match:ETH-USDT") >= 5;
      },
      20'000ms, "five frames of each topic"))
      << rec.describe_states();
  h.stop(*client, rec, 1);

  std::vector<mock::MarketTrade> btc_log, eth_log;
  ASSERT_TRUE(h.live->trades_since("BTC-USDT", 0, btc_log));
  ASSERT_TRUE(h.live->trades_since("ETH-USDT", 0, eth_log));
  ASSERT_LT(btc_log.size(), mock::kTradeLogKept) << "the whole log is at hand";
  L2Decoder decoder;
  decoder.scales().set("BTC-USDT", SymbolScale{1, 8});
  simdjson::dom::parser parser;
  Book book(start.book);
  std::map<std::string, std::int64_t> matched;  // per symbol: the index in its log of the last match
  std::int64_t eth_sequence = 0;
  std::size_t checked = 0;
  for (const Received& r : frames) {
    if (r.topic == "/market/level2:BTC-USDT") {
      L2Update u;
      ASSERT_TRUE(decoder.decode_update(r.text, u)) << r.text;
      ASSERT_EQ(u.sequence_start, book.sequence + 1) << "contiguous from the truth the subscription started at";
      book.apply(u);
      continue;
    }
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(r.text).get(doc), simdjson::SUCCESS) << r.text;
    EXPECT_EQ(str(doc, "topic"), r.topic) << "one symbol per data topic";
    EXPECT_EQ(str(doc, "type"), "message");
    const simdjson::dom::element d = doc["data"].value();
    const bool btc = r.topic.ends_with(":BTC-USDT");
    const std::string channel = r.topic.substr(0, r.topic.find(':'));
    ++checked;
    if (channel == "/market/ticker") {
      const std::int64_t seq = std::stoll(str(d, "sequence"));
      std::int64_t time = 0;
      EXPECT_EQ(d["time"].get_int64().get(time), simdjson::SUCCESS) << "a number: " << r.text;
      const auto& log = btc ? btc_log : eth_log;
      if (const auto* t = last_trade_at(log, seq)) {
        EXPECT_EQ(str(d, "price"), to_string(t->trade.price)) << r.text;
        EXPECT_EQ(str(d, "size"), to_string(t->trade.size)) << r.text;
      }
      if (btc) {
        EXPECT_EQ(seq, book.sequence) << "the sequence the level2 stream delivered last: " << r.text;
        EXPECT_EQ(str(d, "bestBid"), to_string(book.bids.begin()->first)) << r.text;
        EXPECT_EQ(str(d, "bestBidSize"), to_string(book.bids.begin()->second));
        EXPECT_EQ(str(d, "bestAsk"), to_string(book.asks.begin()->first));
        EXPECT_EQ(str(d, "bestAskSize"), to_string(book.asks.begin()->second));
      } else {
        EXPECT_GT(seq, eth_sequence) << "ETH-USDT moves without a level2 subscription";
        eth_sequence = seq;
        EXPECT_LT(std::stod(str(d, "bestBid")), std::stod(str(d, "bestAsk")));
      }
    } else if (channel == "/spotMarket/level1") {
      const auto asks = d["asks"].get_array().value();
      const auto bids = d["bids"].get_array().value();
      ASSERT_EQ(asks.size(), 2u);
      ASSERT_EQ(bids.size(), 2u);
      if (btc) {
        EXPECT_EQ(std::string(bids.at(0).get_string().value()), to_string(book.bids.begin()->first)) << r.text;
        EXPECT_EQ(std::string(bids.at(1).get_string().value()), to_string(book.bids.begin()->second));
        EXPECT_EQ(std::string(asks.at(0).get_string().value()), to_string(book.asks.begin()->first));
        EXPECT_EQ(std::string(asks.at(1).get_string().value()), to_string(book.asks.begin()->second));
        EXPECT_EQ(d["timestamp"].get_int64().value(), book.time_ms);
      } else {
        EXPECT_LT(std::stod(std::string(bids.at(0).get_string().value())),
                  std::stod(std::string(asks.at(0).get_string().value())));
      }
    } else if (channel == "/market/match") {
      const auto& log = btc ? btc_log : eth_log;
      const std::int64_t seq = std::stoll(str(d, "sequence"));
      const auto it = std::find_if(log.begin(), log.end(), [&](const auto& t) { return t.trade.sequence == seq; });
      ASSERT_NE(it, log.end()) << "a trade the market made: " << r.text;
      const auto index = static_cast<std::int64_t>(it - log.begin());
      const std::string symbol = r.topic.substr(r.topic.find(':') + 1);
      if (matched.count(symbol) != 0) {
        EXPECT_EQ(index, matched[symbol] + 1) << "every trade once, in order: " << r.text;
      }
      matched[symbol] = index;
      EXPECT_EQ(str(d, "price"), to_string(it->trade.price));
      EXPECT_EQ(str(d, "size"), to_string(it->trade.size));
      EXPECT_EQ(str(d, "side"), it->trade.taker_side == Side::bid ? "buy" : "sell");
      EXPECT_EQ(str(d, "time"), std::to_string(it->trade.time_ms * 1'000'000));
      if (btc) {
        EXPECT_LE(seq, book.sequence) << "after the level2 frame that shows the level it hit";
      }
    } else if (channel == "/market/snapshot") {
      EXPECT_EQ(std::stoll(str(d, "sequence")), book.sequence);
      double buy = 0;
      ASSERT_EQ(d["data"]["buy"].get_double().get(buy), simdjson::SUCCESS) << r.text;
      EXPECT_EQ(buy, std::stod(to_string(book.bids.begin()->first)));
      EXPECT_EQ(str(d["data"].value(), "symbol"), "BTC-USDT");
    } else {
      ADD_FAILURE() << "unexpected topic " << r.topic;
    }
  }
  EXPECT_GE(checked, 36u);
}

}  // namespace
}  // namespace kucoin::testing
