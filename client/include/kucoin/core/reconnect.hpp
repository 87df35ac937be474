// When a WebSocket connection slot tries again after an attempt or a session ended, and when it
// rotates its token. Pure: delays come from a seeded kucoin::Rng and the durations it is given;
// it never reads a clock or sleeps (WsClient arms its own timers with the delays).
//
// Policy:
//  - Failed attempts in a row (no token, no connection, no welcome, ...) back off: capped,
//    exponential, jittered (BackoffConfig).
//  - A session that was live for at least `stable_after` counts as established: the backoff starts
//    over, and the first attempt after it follows after a uniform random delay in
//    [0, after_established] (tens of ms: enough to spread a fleet of clients that a server
//    restart dropped at the same moment, short enough that books are back within a round trip).
//    A session that ends sooner (a server that accepts and drops at once) counts as one more
//    failed attempt, so a flapping server still sees the backoff grow instead of a reconnect loop.
//  - A planned ending (token rotation) retries at once and starts the backoff over.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "kucoin/core/backoff.hpp"
#include "kucoin/core/rng.hpp"

namespace kucoin {

struct ReconnectConfig {
  BackoffConfig backoff{};                          // failed attempts in a row
  std::chrono::milliseconds stable_after{1'000};    // live this long: established
  std::chrono::milliseconds after_established{50};  // bound of the delay after an established session
};

// How an attempt or session ended.
struct AttemptEnd {
  std::optional<std::chrono::milliseconds> live_for;  // how long it was live; nullopt: it never was
  bool planned = false;                               // token rotation: retry at once
};

struct ReconnectDecision {
  std::chrono::milliseconds delay{0};  // wait this long before the next attempt
  std::uint32_t failures = 0;          // failed attempts in a row, this one included (0: none)
};

class ReconnectPolicy {
 public:
  ReconnectPolicy(ReconnectConfig config, Rng rng) noexcept;

  ReconnectDecision on_end(const AttemptEnd& end) noexcept;
  // Start over (the application resumed after fixing something): the next failure waits the
  // backoff's first step again.
  void reset() noexcept;

  std::uint32_t failures() const noexcept { return failures_; }
  const ReconnectConfig& config() const noexcept { return config_; }

 private:
  ReconnectConfig config_;
  Backoff backoff_;
  Rng rng_;
  std::uint32_t failures_ = 0;
};

// The age at which a token is rotated: the configured age, bounded by 9/10 of the validity the
// bullet answer declared (tokenValidFor, ms) when it declared one. The tenth left over is the time
// the make-before-break handover needs (a bullet request, connect, subscribe, the overlap) before
// the server ends the old session, and it scales with the validity: 2.4 h of a 24 h token, 60 ms
// of a 600 ms test token. A configured age <= 0 means no rotation by age unless the server declared
// a validity. The result is at least 1 ms, or 0 (no rotation).
std::chrono::milliseconds token_rotation_age(std::chrono::milliseconds configured,
                                             std::optional<std::int64_t> valid_for_ms) noexcept;

}  // namespace kucoin
