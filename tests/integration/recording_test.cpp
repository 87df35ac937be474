// Recording and replaying, end to end: the seeded mock -> `kucoin-harness record` (a child process,
// stopped with SIGINT) -> a capture -> replayed through the mock to our MarketDataClient, and offline
// through the synchronizer: every book equals the original mock's truth. Also: nothing received is
// lost at Ctrl-C, no secret reaches the file, a truncated capture is read up to the damage.
#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness.hpp"
#include "tool_process.hpp"
#include "kucoin/capture/capture_file.hpp"
#include "kucoin/capture/offline_replay.hpp"
#include "kucoin/mock/capture_source.hpp"
#include "kucoin/mock/market_generator.hpp"
#include "kucoin/protocol/l2_codec.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "kucoin/net/market_data_client.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

using namespace std::chrono_literals;

#ifdef KUCOIN_HARNESS_BIN

const std::vector<std::string> kSyms = {"BTC-USDT", "ETH-USDT"};
constexpr std::uint64_t kMessages = 1'500;

mock::LiveMarketConfig seeded_market() {
  mock::LiveMarketConfig c;
  c.symbols = kSyms;
  c.levels_per_side = 300;
  c.messages = kMessages;
  c.seed = 11;
  return c;
}

// Our client's books through a mock serving `market`, once every book is synced at `sequence`.
std::map<std::string, L2Snapshot> books_through(std::shared_ptr<mock::Market> market,
                                                const std::map<std::string, std::int64_t>& sequences) {
  mock::MockServerConfig cfg;
  cfg.market = std::move(market);
  WsHarness ws(false, cfg);
  net::MarketDataOptions o;
  o.ws = ws.options();
  o.books.stale_after = 0ms;
  net::MarketDataClient client(ws.base->io, *ws.rest, o, {});
  EXPECT_TRUE(client.subscribe(kSyms));
  std::map<std::string, L2Snapshot> out;
  ws.run_until(
      [&] {
        for (const auto& [sym, seq] : sequences) {
          bool ok = false;
          client.with_book(sym, [&](const BookView& v) {
            ok = v.status == BookStatus::synced && v.sequence == seq;
            if (ok) {
              L2Snapshot s;
              s.sequence = v.sequence;
              s.bids = v.book->top(Side::bid, SIZE_MAX);
              s.asks = v.book->top(Side::ask, SIZE_MAX);
              out[sym] = std::move(s);
            }
          });
          if (!ok) return false;
        }
        return true;
      },
      20'000ms, "every book synced at the end of the replayed stream");
  client.stop();
  ws.base->io.restart();
  ws.base->io.run_for(100ms);  // the connections close
  return out;
}

TEST(Recording, RoundTripThroughTheRecorderTheMockAndOffline) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("kucoin_rec_" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/session.jsonl.zst";

  // 1. The original: a seeded mock with a finite stream, recorded by the tool with credentials.
  WsHarness original(false, {}, seeded_market());
  Child rec({"record", "--url", original.server().url(), "--symbols", "BTC-USDT,ETH-USDT", "--topics",
             "level2,ticker,match", "--out", path, "--progress-ms", "100", "--note", "recording_test"},
            {{"KUCOIN_API_KEY", std::string(kKey)},
             {"KUCOIN_API_SECRET", std::string(kSecret)},
             {"KUCOIN_API_PASSPHRASE", std::string(kPassphrase)}});
  ASSERT_TRUE(rec.read_until([](const std::string& o) { return o.find("recording: ") != std::string::npos; }, 20s))
      << rec.output;
  // Every message produced, and two more progress lines for them to arrive.
  const auto until = std::chrono::steady_clock::now() + 30s;
  std::map<std::string, L2Snapshot> truth;
  while (std::chrono::steady_clock::now() < until) {
    bool all = true;
    for (const auto& s : kSyms) all = all && original.live->truth(s)->produced >= kMessages;
    if (all) break;
    rec.read_until([&](const std::string& o) { return count(o, "recording: ") > count(rec.output, "recording: "); },
                   200ms);
    rec.read_until([](const std::string&) { return false; }, 100ms);
  }
  for (const auto& s : kSyms) {
    auto t = original.live->truth(s);
    ASSERT_EQ(t->produced, kMessages) << rec.output;
    truth[s] = t->book;
  }
  // Every frame produced has been handed out by now; three more progress lines for the last ones
  // to arrive. (The recorder's count goes on growing by about 100 frames a second after the
  // stream's end: it counts every frame received, and the harness pings every 20 ms on each of the
  // recorder's two connections, level2 and ticker/match, so 2 x 50 pongs a second.)
  const std::size_t lines = count(rec.output, "recording: ");
  ASSERT_TRUE(rec.read_until([&](const std::string& o) { return count(o, "recording: ") >= lines + 3; }, 10s));

  // 2. Ctrl-C: the file is flushed and closed, nothing received is lost.
  ASSERT_EQ(rec.signal_and_wait(SIGINT), 0) << rec.output;
  EXPECT_NE(rec.output.find("stopped by signal 2"), std::string::npos) << rec.output;
  const std::uint64_t received = last_progress_messages(rec.output);
  auto capture = capture::read_capture_file(path);
  ASSERT_TRUE(capture) << capture.error();
  EXPECT_FALSE(capture->problem) << capture->problem->message;
  std::uint64_t ws_in = 0, level2 = 0;
  for (const auto& r : capture->records) {
    ws_in += r.kind == capture::RecordKind::ws_in;
    level2 += r.kind == capture::RecordKind::ws_in && r.payload.find("/market/level2:") != std::string::npos;
  }
  EXPECT_EQ(ws_in, received) << "every frame the recorder received is in the file";
  // The whole stream from the level2 subscription on: the connection that watches tickers and
  // matches moves the market by itself until the level2 subscription exists (kucoin-protocol: a
  // topic sees the market from its subscription on), so a few first messages may precede it.
  EXPECT_GT(level2, 2 * kMessages - 200);
  EXPECT_LE(level2, 2 * kMessages);
  for (const auto& s : kSyms) {
    std::int64_t last = 0;
    for (const auto& r : capture->records) {
      if (r.kind == capture::RecordKind::ws_in && r.payload.find("/market/level2:" + s) != std::string::npos) {
        const auto at = r.payload.find("\"sequenceEnd\":");
        if (at != std::string::npos) last = std::strtoll(r.payload.c_str() + at + 14, nullptr, 10);
      }
    }
    EXPECT_EQ(last, truth[s].sequence) << s << ": the last level2 frame recorded is the stream's last";
  }
  EXPECT_EQ(capture->header.symbols, kSyms);
  EXPECT_EQ(capture->header.note, "recording_test");

  // 3. No secret in the file: the key, secret and passphrase never; signatures, passphrase HMACs and
  // tokens redacted where they were.
  auto text = capture::read_file_text(path);
  ASSERT_TRUE(text);
  for (std::string_view secret : {kKey, kSecret, kPassphrase}) {
    EXPECT_EQ(text->text.find(secret), std::string::npos) << secret;
  }
  std::size_t signed_requests = 0, connects = 0, bullets = 0;
  for (const auto& r : capture->records) {
    for (const auto& [name, value] : r.headers) {
      if (name == "KC-API-KEY" || name == "KC-API-SIGN" || name == "KC-API-PASSPHRASE") {
        EXPECT_EQ(value, "<redacted>") << name;
        signed_requests += name == "KC-API-SIGN";
      }
    }
    if (r.kind == capture::RecordKind::connect) {
      ++connects;
      EXPECT_NE(r.url.find("token=<redacted>"), std::string::npos) << r.url;
    }
    if (r.kind == capture::RecordKind::http_response && r.url.find("bullet") != std::string::npos) {
      ++bullets;
      EXPECT_NE(r.payload.find("\"token\":\"<redacted>\""), std::string::npos) << r.payload;
    }
  }
  EXPECT_GE(signed_requests, 2u);  // the full snapshots
  EXPECT_GE(connects, 1u);
  EXPECT_GE(bullets, 1u);

  // 4. Offline: the same books as the original's truth.
  {
    capture::OfflineReplay replay;
    replay.on_header(capture->header);
    for (const auto& r : capture->records) replay.on_record(r);
    replay.finish();
    EXPECT_TRUE(replay.checks_passed());
    for (const auto& s : kSyms) {
      const L2Book* b = replay.book(s);
      ASSERT_NE(b, nullptr);
      EXPECT_EQ(b->top(Side::bid, SIZE_MAX), truth[s].bids) << s;
      EXPECT_EQ(b->top(Side::ask, SIZE_MAX), truth[s].asks) << s;
    }
  }

  // 5. Through the mock: our client's books equal the original's truth.
  {
    auto sources = mock::capture_sources(*capture, {});
    ASSERT_TRUE(sources) << sources.error();
    std::vector<std::unique_ptr<mock::L2Source>> l2;
    for (auto& s : *sources) l2.push_back(std::move(s));
    mock::LiveMarketConfig mc;
    mc.symbols = kSyms;
    auto market = std::make_shared<mock::LiveMarket>(std::move(l2), mc);
    std::map<std::string, std::int64_t> seqs;
    for (const auto& s : kSyms) seqs[s] = truth[s].sequence;
    auto books = books_through(market, seqs);
    for (const auto& s : kSyms) {
      EXPECT_EQ(books[s].bids, truth[s].bids) << s;
      EXPECT_EQ(books[s].asks, truth[s].asks) << s;
    }
  }

  // 6. The tool's offline commands on the same file, and on a truncated copy.
  const std::string bin = KUCOIN_HARNESS_BIN;
  const std::string inspect = shell(bin + " inspect " + path + " 2>&1; echo exit=$?");
  EXPECT_NE(inspect.find("exit=0"), std::string::npos) << inspect;
  EXPECT_NE(inspect.find("BTC-USDT"), std::string::npos) << inspect;
  const std::string replay =
      shell(bin + " replay " + path + " --quiet --ladder 3 --dump " + dir + "/books.json 2>&1; echo exit=$?");
  EXPECT_NE(replay.find("checks passed"), std::string::npos) << replay;
  EXPECT_NE(replay.find("exit=0"), std::string::npos) << replay;
  const std::string cut = dir + "/cut.jsonl.zst";
  std::filesystem::copy_file(path, cut);
  std::filesystem::resize_file(cut, std::filesystem::file_size(cut) * 2 / 3);
  auto damaged = capture::read_capture_file(cut);
  ASSERT_TRUE(damaged);
  ASSERT_TRUE(damaged->problem);
  EXPECT_EQ(damaged->problem->kind, capture::ReadProblem::Kind::truncated);
  EXPECT_GT(damaged->records.size(), capture->records.size() / 3);
  EXPECT_LT(damaged->records.size(), capture->records.size());
  for (std::size_t i = 0; i < damaged->records.size(); ++i) ASSERT_EQ(damaged->records[i], capture->records[i]);
  const std::string inspect_cut = shell(bin + " inspect " + cut + " 2>&1; echo exit=$?");
  EXPECT_NE(inspect_cut.find("truncated"), std::string::npos) << inspect_cut;
  std::filesystem::remove_all(dir);
}

// SIGKILL: nothing can be flushed then. The recorder flushes at every progress tick (here every
// 100 ms), so every frame it had counted a second before the kill is in the file; the reader keeps
// everything before a cut last record and says where it was cut.
TEST(Recording, SigkillLosesAtMostTheLastFlushInterval) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("kucoin_kill_" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/killed.jsonl.zst";
  mock::MockServerConfig cfg;
  cfg.ws.pace_per_symbol = 400;  // an endless stream at a steady rate
  mock::LiveMarketConfig market = seeded_market();
  market.messages = 0;
  WsHarness source(false, cfg, market);
  Child rec({"record", "--url", source.server().url(), "--symbols", "BTC-USDT,ETH-USDT", "--topics", "level2", "--out",
             path, "--progress-ms", "100"},
            {});
  ASSERT_TRUE(rec.read_until([](const std::string& o) { return last_progress_messages(o) >= 600; }, 20s)) << rec.output;
  const std::uint64_t counted = last_progress_messages(rec.output);
  const std::size_t lines = count(rec.output, "recording: ");
  // A second more (ten progress ticks, each a flush), then the kill.
  ASSERT_TRUE(rec.read_until([&](const std::string& o) { return count(o, "recording: ") >= lines + 10; }, 10s))
      << rec.output;
  const std::uint64_t counted_at_kill = last_progress_messages(rec.output);
  rec.signal_and_wait(SIGKILL);

  auto capture = capture::read_capture_file(path);
  ASSERT_TRUE(capture) << capture.error();
  std::uint64_t ws_in = 0;
  for (const auto& r : capture->records) ws_in += r.kind == capture::RecordKind::ws_in;
  EXPECT_GE(ws_in, counted) << "every frame counted a second before the kill is in the file";
  EXPECT_GE(ws_in, counted_at_kill > 200 ? counted_at_kill - 200 : 0)
      << "at most the last flush interval (100 ms, 80 frames at this rate) and the frames in flight are lost";
  if (capture->problem) {  // the kill cut a record (or a zstd block) in two: said, with where
    EXPECT_EQ(capture->problem->kind, capture::ReadProblem::Kind::truncated) << capture->problem->message;
    const std::string& m = capture->problem->message;  // a cut line, or the zstd stream cut short
    EXPECT_TRUE(m.find("line ") != std::string::npos || m.find("compressed bytes") != std::string::npos) << m;
  }
  std::filesystem::remove_all(dir);
}

// serve --replay over the wire: a capture whose level2 frames no encoder of ours writes (a space
// after the brace), with bursts and pauses, and with ticker and match frames; `record` through
// the replaying mock must receive the level2, ticker and match frames byte for byte and in their
// recorded order, and no level2 frame earlier than its recorded distance from the first / speed
// (a pace at the average rate sends the frames after each pause too early).
TEST(Recording, ServeReplaySendsTheRecordedFramesAtTheRecordedSpacing) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("kucoin_replay_" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  const std::string in_path = dir + "/in.jsonl", out_path = dir + "/out.jsonl";
  constexpr int kFrames = 120, kBurst = 10;
  constexpr std::int64_t kPauseNs = 150'000'000, kInBurstNs = 100'000;
  constexpr double kSpeed = 5;
  std::vector<std::string> level2, others;  // the recorded data frames, in receive order
  std::vector<std::int64_t> times;
  {
    mock::GeneratorConfig g;
    g.levels_per_side = 50;
    g.seed = 5;
    const SymbolInfo info = mock::default_symbol_setup("BTC-USDT", g);
    mock::MarketGenerator gen(g);
    capture::CaptureHeader h;
    h.source = "test";
    h.symbols = {"BTC-USDT"};
    h.topics = {"level2", "ticker", "match"};
    std::string text;
    capture::encode_header(h, text);
    std::int64_t t = 1'000'000'000;
    auto add = [&](capture::RecordKind k, std::string url, std::string payload) {
      capture::CaptureRecord r;
      r.kind = k;
      r.mono_ns = t;
      r.wall_ns = t;
      r.conn = k == capture::RecordKind::ws_in ? 1 : 0;
      r.status = k == capture::RecordKind::http_response ? 200 : 0;
      r.url = std::move(url);
      r.payload = std::move(payload);
      capture::encode_record(r, text);
    };
    std::string body;
    encode_symbols({info}, body);
    add(capture::RecordKind::http_response, "/api/v2/symbols", body);
    body.clear();
    encode_snapshot_response(gen.snapshot(), body);
    add(capture::RecordKind::http_response, "/api/v3/market/orderbook/level2?symbol=BTC-USDT", body);
    for (int i = 1; i <= kFrames; ++i) {
      t += i % kBurst == 1 ? kPauseNs : kInBurstNs;
      std::string f;
      encode_update_frame(gen.next(), f);
      f.insert(1, " ");
      level2.push_back(f);
      times.push_back(t);
      add(capture::RecordKind::ws_in, {}, f);
      if (i % 10 == 0) {
        others.push_back(
            R"({"type":"message","topic":"/market/ticker:BTC-USDT","subject":"trade.ticker","data":{"sequence":")" +
            std::to_string(i) +
            R"(","price":"0.08","size":"0.011","bestAsk":"0.08","bestAskSize":"0.18","bestBid":"0.049","bestBidSize":"0.036","Time":1704873323416}})");
        add(capture::RecordKind::ws_in, {}, others.back());
      }
      if (i % 15 == 0) {
        others.push_back(
            R"({"type":"message","topic":"/market/match:BTC-USDT","subject":"trade.l3match","data":{"price":"0.08","sequence":")" +
            std::to_string(i) +
            R"(","side":"buy","size":"0.011","symbol":"BTC-USDT","time":"1704873323416000000","tradeId":")" +
            std::to_string(i) + R"(","type":"match"}})");
        add(capture::RecordKind::ws_in, {}, others.back());
      }
    }
    std::ofstream(in_path) << text;
  }

  Child serve({"serve", "--replay", in_path, "--speed", "5", "--port", "0", "--quiet", "--api-key", std::string(kKey),
               "--api-secret", std::string(kSecret), "--api-passphrase", std::string(kPassphrase)});
  ASSERT_TRUE(serve.read_until([](const std::string& o) { return o.find("Ctrl-C stops") != std::string::npos; }, 20s))
      << serve.output;
  EXPECT_NE(serve.output.find("20 ticker/match frames"), std::string::npos) << serve.output;
  const auto at = serve.output.find("listening on ");
  ASSERT_NE(at, std::string::npos);
  const std::string url = serve.output.substr(at + 13, serve.output.find('\n', at) - at - 13);

  Child rec({"record", "--url", url, "--symbols", "BTC-USDT", "--topics", "level2,ticker,match", "--out", out_path,
             "--progress-ms", "100"},
            {{"KUCOIN_API_KEY", std::string(kKey)},
             {"KUCOIN_API_SECRET", std::string(kSecret)},
             {"KUCOIN_API_PASSPHRASE", std::string(kPassphrase)}});
  // Most data frames (the ticker connection may move the market before the level2 subscription
  // exists), then five more progress lines (0.5 s: the replay's last pause is 30 ms).
  const std::size_t most = level2.size() - 20;
  ASSERT_TRUE(rec.read_until([&](const std::string& o) { return last_progress_messages(o) >= most; }, 30s))
      << rec.output;
  const std::size_t lines = count(rec.output, "recording: ");
  ASSERT_TRUE(rec.read_until([&](const std::string& o) { return count(o, "recording: ") >= lines + 5; }, 10s));
  ASSERT_EQ(rec.signal_and_wait(SIGINT), 0) << rec.output;
  serve.signal_and_wait(SIGINT);

  auto got = capture::read_capture_file(out_path);
  ASSERT_TRUE(got) << got.error();
  std::vector<std::string> got_level2, got_others;
  std::vector<std::int64_t> got_times;
  std::vector<std::size_t> level2_before;  // per other frame: level2 frames received before it
  for (const auto& r : got->records) {
    if (r.kind != capture::RecordKind::ws_in) continue;
    if (r.payload.find("/market/level2:") != std::string::npos) {
      got_level2.push_back(r.payload);
      got_times.push_back(r.mono_ns);
    } else if (r.payload.find("/market/ticker:") != std::string::npos ||
               r.payload.find("/market/match:") != std::string::npos) {
      got_others.push_back(r.payload);
      level2_before.push_back(got_level2.size());
    }
  }
  // The level2 stream from its subscription on: the recorded frames' tail, byte for byte (the
  // ticker connection may move the market a few messages before the level2 subscription exists).
  ASSERT_GE(got_level2.size(), level2.size() - 20);
  ASSERT_LE(got_level2.size(), level2.size());
  const std::size_t skipped = level2.size() - got_level2.size();
  for (std::size_t i = 0; i < got_level2.size(); ++i) ASSERT_EQ(got_level2[i], level2[skipped + i]) << i;
  // The recorded spacing, not an average rate: never early (each frame at least its recorded
  // distance from the first / speed after it, 5 ms of slack for the receiving side's jitter), and
  // each burst of ten frames (0.1 ms apart recorded) arrives together: the median spread of the
  // bursts is under 10 ms, where pacing at the average rate would spread each over 27 ms.
  for (std::size_t i = 1; i < got_level2.size(); ++i) {
    const double want = static_cast<double>(times[skipped + i] - times[skipped]) / kSpeed;
    EXPECT_GE(static_cast<double>(got_times[i] - got_times[0]), want - 5e6) << "level2 frame " << i;
  }
  std::vector<std::int64_t> spreads;
  for (std::size_t b = (skipped + kBurst - 1) / kBurst; (b + 1) * kBurst <= level2.size(); ++b) {
    spreads.push_back(got_times[(b + 1) * kBurst - 1 - skipped] - got_times[b * kBurst - skipped]);
  }
  ASSERT_GE(spreads.size(), 8u);
  std::sort(spreads.begin(), spreads.end());
  EXPECT_LT(spreads[spreads.size() / 2], 10'000'000) << "median spread of a burst, ns";
  // Ticker and match frames as recorded, per topic in recorded order (two topics are two streams:
  // their frames interleave as the scheduler goes round), each after the level2 frame it followed.
  for (const std::string topic : {"/market/ticker:", "/market/match:"}) {
    std::vector<std::string> want, have;
    for (const auto& f : others) {
      if (f.find(topic) != std::string::npos) want.push_back(f);
    }
    for (const auto& f : got_others) {
      if (f.find(topic) != std::string::npos) have.push_back(f);
    }
    ASSERT_FALSE(have.empty()) << topic;
    ASSERT_LE(have.size(), want.size()) << topic;
    for (std::size_t i = 0; i < have.size(); ++i) EXPECT_EQ(have[i], want[want.size() - have.size() + i]) << topic << i;
  }
  for (std::size_t i = 0; i < got_others.size(); ++i) {
    const auto seq_at = got_others[i].find("\"sequence\":\"");
    const std::size_t followed = std::strtoull(got_others[i].c_str() + seq_at + 12, nullptr, 10);
    EXPECT_GE(level2_before[i] + skipped, followed) << got_others[i];
  }
  std::filesystem::remove_all(dir);
}

#endif

}  // namespace
}  // namespace kucoin::testing
