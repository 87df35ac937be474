#include "kucoin/book/l2_book.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

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
    dst.firsts = src.firsts;
    dst.count = src.count;
  };
  copy(bids_, other.bids_);
  copy(asks_, other.asks_);
  price_decimals_ = other.price_decimals_;
  return *this;
}

std::unique_ptr<L2Book::Block> L2Book::new_block() {
  if (!spare_.empty()) {
    auto b = std::move(spare_.back());
    spare_.pop_back();
    b->n = 0;
    b->keys.fill(kEmptyKey);
    return b;
  }
  auto b = std::make_unique<Block>();
  b->keys.fill(kEmptyKey);
  return b;
}

void L2Book::release(std::unique_ptr<Block> b) noexcept {
  // Keep blocks for reuse, up to about as many as the book had at its snapshot; a book that
  // shrank a lot gives the rest back. The spare list's capacity is reserved beforehand (reserve_spares), so this never
  // allocates on the update path.
  if (spare_.size() < spare_.capacity()) spare_.push_back(std::move(b));
}

// After a snapshot: spare blocks and vector room for the book to grow by half without a heap
// allocation per update (allocations happen here, at snapshot time, instead).
void L2Book::reserve_spares() {
  const std::size_t blocks = bids_.blocks.size() + asks_.blocks.size();
  const std::size_t want = blocks / 2 + 16;
  if (spare_.capacity() < blocks + 32) spare_.reserve(blocks + 32);
  while (spare_.size() < want) {
    auto b = std::make_unique<Block>();
    b->keys.fill(kEmptyKey);
    spare_.push_back(std::move(b));
  }
  for (Half* h : {&bids_, &asks_}) {
    const std::size_t room = 2 * h->blocks.size() + 16;
    h->blocks.reserve(room);
    h->firsts.reserve(room);
  }
}

void L2Book::clear_half(Half& h) noexcept {
  for (auto& b : h.blocks) release(std::move(b));
  h.blocks.clear();
  h.firsts.clear();
  h.count = 0;
}

// Releases block k (already emptied or merged away) and its entry in `firsts`.
void L2Book::erase_block(Half& h, std::size_t k) noexcept {
  const auto at = static_cast<std::ptrdiff_t>(k);
  h.blocks.erase(h.blocks.begin() + at);
  h.firsts.erase(h.firsts.begin() + at);
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
      v[out - 1].size_decimals = v[i].size_decimals;
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
    for (std::size_t j = 0; j < b->n; ++j) {
      b->keys[j] = v[i + j].key;
      b->sizes[j] = v[i + j].size;
      b->size_decimals[j] = v[i + j].size_decimals;
    }
    h.firsts.push_back(b->keys[0]);
    h.blocks.push_back(std::move(b));
  }
  h.count = v.size();
}

bool L2Book::load(std::span<const L2Level> bids, std::span<const L2Level> asks) {
  // One scale for every price: the most decimals any level is written with (the decoder writes
  // a symbol's prices with its tick's decimals, so later deltas match the scale as they are).
  // If that does not fit, the fewest that hold every price exactly (trailing zeros dropped).
  const std::uint8_t before = price_decimals_;
  int written = before, needed = before;
  for (const auto* side : {&bids, &asks}) {
    for (const L2Level& l : *side) {
      if (l.price.decimals > written) written = l.price.decimals;
      if (l.price.decimals > needed) needed = std::max(needed, significant_decimals(l.price.raw, l.price.decimals));
    }
  }
  std::vector<Slot> v;
  v.reserve(std::max(bids.size(), asks.size()));
  for (int decimals : {written, needed}) {
    clear();
    price_decimals_ = static_cast<std::uint8_t>(decimals);
    bool ok = true;
    for (Side side : {Side::bid, Side::ask}) {
      v.clear();
      for (const L2Level& l : side == Side::bid ? bids : asks) {
        if (l.price.raw <= 0 || l.size.raw <= 0) continue;
        const auto raw = rescale(l.price.raw, l.price.decimals, decimals);
        if (!raw) {
          ok = false;
          break;
        }
        v.push_back(Slot{side == Side::bid ? *raw : -*raw, l.size.raw, l.size.decimals});
      }
      if (!ok) break;
      fill(half(side), v);
    }
    if (ok) {
      reserve_spares();
      return true;
    }
    if (written == needed) break;
  }
  clear();
  price_decimals_ = before;
  return false;
}

bool L2Book::widen(int decimals) {
  if (decimals <= price_decimals_) return true;
  if (decimals > kMaxDecimals) return false;
  const auto factor = static_cast<std::int64_t>(kPow10[static_cast<std::size_t>(decimals - price_decimals_)]);
  // The largest magnitude: the best bid, and the worst (highest) ask, the first key of the asks.
  std::int64_t largest = 0;
  if (bids_.count != 0) largest = top_key(bids_);
  if (asks_.count != 0) largest = std::max(largest, -asks_.blocks.front()->keys[0]);
  if (largest > std::numeric_limits<std::int64_t>::max() / factor) return false;
  for (Half* h : {&bids_, &asks_}) {
    for (auto& b : h->blocks) {
      for (std::size_t i = 0; i < b->n; ++i) b->keys[i] *= factor;
    }
    for (auto& f : h->firsts) f *= factor;
  }
  price_decimals_ = static_cast<std::uint8_t>(decimals);
  return true;
}

bool L2Book::key_raw_slow(Price price, std::int64_t& raw) {
  if (price.decimals > price_decimals_) {
    const int finer = significant_decimals(price.raw, price.decimals);
    if (finer > price_decimals_ && !widen(finer)) return false;
  }
  const auto r = rescale(price.raw, price.decimals, price_decimals_);
  if (!r) return false;
  raw = *r;
  return true;
}

inline bool L2Book::key_raw(Price price, std::int64_t& raw) {
  if (price.decimals == price_decimals_) [[likely]] {
    raw = price.raw;
    return true;
  }
  return key_raw_slow(price, raw);
}

// Index of the block that holds `key` or would receive it: the last block whose first key is
// <= key, or 0. Most keys are near the top, so look at the last blocks before bisecting.
std::size_t L2Book::find_block(const Half& h, std::int64_t key) noexcept {
  const std::int64_t* const f = h.firsts.data();
  const std::size_t nb = h.firsts.size();
  for (std::size_t k = nb, steps = 0; k-- > 0 && steps < 3; ++steps) {
    if (f[k] <= key) return k;
  }
  std::size_t lo = 0, hi = nb;  // first block with first key > key, minus one
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (f[mid] <= key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo == 0 ? 0 : lo - 1;
}

std::size_t L2Book::lower_bound(const Block& b, std::int64_t key) noexcept {
  // The block is sorted, so the position is the number of smaller keys. Unused slots hold
  // kEmptyKey, so the loop has a fixed length: no branches, and the compiler vectorizes it.
  std::size_t count = 0;
  for (std::size_t i = 0; i < kBlock; ++i) count += b.keys[i] < key ? 1U : 0U;
  return count;
}

void L2Book::move_levels(Block& src, std::size_t from, std::size_t count, Block& dst, std::size_t to) noexcept {
  if (count == 0) return;
  // Most changes are at the top, the end of the last block: a few levels move. An element loop in
  // the right direction beats three library calls there.
  if (count <= 4) {
    if (&src != &dst || to < from) {
      for (std::size_t j = 0; j < count; ++j) {
        dst.keys[to + j] = src.keys[from + j];
        dst.sizes[to + j] = src.sizes[from + j];
        dst.size_decimals[to + j] = src.size_decimals[from + j];
      }
    } else {
      for (std::size_t j = count; j-- > 0;) {
        dst.keys[to + j] = src.keys[from + j];
        dst.sizes[to + j] = src.sizes[from + j];
        dst.size_decimals[to + j] = src.size_decimals[from + j];
      }
    }
    return;
  }
  std::memmove(dst.keys.data() + to, src.keys.data() + from, count * sizeof(std::int64_t));
  std::memmove(dst.sizes.data() + to, src.sizes.data() + from, count * sizeof(std::int64_t));
  std::memmove(dst.size_decimals.data() + to, src.size_decimals.data() + from, count);
}

// A portable x86-64 build (no -mavx2) still gets AVX2 where it counts: GCC compiles apply() (with
// the block search inlined: 32 signed 64-bit compares, which SSE2 cannot do as vectors) twice and
// picks the AVX2 copy at load time on a CPU that has it (function multiversioning, ifunc).
// Not under the sanitizers: the ifunc resolver runs during relocation, before their runtime is up
// (under ThreadSanitizer the instrumented resolver crashed every test binary at load).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__AVX2__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && !defined(KUCOIN_NO_BOOK_CLONES)
#define KUCOIN_BOOK_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define KUCOIN_BOOK_CLONES
#endif

KUCOIN_BOOK_CLONES bool L2Book::apply(Side side, Price price, Quantity size) {
  if (price.raw == 0) return true;  // calibration row: sequence only
  Half& h = half(side);
  std::int64_t raw;
  if (!key_raw(price, raw)) return false;
  const std::int64_t key = side == Side::bid ? raw : -raw;
  if (h.blocks.empty()) {
    if (size.raw <= 0) return true;
    auto b = new_block();
    b->keys[0] = key;
    b->sizes[0] = size.raw;
    b->size_decimals[0] = size.decimals;
    b->n = 1;
    h.firsts.push_back(key);
    h.blocks.push_back(std::move(b));
    h.count = 1;
    return true;
  }
  std::size_t k = find_block(h, key);
  Block* b = h.blocks[k].get();
  std::size_t i = lower_bound(*b, key);
  const bool found = i < b->n && b->keys[i] == key;
  if (size.raw <= 0) {
    if (!found) return true;
    move_levels(*b, i + 1, b->n - i - 1, *b, i);
    --b->n;
    b->keys[b->n] = kEmptyKey;
    --h.count;
    if (b->n == 0) {
      release(std::move(h.blocks[k]));
      erase_block(h, k);
    } else if (k > 0 && b->n + h.blocks[k - 1]->n <= kBlock / 2) {
      // Merge a thin block into its lower neighbour so blocks stay reasonably full.
      Block* lower = h.blocks[k - 1].get();
      move_levels(*b, 0, b->n, *lower, lower->n);
      lower->n += b->n;
      release(std::move(h.blocks[k]));
      erase_block(h, k);
    } else if (i == 0) {
      h.firsts[k] = b->keys[0];
    }
    return true;
  }
  if (found) {
    b->sizes[i] = size.raw;
    b->size_decimals[i] = size.decimals;
    return true;
  }
  if (b->n == kBlock) {
    // Split in two halves; the upper half becomes block k + 1.
    auto upper = new_block();
    constexpr std::size_t keep = kBlock / 2;
    upper->n = kBlock - keep;
    move_levels(*b, keep, upper->n, *upper, 0);
    b->n = keep;
    std::fill(b->keys.begin() + keep, b->keys.end(), kEmptyKey);
    Block* up = upper.get();
    h.blocks.insert(h.blocks.begin() + static_cast<std::ptrdiff_t>(k + 1), std::move(upper));
    h.firsts.insert(h.firsts.begin() + static_cast<std::ptrdiff_t>(k + 1), up->keys[0]);
    if (i > keep || (i == keep && key > up->keys[0])) {
      b = up;
      i -= keep;
      ++k;
    }
  }
  move_levels(*b, i, b->n - i, *b, i + 1);
  if (i == 0) h.firsts[k] = key;
  b->keys[i] = key;
  b->sizes[i] = size.raw;
  b->size_decimals[i] = size.decimals;
  ++b->n;
  ++h.count;
  return true;
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
      erase_block(h, 0);
    } else {
      move_levels(b, excess, b.n - excess, b, 0);
      std::fill(b.keys.begin() + static_cast<std::ptrdiff_t>(b.n - excess), b.keys.end(), kEmptyKey);
      b.n -= excess;
      h.firsts[0] = b.keys[0];
      h.count -= excess;
      dropped += excess;
    }
  }
  return dropped;
}

std::size_t L2Book::count_at_or_better(Side side, Price bound) const noexcept {
  const Half& h = half(side);
  if (h.count == 0) return 0;
  // Levels with key >= bound's key are at least as good. A bound finer than the book's scale
  // rounds towards the levels it admits: bids at or above ceil(bound), asks at or below floor.
  detail::int128 b = bound.raw;
  if (bound.decimals <= price_decimals_) {
    b *= static_cast<detail::int128>(kPow10[static_cast<std::size_t>(price_decimals_ - bound.decimals)]);
  } else {
    const auto d = static_cast<detail::int128>(kPow10[static_cast<std::size_t>(bound.decimals - price_decimals_)]);
    b = side == Side::bid ? (b + d - 1) / d : b / d;
  }
  if (b > std::numeric_limits<std::int64_t>::max()) return side == Side::bid ? 0 : h.count;
  const std::int64_t key = side == Side::bid ? static_cast<std::int64_t>(b) : -static_cast<std::int64_t>(b);
  const std::size_t k = find_block(h, key);
  std::size_t below = 0;
  for (std::size_t j = 0; j < k; ++j) below += h.blocks[j]->n;
  below += lower_bound(*h.blocks[k], key);
  return h.count - below;
}

std::optional<L2Level> L2Book::best(Side side) const noexcept {
  const Half& h = half(side);
  if (h.count == 0) return std::nullopt;
  const std::int64_t k = top_key(h);
  return L2Level{Price{side == Side::bid ? k : -k, price_decimals_}, top_size(h)};
}

std::optional<Quantity> L2Book::size_at(Side side, Price price) const noexcept {
  const Half& h = half(side);
  if (h.count == 0) return std::nullopt;
  const auto raw = rescale(price.raw, price.decimals, price_decimals_);
  if (!raw) return std::nullopt;  // finer than any price of the book, or beyond its range
  const std::int64_t key = side == Side::bid ? *raw : -*raw;
  const Block& b = *h.blocks[find_block(h, key)];
  const std::size_t i = lower_bound(b, key);
  if (i < b.n && b.keys[i] == key) return Quantity{b.sizes[i], b.size_decimals[i]};
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
         (bids_.blocks.capacity() + asks_.blocks.capacity() + spare_.capacity()) * sizeof(void*) +
         (bids_.firsts.capacity() + asks_.firsts.capacity()) * sizeof(std::int64_t);
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

std::optional<BookViolation> check_book(const L2Book& book) {
  const auto fmt = [](Price p) { return to_string(p); };
  for (Side side : {Side::bid, Side::ask}) {
    std::optional<std::int64_t> prev;
    std::optional<BookViolation> found;
    book.for_each(side, [&](const L2Level& l) {
      if (l.size.raw <= 0) {
        found =
            BookViolation{BookViolation::Kind::non_positive_size,
                          std::string(to_string(side)) + " level " + fmt(l.price) + " has size " + to_string(l.size)};
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
