#include "kucoin/mock/map_book.hpp"

namespace kucoin::mock {

void MapBook::load(const L2Snapshot& s) {
  bids.clear();
  asks.clear();
  for (const auto& l : s.bids) bids[l.price] = l.size;
  for (const auto& l : s.asks) asks[l.price] = l.size;
  sequence = s.sequence;
  time_ms = s.time_ms;
}

void MapBook::apply(const L2Update& u) {
  for (const L2Change& c : u.changes) {
    if (c.price.raw == 0) continue;
    auto set = [&](auto& m) {
      if (c.size.raw == 0) {
        m.erase(c.price);
      } else {
        m[c.price] = c.size;
      }
    };
    c.side == Side::bid ? set(bids) : set(asks);
  }
  sequence = u.sequence_end;
  if (u.time_ms != 0) time_ms = u.time_ms;
}

L2Snapshot MapBook::snapshot() const {
  L2Snapshot s;
  s.sequence = sequence;
  s.time_ms = time_ms;
  s.bids.reserve(bids.size());
  s.asks.reserve(asks.size());
  for (const auto& [p, q] : bids) s.bids.push_back(L2Level{p, q});
  for (const auto& [p, q] : asks) s.asks.push_back(L2Level{p, q});
  return s;
}

}  // namespace kucoin::mock
