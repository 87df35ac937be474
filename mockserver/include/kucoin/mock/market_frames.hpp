// WebSocket push frames of the public market topics besides level2, built from the truth the
// mock's books come from (kucoin-protocol.md §6.3, §8.1): /market/ticker (subject trade.ticker,
// on every trade), /market/match (trade.l3match, one per trade: the taker took `size` from the
// best level it hit), /spotMarket/level1 (level1, best bid and ask) and /market/snapshot
// (trade.snapshot, the 24-hour figures). Pure: the caller passes the time. Types as KuCoin sends
// them: strings for decimals and ids, `time` a number in ms except match's string of ns.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "kucoin/mock/market_generator.hpp"
#include "kucoin/mock/market_rest.hpp"

namespace kucoin::mock {

// 24 hex digits, like KuCoin's order and trade ids, distinct per (symbol, n, salt).
std::string kucoin_style_id(std::string_view symbol, std::uint64_t n, std::uint64_t salt);

// {"topic":"/market/ticker:SYM","type":"message","subject":"trade.ticker","data":{"sequence":..,
// "price":..,"size":..,"bestAsk":..,"bestAskSize":..,"bestBid":..,"bestBidSize":..,"time":ms}}
// `book` is the truth after the trade; `trade` the last trade.
void encode_ticker_frame(std::string_view symbol, const L2Snapshot& book, const Trade& trade, std::string& out);

// {"topic":"/market/match:SYM","type":"message","subject":"trade.l3match","data":{...}}
void encode_match_frame(std::string_view symbol, const Trade& trade, std::string& out);

// {"topic":"/spotMarket/level1:SYM","type":"message","subject":"level1","data":{"asks":[p,s],
// "bids":[p,s],"timestamp":ms}}
void encode_level1_frame(std::string_view symbol, const L2Snapshot& book, std::int64_t time_ms, std::string& out);

// {"topic":"/market/snapshot:SYM","type":"message","subject":"trade.snapshot","data":{"sequence":..,
// "data":{... numbers ...}}}: the 24-hour figures of the ticker (see encode_stats).
void encode_market_snapshot_frame(const TickerInput& t, std::int64_t time_ms, std::string& out);

}  // namespace kucoin::mock
