// Load and reconnect-storm runs (`kucoin-harness load`, docs/reliability.md): many real
// MarketDataClients, each with its own REST client (told apart by its User-Agent), against one
// embedded mock on loopback. Every client subscribes to a few of the market's symbols; the run
// ends when every book of every client equals the mock's truth at the end of the stream. With
// `storm`, once every book has synced, every WebSocket connection is cut at once while
// bullet-public answers 429 for a while: the run shows how the reconnects spread out over time,
// counts any bullet request that came sooner than the gw-ratelimit-reset its client was told, and
// how long until every book was synced again.
// run_load() does I/O; storm_profile() is pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kucoin::runner {

struct LoadOptions {
  std::size_t clients = 500;
  std::size_t symbols = 8;             // the market's
  std::size_t symbols_per_client = 3;  // client i takes symbols i, i+1, ... (mod symbols)
  std::uint64_t messages = 3'000;      // per symbol
  double pace = 100;                   // frames a second per symbol
  std::size_t levels = 100;            // per side
  std::uint64_t seed = 42;
  // The mock's rate-limit window (KuCoin: 30 s): shorter, so that a run waits out several windows
  // in seconds; the quotas are KuCoin's (VIP 0).
  std::int64_t rate_window_ms = 3'000;
  // The storm, once every book has synced: every connection cut at once, and the next
  // `storm_429` bullet-public requests answered 429 429000 with gw-ratelimit-reset `storm_reset_ms`.
  bool storm = false;
  int storm_429 = 200;
  std::int64_t storm_reset_ms = 1'000;
  std::int64_t bucket_ms = 250;  // the storm's profile: bullet requests per bucket
  std::chrono::milliseconds deadline{180'000};
  std::function<void(const std::string&)> progress;  // a line now and then (may be empty)
};

// One request the mock answered, as the load run keeps it.
struct SeenRequest {
  std::int64_t at_ms = 0;  // since the run started
  std::string path, client;
  int status = 200;
  std::int64_t reset_ms = -1;
};

// The reconnect storm's shape (pure): bullet requests from `from_ms` on.
struct StormProfile {
  std::vector<std::uint64_t> bullets_per_bucket, rejected_per_bucket;  // requests, and 429 answers among them
  std::uint64_t bullets = 0, rejected = 0;
  std::uint64_t early = 0;  // requests sooner than the reset the same client was told by its last 429
  std::string first_early;  // for people
  std::uint64_t peak = 0;   // the busiest bucket
};
StormProfile storm_profile(const std::vector<SeenRequest>& seen, std::string_view bullet_path, std::int64_t from_ms,
                           std::int64_t bucket_ms);

struct LoadOutcome {
  bool passed = false;
  std::string failure;
  std::size_t books = 0, books_exact = 0;
  double seconds_to_synced = 0;  // every book synced the first time
  double seconds = 0;            // the whole run
  std::uint64_t rest_requests = 0, rest_429 = 0, rest_429_without_reset = 0;
  double rest_p50_ms = 0, rest_p99_ms = 0, rest_max_ms = 0;  // a probe's GET /api/v1/timestamp during the run
  std::uint64_t rss_start_kib = 0, rss_peak_kib = 0, rss_end_kib = 0;
  std::uint64_t mock_frames_sent = 0, mock_frames_dropped = 0;
  // The storm.
  double storm_recovery_s = 0;  // from the cut until every book had synced again
  StormProfile storm;
};

LoadOutcome run_load(const LoadOptions& o);

// Resident size of this process (KiB, /proc/self/status), 0 when unknown.
std::uint64_t resident_kib();

}  // namespace kucoin::runner
