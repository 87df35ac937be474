// Typed KuCoin REST errors: HTTP status, KuCoin `code` and `msg`, and a classification that tells
// the caller what to do (fix configuration, resync the clock, wait for the rate-limit reset, retry
// later, reconnect). Pure.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "kucoin/core/error.hpp"

namespace kucoin {

enum class ApiErrorKind : std::uint8_t {
  auth,          // 400001, 400003-400007 (and client-side: no credentials): fix the configuration, do not retry blindly
  clock,         // 400002: the timestamp is outside the server's window; resync time and retry once
  rate_limit,    // 429000 / HTTP 429: wait for gw-ratelimit-reset, then retry
  server,        // HTTP 5xx / 500000 / 503: retry with backoff
  transport,     // no HTTP answer: resolve, connect, TLS, read, write or deadline failure
  bad_response,  // an answer that is not a KuCoin envelope or whose data cannot be decoded
  request,       // any other KuCoin error (400100 parameter error, 404000, 405, 415, business codes)
};

std::string_view to_string(ApiErrorKind kind) noexcept;

// The classification of an answer with this HTTP status and KuCoin code (code may be empty when
// the body had none).
ApiErrorKind classify(int http_status, std::string_view code) noexcept;

struct ApiError {
  ApiErrorKind kind = ApiErrorKind::bad_response;
  int http_status = 0;               // 0 when there was no HTTP answer
  std::string code;                  // KuCoin code, e.g. "400005"; empty when none
  std::string msg;                   // the server's msg (bounded) or a description; never a secret
  std::int64_t retry_after_ms = -1;  // rate_limit: gw-ratelimit-reset when known
  int attempts = 1;                  // requests sent for this call, retries included
  std::string request;               // "GET /api/v1/accounts" (no query, no headers)
  Errc data_error = Errc::ok;        // bad_response: why a value of the body could not be read

  // What to fix or do, for people: e.g. for 400005 "check the API secret ...". Empty when nothing specific.
  std::string_view hint() const noexcept;
  // "auth error 400005 (HTTP 401) on GET /api/v1/accounts: Invalid KC-API-SIGN; <hint> [1 attempt]"
  std::string describe() const;
};

inline std::ostream& operator<<(std::ostream& os, const ApiError& e) { return os << e.describe(); }

// Conditions to branch on (the RestClient has already done what it does by itself: one clock
// resync, bounded 429 waits, capped retries of 5xx and idempotent transport failures):
// - retryable: the same request may succeed later unchanged (server, rate_limit after
//   retry_after_ms, transport, clock once the clock is right);
// - configuration: it cannot succeed until credentials, key version, IP whitelist or
//   permissions are fixed (auth: 400001, 400003-400007, HTTP 401/403, no credentials);
// - needs a clock resync: the request's timestamp was outside the server's window (400002).
// A request error (parameters, unknown endpoint) and a bad response are neither retryable nor
// configuration: the request or the server's answer must be looked at.
bool is_retryable(const ApiError& e) noexcept;
bool is_configuration_error(const ApiError& e) noexcept;
bool needs_clock_resync(const ApiError& e) noexcept;

// Hint text for a KuCoin code (see ApiError::hint).
std::string_view hint_for_code(std::string_view code) noexcept;

}  // namespace kucoin
