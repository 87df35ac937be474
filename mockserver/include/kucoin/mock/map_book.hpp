// MapBook: the mock's plain reference book, std::maps keyed by price value (prices with different
// decimals order right), independent of the client's L2Book so that the truth never shares a bug
// with what it checks. Used for lagging and historic snapshots (LiveMarket, BookHistory) and for
// books rebuilt from captures (CaptureSource). Pure.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

#include "kucoin/protocol/l2_messages.hpp"

namespace kucoin::mock {

struct MapBook {
  std::map<Price, Quantity, std::greater<>> bids;
  std::map<Price, Quantity, std::less<>> asks;
  std::int64_t sequence = 0;
  std::int64_t time_ms = 0;

  void load(const L2Snapshot& s);
  // Applies every change (size 0 removes the level; price-0 calibration rows carry none); the
  // sequence becomes the message's sequenceEnd, the time its time when it has one.
  void apply(const L2Update& u);
  L2Snapshot snapshot() const;  // KuCoin order: bids descending, asks ascending
};

}  // namespace kucoin::mock
