// Forced answers over a real socket: the mock configured from YAML with each kind of forced answer
// on a signed endpoint. Unsigned and wrongly signed requests (sent with the project's HttpClient)
// get KuCoin's auth error at once, never a 200 or a token; correctly signed ones get the forced
// answer. The RestClient sees the same.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "harness.hpp"
#include "kucoin/mock/config_yaml.hpp"
#include "kucoin/net/http_client.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "kucoin/protocol/sign.hpp"

namespace kucoin::testing {
namespace {

using namespace std::chrono_literals;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

net::HttpClientOptions http_options(Harness& h) {
  net::HttpClientOptions o;
  o.base_url = h.server->url();
  o.tls.use_system_store = false;
  o.tls.ca_pem = h.server->ca_pem();
  o.timeouts.read = 5s;
  return o;
}

// Sends `req` and runs the harness's io_context until the answer (or the deadline).
net::HttpResult send(Harness& h, net::HttpClient& http, net::HttpRequest req) {
  std::optional<net::HttpResult> out;
  req.retry_on_stale = false;
  http.async_request(std::move(req), [&out](net::HttpResult r) { out.emplace(std::move(r)); });
  h.io.restart();
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (!out && std::chrono::steady_clock::now() < until) h.io.run_one_until(until);
  if (!out) {
    ADD_FAILURE() << "no answer within 10 s";
    return Unexpected{net::TransportError{"test", "deadline", true, true, ""}};
  }
  return std::move(*out);
}

net::HttpRequest request(const std::string& method, const std::string& target) {
  net::HttpRequest r;
  r.method = method;
  r.target = target;
  return r;
}

net::HttpRequest signed_request(const Credentials& c, const std::string& method, const std::string& target) {
  net::HttpRequest r = request(method, target);
  auto headers = sign(c, SignInput{now_ms(), method, target, ""});
  EXPECT_TRUE(headers);
  if (headers) r.headers = headers->headers;
  return r;
}

struct Kind {
  const char* name;
  const char* yaml;    // the configuration (faults: ...)
  const char* method;  // the signed endpoint it is tried on
  const char* target;
  std::int64_t delay_ms = 0;
};

const Kind kKinds[] = {
    {"json_error",
     "faults:\n  - { path: /api/v1/bullet-private, status: 401, code: \"400007\", msg: \"Invalid KC-API-KEY-VERSION\", "
     "count: -1 }\n",
     "POST", "/api/v1/bullet-private"},
    {"rate_limit_with_reset",
     "faults:\n  - { path: /api/v3/market/orderbook/level2, status: 429, code: \"429000\", msg: Too Many Requests, "
     "count: -1, "
     "reset_ms: 500 }\n",
     "GET", "/api/v3/market/orderbook/level2?symbol=BTC-USDT"},
    {"server_error", "faults:\n  - { path: /api/v1/accounts, status: 500, count: -1 }\n", "GET", "/api/v1/accounts"},
    {"html_page", "faults:\n  - { path: /api/v1/accounts, status: 502, code: \"\", count: -1 }\n", "GET",
     "/api/v1/accounts?currency=USDT"},
    {"delayed_error",
     "faults:\n  - { path: /api/v1/bullet-private, status: 503, code: \"503000\", msg: Service Unavailable, delay_ms: "
     "300, "
     "count: -1 }\n",
     "POST", "/api/v1/bullet-private", 300},
    {"late_normal_answer",
     "faults:\n  - { path: /api/v1/bullet-private, code: \"200000\", delay_ms: 300, count: -1 }\n", "POST",
     "/api/v1/bullet-private", 300},
    {"close_without_answer", "faults:\n  - { path: \"*\", method: GET, close: true, count: -1 }\n", "GET",
     "/api/v3/market/orderbook/level2?symbol=BTC-USDT"},
};

class ForcedAnswerOverSocket : public ::testing::TestWithParam<Kind> {};

INSTANTIATE_TEST_SUITE_P(EveryKind, ForcedAnswerOverSocket, ::testing::ValuesIn(kKinds),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_P(ForcedAnswerOverSocket, AuthenticationFirstThenTheForcedAnswer) {
  const Kind& k = GetParam();
  auto cfg = mock::load_mock_config_yaml(k.yaml);
  ASSERT_TRUE(cfg) << cfg.error();
  Harness h(false, std::move(*cfg));
  net::HttpClient http(h.io, http_options(h));

  auto wrong = test_credentials();
  wrong.secret = Secret("not-the-secret");
  struct Bad {
    const char* what;
    net::HttpRequest req;
    const char* code;
  };
  Bad bad[] = {{"unsigned", request(k.method, k.target), "400001"},
               {"wrong secret", signed_request(wrong, k.method, k.target), "400005"}};
  for (Bad& b : bad) {
    SCOPED_TRACE(b.what);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = send(h, http, b.req);
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    ASSERT_TRUE(r) << "answered, not closed: " << r.error().describe();
    EXPECT_EQ(r->status, 401) << r->body;
    EXPECT_NE(r->body.find("\"code\":\"" + std::string(b.code) + "\""), std::string::npos) << r->body;
    EXPECT_EQ(r->body.find("token"), std::string::npos) << r->body;
    EXPECT_EQ(r->body.find("data"), std::string::npos) << r->body;
    if (k.delay_ms > 0) {
      EXPECT_LT(elapsed, std::chrono::milliseconds(k.delay_ms)) << "refused at once, not late";
    }
  }
  const auto rejected = h.server->rest().stats();
  EXPECT_EQ(rejected.faults_fired, 0u);
  EXPECT_EQ(rejected.auth_rejected, 2u);

  const auto t0 = std::chrono::steady_clock::now();
  auto r = send(h, http, signed_request(test_credentials(), k.method, k.target));
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(h.server->rest().stats().faults_fired, 1u);
  if (k.delay_ms > 0) {
    EXPECT_GE(elapsed, std::chrono::milliseconds(k.delay_ms));
  }
  const std::string name = k.name;
  if (name == "close_without_answer") {
    ASSERT_FALSE(r) << r->status;
    EXPECT_TRUE(r.error().request_sent);
    return;
  }
  ASSERT_TRUE(r) << r.error().describe();
  if (name == "json_error") {
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(r->body, R"({"code":"400007","msg":"Invalid KC-API-KEY-VERSION"})");
  } else if (name == "rate_limit_with_reset") {
    EXPECT_EQ(r->status, 429);
    EXPECT_EQ(r->header("gw-ratelimit-reset"), "500");
    EXPECT_EQ(r->header("gw-ratelimit-remaining"), "0");
  } else if (name == "server_error") {
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(r->body, R"({"code":"500000","msg":"Internal Server Error"})");
  } else if (name == "html_page") {
    EXPECT_EQ(r->status, 502);
    EXPECT_EQ(r->header("Content-Type"), "text/html");
  } else if (name == "delayed_error") {
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(r->body, R"({"code":"503000","msg":"Service Unavailable"})");
  } else if (name == "late_normal_answer") {
    EXPECT_EQ(r->status, 200);
    RestDecoder d;
    auto token = d.bullet(r->status, r->body);
    ASSERT_TRUE(token) << token.error();
    auto info = h.server->rest().token_info(token->token.reveal());
    ASSERT_TRUE(info);
    EXPECT_TRUE(info->private_token);
    EXPECT_EQ(info->key, kKey);
  } else {
    ADD_FAILURE() << "no check for " << name;
  }
}

// The project's RestClient against "bullet-private answers normally, but late": a client with the
// wrong secret gets the auth error (not retried, no token), the right one its private token, late.
TEST(ForcedAnswerRestClient, LateBulletPrivateStillNeedsTheSignature) {
  auto cfg = mock::load_mock_config_yaml(
      "faults:\n  - { path: /api/v1/bullet-private, code: \"200000\", delay_ms: 250, count: -1 }\n");
  ASSERT_TRUE(cfg) << cfg.error();
  Harness h(false, std::move(*cfg));

  auto wrong_options = h.options();
  wrong_options.credentials->secret = Secret("not-the-secret");
  net::RestClient wrong(h.io, wrong_options);
  const auto t0 = std::chrono::steady_clock::now();
  auto refused = h.await<BulletToken>([&](auto done) { wrong.bullet_private(done); });
  ASSERT_FALSE(refused);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 250ms);
  EXPECT_EQ(refused.error().kind, ApiErrorKind::auth);
  EXPECT_EQ(refused.error().http_status, 401);
  EXPECT_EQ(refused.error().code, "400005");
  EXPECT_EQ(h.server->rest().stats().faults_fired, 0u);

  net::RestClient right(h.io, h.options());
  const auto t1 = std::chrono::steady_clock::now();
  auto token = h.await<BulletToken>([&](auto done) { right.bullet_private(done); });
  ASSERT_TRUE(token) << token.error();
  EXPECT_GE(std::chrono::steady_clock::now() - t1, 250ms);
  auto info = h.server->rest().token_info(token->token.reveal());
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->private_token);
  EXPECT_EQ(h.server->rest().stats().faults_fired, 1u);
}

}  // namespace
}  // namespace kucoin::testing
