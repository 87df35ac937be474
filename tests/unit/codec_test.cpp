#include <gtest/gtest.h>

#include <string>

#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin {
namespace {

constexpr SymbolScale kBtc{1, 8};

L2Decoder btc_decoder() {
  ScaleTable t;
  t.set("BTC-USDT", kBtc);
  return L2Decoder(t);
}

TEST(L2Codec, DecodesTheDocumentedUpdate) {
  auto d = btc_decoder();
  L2Update u;
  const std::string frame =
      R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update",)"
      R"("data":{"changes":{"asks":[["67993.3","1.21427407","14701689783"]],"bids":[]},)"
      R"("sequenceEnd":14701689783,"sequenceStart":14701689783,"symbol":"BTC-USDT","time":1729816425625}})";
  auto r = d.decode_update(frame, u);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(u.symbol, "BTC-USDT");
  EXPECT_EQ(u.sequence_start, 14701689783);
  EXPECT_EQ(u.sequence_end, 14701689783);
  EXPECT_EQ(u.time_ms, 1729816425625);
  ASSERT_EQ(u.changes.size(), 1u);
  EXPECT_EQ(u.changes[0], (L2Change{Side::ask, Price{679933, 1}, Quantity{121427407, 8}, 14701689783}));
}

TEST(L2Codec, AcceptsAnyKeyOrderAndTheSymbolFromTheTopic) {
  // The 2021 capture starts with "data" and has no "time"; symbol only in the topic.
  auto d = btc_decoder();
  L2Update u;
  const std::string frame =
      R"({"data":{"sequenceStart":15,"changes":{"bids":[["3988.5","44","18"]],"asks":[["3988.61","0","19"],)"
      R"(["0","0","17"]]},"sequenceEnd":19},"subject":"trade.l2update","topic":"/market/level2:ETH-USDT","type":"message"})";
  d.scales().set("ETH-USDT", SymbolScale{2, 4});
  auto r = d.decode_update(frame, u);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(u.symbol, "ETH-USDT");
  EXPECT_EQ(u.time_ms, 0);
  ASSERT_EQ(u.changes.size(), 3u);
  // Rows keep their order within a side; asks are read where they appear.
  EXPECT_EQ(u.changes[0], (L2Change{Side::bid, Price{398850, 2}, Quantity{44, 0}, 18}));
  EXPECT_EQ(u.changes[1], (L2Change{Side::ask, Price{398861, 2}, Quantity{0, 0}, 19}));
  EXPECT_EQ(u.changes[2], (L2Change{Side::ask, Price{0, 2}, Quantity{0, 0}, 17}));
}

TEST(L2Codec, ReusesStorageAcrossMessages) {
  auto d = btc_decoder();
  L2Update u;
  std::string a, b;
  L2Update big{"BTC-USDT", 1, 4, 5, {}};
  for (int i = 0; i < 4; ++i) big.changes.push_back({Side::bid, Price{100 + i}, Quantity{1}, 1 + i});
  encode_update_frame(big, a);
  L2Update small{"BTC-USDT", 5, 5, 6, {{Side::ask, Price{200}, Quantity{2}, 5}}};
  encode_update_frame(small, b);
  ASSERT_TRUE(d.decode_update(a, u));
  EXPECT_EQ(u, big);
  ASSERT_TRUE(d.decode_update(b, u));
  EXPECT_EQ(u, small);
}

TEST(L2Codec, EncodeDecodeRoundTrip) {
  auto d = btc_decoder();
  L2Update in{"BTC-USDT",
              1000,
              1003,
              1729816425625,
              {{Side::ask, Price{679933, 1}, Quantity{121427407, 8}, 1001},
               {Side::bid, Price{679920, 1}, Quantity{0, 8}, 1003},
               {Side::bid, Price{0, 1}, Quantity{0, 8}, 1000}}};
  std::string frame;
  encode_update_frame(in, frame);
  EXPECT_NE(frame.find(R"([["67993.3","1.21427407","1001"]])"), std::string::npos) << frame;
  L2Update out;
  ASSERT_TRUE(d.decode_update(frame, out));
  // Encoding groups asks before bids; compare as sets per side.
  ASSERT_EQ(out.changes.size(), 3u);
  EXPECT_EQ(out.sequence_start, 1000);
  EXPECT_EQ(out.sequence_end, 1003);
  EXPECT_EQ(out.changes[0], in.changes[0]);
  EXPECT_EQ(out.changes[1], in.changes[1]);
  EXPECT_EQ(out.changes[2], in.changes[2]);
}

TEST(L2Codec, DecodesTheRestSnapshot) {
  auto d = btc_decoder();
  L2Snapshot s;
  const std::string body =
      R"({"code":"200000","data":{"time":1729176273859,"sequence":"14610502970",)"
      R"("bids":[["66976.4","0.69109872"],["66976.3","0.14377"]],"asks":[["66976.5","0.05408199"],["66976.8","0.0005"]]}})";
  auto r = d.decode_snapshot(body, kBtc, s);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(s.sequence, 14610502970);
  EXPECT_EQ(s.time_ms, 1729176273859);
  ASSERT_EQ(s.bids.size(), 2u);
  ASSERT_EQ(s.asks.size(), 2u);
  EXPECT_EQ(s.bids[0], (L2Level{Price{669764, 1}, Quantity{69109872, 8}}));
  EXPECT_EQ(s.asks[1], (L2Level{Price{669768, 1}, Quantity{50000, 8}}));

  std::string again;
  encode_snapshot_response(s, again);
  L2Snapshot s2;
  ASSERT_TRUE(d.decode_snapshot(again, kBtc, s2));
  EXPECT_EQ(s, s2);
}

TEST(L2Codec, SnapshotErrorEnvelopeIsAnApiError) {
  auto d = btc_decoder();
  L2Snapshot s;
  auto r = d.decode_snapshot(R"({"code":"429000","msg":"Too Many Requests"})", kBtc, s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::api_error);
  EXPECT_NE(r.error().message.find("429000"), std::string::npos);
  EXPECT_NE(r.error().message.find("Too Many Requests"), std::string::npos);
}

TEST(L2Codec, OtherFramesAreUnexpectedMessages) {
  auto d = btc_decoder();
  L2Update u;
  for (
      const char* f :
      {R"({"id":"hQvf8jkno","type":"welcome"})", R"({"id":"1","type":"pong"})",
       R"({"type":"error","code":401,"data":"token is expired"})",
       R"({"topic":"/market/ticker:BTC-USDT","type":"message","subject":"trade.ticker","data":{}})",
       R"({"topic":"/spotMarket/level2Depth5:BTC-USDT","type":"message","subject":"trade.l2update","data":{}})",
       // A match push: its data (time as a string) comes before the subject.
       R"({"data":{"symbol":"DAPPT-BTC","sequence":"1612701563869","side":"buy","size":"81.8814","price":"0.0000001117","time":"1619378327739050725","type":"match"},"subject":"trade.l3match","topic":"/market/match:DAPPT-BTC","type":"message"})"}) {
    auto r = d.decode_update(f, u);
    ASSERT_FALSE(r) << f;
    EXPECT_EQ(r.error().code, Errc::unexpected_message) << f << ": " << r.error();
  }
}

struct Malformed {
  const char* name;
  std::string frame;
  Errc code;
};

std::string update_with(const std::string& data) {
  return R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":)" + data + "}";
}

const std::string kChanges = R"("changes":{"asks":[["1.5","2","10"]],"bids":[]})";

class MalformedUpdate : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedUpdate, GivesTypedErrorNeverCrashes) {
  auto d = btc_decoder();
  L2Update u;
  const auto& c = GetParam();
  auto r = d.decode_update(c.frame, u);
  ASSERT_FALSE(r) << c.name << " decoded";
  EXPECT_EQ(r.error().code, c.code) << c.name << ": " << r.error();
  EXPECT_FALSE(r.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    L2Codec, MalformedUpdate,
    ::testing::Values(
        Malformed{"empty", "", Errc::parse_error}, Malformed{"not_json", "hello", Errc::parse_error},
        Malformed{"array_root", "[1,2]", Errc::wrong_type},
        Malformed{"truncated", update_with(R"({"sequenceStart":10,"sequenceEnd":10,)" + kChanges).substr(0, 120),
                  Errc::parse_error},
        Malformed{"unclosed", update_with(R"({"sequenceStart":10,"sequenceEnd":10,)" + kChanges),
                  Errc::parse_error},  // data object never closed: "}" consumed by data
        Malformed{"trailing", update_with(R"({"sequenceStart":10,"sequenceEnd":10,)" + kChanges + "}") + "x",
                  Errc::parse_error},
        Malformed{
            "missing_type",
            R"({"topic":"/market/level2:BTC-USDT","subject":"trade.l2update","data":{"sequenceStart":10,"sequenceEnd":10,)" +
                kChanges + "}}",
            Errc::missing_field},
        Malformed{"missing_data", R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update"})",
                  Errc::missing_field},
        Malformed{"missing_start", update_with(R"({"sequenceEnd":10,)" + kChanges + "}"), Errc::missing_field},
        Malformed{"missing_end", update_with(R"({"sequenceStart":10,)" + kChanges + "}"), Errc::missing_field},
        Malformed{"missing_changes", update_with(R"({"sequenceStart":10,"sequenceEnd":10})"), Errc::missing_field},
        Malformed{"start_is_string", update_with(R"({"sequenceStart":"10","sequenceEnd":10,)" + kChanges + "}"),
                  Errc::wrong_type},
        Malformed{"start_is_float", update_with(R"({"sequenceStart":10.5,"sequenceEnd":10,)" + kChanges + "}"),
                  Errc::wrong_type},
        Malformed{"start_negative", update_with(R"({"sequenceStart":-1,"sequenceEnd":10,)" + kChanges + "}"),
                  Errc::bad_number},
        Malformed{"end_too_big",
                  update_with(R"({"sequenceStart":10,"sequenceEnd":99999999999999999999,)" + kChanges + "}"),
                  Errc::out_of_range},
        Malformed{"start_after_end", update_with(R"({"sequenceStart":11,"sequenceEnd":10,)" + kChanges + "}"),
                  Errc::protocol_violation},
        Malformed{"time_is_string", update_with(R"({"sequenceStart":10,"sequenceEnd":10,"time":"1",)" + kChanges + "}"),
                  Errc::wrong_type},
        Malformed{"changes_is_array", update_with(R"({"sequenceStart":10,"sequenceEnd":10,"changes":[]})"),
                  Errc::wrong_type},
        Malformed{"row_not_array",
                  update_with(R"({"sequenceStart":10,"sequenceEnd":10,"changes":{"asks":["1.5"],"bids":[]}})"),
                  Errc::wrong_type},
        Malformed{"number_not_string",
                  update_with(R"({"sequenceStart":10,"sequenceEnd":10,"changes":{"asks":[[1.5,"2","10"]],"bids":[]}})"),
                  Errc::wrong_type},
        Malformed{"row_too_short",
                  update_with(R"({"sequenceStart":10,"sequenceEnd":10,"changes":{"asks":[["1.5","2"]],"bids":[]}})"),
                  Errc::protocol_violation},
        Malformed{
            "row_too_long",
            update_with(R"({"sequenceStart":10,"sequenceEnd":10,"changes":{"asks":[["1.5","2","10","x"]],"bids":[]}})"),
            Errc::protocol_violation},
        Malformed{
            "price_not_numeric",
            update_with(R"({"sequenceStart":10,"sequenceEnd":10,"changes":{"asks":[["abc","2","10"]],"bids":[]}})"),
            Errc::bad_number},
        Malformed{
            "size_negative",
            update_with(R"({"sequenceStart":10,"sequenceEnd":10,"changes":{"asks":[["1.5","-2","10"]],"bids":[]}})"),
            Errc::bad_number},
        // Finer than the symbol's tick is fine (held exactly); more than 18 decimals is not.
        Malformed{
            "price_beyond_18_decimals",
            update_with(
                R"({"sequenceStart":10,"sequenceEnd":10,"changes":{"asks":[["1.0000000000000000001","2","10"]],"bids":[]}})"),
            Errc::precision_exceeded},
        Malformed{
            "size_beyond_19_digits",
            update_with(
                R"({"sequenceStart":10,"sequenceEnd":10,"changes":{"asks":[["1.5","12345678901234567890.5","10"]],"bids":[]}})"),
            Errc::out_of_range},
        Malformed{"size_overlong",
                  update_with(R"({"sequenceStart":10,"sequenceEnd":10,"changes":{"asks":[["1.5","1)" +
                              std::string(60, '0') + R"(","10"]],"bids":[]}})"),
                  Errc::number_too_long},
        Malformed{
            "sequence_not_numeric",
            update_with(R"({"sequenceStart":10,"sequenceEnd":10,"changes":{"asks":[["1.5","2","ten"]],"bids":[]}})"),
            Errc::bad_number},
        Malformed{
            "change_outside_range",
            update_with(R"({"sequenceStart":10,"sequenceEnd":10,"changes":{"asks":[["1.5","2","11"]],"bids":[]}})"),
            Errc::protocol_violation},
        Malformed{"no_symbol_anywhere",
                  R"({"type":"message","subject":"trade.l2update","data":{"sequenceStart":10,"sequenceEnd":10,)" +
                      kChanges + "}}",
                  Errc::missing_field},
        Malformed{"bad_utf8_escape", R"({"type":"message","subject":"trade.l2update\uZZZZ","data":{}})",
                  Errc::parse_error}),
    [](const ::testing::TestParamInfo<Malformed>& p) { return std::string(p.param.name); });

struct MalformedSnap {
  const char* name;
  std::string body;
  Errc code;
};

class MalformedSnapshot : public ::testing::TestWithParam<MalformedSnap> {};

TEST_P(MalformedSnapshot, GivesTypedErrorNeverCrashes) {
  auto d = btc_decoder();
  L2Snapshot s;
  const auto& c = GetParam();
  auto r = d.decode_snapshot(c.body, kBtc, s);
  ASSERT_FALSE(r) << c.name << " decoded";
  EXPECT_EQ(r.error().code, c.code) << c.name << ": " << r.error();
}

INSTANTIATE_TEST_SUITE_P(
    L2Codec, MalformedSnapshot,
    ::testing::Values(
        MalformedSnap{"empty", "", Errc::parse_error},
        MalformedSnap{"truncated", R"({"code":"200000","data":{"time":1,"sequence":"5","bids":[["1.5","1"])",
                      Errc::parse_error},
        MalformedSnap{"missing_code", R"({"data":{"time":1,"sequence":"5","bids":[],"asks":[]}})", Errc::missing_field},
        MalformedSnap{"code_number", R"({"code":200000,"data":{"time":1,"sequence":"5","bids":[],"asks":[]}})",
                      Errc::wrong_type},
        MalformedSnap{"sequence_number", R"({"code":"200000","data":{"time":1,"sequence":5,"bids":[],"asks":[]}})",
                      Errc::wrong_type},
        MalformedSnap{"sequence_bad", R"({"code":"200000","data":{"time":1,"sequence":"5x","bids":[],"asks":[]}})",
                      Errc::bad_number},
        MalformedSnap{"missing_sequence", R"({"code":"200000","data":{"time":1,"bids":[],"asks":[]}})",
                      Errc::missing_field},
        MalformedSnap{"missing_asks", R"({"code":"200000","data":{"time":1,"sequence":"5","bids":[]}})",
                      Errc::missing_field},
        MalformedSnap{"missing_data", R"({"code":"200000"})", Errc::missing_field},
        MalformedSnap{"level_three_wide",
                      R"({"code":"200000","data":{"sequence":"5","bids":[["1","2","3"]],"asks":[]}})",
                      Errc::protocol_violation},
        MalformedSnap{"level_bad_price", R"({"code":"200000","data":{"sequence":"5","bids":[["x","2"]],"asks":[]}})",
                      Errc::bad_number},
        MalformedSnap{"api_error", R"({"code":"400005","msg":"Invalid KC-API-SIGN"})", Errc::api_error}),
    [](const ::testing::TestParamInfo<MalformedSnap>& p) { return std::string(p.param.name); });

TEST(L2Codec, DecodesDepthFrames) {
  auto d = btc_decoder();
  std::string symbol;
  L2Snapshot s;
  const std::string frame =
      R"({"topic":"/spotMarket/level2Depth5:BTC-USDT","type":"message","subject":"level2",)"
      R"("data":{"asks":[["67996.7","1.14213262"],["67996.8","0.21748212"]],"bids":[["67996.6","0.37969491"]],"timestamp":1729822226746}})";
  auto r = d.decode_depth(frame, symbol, s);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(symbol, "BTC-USDT");
  EXPECT_EQ(s.time_ms, 1729822226746);
  ASSERT_EQ(s.asks.size(), 2u);
  EXPECT_EQ(s.asks[0], (L2Level{Price{679967, 1}, Quantity{114213262, 8}}));
  ASSERT_EQ(s.bids.size(), 1u);
  L2Update u;
  EXPECT_EQ(d.decode_update(frame, u).error().code, Errc::unexpected_message);
  EXPECT_EQ(
      d.decode_depth(R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":{}})",
                     symbol, s)
          .error()
          .code,
      Errc::unexpected_message);
  EXPECT_EQ(
      d.decode_depth(
           R"({"topic":"/spotMarket/level2Depth5:BTC-USDT","type":"message","data":{"asks":[["x","1"]],"bids":[]}})",
           symbol, s)
          .error()
          .code,
      Errc::bad_number);
}

// The mock writes level2Depth5/50 frames with encode_depth_frame; the client reads them with
// decode_depth. The frame carries the first `depth` levels a side and the timestamp, nothing else.
TEST(L2Codec, DepthFrameRoundTrip) {
  L2Snapshot book;
  book.sequence = 1000123;  // not written: depth frames have no sequence
  book.time_ms = 1;
  for (std::int64_t i = 0; i < 8; ++i) {
    book.asks.push_back({Price{679967 + i, 1}, Quantity{114213262 + i, 8}});
    book.bids.push_back({Price{679966 - i, 1}, Quantity{37969491 + 1000 * i, 8}});
  }
  book.bids[1].size = Quantity{19434546, 11};    // more decimals than the increment (real books have them)
  book.asks[2].size = Quantity{45233815308, 2};  // a size past 10^8
  book.asks[3].price = Price{6799705, 2};        // finer than the tick
  std::string frame = "kept:";
  encode_depth_frame("BTC-USDT", 5, book, 1729822226746, frame);
  ASSERT_EQ(frame.substr(0, 5), "kept:");  // appends
  frame.erase(0, 5);
  EXPECT_EQ(
      frame.rfind(
          R"({"topic":"/spotMarket/level2Depth5:BTC-USDT","type":"message","subject":"level2","data":{"asks":[)", 0),
      0u)
      << frame;
  EXPECT_NE(frame.find(R"(["67996.9","452338153.08"],["67997.05","1.14213265"])"), std::string::npos) << frame;
  EXPECT_EQ(frame.find("1000123"), std::string::npos) << frame;
  auto d = btc_decoder();
  std::string symbol;
  L2Snapshot out;
  auto r = d.decode_depth(frame, symbol, out);
  ASSERT_TRUE(r) << r.error() << "\n" << frame;
  EXPECT_EQ(symbol, "BTC-USDT");
  EXPECT_EQ(out.time_ms, 1729822226746);
  EXPECT_EQ(out.bids, std::vector<L2Level>(book.bids.begin(), book.bids.begin() + 5));
  EXPECT_EQ(out.asks, std::vector<L2Level>(book.asks.begin(), book.asks.begin() + 5));

  // level2Depth50 of a thinner book: every level, and an empty side stays an empty array.
  book.bids.clear();
  frame.clear();
  encode_depth_frame("BTC-USDT", 50, book, 7, frame);
  EXPECT_NE(frame.find(R"({"topic":"/spotMarket/level2Depth50:BTC-USDT")"), std::string::npos) << frame;
  EXPECT_NE(frame.find(R"("bids":[],"timestamp":7}})"), std::string::npos) << frame;
  r = d.decode_depth(frame, symbol, out);
  ASSERT_TRUE(r) << r.error() << "\n" << frame;
  EXPECT_EQ(out.asks, book.asks);
  EXPECT_TRUE(out.bids.empty());
  EXPECT_EQ(out.time_ms, 7);
}

TEST(L2Codec, ScaleTableFallsBackForUnknownSymbols) {
  ScaleTable t(SymbolScale{3, 2});
  t.set("BTC-USDT", kBtc);
  EXPECT_EQ(t.get("BTC-USDT"), kBtc);
  EXPECT_EQ(t.get("DOGE-USDT"), (SymbolScale{3, 2}));
  t.set("BTC-USDT", SymbolScale{2, 6});
  EXPECT_EQ(t.get("BTC-USDT"), (SymbolScale{2, 6}));
}

}  // namespace
}  // namespace kucoin

// ---- Real KuCoin decimals ---------------------------------------------------------------------

namespace kucoin {
namespace {

TEST(L2Codec, RealSizesWithMoreDecimalsThanTheIncrementDecodeExactly) {
  ScaleTable t;
  t.set("BTC-USDT", SymbolScale{1, 8});  // baseIncrement 0.00000001
  t.set("XYZ-USDT", SymbolScale{4, 4});  // baseIncrement 0.0001
  L2Decoder d(t);
  L2Update u;
  const std::string frame =
      R"({"topic":"/market/level2:XYZ-USDT","type":"message","subject":"trade.l2update",)"
      R"("data":{"changes":{"asks":[["0.0512","4469.58576035","101"]],"bids":[["0.0511","452338153.08","102"]]},)"
      R"("sequenceEnd":102,"sequenceStart":101,"symbol":"XYZ-USDT","time":1729816425625}})";
  auto r = d.decode_update(frame, u);
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(u.changes.size(), 2u);
  EXPECT_EQ(to_string(u.changes[0].size), "4469.58576035");
  EXPECT_EQ(to_string(u.changes[1].size), "452338153.08");
  EXPECT_EQ(u.changes[0].price, (Price{512, 4}));

  L2Snapshot s;
  const std::string body =
      R"({"code":"200000","data":{"time":1729176273859,"sequence":"14610502970",)"
      R"("bids":[["66976.4","0.00019434546"],["66976.3","0.00000001"]],"asks":[["66976.5","452338153.08"]]}})";
  auto rs = d.decode_snapshot(body, SymbolScale{1, 8}, s);
  ASSERT_TRUE(rs) << rs.error();
  EXPECT_EQ(to_string(s.bids[0].size), "0.00019434546");
  EXPECT_EQ(to_string(s.bids[1].size), "0.00000001");
  EXPECT_EQ(to_string(s.asks[0].size), "452338153.08");
  // And back to the same text.
  std::string again;
  encode_snapshot_response(s, again);
  EXPECT_NE(again.find(R"(["66976.4","0.00019434546"])"), std::string::npos) << again;
  EXPECT_NE(again.find(R"(["66976.5","452338153.08"])"), std::string::npos) << again;
}

TEST(L2Codec, APriceFinerThanTheTickWidensTheSymbolsScale) {
  ScaleTable t;
  t.set("BTC-USDT", SymbolScale{1, 8});
  L2Decoder d(t);
  L2Update u;
  auto frame = [](const char* price, int seq) {
    return std::string(
               R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":{"changes":{"asks":[[")") +
           price + R"(","1",")" + std::to_string(seq) + R"("]],"bids":[]},"sequenceEnd":)" + std::to_string(seq) +
           R"(,"sequenceStart":)" + std::to_string(seq) + R"(,"symbol":"BTC-USDT","time":1}})";
  };
  ASSERT_TRUE(d.decode_update(frame("30000.1", 1), u));
  EXPECT_EQ(u.changes[0].price.decimals, 1);
  ASSERT_TRUE(d.decode_update(frame("30000.15", 2), u));
  EXPECT_EQ(u.changes[0].price, (Price{3000015, 2}));
  EXPECT_EQ(d.scales().get("BTC-USDT").price_decimals, 2);
  // Later prices come with the wider scale, so the book needs no conversion.
  ASSERT_TRUE(d.decode_update(frame("30000.2", 3), u));
  EXPECT_EQ(u.changes[0].price.raw, 3000020);
  EXPECT_EQ(u.changes[0].price.decimals, 2);
  // Trailing zeros do not widen it.
  ASSERT_TRUE(d.decode_update(frame("30000.2000", 4), u));
  EXPECT_EQ(d.scales().get("BTC-USDT").price_decimals, 2);
  EXPECT_EQ(u.changes[0].price, (Price{300002, 1}));
}

TEST(L2Codec, OnlyNumbersNoExactDecimalHoldsAreErrorsNamingSymbolFieldAndText) {
  L2Decoder d;
  L2Update u;
  const std::string frame = R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update",)"
                            R"("data":{"changes":{"asks":[["30000.1","12345678901234567890.5","7"]],"bids":[]},)"
                            R"("sequenceEnd":7,"sequenceStart":7,"symbol":"BTC-USDT","time":1}})";
  auto r = d.decode_update(frame, u);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::out_of_range);
  EXPECT_TRUE(is_unrepresentable_number(r.error().code));
  EXPECT_NE(r.error().message.find("BTC-USDT"), std::string::npos) << r.error();
  EXPECT_NE(r.error().message.find("data.changes.asks size"), std::string::npos) << r.error();
  EXPECT_NE(r.error().message.find("12345678901234567890.5"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace kucoin
