// A capture as the mock's market: CaptureSource hands out the recorded session's messages, keeps
// the truth for REST snapshots, bridges the recording's gaps, starts at a chosen point, loops; and
// LiveMarket serves it with faults on top.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "kucoin/mock/capture_source.hpp"
#include "kucoin/mock/feed_scheduler.hpp"
#include "kucoin/mock/market.hpp"
#include "kucoin/mock/market_generator.hpp"
#include "kucoin/protocol/l2_codec.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "mock_feed_clock.hpp"

namespace kucoin::mock {
namespace {

using capture::CaptureContents;
using capture::CaptureRecord;
using capture::RecordKind;

struct Recorded {
  CaptureContents capture;
  std::vector<L2Snapshot> truth;  // truth[k]: the book after the k-th message of the generator (0: at the snapshot)
};

// A recorded session of BTC-USDT: symbols, 3 frames, the snapshot, then `after` frames; frame
// `drop` is lost (the recording client resynced with a snapshot `resnap_after` frames later).
Recorded record_session(int after, int drop = -1, int resnap_after = 5) {
  GeneratorConfig g;
  g.levels_per_side = 100;
  g.seed = 3;
  const SymbolInfo info = default_symbol_setup("BTC-USDT", g);
  MarketGenerator gen(g);
  Recorded out;
  out.capture.header.symbols = {"BTC-USDT"};
  std::int64_t t = 0;
  auto add = [&](RecordKind k, std::string url, std::string payload) {
    CaptureRecord r;
    r.kind = k;
    r.mono_ns = t += 1'000'000;  // 1 ms apart
    r.conn = k == RecordKind::ws_in ? 1 : 0;
    r.status = k == RecordKind::http_response ? 200 : 0;
    r.url = std::move(url);
    r.payload = std::move(payload);
    out.capture.records.push_back(std::move(r));
  };
  std::string body;
  encode_symbols({info}, body);
  add(RecordKind::http_response, "/api/v2/symbols", body);
  for (int i = 0; i < 3; ++i) {
    std::string f;
    encode_update_frame(gen.next(), f);
    add(RecordKind::ws_in, {}, f);
  }
  body.clear();
  encode_snapshot_response(gen.snapshot(), body);
  add(RecordKind::http_response, "/api/v3/market/orderbook/level2?symbol=BTC-USDT", body);
  out.truth.push_back(gen.snapshot());
  for (int i = 0; i < after; ++i) {
    std::string f;
    encode_update_frame(gen.next(), f);
    out.truth.push_back(gen.snapshot());
    if (i != drop) add(RecordKind::ws_in, {}, f);
    if (drop >= 0 && i == drop + resnap_after) {
      body.clear();
      encode_snapshot_response(gen.snapshot(), body);
      add(RecordKind::http_response, "/api/v3/market/orderbook/level2?symbol=BTC-USDT", body);
    }
  }
  return out;
}

// The client's view: apply every message handed out to a map book.
struct Follower {
  std::map<Price, Quantity, std::greater<>> bids;
  std::map<Price, Quantity> asks;
  std::int64_t last = 0;
  std::uint64_t gaps = 0;
  void load(const L2Snapshot& s) {
    for (const auto& l : s.bids) bids[l.price] = l.size;
    for (const auto& l : s.asks) asks[l.price] = l.size;
    last = s.sequence;
  }
  void apply(const L2Update& u) {
    if (u.sequence_start != last + 1) ++gaps;
    for (const auto& c : u.changes) {
      if (c.price.raw == 0) continue;
      auto set = [&](auto& m) { c.size.raw == 0 ? (void)m.erase(c.price) : (void)(m[c.price] = c.size); };
      c.side == Side::bid ? set(bids) : set(asks);
    }
    last = u.sequence_end;
  }
  bool equals(const L2Snapshot& s) const {
    if (s.bids.size() != bids.size() || s.asks.size() != asks.size()) return false;
    std::size_t i = 0;
    for (const auto& [p, q] : bids) {
      if (!(s.bids[i].price == p) || !(s.bids[i].size == q)) return false;
      ++i;
    }
    i = 0;
    for (const auto& [p, q] : asks) {
      if (!(s.asks[i].price == p) || !(s.asks[i].size == q)) return false;
      ++i;
    }
    return true;
  }
};

TEST(CaptureSource, HandsOutTheRecordedBookMessageByMessage) {
  const Recorded rec = record_session(200);
  auto src = CaptureSource::create(rec.capture, "BTC-USDT");
  ASSERT_TRUE(src) << src.error();
  EXPECT_EQ((*src)->scale(), (SymbolScale{1, 8}));
  EXPECT_EQ((*src)->messages(), 200u);
  EXPECT_EQ((*src)->duration_ns(), 199'000'000);
  EXPECT_EQ((*src)->snapshot(), rec.truth[0]);
  Follower f;
  f.load((*src)->snapshot());
  for (std::size_t k = 1; k <= 200; ++k) {
    const L2Update* u = (*src)->next();
    ASSERT_NE(u, nullptr);
    f.apply(*u);
    const L2Snapshot s = (*src)->snapshot();
    ASSERT_EQ(s.sequence, rec.truth[k].sequence);
    ASSERT_TRUE(f.equals(rec.truth[k])) << k;
    ASSERT_EQ(s.bids, rec.truth[k].bids) << k;
  }
  EXPECT_EQ((*src)->next(), nullptr);
  EXPECT_EQ(f.gaps, 0u);
}

TEST(CaptureSource, BridgesTheRecordingsGapWithTheResyncSnapshot) {
  const Recorded rec = record_session(100, 40, 5);
  auto src = CaptureSource::create(rec.capture, "BTC-USDT");
  ASSERT_TRUE(src) << src.error();
  EXPECT_EQ((*src)->bridges(), 1u);
  Follower f;
  f.load((*src)->snapshot());
  while (const L2Update* u = (*src)->next()) f.apply(*u);
  EXPECT_EQ(f.gaps, 0u);  // the served stream is continuous
  EXPECT_TRUE(f.equals(rec.truth.back()));
  EXPECT_EQ((*src)->snapshot(), rec.truth.back());
}

TEST(CaptureSource, StartsAtASequenceOrATimeAndLoops) {
  const Recorded rec = record_session(50);
  CaptureSourceOptions o;
  o.from_sequence = rec.truth[20].sequence;
  auto src = CaptureSource::create(rec.capture, "BTC-USDT", o);
  ASSERT_TRUE(src);
  EXPECT_EQ((*src)->snapshot(), rec.truth[20]);
  EXPECT_EQ((*src)->messages(), 30u);

  o = {};
  o.from_offset_ns = 10'000'000;  // records 1 ms apart: symbols, 3 frames, the snapshot at 5 ms, frames from 6 ms
  auto at_time = CaptureSource::create(rec.capture, "BTC-USDT", o);
  ASSERT_TRUE(at_time);
  EXPECT_EQ((*at_time)->snapshot().sequence, rec.truth[4].sequence);  // the frames at 6, 7, 8 and 9 ms

  o = {};
  o.loop = true;
  auto looping = CaptureSource::create(rec.capture, "BTC-USDT", o);
  ASSERT_TRUE(looping);
  Follower f;
  f.load((*looping)->snapshot());
  for (int k = 0; k < 50 + 1 + 10; ++k) {
    const L2Update* u = (*looping)->next();
    ASSERT_NE(u, nullptr);
    f.apply(*u);
  }
  EXPECT_EQ(f.gaps, 0u);
  EXPECT_TRUE(f.equals(rec.truth[10]));  // the second pass, 10 messages in
  EXPECT_GT((*looping)->snapshot().sequence, rec.truth.back().sequence);
}

TEST(CaptureSource, NeedsASnapshot) {
  Recorded rec = record_session(10);
  std::erase_if(rec.capture.records,
                [](const CaptureRecord& r) { return r.url.find("orderbook") != std::string::npos; });
  auto src = CaptureSource::create(rec.capture, "BTC-USDT");
  ASSERT_FALSE(src);
  EXPECT_NE(src.error().message.find("no REST snapshot"), std::string::npos);
  EXPECT_FALSE(capture_sources(rec.capture, {}));
}

// A futures capture is refused by name (not served as an empty spot market) until the futures
// host can replay one.
TEST(CaptureSource, AFuturesCaptureIsRefusedWithAClearError) {
  Recorded rec = record_session(10);
  rec.capture.header.venue = kucoin::Market::futures;
  auto sources = capture_sources(rec.capture, {});
  ASSERT_FALSE(sources);
  EXPECT_NE(sources.error().message.find("KuCoin Futures capture"), std::string::npos) << sources.error().message;
  EXPECT_NE(sources.error().message.find("kucoin-harness replay"), std::string::npos) << sources.error().message;
}

// A real session as a scenario's market, with a gap injected at message 20.
TEST(CaptureSource, LiveMarketServesItWithFaultsOnTop) {
  const Recorded rec = record_session(60);
  auto sources = capture_sources(rec.capture, {});
  ASSERT_TRUE(sources);
  std::vector<std::unique_ptr<L2Source>> l2;
  for (auto& s : *sources) l2.push_back(std::move(s));
  LiveMarketConfig cfg;
  cfg.symbols = {"BTC-USDT"};
  StreamFault drop;
  drop.kind = StreamFault::Kind::drop;
  drop.at = Trigger{Trigger::Kind::message, 20};
  cfg.faults.push_back(drop);
  LiveMarket market(std::move(l2), cfg);
  ASSERT_EQ(market.symbols().size(), 1u);
  EXPECT_EQ(market.snapshot("BTC-USDT")->sequence, rec.truth[0].sequence);
  auto sub = market.subscribe("BTC-USDT");
  ASSERT_NE(sub, nullptr);
  L2Decoder dec;
  L2Update u;
  std::int64_t last = rec.truth[0].sequence;
  int gaps = 0, frames = 0;
  for (;;) {
    const FeedEvent ev = sub->next();
    if (ev.kind != FeedEvent::Kind::frame) break;
    ASSERT_TRUE(dec.decode_update(ev.frame, u));
    gaps += u.sequence_start != last + 1;
    last = u.sequence_end;
    ++frames;
  }
  EXPECT_EQ(frames, 59);
  EXPECT_EQ(gaps, 1);
  EXPECT_EQ(market.truth("BTC-USDT")->book.bids, rec.truth.back().bids);
}

// Frames served as recorded: the bytes of each message the source hands out unchanged (here
// written the way no encoder of ours writes them), with its receive time; a bridge and the
// messages of a later loop pass (their sequences moved on) are encoded again.
TEST(CaptureSource, ServesTheRecordedBytesAndTimes) {
  Recorded rec = record_session(100, 40, 5);
  for (auto& r : rec.capture.records) {
    if (r.kind == RecordKind::ws_in) r.payload.insert(1, " ");  // `{ "topic":...`: still JSON, not ours
  }
  std::map<std::int64_t, const CaptureRecord*> by_time;
  for (const auto& r : rec.capture.records) by_time[r.mono_ns] = &r;
  CaptureSourceOptions o;
  o.loop = true;
  auto src = CaptureSource::create(rec.capture, "BTC-USDT", o);
  ASSERT_TRUE(src) << src.error();
  L2Decoder dec;
  dec.scales().set("BTC-USDT", SymbolScale{1, 8});
  L2Update u;
  int recorded = 0, encoded = 0;
  std::int64_t last_time = -1;
  for (std::size_t k = 0; k < (*src)->messages() * 2 + 1; ++k) {
    const L2Update* m = (*src)->next();
    ASSERT_NE(m, nullptr);
    const std::int64_t t = (*src)->time_ns();
    EXPECT_GE(t, last_time) << k;  // never backwards, across passes too
    last_time = t;
    const std::string_view frame = (*src)->frame();
    if (frame.empty()) {
      ++encoded;
      continue;
    }
    ++recorded;
    ASSERT_LT(k, (*src)->messages()) << "a later pass is encoded again";
    ASSERT_TRUE(by_time.count(t)) << k;
    EXPECT_EQ(frame, by_time[t]->payload) << k;
    ASSERT_TRUE(dec.decode_update(frame, u));
    EXPECT_EQ(u.sequence_end, m->sequence_end);
  }
  // The first pass: every message as recorded except the bridge over the gap (the resync's
  // snapshot) and the messages after the gap it covers; then the loop's bridge and a second pass.
  EXPECT_GT(recorded, 85);
  EXPECT_EQ(recorded + encoded, static_cast<int>((*src)->messages() * 2 + 1));
}

// Ticker and match frames of the symbol, each with the number of level2 messages before it.
TEST(CaptureSource, KeepsTheRecordedTickerAndMatchFramesWithTheirPositions) {
  Recorded rec = record_session(30);
  std::vector<CaptureRecord> records;
  int level2 = 0;
  for (auto& r : rec.capture.records) {
    records.push_back(r);
    if (r.kind != RecordKind::ws_in) continue;
    ++level2;
    if (level2 <= 3) continue;  // before the snapshot: the book starts after these
    CaptureRecord t = r;
    t.payload = R"({"topic":"/market/ticker:BTC-USDT","type":"message","subject":"trade.ticker","data":{"n":)" +
                std::to_string(level2 - 3) + "}}";
    records.push_back(t);
    if (level2 % 10 == 0) {
      t.payload = R"({"type":"message","topic":"/market/match:BTC-USDT","data":{"n":)" + std::to_string(level2) + "}}";
      records.push_back(t);
      t.payload = R"({"type":"message","topic":"/market/match:ETH-USDT","data":{}})";  // another symbol
      records.push_back(t);
    }
  }
  rec.capture.records = records;
  auto src = CaptureSource::create(rec.capture, "BTC-USDT");
  ASSERT_TRUE(src) << src.error();
  const RecordedTopics& topics = (*src)->topics();
  ASSERT_EQ(topics.size(), 2u);
  const RecordedTopic& ticker = topics.at("/market/ticker:BTC-USDT");
  ASSERT_EQ(ticker.frames.size(), 30u);
  for (std::size_t i = 0; i < ticker.frames.size(); ++i) {
    EXPECT_EQ(ticker.frames[i].first, i + 1);  // after the (i+1)th message
    EXPECT_NE(ticker.frames[i].second.find("\"n\":" + std::to_string(i + 1) + "}"), std::string::npos);
  }
  EXPECT_EQ(topics.at("/market/match:BTC-USDT").frames.size(), 3u);  // at 10, 20, 30 (7, 17, 27 after the snapshot)
  std::uint64_t pos = 0;
  EXPECT_EQ(ticker.at(29, pos), &ticker.frames[29].second);
  EXPECT_EQ(pos, 30u);
  EXPECT_EQ(ticker.at(30, pos), nullptr);  // no loop: once

  CaptureSourceOptions o;
  o.from_sequence = rec.truth[10].sequence;
  o.loop = true;
  auto later = CaptureSource::create(rec.capture, "BTC-USDT", o);
  ASSERT_TRUE(later);
  const RecordedTopic& t2 = (*later)->topics().at("/market/ticker:BTC-USDT");
  ASSERT_EQ(t2.frames.size(), 21u);  // from the one after the 10th message on
  EXPECT_EQ(t2.frames[0].first, 0u);
  EXPECT_EQ(t2.messages, 20u);
  EXPECT_TRUE(t2.loop);
  ASSERT_NE(t2.at(21, pos), nullptr);
  EXPECT_EQ(pos, 21u);                              // the second pass: 20 messages and the loop's bridge later
  EXPECT_FALSE(RecordedTopic::due(21, 21, false));  // the next message is not produced yet
  EXPECT_TRUE(RecordedTopic::due(21, 22, false));
  EXPECT_TRUE(RecordedTopic::due(30, 30, true));  // after the last message: due at the stream's end
}

// serve --replay's scheduling: level2 frames at their recorded spacing divided by the speed (not
// at an average rate), recorded ticker frames once the market reached their position.
TEST(CaptureSource, AReplayKeepsTheRecordedSpacingAndServesTheRecordedTicker) {
  Recorded rec = record_session(40);
  // Uneven spacing: after the snapshot, message k arrives at 10 ms * k^2 / 40 (bursts, then pauses).
  std::int64_t t0 = 0;
  int k = 0;
  std::vector<CaptureRecord> records;
  for (auto& r : rec.capture.records) {
    if (r.url.find("orderbook") != std::string::npos) t0 = r.mono_ns;
    if (t0 != 0 && r.kind == RecordKind::ws_in) {
      ++k;
      r.mono_ns = t0 + 10'000'000LL * k * k / 40;
    }
    records.push_back(r);
    if (t0 != 0 && r.kind == RecordKind::ws_in && k % 4 == 0) {
      CaptureRecord t = r;
      t.payload = R"({"topic":"/market/ticker:BTC-USDT","type":"message","data":{"k":)" + std::to_string(k) + "}}";
      records.push_back(t);
    }
  }
  rec.capture.records = records;
  auto sources = capture_sources(rec.capture, {});
  ASSERT_TRUE(sources);
  auto topics = std::make_shared<RecordedTopics>((*sources)[0]->topics());
  std::vector<std::int64_t> times;
  for (const auto& r : rec.capture.records) {
    if (r.kind == RecordKind::ws_in && r.payload.find("level2") != std::string::npos && r.mono_ns > t0) {
      times.push_back(r.mono_ns);
    }
  }
  ASSERT_EQ(times.size(), 40u);
  std::vector<std::unique_ptr<L2Source>> l2;
  for (auto& src : *sources) l2.push_back(std::move(src));
  LiveMarketConfig cfg;
  cfg.symbols = {"BTC-USDT"};
  LiveMarket market(std::move(l2), cfg);
  testing::FakeClock clock;
  const double speed = 2;
  FeedSchedulerConfig fc;
  fc.replay_speed = speed;
  fc.recorded = topics;
  FeedScheduler s(&market, fc);
  ASSERT_TRUE(s.add(DataTopic("/market/level2", "BTC-USDT"), clock.t));
  ASSERT_TRUE(s.add(DataTopic("/market/ticker", "BTC-USDT"), clock.t));
  const FeedTime start = clock.t;
  std::size_t level2 = 0;
  int tickers = 0;
  for (int step = 0; step < 10'000 && level2 < times.size(); ++step) {
    FeedStep st = s.next(clock);
    if (st.kind == FeedStep::Kind::wait) {
      ASSERT_NE(st.wake_at, FeedTime::max());
      ASSERT_GT(st.wake_at, clock.t);
      clock.t = st.wake_at;
      continue;
    }
    ASSERT_EQ(st.kind, FeedStep::Kind::frame);
    if (st.frame.find("/market/ticker:") != std::string_view::npos) {
      ++tickers;
      // After the level2 message it followed in the recording, never before.
      const auto at = st.frame.find("\"k\":");
      ASSERT_NE(at, std::string_view::npos);
      EXPECT_LE(std::strtoull(std::string(st.frame.substr(at + 4)).c_str(), nullptr, 10), level2) << st.frame;
      continue;
    }
    // The nth level2 frame goes out (t_n - t_0) / speed after the first, to the clock's step.
    const auto expected =
        std::chrono::nanoseconds(static_cast<std::int64_t>(static_cast<double>(times[level2] - times[0]) / speed));
    EXPECT_NEAR(std::chrono::duration<double>(clock.t - start).count(), std::chrono::duration<double>(expected).count(),
                1e-6)
        << "frame " << level2;
    ++level2;
  }
  EXPECT_EQ(level2, times.size());
  for (int step = 0; step < 10; ++step) {  // the ticker after the last message: due once the stream ended
    FeedStep st = s.next(clock);
    if (st.kind == FeedStep::Kind::frame) {
      ++tickers;
    } else if (st.wake_at != FeedTime::max()) {
      clock.t = st.wake_at;
    }
  }
  EXPECT_EQ(tickers, 10);  // every recorded ticker, once
}

}  // namespace
}  // namespace kucoin::mock
