// When the mock's listener tries accept() again after it failed (pure: errno values in, a delay
// out; MockServer waits on a timer). Out of descriptors (EMFILE, ENFILE) or kernel memory
// (ENOBUFS, ENOMEM), the pending connection stays in the backlog and accept() fails again at once:
// retrying without a pause would spin at 100% CPU until a descriptor is freed.
#pragma once

#include <chrono>
#include <cstdint>

namespace kucoin::mock {

inline constexpr std::chrono::milliseconds kAcceptResourceRetry{100};  // EMFILE, ENFILE, ENOBUFS, ENOMEM
inline constexpr std::chrono::milliseconds kAcceptUnknownRetryMin{10};
inline constexpr std::chrono::milliseconds kAcceptUnknownRetryMax{1'000};
inline constexpr std::uint32_t kAcceptFreeRetries = 8;  // in a row, for errors of one connection

// The pause before the next accept() after a failure with `errno_value` (-1: not an OS error),
// the `failures_in_a_row`-th in a row (1 for the first):
// - out of descriptors or kernel memory: kAcceptResourceRetry;
// - an error of that one connection (ECONNABORTED, EPROTO, EPERM, a network error Linux passes
//   on from the connection, EINTR, EAGAIN): at once for the first kAcceptFreeRetries in a row
//   (the failed connection is gone, the next one is independent), then as unknown errors;
// - anything else: kAcceptUnknownRetryMin doubling with every failure in a row, at most
//   kAcceptUnknownRetryMax.
std::chrono::milliseconds accept_retry_delay(int errno_value, std::uint32_t failures_in_a_row) noexcept;

}  // namespace kucoin::mock
