#include "kucoin/core/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace kucoin {

std::string_view to_string(Jitter j) noexcept {
  switch (j) {
    case Jitter::none: return "none";
    case Jitter::full: return "full";
    case Jitter::equal: return "equal";
  }
  return "unknown";
}

namespace {

BackoffConfig sanitize(BackoffConfig c) noexcept {
  using std::chrono::milliseconds;
  if (c.initial < milliseconds{1}) c.initial = milliseconds{1};
  if (c.max < c.initial) c.max = c.initial;
  if (!(c.multiplier >= 1.0)) c.multiplier = 1.0;  // also catches NaN
  return c;
}

// min(cap, round(value * factor)) without overflowing.
std::int64_t grow(std::int64_t value, double factor, std::int64_t cap) noexcept {
  const double next = std::round(static_cast<double>(value) * factor);
  if (next >= static_cast<double>(cap)) return cap;
  return std::max(value, static_cast<std::int64_t>(next));
}

}  // namespace

Backoff::Backoff(BackoffConfig config, Rng rng) noexcept : config_(sanitize(config)), rng_(rng) { reset(); }

void Backoff::reset() noexcept {
  ceiling_ms_ = config_.initial.count();
  attempts_ = 0;
}

std::chrono::milliseconds Backoff::next() noexcept {
  const std::int64_t ceiling = ceiling_ms_;
  std::int64_t delay = ceiling;
  switch (config_.jitter) {
    case Jitter::none: break;
    case Jitter::full: delay = rng_.between(0, ceiling); break;
    case Jitter::equal: {
      const std::int64_t half = ceiling / 2;
      delay = half + rng_.between(0, ceiling - half);
      break;
    }
  }
  ceiling_ms_ = grow(ceiling, config_.multiplier, config_.max.count());
  if (attempts_ != UINT32_MAX) ++attempts_;
  return std::chrono::milliseconds{delay};
}

}  // namespace kucoin
