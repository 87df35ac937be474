// The reconnect policy (pure): failed attempts back off, an established session starts over and
// the first reconnect after it is quick, a flapping server still backs off; the token rotation
// age; which bullet failures are terminal.
#include "kucoin/core/reconnect.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "kucoin/protocol/bullet.hpp"

namespace kucoin {
namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

const AttemptEnd kFailed{};                                 // never live
const AttemptEnd kEstablished{milliseconds{2'000}, false};  // e.g. a token that expired after 2 s
const AttemptEnd kRotation{milliseconds{5'000}, true};

// Failed attempts in a row draw exactly what a Backoff with the same seed draws.
TEST(ReconnectPolicy, FailedAttemptsBackOffLikeTheBackoff) {
  const ReconnectConfig c{};  // 500 ms doubling to 30 s, full jitter
  ReconnectPolicy p(c, Rng{99});
  Backoff expected(c.backoff, Rng{99});
  for (std::uint32_t i = 1; i <= 12; ++i) {
    const auto ceiling = expected.ceiling();
    const auto d = p.on_end(kFailed);
    EXPECT_EQ(d.delay, expected.next()) << i;
    EXPECT_LE(d.delay, ceiling);
    EXPECT_LE(d.delay, 30'000ms);
    EXPECT_EQ(d.failures, i);
  }
}

// The case of issue 9: tokens expire every 2 s. Before, the waits grew 468 -> 883 -> 1693 ->
// 3899 ms; now each reconnect after a live session waits at most 50 ms, for ever.
TEST(ReconnectPolicy, EstablishedSessionsReconnectQuicklyAndNeverGrow) {
  ReconnectPolicy p(ReconnectConfig{}, Rng{7});
  std::set<std::int64_t> distinct;
  for (int i = 0; i < 200; ++i) {
    const auto d = p.on_end(kEstablished);
    EXPECT_LE(d.delay, 50ms) << i;
    EXPECT_GE(d.delay, 0ms) << i;
    EXPECT_EQ(d.failures, 0u);
    distinct.insert(d.delay.count());
  }
  EXPECT_GT(distinct.size(), 10u) << "jittered, so a fleet does not come back in step";
}

// After an established session, failures start again from the backoff's first step.
TEST(ReconnectPolicy, AnEstablishedSessionStartsTheBackoffOver) {
  const ReconnectConfig c{{100ms, 2.0, 10'000ms, Jitter::none}, 1'000ms, 50ms};
  ReconnectPolicy p(c, Rng{1});
  for (int i = 0; i < 6; ++i) (void)p.on_end(kFailed);  // 100 ... 3200
  EXPECT_EQ(p.failures(), 6u);
  EXPECT_EQ(p.on_end(kFailed).delay, 6'400ms);
  EXPECT_LE(p.on_end(kEstablished).delay, 50ms);
  EXPECT_EQ(p.failures(), 0u);
  EXPECT_EQ(p.on_end(kFailed).delay, 100ms);
  EXPECT_EQ(p.on_end(kFailed).delay, 200ms);
  EXPECT_EQ(p.on_end(kRotation).delay, 0ms) << "a rotation retries at once";
  EXPECT_EQ(p.failures(), 0u);
  EXPECT_EQ(p.on_end(kFailed).delay, 100ms);
  p.reset();  // resume()
  EXPECT_EQ(p.on_end(kFailed).delay, 100ms);
}

// A server that accepts and drops at once (live for less than stable_after) is a failure: the
// backoff grows instead of a reconnect loop at the quick pace.
TEST(ReconnectPolicy, ShortSessionsCountAsFailures) {
  const ReconnectConfig c{{100ms, 2.0, 1'000ms, Jitter::none}, 1'000ms, 50ms};
  ReconnectPolicy p(c, Rng{1});
  const AttemptEnd flap{milliseconds{30}, false};
  std::vector<std::int64_t> got;
  for (int i = 0; i < 6; ++i) got.push_back(p.on_end(flap).delay.count());
  EXPECT_EQ(got, (std::vector<std::int64_t>{100, 200, 400, 800, 1000, 1000}));
  EXPECT_EQ(p.failures(), 6u);
  EXPECT_LE(p.on_end(AttemptEnd{milliseconds{1'000}, false}).delay, 50ms) << "stable_after itself is enough";
}

TEST(ReconnectPolicy, SameSeedSameDelaysOtherSeedOtherDelays) {
  auto run = [](std::uint64_t seed) {
    ReconnectPolicy p(ReconnectConfig{}, Rng{seed});
    std::vector<std::int64_t> out;
    for (int i = 0; i < 8; ++i) out.push_back(p.on_end(i % 3 == 2 ? kEstablished : kFailed).delay.count());
    return out;
  };
  EXPECT_EQ(run(5), run(5));
  EXPECT_NE(run(5), run(6));
}

TEST(ReconnectPolicy, NoQuickDelayWhenItsBoundIsZero) {
  ReconnectPolicy p(ReconnectConfig{{}, 1'000ms, 0ms}, Rng{3});
  for (int i = 0; i < 10; ++i) EXPECT_EQ(p.on_end(kEstablished).delay, 0ms);
}

TEST(TokenRotationAge, ConfiguredAgeBoundedByNineTenthsOfTheDeclaredValidity) {
  const milliseconds h23 = std::chrono::hours(23);
  EXPECT_EQ(token_rotation_age(h23, std::nullopt), h23) << "KuCoin declares nothing: 23 h of its 24 h";
  EXPECT_EQ(token_rotation_age(h23, 600), 540ms);
  EXPECT_EQ(token_rotation_age(h23, 86'400'000), milliseconds{77'760'000}) << "21.6 h of a declared 24 h";
  EXPECT_EQ(token_rotation_age(300ms, 600), 300ms) << "the configured age when it is sooner";
  EXPECT_EQ(token_rotation_age(0ms, std::nullopt), 0ms) << "no rotation";
  EXPECT_EQ(token_rotation_age(0ms, 1'000), 900ms) << "a declared validity still bounds it";
  EXPECT_EQ(token_rotation_age(h23, 1), 1ms);
  EXPECT_EQ(token_rotation_age(h23, 0), h23) << "non-positive declarations are ignored (the decoder refuses them)";
  EXPECT_EQ(token_rotation_age(h23, INT64_MAX), h23) << "no overflow";
  EXPECT_EQ(token_rotation_age(milliseconds::max(), INT64_MAX).count(), INT64_MAX / 10 * 9 + 6);
}

ApiError api_error(ApiErrorKind kind, int status, std::string code) {
  ApiError e;
  e.kind = kind;
  e.http_status = status;
  e.code = std::move(code);
  return e;
}

// The REST classification decides: auth errors need a fix, everything else may pass.
TEST(BulletFailure, AuthErrorsAreTerminalTransientOnesAreNot) {
  for (const char* code : {"400001", "400003", "400004", "400005", "400006", "400007"}) {
    const ApiError e = api_error(classify(401, code), 401, code);
    EXPECT_TRUE(bullet_failure_is_terminal(e, true)) << code;
    EXPECT_TRUE(bullet_failure_is_terminal(e, false)) << code << " (KuCoin refused the public bullet too)";
  }
  for (int status : {401, 403}) {
    const ApiError bare = api_error(classify(status, ""), status, "");
    EXPECT_TRUE(bullet_failure_is_terminal(bare, true)) << status << " on bullet-private";
    EXPECT_FALSE(bullet_failure_is_terminal(bare, false)) << status << " without a KuCoin code on bullet-public";
  }
  ApiError no_credentials = api_error(ApiErrorKind::auth, 0, "");
  no_credentials.msg = "no credentials configured";
  EXPECT_TRUE(bullet_failure_is_terminal(no_credentials, true));
  const std::vector<ApiError> transient = {
      api_error(classify(500, "500000"), 500, "500000"), api_error(classify(503, ""), 503, ""),
      api_error(classify(429, "429000"), 429, "429000"), api_error(classify(403, "429000"), 403, "429000"),
      api_error(classify(400, "400002"), 400, "400002"), api_error(ApiErrorKind::transport, 0, ""),
      api_error(ApiErrorKind::bad_response, 200, ""),    api_error(classify(404, "404000"), 404, "404000")};
  for (const ApiError& e : transient) {
    EXPECT_FALSE(bullet_failure_is_terminal(e, true)) << e.describe();
    EXPECT_FALSE(bullet_failure_is_terminal(e, false)) << e.describe();
  }
}

}  // namespace
}  // namespace kucoin
