#include "kucoin/mock/snapshot_plan.hpp"

#include <algorithm>

namespace kucoin::mock {

void BookHistory::reset(const L2Snapshot& initial) {
  base_.load(initial);
  base_position_ = 0;
  log_.clear();
}

void BookHistory::push(const L2Update& update) { log_.push_back(update); }

std::optional<L2Snapshot> BookHistory::at(std::uint64_t position) const {
  if (position < base_position_ || position > newest()) return std::nullopt;
  MapBook b = base_;
  for (std::uint64_t i = 0; i < position - base_position_; ++i) b.apply(log_[static_cast<std::size_t>(i)]);
  return b.snapshot();
}

std::optional<std::uint64_t> BookHistory::position_of(std::int64_t sequence) const {
  for (std::size_t i = log_.size(); i > 0; --i) {
    if (log_[i - 1].sequence_end == sequence) return base_position_ + i;
  }
  if (base_.sequence == sequence) return base_position_;
  return std::nullopt;
}

void BookHistory::trim_before(std::uint64_t position) {
  position = std::min(position, newest());
  while (base_position_ < position) {
    base_.apply(log_.front());
    log_.pop_front();
    ++base_position_;
  }
}

void SnapshotPlanner::on_subscribe(std::uint64_t start, bool alone) {
  if (!config_.enabled || !alone) return;
  pending_.clear();
  grace_.reset();
  const std::uint64_t point = start + config_.after_subscribe;
  floor_ = point;
  if (!first_point_) first_point_ = point;
  // The newest snapshot served shows a position this subscription delivers the messages after: it
  // was picked before the connection dropped and its answer may still be on its way (a resync's
  // slow snapshot while the token expires). A client syncs on it and asks for nothing more, so the
  // stream must not wait at a point of its own (it would wait hold_timeout_ms for nothing). A
  // client that asks all the same gets the unplanned point (never before this one: floor_).
  if (served_ > 0 && last_point_ >= start) return;
  pending_.push_back(point);
}

void SnapshotPlanner::on_fault(std::uint64_t last_touched) {
  if (!config_.enabled) return;
  const std::uint64_t point = last_touched + config_.after_fault;
  if (!pending_.empty() && pending_.back() >= point) return;  // an earlier point still covers it
  pending_.push_back(point);
}

SnapshotPlanner::Pick SnapshotPlanner::next_snapshot() {
  Pick p;
  p.ordinal = ++served_;
  if (!pending_.empty()) {
    p.position = pending_.front();
    p.planned = true;
    pending_.pop_front();
    // A snapshot at this position heals every break at or before it: a fault whose last message is
    // in it needs no snapshot of its own (a second gap while the book resyncs from the first).
    while (!pending_.empty() && pending_.front() <= p.position + config_.after_fault) pending_.pop_front();
    if (config_.hold && config_.grace_ms > 0) grace_ = p.position;
  } else {
    p.position = std::max(last_point_ + config_.after_fault, floor_);
  }
  last_point_ = p.position;
  return p;
}

std::optional<std::uint64_t> SnapshotPlanner::hold_index() const {
  if (!config_.enabled || !config_.hold) return std::nullopt;
  if (grace_) return *grace_ + config_.hold_margin;
  if (pending_.empty()) return std::nullopt;
  return pending_.front() + config_.hold_margin;
}

std::optional<std::uint64_t> SnapshotPlanner::give_up() {
  if (pending_.empty()) return std::nullopt;
  const std::uint64_t p = pending_.front();
  pending_.pop_front();
  last_point_ = std::max(last_point_, p);
  return p;
}

std::uint64_t SnapshotPlanner::lowest_needed() const {
  std::uint64_t low = std::max(last_point_ + config_.after_fault, floor_);
  if (!pending_.empty()) low = std::min(low, pending_.front());
  return low;
}

}  // namespace kucoin::mock
