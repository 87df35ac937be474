// LiveMarket::truth_at: the truth at a past sequence, which the scenario runner checks an
// external client's reports with (keep_history), including across a sequence reset.
#include <gtest/gtest.h>

#include "kucoin/mock/live_market.hpp"

namespace kucoin::mock {
namespace {

void pull(LiveMarket::Subscription& s, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(s.next().kind, FeedEvent::Kind::frame);
}

TEST(TruthAt, AnswersEveryPastSequenceWithKeepHistory) {
  LiveMarketConfig c;
  c.symbols = {"BTC-USDT"};
  c.levels_per_side = 100;
  c.keep_history = true;
  c.faults = {{StreamFault::Kind::sequence_reset, "BTC-USDT", {Trigger::Kind::message, 150}, 1, 7}};
  LiveMarket m(c);
  auto sub = m.subscribe("BTC-USDT");
  std::vector<TruthView> seen;
  seen.push_back(*m.truth("BTC-USDT"));  // the initial book (position 0)
  for (int i = 0; i < 30; ++i) {
    pull(*sub, 10);
    seen.push_back(*m.truth("BTC-USDT"));
  }
  ASSERT_LT(seen.back().book.sequence, seen.front().book.sequence);  // the reset happened
  for (const TruthView& t : seen) {
    const auto at = m.truth_at("BTC-USDT", t.book.sequence);
    ASSERT_TRUE(at) << t.book.sequence;
    EXPECT_EQ(at->sequence, t.book.sequence);
    EXPECT_EQ(at->bids, t.book.bids) << t.book.sequence;
    EXPECT_EQ(at->asks, t.book.asks) << t.book.sequence;
  }
  EXPECT_FALSE(m.truth_at("BTC-USDT", seen.front().book.sequence + 1'000'000));  // never there
  EXPECT_FALSE(m.truth_at("NOPE-USDT", seen.front().book.sequence));
}

TEST(TruthAt, WithoutHistoryNothingIsKept) {
  LiveMarketConfig c;
  c.symbols = {"BTC-USDT"};
  c.levels_per_side = 50;
  LiveMarket m(c);
  auto sub = m.subscribe("BTC-USDT");
  pull(*sub, 5);
  EXPECT_FALSE(m.truth_at("BTC-USDT", m.truth("BTC-USDT")->book.sequence));
}

}  // namespace
}  // namespace kucoin::mock
