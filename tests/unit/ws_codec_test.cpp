// The tests of one codec (kucoin/protocol/ws_codec.hpp) stay in one file: every frame kind, decoded
// and encoded, with the malformed variants of each next to the valid one.

#include "kucoin/protocol/ws_codec.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "kucoin/core/rng.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin {
namespace {

// Decodes a server frame and returns the alternative T (views valid until the decoder's next call).
template <class T>
T server_as(WsDecoder& d, std::string_view json) {
  auto r = d.decode_server(json);
  if (!r) {
    ADD_FAILURE() << json << "\n-> " << r.error();
    return T{};
  }
  const T* p = std::get_if<T>(&*r);
  if (p == nullptr) {
    ADD_FAILURE() << json << "\n-> decoded as alternative " << r->index();
    return T{};
  }
  return *p;
}

template <class T>
T client_as(WsDecoder& d, std::string_view json) {
  auto r = d.decode_client(json);
  if (!r) {
    ADD_FAILURE() << json << "\n-> " << r.error().error;
    return T{};
  }
  const T* p = std::get_if<T>(&*r);
  if (p == nullptr) {
    ADD_FAILURE() << json << "\n-> decoded as alternative " << r->index();
    return T{};
  }
  return *p;
}

Error server_error(WsDecoder& d, std::string_view json) {
  auto r = d.decode_server(json);
  if (r) {
    ADD_FAILURE() << json << "\n-> decoded as alternative " << r->index() << ", expected an error";
    return {};
  }
  return r.error();
}

ClientFrameError client_error(WsDecoder& d, std::string_view json) {
  auto r = d.decode_client(json);
  if (r) {
    ADD_FAILURE() << json << "\n-> decoded as alternative " << r->index() << ", expected an error";
    return {};
  }
  return r.error();
}

// ---------------------------------------------------------------- server -> client, real frames

TEST(WsCodecServer, WelcomeFromDocsAndCapture) {
  WsDecoder d;
  EXPECT_EQ(server_as<WelcomeFrame>(d, R"({"id":"hQvf8jkno","type":"welcome"})").id, "hQvf8jkno");
  // Real capture, token-only URL: the server invented the id (§5.1).
  EXPECT_EQ(server_as<WelcomeFrame>(d, R"({"id":"NSkIrWGB1s","type":"welcome"})").id, "NSkIrWGB1s");
  // Key order does not matter.
  EXPECT_EQ(server_as<WelcomeFrame>(d, R"({"type":"welcome","id":"abc"})").id, "abc");
  // No id: still a welcome, with an empty id.
  EXPECT_EQ(server_as<WelcomeFrame>(d, R"({"type":"welcome"})").id, "");
}

TEST(WsCodecServer, PongAndAckFromDocs) {
  WsDecoder d;
  EXPECT_EQ(server_as<PongFrame>(d, R"({"id":"1545910590801","type":"pong"})").id, "1545910590801");
  EXPECT_EQ(server_as<AckFrame>(d, R"({"id":"1545910660739","type":"ack"})").id, "1545910660739");
  EXPECT_EQ(server_as<AckFrame>(d, R"({"id":"1545910840805","type":"ack"})").id, "1545910840805");
  // The ack cryptofeed got thirteen times for its numeric id 1 (§5.3).
  EXPECT_EQ(server_as<AckFrame>(d, R"({"id":"1","type":"ack"})").id, "1");
  // UNI SDK ids are arbitrary strings.
  EXPECT_EQ(server_as<AckFrame>(d, R"({"id":"/market/level2@@BTC-USDT,ETH-USDT","type":"ack"})").id,
            "/market/level2@@BTC-USDT,ETH-USDT");
}

TEST(WsCodecServer, NumericIdsAreKeptAsTheirJsonText) {
  WsDecoder d;
  EXPECT_EQ(server_as<PongFrame>(d, R"({"id":1545910590801,"type":"pong"})").id, "1545910590801");
  EXPECT_EQ(server_as<AckFrame>(d, R"({"id": 1 ,"type":"ack"})").id, "1");
  EXPECT_EQ(server_as<AckFrame>(d, R"({"id":-7,"type":"ack"})").id, "-7");
  EXPECT_EQ(server_as<AckFrame>(d, R"({"id":1.5e3,"type":"ack"})").id, "1.5e3");
  // Beyond int64: still a valid JSON number, kept verbatim.
  EXPECT_EQ(server_as<AckFrame>(d, R"({"id":123456789012345678901234567890,"type":"ack"})").id,
            "123456789012345678901234567890");
  EXPECT_EQ(server_as<AckFrame>(d, R"({"id":null,"type":"ack"})").id, "");
}

TEST(WsCodecServer, ErrorFramesFromSection55) {
  WsDecoder d;
  auto e1 = server_as<ErrorFrame>(
      d, R"({"id":"1551623050668","type":"error","code":404,"data":"topic /market/level2:BSV-BTC is not found"})");
  EXPECT_EQ(e1.id, std::optional<std::string_view>("1551623050668"));
  EXPECT_EQ(e1.code, 404);
  EXPECT_EQ(e1.data, "topic /market/level2:BSV-BTC is not found");

  auto e2 = server_as<ErrorFrame>(
      d,
      R"({"id":"xxxx","type":"error","code":509,"data":"exceed max subscription count limitation of 100 per time"})");
  EXPECT_EQ(e2.id, std::optional<std::string_view>("xxxx"));
  EXPECT_EQ(e2.code, 509);
  EXPECT_EQ(e2.data, "exceed max subscription count limitation of 100 per time");

  auto e3 = server_as<ErrorFrame>(d, R"({"type":"error","code":401,"data":"token is expired"})");
  EXPECT_FALSE(e3.id.has_value());
  EXPECT_EQ(e3.code, 401);
  EXPECT_EQ(e3.data, "token is expired");

  auto e4 = server_as<ErrorFrame>(d, R"({"id":"1","type":"error","code":415,"data":"type is not supported"})");
  EXPECT_EQ(e4.id, std::optional<std::string_view>("1"));
  EXPECT_EQ(e4.code, 415);
  EXPECT_EQ(e4.data, "type is not supported");
}

TEST(WsCodecServer, ErrorFramesAreDecodedLeniently) {
  WsDecoder d;
  auto a = server_as<ErrorFrame>(d, R"({"type":"error","code":"401","data":"token is expired"})");
  EXPECT_EQ(a.code, 401);
  auto b = server_as<ErrorFrame>(d, R"({"type":"error"})");
  EXPECT_EQ(b.code, 0);
  EXPECT_EQ(b.data, "");
  auto c = server_as<ErrorFrame>(d, R"({"type":"error","code":500,"data":{"reason":"x"}})");
  EXPECT_EQ(c.data, R"({"reason":"x"})");
  auto e = server_as<ErrorFrame>(d, R"({"id":42,"type":"error","code":null,"data":"a \"quoted\" \u00e9"})");
  EXPECT_EQ(e.id, std::optional<std::string_view>("42"));
  EXPECT_EQ(e.code, 0);
  EXPECT_EQ(e.data, "a \"quoted\" \xc3\xa9");
}

constexpr std::string_view kL2Data =
    R"({"changes":{"asks":[["67993.3","1.21427407","14701689783"]],"bids":[]},"sequenceEnd":14701689783,"sequenceStart":14701689783,"symbol":"BTC-USDT","time":1729816425625})";

TEST(WsCodecServer, Level2MessageFromSection61) {
  WsDecoder d;
  const std::string frame =
      R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":)" +
      std::string(kL2Data) + "}";
  auto m = server_as<DataMessage>(d, frame);
  EXPECT_EQ(m.topic, "/market/level2:BTC-USDT");
  EXPECT_EQ(m.channel, "/market/level2");
  EXPECT_EQ(m.symbol, "BTC-USDT");
  EXPECT_EQ(m.effective_symbol(), "BTC-USDT");
  EXPECT_EQ(m.subject, "trade.l2update");
  EXPECT_EQ(m.data, kL2Data);  // the raw JSON of data, byte for byte
  EXPECT_FALSE(m.sn.has_value());
  EXPECT_FALSE(m.id.has_value());
  EXPECT_FALSE(m.user_id.has_value());
  EXPECT_FALSE(m.channel_type.has_value());
}

TEST(WsCodecServer, CapturedTickerAndMatchWithDataFirst) {
  // Real frames from the cryptofeed capture (§8.1): "data" comes first.
  constexpr std::string_view ticker_data =
      R"({"sequence":"1612844051653","bestAsk":"0.00028717","size":"0.01745248","bestBidSize":"3.70422021","price":"0.00028676","time":1619378326323,"bestAskSize":"14.04274325","bestBid":"0.00028678"})";
  const std::string ticker = R"({"data":)" + std::string(ticker_data) +
                             R"(,"subject":"trade.ticker","topic":"/market/ticker:SNX-BTC","type":"message"})";
  constexpr std::string_view match_data =
      R"({"symbol":"DAPPT-BTC","sequence":"1612701563869","side":"buy","size":"81.8814","price":"0.0000001117","takerOrderId":"6085c097587c2000060cde57","time":"1619378327739050725","type":"match","makerOrderId":"6085c06144b3790006512a4d","tradeId":"6085c09769bc506996295e36"})";
  const std::string match = R"({"data":)" + std::string(match_data) +
                            R"(,"subject":"trade.l3match","topic":"/market/match:DAPPT-BTC","type":"message"})";
  WsDecoder d;
  auto t = server_as<DataMessage>(d, ticker);
  EXPECT_EQ(t.channel, "/market/ticker");
  EXPECT_EQ(t.symbol, "SNX-BTC");
  EXPECT_EQ(t.subject, "trade.ticker");
  EXPECT_EQ(t.data, ticker_data);
  auto m = server_as<DataMessage>(d, match);
  EXPECT_EQ(m.channel, "/market/match");
  EXPECT_EQ(m.symbol, "DAPPT-BTC");
  EXPECT_EQ(m.subject, "trade.l3match");
  EXPECT_EQ(m.data, match_data);
}

TEST(WsCodecServer, TickerAllPutsTheSymbolInTheSubject) {
  WsDecoder d;
  auto m = server_as<DataMessage>(
      d, R"({"topic":"/market/ticker:all","type":"message","subject":"BTC-USDT","data":{"sequence":"1","price":"1"}})");
  EXPECT_EQ(m.symbol, "all");
  EXPECT_EQ(m.effective_symbol(), "BTC-USDT");
}

TEST(WsCodecServer, DepthAndLevel1Messages) {
  WsDecoder d;
  auto m = server_as<DataMessage>(d,
                                  R"({"topic":"/spotMarket/level2Depth5:BTC-USDT","type":"message","subject":"level2",
 "data":{"asks":[["67996.7","1.14213262"],["67996.8","0.21748212"]],
         "bids":[["67996.6","0.37969491"],["67995.3","0.20779746"]],
         "timestamp":1729822226746}})");
  EXPECT_EQ(m.channel, "/spotMarket/level2Depth5");
  EXPECT_EQ(m.subject, "level2");
  EXPECT_EQ(m.data.front(), '{');
  EXPECT_EQ(m.data.back(), '}');
  EXPECT_NE(m.data.find("\"timestamp\":1729822226746"), std::string_view::npos);

  auto l1 = server_as<DataMessage>(
      d,
      R"({"topic":"/spotMarket/level1:BTC-USDT","type":"message","subject":"level1","data":{"asks":["68145.8","0.51987471"],"bids":["68145.7","1.29267802"],"timestamp":1729816058766}})");
  EXPECT_EQ(l1.channel, "/spotMarket/level1");
  EXPECT_EQ(l1.data, R"({"asks":["68145.8","0.51987471"],"bids":["68145.7","1.29267802"],"timestamp":1729816058766})");
}

TEST(WsCodecServer, FuturesMessagesCarrySn) {
  WsDecoder d;
  auto m = server_as<DataMessage>(
      d,
      R"({"topic":"/contractMarket/level2:XBTUSDTM","type":"message","subject":"level2","sn":1709400450243,"data":{"sequence":1709400450243,"change":"90631.2,sell,2","timestamp":1731897467182}})");
  EXPECT_EQ(m.channel, "/contractMarket/level2");
  EXPECT_EQ(m.symbol, "XBTUSDTM");
  EXPECT_EQ(m.sn, std::optional<std::int64_t>(1709400450243));
  EXPECT_EQ(m.data, R"({"sequence":1709400450243,"change":"90631.2,sell,2","timestamp":1731897467182})");
}

TEST(WsCodecServer, PrivatePushes) {
  WsDecoder d;
  auto o = server_as<DataMessage>(
      d,
      R"({"topic":"/spotMarket/tradeOrdersV2","type":"message","subject":"orderChange","userId":"633559791e1cbc0001f319bc","channelType":"private",
 "data":{"clientOid":"5c52e11203aa677f33e493fc","orderId":"6720da3fa30a360007f5f832","orderTime":1730206271588,"orderType":"market",
         "originSize":"0.00001","side":"buy","status":"new","symbol":"BTC-USDT","ts":1730206271616000000,"type":"received"}})");
  EXPECT_EQ(o.topic, "/spotMarket/tradeOrdersV2");
  EXPECT_EQ(o.channel, "/spotMarket/tradeOrdersV2");
  EXPECT_EQ(o.symbol, "");
  EXPECT_EQ(o.subject, "orderChange");
  EXPECT_EQ(o.user_id, std::optional<std::string_view>("633559791e1cbc0001f319bc"));
  EXPECT_EQ(o.channel_type, std::optional<std::string_view>("private"));
  EXPECT_FALSE(o.id.has_value());
  // "type":"received" inside data does not confuse the envelope.
  EXPECT_NE(o.data.find("\"type\":\"received\""), std::string_view::npos);

  auto b = server_as<DataMessage>(
      d,
      R"({"topic":"/account/balance","type":"message","subject":"account.balance","id":"354689988084000","userId":"633559791e1cbc0001f319bc","channelType":"private",
 "data":{"accountId":"548674591753","currency":"USDT","total":"21.133773386762","available":"20.132773386762","hold":"1.001",
         "availableChange":"-0.5005","holdChange":"0.5005","relationContext":{"symbol":"BTC-USDT","orderId":"6721d0632db25b0007071fdc"},
         "relationEvent":"trade.hold","relationEventId":"354689988084000","time":"1730269283892"}})");
  EXPECT_EQ(b.channel, "/account/balance");
  EXPECT_EQ(b.id, std::optional<std::string_view>("354689988084000"));
  EXPECT_EQ(b.subject, "account.balance");
}

TEST(WsCodecServer, DataSpanIsTrimmedOfWhitespace) {
  WsDecoder d;
  auto m = server_as<DataMessage>(d,
                                  "{ \"type\" : \"message\" , \"topic\" : \"/a:B\" , \"data\" :\n\t[1, 2 ,3]\r\n , "
                                  "\"subject\":\"s\" }\n");
  EXPECT_EQ(m.data, "[1, 2 ,3]");
  auto s = server_as<DataMessage>(d, R"({"type":"message","topic":"/a:B","data":"text" })");
  EXPECT_EQ(s.data, R"("text")");
  auto n = server_as<DataMessage>(d, R"({"type":"message","topic":"/a:B","data":12.5 })");
  EXPECT_EQ(n.data, "12.5");
  auto z = server_as<DataMessage>(d, R"({"type":"message","topic":"/a:B","data":null})");
  EXPECT_EQ(z.data, "null");
  EXPECT_EQ(z.subject, "");  // subject is optional
}

TEST(WsCodecServer, NoticeCommandAndUnknownTypes) {
  WsDecoder d;
  auto n = server_as<NoticeFrame>(d, R"({"type":"notice","topic":"/x","subject":"maintenance","data":{"a":1}})");
  EXPECT_EQ(n.topic, "/x");
  EXPECT_EQ(n.subject, "maintenance");
  EXPECT_EQ(n.data, R"({"a":1})");
  auto c = server_as<CommandFrame>(d, R"({"type":"command"})");
  EXPECT_EQ(c.topic, "");
  EXPECT_EQ(c.data, "");
  EXPECT_EQ(server_as<UnknownFrame>(d, R"({"id":"1Jpg30DEdU","type":"openTunnel","newTunnelId":"bt1"})").type,
            "openTunnel");
  // A server "ping" is not something KuCoin sends (§5.2): it is reported, not mistaken for a pong.
  EXPECT_EQ(server_as<UnknownFrame>(d, R"({"id":"1","type":"ping"})").type, "ping");
}

TEST(WsCodecServer, EscapedKeysAndValuesAreUnescaped) {
  WsDecoder d;
  EXPECT_EQ(server_as<WelcomeFrame>(d, R"({"t\u0079pe":"welcome","\u0069d":"a\/b"})").id, "a/b");
  auto m = server_as<DataMessage>(d, R"({"type":"message","topic":"\/market\/level2:BTC-USDT","data":{}})");
  EXPECT_EQ(m.channel, "/market/level2");
  EXPECT_EQ(m.symbol, "BTC-USDT");
}

TEST(WsCodecServer, ViewsDoNotDependOnTheCallersBuffer) {
  WsDecoder d;
  std::string frame = R"({"id":"keep-me","type":"ack"})";
  auto r = d.decode_server(frame);
  ASSERT_TRUE(r);
  frame.assign(frame.size(), 'x');
  frame.shrink_to_fit();
  EXPECT_EQ(std::get<AckFrame>(*r).id, "keep-me");
}

// ---------------------------------------------------------------- server frames, malformed input

struct BadServerCase {
  const char* json;
  Errc code;
  const char* field;  // must appear in the message
};

class WsCodecServerBad : public ::testing::TestWithParam<BadServerCase> {};

TEST_P(WsCodecServerBad, GivesATypedError) {
  const auto& c = GetParam();
  WsDecoder d;
  Error e = server_error(d, c.json);
  EXPECT_EQ(e.code, c.code) << c.json << " -> " << e;
  EXPECT_NE(e.message.find(c.field), std::string::npos) << c.json << " -> " << e;
  // The decoder is still usable afterwards.
  EXPECT_EQ(server_as<PongFrame>(d, R"({"id":"1","type":"pong"})").id, "1");
}

INSTANTIATE_TEST_SUITE_P(
    WsCodec, WsCodecServerBad,
    ::testing::Values(
        BadServerCase{"", Errc::parse_error, "frame"}, BadServerCase{"   ", Errc::parse_error, "frame"},
        BadServerCase{"not json", Errc::parse_error, "frame"}, BadServerCase{"nul", Errc::parse_error, "frame"},
        BadServerCase{"[1,2", Errc::parse_error, "frame"}, BadServerCase{"null", Errc::wrong_type, "frame"},
        BadServerCase{"123", Errc::wrong_type, "frame"}, BadServerCase{"truex", Errc::parse_error, "frame"},
        BadServerCase{R"({"id":"1","type":"pong")", Errc::parse_error, "frame"},
        BadServerCase{R"({"id":"1","type":"po)", Errc::parse_error, ""},
        BadServerCase{R"([{"id":"1","type":"pong"}])", Errc::wrong_type, "frame"},
        BadServerCase{R"("pong")", Errc::wrong_type, "frame"},
        BadServerCase{R"({"id":"1"})", Errc::missing_field, "type"},
        BadServerCase{R"({})", Errc::missing_field, "type"}, BadServerCase{R"({"type":5})", Errc::wrong_type, "type"},
        BadServerCase{R"({"type":null})", Errc::wrong_type, "type"},
        BadServerCase{R"({"type":"ack","id":true})", Errc::wrong_type, "id"},
        BadServerCase{R"({"type":"ack","id":{"a":1}})", Errc::wrong_type, "id"},
        BadServerCase{R"({"type":"ack","id":[1]})", Errc::wrong_type, "id"},
        BadServerCase{R"({"type":"ack","id":12x})", Errc::bad_number, "id"},
        BadServerCase{R"({"type":"message","data":{}})", Errc::missing_field, "topic"},
        BadServerCase{R"({"type":"message","topic":"/a:B"})", Errc::missing_field, "data"},
        BadServerCase{R"({"type":"message","topic":7,"data":{}})", Errc::wrong_type, "topic"},
        BadServerCase{R"({"type":"message","topic":"/a:B","subject":[],"data":{}})", Errc::wrong_type, "subject"},
        BadServerCase{R"({"type":"message","topic":"/a:B","sn":"x","data":{}})", Errc::bad_number, "sn"},
        BadServerCase{R"({"type":"message","topic":"/a:B","sn":1.5,"data":{}})", Errc::wrong_type, "sn"},
        BadServerCase{R"({"type":"message","topic":"/a:B","sn":99999999999999999999,"data":{}})", Errc::out_of_range,
                      "sn"},
        BadServerCase{R"({"type":"message","topic":"/a:B","userId":1,"data":{}})", Errc::wrong_type, "userId"},
        BadServerCase{R"({"type":"message","topic":"/a:B","channelType":false,"data":{}})", Errc::wrong_type,
                      "channelType"},
        BadServerCase{R"({"type":"error","code":"abc"})", Errc::bad_number, "code"},
        BadServerCase{R"({"type":"error","code":4294967296})", Errc::out_of_range, "code"},
        BadServerCase{R"({"type":"error","code":{}})", Errc::wrong_type, "code"},
        BadServerCase{R"({"type":"ack","id":"1"} x)", Errc::parse_error, "frame"},
        BadServerCase{R"({"type":"ack","id":"1"}{})", Errc::parse_error, "trailing"},
        BadServerCase{R"({"type":"message","topic":"/a:B","data":{"x":[1,2}})", Errc::parse_error, ""},
        BadServerCase{R"({"type":"message","topic":"/a:B","data":{"x":)", Errc::parse_error, ""},
        BadServerCase{R"({"type":"ack" "id":"1"})", Errc::parse_error, ""},
        BadServerCase{R"({"type":"ack","id":"1",})", Errc::parse_error, ""},
        BadServerCase{"{\"type\":\"ack\",\"id\":\"\xff\xfe\"}", Errc::parse_error, "frame"},
        BadServerCase{"{\"type\":\"ack\",\"id\":\"a\nb\"}", Errc::parse_error, ""},
        BadServerCase{R"({"type":"ack","id":"\x"})", Errc::parse_error, ""}));

// Every strict prefix of a valid frame is an error, and no prefix crashes the decoder.
TEST(WsCodecServer, EveryTruncationIsAnError) {
  const std::vector<std::string> frames = {
      R"({"id":"hQvf8jkno","type":"welcome"})",
      R"({"id":"xxxx","type":"error","code":509,"data":"exceed max subscription count limitation of 100 per time"})",
      R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":)" +
          std::string(kL2Data) + "}",
      R"({"data":{"a":[1,{"b":"c"}],"d":"e"},"subject":"s","topic":"/x:Y","type":"message","sn":5})",
  };
  WsDecoder d;
  for (const std::string& f : frames) {
    ASSERT_TRUE(d.decode_server(f)) << f;
    for (std::size_t n = 0; n < f.size(); ++n) {
      auto r = d.decode_server(std::string_view(f).substr(0, n));
      EXPECT_FALSE(r) << "prefix of length " << n << " decoded: " << f.substr(0, n);
    }
  }
}

// Random byte damage never crashes and either decodes or gives a typed error.
TEST(WsCodecServer, MutatedFramesNeverCrash) {
  const std::string base =
      R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","sn":12,"id":"7","data":)" +
      std::string(kL2Data) + "}";
  constexpr std::string_view alphabet = "{}[]\":,\\ 0123456789.-eE+tfnul\x01\xff";
  Rng rng(2024);
  WsDecoder d;
  std::size_t ok = 0, bad = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string f = base;
    const auto edits = 1 + rng.below(4);
    for (std::uint64_t k = 0; k < edits; ++k) {
      const auto pos = static_cast<std::size_t>(rng.below(f.size()));
      const char c = alphabet[static_cast<std::size_t>(rng.below(alphabet.size()))];
      switch (rng.below(3)) {
        case 0: f[pos] = c; break;
        case 1: f.insert(f.begin() + static_cast<std::ptrdiff_t>(pos), c); break;
        default: f.erase(pos, 1); break;
      }
    }
    auto r = d.decode_server(f);
    if (r) {
      ++ok;
    } else {
      ++bad;
      EXPECT_NE(r.error().code, Errc::ok);
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  EXPECT_GT(bad, 0u);
  EXPECT_GT(ok, 0u);  // damage inside string values still decodes
}

// ---------------------------------------------------------------- client -> server

TEST(WsCodecClient, PingFromDocs) {
  WsDecoder d;
  EXPECT_EQ(client_as<PingFrame>(d, R"({"id":"1545910590801","type":"ping"})").id, "1545910590801");
  EXPECT_EQ(client_as<PingFrame>(d, R"({"type":"ping","id":1545910590801})").id, "1545910590801");
  EXPECT_EQ(client_as<PingFrame>(d, R"({"type":"ping"})").id, "");
}

TEST(WsCodecClient, SubscribeWithNumericIdFromDocs) {
  WsDecoder d;
  auto s = client_as<SubscribeFrame>(
      d,
      R"({"id":1545910660739,"type":"subscribe","topic":"/market/ticker:BTC-USDT,ETH-USDT","privateChannel":false,"response":true})");
  EXPECT_EQ(s.id, "1545910660739");
  EXPECT_EQ(s.topic, "/market/ticker:BTC-USDT,ETH-USDT");
  EXPECT_FALSE(s.private_channel);
  EXPECT_TRUE(s.response);
  // The ack echoes the id as a string.
  EXPECT_EQ(frame_json(AckFrame{s.id}), R"({"id":"1545910660739","type":"ack"})");
}

TEST(WsCodecClient, UnsubscribeFromDocs) {
  WsDecoder d;
  auto u = client_as<UnsubscribeFrame>(
      d,
      R"({"id":"1545910840805","type":"unsubscribe","topic":"/market/ticker:BTC-USDT,ETH-USDT","privateChannel":false,"response":true})");
  EXPECT_EQ(u.id, "1545910840805");
  EXPECT_EQ(u.topic, "/market/ticker:BTC-USDT,ETH-USDT");
  EXPECT_TRUE(u.response);
}

TEST(WsCodecClient, CryptofeedSubscribeWithSpaceInTopic) {
  WsDecoder d;
  auto s = client_as<SubscribeFrame>(
      d,
      R"({"id":1,"type":"subscribe","topic":"/market/level2: BTC-USDT,ETH-USDT","privateChannel":false,"response":true})");
  EXPECT_EQ(s.id, "1");
  EXPECT_EQ(s.topic, "/market/level2: BTC-USDT,ETH-USDT");  // verbatim; parse_topic trims
  EXPECT_EQ(frame_json(AckFrame{s.id}), R"({"id":"1","type":"ack"})");
}

TEST(WsCodecClient, DefaultsAndLenientBooleans) {
  WsDecoder d;
  // hummingbot style: response false; ccxt omits privateChannel for public topics.
  auto a = client_as<SubscribeFrame>(d, R"({"id":"9","type":"subscribe","topic":"/market/match:BTC-USDT"})");
  EXPECT_FALSE(a.private_channel);
  EXPECT_FALSE(a.response);
  // KuCoin's own docs send "privateChannel":"true" as a string (/contract/marginMode).
  auto b = client_as<SubscribeFrame>(
      d,
      R"({"id":1545910660739,"type":"subscribe","topic":"/contract/marginMode","response":true,"privateChannel":"true"})");
  EXPECT_TRUE(b.private_channel);
  EXPECT_TRUE(b.response);
  auto c = client_as<SubscribeFrame>(
      d, R"({"id":"x","type":"subscribe","topic":"/a:B","privateChannel":null,"response":"false"})");
  EXPECT_FALSE(c.private_channel);
  EXPECT_FALSE(c.response);
}

TEST(WsCodecClient, UnknownTypeBecomes415WithTheId) {
  WsDecoder d;
  auto e = client_error(d, R"({"id":"1Jpg30DEdU","type":"openTunnel","newTunnelId":"bt1","response":true})");
  EXPECT_EQ(e.error.code, Errc::unexpected_message);
  EXPECT_NE(e.error.message.find("openTunnel"), std::string::npos);
  EXPECT_EQ(e.reply_code, 415);
  EXPECT_EQ(frame_json(e.reply()), R"({"id":"1Jpg30DEdU","type":"error","code":415,"data":"type is not supported"})");

  auto n = client_error(d, R"({"type":"pong","id":1})");
  EXPECT_EQ(frame_json(n.reply()), R"({"id":"1","type":"error","code":415,"data":"type is not supported"})");

  auto m = client_error(d, R"({"id":"5"})");  // no type at all
  EXPECT_EQ(m.reply_code, 415);
  EXPECT_EQ(m.id, std::optional<std::string>("5"));
}

// Found by fuzz_ws_json: a malformed id whose excerpt cut a UTF-8 character (and held stray
// bytes) made the mock's error reply invalid UTF-8, which a strict client cannot read. Excerpts now
// cut between characters and show invalid bytes as '?'.
TEST(WsCodecClient, ErrorRepliesStayValidUtf8WhateverTheInputBytes) {
  WsDecoder d, server;
  const std::string bad_id = std::string(R"({"id":1privat1pri)") + std::string("\x01\x00\x05", 3) + "vate" +
                             std::string(29, 'x') + "\xc8\xae" + R"(,"type":"ping"})";  // U+022E at bytes 48-49
  auto e = client_error(d, bad_id);
  EXPECT_EQ(e.reply_code, 400);
  const std::string reply = frame_json(e.reply());
  auto r = server.decode_server(reply);
  ASSERT_TRUE(r) << reply;
  const auto* f = std::get_if<ErrorFrame>(&*r);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->data, e.reply_data);
  EXPECT_EQ(f->data.find("\xc8"), std::string::npos) << "the cut character is not in the reply";
  // Whole characters survive.
  auto u = client_error(d, "{\"id\":1\xc3\xa9,\"type\":\"ping\"}");
  EXPECT_NE(u.error.message.find("\"1\xc3\xa9\""), std::string::npos) << u.error.message;
}

struct BadClientCase {
  const char* json;
  Errc code;
  const char* field;
  int reply_code;
};

class WsCodecClientBad : public ::testing::TestWithParam<BadClientCase> {};

TEST_P(WsCodecClientBad, GivesATypedErrorAndAReply) {
  const auto& c = GetParam();
  WsDecoder d;
  ClientFrameError e = client_error(d, c.json);
  EXPECT_EQ(e.error.code, c.code) << c.json << " -> " << e.error;
  EXPECT_NE(e.error.message.find(c.field), std::string::npos) << c.json << " -> " << e.error;
  EXPECT_EQ(e.reply_code, c.reply_code);
  EXPECT_FALSE(e.reply_data.empty());
  // The reply is itself a valid error frame.
  const std::string reply = frame_json(e.reply());
  auto back = d.decode_server(reply);
  ASSERT_TRUE(back) << reply;
  EXPECT_EQ(std::get<ErrorFrame>(*back).code, c.reply_code);
}

INSTANTIATE_TEST_SUITE_P(
    WsCodec, WsCodecClientBad,
    ::testing::Values(BadClientCase{"", Errc::parse_error, "frame", 400},
                      BadClientCase{"ping", Errc::parse_error, "frame", 400},
                      BadClientCase{R"({"id":"1","type":"ping")", Errc::parse_error, "frame", 400},
                      BadClientCase{R"(["ping"])", Errc::wrong_type, "frame", 400},
                      BadClientCase{R"({"type":1})", Errc::wrong_type, "type", 400},
                      BadClientCase{R"({"type":"subscribe","id":"1"})", Errc::missing_field, "topic", 400},
                      BadClientCase{R"({"type":"unsubscribe","id":"1","topic":5})", Errc::wrong_type, "topic", 400},
                      BadClientCase{R"({"type":"subscribe","id":"1","topic":"/a:B","response":1})", Errc::wrong_type,
                                    "response", 400},
                      BadClientCase{R"({"type":"subscribe","id":"1","topic":"/a:B","privateChannel":"yes"})",
                                    Errc::wrong_type, "privateChannel", 400},
                      BadClientCase{R"({"type":"ping","id":[]})", Errc::wrong_type, "id", 400},
                      BadClientCase{R"({"type":"ping","id":"1"} {})", Errc::parse_error, "trailing", 400}));

TEST(WsCodecClient, ErrorKeepsTheIdWhenTheFrameBreaksLater) {
  WsDecoder d;
  auto e = client_error(d, R"({"id":"77","type":"subscribe","topic":"/a:B","response":7})");
  EXPECT_EQ(e.id, std::optional<std::string>("77"));
  EXPECT_EQ(frame_json(e.reply()).rfind(R"({"id":"77","type":"error","code":400,"data":)", 0), 0u)
      << frame_json(e.reply());
}

// ---------------------------------------------------------------- encoders: exact shapes

TEST(WsCodecEncode, ExactKuCoinShapes) {
  EXPECT_EQ(frame_json(WelcomeFrame{"hQvf8jkno"}), R"({"id":"hQvf8jkno","type":"welcome"})");
  EXPECT_EQ(frame_json(PongFrame{"1545910590801"}), R"({"id":"1545910590801","type":"pong"})");
  EXPECT_EQ(frame_json(AckFrame{"1545910660739"}), R"({"id":"1545910660739","type":"ack"})");
  EXPECT_EQ(frame_json(ErrorFrame{"1", 401, "token is expired"}),
            R"({"id":"1","type":"error","code":401,"data":"token is expired"})");
  EXPECT_EQ(frame_json(ErrorFrame{std::nullopt, 401, "token is expired"}),
            R"({"type":"error","code":401,"data":"token is expired"})");
  EXPECT_EQ(frame_json(PingFrame{"1545910590801"}), R"({"id":"1545910590801","type":"ping"})");
  EXPECT_EQ(
      frame_json(SubscribeFrame{"1545910660739", "/market/ticker:BTC-USDT,ETH-USDT", false, true}),
      R"({"id":"1545910660739","type":"subscribe","topic":"/market/ticker:BTC-USDT,ETH-USDT","privateChannel":false,"response":true})");
  EXPECT_EQ(
      frame_json(UnsubscribeFrame{"u1", "/spotMarket/tradeOrdersV2", true, false}),
      R"({"id":"u1","type":"unsubscribe","topic":"/spotMarket/tradeOrdersV2","privateChannel":true,"response":false})");
  EXPECT_EQ(frame_json(UnknownFrame{"openTunnel"}), R"({"type":"openTunnel"})");
  EXPECT_EQ(frame_json(NoticeFrame{"", "s", ""}), R"({"type":"notice","subject":"s"})");
  EXPECT_EQ(frame_json(CommandFrame{"/t", "", "[1]"}), R"({"type":"command","topic":"/t","data":[1]})");
}

TEST(WsCodecEncode, DataMessageShapes) {
  DataMessage m;
  m.topic = "/market/level2:BTC-USDT";
  m.subject = "trade.l2update";
  m.data = kL2Data;
  EXPECT_EQ(frame_json(m), R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":)" +
                               std::string(kL2Data) + "}");
  DataMessage f;
  f.topic = "/contractMarket/level2:XBTUSDTM";
  f.subject = "level2";
  f.sn = 1709400450243;
  f.data = R"({"sequence":1709400450243,"change":"90631.2,sell,2","timestamp":1731897467182})";
  EXPECT_EQ(
      frame_json(f),
      R"({"topic":"/contractMarket/level2:XBTUSDTM","type":"message","subject":"level2","sn":1709400450243,"data":{"sequence":1709400450243,"change":"90631.2,sell,2","timestamp":1731897467182}})");
  DataMessage p;
  p.topic = "/account/balance";
  p.subject = "account.balance";
  p.id = "354689988084000";
  p.user_id = "633559791e1cbc0001f319bc";
  p.channel_type = "private";
  EXPECT_EQ(
      frame_json(p),
      R"({"topic":"/account/balance","type":"message","subject":"account.balance","id":"354689988084000","userId":"633559791e1cbc0001f319bc","channelType":"private","data":{}})");
}

TEST(WsCodecEncode, JsonStringEscaping) {
  std::string out;
  append_json_string(out, std::string_view("a\"b\\c/\b\f\n\r\t\x01\x1f\x7f\0z\xc3\xa9", 18));
  EXPECT_EQ(out, R"("a\"b\\c/\b\f\n\r\t\u0001\u001f\u007f\u0000z)"
                 "\xc3\xa9\"");
  out.clear();
  append_json_string(out, "");
  EXPECT_EQ(out, "\"\"");
}

// The block scan against the plain byte-by-byte definition: every byte value at every offset of
// strings around the block sizes, runs of escapes long enough to outgrow the reserved room, and
// appending after existing text.
TEST(WsCodecEncode, JsonStringEscapingMatchesTheByteByByteDefinition) {
  auto reference = [](std::string_view s) {
    std::string r = "\"";
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"': r += "\\\""; break;
        case '\\': r += "\\\\"; break;
        case '\b': r += "\\b"; break;
        case '\f': r += "\\f"; break;
        case '\n': r += "\\n"; break;
        case '\r': r += "\\r"; break;
        case '\t': r += "\\t"; break;
        default:
          if (c < 0x20 || c == 0x7f) {
            char u[8];
            std::snprintf(u, sizeof u, "\\u%04x", c);
            r += u;
          } else {
            r += ch;
          }
      }
    }
    return r + "\"";
  };
  for (std::size_t len : {1u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 33u, 64u}) {
    for (std::size_t at = 0; at < len; ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string s(len, 'x');
        s[at] = static_cast<char>(b);
        std::string out = "prefix";
        append_json_string(out, s);
        ASSERT_EQ(out, "prefix" + reference(s)) << "len " << len << " at " << at << " byte " << b;
      }
    }
  }
  for (const char c : {'"', '\x01', '\x7f', '\n'}) {
    for (std::size_t len : {5u, 16u, 100u, 1000u}) {
      const std::string s(len, c);
      std::string out;
      append_json_string(out, s);
      ASSERT_EQ(out, reference(s)) << "len " << len << " of byte " << int(c);
    }
  }
  const std::string frame =
      R"({"type":"message","topic":"/market/level2:BTC-USDT","subject":"trade.l2update","data":{"changes":{"asks":[["18906","0.00331","14103845"]],"bids":[]},"sequenceEnd":14103845,"sequenceStart":14103844,"symbol":"BTC-USDT","time":1663747970273}})";
  std::string out;
  append_json_string(out, frame);
  EXPECT_EQ(out, reference(frame));
}

TEST(WsCodecEncode, EncodersAppend) {
  std::string out = "prefix:";
  encode_frame(PongFrame{"1"}, out);
  EXPECT_EQ(out, R"(prefix:{"id":"1","type":"pong"})");
}

// ---------------------------------------------------------------- round trips

const std::string kNasty = std::string("id \"with\" \\ / \n\t\x01 \xe2\x82\xac ,:{}[]") + '\0' + "end";

TEST(WsCodecRoundTrip, ServerFrames) {
  std::vector<ServerFrame> frames = {
      WelcomeFrame{"hQvf8jkno"},
      WelcomeFrame{kNasty},
      PongFrame{"1545910590801"},
      AckFrame{"/market/level2@@BTC-USDT,ETH-USDT"},
      ErrorFrame{"1551623050668", 404, "topic /market/level2:BSV-BTC is not found"},
      ErrorFrame{std::nullopt, 401, "token is expired"},
      ErrorFrame{kNasty, -32768, kNasty},
      DataMessage{"/market/level2:BTC-USDT", "/market/level2", "BTC-USDT", "trade.l2update", kL2Data, std::nullopt,
                  std::nullopt, std::nullopt, std::nullopt},
      DataMessage{"/contractMarket/level2:XBTUSDTM", "/contractMarket/level2", "XBTUSDTM", "level2",
                  R"({"sequence":1,"change":"1,buy,2"})", 1709400450243, std::nullopt, std::nullopt, std::nullopt},
      DataMessage{"/account/balance", "/account/balance", "", "account.balance", R"({"a":["b",{"c":null}]})",
                  std::nullopt, "354689988084000", "633559791e1cbc0001f319bc", "private"},
      NoticeFrame{"/n", "subj", R"({"x":1})"},
      CommandFrame{"", "", ""},
      UnknownFrame{"openTunnel"},
  };
  WsDecoder d;
  for (const ServerFrame& f : frames) {
    const std::string json = frame_json(f);
    auto r = d.decode_server(json);
    ASSERT_TRUE(r) << json << " -> " << r.error();
    EXPECT_EQ(*r, f) << json;
    EXPECT_EQ(frame_json(*r), json);
  }
}

TEST(WsCodecRoundTrip, ClientFrames) {
  std::vector<ClientFrame> frames = {
      PingFrame{"1545910590801"},
      PingFrame{kNasty},
      SubscribeFrame{"1", "/market/level2:BTC-USDT,ETH-USDT", false, true},
      SubscribeFrame{kNasty, "/spotMarket/tradeOrdersV2", true, false},
      UnsubscribeFrame{"2", "/market/ticker:all", false, false},
      UnsubscribeFrame{"3", "/contract/position:XBTUSDTM", true, true},
  };
  WsDecoder d;
  for (const ClientFrame& f : frames) {
    const std::string json = frame_json(f);
    auto r = d.decode_client(json);
    ASSERT_TRUE(r) << json << " -> " << r.error().error;
    EXPECT_EQ(*r, f) << json;
    EXPECT_EQ(frame_json(*r), json);
  }
}

// ---------------------------------------------------------------- working with the level2 decoder

// The documented hot-path strategy: try L2Decoder first, classify with WsDecoder when it fails.
TEST(WsCodecL2, FallbackStrategyClassifiesEveryFrame) {
  L2Decoder l2;
  WsDecoder ws;
  L2Update update;
  const std::string l2_frame =
      R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":)" +
      std::string(kL2Data) + "}";
  ASSERT_TRUE(l2.decode_update(l2_frame, update));
  EXPECT_EQ(update.sequence_end, 14701689783);

  // A captured match push: decode_update fails (and not with unexpected_message: data.time is a
  // string and comes first), and the classifier then identifies the frame.
  const std::string match =
      R"({"data":{"symbol":"DAPPT-BTC","time":"1619378327739050725"},"subject":"trade.l3match","topic":"/market/match:DAPPT-BTC","type":"message"})";
  auto l2r = l2.decode_update(match, update);
  ASSERT_FALSE(l2r);
  auto wr = ws.decode_server(match);
  ASSERT_TRUE(wr);
  EXPECT_EQ(std::get<DataMessage>(*wr).channel, "/market/match");

  ASSERT_FALSE(l2.decode_update(R"({"id":"1","type":"pong"})", update));
  auto pong = ws.decode_server(R"({"id":"1","type":"pong"})");
  ASSERT_TRUE(pong);
  EXPECT_TRUE(std::holds_alternative<PongFrame>(*pong));

  // A broken level2 frame: the classifier still says "level2", so the l2 error is the one to report.
  const std::string broken =
      R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":{"sequenceStart":1}})";
  auto br = l2.decode_update(broken, update);
  ASSERT_FALSE(br);
  EXPECT_EQ(br.error().code, Errc::missing_field);
  auto bw = ws.decode_server(broken);
  ASSERT_TRUE(bw);
  EXPECT_EQ(std::get<DataMessage>(*bw).channel, "/market/level2");
}

}  // namespace
}  // namespace kucoin
