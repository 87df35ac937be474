// A capture as the mock's market: CaptureSource hands out the recorded session's messages, keeps
// the truth for REST snapshots, bridges the recording's gaps, starts at a chosen point, loops; and
// LiveMarket serves it with faults on top.
#include <gtest/gtest.h>

#include <map>

#include "kucoin/mock/capture_source.hpp"
#include "kucoin/mock/market.hpp"
#include "kucoin/mock/market_generator.hpp"
#include "kucoin/protocol/l2_codec.hpp"
#include "kucoin/protocol/rest_codec.hpp"

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

}  // namespace
}  // namespace kucoin::mock
