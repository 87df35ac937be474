// Offline replay of captures through the synchronizer, and import of frame logs (older KuCoin
// frame shapes included): books equal to the generator's truth, gaps, crossed books and tickers
// that disagree with the book are reported.
#include <gtest/gtest.h>

#include "kucoin/capture/frame_log_import.hpp"
#include "kucoin/capture/offline_replay.hpp"
#include "kucoin/mock/futures_market.hpp"
#include "kucoin/mock/market.hpp"
#include "kucoin/mock/market_generator.hpp"
#include "kucoin/protocol/futures_codec.hpp"
#include "kucoin/protocol/l2_codec.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "kucoin/protocol/ws_codec.hpp"

namespace kucoin::capture {
namespace {

// A capture of one symbol: the symbol list, `before` frames, the snapshot, `after` frames.
struct Built {
  std::vector<CaptureRecord> records;
  L2Snapshot truth;  // the generator's book after the last frame
};

CaptureRecord frame(std::int64_t t, std::string payload, std::uint64_t conn = 1) {
  CaptureRecord r;
  r.mono_ns = t;
  r.conn = conn;
  r.kind = RecordKind::ws_in;
  r.payload = std::move(payload);
  return r;
}

CaptureRecord answer(std::int64_t t, std::string url, std::string body) {
  CaptureRecord r;
  r.mono_ns = t;
  r.kind = RecordKind::http_response;
  r.status = 200;
  r.url = std::move(url);
  r.payload = std::move(body);
  return r;
}

Built build(int before, int after, std::uint64_t seed = 7, int drop_at = -1, int second_snapshot_at = -1) {
  mock::GeneratorConfig g;
  g.levels_per_side = 200;
  g.seed = seed;
  const SymbolInfo info = mock::default_symbol_setup("BTC-USDT", g);
  mock::MarketGenerator gen(g);
  Built b;
  std::int64_t t = 1;
  std::string body;
  encode_symbols({info}, body);
  b.records.push_back(answer(t++, "/api/v2/symbols", body));
  for (int i = 0; i < before; ++i) {
    std::string f;
    encode_update_frame(gen.next(), f);
    b.records.push_back(frame(t++, f));
  }
  body.clear();
  encode_snapshot_response(gen.snapshot(), body);
  b.records.push_back(answer(t++, "/api/v3/market/orderbook/level2?symbol=BTC-USDT", body));
  for (int i = 0; i < after; ++i) {
    std::string f;
    encode_update_frame(gen.next(), f);
    if (i == second_snapshot_at) {
      body.clear();
      encode_snapshot_response(gen.snapshot(), body);
      b.records.push_back(answer(t++, "/api/v3/market/orderbook/level2?symbol=BTC-USDT", body));
      continue;  // this frame is covered by the snapshot and never arrives
    }
    if (i == drop_at) continue;
    b.records.push_back(frame(t++, f));
  }
  b.truth = gen.snapshot();
  return b;
}

void expect_book_equals(const L2Book& book, const L2Snapshot& truth) {
  EXPECT_EQ(book.top(Side::bid, SIZE_MAX), truth.bids);
  EXPECT_EQ(book.top(Side::ask, SIZE_MAX), truth.asks);
}

OfflineReplay& run(OfflineReplay& r, const std::vector<CaptureRecord>& records) {
  for (const auto& rec : records) {
    if (!r.on_record(rec)) break;
  }
  r.finish();
  return r;
}

TEST(OfflineReplay, BookEqualsTheTruth) {
  const Built b = build(20, 500);
  OfflineReplay r;
  run(r, b.records);
  const L2Book* book = r.book("BTC-USDT");
  ASSERT_NE(book, nullptr);
  expect_book_equals(*book, b.truth);
  EXPECT_TRUE(r.checks_passed());
  const auto sums = r.summaries();
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_TRUE(sums[0].synced);
  EXPECT_EQ(sums[0].updates, 520u);
  EXPECT_EQ(sums[0].snapshots, 1u);
  EXPECT_EQ(sums[0].gaps, 0u);
  ASSERT_EQ(r.books().size(), 1u);
  EXPECT_EQ(r.books()[0].sequence, b.truth.sequence);
}

TEST(OfflineReplay, GapThenTheClientsResnapshotConverges) {
  // Frame 100 is lost; the recorded client resynced and its snapshot arrives 5 frames later.
  Built b = build(5, 400, 9, 100, 105);
  OfflineReplay r;
  run(r, b.records);
  ASSERT_NE(r.book("BTC-USDT"), nullptr);
  expect_book_equals(*r.book("BTC-USDT"), b.truth);
  const auto sums = r.summaries();
  EXPECT_EQ(sums[0].gaps, 1u);
  EXPECT_TRUE(sums[0].synced);
  std::size_t gaps = 0, synced = 0;
  for (const auto& f : r.findings()) {
    gaps += f.kind == ReplayFinding::Kind::gap;
    synced += f.kind == ReplayFinding::Kind::synced;
  }
  EXPECT_EQ(gaps, 1u);
  EXPECT_EQ(synced, 2u);
  EXPECT_TRUE(r.checks_passed());  // a gap is reported, not a failed check
}

// A futures capture of one contract, as `record --futures` writes it: the contract list, `before`
// /contractMarket/level2 frames, the full snapshot, `after` frames (frame `drop_at` lost, a fresh
// snapshot in place of frame `second_snapshot_at`).
Built build_futures(int before, int after, int drop_at = -1, int second_snapshot_at = -1) {
  mock::FuturesStream stream("XBTUSDTM", 200, 21);
  Built b;
  std::int64_t t = 1;
  std::string body;
  encode_futures_contracts_response(std::span<const FuturesContract>(&stream.contract(), 1), body);
  b.records.push_back(answer(t++, "/api/v1/contracts/active", body));
  auto snapshot_answer = [&] {
    body.clear();
    encode_futures_snapshot_response(FuturesSnapshot{"XBTUSDTM", t * 1'000'000, stream.snapshot()}, body);
    b.records.push_back(answer(t++, "/api/v1/level2/snapshot?symbol=XBTUSDTM", body));
  };
  auto next_frame = [&] {
    std::string f;
    EXPECT_TRUE(encode_futures_level2_frame(stream.next(), f));
    return f;
  };
  for (int i = 0; i < before; ++i) b.records.push_back(frame(t++, next_frame()));
  snapshot_answer();
  for (int i = 0; i < after; ++i) {
    std::string f = next_frame();
    if (i == second_snapshot_at) {
      snapshot_answer();
      continue;
    }
    if (i == drop_at) continue;
    b.records.push_back(frame(t++, f));
  }
  b.truth = stream.snapshot();
  return b;
}

TEST(OfflineReplay, FuturesCaptureBookEqualsTheTruth) {
  const Built b = build_futures(20, 500);
  CaptureHeader h;
  h.venue = Market::futures;
  h.symbols = {"XBTUSDTM"};
  OfflineReplay r;
  r.on_header(h);
  run(r, b.records);
  const L2Book* book = r.book("XBTUSDTM");
  ASSERT_NE(book, nullptr);
  expect_book_equals(*book, b.truth);
  EXPECT_TRUE(r.checks_passed());
  const auto sums = r.summaries();
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_TRUE(sums[0].synced);
  EXPECT_EQ(sums[0].updates, 520u);  // one change a message
  EXPECT_EQ(sums[0].snapshots, 1u);
  EXPECT_EQ(sums[0].gaps, 0u);
  EXPECT_EQ(sums[0].last_sequence, b.truth.sequence);
  EXPECT_EQ(sums[0].last_sequence - sums[0].first_sequence, 519);  // sequence == last + 1 throughout
  ASSERT_EQ(r.books().size(), 1u);
  EXPECT_EQ(r.books()[0].sequence, b.truth.sequence);
  EXPECT_EQ(r.books()[0].exact_depth, SIZE_MAX);  // /api/v1/level2/snapshot is the full book
}

TEST(OfflineReplay, FuturesGapIsFoundAndTheNextSnapshotConverges) {
  // Message 100 is lost (sequence != last + 1); the recorded client's fresh snapshot came 5 later.
  const Built b = build_futures(5, 400, 100, 105);
  OfflineReplay r;
  run(r, b.records);
  ASSERT_NE(r.book("XBTUSDTM"), nullptr);
  expect_book_equals(*r.book("XBTUSDTM"), b.truth);
  const auto sums = r.summaries();
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums[0].gaps, 1u);
  EXPECT_EQ(sums[0].snapshots, 2u);
  EXPECT_TRUE(sums[0].synced);
  std::size_t gaps = 0;
  for (const auto& f : r.findings()) {
    if (f.kind != ReplayFinding::Kind::gap) continue;
    ++gaps;
    EXPECT_EQ(f.symbol, "XBTUSDTM");
  }
  EXPECT_EQ(gaps, 1u);
  EXPECT_TRUE(r.checks_passed());
}

TEST(OfflineReplay, StopsAtASequenceOrATime) {
  const Built b = build(0, 300);
  auto at = parse_replay_point("1000000150");
  ASSERT_TRUE(at);
  EXPECT_EQ(at->kind, ReplayPoint::Kind::sequence);
  ReplayOptions o;
  o.at = *at;
  OfflineReplay r(o);
  run(r, b.records);
  EXPECT_TRUE(r.stopped_at_point());
  EXPECT_GE(r.books()[0].sequence, 1'000'000'150);
  EXPECT_LT(r.records(), b.records.size());

  auto t = parse_replay_point("50ns");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, ReplayPoint::Kind::offset);
  EXPECT_EQ(t->value, 50);
  EXPECT_EQ(parse_replay_point("1.5s")->value, 1'500'000'000);
  EXPECT_EQ(parse_replay_point("250ms")->value, 250'000'000);
  EXPECT_FALSE(parse_replay_point("soon"));
  ReplayOptions o2;
  o2.at = *t;
  OfflineReplay r2(o2);
  run(r2, b.records);
  EXPECT_TRUE(r2.stopped_at_point());
  EXPECT_EQ(r2.records(), 50u);  // the records less than 50 ns after the first
}

std::string ticker_frame(std::int64_t seq, const std::string& bid, const std::string& ask) {
  return R"({"topic":"/market/ticker:BTC-USDT","type":"message","subject":"trade.ticker","data":{"sequence":")" +
         std::to_string(seq) + R"(","price":"1","size":"1","bestAsk":")" + ask + R"(","bestAskSize":"1","bestBid":")" +
         bid + R"(","bestBidSize":"1","time":1}})";
}

TEST(OfflineReplay, CrossedBookFailsTheCheck) {
  Built b = build(0, 50);
  L2Update u;
  u.symbol = "BTC-USDT";
  u.sequence_start = u.sequence_end = b.truth.sequence + 1;
  const Price ask = b.truth.asks.front().price;
  u.changes.push_back(L2Change{Side::bid, Price{ask.raw + 10, ask.decimals}, Quantity{1, 0}, u.sequence_end});
  std::string f;
  encode_update_frame(u, f);
  b.records.push_back(frame(1'000, f));
  OfflineReplay r;
  run(r, b.records);
  EXPECT_FALSE(r.checks_passed());
  ASSERT_FALSE(r.findings().empty());
  const auto& last = r.findings().back();
  EXPECT_EQ(last.kind, ReplayFinding::Kind::crossed);
  EXPECT_EQ(last.sequence, u.sequence_end);
  EXPECT_EQ(last.record, b.records.size() - 1);
}

TEST(OfflineReplay, TickersAreCheckedAgainstTheBookAtTheirSequence) {
  Built b = build(0, 50);
  const std::string bid = to_string(b.truth.bids.front().price), ask = to_string(b.truth.asks.front().price);
  b.records.push_back(frame(900, ticker_frame(b.truth.sequence, bid, ask)));  // agrees
  {
    OfflineReplay r;
    run(r, b.records);
    EXPECT_TRUE(r.checks_passed());
    EXPECT_EQ(r.summaries()[0].tickers_checked, 1u);
    EXPECT_EQ(r.summaries()[0].tickers_mismatched, 0u);
  }
  b.records.push_back(frame(901, ticker_frame(b.truth.sequence, ask, ask)));  // bid wrong
  {
    OfflineReplay r;
    run(r, b.records);
    EXPECT_FALSE(r.checks_passed());
    EXPECT_EQ(r.summaries()[0].tickers_mismatched, 1u);
    EXPECT_EQ(r.findings().back().kind, ReplayFinding::Kind::ticker_mismatch);
    EXPECT_NE(r.findings().back().detail.find("says bid " + ask), std::string::npos) << r.findings().back().detail;
  }
}

TEST(OfflineReplay, TickerAheadOfTheBookWaitsForItsSequence) {
  Built b = build(0, 30);
  const std::int64_t next = b.truth.sequence + 1;
  L2Update u;
  u.symbol = "BTC-USDT";
  u.sequence_start = u.sequence_end = next;
  u.changes.push_back(L2Change{Side::bid, b.truth.bids.front().price, Quantity{0, 0}, next});  // removes the best bid
  b.records.push_back(
      frame(900, ticker_frame(next, to_string(b.truth.bids[1].price), to_string(b.truth.asks.front().price))));
  std::string f;
  encode_update_frame(u, f);
  b.records.push_back(frame(901, f));
  OfflineReplay r;
  run(r, b.records);
  EXPECT_TRUE(r.checks_passed());
  EXPECT_EQ(r.summaries()[0].tickers_checked, 1u);
}

// A frame log as another tool writes it, with frames of an older KuCoin version: `data` first, no
// `time`, other topics interleaved, a bullet answer and a connect URL with a token.
TEST(FrameLogImport, OlderFramesImportAndReplay) {
  const std::string log =
      R"({"recv_ns":1000,"kind":"http_response","url":"https://api.kucoin.com/api/v2/symbols","payload":"{\"code\":\"200000\",\"data\":[{\"symbol\":\"BTC-USDT\",\"name\":\"BTC-USDT\",\"baseCurrency\":\"BTC\",\"quoteCurrency\":\"USDT\",\"baseIncrement\":\"0.00000001\",\"priceIncrement\":\"0.1\",\"baseMinSize\":\"0.00001\",\"enableTrading\":true}]}"}
{"recv_ns":1100,"kind":"http_response","url":"https://api.kucoin.com/api/v1/bullet-public","payload":"{\"code\":\"200000\",\"data\":{\"token\":\"SECRET-TOKEN-1\",\"instanceServers\":[]}}"}
{"recv_ns":1200,"kind":"ws_open","url":"wss://push1-v2.kucoin.com/endpoint?token=SECRET-TOKEN-1&connectId=1","payload":""}
{"recv_ns":1300,"kind":"ws_in","url":"","payload":"{\"id\":\"1\",\"type\":\"welcome\"}"}
{"recv_ns":1400,"kind":"ws_out","url":"","payload":"{\"id\":2,\"type\":\"subscribe\",\"topic\":\"/market/level2:BTC-USDT\",\"response\":true}"}
{"recv_ns":1500,"kind":"ws_in","url":"","payload":"{\"data\":{\"sequenceStart\":101,\"symbol\":\"BTC-USDT\",\"changes\":{\"asks\":[],\"bids\":[[\"100.0\",\"2\",\"101\"]]},\"sequenceEnd\":101},\"subject\":\"trade.l2update\",\"topic\":\"/market/level2:BTC-USDT\",\"type\":\"message\"}"}
{"recv_ns":1600,"kind":"http_response","url":"https://api.kucoin.com/api/v1/market/orderbook/level2_100?symbol=BTC-USDT","payload":"{\"code\":\"200000\",\"data\":{\"sequence\":\"100\",\"time\":1,\"bids\":[[\"99.9\",\"1\"]],\"asks\":[[\"100.5\",\"3\"]]}}"}
{"recv_ns":1700,"kind":"ws_in","url":"","payload":"{\"data\":{\"sequence\":\"1612844051653\",\"bestAsk\":\"0.00028717\",\"size\":\"0.01745248\",\"bestBidSize\":\"3.70422021\",\"price\":\"0.00028676\",\"time\":1619378326323,\"bestAskSize\":\"14.04274325\",\"bestBid\":\"0.00028678\"},\"subject\":\"trade.ticker\",\"topic\":\"/market/ticker:SNX-BTC\",\"type\":\"message\"}"}
{"recv_ns":1800,"kind":"ws_in","url":"","payload":"{\"data\":{\"sequenceStart\":102,\"symbol\":\"BTC-USDT\",\"changes\":{\"asks\":[[\"100.5\",\"0\",\"102\"]],\"bids\":[]},\"sequenceEnd\":102},\"subject\":\"trade.l2update\",\"topic\":\"/market/level2:BTC-USDT\",\"type\":\"message\"}"}
{"recv_ns":1900,"kind":"ws_in","url":"","payload":"{\"data\":{\"sequenceStart\":103,\"symbol\":\"BTC-USDT\",\"changes\":{\"asks\":[[\"0\",\"0\",\"103\"],[\"100.7\",\"4\",\"104\"]],\"bids\":[]},\"sequenceEnd\":104},\"subject\":\"trade.l2update\",\"topic\":\"/market/level2:BTC-USDT\",\"type\":\"message\"}"}
{"recv_ns":2000,"kind":"ws_in","url":"","payload":"{\"data\":{\"symbol\":\"DAPPT-BTC\",\"sequence\":\"1612701563869\",\"side\":\"buy\",\"size\":\"81.8814\",\"price\":\"0.0000001117\",\"takerOrderId\":\"6085c097587c2000060cde57\",\"time\":\"1619378327739050725\",\"type\":\"match\",\"makerOrderId\":\"6085c06144b3790006512a4d\",\"tradeId\":\"6085c09769bc506996295e36\"},\"subject\":\"trade.l3match\",\"topic\":\"/market/match:DAPPT-BTC\",\"type\":\"message\"}"}
{"recv_ns":2100,"kind":"ws_in","url":"","payload":"{\"data\":{\"sequ)";
  auto imported = import_frame_log(log, "test.framelog");
  ASSERT_TRUE(imported) << imported.error();
  ASSERT_EQ(imported->records.size(), 11u);
  ASSERT_TRUE(imported->problem);  // the cut last line
  EXPECT_EQ(imported->problem->kind, ReadProblem::Kind::truncated);
  EXPECT_EQ(imported->problem->line, 12u);
  EXPECT_EQ(imported->header.source, "https://api.kucoin.com");
  EXPECT_EQ(imported->header.symbols, (std::vector<std::string>{"BTC-USDT", "SNX-BTC", "DAPPT-BTC"}));
  EXPECT_EQ(imported->header.topics, (std::vector<std::string>{"/market/level2", "/market/ticker", "/market/match"}));
  EXPECT_EQ(imported->records[2].kind, RecordKind::connect);
  EXPECT_EQ(imported->records[2].conn, 1u);
  EXPECT_EQ(imported->records[4].kind, RecordKind::ws_out);
  // Frames byte for byte.
  EXPECT_EQ(imported->records[5].payload.substr(0, 26), R"({"data":{"sequenceStart":1)");

  ReplayOptions o;
  o.symbol = "BTC-USDT";
  OfflineReplay r(o);
  r.on_header(imported->header);
  run(r, imported->records);
  EXPECT_TRUE(r.checks_passed());
  const L2Book* book = r.book("BTC-USDT");
  ASSERT_NE(book, nullptr);
  EXPECT_EQ(book->top(Side::bid, 10),
            (std::vector<L2Level>{{Price{1000, 1}, Quantity{2, 0}}, {Price{999, 1}, Quantity{1, 0}}}));
  EXPECT_EQ(book->top(Side::ask, 10), (std::vector<L2Level>{{Price{1007, 1}, Quantity{4, 0}}}));
  const auto sums = r.summaries();
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums[0].exact_depth, 100u);
  EXPECT_EQ(r.books()[0].sequence, 104);
}

// A frame log of a futures session (the shape any recorder's output converts to): imported as a
// futures capture, replayed with the futures decoder to the truth. Spot and futures topics mixed in
// one log are refused by name.
TEST(FrameLogImport, AFuturesFrameLogImportsAsAFuturesCaptureAndReplays) {
  const Built b = build_futures(10, 300);
  auto quoted = [](const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  std::string log;
  for (const CaptureRecord& r : b.records) {
    const bool in = r.kind == RecordKind::ws_in;
    log += "{\"recv_ns\":" + std::to_string(r.mono_ns) + ",\"kind\":\"" + (in ? "ws_in" : "http_response") +
           "\",\"url\":" + quoted(in ? std::string() : "https://api-futures.kucoin.com" + r.url) +
           ",\"payload\":" + quoted(r.payload) + "}\n";
  }
  auto imported = import_frame_log(log, "futures.framelog");
  ASSERT_TRUE(imported) << imported.error();
  EXPECT_FALSE(imported->problem);
  EXPECT_EQ(imported->header.venue, Market::futures);
  EXPECT_EQ(imported->header.symbols, (std::vector<std::string>{"XBTUSDTM"}));
  EXPECT_EQ(imported->header.topics, (std::vector<std::string>{"/contractMarket/level2"}));
  EXPECT_EQ(imported->header.source, "https://api-futures.kucoin.com");
  OfflineReplay r;
  r.on_header(imported->header);
  run(r, imported->records);
  ASSERT_NE(r.book("XBTUSDTM"), nullptr);
  expect_book_equals(*r.book("XBTUSDTM"), b.truth);
  EXPECT_TRUE(r.checks_passed());

  const std::string mixed =
      log +
      R"({"recv_ns":99999,"kind":"ws_in","url":"","payload":"{\"topic\":\"/market/level2:BTC-USDT\",\"type\":\"message\",\"data\":{}}"})" +
      "\n";
  auto refused = import_frame_log(mixed, "mixed.framelog");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find(
                "mixes spot (/market/level2:BTC-USDT) and futures (/contractMarket/level2:XBTUSDTM)"),
            std::string::npos)
      << refused.error().message;
}

TEST(FrameLogImport, BadLinesAreReported) {
  EXPECT_FALSE(import_frame_log("", "x"));
  auto r = import_frame_log(
      "{\"recv_ns\":1,\"kind\":\"ws_in\",\"payload\":\"a\"}\n{\"recv_ns\":2,\"kind\":\"nope\"}\n"
      "{\"recv_ns\":3,\"kind\":\"ws_in\",\"payload\":\"b\"}\n",
      "x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->records.size(), 1u);
  ASSERT_TRUE(r->problem);
  EXPECT_EQ(r->problem->kind, ReadProblem::Kind::damaged);
  EXPECT_NE(r->problem->message.find("nope"), std::string::npos);
  auto back = import_frame_log(
      "{\"recv_ns\":5,\"kind\":\"ws_in\",\"payload\":\"a\"}\n{\"recv_ns\":4,\"kind\":\"ws_in\",\"payload\":\"b\"}\n",
      "x");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->reordered, 1u);
  EXPECT_EQ(back->records[1].mono_ns, 5);
}

}  // namespace
}  // namespace kucoin::capture
