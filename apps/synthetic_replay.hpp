#pragma once

#include <cstdint>
#include <cstddef>
#include <ostream>

namespace kucoin::apps {

struct SyntheticReplayOptions {
  std::uint64_t seed = 42;
  std::size_t messages = 200'000;
  std::size_t levels = 2'000;
  std::size_t snapshot_at = 64;       // the REST snapshot is taken when the market has produced this many messages
  std::size_t snapshot_arrives = 96;  // ... and reaches the client after it has received this many frames
                                      // (fewer: the snapshot is ahead of the socket; more: buffered frames replay)
};

// Generates a seeded level2 stream as KuCoin frames, replays it through the decoder and the
// synchronizer, checks the book against the generator's truth and prints a summary.
// Returns 0 when the book matches the truth.
int run_synthetic_replay(const SyntheticReplayOptions& options, std::ostream& out);

}  // namespace kucoin::apps
