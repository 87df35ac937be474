// Live-book runs: an embedded mock KuCoin (LiveMarket with stream and REST faults) and the real
// MarketDataClient over loopback, until every book has seen the whole stream; then each book is
// compared with the mock's truth, level by level, and the run's expectations are checked.
// Used by `kucoin-harness run` (the built-in fault suite), the integration tests and benchmarks.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kucoin/book/book_tracker.hpp"
#include "kucoin/capture/capture_codec.hpp"
#include "kucoin/mock/fault_plan.hpp"
#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/rest_service.hpp"
#include "kucoin/mock/server.hpp"
#include "kucoin/mock/ws_admission.hpp"
#include "kucoin/net/market_data_client.hpp"
#include "kucoin/runner/expectations.hpp"

namespace kucoin::runner {

struct LiveCase {
  std::string name;
  std::string description;
  mock::LiveMarketConfig market;  // its `faults` stay empty: the stream faults are in `faults`
  // Every fault of the case, one list (fault_plan.hpp): stream faults, network events and
  // conditions, forced REST answers, WebSocket faults. The mock reads it (MockServerConfig::faults).
  mock::FaultPlan faults;
  bool tls = false;
  bool credentials = true;                             // false: public level2_100 snapshots
  double pace_per_symbol = 0;                          // > 0: the mock streams this many frames a second per symbol
  std::function<void(net::MarketDataOptions&)> tweak;  // client settings for this case
  // Expectations (checked after the books were proven equal to the truth). A resync counts when a
  // synced book is rebuilt; a fault that hits a book still syncing shows only as an event.
  std::map<std::string, std::uint64_t> max_resyncs;  // per symbol (unlisted: 0): catches resync loops
  std::optional<BookCause> cause;           // the first symbol sees at least one `resyncing` event with this cause
  bool cause_everywhere = false;            // ... and so does every other symbol (the connection dropped)
  bool stale = false;                       // at least one stale event of the first symbol
  std::uint64_t min_snapshot_failures = 0;  // snapshot fetches that failed after the REST client's own retries
  std::uint64_t min_rotations = 0;          // token rotations handed over to a fresh connection
  // Every book held values off its symbol's increments at the end (sizes with more decimals than
  // baseIncrement, sizes past 10^8, prices finer than the tick): the realism really was exercised.
  bool off_increment_values = false;
  // Snapshots at planned stream positions and the stream waiting for them (snapshot_plan.hpp):
  // the same scenario and seed give the same outcome trace. False: snapshots show whatever the
  // stream had reached when the request arrived (as a live exchange does).
  bool deterministic = true;
  // The client opens connections by its own timers (token rotation by age): the outcome trace
  // leaves out the counts of connections and bullet requests, which depend on the run's duration.
  bool connections_by_timer = false;

  // Scenario settings (scenarios/*.yaml, scenario.hpp). The defaults are the built-in suite's.
  struct Rest {
    KeyVersion key_version = KeyVersion::v2;         // the mock's key
    KeyVersion client_key_version = KeyVersion::v2;  // what the client signs with
    bool strict_key_version = false;
    std::int64_t clock_offset_ms = 0;  // the mock's clock = wall clock + this (clock skew)
    std::int64_t timestamp_window_ms = 5'000;
    std::int64_t token_lifetime_ms = 86'400'000;
    std::optional<std::int64_t> token_valid_for_ms;
    std::int64_t ping_interval_ms = 1'000;
    std::int64_t ping_timeout_ms = 10'000;
    mock::RateLimitConfig rate_limit;
  } rest;
  std::map<std::string, std::uint64_t> min_resyncs;             // per symbol (unlisted: 0)
  std::optional<std::uint64_t> min_reconnects, max_reconnects;  // connections that went to `reconnecting`
  // Set: the run passes when an error with this text (a KuCoin code such as "400007") reached the
  // application as a configuration error (a `failed` connection or a book `error` event); the
  // books are not expected to sync.
  std::string expect_error;
  std::optional<std::size_t> expect_faults_fired;  // unset: every stream fault of the market
  // Expectations about the whole run (expectations.hpp): never crossed, checkpoints, recovery,
  // bullet requests, token refreshed.
  RunExpectations run_expect;
  // A capture as the market (market.recording): every run serves its books afresh
  // (mock::capture_sources), with the faults on top; `market.symbols` are its symbols.
  std::shared_ptr<const capture::CaptureContents> recording;
  // A slow application (client.slow_application): the book handler blocks the client's thread
  // once, for `pause`, at the `after_updates`-th `updated` event of the run (all symbols counted).
  // With a small client.receive_buffer_bytes and the mock's slow_reader fault, the mock then finds
  // frames due but not written and drops them, as KuCoin does for a consumer that falls behind.
  struct AppPause {
    std::uint64_t after_updates = 0;  // 0: never
    std::chrono::milliseconds pause{0};
  } app_pause;
  // The mock drops frames by time (a slow_reader fault): how many, and where, depends on how fast
  // the client read. The outcome trace then keeps kinds, causes, counts and final books, and
  // leaves out stream positions and sequences (run_trace.hpp).
  bool drops_by_time() const {
    return faults.count([](mock::Fault::Kind k) { return k == mock::Fault::Kind::slow_reader; }) > 0;
  }
};

// Why a book is not equal to `truth` (full depth, both sides, every level, then its own
// consistency); empty when it is.
std::string compare_book(const BookView& v, const L2Snapshot& truth);

// The case's market: generated from `config`, or the case's recording with `config`'s faults.
std::shared_ptr<mock::LiveMarket> make_market(const LiveCase& c, const mock::LiveMarketConfig& config);

struct SymbolOutcome {
  std::string symbol;
  bool exact = false;    // equal to the truth at the same sequence, both sides, every level
  std::string mismatch;  // why not
  std::int64_t sequence = 0;
  std::uint64_t resyncs = 0;
  std::size_t bid_levels = 0, ask_levels = 0;
  std::optional<L2Level> best_bid, best_ask;
  // Levels of the final book off the symbol's increments (see LiveCase::off_increment_values).
  std::size_t fine_sizes = 0, huge_sizes = 0, fine_prices = 0;
};

struct LiveOutcome {
  bool passed = false;
  std::string failure;  // the first broken expectation, for people
  double seconds = 0;
  std::vector<SymbolOutcome> symbols;
  // Every book event but `updated`, and every token rotation, in order ("BTC-USDT resyncing gap: ...").
  std::vector<std::string> events;
  std::uint64_t rotations = 0;              // connections handed over to a fresh one (make-before-break)
  std::vector<std::string> connection_log;  // the WebSocket client's lifecycle lines (never a token)
  std::vector<std::string> fired_faults;
  std::map<std::string, std::map<BookEvent::Kind, std::uint64_t>> counts;  // per symbol and kind
  std::map<std::string, std::map<BookCause, std::uint64_t>> resync_causes;
  net::MarketDataStats stats;
  // The outcome trace (run_trace.hpp): equal across runs with the same case and seed.
  std::vector<std::string> trace;
  std::uint64_t reconnects = 0;  // connections that went to `reconnecting`
  // Set: the case was not run, and why (it passes; the table says "skipped").
  std::string skipped;
};

// The embedded mock's API key for scenario runs (a test key: it only ever exists on loopback).
inline constexpr std::string_view kScenarioApiKey = "kucoin-harness-runner";
inline constexpr std::string_view kScenarioApiSecret = "runner-secret-not-a-real-one";
inline constexpr std::string_view kScenarioApiPassphrase = "runner-passphrase";

// The mock's configuration for a case: its live market (planned snapshots unless the case is not
// deterministic), REST settings and forced answers, WebSocket faults and pace, the key above.
// run_live_case() starts it; `kucoin-harness serve --scenario FILE` serves it by hand.
mock::MockServerConfig mock_config(const LiveCase& c);

// How long a case may take: 30 s, plus the time a paced stream needs to deliver every message
// (market.messages / pace), so that a long paced run (scripts/soak.sh) is not cut short.
inline std::chrono::milliseconds case_deadline(const LiveCase& c) {
  std::chrono::milliseconds d = std::chrono::seconds(30);
  if (c.pace_per_symbol > 0) {
    d += std::chrono::milliseconds(
        static_cast<std::int64_t>(static_cast<double>(c.market.messages) * 1000.0 / c.pace_per_symbol));
  }
  return d;
}

// Runs one case; never throws for a failing run (the outcome says why).
LiveOutcome run_live_case(const LiveCase& c, std::chrono::milliseconds deadline = std::chrono::seconds(30));

struct SuiteOptions {
  std::vector<std::string> symbols{"BTC-USDT", "ETH-USDT", "XRP-USDT"};
  std::uint64_t messages = 3'000;  // per symbol
  std::size_t levels = 500;        // per side
  std::uint64_t seed = 42;
  // Faults fire this many messages after what the symbol's first REST snapshot showed, so that the
  // book has usually synced when they hit.
  std::int64_t fault_after_snapshot = 600;
  bool tls = false;
};

// The built-in suite: a clean run and one case per fault KuCoin produces (gap, duplicate,
// reorder, sequence jump and reset, stall, disconnect, token expiry, snapshot ahead/behind,
// failing and slow snapshots, public top-100 snapshots, token rotation).
std::vector<LiveCase> builtin_suite(const SuiteOptions& options);

}  // namespace kucoin::runner
