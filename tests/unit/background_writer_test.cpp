// BackgroundCaptureWriter: what the read thread hands over reaches the file whole and in order
// (frames, other records, rotations), secrets are still redacted, and the backlog is measured.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "kucoin/capture/background_writer.hpp"
#include "kucoin/capture/capture_file.hpp"

namespace kucoin::capture {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("kucoin_bgwriter_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

CaptureRecord frame(std::int64_t i) {
  CaptureRecord r;
  r.kind = i % 7 == 0 ? RecordKind::ws_out : RecordKind::ws_in;
  r.mono_ns = 1'000 + i;
  r.wall_ns = 2'000'000 + i;
  r.conn = 1 + static_cast<std::uint64_t>(i % 3);
  r.payload = R"({"type":"message","n":)" + std::to_string(i) + R"(,"s":"quote \" and \\ and tab	"})";
  if (i % 11 == 0) r.payload += "\xff\xfe";  // not UTF-8: written base64
  return r;
}

TEST(BackgroundCaptureWriter, EveryRecordReachesTheFileInOrder) {
  for (const char* name : {"order.jsonl", "order.jsonl.zst"}) {
    const std::string path = temp_path(name);
    CaptureWriterOptions o;
    o.path = path;
    o.header.symbols = {"BTC-USDT"};
    o.file.zstd_level = -3;                                                // a fast level: still a standard zstd stream
    auto w = BackgroundCaptureWriter::open(o, 0, 0, /*batch_bytes=*/512);  // many small batches
    ASSERT_TRUE(w) << w.error();
    std::vector<CaptureRecord> expected;
    for (std::int64_t i = 0; i < 5'000; ++i) {
      CaptureRecord r = frame(i);
      if (i % 1'000 == 500) {  // a record that is not a bare frame, between frames
        CaptureRecord g;
        g.kind = RecordKind::resync;
        g.mono_ns = r.mono_ns;
        g.symbol = "BTC-USDT";
        g.reason = "gap";
        g.detail = "expected 10, got 12";
        (*w)->add(g);
        expected.push_back(g);
      }
      (*w)->add_frame(r.kind, r.mono_ns, r.wall_ns, r.conn, r.payload);
      expected.push_back(r);
      if (i == 2'500) (*w)->flush();
    }
    ASSERT_TRUE((*w)->close()) << (*w)->error();
    EXPECT_EQ((*w)->stats().records, expected.size());
    EXPECT_GT((*w)->backlog().peak_bytes, 0u);
    EXPECT_EQ((*w)->backlog().bytes, 0u);
    EXPECT_EQ((*w)->backlog().batches, 0u);
    auto c = read_capture_file(path);
    ASSERT_TRUE(c) << c.error();
    EXPECT_FALSE(c->problem);
    ASSERT_EQ(c->records.size(), expected.size()) << name;
    for (std::size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(c->records[i], expected[i]) << name << " record " << i;
    std::filesystem::remove(path);
  }
}

TEST(BackgroundCaptureWriter, SecretsAreRedactedOnTheWriterThread) {
  const std::string path = temp_path("secrets.jsonl");
  const std::string key = "key-6f1e2d3c", sign = "c2lnbmF0dXJlLXNlY3JldA==", token = "2neAiuYvAU61ZDXANAGAsiL4jAB2Z6";
  CaptureWriterOptions o;
  o.path = path;
  auto w = BackgroundCaptureWriter::open(o, 0, 0);
  ASSERT_TRUE(w);
  CaptureRecord req;
  req.kind = RecordKind::http_request;
  req.method = "POST";
  req.url = "/api/v1/bullet-private";
  req.headers = {{"KC-API-KEY", key}, {"KC-API-SIGN", sign}};
  (*w)->add(req);
  CaptureRecord conn;
  conn.kind = RecordKind::connect;
  conn.conn = 1;
  conn.url = "ws://127.0.0.1:1/endpoint?token=" + token + "&connectId=x-0-1";
  (*w)->add(conn);
  ASSERT_TRUE((*w)->close());
  auto text = read_file_text(path);
  ASSERT_TRUE(text);
  for (const std::string& secret : {key, sign, token}) EXPECT_EQ(text->text.find(secret), std::string::npos);
  EXPECT_NE(text->text.find("<redacted>"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(BackgroundCaptureWriter, RotationsHappenInOrderWithTheRecords) {
  const std::string path = temp_path("rot.jsonl");
  CaptureWriterOptions o;
  o.path = path;
  o.rotate_bytes = 4'000;
  auto w = BackgroundCaptureWriter::open(o, 0, 0, /*batch_bytes=*/256);
  ASSERT_TRUE(w);
  std::vector<std::size_t> per_part{0};
  for (std::int64_t i = 0; i < 400 && per_part.size() < 3; ++i) {
    const CaptureRecord r = frame(i);
    (*w)->add_frame(r.kind, r.mono_ns, r.wall_ns, r.conn, r.payload);
    ++per_part.back();
    (*w)->flush();  // hands the batch over, so that the part's size becomes known
    // Wait (with a deadline) until the writer thread has written it: rotation_due reads its size.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while ((*w)->backlog().batches > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    ASSERT_EQ((*w)->backlog().batches, 0u);
    if ((*w)->rotation_due(r.mono_ns)) {
      (*w)->rotate(r.mono_ns, r.wall_ns);
      EXPECT_FALSE((*w)->rotation_due(r.mono_ns)) << "no second rotation while one is queued or just done";
      per_part.push_back(0);
    }
  }
  ASSERT_TRUE((*w)->close());
  const auto files = (*w)->files();
  ASSERT_EQ(files.size(), per_part.size());
  ASSERT_GE(files.size(), 3u);
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(files[i], part_path(path, static_cast<int>(i)));
    auto c = read_capture_file(files[i]);
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->header.part, static_cast<int>(i));
    EXPECT_EQ(c->records.size(), per_part[i]) << "part " << i;
    std::filesystem::remove(files[i]);
  }
}

TEST(BackgroundCaptureWriter, TheQueueStaysWithinItsBoundAndNothingIsDropped) {
  const std::string path = temp_path("bounded.jsonl.zst");
  CaptureWriterOptions o;
  o.path = path;
  o.file.zstd_level = 19;  // a slow writer, so that the adding side meets the bound
  constexpr std::size_t kBatch = 1'024;
  constexpr std::uint64_t kMax = 4'096;
  auto w = BackgroundCaptureWriter::open(o, 0, 0, kBatch, kMax);
  ASSERT_TRUE(w);
  std::size_t largest = 0;
  constexpr std::int64_t kFrames = 8'000;
  for (std::int64_t i = 0; i < kFrames; ++i) {
    const CaptureRecord r = frame(i);
    largest = std::max(largest, r.payload.size());
    (*w)->add_frame(r.kind, r.mono_ns, r.wall_ns, r.conn, r.payload);
  }
  ASSERT_TRUE((*w)->close());
  const auto q = (*w)->backlog();
  // A batch is handed over once it holds kBatch bytes (so at most kBatch + a frame), and the adding
  // side never hands one over while more than kMax wait.
  EXPECT_LE(q.peak_bytes, kMax + kBatch + largest);
  EXPECT_EQ((*w)->stats().records, static_cast<std::uint64_t>(kFrames));
  auto c = read_capture_file(path);
  ASSERT_TRUE(c) << c.error();
  ASSERT_EQ(c->records.size(), static_cast<std::size_t>(kFrames));
  EXPECT_EQ(c->records.back(), frame(kFrames - 1));
  std::filesystem::remove(path);
}

TEST(BackgroundCaptureWriter, AnUnwritablePathFailsAtOpen) {
  CaptureWriterOptions o;
  o.path = "/nonexistent-dir/x.jsonl";
  auto w = BackgroundCaptureWriter::open(o, 0, 0);
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("/nonexistent-dir/x.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace kucoin::capture
