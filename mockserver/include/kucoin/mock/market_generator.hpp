// A seeded generator of realistic spot level2 books and their delta stream. It keeps the truth
// in its own std::map book (deliberately not the client's L2Book), so comparing a client's book
// with it can catch bugs in either. With `realism` on it also emits what real KuCoin books hold
// off the symbol's increments (sizes with more decimals than baseIncrement, huge sizes, prices
// finer than the tick).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kucoin/core/rng.hpp"
#include "kucoin/protocol/l2_messages.hpp"

namespace kucoin::mock {

// What real KuCoin books have and a tidy generator would not: values off the symbol's increments.
// All zero (off) by default; the bundled `real_decimals` case and `serve --realism` turn it on.
struct Realism {
  // Sizes with one to three more decimals than baseIncrement (leftovers of partly filled
  // orders): "0.00019434546" where baseIncrement is 0.00000001.
  unsigned fine_size_percent = 0;
  // Very large sizes with two decimals, 10^8..10^9 base units: "452338153.08", in the same book
  // as the fine ones (no single int64 scale holds both).
  unsigned huge_size_percent = 0;
  // New price levels one decimal finer than priceIncrement (the tick changed): "30000.15".
  unsigned fine_price_percent = 0;

  bool on() const noexcept { return fine_size_percent + huge_size_percent + fine_price_percent != 0; }
  // The mix seen in real captures: a few percent of sizes off the increment, rarer huge sizes and
  // prices finer than the tick.
  static Realism real() noexcept { return Realism{5, 1, 2}; }
  bool operator==(const Realism&) const = default;
};

// A trade of the generated market: a taker hit the best level of one side and took `size` from
// it (the level2 change that shrinks or removes that level is the same event).
struct Trade {
  Side taker_side = Side::bid;  // bid: a buyer took from the best ask; ask: a seller hit the best bid
  Price price;
  Quantity size;
  std::int64_t sequence = 0;  // the level2 change's sequence
  std::int64_t time_ms = 0;
  std::uint64_t id = 0;  // 1, 2, ... per generator
};

struct GeneratorConfig {
  std::string symbol = "BTC-USDT";
  SymbolScale scale{1, 8};              // BTC-USDT: priceIncrement 0.1, baseIncrement 1e-8
  std::int64_t mid_price = 300'000;     // in price units: 30000.0
  std::size_t levels_per_side = 2'000;  // the book never has fewer levels a side (it starts 10% above)
  unsigned min_batch = 1;               // changes per message
  unsigned max_batch = 4;
  unsigned removal_percent = 32;     // share of changes that remove a level
  unsigned insert_percent = 32;      // share that add a new price (the rest change a size)
  unsigned calibration_percent = 5;  // share of ["0","0",seq] rows
  unsigned near_top_percent = 80;    // share of changes within the best 10 levels
  std::int64_t start_sequence = 1'000'000'000;
  std::int64_t start_time_ms = 1'729'000'000'000;
  std::uint64_t seed = 42;
  Realism realism;
};

class MarketGenerator {
 public:
  explicit MarketGenerator(GeneratorConfig config);

  // Advances the market by one message and returns it (valid until the next call).
  const L2Update& next();

  // The trades of the last next(), in sequence order: every change that shrank or removed the
  // best level of a side (a taker hit it).
  const std::vector<Trade>& trades() const noexcept { return trades_; }

  // The full book as of sequence(), in KuCoin's snapshot order.
  L2Snapshot snapshot() const;
  std::int64_t sequence() const noexcept { return sequence_; }
  std::int64_t time_ms() const noexcept { return time_ms_; }
  const GeneratorConfig& config() const noexcept { return config_; }
  std::size_t depth(Side side) const noexcept { return side == Side::bid ? bids_.size() : asks_.size(); }

 private:
  // Price keys in units of 10^-price_decimals_; a tick is `tick_` of them (10 when fine prices
  // are on, so that a finer price is a key between two ticks). Sizes exact with their own decimals.
  using BidMap = std::map<std::int64_t, Quantity, std::greater<>>;  // best (highest) first
  using AskMap = std::map<std::int64_t, Quantity, std::less<>>;     // best (lowest) first
  std::size_t pick_depth(std::size_t depth);
  Quantity random_size();
  // Makes one change; `hit`: the size it took from the best level of its side (zero when none).
  void make_change(L2Change& c, Quantity& hit);

  GeneratorConfig config_;
  Rng rng_;
  BidMap bids_;
  AskMap asks_;
  std::int64_t sequence_;
  std::int64_t time_ms_;
  std::uint8_t price_decimals_;
  std::int64_t tick_;
  L2Update current_;
  std::vector<Trade> trades_;
  std::uint64_t trade_ids_ = 0;
};

}  // namespace kucoin::mock
