#include "kucoin/mock/market_rest.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "kucoin/core/decimal.hpp"

namespace kucoin::mock {

namespace {

void field(std::string& out, std::string_view key, std::string_view value, bool comma = true) {
  if (comma) out += ',';
  out += '"';
  out += key;
  out += "\":\"";
  out += value;  // keys and values here are symbols, codes and numbers: nothing to escape
  out += '"';
}

template <class Tag>
void decimal_field(std::string& out, std::string_view key, Decimal<Tag> d, bool comma = true) {
  field(out, key, to_string(d), comma);
}

void int_field(std::string& out, std::string_view key, std::int64_t v, bool comma = true) {
  if (comma) out += ',';
  out += '"';
  out += key;
  out += "\":";
  append_int(out, v);
}

// An exact decimal too wide for int64 (price x size sums): value * 10^-decimals in 128 bits.
std::string format_wide(detail::int128 v, int decimals) {
  const bool negative = v < 0;
  if (negative) v = -v;
  std::string digits;
  do {
    digits += static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  while (static_cast<int>(digits.size()) <= decimals) digits += '0';
  std::reverse(digits.begin(), digits.end());
  std::string out = negative ? "-" : "";
  const std::size_t int_len = digits.size() - static_cast<std::size_t>(decimals);
  out += digits.substr(0, int_len);
  std::string frac = digits.substr(int_len);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) out += "." + frac;
  return out;
}

detail::int128 pow10_wide(int n) {
  detail::int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

struct Summary {
  Price best_bid, best_ask, last, high, low;
  Quantity best_bid_size, best_ask_size, last_size, volume;
  std::string volume_value = "0";
  std::int64_t sequence = 0;
};

Summary summarize(const TickerInput& t) {
  Summary s;
  if (t.book != nullptr) {
    s.sequence = t.book->sequence;
    if (!t.book->bids.empty()) {
      s.best_bid = t.book->bids.front().price;
      s.best_bid_size = t.book->bids.front().size;
    }
    if (!t.book->asks.empty()) {
      s.best_ask = t.book->asks.front().price;
      s.best_ask_size = t.book->asks.front().size;
    }
  }
  // No trade yet: the last price is the best bid, the volume zero.
  s.last = s.high = s.low = s.best_bid;
  if (t.trades.empty()) return s;
  s.last = t.trades.back().price;
  s.last_size = t.trades.back().size;
  s.high = s.low = s.last;
  // Sum of price x size in 128 bits at the finest decimals any product has.
  int value_decimals = 0;
  for (const Trade& tr : t.trades) value_decimals = std::max(value_decimals, tr.price.decimals + tr.size.decimals);
  detail::int128 value = 0;
  for (const Trade& tr : t.trades) {
    s.high = std::max(s.high, tr.price);
    s.low = std::min(s.low, tr.price);
    if (auto v = s.volume + tr.size) s.volume = *v;
    value += static_cast<detail::int128>(tr.price.raw) * tr.size.raw *
             pow10_wide(value_decimals - tr.price.decimals - tr.size.decimals);
  }
  s.volume_value = format_wide(value, value_decimals);
  return s;
}

// The fields ccxt and the SDK read from a ticker and from 24-hour statistics.
void append_ticker_fields(const TickerInput& t, const Summary& s, std::string& out) {
  decimal_field(out, "buy", s.best_bid);
  decimal_field(out, "sell", s.best_ask);
  field(out, "changeRate", "0");
  field(out, "changePrice", "0");
  decimal_field(out, "high", s.high);
  decimal_field(out, "low", s.low);
  decimal_field(out, "vol", s.volume);
  field(out, "volValue", s.volume_value);
  decimal_field(out, "last", s.last);
  decimal_field(out, "averagePrice", s.last);
  field(out, "takerFeeRate", "0.001");
  field(out, "makerFeeRate", "0.001");
  field(out, "takerCoefficient", "1");
  field(out, "makerCoefficient", "1");
  (void)t;
}

}  // namespace

void encode_level1(const TickerInput& t, std::int64_t now_ms, std::string& out) {
  const Summary s = summarize(t);
  out += R"({"code":"200000","data":{)";
  int_field(out, "time", now_ms, false);
  field(out, "sequence", std::to_string(s.sequence));
  decimal_field(out, "price", s.last);
  decimal_field(out, "size", s.last_size);
  decimal_field(out, "bestBid", s.best_bid);
  decimal_field(out, "bestBidSize", s.best_bid_size);
  decimal_field(out, "bestAsk", s.best_ask);
  decimal_field(out, "bestAskSize", s.best_ask_size);
  out += "}}";
}

void encode_stats(const TickerInput& t, std::int64_t now_ms, std::string& out) {
  const Summary s = summarize(t);
  out += R"({"code":"200000","data":{)";
  int_field(out, "time", now_ms, false);
  field(out, "symbol", t.info != nullptr ? t.info->symbol : std::string());
  append_ticker_fields(t, s, out);
  out += "}}";
}

void encode_all_tickers(std::span<const TickerInput> tickers, std::int64_t now_ms, std::string& out) {
  out += R"({"code":"200000","data":{)";
  int_field(out, "time", now_ms, false);
  out += R"(,"ticker":[)";
  bool first = true;
  for (const TickerInput& t : tickers) {
    if (!first) out += ',';
    first = false;
    const Summary s = summarize(t);
    out += '{';
    const std::string symbol = t.info != nullptr ? t.info->symbol : std::string();
    field(out, "symbol", symbol, false);
    field(out, "symbolName", symbol);
    decimal_field(out, "bestBidSize", s.best_bid_size);
    decimal_field(out, "bestAskSize", s.best_ask_size);
    append_ticker_fields(t, s, out);
    out += '}';
  }
  out += "]}}";
}

void encode_trade_history(std::span<const Trade> trades, std::string& out) {
  out += R"({"code":"200000","data":[)";
  bool first = true;
  for (const Trade& t : trades) {
    if (!first) out += ',';
    first = false;
    out += '{';
    field(out, "sequence", std::to_string(t.sequence), false);
    decimal_field(out, "price", t.price);
    decimal_field(out, "size", t.size);
    field(out, "side", t.taker_side == Side::bid ? "buy" : "sell");
    int_field(out, "time", t.time_ms * 1'000'000);
    out += '}';
  }
  out += "]}";
}

void encode_currencies(std::span<const SymbolInfo> symbols, std::string& out) {
  // Each currency once, with the finest precision a symbol lists for it.
  std::map<std::string, int> precision;
  for (const SymbolInfo& s : symbols) {
    auto& base = precision[s.base_currency];
    base = std::max(base, static_cast<int>(s.scale.size_decimals));
    auto quote_decimals = decimals_of_increment(s.quote_increment);
    auto& quote = precision[s.quote_currency];
    quote = std::max(quote, quote_decimals ? *quote_decimals : 6);
  }
  out += R"({"code":"200000","data":[)";
  bool first = true;
  for (const auto& [currency, decimals] : precision) {
    if (currency.empty()) continue;
    if (!first) out += ',';
    first = false;
    out += '{';
    field(out, "currency", currency, false);
    field(out, "name", currency);
    field(out, "fullName", currency);
    int_field(out, "precision", decimals);
    out += R"(,"confirms":null,"contractAddress":null,"isMarginEnabled":false,"isDebitEnabled":false,"chains":[{)";
    field(out, "chainName", currency, false);
    field(out, "withdrawalMinSize", "0.001");
    field(out, "depositMinSize", "0.0001");
    field(out, "withdrawFeeRate", "0");
    field(out, "withdrawalMinFee", "0.0005");
    out += R"(,"isWithdrawEnabled":true,"isDepositEnabled":true,"confirms":3,"preConfirms":1,"contractAddress":"")";
    int_field(out, "withdrawPrecision", decimals);
    out += R"(,"maxWithdraw":null,"maxDeposit":null,"needTag":false)";
    std::string chain_id = currency;
    std::transform(chain_id.begin(), chain_id.end(), chain_id.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    field(out, "chainId", chain_id);
    out += "}]}";
  }
  out += "]}";
}

}  // namespace kucoin::mock
