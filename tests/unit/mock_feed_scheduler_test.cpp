// The mock's feed scheduler without sockets: a fake clock, a real LiveMarket. Round-robin, pace,
// stalls, slow-reader drops, depth5/50 cadence and the market's faults, decided from stream
// positions and the injected time.
#include "kucoin/mock/feed_scheduler.hpp"

#include <gtest/gtest.h>

#include "kucoin/protocol/l2_codec.hpp"
#include "mock_feed_clock.hpp"

namespace kucoin::mock {
namespace {

using std::chrono::milliseconds;
using Kind = FeedStep::Kind;

using testing::FakeClock;

LiveMarketConfig market_config(std::vector<StreamFault> faults = {}, std::uint64_t messages = 0) {
  LiveMarketConfig c;
  c.symbols = {"BTC-USDT", "ETH-USDT"};
  c.levels_per_side = 200;
  c.messages = messages;
  c.faults = std::move(faults);
  return c;
}

DataTopic topic(std::string_view channel, std::string_view symbol) { return DataTopic(channel, symbol); }
const DataTopic kBtc = topic("/market/level2", "BTC-USDT");
const DataTopic kEth = topic("/market/level2", "ETH-USDT");

L2Decoder decoder() {
  L2Decoder d;
  d.scales().set("BTC-USDT", SymbolScale{1, 8});
  d.scales().set("ETH-USDT", SymbolScale{2, 7});
  return d;
}

L2Update decode(std::string_view frame) {
  L2Update u;
  auto r = decoder().decode_update(frame, u);
  EXPECT_TRUE(r) << frame;
  return u;
}

// The frames a fresh subscription of an identical market gives: what the stream must look like.
std::vector<std::string> reference(const LiveMarketConfig& c, std::string_view symbol, std::size_t n) {
  LiveMarket m(c);
  auto sub = m.subscribe(symbol);
  std::vector<std::string> out;
  while (out.size() < n) {
    FeedEvent e = sub->next();
    if (e.kind == FeedEvent::Kind::stall) continue;  // a stall delays, it loses nothing
    if (e.kind != FeedEvent::Kind::frame) break;
    out.emplace_back(e.frame);
  }
  return out;
}

// Frames handed out now, until the scheduler says wait (at most `max`).
std::vector<std::string> drain(FeedScheduler& s, FeedClock& clock, std::size_t max = 100'000) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < max; ++i) {
    FeedStep step = s.next(clock);
    if (step.kind != Kind::frame) break;
    out.emplace_back(step.frame);
  }
  return out;
}

TEST(MockFeedScheduler, UnpacedLevel2StreamsGoRoundRobinWithoutReadingTheClock) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {});
  ASSERT_TRUE(s.add(kBtc, clock.t));
  ASSERT_TRUE(s.add(kEth, clock.t));
  EXPECT_EQ(s.size(), 2u);
  std::int64_t last_btc = 0, last_eth = 0;
  for (int i = 0; i < 40; ++i) {
    FeedStep step = s.next(clock);
    ASSERT_EQ(step.kind, Kind::frame);
    const L2Update u = decode(step.frame);
    EXPECT_EQ(u.symbol, i % 2 == 0 ? "BTC-USDT" : "ETH-USDT") << "round-robin";
    std::int64_t& last = u.symbol == "BTC-USDT" ? last_btc : last_eth;
    if (last != 0) {
      EXPECT_EQ(u.sequence_start, last + 1) << "no gap";
    }
    last = u.sequence_end;
  }
  EXPECT_EQ(clock.reads, 0) << "nothing depends on the time: the hot path never reads it";
}

TEST(MockFeedScheduler, PaceMakesTheNthFrameDueNMinusOneOverPaceAfterTheStart) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {.pace_per_symbol = 100});
  const FeedTime t0 = clock.t;
  ASSERT_TRUE(s.add(kBtc, t0));
  EXPECT_EQ(drain(s, clock).size(), 1u) << "the first frame is due at once";
  FeedStep w = s.next(clock);
  EXPECT_EQ(w.kind, Kind::wait);
  EXPECT_EQ(w.wake_at, t0 + milliseconds(10));
  clock.advance(milliseconds(9));
  EXPECT_TRUE(drain(s, clock).empty());
  clock.advance(milliseconds(1));
  EXPECT_EQ(drain(s, clock).size(), 1u);
  clock.advance(milliseconds(25));  // 35 ms: frames 3 and 4 are due
  EXPECT_EQ(drain(s, clock).size(), 2u);
  w = s.next(clock);
  EXPECT_EQ(w.kind, Kind::wait);
  EXPECT_EQ(w.wake_at, t0 + milliseconds(40));
  // 1 s later the stream catches up to exactly the 101 frames due, whatever the writer's rhythm.
  clock.t = t0 + std::chrono::seconds(1);
  EXPECT_EQ(drain(s, clock).size(), 101u - 4u);
}

TEST(MockFeedScheduler, AStallSilencesTheStreamLosesNothingAndBuildsNoBacklog) {
  const std::vector<StreamFault> stall = {{StreamFault::Kind::stall, "BTC-USDT", {Trigger::Kind::message, 5}, 50, 0}};
  const auto ref = reference(market_config(stall), "BTC-USDT", 10);
  ASSERT_EQ(ref.size(), 10u);
  {  // unpaced
    LiveMarket m(market_config(stall));
    FakeClock clock;
    FeedScheduler s(&m, {});
    ASSERT_TRUE(s.add(kBtc, clock.t));
    const auto before = drain(s, clock);
    ASSERT_EQ(before.size(), 4u);
    EXPECT_EQ(before, std::vector<std::string>(ref.begin(), ref.begin() + 4));
    const FeedTime stalled_at = clock.t;
    FeedStep w = s.next(clock);
    EXPECT_EQ(w.kind, Kind::wait);
    EXPECT_EQ(w.wake_at, stalled_at + milliseconds(50));
    clock.advance(milliseconds(49));
    EXPECT_TRUE(drain(s, clock).empty());
    clock.advance(milliseconds(1));
    const auto after = drain(s, clock, 3);
    ASSERT_EQ(after.size(), 3u);
    EXPECT_EQ(after[0], ref[4]) << "the 5th message comes after the stall, not lost";
  }
  {  // paced at 1000/s: after the stall the stream goes on at its pace, not in a burst
    LiveMarket m(market_config(stall));
    FakeClock clock;
    FeedScheduler s(&m, {.pace_per_symbol = 1000});
    ASSERT_TRUE(s.add(kBtc, clock.t));
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(drain(s, clock).size(), 1u);
      clock.advance(milliseconds(1));
    }
    EXPECT_EQ(s.next(clock).wake_at, clock.t + milliseconds(50)) << "stalled at 4 ms for 50 ms";
    clock.advance(milliseconds(50));
    const auto resumed = drain(s, clock);
    ASSERT_EQ(resumed.size(), 1u);
    EXPECT_EQ(resumed[0], ref[4]);
  }
}

TEST(MockFeedScheduler, SlowReaderLosesTheOldestFramesBeyondTheBacklog) {
  const auto ref = reference(market_config(), "BTC-USDT", 400);
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {.pace_per_symbol = 1000, .slow_reader_backlog = 10});
  ASSERT_TRUE(s.slow_reader_policy());
  const FeedTime t0 = clock.t;
  ASSERT_TRUE(s.add(kBtc, t0));
  FeedStep first = s.next(clock);
  ASSERT_EQ(first.kind, Kind::frame);
  const std::string written(first.frame);
  EXPECT_EQ(written, ref[0]);

  // The write is stuck for 100 ms: 101 frames are due, 1 was handed out, 10 may wait.
  clock.advance(milliseconds(100));
  EXPECT_EQ(s.enforce_backlog(clock.t).kind, Kind::wait);
  ASSERT_EQ(s.drops().size(), 1u);
  EXPECT_EQ(s.drops()[0].topic, "/market/level2:BTC-USDT");
  EXPECT_EQ(s.drops()[0].count, 90u);
  EXPECT_EQ(first.frame, written) << "the frame being written is the scheduler's own copy";
  s.clear_drops();
  EXPECT_EQ(s.enforce_backlog(clock.t).kind, Kind::wait);
  EXPECT_TRUE(s.drops().empty()) << "within the backlog now";

  // The writer goes on: the 10 frames still due, starting after the dropped ones (a gap).
  const auto next = drain(s, clock);
  ASSERT_EQ(next.size(), 10u);
  EXPECT_EQ(next.front(), ref[91]);
  EXPECT_EQ(next.back(), ref[100]);
  EXPECT_GT(decode(next.front()).sequence_start, decode(ref[0]).sequence_end + 1);

  // Late again, found by the writer itself: it drops before it hands out the next frame.
  clock.advance(milliseconds(50));
  FeedStep late = s.next(clock);
  ASSERT_EQ(late.kind, Kind::frame);
  ASSERT_EQ(s.drops().size(), 1u);
  EXPECT_EQ(s.drops()[0].count, 40u);  // due 151, handed out 101, 10 may wait
  EXPECT_EQ(late.frame, ref[141]);
}

TEST(MockFeedScheduler, NoSlowReaderPolicyWithoutAPaceOrABacklog) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler unpaced(&m, {.slow_reader_backlog = 10});
  FeedScheduler no_backlog(&m, {.pace_per_symbol = 1000});
  EXPECT_FALSE(unpaced.slow_reader_policy());
  EXPECT_FALSE(no_backlog.slow_reader_policy());
  ASSERT_TRUE(no_backlog.add(kBtc, clock.t));
  clock.advance(milliseconds(100));
  EXPECT_EQ(no_backlog.enforce_backlog(clock.t).kind, Kind::wait);
  EXPECT_TRUE(no_backlog.drops().empty());
  EXPECT_EQ(drain(no_backlog, clock).size(), 101u) << "without a backlog bound everything due is written";
}

TEST(MockFeedScheduler, DepthStreamsSendTheTopEveryIntervalAndMoveAnUnwatchedMarket) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {});
  const FeedTime t0 = clock.t;
  ASSERT_TRUE(s.add(topic("/spotMarket/level2Depth5", "ETH-USDT"), t0));
  FeedStep f = s.next(clock);
  ASSERT_EQ(f.kind, Kind::frame);
  EXPECT_EQ(m.truth("ETH-USDT")->produced, 10u) << "no level2 stream: the market moves 10 messages a tick (100/s)";
  std::string symbol;
  L2Snapshot top;
  auto d = decoder();
  ASSERT_TRUE(d.decode_depth(f.frame, symbol, top)) << f.frame;
  EXPECT_EQ(symbol, "ETH-USDT");
  EXPECT_EQ(top.time_ms, clock.wall) << "the frame's timestamp is the clock's wall time";
  const auto truth = m.truth("ETH-USDT")->book;
  EXPECT_EQ(top.bids, std::vector<L2Level>(truth.bids.begin(), truth.bids.begin() + 5));
  EXPECT_EQ(top.asks, std::vector<L2Level>(truth.asks.begin(), truth.asks.begin() + 5));

  FeedStep w = s.next(clock);
  EXPECT_EQ(w.kind, Kind::wait);
  EXPECT_EQ(w.wake_at, t0 + milliseconds(100));
  clock.advance(milliseconds(99));
  EXPECT_TRUE(drain(s, clock).empty());
  clock.advance(milliseconds(1));
  EXPECT_EQ(drain(s, clock).size(), 1u);
  EXPECT_EQ(m.truth("ETH-USDT")->produced, 20u);

  // With a pace the unwatched market moves pace/10 messages a tick.
  LiveMarket paced_market(market_config());
  FeedScheduler paced(&paced_market, {.pace_per_symbol = 50});
  ASSERT_TRUE(paced.add(topic("/spotMarket/level2Depth50", "BTC-USDT"), clock.t));
  f = paced.next(clock);
  ASSERT_EQ(f.kind, Kind::frame);
  EXPECT_NE(f.frame.find("/spotMarket/level2Depth50:BTC-USDT"), std::string_view::npos);
  ASSERT_TRUE(d.decode_depth(f.frame, symbol, top));
  EXPECT_EQ(top.bids.size(), 50u);
  EXPECT_EQ(paced_market.truth("BTC-USDT")->produced, 5u);
}

TEST(MockFeedScheduler, ADepthStreamBesideTheSymbolsLevel2StreamLeavesTheMarketToIt) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {.pace_per_symbol = 100});
  ASSERT_TRUE(s.add(kBtc, clock.t));
  ASSERT_TRUE(s.add(topic("/spotMarket/level2Depth5", "BTC-USDT"), clock.t));
  EXPECT_EQ(drain(s, clock).size(), 2u) << "one level2 frame, then the top of book";
  EXPECT_EQ(m.truth("BTC-USDT")->produced, 1u) << "only the level2 stream moved the market";
  clock.advance(milliseconds(100));  // 10 level2 frames due, and the next top
  const auto frames = drain(s, clock);
  EXPECT_EQ(frames.size(), 11u);
  EXPECT_EQ(m.truth("BTC-USDT")->produced, 11u);
}

TEST(MockFeedScheduler, AnUnchangedTopIsNotSentAgain) {
  LiveMarket m(market_config({}, 5));  // the market ends after 5 messages
  FakeClock clock;
  FeedScheduler s(&m, {});
  ASSERT_TRUE(s.add(topic("/spotMarket/level2Depth5", "BTC-USDT"), clock.t));
  EXPECT_EQ(drain(s, clock).size(), 1u);
  clock.advance(milliseconds(100));
  FeedStep w = s.next(clock);
  EXPECT_EQ(w.kind, Kind::wait) << "the truth did not move";
  EXPECT_EQ(w.wake_at, clock.t + milliseconds(100));
}

TEST(MockFeedScheduler, MarketFaultsAndTheEndOfAStream) {
  {
    LiveMarket m(market_config({{StreamFault::Kind::disconnect, "ETH-USDT", {Trigger::Kind::message, 3}, 1, 0}}));
    FakeClock clock;
    FeedScheduler s(&m, {});
    ASSERT_TRUE(s.add(kEth, clock.t));
    EXPECT_EQ(drain(s, clock, 2).size(), 2u);
    EXPECT_EQ(s.next(clock).kind, Kind::disconnect);
  }
  {
    LiveMarket m(market_config({{StreamFault::Kind::token_expiry, "", {Trigger::Kind::after_subscribe, 4}, 1, 0}}));
    FakeClock clock;
    FeedScheduler s(&m, {});
    ASSERT_TRUE(s.add(kBtc, clock.t));
    EXPECT_EQ(drain(s, clock, 3).size(), 3u);
    EXPECT_EQ(s.next(clock).kind, Kind::token_expiry);
  }
  {  // a slow reader's drops run into the fault: it still ends the session
    LiveMarket m(market_config({{StreamFault::Kind::disconnect, "BTC-USDT", {Trigger::Kind::message, 20}, 1, 0}}));
    FakeClock clock;
    FeedScheduler s(&m, {.pace_per_symbol = 1000, .slow_reader_backlog = 5});
    ASSERT_TRUE(s.add(kBtc, clock.t));
    EXPECT_EQ(drain(s, clock).size(), 1u);
    clock.advance(milliseconds(100));
    EXPECT_EQ(s.enforce_backlog(clock.t).kind, Kind::disconnect);
    ASSERT_EQ(s.drops().size(), 1u);
    EXPECT_EQ(s.drops()[0].count, 18u) << "messages 2..19 dropped, the 20th is the fault";
  }
  {
    LiveMarket m(market_config({}, 3));
    FakeClock clock;
    FeedScheduler s(&m, {});
    ASSERT_TRUE(s.add(kBtc, clock.t));
    EXPECT_EQ(drain(s, clock).size(), 3u);
    FeedStep w = s.next(clock);
    EXPECT_EQ(w.kind, Kind::wait);
    EXPECT_EQ(w.wake_at, FeedTime::max()) << "an ended stream has nothing more, ever";
  }
}

TEST(MockFeedScheduler, SilentTopicsUnknownSymbolsAndNoStreamingMarket) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {});
  EXPECT_FALSE(s.add(topic("/market/candles", "BTC-USDT_1hour"), clock.t));
  EXPECT_FALSE(s.add(topic("/market/ticker", "all"), clock.t));
  EXPECT_FALSE(s.add(topic("/market/ticker", "NOPE-USDT"), clock.t));
  EXPECT_FALSE(s.add(topic("/market/match", "NOPE-USDT"), clock.t));
  EXPECT_FALSE(s.add(topic("/market/level2", "NOPE-USDT"), clock.t));
  EXPECT_FALSE(s.add(topic("/spotMarket/level2Depth5", "NOPE-USDT"), clock.t));
  EXPECT_FALSE(s.add(DataTopic("/account/balance", ""), clock.t));
  EXPECT_EQ(s.size(), 0u);
  FeedStep w = s.next(clock);
  EXPECT_EQ(w.kind, Kind::wait);
  EXPECT_EQ(w.wake_at, FeedTime::max());
  FeedScheduler none(nullptr, {});
  EXPECT_FALSE(none.add(kBtc, clock.t));
  EXPECT_EQ(none.next(clock).kind, Kind::wait);
}

TEST(MockFeedScheduler, RemovedStreamsStopAtOnceAndAreDestroyedByCollect) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {});
  ASSERT_TRUE(s.add(kBtc, clock.t));
  ASSERT_TRUE(s.add(kEth, clock.t));
  FeedStep f = s.next(clock);
  ASSERT_EQ(f.kind, Kind::frame);
  const std::string written(f.frame);
  s.remove(kBtc.text);
  EXPECT_EQ(f.frame, written) << "a frame being written stays valid until collect()";
  EXPECT_EQ(s.size(), 2u);
  for (int i = 0; i < 10; ++i) {
    FeedStep step = s.next(clock);
    ASSERT_EQ(step.kind, Kind::frame);
    EXPECT_EQ(decode(step.frame).symbol, "ETH-USDT");
  }
  s.collect();
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(decode(s.next(clock).frame).symbol, "ETH-USDT");
}

// The slow-reader policy looks at level2 streams only: a depth stream is never behind (and has no
// subscription to drop from).
TEST(MockFeedScheduler, SlowReaderPolicyLeavesDepthStreamsAlone) {
  LiveMarket m(market_config());
  FakeClock clock;
  FeedScheduler s(&m, {.pace_per_symbol = 1000, .slow_reader_backlog = 5});
  ASSERT_TRUE(s.add(topic("/spotMarket/level2Depth5", "BTC-USDT"), clock.t));
  ASSERT_TRUE(s.add(kEth, clock.t));
  EXPECT_EQ(drain(s, clock).size(), 2u);
  clock.advance(milliseconds(100));
  EXPECT_EQ(s.enforce_backlog(clock.t).kind, Kind::wait);
  ASSERT_EQ(s.drops().size(), 1u);
  EXPECT_EQ(s.drops()[0].topic, kEth.text);
  EXPECT_EQ(s.drops()[0].count, 95u);
}

}  // namespace
}  // namespace kucoin::mock
