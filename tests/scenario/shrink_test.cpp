// run --shrink (runner/shrink.hpp): the reductions of a scenario file and the greedy search, with
// a stand-in for a run that fails while the case still holds what makes it fail. Pure: no
// sockets (tests/scenario/CMakeLists runs the real search end to end: Shrink.fails_on_purpose).
#include <gtest/gtest.h>

#include <algorithm>

#include "kucoin/runner/scenario.hpp"
#include "kucoin/runner/shrink.hpp"

namespace {

using kucoin::runner::LiveCase;

constexpr const char* kScenario = R"(name: big
description: "a drop on BTC-USDT, a stall on ETH-USDT, a duplicate on XRP-USDT"
seed: 7
symbols: [BTC-USDT, ETH-USDT, XRP-USDT]
market: {levels: 500, messages: 3000}
faults:
  - {kind: drop, symbol: BTC-USDT, at: {after_snapshot: 300}, count: 3}
  - {kind: stall, symbol: ETH-USDT, at: {after_snapshot: 200}, ms: 300}
  - {kind: duplicate, symbol: XRP-USDT, at: {message: 100, every: 50, times: 4}, count: 1}
expect:
  resyncs: {BTC-USDT: 0, ETH-USDT: 0}
)";

// The scenario's stream faults, as the mock's market gets them (one fault plan).
std::vector<kucoin::mock::StreamFault> stream_faults(const LiveCase& c) {
  return c.faults.stream_faults(c.pace_per_symbol);
}

bool has_drop_on_btc(const LiveCase& c) {
  const auto faults = stream_faults(c);
  return std::any_of(faults.begin(), faults.end(), [](const auto& f) {
    return f.kind == kucoin::mock::StreamFault::Kind::drop && f.symbol == "BTC-USDT";
  });
}

TEST(Shrink, CandidatesTakeOneThingAwayEachAndAllLoad) {
  auto c = kucoin::runner::shrink_candidates(kScenario);
  ASSERT_TRUE(c) << c.error().message;
  std::vector<std::string> what;
  for (const auto& x : *c) {
    what.push_back(x.what);
    EXPECT_TRUE(kucoin::runner::load_scenario_yaml(x.yaml, "x.yaml")) << x.what;
  }
  const std::vector<std::string> want = {
      "messages 3000 -> 1500",       "symbol BTC-USDT removed",      "symbol ETH-USDT removed",
      "symbol XRP-USDT removed",     "fault 1 (drop) removed",       "fault 2 (stall) removed",
      "fault 3 (duplicate) removed", "fault 3 fires 2 times, not 4", "levels 500 -> 250"};
  EXPECT_EQ(what, want);
  // Removing a symbol takes its faults and expectations with it.
  auto eth_gone = kucoin::runner::load_scenario_yaml((*c)[2].yaml, "x.yaml");
  ASSERT_TRUE(eth_gone);
  EXPECT_EQ(eth_gone->live.market.symbols, (std::vector<std::string>{"BTC-USDT", "XRP-USDT"}));
  EXPECT_EQ(stream_faults(eth_gone->live).size(), 5U);  // the drop and the 4 duplicates
  EXPECT_FALSE(eth_gone->live.max_resyncs.contains("ETH-USDT"));
}

TEST(Shrink, NothingLeftToTakeAwayGivesNoCandidate) {
  auto c = kucoin::runner::shrink_candidates("name: tiny\nsymbols: [BTC-USDT]\nmarket: {levels: 10, messages: 50}\n");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->empty());
  EXPECT_FALSE(kucoin::runner::shrink_candidates("- a list"));
}

TEST(Shrink, SameFailureIgnoresNumbersOnly) {
  using kucoin::runner::same_failure;
  EXPECT_TRUE(same_failure("BTC-USDT: 1 resyncs, expected at most 0", "BTC-USDT: 3 resyncs, expected at most 0"));
  EXPECT_FALSE(same_failure("BTC-USDT: 1 resyncs, expected at most 0", "3 stream faults fired, expected 4"));
  EXPECT_FALSE(same_failure("", ""));
}

TEST(Shrink, SearchKeepsWhatStillFailsAndDropsTheRest) {
  std::size_t runs = 0;
  const std::string failure = "BTC-USDT: 1 resyncs, expected at most 0";
  auto still_fails = [&](const LiveCase& c) {
    ++runs;
    // The run fails while the drop is there and the stream reaches it (300 after the snapshot).
    return has_drop_on_btc(c) && c.market.messages >= 400 ? std::string("BTC-USDT: 2 resyncs, expected at most 0")
                                                          : std::string();
  };
  const auto r = kucoin::runner::shrink_scenario(kScenario, failure, still_fails, 100);
  EXPECT_EQ(r.runs, runs);
  auto s = kucoin::runner::load_scenario_yaml(r.yaml, "big_shrunk.yaml");
  ASSERT_TRUE(s) << s.error().message << "\n" << r.yaml;
  EXPECT_EQ(s->live.name, "big_shrunk");
  EXPECT_EQ(s->live.market.symbols, std::vector<std::string>{"BTC-USDT"});
  EXPECT_EQ(s->live.market.messages, 750U);
  ASSERT_EQ(stream_faults(s->live).size(), 1U);
  EXPECT_TRUE(has_drop_on_btc(s->live));
  EXPECT_EQ(s->live.market.levels_per_side, 15U);
  EXPECT_EQ(s->live.market.seed, 7U);
  EXPECT_EQ(kucoin::runner::scenario_size(r.yaml), "1 symbol, 750 messages, 1 fault, 15 levels");
  EXPECT_FALSE(r.steps.empty());
}

TEST(Shrink, TheRunBudgetIsKept) {
  std::size_t runs = 0;
  const auto r = kucoin::runner::shrink_scenario(
      kScenario, "x 1",
      [&](const LiveCase&) {
        ++runs;
        return std::string("x 2");
      },
      3);
  EXPECT_EQ(runs, 3U);
  EXPECT_EQ(r.runs, 3U);
  EXPECT_EQ(r.steps.size(), 3U);
}

TEST(Shrink, OverridesAreWrittenIntoTheFile) {
  const std::string y = kucoin::runner::with_overrides(kScenario, 9, 1200, std::nullopt, true);
  auto s = kucoin::runner::load_scenario_yaml(y, "x.yaml");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->live.market.seed, 9U);
  EXPECT_EQ(s->live.market.messages, 1200U);
  EXPECT_EQ(s->live.market.levels_per_side, 500U);
  EXPECT_TRUE(s->live.tls);
}

}  // namespace
