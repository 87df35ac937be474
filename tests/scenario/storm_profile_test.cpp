// The reconnect storm's profile (runner/load_run.hpp): buckets, 429s and requests sooner than the
// reset their client was told. Pure.
#include <gtest/gtest.h>

#include "kucoin/runner/load_run.hpp"

namespace {

using kucoin::runner::SeenRequest;
using kucoin::runner::storm_profile;

constexpr std::string_view kBullet = "/api/v1/bullet-public";

TEST(StormProfile, BucketsRejectionsAndEarlyRetries) {
  const std::string b(kBullet);
  const std::vector<SeenRequest> seen = {
      {900, b, "a", 200, -1},                     // before the cut: not counted
      {1000, b, "a", 429, 300},                   // a must wait until 1300
      {1010, b, "b", 429, 300},                   // b until 1310
      {1020, "/api/v1/timestamp", "a", 200, -1},  // not a bullet request
      {1305, b, "a", 200, -1},                    // after its reset: fine
      {1200, b, "b", 429, 300},                   // b came back 110 ms early (and is told 1500 now)
      {1600, b, "b", 200, -1},                    // fine
  };
  const auto p = storm_profile(seen, kBullet, 1000, 250);
  EXPECT_EQ(p.bullets, 5u);
  EXPECT_EQ(p.rejected, 3u);
  ASSERT_EQ(p.bullets_per_bucket.size(), 3u);  // [1000,1250) [1250,1500) [1500,1750)
  EXPECT_EQ(p.bullets_per_bucket[0], 3u);
  EXPECT_EQ(p.rejected_per_bucket[0], 3u);
  EXPECT_EQ(p.bullets_per_bucket[1], 1u);
  EXPECT_EQ(p.bullets_per_bucket[2], 1u);
  EXPECT_EQ(p.peak, 3u);
  EXPECT_EQ(p.early, 1u);
  EXPECT_NE(p.first_early.find("b asked at 1200 ms, told to wait until 1310 ms"), std::string::npos) << p.first_early;
}

TEST(StormProfile, NoRequestsNoBuckets) {
  const auto p = storm_profile({}, kBullet, 0, 100);
  EXPECT_EQ(p.bullets, 0u);
  EXPECT_TRUE(p.bullets_per_bucket.empty());
  EXPECT_EQ(p.early, 0u);
}

}  // namespace
