// The level2 encoders of l2_codec.hpp: KuCoin's exact frame and body shapes, every value written
// exactly (no trailing zeros). The mock server and the generators write with them; the decoders
// in l2_codec.cpp read the same shapes back.
#include <algorithm>

#include "kucoin/core/decimal.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin {

namespace {

void append_change_rows(std::string& out, const L2Update& u, Side side) {
  out += '[';
  bool first = true;
  for (const L2Change& c : u.changes) {
    if (c.side != side) continue;
    if (!first) out += ',';
    first = false;
    out += "[\"";
    append_decimal(out, c.price);
    out += "\",\"";
    append_decimal(out, c.size);
    out += "\",\"";
    append_int(out, c.sequence);
    out += "\"]";
  }
  out += ']';
}

// [["price","size"],...]: the first `limit` levels.
void append_levels(std::string& out, const std::vector<L2Level>& levels, std::size_t limit) {
  out += '[';
  const std::size_t n = std::min(levels.size(), limit);
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) out += ',';
    out += "[\"";
    append_decimal(out, levels[i].price);
    out += "\",\"";
    append_decimal(out, levels[i].size);
    out += "\"]";
  }
  out += ']';
}

}  // namespace

void encode_update_frame(const L2Update& u, std::string& out) {
  out += R"({"topic":"/market/level2:)";
  out += u.symbol;
  out += R"(","type":"message","subject":"trade.l2update","data":{"changes":{"asks":)";
  append_change_rows(out, u, Side::ask);
  out += R"(,"bids":)";
  append_change_rows(out, u, Side::bid);
  out += R"(},"sequenceEnd":)";
  append_int(out, u.sequence_end);
  out += R"(,"sequenceStart":)";
  append_int(out, u.sequence_start);
  out += R"(,"symbol":")";
  out += u.symbol;
  out += R"(","time":)";
  append_int(out, u.time_ms);
  out += "}}";
}

void encode_snapshot_response(const L2Snapshot& s, std::string& out) {
  out += R"({"code":"200000","data":{"time":)";
  append_int(out, s.time_ms);
  out += R"(,"sequence":")";
  append_int(out, s.sequence);
  out += R"(","bids":)";
  append_levels(out, s.bids, s.bids.size());
  out += R"(,"asks":)";
  append_levels(out, s.asks, s.asks.size());
  out += "}}";
}

void encode_depth_frame(std::string_view symbol, int depth, const L2Snapshot& book, std::int64_t timestamp_ms,
                        std::string& out) {
  const auto n = static_cast<std::size_t>(std::max(0, depth));
  out += R"({"topic":"/spotMarket/level2Depth)";
  append_int(out, depth);
  out += ':';
  out += symbol;
  out += R"(","type":"message","subject":"level2","data":{"asks":)";
  append_levels(out, book.asks, n);
  out += R"(,"bids":)";
  append_levels(out, book.bids, n);
  out += R"(,"timestamp":)";
  append_int(out, timestamp_ms);
  out += "}}";
}

}  // namespace kucoin
