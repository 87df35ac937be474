// Bullet (WebSocket connection) tokens: POST /api/v1/bullet-public and /api/v1/bullet-private.
//   {"code":"200000","data":{"token":"...","instanceServers":[{"endpoint":"wss://...","encrypt":true,
//    "protocol":"websocket","pingInterval":18000,"pingTimeout":10000}]}}
// plus, where a server sends it, "tokenValidFor" (ms) in data (KuCoin documents none: 24 h).
// Pure decoder (client) and encoder (mock server). The token is a credential: it is kept in a
// Secret and never printed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/result.hpp"
#include "kucoin/core/secret.hpp"
#include "kucoin/protocol/rest_error.hpp"

namespace kucoin {

struct InstanceServer {
  std::string endpoint;  // "wss://ws-api-spot.kucoin.com/" or the mock's "ws://127.0.0.1:PORT/endpoint"
  bool encrypt = true;   // must be false for a plain ws:// endpoint (clients pass it as ssl=)
  std::string protocol = "websocket";
  std::int64_t ping_interval_ms = 18'000;  // send a JSON ping this often
  std::int64_t ping_timeout_ms = 10'000;   // wait this long for the pong (never the interval)
  bool operator==(const InstanceServer&) const = default;
};

struct BulletToken {
  Secret token;
  std::vector<InstanceServer> servers;  // at least one after a successful decode
  // data.tokenValidFor: how long the token stays valid (ms), when the answer says; absent in
  // KuCoin's documented answer (tokens then live 24 h). WsClient rotates before 9/10 of it.
  std::optional<std::int64_t> token_valid_for_ms;
};

// Decodes a bullet-public/bullet-private answer. KuCoin errors become ApiError with their class;
// a success without token or servers, with a non-positive ping interval/timeout, or with a
// tokenValidFor that is not a positive integer (a JSON number or a numeric string) is bad_response.
Result<BulletToken, ApiError> decode_bullet_response(int http_status, std::string_view body);

// Appends {"code":"200000","data":{...}} to `out` (tokenValidFor only when set).
void encode_bullet_response(const BulletToken& token, std::string& out);

// Whether a failed bullet request needs the application to fix its configuration before trying
// again (true), or may be retried with backoff (false: network, 5xx, 429, clock, bad answers).
// Uses the REST classification: ApiErrorKind::auth (400001, 400003-400007, HTTP 401/403, no
// credentials) is terminal, except a bare HTTP 401/403 without a KuCoin code on bullet-public,
// which needs no credentials (a proxy or CDN answered; it may pass).
bool bullet_failure_is_terminal(const ApiError& error, bool private_token) noexcept;

}  // namespace kucoin
