// Internal: the level2 frame in exactly the shape KuCoin documents and sends, read in one pass
// straight into an L2Update.
//
//   {"topic":"/market/level2:SYM","type":"message","subject":"trade.l2update","data":{"changes":
//   {"asks":[["P","S","Q"],...],"bids":[...]},"sequenceEnd":N,"sequenceStart":N,"symbol":"SYM",
//   "time":N}}
//
// The fixed parts are compared as whole literals (a few vector compares), the rows are parsed as
// they are read and appended to the update's changes; there is no intermediate row list. Any byte
// that differs from this shape, any number the fast conversion does not take (a price finer than
// the symbol's decimals, more than 18 digits, an exponent), a change sequence outside
// [sequenceStart, sequenceEnd], or two different symbols: the scan gives up (returns false) and
// the decoder runs its general scanner and, behind it, the validating simdjson path, which decide
// and name every error. So this path accepts only frames the others accept the same way; the
// differential test (tests/unit/codec_fast_path_test.cpp) checks it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "kucoin/core/decimal.hpp"
#include "kucoin/protocol/l2_messages.hpp"

namespace kucoin::detail {

class CanonicalL2Scan {
 public:
  // `price_decimals(symbol)` gives the decimals prices of `symbol` are written with. `out` is
  // overwritten (its storage reused); on false its content is unspecified.
  template <class PriceDecimals>
  static bool scan(std::string_view frame, PriceDecimals&& price_decimals, L2Update& out) {
    CanonicalL2Scan s{frame.data(), frame.data() + frame.size()};
    return s.run(price_decimals, out);
  }

 private:
  CanonicalL2Scan(const char* p, const char* e) : p_(p), end_(e) {}

  template <std::size_t N>
  bool lit(const char (&text)[N]) {
    constexpr std::size_t n = N - 1;
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, text, n) != 0) return false;
    p_ += n;
    return true;
  }
  // Up to the closing quote of a string without escapes or control bytes.
  bool plain_string(std::string_view& out) {
    const char* b = p_;
    const char* p = p_;
    while (p < end_ && *p != '"') {
      const auto c = static_cast<unsigned char>(*p);
      if (c == '\\' || c < 0x20 || c >= 0x7f) return false;
      ++p;
    }
    if (p >= end_) return false;
    out = std::string_view(b, static_cast<std::size_t>(p - b));
    p_ = p + 1;
    return true;
  }
  // A JSON integer: 1-18 digits, no leading zero.
  bool integer(std::int64_t& out) {
    const char* p = p_;
    const char* const b = p;
    std::uint64_t v = 0;
    while (p < end_ && static_cast<unsigned>(*p - '0') < 10U) v = v * 10 + static_cast<std::uint64_t>(*p++ - '0');
    const auto n = p - b;
    if (n == 0 || n > 18 || (n > 1 && *b == '0')) return false;
    p_ = p;
    out = static_cast<std::int64_t>(v);
    return true;
  }
  // "digits" or "digits.digits" inside quotes, at most 18 digits: value and decimals. The
  // opening quote is already consumed; the closing one is consumed here.
  bool number(std::uint64_t& digits, int& int_digits, int& frac) {
    const char* p = p_;
    const char* const b = p;
    std::uint64_t v = 0;
    while (p < end_ && static_cast<unsigned>(*p - '0') < 10U) v = v * 10 + static_cast<std::uint64_t>(*p++ - '0');
    const auto int_len = p - b;
    if (int_len == 0) return false;
    frac = 0;
    if (p < end_ && *p == '.') {
      const char* f = ++p;
      while (p < end_ && static_cast<unsigned>(*p - '0') < 10U) v = v * 10 + static_cast<std::uint64_t>(*p++ - '0');
      frac = static_cast<int>(p - f);
      if (frac == 0) return false;
    }
    if (int_len + frac > 18 || p >= end_ || *p != '"') return false;
    digits = v;
    int_digits = static_cast<int>(int_len);
    p_ = p + 1;
    return true;
  }
  // The rows of one side up to its closing bracket; the opening one is already consumed.
  bool rows(Side side, int price_decimals, L2Update& out) {
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      std::uint64_t price = 0, size = 0, seq = 0;
      int price_int = 0, price_frac = 0, size_int = 0, size_frac = 0, seq_int = 0, seq_frac = 0;
      if (!lit("[\"") || !number(price, price_int, price_frac) || !lit(",\"") || !number(size, size_int, size_frac) ||
          !lit(",\"") || !number(seq, seq_int, seq_frac) || seq_frac != 0) {
        return false;
      }
      // Prices take the symbol's decimals; a finer one (the tick changed) goes the general way.
      if (price_frac > price_decimals || price_int + price_decimals > 18) return false;
      out.changes.push_back(L2Change{
          side,
          Price{static_cast<std::int64_t>(price * kPow10[static_cast<std::size_t>(price_decimals - price_frac)]),
                static_cast<std::uint8_t>(price_decimals)},
          Quantity{static_cast<std::int64_t>(size), static_cast<std::uint8_t>(size_frac)},
          static_cast<std::int64_t>(seq)});
      if (p_ >= end_ || *p_ != ']') return false;
      ++p_;
      if (p_ < end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ < end_ && *p_ == ']') {
        ++p_;
        return true;
      }
      return false;
    }
  }
  template <class PriceDecimals>
  bool run(PriceDecimals& price_decimals, L2Update& out) {
    std::string_view symbol;
    if (!lit("{\"topic\":\"/market/level2:") || !plain_string(symbol) || symbol.empty() ||
        !lit(",\"type\":\"message\",\"subject\":\"trade.l2update\",\"data\":{\"changes\":{\"asks\":[")) {
      return false;
    }
    const int decimals = price_decimals(symbol);
    out.changes.clear();
    if (!rows(Side::ask, decimals, out) || !lit(",\"bids\":[") || !rows(Side::bid, decimals, out)) return false;
    std::int64_t seq_end = 0, seq_start = 0, time = 0;
    std::string_view data_symbol;
    if (!lit("},\"sequenceEnd\":") || !integer(seq_end) || !lit(",\"sequenceStart\":") || !integer(seq_start) ||
        !lit(",\"symbol\":\"") || !plain_string(data_symbol) || data_symbol != symbol || !lit(",\"time\":") ||
        !integer(time) || !lit("}}") || p_ != end_) {
      return false;
    }
    if (seq_start > seq_end) return false;
    for (const L2Change& c : out.changes) {
      if (c.sequence < seq_start || c.sequence > seq_end) return false;
    }
    if (out.symbol != symbol) out.symbol.assign(symbol.data(), symbol.size());
    out.sequence_start = seq_start;
    out.sequence_end = seq_end;
    out.time_ms = time;
    return true;
  }

  const char* p_;
  const char* end_;
};

}  // namespace kucoin::detail
