#include "kucoin/core/decimal.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

namespace kucoin {
namespace {


constexpr std::uint64_t kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::string quoted(std::string_view text) {
  std::string s;
  s.reserve(text.size() + 2);
  s += '"';
  for (char c : text.substr(0, 64)) s += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 64) s += "...";
  s += '"';
  return s;
}

// value = value * 10 + digit, false on overflow past INT64_MAX.
inline bool push_digit(std::uint64_t& value, char c) noexcept {
  const auto d = static_cast<std::uint64_t>(c - '0');
  if (value > (kMax - d) / 10) return false;
  value = value * 10 + d;
  return true;
}

}  // namespace

Result<std::int64_t> parse_fixed(std::string_view text, int decimals) noexcept {
  if (decimals < 0 || decimals > kMaxDecimals) {
    return fail(Errc::invalid_argument, "decimals must be 0..18");
  }
  // Hot path, one pass: "digits" or "digits.digits" with at most 18 digit positions in all, which
  // cannot overflow. Anything else (exponents, errors, long numbers) takes the general path below.
  if (text.size() <= 20) {
    const char* q = text.data();
    const char* const e = q + text.size();
    std::uint64_t v = 0;
    while (q != e && static_cast<unsigned>(*q - '0') < 10U) v = v * 10 + static_cast<std::uint64_t>(*q++ - '0');
    const auto int_len = static_cast<int>(q - text.data());
    if (int_len > 0 && int_len + decimals <= 18) {
      if (q == e) return static_cast<std::int64_t>(v * kPow10[static_cast<std::size_t>(decimals)]);
      if (*q == '.') {
        const char* f = ++q;
        while (q != e && static_cast<unsigned>(*q - '0') < 10U) v = v * 10 + static_cast<std::uint64_t>(*q++ - '0');
        const auto frac_len = static_cast<int>(q - f);
        if (q == e && frac_len > 0 && frac_len <= decimals) {
          return static_cast<std::int64_t>(v * kPow10[static_cast<std::size_t>(decimals - frac_len)]);
        }
      }
    }
  }
  if (text.empty()) return fail(Errc::bad_number, "empty number");
  if (text.size() > kMaxNumberLength) {
    return fail(Errc::number_too_long, "number of " + std::to_string(text.size()) + " characters " + quoted(text));
  }
  const char* p = text.data();
  const char* const end = p + text.size();

  // Integer part.
  const char* int_begin = p;
  while (p != end && is_digit(*p)) ++p;
  const auto int_len = static_cast<int>(p - int_begin);
  if (int_len == 0) {
    if (*int_begin == '-') return fail(Errc::bad_number, "negative number " + quoted(text));
    return fail(Errc::bad_number, "not a decimal number " + quoted(text));
  }
  // Fraction.
  const char* frac_begin = p;
  int frac_len = 0;
  if (p != end && *p == '.') {
    ++p;
    frac_begin = p;
    while (p != end && is_digit(*p)) ++p;
    frac_len = static_cast<int>(p - frac_begin);
    if (frac_len == 0) return fail(Errc::bad_number, "no digits after the point in " + quoted(text));
  }
  // Optional exponent (JSON numbers may use it).
  int exponent = 0;
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool neg = false;
    if (p != end && (*p == '+' || *p == '-')) neg = (*p++ == '-');
    const char* exp_begin = p;
    while (p != end && is_digit(*p)) {
      exponent = exponent * 10 + (*p - '0');
      ++p;
      if (p - exp_begin > 3) return fail(Errc::out_of_range, "exponent too large in " + quoted(text));
    }
    if (p == exp_begin) return fail(Errc::bad_number, "no digits in the exponent of " + quoted(text));
    if (neg) exponent = -exponent;
  }
  if (p != end) return fail(Errc::bad_number, "unexpected character in " + quoted(text));

  // Digits kept: the integer part plus `keep_frac` digits of the (exponent-shifted) fraction.
  const int keep_frac = decimals + exponent;
  std::uint64_t value = 0;
  // Fast path: plain decimal with no more fraction digits than the scale and at most 18 digits
  // in all, which cannot overflow int64: no per-digit checks.
  if (exponent == 0 && frac_len <= decimals && int_len + decimals <= 18) {
    for (const char* q = int_begin; q != int_begin + int_len; ++q) value = value * 10 + static_cast<std::uint64_t>(*q - '0');
    for (const char* q = frac_begin; q != frac_begin + frac_len; ++q) value = value * 10 + static_cast<std::uint64_t>(*q - '0');
    return static_cast<std::int64_t>(value * kPow10[static_cast<std::size_t>(decimals - frac_len)]);
  }
  // Plain decimal that may overflow.
  if (exponent == 0 && frac_len <= decimals) {
    for (const char* q = int_begin; q != int_begin + int_len; ++q) {
      if (!push_digit(value, *q)) return fail(Errc::out_of_range, quoted(text) + " does not fit the fixed-point range");
    }
    for (const char* q = frac_begin; q != frac_begin + frac_len; ++q) {
      if (!push_digit(value, *q)) return fail(Errc::out_of_range, quoted(text) + " does not fit the fixed-point range");
    }
    const int pad = decimals - frac_len;
    const std::uint64_t scale = kPow10[static_cast<std::size_t>(pad)];
    if (value > kMax / scale) return fail(Errc::out_of_range, quoted(text) + " does not fit the fixed-point range");
    return static_cast<std::int64_t>(value * scale);
  }

  // General path: walk the digit sequence int_part ++ frac_part.
  const int total = int_len + frac_len;
  const int used = std::max(0, std::min(total, int_len + keep_frac));
  auto digit_at = [&](int i) { return i < int_len ? int_begin[i] : frac_begin[i - int_len]; };
  for (int i = 0; i < used; ++i) {
    if (!push_digit(value, digit_at(i))) return fail(Errc::out_of_range, quoted(text) + " does not fit the fixed-point range");
  }
  for (int i = used; i < total; ++i) {
    if (digit_at(i) != '0') {
      return fail(Errc::precision_exceeded,
                  quoted(text) + " has more than " + std::to_string(decimals) + " decimals");
    }
  }
  int pad = int_len + keep_frac - total;  // zeros to append
  if (pad > 0 && value != 0) {
    if (pad > 19) return fail(Errc::out_of_range, quoted(text) + " does not fit the fixed-point range");
    const std::uint64_t scale = kPow10[static_cast<std::size_t>(pad)];
    if (value > kMax / scale) return fail(Errc::out_of_range, quoted(text) + " does not fit the fixed-point range");
    value *= scale;
  }
  return static_cast<std::int64_t>(value);
}

Result<std::int64_t> parse_int(std::string_view text) noexcept {
  if (text.empty()) return fail(Errc::bad_number, "empty integer");
  if (text.size() > 19) {
    bool digits = true;
    for (char c : text) digits = digits && is_digit(c);
    if (digits && text.size() <= kMaxNumberLength) return fail(Errc::out_of_range, quoted(text) + " exceeds int64");
    return fail(Errc::number_too_long, "integer of " + std::to_string(text.size()) + " characters " + quoted(text));
  }
  std::uint64_t value = 0;
  if (text.size() <= 18) {  // cannot overflow
    for (char c : text) {
      if (!is_digit(c)) return fail(Errc::bad_number, "not an unsigned integer " + quoted(text));
      value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return static_cast<std::int64_t>(value);
  }
  for (char c : text) {
    if (!is_digit(c)) return fail(Errc::bad_number, "not an unsigned integer " + quoted(text));
    if (!push_digit(value, c)) return fail(Errc::out_of_range, quoted(text) + " exceeds int64");
  }
  return static_cast<std::int64_t>(value);
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_fixed(std::string& out, std::int64_t value, int decimals) {
  std::uint64_t v;
  if (value < 0) {
    out += '-';
    v = static_cast<std::uint64_t>(-(value + 1)) + 1;
  } else {
    v = static_cast<std::uint64_t>(value);
  }
  if (decimals <= 0) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
    return;
  }
  const std::uint64_t scale = kPow10[static_cast<std::size_t>(decimals)];
  const std::uint64_t ip = v / scale;
  std::uint64_t fp = v % scale;
  char buf[48];
  auto r = std::to_chars(buf, buf + sizeof buf, ip);
  out.append(buf, r.ptr);
  if (fp == 0) return;
  int digits = decimals;
  while (fp % 10 == 0) {
    fp /= 10;
    --digits;
  }
  char frac[20];
  for (int i = digits - 1; i >= 0; --i) {
    frac[i] = static_cast<char>('0' + fp % 10);
    fp /= 10;
  }
  out += '.';
  out.append(frac, static_cast<std::size_t>(digits));
}

std::string format_fixed(std::int64_t value, int decimals) {
  std::string s;
  append_fixed(s, value, decimals);
  return s;
}

Result<int> decimals_of_increment(std::string_view increment) noexcept {
  // "0.00001" -> 5, "1" -> 0, "0.50" -> 1, "10" -> 0.
  std::size_t frac = 0;
  if (auto dot = increment.find('.'); dot != std::string_view::npos) {
    std::string_view f = increment.substr(dot + 1);
    while (!f.empty() && f.back() == '0') f.remove_suffix(1);
    frac = f.size();
  }
  if (frac > static_cast<std::size_t>(kMaxDecimals)) {
    return fail(Errc::precision_exceeded, "increment finer than 1e-18: " + quoted(increment));
  }
  const int decimals = static_cast<int>(frac);
  auto parsed = parse_fixed(increment, decimals);
  if (!parsed) return Unexpected{std::move(parsed).error()};
  if (*parsed <= 0) return fail(Errc::bad_number, "increment must be positive: " + quoted(increment));
  return decimals;
}

}  // namespace kucoin
