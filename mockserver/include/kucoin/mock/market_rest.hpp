// The mock's market-data REST answers beyond the order books, built from the same truth as the
// books and the level2 stream: tickers (best bid/ask, last trade, engine sequence), 24-hour
// statistics, trade histories (each trade took its size from the level it hit), currencies
// derived from the listed symbols. Pure: the caller passes the time. Shapes follow KuCoin's
// specification (UNI-SPEC response examples) with decimals as strings.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kucoin/mock/market_generator.hpp"
#include "kucoin/protocol/rest_codec.hpp"

namespace kucoin::mock {

// What a ticker of one symbol is made of.
struct TickerInput {
  const SymbolInfo* info = nullptr;
  const L2Snapshot* book = nullptr;  // the truth now (sequence, best bid/ask)
  std::span<const Trade> trades;     // the newest trades, oldest first (may be empty)
};

// GET /api/v1/market/orderbook/level1: {time, sequence, price, size, bestBid, ...}.
void encode_level1(const TickerInput& t, std::int64_t now_ms, std::string& out);
// GET /api/v1/market/stats: 24-hour statistics over the trades the market kept.
void encode_stats(const TickerInput& t, std::int64_t now_ms, std::string& out);
// GET /api/v1/market/allTickers: {time, ticker: [...]} with fee rates (ccxt reads them).
void encode_all_tickers(std::span<const TickerInput> tickers, std::int64_t now_ms, std::string& out);
// GET /api/v1/market/histories: the trades, oldest first; time in nanoseconds.
void encode_trade_history(std::span<const Trade> trades, std::string& out);
// GET /api/v3/currencies: every currency of the listed symbols, one chain each.
void encode_currencies(std::span<const SymbolInfo> symbols, std::string& out);

}  // namespace kucoin::mock
