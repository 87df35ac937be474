// CaptureWriter: redaction as records are written (the file is grepped for every secret),
// rotation into self-contained parts.
#include <gtest/gtest.h>

#include <filesystem>

#include "kucoin/capture/capture_file.hpp"
#include "kucoin/capture/capture_writer.hpp"

namespace kucoin::capture {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("kucoin_writer_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(CaptureWriter, PartPaths) {
  EXPECT_EQ(part_path("dir/cap.jsonl.zst", 0), "dir/cap.jsonl.zst");
  EXPECT_EQ(part_path("dir/cap.jsonl.zst", 3), "dir/cap.3.jsonl.zst");
  EXPECT_EQ(part_path("a.b/cap", 1), "a.b/cap.1");
  EXPECT_EQ(part_path(".hidden.jsonl", 2), ".hidden.2.jsonl");
}

TEST(CaptureWriter, SecretsNeverReachTheFile) {
  const std::string key = "key-6f1e2d3c", sign = "c2lnbmF0dXJlLXNlY3JldA==", pass = "cGFzc3BocmFzZS1obWFj",
                    token = "2neAiuYvAU61ZDXANAGAsiL4jAB2Z6";
  for (const char* name : {"secrets.jsonl", "secrets.jsonl.zst"}) {
    const std::string path = temp_path(name);
    CaptureWriterOptions o;
    o.path = path;
    o.header.source = "http://127.0.0.1:1";
    auto w = CaptureWriter::open(o, 0, 0);
    ASSERT_TRUE(w) << w.error();
    CaptureRecord req;
    req.kind = RecordKind::http_request;
    req.method = "POST";
    req.url = "/api/v1/bullet-private";
    req.headers = {{"KC-API-KEY", key}, {"KC-API-SIGN", sign}, {"KC-API-PASSPHRASE", pass}, {"KC-API-TIMESTAMP", "1"}};
    ASSERT_TRUE((*w)->add(req));
    CaptureRecord res;
    res.kind = RecordKind::http_response;
    res.url = req.url;
    res.status = 200;
    res.payload = R"({"code":"200000","data":{"token":")" + token +
                  R"(","instanceServers":[{"endpoint":"ws://127.0.0.1:1/endpoint","pingInterval":18000}]}})";
    ASSERT_TRUE((*w)->add(res));
    CaptureRecord conn;
    conn.kind = RecordKind::connect;
    conn.conn = 1;
    conn.url = "ws://127.0.0.1:1/endpoint?token=" + token + "&connectId=x-0-1";
    ASSERT_TRUE((*w)->add(conn));
    ASSERT_TRUE((*w)->close());
    auto text = read_file_text(path);
    ASSERT_TRUE(text);
    for (const std::string& secret : {key, sign, pass, token}) {
      EXPECT_EQ(text->text.find(secret), std::string::npos) << name << " holds " << secret;
    }
    EXPECT_NE(text->text.find("<redacted>"), std::string::npos);
    EXPECT_NE(text->text.find("connectId=x-0-1"), std::string::npos);
    std::filesystem::remove(path);
  }
}

TEST(CaptureWriter, RotatesBySizeAndAgeIntoSelfContainedParts) {
  const std::string path = temp_path("rot.jsonl");
  CaptureWriterOptions o;
  o.path = path;
  o.header.symbols = {"BTC-USDT"};
  o.rotate_bytes = 2000;
  o.rotate_ns = 1'000'000'000;
  o.buffer_bytes = 100;
  auto w = CaptureWriter::open(o, 5, 50);
  ASSERT_TRUE(w);
  CaptureRecord r;
  r.kind = RecordKind::ws_in;
  r.payload = std::string(200, 'x');
  std::int64_t now = 5;
  int written = 0;
  while ((*w)->files().size() < 3) {
    r.mono_ns = ++now;
    ASSERT_TRUE((*w)->add(r));
    ++written;
    if ((*w)->rotation_due(now)) {
      ASSERT_TRUE((*w)->rotate(now, now * 10));
    }
  }
  EXPECT_FALSE((*w)->rotation_due(now + 10));
  EXPECT_TRUE((*w)->rotation_due(now + 1'000'000'000));
  ASSERT_TRUE((*w)->close());
  const auto files = (*w)->files();
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[1], part_path(path, 1));
  std::size_t total = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto c = read_capture_file(files[i]);
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->header.part, static_cast<int>(i));
    EXPECT_EQ(c->header.symbols, o.header.symbols);
    EXPECT_EQ(c->header.previous, i == 0 ? std::string() : files[i - 1]);
    EXPECT_FALSE(c->problem);
    total += c->records.size();
    std::filesystem::remove(files[i]);
  }
  EXPECT_EQ(total, static_cast<std::size_t>(written));
}

}  // namespace
}  // namespace kucoin::capture
