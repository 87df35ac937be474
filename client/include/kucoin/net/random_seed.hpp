// A seed that differs between processes and between calls: std::random_device mixed with the
// clocks and the process id. I/O layer only; pure code takes its seeds as arguments. Options whose
// seed is unset (WsClientOptions::seed, RestClientOptions::jitter_seed) draw one from here, so a
// fleet of clients dropped at the same moment does not retry in step.
#pragma once

#include <cstdint>
#include <optional>

namespace kucoin::net {

std::uint64_t random_seed() noexcept;

// The given seed, or random_seed() when none is given.
inline std::uint64_t seed_or_random(std::optional<std::uint64_t> seed) noexcept { return seed ? *seed : random_seed(); }

}  // namespace kucoin::net
