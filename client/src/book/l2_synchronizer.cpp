#include "kucoin/book/l2_synchronizer.hpp"

#include <algorithm>

#include "kucoin/core/decimal.hpp"

namespace kucoin {

std::string_view to_string(SyncState s) noexcept { return s == SyncState::synced ? "synced" : "awaiting_snapshot"; }

std::string_view to_string(ResyncReason r) noexcept {
  switch (r) {
    case ResyncReason::none: return "none";
    case ResyncReason::gap: return "gap";
    case ResyncReason::sequence_reset: return "sequence_reset";
    case ResyncReason::crossed_book: return "crossed_book";
    case ResyncReason::snapshot_behind: return "snapshot_behind";
    case ResyncReason::requested: return "requested";
    case ResyncReason::unrepresentable: return "unrepresentable";
  }
  return "unknown";
}

std::string_view to_string(UpdateStatus s) noexcept {
  switch (s) {
    case UpdateStatus::applied: return "applied";
    case UpdateStatus::buffered: return "buffered";
    case UpdateStatus::stale: return "stale";
    case UpdateStatus::need_snapshot: return "need_snapshot";
  }
  return "unknown";
}

std::string UpdateResult::describe() const {
  std::string s{to_string(status)};
  if (status == UpdateStatus::need_snapshot) {
    s += " (";
    s += to_string(reason);
    if (reason == ResyncReason::gap) {
      s += ": expected sequence " + std::to_string(expected) + ", got sequenceStart " + std::to_string(got) + ", " +
           std::to_string(got - expected) + " ahead";
    } else if (reason == ResyncReason::sequence_reset) {
      s += ": the sequence went backwards, expected sequence " + std::to_string(expected) + ", got sequenceStart " +
           std::to_string(got);
    } else if (reason == ResyncReason::unrepresentable) {
      s += ": price " + to_string(unrepresentable) + " cannot share one exact scale with the book's other prices";
    }
    s += ")";
  }
  if (buffer_overflow) s += "; resync buffer full, oldest message dropped";
  return s;
}

std::string SnapshotResult::describe() const {
  if (status == SnapshotStatus::synced) {
    return "synced at sequence " + std::to_string(sequence) + " (" + std::to_string(replayed) +
           " buffered messages replayed, " + std::to_string(dropped) + " already in the snapshot)";
  }
  std::string s = "need another snapshot (";
  s += to_string(reason);
  if (reason == ResyncReason::snapshot_behind || reason == ResyncReason::gap) {
    s += ": the book is at " + std::to_string(expected - 1) + " but the next buffered message starts at " +
         std::to_string(got);
  } else if (reason == ResyncReason::sequence_reset) {
    s += ": the snapshot at " + std::to_string(expected - 1) +
         " was taken before the feed restarted lower; the stream is at " + std::to_string(got);
  } else if (reason == ResyncReason::unrepresentable) {
    s += ": price " + to_string(unrepresentable) + " cannot share one exact scale with the book's other prices";
  }
  s += ")";
  return s;
}

namespace {

// The price of a snapshot with the most significant decimals (what made it unrepresentable).
Price widest_price(const L2Snapshot& s) {
  Price widest;
  int most = -1;
  for (const auto* side : {&s.bids, &s.asks}) {
    for (const L2Level& l : *side) {
      const int d = significant_decimals(l.price.raw, l.price.decimals);
      if (d > most) {
        most = d;
        widest = l.price;
      }
    }
  }
  return widest;
}

}  // namespace

L2Synchronizer::L2Synchronizer(SyncConfig config) : config_(config) {
  if (config_.max_buffered_messages == 0) config_.max_buffered_messages = 1;
}

void L2Synchronizer::invalidate(ResyncReason reason) {
  if (state_ == SyncState::synced) ++stats_.resyncs;
  state_ = SyncState::awaiting_snapshot;
  last_reason_ = reason;
  stale_run_ = 0;
  went_backwards_ = false;
}

void L2Synchronizer::request_resync() { invalidate(ResyncReason::requested); }

void L2Synchronizer::reset() {
  state_ = SyncState::awaiting_snapshot;
  last_ = 0;
  stale_run_ = 0;
  went_backwards_ = false;
  wire_last_end_ = -1;
  reset_while_awaiting_ = false;
  last_reason_ = ResyncReason::none;
  book_.clear();
  buffer_.clear();
}

std::size_t L2Synchronizer::truncate_book(std::size_t max_levels) {
  return book_.truncate(Side::bid, max_levels) + book_.truncate(Side::ask, max_levels);
}

template <class U>
bool L2Synchronizer::push_buffer(U&& update) {
  bool dropped = false;
  if (buffer_.size() >= config_.max_buffered_messages) {
    buffer_.pop_front();
    ++stats_.buffered_dropped;
    dropped = true;
  }
  buffer_.push_back(std::forward<U>(update));
  return dropped;
}

bool L2Synchronizer::apply_message(const L2Update& u, std::size_t& applied, Price& bad) {
  applied = 0;
  for (const L2Change& c : u.changes) {
    if (c.sequence <= last_) {
      ++stats_.skipped_changes;
      continue;
    }
    if (!book_.apply(c)) [[unlikely]] {
      bad = c.price;
      return false;
    }
    ++applied;
  }
  last_ = u.sequence_end;
  ++stats_.applied_messages;
  stats_.applied_changes += applied;
  return true;
}

UpdateResult L2Synchronizer::on_update(const L2Update& update) { return handle(update); }
UpdateResult L2Synchronizer::on_update(L2Update&& update) { return handle(std::move(update)); }

template <class U>
UpdateResult L2Synchronizer::handle(U&& u) {
  ++stats_.updates;
  UpdateResult r;
  const bool backwards = wire_last_end_ >= 0 && u.sequence_end <= wire_last_end_;
  const bool far_back =
      backwards && config_.reset_distance > 0 && wire_last_end_ - u.sequence_end > config_.reset_distance;
  wire_last_end_ = u.sequence_end;
  if (state_ != SyncState::synced) {
    if (far_back) {  // what is buffered belongs to the sequences before the reset
      stats_.buffered_dropped += buffer_.size();
      buffer_.clear();
      last_reason_ = ResyncReason::sequence_reset;
      reset_while_awaiting_ = true;
    }
    r.status = UpdateStatus::buffered;
    r.buffer_overflow = push_buffer(std::forward<U>(u));
    return r;
  }
  if (u.sequence_end <= last_) {
    ++stats_.stale_messages;
    if (backwards) {
      went_backwards_ = true;
      stale_run_ = 0;
    }
    if (far_back ||
        (went_backwards_ && config_.stale_run_for_reset != 0 && ++stale_run_ >= config_.stale_run_for_reset)) {
      r.expected = last_ + 1;
      r.got = u.sequence_start;
      invalidate(ResyncReason::sequence_reset);
      r.status = UpdateStatus::need_snapshot;
      r.reason = ResyncReason::sequence_reset;
      r.buffer_overflow = push_buffer(std::forward<U>(u));
      return r;
    }
    r.status = UpdateStatus::stale;
    return r;
  }
  stale_run_ = 0;
  went_backwards_ = false;
  if (u.sequence_start > last_ + 1) {
    ++stats_.gaps;
    r.status = UpdateStatus::need_snapshot;
    r.reason = ResyncReason::gap;
    r.expected = last_ + 1;
    r.got = u.sequence_start;
    invalidate(ResyncReason::gap);
    r.buffer_overflow = push_buffer(std::forward<U>(u));
    return r;
  }
  if (!apply_message(u, r.changes_applied, r.unrepresentable)) [[unlikely]] {
    invalidate(ResyncReason::unrepresentable);
    r.status = UpdateStatus::need_snapshot;
    r.reason = ResyncReason::unrepresentable;
    return r;
  }
  if (config_.resync_on_crossed && book_.crossed_or_locked()) {
    invalidate(ResyncReason::crossed_book);
    r.status = UpdateStatus::need_snapshot;
    r.reason = ResyncReason::crossed_book;
    return r;
  }
  r.status = UpdateStatus::applied;
  return r;
}

SnapshotResult L2Synchronizer::on_snapshot(const L2Snapshot& snapshot) {
  ++stats_.snapshots;
  SnapshotResult r;
  if (reset_while_awaiting_ && snapshot.sequence - wire_last_end_ > config_.reset_distance) {
    // Taken before the feed restarted lower: every message from now on would be stale for it.
    state_ = SyncState::awaiting_snapshot;
    last_reason_ = ResyncReason::sequence_reset;
    r.status = SnapshotStatus::need_snapshot;
    r.reason = ResyncReason::sequence_reset;
    r.expected = snapshot.sequence + 1;
    r.got = wire_last_end_;
    r.sequence = snapshot.sequence;
    return r;
  }
  if (!book_.load(snapshot)) {
    invalidate(ResyncReason::unrepresentable);
    r.status = SnapshotStatus::need_snapshot;
    r.reason = ResyncReason::unrepresentable;
    r.unrepresentable = widest_price(snapshot);
    return r;
  }
  last_ = snapshot.sequence;
  stale_run_ = 0;
  went_backwards_ = false;
  if (config_.resync_on_crossed && book_.crossed_or_locked()) {
    invalidate(ResyncReason::crossed_book);
    r.status = SnapshotStatus::need_snapshot;
    r.reason = ResyncReason::crossed_book;
    r.sequence = last_;
    return r;
  }
  // Messages may have been reordered in flight: replay them in sequence order.
  auto by_start = [](const L2Update& a, const L2Update& b) { return a.sequence_start < b.sequence_start; };
  if (!std::is_sorted(buffer_.begin(), buffer_.end(), by_start)) {
    std::stable_sort(buffer_.begin(), buffer_.end(), by_start);
  }
  std::size_t i = 0;
  for (; i < buffer_.size(); ++i) {
    const L2Update& u = buffer_[i];
    if (u.sequence_end <= last_) {
      ++r.dropped;
      continue;
    }
    if (u.sequence_start > last_ + 1) {
      // Either the snapshot predates what we buffered, or the buffered stream itself has a hole.
      r.status = SnapshotStatus::need_snapshot;
      r.reason = r.replayed == 0 ? ResyncReason::snapshot_behind : ResyncReason::gap;
      if (r.reason == ResyncReason::gap) ++stats_.gaps;
      r.expected = last_ + 1;
      r.got = u.sequence_start;
      r.sequence = last_;
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(i));
      state_ = SyncState::awaiting_snapshot;
      last_reason_ = r.reason;
      return r;
    }
    std::size_t applied = 0;
    if (!apply_message(u, applied, r.unrepresentable)) {
      buffer_.clear();
      invalidate(ResyncReason::unrepresentable);
      r.status = SnapshotStatus::need_snapshot;
      r.reason = ResyncReason::unrepresentable;
      r.sequence = last_;
      return r;
    }
    ++r.replayed;
    if (config_.resync_on_crossed && book_.crossed_or_locked()) {
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(i + 1));
      state_ = SyncState::awaiting_snapshot;
      last_reason_ = ResyncReason::crossed_book;
      r.status = SnapshotStatus::need_snapshot;
      r.reason = ResyncReason::crossed_book;
      r.sequence = last_;
      return r;
    }
  }
  stats_.stale_messages += r.dropped;
  buffer_.clear();
  reset_while_awaiting_ = false;
  state_ = SyncState::synced;
  last_reason_ = ResyncReason::none;
  r.sequence = last_;
  return r;
}

}  // namespace kucoin
