// Level2 wire codec: simdjson On-Demand decoders (one reused parser) and fast encoders that write
// exactly KuCoin's shapes. simdjson stays out of this header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "kucoin/core/result.hpp"
#include "kucoin/protocol/l2_messages.hpp"

namespace kucoin {

namespace detail {
struct RawUpdate;
}

// Bytes that must be readable after a JSON text handed to a *_padded decoder (simdjson reads
// ahead in blocks). A std::string or flat buffer with this much spare capacity qualifies.
inline constexpr std::size_t kJsonPadding = 64;

// Per-symbol increments (decimals) with a default for symbols never registered. The decoder
// writes prices with at least the symbol's price decimals and widens its own table when a finer
// price arrives (the tick changed); sizes keep the decimals they are written with.
class ScaleTable {
 public:
  ScaleTable() = default;
  explicit ScaleTable(SymbolScale fallback) : fallback_(fallback) {}

  void set(std::string_view symbol, SymbolScale scale);
  SymbolScale get(std::string_view symbol) const;
  SymbolScale fallback() const { return fallback_; }
  std::uint64_t version() const { return version_; }  // changes on every set()

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, SymbolScale, Hash, std::equal_to<>> map_;
  SymbolScale fallback_{};
  std::uint64_t version_ = 0;
};

// Decodes KuCoin spot level2 JSON. Not thread-safe: one decoder per thread/connection.
// Every failure is a typed Error that names the field; the output is unspecified on failure.
class L2Decoder {
 public:
  explicit L2Decoder(ScaleTable scales = {});
  ~L2Decoder();
  L2Decoder(L2Decoder&&) noexcept;
  L2Decoder& operator=(L2Decoder&&) noexcept;
  L2Decoder(const L2Decoder&) = delete;
  L2Decoder& operator=(const L2Decoder&) = delete;

  ScaleTable& scales() { return scales_; }

  // The decoder first tries a strict single-pass scanner for KuCoin's usual frame shape and
  // falls back to simdjson On-Demand for everything else (and for every error). Tests switch the
  // scanner off to compare both paths.
  void set_fast_path(bool on) { fast_path_ = on; }

  // A whole WebSocket frame {"type":"message","topic":"/market/level2:SYM","subject":"trade.l2update",
  // "data":{...}}. Reuses `out`'s storage. Other valid frames give Errc::unexpected_message.
  Result<void> decode_update(std::string_view frame, L2Update& out);
  // Same, without copying the frame: `frame.data() + frame.size()` must be followed by
  // kJsonPadding readable bytes (their content does not matter).
  Result<void> decode_update_padded(std::string_view frame, L2Update& out);

  // A `/spotMarket/level2Depth5:SYM` or `level2Depth50` frame (subject "level2"): the top of the
  // book as a whole. `out.sequence` is the frame's `timestamp` (these frames carry no sequence);
  // `symbol` receives the topic's symbol.
  Result<void> decode_depth(std::string_view frame, std::string& symbol, L2Snapshot& out);

  // A REST response body {"code":"200000","data":{"sequence":"..","time":..,"bids":[..],"asks":[..]}}.
  // A KuCoin error envelope gives Errc::api_error with its code and msg.
  Result<void> decode_snapshot(std::string_view body, SymbolScale scale, L2Snapshot& out);

 private:
  struct Impl;
  Result<void> decode_update_impl(std::string_view frame, bool padded, L2Update& out);
  Result<void> walk_update(std::string_view frame, bool padded, detail::RawUpdate& raw);
  Result<void> finish_update(const detail::RawUpdate& raw, L2Update& out);
  bool is_level2_frame(std::string_view frame);
  std::uint8_t price_decimals_of(std::string_view symbol);  // the symbol's price decimals, cached
  std::unique_ptr<Impl> impl_;
  ScaleTable scales_;
  bool fast_path_ = true;
};

// Encoders (used by the mock server and the generators). They append to `out`; every value is
// written exactly, without trailing zeros.
void encode_update_frame(const L2Update& update, std::string& out);
void encode_snapshot_response(const L2Snapshot& snapshot, std::string& out);
// A `/spotMarket/level2Depth{depth}:{symbol}` frame (subject "level2", what decode_depth reads):
// the first `depth` levels a side of `book` (asks ascending, bids descending, as KuCoin pushes
// them) and `timestamp_ms`; `book.sequence` and `book.time_ms` are not written (the frame has no
// sequence). kucoin-protocol.md §6.2.
void encode_depth_frame(std::string_view symbol, int depth, const L2Snapshot& book, std::int64_t timestamp_ms,
                        std::string& out);

}  // namespace kucoin
