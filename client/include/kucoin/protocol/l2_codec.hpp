// Level2 wire codec: simdjson On-Demand decoders (one reused parser) and fast encoders that write
// exactly KuCoin's shapes. simdjson stays out of this header.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "kucoin/core/result.hpp"
#include "kucoin/protocol/l2_messages.hpp"

namespace kucoin {

// Per-symbol scales with a default for symbols never registered.
class ScaleTable {
 public:
  ScaleTable() = default;
  explicit ScaleTable(SymbolScale fallback) : fallback_(fallback) {}

  void set(std::string_view symbol, SymbolScale scale);
  SymbolScale get(std::string_view symbol) const;
  SymbolScale fallback() const { return fallback_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, SymbolScale, Hash, std::equal_to<>> map_;
  SymbolScale fallback_{};
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

  // A whole WebSocket frame {"type":"message","topic":"/market/level2:SYM","subject":"trade.l2update",
  // "data":{...}}. Reuses `out`'s storage. Other valid frames give Errc::unexpected_message.
  Result<void> decode_update(std::string_view frame, L2Update& out);

  // A REST response body {"code":"200000","data":{"sequence":"..","time":..,"bids":[..],"asks":[..]}}.
  // A KuCoin error envelope gives Errc::api_error with its code and msg.
  Result<void> decode_snapshot(std::string_view body, SymbolScale scale, L2Snapshot& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ScaleTable scales_;
};

// Encoders (used by the mock server and the generators). They append to `out`.
void encode_update_frame(const L2Update& update, SymbolScale scale, std::string& out);
void encode_snapshot_response(const L2Snapshot& snapshot, SymbolScale scale, std::string& out);

}  // namespace kucoin
