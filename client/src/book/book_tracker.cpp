#include "kucoin/book/book_tracker.hpp"

#include <limits>

namespace kucoin {

std::string_view to_string(BookCause c) noexcept {
  switch (c) {
    case BookCause::subscribed: return "subscribed";
    case BookCause::gap: return "gap";
    case BookCause::sequence_reset: return "sequence_reset";
    case BookCause::crossed_book: return "crossed_book";
    case BookCause::snapshot_behind: return "snapshot_behind";
    case BookCause::reconnect: return "reconnect";
    case BookCause::token_expired: return "token_expired";
    case BookCause::ping_timeout: return "ping_timeout";
    case BookCause::buffer_overflow: return "buffer_overflow";
    case BookCause::requested: return "requested";
    case BookCause::unrepresentable: return "unrepresentable";
  }
  return "unknown";
}

std::string_view to_string(BookStatus s) noexcept {
  switch (s) {
    case BookStatus::unsubscribed: return "unsubscribed";
    case BookStatus::syncing: return "syncing";
    case BookStatus::synced: return "synced";
    case BookStatus::failed: return "failed";
  }
  return "unknown";
}

std::string_view to_string(BookKind k) noexcept {
  switch (k) {
    case BookKind::full: return "full";
    case BookKind::depth5: return "depth5";
    case BookKind::depth50: return "depth50";
  }
  return "unknown";
}

std::string key_text(BookKey key) {
  std::string out(key.symbol);
  if (key.kind != BookKind::full) {
    out += '@';
    out += to_string(key.kind);
  }
  return out;
}

std::string_view to_string(BookEvent::Kind k) noexcept {
  switch (k) {
    case BookEvent::Kind::updated: return "updated";
    case BookEvent::Kind::synced: return "synced";
    case BookEvent::Kind::resyncing: return "resyncing";
    case BookEvent::Kind::stale: return "stale";
    case BookEvent::Kind::error: return "error";
  }
  return "unknown";
}

namespace {

BookCause cause_of(ResyncReason r) {
  switch (r) {
    case ResyncReason::gap: return BookCause::gap;
    case ResyncReason::sequence_reset: return BookCause::sequence_reset;
    case ResyncReason::crossed_book: return BookCause::crossed_book;
    case ResyncReason::snapshot_behind: return BookCause::snapshot_behind;
    case ResyncReason::requested: return BookCause::requested;
    case ResyncReason::unrepresentable: return BookCause::unrepresentable;
    case ResyncReason::none: break;
  }
  return BookCause::requested;
}

constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();

}  // namespace

struct BookTracker::Entry {
  Entry(BookKey key, const BookTrackerConfig& c, std::uint64_t seed)
      : symbol(key.symbol),
        kind(key.kind),
        name(key_text(key)),
        top_of_book(key.kind != BookKind::full),
        sync(c.sync),
        retry(c.snapshot_retry, Rng(seed)) {}
  std::string symbol;
  BookKind kind;
  std::string name;  // key_text(): in event texts
  bool top_of_book;  // a level2Depth book: whole tops of book, no REST snapshots
  L2Synchronizer sync;
  Backoff retry;
  BookStatus status = BookStatus::unsubscribed;
  bool subscribed = false;
  bool fetch_in_flight = false;
  bool stale_reported = false;
  bool overflow_reported = false;
  bool ever_synced = false;
  std::int64_t snapshot_sequence = 0;               // of the snapshot the book last synced from
  BookCause pending_cause = BookCause::subscribed;  // why the next sync happens
  std::int64_t last_update_ms = 0;
  std::uint64_t resyncs = 0;
  // Partial snapshots: the book is exact only for prices at least as good as these bounds.
  std::optional<Price> exact_bid_bound;
  std::optional<Price> exact_ask_bound;
  std::size_t truncated_to = kAll;
};

BookTracker::BookTracker(BookTrackerConfig config, FetchSnapshot fetch, EventSink events)
    : config_(std::move(config)), fetch_(std::move(fetch)), events_(std::move(events)) {}

BookTracker::~BookTracker() = default;

BookTracker::Entry* BookTracker::find(BookKey key) {
  if (last_entry_ != nullptr && last_key_->second == key.kind && last_key_->first == key.symbol) return last_entry_;
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  last_key_ = &it->first;
  last_entry_ = it->second.get();
  return last_entry_;
}

const BookTracker::Entry* BookTracker::find(BookKey key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : it->second.get();
}

void BookTracker::add_book(BookKey key) {
  if (find(key) != nullptr) return;
  const std::uint64_t seed = config_.seed.value_or(1) * 0x9e3779b97f4a7c15ULL + ++seed_counter_;
  entries_.emplace(Key(std::string(key.symbol), key.kind), std::make_unique<Entry>(key, config_, seed));
}

void BookTracker::remove_book(BookKey key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  if (it->second.get() == last_entry_) {
    last_key_ = nullptr;
    last_entry_ = nullptr;
  }
  entries_.erase(it);
}

std::vector<std::pair<std::string, BookKind>> BookTracker::books() const {
  std::vector<std::pair<std::string, BookKind>> out;
  for (const auto& [key, e] : entries_) out.push_back(key);
  return out;
}

void BookTracker::emit(BookEvent::Kind kind, const Entry& e, BookCause cause, std::string detail,
                       std::span<const L2Change> changes, const Error* error) {
  if (!events_) return;
  BookEvent ev;
  ev.kind = kind;
  ev.symbol = e.symbol;
  ev.book_kind = e.kind;
  ev.sequence = e.sync.sequence();
  if (kind == BookEvent::Kind::synced) ev.snapshot_sequence = e.snapshot_sequence;
  ev.cause = cause;
  ev.detail = std::move(detail);
  ev.changes = changes;
  ev.error = error;
  events_(ev);
}

void BookTracker::ask_snapshot(Entry& e, Millis delay) {
  if (e.fetch_in_flight || !e.subscribed || e.top_of_book) return;
  e.fetch_in_flight = true;
  if (fetch_) fetch_(e.symbol, delay);
}

void BookTracker::start_resync(Entry& e, BookCause cause, std::string detail) {
  if (e.status == BookStatus::synced) ++e.resyncs;
  e.status = e.subscribed ? BookStatus::syncing : BookStatus::unsubscribed;
  e.stale_reported = false;
  emit(BookEvent::Kind::resyncing, e, cause, std::move(detail));
}

void BookTracker::on_subscribed(BookKey key, std::int64_t now_ms) {
  Entry* e = find(key);
  if (e == nullptr) return;
  e->subscribed = true;
  e->sync.reset();  // deltas of an earlier connection are of no use now
  e->last_update_ms = now_ms;
  e->overflow_reported = false;
  if (e->status == BookStatus::failed) return;  // stays stopped across reconnects
  const BookCause cause = e->ever_synced ? e->pending_cause : BookCause::subscribed;
  if (e->top_of_book) {
    start_resync(*e, cause,
                 e->ever_synced ? "subscription live again; waiting for the next top-of-book message"
                                : "subscription live; waiting for the first top-of-book message");
    return;
  }
  start_resync(
      *e, cause,
      e->ever_synced ? "subscription live again; fetching a snapshot" : "subscription live; fetching a snapshot");
  ask_snapshot(*e, Millis{0});
}

void BookTracker::on_lost(BookKey key, BookCause cause, std::string_view detail) {
  Entry* e = find(key);
  if (e == nullptr || !e->subscribed) return;
  e->subscribed = false;
  e->pending_cause = cause;
  if (e->status == BookStatus::failed) return;
  e->sync.request_resync();
  start_resync(*e, cause, std::string(detail));
}

void BookTracker::enforce_bound(Entry& e) {
  if (config_.max_levels_per_side == 0) return;
  if (e.sync.book().depth(Side::bid) <= config_.max_levels_per_side &&
      e.sync.book().depth(Side::ask) <= config_.max_levels_per_side) {
    return;
  }
  const std::size_t dropped = e.sync.truncate_book(config_.max_levels_per_side);
  if (dropped > 0 && e.truncated_to == kAll) {
    e.truncated_to = config_.max_levels_per_side;
    Error err{Errc::buffer_overflow, "book of " + e.name + " exceeded " + std::to_string(config_.max_levels_per_side) +
                                         " levels a side; the deepest levels are dropped and not tracked"};
    emit(BookEvent::Kind::error, e, BookCause::buffer_overflow, err.message, {}, &err);
  }
}

void BookTracker::on_update(const L2Update& u, std::int64_t now_ms) {
  Entry* e = find(BookKey(u.symbol));
  if (e == nullptr || !e->subscribed || e->status == BookStatus::failed) return;
  const std::int64_t before = e->sync.sequence();
  const bool was_synced = e->sync.synced();
  const UpdateResult r = e->sync.on_update(u);
  e->last_update_ms = now_ms;
  switch (r.status) {
    case UpdateStatus::applied: {
      e->stale_reported = false;
      changed_.clear();
      for (const L2Change& c : u.changes) {
        if (c.price.raw != 0 && (!was_synced || c.sequence > before)) changed_.push_back(c);
      }
      enforce_bound(*e);
      emit(BookEvent::Kind::updated, *e, BookCause::subscribed, {}, changed_);
      break;
    }
    case UpdateStatus::buffered:
      if (r.buffer_overflow && !e->overflow_reported) {
        e->overflow_reported = true;
        Error err{Errc::buffer_overflow, "resync buffer of " + e->name + " is full (" +
                                             std::to_string(config_.sync.max_buffered_messages) +
                                             " messages): dropping the oldest while waiting for a snapshot"};
        emit(BookEvent::Kind::error, *e, BookCause::buffer_overflow, err.message, {}, &err);
      }
      break;
    case UpdateStatus::stale: break;
    case UpdateStatus::need_snapshot:
      if (r.reason == ResyncReason::unrepresentable) {
        fail(*e, Error{Errc::out_of_range, "book of " + e->name + ": " + r.describe()});
        break;
      }
      start_resync(*e, cause_of(r.reason), r.describe());
      ask_snapshot(*e, Millis{0});
      break;
  }
}

void BookTracker::on_snapshot(std::string_view symbol, const L2Snapshot& snapshot, std::int64_t now_ms) {
  Entry* e = find(symbol);
  if (e == nullptr) return;
  e->fetch_in_flight = false;
  if (!e->subscribed || e->status == BookStatus::failed) return;  // the stream is gone; on_subscribed asks again
  const SnapshotResult r = e->sync.on_snapshot(snapshot);
  if (r.status == SnapshotStatus::synced) {
    e->retry.reset();
    e->status = BookStatus::synced;
    e->ever_synced = true;
    e->snapshot_sequence = snapshot.sequence;
    e->stale_reported = false;
    e->last_update_ms = now_ms;
    e->truncated_to = kAll;
    e->exact_bid_bound.reset();
    e->exact_ask_bound.reset();
    if (config_.snapshot_depth != 0) {
      if (snapshot.bids.size() >= config_.snapshot_depth) e->exact_bid_bound = snapshot.bids.back().price;
      if (snapshot.asks.size() >= config_.snapshot_depth) e->exact_ask_bound = snapshot.asks.back().price;
    }
    enforce_bound(*e);
    std::string detail = r.describe();
    if (e->exact_bid_bound || e->exact_ask_bound) {
      detail += "; exact only within the snapshot's top " + std::to_string(config_.snapshot_depth) +
                " levels (a partial snapshot: give credentials for the full book)";
    }
    emit(BookEvent::Kind::synced, *e, BookCause::subscribed, std::move(detail));
    return;
  }
  if (r.reason == ResyncReason::unrepresentable) {
    fail(*e, Error{Errc::out_of_range, "snapshot of " + e->name + ": " + r.describe()});
    return;
  }
  start_resync(*e, cause_of(r.reason), r.describe());
  ask_snapshot(*e, e->retry.next());
}

void BookTracker::on_snapshot_error(std::string_view symbol, const Error& error, std::int64_t /*now_ms*/) {
  Entry* e = find(symbol);
  if (e == nullptr) return;
  e->fetch_in_flight = false;
  if (e->status == BookStatus::failed) return;
  if (is_unrepresentable_number(error.code)) {
    fail(*e, Error{error.code, "snapshot of " + e->name + " failed: " + error.message});
    return;
  }
  const Millis delay = e->retry.next();
  emit(BookEvent::Kind::error, *e, BookCause::subscribed,
       "snapshot of " + e->name + " failed: " + error.describe() + "; retrying in " + std::to_string(delay.count()) +
           " ms",
       {}, &error);
  if (e->subscribed) ask_snapshot(*e, delay);
}

void BookTracker::on_depth_snapshot(BookKey key, const L2Snapshot& top, std::int64_t now_ms) {
  Entry* e = find(key);
  if (e == nullptr || !e->subscribed || e->status == BookStatus::failed) return;
  e->sync.reset();
  const SnapshotResult r = e->sync.on_snapshot(top);
  e->last_update_ms = now_ms;
  e->stale_reported = false;
  if (r.reason == ResyncReason::unrepresentable) {
    fail(*e, Error{Errc::out_of_range, "top of book of " + e->name + ": " + r.describe()});
    return;
  }
  if (r.status != SnapshotStatus::synced) {
    start_resync(*e, cause_of(r.reason), r.describe());
    return;
  }
  const bool first = e->status != BookStatus::synced;
  e->status = BookStatus::synced;
  e->ever_synced = true;
  e->exact_bid_bound = top.bids.empty() ? std::nullopt : std::optional<Price>(top.bids.back().price);
  e->exact_ask_bound = top.asks.empty() ? std::nullopt : std::optional<Price>(top.asks.back().price);
  emit(first ? BookEvent::Kind::synced : BookEvent::Kind::updated, *e);
}

void BookTracker::tick(std::int64_t now_ms) {
  if (config_.stale_after.count() <= 0) return;
  for (auto& [key, e] : entries_) {
    if (e->subscribed && e->status == BookStatus::synced && !e->stale_reported &&
        now_ms - e->last_update_ms >= config_.stale_after.count()) {
      e->stale_reported = true;
      emit(BookEvent::Kind::stale, *e, BookCause::subscribed,
           "no update of " + e->name + " for " + std::to_string(now_ms - e->last_update_ms) +
               " ms while its connection is alive");
    }
  }
}

void BookTracker::fail(BookKey key, const Error& error) {
  if (Entry* e = find(key)) fail(*e, error);
}

void BookTracker::fail(Entry& e, const Error& error) {
  if (e.status == BookStatus::failed) return;
  if (e.status == BookStatus::synced) ++e.resyncs;
  e.status = BookStatus::failed;
  e.sync.reset();
  emit(BookEvent::Kind::error, e, BookCause::unrepresentable,
       error.describe() + "; the book of " + e.name +
           " stops (no resync loop on data it cannot hold exactly) until a resync is requested",
       {}, &error);
}

void BookTracker::request_resync(BookKey key, BookCause cause, std::string_view detail) {
  const std::string why =
      detail.empty() ? "resync requested (" + std::string(to_string(cause)) + ")" : std::string(detail);
  auto one = [&](Entry& e) {
    if (e.status == BookStatus::failed) e.status = e.subscribed ? BookStatus::syncing : BookStatus::unsubscribed;
    e.sync.request_resync();
    start_resync(e, cause, why);
    ask_snapshot(e, Millis{0});
  };
  if (key.symbol.empty()) {
    for (auto& [k, e] : entries_) one(*e);
  } else if (Entry* e = find(key)) {
    one(*e);
  }
}

std::optional<BookView> BookTracker::view(BookKey key) const {
  const Entry* e = find(key);
  if (e == nullptr) return std::nullopt;
  BookView v;
  v.symbol = e->symbol;
  v.book_kind = e->kind;
  v.status = e->status;
  v.sequence = e->sync.sequence();
  v.book = &e->sync.book();
  v.resyncs = e->resyncs;
  v.last_update_ms = e->last_update_ms;
  std::size_t exact = kAll;
  if (e->exact_bid_bound) exact = std::min(exact, v.book->count_at_or_better(Side::bid, *e->exact_bid_bound));
  if (e->exact_ask_bound) exact = std::min(exact, v.book->count_at_or_better(Side::ask, *e->exact_ask_bound));
  exact = std::min(exact, e->truncated_to);
  v.exact_depth = e->status == BookStatus::synced ? exact : 0;
  return v;
}

}  // namespace kucoin
