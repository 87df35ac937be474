#include "kucoin/runner/expectations.hpp"

#include <sstream>

namespace kucoin::runner {

namespace {

std::string where(const Checkpoint& c) {
  return c.at == Checkpoint::At::sequence ? "sequence " + std::to_string(c.value)
                                          : "message " + std::to_string(c.value);
}

bool applies(const Checkpoint& c, std::string_view symbol) { return c.symbol.empty() || c.symbol == symbol; }

bool reached(const Checkpoint& c, std::int64_t sequence, std::optional<std::uint64_t> position) {
  if (c.at == Checkpoint::At::sequence) return sequence >= c.value;
  return position && *position >= static_cast<std::uint64_t>(c.value);
}

std::string range_text(std::optional<std::uint64_t> lo, std::optional<std::uint64_t> hi) {
  if (lo && hi && *lo == *hi) return "exactly " + std::to_string(*lo);
  if (lo && hi) return std::to_string(*lo) + " to " + std::to_string(*hi);
  if (lo) return "at least " + std::to_string(*lo);
  return "at most " + std::to_string(hi.value_or(0));
}

}  // namespace

void ExpectationMonitor::on_book(std::string_view symbol, std::int64_t sequence, const std::optional<L2Level>& best_bid,
                                 const std::optional<L2Level>& best_ask) {
  if (!e_.never_crossed || !first_failure_.empty() || !best_bid || !best_ask) return;
  if (best_bid->price < best_ask->price) return;
  std::ostringstream s;
  s << symbol << ": the book crossed at sequence " << sequence << " (best bid " << best_bid->price << " >= best ask "
    << best_ask->price << "); expected never crossed at any update";
  first_failure_ = s.str();
}

void ExpectationMonitor::on_resyncing(std::string_view symbol, BookCause cause, std::int64_t sequence,
                                      std::int64_t now_ms, std::optional<std::uint64_t> position) {
  if (e_.never_crossed && cause == BookCause::crossed_book && first_failure_.empty()) {
    first_failure_ = std::string(symbol) + ": the client found its book crossed at sequence " +
                     std::to_string(sequence) + " and resynced; expected never crossed at any update";
  }
  if (cause == BookCause::subscribed) return;
  const auto synced = synced_once_.find(symbol);
  if (synced == synced_once_.end() || !synced->second) return;  // not a recovery: the book never was exact
  if (open_.contains(symbol)) return;                           // still recovering from an earlier fault
  open_.emplace(std::string(symbol), Open{cause, sequence, now_ms, position});
}

void ExpectationMonitor::on_synced(std::string_view symbol, std::int64_t sequence, std::int64_t now_ms,
                                   std::optional<std::uint64_t> position) {
  synced_once_[std::string(symbol)] = true;
  const auto it = open_.find(symbol);
  if (it == open_.end()) return;
  const Open o = it->second;
  open_.erase(it);
  ++recoveries_;
  if (!first_failure_.empty()) return;
  const std::string fault = std::string(symbol) + ": the resync (" + std::string(to_string(o.cause)) +
                            ") that began at sequence " + std::to_string(o.sequence);
  if (e_.recovery_ms && now_ms - o.since_ms > *e_.recovery_ms) {
    first_failure_ = fault + " took " + std::to_string(now_ms - o.since_ms) + " ms to sync again (from the " +
                     "snapshot at sequence " + std::to_string(sequence) + "); expected within " +
                     std::to_string(*e_.recovery_ms) + " ms";
    return;
  }
  if (e_.recovery_messages) {
    if (!o.position || !position) {
      first_failure_ = fault + ": the market's position of sequence " +
                       std::to_string(o.position ? sequence : o.sequence) +
                       " is unknown, so the messages it took cannot be counted";
      return;
    }
    const std::uint64_t took = *position > *o.position ? *position - *o.position : 0;
    if (took > *e_.recovery_messages) {
      first_failure_ = fault + " took " + std::to_string(took) + " messages to sync again (from the snapshot at " +
                       "sequence " + std::to_string(sequence) + "); expected within " +
                       std::to_string(*e_.recovery_messages) + " messages";
    }
  }
}

std::vector<std::size_t> ExpectationMonitor::due_checkpoints(std::string_view symbol, std::int64_t sequence,
                                                             std::optional<std::uint64_t> position) const {
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < e_.checkpoints.size(); ++i) {
    const Checkpoint& c = e_.checkpoints[i];
    if (!applies(c, symbol) || checked_.contains({i, std::string(symbol)})) continue;
    if (reached(c, sequence, position)) due.push_back(i);
  }
  return due;
}

void ExpectationMonitor::checkpoint_checked(std::size_t index, std::string_view symbol, std::int64_t sequence,
                                            std::string mismatch) {
  checked_[{index, std::string(symbol)}] = true;
  if (mismatch.empty() || !first_failure_.empty() || index >= e_.checkpoints.size()) return;
  first_failure_ = std::string(symbol) + ": at checkpoint " + where(e_.checkpoints[index]) + " (book at sequence " +
                   std::to_string(sequence) + ") " + mismatch + "; expected equal to the truth there";
}

bool ExpectationMonitor::checkpoints_pending(std::string_view symbol) const {
  for (std::size_t i = 0; i < e_.checkpoints.size(); ++i) {
    if (applies(e_.checkpoints[i], symbol) && !checked_.contains({i, std::string(symbol)})) return true;
  }
  return false;
}

std::string ExpectationMonitor::finish(const std::vector<std::string>& symbols, const RunCounts& counts,
                                       std::int64_t end_ms) const {
  if (!first_failure_.empty()) return first_failure_;
  for (std::size_t i = 0; i < e_.checkpoints.size(); ++i) {
    for (const auto& s : symbols) {
      if (!applies(e_.checkpoints[i], s) || checked_.contains({i, s})) continue;
      return s + ": never reached checkpoint " + where(e_.checkpoints[i]) +
             " with a synced book; expected its book compared with the truth there";
    }
  }
  if (e_.recovery_ms || e_.recovery_messages) {
    for (const auto& [symbol, o] : open_) {
      return symbol + ": the resync (" + std::string(to_string(o.cause)) + ") that began at sequence " +
             std::to_string(o.sequence) + " never ended (" + std::to_string(end_ms - o.since_ms) +
             " ms until the run's end); expected to sync again within " +
             (e_.recovery_ms ? std::to_string(*e_.recovery_ms) + " ms"
                             : std::to_string(*e_.recovery_messages) + " messages");
    }
    if (recoveries_ == 0) {
      return "no book recovered from a resync, so 'recovery' measured nothing; expected at least one resync of a "
             "synced book";
    }
  }
  if ((e_.min_bullet_requests && counts.bullet_requests < *e_.min_bullet_requests) ||
      (e_.max_bullet_requests && counts.bullet_requests > *e_.max_bullet_requests)) {
    return std::to_string(counts.bullet_requests) + " bullet requests, expected " +
           range_text(e_.min_bullet_requests, e_.max_bullet_requests);
  }
  if ((e_.min_clock_resyncs && counts.clock_resyncs < *e_.min_clock_resyncs) ||
      (e_.max_clock_resyncs && counts.clock_resyncs > *e_.max_clock_resyncs)) {
    return std::to_string(counts.clock_resyncs) + " clock resyncs of the client (the mock answered 400002 " +
           std::to_string(counts.timestamp_rejections) + " times), expected " +
           range_text(e_.min_clock_resyncs, e_.max_clock_resyncs);
  }
  if (e_.token_refreshed) {
    if (counts.tokens_expired > 0) {
      return std::to_string(counts.tokens_expired) +
             " sessions ended with 401 \"token is expired\"; expected every token refreshed before it expired";
    }
    if (counts.rotations == 0) {
      return "no connection was handed over to a fresh token; expected the token refreshed before it expired";
    }
  }
  return {};
}

}  // namespace kucoin::runner
