#include "kucoin/protocol/ws_peek.hpp"

#include <cstring>

namespace kucoin {

namespace {

constexpr std::size_t npos = std::string_view::npos;

std::size_t skip_ws(std::string_view s, std::size_t i) noexcept {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  return i;
}

// s[i] == '"'. The index after the closing quote (npos when unterminated); `escaped` is set when
// the string holds a backslash.
std::size_t skip_string(std::string_view s, std::size_t i, bool& escaped) noexcept {
  const std::size_t start = i + 1;
  i = start;
  for (;;) {
    const void* p = i < s.size() ? std::memchr(s.data() + i, '"', s.size() - i) : nullptr;
    if (p == nullptr) return npos;
    const auto q = static_cast<std::size_t>(static_cast<const char*>(p) - s.data());
    std::size_t b = q;
    while (b > start && s[b - 1] == '\\') --b;
    if ((q - b) % 2 == 0) {  // an even run of backslashes: the quote closes the string
      if (!escaped && q > start && std::memchr(s.data() + start, '\\', q - start) != nullptr) escaped = true;
      return q + 1;
    }
    escaped = true;
    i = q + 1;
  }
}

// Skips one value (string, object, array or scalar) starting at s[i].
std::size_t skip_value(std::string_view s, std::size_t i) noexcept {
  if (i >= s.size()) return npos;
  bool escaped = false;
  if (s[i] == '"') return skip_string(s, i, escaped);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        i = skip_string(s, i, escaped);
        if (i == npos) return npos;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return i + 1;
      ++i;
    }
    return npos;
  }
  const std::size_t start = i;
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n' && s[i] != '\r' &&
         s[i] != '\t') {
    ++i;
  }
  return i == start ? npos : i;
}

// The string value that starts at f[at] (just after its opening quote), when it holds no
// backslash; `end` gets the index after its closing quote.
bool plain_string_at(std::string_view f, std::size_t at, std::string_view& value, std::size_t& end) noexcept {
  if (at >= f.size()) return false;
  const void* q = std::memchr(f.data() + at, '"', f.size() - at);
  if (q == nullptr) return false;
  const auto e = static_cast<std::size_t>(static_cast<const char*>(q) - f.data());
  if (std::memchr(f.data() + at, '\\', e - at) != nullptr) return false;
  value = f.substr(at, e - at);
  end = e + 1;
  return true;
}

// KuCoin's two usual envelopes, compared as literals: {"topic":"...","type":"message" (the
// documented order, the mock's) and {"type":"message","topic":"...". Gives what the general
// scan would give; false: the general scan decides.
bool peek_usual_shape(std::string_view f, std::string_view& topic) noexcept {
  constexpr std::string_view kTopicFirst = R"({"topic":")";
  constexpr std::string_view kTypeAfter = R"(,"type":"message")";
  constexpr std::string_view kTypeFirst = R"({"type":"message","topic":")";
  std::string_view value;
  std::size_t end = 0;
  if (f.starts_with(kTopicFirst)) {
    if (!plain_string_at(f, kTopicFirst.size(), value, end) || f.substr(end, kTypeAfter.size()) != kTypeAfter) {
      return false;
    }
  } else if (!f.starts_with(kTypeFirst) || !plain_string_at(f, kTypeFirst.size(), value, end)) {
    return false;
  }
  topic = value;
  return true;
}

}  // namespace

bool peek_data_message(std::string_view f, std::string_view& topic) noexcept {
  if (peek_usual_shape(f, topic)) return true;
  std::size_t i = skip_ws(f, 0);
  if (i >= f.size() || f[i] != '{') return false;
  ++i;
  bool have_type = false, have_topic = false;
  std::string_view found;
  for (;;) {
    i = skip_ws(f, i);
    if (i >= f.size() || f[i] != '"') return false;
    bool escaped = false;
    const std::size_t kend = skip_string(f, i, escaped);
    if (kend == npos || escaped) return false;
    const std::string_view key = f.substr(i + 1, kend - i - 2);
    i = skip_ws(f, kend);
    if (i >= f.size() || f[i] != ':') return false;
    i = skip_ws(f, i + 1);
    if (key == "type" || key == "topic") {
      if (i >= f.size() || f[i] != '"') return false;
      const std::size_t vend = skip_string(f, i, escaped);
      if (vend == npos || escaped) return false;
      const std::string_view value = f.substr(i + 1, vend - i - 2);
      i = vend;
      if (key == "type") {
        if (value != "message") return false;
        have_type = true;
      } else {
        found = value;
        have_topic = true;
      }
      if (have_type && have_topic) {
        topic = found;
        return true;
      }
    } else {
      i = skip_value(f, i);
      if (i == npos) return false;
    }
    i = skip_ws(f, i);
    if (i < f.size() && f[i] == ',') {
      ++i;
      continue;
    }
    return false;
  }
}

}  // namespace kucoin
