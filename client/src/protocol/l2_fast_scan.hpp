// Internal: a strict single-pass scanner for the common shape of a spot level2 frame.
//
// It accepts only a small, fully valid subset of JSON: the known keys of a trade.l2update frame,
// strings of printable ASCII without escapes, integers of at most 18 digits without a sign,
// whitespace anywhere JSON allows it. Whatever it accepts is valid JSON with the right types, so
// it decides nothing on its own: on any other input it gives up and the decoder runs simdjson
// On-Demand, which validates everything and names the exact error. The two paths are checked
// against each other by a differential test (tests/unit/codec_fast_path_test.cpp).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "kucoin/core/types.hpp"

namespace kucoin::detail {

// A number string read while scanning: digits without the point, and how many were after it.
struct ScannedNumber {
  std::uint64_t digits = 0;
  std::int8_t frac = 0;   // digits after the point
  std::int8_t total = 0;  // all digits
  bool ok = false;        // false: convert `text` with the general parser instead
};

struct RawRow {
  Side side = Side::bid;
  std::string_view price;
  std::string_view size;
  std::string_view sequence;
  ScannedNumber price_n{}, size_n{}, sequence_n{};  // filled by the fast scanner only
};

// Fields of a level2 frame before conversion (views into the input).
struct RawUpdate {
  std::string_view type, topic, subject, symbol;
  std::int64_t seq_start = 0, seq_end = 0, time_ms = 0;
  bool have_type = false, have_topic = false, have_subject = false, have_data = false;
  bool have_start = false, have_end = false, have_changes = false, have_symbol = false;
};

class FastL2Scanner {
 public:
  // True when `json` is entirely in the accepted subset; rows are appended to `rows`.
  static bool scan(std::string_view json, RawUpdate& out, std::vector<RawRow>& rows) {
    FastL2Scanner s{json.data(), json.data() + json.size(), rows};
    const std::size_t before = rows.size();
    if (s.frame(out)) return true;
    rows.resize(before);
    return false;
  }

 private:
  FastL2Scanner(const char* p, const char* e, std::vector<RawRow>& rows) : p_(p), end_(e), rows_(rows) {}

  // The hot loops work on a local copy of the cursor: stores through `this` would otherwise be
  // repeated on every byte (the compiler cannot prove they do not alias the output).
  void ws() {
    const char* p = p_;
    while (p < end_ && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
    p_ = p;
  }
  bool eat(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  // Bytes of `w` that end or disqualify a plain string: '"', '\\', control bytes, DEL, non-ASCII.
  // Bit 7 of each such byte is set in the result; the lowest set bit is exact (higher ones may be
  // false positives, which never matter because only the first is used).
  static std::uint64_t specials(std::uint64_t w) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    auto zero_byte = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
    const std::uint64_t quote = zero_byte(w ^ (ones * '"'));
    const std::uint64_t slash = zero_byte(w ^ (ones * '\\'));
    const std::uint64_t del = zero_byte(w ^ (ones * 0x7f));
    const std::uint64_t control = (w - ones * 0x20) & ~w & highs;
    return quote | slash | del | control | (w & highs);
  }
  bool str(std::string_view& out) {
    const char* p = p_;
    const char* const end = end_;
    if (p >= end || *p != '"') return false;
    const char* b = ++p;
    // Eight bytes at a time while they are in bounds, then byte by byte.
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      const std::uint64_t m = specials(w);
      if (m == 0) {
        p += 8;
        continue;
      }
      p += static_cast<unsigned>(__builtin_ctzll(m)) / 8;
      break;
    }
    while (p < end) {
      const auto c = static_cast<unsigned char>(*p);
      if (c == '"') {
        out = std::string_view(b, static_cast<std::size_t>(p - b));
        p_ = p + 1;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x7f) return false;  // escapes, control bytes, UTF-8: simdjson
      ++p;
    }
    return false;
  }
  bool integer(std::int64_t& out) {
    const char* p = p_;
    const char* const b = p;
    std::uint64_t v = 0;
    while (p < end_ && static_cast<unsigned>(*p - '0') < 10U) v = v * 10 + static_cast<std::uint64_t>(*p++ - '0');
    const auto n = p - b;
    if (n == 0 || n > 18 || (n > 1 && *b == '0')) return false;
    if (p < end_ && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') {
      return false;  // a fraction or an exponent: not an integer
    }
    p_ = p;
    out = static_cast<std::int64_t>(v);
    return true;
  }
  bool key(std::string_view& k) {
    ws();
    if (!str(k)) return false;
    ws();
    if (!eat(':')) return false;
    ws();
    return true;
  }
  // After a member: ',' (true, more follow) or the closing brace (false, done) in `more`.
  bool next(bool& more) {
    ws();
    if (eat(',')) {
      more = true;
      return true;
    }
    if (eat('}')) {
      more = false;
      return true;
    }
    return false;
  }
  // A "digits[.digits]" string read in one pass (<= 18 digits). Any other string content is
  // still accepted as a string (n.ok = false) and converted later by the general parser.
  bool number_string(std::string_view& text, ScannedNumber& n) {
    const char* p = p_;
    const char* const end = end_;
    if (p >= end || *p != '"') return false;
    const char* const b = ++p;
    std::uint64_t v = 0;
    while (p < end && static_cast<unsigned>(*p - '0') < 10U) v = v * 10 + static_cast<std::uint64_t>(*p++ - '0');
    const auto int_len = p - b;
    std::ptrdiff_t frac = 0;
    if (p < end && *p == '.') {
      const char* f = ++p;
      while (p < end && static_cast<unsigned>(*p - '0') < 10U) v = v * 10 + static_cast<std::uint64_t>(*p++ - '0');
      frac = p - f;
      if (frac == 0) frac = -1;  // "5." is not a plain number
    }
    if (p < end && *p == '"' && int_len > 0 && frac >= 0 && int_len + frac <= 18) {
      text = std::string_view(b, static_cast<std::size_t>(p - b));
      n.digits = v;
      n.frac = static_cast<std::int8_t>(frac);
      n.total = static_cast<std::int8_t>(int_len + frac);
      n.ok = true;
      p_ = p + 1;
      return true;
    }
    n.ok = false;
    return str(text);  // p_ is still at the opening quote
  }
  bool rows(Side side) {
    if (!eat('[')) return false;
    ws();
    if (eat(']')) return true;
    for (;;) {
      if (!eat('[')) return false;
      RawRow& row = rows_.emplace_back();  // filled in place; scan() drops it if the frame is rejected
      row.side = side;
      std::string_view* text[3] = {&row.price, &row.size, &row.sequence};
      ScannedNumber* num[3] = {&row.price_n, &row.size_n, &row.sequence_n};
      for (int i = 0; i < 3; ++i) {
        ws();
        if (!number_string(*text[i], *num[i])) return false;
        ws();
        if (!eat(i == 2 ? ']' : ',')) return false;
      }
      ws();
      if (eat(',')) {
        ws();
        continue;
      }
      return eat(']');
    }
  }
  bool changes() {
    if (!eat('{')) return false;
    ws();
    if (eat('}')) return true;
    for (bool more = true; more;) {
      std::string_view k;
      if (!key(k)) return false;
      if (k == "asks") {
        if (!rows(Side::ask)) return false;
      } else if (k == "bids") {
        if (!rows(Side::bid)) return false;
      } else {
        return false;
      }
      if (!next(more)) return false;
    }
    return true;
  }
  bool data(RawUpdate& r) {
    if (!eat('{')) return false;
    ws();
    if (eat('}')) return true;
    for (bool more = true; more;) {
      std::string_view k;
      if (!key(k)) return false;
      bool ok;
      if (k == "changes") {
        ok = changes();
        r.have_changes = true;
      } else if (k == "sequenceStart") {
        ok = integer(r.seq_start);
        r.have_start = true;
      } else if (k == "sequenceEnd") {
        ok = integer(r.seq_end);
        r.have_end = true;
      } else if (k == "symbol") {
        ok = str(r.symbol);
        r.have_symbol = true;
      } else if (k == "time") {
        ok = integer(r.time_ms);
      } else {
        return false;
      }
      if (!ok || !next(more)) return false;
    }
    return true;
  }
  bool frame(RawUpdate& r) {
    ws();
    if (!eat('{')) return false;
    ws();
    if (eat('}')) return tail();
    for (bool more = true; more;) {
      std::string_view k;
      if (!key(k)) return false;
      bool ok;
      if (k == "type") {
        ok = str(r.type);
        r.have_type = true;
      } else if (k == "topic") {
        ok = str(r.topic);
        r.have_topic = true;
      } else if (k == "subject") {
        ok = str(r.subject);
        r.have_subject = true;
      } else if (k == "data") {
        ok = data(r);
        r.have_data = true;
      } else {
        return false;
      }
      if (!ok || !next(more)) return false;
    }
    return tail();
  }
  bool tail() {
    ws();
    return p_ == end_;
  }

  const char* p_;
  const char* end_;
  std::vector<RawRow>& rows_;
};

}  // namespace kucoin::detail
