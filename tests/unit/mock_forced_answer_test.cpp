// Forced answers (RestFault) never bypass the mock's checks: for every kind of forced answer and
// every signed endpoint, a request that KuCoin would refuse (unsigned, wrongly signed, unknown key,
// wrong passphrase or key version, stale timestamp) gets KuCoin's auth error, never a 200 or a
// token, and does not use up the fault; a correctly signed request then gets the forced answer.
// Also: validation before faults, faults still cost weight, HEAD routed as GET.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "kucoin/mock/rest_service.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "mock_rest_helpers.hpp"

namespace {

using kucoin::mock::RestAnswer;
using kucoin::mock::RestFault;
using kucoin::mock::RestService;
using kucoin::mock::testing::config_with_key;
using kucoin::mock::testing::creds;
using kucoin::mock::testing::key_v2;
using kucoin::mock::testing::kNow;
using kucoin::mock::testing::Req;
using kucoin::mock::testing::signed_req;

std::string header(const RestAnswer& a, std::string_view name) {
  for (const auto& h : a.headers) {
    if (h.name == name) return h.value;
  }
  return {};
}

struct Endpoint {
  const char* name;
  const char* method;
  const char* path;
  const char* target;
};

const Endpoint kEndpoints[] = {
    {"level2_full", "GET", "/api/v3/market/orderbook/level2", "/api/v3/market/orderbook/level2?symbol=BTC-USDT"},
    {"bullet_private", "POST", "/api/v1/bullet-private", "/api/v1/bullet-private"},
    {"accounts", "GET", "/api/v1/accounts", "/api/v1/accounts?currency=USDT"},
};

// The endpoint's real answer, decoded: what a "200000" fault must deliver.
void expect_normal_answer(const Endpoint& e, const RestAnswer& a, RestService& svc) {
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.code, "200000");
  kucoin::RestDecoder d;
  if (std::string_view(e.name) == "level2_full") {
    auto s = d.snapshot(a.status, a.body, kucoin::SymbolScale{1, 8});
    ASSERT_TRUE(s) << s.error();
    EXPECT_FALSE(s->bids.empty());
  } else if (std::string_view(e.name) == "bullet_private") {
    auto t = d.bullet(a.status, a.body);
    ASSERT_TRUE(t) << t.error();
    auto info = svc.token_info(t->token.reveal());
    ASSERT_TRUE(info);
    EXPECT_TRUE(info->private_token);
    EXPECT_EQ(info->key, key_v2().key) << "a private token is tied to the key that signed the request";
  } else {
    auto acc = d.accounts(a.status, a.body);
    ASSERT_TRUE(acc) << acc.error();
    ASSERT_FALSE(acc->empty());
    EXPECT_EQ(acc->front().currency, "USDT");
  }
}

struct Kind {
  const char* name;
  std::function<void(RestFault&)> configure;
  std::function<void(const Endpoint&, const RestAnswer&, RestService&)> check_forced;
};

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> k = {
      {"json_error",
       [](RestFault& f) {
         f.http_status = 401;
         f.code = "400006";
         f.msg = "Invalid request ip, the current clientIp is:127.0.0.1";
       },
       [](const Endpoint&, const RestAnswer& a, RestService&) {
         EXPECT_EQ(a.status, 401);
         EXPECT_EQ(a.code, "400006");
         EXPECT_EQ(a.body, R"({"code":"400006","msg":"Invalid request ip, the current clientIp is:127.0.0.1"})");
         EXPECT_EQ(a.delay_ms, 0);
         EXPECT_FALSE(a.close_connection);
       }},
      {"default_server_error", [](RestFault&) {},
       [](const Endpoint&, const RestAnswer& a, RestService&) {
         EXPECT_EQ(a.status, 500);
         EXPECT_EQ(a.body, R"({"code":"500000","msg":"Internal Server Error"})");
       }},
      {"rate_limit_with_reset",
       [](RestFault& f) {
         f.http_status = 429;
         f.code = "429000";
         f.msg = "Too Many Requests";
         f.reset_ms = 150;
       },
       [](const Endpoint&, const RestAnswer& a, RestService&) {
         EXPECT_EQ(a.status, 429);
         EXPECT_EQ(a.code, "429000");
         EXPECT_EQ(header(a, "gw-ratelimit-remaining"), "0");
         EXPECT_EQ(header(a, "gw-ratelimit-reset"), "150");
       }},
      {"html_page",
       [](RestFault& f) {
         f.http_status = 502;
         f.code = "";
       },
       [](const Endpoint&, const RestAnswer& a, RestService&) {
         EXPECT_EQ(a.status, 502);
         EXPECT_EQ(a.content_type, "text/html");
         EXPECT_NE(a.body.find("<html>"), std::string::npos) << a.body;
       }},
      {"delayed_error",
       [](RestFault& f) {
         f.http_status = 503;
         f.code = "503000";
         f.msg = "Service Unavailable";
         f.delay_ms = 2'000;
       },
       [](const Endpoint&, const RestAnswer& a, RestService&) {
         EXPECT_EQ(a.status, 503);
         EXPECT_EQ(a.code, "503000");
         EXPECT_EQ(a.delay_ms, 2'000);
       }},
      {"late_normal_answer",
       [](RestFault& f) {
         f.code = "200000";
         f.delay_ms = 3'000;
       },
       [](const Endpoint& e, const RestAnswer& a, RestService& svc) {
         expect_normal_answer(e, a, svc);
         EXPECT_EQ(a.delay_ms, 3'000);
         EXPECT_FALSE(header(a, "gw-ratelimit-remaining").empty()) << "a normal answer carries its pool's headers";
       }},
      {"normal_answer_no_delay", [](RestFault& f) { f.code = "200000"; },
       [](const Endpoint& e, const RestAnswer& a, RestService& svc) {
         expect_normal_answer(e, a, svc);
         EXPECT_EQ(a.delay_ms, 0);
       }},
      {"close_connection", [](RestFault& f) { f.close_connection = true; },
       [](const Endpoint&, const RestAnswer& a, RestService&) {
         EXPECT_TRUE(a.close_connection);
         EXPECT_EQ(a.delay_ms, 0);
       }},
      {"close_after_delay",
       [](RestFault& f) {
         f.code = "200000";  // a close wins over the normal answer: nothing is issued
         f.close_connection = true;
         f.delay_ms = 1'000;
       },
       [](const Endpoint&, const RestAnswer& a, RestService&) {
         EXPECT_TRUE(a.close_connection);
         EXPECT_EQ(a.delay_ms, 1'000);
         EXPECT_TRUE(a.body.empty());
       }},
      {"wildcard_path_and_method",
       [](RestFault& f) {
         f.path = "*";
         f.http_status = 401;
         f.code = "400007";
         f.msg = "Invalid KC-API-KEY-VERSION";
       },
       [](const Endpoint&, const RestAnswer& a, RestService&) {
         EXPECT_EQ(a.status, 401);
         EXPECT_EQ(a.code, "400007");
       }},
  };
  return k;
}

class ForcedAnswer : public ::testing::TestWithParam<std::tuple<std::size_t, std::size_t>> {
 protected:
  const Kind& kind() const { return kinds()[std::get<0>(GetParam())]; }
  const Endpoint& endpoint() const { return kEndpoints[std::get<1>(GetParam())]; }
};

TEST_P(ForcedAnswer, NeverBypassesAuthenticationAndMeetsOnlySignedRequests) {
  const Endpoint& e = endpoint();
  RestService svc(config_with_key());
  RestFault f;
  f.path = e.path;
  f.method = e.method;
  f.count = 1;
  kind().configure(f);
  svc.add_fault(f);

  const auto good = creds(key_v2());
  auto wrong_secret = good;
  wrong_secret.secret = kucoin::Secret("not-the-secret");
  auto wrong_pass = good;
  wrong_pass.passphrase = kucoin::Secret("not-the-passphrase");
  auto unknown_key = good;
  unknown_key.key = "5c2db93503aa674c74a3ffff";

  struct Bad {
    const char* what;
    Req req;
    int status;
    const char* code;
  };
  std::vector<Bad> bad;
  bad.push_back({"unsigned", Req{e.method, e.target, "", {}, {}}, 401, "400001"});
  bad.push_back({"wrong secret", signed_req(wrong_secret, e.method, e.target, "", kNow), 401, "400005"});
  bad.push_back({"wrong passphrase", signed_req(wrong_pass, e.method, e.target, "", kNow), 401, "400004"});
  bad.push_back({"unknown key", signed_req(unknown_key, e.method, e.target, "", kNow), 401, "400003"});
  Req no_version = signed_req(good, e.method, e.target, "", kNow);
  no_version.erase("KC-API-KEY-VERSION");
  bad.push_back({"no key version", no_version, 401, "400007"});
  bad.push_back({"stale timestamp", signed_req(good, e.method, e.target, "", kNow - 60'000), 400, "400002"});
  Req other_target = signed_req(good, e.method, e.target, "", kNow);
  other_target.target += std::string_view(e.target).find('?') == std::string_view::npos ? "?x=1" : "&x=1";
  bad.push_back({"signature over another target", other_target, 401, "400005"});

  for (Bad& b : bad) {
    SCOPED_TRACE(b.what);
    RestAnswer a = svc.handle(b.req.view(), kNow);
    EXPECT_EQ(a.status, b.status) << a.body;
    EXPECT_EQ(a.code, b.code) << a.body;
    EXPECT_EQ(a.delay_ms, 0) << "not even delayed by the fault";
    EXPECT_FALSE(a.close_connection);
    EXPECT_EQ(a.content_type, "application/json");
    EXPECT_EQ(a.body.find("token"), std::string::npos) << a.body;
    EXPECT_EQ(a.body.find("data"), std::string::npos) << a.body;
  }
  EXPECT_EQ(svc.stats().faults_fired, 0u) << "refused requests never meet a fault";
  EXPECT_EQ(svc.stats().auth_rejected, bad.size());

  Req ok = signed_req(good, e.method, e.target, "", kNow);
  {
    SCOPED_TRACE("correctly signed: the forced answer");
    kind().check_forced(e, svc.handle(ok.view(), kNow), svc);
  }
  EXPECT_EQ(svc.stats().faults_fired, 1u);
  {
    SCOPED_TRACE("the fault (count 1) is used up by the one signed request");
    RestAnswer normal = svc.handle(ok.view(), kNow);
    expect_normal_answer(e, normal, svc);
    EXPECT_EQ(normal.delay_ms, 0);
  }
  // Still no bypass after the fault is used up, and none with count -1 either.
  RestFault forever = f;
  forever.count = -1;
  svc.clear_faults();
  svc.add_fault(forever);
  RestAnswer again = svc.handle(bad.front().req.view(), kNow);
  EXPECT_EQ(again.code, "400001");
  EXPECT_EQ(again.delay_ms, 0);
}

INSTANTIATE_TEST_SUITE_P(EveryKindEverySignedEndpoint, ForcedAnswer,
                         ::testing::Combine(::testing::Range<std::size_t>(0, kinds().size()),
                                            ::testing::Range<std::size_t>(0, std::size(kEndpoints))),
                         [](const auto& param_info) {
                           return std::string(kinds()[std::get<0>(param_info.param)].name) + "_" +
                                  kEndpoints[std::get<1>(param_info.param)].name;
                         });

TEST(ForcedAnswerOrder, ValidationComesFirst) {
  RestService svc(config_with_key());
  RestFault f;
  f.path = "*";
  f.count = -1;
  f.code = "200000";
  f.delay_ms = 500;
  svc.add_fault(f);
  const auto c = creds(key_v2());
  RestAnswer nosym = svc.handle(signed_req(c, "GET", "/api/v3/market/orderbook/level2", "", kNow).view(), kNow);
  EXPECT_EQ(nosym.status, 400);
  EXPECT_EQ(nosym.code, "400100");
  EXPECT_EQ(nosym.delay_ms, 0);
  RestAnswer unknown =
      svc.handle(signed_req(c, "GET", "/api/v3/market/orderbook/level2?symbol=NOPE-USDT", "", kNow).view(), kNow);
  EXPECT_EQ(unknown.code, "900001");
  EXPECT_EQ(unknown.delay_ms, 0);
  RestAnswer not_json = svc.handle(signed_req(c, "POST", "/api/v1/bullet-private", "{oops", kNow).view(), kNow);
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.code, "400100");
  Req form = signed_req(c, "POST", "/api/v1/bullet-private", "a=1", kNow);
  form.set("Content-Type", "application/x-www-form-urlencoded");
  EXPECT_EQ(svc.handle(form.view(), kNow).code, "415000");
  Req wrong_method = signed_req(c, "GET", "/api/v1/bullet-private", "", kNow);
  RestAnswer m = svc.handle(wrong_method.view(), kNow);
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.delay_ms, 0);
  Req nowhere{"GET", "/api/v1/nowhere", "", {}, {}};
  EXPECT_EQ(svc.handle(nowhere.view(), kNow).status, 404);
  EXPECT_EQ(svc.stats().faults_fired, 0u);
  // A valid public request meets the fault.
  Req pub{"GET", "/api/v1/market/orderbook/level2_20?symbol=BTC-USDT", "", {}, {}};
  RestAnswer late = svc.handle(pub.view(), kNow);
  EXPECT_EQ(late.status, 200);
  EXPECT_EQ(late.delay_ms, 500);
  EXPECT_EQ(svc.stats().faults_fired, 1u);
}

TEST(ForcedAnswerOrder, ForcedAnswersCostWeightAndThePoolComesFirst) {
  auto cfg = config_with_key();
  cfg.rate_limit.quota[static_cast<std::size_t>(kucoin::RatePool::spot)] = 7;  // two full snapshots (weight 3)
  RestService svc(cfg);
  RestFault f;
  f.path = "/api/v3/market/orderbook/level2";
  f.count = -1;
  f.http_status = 500;
  svc.add_fault(f);
  const auto c = creds(key_v2());
  for (int i = 0; i < 2; ++i) {
    RestAnswer a =
        svc.handle(signed_req(c, "GET", "/api/v3/market/orderbook/level2?symbol=BTC-USDT", "", kNow).view(), kNow);
    EXPECT_EQ(a.status, 500) << i;
  }
  RestAnswer limited =
      svc.handle(signed_req(c, "GET", "/api/v3/market/orderbook/level2?symbol=BTC-USDT", "", kNow).view(), kNow);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.code, "429000");
  EXPECT_EQ(header(limited, "gw-ratelimit-limit"), "7");
  EXPECT_EQ(header(limited, "gw-ratelimit-remaining"), "1");
  const auto st = svc.stats();
  EXPECT_EQ(st.faults_fired, 2u);
  EXPECT_EQ(st.rate_limited, 1u);
}

TEST(ForcedAnswerOrder, SkipCountsOnlyRequestsThatPassedTheChecks) {
  RestService svc(config_with_key());
  RestFault f;
  f.path = "/api/v1/accounts";
  f.skip = 1;
  f.count = 1;
  f.http_status = 500;
  svc.add_fault(f);
  const auto c = creds(key_v2());
  Req unsigned_req{"GET", "/api/v1/accounts", "", {}, {}};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(svc.handle(unsigned_req.view(), kNow).code, "400001");
  Req ok = signed_req(c, "GET", "/api/v1/accounts", "", kNow);
  EXPECT_EQ(svc.handle(ok.view(), kNow).status, 200) << "the skipped one";
  EXPECT_EQ(svc.handle(ok.view(), kNow).status, 500) << "the forced one";
  EXPECT_EQ(svc.handle(ok.view(), kNow).status, 200);
}

TEST(ForcedAnswerOrder, HeadIsRoutedAsGet) {
  RestService svc(config_with_key());
  Req head{"HEAD", "/api/v1/timestamp", "", {}, {}};
  RestAnswer a = svc.handle(head.view(), kNow);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.code, "200000");
  EXPECT_FALSE(a.body.empty()) << "the body GET would send (the server sends its length, not its bytes)";
  Req head_post_only{"HEAD", "/api/v1/bullet-public", "", {}, {}};
  RestAnswer m = svc.handle(head_post_only.view(), kNow);
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(header(m, "Allow"), "POST");
  // A HEAD to a signed endpoint is authenticated like the GET (signed with method HEAD).
  Req head_accounts{"HEAD", "/api/v1/accounts", "", {}, {}};
  EXPECT_EQ(svc.handle(head_accounts.view(), kNow).code, "400001");
  Req signed_head = signed_req(creds(key_v2()), "HEAD", "/api/v1/accounts", "", kNow);
  EXPECT_EQ(svc.handle(signed_head.view(), kNow).status, 200);
}

}  // namespace
