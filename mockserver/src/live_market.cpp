// One file on purpose (past ~600 lines): LiveMarket's per-symbol state (Feed) is private to it, and
// the stream, its fault triggers, the planned snapshots, the stream digests and the trade log all
// read that state under the one lock; a split would expose Feed to several files.
#include "kucoin/mock/live_market.hpp"

#include <algorithm>
#include <functional>

#include "kucoin/mock/futures_market.hpp"
#include "kucoin/mock/map_book.hpp"
#include "kucoin/protocol/futures_codec.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin::mock {

// GeneratedSource: generated_source.cpp.

std::string_view to_string(StreamFault::Kind k) noexcept {
  switch (k) {
    case StreamFault::Kind::drop: return "drop";
    case StreamFault::Kind::duplicate: return "duplicate";
    case StreamFault::Kind::reorder: return "reorder";
    case StreamFault::Kind::sequence_jump: return "sequence_jump";
    case StreamFault::Kind::sequence_reset: return "sequence_reset";
    case StreamFault::Kind::stall: return "stall";
    case StreamFault::Kind::disconnect: return "disconnect";
    case StreamFault::Kind::token_expiry: return "token_expiry";
    case StreamFault::Kind::network_stall: return "network_stall";
    case StreamFault::Kind::handover: return "handover";
  }
  return "unknown";
}

namespace {

bool global_kind(StreamFault::Kind k) {
  return k == StreamFault::Kind::sequence_jump || k == StreamFault::Kind::sequence_reset;
}

}  // namespace

// The digest of the positions handed out (stream_digests()), kept in bounded memory: positions
// below the trim frontier (no cursor can hand them out again: their entries are gone) are folded
// into the running values at once; only the positions from `base` on keep a hash each
// (FNV-1a of the frame, 0: not handed out yet). A long run keeps kilobytes, not 8 bytes a message.
struct DeliveryDigest {
  std::uint64_t base = 0;             // the first position not folded yet
  std::deque<std::uint64_t> pending;  // hashes of positions [base, base + size)
  std::uint64_t hash = 14695981039346656037ULL;
  std::uint64_t delivered = 0, first = 0, last = 0;
  std::uint64_t gap_from = 0;  // 1-based start of an open missing range; 0: none
  std::vector<std::pair<std::uint64_t, std::uint64_t>> missing;

  // Folds position `base` (hash `h`, 0: never handed out) and moves base on.
  void fold_one(std::uint64_t h) {
    const std::uint64_t i = base++;
    if (h == 0) {
      if (delivered != 0 && gap_from == 0) gap_from = i + 1;
      return;
    }
    if (gap_from != 0) {
      missing.emplace_back(gap_from, i);
      gap_from = 0;
    }
    if (delivered++ == 0) first = i + 1;
    last = i + 1;
    for (int b = 0; b < 8; ++b) hash = (hash ^ ((h >> (8 * b)) & 0xFF)) * 1099511628211ULL;
  }
  // Folds every position below `frontier`.
  void fold_below(std::uint64_t frontier) {
    while (base < frontier) {
      std::uint64_t h = 0;
      if (!pending.empty()) {
        h = pending.front();
        pending.pop_front();
      }
      fold_one(h);
    }
  }
};

struct LiveMarket::Feed {
  std::unique_ptr<L2Source> source;
  SymbolInfo info;
  FuturesContract contract;  // a futures market's listing of the symbol
  std::deque<Entry> log;     // entries [log_base, produced)
  std::uint64_t log_base = 0;
  std::uint64_t produced = 0;
  std::map<std::uint64_t, std::uint64_t> cursors;  // subscription id -> next index
  std::int64_t seq_offset = 0;
  std::int64_t last_sequence = 0;  // sequenceEnd of the newest message (offsets applied)
  bool exhausted = false;
  bool keep_log = false;              // pregenerated: never trim
  std::uint64_t served = 0;           // pregenerated: the furthest cursor so far
  std::vector<L2Update> pre_updates;  // pregenerated: every message, for served_book
  MapBook served_book;                // pregenerated: the book as of `served` (REST snapshots)
  std::uint64_t served_applied = 0;
  std::optional<std::uint64_t> first_snapshot_at;  // messages in the symbol's first REST snapshot
  std::vector<std::uint64_t> snapshots_at;         // messages in each REST snapshot served, in order
  MapBook lag;                                     // for snapshot_offset < 0
  std::deque<L2Update> lag_queue;
  L2Update scratch;
  std::deque<Trade> trades;           // the newest kTradesKept trades, oldest first
  std::deque<MarketTrade> trade_log;  // the newest kTradeLogKept trades with their message, oldest first
  std::uint64_t trade_log_base = 0;   // the number of trade_log.front() (trades before it are gone)
  SnapshotPlanner planner;            // planned snapshot points (config_.plan)
  BookHistory history;                // the book at recent positions (planned snapshots only)
  std::uint64_t subscriptions = 0;
  // Planned mode: what was handed out (DeliveryDigest below), bounded by the trim frontier.
  DeliveryDigest delivered;
};

LiveMarket::LiveMarket(LiveMarketConfig config) : LiveMarket({}, std::move(config)) {}

LiveMarket::LiveMarket(std::vector<std::unique_ptr<L2Source>> sources, LiveMarketConfig config)
    : config_(std::move(config)) {
  std::uint64_t seed = config_.seed;
  if (sources.empty()) {
    for (const std::string& sym : config_.symbols) {
      GeneratorConfig g;
      g.levels_per_side = config_.levels_per_side;
      g.seed = seed++;
      g.max_batch = std::max(1U, config_.max_batch);
      g.calibration_percent = config_.calibration_percent;
      g.realism = config_.realism;
      auto f = std::make_unique<Feed>();
      setup(*f, sym, g);
      f->source = std::make_unique<GeneratedSource>(g, config_.messages);
      feeds_.push_back(std::move(f));
    }
  } else {
    for (auto& src : sources) {
      GeneratorConfig g;
      auto f = std::make_unique<Feed>();
      setup(*f, src->symbol(), g);
      f->info.scale = src->scale();
      f->source = std::move(src);
      feeds_.push_back(std::move(f));
    }
  }
  if (config_.pregenerate) config_.plan.enabled = false;  // benchmarks: snapshots at what was served
  for (auto& f : feeds_) {
    const L2Snapshot initial = f->source->snapshot();
    f->last_sequence = initial.sequence;
    if (config_.snapshot_offset < 0) f->lag.load(initial);
    f->planner = SnapshotPlanner(config_.plan);
    if (config_.plan.enabled || config_.keep_history) f->history.reset(initial);
  }
  fault_fired_.assign(config_.faults.size(), false);
  if (config_.pregenerate && config_.messages > 0) {
    for (auto& f : feeds_) {
      f->keep_log = true;
      f->served_book.load(f->source->snapshot());
      while (produce(*f)) f->pre_updates.push_back(f->scratch);
    }
  }
}

LiveMarket::~LiveMarket() = default;

void LiveMarket::setup(Feed& f, std::string_view symbol, GeneratorConfig& g) const {
  if (config_.venue == kucoin::Market::futures) {
    g.realism = Realism{};
    f.contract = default_contract_setup(symbol, g);
    f.info.symbol = f.contract.symbol;
    f.info.name = f.contract.symbol;
    f.info.base_currency = f.contract.base_currency;
    f.info.quote_currency = f.contract.quote_currency;
    f.info.scale = g.scale;
  } else {
    f.info = default_symbol_setup(symbol, g);
  }
}

std::vector<FuturesContract> LiveMarket::contracts() const {
  std::lock_guard lock(mu_);
  std::vector<FuturesContract> out;
  if (config_.venue != kucoin::Market::futures) return out;
  for (const auto& f : feeds_) out.push_back(f->contract);
  return out;
}

LiveMarket::Feed* LiveMarket::feed(std::string_view symbol) const {
  for (const auto& f : feeds_) {
    if (f->info.symbol == symbol) return f.get();
  }
  return nullptr;
}

bool LiveMarket::has_symbol(std::string_view symbol) const {
  std::lock_guard lock(mu_);
  return feed(symbol) != nullptr;
}

std::vector<SymbolInfo> LiveMarket::symbols() const {
  std::lock_guard lock(mu_);
  std::vector<SymbolInfo> out;
  for (const auto& f : feeds_) out.push_back(f->info);
  return out;
}

SymbolScale LiveMarket::scale(std::string_view symbol) const {
  std::lock_guard lock(mu_);
  const Feed* f = feed(symbol);
  return f ? f->info.scale : SymbolScale{};
}

bool LiveMarket::produce(Feed& f) {
  if (f.exhausted) return false;
  const L2Update* u = f.source->next();
  if (u == nullptr) {
    f.exhausted = true;
    return false;
  }
  const std::uint64_t number = f.produced + 1;  // 1-based message number
  // Faults that move the sequence counter itself (stream and snapshots alike).
  for (std::size_t k = 0; k < config_.faults.size(); ++k) {
    const StreamFault& fault = config_.faults[k];
    if (fault_fired_[k] || !global_kind(fault.kind)) continue;
    if (!fault.symbol.empty() && fault.symbol != f.info.symbol) continue;
    bool due = false;
    switch (fault.at.kind) {
      case Trigger::Kind::sequence: due = u->sequence_end + f.seq_offset >= fault.at.value; break;
      case Trigger::Kind::after_snapshot: {
        const auto at = snapshot_at(f, fault.at.snapshot);
        due = at && static_cast<std::int64_t>(number) >= static_cast<std::int64_t>(*at) + fault.at.value;
        break;
      }
      default: due = static_cast<std::int64_t>(number) == fault.at.value; break;
    }
    if (!due) continue;
    fault_fired_[k] = true;
    if (fault.kind == StreamFault::Kind::sequence_jump) {
      f.seq_offset += fault.amount;
    } else {
      f.seq_offset = fault.amount - u->sequence_start;
    }
    note_fault(f, number);
    fired_log_.push_back(std::string(to_string(fault.kind)) + " " + f.info.symbol + " at message " +
                         std::to_string(number) + " (next sequence " +
                         std::to_string(u->sequence_start + f.seq_offset) + ")");
  }
  L2Update& s = f.scratch;
  s = *u;
  s.sequence_start += f.seq_offset;
  s.sequence_end += f.seq_offset;
  for (L2Change& c : s.changes) c.sequence += f.seq_offset;
  for (Trade t : f.source->trades()) {
    t.sequence += f.seq_offset;
    f.trades.push_back(t);
    if (f.trades.size() > kTradesKept) f.trades.pop_front();
    f.trade_log.push_back(MarketTrade{f.produced, t});
    if (f.trade_log.size() > kTradeLogKept) {
      f.trade_log.pop_front();
      ++f.trade_log_base;
    }
  }
  Entry e;
  e.index = f.produced;
  e.sequence_end = s.sequence_end;
  e.time_ns = f.source->time_ns();
  if (const std::string_view raw = f.source->frame(); !raw.empty() && f.seq_offset == 0) {
    e.frame.assign(raw);  // a recorded message, byte for byte
  } else if (config_.venue == kucoin::Market::futures) {
    // One change a message (default_contract_setup). A source that gives more (a spot recording
    // in a futures market) cannot be written as one futures message: the fired-fault log says so
    // and the frame is empty, which a client reads as an undecodable frame (a gap).
    if (auto r = encode_futures_level2_frame(s, e.frame); !r) {
      fired_log_.push_back("futures message " + std::to_string(number) + " of " + f.info.symbol +
                           " not written: " + r.error().message);
    }
  } else {
    encode_update_frame(s, e.frame);
  }
  f.log.push_back(std::move(e));
  f.last_sequence = s.sequence_end;
  ++f.produced;
  if (config_.plan.enabled || config_.keep_history) {
    f.history.push(s);
  }
  if (config_.plan.enabled && !config_.keep_history) {
    const std::uint64_t low = f.planner.lowest_needed();
    const std::uint64_t lag = config_.snapshot_offset < 0 ? static_cast<std::uint64_t>(-config_.snapshot_offset) : 0;
    f.history.trim_before(low > lag ? low - lag : 0);
  }
  if (config_.snapshot_offset < 0) {
    f.lag_queue.push_back(s);
    while (f.lag_queue.size() > static_cast<std::size_t>(-config_.snapshot_offset)) {
      f.lag.apply(f.lag_queue.front());
      f.lag_queue.pop_front();
    }
  }
  return true;
}

const LiveMarket::Entry* LiveMarket::entry(Feed& f, std::uint64_t index) {
  while (index >= f.produced) {
    if (!produce(f)) return nullptr;
  }
  if (index < f.log_base) return nullptr;  // trimmed (cannot happen for a live cursor)
  return &f.log[static_cast<std::size_t>(index - f.log_base)];
}

void LiveMarket::trim(Feed& f) {
  if (f.keep_log) return;
  std::uint64_t keep = f.produced;
  for (const auto& [id, c] : f.cursors) keep = std::min(keep, c);
  // The entry just before the slowest cursor stays: a subscription hands out the frame it just
  // delivered as a view into its entry (Subscription::next), valid until its next call.
  if (keep > 0) --keep;
  while (f.log_base < keep && !f.log.empty()) {
    f.log.pop_front();
    ++f.log_base;
  }
  if (f.log.empty()) f.log_base = f.produced;
}

void LiveMarket::note_fault(Feed& f, std::uint64_t last_touched) { f.planner.on_fault(last_touched); }

L2Snapshot LiveMarket::planned_snapshot(Feed& f) {
  const SnapshotPlanner::Pick pick = f.planner.next_snapshot();
  const std::int64_t shown_signed = static_cast<std::int64_t>(pick.position) + config_.snapshot_offset;
  std::uint64_t shown = shown_signed < 0 ? 0 : static_cast<std::uint64_t>(shown_signed);
  shown = std::max(shown, f.history.oldest());
  while (f.produced < shown && produce(f)) {}
  shown = std::min(shown, f.history.newest());  // an exhausted source ends the stream earlier
  L2Snapshot s = f.history.at(shown).value_or(L2Snapshot{});
  served_.push_back(ServedSnapshot{f.info.symbol, pick.ordinal, shown, s.sequence, pick.planned});
  f.snapshots_at.push_back(shown);
  trim(f);
  return s;
}

L2Snapshot LiveMarket::snapshot_locked(Feed& f) {
  if (config_.plan.enabled) return planned_snapshot(f);
  L2Snapshot s = snapshot_state(f);
  // Messages the snapshot covers: everything up to its sequence.
  std::uint64_t covered = f.keep_log ? f.served : f.produced;
  if (config_.snapshot_offset < 0) {
    covered = f.produced > f.lag_queue.size() ? f.produced - f.lag_queue.size() : 0;
  }
  if (!f.first_snapshot_at) f.first_snapshot_at = covered;
  f.snapshots_at.push_back(covered);
  return s;
}

L2Snapshot LiveMarket::snapshot_state(Feed& f) {
  if (f.keep_log) {  // pregenerated: the book as of what the stream has handed out
    while (f.served_applied < f.served && f.served_applied < f.pre_updates.size()) {
      f.served_book.apply(f.pre_updates[f.served_applied++]);
    }
    return f.served_book.snapshot();
  }
  if (config_.snapshot_offset < 0) return f.lag.snapshot();
  if (config_.snapshot_offset > 0) {
    std::uint64_t delivered = f.produced;
    if (!f.cursors.empty()) {
      delivered = 0;
      for (const auto& [id, c] : f.cursors) delivered = std::max(delivered, c);
    }
    while (f.produced - delivered < static_cast<std::uint64_t>(config_.snapshot_offset)) {
      if (!produce(f)) break;
    }
  }
  L2Snapshot s = f.source->snapshot();
  s.sequence = f.last_sequence;
  return s;
}

std::optional<L2Snapshot> LiveMarket::snapshot(std::string_view symbol) {
  std::lock_guard lock(mu_);
  Feed* f = feed(symbol);
  if (f == nullptr) return std::nullopt;
  return snapshot_locked(*f);
}

std::optional<std::uint64_t> LiveMarket::produced(std::string_view symbol, bool* ended) const {
  std::lock_guard lock(mu_);
  const Feed* f = feed(symbol);
  if (f == nullptr) return std::nullopt;
  if (ended != nullptr) *ended = f->exhausted;
  return f->produced;
}

std::optional<std::int64_t> LiveMarket::last_sequence(std::string_view symbol) const {
  std::lock_guard lock(mu_);
  const Feed* f = feed(symbol);
  if (f == nullptr) return std::nullopt;
  return f->last_sequence;
}

std::uint64_t LiveMarket::advance(std::string_view symbol, std::uint64_t n) {
  std::lock_guard lock(mu_);
  Feed* f = feed(symbol);
  // A level2 subscription anywhere moves the market at its own pace: a connection that only
  // watches tickers or depth must not run the market ahead of that stream.
  if (f == nullptr || f->keep_log || !f->cursors.empty()) return 0;
  std::uint64_t done = 0;
  while (done < n && produce(*f)) ++done;
  trim(*f);
  return done;
}

std::optional<L2Snapshot> LiveMarket::peek(std::string_view symbol) {
  auto t = truth(symbol);
  if (!t) return std::nullopt;
  return std::move(t->book);
}

std::vector<Trade> LiveMarket::trades(std::string_view symbol) const {
  std::lock_guard lock(mu_);
  Feed* f = feed(symbol);
  if (f == nullptr) return {};
  return {f->trades.begin(), f->trades.end()};
}

std::optional<TruthView> LiveMarket::truth(std::string_view symbol) const {
  std::lock_guard lock(mu_);
  Feed* f = feed(symbol);
  if (f == nullptr) return std::nullopt;
  TruthView t;
  t.book = f->source->snapshot();
  t.book.sequence = f->last_sequence;
  t.produced = f->produced;
  return t;
}

std::optional<L2Snapshot> LiveMarket::truth_at(std::string_view symbol, std::int64_t sequence) const {
  std::lock_guard lock(mu_);
  Feed* f = feed(symbol);
  if (f == nullptr || !(config_.plan.enabled || config_.keep_history)) return std::nullopt;
  const auto position = f->history.position_of(sequence);
  if (!position) return std::nullopt;
  return f->history.at(*position);
}

std::optional<std::uint64_t> LiveMarket::position_at(std::string_view symbol, std::int64_t sequence) const {
  std::lock_guard lock(mu_);
  Feed* f = feed(symbol);
  if (f == nullptr || !(config_.plan.enabled || config_.keep_history)) return std::nullopt;
  return f->history.position_of(sequence);
}

std::optional<TradeRange> LiveMarket::trades_since(std::string_view symbol, std::uint64_t from,
                                                   std::vector<MarketTrade>& out) const {
  std::lock_guard lock(mu_);
  const Feed* f = feed(symbol);
  if (f == nullptr) return std::nullopt;
  const std::uint64_t end = f->trade_log_base + f->trade_log.size();
  TradeRange r;
  r.first = std::min(std::max(from, f->trade_log_base), end);
  r.next = end;
  const auto skip = static_cast<std::ptrdiff_t>(r.first - f->trade_log_base);
  out.insert(out.end(), f->trade_log.begin() + skip, f->trade_log.end());
  return r;
}

bool LiveMarket::depth_frame(std::string_view symbol, int depth, std::int64_t timestamp_ms, std::string& out) const {
  std::lock_guard lock(mu_);
  Feed* f = feed(symbol);
  if (f == nullptr) return false;
  if (config_.venue == kucoin::Market::futures) {
    L2Snapshot book = f->source->snapshot();
    book.sequence = f->last_sequence;
    encode_futures_depth_frame(f->info.symbol, depth, book, timestamp_ms, out);
  } else {
    encode_depth_frame(f->info.symbol, depth, f->source->snapshot(), timestamp_ms, out);
  }
  return true;
}

std::vector<std::string> LiveMarket::fired_faults() const {
  std::lock_guard lock(mu_);
  return fired_log_;
}

bool LiveMarket::release_hold(std::string_view symbol) {
  std::lock_guard lock(mu_);
  Feed* f = feed(symbol);
  if (f == nullptr) return false;
  if (f->planner.in_grace()) {
    f->planner.end_grace();
    return true;
  }
  const auto point = f->planner.give_up();
  if (!point) return false;
  fired_log_.push_back("no snapshot of " + f->info.symbol + " was asked for at message " + std::to_string(*point) +
                       ": the stream went on");
  return true;
}

std::vector<ServedSnapshot> LiveMarket::served_snapshots() const {
  std::lock_guard lock(mu_);
  return served_;
}

void LiveMarket::note_delivery(Feed& f, std::uint64_t index, std::string_view frame) {
  DeliveryDigest& d = f.delivered;
  if (index < d.base) return;  // folded: handed out before (a duplicate)
  const auto at = static_cast<std::size_t>(index - d.base);
  if (d.pending.size() <= at) d.pending.resize(at + 1, 0);
  if (d.pending[at] != 0) return;  // a duplicate, or a later subscription's copy
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : frame) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  d.pending[at] = h | 1;   // never 0
  if (f.keep_log) return;  // pregenerated: a new subscription may start at any position served
  // No cursor can hand out a position below the lowest cursor again (its entry is trimmed, or
  // about to be): fold those into the digest.
  std::uint64_t frontier = f.produced;
  for (const auto& [id, c] : f.cursors) frontier = std::min(frontier, c);
  d.fold_below(frontier);
}

std::vector<StreamDigest> LiveMarket::stream_digests() const {
  std::lock_guard lock(mu_);
  std::vector<StreamDigest> out;
  for (const auto& f : feeds_) {
    if (f->subscriptions == 0) continue;
    DeliveryDigest all = f->delivered;  // the folded part, then the rest
    all.fold_below(all.base + all.pending.size());
    StreamDigest d;
    d.symbol = f->info.symbol;
    d.subscriptions = f->subscriptions;
    d.delivered = all.delivered;
    d.first = all.first;
    d.last = all.last;
    d.missing = std::move(all.missing);
    d.hash = all.hash;
    out.push_back(std::move(d));
  }
  return out;
}

std::unique_ptr<LiveMarket::Subscription> LiveMarket::subscribe(std::string_view symbol) {
  std::lock_guard lock(mu_);
  Feed* f = feed(symbol);
  if (f == nullptr) return nullptr;
  const std::uint64_t id = next_subscription_id_++;
  // A pregenerated feed serves its log from where earlier subscriptions stopped.
  const std::uint64_t start = f->keep_log ? f->served : f->produced;
  f->planner.on_subscribe(start, f->cursors.empty());
  if (!f->first_snapshot_at && f->planner.first_point()) {
    const std::int64_t shown = static_cast<std::int64_t>(*f->planner.first_point()) + config_.snapshot_offset;
    f->first_snapshot_at = static_cast<std::uint64_t>(std::max<std::int64_t>(0, shown));
  }
  f->cursors[id] = start;
  ++f->subscriptions;
  return std::unique_ptr<Subscription>(new Subscription(*this, std::string(symbol), start, id));
}

void LiveMarket::release(Subscription& s) {
  std::lock_guard lock(mu_);
  Feed* f = feed(s.symbol_);
  if (f == nullptr) return;
  f->cursors.erase(s.id_);
  trim(*f);
}

std::optional<std::uint64_t> LiveMarket::snapshot_at(const Feed& f, std::int64_t n) {
  if (n <= 1) return f.first_snapshot_at;
  if (f.snapshots_at.size() < static_cast<std::size_t>(n)) return std::nullopt;
  return f.snapshots_at[static_cast<std::size_t>(n - 1)];
}

void LiveMarket::add_faults(const std::vector<StreamFault>& faults) {
  std::lock_guard lock(mu_);
  config_.faults.insert(config_.faults.end(), faults.begin(), faults.end());
  fault_fired_.resize(config_.faults.size(), false);
}

std::size_t LiveMarket::fault_count() const {
  std::lock_guard lock(mu_);
  return config_.faults.size();
}

std::optional<std::size_t> LiveMarket::due_fault(const Feed& f, const Entry& e, const Subscription& s) const {
  for (std::size_t k = 0; k < config_.faults.size(); ++k) {
    const StreamFault& fault = config_.faults[k];
    if (fault_fired_[k] || global_kind(fault.kind)) continue;
    if (!fault.symbol.empty() && fault.symbol != f.info.symbol) continue;
    bool due = false;
    switch (fault.at.kind) {
      case Trigger::Kind::message: due = static_cast<std::int64_t>(e.index + 1) == fault.at.value; break;
      case Trigger::Kind::sequence: due = e.sequence_end >= fault.at.value; break;
      case Trigger::Kind::after_subscribe: due = static_cast<std::int64_t>(s.delivered_ + 1) == fault.at.value; break;
      case Trigger::Kind::after_snapshot: {
        const auto at = snapshot_at(f, fault.at.snapshot);
        due = at && static_cast<std::int64_t>(e.index + 1) >= static_cast<std::int64_t>(*at) + fault.at.value;
        break;
      }
    }
    if (due) return k;
  }
  return std::nullopt;
}

LiveMarket::Subscription::Subscription(LiveMarket& m, std::string symbol, std::uint64_t cursor, std::uint64_t id)
    : market_(m), symbol_(std::move(symbol)), id_(id), cursor_(cursor) {}

LiveMarket::Subscription::~Subscription() { market_.release(*this); }

std::optional<std::int64_t> LiveMarket::Subscription::hold_ms() const {
  std::lock_guard lock(market_.mu_);
  const Feed* f = market_.feed(symbol_);
  if (f == nullptr || !pending_.empty() || (held_ && held_for_ <= 0)) return std::nullopt;
  const auto hold = f->planner.hold_index();
  if (!hold || cursor_ < *hold || cursor_ >= f->produced + (f->exhausted ? 0 : 1)) return std::nullopt;
  return f->planner.in_grace() ? market_.config_.plan.grace_ms : market_.config_.plan.hold_timeout_ms;
}

FeedEvent LiveMarket::Subscription::next() {
  std::lock_guard lock(market_.mu_);
  Feed* f = market_.feed(symbol_);
  FeedEvent ev;
  if (f == nullptr) return ev;
  // Entries still owed (pending, held back) stay in the log.
  auto publish_cursor = [&] {
    std::uint64_t keep = cursor_;
    for (std::uint64_t p : pending_) keep = std::min(keep, p);
    if (held_) keep = std::min(keep, *held_);
    f->cursors[id_] = keep;
    market_.trim(*f);
  };
  // `frame` is the log entry's text (the entry of the cursor's last step stays in the log until
  // this subscription's next call: trim()), or the subscription's own copy (frame_) for entries
  // delivered out of order by a fault.
  auto deliver = [&](std::string_view frame, std::int64_t seq_end, std::uint64_t index, std::int64_t t) {
    f->served = std::max(f->served, cursor_);
    if (market_.config_.on_deliver) market_.config_.on_deliver(symbol_, seq_end);
    if (market_.config_.plan.enabled) market_.note_delivery(*f, index, frame);
    if (held_) --held_for_;
    ++delivered_;
    ev.kind = FeedEvent::Kind::frame;
    ev.frame = frame;
    ev.sequence_end = seq_end;
    ev.time_ns = t;
    return ev;
  };
  for (;;) {
    if (held_ && held_for_ <= 0) {
      const std::uint64_t idx = *held_;
      const Entry* e = market_.entry(*f, idx);
      held_.reset();
      if (e != nullptr) return deliver(frame_.assign(e->frame), e->sequence_end, idx, e->time_ns);
      continue;
    }
    if (!pending_.empty()) {
      const std::uint64_t idx = pending_.front();
      pending_.pop_front();
      const Entry* e = market_.entry(*f, idx);
      if (e != nullptr) return deliver(frame_.assign(e->frame), e->sequence_end, idx, e->time_ns);
      continue;
    }
    const Entry* e = market_.entry(*f, cursor_);
    if (e == nullptr) {
      if (held_) {  // the stream ended: release what was held back
        held_for_ = 0;
        continue;
      }
      return ev;  // end
    }
    if (const auto hold = f->planner.hold_index(); hold && cursor_ >= *hold) {
      ev.kind = FeedEvent::Kind::hold;  // waiting for the planned snapshot to be served (or read)
      ev.hold_ms = f->planner.in_grace() ? market_.config_.plan.grace_ms : market_.config_.plan.hold_timeout_ms;
      return ev;
    }
    const std::uint64_t idx = cursor_++;
    const auto fault_index = market_.due_fault(*f, *e, *this);
    if (!fault_index) {
      publish_cursor();  // trim() keeps the entry at idx (just before the cursor): no copy
      return deliver(e->frame, e->sequence_end, idx, e->time_ns);
    }
    const StreamFault& fault = market_.config_.faults[*fault_index];
    market_.fault_fired_[*fault_index] = true;
    market_.fired_log_.push_back(std::string(to_string(fault.kind)) + " " + symbol_ + " at message " +
                                 std::to_string(idx + 1) + " (sequence " + std::to_string(e->sequence_end) + ")");
    switch (fault.kind) {
      case StreamFault::Kind::drop:
        for (std::int64_t k = 1; k < fault.count; ++k) {
          if (market_.entry(*f, cursor_) == nullptr) break;
          ++cursor_;
        }
        market_.note_fault(*f, cursor_);
        break;
      case StreamFault::Kind::duplicate:
        for (std::int64_t k = 0; k < std::max<std::int64_t>(1, fault.count) + 1; ++k) pending_.push_back(idx);
        break;
      case StreamFault::Kind::reorder:
        held_ = idx;
        held_for_ = std::max<std::int64_t>(1, fault.count);
        market_.note_fault(*f, idx + 1 + static_cast<std::uint64_t>(held_for_));
        break;
      case StreamFault::Kind::stall:
        pending_.push_front(idx);
        publish_cursor();
        ev.kind = FeedEvent::Kind::stall;
        ev.stall_ms = fault.count;
        return ev;
      case StreamFault::Kind::disconnect: ev.kind = FeedEvent::Kind::disconnect; return ev;
      case StreamFault::Kind::token_expiry: ev.kind = FeedEvent::Kind::token_expiry; return ev;
      case StreamFault::Kind::network_stall:  // the message goes out after the stall
        pending_.push_front(idx);
        publish_cursor();
        ev.kind = FeedEvent::Kind::network_stall;
        ev.stall_ms = fault.count;
        return ev;
      case StreamFault::Kind::handover: ev.kind = FeedEvent::Kind::handover; return ev;  // lost, as a disconnect's
      case StreamFault::Kind::sequence_jump:
      case StreamFault::Kind::sequence_reset: break;
    }
    publish_cursor();
  }
}

}  // namespace kucoin::mock
