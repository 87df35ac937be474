// The mock's WebSocket session logic without sockets: replies, ids, limits, private topics.
#include "kucoin/mock/ws_logic.hpp"

#include <gtest/gtest.h>

namespace kucoin::mock {
namespace {

using Kind = WsFrameOutcome::Kind;

WsSessionLogic make(bool private_token = false, WsLimits limits = {}) {
  return WsSessionLogic(limits, private_token, {"BTC-USDT", "ETH-USDT", "KCS-USDT"});
}

TEST(MockWsLogic, PingGetsAPongWithTheIdAsAString) {
  auto s = make();
  auto a = s.on_text(R"({"id":"1545910590801","type":"ping"})");
  EXPECT_EQ(a.kind, Kind::ping);
  EXPECT_EQ(a.reply, R"({"id":"1545910590801","type":"pong"})");
  auto b = s.on_text(R"({"id":7,"type":"ping"})");  // numeric ids come back as strings
  EXPECT_EQ(b.reply, R"({"id":"7","type":"pong"})");
}

TEST(MockWsLogic, AckOnlyWhenResponseIsTrueAndCommaListsBecomeSingleSymbolTopics) {
  auto s = make();
  auto a = s.on_text(R"({"id":1,"type":"subscribe","topic":"/market/level2: BTC-USDT , ETH-USDT","response":true})");
  EXPECT_EQ(a.kind, Kind::subscribe);
  EXPECT_FALSE(a.rejected);
  EXPECT_EQ(a.reply, R"({"id":"1","type":"ack"})");
  ASSERT_EQ(a.added.size(), 2u);
  EXPECT_EQ(a.added[0], DataTopic("/market/level2", "BTC-USDT"));
  EXPECT_EQ(a.added[0].text, "/market/level2:BTC-USDT");
  EXPECT_FALSE(a.added[0].is_private);
  EXPECT_EQ(a.added[1].text, "/market/level2:ETH-USDT");
  auto b = s.on_text(R"({"id":"2","type":"subscribe","topic":"/market/ticker:KCS-USDT","response":false})");
  EXPECT_TRUE(b.reply.empty()) << "hummingbot sends response:false and expects nothing";
  EXPECT_EQ(b.added.size(), 1u);
  auto c = s.on_text(R"({"id":"3","type":"subscribe","topic":"/market/level2:BTC-USDT","response":true})");
  EXPECT_EQ(c.reply, R"({"id":"3","type":"ack"})");
  EXPECT_TRUE(c.added.empty()) << "already held";
  EXPECT_EQ(s.topics().size(), 3u);
  auto d = s.on_text(R"({"id":"4","type":"unsubscribe","topic":"/market/level2:ETH-USDT,BTC-USDT","response":true})");
  EXPECT_EQ(d.kind, Kind::unsubscribe);
  EXPECT_EQ(d.reply, R"({"id":"4","type":"ack"})");
  EXPECT_EQ(d.removed.size(), 2u);
  EXPECT_FALSE(s.holds("/market/level2:BTC-USDT"));
  EXPECT_TRUE(s.holds("/market/ticker:KCS-USDT"));
}

TEST(MockWsLogic, UnknownTopicsAndSymbolsAre404) {
  auto s = make();
  for (const char* frame : {
           R"({"id":"a","type":"subscribe","topic":"/market/level2:BSV-BTC","response":true})",
           R"({"id":"a","type":"subscribe","topic":"/market/nonsense:BTC-USDT","response":true})",
           R"({"id":"a","type":"subscribe","topic":"/contractMarket/level2:XBTUSDTM","response":true})",
           R"({"id":"a","type":"subscribe","topic":"/market/level2","response":true})",
           R"({"id":"a","type":"subscribe","topic":"/market/level2:BTC-USDT,,ETH-USDT","response":true})",
       }) {
    SCOPED_TRACE(frame);
    auto o = s.on_text(frame);
    EXPECT_TRUE(o.rejected);
    EXPECT_EQ(o.error_code, 404);
    EXPECT_TRUE(o.reply.starts_with(R"({"id":"a","type":"error","code":404,"data":"topic )")) << o.reply;
    EXPECT_TRUE(o.added.empty());
  }
  auto one_bad =
      s.on_text(R"({"id":"b","type":"subscribe","topic":"/market/level2:BTC-USDT,NOPE-USDT","response":true})");
  EXPECT_EQ(one_bad.reply,
            R"({"id":"b","type":"error","code":404,"data":"topic /market/level2:NOPE-USDT is not found"})");
  EXPECT_TRUE(s.topics().empty()) << "the whole request is refused";
  auto all = s.on_text(R"({"id":"c","type":"subscribe","topic":"/market/ticker:all","response":true})");
  EXPECT_FALSE(all.rejected);
  auto candle = s.on_text(R"({"id":"d","type":"subscribe","topic":"/market/candles:BTC-USDT_1hour","response":true})");
  EXPECT_FALSE(candle.rejected) << candle.reply;
  EXPECT_EQ(candle.added.at(0).text, "/market/candles:BTC-USDT_1hour");
}

TEST(MockWsLogic, PrivateTopicsNeedAPrivateToken) {
  auto pub = make(false);
  auto a =
      pub.on_text(R"({"id":"p","type":"subscribe","topic":"/account/balance","privateChannel":true,"response":true})");
  EXPECT_TRUE(a.rejected);
  EXPECT_EQ(a.error_code, 403);
  EXPECT_EQ(a.reply,
            R"({"id":"p","type":"error","code":403,"data":"private topic /account/balance needs a private token"})");
  auto priv = make(true);
  auto b =
      priv.on_text(R"({"id":"p","type":"subscribe","topic":"/account/balance","privateChannel":true,"response":true})");
  EXPECT_FALSE(b.rejected);
  ASSERT_EQ(b.added.size(), 1u);
  EXPECT_EQ(b.added[0].text, "/account/balance");
  EXPECT_TRUE(b.added[0].is_private);
  EXPECT_TRUE(b.added[0].symbol.empty());
}

TEST(MockWsLogic, LimitsPerRequestAndPerConnectionAre509) {
  WsSessionLogic s(WsLimits{2, 3}, false, {"A-USDT", "B-USDT", "C-USDT", "D-USDT"});
  auto big =
      s.on_text(R"({"id":"1","type":"subscribe","topic":"/market/level2:A-USDT,B-USDT,C-USDT","response":true})");
  EXPECT_EQ(big.reply,
            R"({"id":"1","type":"error","code":509,"data":"exceed max subscription count limitation of 2 per time"})");
  EXPECT_FALSE(
      s.on_text(R"({"id":"2","type":"subscribe","topic":"/market/level2:A-USDT,B-USDT","response":true})").rejected);
  EXPECT_FALSE(s.on_text(R"({"id":"3","type":"subscribe","topic":"/market/ticker:A-USDT","response":true})").rejected);
  auto over = s.on_text(R"({"id":"4","type":"subscribe","topic":"/market/ticker:B-USDT","response":true})");
  EXPECT_EQ(
      over.reply,
      R"({"id":"4","type":"error","code":509,"data":"exceed max subscription count limitation of 3 per session"})");
  EXPECT_EQ(s.topics().size(), 3u);
  // Re-subscribing what is held costs nothing.
  EXPECT_FALSE(s.on_text(R"({"id":"5","type":"subscribe","topic":"/market/level2:A-USDT","response":true})").rejected);
}

TEST(MockWsLogic, UnsupportedTypesAndGarbage) {
  auto s = make();
  auto t = s.on_text(R"({"id":"1","type":"openTunnel","newTunnelId":"bt1","response":true})");
  EXPECT_EQ(t.kind, Kind::invalid);
  EXPECT_EQ(t.reply, R"({"id":"1","type":"error","code":415,"data":"type is not supported"})");
  auto g = s.on_text("not json");
  EXPECT_TRUE(g.rejected);
  EXPECT_EQ(g.error_code, 400);
  EXPECT_TRUE(g.reply.find(R"("type":"error","code":400)") != std::string::npos) << g.reply;
}

TEST(MockWsLogic, OwnFramesAndTokenFingerprints) {
  EXPECT_EQ(welcome_frame("hQvf8jkno"), R"({"id":"hQvf8jkno","type":"welcome"})");
  EXPECT_EQ(token_expired_frame(), R"({"type":"error","code":401,"data":"token is expired"})");
  const std::string a = token_fingerprint("2neAiuYvAU61ZDXANAGAsiL4-iAExhsBXZxftpOeh_55i3Ysy2q2LEsEWU64mdzUOPusi34M");
  EXPECT_EQ(a.size(), 12u);
  EXPECT_TRUE(a.starts_with("tok:"));
  EXPECT_EQ(a, token_fingerprint("2neAiuYvAU61ZDXANAGAsiL4-iAExhsBXZxftpOeh_55i3Ysy2q2LEsEWU64mdzUOPusi34M"));
  EXPECT_NE(a, token_fingerprint("2neAiuYvAU61ZDXANAGAsiL4-iAExhsBXZxftpOeh_55i3Ysy2q2LEsEWU64mdzUOPusi34N"));
}

}  // namespace
}  // namespace kucoin::mock
