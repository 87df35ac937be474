// The feed scheduler's top-of-book and trade topics without sockets: /market/ticker,
// /spotMarket/level1, /market/snapshot and /market/match on a fake clock and a real LiveMarket.
// Their cadence, their content against the truth and the level2 stream (a trade takes its size
// from the level it hits), and the market moving on by itself when no level2 stream of the
// connection pulls the symbol.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <limits>

#include "kucoin/core/decimal.hpp"
#include "kucoin/mock/feed_scheduler.hpp"
#include "kucoin/protocol/l2_codec.hpp"
#include "mock_feed_clock.hpp"

namespace kucoin::mock {
namespace {

using std::chrono::milliseconds;
using Kind = FeedStep::Kind;
using testing::FakeClock;

LiveMarketConfig market_config(std::uint64_t messages = 0) {
  LiveMarketConfig c;
  c.symbols = {"BTC-USDT", "ETH-USDT"};
  c.levels_per_side = 200;
  c.messages = messages;
  return c;
}

DataTopic topic(std::string_view channel, std::string_view symbol) { return DataTopic(channel, symbol); }

std::vector<std::string> drain(FeedScheduler& s, FeedClock& clock, std::size_t max = 100'000) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < max; ++i) {
    FeedStep step = s.next(clock);
    if (step.kind != Kind::frame) break;
    out.emplace_back(step.frame);
  }
  return out;
}

bool is(std::string_view frame, std::string_view channel) {
  return frame.find(std::string("\"topic\":\"") + std::string(channel) + ":") != std::string_view::npos;
}

std::uint64_t produced(const LiveMarket& m, std::string_view symbol) { return m.truth(symbol)->produced; }

// One parsed frame (its own parser: elements stay valid while it lives).
struct Frame {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  explicit Frame(std::string_view text) {
    EXPECT_EQ(parser.parse(text.data(), text.size()).get(doc), simdjson::SUCCESS) << text;
  }
  simdjson::dom::element data() { return doc["data"].value(); }
  std::string str(std::string_view key) { return str_of(data(), key); }
  static std::string str_of(simdjson::dom::element e, std::string_view key) {
    std::string_view v;
    EXPECT_EQ(e[key].get_string().get(v), simdjson::SUCCESS) << key << " must be a string";
    return std::string(v);
  }
};

std::vector<MarketTrade> all_trades(const LiveMarket& m, std::string_view symbol, std::uint64_t from = 0) {
  std::vector<MarketTrade> out;
  EXPECT_TRUE(m.trades_since(symbol, from, out));
  return out;
}

// A ticker frame carries the truth now: sequence, best bid and ask, and the newest trade.
void expect_ticker_is_truth(std::string_view text, const LiveMarket& m, std::string_view symbol) {
  const TruthView t = *m.truth(symbol);
  Frame f(text);
  EXPECT_EQ(Frame::str_of(f.doc, "topic"), "/market/ticker:" + std::string(symbol));
  EXPECT_EQ(Frame::str_of(f.doc, "subject"), "trade.ticker");
  EXPECT_EQ(f.str("sequence"), std::to_string(t.book.sequence)) << "the engine sequence, as a string";
  EXPECT_EQ(f.str("bestBid"), to_string(t.book.bids.front().price));
  EXPECT_EQ(f.str("bestBidSize"), to_string(t.book.bids.front().size));
  EXPECT_EQ(f.str("bestAsk"), to_string(t.book.asks.front().price));
  EXPECT_EQ(f.str("bestAskSize"), to_string(t.book.asks.front().size));
  std::int64_t time = 0;
  ASSERT_EQ(f.data()["time"].get_int64().get(time), simdjson::SUCCESS) << "time is a number (ms)";
  const auto trades = m.trades(symbol);
  if (trades.empty()) {  // no trade yet: the last price is the best bid, as in the REST ticker
    EXPECT_EQ(f.str("price"), to_string(t.book.bids.front().price));
    EXPECT_EQ(f.str("size"), "0");
    EXPECT_EQ(time, t.book.time_ms);
  } else {
    EXPECT_EQ(f.str("price"), to_string(trades.back().price));
    EXPECT_EQ(f.str("size"), to_string(trades.back().size));
    EXPECT_EQ(time, trades.back().time_ms) << "the time of the last trade";
  }
}

TEST(MockFeedTopics, TickerOfAnUnstreamedSymbolIsTheTruthAtMostEvery100ms) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {});
  const FeedTime t0 = clock.t;
  ASSERT_TRUE(s.add(topic("/market/ticker", "ETH-USDT"), t0));
  FeedStep f = s.next(clock);
  ASSERT_EQ(f.kind, Kind::frame);
  EXPECT_EQ(produced(m, "ETH-USDT"), 10u) << "no level2 stream: the scheduler moves the market, 10 messages a step";
  expect_ticker_is_truth(f.frame, m, "ETH-USDT");
  EXPECT_EQ(produced(m, "BTC-USDT"), 0u) << "a symbol nobody watches stays still";

  FeedStep w = s.next(clock);
  EXPECT_EQ(w.kind, Kind::wait);
  EXPECT_EQ(w.wake_at, t0 + milliseconds(100));
  clock.advance(milliseconds(99));
  EXPECT_TRUE(drain(s, clock).empty());
  clock.advance(milliseconds(1));
  const auto next = drain(s, clock);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(produced(m, "ETH-USDT"), 20u);
  expect_ticker_is_truth(next[0], m, "ETH-USDT");

  // With a pace the unwatched market moves a tenth of it every 100 ms.
  LiveMarket paced_market(market_config());
  FeedScheduler paced(&paced_market, {.pace_per_symbol = 50});
  ASSERT_TRUE(paced.add(topic("/market/ticker", "BTC-USDT"), clock.t));
  ASSERT_EQ(paced.next(clock).kind, Kind::frame);
  EXPECT_EQ(produced(paced_market, "BTC-USDT"), 5u);
}

TEST(MockFeedTopics, AnUnchangedMarketGetsNoTickerLevel1OrSnapshot) {
  LiveMarket m(market_config(10));  // the market ends after 10 messages: the first step
  FakeClock clock;
  FeedScheduler s(&m, {});
  for (auto c : {"/market/ticker", "/spotMarket/level1", "/market/snapshot"})
    ASSERT_TRUE(s.add(topic(c, "BTC-USDT"), clock.t));
  EXPECT_EQ(drain(s, clock).size(), 3u) << "one of each at once";
  clock.advance(milliseconds(5'000));
  EXPECT_TRUE(drain(s, clock).empty()) << "the truth did not move";
}

// Beside the symbol's level2 stream the ticker shows what that stream delivered: its sequence is
// the sequenceEnd of the level2 frame handed out last, and the market moves only with the stream.
TEST(MockFeedTopics, TickerBesideALevel2StreamCarriesTheSequenceItDelivered) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {.pace_per_symbol = 1'000});
  const FeedTime t0 = clock.t;
  ASSERT_TRUE(s.add(topic("/market/level2", "BTC-USDT"), t0));
  ASSERT_TRUE(s.add(topic("/market/ticker", "BTC-USDT"), t0));
  L2Decoder decoder;
  decoder.scales().set("BTC-USDT", SymbolScale{1, 8});
  std::int64_t last_end = 0;
  std::size_t level2 = 0, tickers = 0;
  for (int ms = 0; ms <= 300; ++ms) {
    for (;;) {
      FeedStep step = s.next(clock);
      if (step.kind != Kind::frame) break;
      if (is(step.frame, "/market/level2")) {
        L2Update u;
        ASSERT_TRUE(decoder.decode_update(step.frame, u));
        last_end = u.sequence_end;
        ++level2;
        continue;
      }
      ++tickers;
      expect_ticker_is_truth(step.frame, m, "BTC-USDT");
      EXPECT_EQ(Frame(step.frame).str("sequence"), std::to_string(last_end));
    }
    clock.advance(milliseconds(1));
  }
  EXPECT_EQ(level2, 301u);
  EXPECT_EQ(produced(m, "BTC-USDT"), level2) << "only the level2 stream moved the market";
  EXPECT_EQ(tickers, 4u) << "at 0, 100, 200 and 300 ms";
}

TEST(MockFeedTopics, Level1IsTheTruthsTopAndComesOnlyWhenTheTopChanged) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {.pace_per_symbol = 1'000});
  ASSERT_TRUE(s.add(topic("/market/level2", "ETH-USDT"), clock.t));
  ASSERT_TRUE(s.add(topic("/spotMarket/level1", "ETH-USDT"), clock.t));
  std::vector<std::string> tops;  // "bid x size / ask x size" of each level1 frame
  for (int ms = 0; ms < 500; ++ms) {
    for (;;) {
      FeedStep step = s.next(clock);
      if (step.kind != Kind::frame) break;
      if (!is(step.frame, "/spotMarket/level1")) continue;
      const TruthView t = *m.truth("ETH-USDT");  // nothing moved the market since the frame was made
      Frame f(step.frame);
      EXPECT_EQ(Frame::str_of(f.doc, "subject"), "level1");
      auto asks = f.data()["asks"].get_array().value();
      auto bids = f.data()["bids"].get_array().value();
      ASSERT_EQ(asks.size(), 2u);
      ASSERT_EQ(bids.size(), 2u);
      EXPECT_EQ(std::string(asks.at(0).get_string().value()), to_string(t.book.asks.front().price));
      EXPECT_EQ(std::string(asks.at(1).get_string().value()), to_string(t.book.asks.front().size));
      EXPECT_EQ(std::string(bids.at(0).get_string().value()), to_string(t.book.bids.front().price));
      EXPECT_EQ(std::string(bids.at(1).get_string().value()), to_string(t.book.bids.front().size));
      EXPECT_EQ(f.data()["timestamp"].get_int64().value(), t.book.time_ms) << "the market's time, a number";
      tops.push_back(to_string(t.book.bids.front().price) + "x" + to_string(t.book.bids.front().size) + "/" +
                     to_string(t.book.asks.front().price) + "x" + to_string(t.book.asks.front().size));
    }
    clock.advance(milliseconds(1));
  }
  // Looked at every 10 ms (50 looks); the top moves often, not at every look.
  EXPECT_GT(tops.size(), 10u);
  EXPECT_LE(tops.size(), 50u);
  for (std::size_t i = 1; i < tops.size(); ++i) EXPECT_NE(tops[i], tops[i - 1]) << "a frame only when it changed";
}

TEST(MockFeedTopics, SnapshotCarriesThe24HourFiguresEveryTwoSeconds) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {});
  const FeedTime t0 = clock.t;
  ASSERT_TRUE(s.add(topic("/market/snapshot", "BTC-USDT"), t0));
  for (int round = 0; round < 2; ++round) {
    FeedStep step = s.next(clock);
    ASSERT_EQ(step.kind, Kind::frame);
    const TruthView t = *m.truth("BTC-USDT");
    Frame f(step.frame);
    EXPECT_EQ(Frame::str_of(f.doc, "topic"), "/market/snapshot:BTC-USDT");
    EXPECT_EQ(Frame::str_of(f.doc, "subject"), "trade.snapshot");
    EXPECT_EQ(f.str("sequence"), std::to_string(t.book.sequence));
    auto d = f.data()["data"];
    EXPECT_EQ(Frame::str_of(d.value(), "symbol"), "BTC-USDT");
    EXPECT_EQ(d["datetime"].get_int64().value(), t.book.time_ms);
    double buy = 0, sell = 0, last = 0;
    ASSERT_EQ(d["buy"].get_double().get(buy), simdjson::SUCCESS) << "numbers, as KuCoin sends them";
    ASSERT_EQ(d["sell"].get_double().get(sell), simdjson::SUCCESS);
    ASSERT_EQ(d["lastTradedPrice"].get_double().get(last), simdjson::SUCCESS);
    EXPECT_EQ(buy, std::stod(to_string(t.book.bids.front().price)));
    EXPECT_EQ(sell, std::stod(to_string(t.book.asks.front().price)));
    EXPECT_LT(buy, sell);
    FeedStep w = s.next(clock);
    EXPECT_EQ(w.kind, Kind::wait);
    EXPECT_EQ(w.wake_at, t0 + milliseconds(2'000) * (round + 1));
    clock.t = w.wake_at;
    clock.wall += 2'000;
  }
  EXPECT_EQ(produced(m, "BTC-USDT"), 210u) << "moved 10 messages every 100 ms meanwhile";
}

// Every trade of the messages produced after the subscription, once, in order, each after the
// level2 frame that shows the level it hit.
TEST(MockFeedTopics, MatchSendsEveryTradeAfterTheSubscriptionOnceInOrder) {
  LiveMarket m(market_config(3'000));
  FakeClock clock;
  FeedScheduler s(&m, {});
  L2Decoder decoder;
  decoder.scales().set("BTC-USDT", SymbolScale{1, 8});
  ASSERT_TRUE(s.add(topic("/market/level2", "BTC-USDT"), clock.t));
  std::vector<L2Update> level2;
  for (const std::string& f : drain(s, clock, 100)) {
    ASSERT_TRUE(decoder.decode_update(f, level2.emplace_back()));
  }
  const std::uint64_t trades_before = all_trades(m, "BTC-USDT").size();
  ASSERT_TRUE(s.add(topic("/market/match", "BTC-USDT"), clock.t));
  std::vector<std::string> matches;
  for (int round = 0; round < 1'000; ++round) {
    const auto frames = drain(s, clock, 100);
    for (const std::string& f : frames) {
      if (is(f, "/market/match")) {
        matches.push_back(f);
        // The level2 frame with the trade's sequence came first and shows the level it hit.
        const std::int64_t seq = std::stoll(Frame(f).str("sequence"));
        const auto msg = std::find_if(level2.begin(), level2.end(), [&](const L2Update& u) {
          return u.sequence_start <= seq && seq <= u.sequence_end;
        });
        ASSERT_NE(msg, level2.end()) << "no level2 frame before the trade at " << seq;
        Frame mf(f);
        const Side hit = mf.str("side") == "buy" ? Side::ask : Side::bid;
        const std::string price = mf.str("price");
        EXPECT_TRUE(std::any_of(
            msg->changes.begin(), msg->changes.end(),
            [&](const L2Change& c) { return c.side == hit && to_string(c.price) == price && c.sequence >= seq; }))
            << "the message changes the level the trade hit: " << f;
      } else {
        ASSERT_TRUE(decoder.decode_update(f, level2.emplace_back()));
      }
    }
    if (frames.empty() && level2.size() == 3'000) break;
    clock.advance(milliseconds(10));
  }
  ASSERT_EQ(level2.size(), 3'000u);
  const auto expected = all_trades(m, "BTC-USDT", trades_before);
  ASSERT_GT(expected.size(), 100u);
  ASSERT_EQ(matches.size(), expected.size()) << "every trade after the subscription, once";
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Trade& t = expected[i].trade;
    EXPECT_GE(expected[i].message, 100u) << "made after the subscription";
    Frame f(matches[i]);
    EXPECT_EQ(Frame::str_of(f.doc, "subject"), "trade.l3match");
    EXPECT_EQ(f.str("sequence"), std::to_string(t.sequence)) << i;
    EXPECT_EQ(f.str("price"), to_string(t.price));
    EXPECT_EQ(f.str("size"), to_string(t.size));
    EXPECT_EQ(f.str("side"), t.taker_side == Side::bid ? "buy" : "sell");
    EXPECT_EQ(f.str("time"), std::to_string(t.time_ms * 1'000'000)) << "ns, as a string";
    EXPECT_EQ(f.str("symbol"), "BTC-USDT");
    EXPECT_EQ(f.str("type"), "match");
  }
  EXPECT_GT(std::stoll(Frame(matches.front()).str("sequence")), level2[99].sequence_end);
}

TEST(MockFeedTopics, MatchOfAnUnstreamedSymbolIsPolledEvery10msAndMovesTheMarket) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {});
  const FeedTime t0 = clock.t;
  ASSERT_TRUE(s.add(topic("/market/match", "ETH-USDT"), t0));
  std::size_t frames = 0;
  for (int ms = 0; ms < 1'000; ms += 10) {
    frames += drain(s, clock).size();
    const FeedStep w = s.next(clock);
    EXPECT_EQ(w.kind, Kind::wait);
    EXPECT_EQ(w.wake_at, clock.t + milliseconds(10)) << "the trade log is read every 10 ms";
    clock.advance(milliseconds(10));
  }
  EXPECT_EQ(produced(m, "ETH-USDT"), 100u);
  EXPECT_EQ(frames, all_trades(m, "ETH-USDT").size());
  EXPECT_GT(frames, 0u);
}

TEST(MockFeedTopics, AMatchStreamFarBehindTheTradeLogReportsTheTradesItLost) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {});
  ASSERT_TRUE(s.add(topic("/market/match", "BTC-USDT"), clock.t));
  drain(s, clock);  // the first step (10 messages) and its trades
  const std::uint64_t first_read = all_trades(m, "BTC-USDT").size();
  std::vector<MarketTrade> none;
  while (m.trades_since("BTC-USDT", std::numeric_limits<std::uint64_t>::max(), none)->next <
         first_read + kTradeLogKept + 50) {
    m.advance("BTC-USDT", 5'000);  // another connection's level2 stream, running far ahead
  }
  EXPECT_TRUE(s.drops().empty());
  clock.advance(milliseconds(10));
  FeedStep f = s.next(clock);
  ASSERT_EQ(f.kind, Kind::frame);
  const auto range = m.trades_since("BTC-USDT", 0, none);
  ASSERT_EQ(s.drops().size(), 1u);
  EXPECT_EQ(s.drops()[0].topic, "/market/match:BTC-USDT");
  EXPECT_EQ(s.drops()[0].count, range->first - first_read) << "the trades no longer kept";
  const auto kept = all_trades(m, "BTC-USDT");
  ASSERT_EQ(kept.size(), kTradeLogKept);
  EXPECT_EQ(Frame(f.frame).str("sequence"), std::to_string(kept.front().trade.sequence))
      << "the oldest kept comes next";
}

// However many streams watch an unstreamed symbol, it moves once per step; beside its level2
// stream it does not move by itself, and after that stream ends it goes on without a burst.
TEST(MockFeedTopics, OneMoverPerSymbolAndNoneBesideItsLevel2Stream) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {});
  const FeedTime t0 = clock.t;
  for (auto c :
       {"/spotMarket/level2Depth5", "/market/ticker", "/spotMarket/level1", "/market/snapshot", "/market/match"}) {
    ASSERT_TRUE(s.add(topic(c, "ETH-USDT"), t0));
  }
  const auto first = drain(s, clock);
  EXPECT_GE(first.size(), 4u) << "depth5, ticker, level1 and snapshot at once (matches when trades came)";
  EXPECT_EQ(produced(m, "ETH-USDT"), 10u);
  clock.advance(milliseconds(100));
  drain(s, clock);
  EXPECT_EQ(produced(m, "ETH-USDT"), 20u);

  ASSERT_TRUE(s.add(topic("/market/level2", "ETH-USDT"), clock.t));
  auto level2_frames = [](const std::vector<std::string>& frames) {
    return static_cast<std::uint64_t>(
        std::count_if(frames.begin(), frames.end(), [](const std::string& f) { return is(f, "/market/level2"); }));
  };
  std::uint64_t pulled = level2_frames(drain(s, clock, 50));
  clock.advance(milliseconds(300));
  pulled += level2_frames(drain(s, clock, 50));
  EXPECT_EQ(produced(m, "ETH-USDT"), 20u + pulled) << "only the level2 stream moves it";

  s.remove("/market/level2:ETH-USDT");
  s.collect();
  clock.advance(milliseconds(100));
  drain(s, clock);
  EXPECT_EQ(produced(m, "ETH-USDT"), 30u + pulled) << "one step, not the ones it missed beside the stream";

  for (auto c :
       {"/spotMarket/level2Depth5", "/market/ticker", "/spotMarket/level1", "/market/snapshot", "/market/match"}) {
    s.remove(std::string(c) + ":ETH-USDT");
  }
  s.collect();
  EXPECT_EQ(s.size(), 0u);
  clock.advance(milliseconds(1'000));
  drain(s, clock);
  EXPECT_EQ(produced(m, "ETH-USDT"), 30u + pulled) << "nobody watches it any more";
}

}  // namespace
}  // namespace kucoin::mock
