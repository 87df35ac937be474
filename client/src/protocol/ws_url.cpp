#include "kucoin/protocol/ws_url.hpp"

namespace kucoin {

namespace {

constexpr bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_param(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += '=';
  out += percent_encode(value);
}

}  // namespace

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

Result<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return fail(Errc::parse_error, "bad percent-encoding at offset " + std::to_string(i));
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string build_connect_url(std::string_view endpoint, std::string_view token, std::string_view connect_id) {
  if (const auto hash = endpoint.find('#'); hash != std::string_view::npos) endpoint = endpoint.substr(0, hash);
  std::string out;
  out.reserve(endpoint.size() + token.size() * 3 / 2 + connect_id.size() + 24);
  const auto query = endpoint.find('?');
  const std::string_view before_query = endpoint.substr(0, query);
  out.append(before_query);
  // A URL with an authority needs a path before its query: "wss://host" -> "wss://host/".
  const auto scheme_end = before_query.find("://");
  if (scheme_end != std::string_view::npos) {
    if (before_query.find('/', scheme_end + 3) == std::string_view::npos) out += '/';
  } else if (before_query.empty()) {
    out += '/';
  }
  if (query == std::string_view::npos) {
    out += '?';
  } else {
    const std::string_view existing = endpoint.substr(query + 1);
    out += '?';
    out.append(existing);
    if (!existing.empty() && existing.back() != '&') out += '&';
  }
  append_param(out, "token", token);
  if (!connect_id.empty()) {
    out += '&';
    append_param(out, "connectId", connect_id);
  }
  return out;
}

Result<ConnectTarget> parse_connect_target(std::string_view target) {
  if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  ConnectTarget out;
  const auto q = target.find('?');
  out.path.assign(target.substr(0, q));
  if (q == std::string_view::npos) return out;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    std::optional<std::string>* slot = nullptr;
    if (name == "token") {
      slot = &out.token;
    } else if (name == "connectId") {
      slot = &out.connect_id;
    }
    if (slot == nullptr || slot->has_value()) continue;
    auto decoded = percent_decode(value);
    if (!decoded) return fail(Errc::parse_error, std::string(name) + ": " + decoded.error().message);
    *slot = std::move(*decoded);
  }
  return out;
}

}  // namespace kucoin
