// The outcome trace of a live run: everything about a run that must come out the same every time
// the same scenario runs with the same seed, as JSON lines (one object per line, keys in a fixed
// order), so that two runs, or two machines' runs, are compared with `diff`.
//
// In it: the case and seed; every REST snapshot the mock served (ordinal, stream position,
// sequence, planned or not); every fault that fired, with its message index and sequence; per
// symbol what the mock's subscriptions handed out (the positions delivered, the ranges missing,
// an FNV-1a hash of the frames' bytes in position order); per symbol the client's book events
// but `stale` in order (kind, cause, the sequence it happened at; for `synced` the snapshot's
// sequence); the counts of bullet requests, WebSocket connections and
// resyncs; and every final book (sequence, depth and a hash of its levels).
//
// Left out, because real sockets cannot make them the same: times and durations, `stale` events
// (the wall clock decides them: a loaded machine adds some; the `stale` expectation still checks
// them), ports, connect ids and tokens, which connection carried which frame (and, when the
// client opens connections by its own timer as in a token rotation, how many connections and
// bullet requests it made), how many buffered messages each sync replayed (it depends on how many
// had arrived with the snapshot), the order of events of different symbols, and the frames of
// time-sampled topics (level2Depth5/50: KuCoin sends them every 100 ms). When the mock drops
// frames by time (a slow reader, LiveCase::drops_by_time), where the drops fall depends on how fast
// the client read: the trace then also leaves out stream positions, the sequences of book events
// and snapshots, and the streams' delivered counts and hashes; it keeps kinds, causes, counts and
// final books. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/book/book_tracker.hpp"
#include "kucoin/mock/live_market.hpp"

namespace kucoin::runner {

struct TraceBook {
  std::string symbol;
  std::int64_t sequence = 0;
  std::vector<L2Level> bids, asks;
};

class TraceBuilder {
 public:
  // positions_by_time: the mock drops frames by time in this run (see above).
  TraceBuilder(std::string_view case_name, std::uint64_t seed, bool positions_by_time = false);
  // A client book event (every kind but `updated` is kept).
  void book_event(const BookEvent& e);
  // After the run.
  // connections_by_timer: the client opens connections by its own timers in this run (token
  // rotation by age): the number of subscriptions, connections and bullet requests is left out.
  // Call before counts().
  void market(std::vector<mock::ServedSnapshot> snapshots, const std::vector<std::string>& fired_faults,
              const std::vector<mock::StreamDigest>& streams, bool connections_by_timer);
  void counts(std::uint64_t bullet_requests, std::uint64_t ws_connections, std::uint64_t resyncs);
  void final_book(const TraceBook& book);
  // The lines, in the order above; book events grouped by symbol (in first-seen symbol order
  // sorted by name), each symbol's in the order they happened.
  std::vector<std::string> lines() const;

 private:
  std::string head_;
  std::vector<std::pair<std::string, std::string>> events_;  // (symbol, line)
  std::vector<std::string> market_, counts_, books_;
  bool connections_by_timer_ = false;
  bool positions_by_time_ = false;
};

// The first line where two traces differ, for people ("line 7: ... | ..."); nullopt when equal.
std::optional<std::string> first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace kucoin::runner
