// Capped exponential backoff with jitter for reconnects. Pure: it computes delays from a seeded
// kucoin::Rng and never sleeps or reads a clock; the caller arms its own timer with next().
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "kucoin/core/rng.hpp"

namespace kucoin {

enum class Jitter : std::uint8_t {
  none,   // delay = ceiling
  full,   // delay uniform in [0, ceiling]                      (AWS "full jitter")
  equal,  // delay = ceiling/2 + uniform in [0, ceiling - ceiling/2]
};

std::string_view to_string(Jitter j) noexcept;

struct BackoffConfig {
  std::chrono::milliseconds initial{500};  // ceiling of the first delay (values below 1 ms count as 1 ms)
  double multiplier = 2.0;                 // ceiling growth per attempt (values below 1, or NaN, count as 1)
  std::chrono::milliseconds max{30'000};   // cap of every delay (raised to `initial` if below it)
  Jitter jitter = Jitter::full;
};

// ceiling(n) = min(max, initial * multiplier^n) for the n-th call of next() since construction or
// reset(); next() draws the n-th delay from it according to the jitter kind.
class Backoff {
 public:
  Backoff(BackoffConfig config, Rng rng) noexcept;

  // The delay before the next reconnect attempt; advances the attempt counter.
  std::chrono::milliseconds next() noexcept;

  // After a successful connection: the next delay starts from `initial` again. The random
  // stream continues (it is not re-seeded), so delays after a reset differ from the first ones.
  void reset() noexcept;

  // The un-jittered bound of the next delay (the next delay is <= this for every jitter kind).
  std::chrono::milliseconds ceiling() const noexcept { return std::chrono::milliseconds{ceiling_ms_}; }
  // Calls of next() since construction or the last reset().
  std::uint32_t attempts() const noexcept { return attempts_; }
  const BackoffConfig& config() const noexcept { return config_; }

 private:
  BackoffConfig config_;
  Rng rng_;
  std::int64_t ceiling_ms_ = 0;
  std::uint32_t attempts_ = 0;
};

// The delay of retry number `attempt` (0-based) without a Backoff object: what the attempt-th
// next() of a fresh Backoff(config, ...) would return, drawn from `rng` (which advances). For
// callers that count their own attempts, e.g. per-request retries.
std::chrono::milliseconds backoff_delay(const BackoffConfig& config, std::uint32_t attempt, Rng& rng) noexcept;

}  // namespace kucoin
