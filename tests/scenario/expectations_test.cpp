// Whole-run expectations (runner/expectations.hpp): each one fails when it should, with a message
// that says what was expected and what happened, and holds when the run met it. Pure: the
// monitor is fed events and times by hand, no sockets, no clock. The loader's keys for them too.
#include <gtest/gtest.h>

#include "kucoin/runner/expectations.hpp"
#include "kucoin/runner/scenario.hpp"

namespace {

using kucoin::BookCause;
using kucoin::L2Level;
using kucoin::Price;
using kucoin::Quantity;
using kucoin::runner::Checkpoint;
using kucoin::runner::ExpectationMonitor;
using kucoin::runner::RunCounts;
using kucoin::runner::RunExpectations;

const std::vector<std::string> kSymbols = {"BTC-USDT", "ETH-USDT"};

L2Level level(std::int64_t price) { return L2Level{Price{price, 0}, Quantity{1, 0}}; }

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// A run with one resync of BTC-USDT: synced at 0 ms, resyncing (gap) at `from_ms` at market
// position 600, synced again at `to_ms` at position `to_position`.
ExpectationMonitor recovered(RunExpectations e, std::int64_t from_ms, std::int64_t to_ms, std::uint64_t to_position) {
  ExpectationMonitor m(std::move(e));
  for (const auto& s : kSymbols) m.on_synced(s, 100, 0, 10);
  m.on_resyncing("BTC-USDT", BookCause::gap, 700, from_ms, 600);
  m.on_synced("BTC-USDT", 900, to_ms, to_position);
  return m;
}

TEST(NeverCrossed, AnUpdateThatCrossesFailsEvenIfTheFinalBookIsFine) {
  ExpectationMonitor m(RunExpectations{});
  m.on_book("BTC-USDT", 10, level(100), level(101));
  m.on_book("BTC-USDT", 11, level(101), level(101));  // crossed (locked) for one update
  m.on_book("BTC-USDT", 12, level(100), level(102));  // and fine again at the end
  const std::string f = m.finish(kSymbols, {}, 50);
  EXPECT_TRUE(has(f, "BTC-USDT: the book crossed at sequence 11 (best bid 101 >= best ask 101)")) << f;
  EXPECT_TRUE(has(f, "expected never crossed")) << f;
}

TEST(NeverCrossed, TheClientsOwnCrossedBookResyncCounts) {
  ExpectationMonitor m(RunExpectations{});
  m.on_resyncing("ETH-USDT", BookCause::crossed_book, 42, 5, std::nullopt);
  EXPECT_TRUE(has(m.finish(kSymbols, {}, 50), "ETH-USDT: the client found its book crossed at sequence 42")) << "";
}

TEST(NeverCrossed, UncrossedBooksAndOneSidedBooksPass) {
  ExpectationMonitor m(RunExpectations{});
  m.on_book("BTC-USDT", 10, level(100), level(101));
  m.on_book("BTC-USDT", 11, std::nullopt, level(99));
  EXPECT_EQ(m.finish(kSymbols, {}, 50), "");
}

TEST(Checkpoints, DueAtTheFirstStateAtOrPastTheirPointOncePerSymbol) {
  RunExpectations e;
  e.checkpoints = {Checkpoint{Checkpoint::At::sequence, 500, ""}, Checkpoint{Checkpoint::At::message, 30, "ETH-USDT"}};
  ExpectationMonitor m(e);
  EXPECT_TRUE(m.due_checkpoints("BTC-USDT", 499, 20).empty());
  EXPECT_EQ(m.due_checkpoints("BTC-USDT", 503, 20), std::vector<std::size_t>{0});
  m.checkpoint_checked(0, "BTC-USDT", 503, "");
  EXPECT_TRUE(m.due_checkpoints("BTC-USDT", 600, 40).empty());  // done; message 30 is ETH-USDT's only
  EXPECT_FALSE(m.checkpoints_pending("BTC-USDT"));
  EXPECT_EQ(m.due_checkpoints("ETH-USDT", 450, 30), std::vector<std::size_t>{1});
  EXPECT_TRUE(m.due_checkpoints("ETH-USDT", 450, std::nullopt) == std::vector<std::size_t>{})
      << "a message checkpoint needs the position";
}

TEST(Checkpoints, AMismatchFailsWithWhereAndWhat) {
  RunExpectations e;
  e.checkpoints = {Checkpoint{Checkpoint::At::message, 1500, "BTC-USDT"}};
  ExpectationMonitor m(e);
  m.checkpoint_checked(0, "BTC-USDT", 1234, "bid level 3 differs from the truth");
  const std::string f = m.finish(kSymbols, {}, 50);
  EXPECT_TRUE(has(f, "BTC-USDT: at checkpoint message 1500 (book at sequence 1234) bid level 3 differs from the truth"))
      << f;
}

TEST(Checkpoints, OneNeverReachedFails) {
  RunExpectations e;
  e.checkpoints = {Checkpoint{Checkpoint::At::sequence, 99999, ""}};
  ExpectationMonitor m(e);
  m.checkpoint_checked(0, "BTC-USDT", 100000, "");
  const std::string f = m.finish(kSymbols, {}, 50);
  EXPECT_TRUE(has(f, "ETH-USDT: never reached checkpoint sequence 99999")) << f;
  m.checkpoint_checked(0, "ETH-USDT", 100001, "");
  EXPECT_EQ(m.finish(kSymbols, {}, 50), "");
}

TEST(Recovery, TooSlowInMillisecondsFails) {
  RunExpectations e;
  e.recovery_ms = 100;
  EXPECT_EQ(recovered(e, 1000, 1100, 650).finish(kSymbols, {}, 2000), "");
  const std::string f = recovered(e, 1000, 1101, 650).finish(kSymbols, {}, 2000);
  EXPECT_TRUE(has(f, "BTC-USDT: the resync (gap) that began at sequence 700 took 101 ms to sync again")) << f;
  EXPECT_TRUE(has(f, "expected within 100 ms")) << f;
}

TEST(Recovery, TooManyMessagesFails) {
  RunExpectations e;
  e.recovery_messages = 50;
  EXPECT_EQ(recovered(e, 1000, 1001, 650).finish(kSymbols, {}, 2000), "");
  const std::string f = recovered(e, 1000, 1001, 651).finish(kSymbols, {}, 2000);
  EXPECT_TRUE(has(f, "took 51 messages to sync again (from the snapshot at sequence 900); expected within 50 messages"))
      << f;
}

TEST(Recovery, OneThatNeverEndsFailsAndOneThatNeverStartedMeasuresNothing) {
  RunExpectations e;
  e.recovery_ms = 500;
  ExpectationMonitor m(e);
  m.on_synced("BTC-USDT", 100, 0, std::nullopt);
  m.on_resyncing("BTC-USDT", BookCause::reconnect, 700, 1000, std::nullopt);
  const std::string f = m.finish(kSymbols, {}, 1300);
  EXPECT_TRUE(has(f, "BTC-USDT: the resync (reconnect) that began at sequence 700 never ended (300 ms")) << f;

  ExpectationMonitor quiet(e);
  quiet.on_resyncing("BTC-USDT", BookCause::subscribed, 0, 0, std::nullopt);  // the first sync is no recovery
  quiet.on_synced("BTC-USDT", 100, 40, std::nullopt);
  EXPECT_TRUE(has(quiet.finish(kSymbols, {}, 100), "no book recovered from a resync")) << "";
}

TEST(BulletRequests, MoreThanTheMostFails) {
  RunExpectations e;
  e.max_bullet_requests = 2;
  ExpectationMonitor m(e);
  EXPECT_EQ(m.finish(kSymbols, RunCounts{2, 0, 0}, 10), "");
  EXPECT_EQ(m.finish(kSymbols, RunCounts{3, 0, 0}, 10), "3 bullet requests, expected at most 2");
}

TEST(TokenRefreshed, AnExpiredSessionOrNoRefreshAtAllFails) {
  RunExpectations e;
  e.token_refreshed = true;
  ExpectationMonitor m(e);
  EXPECT_EQ(m.finish(kSymbols, RunCounts{3, 0, 2}, 10), "");
  EXPECT_TRUE(has(m.finish(kSymbols, RunCounts{3, 1, 2}, 10), "1 sessions ended with 401 \"token is expired\""));
  EXPECT_TRUE(has(m.finish(kSymbols, RunCounts{1, 0, 0}, 10), "no connection was handed over to a fresh token"));
}

TEST(ClockResyncs, NoneWhenOneWasExpectedFails) {
  RunExpectations e;
  e.min_clock_resyncs = 1;
  ExpectationMonitor m(e);
  RunCounts counts;
  EXPECT_EQ(m.finish(kSymbols, counts, 10),
            "0 clock resyncs of the client (the mock answered 400002 0 times), expected at least 1");
  counts.clock_resyncs = 1;
  counts.timestamp_rejections = 3;
  EXPECT_EQ(m.finish(kSymbols, counts, 10), "");
}

TEST(ExpectationKeys, LoadIntoTheCase) {
  auto s = kucoin::runner::load_scenario_yaml(R"(name: x
symbols: [BTC-USDT, ETH-USDT]
expect:
  checkpoints: [{sequence: 5}, {message: 1500, symbol: ETH-USDT}]
  recovery: {ms: 800, messages: 300}
  bullet_requests: {max: 2}
  token_refreshed: true
  clock_resyncs: {min: 1}
)",
                                              "x.yaml");
  ASSERT_TRUE(s) << s.error().message;
  const RunExpectations& e = s->live.run_expect;
  ASSERT_EQ(e.checkpoints.size(), 2U);
  EXPECT_EQ(e.checkpoints[1].at, Checkpoint::At::message);
  EXPECT_EQ(e.checkpoints[1].value, 1500);
  EXPECT_EQ(e.checkpoints[1].symbol, "ETH-USDT");
  EXPECT_EQ(e.recovery_ms, 800);
  EXPECT_EQ(e.recovery_messages, 300U);
  EXPECT_EQ(e.max_bullet_requests, 2U);
  EXPECT_TRUE(e.token_refreshed);
  EXPECT_EQ(e.min_clock_resyncs, 1U);
  EXPECT_TRUE(e.needs_positions());
}

TEST(ExpectationKeys, MistakesNameLineAndColumn) {
  auto two =
      kucoin::runner::load_scenario_yaml("name: x\nexpect:\n  checkpoints: [{sequence: 5, message: 3}]\n", "x.yaml");
  ASSERT_FALSE(two);
  EXPECT_TRUE(has(two.error().message, "x.yaml:3:17: a checkpoint needs exactly one of 'sequence' and 'message'"))
      << two.error().message;
  auto past = kucoin::runner::load_scenario_yaml(
      "name: x\nmarket: {messages: 1200}\nexpect:\n  checkpoints: [{message: 5000}]\n", "x.yaml");
  ASSERT_FALSE(past);
  EXPECT_TRUE(has(past.error().message, "x.yaml:4:27: checkpoint message 5000 is past the stream's end"))
      << past.error().message;
  auto typo = kucoin::runner::load_scenario_yaml("name: x\nexpect:\n  recovery: {msec: 5}\n", "x.yaml");
  ASSERT_FALSE(typo);
  EXPECT_TRUE(has(typo.error().message, "x.yaml:3:14: unknown key 'msec' in 'recovery'")) << typo.error().message;
}

}  // namespace
