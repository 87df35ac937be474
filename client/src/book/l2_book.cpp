#include "kucoin/book/l2_book.hpp"

#include <algorithm>

#include "kucoin/core/decimal.hpp"

namespace kucoin {

void L2Book::clear() noexcept {
  bids_.clear();
  asks_.clear();
}

void L2Book::load(std::span<const L2Level> bids, std::span<const L2Level> asks) {
  auto fill = [](std::vector<Slot>& v, std::span<const L2Level> levels, bool negate) {
    v.clear();
    v.reserve(levels.size());
    for (const L2Level& l : levels) {
      if (l.price.raw <= 0 || l.size.raw <= 0) continue;
      v.push_back(Slot{negate ? -l.price.raw : l.price.raw, l.size.raw});
    }
    // Stable so that, among duplicates, input order survives and the last one can win.
    std::stable_sort(v.begin(), v.end(), [](const Slot& a, const Slot& b) { return a.key < b.key; });
    auto out = v.begin();
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (out != v.begin() && (out - 1)->key == it->key) {
        (out - 1)->size = it->size;
      } else {
        *out++ = *it;
      }
    }
    v.erase(out, v.end());
  };
  fill(bids_, bids, false);
  fill(asks_, asks, true);
}

std::size_t L2Book::lower_bound_from_top(const std::vector<Slot>& v, std::int64_t key) noexcept {
  // Most changes touch the first few levels: scan them from the top, then bisect the rest.
  std::size_t hi = v.size();
  int steps = 0;
  while (hi > 0 && v[hi - 1].key >= key) {
    --hi;
    if (++steps == 8) {
      auto it = std::lower_bound(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(hi), key,
                                 [](const Slot& s, std::int64_t k) { return s.key < k; });
      return static_cast<std::size_t>(it - v.begin());
    }
  }
  return hi;
}

void L2Book::apply(Side side, Price price, Quantity size) {
  if (price.raw == 0) return;  // calibration row: sequence only
  auto& v = slots(side);
  const std::int64_t key = side == Side::bid ? price.raw : -price.raw;
  const std::size_t i = lower_bound_from_top(v, key);
  const bool found = i < v.size() && v[i].key == key;
  if (size.raw <= 0) {
    if (found) v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
    return;
  }
  if (found) {
    v[i].size = size.raw;
  } else {
    v.insert(v.begin() + static_cast<std::ptrdiff_t>(i), Slot{key, size.raw});
  }
}

std::optional<L2Level> L2Book::best(Side side) const noexcept {
  const auto& v = slots(side);
  if (v.empty()) return std::nullopt;
  const Slot& s = v.back();
  return L2Level{Price{side == Side::bid ? s.key : -s.key}, Quantity{s.size}};
}

std::optional<Quantity> L2Book::size_at(Side side, Price price) const noexcept {
  const auto& v = slots(side);
  const std::int64_t key = side == Side::bid ? price.raw : -price.raw;
  const std::size_t i = lower_bound_from_top(v, key);
  if (i < v.size() && v[i].key == key) return Quantity{v[i].size};
  return std::nullopt;
}

void L2Book::top(Side side, std::size_t n, std::vector<L2Level>& out) const {
  out.clear();
  const auto& v = slots(side);
  const std::size_t count = std::min(n, v.size());
  out.reserve(count);
  for (std::size_t k = 0; k < count; ++k) {
    const Slot& s = v[v.size() - 1 - k];
    out.push_back(L2Level{Price{side == Side::bid ? s.key : -s.key}, Quantity{s.size}});
  }
}

std::vector<L2Level> L2Book::top(Side side, std::size_t n) const {
  std::vector<L2Level> out;
  top(side, n, out);
  return out;
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
