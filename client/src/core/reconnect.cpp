#include "kucoin/core/reconnect.hpp"

#include <algorithm>
#include <limits>

namespace kucoin {

using std::chrono::milliseconds;

ReconnectPolicy::ReconnectPolicy(ReconnectConfig config, Rng rng) noexcept
    : config_(config), backoff_(config.backoff, rng), rng_(Rng(rng.next() ^ 0x7265636f6e6eULL)) {}

ReconnectDecision ReconnectPolicy::on_end(const AttemptEnd& end) noexcept {
  if (end.planned) {
    reset();
    return {milliseconds{0}, 0};
  }
  if (end.live_for && *end.live_for >= config_.stable_after) {
    reset();
    const std::int64_t bound = std::max<std::int64_t>(0, config_.after_established.count());
    return {milliseconds{rng_.between(0, bound)}, 0};
  }
  if (failures_ != std::numeric_limits<std::uint32_t>::max()) ++failures_;
  return {backoff_.next(), failures_};
}

void ReconnectPolicy::reset() noexcept {
  backoff_.reset();
  failures_ = 0;
}

milliseconds token_rotation_age(milliseconds configured, std::optional<std::int64_t> valid_for_ms) noexcept {
  const milliseconds age = configured.count() > 0 ? configured : milliseconds{0};
  if (!valid_for_ms || *valid_for_ms <= 0) return age;
  const std::int64_t v = *valid_for_ms;
  const milliseconds bound{std::max<std::int64_t>(1, v / 10 * 9 + v % 10 * 9 / 10)};  // 0.9 v without overflow
  return age.count() > 0 ? std::min(age, bound) : bound;
}

}  // namespace kucoin
