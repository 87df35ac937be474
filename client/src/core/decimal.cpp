#include "kucoin/core/decimal.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <ostream>

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
    for (const char* q = int_begin; q != int_begin + int_len; ++q)
      value = value * 10 + static_cast<std::uint64_t>(*q - '0');
    for (const char* q = frac_begin; q != frac_begin + frac_len; ++q)
      value = value * 10 + static_cast<std::uint64_t>(*q - '0');
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
    if (!push_digit(value, digit_at(i)))
      return fail(Errc::out_of_range, quoted(text) + " does not fit the fixed-point range");
  }
  for (int i = used; i < total; ++i) {
    if (digit_at(i) != '0') {
      return fail(Errc::precision_exceeded, quoted(text) + " has more than " + std::to_string(decimals) + " decimals");
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

Result<ParsedDecimal> parse_decimal(std::string_view text, int min_decimals) noexcept {
  if (min_decimals < 0) min_decimals = 0;
  if (min_decimals > kMaxDecimals) min_decimals = kMaxDecimals;
  // Hot path, one pass: "digits" or "digits.digits" with at most 18 digits, which cannot overflow.
  if (text.size() <= 19) {
    const char* q = text.data();
    const char* const e = q + text.size();
    std::uint64_t v = 0;
    while (q != e && static_cast<unsigned>(*q - '0') < 10U) v = v * 10 + static_cast<std::uint64_t>(*q++ - '0');
    const auto int_len = static_cast<int>(q - text.data());
    int frac_len = 0;
    bool plain = int_len > 0 && q == e;
    if (int_len > 0 && q != e && *q == '.') {
      const char* f = ++q;
      while (q != e && static_cast<unsigned>(*q - '0') < 10U) v = v * 10 + static_cast<std::uint64_t>(*q++ - '0');
      frac_len = static_cast<int>(q - f);
      plain = q == e && frac_len > 0;
    }
    if (plain && int_len + frac_len <= 18) {
      if (frac_len < min_decimals && int_len + min_decimals <= 18) {
        return ParsedDecimal{static_cast<std::int64_t>(v * kPow10[static_cast<std::size_t>(min_decimals - frac_len)]),
                             static_cast<std::uint8_t>(min_decimals)};
      }
      return ParsedDecimal{static_cast<std::int64_t>(v), static_cast<std::uint8_t>(frac_len)};
    }
  }
  if (text.empty()) return fail(Errc::bad_number, "empty number");
  if (text.size() > kMaxNumberLength) {
    return fail(Errc::number_too_long, "number of " + std::to_string(text.size()) + " characters " + quoted(text));
  }
  const char* p = text.data();
  const char* const end = p + text.size();
  const char* int_begin = p;
  while (p != end && is_digit(*p)) ++p;
  const auto int_len = static_cast<int>(p - int_begin);
  if (int_len == 0) {
    if (*int_begin == '-') return fail(Errc::bad_number, "negative number " + quoted(text));
    return fail(Errc::bad_number, "not a decimal number " + quoted(text));
  }
  const char* frac_begin = p;
  int frac_len = 0;
  if (p != end && *p == '.') {
    ++p;
    frac_begin = p;
    while (p != end && is_digit(*p)) ++p;
    frac_len = static_cast<int>(p - frac_begin);
    if (frac_len == 0) return fail(Errc::bad_number, "no digits after the point in " + quoted(text));
  }
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

  // The digit sequence int ++ frac, with `decimals` of them after the point.
  const int total = int_len + frac_len;
  auto digit_at = [&](int i) { return i < int_len ? int_begin[i] : frac_begin[i - int_len]; };
  int decimals = frac_len - exponent;
  int used = total;
  // Beyond 18 decimals only zeros may follow.
  while (decimals > kMaxDecimals && used > 0 && digit_at(used - 1) == '0') {
    --used;
    --decimals;
  }
  if (decimals > kMaxDecimals) {
    bool all_zero = true;
    for (int i = 0; i < used && all_zero; ++i) all_zero = digit_at(i) == '0';
    if (!all_zero) {
      return fail(Errc::precision_exceeded,
                  quoted(text) + " has more than " + std::to_string(kMaxDecimals) + " decimals");
    }
    return ParsedDecimal{0, static_cast<std::uint8_t>(std::min(min_decimals, kMaxDecimals))};
  }
  std::uint64_t value = 0;
  for (int i = 0; i < used; ++i) {
    if (!push_digit(value, digit_at(i))) {
      return fail(Errc::out_of_range, quoted(text) + " has more significant digits than an exact decimal holds (18)");
    }
  }
  if (decimals < 0) {  // 5e3: append zeros
    for (int i = 0; i < -decimals; ++i) {
      if (!push_digit(value, '0')) return fail(Errc::out_of_range, quoted(text) + " does not fit an exact decimal");
    }
    decimals = 0;
  }
  ParsedDecimal out{static_cast<std::int64_t>(value), static_cast<std::uint8_t>(decimals)};
  if (decimals < min_decimals) {
    if (auto r = rescale(out.raw, decimals, min_decimals)) {
      out.raw = *r;
      out.decimals = static_cast<std::uint8_t>(min_decimals);
    }
  }
  return out;
}

std::optional<std::int64_t> rescale(std::int64_t raw, int from, int to) noexcept {
  if (from == to) return raw;
  if (to > from) {
    const int k = to - from;
    if (k > 18) return raw == 0 ? std::optional<std::int64_t>(0) : std::nullopt;
    const auto scale = static_cast<std::int64_t>(kPow10[static_cast<std::size_t>(k)]);
    const std::int64_t limit = std::numeric_limits<std::int64_t>::max() / scale;
    if (raw > limit || raw < -limit) return std::nullopt;
    return raw * scale;
  }
  const int k = from - to;
  if (k > 18) return raw == 0 ? std::optional<std::int64_t>(0) : std::nullopt;
  const auto scale = static_cast<std::int64_t>(kPow10[static_cast<std::size_t>(k)]);
  if (raw % scale != 0) return std::nullopt;
  return raw / scale;
}

std::optional<ParsedDecimal> add_decimals(std::int64_t a_raw, int a_dec, std::int64_t b_raw, int b_dec) noexcept {
  const int d = std::max(a_dec, b_dec);
  const auto a = rescale(a_raw, a_dec, d);
  const auto b = rescale(b_raw, b_dec, d);
  if (!a || !b) return std::nullopt;
  std::int64_t sum = 0;
  if (__builtin_add_overflow(*a, *b, &sum)) return std::nullopt;
  return ParsedDecimal{sum, static_cast<std::uint8_t>(d)};
}

int significant_decimals(std::int64_t raw, int decimals) noexcept {
  if (raw == 0) return 0;
  while (decimals > 0 && raw % 10 == 0) {
    raw /= 10;
    --decimals;
  }
  return decimals;
}

namespace detail {

std::strong_ordering compare_decimals(std::int64_t a_raw, int a_dec, std::int64_t b_raw, int b_dec) noexcept {
  // Bring both to the larger number of decimals in 128 bits: 10^18 * 2^63 < 2^127.
  int128 a = a_raw, b = b_raw;
  if (a_dec < b_dec) {
    a *= static_cast<detail::int128>(kPow10[static_cast<std::size_t>(b_dec - a_dec)]);
  } else if (b_dec < a_dec) {
    b *= static_cast<detail::int128>(kPow10[static_cast<std::size_t>(a_dec - b_dec)]);
  }
  return a < b ? std::strong_ordering::less : (a > b ? std::strong_ordering::greater : std::strong_ordering::equal);
}

}  // namespace detail

std::string to_string(Price p) { return format_fixed(p.raw, p.decimals); }
std::string to_string(Quantity q) { return format_fixed(q.raw, q.decimals); }
std::ostream& operator<<(std::ostream& os, Price p) { return os << to_string(p); }
std::ostream& operator<<(std::ostream& os, Quantity q) { return os << to_string(q); }

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
