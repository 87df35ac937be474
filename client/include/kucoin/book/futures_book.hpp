// KuCoin Futures books. A futures level2 stream is kept by the same BookTracker / L2Synchronizer
// / L2Book as spot (FuturesDecoder turns each message into an L2Update with one change and
// sequence_start == sequence_end, so the spot rule "sequenceStart <= last + 1 < sequenceEnd + 1"
// is exactly the futures rule "sequence == last + 1"): the same events, causes, stale detection
// and exact_depth. Sizes in those books are integer lots; this header offers them in base units
// as well, through the contract's multiplier (kucoin-protocol.md §1, §7). Pure.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "kucoin/book/l2_book.hpp"
#include "kucoin/core/result.hpp"
#include "kucoin/protocol/futures_messages.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin {

// One level of a futures book: its size in lots and in base units (lots * multiplier; for an
// inverse contract, in the quote currency).
struct FuturesLevel {
  Price price;
  Quantity lots;
  Quantity base;
  bool operator==(const FuturesLevel&) const = default;
};

// The best `n` levels of a side, best first, in lots and base units. Errc::out_of_range (naming
// the price) when a level's base amount does not fit an exact decimal.
Result<std::vector<FuturesLevel>> futures_top(const L2Book& book, Side side, std::size_t n, Quantity multiplier);

// The size at a price in base units; nullopt when there is no such level (or it cannot be held).
std::optional<Quantity> futures_size_at(const L2Book& book, Side side, Price price, Quantity multiplier);

// Decimals per contract for a FuturesDecoder (prices at the tick's decimals, sizes in lots).
ScaleTable futures_scales(std::span<const FuturesContract> contracts);

}  // namespace kucoin
