// Deterministic REST snapshots for LiveMarket: which stream position the Nth snapshot of a symbol
// shows is decided by the stream itself, never by when the request happens to arrive.
//
// A snapshot point is planned when a subscription starts with no other subscription of the
// symbol live (the first subscription, or the one after a reconnect: `after_subscribe` messages
// after its start), and when a fault that breaks the stream fires (drop, reorder, sequence jump or
// reset: `after_fault` messages after the last message it touched). A snapshot request takes the
// oldest pending point; with none pending it takes the last point + `after_fault` (a retry after
// `snapshot_behind` moves forward by the same step every time; never before the point of the
// newest subscription). Serving a point drops the pending points of faults it already includes.
// A subscription that starts at or before the newest point served plans none (that snapshot, maybe
// still on its way, already covers it). With `hold`, the stream of the
// symbol delivers at most `hold_margin` messages past a pending point and then waits until that
// point was served (or the server gives up waiting: a client that never asks for snapshots).
//
// BookHistory keeps the book at every recent position (a base book and the messages after it), so
// a point the stream has already passed, or one it has not reached, is served exactly.
// Pure: no clock, no I/O, not thread-safe (LiveMarket holds its lock).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>

#include "kucoin/mock/map_book.hpp"
#include "kucoin/protocol/l2_messages.hpp"

namespace kucoin::mock {

struct SnapshotPlanConfig {
  bool enabled = false;                  // false: a snapshot shows the newest message produced (as before)
  std::uint64_t after_subscribe = 10;    // a new subscription's snapshot point: its start + this
  std::uint64_t after_fault = 10;        // a breaking fault's snapshot point: the last message it touched + this
  bool hold = true;                      // the stream waits at a pending point until it was served
  std::uint64_t hold_margin = 5;         // messages delivered past a pending point before the stream waits
  std::int64_t hold_timeout_ms = 2'000;  // the server gives up waiting for a request after this long
  // After a planned snapshot was served, the stream stays at the point's hold this long more, so
  // that the client has read the snapshot before the stream moves on (its messages would
  // otherwise race the answer on another connection). Time, but it decides no position.
  std::int64_t grace_ms = 50;
};

// The book at recent stream positions: position n is the state after the symbol's first n messages.
class BookHistory {
 public:
  void reset(const L2Snapshot& initial);  // position 0
  void push(const L2Update& update);      // the next message: position newest() + 1
  // The book at `position` (oldest() <= position <= newest()); nullopt outside.
  std::optional<L2Snapshot> at(std::uint64_t position) const;
  // The newest kept position whose book is at `sequence` (nullopt: none kept).
  std::optional<std::uint64_t> position_of(std::int64_t sequence) const;
  // Forgets the states before `position` (never past newest()).
  void trim_before(std::uint64_t position);
  std::uint64_t oldest() const noexcept { return base_position_; }
  std::uint64_t newest() const noexcept { return base_position_ + log_.size(); }

 private:
  MapBook base_;
  std::uint64_t base_position_ = 0;
  std::deque<L2Update> log_;  // messages base_position_ + 1 ...
};

class SnapshotPlanner {
 public:
  explicit SnapshotPlanner(SnapshotPlanConfig config = {}) : config_(config) {}

  // A subscription started at `start` (messages before it are not delivered to it). `alone`: no
  // other subscription of the symbol is live; only then is a point planned (and earlier pending
  // points, of a stream that is gone, are dropped).
  void on_subscribe(std::uint64_t start, bool alone);
  // A breaking fault fired; `last_touched` is the position after the last message it dropped,
  // held back or renumbered.
  void on_fault(std::uint64_t last_touched);

  struct Pick {
    std::uint64_t position = 0;  // the point (before a snapshot lead or lag)
    bool planned = false;        // false: no point was pending (last point + after_fault)
    std::uint64_t ordinal = 0;   // 1 for the symbol's first snapshot
  };
  // The point the next snapshot shows; consumes it.
  Pick next_snapshot();

  // With hold: the stream must not deliver the message at this index (0-based) or later.
  std::optional<std::uint64_t> hold_index() const;
  // Whether that hold is the grace after a served point (else: waiting for a request).
  bool in_grace() const noexcept { return grace_.has_value(); }
  // The grace after a served point is over.
  void end_grace() noexcept { grace_.reset(); }
  // The server stopped waiting at the pending point: it is dropped. Returns it.
  std::optional<std::uint64_t> give_up();

  // The symbol's first planned point (for `after_snapshot` fault triggers), once planned.
  std::optional<std::uint64_t> first_point() const noexcept { return first_point_; }
  // The lowest position a future snapshot can show (history below it may be forgotten).
  std::uint64_t lowest_needed() const;
  const SnapshotPlanConfig& config() const noexcept { return config_; }

 private:
  SnapshotPlanConfig config_;
  std::deque<std::uint64_t> pending_;
  std::optional<std::uint64_t> first_point_;
  std::uint64_t last_point_ = 0;
  std::uint64_t floor_ = 0;             // the point of the newest subscription that planned one
  std::optional<std::uint64_t> grace_;  // a served point the stream still holds at
  std::uint64_t served_ = 0;
};

}  // namespace kucoin::mock
