#include "kucoin/book/futures_book.hpp"

namespace kucoin {

Result<std::vector<FuturesLevel>> futures_top(const L2Book& book, Side side, std::size_t n, Quantity multiplier) {
  std::vector<FuturesLevel> out;
  out.reserve(std::min(n, book.depth(side)));
  Result<void> bad;
  book.for_each(side, [&](const L2Level& l) {
    if (out.size() >= n) return false;
    const auto base = lots_to_base(l.size, multiplier);
    if (!base) {
      bad = fail(Errc::out_of_range, "the size at " + to_string(l.price) + " (" + to_string(l.size) +
                                         " lots) times the multiplier " + to_string(multiplier) +
                                         " has more than 18 significant digits");
      return false;
    }
    out.push_back(FuturesLevel{l.price, l.size, *base});
    return true;
  });
  if (!bad) return Unexpected{std::move(bad).error()};
  return out;
}

std::optional<Quantity> futures_size_at(const L2Book& book, Side side, Price price, Quantity multiplier) {
  const auto lots = book.size_at(side, price);
  if (!lots) return std::nullopt;
  return lots_to_base(*lots, multiplier);
}

ScaleTable futures_scales(std::span<const FuturesContract> contracts) {
  ScaleTable t(SymbolScale{1, 0});
  for (const FuturesContract& c : contracts) t.set(c.symbol, c.scale());
  return t;
}

}  // namespace kucoin
