// The capture format: JSON lines round trip, truncated and damaged files read to the damage,
// redaction of secrets, plain and zstd files.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "kucoin/capture/capture_codec.hpp"
#include "kucoin/capture/capture_file.hpp"
#include "kucoin/capture/redact.hpp"

namespace kucoin::capture {
namespace {

CaptureHeader sample_header() {
  CaptureHeader h;
  h.tool = "kucoin-harness 0.1.0";
  h.source = "http://127.0.0.1:1234";
  h.symbols = {"BTC-USDT", "ETH-USDT"};
  h.topics = {"level2", "ticker"};
  h.start_wall_ns = 1'729'000'000'000'000'000;
  h.start_mono_ns = 123'456'789;
  h.note = "unit test";
  return h;
}

std::vector<CaptureRecord> sample_records() {
  std::vector<CaptureRecord> v;
  CaptureRecord r;
  r.mono_ns = 1;
  r.wall_ns = 2;
  r.conn = 1;
  r.kind = RecordKind::ws_in;
  r.payload =
      R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":{"changes":{"asks":[["1","2","3"]],"bids":[]},"sequenceEnd":3,"sequenceStart":3,"symbol":"BTC-USDT","time":5}})";
  v.push_back(r);
  CaptureRecord q;
  q.mono_ns = 3;
  q.kind = RecordKind::http_request;
  q.method = "GET";
  q.url = "/api/v3/market/orderbook/level2?symbol=BTC-USDT";
  q.headers = {{"KC-API-KEY", "<redacted>"}, {"KC-API-KEY-VERSION", "2"}};
  v.push_back(q);
  CaptureRecord a;
  a.mono_ns = 4;
  a.kind = RecordKind::http_response;
  a.url = q.url;
  a.status = 200;
  a.payload = "{\"code\":\"200000\",\"data\":{\"x\":\"line\\nbreak \xc3\xa9\"}}\n\t";
  v.push_back(a);
  CaptureRecord d;
  d.mono_ns = 5;
  d.conn = 1;
  d.kind = RecordKind::disconnect;
  d.reason = "closed_by_server";
  d.detail = "the server closed the connection";
  v.push_back(d);
  CaptureRecord bin;
  bin.mono_ns = 6;
  bin.kind = RecordKind::ws_in;
  bin.payload = std::string("\xff\xfe\x00 not utf-8", 14);
  v.push_back(bin);
  return v;
}

std::string encode_all(const CaptureHeader& h, const std::vector<CaptureRecord>& records) {
  std::string text;
  encode_header(h, text);
  for (const auto& r : records) encode_record(r, text);
  return text;
}

TEST(CaptureCodec, RoundTrip) {
  const auto h = sample_header();
  const auto records = sample_records();
  const std::string text = encode_all(h, records);
  auto c = parse_capture(text);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->header, h);
  EXPECT_EQ(c->records, records);
  EXPECT_FALSE(c->problem);
  // One JSON object per line; a payload that is not UTF-8 goes base64.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), static_cast<long>(records.size() + 1));
  EXPECT_NE(text.find("\"payload_b64\":"), std::string::npos);
  EXPECT_NE(text.find(R"("dir":"out","kind":"http_request")"), std::string::npos);
}

TEST(CaptureCodec, AnyKeyOrderAndUnknownKeys) {
  CaptureDecoder d;
  CaptureRecord r;
  ASSERT_TRUE(d.decode_record(R"({"payload":"x","kind":"welcome","extra":[1,{"a":2}],"conn":7,"mono_ns":9})", r));
  EXPECT_EQ(r.kind, RecordKind::welcome);
  EXPECT_EQ(r.conn, 7u);
  EXPECT_EQ(r.mono_ns, 9);
  EXPECT_EQ(r.payload, "x");
  auto bad = d.decode_record(R"({"mono_ns":1,"kind":"nonsense"})", r);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("nonsense"), std::string::npos);
  EXPECT_FALSE(d.decode_record(R"({"kind":"ws_in"})", r));
  EXPECT_FALSE(d.decode_record(R"({"mono_ns":"1","kind":"ws_in"})", r));
}

// The venue: written only for futures, so that a spot header is what it always was, and a header
// without it (every capture before futures) reads as spot; an unknown venue is refused by name.
TEST(CaptureCodec, VenueIsOptionalAndSpotWhenAbsent) {
  auto h = sample_header();
  std::string spot_text;
  encode_header(h, spot_text);
  EXPECT_EQ(spot_text.find("venue"), std::string::npos) << spot_text;
  auto spot = parse_capture(spot_text);
  ASSERT_TRUE(spot) << spot.error();
  EXPECT_EQ(spot->header.venue, Market::spot);

  h.venue = Market::futures;
  h.symbols = {"XBTUSDTM"};
  std::string futures_text;
  encode_header(h, futures_text);
  EXPECT_NE(futures_text.find(R"("venue":"futures")"), std::string::npos) << futures_text;
  auto futures = parse_capture(futures_text);
  ASSERT_TRUE(futures) << futures.error();
  EXPECT_EQ(futures->header, h);

  CaptureDecoder d;
  CaptureHeader out;
  ASSERT_TRUE(d.decode_header(R"({"format":"kucoin-harness-capture","version":1,"venue":"spot"})", out));
  EXPECT_EQ(out.venue, Market::spot);
  auto bad = d.decode_header(R"({"format":"kucoin-harness-capture","version":1,"venue":"margin"})", out);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("\"margin\""), std::string::npos) << bad.error().message;
}

TEST(CaptureCodec, NewerVersionRefused) {
  auto h = sample_header();
  h.version = kFormatVersion + 1;
  std::string text;
  encode_header(h, text);
  auto c = parse_capture(text);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("not supported"), std::string::npos);
  EXPECT_FALSE(parse_capture("{\"hello\":1}\n"));
  EXPECT_FALSE(parse_capture(""));
}

TEST(CaptureCodec, TruncatedLastRecordKeepsEverythingBefore) {
  const auto records = sample_records();
  const std::string text = encode_all(sample_header(), records);
  const std::size_t last_start = text.rfind('\n', text.size() - 2) + 1;
  for (std::size_t cut : {last_start + 1, last_start + 10, text.size() - 1}) {
    auto c = parse_capture(std::string_view(text).substr(0, cut));
    ASSERT_TRUE(c);
    ASSERT_EQ(c->records.size(), records.size() - 1) << cut;
    ASSERT_TRUE(c->problem);
    EXPECT_EQ(c->problem->kind, ReadProblem::Kind::truncated);
    EXPECT_EQ(c->problem->offset, last_start);
    EXPECT_EQ(c->problem->line, records.size() + 1);
    EXPECT_NE(c->problem->message.find("truncated last record"), std::string::npos) << c->problem->message;
  }
  // Cut exactly at a line end: nothing is missing.
  auto whole = parse_capture(std::string_view(text).substr(0, last_start));
  ASSERT_TRUE(whole);
  EXPECT_FALSE(whole->problem);
  EXPECT_EQ(whole->records.size(), records.size() - 1);
}

TEST(CaptureCodec, DamagedMiddleLineStopsThere) {
  std::string text;
  encode_header(sample_header(), text);
  const auto records = sample_records();
  encode_record(records[0], text);
  const std::size_t bad_at = text.size();
  text += "{\"mono_ns\":1,\"ki\n";
  encode_record(records[1], text);
  auto c = parse_capture(text);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->records.size(), 1u);
  ASSERT_TRUE(c->problem);
  EXPECT_EQ(c->problem->kind, ReadProblem::Kind::damaged);
  EXPECT_EQ(c->problem->offset, bad_at);
  EXPECT_EQ(c->problem->line, 3u);
}

TEST(CaptureCodec, Base64) {
  for (std::string s : {std::string(), std::string("f"), std::string("fo"), std::string("foo"), std::string("foob"),
                        std::string("\x00\xff\x10", 3)}) {
    auto d = base64_decode(base64_encode(s));
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_FALSE(base64_decode("Zm9"));
  EXPECT_FALSE(base64_decode("Z=9v"));
}

TEST(CaptureRedact, HeadersUrlsAndBulletAnswers) {
  std::vector<std::pair<std::string, std::string>> h = {
      {"KC-API-KEY", "my-key"},    {"kc-api-sign", "c2lnbg=="},           {"KC-API-PASSPHRASE", "cGFzcw=="},
      {"KC-API-KEY-VERSION", "2"}, {"KC-API-TIMESTAMP", "1729000000000"}, {"KC-API-PARTNER-SIGN", "p"}};
  redact_headers(h);
  EXPECT_EQ(h[0].second, kRedacted);
  EXPECT_EQ(h[1].second, kRedacted);
  EXPECT_EQ(h[2].second, kRedacted);
  EXPECT_EQ(h[3].second, "2");
  EXPECT_EQ(h[4].second, "1729000000000");
  EXPECT_EQ(h[5].second, kRedacted);
  EXPECT_EQ(redact_url("wss://ws-api-spot.kucoin.com/?token=2neAiuYvAU61ZDXANAGAsiL4&connectId=abc"),
            "wss://ws-api-spot.kucoin.com/?token=<redacted>&connectId=abc");
  EXPECT_EQ(redact_url("ws://h/endpoint?connectId=1&Token=x#f"), "ws://h/endpoint?connectId=1&Token=<redacted>#f");
  EXPECT_EQ(redact_url("/api/v1/timestamp"), "/api/v1/timestamp");
  std::string body =
      R"({"code":"200000","data":{"token" : "2neAiuYvAU61\"ZDX","instanceServers":[{"endpoint":"wss://x"}]},"token":5})";
  EXPECT_TRUE(redact_json_tokens(body));
  EXPECT_EQ(
      body,
      R"({"code":"200000","data":{"token" : "<redacted>","instanceServers":[{"endpoint":"wss://x"}]},"token":5})");
  std::string none = R"({"tokens":"x"})";
  EXPECT_FALSE(redact_json_tokens(none));
}

class CaptureFileTest : public ::testing::TestWithParam<const char*> {
 protected:
  std::string path() const {
    return (std::filesystem::temp_directory_path() /
            ("kucoin_capture_test_" + std::to_string(::getpid()) + "_" + std::string(GetParam())))
        .string();
  }
  void TearDown() override { std::filesystem::remove(path()); }
};

TEST_P(CaptureFileTest, WriteAndRead) {
  const auto h = sample_header();
  const auto records = sample_records();
  auto w = CaptureFileWriter::open(path());
  ASSERT_TRUE(w) << w.error();
  const std::string text = encode_all(h, records);
  ASSERT_TRUE((*w)->write(text));
  ASSERT_TRUE((*w)->close());
  EXPECT_EQ((*w)->bytes_in(), text.size());
  EXPECT_EQ((*w)->compressed(), is_compressed_name(path()));
  auto c = read_capture_file(path());
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->header, h);
  EXPECT_EQ(c->records, records);
  EXPECT_FALSE(c->problem);
}

// A recorder killed after a flush: the file ends in the middle of what followed; every record
// up to the flush is read, and the reader says the file was cut short.
TEST_P(CaptureFileTest, KilledAfterFlushKeepsFlushedRecords) {
  const auto records = sample_records();
  std::uint64_t flushed_at = 0;
  {
    auto w = CaptureFileWriter::open(path());
    ASSERT_TRUE(w);
    std::string text;
    encode_header(sample_header(), text);
    for (std::size_t i = 0; i < 3; ++i) encode_record(records[i], text);
    ASSERT_TRUE((*w)->write(text));
    ASSERT_TRUE((*w)->flush());
    flushed_at = (*w)->bytes_out();
    text.clear();
    for (int k = 0; k < 200; ++k) encode_record(records[0], text);
    ASSERT_TRUE((*w)->write(text));
    ASSERT_TRUE((*w)->flush());
    ASSERT_TRUE((*w)->close());
  }
  // Cut the file somewhere after the first flush.
  const auto full = std::filesystem::file_size(path());
  std::uintmax_t cut = flushed_at + (full - flushed_at) / 2;
  if (!is_compressed_name(path())) {
    auto text = read_file_text(path());
    ASSERT_TRUE(text);
    if (text->text[cut - 1] == '\n') ++cut;  // cut inside a line, not at its end
  }
  std::filesystem::resize_file(path(), cut);
  auto c = read_capture_file(path());
  ASSERT_TRUE(c) << c.error();
  ASSERT_GE(c->records.size(), 3u);
  EXPECT_LT(c->records.size(), 203u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(c->records[i], records[i]);
  ASSERT_TRUE(c->problem);
  EXPECT_EQ(c->problem->kind, ReadProblem::Kind::truncated);
}

INSTANTIATE_TEST_SUITE_P(PlainAndZstd, CaptureFileTest, ::testing::Values("a.jsonl", "a.jsonl.zst"));

TEST(CaptureFile, UnwritablePathIsAClearError) {
  auto w = CaptureFileWriter::open("/nonexistent-dir/x.jsonl");
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("/nonexistent-dir/x.jsonl"), std::string::npos);
  auto r = read_capture_file("/nonexistent-dir/x.jsonl");
  ASSERT_FALSE(r);
}

}  // namespace
}  // namespace kucoin::capture
