// REST envelope decoding, error classification and the encoders the mock server uses.
#include <gtest/gtest.h>

#include "kucoin/protocol/bullet.hpp"
#include "kucoin/protocol/rest_codec.hpp"

namespace {

using kucoin::ApiErrorKind;

TEST(Classify, KuCoinCodesAndStatuses) {
  EXPECT_EQ(kucoin::classify(401, "400001"), ApiErrorKind::auth);
  EXPECT_EQ(kucoin::classify(400, "400002"), ApiErrorKind::clock);
  EXPECT_EQ(kucoin::classify(200, "400002"), ApiErrorKind::clock);
  for (const char* c : {"400003", "400004", "400005", "400006", "400007"}) {
    EXPECT_EQ(kucoin::classify(401, c), ApiErrorKind::auth) << c;
  }
  EXPECT_EQ(kucoin::classify(429, "429000"), ApiErrorKind::rate_limit);
  EXPECT_EQ(kucoin::classify(429, ""), ApiErrorKind::rate_limit);
  EXPECT_EQ(kucoin::classify(500, "500000"), ApiErrorKind::server);
  EXPECT_EQ(kucoin::classify(503, ""), ApiErrorKind::server);
  EXPECT_EQ(kucoin::classify(400, "400100"), ApiErrorKind::request);
  EXPECT_EQ(kucoin::classify(404, "404000"), ApiErrorKind::request);
  EXPECT_EQ(kucoin::classify(200, "200004"), ApiErrorKind::request);
}

TEST(Envelope, ErrorBecomesTypedApiError) {
  kucoin::RestDecoder d;
  auto r = d.envelope(401, R"({"code":"400005","msg":"Invalid KC-API-SIGN"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ApiErrorKind::auth);
  EXPECT_EQ(r.error().http_status, 401);
  EXPECT_EQ(r.error().code, "400005");
  EXPECT_EQ(r.error().msg, "Invalid KC-API-SIGN");
  const std::string text = r.error().describe();
  EXPECT_NE(text.find("400005"), std::string::npos);
  EXPECT_NE(text.find("API secret"), std::string::npos) << "the hint says what to fix: " << text;
}

TEST(Envelope, NumericCodeAndBusinessErrorWithHttp200) {
  kucoin::RestDecoder d;
  auto r = d.envelope(200, R"({"msg":"Balance insufficient","code":200004})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "200004");
  EXPECT_EQ(r.error().kind, ApiErrorKind::request);
}

TEST(Envelope, NonJsonBodies) {
  kucoin::RestDecoder d;
  auto r = d.envelope(502, "<html><body>Bad gateway</body></html>");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ApiErrorKind::server);
  EXPECT_EQ(r.error().http_status, 502);
  auto r2 = d.envelope(200, "not json");
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().kind, ApiErrorKind::bad_response);
  auto r3 = d.envelope(200, "");
  ASSERT_FALSE(r3);
  EXPECT_EQ(r3.error().kind, ApiErrorKind::bad_response);
  auto r4 = d.envelope(200, R"({"data":1})");
  ASSERT_FALSE(r4);
  EXPECT_EQ(r4.error().kind, ApiErrorKind::bad_response);
  auto r5 = d.envelope(429, R"({"code":"429000","msg":"Too Many Requests"})");
  ASSERT_FALSE(r5);
  EXPECT_EQ(r5.error().kind, ApiErrorKind::rate_limit);
}

TEST(ServerTime, DecodesNumberAndRejectsGarbage) {
  kucoin::RestDecoder d;
  auto t = d.server_time(200, R"({"code":"200000","msg":"success","data":1729100692873})");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(*t, 1729100692873);
  std::string enc;
  kucoin::encode_server_time(1546837113087, enc);
  auto t2 = d.server_time(200, enc);
  ASSERT_TRUE(t2);
  EXPECT_EQ(*t2, 1546837113087);
  auto bad = d.server_time(200, R"({"code":"200000","data":{"x":1}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ApiErrorKind::bad_response);
  auto missing = d.server_time(200, R"({"code":"200000"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ApiErrorKind::bad_response);
}

TEST(Symbols, DecodesDocumentedElementWithScale) {
  kucoin::RestDecoder d;
  const char* body = R"({"code":"200000","data":[{"symbol":"BTC-USDT","name":"BTC-USDT","baseCurrency":"BTC",
    "quoteCurrency":"USDT","feeCurrency":"USDT","market":"USDS","baseMinSize":"0.00001","quoteMinSize":"0.1",
    "baseMaxSize":"10000000000","quoteMaxSize":"99999999","baseIncrement":"0.00000001","quoteIncrement":"0.000001",
    "priceIncrement":"0.1","priceLimitRate":"0.1","minFunds":"0.1","isMarginEnabled":true,"enableTrading":true,
    "feeCategory":1,"makerFeeCoefficient":"1.00","takerFeeCoefficient":"1.00","st":false,"callauctionIsEnabled":false,
    "callauctionPriceFloor":null}]})";
  auto s = d.symbols(200, body);
  ASSERT_TRUE(s) << s.error();
  ASSERT_EQ(s->size(), 1u);
  const auto& b = s->front();
  EXPECT_EQ(b.symbol, "BTC-USDT");
  EXPECT_EQ(b.base_currency, "BTC");
  EXPECT_EQ(b.quote_currency, "USDT");
  EXPECT_TRUE(b.enable_trading);
  EXPECT_EQ(b.scale.price_decimals, 1);
  EXPECT_EQ(b.scale.size_decimals, 8);

  std::string enc;
  kucoin::encode_symbols(*s, enc);
  auto again = d.symbols(200, enc);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(*again, *s);
}

TEST(Symbols, BadIncrementIsBadResponse) {
  kucoin::RestDecoder d;
  auto s = d.symbols(200, R"({"code":"200000","data":[{"symbol":"X-Y","priceIncrement":"abc"}]})");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ApiErrorKind::bad_response);
  EXPECT_NE(s.error().msg.find("priceIncrement"), std::string::npos);
}

TEST(Accounts, RoundTrip) {
  std::vector<kucoin::Account> in{{"5bd6e9286d99522a52e458de", "BTC", "main", "237582.04299", "237582.032", "0.01099"},
                                  {"5bd6e9216d99522a52e458d6", "USDT", "trade", "1.5", "1.5", "0"}};
  std::string enc;
  kucoin::encode_accounts(in, enc);
  kucoin::RestDecoder d;
  auto out = d.accounts(200, enc);
  ASSERT_TRUE(out) << out.error();
  EXPECT_EQ(*out, in);
}

TEST(Bullet, DecodesDocumentedShape) {
  const char* body =
      R"({"code":"200000","data":{"token":"2neAiuYvAU61ZDXANAGAsiL4-iAExhsBXZxftpOeh_55i3Ysy2q2LEsEWU64mdzUOPusi34M_wGoSf7iNyEWJ93g2WHl-j4M7tCZ_S21PuIByWXUJFDywtiYB9J6i9GjsxUuhPw3Blq6rhZlGykT3Vp1phUafnulOOpts-MEmEF-3bpfetLOAq79RbGaLlE4JBvJHl5Vs9Y=.ymP9jIr6v-vucrZr8761yA==",
    "instanceServers":[{"endpoint":"wss://ws-api-spot.kucoin.com/","encrypt":true,"protocol":"websocket","pingInterval":18000,"pingTimeout":10000}]}})";
  auto b = kucoin::decode_bullet_response(200, body);
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(b->token.reveal().substr(0, 10), "2neAiuYvAU");
  ASSERT_EQ(b->servers.size(), 1u);
  EXPECT_EQ(b->servers[0].endpoint, "wss://ws-api-spot.kucoin.com/");
  EXPECT_TRUE(b->servers[0].encrypt);
  EXPECT_EQ(b->servers[0].ping_interval_ms, 18000);
  EXPECT_EQ(b->servers[0].ping_timeout_ms, 10000);

  kucoin::BulletToken t;
  t.token = kucoin::Secret("tok");
  t.servers.push_back({"ws://127.0.0.1:5555/endpoint", false, "websocket", 18000, 10000});
  std::string enc;
  kucoin::encode_bullet_response(t, enc);
  auto again = kucoin::decode_bullet_response(200, enc);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->token.reveal(), "tok");
  EXPECT_EQ(again->servers, t.servers);
}

TEST(Bullet, ErrorsAndMissingFields) {
  auto e = kucoin::decode_bullet_response(401, R"({"code":"400007","msg":"Invalid KC-API-KEY-VERSION"})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind, ApiErrorKind::auth);
  EXPECT_EQ(e.error().code, "400007");
  auto m = kucoin::decode_bullet_response(200, R"({"code":"200000","data":{"token":"t","instanceServers":[]}})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ApiErrorKind::bad_response);
  auto p = kucoin::decode_bullet_response(
      200,
      R"({"code":"200000","data":{"token":"t","instanceServers":[{"endpoint":"ws://x","encrypt":false,"pingInterval":"18000"}]}})");
  ASSERT_FALSE(p) << "pingTimeout missing";
}

// data.tokenValidFor (ms) is optional: absent in KuCoin's documented answer; when present it must be
// a positive integer (a JSON number, or a numeric string as pingInterval may be).
TEST(Bullet, TokenValidForPresentAbsentAndBad) {
  const auto body = [](std::string_view extra) {
    return std::string(
               R"({"code":"200000","data":{"token":"t","instanceServers":[{"endpoint":"ws://x","encrypt":false,)"
               R"("protocol":"websocket","pingInterval":18000,"pingTimeout":10000}])") +
           std::string(extra) + "}}";
  };
  auto absent = kucoin::decode_bullet_response(200, body(""));
  ASSERT_TRUE(absent) << absent.error();
  EXPECT_FALSE(absent->token_valid_for_ms);
  auto present = kucoin::decode_bullet_response(200, body(R"(,"tokenValidFor":600)"));
  ASSERT_TRUE(present) << present.error();
  EXPECT_EQ(present->token_valid_for_ms, 600);
  auto day = kucoin::decode_bullet_response(200, body(R"(,"tokenValidFor":"86400000")"));
  ASSERT_TRUE(day) << day.error();
  EXPECT_EQ(day->token_valid_for_ms, 86'400'000);
  // Before the other fields too (any key order).
  auto first = kucoin::decode_bullet_response(
      200, R"({"code":"200000","data":{"tokenValidFor":1000,"token":"t","instanceServers":[{"endpoint":"ws://x",)"
           R"("pingInterval":1,"pingTimeout":1}]}})");
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(first->token_valid_for_ms, 1000);
  for (std::string_view bad : {R"(,"tokenValidFor":0)", R"(,"tokenValidFor":-5)", R"(,"tokenValidFor":600.5)",
                               R"(,"tokenValidFor":"soon")", R"(,"tokenValidFor":true)", R"(,"tokenValidFor":null)",
                               R"(,"tokenValidFor":{})", R"(,"tokenValidFor":"-1")", R"(,"tokenValidFor":1e30)"}) {
    auto r = kucoin::decode_bullet_response(200, body(bad));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ApiErrorKind::bad_response) << bad;
    EXPECT_NE(r.error().msg.find("data.tokenValidFor must be"), std::string::npos) << bad << ": " << r.error().msg;
  }
  // Encoded only when set, and read back.
  kucoin::BulletToken t;
  t.token = kucoin::Secret("tok");
  t.servers.push_back({"ws://127.0.0.1:5555/endpoint", false, "websocket", 18000, 10000});
  std::string plain;
  kucoin::encode_bullet_response(t, plain);
  EXPECT_EQ(plain.find("tokenValidFor"), std::string::npos) << plain;
  t.token_valid_for_ms = 600;
  std::string with;
  kucoin::encode_bullet_response(t, with);
  auto again = kucoin::decode_bullet_response(200, with);
  ASSERT_TRUE(again) << again.error() << " " << with;
  EXPECT_EQ(again->token_valid_for_ms, 600);
  EXPECT_EQ(again->servers, t.servers);
}

TEST(Snapshot, SuccessAndErrorEnvelope) {
  kucoin::RestDecoder d;
  auto s = d.snapshot(200, R"({"code":"200000","data":{"time":1729176273859,"sequence":"14610502970",
      "bids":[["66976.4","0.69109872"]],"asks":[["66976.5","0.05408199"]]}})",
                      kucoin::SymbolScale{1, 8});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->sequence, 14610502970);
  ASSERT_EQ(s->bids.size(), 1u);
  EXPECT_EQ(s->bids[0].price.raw, 669764);
  auto e = d.snapshot(429, R"({"code":"429000","msg":"Too Many Requests"})", {});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind, ApiErrorKind::rate_limit);
  auto b = d.snapshot(200, R"({"code":"200000","data":{"sequence":"1","bids":[["x","1"]],"asks":[]}})", {});
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().kind, ApiErrorKind::bad_response);
}

TEST(Encoders, ErrorBodyEscapes) {
  std::string out;
  kucoin::encode_error_body("400100", "bad \"json\"\n", out);
  EXPECT_EQ(out, R"({"code":"400100","msg":"bad \"json\"\n"})");
  kucoin::RestDecoder d;
  auto r = d.envelope(400, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().msg, "bad \"json\" ");  // control characters are blanked in msg
}

TEST(ApiError, DescribeMentionsRetryAfterAndAttempts) {
  kucoin::ApiError e;
  e.kind = ApiErrorKind::rate_limit;
  e.http_status = 429;
  e.code = "429000";
  e.msg = "Too Many Requests";
  e.retry_after_ms = 1489;
  e.attempts = 3;
  e.request = "GET /api/v1/market/orderbook/level2_20";
  const auto s = e.describe();
  EXPECT_NE(s.find("rate_limit error 429000 (HTTP 429) on GET /api/v1/market/orderbook/level2_20"), std::string::npos)
      << s;
  EXPECT_NE(s.find("retry after 1489 ms"), std::string::npos) << s;
  EXPECT_NE(s.find("[3 attempts]"), std::string::npos) << s;
}

}  // namespace
