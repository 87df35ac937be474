#include "kucoin/mock/accept_retry.hpp"

#include <algorithm>
#include <cerrno>

namespace kucoin::mock {

std::chrono::milliseconds accept_retry_delay(int errno_value, std::uint32_t failures_in_a_row) noexcept {
  switch (errno_value) {
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM: return kAcceptResourceRetry;
    case ECONNABORTED:
    case EPROTO:
    case EPERM:
    case EINTR:
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case ENETDOWN:
    case ENETUNREACH:
    case EHOSTDOWN:
    case EHOSTUNREACH:
    case ENOPROTOOPT:
    case EOPNOTSUPP:
    case ENONET:
    case ETIMEDOUT:
      if (failures_in_a_row <= kAcceptFreeRetries) return std::chrono::milliseconds(0);
      failures_in_a_row -= kAcceptFreeRetries;
      break;
    default: break;
  }
  const std::uint32_t doublings = std::min<std::uint32_t>(failures_in_a_row == 0 ? 0 : failures_in_a_row - 1, 16);
  const auto delay = kAcceptUnknownRetryMin * (std::int64_t{1} << doublings);
  return std::min(delay, kAcceptUnknownRetryMax);
}

}  // namespace kucoin::mock
