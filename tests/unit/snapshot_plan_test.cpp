// Planned snapshots (kucoin/mock/snapshot_plan.hpp) and LiveMarket with them: which position a
// snapshot shows depends on the stream only, never on when the request comes.
#include "kucoin/mock/snapshot_plan.hpp"

#include <gtest/gtest.h>

#include "kucoin/book/l2_synchronizer.hpp"
#include "kucoin/mock/live_market.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin::mock {
namespace {

SnapshotPlanConfig planned(std::int64_t grace_ms = 0) {
  SnapshotPlanConfig p;
  p.grace_ms = grace_ms;
  p.enabled = true;
  p.after_subscribe = 10;
  p.after_fault = 4;
  p.hold_margin = 3;
  return p;
}

TEST(SnapshotPlanner, PointsComeFromSubscriptionsAndFaultsInOrder) {
  SnapshotPlanner p(planned());
  EXPECT_FALSE(p.hold_index());
  p.on_subscribe(100, true);
  EXPECT_EQ(p.first_point(), 110u);
  EXPECT_EQ(p.hold_index(), 113u);
  p.on_subscribe(120, false);  // a second connection's subscription (a rotation): no point
  p.on_fault(200);
  auto a = p.next_snapshot();
  EXPECT_EQ(a.position, 110u);
  EXPECT_TRUE(a.planned);
  EXPECT_EQ(a.ordinal, 1u);
  EXPECT_EQ(p.hold_index(), 207u);
  auto b = p.next_snapshot();
  EXPECT_EQ(b.position, 204u);
  EXPECT_TRUE(b.planned);
  // None pending: the last point plus after_fault, the same step each time.
  auto c = p.next_snapshot();
  EXPECT_EQ(c.position, 208u);
  EXPECT_FALSE(c.planned);
  EXPECT_EQ(p.next_snapshot().position, 212u);
  EXPECT_FALSE(p.hold_index());
}

TEST(SnapshotPlanner, ANewLoneSubscriptionReplacesPointsOfAStreamThatIsGone) {
  SnapshotPlanner p(planned());
  p.on_subscribe(0, true);
  p.on_fault(50);
  p.on_subscribe(300, true);  // the connection dropped and came back
  EXPECT_EQ(p.next_snapshot().position, 310u);
  EXPECT_EQ(p.first_point(), 10u);  // the first point stays the first
  // An unplanned request never goes before the newest subscription's point.
  EXPECT_EQ(p.next_snapshot().position, 314u);
}

// A resync's snapshot was picked at 54, then the connection dropped (token expiry) and came back at
// 50: the snapshot, still on its way, covers the new stream, so the stream waits at no point.
TEST(SnapshotPlanner, ASubscriptionTheNewestSnapshotCoversPlansNoPoint) {
  SnapshotPlanner p(planned());
  p.on_subscribe(0, true);
  EXPECT_EQ(p.next_snapshot().position, 10u);
  p.on_fault(50);
  EXPECT_EQ(p.next_snapshot().position, 54u);
  p.on_subscribe(50, true);
  EXPECT_FALSE(p.hold_index()) << "no point to wait at";
  auto again = p.next_snapshot();  // a client that asks all the same
  EXPECT_EQ(again.position, 60u);  // the new subscription's point, unplanned
  EXPECT_FALSE(again.planned);
  p.on_subscribe(100, true);  // a later drop, past the newest point: planned as before
  EXPECT_EQ(p.hold_index(), 113u);
}

TEST(SnapshotPlanner, GivingUpDropsThePointAndOffMeansNoPoints) {
  SnapshotPlanner p(planned());
  p.on_subscribe(0, true);
  EXPECT_EQ(p.give_up(), 10u);
  EXPECT_FALSE(p.give_up());
  EXPECT_FALSE(p.hold_index());
  SnapshotPlanner off;
  off.on_subscribe(0, true);
  off.on_fault(5);
  EXPECT_FALSE(off.hold_index());
  EXPECT_FALSE(off.first_point());
}

TEST(BookHistory, ServesEveryRecentPositionExactly) {
  BookHistory h;
  L2Snapshot initial;
  initial.sequence = 100;
  initial.bids = {{Price{100, 0}, Quantity{1, 0}}};
  initial.asks = {{Price{110, 0}, Quantity{1, 0}}};
  h.reset(initial);
  for (std::int64_t i = 1; i <= 5; ++i) {
    L2Update u;
    u.sequence_start = u.sequence_end = 100 + i;
    u.changes.push_back(L2Change{Side::bid, Price{100 - i, 0}, Quantity{i, 0}, 100 + i});
    h.push(u);
  }
  EXPECT_EQ(h.newest(), 5u);
  auto at0 = h.at(0);
  ASSERT_TRUE(at0);
  EXPECT_EQ(at0->sequence, 100);
  EXPECT_EQ(at0->bids.size(), 1u);
  auto at3 = h.at(3);
  ASSERT_TRUE(at3);
  EXPECT_EQ(at3->sequence, 103);
  EXPECT_EQ(at3->bids.size(), 4u);
  EXPECT_EQ(at3->bids.back().price, (Price{97, 0}));
  h.trim_before(2);
  EXPECT_FALSE(h.at(1));
  EXPECT_EQ(h.at(3)->bids, at3->bids);
  EXPECT_FALSE(h.at(6));
}

LiveMarketConfig market(SnapshotPlanConfig plan, std::vector<StreamFault> faults = {}) {
  LiveMarketConfig c;
  c.symbols = {"BTC-USDT"};
  c.levels_per_side = 100;
  c.plan = plan;
  c.faults = std::move(faults);
  return c;
}

TEST(LiveMarketPlanned, TheSnapshotShowsThePlannedPositionWhenEverItIsAskedFor) {
  // Asked before the stream got there, or after it waited there: the same position.
  std::vector<std::int64_t> seen;
  for (int early = 0; early < 2; ++early) {
    LiveMarket m(market(planned(50)));
    auto sub = m.subscribe("BTC-USDT");
    std::vector<std::int64_t> sequences;
    std::optional<L2Snapshot> snap;
    if (early) snap = m.snapshot("BTC-USDT");
    for (;;) {
      FeedEvent e = sub->next();
      if (e.kind == FeedEvent::Kind::hold) break;
      ASSERT_EQ(e.kind, FeedEvent::Kind::frame);
      sequences.push_back(e.sequence_end);
      if (sequences.size() > 100) break;
    }
    if (!early) {
      EXPECT_EQ(sequences.size(), 13u) << "10 messages to the point, 3 past it, then the stream waits";
      snap = m.snapshot("BTC-USDT");
    }
    ASSERT_TRUE(snap);
    seen.push_back(snap->sequence);
    EXPECT_EQ(m.truth("BTC-USDT")->book.sequence >= snap->sequence, true);
    // Served, the point still holds the stream for the grace (the client reads the snapshot);
    // the server then releases it.
    EXPECT_EQ(sub->next().kind, FeedEvent::Kind::hold);
    EXPECT_TRUE(m.release_hold("BTC-USDT"));
    EXPECT_EQ(sub->next().kind, FeedEvent::Kind::frame);
    EXPECT_TRUE(m.fired_faults().empty()) << "the end of a grace is no fault";
    const auto served = m.served_snapshots();
    ASSERT_EQ(served.size(), 1u);
    EXPECT_EQ(served[0].position, 10u);
    EXPECT_TRUE(served[0].planned);
  }
  EXPECT_EQ(seen[0], seen[1]);
}

TEST(LiveMarketPlanned, AGapPlansTheResyncSnapshotAfterItAndAClientSyncsOnIt) {
  const std::vector<StreamFault> faults = {{StreamFault::Kind::drop, "", {Trigger::Kind::after_snapshot, 20}, 3, 0}};
  LiveMarket m(market(planned(), faults));
  auto sub = m.subscribe("BTC-USDT");
  L2Decoder d;
  d.scales().set("BTC-USDT", m.scale("BTC-USDT"));
  L2Synchronizer sync;
  ASSERT_EQ(sync.on_snapshot(*m.snapshot("BTC-USDT")).status, SnapshotStatus::synced);
  bool resynced = false;
  for (int i = 0; i < 200; ++i) {
    FeedEvent e = sub->next();
    ASSERT_NE(e.kind, FeedEvent::Kind::hold) << "after the first point, only the gap's point holds, and it is served";
    L2Update u;
    ASSERT_TRUE(d.decode_update(e.frame, u));
    if (sync.on_update(u).status == UpdateStatus::need_snapshot) {
      const auto snap = m.snapshot("BTC-USDT");
      ASSERT_EQ(sync.on_snapshot(*snap).status, SnapshotStatus::synced);
      resynced = true;
    }
  }
  EXPECT_TRUE(resynced);
  const auto served = m.served_snapshots();
  ASSERT_EQ(served.size(), 2u);
  // The drop hit messages 30..32 (the 20th after the point at 10, and two more): point 32 + 4.
  EXPECT_EQ(served[1].position, 36u);
  EXPECT_TRUE(served[1].planned);
  EXPECT_EQ(sync.book().top(Side::bid, 1000), m.truth("BTC-USDT")->book.bids);
}

TEST(LiveMarketPlanned, AStreamNobodyAsksASnapshotForGoesOnWhenTheServerGivesUp) {
  LiveMarket m(market(planned()));
  auto sub = m.subscribe("BTC-USDT");
  for (int i = 0; i < 13; ++i) ASSERT_EQ(sub->next().kind, FeedEvent::Kind::frame);
  EXPECT_EQ(sub->next().kind, FeedEvent::Kind::hold);
  EXPECT_TRUE(m.release_hold("BTC-USDT"));
  EXPECT_EQ(sub->next().kind, FeedEvent::Kind::frame);
  ASSERT_EQ(m.fired_faults().size(), 1u);
  EXPECT_NE(m.fired_faults()[0].find("no snapshot of BTC-USDT was asked for at message 10"), std::string::npos);
  EXPECT_FALSE(m.release_hold("BTC-USDT"));
}

TEST(LiveMarketPlanned, DigestsOfWhatEachSubscriptionGotAreTheSameForTheSameSeed) {
  auto run = [](std::uint64_t seed) {
    auto c = market(planned());
    c.seed = seed;
    LiveMarket m(c);
    auto sub = m.subscribe("BTC-USDT");
    (void)m.snapshot("BTC-USDT");
    for (int i = 0; i < 50; ++i) (void)sub->next();
    return m.stream_digests();
  };
  const auto a = run(42), b = run(42), c = run(43);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].delivered, 50u);
  EXPECT_EQ(a[0].first, 1u);
  EXPECT_EQ(a[0].last, 50u);
  EXPECT_TRUE(a[0].missing.empty());
  EXPECT_EQ(a[0].hash, b[0].hash);
  EXPECT_NE(a[0].hash, c[0].hash);
}

}  // namespace
}  // namespace kucoin::mock
