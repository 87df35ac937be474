#include "kucoin/core/url.hpp"

namespace kucoin {

std::string Url::host_header() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? "443" : "80")) out += ":" + port;
  return out;
}

std::string Url::endpoint() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

Result<Url> parse_url(std::string_view url, UrlScheme scheme) {
  const bool web = scheme == UrlScheme::websocket;
  const std::string what = web ? "WebSocket URL" : "base URL";
  const std::string_view plain = web ? "ws://" : "http://";
  const std::string_view secure = web ? "wss://" : "https://";
  Url out;
  if (url.starts_with(secure)) {
    out.tls = true;
    url.remove_prefix(secure.size());
  } else if (url.starts_with(plain)) {
    out.tls = false;
    url.remove_prefix(plain.size());
  } else {
    return fail(Errc::invalid_argument, what + " must start with " + std::string(plain) + " or " + std::string(secure));
  }
  if (const auto hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  const auto path_at = url.find_first_of("/?");
  const std::string_view authority = url.substr(0, path_at);
  const std::string_view rest = path_at == std::string_view::npos ? std::string_view() : url.substr(path_at);
  out.target = rest.empty() ? "/" : (rest.front() == '?' ? "/" + std::string(rest) : std::string(rest));
  std::string_view host = authority, port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail(Errc::invalid_argument, what + ": unclosed [ in host");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (after.starts_with(':')) {
      port = after.substr(1);
    } else if (!after.empty()) {
      return fail(Errc::invalid_argument, what + ": junk after the host");
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return fail(Errc::invalid_argument, what + " without host");
  out.host = std::string(host);
  out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
  if (out.port.size() > 5) return fail(Errc::invalid_argument, what + ": bad port");
  for (char c : out.port) {
    if (c < '0' || c > '9') return fail(Errc::invalid_argument, what + ": bad port");
  }
  return out;
}

}  // namespace kucoin
