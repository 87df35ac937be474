// Reconnects that match what the server said (issue 9), the real WsClient against the real mock:
// a bullet request refused for a configuration reason stops the slot until resume(); transient
// failures keep backing off; after a live session the next attempt is quick and never grows;
// jitter seeds are random unless set; the declared token validity makes the client rotate.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "kucoin/core/reconnect.hpp"
#include "kucoin/net/random_seed.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

using net::WsState;

constexpr std::string_view kBtc = "/market/level2:BTC-USDT";
constexpr std::string_view kBalance = "/account/balance";  // private: bullet-private
constexpr std::string_view kBulletPrivate = "/api/v1/bullet-private";

// Runs the io_context for `d` (every event in that time is handled; nothing is awaited).
void run_for(boost::asio::io_context& io, std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    io.restart();
    io.run_one_for(10ms);
  }
}

std::uint64_t requests_to(mock::MockServer& server, std::string_view path) {
  const auto stats = server.rest().stats();
  const auto it = stats.by_path.find(path);
  return it == stats.by_path.end() ? 0 : it->second;
}

mock::RestFault forced(std::string_view path, int status, std::string code, std::string msg) {
  mock::RestFault f;
  f.path = std::string(path);
  f.count = -1;
  f.http_status = status;
  f.code = std::move(code);
  f.msg = std::move(msg);
  return f;
}

std::optional<std::size_t> find_state(const WsRecorder& rec, WsState s, std::size_t from = 0) {
  for (std::size_t i = from; i < rec.states.size(); ++i) {
    if (rec.states[i].state == s) return i;
  }
  return std::nullopt;
}

// bullet-private answers 400007 (KC-API-KEY-VERSION / permissions): one request, one `failed`
// state with the typed error and a hint, one `failed` event per topic, no retry over 1.5 s although
// the backoff (1 ms doubling to 20 ms) would have retried dozens of times; after the fault is gone,
// resume() connects.
TEST(WsFailed, Bullet400007IsNotRetriedUntilResume) {
  WsHarness h(false);
  h.server().rest().add_fault(forced(kBulletPrivate, 401, "400007", "Invalid KC-API-KEY-VERSION"));
  WsRecorder rec;
  std::vector<ApiError> errors;  // WsStateEvent::error of the failed states
  auto handlers = rec.handlers();
  handlers.on_state = [&errors, inner = handlers.on_state](const net::WsStateEvent& e) {
    if (e.state == WsState::failed && e.error != nullptr) errors.push_back(*e.error);
    inner(e);
  };
  auto client = std::make_unique<net::WsClient>(h.base->io, *h.rest, h.options(), std::move(handlers));
  ASSERT_TRUE(client->subscribe(kBalance));
  ASSERT_TRUE(h.run_until([&] { return rec.count_state(WsState::failed) == 1; }, 5'000ms, "failed"))
      << rec.describe_states();
  run_for(h.base->io, 1'500ms);

  EXPECT_EQ(requests_to(h.server(), kBulletPrivate), 1u) << "exactly one bullet request in 1.5 s";
  EXPECT_EQ(rec.count_state(WsState::failed), 1u) << rec.describe_states();
  EXPECT_EQ(rec.count_state(WsState::reconnecting), 0u) << rec.describe_states();
  EXPECT_EQ(rec.count_state(WsState::connecting), 1u) << rec.describe_states();
  const StateRec& failed = rec.states[*find_state(rec, WsState::failed)];
  EXPECT_EQ(failed.reason, WsReason::auth_error);
  EXPECT_EQ(failed.code, 400007);
  EXPECT_TRUE(failed.private_token);
  std::cout << "[ failed   ] " << failed.detail << '\n';
  for (std::string_view part : {"400007", "HTTP 401", "Invalid KC-API-KEY-VERSION",
                                "KC-API-KEY-VERSION against the key", "\"General\"", "not retried until resume()"}) {
    EXPECT_NE(failed.detail.find(part), std::string::npos) << part << " in: " << failed.detail;
  }
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].kind, ApiErrorKind::auth);
  EXPECT_EQ(errors[0].code, "400007");
  EXPECT_EQ(errors[0].http_status, 401);
  EXPECT_EQ(rec.count_topic(kBalance, WsTopicStatus::failed, WsReason::auth_error), 1u);
  // No secret in the event texts or in any log line (client and mock).
  std::vector<std::string> texts = h.base->logs.all();
  for (const StateRec& e : rec.states) texts.push_back(e.detail);
  for (const TopicRec& e : rec.topics) texts.push_back(e.detail);
  EXPECT_GT(texts.size(), 3u);
  for (const std::string& t : texts) {
    for (std::string_view secret : {kSecret, kPassphrase, kKey}) EXPECT_EQ(t.find(secret), std::string::npos) << t;
    EXPECT_EQ(t.find("KC-API-SIGN:"), std::string::npos) << t;
  }

  // Fixed (here: the fault cleared): resume() tries again at once and the connection goes live.
  h.server().rest().clear_faults();
  const auto resumed_at = std::chrono::steady_clock::now();
  client->resume();
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBalance, WsTopicStatus::subscribed) == 1; }, 5'000ms,
                          "live and subscribed after resume()"))
      << rec.describe_states();
  EXPECT_LT(std::chrono::steady_clock::now() - resumed_at, 2'000ms);
  EXPECT_EQ(rec.count_state(WsState::live), 1u);
  EXPECT_EQ(requests_to(h.server(), kBulletPrivate), 2u);
  const StateRec& again = rec.states[*find_state(rec, WsState::connecting, 1)];
  EXPECT_EQ(again.reason, WsReason::auth_error) << "the connecting event says what it resumes from";
  EXPECT_EQ(again.detail, "resumed");
  h.stop(*client, rec, 1);
}

// Transient bullet failures (5xx after the RestClient's own retries, 429) keep the capped,
// jittered backoff and recover by themselves once the server answers again.
TEST(WsFailed, TransientBulletFailuresKeepBackingOff) {
  for (const auto& fault : {forced(kBulletPrivate, 503, "500000", "Service Unavailable"),
                            forced(kBulletPrivate, 429, "429000", "Too Many Requests")}) {
    SCOPED_TRACE(fault.code);
    WsHarness h(false);
    auto f = fault;
    if (f.code == "429000") f.reset_ms = 0;
    h.server().rest().add_fault(f);
    WsRecorder rec;
    auto o = h.options();
    o.backoff = BackoffConfig{10ms, 2.0, 80ms, Jitter::full};
    auto client = h.client(o, rec);
    ASSERT_TRUE(client->subscribe(kBalance));
    ASSERT_TRUE(h.run_until([&] { return rec.count_state(WsState::reconnecting, WsReason::token_failed) >= 4; },
                            10'000ms, "four failed attempts"))
        << rec.describe_states();
    EXPECT_EQ(rec.count_state(WsState::failed), 0u) << rec.describe_states();
    std::uint32_t n = 0;
    for (const StateRec& e : rec.states) {
      if (e.state != WsState::reconnecting) continue;
      EXPECT_EQ(e.attempt, ++n) << "failed attempts in a row";
      EXPECT_LE(e.delay, 80ms) << "capped";
      EXPECT_EQ(e.code, std::stoi(fault.code));
    }
    h.server().rest().clear_faults();
    ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBalance, WsTopicStatus::subscribed) == 1; }, 5'000ms,
                            "live once the server answers"))
        << rec.describe_states();
    h.stop(*client, rec, 1);
  }
}

// Tokens expire every 500 ms: after each live session the next attempt starts within 50 ms,
// session after session (with the default backoff, 500 ms doubling, the old waits grew
// 468 -> 883 -> 1693 -> 3899 ms), and the connection is live again within a round trip.
TEST(WsReconnect, AfterEachLiveSessionTheNextAttemptIsQuickAndDoesNotGrow) {
  mock::MockServerConfig cfg;
  cfg.rest.token_lifetime_ms = 500;
  cfg.rest.ping_interval_ms = 1'000;
  cfg.rest.ping_timeout_ms = 10'000;
  WsHarness h(false, cfg);
  WsRecorder rec;
  auto o = h.options();
  o.backoff = BackoffConfig{};  // the default: 500 ms doubling to 30 s, full jitter
  o.stable_after = 200ms;       // sessions here last ~500 ms (the default, 1 s, suits KuCoin's 24 h tokens)
  auto client = h.client(o, rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  constexpr std::size_t kExpiries = 4;
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == kExpiries + 1; }, 10'000ms,
                          "four token expiries and as many reconnects"))
      << rec.describe_states();
  std::vector<std::int64_t> delays, gaps;
  for (std::size_t i = 0; i < rec.states.size(); ++i) {
    const StateRec& e = rec.states[i];
    if (e.state != WsState::reconnecting) continue;
    EXPECT_EQ(e.reason, WsReason::token_expired) << rec.describe_states();
    EXPECT_LE(e.delay, 50ms) << "quick after a live session";
    EXPECT_EQ(e.attempt, 0u) << "not a failure";
    delays.push_back(e.delay.count());
    const auto live = find_state(rec, WsState::live, i);
    ASSERT_TRUE(live) << rec.describe_states();
    gaps.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(rec.states[*live].at - e.at).count());
  }
  ASSERT_EQ(delays.size(), kExpiries) << rec.describe_states();
  std::string seen;
  for (std::size_t i = 0; i < delays.size(); ++i) {
    seen += " " + std::to_string(delays[i]) + "/" + std::to_string(gaps[i]);
    EXPECT_LT(gaps[i], 500) << "live again well before the old backoff's first wait could end";
  }
  std::cout << "[ measured ] reconnect delay/ms until live after each token expiry:" << seen << '\n';
  h.stop(*client, rec, 1);
}

// Jitter differs per client unless a seed is set: four clients whose bullet requests always fail
// transiently, two with default options and two with seed 7.
TEST(WsSeeds, DefaultSeedsAreRandomPerClientAGivenSeedRepeats) {
  EXPECT_NE(net::random_seed(), net::random_seed());
  boost::asio::io_context io;
  net::WsTokenProvider failing = [](bool, net::WsTokenHandler done) {
    ApiError e;
    e.kind = ApiErrorKind::server;
    e.http_status = 503;
    e.msg = "service unavailable";
    done(Unexpected{std::move(e)});
  };
  constexpr std::size_t kDelays = 6;
  const BackoffConfig backoff{20ms, 2.0, 160ms, Jitter::full};
  std::vector<std::vector<std::int64_t>> delays(4);
  std::vector<std::unique_ptr<net::WsClient>> clients;
  for (std::size_t i = 0; i < 4; ++i) {
    net::WsClientOptions o;
    o.backoff = backoff;
    o.tls = net::TlsOptions{false, false, {}, {}};
    if (i >= 2) o.seed = 7;
    net::WsHandlers h;
    h.on_state = [&delays, i](const net::WsStateEvent& e) {
      if (e.state == WsState::reconnecting && delays[i].size() < kDelays) delays[i].push_back(e.delay.count());
    };
    clients.push_back(std::make_unique<net::WsClient>(io, failing, o, h));
    ASSERT_TRUE(clients.back()->subscribe(kBtc));
  }
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < until &&
         std::any_of(delays.begin(), delays.end(), [](const auto& d) { return d.size() < kDelays; })) {
    io.run_one_for(10ms);
  }
  for (auto& c : clients) c->stop();
  run_for(io, 50ms);
  for (const auto& d : delays) ASSERT_EQ(d.size(), kDelays);
  EXPECT_NE(delays[0], delays[1]) << "default options: a random seed per client";
  EXPECT_EQ(delays[2], delays[3]) << "the same seed: the same delays";
  Backoff expected(backoff, Rng(7));  // connection 0 draws from Rng(seed + 0)
  for (std::size_t k = 0; k < kDelays; ++k) EXPECT_EQ(delays[2][k], expected.next().count()) << k;
}

// A bullet answer declaring tokenValidFor = 600 ms makes the client rotate on its own at 540 ms
// (9/10), although token_max_age is KuCoin's 23 h: make-before-break, nothing lost.
TEST(WsRotation, DeclaredTokenValidityMakesTheClientRotate) {
  mock::MockServerConfig cfg;
  cfg.rest.ping_interval_ms = 1'000;
  cfg.rest.ping_timeout_ms = 10'000;
  cfg.rest.token_valid_for_ms = 600;
  WsHarness h(false, cfg);
  WsRecorder rec;
  auto o = h.options();
  o.rotation_overlap = 50ms;
  ASSERT_EQ(o.token_max_age, std::chrono::hours(23));
  auto client = h.client(o, rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(
      h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 1; }, 5'000ms, "subscribed"));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(h.run_until([&] { return rec.count_state(WsState::live, WsReason::token_rotation) >= 2; }, 5'000ms,
                          "two rotations"))
      << rec.describe_states();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::cout << "[ measured ] two rotations " << took.count() << " ms after the first subscription\n";
  EXPECT_LT(took, 2'500ms);
  EXPECT_EQ(rec.count_topic(kBtc, WsTopicStatus::lost), 0u) << rec.describe_states();
  EXPECT_EQ(rec.count_state(WsState::reconnecting), 0u) << rec.describe_states();
  std::set<std::string> tokens;
  for (const auto& r : h.server().ws_connections()) tokens.insert(r.token);
  EXPECT_GE(tokens.size(), 3u);
  const auto lines = h.base->logs.all();
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find("the token is valid for 600 ms: rotating at 540 ms") != std::string::npos;
  }));
  h.stop(*client, rec, 1);
}

}  // namespace
}  // namespace kucoin::testing
