#include "kucoin/mock/feed_scheduler.hpp"

#include <algorithm>

#include "kucoin/protocol/ws_topic.hpp"

namespace kucoin::mock {

namespace {

FeedStep wait_until(FeedTime t) {
  FeedStep s;
  s.kind = FeedStep::Kind::wait;
  s.wake_at = t;
  return s;
}

FeedStep frame_step(std::string_view frame) {
  FeedStep s;
  s.kind = FeedStep::Kind::frame;
  s.frame = frame;
  return s;
}

bool is_fault(const FeedStep& s) {
  return s.kind == FeedStep::Kind::disconnect || s.kind == FeedStep::Kind::token_expiry;
}

}  // namespace

FeedTime FeedScheduler::Now::get() {
  if (!read) {
    value = clock->now();
    read = true;
  }
  return value;
}

FeedScheduler::FeedScheduler(LiveMarket* market, FeedSchedulerConfig config) : market_(market), config_(config) {}

FeedScheduler::~FeedScheduler() = default;

bool FeedScheduler::add(const DataTopic& topic, FeedTime now) {
  if (market_ == nullptr) return false;
  Feed f;
  f.topic = topic;
  f.start = now;
  if (topic.channel == channels::kLevel2) {
    f.sub = market_->subscribe(topic.symbol);
    if (f.sub == nullptr) return false;
  } else if (topic.channel == channels::kLevel2Depth5 || topic.channel == channels::kLevel2Depth50) {
    if (!market_->has_symbol(topic.symbol)) return false;
    f.depth = topic.channel == channels::kLevel2Depth5 ? 5 : 50;
    f.next_depth = now;
  } else {
    return false;
  }
  feeds_.push_back(std::move(f));
  return true;
}

void FeedScheduler::remove(std::string_view topic) {
  for (Feed& f : feeds_) {
    if (f.topic.text == topic) f.removed = true;
  }
}

void FeedScheduler::collect() {
  if (std::none_of(feeds_.begin(), feeds_.end(), [](const Feed& f) { return f.removed; })) return;
  std::erase_if(feeds_, [](const Feed& f) { return f.removed; });
}

std::uint64_t FeedScheduler::due(const Feed& f, FeedTime now) const {
  const double elapsed = std::chrono::duration<double>(now - f.start).count();
  return static_cast<std::uint64_t>(std::max(0.0, elapsed * config_.pace_per_symbol)) + 1;
}

bool FeedScheduler::streamed(std::string_view symbol) const {
  return std::any_of(feeds_.begin(), feeds_.end(),
                     [&](const Feed& o) { return o.sub != nullptr && !o.removed && o.topic.symbol == symbol; });
}

FeedStep FeedScheduler::next(FeedClock& clock) {
  const std::size_t n = feeds_.size();
  FeedTime wake_at = FeedTime::max();
  if (n == 0) return wait_until(wake_at);
  const double pace = config_.pace_per_symbol;
  Now now{&clock};
  // Snapshot holds first: while any level2 stream waits at a planned snapshot point, the whole
  // connection waits (the order of frames across streams stays a function of their positions);
  // every held stream's wait runs at the same time.
  bool any_held = false;
  FeedTime hold_wake = FeedTime::max();
  for (Feed& f : feeds_) {
    if (f.sub == nullptr || f.ended || f.removed) continue;
    const auto ms = f.sub->hold_ms();
    if (!ms) {
      f.holding = false;
      continue;
    }
    const FeedTime t = now.get();
    if (!f.holding) {
      f.holding = true;
      f.hold_since = t;
    }
    const FeedTime release = f.hold_since + std::chrono::milliseconds(*ms);
    if (t >= release) {
      market_->release_hold(f.topic.symbol);
      f.holding = false;
      if (!f.sub->hold_ms()) continue;  // released
      f.holding = true;                 // the next point's hold: wait for it from now on
      f.hold_since = t;
    }
    any_held = true;
    hold_wake = std::min(hold_wake, std::min(release, t + config_.hold_poll));
  }
  if (any_held) return wait_until(hold_wake);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (rr_ + k) % n;
    Feed& f = feeds_[i];
    if (f.ended || f.removed) continue;
    if (f.depth != 0) {
      FeedStep s = depth_step(f, i, now, clock, wake_at);
      if (s.kind == FeedStep::Kind::frame) return s;
      continue;
    }
    if (f.stalled) {
      if (now.get() < f.stalled_until) {
        wake_at = std::min(wake_at, f.stalled_until);
        continue;
      }
      f.stalled = false;
    }
    if (pace > 0) {
      const std::uint64_t due_now = due(f, now.get());
      if (f.sent >= due_now) {
        // The next frame is due when elapsed * pace reaches `sent`.
        wake_at = std::min(wake_at, f.start + std::chrono::duration_cast<FeedTime::duration>(
                                                  std::chrono::duration<double>(static_cast<double>(f.sent) / pace)));
        continue;
      }
      const std::size_t limit = config_.slow_reader_backlog;
      if (limit > 0 && due_now - f.sent > limit) {
        FeedStep s = drop(f, due_now - f.sent - limit, now, wake_at);
        if (is_fault(s)) return s;
        if (f.ended || f.stalled) continue;
      }
    }
    FeedEvent ev = f.sub->next();
    if (ev.kind == FeedEvent::Kind::hold) {  // reached a hold in this round: the scan above times it
      rr_ = i;
      return wait_until(now.get() + config_.hold_poll);
    }
    if (ev.kind == FeedEvent::Kind::frame) {
      ++f.sent;
      rr_ = (i + 1) % n;
      if (slow_reader_policy()) {
        // enforce_backlog() may pull this stream while the frame is being written: own the bytes.
        frame_copy_.assign(ev.frame);
        return frame_step(frame_copy_);
      }
      return frame_step(ev.frame);  // zero copy: nothing pulls this stream before the next call
    }
    FeedStep s = on_event(f, ev, now, wake_at);
    if (is_fault(s)) return s;
  }
  return wait_until(wake_at);
}

FeedStep FeedScheduler::depth_step(Feed& f, std::size_t index, Now& now, FeedClock& clock, FeedTime& wake_at) {
  const FeedTime t = now.get();
  if (t < f.next_depth) {
    wake_at = std::min(wake_at, f.next_depth);
    return wait_until(wake_at);
  }
  f.next_depth = t + config_.depth_interval;
  wake_at = std::min(wake_at, f.next_depth);
  if (!streamed(f.topic.symbol)) {
    // Nobody here streams the symbol's level2: the market moves on by itself.
    const double per_interval = static_cast<double>(config_.depth_interval.count()) / 1000.0;
    const double rate = config_.pace_per_symbol > 0 ? config_.pace_per_symbol : config_.unpaced_depth_market_rate;
    market_->advance(f.topic.symbol, std::max<std::uint64_t>(1, static_cast<std::uint64_t>(rate * per_interval)));
  }
  const std::int64_t seq = market_->last_sequence(f.topic.symbol).value_or(-1);
  if (seq == f.depth_sequence) return wait_until(wake_at);  // unchanged: KuCoin sends nothing
  f.depth_sequence = seq;
  depth_frame_.clear();
  if (!market_->depth_frame(f.topic.symbol, f.depth, clock.wall_ms(), depth_frame_)) return wait_until(wake_at);
  ++f.sent;
  rr_ = (index + 1) % feeds_.size();
  return frame_step(depth_frame_);
}

FeedStep FeedScheduler::on_event(Feed& f, const FeedEvent& ev, Now& now, FeedTime& wake_at) {
  FeedStep s = wait_until(wake_at);
  switch (ev.kind) {
    case FeedEvent::Kind::frame: break;
    case FeedEvent::Kind::stall: {
      const auto d = std::chrono::milliseconds(std::max<std::int64_t>(0, ev.stall_ms));
      f.stalled = true;
      f.stalled_until = now.get() + d;
      f.start += d;  // a silent market: no backlog builds up during the stall
      wake_at = std::min(wake_at, f.stalled_until);
      s.wake_at = wake_at;
      break;
    }
    case FeedEvent::Kind::disconnect: s.kind = FeedStep::Kind::disconnect; break;
    case FeedEvent::Kind::token_expiry: s.kind = FeedStep::Kind::token_expiry; break;
    case FeedEvent::Kind::end: f.ended = true; break;
    case FeedEvent::Kind::hold: break;  // handled by next(); a slow-reader drop stops at it
  }
  return s;
}

FeedStep FeedScheduler::drop(Feed& f, std::uint64_t n, Now& now, FeedTime& wake_at) {
  FeedStep s = wait_until(wake_at);
  std::uint64_t dropped = 0;
  for (; dropped < n; ++dropped) {
    FeedEvent ev = f.sub->next();
    if (ev.kind == FeedEvent::Kind::frame) {
      ++f.sent;
      continue;
    }
    s = on_event(f, ev, now, wake_at);
    break;
  }
  if (dropped > 0) drops_.push_back(FeedDrop{f.topic.text, dropped});
  return s;
}

FeedStep FeedScheduler::enforce_backlog(FeedTime now) {
  FeedTime ignored = FeedTime::max();
  if (!slow_reader_policy()) return wait_until(ignored);
  Now at{nullptr, now, true};  // the watchdog's time
  const std::size_t limit = config_.slow_reader_backlog;
  for (Feed& f : feeds_) {
    if (f.ended || f.removed || f.sub == nullptr) continue;  // depth streams are never behind
    if (f.stalled && now < f.stalled_until) continue;
    const std::uint64_t due_now = due(f, now);
    if (due_now > f.sent && due_now - f.sent > limit) {
      FeedStep s = drop(f, due_now - f.sent - limit, at, ignored);
      if (is_fault(s)) return s;
    }
  }
  return wait_until(ignored);
}

}  // namespace kucoin::mock
