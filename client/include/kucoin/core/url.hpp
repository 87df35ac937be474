// URLs of the servers the client talks to: the REST base URL ("https://api.kucoin.com") and the
// WebSocket endpoints of bullet answers ("wss://ws-api-spot.kucoin.com/?token=..."). One parser
// for both (HttpClient and WsClient). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kucoin/core/result.hpp"

namespace kucoin {

struct Url {
  bool tls = true;     // https / wss
  std::string host;    // without brackets for IPv6
  std::string port;    // digits; the scheme's default (443 with TLS, else 80) when absent
  std::string target;  // path and query, at least "/"; a '#fragment' is dropped

  // The Host header: the host (IPv6 in brackets), with ":port" unless it is the default.
  std::string host_header() const;
  // "host:port" (IPv6 in brackets), for messages.
  std::string endpoint() const;
  bool operator==(const Url&) const = default;
};

enum class UrlScheme : std::uint8_t {
  http,       // http:// or https://
  websocket,  // ws:// or wss://
};

// "scheme://host[:port][/path][?query][#fragment]"; an IPv6 host is written [::1].
// Errc::invalid_argument (naming what is wrong) for another scheme, an empty host, an unclosed
// '[', junk after ']', or a port that is not 1-5 digits.
Result<Url> parse_url(std::string_view url, UrlScheme scheme);

}  // namespace kucoin
