// Secrets never reach a capture: the recorder passes every request, URL and answer through these
// before it is written. What is redacted (replaced by "<redacted>"):
//   - request headers that carry a secret: KC-API-KEY, KC-API-SIGN, KC-API-PASSPHRASE, the
//     partner/broker signatures (KC-API-PARTNER-SIGN, KC-BROKER-SIGN), Authorization, Cookie;
//     KC-API-KEY-VERSION and KC-API-TIMESTAMP stay (they are no secret and explain a 400002);
//   - the value of a `token` query parameter in any URL (the WebSocket connect URL);
//   - the value of every "token" member of a JSON body (the bullet answers).
// Pure.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kucoin/capture/record.hpp"

namespace kucoin::capture {

inline constexpr std::string_view kRedacted = "<redacted>";

// Whether a request header's value is a secret (case-insensitive name).
bool is_secret_header(std::string_view name) noexcept;
// Replaces the values of secret headers in place.
void redact_headers(std::vector<std::pair<std::string, std::string>>& headers);
// "wss://h/endpoint?token=abc&connectId=1" -> "wss://h/endpoint?token=<redacted>&connectId=1".
std::string redact_url(std::string_view url);
// {"data":{"token":"abc",...}} -> {"data":{"token":"<redacted>",...}} (every "token" member whose
// value is a string). Returns true when something was replaced.
bool redact_json_tokens(std::string& json);
// All of the above for one record, as the writer stores it: headers of requests, URLs, token
// members of HTTP bodies. WebSocket frames carry no credential and pass untouched.
void redact_record(CaptureRecord& record);

}  // namespace kucoin::capture
