// KuCoin "rate limit 2.0": every request spends its endpoint's weight from one resource pool; a
// pool refills every 30 s (fixed window starting at the first request). Responses carry
// gw-ratelimit-limit / -remaining / -reset (ms until the window resets).
//
// Pure: the weight table (shared by the client and the mock server) and the client-side
// bookkeeping. Time is always an argument (`now_ms`, any monotonic millisecond clock).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "kucoin/protocol/ws_topic.hpp"  // Market

namespace kucoin {

enum class RatePool : std::uint8_t { public_pool = 0, spot, futures, management, earn, copy_trading, unified };
inline constexpr std::size_t kRatePoolCount = 7;

std::string_view to_string(RatePool pool) noexcept;
std::optional<RatePool> parse_rate_pool(std::string_view name) noexcept;  // "public", "spot", ...

// VIP 0 quotas per 30 s window (kucoin-protocol.md §3.2).
std::int64_t default_quota(RatePool pool) noexcept;
inline constexpr std::int64_t kRateWindowMs = 30'000;

struct EndpointCost {
  RatePool pool = RatePool::public_pool;
  int weight = 1;
  bool signed_request = false;  // needs KC-API-* headers
};

// Pool and weight of a spot endpoint (path without query). Unknown endpoints: nullopt.
std::optional<EndpointCost> spot_endpoint_cost(std::string_view method, std::string_view path) noexcept;
// Pool and weight of an endpoint of the futures host (api-futures.kucoin.com). Unknown: nullopt.
std::optional<EndpointCost> futures_endpoint_cost(std::string_view method, std::string_view path) noexcept;
// The endpoint's cost on the host of `venue`.
std::optional<EndpointCost> endpoint_cost(Market venue, std::string_view method, std::string_view path) noexcept;

// The three headers of one response; -1 when absent or unparsable.
struct RateLimitHeaders {
  std::int64_t limit = -1;
  std::int64_t remaining = -1;
  std::int64_t reset_ms = -1;
  bool present() const noexcept { return limit >= 0 && remaining >= 0 && reset_ms >= 0; }
};

// Client-side bookkeeping of the pools, fed from response headers. Without information it never
// delays. Not thread-safe (one per client, used on its executor).
class RateLimiter {
 public:
  struct PoolState {
    std::int64_t limit = -1;        // -1: unknown
    std::int64_t remaining = -1;    // local estimate: last header minus weights sent since
    std::int64_t reset_at_ms = -1;  // when the current window ends, in now_ms's clock
  };

  // How long to wait before spending `weight` from `pool` at `now_ms`; 0: send now.
  std::int64_t wait_ms(RatePool pool, int weight, std::int64_t now_ms) const noexcept;
  // A request of `weight` was sent.
  void on_send(RatePool pool, int weight, std::int64_t now_ms) noexcept;
  // Headers of a response (ignored unless all three are present).
  void on_headers(RatePool pool, const RateLimitHeaders& h, std::int64_t now_ms) noexcept;
  // A 429 answer: the pool is empty until now + reset_ms (reset_ms < 0: unknown, use `fallback_ms`).
  void on_rate_limited(RatePool pool, std::int64_t reset_ms, std::int64_t now_ms,
                       std::int64_t fallback_ms = 1'000) noexcept;

  PoolState state(RatePool pool, std::int64_t now_ms) const noexcept;

 private:
  std::array<PoolState, kRatePoolCount> pools_{};
};

}  // namespace kucoin
