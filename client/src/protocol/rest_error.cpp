#include "kucoin/protocol/rest_error.hpp"

namespace kucoin {

std::string_view to_string(ApiErrorKind kind) noexcept {
  switch (kind) {
    case ApiErrorKind::auth: return "auth";
    case ApiErrorKind::clock: return "clock";
    case ApiErrorKind::rate_limit: return "rate_limit";
    case ApiErrorKind::server: return "server";
    case ApiErrorKind::transport: return "transport";
    case ApiErrorKind::bad_response: return "bad_response";
    case ApiErrorKind::request: return "request";
  }
  return "unknown";
}

ApiErrorKind classify(int http_status, std::string_view code) noexcept {
  if (code == "400002") return ApiErrorKind::clock;
  if (code == "400001" || code == "400003" || code == "400004" || code == "400005" || code == "400006" ||
      code == "400007") {
    return ApiErrorKind::auth;
  }
  if (code == "429000" || http_status == 429) return ApiErrorKind::rate_limit;
  if (code == "500000" || http_status >= 500) return ApiErrorKind::server;
  if (http_status == 401 || http_status == 403) return ApiErrorKind::auth;
  if (code.empty() && http_status == 200) return ApiErrorKind::bad_response;
  return ApiErrorKind::request;
}

bool is_retryable(const ApiError& e) noexcept {
  switch (e.kind) {
    case ApiErrorKind::clock:
    case ApiErrorKind::rate_limit:
    case ApiErrorKind::server:
    case ApiErrorKind::transport: return true;
    case ApiErrorKind::auth:
    case ApiErrorKind::bad_response:
    case ApiErrorKind::request: return false;
  }
  return false;
}

bool is_configuration_error(const ApiError& e) noexcept { return e.kind == ApiErrorKind::auth; }

bool needs_clock_resync(const ApiError& e) noexcept { return e.kind == ApiErrorKind::clock; }

std::string_view hint_for_code(std::string_view code) noexcept {
  if (code == "400001") {
    return "a KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP or KC-API-PASSPHRASE header is missing or malformed: "
           "configure credentials for private endpoints";
  }
  if (code == "400002") {
    return "KC-API-TIMESTAMP differs from server time by more than 5 s: sync the system clock or the client's "
           "time offset (GET /api/v1/timestamp)";
  }
  if (code == "400003") return "the API key does not exist: check the key and that it belongs to this site and account";
  if (code == "400004") {
    return "the passphrase is wrong: use the passphrase set when the key was created (sent HMAC'd for key versions "
           "2 and 3, plain for 1)";
  }
  if (code == "400005") {
    return "the signature is wrong: check the API secret, and that the signed path includes the query string "
           "and the body is signed byte for byte as sent";
  }
  if (code == "400006") return "the caller's IP is not in the API key's whitelist: add it on the API management page";
  if (code == "400007") {
    return "check KC-API-KEY-VERSION against the key (2 or 3 for keys created since 2021, 1 for legacy keys) "
           "and the key's permissions (bullet-private and account reads need \"General\")";
  }
  if (code == "429000") return "rate limit: wait for gw-ratelimit-reset milliseconds before retrying";
  if (code == "400100") return "a request parameter is invalid: see msg";
  if (code == "404000") return "no such endpoint: check the path and the host (spot vs futures)";
  if (code == "415000") return "send Content-Type: application/json";
  if (code == "200004") return "the account's available balance cannot pay for this order: see order_rejection()";
  if (code == "200003") return "too many open orders: cancel some before placing more";
  return {};
}

std::string_view ApiError::hint() const noexcept {
  if (!code.empty()) {
    if (auto h = hint_for_code(code); !h.empty()) return h;
  }
  switch (kind) {
    case ApiErrorKind::server: return "server-side trouble: retried with backoff; try again later";
    case ApiErrorKind::transport: return "no answer from the server: check the URL, network, TLS trust and timeouts";
    case ApiErrorKind::rate_limit: return "rate limit: wait for the reset before retrying";
    default: return {};
  }
}

std::string ApiError::describe() const {
  std::string out{to_string(kind)};
  out += " error";
  if (!code.empty()) {
    out += ' ';
    out += code;
  }
  if (http_status != 0) {
    out += " (HTTP ";
    out += std::to_string(http_status);
    out += ')';
  }
  if (!request.empty()) {
    out += " on ";
    out += request;
  }
  if (!msg.empty()) {
    out += ": ";
    out += msg;
  }
  if (auto h = hint(); !h.empty()) {
    out += "; ";
    out += h;
  }
  if (retry_after_ms >= 0) {
    out += "; retry after ";
    out += std::to_string(retry_after_ms);
    out += " ms";
  }
  out += " [";
  out += std::to_string(attempts);
  out += attempts == 1 ? " attempt]" : " attempts]";
  return out;
}

}  // namespace kucoin
