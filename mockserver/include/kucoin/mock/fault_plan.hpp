// FaultPlan: every fault the mock can inject, as one ordered list of entries of one type. The
// scenario loader (runner/src/scenario_yaml.cpp) and serve's YAML configuration produce it;
// MockServer reads it (MockServerConfig::faults) and hands each part to the piece of the mock that
// applies it: stream faults and network events to the LiveMarket (they fire on stream positions),
// forced REST answers to RestService, WebSocket faults to WsAdmissions, network conditions to each
// WebSocket session's writer (NetworkShaper). Pure: no I/O, no clock.
//
// Time on the stream clock (`at: {time_ms: T}`): the mock's deterministic clock is the stream
// itself. A symbol's message N is at (N - 1) * 1000 / rate ms, with rate the scenario's pace
// (frames a second per symbol) or, unpaced, kNominalStreamRate; so `time_ms: T` fires at message
// floor(T * rate / 1000) + 1, the same message in every run whatever the machine's speed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/network_shaper.hpp"
#include "kucoin/mock/rest_service.hpp"
#include "kucoin/mock/ws_admission.hpp"

namespace kucoin::mock {

// Messages a second per symbol on the stream clock of an unpaced stream (1 ms a message).
inline constexpr double kNominalStreamRate = 1'000;

struct Fault {
  enum class Kind : std::uint8_t {
    // Stream faults: fire on `at` for `symbol` (LiveMarket, StreamFault).
    drop,            // `count` messages are not delivered
    duplicate,       // the message is delivered `count` + 1 times
    reorder,         // the message comes after the next `count`
    sequence_jump,   // sequences are raised by `amount`
    sequence_reset,  // the counter restarts at `amount`
    stall,           // the symbol's stream is silent for `ms`
    disconnect,      // the connection carrying the message is closed
    token_expiry,    // the 401 error frame, then the connection closes
    // Network events: fire on `at` like stream faults; the WebSocket sessions apply them.
    network_stall,  // nothing at all leaves the connection for `ms`
    handover,       // every connection is cut; connections made after it get `network`
    // Forced REST answers (RestService): `rest`.
    rest_answer,
    // WebSocket faults (WsAdmissions, sessions), from the start.
    no_welcome,      // no welcome frame
    no_pong,         // JSON pings unanswered
    close_after,     // close after `count` frames (> 0) or `ms` (> 0) after the upgrade
    refuse_upgrade,  // answer upgrades with HTTP `status`, `count` times (-1: always)
    slow_reader,     // drop frames due beyond a backlog of `count` (needs a pace)
    // Network conditions from the start: `network` (latency, jitter, bandwidth).
    network,
  } kind = Kind::drop;
  std::string symbol;            // stream faults and events: empty: the first symbol that reaches `at`
  Trigger at;                    // stream faults and events
  std::int64_t at_time_ms = -1;  // >= 0: `at` is this time on the stream clock (see above)
  std::int64_t count = 1;
  std::int64_t amount = 0;
  std::int64_t ms = 0;
  int status = 0;
  RestFault rest;
  NetworkConditions network;
};
std::string_view to_string(Fault::Kind k) noexcept;
// The kind named `name` (as in scenario files: "drop", "rest_answer", "network", ...).
std::optional<Fault::Kind> parse_fault_kind(std::string_view name) noexcept;
// Every kind's name, in declaration order.
std::vector<std::string> fault_kind_names();
bool is_stream_kind(Fault::Kind k) noexcept;  // fires on a stream position (stream faults, network events)

// The message a time on the stream clock falls on (1-based), at `pace` frames a second (0: unpaced).
std::int64_t stream_message_at(std::int64_t time_ms, double pace) noexcept;

// What the network plan says for the sessions.
struct NetworkPlan {
  NetworkConditions conditions;      // connections from the start
  NetworkConditions after_handover;  // connections made after a handover
  bool events = false;               // the plan has network stalls or handovers
  std::uint64_t seed = 42;           // jitter: the Nth connection draws from seed + N
  // Whether sessions shape their frames at all (else the writer's fast path).
  bool shaped() const noexcept { return conditions.any() || after_handover.any() || events; }
};

struct FaultPlan {
  std::vector<Fault> faults;  // in the order given
  std::uint64_t seed = 42;    // the jitter's

  bool empty() const noexcept { return faults.empty(); }
  // The parts, for the pieces of the mock that apply them (order within each part kept).
  std::vector<StreamFault> stream_faults(double pace) const;
  std::vector<RestFault> rest_faults() const;
  WsFaults ws_faults(WsFaults base = {}) const;  // `base` with the plan's WebSocket faults set
  NetworkPlan network() const;
  std::size_t count(bool (*pred)(Fault::Kind)) const;
  std::size_t stream_count() const { return count(is_stream_kind); }
};

}  // namespace kucoin::mock
