// The mock server's REST logic without sockets: signature verification outcomes, routing, weight
// pools and forced faults.
#include <gtest/gtest.h>

#include <fstream>

#include "kucoin/mock/rest_service.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "mock_rest_helpers.hpp"

namespace {

using kucoin::mock::RestAnswer;
using kucoin::mock::RestRequest;
using kucoin::mock::RestService;
using kucoin::mock::RestServiceConfig;

using kucoin::mock::testing::config_with_key;
using kucoin::mock::testing::creds;
using kucoin::mock::testing::key_v2;
using kucoin::mock::testing::kNow;
using kucoin::mock::testing::Req;
using kucoin::mock::testing::signed_req;

TEST(MockAuth, AcceptsTheOracleVectorAndRejectsATamperedOne) {
  // Row "get-query-v2" of tests/data/sign_vectors.tsv (computed by openssl, not by sign()).
  RestService svc(config_with_key());
  Req r{"GET", "/api/v3/market/orderbook/level2?symbol=BTC-USDT", "", {}, {}};
  r.headers = {{"KC-API-KEY", "5c2db93503aa674c74a31734"},
               {"KC-API-SIGN", "6+WufiptZh5FGEGV6BQeIOaRnaAjJl/0yTDYygbdiiY="},
               {"KC-API-TIMESTAMP", "1729176273859"},
               {"KC-API-PASSPHRASE", "sKO3foyXy8q5wmUJBoG8EuyFaSTtTVVzQz3F12tF+KI="},
               {"KC-API-KEY-VERSION", "2"}};
  RestAnswer a = svc.handle(r.view(), kNow);
  EXPECT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.code, "200000");
  r.set("KC-API-SIGN", "7+WufiptZh5FGEGV6BQeIOaRnaAjJl/0yTDYygbdiiY=");
  a = svc.handle(r.view(), kNow);
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.code, "400005");
  EXPECT_NE(a.body.find("Invalid KC-API-SIGN"), std::string::npos);
}

TEST(MockAuth, EveryRejectionCode) {
  RestService svc(config_with_key());
  const auto c = creds(key_v2());
  const std::string target = "/api/v1/accounts";
  auto expect = [&](Req r, int status, const char* code, const char* msg) {
    RestAnswer a = svc.handle(r.view(), kNow);
    EXPECT_EQ(a.status, status) << code << " " << a.body;
    EXPECT_EQ(a.code, code) << a.body;
    EXPECT_NE(a.body.find(msg), std::string::npos) << a.body;
  };
  Req ok = signed_req(c, "GET", target, "", kNow);
  EXPECT_EQ(svc.handle(ok.view(), kNow).status, 200);

  Req missing = ok;
  missing.erase("KC-API-SIGN");
  expect(missing, 401, "400001", "KC-API-KEY, KC-API-SIGN");
  Req iso = ok;
  iso.set("KC-API-TIMESTAMP", "2024-10-17T14:44:33Z");
  expect(iso, 401, "400001", "KC-API-TIMESTAMP");
  Req unknown = ok;
  unknown.set("KC-API-KEY", "nope");
  expect(unknown, 401, "400003", "KC-API-KEY not exists");
  Req no_version = ok;
  no_version.erase("KC-API-KEY-VERSION");
  expect(no_version, 401, "400007", "Invalid KC-API-KEY-VERSION");
  Req v1 = ok;
  v1.set("KC-API-KEY-VERSION", "1");
  expect(v1, 401, "400007", "Invalid KC-API-KEY-VERSION");
  expect(signed_req(c, "GET", target, "", kNow - 5'001), 400, "400002", "Invalid KC-API-TIMESTAMP");
  expect(signed_req(c, "GET", target, "", kNow + 5'001), 400, "400002", "Invalid KC-API-TIMESTAMP");
  EXPECT_EQ(svc.handle(signed_req(c, "GET", target, "", kNow + 5'000).view(), kNow).status, 200);
  auto wrong_pass = c;
  wrong_pass.passphrase = kucoin::Secret("wrong");
  expect(signed_req(wrong_pass, "GET", target, "", kNow), 401, "400004", "Invalid KC-API-PASSPHRASE");
  auto wrong_secret = c;
  wrong_secret.secret = kucoin::Secret("wrong");
  // A wrong secret also breaks the passphrase HMAC: the signature is checked first and reported.
  expect(signed_req(wrong_secret, "GET", target, "", kNow), 401, "400005", "Invalid KC-API-SIGN");

  // Version "3" is accepted for a v2 key unless strict.
  Req v3 = ok;
  v3.set("KC-API-KEY-VERSION", "3");
  EXPECT_EQ(svc.handle(v3.view(), kNow).status, 200);
  auto strict = config_with_key();
  strict.strict_key_version = true;
  RestService strict_svc(strict);
  RestAnswer a = strict_svc.handle(v3.view(), kNow);
  EXPECT_EQ(a.code, "400007");

  const auto st = svc.stats();
  EXPECT_EQ(st.auth_rejected, 9u);
  EXPECT_EQ(st.by_code.at("400005"), 1u);
}

TEST(MockAuth, LegacyV1KeyWithPlainPassphrase) {
  RestServiceConfig cfg;
  cfg.keys.push_back(
      {"legacykey1", kucoin::Secret("legacy-secret"), kucoin::Secret("legacy-pass"), kucoin::KeyVersion::v1, {}});
  RestService svc(cfg);
  // Row "plain-passphrase-v1" of sign_vectors.tsv.
  Req r{"GET", "/api/v1/accounts", "", {}, {}};
  r.headers = {{"KC-API-KEY", "legacykey1"},
               {"KC-API-SIGN", "YoIF/tlvL+3AHgR306YHXxw4d/KRAVaHAu1JliILxgY="},
               {"KC-API-TIMESTAMP", "1547015186000"},
               {"KC-API-PASSPHRASE", "legacy-pass"}};
  EXPECT_EQ(svc.handle(r.view(), 1547015186000).status, 200);
  r.set("KC-API-KEY-VERSION", "2");
  EXPECT_EQ(svc.handle(r.view(), 1547015186000).code, "400007");
}

TEST(MockAuth, QuerySignedRawEncodedOrSorted) {
  RestService svc(config_with_key());
  const auto c = creds(key_v2());
  const std::string sent = "/api/v1/accounts?type=trade&currency=US%44T";
  // Signed as sent (percent-encoded), as decoded, and decoded + sorted: all accepted.
  for (const std::string& signed_target : {sent, std::string("/api/v1/accounts?type=trade&currency=USDT"),
                                           std::string("/api/v1/accounts?currency=USDT&type=trade")}) {
    RestAnswer a = svc.handle(signed_req(c, "GET", sent, "", kNow, signed_target).view(), kNow);
    EXPECT_EQ(a.status, 200) << signed_target << " " << a.body;
    kucoin::RestDecoder d;
    auto acc = d.accounts(a.status, a.body);
    ASSERT_TRUE(acc);
    ASSERT_EQ(acc->size(), 1u);
    EXPECT_EQ(acc->front().currency, "USDT");
    EXPECT_EQ(acc->front().type, "trade");
  }
  RestAnswer a = svc.handle(signed_req(c, "GET", sent, "", kNow, "/api/v1/accounts?currency=EUR").view(), kNow);
  EXPECT_EQ(a.code, "400005");
  EXPECT_EQ(kucoin::mock::percent_decode("a%2Fb+c%zz%4"), "a/b+c%zz%4");
  EXPECT_EQ(kucoin::mock::percent_decode("a+b", true), "a b");
}

TEST(MockRouting, KuCoinShapedErrorsForBadRequests) {
  RestService svc(config_with_key());
  Req nf{"GET", "/api/v1/nope", "", {}, {}};
  RestAnswer a = svc.handle(nf.view(), kNow);
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body, R"({"code":"404000","msg":"Not Found"})");
  Req wm{"DELETE", "/api/v1/timestamp", "", {}, {}};
  a = svc.handle(wm.view(), kNow);
  EXPECT_EQ(a.status, 405);
  EXPECT_EQ(a.code, "405000");
  Req bad{"POST", "/api/v1/bullet-public", "{not json", {{"Content-Type", "application/json"}}, {}};
  a = svc.handle(bad.view(), kNow);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.code, "400100");
  Req form{"POST", "/api/v1/bullet-public", "a=1", {{"Content-Type", "application/x-www-form-urlencoded"}}, {}};
  EXPECT_EQ(svc.handle(form.view(), kNow).code, "415000");
  Req nosym{"GET", "/api/v1/market/orderbook/level2_20", "", {}, {}};
  EXPECT_EQ(svc.handle(nosym.view(), kNow).code, "400100");
  Req unknown_sym{"GET", "/api/v1/market/orderbook/level2_20?symbol=NOPE-USDT", "", {}, {}};
  EXPECT_EQ(svc.handle(unknown_sym.view(), kNow).code, "900001");
}

TEST(MockEndpoints, TruncatedSnapshotsTimeAndBullet) {
  auto cfg = config_with_key();
  cfg.clock_offset_ms = 30'000;
  cfg.ws_endpoint = "ws://127.0.0.1:4321/endpoint";
  RestService svc(cfg);
  kucoin::RestDecoder d;
  for (auto [path, depth] :
       {std::pair{"/api/v1/market/orderbook/level2_20", 20u}, {"/api/v1/market/orderbook/level2_100", 100u}}) {
    Req r{"GET", std::string(path) + "?symbol=BTC-USDT", "", {}, {}};
    RestAnswer a = svc.handle(r.view(), kNow);
    auto s = d.snapshot(a.status, a.body, kucoin::SymbolScale{1, 8});
    ASSERT_TRUE(s) << s.error();
    EXPECT_EQ(s->bids.size(), depth);
    EXPECT_EQ(s->asks.size(), depth);
    EXPECT_EQ(s->time_ms, kNow + 30'000);
    EXPECT_GT(s->asks.front().price, s->bids.front().price);
  }
  Req t{"GET", "/api/v1/timestamp", "", {}, {}};
  RestAnswer ta = svc.handle(t.view(), kNow);
  EXPECT_EQ(*d.server_time(ta.status, ta.body), kNow + 30'000);
  Req b{"POST", "/api/v1/bullet-public", "", {}, {}};
  RestAnswer ba = svc.handle(b.view(), kNow);
  auto tok = d.bullet(ba.status, ba.body);
  ASSERT_TRUE(tok) << tok.error();
  EXPECT_EQ(tok->servers.at(0).endpoint, "ws://127.0.0.1:4321/endpoint");
  EXPECT_FALSE(tok->servers.at(0).encrypt);
  auto info = svc.token_info(tok->token.reveal());
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->private_token);
  EXPECT_FALSE(svc.token_info("forged"));
}

// The bullet answer has KuCoin's documented shape (no tokenValidFor) unless token_valid_for_ms is set.
TEST(MockBullet, TokenValidForOnlyWhenConfigured) {
  kucoin::RestDecoder d;
  RestService plain(RestServiceConfig{});
  Req b{"POST", "/api/v1/bullet-public", "", {}, {}};
  RestAnswer a = plain.handle(b.view(), kNow);
  EXPECT_EQ(a.body.find("tokenValidFor"), std::string::npos) << a.body;
  auto tok = d.bullet(a.status, a.body);
  ASSERT_TRUE(tok) << tok.error();
  EXPECT_FALSE(tok->token_valid_for_ms);
  RestServiceConfig cfg;
  cfg.token_valid_for_ms = 600;
  RestService declaring(cfg);
  RestAnswer v = declaring.handle(b.view(), kNow);
  auto tv = d.bullet(v.status, v.body);
  ASSERT_TRUE(tv) << tv.error();
  EXPECT_EQ(tv->token_valid_for_ms, 600);
  auto info = declaring.token_info(tv->token.reveal());
  ASSERT_TRUE(info);
  EXPECT_EQ(info->expires_ms, kNow + 86'400'000) << "tokenValidFor only declares; token_lifetime_ms decides";
  cfg.token_valid_for_ms = 0;  // sent as is, for testing clients
  RestService zero(cfg);
  RestAnswer z = zero.handle(b.view(), kNow);
  EXPECT_NE(z.body.find(R"("tokenValidFor":0)"), std::string::npos) << z.body;
  EXPECT_FALSE(d.bullet(z.status, z.body));
}

TEST(MockRateLimit, FixedWindowWeightPool) {
  auto cfg = config_with_key();
  cfg.rate_limit.quota[static_cast<std::size_t>(kucoin::RatePool::public_pool)] = 10;
  cfg.rate_limit.window_ms = 1'000;
  RestService svc(cfg);
  Req r{"GET", "/api/v1/market/orderbook/level2_20?symbol=BTC-USDT", "", {}, {}};  // weight 2
  for (int i = 0; i < 5; ++i) {
    RestAnswer a = svc.handle(r.view(), kNow + i);
    ASSERT_EQ(a.status, 200) << i;
    auto find = [&](std::string_view n) {
      for (auto& h : a.headers)
        if (h.name == n) return h.value;
      return std::string();
    };
    EXPECT_EQ(find("gw-ratelimit-limit"), "10");
    EXPECT_EQ(find("gw-ratelimit-remaining"), std::to_string(10 - 2 * (i + 1)));
    EXPECT_EQ(find("gw-ratelimit-reset"), std::to_string(1'000 - i));
  }
  RestAnswer limited = svc.handle(r.view(), kNow + 10);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.body, R"({"code":"429000","msg":"Too Many Requests"})");
  EXPECT_EQ(svc.handle(r.view(), kNow + 1'000).status, 200) << "a new window";
  // Another identity has its own public pool.
  RestRequest other = r.view();
  other.remote = "127.0.0.2";
  EXPECT_EQ(svc.handle(other, kNow + 1'001).status, 200);
  EXPECT_EQ(svc.stats().rate_limited, 1u);
}

TEST(MockFaults, ForcedAnswersWithCountsAndSkips) {
  RestService svc(config_with_key());
  kucoin::mock::RestFault f;
  f.path = "/api/v1/market/orderbook/level2_20";
  f.http_status = 429;
  f.code = "429000";
  f.msg = "Too Many Requests";
  f.count = 2;
  f.reset_ms = 150;
  svc.add_fault(f);
  kucoin::mock::RestFault g;
  g.path = "/api/v1/bullet-private";
  g.count = -1;
  g.http_status = 401;
  g.code = "400007";
  g.msg = "Invalid KC-API-KEY-VERSION";
  svc.add_fault(g);
  kucoin::mock::RestFault h;
  h.path = "/api/v1/timestamp";
  h.skip = 1;
  h.count = 1;
  h.code = "";
  h.http_status = 502;
  svc.add_fault(h);

  Req r{"GET", "/api/v1/market/orderbook/level2_20?symbol=BTC-USDT", "", {}, {}};
  for (int i = 0; i < 2; ++i) {
    RestAnswer a = svc.handle(r.view(), kNow);
    EXPECT_EQ(a.status, 429);
    bool has_reset = false;
    for (auto& hd : a.headers) has_reset |= hd.name == "gw-ratelimit-reset" && hd.value == "150";
    EXPECT_TRUE(has_reset);
  }
  EXPECT_EQ(svc.handle(r.view(), kNow).status, 200);
  // Forced answers only meet requests that passed the signature check (mock_forced_answer_test.cpp).
  Req bp = signed_req(creds(key_v2()), "POST", "/api/v1/bullet-private", "", kNow);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(svc.handle(bp.view(), kNow).code, "400007");
  Req t{"GET", "/api/v1/timestamp", "", {}, {}};
  EXPECT_EQ(svc.handle(t.view(), kNow).status, 200);
  RestAnswer html = svc.handle(t.view(), kNow);
  EXPECT_EQ(html.status, 502);
  EXPECT_EQ(html.content_type, "text/html");
  EXPECT_EQ(svc.handle(t.view(), kNow).status, 200);
  EXPECT_EQ(svc.stats().faults_fired, 6u);
  svc.clear_faults();
  EXPECT_EQ(svc.handle(bp.view(), kNow).code, "200000");
  Req unsigned_bp{"POST", "/api/v1/bullet-private", "", {}, {}};
  EXPECT_EQ(svc.handle(unsigned_bp.view(), kNow).code, "400001");
}

TEST(MockLog, NeverContainsSecrets) {
  std::vector<std::string> lines;
  auto cfg = config_with_key();
  cfg.log = [&](std::string_view l) { lines.emplace_back(l); };
  RestService svc(cfg);
  auto c = creds(key_v2());
  svc.handle(signed_req(c, "GET", "/api/v1/accounts", "", kNow).view(), kNow);
  auto wrong = c;
  wrong.secret = kucoin::Secret("another-secret");
  svc.handle(signed_req(wrong, "GET", "/api/v1/accounts", "", kNow).view(), kNow);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[1].find("400005"), std::string::npos) << lines[1];
  for (const auto& l : lines) {
    EXPECT_EQ(l.find(c.secret.reveal()), std::string::npos);
    EXPECT_EQ(l.find(c.passphrase.reveal()), std::string::npos);
    EXPECT_EQ(l.find(kucoin::passphrase_header_value(c)), std::string::npos);
  }
}

}  // namespace
