#include "kucoin/mock/feed_scheduler.hpp"

#include <algorithm>
#include <limits>

#include "kucoin/protocol/futures_codec.hpp"
#include "kucoin/mock/market_frames.hpp"
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
  return s.kind == FeedStep::Kind::disconnect || s.kind == FeedStep::Kind::token_expiry ||
         s.kind == FeedStep::Kind::network_stall || s.kind == FeedStep::Kind::handover;
}

}  // namespace

FeedTime FeedScheduler::Now::get() {
  if (!read) {
    value = clock->now();
    read = true;
  }
  return value;
}

FeedScheduler::FeedScheduler(LiveMarket* market, FeedSchedulerConfig config)
    : market_(market), config_(config), plans_snapshots_(market != nullptr && market->plans_snapshots()) {}

FeedScheduler::~FeedScheduler() = default;

bool FeedScheduler::add(const DataTopic& topic, FeedTime now) {
  if (market_ == nullptr) return false;
  Feed f;
  f.topic = topic;
  f.start = now;
  f.next_check = now;  // the first look at the market is due at once
  const std::string_view c = topic.channel;
  // A futures market streams its level2 and depth channels (the others stay silent on its host).
  const bool futures = market_->venue() == kucoin::Market::futures;
  const std::string_view level2 = futures ? channels::kFuturesLevel2 : channels::kLevel2;
  const std::string_view depth5 = futures ? channels::kFuturesLevel2Depth5 : channels::kLevel2Depth5;
  const std::string_view depth50 = futures ? channels::kFuturesLevel2Depth50 : channels::kLevel2Depth50;
  if (c == level2) {
    f.sub = market_->subscribe(topic.symbol);
    if (f.sub == nullptr) return false;
    feeds_.push_back(std::move(f));
    return true;
  }
  if (c == depth5 || c == depth50) {
    f.stream = Stream::depth;
    f.depth = c == depth5 ? 5 : 50;
  } else if (futures && c == channels::kFuturesTickerV2) {
    f.stream = Stream::level1;  // the best bid and ask whenever they change, in tickerV2's shape
  } else if (futures) {
    return false;
  } else if (c == channels::kTicker) {
    f.stream = Stream::ticker;
  } else if (c == channels::kLevel1) {
    f.stream = Stream::level1;
  } else if (c == channels::kSnapshot) {
    f.stream = Stream::snapshot;
  } else if (c == channels::kMatch) {
    f.stream = Stream::match;
  } else {
    return false;
  }
  if (!market_->has_symbol(topic.symbol)) return false;  // also /market/ticker:all, /market/snapshot:USDS
  if (f.stream == Stream::ticker || f.stream == Stream::match) {
    // Where the symbol's trade log stands: a match stream sends the trades after it; a ticker
    // starts from the newest trade before it (its last price).
    trade_scratch_.clear();
    const auto r = market_->trades_since(topic.symbol, std::numeric_limits<std::uint64_t>::max(), trade_scratch_);
    const std::uint64_t end = r ? r->next : 0;
    f.trade_cursor = f.stream == Stream::ticker && end > 0 ? end - 1 : end;
  }
  if (config_.recorded && (f.stream == Stream::ticker || f.stream == Stream::match)) {
    if (const auto it = config_.recorded->find(topic.text); it != config_.recorded->end()) {
      // From the subscription on: the frames recorded after the market's position now.
      f.recorded = &it->second;
      const std::uint64_t at = market_->produced(topic.symbol).value_or(0);
      std::uint64_t pos = 0;
      while (f.recorded->at(f.recorded_next, pos) != nullptr && pos < at) ++f.recorded_next;
    }
  }
  if (f.stream == Stream::snapshot) {
    for (SymbolInfo& info : market_->symbols()) {
      if (info.symbol == topic.symbol) f.info = std::move(info);
    }
  }
  const bool moved =
      std::any_of(movers_.begin(), movers_.end(), [&](const Mover& m) { return m.symbol == topic.symbol; });
  if (!moved) movers_.push_back(Mover{topic.symbol, now, 0});
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
  std::erase_if(movers_, [&](const Mover& m) {
    return std::none_of(feeds_.begin(), feeds_.end(),
                        [&](const Feed& f) { return f.stream != Stream::level2 && f.topic.symbol == m.symbol; });
  });
}

std::uint64_t FeedScheduler::due(const Feed& f, FeedTime now) const {
  const double elapsed = std::chrono::duration<double>(now - f.start).count();
  return static_cast<std::uint64_t>(std::max(0.0, elapsed * config_.pace_per_symbol)) + 1;
}

bool FeedScheduler::streamed(std::string_view symbol) const {
  return std::any_of(feeds_.begin(), feeds_.end(),
                     [&](const Feed& o) { return o.sub != nullptr && !o.removed && o.topic.symbol == symbol; });
}

void FeedScheduler::move_markets(FeedTime now) {
  const auto interval = std::max(config_.unstreamed_market_interval, std::chrono::milliseconds(1));
  const double rate = config_.pace_per_symbol > 0 ? config_.pace_per_symbol : config_.unstreamed_market_rate;
  const auto per_step =
      std::max<std::uint64_t>(1, static_cast<std::uint64_t>(rate * std::chrono::duration<double>(interval).count()));
  for (Mover& m : movers_) {
    const std::uint64_t steps_due =
        now < m.start ? 0 : static_cast<std::uint64_t>((now - m.start) / interval) + 1;  // the first at once
    if (steps_due <= m.steps) continue;
    if (streamed(m.symbol)) {  // a level2 stream of this connection moves it: keep in step, move nothing
      m.steps = steps_due;
      continue;
    }
    // Every step due since the last call: how far the market moved depends on the time only.
    market_->advance(m.symbol, (steps_due - m.steps) * per_step);
    m.steps = steps_due;
  }
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
    if (!plans_snapshots_) break;  // no holds without planned snapshots: no look per frame
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
  if (!movers_.empty()) move_markets(now.get());
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (rr_ + k) % n;
    Feed& f = feeds_[i];
    if (f.ended || f.removed) continue;
    if (f.stream != Stream::level2) {
      FeedStep s = truth_step(f, i, now, clock, wake_at);
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
    if (config_.replay_speed > 0) {
      if (auto s = replay_step(f, i, now, wake_at)) return *s;
      continue;
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

std::optional<FeedStep> FeedScheduler::replay_step(Feed& f, std::size_t index, Now& now, FeedTime& wake_at) {
  if (!f.has_ahead) {
    FeedEvent ev = f.sub->next();
    if (ev.kind == FeedEvent::Kind::hold) {
      rr_ = index;
      return wait_until(now.get() + config_.hold_poll);
    }
    if (ev.kind != FeedEvent::Kind::frame) {
      FeedStep s = on_event(f, ev, now, wake_at);
      if (is_fault(s)) return s;
      return std::nullopt;
    }
    f.ahead.assign(ev.frame);  // owned: the frame waits here until it is due
    f.ahead_ns = ev.time_ns;
    f.has_ahead = true;
  }
  if (f.ahead_ns >= 0) {
    if (f.origin_ns < 0) {
      f.origin_ns = f.ahead_ns;
      f.start = now.get();
    }
    const double after_s = static_cast<double>(f.ahead_ns - f.origin_ns) / 1e9 / config_.replay_speed;
    const FeedTime at =
        f.start + std::chrono::duration_cast<FeedTime::duration>(std::chrono::duration<double>(after_s));
    if (now.get() < at) {
      wake_at = std::min(wake_at, at);
      return std::nullopt;
    }
  }
  f.has_ahead = false;
  ++f.sent;
  rr_ = (index + 1) % feeds_.size();
  return frame_step(f.ahead);
}

bool FeedScheduler::recorded_frame(Feed& f, Now& now, FeedTime& wake_at) {
  std::uint64_t pos = 0;
  const std::string* bytes = f.recorded->at(f.recorded_next, pos);
  if (bytes == nullptr) return false;  // the recording's frames are all out
  bool ended = false;
  const std::uint64_t produced = market_->produced(f.topic.symbol, &ended).value_or(0);
  if (!RecordedTopic::due(pos, produced, ended)) {
    wake_at = std::min(wake_at, now.get() + config_.match_interval);  // the market has not got there yet
    return false;
  }
  ++f.recorded_next;
  topic_frame_.assign(*bytes);
  return true;
}

bool FeedScheduler::check_due(Feed& f, std::chrono::milliseconds interval, Now& now, FeedTime& wake_at) {
  const FeedTime t = now.get();
  if (t < f.next_check) {
    wake_at = std::min(wake_at, f.next_check);
    return false;
  }
  f.next_check = t + interval;
  wake_at = std::min(wake_at, f.next_check);
  return true;
}

FeedStep FeedScheduler::truth_step(Feed& f, std::size_t index, Now& now, FeedClock& clock, FeedTime& wake_at) {
  topic_frame_.clear();
  bool framed = false;
  switch (f.stream) {
    case Stream::depth: {
      if (!check_due(f, config_.depth_interval, now, wake_at)) break;
      const std::int64_t seq = market_->last_sequence(f.topic.symbol).value_or(-1);
      if (seq == f.seen_sequence) break;  // unchanged: KuCoin sends nothing
      f.seen_sequence = seq;
      framed = market_->depth_frame(f.topic.symbol, f.depth, clock.wall_ms(), topic_frame_);
      break;
    }
    case Stream::ticker:
      framed = f.recorded ? recorded_frame(f, now, wake_at)
                          : check_due(f, config_.ticker_interval, now, wake_at) && ticker_frame(f);
      break;
    case Stream::level1: framed = check_due(f, config_.level1_interval, now, wake_at) && level1_frame(f); break;
    case Stream::snapshot: framed = check_due(f, config_.snapshot_interval, now, wake_at) && snapshot_frame(f); break;
    case Stream::match: framed = f.recorded ? recorded_frame(f, now, wake_at) : match_frame(f, now, wake_at); break;
    case Stream::level2: break;
  }
  if (!framed) return wait_until(wake_at);
  ++f.sent;
  rr_ = (index + 1) % feeds_.size();
  return frame_step(topic_frame_);
}

bool FeedScheduler::ticker_frame(Feed& f) {
  const std::string& symbol = f.topic.symbol;
  if (market_->last_sequence(symbol).value_or(-1) == f.seen_sequence) return false;
  auto truth = market_->truth(symbol);
  if (!truth) return false;
  // The newest trade the book already shows (a trade of a later message is left for the next frame).
  trade_scratch_.clear();
  const auto r = market_->trades_since(symbol, f.trade_cursor, trade_scratch_);
  if (r) {
    f.trade_cursor = r->first;
    for (const MarketTrade& t : trade_scratch_) {
      if (t.message >= truth->produced) break;
      f.last_trade = t.trade;
      ++f.trade_cursor;
    }
  }
  f.seen_sequence = truth->book.sequence;
  Trade last;
  if (f.last_trade) {
    last = *f.last_trade;
  } else {  // no trade yet: the last price is the best bid, as in the REST ticker
    if (!truth->book.bids.empty()) last.price = truth->book.bids.front().price;
    last.time_ms = truth->book.time_ms;
  }
  encode_ticker_frame(symbol, truth->book, last, topic_frame_);
  return true;
}

bool FeedScheduler::level1_frame(Feed& f) {
  const std::string& symbol = f.topic.symbol;
  if (market_->last_sequence(symbol).value_or(-1) == f.seen_sequence) return false;
  auto truth = market_->truth(symbol);
  if (!truth) return false;
  f.seen_sequence = truth->book.sequence;
  const L2Snapshot& b = truth->book;
  std::optional<L2Level> bid, ask;
  if (!b.bids.empty()) bid = b.bids.front();
  if (!b.asks.empty()) ask = b.asks.front();
  if (f.sent > 0 && bid == f.bid && ask == f.ask) return false;  // the top did not change
  f.bid = bid;
  f.ask = ask;
  if (market_->venue() == kucoin::Market::futures) {
    // /contractMarket/tickerV2: the level2 stream's sequence, sizes in lots, ts in nanoseconds.
    FuturesTicker t;
    t.symbol = symbol;
    t.sequence = b.sequence;
    if (bid) {
      t.best_bid = bid->price;
      t.best_bid_size = bid->size;
    }
    if (ask) {
      t.best_ask = ask->price;
      t.best_ask_size = ask->size;
    }
    t.ts_ns = b.time_ms * 1'000'000;
    encode_futures_ticker_v2_frame(t, topic_frame_);
    return true;
  }
  encode_level1_frame(symbol, b, b.time_ms, topic_frame_);
  return true;
}

bool FeedScheduler::snapshot_frame(Feed& f) {
  const std::string& symbol = f.topic.symbol;
  if (market_->last_sequence(symbol).value_or(-1) == f.seen_sequence) return false;
  auto truth = market_->truth(symbol);
  if (!truth) return false;
  f.seen_sequence = truth->book.sequence;
  const std::vector<Trade> trades = market_->trades(symbol);
  encode_market_snapshot_frame(TickerInput{&f.info, &truth->book, trades}, truth->book.time_ms, topic_frame_);
  return true;
}

bool FeedScheduler::match_frame(Feed& f, Now& now, FeedTime& wake_at) {
  if (f.trades.empty()) {
    if (!check_due(f, config_.match_interval, now, wake_at)) return false;
    trade_scratch_.clear();
    const auto r = market_->trades_since(f.topic.symbol, f.trade_cursor, trade_scratch_);
    if (!r) return false;
    if (r->first > f.trade_cursor) drops_.push_back(FeedDrop{f.topic.text, r->first - f.trade_cursor});
    f.trade_cursor = r->next;
    for (const MarketTrade& t : trade_scratch_) f.trades.push_back(t.trade);
    if (f.trades.empty()) return false;
  }
  encode_match_frame(f.topic.symbol, f.trades.front(), topic_frame_);
  f.trades.pop_front();
  return true;
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
    case FeedEvent::Kind::network_stall:
      s.kind = FeedStep::Kind::network_stall;
      s.stall_ms = ev.stall_ms;
      break;
    case FeedEvent::Kind::handover: s.kind = FeedStep::Kind::handover; break;
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
    if (f.ended || f.removed || f.sub == nullptr) continue;  // only level2 streams fall behind
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
