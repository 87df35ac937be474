// The external-client protocol's reports: parsing a line of the client's output and comparing a
// reported book with the truth (runner/client_report.hpp).
#include "kucoin/runner/client_report.hpp"

#include <gtest/gtest.h>

namespace kucoin::runner {
namespace {

L2Level lv(std::int64_t price_raw, std::int64_t size_raw) {
  return L2Level{Price{price_raw, 1}, Quantity{size_raw, 2}};
}

L2Snapshot truth() {
  L2Snapshot s;
  s.sequence = 100;
  s.bids = {lv(1000, 150), lv(999, 200), lv(998, 5)};  // 100.0 x 1.5, 99.9 x 2, 99.8 x 0.05
  s.asks = {lv(1001, 100), lv(1002, 300)};
  return s;
}

constexpr const char* kBook =
    R"({"type":"book","symbol":"BTC-USDT","sequence":100,"exact_depth":null,)"
    R"("bids":[["100","1.5"],["99.9","2.00"],["99.8","0.05"]],"asks":[["100.1","1"],["100.2","3"]]})";

TEST(ClientReport, ParsesABookInTheDumpFormat) {
  const ParsedReport r = parse_client_report(kBook);
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.report.kind, ClientReport::Kind::book);
  EXPECT_EQ(r.report.book.symbol, "BTC-USDT");
  EXPECT_EQ(r.report.book.sequence, 100);
  EXPECT_FALSE(r.report.book.exact_depth);
  ASSERT_EQ(r.report.book.bids.size(), 3U);
  EXPECT_EQ(r.report.book.bids[1], lv(999, 200));  // "2.00" equals 2 whatever its decimals
  EXPECT_EQ(compare_report(r.report.book, truth()), "");
}

TEST(ClientReport, TypeDefaultsToBookAndSequenceMayBeAString) {
  const ParsedReport r =
      parse_client_report(R"({"symbol":"X-Y","sequence":"7","exact_depth":2,"bids":[],"asks":[["1","1"]]})");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.report.book.sequence, 7);
  EXPECT_EQ(r.report.book.exact_depth, 2U);
}

TEST(ClientReport, EventsLogsAndEmptyLines) {
  auto e = parse_client_report(R"({"type":"event","symbol":"BTC-USDT","event":"resync","cause":"gap","detail":"x"})");
  ASSERT_EQ(e.error, "");
  EXPECT_EQ(e.report.kind, ClientReport::Kind::event);
  EXPECT_EQ(e.report.event.cause, "gap");
  auto l = parse_client_report(R"({"type":"log","message":"connected"})");
  ASSERT_EQ(l.error, "");
  EXPECT_EQ(l.report.message, "connected");
  EXPECT_EQ(parse_client_report("  \r").report.kind, ClientReport::Kind::none);
  EXPECT_EQ(parse_client_report("").error, "");
}

TEST(ClientReport, BadLinesSayWhatIsWrong) {
  auto err = [](std::string_view line) { return parse_client_report(line).error; };
  EXPECT_NE(err("hello world").find("not JSON"), std::string::npos);
  EXPECT_EQ(err("[1,2]"), "a JSON object expected, got an array");
  EXPECT_EQ(err(R"({"type":"trade"})"), "unknown type \"trade\" (book, event or log)");
  EXPECT_EQ(err(R"({"symbol":"A-B","sequence":1,"bids":[[100.5,"1"]],"asks":[]})"),
            "bids[0][0]: a decimal string expected, got a number (100.5)");
  EXPECT_EQ(err(R"({"symbol":"A-B","sequence":1,"bids":[["1","x"]],"asks":[]})"), "bids[0][1]: not a decimal (\"x\")");
  EXPECT_EQ(err(R"({"symbol":"A-B","sequence":1,"bids":[["1","0"]],"asks":[]})"),
            "bids[0]: size 0 (a removed level must not be reported)");
  EXPECT_EQ(err(R"({"symbol":"A-B","sequence":1,"bids":[["1","1"],["2","1"]],"asks":[]})"),
            "bids[1]: price 2 out of order (bids go best first: descending, no price twice)");
  EXPECT_EQ(err(R"({"symbol":"A-B","sequence":1,"bids":[],"asks":[["2","1"],["2","1"]]})"),
            "asks[1]: price 2 out of order (asks go best first: ascending, no price twice)");
  EXPECT_EQ(err(R"({"symbol":"A-B","sequence":1.5,"bids":[],"asks":[]})"),
            "sequence: an integer expected, got a number (1.5)");
  EXPECT_EQ(err(R"({"symbol":"A-B","bids":[],"asks":[]})"), "a book without \"sequence\"");
  EXPECT_EQ(err(R"({"sequence":1,"bids":[],"asks":[]})"), "a book without \"symbol\"");
  EXPECT_EQ(err(R"({"symbol":"A-B","sequence":1,"bids":[]})"), "a book without \"bids\" or \"asks\"");
  EXPECT_EQ(err(R"({"symbol":"A-B","sequence":1,"bid":[],"asks":[]})"),
            "unknown key \"bid\" in a book (symbol, sequence, exact_depth, bids, asks)");
  EXPECT_EQ(err(R"({"symbol":"A-B","sequence":1,"exact_depth":-1,"bids":[],"asks":[]})"),
            "exact_depth: null or a non-negative integer expected, got a number (-1)");
  EXPECT_EQ(err(R"({"type":"event","symbol":"A-B"})"), "an event without \"event\"");
}

TEST(ClientReport, ComparisonNamesTheFirstDifference) {
  ReportedBook b = parse_client_report(kBook).report.book;
  auto t = truth();
  t.bids[1].size = Quantity{201, 2};
  EXPECT_EQ(compare_report(b, t),
            "bids level 1: 99.9 x 2, the truth has 99.9 x 2.01 (3 levels reported, the truth has 3)");
  t = truth();
  t.asks.push_back(lv(1003, 1));
  EXPECT_EQ(compare_report(b, t),
            "asks level 2: missing, the truth has 100.3 x 0.01 (2 levels reported, the truth has 3)");
  t = truth();
  t.sequence = 101;
  EXPECT_EQ(compare_report(b, t), "at sequence 100, the truth at 101");
  b.bids.push_back(lv(997, 1));
  EXPECT_EQ(compare_report(b, truth()),
            "bids level 3: 99.7 x 0.01, the truth has no level there (4 levels reported, the truth has 3)");
}

TEST(ClientReport, ExactDepthLimitsTheComparison) {
  ReportedBook b = parse_client_report(kBook).report.book;
  b.exact_depth = 1;
  b.bids.push_back(lv(997, 1));  // past the exact depth: not compared
  EXPECT_EQ(compare_report(b, truth()), "");
  b.bids[0].size = Quantity{1, 0};
  EXPECT_NE(compare_report(b, truth()), "");
}

TEST(ClientReport, ACrossedBookIsNeverEqual) {
  ReportedBook b;
  b.sequence = 5;
  b.bids = {lv(1001, 1)};
  b.asks = {lv(1000, 1)};
  L2Snapshot t;
  t.sequence = 5;
  t.bids = b.bids;
  t.asks = b.asks;
  EXPECT_EQ(compare_report(b, t), "crossed: best bid 100.1 >= best ask 100");
}

TEST(ClientReport, ExcerptCutsAndMasksControlBytes) {
  EXPECT_EQ(excerpt("a\tb", 10), "a?b");
  EXPECT_EQ(excerpt("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace kucoin::runner
