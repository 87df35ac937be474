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

namespace {

std::int64_t jittered(std::int64_t ceiling, Jitter jitter, Rng& rng) noexcept {
  switch (jitter) {
    case Jitter::none: return ceiling;
    case Jitter::full: return rng.between(0, ceiling);
    case Jitter::equal: {
      const std::int64_t half = ceiling / 2;
      return half + rng.between(0, ceiling - half);
    }
  }
  return ceiling;
}

}  // namespace

std::chrono::milliseconds backoff_delay(const BackoffConfig& config, std::uint32_t attempt, Rng& rng) noexcept {
  const BackoffConfig c = sanitize(config);
  std::int64_t ceiling = c.initial.count();
  for (std::uint32_t i = 0; i < attempt && ceiling < c.max.count(); ++i) {
    const std::int64_t next = grow(ceiling, c.multiplier, c.max.count());
    if (next == ceiling) break;  // a multiplier of 1: it never grows
    ceiling = next;
  }
  return std::chrono::milliseconds{jittered(ceiling, c.jitter, rng)};
}

std::chrono::milliseconds Backoff::next() noexcept {
  const std::int64_t ceiling = ceiling_ms_;
  const std::int64_t delay = jittered(ceiling, config_.jitter, rng_);
  ceiling_ms_ = grow(ceiling, config_.multiplier, config_.max.count());
  if (attempts_ != UINT32_MAX) ++attempts_;
  return std::chrono::milliseconds{delay};
}

}  // namespace kucoin
