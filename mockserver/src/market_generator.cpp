#include "kucoin/mock/market_generator.hpp"

#include <algorithm>
#include <iterator>

#include "kucoin/core/decimal.hpp"

namespace kucoin::mock {

MarketGenerator::MarketGenerator(GeneratorConfig config)
    : config_(std::move(config)),
      rng_(config_.seed),
      sequence_(config_.start_sequence),
      time_ms_(config_.start_time_ms),
      price_decimals_(
          static_cast<std::uint8_t>(config_.scale.price_decimals + (config_.realism.fine_price_percent != 0 ? 1 : 0))),
      tick_(config_.realism.fine_price_percent != 0 ? 10 : 1) {
  if (config_.max_batch < config_.min_batch) config_.max_batch = config_.min_batch;
  if (config_.min_batch == 0) config_.min_batch = 1;
  if (config_.max_batch == 0) config_.max_batch = 1;
  std::int64_t bid = (config_.mid_price - 1) * tick_;
  std::int64_t ask = (config_.mid_price + 1) * tick_;
  // Start a little above the floor so that removals and inserts can balance out freely.
  for (std::size_t i = 0; i < config_.levels_per_side + config_.levels_per_side / 10; ++i) {
    if (bid > 0) bids_.emplace(bid, random_size());
    asks_.emplace(ask, random_size());
    bid -= rng_.between(1, 3) * tick_;
    ask += rng_.between(1, 3) * tick_;
  }
  current_.symbol = config_.symbol;
}

Quantity MarketGenerator::random_size() {
  const Realism& r = config_.realism;
  const std::uint8_t decimals = config_.scale.size_decimals;
  if (r.on()) {
    // One draw decides whether the size is off the increment, so a realism-off stream keeps
    // exactly the draws it always had.
    const auto roll = rng_.below(100);
    if (roll < r.fine_size_percent) {
      const auto extra = static_cast<std::uint8_t>(rng_.between(1, 3));
      std::int64_t scale = 1;
      for (int i = 0; i < decimals + extra; ++i) scale *= 10;
      // Not a multiple of 10: it really has the extra decimals.
      std::int64_t v = rng_.between(1, 2 * scale);
      if (v % 10 == 0) v += 1;
      return Quantity{v, static_cast<std::uint8_t>(decimals + extra)};
    }
    if (roll < r.fine_size_percent + r.huge_size_percent) {
      return Quantity{rng_.between(10'000'000'000, 99'999'999'999), 2};  // 100000000.00 .. 999999999.99
    }
  }
  // Mostly small lots with an occasional large one: 0.00000001 .. ~50 base units at 8 decimals.
  std::int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  if (rng_.percent(90)) return Quantity{rng_.between(1, 2 * scale), decimals};
  return Quantity{rng_.between(scale, 50 * scale), decimals};
}

std::size_t MarketGenerator::pick_depth(std::size_t depth) {
  if (depth == 0) return 0;
  if (rng_.percent(config_.near_top_percent)) return rng_.below(std::min<std::size_t>(10, depth));
  if (rng_.percent(50)) return rng_.below(std::min<std::size_t>(100, depth));
  return rng_.below(depth);
}

namespace {

// The level about `k` places from the top. Near the top it is exact; deeper it is found by price
// (levels are spread evenly enough), which costs a lookup instead of a walk of k nodes.
template <class Map>
typename Map::iterator nth_level(Map& book, std::size_t k) {
  if (k < 16) return std::next(book.begin(), static_cast<std::ptrdiff_t>(k));
  const std::int64_t first = book.begin()->first;
  const std::int64_t last = std::prev(book.end())->first;
  const auto span = static_cast<double>(last - first);
  const std::int64_t target =
      first + static_cast<std::int64_t>(span * static_cast<double>(k) / static_cast<double>(book.size() - 1));
  auto it = book.lower_bound(target);
  return it == book.end() ? std::prev(book.end()) : it;
}

// side_sign: +1 for bids (better = higher), -1 for asks (better = lower).
// tick: key units per tick; fine_pct: share of inserts placed between two ticks.
template <class Map>
void do_change(Map& book, std::int64_t other_best, bool has_other, std::int64_t side_sign, std::size_t target,
               unsigned removal_pct, unsigned insert_pct, Rng& rng, std::size_t idx, Quantity new_size,
               std::int64_t tick, unsigned fine_pct, std::int64_t& price_out, Quantity& size_out, Quantity& hit_out) {
  const std::size_t depth = book.size();
  enum { remove, insert, update } action;
  if (depth == 0 || depth < target) {
    action = insert;
  } else if (depth > target + target * 3 / 10) {
    action = remove;
  } else {
    const auto r = rng.below(100);
    action = r < removal_pct ? remove : (r < removal_pct + insert_pct ? insert : update);
  }
  if (action != insert) {
    auto it = nth_level(book, std::min(idx, depth - 1));
    price_out = it->first;
    // The best level shrinking or going away is a trade against it.
    if (it == book.begin()) {
      const Quantity left = action == remove ? Quantity{} : new_size;
      if (left < it->second) hit_out = (it->second - left).value_or(Quantity{});
    }
    if (action == remove) {
      book.erase(it);
      size_out = Quantity{};
    } else {
      it->second = new_size;
      size_out = new_size;
    }
    return;
  }
  const std::int64_t offset = rng.between(1, 3) * tick;
  std::int64_t price;
  if (depth == 0) {
    price = has_other ? other_best - side_sign * offset : 1'000 * offset;
  } else if (idx == 0) {
    price = book.begin()->first + side_sign * offset;  // improve on the best level
    if (has_other && (side_sign > 0 ? price >= other_best : price <= other_best)) {
      price = book.begin()->first - side_sign * offset;  // would cross: go behind it instead
    }
  } else {
    auto it = nth_level(book, std::min(idx, depth) - 1);
    price = it->first - side_sign * offset;
  }
  // A price between two ticks, always away from the other side so it cannot cross.
  if (tick > 1 && fine_pct != 0 && rng.percent(fine_pct)) price -= side_sign * rng.between(1, tick - 1);
  // An insert should add a level: step away from the top to the next free price (a few ticks).
  for (int step = 0; step < 8 && price > 0 && book.count(price) != 0; ++step) price -= side_sign * tick;
  if (price <= 0) price = book.begin()->first;  // never a non-positive price: change a size instead
  book[price] = new_size;
  price_out = price;
  size_out = new_size;
}

}  // namespace

void MarketGenerator::make_change(L2Change& c, Quantity& hit) {
  hit = Quantity{};
  if (rng_.percent(config_.calibration_percent)) {
    c.side = rng_.percent(50) ? Side::bid : Side::ask;
    c.price = Price{0, price_decimals_};
    c.size = Quantity{};
    return;
  }
  c.side = rng_.percent(50) ? Side::bid : Side::ask;
  const std::size_t target = config_.levels_per_side;
  const unsigned fine = config_.realism.fine_price_percent;
  std::int64_t price = 0;
  Quantity size;
  if (c.side == Side::bid) {
    const std::size_t idx = pick_depth(bids_.size());
    do_change(bids_, asks_.empty() ? 0 : asks_.begin()->first, !asks_.empty(), +1, target, config_.removal_percent,
              config_.insert_percent, rng_, idx, random_size(), tick_, fine, price, size, hit);
  } else {
    const std::size_t idx = pick_depth(asks_.size());
    do_change(asks_, bids_.empty() ? 0 : bids_.begin()->first, !bids_.empty(), -1, target, config_.removal_percent,
              config_.insert_percent, rng_, idx, random_size(), tick_, fine, price, size, hit);
  }
  c.price = Price{price, price_decimals_};
  c.size = size;
}

const L2Update& MarketGenerator::next() {
  auto& changes = current_.changes;
  changes.clear();
  trades_.clear();
  const auto n = rng_.between(config_.min_batch, config_.max_batch);
  current_.sequence_start = sequence_ + 1;
  for (std::int64_t k = 0; k < n; ++k) {
    L2Change c;
    c.sequence = ++sequence_;
    Quantity hit;
    make_change(c, hit);
    if (hit.raw > 0) {
      // A taker on the other side: a bid level is hit by a seller, an ask level lifted by a buyer.
      trades_.push_back(Trade{opposite(c.side), c.price, hit, c.sequence, 0, ++trade_ids_});
    }
    // KuCoin pushes only the latest change of a price within one message.
    auto same = std::find_if(changes.begin(), changes.end(),
                             [&](const L2Change& o) { return o.side == c.side && o.price == c.price; });
    if (same != changes.end()) changes.erase(same);
    changes.push_back(c);
  }
  current_.sequence_end = sequence_;
  time_ms_ += static_cast<std::int64_t>(rng_.below(3));
  current_.time_ms = time_ms_;
  for (Trade& t : trades_) t.time_ms = time_ms_;
  return current_;
}

L2Snapshot MarketGenerator::snapshot() const {
  L2Snapshot s;
  s.sequence = sequence_;
  s.time_ms = time_ms_;
  s.bids.reserve(bids_.size());
  s.asks.reserve(asks_.size());
  for (const auto& [p, q] : bids_) s.bids.push_back(L2Level{Price{p, price_decimals_}, q});
  for (const auto& [p, q] : asks_) s.asks.push_back(L2Level{Price{p, price_decimals_}, q});
  return s;
}

}  // namespace kucoin::mock
