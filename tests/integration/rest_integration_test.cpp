// The real RestClient against the real MockServer over loopback, plain HTTP and TLS.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

#include "harness.hpp"
#include "kucoin/mock/tls_cert.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "kucoin/protocol/sign.hpp"

namespace kucoin::testing {
namespace {

using namespace std::chrono_literals;
using net::RestClient;
using net::RestHandler;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Rest : public ::testing::TestWithParam<bool> {
 protected:
  bool tls() const { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(PlainAndTls, Rest, ::testing::Values(false, true), [](const auto& param_info) {
  return param_info.param ? std::string("tls") : std::string("http");
});

TEST_P(Rest, PublicEndpoints) {
  Harness h(tls());
  RestClient client(h.io, h.options(false));

  auto t = h.await<std::int64_t>([&](auto done) { client.server_time(done); });
  ASSERT_TRUE(t) << t.error();
  EXPECT_NEAR(static_cast<double>(*t), static_cast<double>(now_ms()), 5'000.0);

  auto st = h.await<ServiceStatus>([&](auto done) { client.service_status(done); });
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(st->status, "open");

  auto syms = h.await<std::vector<SymbolInfo>>([&](auto done) { client.symbols(done); });
  ASSERT_TRUE(syms) << syms.error();
  ASSERT_EQ(syms->size(), 2u);
  EXPECT_EQ(syms->at(0).symbol, "BTC-USDT");
  EXPECT_EQ(syms->at(0).scale, (SymbolScale{1, 8}));

  const SymbolScale scale = syms->at(0).scale;
  auto s20 = h.await<L2Snapshot>([&](auto done) { client.level2_20("BTC-USDT", scale, done); });
  ASSERT_TRUE(s20) << s20.error();
  EXPECT_EQ(s20->bids.size(), 20u);
  EXPECT_EQ(s20->asks.size(), 20u);
  EXPECT_LT(s20->bids.front().price, s20->asks.front().price);
  auto s100 = h.await<L2Snapshot>([&](auto done) { client.level2_100("BTC-USDT", scale, done); });
  ASSERT_TRUE(s100) << s100.error();
  EXPECT_EQ(s100->bids.size(), 100u);
  EXPECT_GT(s100->sequence, s20->sequence) << "the mock's market moves between snapshots";

  auto b = h.await<BulletToken>([&](auto done) { client.bullet_public(done); });
  ASSERT_TRUE(b) << b.error();
  ASSERT_EQ(b->servers.size(), 1u);
  EXPECT_EQ(b->servers[0].endpoint, h.server->ws_url());
  EXPECT_EQ(b->servers[0].encrypt, tls());
  EXPECT_TRUE(h.server->rest().token_info(b->token.reveal()).has_value());
}

TEST_P(Rest, PrivateEndpoints) {
  Harness h(tls());
  RestClient client(h.io, h.options());
  auto full = h.await<L2Snapshot>([&](auto done) { client.level2_full("ETH-USDT", SymbolScale{2, 7}, done); });
  ASSERT_TRUE(full) << full.error();
  EXPECT_GT(full->bids.size(), 100u) << "the v3 book is not truncated";
  EXPECT_GT(full->asks.size(), 100u);

  auto b = h.await<BulletToken>([&](auto done) { client.bullet_private(done); });
  ASSERT_TRUE(b) << b.error();
  auto info = h.server->rest().token_info(b->token.reveal());
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->private_token);
  EXPECT_EQ(info->key, kKey);

  auto acc = h.await<std::vector<Account>>([&](auto done) { client.accounts({"USDT", "trade"}, done); });
  ASSERT_TRUE(acc) << acc.error();
  ASSERT_EQ(acc->size(), 1u);
  EXPECT_EQ(acc->front().currency, "USDT");
  EXPECT_EQ(acc->front().type, "trade");
  auto all = h.await<std::vector<Account>>([&](auto done) { client.accounts({}, done); });
  ASSERT_TRUE(all) << all.error();
  EXPECT_EQ(all->size(), 3u);
}

TEST_P(Rest, EveryAuthErrorEndToEnd) {
  mock::MockServerConfig cfg;
  cfg.rest.keys.push_back(test_key());
  cfg.rest.keys.push_back({"legacy-key", Secret("legacy-secret"), Secret("legacy-pass"), KeyVersion::v1, {}});
  Harness h(tls(), std::move(cfg));

  struct Case {
    const char* name;
    std::function<void(net::RestClientOptions&)> tweak;
    const char* code;
    int http_status;
    bool sign = true;
  };
  const std::vector<Case> cases = {
      {"no headers", [](auto&) {}, "400001", 401, false},
      {"unknown key", [](auto& o) { o.credentials->key = "not-a-key"; }, "400003", 401},
      {"v1 header for a v2 key", [](auto& o) { o.credentials->version = KeyVersion::v1; }, "400007", 401},
      {"wrong secret", [](auto& o) { o.credentials->secret = Secret("wrong-secret"); }, "400005", 401},
      {"wrong passphrase", [](auto& o) { o.credentials->passphrase = Secret("wrong-passphrase"); }, "400004", 401},
      {"legacy key, wrong secret",
       [](auto& o) {
         o.credentials = Credentials{"legacy-key", Secret("nope"), Secret("legacy-pass"), KeyVersion::v1};
       },
       "400005", 401},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto o = h.options();
    c.tweak(o);
    RestClient client(h.io, o);
    net::RestCall call{"GET", "/api/v1/accounts", "", "", c.sign, true};
    auto r = h.await<net::RestReply>([&](auto done) { client.call(call, done); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ApiErrorKind::auth) << r.error();
    EXPECT_EQ(r.error().code, c.code) << r.error();
    EXPECT_EQ(r.error().http_status, c.http_status);
    EXPECT_EQ(r.error().attempts, 1) << "auth errors are not retried blindly";
    EXPECT_FALSE(r.error().hint().empty());
  }
  // The legacy key itself works (plain passphrase, no version header).
  auto o = h.options();
  o.credentials = Credentials{"legacy-key", Secret("legacy-secret"), Secret("legacy-pass"), KeyVersion::v1};
  RestClient legacy(h.io, o);
  auto ok = h.await<std::vector<Account>>([&](auto done) { legacy.accounts({}, done); });
  EXPECT_TRUE(ok) << ok.error();
  // Client-side: a private call without credentials never leaves the process.
  RestClient anonymous(h.io, h.options(false));
  auto none = h.await<BulletToken>([&](auto done) { anonymous.bullet_private(done); });
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ApiErrorKind::auth);
  EXPECT_EQ(none.error().attempts, 0);
}

TEST_P(Rest, ForcedKeyVersionAndWhitelistErrors) {
  Harness h(tls());
  mock::RestFault f;
  f.path = "/api/v1/bullet-private";
  f.count = -1;
  f.http_status = 401;
  f.code = "400007";
  f.msg = "Invalid KC-API-KEY-VERSION";
  h.server->rest().add_fault(f);
  mock::RestFault w;
  w.path = "/api/v1/accounts";
  w.http_status = 401;
  w.code = "400006";
  w.msg = "Invalid request ip, the current clientIp is:127.0.0.1";
  h.server->rest().add_fault(w);
  RestClient client(h.io, h.options());
  auto b = h.await<BulletToken>([&](auto done) { client.bullet_private(done); });
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, "400007");
  EXPECT_EQ(b.error().msg, "Invalid KC-API-KEY-VERSION");
  EXPECT_NE(b.error().describe().find("KC-API-KEY-VERSION"), std::string::npos);
  auto a = h.await<std::vector<Account>>([&](auto done) { client.accounts({}, done); });
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().kind, ApiErrorKind::auth);
  EXPECT_NE(a.error().describe().find("whitelist"), std::string::npos) << a.error();
}

TEST_P(Rest, ClientClockSkewIsResyncedOnce) {
  Harness h(tls());
  auto o = h.options();
  o.clock = [] { return now_ms() - 30'000; };  // the client's clock is 30 s behind
  RestClient client(h.io, o);
  auto r = h.await<L2Snapshot>([&](auto done) { client.level2_full("BTC-USDT", SymbolScale{1, 8}, done); });
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(client.stats().clock_resyncs, 1u);
  EXPECT_NEAR(static_cast<double>(client.clock_offset_ms()), 30'000.0, 2'000.0);
  EXPECT_EQ(h.server->rest().stats().by_code.at("400002"), 1u);
  // The learned offset sticks: the next signed call needs no retry.
  auto again = h.await<std::vector<Account>>([&](auto done) { client.accounts({}, done); });
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(h.server->rest().stats().by_code.at("400002"), 1u);
}

TEST_P(Rest, ServerClockSkewAndResyncDisabled) {
  mock::MockServerConfig cfg;
  cfg.rest.clock_offset_ms = 30'000;  // "clock skew of 30 s" on the server side
  Harness h(tls(), std::move(cfg));
  auto o = h.options();
  o.retry.resync_clock = false;
  RestClient strict(h.io, o);
  auto r = h.await<BulletToken>([&](auto done) { strict.bullet_private(done); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ApiErrorKind::clock);
  EXPECT_EQ(r.error().code, "400002");
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_EQ(r.error().attempts, 1);

  RestClient client(h.io, h.options());
  auto ok = h.await<BulletToken>([&](auto done) { client.bullet_private(done); });
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_NEAR(static_cast<double>(client.clock_offset_ms()), 30'000.0, 2'000.0);
}

TEST_P(Rest, WaitsOutForced429s) {
  Harness h(tls());
  mock::RestFault f;
  f.path = "/api/v1/market/orderbook/level2_20";
  f.count = 2;
  f.http_status = 429;
  f.code = "429000";
  f.msg = "Too Many Requests";
  f.reset_ms = 120;
  h.server->rest().add_fault(f);
  RestClient client(h.io, h.options(false));
  const auto t0 = std::chrono::steady_clock::now();
  auto r = h.await<L2Snapshot>([&](auto done) { client.level2_20("BTC-USDT", SymbolScale{1, 8}, done); });
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r) << r.error();
  EXPECT_GE(elapsed, 200ms) << "two resets of 120 ms were waited out";
  EXPECT_EQ(h.server->rest().stats().faults_fired, 2u);
  EXPECT_EQ(client.stats().retries, 2u);
}

TEST_P(Rest, GivesUpAfterBoundedRateLimitRetries) {
  Harness h(tls());
  mock::RestFault f;
  f.path = "/api/v1/timestamp";
  f.count = -1;
  f.http_status = 429;
  f.code = "429000";
  f.msg = "Too Many Requests";
  f.reset_ms = 30;
  h.server->rest().add_fault(f);
  auto o = h.options(false);
  o.retry.max_rate_limit_retries = 2;
  RestClient client(h.io, o);
  auto r = h.await<std::int64_t>([&](auto done) { client.server_time(done); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ApiErrorKind::rate_limit);
  EXPECT_EQ(r.error().http_status, 429);
  EXPECT_EQ(r.error().retry_after_ms, 30);
  EXPECT_EQ(r.error().attempts, 3);
}

TEST_P(Rest, WeightPoolEnforcedByMockAndTrackedByClient) {
  mock::MockServerConfig cfg;
  cfg.rest.rate_limit.quota[static_cast<std::size_t>(RatePool::public_pool)] = 10;  // five level2_20 calls
  cfg.rest.rate_limit.window_ms = 300;
  Harness h(tls(), std::move(cfg));

  // With the client-side limiter, the client waits for the reset itself: the mock never says 429.
  RestClient polite(h.io, h.options(false));
  for (int i = 0; i < 8; ++i) {
    auto r = h.await<L2Snapshot>([&](auto done) { polite.level2_20("BTC-USDT", SymbolScale{1, 8}, done); });
    ASSERT_TRUE(r) << i << ": " << r.error();
  }
  EXPECT_EQ(h.server->rest().stats().rate_limited, 0u);
  EXPECT_GE(polite.stats().rate_limit_waits, 1u);
  const auto pool = polite.pool_state(RatePool::public_pool);
  EXPECT_EQ(pool.limit, 10);

  // Without it, the mock answers 429 with the gw-ratelimit-* headers and the client waits then.
  auto o = h.options(false);
  o.client_rate_limit = false;
  RestClient blunt(h.io, o);
  for (int i = 0; i < 8; ++i) {
    auto r = h.await<L2Snapshot>([&](auto done) { blunt.level2_20("BTC-USDT", SymbolScale{1, 8}, done); });
    ASSERT_TRUE(r) << i << ": " << r.error();
  }
  EXPECT_GE(h.server->rest().stats().rate_limited, 1u);
}

TEST_P(Rest, RetriesServerErrorsWithBackoff) {
  Harness h(tls());
  mock::RestFault f;
  f.path = "/api/v2/symbols";
  f.count = 2;
  f.http_status = 500;
  h.server->rest().add_fault(f);
  mock::RestFault html;
  html.path = "/api/v1/status";
  html.count = 1;
  html.http_status = 502;
  html.code = "";  // a proxy's HTML page
  h.server->rest().add_fault(html);
  mock::RestFault down;
  down.path = "/api/v1/timestamp";
  down.count = -1;
  down.http_status = 503;
  down.code = "503000";
  down.msg = "Service Unavailable";
  h.server->rest().add_fault(down);

  RestClient client(h.io, h.options(false));
  auto s = h.await<std::vector<SymbolInfo>>([&](auto done) { client.symbols(done); });
  ASSERT_TRUE(s) << s.error();
  auto st = h.await<ServiceStatus>([&](auto done) { client.service_status(done); });
  ASSERT_TRUE(st) << st.error();
  auto t = h.await<std::int64_t>([&](auto done) { client.server_time(done); });
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ApiErrorKind::server);
  EXPECT_EQ(t.error().http_status, 503);
  EXPECT_EQ(t.error().attempts, 4) << "1 + max_server_retries (3)";
}

TEST_P(Rest, KeepAliveReusesOneConnection) {
  Harness h(tls());
  RestClient client(h.io, h.options());
  for (int i = 0; i < 10; ++i) {
    auto r = h.await<std::int64_t>([&](auto done) { client.server_time(done); });
    ASSERT_TRUE(r) << r.error();
  }
  auto a = h.await<std::vector<Account>>([&](auto done) { client.accounts({}, done); });
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(client.http().connections_opened(), 1u);
  EXPECT_EQ(h.server->stats().connections_accepted, 1u);
  EXPECT_EQ(h.server->stats().http_requests, 11u);
  // Every request carried the descriptive User-Agent.
  const auto agents = h.server->rest().stats().user_agents;
  ASSERT_EQ(agents.size(), 1u);
  EXPECT_EQ(agents.begin()->first, net::kDefaultUserAgent);
  EXPECT_EQ(agents.begin()->second, 11u);
}

TEST_P(Rest, DeadlinesAndClosedConnections) {
  Harness h(tls());
  mock::RestFault slow;
  slow.path = "/api/v1/timestamp";
  slow.count = 1;
  slow.code = "200000";  // answer normally, but late
  slow.delay_ms = 3'000;
  h.server->rest().add_fault(slow);
  auto o = h.options(false);
  o.http.timeouts.read = 200ms;
  o.retry.max_transport_retries = 0;
  RestClient impatient(h.io, o);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = h.await<std::int64_t>([&](auto done) { impatient.server_time(done); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ApiErrorKind::transport);
  EXPECT_NE(r.error().msg.find("timed out after 200 ms"), std::string::npos) << r.error();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2'500ms);

  mock::RestFault cut;
  cut.path = "/api/v2/symbols";
  cut.count = 1;
  cut.close_connection = true;
  h.server->rest().add_fault(cut);
  RestClient client(h.io, h.options(false));
  auto s = h.await<std::vector<SymbolInfo>>([&](auto done) { client.symbols(done); });
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(h.server->rest().stats().faults_fired, 2u);
}

TEST_P(Rest, KuCoinShapedAnswersToBadRequests) {
  Harness h(tls());
  RestClient client(h.io, h.options(false));
  auto nf = h.await<net::RestReply>([&](auto done) {
    client.call({"GET", "/api/v1/no-such-thing", "", "", false, true}, done);
  });
  ASSERT_FALSE(nf);
  EXPECT_EQ(nf.error().http_status, 404);
  EXPECT_EQ(nf.error().code, "404000");
  EXPECT_EQ(nf.error().kind, ApiErrorKind::request);
  auto wm = h.await<net::RestReply>([&](auto done) {
    client.call({"GET", "/api/v1/bullet-public", "", "", false, true}, done);
  });
  ASSERT_FALSE(wm);
  EXPECT_EQ(wm.error().http_status, 405);
  auto bj = h.await<net::RestReply>([&](auto done) {
    client.call({"POST", "/api/v1/bullet-public", "", "{oops", false, true}, done);
  });
  ASSERT_FALSE(bj);
  EXPECT_EQ(bj.error().http_status, 400);
  EXPECT_EQ(bj.error().code, "400100");
  // A path that would inject a header never leaves the process.
  auto inj = h.await<net::RestReply>([&](auto done) {
    client.call({"GET", "/api/v1/timestamp\r\nX-Injected: 1", "", "", false, true}, done);
  });
  ASSERT_FALSE(inj);
  EXPECT_EQ(inj.error().kind, ApiErrorKind::transport);
  EXPECT_EQ(inj.error().attempts, 1);
  // The server is still fine.
  auto t = h.await<std::int64_t>([&](auto done) { client.server_time(done); });
  EXPECT_TRUE(t) << t.error();
}

TEST_P(Rest, QuerySignedAsSentWithPercentEncoding) {
  Harness h(tls());
  RestClient client(h.io, h.options());
  net::RestCall call{"GET", "/api/v1/accounts", "currency=US%44T&type=trade", "", true, true};
  auto r = h.await<net::RestReply>([&](auto done) { client.call(call, done); });
  ASSERT_TRUE(r) << r.error();
  RestDecoder d;
  auto acc = d.accounts(r->status, r->body);
  ASSERT_TRUE(acc);
  ASSERT_EQ(acc->size(), 1u);
  EXPECT_EQ(acc->front().currency, "USDT");
}

TEST_P(Rest, BrokerHeadersAreAccepted) {
  Harness h(tls());
  auto o = h.options();
  o.broker = BrokerCredentials{"my-partner", Secret("partner-secret-key"), "", true};
  RestClient client(h.io, o);
  auto r = h.await<std::vector<Account>>([&](auto done) { client.accounts({}, done); });
  EXPECT_TRUE(r) << r.error();
}

TEST_P(Rest, SecretsNeverAppearInLogsOrErrors) {
  Harness h(tls());
  std::vector<std::string> texts;
  auto run = [&](net::RestClientOptions o) {
    RestClient client(h.io, o);
    auto a = h.await<std::vector<Account>>([&](auto done) { client.accounts({}, done); });
    if (!a) texts.push_back(a.error().describe());
    auto b = h.await<BulletToken>([&](auto done) { client.bullet_private(done); });
    if (!b) {
      texts.push_back(b.error().describe());
    } else {
      std::ostringstream os;
      os << b->token;
      texts.push_back(os.str());
      EXPECT_EQ(os.str(), "<redacted>");
    }
  };
  auto good = h.options();
  run(good);
  auto wrong_pass = h.options();
  wrong_pass.credentials->passphrase = Secret("wrong-passphrase-value");
  run(wrong_pass);
  auto wrong_secret = h.options();
  wrong_secret.credentials->secret = Secret("wrong-secret-value");
  run(wrong_secret);
  auto skewed = h.options();
  skewed.clock = [] { return now_ms() + 60'000; };
  skewed.retry.resync_clock = false;
  run(skewed);

  // Everything the client and the mock logged, and every error text.
  std::vector<std::string> all = h.logs.all();
  all.insert(all.end(), texts.begin(), texts.end());
  ASSERT_GE(all.size(), 10u);
  const Credentials c = test_credentials();
  const std::string passphrase_hmac = passphrase_header_value(c);
  const std::vector<std::string> forbidden = {std::string(kSecret), std::string(kPassphrase), passphrase_hmac,
                                              "wrong-passphrase-value", "wrong-secret-value"};
  for (const auto& line : all) {
    for (const auto& f : forbidden) EXPECT_EQ(line.find(f), std::string::npos) << "leaked into: " << line;
  }
  bool saw_400004 = false, saw_400005 = false, saw_400002 = false;
  for (const auto& line : all) {
    saw_400004 |= line.find("400004") != std::string::npos;
    saw_400005 |= line.find("400005") != std::string::npos;
    saw_400002 |= line.find("400002") != std::string::npos;
  }
  EXPECT_TRUE(saw_400004 && saw_400005 && saw_400002) << "the failures were logged";
}

TEST(RestTls, UntrustedCertificateIsRejected) {
  Harness h(true);
  auto o = h.options(false);
  o.http.tls.ca_pem.clear();
  o.http.tls.use_system_store = true;  // the mock's CA is not in the system store
  o.retry.max_transport_retries = 0;
  RestClient client(h.io, o);
  auto r = h.await<std::int64_t>([&](auto done) { client.server_time(done); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ApiErrorKind::transport);
  EXPECT_NE(r.error().msg.find("tls handshake"), std::string::npos) << r.error();
  EXPECT_NE(r.error().msg.find("certificate verify failed"), std::string::npos) << r.error();
}

TEST(RestTls, HostNameMismatchIsRejected) {
  auto pki = mock::generate_test_pki({"wrong.example"}, {});
  ASSERT_TRUE(pki);
  mock::MockServerConfig cfg;
  cfg.cert_pem = pki->cert_pem;
  cfg.key_pem = pki->key_pem;
  Harness h(true, std::move(cfg));
  auto o = h.options(false);
  o.http.tls.ca_pem = pki->ca_cert_pem;  // trusted CA, but the certificate names another host
  o.retry.max_transport_retries = 0;
  RestClient client(h.io, o);
  auto r = h.await<std::int64_t>([&](auto done) { client.server_time(done); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ApiErrorKind::transport);
  EXPECT_NE(r.error().msg.find("certificate verify failed"), std::string::npos) << r.error();

  // Only with verification switched off does the same server answer (a test of the switch, not a
  // recommendation).
  auto off = h.options(false);
  off.http.tls.verify_peer = false;
  RestClient insecure(h.io, off);
  auto ok = h.await<std::int64_t>([&](auto done) { insecure.server_time(done); });
  EXPECT_TRUE(ok) << ok.error();
}

TEST(RestTransport, ConnectionRefused) {
  std::string url;
  {
    mock::MockServer s({});
    ASSERT_TRUE(s.start());
    url = s.url();
  }  // stopped: nothing listens on that port any more
  boost::asio::io_context io;
  net::RestClientOptions o;
  o.http.base_url = url;
  o.retry.max_transport_retries = 1;
  o.retry.backoff_initial = 5ms;
  net::RestClient client(io, o);
  std::optional<Result<std::int64_t, ApiError>> out;
  client.server_time([&](auto r) { out.emplace(std::move(r)); });
  io.run_for(10s);
  ASSERT_TRUE(out.has_value());
  ASSERT_FALSE(*out);
  EXPECT_EQ(out->error().kind, ApiErrorKind::transport);
  EXPECT_NE(out->error().msg.find("connect"), std::string::npos) << out->error();
  EXPECT_EQ(out->error().attempts, 2);
}

TEST(RestBlocking, ConvenienceClient) {
  mock::MockServerConfig cfg;
  cfg.rest.keys.push_back(test_key());
  mock::MockServer server(std::move(cfg));
  ASSERT_TRUE(server.start());
  net::RestClientOptions o;
  o.http.base_url = server.url();
  o.credentials = test_credentials();
  net::BlockingRestClient client(o);
  auto t = client.server_time();
  ASSERT_TRUE(t) << t.error();
  auto b = client.bullet_private();
  ASSERT_TRUE(b) << b.error();
  auto s = client.level2_20("BTC-USDT", SymbolScale{1, 8});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->bids.size(), 20u);
}

TEST(MockServerLifecycle, BindErrorsAreReportedAndStopIsIdempotent) {
  mock::MockServer a({});
  ASSERT_TRUE(a.start());
  mock::MockServerConfig same;
  same.port = a.port();
  mock::MockServer b(same);
  auto r = b.start();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot listen"), std::string::npos) << r.error();
  mock::MockServerConfig bad_host;
  bad_host.host = "not-an-ip";
  mock::MockServer c(bad_host);
  EXPECT_FALSE(c.start());
  a.stop();
  a.stop();
  EXPECT_FALSE(a.start());
}

}  // namespace
}  // namespace kucoin::testing
