// Owned, typed level2 messages of KuCoin spot (decoded from or encoded to the wire).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "kucoin/core/types.hpp"

namespace kucoin {

// One row of `changes.asks` / `changes.bids`: ["price", "size", "sequence"].
// size 0 removes the level; price 0 is a calibration row that only advances the sequence.
struct L2Change {
  Side side = Side::bid;
  Price price;
  Quantity size;
  std::int64_t sequence = 0;
  bool operator==(const L2Change&) const = default;
};

// `/market/level2:{symbol}` message, subject `trade.l2update`.
struct L2Update {
  std::string symbol;
  std::int64_t sequence_start = 0;
  std::int64_t sequence_end = 0;
  std::int64_t time_ms = 0;  // 0 when the frame has no `time` (older feeds)
  std::vector<L2Change> changes;
  bool operator==(const L2Update&) const = default;
};

struct L2Level {
  Price price;
  Quantity size;
  bool operator==(const L2Level&) const = default;
};

// For test failures and logs: "ask 67993.3 x 1.21427407 @14701689783", "67993.3 x 1.21427407".
inline std::ostream& operator<<(std::ostream& os, const L2Change& c) {
  return os << to_string(c.side) << ' ' << c.price << " x " << c.size << " @" << c.sequence;
}
inline std::ostream& operator<<(std::ostream& os, const L2Level& l) { return os << l.price << " x " << l.size; }

// REST level2 snapshot (`level2_20`, `level2_100`, v3 full book): bids high->low, asks low->high.
struct L2Snapshot {
  std::int64_t sequence = 0;
  std::int64_t time_ms = 0;
  std::vector<L2Level> bids;
  std::vector<L2Level> asks;
  bool operator==(const L2Snapshot&) const = default;
};

}  // namespace kucoin
