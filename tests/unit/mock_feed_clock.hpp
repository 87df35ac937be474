// The fake FeedClock of the feed scheduler's unit tests (mock_feed_scheduler_test.cpp,
// mock_feed_topics_test.cpp): the time moves only when a test says so; reads are counted.
#pragma once

#include <chrono>
#include <cstdint>

#include "kucoin/mock/feed_scheduler.hpp"

namespace kucoin::mock::testing {

class FakeClock final : public FeedClock {
 public:
  FeedTime now() override {
    ++reads;
    return t;
  }
  std::int64_t wall_ms() override { return wall; }
  void advance(std::chrono::milliseconds d) {
    t += d;
    wall += d.count();
  }
  FeedTime t = FeedTime{} + std::chrono::hours(1);
  std::int64_t wall = 1'729'822'226'746;
  int reads = 0;
};

}  // namespace kucoin::mock::testing
