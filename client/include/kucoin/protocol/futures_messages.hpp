// Owned, typed KuCoin Futures market data (kucoin-protocol.md §1, §7): contracts and the REST
// level2 snapshot. A futures level2 message is held as an L2Update (one change, sequence_start ==
// sequence_end == the message's sequence), so that the spot synchronizer and book tracker keep
// futures books with the same rules, events and causes; its codec is futures_codec.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kucoin/core/types.hpp"
#include "kucoin/protocol/l2_messages.hpp"

namespace kucoin {

// One entry of GET /api/v1/contracts/active (futures host). Sizes on the futures wire are integer
// numbers of lots; `multiplier` is what one lot is worth in the base currency (XBTUSDTM: 0.001
// XBT). KuCoin writes a negative multiplier for inverse contracts (XBTUSDM: -1, one lot is 1 USD
// of the quote currency): it is held as its absolute value with `inverse` set.
struct FuturesContract {
  std::string symbol;          // "XBTUSDTM"
  std::string base_currency;   // "XBT"
  std::string quote_currency;  // "USDT"
  Price tick_size;             // tickSize: 0.1
  Quantity lot_size;           // lotSize: 1 (in lots)
  Quantity multiplier;         // |multiplier|: 0.001
  bool inverse = false;        // isInverse, or a negative multiplier
  std::string status;          // "Open"; empty when absent
  bool operator==(const FuturesContract&) const = default;

  // Decimals the decoder and the generator use for this contract: the tick's decimals for
  // prices, 0 for sizes (lots).
  SymbolScale scale() const;
};

// A size in lots expressed in base units (lots * multiplier), exactly; nullopt when it does not
// fit an exact decimal (more than 18 significant digits or decimals). For an inverse contract the
// unit is the quote currency (USD).
std::optional<Quantity> lots_to_base(Quantity lots, Quantity multiplier) noexcept;

// GET /api/v1/level2/snapshot (and depth20/100) of the futures host: numeric sequence, numeric
// [price, size] rows (sizes in lots), `ts` in nanoseconds. `book.time_ms` is ts_ns / 1e6.
struct FuturesSnapshot {
  std::string symbol;
  std::int64_t ts_ns = 0;
  L2Snapshot book;
  bool operator==(const FuturesSnapshot&) const = default;
};

// A `/contractMarket/level2Depth5|50:{symbol}` frame: the top of the book as a whole (string
// prices, integer sizes), with KuCoin's `sequence` and its millisecond `timestamp` / `ts`.
struct FuturesDepth {
  std::string symbol;
  int depth = 5;  // 5 or 50, from the topic
  std::int64_t sequence = 0;
  std::int64_t timestamp_ms = 0;
  L2Snapshot book;  // book.sequence = sequence, book.time_ms = timestamp_ms
  bool operator==(const FuturesDepth&) const = default;
};

// A `/contractMarket/tickerV2:{symbol}` push (subject "tickerV2"): the best bid and ask in lots,
// with a `sequence` from the level2 stream's sequence space (not continuous: kucoin-protocol.md
// §7.1, §8.1) and `ts` in nanoseconds.
struct FuturesTicker {
  std::string symbol;
  std::int64_t sequence = 0;
  Price best_bid;
  Quantity best_bid_size;  // lots
  Price best_ask;
  Quantity best_ask_size;  // lots
  std::int64_t ts_ns = 0;
  bool operator==(const FuturesTicker&) const = default;
};

}  // namespace kucoin
