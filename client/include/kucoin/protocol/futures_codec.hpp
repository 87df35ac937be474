// KuCoin Futures wire codec (kucoin-protocol.md §7, §8.5): decoders (simdjson On-Demand, one
// reused parser, kept out of this header) and the encoders the mock writes with, next to each
// other so that both sides share one reading of every shape.
//
//   /contractMarket/level2:{symbol}       {"topic":..,"type":"message","subject":"level2","sn":S,
//                                          "data":{"sequence":S,"change":"price,side,size","timestamp":ms}}
//   /contractMarket/level2Depth5|50:{sym} {"data":{"bids":[["89720.9",513],..],"asks":[..],
//                                          "sequence":..,"timestamp":ms,"ts":ms}}
//   GET /api/v1/level2/snapshot           {"code":"200000","data":{"sequence":N,"symbol":"..",
//                                          "bids":[[66968,2],..],"asks":[[66968.1,13501],..],"ts":ns}}
//   GET /api/v1/contracts/active          {"code":"200000","data":[{"symbol":..,"tickSize":0.1,
//                                          "lotSize":1,"multiplier":0.001,..},..]}
//
// Readers are lenient where KuCoin's own sources disagree (a price or size written as a string
// instead of a number, §7.3); writers emit what the current documentation shows.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/result.hpp"
#include "kucoin/protocol/futures_messages.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin {

// Decodes KuCoin Futures market data. Not thread-safe: one decoder per thread/connection. Every
// failure is a typed Error naming the field; the output is unspecified on failure.
class FuturesDecoder {
 public:
  explicit FuturesDecoder(ScaleTable scales = ScaleTable(SymbolScale{1, 0}));
  ~FuturesDecoder();
  FuturesDecoder(FuturesDecoder&&) noexcept;
  FuturesDecoder& operator=(FuturesDecoder&&) noexcept;
  FuturesDecoder(const FuturesDecoder&) = delete;
  FuturesDecoder& operator=(const FuturesDecoder&) = delete;

  // Prices are written with at least the contract's price decimals (FuturesContract::scale()).
  ScaleTable& scales() { return scales_; }

  // A `/contractMarket/level2:{symbol}` frame into `out`: its symbol (from the topic), one change
  // (sizes in lots; size 0 deletes the level), sequence_start == sequence_end == data.sequence,
  // time_ms = data.timestamp. Another valid frame gives Errc::unexpected_message.
  Result<void> decode_level2(std::string_view frame, L2Update& out);

  // A `/contractMarket/level2Depth5|50:{symbol}` frame.
  Result<void> decode_depth(std::string_view frame, FuturesDepth& out);

  // A `/contractMarket/tickerV2:{symbol}` frame (string prices, integer sizes, ts in ns).
  Result<void> decode_ticker_v2(std::string_view frame, FuturesTicker& out);

  // The body of GET /api/v1/level2/snapshot (or depth20/100). A KuCoin error envelope gives
  // Errc::api_error with its code and msg. `symbol` (when the body has none) names the book.
  Result<void> decode_snapshot(std::string_view body, std::string_view symbol, FuturesSnapshot& out);

  // The body of GET /api/v1/contracts/active.
  Result<void> decode_contracts(std::string_view body, std::vector<FuturesContract>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ScaleTable scales_;
};

// The futures frames of a (spot-shaped) update: one message per change, each with the change's
// sequence, in order. What the mock streams from its generator on /contractMarket/level2.
void split_futures_messages(const L2Update& update, std::vector<L2Update>& out);

// Encoders: append to `out`, every value exact without trailing zeros.
// `update` must hold exactly one change (its sequence is the message's); Errc::invalid_argument
// otherwise and nothing is written.
Result<void> encode_futures_level2_frame(const L2Update& update, std::string& out);
// The first `depth` levels a side of `book` (asks ascending, bids descending), `book.sequence` as
// data.sequence, timestamp_ms as data.timestamp and data.ts, sn = timestamp_ms.
void encode_futures_depth_frame(std::string_view symbol, int depth, const L2Snapshot& book, std::int64_t timestamp_ms,
                                std::string& out);
// {"topic":"/contractMarket/tickerV2:SYM","type":"message","subject":"tickerV2","sn":sequence,"data":{..}}
void encode_futures_ticker_v2_frame(const FuturesTicker& ticker, std::string& out);
void encode_futures_snapshot_response(const FuturesSnapshot& snapshot, std::string& out);
void encode_futures_contracts_response(std::span<const FuturesContract> contracts, std::string& out);

}  // namespace kucoin
