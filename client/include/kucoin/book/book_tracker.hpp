// BookTracker: the pure heart of the market-data client. It keeps one exact level2 book per
// symbol through subscriptions, snapshots, gaps and lost connections, and says what to do next.
// No I/O and no clock: the caller feeds it decoded messages, snapshot results, connection events
// and the current time, and carries out the snapshot fetches it asks for (with the delay it gives).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/book/l2_synchronizer.hpp"
#include "kucoin/core/backoff.hpp"
#include "kucoin/core/error.hpp"

namespace kucoin {

using Millis = std::chrono::milliseconds;

// Why a book is being rebuilt (what a user sees in a `resyncing` event).
enum class BookCause : std::uint8_t {
  subscribed,       // first sync after a subscription
  gap,              // a sequence gap in the stream
  sequence_reset,   // the feed restarted with lower sequences
  crossed_book,     // best bid >= best ask
  snapshot_behind,  // the snapshot was older than the buffered stream: fetching another
  reconnect,        // the connection dropped; the book resyncs after resubscribing
  token_expired,    // the server ended the session (401 token is expired)
  ping_timeout,     // no pong in time: the connection was declared dead
  buffer_overflow,  // too many deltas while waiting for a snapshot
  requested,        // the application asked (resume after pause, ...)
  unrepresentable,  // a value no exact decimal holds (> 18 significant digits): the book stops
};
std::string_view to_string(BookCause c) noexcept;

enum class BookStatus : std::uint8_t {
  unsubscribed,  // waiting for the subscription to be live
  syncing,       // buffering deltas; a snapshot is due or in flight
  synced,        // the book is exact (see exact_depth)
  failed,        // stopped on data it cannot hold exactly (an error event said why); no resync
                 // until request_resync() or a new subscription
};
std::string_view to_string(BookStatus s) noexcept;

// Which book of a symbol: the full level2 book (/market/level2, kept exact from snapshots and
// deltas) or a top of book (/spotMarket/level2Depth5|50, each message a whole top N).
enum class BookKind : std::uint8_t { full, depth5, depth50 };
std::string_view to_string(BookKind k) noexcept;  // "full", "depth5", "depth50"
constexpr std::size_t depth_of(BookKind k) noexcept { return k == BookKind::full ? 0 : k == BookKind::depth5 ? 5 : 50; }

// A book: a symbol and its kind. A symbol alone names its full book.
struct BookKey {
  std::string_view symbol;
  BookKind kind = BookKind::full;

  constexpr BookKey(std::string_view s, BookKind k = BookKind::full) noexcept : symbol(s), kind(k) {}
  BookKey(const std::string& s, BookKind k = BookKind::full) noexcept : symbol(s), kind(k) {}
  constexpr BookKey(const char* s, BookKind k = BookKind::full) noexcept : symbol(s), kind(k) {}
  bool operator==(const BookKey&) const = default;
};

// The book's name for people and in `kucoin-harness watch --dump`: "BTC-USDT" for a full book,
// "BTC-USDT@depth5" / "BTC-USDT@depth50" for a top of book. Only ever written, never parsed.
std::string key_text(BookKey key);

struct BookEvent {
  enum class Kind : std::uint8_t {
    updated,    // the book advanced: `changes` were applied up to `sequence`
    synced,     // the book is exact again at `sequence`
    resyncing,  // the book is being rebuilt (`cause`, `detail`)
    stale,      // no update for stale_after while subscribed
    error,      // something failed (`error`); the tracker retries by itself where it can
  } kind = Kind::updated;
  std::string_view symbol;              // empty for an error of the client itself (not of one book)
  BookKind book_kind = BookKind::full;  // which book of the symbol
  std::int64_t sequence = 0;
  // synced: the sequence of the snapshot the book was rebuilt from (`sequence` is where the
  // replay of the buffered messages after it ended, which depends on how many had arrived)
  std::int64_t snapshot_sequence = 0;
  BookCause cause = BookCause::subscribed;
  std::string detail;                 // for people: what happened, with sequences
  std::span<const L2Change> changes;  // updated: the changes applied (price-0 rows excluded)
  const Error* error = nullptr;       // error
};
std::string_view to_string(BookEvent::Kind k) noexcept;

struct BookTrackerConfig {
  SyncConfig sync;  // resync buffer bound, crossed-book check, reset detection
  // Snapshots with fewer levels than this (level2_100 when no credentials) make the book exact
  // only in its top `snapshot_depth` levels; 0 means the snapshot is the full book.
  std::size_t snapshot_depth = 0;
  std::size_t max_levels_per_side = 200'000;  // memory bound per book; deeper levels are dropped
  Millis stale_after{30'000};                 // 0 disables stale detection
  BackoffConfig snapshot_retry{Millis{200}, 2.0, Millis{10'000}, Jitter::equal};
  // For the retry jitter. MarketDataClient draws a random one per process when unset, so that a
  // fleet of clients does not retry its snapshots in step; the tracker itself uses 1 then.
  std::optional<std::uint64_t> seed;
};

// Read-only view of one book.
struct BookView {
  std::string_view symbol;
  BookKind book_kind = BookKind::full;
  BookStatus status = BookStatus::unsubscribed;
  std::int64_t sequence = 0;
  const L2Book* book = nullptr;
  std::size_t exact_depth = 0;  // levels per side guaranteed exact; SIZE_MAX: all
  std::uint64_t resyncs = 0;
  std::int64_t last_update_ms = 0;
};

class BookTracker {
 public:
  // fetch_snapshot(symbol, delay): the caller must fetch a snapshot of `symbol` after `delay`
  // and hand the result to on_snapshot(). At most one fetch per symbol is asked for at a time.
  using FetchSnapshot = std::function<void(std::string_view symbol, Millis delay)>;
  using EventSink = std::function<void(const BookEvent&)>;

  BookTracker(BookTrackerConfig config, FetchSnapshot fetch, EventSink events);
  ~BookTracker();
  BookTracker(const BookTracker&) = delete;
  BookTracker& operator=(const BookTracker&) = delete;

  // A full book follows deltas from REST snapshots; a depth book (level2Depth5/50) takes whole
  // tops of book (on_depth_snapshot) and never asks for a REST snapshot.
  void add_book(BookKey key);
  void remove_book(BookKey key);

  // The subscription of the book is live (ack received) on a (new) connection.
  void on_subscribed(BookKey key, std::int64_t now_ms);
  // The connection carrying the book went down; its messages stop until on_subscribed again.
  void on_lost(BookKey key, BookCause cause, std::string_view detail);
  // A decoded `/market/level2` delta (for the full book of update.symbol).
  void on_update(const L2Update& update, std::int64_t now_ms);
  // The result of a fetch the tracker asked for (full books only).
  void on_snapshot(std::string_view symbol, const L2Snapshot& snapshot, std::int64_t now_ms);
  void on_snapshot_error(std::string_view symbol, const Error& error, std::int64_t now_ms);
  // A whole-book message (level2Depth5/50): replaces the book.
  void on_depth_snapshot(BookKey key, const L2Snapshot& top, std::int64_t now_ms);
  // Time passes: stale detection.
  void tick(std::int64_t now_ms);
  // Rebuild a book (or every book when key.symbol is empty) from a fresh snapshot, keeping the
  // subscription. A failed book starts again.
  // `detail` says why in the resyncing event (default: "resync requested (<cause>)").
  void request_resync(BookKey key, BookCause cause, std::string_view detail = {});
  // The book met a value it cannot hold exactly (a delta or snapshot that does not decode for
  // that reason): it stops, with one error event, instead of resyncing in a loop.
  void fail(BookKey key, const Error& error);

  std::optional<BookView> view(BookKey key) const;
  std::vector<std::pair<std::string, BookKind>> books() const;

 private:
  struct Entry;
  using Key = std::pair<std::string, BookKind>;
  struct KeyLess {
    using is_transparent = void;
    static std::pair<std::string_view, BookKind> v(const Key& k) noexcept { return {k.first, k.second}; }
    static std::pair<std::string_view, BookKind> v(const BookKey& k) noexcept { return {k.symbol, k.kind}; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept {
      return v(a) < v(b);
    }
  };
  Entry* find(BookKey key);
  const Entry* find(BookKey key) const;
  void start_resync(Entry& e, BookCause cause, std::string detail);
  void fail(Entry& e, const Error& error);
  void ask_snapshot(Entry& e, Millis delay);
  void emit(BookEvent::Kind kind, const Entry& e, BookCause cause = BookCause::subscribed, std::string detail = {},
            std::span<const L2Change> changes = {}, const Error* error = nullptr);
  void enforce_bound(Entry& e);

  BookTrackerConfig config_;
  FetchSnapshot fetch_;
  EventSink events_;
  std::map<Key, std::unique_ptr<Entry>, KeyLess> entries_;
  // The book find() returned last, and its key in entries_ (a stream of one symbol's updates asks
  // for the same book every message: a string compare instead of the map's walk). Reset when a
  // book is removed.
  const Key* last_key_ = nullptr;
  Entry* last_entry_ = nullptr;
  std::vector<L2Change> changed_;  // scratch for updated events
  std::uint64_t seed_counter_ = 0;
};

}  // namespace kucoin
