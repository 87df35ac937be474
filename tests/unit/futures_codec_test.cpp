// KuCoin Futures codec: real-shaped frames and bodies from kucoin-protocol.md §7 and §8.5,
// decoder and encoder round trips, and clear errors for bad input.
#include <gtest/gtest.h>

#include "kucoin/core/decimal.hpp"
#include "kucoin/protocol/futures_codec.hpp"
#include "kucoin/protocol/ws_topic.hpp"

namespace kucoin {
namespace {

Price px(std::string_view s) {
  auto d = parse_decimal(s);
  EXPECT_TRUE(d) << s;
  return Price{d->raw, d->decimals};
}
Quantity qty(std::string_view s) {
  auto d = parse_decimal(s);
  EXPECT_TRUE(d) << s;
  return Quantity{d->raw, d->decimals};
}

// §7.1, verbatim.
constexpr std::string_view kLevel2Frame =
    R"({"topic":"/contractMarket/level2:XBTUSDTM","type":"message","subject":"level2","sn":1709400450243,)"
    R"( "data":{"sequence":1709400450243,"change":"90631.2,sell,2","timestamp":1731897467182}})";

// §7.2, verbatim.
constexpr std::string_view kDepth5Frame =
    R"({"topic":"/contractMarket/level2Depth5:XBTUSDTM","type":"message","subject":"level2","sn":1731680019100,
 "data":{"bids":[["89720.9",513],["89720.8",12],["89718.6",113],["89718.4",19],["89718.3",7]],
         "sequence":1709294294670,"timestamp":1731680019100,"ts":1731680019100,
         "asks":[["89721",906],["89721.1",203],["89721.4",113],["89723.2",113],["89725.4",113]]}})";

// §7.3, verbatim.
constexpr std::string_view kSnapshotBody =
    R"({"code":"200000","data":{"sequence":1697895963339,"symbol":"XBTUSDM",
  "bids":[[66968,2],[66964.8,25596]],"asks":[[66968.1,13501],[66968.7,2032]],"ts":1729168101216000000}})";

// §8.5 (JSON numbers), fields as GET /api/v1/contracts/active writes them (a subset).
constexpr std::string_view kContractsBody =
    R"({"code":"200000","data":[)"
    R"({"symbol":"XBTUSDTM","rootSymbol":"USDT","type":"FFWCSX","firstOpenDate":1585555200000,"baseCurrency":"XBT",)"
    R"("quoteCurrency":"USDT","settleCurrency":"USDT","maxOrderQty":1000000,"maxPrice":1000000.0,"lotSize":1,)"
    R"("tickSize":0.1,"indexPriceTickSize":0.01,"multiplier":0.001,"isInverse":false,"status":"Open"},)"
    R"({"symbol":"XBTUSDM","baseCurrency":"XBT","quoteCurrency":"USD","lotSize":1,"tickSize":0.1,)"
    R"("multiplier":-1,"isInverse":true,"status":"Open"}]})";

TEST(FuturesCodec, DecodesTheDocumentedLevel2Frame) {
  FuturesDecoder dec;
  L2Update u;
  ASSERT_TRUE(dec.decode_level2(kLevel2Frame, u));
  EXPECT_EQ(u.symbol, "XBTUSDTM");
  EXPECT_EQ(u.sequence_start, 1709400450243);
  EXPECT_EQ(u.sequence_end, 1709400450243);
  EXPECT_EQ(u.time_ms, 1731897467182);
  ASSERT_EQ(u.changes.size(), 1u);
  EXPECT_EQ(u.changes[0], (L2Change{Side::ask, px("90631.2"), qty("2"), 1709400450243}));
}

TEST(FuturesCodec, Level2BuyAndDeleteAndKeyOrder) {
  FuturesDecoder dec;
  L2Update u;
  ASSERT_TRUE(dec.decode_level2(
      R"({"data":{"timestamp":1,"change":"5000.0,buy,0","sequence":7},"subject":"level2","type":"message","topic":"/contractMarket/level2:ETHUSDTM"})",
      u));
  EXPECT_EQ(u.symbol, "ETHUSDTM");
  ASSERT_EQ(u.changes.size(), 1u);
  EXPECT_EQ(u.changes[0], (L2Change{Side::bid, px("5000"), qty("0"), 7}));
}

TEST(FuturesCodec, Level2RoundTripsThroughTheEncoder) {
  L2Update u;
  u.symbol = "XBTUSDTM";
  u.sequence_start = u.sequence_end = 42;
  u.time_ms = 1731897467182;
  u.changes.push_back(L2Change{Side::bid, px("90631.25"), qty("17"), 42});
  std::string frame;
  ASSERT_TRUE(encode_futures_level2_frame(u, frame));
  EXPECT_EQ(frame, R"({"topic":"/contractMarket/level2:XBTUSDTM","type":"message","subject":"level2","sn":42,)"
                   R"("data":{"sequence":42,"change":"90631.25,buy,17","timestamp":1731897467182}})");
  FuturesDecoder dec;
  L2Update back;
  ASSERT_TRUE(dec.decode_level2(frame, back));
  EXPECT_EQ(back, u);
}

TEST(FuturesCodec, EncoderRefusesAnythingButOneChange) {
  L2Update u;
  u.symbol = "XBTUSDTM";
  std::string out;
  auto r = encode_futures_level2_frame(u, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_TRUE(out.empty());
}

TEST(FuturesCodec, SplitsASpotShapedUpdateIntoOneMessagePerSequence) {
  L2Update u;
  u.symbol = "XBTUSDTM";
  u.sequence_start = 10;
  u.sequence_end = 12;
  u.time_ms = 5;
  u.changes = {L2Change{Side::ask, px("2"), qty("1"), 10}, L2Change{Side::bid, px("1"), qty("3"), 11},
               L2Change{Side::bid, px("1.5"), qty("0"), 12}};
  std::vector<L2Update> msgs;
  split_futures_messages(u, msgs);
  ASSERT_EQ(msgs.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(msgs[i].sequence_start, 10 + static_cast<std::int64_t>(i));
    EXPECT_EQ(msgs[i].sequence_end, msgs[i].sequence_start);
    ASSERT_EQ(msgs[i].changes.size(), 1u);
    EXPECT_EQ(msgs[i].changes[0], u.changes[i]);
    EXPECT_EQ(msgs[i].time_ms, 5);
  }
}

TEST(FuturesCodec, Level2ErrorsNameTheProblem) {
  FuturesDecoder dec;
  L2Update u;
  struct Case {
    std::string_view frame;
    Errc code;
    std::string_view says;
  };
  const Case cases[] = {
      {"not json", Errc::parse_error, ""},
      {"[1]", Errc::wrong_type, "frame"},
      {R"({"topic":"/contractMarket/level2:X","type":"message","subject":"level2","data":{"change":"1,buy,1"}})",
       Errc::missing_field, "data.sequence"},
      {R"({"topic":"/contractMarket/level2:X","type":"message","subject":"level2","data":{"sequence":1}})",
       Errc::missing_field, "data.change"},
      {R"({"topic":"/contractMarket/level2:X","type":"message","data":{"sequence":1,"change":"1,hold,1"}})",
       Errc::protocol_violation, "neither buy nor sell"},
      {R"({"topic":"/contractMarket/level2:X","type":"message","data":{"sequence":1,"change":"1,buy"}})",
       Errc::protocol_violation, "price,side,size"},
      {R"({"topic":"/contractMarket/level2:X","type":"message","data":{"sequence":1,"change":"1,buy,1,2"}})",
       Errc::protocol_violation, "price,side,size"},
      {R"({"topic":"/contractMarket/level2:X","type":"message","data":{"sequence":1,"change":"-1,buy,1"}})",
       Errc::bad_number, "price of X"},
      {R"({"topic":"/contractMarket/level2:X","type":"message","data":{"sequence":"x","change":"1,buy,1"}})",
       Errc::bad_number, "data.sequence"},
      {R"({"topic":"/contractMarket/level2:X","type":"message","data":{"sequence":-3,"change":"1,buy,1"}})",
       Errc::bad_number, "data.sequence"},
      {R"({"topic":"/market/level2:BTC-USDT","type":"message","data":{"sequence":1,"change":"1,buy,1"}})",
       Errc::unexpected_message, "not /contractMarket/level2"},
      {R"({"topic":"/contractMarket/level2:X","type":"message","subject":"tickerV2","data":{}})",
       Errc::unexpected_message, "tickerV2"},
      {R"({"type":"pong","id":"1"})", Errc::unexpected_message, "pong"},
      {R"({"topic":"/contractMarket/level2:A,B","type":"message","data":{"sequence":1,"change":"1,buy,1"}})",
       Errc::protocol_violation, "one symbol"},
      {R"({"topic":"/contractMarket/level2:X","type":"message","data":{"sequence":1,"change":"1,buy,1"}} x)",
       Errc::parse_error, ""},
  };
  for (const Case& c : cases) {
    auto r = dec.decode_level2(c.frame, u);
    ASSERT_FALSE(r) << c.frame;
    EXPECT_EQ(r.error().code, c.code) << c.frame << " -> " << r.error();
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << c.frame << " -> " << r.error();
  }
}

// §8.1 field list; the shape of UNI-SPEC's example.
TEST(FuturesCodec, TickerV2SharesTheLevel2SequenceSpace) {
  constexpr std::string_view frame =
      R"({"topic":"/contractMarket/tickerV2:XBTUSDTM","type":"message","subject":"tickerV2","sn":1709400450243,)"
      R"("data":{"symbol":"XBTUSDTM","sequence":1709400450243,"bestBidSize":795,"bestBidPrice":"90631.1",)"
      R"("bestAskPrice":"90631.2","bestAskSize":284,"ts":1731897467182004941}})";
  FuturesDecoder dec;
  FuturesTicker t;
  ASSERT_TRUE(dec.decode_ticker_v2(frame, t));
  EXPECT_EQ(t.symbol, "XBTUSDTM");
  EXPECT_EQ(t.sequence, 1709400450243);
  EXPECT_EQ(t.best_bid, px("90631.1"));
  EXPECT_EQ(t.best_bid_size, qty("795"));
  EXPECT_EQ(t.best_ask, px("90631.2"));
  EXPECT_EQ(t.best_ask_size, qty("284"));
  EXPECT_EQ(t.ts_ns, 1731897467182004941);
  std::string again;
  encode_futures_ticker_v2_frame(t, again);
  EXPECT_EQ(again, frame);
  FuturesTicker back;
  ASSERT_TRUE(dec.decode_ticker_v2(again, back));
  EXPECT_EQ(back, t);
  auto missing = dec.decode_ticker_v2(
      R"({"topic":"/contractMarket/tickerV2:X","type":"message","data":{"sequence":1,"bestBidPrice":"1"}})", t);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::missing_field);
  EXPECT_NE(missing.error().message.find("bestAskPrice"), std::string::npos) << missing.error();
  L2Update u;
  auto wrong = dec.decode_level2(frame, u);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::unexpected_message);
}

TEST(FuturesCodec, DecodesTheDocumentedDepth5Frame) {
  FuturesDecoder dec;
  FuturesDepth d;
  ASSERT_TRUE(dec.decode_depth(kDepth5Frame, d));
  EXPECT_EQ(d.symbol, "XBTUSDTM");
  EXPECT_EQ(d.depth, 5);
  EXPECT_EQ(d.sequence, 1709294294670);
  EXPECT_EQ(d.timestamp_ms, 1731680019100);
  ASSERT_EQ(d.book.bids.size(), 5u);
  ASSERT_EQ(d.book.asks.size(), 5u);
  EXPECT_EQ(d.book.bids[0], (L2Level{px("89720.9"), qty("513")}));
  EXPECT_EQ(d.book.asks[0], (L2Level{px("89721"), qty("906")}));
  EXPECT_EQ(d.book.asks[4], (L2Level{px("89725.4"), qty("113")}));
  EXPECT_EQ(d.book.sequence, d.sequence);
}

TEST(FuturesCodec, Depth50RoundTripsThroughTheEncoder) {
  L2Snapshot book;
  book.sequence = 99;
  for (int i = 0; i < 60; ++i) {
    book.bids.push_back(L2Level{Price{1000 - i, 1}, Quantity{i + 1, 0}});
    book.asks.push_back(L2Level{Price{1001 + i, 1}, Quantity{i + 2, 0}});
  }
  std::string frame;
  encode_futures_depth_frame("ETHUSDTM", 50, book, 1731680019100, frame);
  FuturesDecoder dec;
  FuturesDepth d;
  ASSERT_TRUE(dec.decode_depth(frame, d)) << frame;
  EXPECT_EQ(d.depth, 50);
  EXPECT_EQ(d.symbol, "ETHUSDTM");
  EXPECT_EQ(d.sequence, 99);
  EXPECT_EQ(d.timestamp_ms, 1731680019100);
  ASSERT_EQ(d.book.bids.size(), 50u);
  ASSERT_EQ(d.book.asks.size(), 50u);
  for (std::size_t i = 0; i < 50; ++i) {
    EXPECT_EQ(d.book.bids[i], book.bids[i]);
    EXPECT_EQ(d.book.asks[i], book.asks[i]);
  }
  auto spot = dec.decode_depth(
      R"({"topic":"/spotMarket/level2Depth5:BTC-USDT","type":"message","data":{"bids":[],"asks":[]}})", d);
  ASSERT_FALSE(spot);
  EXPECT_EQ(spot.error().code, Errc::unexpected_message);
}

TEST(FuturesCodec, DecodesTheDocumentedSnapshot) {
  FuturesDecoder dec;
  FuturesSnapshot s;
  ASSERT_TRUE(dec.decode_snapshot(kSnapshotBody, "XBTUSDM", s));
  EXPECT_EQ(s.symbol, "XBTUSDM");
  EXPECT_EQ(s.book.sequence, 1697895963339);
  EXPECT_EQ(s.ts_ns, 1729168101216000000);
  EXPECT_EQ(s.book.time_ms, 1729168101216);
  ASSERT_EQ(s.book.bids.size(), 2u);
  ASSERT_EQ(s.book.asks.size(), 2u);
  EXPECT_EQ(s.book.bids[0], (L2Level{px("66968"), qty("2")}));
  EXPECT_EQ(s.book.bids[1], (L2Level{px("66964.8"), qty("25596")}));
  EXPECT_EQ(s.book.asks[0], (L2Level{px("66968.1"), qty("13501")}));
}

TEST(FuturesCodec, SnapshotWithStringPricesOfTheOldDocsIsRead) {
  FuturesDecoder dec;
  FuturesSnapshot s;
  ASSERT_TRUE(dec.decode_snapshot(
      R"({"code":"200000","data":{"symbol":"XBTUSDM","sequence":100,"asks":[["5000.0",1000]],"bids":[["4900",5]],"ts":1}})",
      "XBTUSDM", s));
  EXPECT_EQ(s.book.asks[0], (L2Level{px("5000"), qty("1000")}));
}

TEST(FuturesCodec, SnapshotRoundTripsThroughTheEncoder) {
  FuturesSnapshot s;
  s.symbol = "XBTUSDTM";
  s.ts_ns = 1729168101216123456;
  s.book.sequence = 77;
  s.book.time_ms = 1729168101216;
  s.book.bids = {L2Level{px("66968"), qty("2")}, L2Level{px("66964.8"), qty("25596")}};
  s.book.asks = {L2Level{px("66968.1"), qty("13501")}};
  std::string body;
  encode_futures_snapshot_response(s, body);
  EXPECT_EQ(body, R"({"code":"200000","data":{"sequence":77,"symbol":"XBTUSDTM","bids":[[66968,2],[66964.8,25596]],)"
                  R"("asks":[[66968.1,13501]],"ts":1729168101216123456}})");
  FuturesDecoder dec;
  FuturesSnapshot back;
  ASSERT_TRUE(dec.decode_snapshot(body, "XBTUSDTM", back));
  EXPECT_EQ(back, s);
}

TEST(FuturesCodec, SnapshotErrors) {
  FuturesDecoder dec;
  FuturesSnapshot s;
  auto api = dec.decode_snapshot(R"({"code":"300000","msg":"request parameter illegal","data":null})", "X", s);
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().code, Errc::api_error);
  EXPECT_NE(api.error().message.find("300000"), std::string::npos);
  EXPECT_NE(api.error().message.find("request parameter illegal"), std::string::npos);
  auto noseq = dec.decode_snapshot(R"({"code":"200000","data":{"bids":[],"asks":[]}})", "X", s);
  ASSERT_FALSE(noseq);
  EXPECT_EQ(noseq.error().code, Errc::missing_field);
  auto row = dec.decode_snapshot(R"({"code":"200000","data":{"sequence":1,"bids":[[1]],"asks":[]}})", "X", s);
  ASSERT_FALSE(row);
  EXPECT_EQ(row.error().code, Errc::protocol_violation);
  auto type = dec.decode_snapshot(R"({"code":"200000","data":{"sequence":1,"bids":[[true,1]],"asks":[]}})", "X", s);
  ASSERT_FALSE(type);
  EXPECT_EQ(type.error().code, Errc::wrong_type);
  EXPECT_NE(type.error().message.find("data.bids price"), std::string::npos) << type.error();
}

TEST(FuturesCodec, DecodesContractsWithTickLotAndMultiplier) {
  FuturesDecoder dec;
  std::vector<FuturesContract> cs;
  ASSERT_TRUE(dec.decode_contracts(kContractsBody, cs));
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].symbol, "XBTUSDTM");
  EXPECT_EQ(cs[0].base_currency, "XBT");
  EXPECT_EQ(cs[0].quote_currency, "USDT");
  EXPECT_EQ(cs[0].tick_size, px("0.1"));
  EXPECT_EQ(cs[0].lot_size, qty("1"));
  EXPECT_EQ(cs[0].multiplier, qty("0.001"));
  EXPECT_FALSE(cs[0].inverse);
  EXPECT_EQ(cs[0].status, "Open");
  EXPECT_EQ(cs[0].scale(), (SymbolScale{1, 0}));
  EXPECT_EQ(cs[1].symbol, "XBTUSDM");
  EXPECT_EQ(cs[1].multiplier, qty("1"));
  EXPECT_TRUE(cs[1].inverse);

  std::string body;
  encode_futures_contracts_response(cs, body);
  std::vector<FuturesContract> back;
  ASSERT_TRUE(dec.decode_contracts(body, back)) << body;
  EXPECT_EQ(back, cs);
  EXPECT_NE(body.find(R"("multiplier":-1,)"), std::string::npos) << body;
}

TEST(FuturesCodec, ContractErrorsNameTheContract) {
  FuturesDecoder dec;
  std::vector<FuturesContract> cs;
  auto r = dec.decode_contracts(R"({"code":"200000","data":[{"symbol":"XBTUSDTM","tickSize":0.1,"lotSize":1}]})", cs);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::missing_field);
  EXPECT_NE(r.error().message.find("XBTUSDTM"), std::string::npos) << r.error();
  EXPECT_NE(r.error().message.find("multiplier"), std::string::npos) << r.error();
  auto zero =
      dec.decode_contracts(R"({"code":"200000","data":[{"symbol":"A","tickSize":0,"lotSize":1,"multiplier":1}]})", cs);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, Errc::protocol_violation);
  auto notarray = dec.decode_contracts(R"({"code":"200000","data":{}})", cs);
  ASSERT_FALSE(notarray);
  EXPECT_EQ(notarray.error().code, Errc::wrong_type);
}

TEST(FuturesCodec, LotsToBaseUnitsIsExact) {
  EXPECT_EQ(lots_to_base(qty("513"), qty("0.001")), qty("0.513"));
  EXPECT_EQ(lots_to_base(qty("25596"), qty("1")), qty("25596"));
  EXPECT_EQ(lots_to_base(qty("0"), qty("0.01")), qty("0"));
  // 10^17 lots of 0.1: 10^16 exactly (trailing zeros dropped to fit).
  EXPECT_EQ(lots_to_base(Quantity{100'000'000'000'000'000, 0}, qty("0.1")), (Quantity{10'000'000'000'000'000, 0}));
  // Too many significant digits for an exact decimal.
  EXPECT_FALSE(lots_to_base(Quantity{999'999'999'999'999'999, 0}, qty("9.9")));
}

TEST(FuturesCodec, FuturesTopicsAreOfTheFuturesHost) {
  const DataTopic l2(channels::kFuturesLevel2, "XBTUSDTM");
  EXPECT_EQ(l2.text, "/contractMarket/level2:XBTUSDTM");
  EXPECT_FALSE(l2.is_private);
  for (std::string_view ch : {channels::kFuturesLevel2, channels::kFuturesLevel2Depth5, channels::kFuturesLevel2Depth50,
                              channels::kFuturesTickerV2}) {
    const ChannelInfo* info = find_channel(ch);
    ASSERT_NE(info, nullptr) << ch;
    EXPECT_EQ(info->market, Market::futures) << ch;
  }
  EXPECT_EQ(find_channel(channels::kLevel2)->market, Market::spot);
  // One symbol per futures subscribe request (the documented form).
  const DataTopic two[] = {DataTopic(channels::kFuturesLevel2, "A"), DataTopic(channels::kFuturesLevel2, "B")};
  EXPECT_EQ(group_requests(two).size(), 2u);
}

}  // namespace
}  // namespace kucoin
