// Client-side rate-limit bookkeeping (pure: `now` is an argument).
#include <gtest/gtest.h>

#include "kucoin/protocol/rate_limit.hpp"

namespace {

using kucoin::RatePool;

TEST(EndpointCost, WeightsFromTheProtocolNotes) {
  auto c = kucoin::spot_endpoint_cost("GET", "/api/v3/market/orderbook/level2");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->pool, RatePool::spot);
  EXPECT_EQ(c->weight, 3);
  EXPECT_TRUE(c->signed_request);
  auto b = kucoin::spot_endpoint_cost("POST", "/api/v1/bullet-public");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->pool, RatePool::public_pool);
  EXPECT_EQ(b->weight, 10);
  EXPECT_FALSE(b->signed_request);
  EXPECT_FALSE(kucoin::spot_endpoint_cost("GET", "/api/v1/bullet-public"));
  EXPECT_FALSE(kucoin::spot_endpoint_cost("GET", "/nope"));
  EXPECT_EQ(kucoin::parse_rate_pool("spot"), RatePool::spot);
  EXPECT_EQ(kucoin::parse_rate_pool("public"), RatePool::public_pool);
  EXPECT_FALSE(kucoin::parse_rate_pool("bogus"));
}

TEST(RateLimiter, NoInformationNeverDelays) {
  kucoin::RateLimiter rl;
  EXPECT_EQ(rl.wait_ms(RatePool::spot, 1000, 0), 0);
  rl.on_send(RatePool::spot, 10, 0);
  EXPECT_EQ(rl.wait_ms(RatePool::spot, 1000, 1), 0);
}

TEST(RateLimiter, TracksHeadersAndLocalSpending) {
  kucoin::RateLimiter rl;
  rl.on_headers(RatePool::public_pool, {2000, 12, 1500}, 10'000);
  EXPECT_EQ(rl.wait_ms(RatePool::public_pool, 10, 10'000), 0);
  rl.on_send(RatePool::public_pool, 10, 10'001);
  EXPECT_EQ(rl.state(RatePool::public_pool, 10'001).remaining, 2);
  // 2 left, weight 3: wait until the window ends at 11'500.
  EXPECT_EQ(rl.wait_ms(RatePool::public_pool, 3, 10'100), 1'400);
  EXPECT_EQ(rl.wait_ms(RatePool::public_pool, 2, 10'100), 0);
  // Other pools are independent.
  EXPECT_EQ(rl.wait_ms(RatePool::spot, 3, 10'100), 0);
  // After the reset the quota is back.
  EXPECT_EQ(rl.wait_ms(RatePool::public_pool, 3, 11'500), 0);
  EXPECT_EQ(rl.state(RatePool::public_pool, 11'500).remaining, 2000);
}

TEST(RateLimiter, IncompleteHeadersAreIgnored) {
  kucoin::RateLimiter rl;
  rl.on_headers(RatePool::spot, {4000, -1, 100}, 0);
  EXPECT_EQ(rl.state(RatePool::spot, 0).limit, -1);
}

TEST(RateLimiter, A429EmptiesThePoolUntilTheReset) {
  kucoin::RateLimiter rl;
  rl.on_rate_limited(RatePool::spot, 250, 1'000);
  EXPECT_EQ(rl.wait_ms(RatePool::spot, 1, 1'000), 250);
  EXPECT_EQ(rl.wait_ms(RatePool::spot, 1, 1'200), 50);
  EXPECT_EQ(rl.wait_ms(RatePool::spot, 1, 1'250), 0);
  rl.on_rate_limited(RatePool::futures, -1, 0, 777);
  EXPECT_EQ(rl.wait_ms(RatePool::futures, 1, 0), 777);
}

}  // namespace
