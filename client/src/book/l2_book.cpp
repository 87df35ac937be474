#include "kucoin/book/l2_book.hpp"

#include <algorithm>

#include "kucoin/core/decimal.hpp"

namespace kucoin {

L2Book::L2Book(const L2Book& other) { *this = other; }

L2Book& L2Book::operator=(const L2Book& other) {
  if (this == &other) return *this;
  auto copy = [this](Half& dst, const Half& src) {
    clear_half(dst);
    dst.blocks.reserve(src.blocks.size());
    for (const auto& b : src.blocks) {
      auto nb = new_block();
      *nb = *b;
      dst.blocks.push_back(std::move(nb));
    }
    dst.count = src.count;
  };
  copy(bids_, other.bids_);
  copy(asks_, other.asks_);
  return *this;
}

std::unique_ptr<L2Book::Block> L2Book::new_block() {
  if (!spare_.empty()) {
    auto b = std::move(spare_.back());
    spare_.pop_back();
    b->n = 0;
    return b;
  }
  return std::make_unique<Block>();
}

void L2Book::release(std::unique_ptr<Block> b) noexcept {
  // Keep a few blocks for reuse; a book that shrank a lot gives the rest back.
  if (spare_.size() < 16) {
    try {
      spare_.push_back(std::move(b));
    } catch (...) {
    }
  }
}

void L2Book::clear_half(Half& h) noexcept {
  for (auto& b : h.blocks) release(std::move(b));
  h.blocks.clear();
  h.count = 0;
}

void L2Book::clear() noexcept {
  clear_half(bids_);
  clear_half(asks_);
}

void L2Book::fill(Half& h, std::vector<Slot>& v) {
  std::stable_sort(v.begin(), v.end(), [](const Slot& a, const Slot& b) { return a.key < b.key; });
  // Among duplicates the last in input order wins.
  std::size_t out = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (out != 0 && v[out - 1].key == v[i].key) {
      v[out - 1].size = v[i].size;
    } else {
      v[out++] = v[i];
    }
  }
  v.resize(out);
  clear_half(h);
  // Blocks start three quarters full so that both inserts and removals have room.
  constexpr std::size_t per = kBlock * 3 / 4;
  for (std::size_t i = 0; i < v.size(); i += per) {
    auto b = new_block();
    b->n = std::min(per, v.size() - i);
    std::copy_n(v.begin() + static_cast<std::ptrdiff_t>(i), b->n, b->slots.begin());
    h.blocks.push_back(std::move(b));
  }
  h.count = v.size();
}

void L2Book::load(std::span<const L2Level> bids, std::span<const L2Level> asks) {
  std::vector<Slot> v;
  v.reserve(std::max(bids.size(), asks.size()));
  for (const L2Level& l : bids) {
    if (l.price.raw > 0 && l.size.raw > 0) v.push_back(Slot{l.price.raw, l.size.raw});
  }
  fill(bids_, v);
  v.clear();
  for (const L2Level& l : asks) {
    if (l.price.raw > 0 && l.size.raw > 0) v.push_back(Slot{-l.price.raw, l.size.raw});
  }
  fill(asks_, v);
}

// Index of the block that holds `key` or would receive it: the last block whose first key is
// <= key, or 0. Most keys are near the top, so look at the last blocks before bisecting.
std::size_t L2Book::find_block(const Half& h, std::int64_t key) noexcept {
  const std::size_t nb = h.blocks.size();
  for (std::size_t k = nb, steps = 0; k-- > 0 && steps < 3; ++steps) {
    if (h.blocks[k]->slots[0].key <= key) return k;
  }
  std::size_t lo = 0, hi = nb;  // first block with first key > key, minus one
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (h.blocks[mid]->slots[0].key <= key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo == 0 ? 0 : lo - 1;
}

std::size_t L2Book::lower_bound(const Block& b, std::int64_t key) noexcept {
  // Branch-free bisection: a block is at most kBlock levels, so a few steps that compile to cmov.
  const Slot* base = b.slots.data();
  std::size_t len = b.n;
  while (len > 1) {
    const std::size_t half = len / 2;
    base = base[half - 1].key < key ? base + half : base;
    len -= half;
  }
  const std::size_t i = static_cast<std::size_t>(base - b.slots.data());
  return (len == 1 && base->key < key) ? i + 1 : i;
}

void L2Book::apply(Side side, Price price, Quantity size) {
  if (price.raw == 0) return;  // calibration row: sequence only
  Half& h = half(side);
  const std::int64_t key = side == Side::bid ? price.raw : -price.raw;
  if (h.blocks.empty()) {
    if (size.raw <= 0) return;
    auto b = new_block();
    b->slots[0] = Slot{key, size.raw};
    b->n = 1;
    h.blocks.push_back(std::move(b));
    h.count = 1;
    return;
  }
  std::size_t k = find_block(h, key);
  Block* b = h.blocks[k].get();
  std::size_t i = lower_bound(*b, key);
  const bool found = i < b->n && b->slots[i].key == key;
  if (size.raw <= 0) {
    if (!found) return;
    std::copy(b->slots.begin() + static_cast<std::ptrdiff_t>(i + 1), b->slots.begin() + static_cast<std::ptrdiff_t>(b->n),
              b->slots.begin() + static_cast<std::ptrdiff_t>(i));
    --b->n;
    --h.count;
    if (b->n == 0) {
      release(std::move(h.blocks[k]));
      h.blocks.erase(h.blocks.begin() + static_cast<std::ptrdiff_t>(k));
    } else if (k > 0 && b->n + h.blocks[k - 1]->n <= kBlock / 2) {
      // Merge a thin block into its lower neighbour so blocks stay reasonably full.
      Block* lower = h.blocks[k - 1].get();
      std::copy_n(b->slots.begin(), b->n, lower->slots.begin() + static_cast<std::ptrdiff_t>(lower->n));
      lower->n += b->n;
      release(std::move(h.blocks[k]));
      h.blocks.erase(h.blocks.begin() + static_cast<std::ptrdiff_t>(k));
    }
    return;
  }
  if (found) {
    b->slots[i].size = size.raw;
    return;
  }
  if (b->n == kBlock) {
    // Split in two halves; the upper half becomes block k + 1.
    auto upper = new_block();
    constexpr std::size_t keep = kBlock / 2;
    upper->n = kBlock - keep;
    std::copy_n(b->slots.begin() + keep, upper->n, upper->slots.begin());
    b->n = keep;
    Block* up = upper.get();
    h.blocks.insert(h.blocks.begin() + static_cast<std::ptrdiff_t>(k + 1), std::move(upper));
    if (i > keep || (i == keep && key > up->slots[0].key)) {
      b = up;
      i -= keep;
    }
  }
  std::copy_backward(b->slots.begin() + static_cast<std::ptrdiff_t>(i), b->slots.begin() + static_cast<std::ptrdiff_t>(b->n),
                     b->slots.begin() + static_cast<std::ptrdiff_t>(b->n + 1));
  b->slots[i] = Slot{key, size.raw};
  ++b->n;
  ++h.count;
}

std::size_t L2Book::truncate(Side side, std::size_t max_levels) {
  Half& h = half(side);
  std::size_t dropped = 0;
  while (h.count > max_levels && !h.blocks.empty()) {
    Block& b = *h.blocks.front();
    const std::size_t excess = h.count - max_levels;
    if (b.n <= excess) {
      dropped += b.n;
      h.count -= b.n;
      release(std::move(h.blocks.front()));
      h.blocks.erase(h.blocks.begin());
    } else {
      std::copy(b.slots.begin() + static_cast<std::ptrdiff_t>(excess), b.slots.begin() + static_cast<std::ptrdiff_t>(b.n),
                b.slots.begin());
      b.n -= excess;
      h.count -= excess;
      dropped += excess;
    }
  }
  return dropped;
}

std::size_t L2Book::count_at_or_better(Side side, Price bound) const noexcept {
  const Half& h = half(side);
  if (h.count == 0) return 0;
  // Levels with key >= bound's key are at least as good.
  const std::int64_t key = side == Side::bid ? bound.raw : -bound.raw;
  const std::size_t k = find_block(h, key);
  std::size_t below = 0;
  for (std::size_t j = 0; j < k; ++j) below += h.blocks[j]->n;
  below += lower_bound(*h.blocks[k], key);
  return h.count - below;
}

std::optional<L2Level> L2Book::best(Side side) const noexcept {
  const Half& h = half(side);
  if (h.count == 0) return std::nullopt;
  const Slot& s = top_slot(h);
  return L2Level{Price{side == Side::bid ? s.key : -s.key}, Quantity{s.size}};
}

std::optional<Quantity> L2Book::size_at(Side side, Price price) const noexcept {
  const Half& h = half(side);
  if (h.count == 0) return std::nullopt;
  const std::int64_t key = side == Side::bid ? price.raw : -price.raw;
  const Block& b = *h.blocks[find_block(h, key)];
  const std::size_t i = lower_bound(b, key);
  if (i < b.n && b.slots[i].key == key) return Quantity{b.slots[i].size};
  return std::nullopt;
}

void L2Book::top(Side side, std::size_t n, std::vector<L2Level>& out) const {
  out.clear();
  out.reserve(std::min(n, depth(side)));
  if (n == 0) return;
  for_each(side, [&](const L2Level& l) {
    out.push_back(l);
    return out.size() < n;
  });
}

std::vector<L2Level> L2Book::top(Side side, std::size_t n) const {
  std::vector<L2Level> out;
  top(side, n, out);
  return out;
}

std::size_t L2Book::memory_bytes() const noexcept {
  return (bids_.blocks.size() + asks_.blocks.size() + spare_.size()) * sizeof(Block) +
         (bids_.blocks.capacity() + asks_.blocks.capacity() + spare_.capacity()) * sizeof(void*);
}

bool L2Book::operator==(const L2Book& other) const {
  for (Side side : {Side::bid, Side::ask}) {
    if (depth(side) != other.depth(side)) return false;
    std::vector<L2Level> mine, theirs;
    top(side, depth(side), mine);
    other.top(side, depth(side), theirs);
    if (mine != theirs) return false;
  }
  return true;
}

std::optional<BookViolation> check_book(const L2Book& book, SymbolScale scale) {
  const auto fmt = [&](Price p) { return format_fixed(p.raw, scale.price_decimals); };
  for (Side side : {Side::bid, Side::ask}) {
    std::optional<std::int64_t> prev;
    std::optional<BookViolation> found;
    book.for_each(side, [&](const L2Level& l) {
      if (l.size.raw <= 0) {
        found = BookViolation{BookViolation::Kind::non_positive_size,
                              std::string(to_string(side)) + " level " + fmt(l.price) + " has size " +
                                  format_fixed(l.size.raw, scale.size_decimals)};
        return false;
      }
      if (prev && (side == Side::bid ? l.price.raw >= *prev : l.price.raw <= *prev)) {
        found = BookViolation{BookViolation::Kind::unsorted,
                              std::string(to_string(side)) + " levels out of order at " + fmt(l.price)};
        return false;
      }
      prev = l.price.raw;
      return true;
    });
    if (found) return found;
  }
  auto bid = book.best_bid();
  auto ask = book.best_ask();
  if (bid && ask && bid->price >= ask->price) {
    const bool locked = bid->price == ask->price;
    return BookViolation{locked ? BookViolation::Kind::locked : BookViolation::Kind::crossed,
                         std::string(locked ? "locked" : "crossed") + " book: best bid " + fmt(bid->price) +
                             (locked ? " == " : " > ") + "best ask " + fmt(ask->price)};
  }
  return std::nullopt;
}

}  // namespace kucoin
