// The listener's retry pauses after a failed accept(): never a busy loop.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>

#include "kucoin/mock/accept_retry.hpp"

namespace {

using kucoin::mock::accept_retry_delay;
using std::chrono::milliseconds;

TEST(AcceptRetry, OutOfDescriptorsOrMemoryWaits) {
  for (int e : {EMFILE, ENFILE, ENOBUFS, ENOMEM}) {
    for (std::uint32_t n : {1u, 2u, 50u, 100000u}) {
      EXPECT_EQ(accept_retry_delay(e, n), kucoin::mock::kAcceptResourceRetry) << e << " " << n;
    }
  }
  EXPECT_GE(kucoin::mock::kAcceptResourceRetry, milliseconds(50));
}

TEST(AcceptRetry, ErrorsOfOneConnectionRetryAtOnceThenBackOff) {
  for (int e : {ECONNABORTED, EPROTO, EPERM, EINTR, EAGAIN, EHOSTUNREACH, ENETDOWN}) {
    for (std::uint32_t n = 1; n <= kucoin::mock::kAcceptFreeRetries; ++n) {
      EXPECT_EQ(accept_retry_delay(e, n), milliseconds(0)) << e << " " << n;
    }
    EXPECT_EQ(accept_retry_delay(e, kucoin::mock::kAcceptFreeRetries + 1), milliseconds(10)) << e;
    EXPECT_EQ(accept_retry_delay(e, kucoin::mock::kAcceptFreeRetries + 2), milliseconds(20)) << e;
    EXPECT_EQ(accept_retry_delay(e, 1'000'000), milliseconds(1'000)) << e;
  }
}

TEST(AcceptRetry, UnknownErrorsBackOffExponentiallyUpToOneSecond) {
  for (int e : {EINVAL, EBADF, -1, 0, 12345}) {
    EXPECT_EQ(accept_retry_delay(e, 1), milliseconds(10)) << e;
    EXPECT_EQ(accept_retry_delay(e, 2), milliseconds(20)) << e;
    EXPECT_EQ(accept_retry_delay(e, 4), milliseconds(80)) << e;
    EXPECT_EQ(accept_retry_delay(e, 7), milliseconds(640)) << e;
    EXPECT_EQ(accept_retry_delay(e, 8), milliseconds(1'000)) << e;
    EXPECT_EQ(accept_retry_delay(e, 0xFFFFFFFFu), milliseconds(1'000)) << e;
  }
  EXPECT_EQ(accept_retry_delay(EINVAL, 0), milliseconds(10)) << "0 is treated as the first";
}

// Whatever happens, a second of failures in a row costs a bounded number of accept() calls.
TEST(AcceptRetry, NoErrorSpins) {
  for (int e = -1; e < 200; ++e) {
    milliseconds spent{0};
    std::uint32_t calls = 0;
    for (std::uint32_t n = 1; spent < milliseconds(1'000) && calls < 100'000; ++n, ++calls)
      spent += accept_retry_delay(e, n);
    EXPECT_LT(calls, 40u) << "errno " << e;
  }
}

}  // namespace
