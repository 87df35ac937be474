#include "kucoin/protocol/rate_limit.hpp"

namespace kucoin {

std::string_view to_string(RatePool pool) noexcept {
  switch (pool) {
    case RatePool::public_pool: return "public";
    case RatePool::spot: return "spot";
    case RatePool::futures: return "futures";
    case RatePool::management: return "management";
    case RatePool::earn: return "earn";
    case RatePool::copy_trading: return "copytrading";
    case RatePool::unified: return "unified";
  }
  return "unknown";
}

std::optional<RatePool> parse_rate_pool(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kRatePoolCount; ++i) {
    const auto p = static_cast<RatePool>(i);
    if (to_string(p) == name) return p;
  }
  return std::nullopt;
}

std::int64_t default_quota(RatePool pool) noexcept { return pool == RatePool::spot ? 4000 : 2000; }

std::optional<EndpointCost> spot_endpoint_cost(std::string_view method, std::string_view path) noexcept {
  struct Row {
    std::string_view method, path;
    EndpointCost cost;
  };
  // Weights and pools: UNI-SPEC x-api-rate-limit-weight / -pool (kucoin-protocol.md §3.2).
  static constexpr Row kRows[] = {
      {"GET", "/api/v1/timestamp", {RatePool::public_pool, 3, false}},
      {"GET", "/api/v1/status", {RatePool::public_pool, 3, false}},
      {"GET", "/api/v2/symbols", {RatePool::public_pool, 4, false}},
      {"GET", "/api/v1/market/orderbook/level2_20", {RatePool::public_pool, 2, false}},
      {"GET", "/api/v1/market/orderbook/level2_100", {RatePool::public_pool, 4, false}},
      {"GET", "/api/v3/market/orderbook/level2", {RatePool::spot, 3, true}},
      {"POST", "/api/v1/bullet-public", {RatePool::public_pool, 10, false}},
      {"POST", "/api/v1/bullet-private", {RatePool::spot, 10, true}},
      {"GET", "/api/v1/accounts", {RatePool::management, 5, true}},
      // Spot HF orders (§3.2 gives the placement's weight 1; the others' are not in
      // kucoin-protocol.md [U]: cancels 1, cancel all 2, queries 2). Exact paths before the "/*"
      // ones that would also match them.
      {"POST", "/api/v1/hf/orders", {RatePool::spot, 1, true}},
      {"POST", "/api/v1/hf/orders/test", {RatePool::spot, 1, true}},
      {"POST", "/api/v1/hf/orders/sync", {RatePool::spot, 1, true}},
      {"DELETE", "/api/v1/hf/orders", {RatePool::spot, 2, true}},
      {"GET", "/api/v1/hf/orders/active", {RatePool::spot, 2, true}},
      {"DELETE", "/api/v1/hf/orders/client-order/*", {RatePool::spot, 1, true}},
      {"GET", "/api/v1/hf/orders/client-order/*", {RatePool::spot, 2, true}},
      {"DELETE", "/api/v1/hf/orders/*", {RatePool::spot, 1, true}},
      {"GET", "/api/v1/hf/orders/*", {RatePool::spot, 2, true}},
      // What third-party clients call at start-up (ccxt loadMarkets, the universal SDK).
      {"GET", "/api/v3/currencies", {RatePool::public_pool, 3, false}},
      {"GET", "/api/v2/symbols/*", {RatePool::public_pool, 4, false}},
      {"GET", "/api/v1/market/allTickers", {RatePool::public_pool, 15, false}},
      {"GET", "/api/v1/market/orderbook/level1", {RatePool::public_pool, 2, false}},
      {"GET", "/api/v1/market/stats", {RatePool::public_pool, 15, false}},
      {"GET", "/api/v1/market/histories", {RatePool::public_pool, 3, false}},
      {"GET", "/api/v1/contracts/active", {RatePool::public_pool, 3, false}},  // the futures host's list
      {"GET", "/api/v1/hf/accounts/opened", {RatePool::spot, 30, true}},
      {"GET", "/api/v2/user-info", {RatePool::management, 20, true}},
      {"GET", "/api/ua/v1/account/mode", {RatePool::management, 1, true}},
      {"GET", "/api/v3/margin/symbols", {RatePool::spot, 3, true}},
      {"GET", "/api/v1/isolated/symbols", {RatePool::spot, 20, true}},
  };
  for (const Row& r : kRows) {
    if (r.method != method) continue;
    if (r.path == path) return r.cost;
    // "/prefix/*": one more non-empty path segment (a path parameter such as {symbol}).
    if (r.path.ends_with("/*")) {
      const std::string_view prefix = r.path.substr(0, r.path.size() - 1);
      if (path.size() > prefix.size() && path.starts_with(prefix) &&
          path.find('/', prefix.size()) == std::string_view::npos) {
        return r.cost;
      }
    }
  }
  return std::nullopt;
}

std::optional<EndpointCost> futures_endpoint_cost(std::string_view method, std::string_view path) noexcept {
  struct Row {
    std::string_view method, path;
    EndpointCost cost;
  };
  // The futures host's weights and pools (kucoin-protocol.md §3.2).
  static constexpr Row kRows[] = {
      {"GET", "/api/v1/timestamp", {RatePool::public_pool, 2, false}},
      {"GET", "/api/v1/contracts/active", {RatePool::public_pool, 3, false}},
      {"GET", "/api/v1/level2/snapshot", {RatePool::public_pool, 3, false}},
      {"GET", "/api/v1/level2/depth20", {RatePool::public_pool, 5, false}},
      {"GET", "/api/v1/level2/depth100", {RatePool::public_pool, 5, false}},
      {"POST", "/api/v1/bullet-public", {RatePool::public_pool, 10, false}},
      {"POST", "/api/v1/bullet-private", {RatePool::futures, 10, true}},
  };
  for (const Row& r : kRows) {
    if (r.method == method && r.path == path) return r.cost;
  }
  return std::nullopt;
}

std::optional<EndpointCost> endpoint_cost(Market venue, std::string_view method, std::string_view path) noexcept {
  return venue == Market::futures ? futures_endpoint_cost(method, path) : spot_endpoint_cost(method, path);
}

RateLimiter::PoolState RateLimiter::state(RatePool pool, std::int64_t now_ms) const noexcept {
  PoolState s = pools_[static_cast<std::size_t>(pool)];
  if (s.reset_at_ms >= 0 && now_ms >= s.reset_at_ms) {
    // The window has rolled over: the quota is back (as far as we know).
    s.remaining = s.limit;
    s.reset_at_ms = -1;
  }
  return s;
}

std::int64_t RateLimiter::wait_ms(RatePool pool, int weight, std::int64_t now_ms) const noexcept {
  const PoolState s = state(pool, now_ms);
  if (s.remaining < 0 || s.reset_at_ms < 0) return 0;  // unknown or fresh window
  if (s.remaining >= weight) return 0;
  return s.reset_at_ms - now_ms;
}

void RateLimiter::on_send(RatePool pool, int weight, std::int64_t now_ms) noexcept {
  PoolState& s = pools_[static_cast<std::size_t>(pool)];
  s = state(pool, now_ms);
  if (s.remaining >= 0) s.remaining = s.remaining > weight ? s.remaining - weight : 0;
}

void RateLimiter::on_headers(RatePool pool, const RateLimitHeaders& h, std::int64_t now_ms) noexcept {
  if (!h.present()) return;
  PoolState& s = pools_[static_cast<std::size_t>(pool)];
  s.limit = h.limit;
  s.remaining = h.remaining;
  s.reset_at_ms = now_ms + h.reset_ms;
}

void RateLimiter::on_rate_limited(RatePool pool, std::int64_t reset_ms, std::int64_t now_ms,
                                  std::int64_t fallback_ms) noexcept {
  PoolState& s = pools_[static_cast<std::size_t>(pool)];
  s.remaining = 0;
  s.reset_at_ms = now_ms + (reset_ms >= 0 ? reset_ms : fallback_ms);
}

}  // namespace kucoin
