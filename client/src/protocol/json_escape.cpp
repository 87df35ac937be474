// append_json_string (declared in ws_codec.hpp): the JSON string writer of every encoder and of the
// capture's records, where it escapes each WebSocket frame the recorder keeps. A frame is JSON
// itself, so about one byte in five is a '"' to escape. The scan takes 16 bytes at a time (SSE2,
// part of every x86-64; 8 bytes in a 64-bit word elsewhere) into a mask of the bytes to escape,
// then walks the mask's bits: the clean run before each escape goes out as one unaligned block
// store into room reserved ahead (only its clean bytes are kept), the escape as two bytes. No
// branch per byte, no call per run; the last block or so goes byte by byte.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "kucoin/protocol/ws_codec.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kucoin {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// The short escape of c ('"' -> '"', '\n' -> 'n', ...), or 0 for \u00XX; only for bytes that need one.
constexpr char short_escape(unsigned char c) {
  switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    default: return 0;
  }
}

constexpr bool needs_escape(unsigned char c) { return c == '"' || c == '\\' || c < 0x20 || c == 0x7f; }

// Writes the escape of c at o (2 or 6 bytes); returns the end.
inline char* write_escape(char* o, unsigned char c) {
  o[0] = '\\';
  if (const char e = short_escape(c); e != 0) {
    o[1] = e;
    return o + 2;
  }
  const char u[5] = {'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
  std::memcpy(o + 1, u, sizeof u);
  return o + 6;
}

#if defined(__SSE2__)
constexpr std::size_t kBlock = 16;
// Bit i set when byte i of the 16 at p needs escaping.
inline unsigned special_mask(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  const __m128i del = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f));
  // unsigned v <= 0x1f  <=>  max(v, 0x1f) == 0x1f
  const __m128i ctrl = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f));
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), _mm_or_si128(del, ctrl))));
}
inline void copy_block(char* o, const char* p) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
inline unsigned first_byte(unsigned mask) { return static_cast<unsigned>(__builtin_ctz(mask)); }
#else
constexpr std::size_t kBlock = 8;
// The high bit of byte i set when byte i of the 8 at p needs escaping (exact: no false positives
// across bytes, the classic "has zero byte" test on each byte alone).
inline std::uint64_t special_mask(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  constexpr std::uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull, low7 = ~high;
  auto zero_bytes = [&](std::uint64_t x) { return ~(((x & low7) + low7) | x) & high; };
  const std::uint64_t quote = zero_bytes(w ^ (ones * '"'));
  const std::uint64_t backslash = zero_bytes(w ^ (ones * '\\'));
  const std::uint64_t del = zero_bytes(w ^ (ones * 0x7f));
  // bytes below 0x20: their bits 5, 6 and 7 are all clear
  const std::uint64_t ctrl = zero_bytes(w & (ones * 0xe0));
  std::uint64_t m = quote | backslash | del | ctrl;
  if constexpr (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) m = __builtin_bswap64(m);
  return m;
}
inline void copy_block(char* o, const char* p) { std::memcpy(o, p, 8); }
inline unsigned first_byte(std::uint64_t mask) { return static_cast<unsigned>(__builtin_ctzll(mask)) / 8; }
#endif

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  const std::size_t start = out.size();
  // Room for the string unescaped, the quotes and two blocks of slack (the block stores write
  // past the bytes they keep); each escape takes 1 to 5 bytes more, checked as it happens.
  out.resize(start + s.size() + 2 + 2 * kBlock + 8);
  char* o = out.data() + start;
  char* end = out.data() + out.size();
  *o++ = '"';
  const char* p = s.data();
  const char* const stop = s.data() + s.size();
  // Keeps room for the rest of the input from `from` unescaped, an escape and the slack.
  auto room = [&](const char* from) {
    const std::size_t need = static_cast<std::size_t>(stop - from) + 6 + 2 * kBlock + 2;
    if (static_cast<std::size_t>(end - o) >= need) return;
    const std::size_t used = static_cast<std::size_t>(o - out.data());
    out.resize(out.size() + need + s.size() / 2 + 64);
    o = out.data() + used;
    end = out.data() + out.size();
  };
  // Whole blocks while a second block is readable: each escape of the block is handled from the
  // block's mask (no new scan), the clean run before it copied by one unaligned block store.
  while (stop - p >= static_cast<std::ptrdiff_t>(2 * kBlock)) {
    auto mask = special_mask(p);
    unsigned last = 0;  // the block's bytes before this are written
    while (mask != 0) {
      const unsigned k = first_byte(mask);
      copy_block(o, p + last);  // reads p + last .. p + last + kBlock: within the second block
      o += k - last;
      const auto c = static_cast<unsigned char>(p[k]);
      if (c == '"' || c == '\\') {
        o[0] = '\\';
        o[1] = static_cast<char>(c);
        o += 2;
      } else {
        o = write_escape(o, c);
      }
      last = k + 1;
      room(p + last);
#if defined(__SSE2__)
      mask &= mask - 1;
#else
      mask &= ~(std::uint64_t{0xff} << (8 * k));
#endif
    }
    copy_block(o, p + last);
    o += kBlock - last;
    p += kBlock;
  }
  for (; p != stop; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (!needs_escape(c)) {
      *o++ = static_cast<char>(c);
      continue;
    }
    room(p);
    o = write_escape(o, c);
  }
  *o++ = '"';
  out.resize(static_cast<std::size_t>(o - out.data()));
}

}  // namespace kucoin
