// KuCoin's level2 synchronisation rules as a pure state machine (no I/O, no clock).
//
//   awaiting_snapshot --on_snapshot (buffer replays cleanly)--> synced
//   synced --gap / sequence reset / crossed book--> awaiting_snapshot (message kept in the buffer)
//
// While awaiting a snapshot every update is buffered (bounded). A snapshot drops buffered messages
// with sequenceEnd <= snapshot.sequence, applies only the changes with a sequence above it in the
// message that straddles it, then requires each message to continue the book:
// sequenceStart <= last + 1 and sequenceEnd > last (overlap is allowed: already-applied changes
// are skipped). Anything else is a gap: the caller fetches a new snapshot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "kucoin/book/l2_book.hpp"
#include "kucoin/protocol/l2_messages.hpp"

namespace kucoin {

enum class SyncState : std::uint8_t { awaiting_snapshot, synced };

enum class ResyncReason : std::uint8_t {
  none,
  gap,              // sequenceStart jumped past last + 1
  sequence_reset,   // a long run of messages entirely behind the book (the feed restarted lower)
  crossed_book,     // best bid >= best ask after applying a message or loading a snapshot
  snapshot_behind,  // the snapshot is older than the first buffered message that follows it
  requested,        // the caller asked (reconnect, token expiry, ...)
  unrepresentable,  // a price cannot share one exact int64 scale with the rest of the book
};
std::string_view to_string(SyncState s) noexcept;
std::string_view to_string(ResyncReason r) noexcept;

struct SyncConfig {
  // Updates kept while awaiting a snapshot; beyond it the oldest are dropped and reported.
  std::size_t max_buffered_messages = 100'000;
  // Check best bid < best ask after every applied message and resync when violated.
  bool resync_on_crossed = true;
  // A feed that went backwards (a message older than the one before it on the wire) and then
  // delivers this many consecutive messages entirely behind the book has restarted with lower
  // sequences. Catching up on old messages after a snapshot that was ahead of the socket never
  // counts (those messages do not go backwards). 0 disables the check.
  std::size_t stale_run_for_reset = 1'000;
  // A message whose sequenceEnd is more than this below the previous message's on the wire is
  // a sequence reset at once (the feed restarted lower; duplicates and late messages step back
  // only a few sequences). While buffering, it drops what was buffered from the old sequences,
  // and a snapshot that arrives afterwards more than this ahead of the wire was taken before the
  // reset: it is refused (need_snapshot, sequence_reset) instead of leaving a book that every
  // later message would be stale for. 0 disables.
  std::int64_t reset_distance = 10'000;
};

struct SyncStats {
  std::uint64_t updates = 0;           // on_update calls
  std::uint64_t applied_messages = 0;  // messages that advanced the book (live or replayed)
  std::uint64_t applied_changes = 0;   // changes applied to the book (price-0 rows included)
  std::uint64_t skipped_changes = 0;   // changes at or below the book's sequence (straddle/overlap)
  std::uint64_t stale_messages = 0;    // dropped whole: sequenceEnd <= book sequence
  std::uint64_t buffered_dropped = 0;  // lost to the buffer bound
  std::uint64_t snapshots = 0;         // on_snapshot calls
  std::uint64_t resyncs = 0;           // transitions synced -> awaiting_snapshot
  std::uint64_t gaps = 0;
};

enum class UpdateStatus : std::uint8_t {
  applied,        // synced: the book advanced
  buffered,       // awaiting a snapshot: kept for replay
  stale,          // entirely at or below the book's sequence (duplicate/old): ignored
  need_snapshot,  // the book is no longer trustworthy: fetch a snapshot (message kept)
};
std::string_view to_string(UpdateStatus s) noexcept;

struct UpdateResult {
  UpdateStatus status = UpdateStatus::applied;
  ResyncReason reason = ResyncReason::none;  // for need_snapshot
  std::int64_t expected = 0;                 // gap: the sequence that was due (last + 1)
  std::int64_t got = 0;                      // gap: the sequenceStart that arrived
  std::size_t changes_applied = 0;
  bool buffer_overflow = false;  // the buffer was full: its oldest message was dropped
  Price unrepresentable;         // unrepresentable: the price the book could not hold

  std::string describe() const;
};

enum class SnapshotStatus : std::uint8_t {
  synced,         // the book is live at `sequence`
  need_snapshot,  // this snapshot cannot be used (see reason); fetch another
};

struct SnapshotResult {
  SnapshotStatus status = SnapshotStatus::synced;
  ResyncReason reason = ResyncReason::none;
  std::int64_t sequence = 0;  // the book's sequence afterwards
  std::size_t replayed = 0;   // buffered messages applied on top of the snapshot
  std::size_t dropped = 0;    // buffered messages the snapshot already covered
  std::int64_t expected = 0;  // need_snapshot: the sequence that was due
  std::int64_t got = 0;       // need_snapshot: what the buffer had instead
  Price unrepresentable;      // unrepresentable: the price the book could not hold

  std::string describe() const;
};

class L2Synchronizer {
 public:
  explicit L2Synchronizer(SyncConfig config = {});

  UpdateResult on_update(const L2Update& update);
  UpdateResult on_update(L2Update&& update);
  SnapshotResult on_snapshot(const L2Snapshot& snapshot);
  // Forget the book's sync (e.g. after a reconnect); keeps buffering. Counts as a resync.
  void request_resync();
  // Back to the initial state: empty book and buffer, stats kept.
  void reset();
  // Memory bound: drops the deepest levels beyond `max_levels` on each side. Returns how many.
  std::size_t truncate_book(std::size_t max_levels);

  SyncState state() const noexcept { return state_; }
  bool synced() const noexcept { return state_ == SyncState::synced; }
  std::int64_t sequence() const noexcept { return last_; }  // valid when synced
  const L2Book& book() const noexcept { return book_; }
  const SyncStats& stats() const noexcept { return stats_; }
  std::size_t buffered() const noexcept { return buffer_.size(); }
  ResyncReason last_resync_reason() const noexcept { return last_reason_; }
  const SyncConfig& config() const noexcept { return config_; }

 private:
  template <class U>
  UpdateResult handle(U&& update);
  template <class U>
  bool push_buffer(U&& update);  // true when the oldest message was dropped
  // Applies the changes above the book's sequence; false when a price cannot be held (`bad`).
  bool apply_message(const L2Update& u, std::size_t& applied, Price& bad);
  void invalidate(ResyncReason reason);

  SyncConfig config_;
  SyncState state_ = SyncState::awaiting_snapshot;
  std::int64_t last_ = 0;
  std::size_t stale_run_ = 0;          // consecutive stale messages since the stream went backwards
  bool went_backwards_ = false;        // the current stale run began with a step back on the wire
  std::int64_t wire_last_end_ = -1;    // sequenceEnd of the previous message received (any state)
  bool reset_while_awaiting_ = false;  // a far step back on the wire since the book last synced
  ResyncReason last_reason_ = ResyncReason::none;
  L2Book book_;
  std::deque<L2Update> buffer_;
  SyncStats stats_;
};

}  // namespace kucoin
