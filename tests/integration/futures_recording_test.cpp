// Futures recordings end to end on loopback: the mock's futures host with a seeded futures market
// (a drop on one contract: a gap the recording client resyncs from) -> `kucoin-harness record
// --futures` (a child process, stopped with SIGINT) -> the capture -> offline replay, in process and
// with `replay --dump`: every book equals the futures market's truth at its end.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kucoin/book/book_json.hpp"
#include "kucoin/capture/capture_file.hpp"
#include "kucoin/capture/offline_replay.hpp"
#include "kucoin/protocol/ws_codec.hpp"
#include "tool_process.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

#ifdef KUCOIN_HARNESS_BIN

const std::vector<std::string> kContracts = {"XBTUSDTM", "ETHUSDTM"};
constexpr std::uint64_t kMessages = 1'200;

mock::LiveMarketConfig futures_market_config() {
  mock::LiveMarketConfig c;
  c.venue = Market::futures;
  c.symbols = kContracts;
  c.levels_per_side = 200;
  c.messages = kMessages;
  c.seed = 31;
  c.plan.enabled = true;  // snapshots at planned positions: the drop hits a synced book every run
  // Two messages of XBTUSDTM lost 300 after the recorder's snapshot: sequence != last + 1.
  c.faults = {{mock::StreamFault::Kind::drop, "XBTUSDTM", {mock::Trigger::Kind::after_snapshot, 300}, 2, 0}};
  return c;
}

mock::LiveMarketConfig small_spot_market() {
  mock::LiveMarketConfig c;
  c.symbols = {"BTC-USDT"};
  c.levels_per_side = 20;
  c.messages = 10;
  return c;
}

// The level2 data frames of `contract` in the capture, and the last sequence among them.
struct Level2Frames {
  std::size_t count = 0;
  std::int64_t last_sequence = 0;
};
Level2Frames level2_frames(const capture::CaptureContents& c, const std::string& contract) {
  Level2Frames f;
  const std::string topic = "\"topic\":\"/contractMarket/level2:" + contract + "\"";
  for (const auto& r : c.records) {
    if (r.kind != capture::RecordKind::ws_in || r.payload.find(topic) == std::string::npos) continue;
    ++f.count;
    const auto at = r.payload.find("\"sequence\":");
    if (at != std::string::npos) f.last_sequence = std::strtoll(r.payload.c_str() + at + 11, nullptr, 10);
  }
  return f;
}

TEST(FuturesRecording, RecordFuturesThenReplayOfflineGivesTheTruth) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("kucoin_futrec_" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/futures.jsonl.zst";

  auto market = std::make_shared<mock::LiveMarket>(futures_market_config());
  mock::MockServerConfig cfg;
  cfg.futures_market = market;
  WsHarness mock(false, cfg, small_spot_market());
  const std::string url = mock.server().futures_url();
  ASSERT_FALSE(url.empty());

  // 1. Record the futures host until the whole finite stream is produced, then Ctrl-C.
  Child rec({"record", "--futures", "--url", url, "--symbols", "XBTUSDTM,ETHUSDTM", "--out", path, "--progress-ms",
             "100", "--note", "futures_recording_test"});
  ASSERT_TRUE(rec.read_until([](const std::string& o) { return o.find("recording: ") != std::string::npos; }, 20s))
      << rec.output;
  EXPECT_NE(rec.output.find("2 futures contracts"), std::string::npos) << rec.output;
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < until) {
    bool all = true;
    for (const auto& s : kContracts) all = all && market->truth(s)->produced >= kMessages;
    if (all) break;
    rec.read_until([&](const std::string& o) { return count(o, "recording: ") > count(rec.output, "recording: "); },
                   200ms);
    rec.read_until([](const std::string&) { return false; }, 100ms);
  }
  std::map<std::string, L2Snapshot> truth;
  for (const auto& s : kContracts) {
    auto t = market->truth(s);
    ASSERT_EQ(t->produced, kMessages) << s << '\n' << rec.output;
    truth[s] = t->book;
  }
  // Every frame is handed out; three more progress lines for the last ones to arrive.
  const std::size_t lines = count(rec.output, "recording: ");
  ASSERT_TRUE(rec.read_until([&](const std::string& o) { return count(o, "recording: ") >= lines + 3; }, 10s));
  ASSERT_EQ(rec.signal_and_wait(SIGINT), 0) << rec.output;

  // 2. The capture: a futures header, the contract list, full futures snapshots (one more for the
  // resync after the drop), and the /contractMarket/level2 stream up to the truth's last sequence.
  auto capture = capture::read_capture_file(path);
  ASSERT_TRUE(capture) << capture.error();
  EXPECT_FALSE(capture->problem) << capture->problem->message;
  EXPECT_EQ(capture->header.venue, Market::futures);
  EXPECT_EQ(capture->header.source, url);
  EXPECT_EQ(capture->header.symbols, kContracts);
  EXPECT_EQ(capture->header.note, "futures_recording_test");
  std::size_t contract_lists = 0, snapshots = 0, resyncs = 0, gaps = 0;
  for (const auto& r : capture->records) {
    if (r.kind == capture::RecordKind::http_response && r.status == 200) {
      contract_lists += r.url.starts_with("/api/v1/contracts/active");
      snapshots += r.url.starts_with("/api/v1/level2/snapshot?symbol=");
    }
    resyncs += r.kind == capture::RecordKind::resync && r.symbol == "XBTUSDTM" && r.reason == "gap";
    gaps += r.kind == capture::RecordKind::gap && r.symbol == "XBTUSDTM";
  }
  EXPECT_GE(contract_lists, 1u);
  EXPECT_GE(snapshots, 3u) << "one per contract at start, one more after XBTUSDTM's gap";
  EXPECT_EQ(gaps, 1u);
  EXPECT_EQ(resyncs, 1u);
  for (const auto& s : kContracts) {
    const Level2Frames f = level2_frames(*capture, s);
    EXPECT_GT(f.count, kMessages / 2) << s;
    EXPECT_EQ(f.last_sequence, truth[s].sequence) << s << ": the last level2 frame recorded is the stream's last";
  }

  // 3. Offline, in process: the books equal the truth; the gap is found, no check fails.
  {
    capture::OfflineReplay replay;
    replay.on_header(capture->header);
    for (const auto& r : capture->records) replay.on_record(r);
    replay.finish();
    EXPECT_TRUE(replay.checks_passed());
    for (const auto& sum : replay.summaries()) {
      EXPECT_TRUE(sum.synced) << sum.symbol;
      EXPECT_EQ(sum.gaps, sum.symbol == "XBTUSDTM" ? 1u : 0u) << sum.symbol;
      EXPECT_EQ(sum.last_sequence, truth[sum.symbol].sequence) << sum.symbol;
    }
    for (const auto& s : kContracts) {
      const L2Book* b = replay.book(s);
      ASSERT_NE(b, nullptr) << s;
      EXPECT_EQ(b->top(Side::bid, SIZE_MAX), truth[s].bids) << s;
      EXPECT_EQ(b->top(Side::ask, SIZE_MAX), truth[s].asks) << s;
    }
  }

  // 4. The tools: inspect names the venue and finds the one gap in the stream; `replay --dump`
  // writes the truth's books in the format of `watch --dump` (sizes in lots).
  const std::string bin = KUCOIN_HARNESS_BIN;
  const std::string inspect = shell(bin + " inspect " + path + " 2>&1; echo exit=$?");
  EXPECT_NE(inspect.find("exit=0"), std::string::npos) << inspect;
  EXPECT_NE(inspect.find("(KuCoin Futures)"), std::string::npos) << inspect;
  EXPECT_NE(inspect.find("/contractMarket/level2"), std::string::npos) << inspect;
  EXPECT_NE(inspect.find("gaps in the level2 stream (sequenceStart beyond the last sequenceEnd + 1): 1"),
            std::string::npos)
      << inspect;
  const std::string dump_path = dir + "/books.json";
  const std::string replay = shell(bin + " replay " + path + " --quiet --dump " + dump_path + " 2>&1; echo exit=$?");
  EXPECT_NE(replay.find("checks passed"), std::string::npos) << replay;
  EXPECT_NE(replay.find("exit=0"), std::string::npos) << replay;
  std::string expected = "{";
  for (const auto& s : kContracts) {
    if (expected.size() > 1) expected += ",\n";
    append_json_string(expected, s);
    expected += ':';
    L2Book book;
    ASSERT_TRUE(book.load(truth[s]));
    BookView v;
    v.symbol = s;
    v.status = BookStatus::synced;
    v.sequence = truth[s].sequence;
    v.book = &book;
    v.exact_depth = SIZE_MAX;  // a full snapshot: the whole book exact ("exact_depth":null)
    append_book_json(expected, v);
  }
  expected += "}\n";
  std::ifstream dumped(dump_path, std::ios::binary);
  std::stringstream got;
  got << dumped.rdbuf();
  EXPECT_EQ(got.str(), expected);
  if (!HasFailure()) std::filesystem::remove_all(dir);  // kept for a look when something failed
}

#endif

}  // namespace
}  // namespace kucoin::testing
