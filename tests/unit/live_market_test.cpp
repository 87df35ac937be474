#include "kucoin/mock/live_market.hpp"

#include <gtest/gtest.h>

#include "kucoin/book/l2_synchronizer.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin::mock {
namespace {

LiveMarketConfig small(std::vector<StreamFault> faults = {}) {
  LiveMarketConfig c;
  c.symbols = {"BTC-USDT", "ETH-USDT"};
  c.levels_per_side = 200;
  c.faults = std::move(faults);
  return c;
}

std::vector<std::string> frames(LiveMarket::Subscription& s, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    FeedEvent e = s.next();
    if (e.kind != FeedEvent::Kind::frame) break;
    out.emplace_back(e.frame);
  }
  return out;
}

L2Update decode(const std::string& frame) {
  L2Decoder d;
  d.scales().set("BTC-USDT", SymbolScale{1, 8});
  d.scales().set("ETH-USDT", SymbolScale{2, 7});
  L2Update u;
  auto r = d.decode_update(frame, u);
  EXPECT_TRUE(r) << frame;
  return u;
}

TEST(LiveMarket, SameSeedAndFaultsGiveByteIdenticalFrames) {
  const std::vector<StreamFault> faults = {
      {StreamFault::Kind::drop, "BTC-USDT", {Trigger::Kind::message, 10}, 3, 0},
      {StreamFault::Kind::sequence_jump, "", {Trigger::Kind::message, 20}, 1, 100'000'000}};
  LiveMarket a(small(faults)), b(small(faults));
  auto sa = a.subscribe("BTC-USDT");
  auto sb = b.subscribe("BTC-USDT");
  const auto fa = frames(*sa, 500), fb = frames(*sb, 500);
  ASSERT_EQ(fa.size(), 500u);
  EXPECT_EQ(fa, fb);
  auto c = small(faults);
  c.seed = 43;
  LiveMarket other(c);
  auto so = other.subscribe("BTC-USDT");
  EXPECT_NE(frames(*so, 500), fa);
}

TEST(LiveMarket, StreamAndSnapshotShareOneSequenceAndTheTruth) {
  LiveMarket m(small());
  auto sub = m.subscribe("ETH-USDT");
  const auto first = frames(*sub, 100);
  auto snap = m.snapshot("ETH-USDT");
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->sequence, decode(first.back()).sequence_end);
  L2Synchronizer sync;
  ASSERT_EQ(sync.on_snapshot(*snap).status, SnapshotStatus::synced);
  for (const auto& f : frames(*sub, 1'000)) ASSERT_EQ(sync.on_update(decode(f)).status, UpdateStatus::applied);
  auto truth = m.truth("ETH-USDT");
  ASSERT_TRUE(truth);
  EXPECT_EQ(sync.sequence(), truth->book.sequence);
  EXPECT_EQ(sync.book().top(Side::bid, 100'000), truth->book.bids);
  EXPECT_EQ(sync.book().top(Side::ask, 100'000), truth->book.asks);
  EXPECT_EQ(truth->produced, 1'100u);
}

TEST(LiveMarket, DropLeavesAGapWhileTheTruthMovesOn) {
  LiveMarket m(small({{StreamFault::Kind::drop, "BTC-USDT", {Trigger::Kind::message, 5}, 3, 0}}));
  auto sub = m.subscribe("BTC-USDT");
  const auto f = frames(*sub, 10);
  ASSERT_EQ(f.size(), 10u);
  const L2Update fourth = decode(f[3]), fifth = decode(f[4]);
  EXPECT_GT(fifth.sequence_start, fourth.sequence_end + 1);  // messages 5, 6, 7 never arrived
  EXPECT_EQ(m.truth("BTC-USDT")->produced, 13u);
  ASSERT_EQ(m.fired_faults().size(), 1u);
  EXPECT_NE(m.fired_faults()[0].find("drop BTC-USDT at message 5"), std::string::npos);
}

TEST(LiveMarket, DuplicateAndReorder) {
  LiveMarket m(small({{StreamFault::Kind::duplicate, "BTC-USDT", {Trigger::Kind::message, 3}, 1, 0},
                      {StreamFault::Kind::reorder, "BTC-USDT", {Trigger::Kind::message, 6}, 2, 0}}));
  auto sub = m.subscribe("BTC-USDT");
  const auto f = frames(*sub, 9);
  std::vector<std::int64_t> ends;
  for (const auto& x : f) ends.push_back(decode(x).sequence_end);
  // 1 2 3 3 4 5 [6 held] 7 8 6 ...
  EXPECT_EQ(f[2], f[3]);
  EXPECT_LT(ends[6], ends[7]);
  EXPECT_GT(ends[6], ends[8]);  // message 6 arrives after 7 and 8
  EXPECT_GT(ends[8], ends[5]);
}

TEST(LiveMarket, SequenceJumpMovesStreamAndSnapshotTogether) {
  constexpr std::int64_t kJump = 100'000'000;
  LiveMarket m(small({{StreamFault::Kind::sequence_jump, "BTC-USDT", {Trigger::Kind::message, 50}, 1, kJump}}));
  auto sub = m.subscribe("BTC-USDT");
  L2Synchronizer sync;
  ASSERT_EQ(sync.on_snapshot(*m.snapshot("BTC-USDT")).status, SnapshotStatus::synced);
  std::size_t need = 0;
  for (const auto& f : frames(*sub, 200)) {
    auto r = sync.on_update(decode(f));
    if (r.status == UpdateStatus::need_snapshot) {
      ++need;
      EXPECT_EQ(r.reason, ResyncReason::gap);
      EXPECT_GE(r.got - r.expected, kJump);
      ASSERT_EQ(sync.on_snapshot(*m.snapshot("BTC-USDT")).status, SnapshotStatus::synced);
    }
  }
  EXPECT_EQ(need, 1u);
  auto truth = m.truth("BTC-USDT");
  EXPECT_EQ(sync.sequence(), truth->book.sequence);
  EXPECT_EQ(sync.book().top(Side::bid, 100'000), truth->book.bids);
}

TEST(LiveMarket, SequenceResetRestartsTheCounter) {
  LiveMarket m(small({{StreamFault::Kind::sequence_reset, "BTC-USDT", {Trigger::Kind::message, 10}, 1, 5}}));
  auto sub = m.subscribe("BTC-USDT");
  const auto f = frames(*sub, 12);
  EXPECT_GT(decode(f[8]).sequence_end, 1'000'000'000);
  EXPECT_EQ(decode(f[9]).sequence_start, 5);
  EXPECT_EQ(m.snapshot("BTC-USDT")->sequence, decode(f[11]).sequence_end);
}

TEST(LiveMarket, ConnectionEventsFireOnceOnTheirTrigger) {
  LiveMarket m(small({{StreamFault::Kind::stall, "BTC-USDT", {Trigger::Kind::after_subscribe, 3}, 250, 0},
                      {StreamFault::Kind::disconnect, "BTC-USDT", {Trigger::Kind::after_subscribe, 5}, 1, 0},
                      {StreamFault::Kind::token_expiry, "", {Trigger::Kind::sequence, 1'000'000'020}, 1, 0}}));
  auto sub = m.subscribe("BTC-USDT");
  std::vector<FeedEvent::Kind> kinds;
  for (int i = 0; i < 30; ++i) {
    FeedEvent e = sub->next();
    kinds.push_back(e.kind);
    if (e.kind == FeedEvent::Kind::stall) {
      EXPECT_EQ(e.stall_ms, 250);
    }
  }
  using K = FeedEvent::Kind;
  EXPECT_EQ(kinds[0], K::frame);
  EXPECT_EQ(kinds[2], K::stall);
  EXPECT_EQ(kinds[3], K::frame);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), K::stall), 1);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), K::disconnect), 1);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), K::token_expiry), 1);
  EXPECT_EQ(m.fired_faults().size(), 3u);
  // A new subscription (after a reconnect) does not meet the same fault again.
  auto again = m.subscribe("BTC-USDT");
  for (int i = 0; i < 10; ++i) EXPECT_EQ(again->next().kind, K::frame);
}

TEST(LiveMarket, SnapshotAheadOfOrBehindTheStream) {
  auto lead = small();
  lead.snapshot_offset = 7;
  LiveMarket ahead(lead);
  auto s1 = ahead.subscribe("BTC-USDT");
  const auto f1 = frames(*s1, 20);
  const auto snap1 = ahead.snapshot("BTC-USDT");
  // 7 messages the socket has not delivered yet are already in the snapshot.
  const auto f1b = frames(*s1, 7);
  EXPECT_EQ(snap1->sequence, decode(f1b.back()).sequence_end);

  auto lag = small();
  lag.snapshot_offset = -5;
  LiveMarket behind(lag);
  auto s2 = behind.subscribe("BTC-USDT");
  const auto f2 = frames(*s2, 20);
  EXPECT_EQ(behind.snapshot("BTC-USDT")->sequence, decode(f2[14]).sequence_end);
  // And a lagging snapshot still lets a client sync by replaying what it buffered.
  L2Synchronizer sync;
  for (const auto& f : f2) sync.on_update(decode(f));
  ASSERT_EQ(sync.on_snapshot(*behind.snapshot("BTC-USDT")).status, SnapshotStatus::synced);
  EXPECT_EQ(sync.book().top(Side::ask, 100'000), behind.truth("BTC-USDT")->book.asks);
}

TEST(LiveMarket, FiniteStreamEndsAndSubscribersShareIt) {
  auto c = small();
  c.messages = 50;
  LiveMarket m(c);
  auto a = m.subscribe("ETH-USDT");
  auto b = m.subscribe("ETH-USDT");
  const auto fa = frames(*a, 100);
  const auto fb = frames(*b, 100);
  EXPECT_EQ(fa.size(), 50u);
  EXPECT_EQ(fa, fb);
  EXPECT_EQ(a->next().kind, FeedEvent::Kind::end);
  EXPECT_EQ(m.subscribe("XRP-USDT"), nullptr);
  EXPECT_FALSE(m.snapshot("XRP-USDT"));
}

}  // namespace
}  // namespace kucoin::mock

namespace kucoin::mock {
namespace {

TEST(LiveMarket, PregeneratedStreamServesSnapshotsAsOfWhatWasHandedOut) {
  auto c = small();
  c.messages = 300;
  c.pregenerate = true;
  std::vector<std::int64_t> delivered;
  c.on_deliver = [&](std::string_view sym, std::int64_t seq) {
    if (sym == "BTC-USDT") delivered.push_back(seq);
  };
  LiveMarket m(c);
  const auto initial = m.snapshot("BTC-USDT");
  auto sub = m.subscribe("BTC-USDT");
  const auto first = frames(*sub, 100);
  ASSERT_EQ(delivered.size(), 100u);
  EXPECT_EQ(delivered.back(), decode(first.back()).sequence_end);
  const auto mid = m.snapshot("BTC-USDT");
  EXPECT_EQ(mid->sequence, delivered.back());
  L2Synchronizer sync;
  ASSERT_EQ(sync.on_snapshot(*initial).status, SnapshotStatus::synced);
  for (const auto& f : first) sync.on_update(decode(f));
  EXPECT_EQ(sync.book().top(Side::bid, 100'000), mid->bids);
  for (const auto& f : frames(*sub, 1'000)) sync.on_update(decode(f));
  EXPECT_EQ(sub->next().kind, FeedEvent::Kind::end);
  EXPECT_EQ(sync.sequence(), m.truth("BTC-USDT")->book.sequence);
  EXPECT_EQ(sync.book().top(Side::ask, 100'000), m.truth("BTC-USDT")->book.asks);
}

TEST(LiveMarket, DepthFrameIsTheTruthsTopOfBook) {
  LiveMarket m(small());
  auto sub = m.subscribe("ETH-USDT");
  frames(*sub, 50);
  std::string f;
  ASSERT_TRUE(m.depth_frame("ETH-USDT", 5, 1729822226746, f));
  L2Decoder d;
  d.scales().set("ETH-USDT", SymbolScale{2, 7});
  std::string sym;
  L2Snapshot top;
  ASSERT_TRUE(d.decode_depth(f, sym, top)) << f;
  EXPECT_EQ(sym, "ETH-USDT");
  const auto truth = m.truth("ETH-USDT")->book;
  EXPECT_EQ(top.bids, std::vector<L2Level>(truth.bids.begin(), truth.bids.begin() + 5));
  EXPECT_EQ(top.asks, std::vector<L2Level>(truth.asks.begin(), truth.asks.begin() + 5));
  EXPECT_FALSE(m.depth_frame("NOPE", 5, 0, f));
}

}  // namespace
}  // namespace kucoin::mock

namespace kucoin::mock {
namespace {

TEST(LiveMarket, AfterSnapshotTriggerCountsFromTheFirstSnapshot) {
  LiveMarket m(small({{StreamFault::Kind::drop, "BTC-USDT", {Trigger::Kind::after_snapshot, 5}, 1, 0}}));
  auto sub = m.subscribe("BTC-USDT");
  const auto before = frames(*sub, 20);  // no snapshot yet: nothing fires
  EXPECT_TRUE(m.fired_faults().empty());
  const auto snap = m.snapshot("BTC-USDT");  // covers the 20 messages produced so far
  EXPECT_EQ(snap->sequence, decode(before.back()).sequence_end);
  const auto after = frames(*sub, 10);
  ASSERT_EQ(m.fired_faults().size(), 1u);
  EXPECT_NE(m.fired_faults()[0].find("at message 25"), std::string::npos) << m.fired_faults()[0];
  EXPECT_GT(decode(after[4]).sequence_start, decode(after[3]).sequence_end + 1);  // message 25 missing
}

}  // namespace
}  // namespace kucoin::mock
