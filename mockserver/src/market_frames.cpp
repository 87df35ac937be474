#include "kucoin/mock/market_frames.hpp"

#include "kucoin/core/decimal.hpp"

namespace kucoin::mock {

namespace {

void str_field(std::string& out, std::string_view key, std::string_view value, bool comma = true) {
  if (comma) out += ',';
  out += '"';
  out += key;
  out += "\":\"";
  out += value;  // symbols, ids and numbers: nothing to escape
  out += '"';
}

void frame_head(std::string& out, std::string_view channel, std::string_view symbol, std::string_view subject) {
  out += R"({"topic":")";
  out += channel;
  out += symbol;
  out += R"(","type":"message","subject":")";
  out += subject;
  out += R"(","data":{)";
}

// "price","size" of the best level of a side, or "0","0" when the side is empty.
void pair(std::string& out, const std::vector<L2Level>& side) {
  out += "[\"";
  if (side.empty()) {
    out += "0\",\"0";
  } else {
    append_decimal(out, side.front().price);
    out += "\",\"";
    append_decimal(out, side.front().size);
  }
  out += "\"]";
}

}  // namespace

std::string kucoin_style_id(std::string_view symbol, std::uint64_t n, std::uint64_t salt) {
  // FNV-1a of the symbol, mixed with n and the salt: 96 bits as 24 hex digits.
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : symbol) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  std::uint64_t a = h ^ (n * 0x9e3779b97f4a7c15ULL) ^ salt;
  a ^= a >> 31;
  a *= 0xbf58476d1ce4e5b9ULL;
  a ^= a >> 29;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(24, '0');
  const std::uint64_t hi = 0x6000000000ULL + (n & 0xffffffffffULL);  // starts like KuCoin's ids
  for (int i = 0; i < 10; ++i) id[static_cast<std::size_t>(9 - i)] = kHex[(hi >> (4 * i)) & 0xf];
  for (int i = 0; i < 14; ++i) id[static_cast<std::size_t>(23 - i)] = kHex[(a >> (4 * i)) & 0xf];
  return id;
}

void encode_ticker_frame(std::string_view symbol, const L2Snapshot& book, const Trade& trade, std::string& out) {
  frame_head(out, "/market/ticker:", symbol, "trade.ticker");
  str_field(out, "sequence", std::to_string(book.sequence), false);
  str_field(out, "price", to_string(trade.price));
  str_field(out, "size", to_string(trade.size));
  str_field(out, "bestAsk", book.asks.empty() ? std::string("0") : to_string(book.asks.front().price));
  str_field(out, "bestAskSize", book.asks.empty() ? std::string("0") : to_string(book.asks.front().size));
  str_field(out, "bestBid", book.bids.empty() ? std::string("0") : to_string(book.bids.front().price));
  str_field(out, "bestBidSize", book.bids.empty() ? std::string("0") : to_string(book.bids.front().size));
  out += R"(,"time":)";
  append_int(out, trade.time_ms);
  out += "}}";
}

void encode_match_frame(std::string_view symbol, const Trade& trade, std::string& out) {
  frame_head(out, "/market/match:", symbol, "trade.l3match");
  str_field(out, "makerOrderId", kucoin_style_id(symbol, trade.id, 1), false);
  str_field(out, "price", to_string(trade.price));
  str_field(out, "sequence", std::to_string(trade.sequence));
  str_field(out, "side", trade.taker_side == Side::bid ? "buy" : "sell");
  str_field(out, "size", to_string(trade.size));
  str_field(out, "symbol", symbol);
  str_field(out, "takerOrderId", kucoin_style_id(symbol, trade.id, 2));
  str_field(out, "time", std::to_string(trade.time_ms * 1'000'000));
  str_field(out, "tradeId", kucoin_style_id(symbol, trade.id, 3));
  str_field(out, "type", "match");
  out += "}}";
}

void encode_level1_frame(std::string_view symbol, const L2Snapshot& book, std::int64_t time_ms, std::string& out) {
  frame_head(out, "/spotMarket/level1:", symbol, "level1");
  out += R"("asks":)";
  pair(out, book.asks);
  out += R"(,"bids":)";
  pair(out, book.bids);
  out += R"(,"timestamp":)";
  append_int(out, time_ms);
  out += "}}";
}

void encode_market_snapshot_frame(const TickerInput& t, std::int64_t time_ms, std::string& out) {
  // The REST statistics of the same moment, re-emitted with numbers where KuCoin sends numbers.
  std::string stats;
  encode_stats(t, time_ms, stats);
  const std::string symbol = t.info != nullptr ? t.info->symbol : std::string();
  auto value = [&](std::string_view key) -> std::string {
    const std::string needle = "\"" + std::string(key) + "\":\"";
    const auto at = stats.find(needle);
    if (at == std::string::npos) return "0";
    const auto start = at + needle.size();
    return stats.substr(start, stats.find('"', start) - start);
  };
  frame_head(out, "/market/snapshot:", symbol, "trade.snapshot");
  str_field(out, "sequence", std::to_string(t.book != nullptr ? t.book->sequence : 0), false);
  out += R"(,"data":{)";
  out += R"("averagePrice":)" + value("averagePrice");
  out += R"(,"baseCurrency":")" + (t.info != nullptr ? t.info->base_currency : std::string()) + '"';
  out += R"(,"board":1,"buy":)" + value("buy");
  out += R"(,"changePrice":)" + value("changePrice") + R"(,"changeRate":)" + value("changeRate");
  out += R"(,"close":)" + value("last") + R"(,"datetime":)" + std::to_string(time_ms);
  out += R"(,"high":)" + value("high") + R"(,"lastTradedPrice":)" + value("last") + R"(,"low":)" + value("low");
  out += R"(,"makerCoefficient":1,"makerFeeRate":0.001,"marginTrade":false,"mark":0,"market":")" +
         (t.info != nullptr ? t.info->market : std::string()) + '"';
  out += R"(,"markets":[")" + (t.info != nullptr ? t.info->market : std::string()) + R"("],"open":)" + value("last");
  out += R"(,"quoteCurrency":")" + (t.info != nullptr ? t.info->quote_currency : std::string()) + '"';
  out += R"(,"sell":)" + value("sell") + R"(,"sort":100,"symbol":")" + symbol + R"(","symbolCode":")" + symbol + '"';
  out += R"(,"takerCoefficient":1,"takerFeeRate":0.001,"trading":true,"vol":)" + value("vol");
  out += R"(,"volValue":)" + value("volValue") + "}}}";
}

}  // namespace kucoin::mock
