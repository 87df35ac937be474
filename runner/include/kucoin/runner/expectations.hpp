// Expectations about the whole run, not only its end (scenarios/README.md, "Expectations"): the
// books never crossed at any update, equal to the truth at checkpoints, recovered within N ms or
// N messages after each fault, at most N bullet requests, tokens refreshed before they expired.
// Pure: the runner (live_books.cpp) feeds the client's book events with the time since the run
// started and the market positions it looked up; the monitor keeps what it needs and says which
// expectation broke, with what was expected and what happened. No clock, no socket.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/book/book_tracker.hpp"

namespace kucoin::runner {

// A point of a symbol's stream where the client's book must equal the mock's truth: the first
// synced book state at or past it (an update or a resync's end) is compared, every level of both
// sides, with the truth at that state's sequence.
struct Checkpoint {
  enum class At : std::uint8_t {
    sequence,  // the book's sequence reached `value`
    message,   // the book reached the symbol's `value`th message (1-based, every message the market produced)
  } at = At::sequence;
  std::int64_t value = 0;
  std::string symbol;  // empty: every symbol of the run
};

struct RunExpectations {
  // Every synced book state (each update, each resync's end) is checked: best bid < best ask. A
  // resync the client started because it found its own book crossed counts as crossed too.
  bool never_crossed = true;
  std::vector<Checkpoint> checkpoints;
  // Each resync of a synced book (a `resyncing` event of any cause but the first subscription)
  // ends with `synced` within this many ms, and within this many messages of the symbol's stream
  // (the market position of the snapshot it synced from minus the position of the book's sequence
  // at `resyncing`: the buffered messages replayed after the snapshot depend on timing, that
  // position does not).
  std::optional<std::int64_t> recovery_ms;
  std::optional<std::uint64_t> recovery_messages;
  std::optional<std::uint64_t> min_bullet_requests, max_bullet_requests;  // bullet-public + bullet-private
  // No session's token expired (the mock never sent 401 "token is expired") and the client
  // handed at least one connection over to a fresh token.
  bool token_refreshed = false;
  // The client's REST clock resyncs (GET /api/v1/timestamp after a 400002), exact or a range.
  std::optional<std::uint64_t> min_clock_resyncs, max_clock_resyncs;

  // Whether the runner must look up market positions (keep the market's history).
  bool needs_positions() const noexcept { return !checkpoints.empty() || recovery_messages.has_value(); }
};

// What the run counted outside the book events (checked by finish()).
struct RunCounts {
  std::uint64_t bullet_requests = 0;
  std::uint64_t tokens_expired = 0;        // sessions the mock ended with 401 "token is expired"
  std::uint64_t rotations = 0;             // connections handed over to a fresh token
  std::uint64_t clock_resyncs = 0;         // the client's REST clock resyncs
  std::uint64_t timestamp_rejections = 0;  // requests the mock answered 400002 (KC-API-TIMESTAMP out of the window)
};

class ExpectationMonitor {
 public:
  explicit ExpectationMonitor(RunExpectations e) : e_(std::move(e)) {}

  const RunExpectations& expectations() const noexcept { return e_; }

  // A synced book state of `symbol` at `sequence` (after an update or a resync) with its best levels.
  void on_book(std::string_view symbol, std::int64_t sequence, const std::optional<L2Level>& best_bid,
               const std::optional<L2Level>& best_ask);
  // The client began to rebuild the book (`cause`) at `now_ms`; `position`: the market's position
  // (messages produced up to the book's state) when known.
  void on_resyncing(std::string_view symbol, BookCause cause, std::int64_t sequence, std::int64_t now_ms,
                    std::optional<std::uint64_t> position);
  // The book is exact again at `now_ms`, rebuilt from a snapshot at `snapshot_sequence`
  // (`position`: that sequence's market position, when known).
  void on_synced(std::string_view symbol, std::int64_t sequence, std::int64_t now_ms,
                 std::optional<std::uint64_t> position);

  // Whether a checkpoint of `symbol` is due at this synced state (sequence and, when known, the
  // market position of that sequence). The runner then compares the book with the truth and
  // calls checkpoint_checked() with the mismatch ("" when equal) for every index returned.
  std::vector<std::size_t> due_checkpoints(std::string_view symbol, std::int64_t sequence,
                                           std::optional<std::uint64_t> position) const;
  void checkpoint_checked(std::size_t index, std::string_view symbol, std::int64_t sequence, std::string mismatch);
  // Whether any checkpoint of `symbol` is still to be reached (the runner looks positions up only then).
  bool checkpoints_pending(std::string_view symbol) const;

  // The first broken expectation at the end of the run ("" when all held). `symbols`: the run's
  // symbols (checkpoints and recoveries still open at the end are failures).
  std::string finish(const std::vector<std::string>& symbols, const RunCounts& counts, std::int64_t end_ms) const;

 private:
  struct Open {
    BookCause cause = BookCause::gap;
    std::int64_t sequence = 0;
    std::int64_t since_ms = 0;
    std::optional<std::uint64_t> position;
  };
  RunExpectations e_;
  std::string first_failure_;  // the first failure seen while the run went on
  std::map<std::string, Open, std::less<>> open_;
  std::map<std::string, bool, std::less<>> synced_once_;
  // Checkpoints done per (index, symbol).
  std::map<std::pair<std::size_t, std::string>, bool> checked_;
  std::uint64_t recoveries_ = 0;
};

}  // namespace kucoin::runner
