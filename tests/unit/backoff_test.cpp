#include "kucoin/core/backoff.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace kucoin {
namespace {

using std::chrono::milliseconds;

std::vector<std::int64_t> draw(Backoff& b, int n) {
  std::vector<std::int64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(b.next().count());
  return out;
}

TEST(Backoff, NoJitterGrowsExponentiallyUpToTheCap) {
  Backoff b({milliseconds{500}, 2.0, milliseconds{30'000}, Jitter::none}, Rng{1});
  EXPECT_EQ(draw(b, 9), (std::vector<std::int64_t>{500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000}));
  EXPECT_EQ(b.attempts(), 9u);
}

TEST(Backoff, NonIntegerMultiplier) {
  Backoff b({milliseconds{100}, 1.5, milliseconds{1000}, Jitter::none}, Rng{1});
  EXPECT_EQ(draw(b, 8), (std::vector<std::int64_t>{100, 150, 225, 338, 507, 761, 1000, 1000}));
}

// backoff_delay(config, n, rng) is the n-th delay of a fresh Backoff with the same random stream,
// for every jitter kind and for attempts past the cap; a multiplier of 1 does not loop.
TEST(Backoff, DelayOfAttemptNMatchesTheNthNext) {
  for (Jitter j : {Jitter::none, Jitter::full, Jitter::equal}) {
    for (double mult : {2.0, 1.5}) {
      const BackoffConfig c{milliseconds{100}, mult, milliseconds{3'000}, j};
      for (std::uint32_t n = 0; n < 12; ++n) {
        Rng fresh{77};
        Backoff b(c, Rng{77});
        milliseconds nth{};
        for (std::uint32_t i = 0; i <= n; ++i) nth = b.next();
        // Backoff draws once per next(): the stateless call draws once, so align the streams.
        Rng aligned{77};
        for (std::uint32_t i = 0; i < n; ++i) (void)backoff_delay(c, i, aligned);
        EXPECT_EQ(backoff_delay(c, n, aligned), nth) << to_string(j) << " x" << mult << " attempt " << n;
        EXPECT_LE(backoff_delay(c, n, fresh).count(), 3'000);
      }
    }
  }
  Rng rng{1};
  EXPECT_EQ(backoff_delay({milliseconds{40}, 1.0, milliseconds{1'000}, Jitter::none}, 4'000'000'000U, rng),
            milliseconds{40});
  EXPECT_EQ(backoff_delay({milliseconds{40}, 2.0, milliseconds{1'000}, Jitter::none}, 4'000'000'000U, rng),
            milliseconds{1'000});
}

TEST(Backoff, ResetStartsOver) {
  Backoff b({milliseconds{250}, 2.0, milliseconds{2000}, Jitter::none}, Rng{1});
  draw(b, 6);
  EXPECT_EQ(b.ceiling(), milliseconds{2000});
  b.reset();
  EXPECT_EQ(b.attempts(), 0u);
  EXPECT_EQ(b.ceiling(), milliseconds{250});
  EXPECT_EQ(draw(b, 3), (std::vector<std::int64_t>{250, 500, 1000}));
}

TEST(Backoff, FullJitterStaysWithinZeroAndTheCeiling) {
  const BackoffConfig cfg{milliseconds{500}, 2.0, milliseconds{30'000}, Jitter::full};
  Backoff b(cfg, Rng{42});
  for (int round = 0; round < 50; ++round) {
    b.reset();
    for (int i = 0; i < 12; ++i) {
      const auto ceiling = b.ceiling();
      const auto expected = std::min<std::int64_t>(30'000, 500LL << i);
      EXPECT_EQ(ceiling.count(), expected);
      const auto d = b.next();
      EXPECT_GE(d.count(), 0);
      EXPECT_LE(d, ceiling);
    }
  }
}

TEST(Backoff, EqualJitterStaysWithinHalfAndTheCeiling) {
  Backoff b({milliseconds{1000}, 3.0, milliseconds{60'000}, Jitter::equal}, Rng{42});
  for (int round = 0; round < 50; ++round) {
    b.reset();
    for (int i = 0; i < 10; ++i) {
      const std::int64_t ceiling = b.ceiling().count();
      const std::int64_t d = b.next().count();
      EXPECT_GE(d, ceiling / 2);
      EXPECT_LE(d, ceiling);
    }
  }
}

TEST(Backoff, JitterActuallySpreadsTheDelays) {
  // 2,000 draws at the cap: full jitter covers [0, cap] (each quarter hit), equal covers [cap/2, cap].
  for (Jitter j : {Jitter::full, Jitter::equal}) {
    Backoff b({milliseconds{10'000}, 2.0, milliseconds{10'000}, j}, Rng{99});
    int quarters[4] = {0, 0, 0, 0};
    double sum = 0;
    for (int i = 0; i < 2000; ++i) {
      const auto d = b.next().count();
      ++quarters[std::min<std::int64_t>(3, d / 2500)];
      sum += static_cast<double>(d);
    }
    const double mean = sum / 2000.0;
    if (j == Jitter::full) {
      for (int q : quarters) EXPECT_GT(q, 400) << to_string(j);
      EXPECT_NEAR(mean, 5000.0, 300.0);
    } else {
      EXPECT_EQ(quarters[0] + quarters[1], 0) << to_string(j);
      EXPECT_GT(quarters[2], 800);
      EXPECT_GT(quarters[3], 800);
      EXPECT_NEAR(mean, 7500.0, 200.0);
    }
  }
}

TEST(Backoff, SameSeedSameDelaysOtherSeedOtherDelays) {
  const BackoffConfig cfg{milliseconds{500}, 2.0, milliseconds{30'000}, Jitter::full};
  Backoff a(cfg, Rng{1234});
  Backoff b(cfg, Rng{1234});
  Backoff c(cfg, Rng{4321});
  const auto da = draw(a, 20);
  EXPECT_EQ(da, draw(b, 20));
  EXPECT_NE(da, draw(c, 20));
}

TEST(Backoff, FixedSeedGivesAKnownSequence) {
  // Pins the algorithm: delay_n = Rng::between(0, ceiling_n) with ceilings 500, 1000, 2000, ...
  const BackoffConfig cfg{milliseconds{500}, 2.0, milliseconds{30'000}, Jitter::full};
  Backoff b(cfg, Rng{7});
  Rng reference{7};
  std::int64_t ceiling = 500;
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(b.next().count(), reference.between(0, ceiling)) << "attempt " << i;
    ceiling = std::min<std::int64_t>(30'000, ceiling * 2);
  }
}

TEST(Backoff, SanitizesConfig) {
  Backoff zero({milliseconds{0}, 2.0, milliseconds{0}, Jitter::none}, Rng{1});
  EXPECT_EQ(zero.config().initial, milliseconds{1});
  EXPECT_EQ(zero.config().max, milliseconds{1});
  EXPECT_EQ(draw(zero, 3), (std::vector<std::int64_t>{1, 1, 1}));

  Backoff shrink({milliseconds{100}, 0.5, milliseconds{1000}, Jitter::none}, Rng{1});
  EXPECT_EQ(draw(shrink, 3), (std::vector<std::int64_t>{100, 100, 100}));  // multiplier < 1 counts as 1

  Backoff nan({milliseconds{100}, std::nan(""), milliseconds{1000}, Jitter::none}, Rng{1});
  EXPECT_EQ(draw(nan, 2), (std::vector<std::int64_t>{100, 100}));

  Backoff low_max({milliseconds{5000}, 2.0, milliseconds{1000}, Jitter::none}, Rng{1});
  EXPECT_EQ(draw(low_max, 2), (std::vector<std::int64_t>{5000, 5000}));  // max raised to initial
}

TEST(Backoff, HugeValuesDoNotOverflow) {
  const milliseconds big{std::numeric_limits<std::int64_t>::max() / 2};
  Backoff b({milliseconds{1}, 1e300, big, Jitter::full}, Rng{3});
  EXPECT_LE(b.next().count(), 1);
  for (int i = 0; i < 100; ++i) {
    const auto d = b.next();
    EXPECT_GE(d.count(), 0);
    EXPECT_LE(d, big);
  }
  EXPECT_EQ(b.ceiling(), big);
  Backoff inf({milliseconds{10}, std::numeric_limits<double>::infinity(), milliseconds{100}, Jitter::none}, Rng{3});
  EXPECT_EQ(draw(inf, 3), (std::vector<std::int64_t>{10, 100, 100}));
}

TEST(Backoff, JitterNames) {
  EXPECT_EQ(to_string(Jitter::none), "none");
  EXPECT_EQ(to_string(Jitter::full), "full");
  EXPECT_EQ(to_string(Jitter::equal), "equal");
}

}  // namespace
}  // namespace kucoin
