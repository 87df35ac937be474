// The WebSocket connect URL: <endpoint>?token=<token>&connectId=<id> (kucoin-protocol.md §4.3),
// built by the client and taken apart by the mock server.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kucoin/core/result.hpp"

namespace kucoin {

// RFC 3986 percent-encoding: unreserved characters (A-Z a-z 0-9 - . _ ~) stay, every other byte
// becomes %XX (upper-case hex). A bullet token's '=' and '+' are encoded.
std::string percent_encode(std::string_view s);

// Decodes %XX (either case). '+' stays '+': tokens are base64-like and clients that do not encode
// send a literal '+', while no token or connectId ever holds a space.
// Errc::parse_error for a '%' not followed by two hex digits.
Result<std::string> percent_decode(std::string_view s);

// endpoint + "?token=<encoded>&connectId=<encoded>" (connectId left out when empty).
//   "wss://ws-api-spot.kucoin.com/"        -> "wss://ws-api-spot.kucoin.com/?token=..&connectId=.."
//   "wss://ws-api-spot.kucoin.com"         -> "wss://ws-api-spot.kucoin.com/?token=.." (a path is required)
//   "wss://push1-v2.kucoin.com/endpoint"   -> "wss://push1-v2.kucoin.com/endpoint?token=.."
//   "ws://127.0.0.1:9000/ws?x=1"           -> "ws://127.0.0.1:9000/ws?x=1&token=.."
// A '#fragment' in the endpoint is dropped.
std::string build_connect_url(std::string_view endpoint, std::string_view token, std::string_view connect_id);

// What the mock reads from the upgrade request target ("/endpoint?token=..&connectId=..").
struct ConnectTarget {
  std::string path;                       // the part before '?', verbatim
  std::optional<std::string> token;       // decoded; absent when the query has no token
  std::optional<std::string> connect_id;  // decoded; absent when the query has no connectId
  bool operator==(const ConnectTarget&) const = default;
};

// Splits the query at '&'; the first occurrence of a parameter wins; parameters other than token
// and connectId (acceptUserMessage, privateChannel, ...) are ignored without being decoded.
// Errc::parse_error when token or connectId has bad percent-encoding.
Result<ConnectTarget> parse_connect_target(std::string_view target);

}  // namespace kucoin
