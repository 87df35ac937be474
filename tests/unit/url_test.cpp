// One URL parser for the REST base URL and the WebSocket endpoints (kucoin/core/url.hpp).
#include "kucoin/core/url.hpp"

#include <gtest/gtest.h>

namespace kucoin {
namespace {

TEST(Url, WebSocketEndpoints) {
  auto a = parse_url("wss://ws-api-spot.kucoin.com/?token=t&connectId=c", UrlScheme::websocket);
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, (Url{true, "ws-api-spot.kucoin.com", "443", "/?token=t&connectId=c"}));
  EXPECT_EQ(a->host_header(), "ws-api-spot.kucoin.com");
  EXPECT_EQ(a->endpoint(), "ws-api-spot.kucoin.com:443");
  auto b = parse_url("ws://127.0.0.1:9000/endpoint?token=x#frag", UrlScheme::websocket);
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, (Url{false, "127.0.0.1", "9000", "/endpoint?token=x"}));
  EXPECT_EQ(b->host_header(), "127.0.0.1:9000");
  auto c = parse_url("wss://[::1]:8443?token=x", UrlScheme::websocket);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, (Url{true, "::1", "8443", "/?token=x"}));
  EXPECT_EQ(c->host_header(), "[::1]:8443");
  EXPECT_EQ(c->endpoint(), "[::1]:8443");
  auto d = parse_url("ws://[::1]", UrlScheme::websocket);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host_header(), "[::1]") << "the default port is left out";
}

TEST(Url, HttpBaseUrls) {
  auto a = parse_url("https://api.kucoin.com", UrlScheme::http);
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, (Url{true, "api.kucoin.com", "443", "/"}));
  auto b = parse_url("http://127.0.0.1:40117/", UrlScheme::http);
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, (Url{false, "127.0.0.1", "40117", "/"}));
  EXPECT_EQ(b->host_header(), "127.0.0.1:40117");
}

TEST(Url, Errors) {
  for (auto [url, scheme, what] : {std::tuple{"https://x/", UrlScheme::websocket, "must start with ws:// or wss://"},
                                   std::tuple{"wss://x/", UrlScheme::http, "must start with http:// or https://"},
                                   std::tuple{"ws://:80/", UrlScheme::websocket, "without host"},
                                   std::tuple{"ws://h:8x/", UrlScheme::websocket, "bad port"},
                                   std::tuple{"ws://h:123456/", UrlScheme::websocket, "bad port"},
                                   std::tuple{"ws://[::1/", UrlScheme::websocket, "unclosed ["},
                                   std::tuple{"ws://[::1]x/", UrlScheme::websocket, "junk after the host"}}) {
    auto r = parse_url(url, scheme);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace kucoin
