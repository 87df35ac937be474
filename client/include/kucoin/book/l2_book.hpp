// Full-depth level2 book for one symbol: integer prices; each side is a short sequence of sorted
// blocks of at most 32 levels, with the best level last. Changes near the top (most of them)
// touch only the last block, and a change deep in a book of thousands of levels moves at most
// one block's worth of memory instead of everything above it.
//
// Prices are kept as int64 keys at one scale per book (price_decimals()), which widens on demand
// when a finer price arrives (all keys are multiplied once; a rare event after a tick change).
// Sizes are kept exactly with their own decimals each, so a book may hold "0.00019434546" and
// "452338153.08" at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <climits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kucoin/protocol/l2_messages.hpp"

namespace kucoin {

class L2Book {
 public:
  L2Book() = default;
  L2Book(const L2Book& other);
  L2Book& operator=(const L2Book& other);
  L2Book(L2Book&&) noexcept = default;
  L2Book& operator=(L2Book&&) noexcept = default;
  ~L2Book() = default;

  void clear() noexcept;
  // Replaces the book with these levels (any order; duplicate prices: the last wins; levels with
  // size <= 0 or price <= 0 are skipped). False (and an empty book) when the prices cannot share
  // one int64 scale (more than 18 significant digits between the largest and the finest).
  bool load(std::span<const L2Level> bids, std::span<const L2Level> asks);
  bool load(const L2Snapshot& snapshot) { return load(snapshot.bids, snapshot.asks); }

  // Sets the absolute size at a price. Size 0 removes the level (a missing level is a no-op);
  // price 0 is KuCoin's calibration row and changes nothing. False (book unchanged) when the
  // price cannot share the book's scale (see load).
  bool apply(Side side, Price price, Quantity size);
  bool apply(const L2Change& c) { return apply(c.side, c.price, c.size); }

  // Decimals of the book's price keys: the finest price it has held since it was created.
  int price_decimals() const noexcept { return price_decimals_; }

  // Drops the deepest levels of a side beyond `max_levels` (memory bound). Returns how many.
  std::size_t truncate(Side side, std::size_t max_levels);
  // Levels of a side at prices at least as good as `bound` (bids >= bound, asks <= bound).
  std::size_t count_at_or_better(Side side, Price bound) const noexcept;

  std::optional<L2Level> best(Side side) const noexcept;
  std::optional<L2Level> best_bid() const noexcept { return best(Side::bid); }
  std::optional<L2Level> best_ask() const noexcept { return best(Side::ask); }
  std::size_t depth(Side side) const noexcept { return half(side).count; }
  bool empty() const noexcept { return bids_.count == 0 && asks_.count == 0; }
  std::optional<Quantity> size_at(Side side, Price price) const noexcept;

  // The best `n` levels of a side, best first (bids high->low, asks low->high).
  std::vector<L2Level> top(Side side, std::size_t n) const;
  void top(Side side, std::size_t n, std::vector<L2Level>& out) const;

  // Calls f(const L2Level&) for every level of a side, best first; stops when f returns false.
  template <class F>
  void for_each(Side side, F&& f) const {
    const Half& h = half(side);
    const bool bid = side == Side::bid;
    for (auto b = h.blocks.rbegin(); b != h.blocks.rend(); ++b) {
      const Block& blk = **b;
      for (std::size_t i = blk.n; i-- > 0;) {
        if (!f(L2Level{Price{bid ? blk.keys[i] : -blk.keys[i], price_decimals_},
                       Quantity{blk.sizes[i], blk.size_decimals[i]}})) {
          return;
        }
      }
    }
  }

  bool crossed_or_locked() const noexcept {
    return bids_.count != 0 && asks_.count != 0 && top_key(bids_) >= -top_key(asks_);
  }

  std::size_t memory_bytes() const noexcept;

  // Same levels on both sides (the block layout does not matter).
  bool operator==(const L2Book& other) const;

 private:
  // key is the price for bids and the negated price for asks: every block and the block sequence
  // ascend by key, and the best level of each side is the last slot of its last block.
  struct Slot {
    std::int64_t key;
    std::int64_t size;
    std::uint8_t size_decimals;
  };
  static constexpr std::size_t kBlock = 32;
  static constexpr std::int64_t kEmptyKey = INT64_MAX;  // in every unused slot of a block
  // Keys and sizes in separate arrays: finding a key is a count of smaller keys over one
  // contiguous array, which the compiler turns into a few vector compares.
  struct Block {
    std::size_t n = 0;
    std::array<std::int64_t, kBlock> keys;
    std::array<std::int64_t, kBlock> sizes;
    std::array<std::uint8_t, kBlock> size_decimals;
  };
  struct Half {
    std::vector<std::unique_ptr<Block>> blocks;  // ascending by key
    // firsts[k] == blocks[k]->keys[0]: finding a block searches this contiguous array instead of
    // following a pointer per probe (a deep book has about a hundred blocks a side).
    std::vector<std::int64_t> firsts;
    std::size_t count = 0;
  };
  const Half& half(Side s) const noexcept { return s == Side::bid ? bids_ : asks_; }
  Half& half(Side s) noexcept { return s == Side::bid ? bids_ : asks_; }
  static std::int64_t top_key(const Half& h) noexcept { return h.blocks.back()->keys[h.blocks.back()->n - 1]; }
  static Quantity top_size(const Half& h) noexcept {
    const Block& b = *h.blocks.back();
    return Quantity{b.sizes[b.n - 1], b.size_decimals[b.n - 1]};
  }
  // `price` as a key raw value at the book's scale, widening the scale when the price is finer.
  bool key_raw(Price price, std::int64_t& raw);
  bool key_raw_slow(Price price, std::int64_t& raw);
  bool widen(int decimals);
  // Moves `count` levels of `src` starting at `from` to `dst` at `to` (ranges may overlap).
  static void move_levels(Block& src, std::size_t from, std::size_t count, Block& dst, std::size_t to) noexcept;
  static std::size_t find_block(const Half& h, std::int64_t key) noexcept;
  static std::size_t lower_bound(const Block& b, std::int64_t key) noexcept;
  std::unique_ptr<Block> new_block();
  void release(std::unique_ptr<Block> b) noexcept;
  void reserve_spares();
  void fill(Half& h, std::vector<Slot>& sorted);
  static void erase_block(Half& h, std::size_t k) noexcept;
  void clear_half(Half& h) noexcept;

  Half bids_;
  Half asks_;
  std::uint8_t price_decimals_ = 0;
  std::vector<std::unique_ptr<Block>> spare_;  // recycled blocks
};

// What check_book found wrong.
struct BookViolation {
  enum class Kind : std::uint8_t { crossed, locked, non_positive_size, unsorted } kind;
  std::string detail;  // for people: prices and sides involved
};

// Full invariant check: a crossed or locked top, non-positive sizes, ordering. O(levels).
std::optional<BookViolation> check_book(const L2Book& book);

}  // namespace kucoin
