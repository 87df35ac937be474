#include "kucoin/protocol/ws_url.hpp"

#include <gtest/gtest.h>

#include <string>

#include "kucoin/core/rng.hpp"

namespace kucoin {
namespace {

// The spot bullet token from kucoin-protocol.md §4.2: base64-like with '=' and '.'.
constexpr std::string_view kToken =
    "2neAiuYvAU61ZDXANAGAsiL4-iAExhsBXZxftpOeh_55i3Ysy2q2LEsEWU64mdzUOPusi34M_wGoSf7iNyEWJ93g2WHl-j4M7tCZ_"
    "S21PuIByWXUJFDywtiYB9J6i9GjsxUuhPw3Blq6rhZlGykT3Vp1phUafnulOOpts-MEmEF-3bpfetLOAq79RbGaLlE4JBvJHl5Vs9Y=."
    "ymP9jIr6v-vucrZr8761yA==";
constexpr std::string_view kTokenEncoded =
    "2neAiuYvAU61ZDXANAGAsiL4-iAExhsBXZxftpOeh_55i3Ysy2q2LEsEWU64mdzUOPusi34M_wGoSf7iNyEWJ93g2WHl-j4M7tCZ_"
    "S21PuIByWXUJFDywtiYB9J6i9GjsxUuhPw3Blq6rhZlGykT3Vp1phUafnulOOpts-MEmEF-3bpfetLOAq79RbGaLlE4JBvJHl5Vs9Y%3D."
    "ymP9jIr6v-vucrZr8761yA%3D%3D";

TEST(WsUrl, PercentEncode) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a+b=c/d?e&f g%h#i"), "a%2Bb%3Dc%2Fd%3Fe%26f%20g%25h%23i");
  EXPECT_EQ(percent_encode("\xc3\xa9\x00\xff"), "%C3%A9");  // stops at the NUL of the literal
  EXPECT_EQ(percent_encode(std::string_view("\xc3\xa9\x00\xff", 4)), "%C3%A9%00%FF");
  EXPECT_EQ(percent_encode(kToken), kTokenEncoded);
}

TEST(WsUrl, PercentDecode) {
  EXPECT_EQ(*percent_decode("a%2Bb%3dc%2F"), "a+b=c/");
  EXPECT_EQ(*percent_decode("a+b"), "a+b");  // '+' is a literal plus (tokens never hold spaces)
  EXPECT_EQ(*percent_decode(""), "");
  EXPECT_EQ(*percent_decode("%00%ff"), std::string("\x00\xff", 2));
  for (const char* bad : {"%", "%4", "%G1", "abc%", "%%41", "%4g"}) {
    auto r = percent_decode(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, Errc::parse_error);
    }
  }
}

TEST(WsUrl, PercentRoundTripOfEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  const std::string enc = percent_encode(all);
  for (char c : enc) {
    EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '~' || c == '%')
        << c;
  }
  EXPECT_EQ(*percent_decode(enc), all);
}

TEST(WsUrl, BuildsForEveryEndpointForm) {
  EXPECT_EQ(build_connect_url("wss://ws-api-spot.kucoin.com/", kToken, "hQvf8jkno"),
            "wss://ws-api-spot.kucoin.com/?token=" + std::string(kTokenEncoded) + "&connectId=hQvf8jkno");
  EXPECT_EQ(build_connect_url("wss://ws-api-spot.kucoin.com", "t", "c"),
            "wss://ws-api-spot.kucoin.com/?token=t&connectId=c");
  EXPECT_EQ(build_connect_url("wss://push1-v2.kucoin.com/endpoint", "t", "c"),
            "wss://push1-v2.kucoin.com/endpoint?token=t&connectId=c");
  EXPECT_EQ(build_connect_url("wss://push1-v2.kucoin.com/endpoint/", "t", "c"),
            "wss://push1-v2.kucoin.com/endpoint/?token=t&connectId=c");
  EXPECT_EQ(build_connect_url("ws://127.0.0.1:9000/ws?x=1", "t", "c"),
            "ws://127.0.0.1:9000/ws?x=1&token=t&connectId=c");
  EXPECT_EQ(build_connect_url("ws://127.0.0.1:9000/ws?", "t", "c"), "ws://127.0.0.1:9000/ws?token=t&connectId=c");
  EXPECT_EQ(build_connect_url("ws://127.0.0.1:9000/ws?x=1&", "t", "c"),
            "ws://127.0.0.1:9000/ws?x=1&token=t&connectId=c");
  EXPECT_EQ(build_connect_url("ws://127.0.0.1:9000?x=1", "t", "c"), "ws://127.0.0.1:9000/?x=1&token=t&connectId=c");
  EXPECT_EQ(build_connect_url("ws://h/p#frag", "t", "c"), "ws://h/p?token=t&connectId=c");
  EXPECT_EQ(build_connect_url("ws://h/", "t", ""), "ws://h/?token=t");  // no connectId
  EXPECT_EQ(build_connect_url("ws://h/", "a b&c=d", "id/1?"), "ws://h/?token=a%20b%26c%3Dd&connectId=id%2F1%3F");
}

TEST(WsUrl, ParsesTargetsRealClientsSend) {
  // Our own URL.
  auto a = parse_connect_target("/?token=" + std::string(kTokenEncoded) + "&connectId=hQvf8jkno");
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->path, "/");
  EXPECT_EQ(a->token, std::optional<std::string>(kToken));
  EXPECT_EQ(a->connect_id, std::optional<std::string>("hQvf8jkno"));

  // UNI-PY order: connectId first.
  auto b = parse_connect_target("/endpoint?connectId=1730000000000000000&token=abc%3D");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->path, "/endpoint");
  EXPECT_EQ(b->token, std::optional<std::string>("abc="));
  EXPECT_EQ(b->connect_id, std::optional<std::string>("1730000000000000000"));

  // NODE-SDK: unknown acceptUserMessage in between.
  auto c = parse_connect_target("/?token=t&acceptUserMessage=false&connectId=x");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->token, std::optional<std::string>("t"));
  EXPECT_EQ(c->connect_id, std::optional<std::string>("x"));

  // ccxt: privateChannel and a fixed-word connectId.
  auto d = parse_connect_target("/?token=t&privateChannel=false&connectId=public");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->connect_id, std::optional<std::string>("public"));

  // hummingbot, cryptofeed, ccapi: token only; a raw (unencoded) token with '=' and '+' survives.
  auto e = parse_connect_target("/endpoint?token=ab+c==.d");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->token, std::optional<std::string>("ab+c==.d"));
  EXPECT_FALSE(e->connect_id.has_value());
}

TEST(WsUrl, ParserEdgeCases) {
  auto none = parse_connect_target("/endpoint");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->path, "/endpoint");
  EXPECT_FALSE(none->token.has_value());

  auto empty = parse_connect_target("/?token=&connectId");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->token, std::optional<std::string>(""));
  EXPECT_EQ(empty->connect_id, std::optional<std::string>(""));

  auto first_wins = parse_connect_target("/?token=one&token=two&&connectId=a&connectId=b#frag");
  ASSERT_TRUE(first_wins);
  EXPECT_EQ(first_wins->token, std::optional<std::string>("one"));
  EXPECT_EQ(first_wins->connect_id, std::optional<std::string>("a"));

  // Names are exact: "Token" or an encoded name are other parameters.
  auto names = parse_connect_target("/?Token=x&%74oken=y");
  ASSERT_TRUE(names);
  EXPECT_FALSE(names->token.has_value());

  // Bad encoding in an ignored parameter does not matter; in the token it does.
  EXPECT_TRUE(parse_connect_target("/?junk=%zz&token=t"));
  auto bad = parse_connect_target("/?token=abc%2");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::parse_error);
  EXPECT_NE(bad.error().message.find("token"), std::string::npos);
  auto bad_id = parse_connect_target("/?token=t&connectId=%G0");
  ASSERT_FALSE(bad_id);
  EXPECT_NE(bad_id.error().message.find("connectId"), std::string::npos);
}

TEST(WsUrl, BuildThenParseRoundTrip) {
  Rng rng(7);
  for (int i = 0; i < 500; ++i) {
    std::string token, id;
    const auto tn = rng.below(200), in = rng.below(40);
    for (std::uint64_t k = 0; k < tn; ++k) token += static_cast<char>(rng.below(256));
    for (std::uint64_t k = 0; k < in; ++k) id += static_cast<char>(rng.below(256));
    const std::string url = build_connect_url("ws://127.0.0.1:1/ws", token, id);
    const std::string target = url.substr(std::string_view("ws://127.0.0.1:1").size());
    auto p = parse_connect_target(target);
    ASSERT_TRUE(p) << target;
    EXPECT_EQ(p->path, "/ws");
    EXPECT_EQ(p->token, std::optional<std::string>(token));
    if (id.empty()) {
      EXPECT_FALSE(p->connect_id.has_value());
    } else {
      EXPECT_EQ(p->connect_id, std::optional<std::string>(id));
    }
  }
}

}  // namespace
}  // namespace kucoin
