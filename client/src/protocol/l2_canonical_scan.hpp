// Internal: the level2 frame in exactly the shape KuCoin documents and sends, read in one pass
// straight into an L2Update.
//
//   {"topic":"/market/level2:SYM","type":"message","subject":"trade.l2update","data":{"changes":
//   {"asks":[["P","S","Q"],...],"bids":[...]},"sequenceEnd":N,"sequenceStart":N,"symbol":"SYM",
//   "time":N}}
//
// The fixed parts are compared as whole literals (a few word compares), the rows are parsed as
// they are read and appended to the update's changes; there is no intermediate row list. Any byte
// that differs from this shape, any number the fast conversion does not take (a price finer than
// the symbol's decimals, more than 18 digits, an exponent), a change sequence outside
// [sequenceStart, sequenceEnd], or two different symbols: the scan gives up (returns false) and
// the decoder runs its general scanner and, behind it, the validating simdjson path, which decide
// and name every error. So this path accepts only frames the others accept the same way; the
// differential test (tests/unit/codec_fast_path_test.cpp) checks it.
//
// The input must be followed by kScanPadding readable bytes (their content does not matter):
// loops read at most that far past a byte they have not yet checked against the end, and every
// position is checked against the end before it is trusted. This spares a bounds check per byte.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "kucoin/core/decimal.hpp"
#include "kucoin/protocol/l2_messages.hpp"

namespace kucoin::detail {

inline constexpr std::size_t kScanPadding = 64;

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

  // The next bytes equal `text` (compared 8 bytes at a time; the padding makes the loads safe).
  template <std::size_t N>
  bool lit(const char (&text)[N]) {
    constexpr std::size_t n = N - 1;
    if (static_cast<std::size_t>(end_ - p_) < n) return false;
    if constexpr (n <= 8) {
      if (std::memcmp(p_, text, n) != 0) return false;
    } else {
      std::uint64_t diff = 0;
      std::size_t i = 0;
      for (; i + 8 <= n; i += 8) {
        std::uint64_t a, b;
        std::memcpy(&a, p_ + i, 8);
        std::memcpy(&b, text + i, 8);
        diff |= a ^ b;
      }
      if constexpr (n % 8 != 0) {
        std::uint64_t a, b;
        std::memcpy(&a, p_ + n - 8, 8);
        std::memcpy(&b, text + n - 8, 8);
        diff |= a ^ b;
      }
      if (diff != 0) return false;
    }
    p_ += n;
    return true;
  }
  // Up to the closing quote of a string of at most 48 plain printable ASCII bytes.
  bool plain_string(std::string_view& out) {
    const char* const b = p_;
    const char* p = p_;
    for (int i = 0; i < 48 && *p != '"'; ++i, ++p) {
      const auto c = static_cast<unsigned char>(*p);
      if (c == '\\' || c < 0x20 || c >= 0x7f) return false;
    }
    if (*p != '"' || p >= end_) return false;
    out = std::string_view(b, static_cast<std::size_t>(p - b));
    p_ = p + 1;
    return true;
  }
  // Reads up to 19 digits (never more, so never further than the padding): their value. Eight
  // digits at a time while eight bytes in a row are digits (sizes and sequences are long), then
  // one at a time.
  static const char* digits(const char* p, std::uint64_t& v) {
    std::uint64_t x = 0;
    int left = 19;
    while (left >= 8) {
      std::uint64_t chunk;
      std::memcpy(&chunk, p, 8);
      // Every byte in '0'..'9': high nibble 3, and adding 6 keeps it 3.
      constexpr std::uint64_t k30 = 0x3030303030303030ULL, kF0 = 0xF0F0F0F0F0F0F0F0ULL, k06 = 0x0606060606060606ULL;
      if ((chunk & kF0) != k30 || ((chunk + k06) & kF0) != k30) break;
      chunk -= k30;  // little-endian: the first digit in the lowest byte
      chunk = (chunk * 10) + (chunk >> 8);
      chunk = (((chunk & 0x000000FF000000FFULL) * 0x000F424000000064ULL) +
               (((chunk >> 16) & 0x000000FF000000FFULL) * 0x0000271000000001ULL)) >>
              32;
      x = x * 100000000ULL + chunk;
      p += 8;
      left -= 8;
    }
    for (; left > 0; --left) {
      const auto d = static_cast<unsigned>(*p - '0');
      if (d >= 10U) break;
      x = x * 10 + d;
      ++p;
    }
    v = x;
    return p;
  }
  // A JSON integer: 1-18 digits, no leading zero.
  bool integer(std::int64_t& out) {
    std::uint64_t v;
    const char* const b = p_;
    const char* p = digits(b, v);
    const auto n = p - b;
    if (n == 0 || n > 18 || (n > 1 && *b == '0') || p > end_) return false;
    p_ = p;
    out = static_cast<std::int64_t>(v);
    return true;
  }
  // "digits" or "digits.digits" inside quotes, at most 18 digits: value, integer digits and
  // decimals. The opening quote is already consumed; the closing one is consumed here.
  bool number(std::uint64_t& value, int& int_digits, int& frac) {
    std::uint64_t v;
    const char* const b = p_;
    const char* p = digits(b, v);
    const auto int_len = p - b;
    if (int_len == 0 || int_len > 18) return false;
    frac = 0;
    if (*p == '.') {
      const char* const f = ++p;
      std::uint64_t w;
      p = digits(f, w);
      frac = static_cast<int>(p - f);
      if (frac == 0 || int_len + frac > 18) return false;
      v = v * kPow10[static_cast<std::size_t>(frac)] + w;
    }
    if (*p != '"' || p >= end_) return false;
    value = v;
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
      if (end_ - p_ < 2 || *p_ != ']') return false;
      if (p_[1] == ',') {
        p_ += 2;
        continue;
      }
      if (p_[1] == ']') {
        p_ += 2;
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
    if (!lit("},\"sequenceEnd\":") || !integer(seq_end) || !lit(",\"sequenceStart\":") || !integer(seq_start) ||
        !lit(",\"symbol\":\"")) {
      return false;
    }
    // The same symbol again, then the closing quote.
    if (static_cast<std::size_t>(end_ - p_) <= symbol.size() || std::memcmp(p_, symbol.data(), symbol.size()) != 0 ||
        p_[symbol.size()] != '"') {
      return false;
    }
    p_ += symbol.size() + 1;
    if (!lit(",\"time\":") || !integer(time) || !lit("}}") || p_ != end_) return false;
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
