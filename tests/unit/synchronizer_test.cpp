#include "kucoin/book/l2_synchronizer.hpp"

#include <gtest/gtest.h>

#include "kucoin/core/rng.hpp"
#include "kucoin/mock/market_generator.hpp"

namespace kucoin {
namespace {

L2Change bid(std::int64_t p, std::int64_t q, std::int64_t seq) { return {Side::bid, Price{p}, Quantity{q}, seq}; }
L2Change ask(std::int64_t p, std::int64_t q, std::int64_t seq) { return {Side::ask, Price{p}, Quantity{q}, seq}; }
L2Update upd(std::int64_t start, std::int64_t end, std::vector<L2Change> changes) {
  return L2Update{"BTC-USDT", start, end, 0, std::move(changes)};
}
L2Level lv(std::int64_t p, std::int64_t q) { return L2Level{Price{p}, Quantity{q}}; }
L2Snapshot snap(std::int64_t seq, std::vector<L2Level> bids, std::vector<L2Level> asks) {
  return L2Snapshot{seq, 0, std::move(bids), std::move(asks)};
}

// KuCoin's documented worked example (prices in units of 0.01): snapshot at 16; in the message
// covering 15..19, the changes at 16 and 15 are ignored, 18 is applied and 19 removes a level.
TEST(L2Synchronizer, DocumentedWorkedExample) {
  L2Synchronizer s;
  EXPECT_EQ(
      s.on_update(upd(15, 19, {ask(398859, 300, 16), ask(398862, 800, 15), bid(398850, 4400, 18), ask(398861, 0, 19)}))
          .status,
      UpdateStatus::buffered);
  auto r = s.on_snapshot(snap(16, {lv(398850, 100), lv(398845, 200)}, {lv(398859, 900), lv(398861, 500)}));
  ASSERT_EQ(r.status, SnapshotStatus::synced) << r.describe();
  EXPECT_EQ(r.replayed, 1u);
  EXPECT_EQ(s.sequence(), 19);
  EXPECT_EQ(s.book().top(Side::bid, 5), (std::vector<L2Level>{lv(398850, 4400), lv(398845, 200)}));
  EXPECT_EQ(s.book().top(Side::ask, 5), (std::vector<L2Level>{lv(398859, 900)}));  // 16 ignored, 19 removed
  EXPECT_EQ(s.stats().skipped_changes, 2u);
}

struct Step {
  enum Kind { update, snapshot } kind;
  L2Update u{};
  L2Snapshot s{};
  // Expected outcome of the step.
  UpdateStatus update_status = UpdateStatus::applied;
  SnapshotStatus snapshot_status = SnapshotStatus::synced;
  ResyncReason reason = ResyncReason::none;
};
Step U(L2Update u, UpdateStatus st, ResyncReason reason = ResyncReason::none) {
  return Step{Step::update, std::move(u), {}, st, SnapshotStatus::synced, reason};
}
Step S(L2Snapshot s, SnapshotStatus st, ResyncReason reason = ResyncReason::none) {
  return Step{Step::snapshot, {}, std::move(s), UpdateStatus::applied, st, reason};
}

struct Case {
  const char* name;
  std::vector<Step> steps;
  std::int64_t final_sequence;
  std::vector<L2Level> bids;  // best first
  std::vector<L2Level> asks;
  std::uint64_t resyncs = 0;
  SyncConfig config{};
};

class SyncTable : public ::testing::TestWithParam<Case> {};

TEST_P(SyncTable, Runs) {
  const Case& c = GetParam();
  L2Synchronizer s(c.config);
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    const Step& st = c.steps[i];
    if (st.kind == Step::update) {
      auto r = s.on_update(st.u);
      EXPECT_EQ(r.status, st.update_status) << c.name << " step " << i << ": " << r.describe();
      EXPECT_EQ(r.reason, st.reason) << c.name << " step " << i << ": " << r.describe();
    } else {
      auto r = s.on_snapshot(st.s);
      EXPECT_EQ(r.status, st.snapshot_status) << c.name << " step " << i << ": " << r.describe();
      EXPECT_EQ(r.reason, st.reason) << c.name << " step " << i << ": " << r.describe();
    }
  }
  EXPECT_TRUE(s.synced()) << c.name;
  EXPECT_EQ(s.sequence(), c.final_sequence) << c.name;
  EXPECT_EQ(s.book().top(Side::bid, 100), c.bids) << c.name;
  EXPECT_EQ(s.book().top(Side::ask, 100), c.asks) << c.name;
  EXPECT_EQ(s.stats().resyncs, c.resyncs) << c.name;
  EXPECT_FALSE(check_book(s.book())) << c.name;
}

using US = UpdateStatus;
using SS = SnapshotStatus;
using RR = ResyncReason;

INSTANTIATE_TEST_SUITE_P(
    L2Synchronizer, SyncTable,
    ::testing::Values(
        Case{"snapshot_ahead_of_stream",
             {U(upd(10, 10, {bid(100, 1, 10)}), US::buffered), S(snap(12, {lv(100, 5)}, {lv(110, 5)}), SS::synced),
              U(upd(11, 11, {bid(100, 9, 11)}), US::stale), U(upd(12, 12, {bid(100, 9, 12)}), US::stale),
              U(upd(13, 13, {ask(110, 7, 13)}), US::applied)},
             13,
             {lv(100, 5)},
             {lv(110, 7)}},
        Case{"batched_message_straddles_snapshot",
             {U(upd(10, 13, {bid(100, 1, 10), bid(101, 2, 11), ask(110, 3, 12), ask(111, 4, 13)}), US::buffered),
              S(snap(11, {lv(99, 1)}, {lv(112, 1)}), SS::synced)},
             13,
             {lv(99, 1)},
             {lv(110, 3), lv(111, 4), lv(112, 1)}},
        Case{"straddle_arrives_after_snapshot",
             {S(snap(11, {lv(99, 1)}, {lv(112, 1)}), SS::synced),
              U(upd(10, 13, {bid(100, 1, 10), bid(101, 2, 11), ask(110, 3, 12)}), US::applied)},
             13,
             {lv(99, 1)},
             {lv(110, 3), lv(112, 1)}},
        Case{"duplicates_are_ignored",
             {S(snap(5, {lv(99, 1)}, {lv(110, 1)}), SS::synced), U(upd(6, 6, {bid(99, 2, 6)}), US::applied),
              U(upd(6, 6, {bid(99, 2, 6)}), US::stale), U(upd(7, 7, {bid(99, 0, 7)}), US::applied),
              U(upd(6, 6, {bid(99, 2, 6)}), US::stale)},
             7,
             {},
             {lv(110, 1)}},
        Case{"gap_then_resync",
             {S(snap(5, {lv(99, 1)}, {lv(110, 1)}), SS::synced), U(upd(6, 6, {bid(99, 2, 6)}), US::applied),
              U(upd(8, 8, {bid(98, 1, 8)}), US::need_snapshot, RR::gap), U(upd(9, 9, {bid(97, 1, 9)}), US::buffered),
              S(snap(8, {lv(99, 2), lv(98, 1)}, {lv(110, 1)}), SS::synced),
              U(upd(10, 10, {ask(111, 1, 10)}), US::applied)},
             10,
             {lv(99, 2), lv(98, 1), lv(97, 1)},
             {lv(110, 1), lv(111, 1)},
             1},
        Case{"overlap_skips_what_was_applied",
             {S(snap(5, {lv(99, 1)}, {lv(110, 1)}), SS::synced),
              U(upd(6, 7, {bid(99, 2, 6), ask(110, 5, 7)}), US::applied),
              U(upd(6, 9, {bid(99, 8, 6), ask(112, 3, 8), bid(98, 4, 9)}), US::applied)},
             9,
             {lv(99, 2), lv(98, 4)},
             {lv(110, 5), lv(112, 3)}},
        Case{"price_zero_rows_advance_the_sequence",
             {S(snap(5, {lv(99, 1)}, {lv(110, 1)}), SS::synced), U(upd(6, 6, {bid(0, 0, 6)}), US::applied),
              U(upd(7, 8, {ask(0, 0, 7), ask(110, 0, 8)}), US::applied), U(upd(9, 9, {ask(0, 0, 9)}), US::applied)},
             9,
             {lv(99, 1)},
             {}},
        Case{"snapshot_behind_the_buffer_needs_another",
             {U(upd(30, 30, {bid(100, 1, 30)}), US::buffered), U(upd(31, 31, {bid(101, 1, 31)}), US::buffered),
              S(snap(25, {lv(90, 1)}, {lv(110, 1)}), SS::need_snapshot, RR::snapshot_behind),
              S(snap(30, {lv(100, 1)}, {lv(110, 1)}), SS::synced)},
             31,
             {lv(101, 1), lv(100, 1)},
             {lv(110, 1)}},
        Case{"gap_inside_the_buffer",
             {U(upd(10, 10, {bid(100, 1, 10)}), US::buffered), U(upd(12, 12, {bid(101, 1, 12)}), US::buffered),
              S(snap(9, {}, {lv(110, 1)}), SS::need_snapshot, RR::gap),
              S(snap(12, {lv(100, 1), lv(101, 1)}, {lv(110, 1)}), SS::synced)},
             12,
             {lv(101, 1), lv(100, 1)},
             {lv(110, 1)}},
        Case{"reordered_buffer_is_replayed_in_order",
             {U(upd(12, 12, {bid(100, 3, 12)}), US::buffered), U(upd(11, 11, {bid(100, 2, 11)}), US::buffered),
              U(upd(13, 13, {bid(100, 4, 13)}), US::buffered), S(snap(10, {lv(100, 1)}, {lv(110, 1)}), SS::synced)},
             13,
             {lv(100, 4)},
             {lv(110, 1)}},
        Case{"catching_up_after_a_snapshot_ahead_is_not_a_reset",
             {S(snap(1000, {lv(99, 1)}, {lv(110, 1)}), SS::synced), U(upd(5, 5, {bid(98, 1, 5)}), US::stale),
              U(upd(6, 6, {bid(98, 1, 6)}), US::stale), U(upd(7, 7, {bid(98, 1, 7)}), US::stale),
              U(upd(8, 999, {bid(98, 1, 8)}), US::stale), U(upd(1000, 1001, {bid(97, 1, 1001)}), US::applied)},
             1001,
             {lv(99, 1), lv(97, 1)},
             {lv(110, 1)},
             0,
             SyncConfig{100, true, 3}},
        Case{"sequence_reset_is_detected",
             {S(snap(1000, {lv(99, 1)}, {lv(110, 1)}), SS::synced), U(upd(1001, 1001, {bid(96, 1, 1001)}), US::applied),
              U(upd(5, 5, {bid(98, 1, 5)}), US::stale), U(upd(6, 6, {bid(98, 1, 6)}), US::stale),
              U(upd(7, 7, {bid(98, 1, 7)}), US::need_snapshot, RR::sequence_reset),
              U(upd(8, 8, {bid(97, 1, 8)}), US::buffered), S(snap(7, {lv(98, 1)}, {lv(110, 1)}), SS::synced)},
             8,
             {lv(98, 1), lv(97, 1)},
             {lv(110, 1)},
             1,
             SyncConfig{100, true, 3}},
        Case{"a_far_step_back_is_a_sequence_reset_at_once",
             {S(snap(1'000'000, {lv(99, 1)}, {lv(110, 1)}), SS::synced),
              U(upd(1'000'001, 1'000'001, {bid(96, 1, 1'000'001)}), US::applied),
              U(upd(7, 7, {bid(98, 1, 7)}), US::need_snapshot, RR::sequence_reset),
              U(upd(8, 8, {bid(97, 1, 8)}), US::buffered), S(snap(7, {lv(98, 1)}, {lv(110, 1)}), SS::synced)},
             8,
             {lv(98, 1), lv(97, 1)},
             {lv(110, 1)},
             1},
        Case{"a_reset_while_buffering_drops_the_old_sequences",
             {U(upd(1'000'001, 1'000'001, {bid(96, 1, 1'000'001)}), US::buffered),
              U(upd(7, 7, {bid(98, 1, 7)}), US::buffered), U(upd(8, 8, {bid(97, 1, 8)}), US::buffered),
              S(snap(6, {lv(99, 1)}, {lv(110, 1)}), SS::synced)},
             8,
             {lv(99, 1), lv(98, 1), lv(97, 1)},
             {lv(110, 1)}},
        Case{"a_snapshot_from_before_a_reset_seen_while_buffering_is_refused",
             {U(upd(1'000'001, 1'000'001, {bid(96, 1, 1'000'001)}), US::buffered),
              U(upd(7, 7, {bid(98, 1, 7)}), US::buffered),
              S(snap(1'000'002, {lv(99, 1)}, {lv(110, 1)}), SS::need_snapshot, RR::sequence_reset),
              U(upd(8, 8, {bid(97, 1, 8)}), US::buffered), S(snap(7, {lv(98, 1)}, {lv(110, 1)}), SS::synced),
              U(upd(9, 9, {bid(95, 1, 9)}), US::applied)},
             9,
             {lv(98, 1), lv(97, 1), lv(95, 1)},
             {lv(110, 1)}},
        Case{"crossed_book_resyncs",
             {S(snap(5, {lv(99, 1)}, {lv(110, 1)}), SS::synced),
              U(upd(6, 6, {bid(110, 1, 6)}), US::need_snapshot, RR::crossed_book),
              S(snap(6, {lv(99, 1)}, {lv(111, 1)}), SS::synced)},
             6,
             {lv(99, 1)},
             {lv(111, 1)},
             1},
        Case{"crossed_snapshot_is_refused",
             {S(snap(5, {lv(111, 1)}, {lv(110, 1)}), SS::need_snapshot, RR::crossed_book),
              S(snap(5, {lv(109, 1)}, {lv(110, 1)}), SS::synced)},
             5,
             {lv(109, 1)},
             {lv(110, 1)}}),
    [](const ::testing::TestParamInfo<Case>& p) { return std::string(p.param.name); });

TEST(L2Synchronizer, BufferBoundDropsOldestAndSaysSo) {
  L2Synchronizer s(SyncConfig{3, true, 0});
  std::vector<UpdateResult> results;
  for (std::int64_t q = 10; q < 15; ++q) results.push_back(s.on_update(upd(q, q, {bid(100, q, q)})));
  EXPECT_FALSE(results[2].buffer_overflow);
  EXPECT_TRUE(results[3].buffer_overflow);
  EXPECT_TRUE(results[4].buffer_overflow);
  EXPECT_NE(results[3].describe().find("buffer full"), std::string::npos);
  EXPECT_EQ(s.buffered(), 3u);
  EXPECT_EQ(s.stats().buffered_dropped, 2u);
  // 10 and 11 were dropped: a snapshot at 9 cannot be continued.
  auto r = s.on_snapshot(snap(9, {lv(100, 1)}, {lv(110, 1)}));
  EXPECT_EQ(r.status, SnapshotStatus::need_snapshot);
  EXPECT_EQ(r.reason, ResyncReason::snapshot_behind);
  EXPECT_EQ(r.expected, 10);
  EXPECT_EQ(r.got, 12);
  EXPECT_NE(r.describe().find("starts at 12"), std::string::npos) << r.describe();
  r = s.on_snapshot(snap(11, {lv(100, 11)}, {lv(110, 1)}));
  ASSERT_EQ(r.status, SnapshotStatus::synced) << r.describe();
  EXPECT_EQ(s.sequence(), 14);
  EXPECT_EQ(s.book().best_bid(), lv(100, 14));
}

TEST(L2Synchronizer, GapResultSaysWhatWasExpected) {
  L2Synchronizer s;
  ASSERT_EQ(s.on_snapshot(snap(100, {lv(1, 1)}, {lv(2, 1)})).status, SnapshotStatus::synced);
  auto r = s.on_update(upd(105, 106, {bid(1, 2, 105)}));
  EXPECT_EQ(r.status, UpdateStatus::need_snapshot);
  EXPECT_EQ(r.expected, 101);
  EXPECT_EQ(r.got, 105);
  EXPECT_EQ(r.describe(), "need_snapshot (gap: expected sequence 101, got sequenceStart 105, 4 ahead)");
  EXPECT_EQ(s.state(), SyncState::awaiting_snapshot);
  EXPECT_EQ(s.stats().gaps, 1u);
  s.request_resync();  // already awaiting: not counted twice
  EXPECT_EQ(s.stats().resyncs, 1u);
}

// Property test: a generated market stream with dropped, duplicated and reordered messages. The
// consumer fetches the generator's snapshot whenever the synchronizer asks; at the end the book
// must equal the truth exactly, level for level.
TEST(L2Synchronizer, EndsEqualToTruthThroughRandomFaults) {
  for (std::uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    mock::GeneratorConfig gc;
    gc.seed = seed;
    gc.levels_per_side = 300;
    mock::MarketGenerator market(gc);
    Rng faults(seed * 100);
    L2Synchronizer s;
    bool want_snapshot = true;
    std::vector<L2Update> held;  // for reordering
    std::size_t need_snapshot = 0;
    for (int i = 0; i < 20'000; ++i) {
      L2Update u = market.next();
      const auto roll = faults.below(1000);
      if (roll < 3) continue;  // dropped on the wire
      if (roll < 6) {
        held.push_back(u);  // delayed: delivered after the next message
        continue;
      }
      auto feed = [&](const L2Update& m) {
        auto r = s.on_update(m);
        if (r.status == UpdateStatus::need_snapshot) {
          ++need_snapshot;
          want_snapshot = true;
        }
      };
      feed(u);
      if (roll < 9) feed(u);  // duplicated
      for (auto& h : held) feed(h);
      held.clear();
      if (want_snapshot && faults.percent(20)) {  // the REST answer arrives a little later
        auto r = s.on_snapshot(market.snapshot());
        want_snapshot = r.status != SnapshotStatus::synced;
      }
    }
    if (!s.synced()) {
      ASSERT_EQ(s.on_snapshot(market.snapshot()).status, SnapshotStatus::synced);
    }
    const L2Snapshot truth = market.snapshot();
    EXPECT_EQ(s.sequence(), truth.sequence);
    EXPECT_EQ(s.book().top(Side::bid, 1'000'000), truth.bids) << "seed " << seed;
    EXPECT_EQ(s.book().top(Side::ask, 1'000'000), truth.asks) << "seed " << seed;
    EXPECT_GT(need_snapshot, 10u) << "the faults must actually force resyncs";
    EXPECT_FALSE(check_book(s.book()));
  }
}

// The truth comparison above can fail: a consumer that applies everything without the sequence
// rules (as several popular clients do) ends with a different book once messages are lost (a lost
// change near the top is often overwritten later; one deep in the book stays wrong).
TEST(L2Synchronizer, NaiveConsumerDivergesFromTruthAfterAGap) {
  mock::GeneratorConfig gc;
  gc.levels_per_side = 300;
  mock::MarketGenerator market(gc);
  L2Book naive;
  naive.load(market.snapshot());
  for (int i = 0; i < 5'000; ++i) {
    const L2Update& u = market.next();
    if (i % 250 == 100) continue;  // lost messages
    for (const auto& c : u.changes) naive.apply(c);
  }
  L2Book truth;
  truth.load(market.snapshot());
  EXPECT_NE(naive, truth);
}

}  // namespace
}  // namespace kucoin
