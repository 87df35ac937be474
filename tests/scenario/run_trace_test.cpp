// The outcome trace (runner/run_trace.hpp): what it keeps, and what it leaves out when the mock
// drops frames by time (a slow reader). Pure.
#include "kucoin/runner/run_trace.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using kucoin::BookCause;
using kucoin::BookEvent;
using kucoin::runner::first_difference;
using kucoin::runner::TraceBuilder;

// One run's trace: a gap resync at `gap_at`, a snapshot at `snapshot_at`, frames missing from `gap_at`.
std::vector<std::string> trace_of(bool positions_by_time, std::int64_t gap_at, std::uint64_t snapshot_at) {
  TraceBuilder t("slow", 42, positions_by_time);
  BookEvent e;
  e.symbol = "BTC-USDT";
  e.kind = BookEvent::Kind::resyncing;
  e.cause = BookCause::gap;
  e.sequence = gap_at;
  t.book_event(e);
  e.kind = BookEvent::Kind::synced;
  e.snapshot_sequence = static_cast<std::int64_t>(snapshot_at);
  t.book_event(e);
  kucoin::mock::ServedSnapshot s{"BTC-USDT", 2, snapshot_at, static_cast<std::int64_t>(snapshot_at), false};
  kucoin::mock::StreamDigest d{"BTC-USDT", 1, 2000, 1, 2500, {{static_cast<std::uint64_t>(gap_at), 900}}, 77};
  t.market({s}, {}, {d}, false);
  t.counts(1, 1, 1);
  t.final_book({"BTC-USDT", 5000, {}, {}});
  return t.lines();
}

TEST(RunTrace, DropsByTimeKeepKindsCausesCountsAndFinalBooksOnly) {
  // Two runs whose drops fell at different places: the same trace when drops are by time...
  EXPECT_EQ(first_difference(trace_of(true, 400, 950), trace_of(true, 430, 990)), std::nullopt);
  const std::vector<std::string> lines = trace_of(true, 400, 950);
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_NE(all.find("\"cause\":\"gap\""), std::string::npos) << all;
  EXPECT_NE(all.find("\"resyncs\":1"), std::string::npos) << all;
  EXPECT_NE(all.find("\"type\":\"final_book\",\"symbol\":\"BTC-USDT\",\"sequence\":5000"), std::string::npos) << all;
  EXPECT_EQ(all.find("\"missing\""), std::string::npos) << all;
  EXPECT_EQ(all.find("950"), std::string::npos) << all;
  // ... a different trace when they are planned, which names where the gap fell.
  const auto planned = first_difference(trace_of(false, 400, 950), trace_of(false, 430, 990));
  ASSERT_TRUE(planned.has_value());
  EXPECT_NE(planned->find("950"), std::string::npos) << *planned;
  // A different outcome is a different trace either way.
  TraceBuilder other("slow", 42, true);
  BookEvent e;
  e.symbol = "BTC-USDT";
  e.kind = BookEvent::Kind::resyncing;
  e.cause = BookCause::sequence_reset;
  other.book_event(e);
  EXPECT_NE(first_difference(other.lines(), lines), std::nullopt);
}

}  // namespace
