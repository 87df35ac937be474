// Network conditions of one WebSocket connection, as a mobile client meets them: added latency with
// seeded jitter, a bandwidth cap and stalls. NetworkShaper says when each frame the session hands
// to the link leaves the mock; the session's writer (mockserver/src/server/ws_session.cpp) only
// waits until then. Pure: the time is an argument (microseconds on any monotonic clock), the
// jitter comes from a seeded Rng, so the same frames handed over at the same times leave at the
// same times. Not thread-safe: one per connection.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kucoin/core/rng.hpp"

namespace kucoin::mock {

struct NetworkConditions {
  std::int64_t latency_ms = 0;             // every frame (data and control) leaves this much later
  std::int64_t jitter_ms = 0;              // and up to this much more, drawn per frame (order is kept)
  std::int64_t bandwidth_bytes_per_s = 0;  // > 0: frames leave no faster than this (payload bytes)
  bool any() const noexcept { return latency_ms > 0 || jitter_ms > 0 || bandwidth_bytes_per_s > 0; }
  friend bool operator==(const NetworkConditions&, const NetworkConditions&) = default;
};

class NetworkShaper {
 public:
  NetworkShaper(NetworkConditions conditions, std::uint64_t seed) noexcept : c_(conditions), rng_(seed) {}

  // When a frame of `bytes` handed to the link at `now_us` leaves: the bandwidth cap sends the
  // frames one after the other (each takes bytes / bandwidth), then it travels latency + jitter; a
  // frame never overtakes the one before it (one TCP stream), and none leaves during a stall.
  std::int64_t release_at(std::int64_t now_us, std::size_t bytes) noexcept {
    std::int64_t t = now_us;
    if (c_.bandwidth_bytes_per_s > 0) {
      const std::int64_t start = t > link_free_us_ ? t : link_free_us_;
      const auto b = static_cast<std::int64_t>(bytes);
      link_free_us_ = start + (b * 1'000'000 + c_.bandwidth_bytes_per_s - 1) / c_.bandwidth_bytes_per_s;
      t = link_free_us_;
    }
    t += c_.latency_ms * 1'000;
    if (c_.jitter_ms > 0) t += rng_.between(0, c_.jitter_ms * 1'000);
    if (t < last_release_us_) t = last_release_us_;
    last_release_us_ = t;
    return hold(t);
  }

  // Nothing leaves before now_us + ms (frames already handed over wait too; none is lost).
  void stall(std::int64_t now_us, std::int64_t ms) noexcept {
    const std::int64_t until = now_us + (ms > 0 ? ms : 0) * 1'000;
    if (until > stalled_until_us_) stalled_until_us_ = until;
  }
  // `release` moved past a stall.
  std::int64_t hold(std::int64_t release_us) const noexcept {
    return release_us > stalled_until_us_ ? release_us : stalled_until_us_;
  }

  // Whether the link takes another frame at `now_us`: it buffers what leaves within kBufferMs
  // after the latency and jitter (a bandwidth cap fills it; then the streams wait, as a socket's
  // full buffer makes them wait, and a gap reaches the client within about that long).
  static constexpr std::int64_t kBufferMs = 500;
  bool accepts(std::int64_t now_us) const noexcept {
    return last_release_us_ <= now_us + (c_.latency_ms + c_.jitter_ms + kBufferMs) * 1'000;
  }

  const NetworkConditions& conditions() const noexcept { return c_; }

 private:
  NetworkConditions c_;
  Rng rng_;
  std::int64_t link_free_us_ = INT64_MIN / 4;
  std::int64_t last_release_us_ = INT64_MIN / 4;
  std::int64_t stalled_until_us_ = INT64_MIN / 4;
};

}  // namespace kucoin::mock
