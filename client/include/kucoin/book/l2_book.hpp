// Full-depth level2 book for one symbol: integer prices, contiguous storage, best level last so
// that the frequent changes near the top move few bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kucoin/protocol/l2_messages.hpp"

namespace kucoin {

class L2Book {
 public:
  L2Book() = default;

  void clear() noexcept;
  // Replaces the book with these levels (any order; duplicate prices: the last wins; levels with
  // size <= 0 or price <= 0 are skipped).
  void load(std::span<const L2Level> bids, std::span<const L2Level> asks);
  void load(const L2Snapshot& snapshot) { load(snapshot.bids, snapshot.asks); }

  // Sets the absolute size at a price. Size 0 removes the level (a missing level is a no-op);
  // price 0 is KuCoin's calibration row and changes nothing.
  void apply(Side side, Price price, Quantity size);
  void apply(const L2Change& c) { apply(c.side, c.price, c.size); }

  std::optional<L2Level> best(Side side) const noexcept;
  std::optional<L2Level> best_bid() const noexcept { return best(Side::bid); }
  std::optional<L2Level> best_ask() const noexcept { return best(Side::ask); }
  std::size_t depth(Side side) const noexcept { return slots(side).size(); }
  bool empty() const noexcept { return bids_.empty() && asks_.empty(); }
  std::optional<Quantity> size_at(Side side, Price price) const noexcept;

  // The best `n` levels of a side, best first (bids high->low, asks low->high).
  std::vector<L2Level> top(Side side, std::size_t n) const;
  void top(Side side, std::size_t n, std::vector<L2Level>& out) const;

  // Calls f(const L2Level&) for every level of a side, best first; stops when f returns false.
  template <class F>
  void for_each(Side side, F&& f) const {
    const auto& v = slots(side);
    for (auto it = v.rbegin(); it != v.rend(); ++it) {
      if (!f(L2Level{Price{side == Side::bid ? it->key : -it->key}, Quantity{it->size}})) return;
    }
  }

  bool crossed_or_locked() const noexcept {
    return !bids_.empty() && !asks_.empty() && bids_.back().key >= -asks_.back().key;
  }

  std::size_t memory_bytes() const noexcept {
    return (bids_.capacity() + asks_.capacity()) * sizeof(Slot);
  }

  bool operator==(const L2Book& other) const = default;

 private:
  // key is the price for bids and the negated price for asks: both vectors ascend by key and the
  // best level of each side is at the back.
  struct Slot {
    std::int64_t key;
    std::int64_t size;
    bool operator==(const Slot&) const = default;
  };
  std::vector<Slot>& slots(Side s) noexcept { return s == Side::bid ? bids_ : asks_; }
  const std::vector<Slot>& slots(Side s) const noexcept { return s == Side::bid ? bids_ : asks_; }
  static std::size_t lower_bound_from_top(const std::vector<Slot>& v, std::int64_t key) noexcept;

  std::vector<Slot> bids_;
  std::vector<Slot> asks_;
};

// What check_book found wrong.
struct BookViolation {
  enum class Kind : std::uint8_t { crossed, locked, non_positive_size, unsorted } kind;
  std::string detail;  // for people: prices and sides involved
};

// Full invariant check: a crossed or locked top, non-positive sizes, ordering. O(levels).
std::optional<BookViolation> check_book(const L2Book& book, SymbolScale scale = {});

}  // namespace kucoin
