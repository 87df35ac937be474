// HTTP header fields as the protocol layer sees them: name/value pairs, the headers of a signed
// request, and which of them carry credentials. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kucoin {

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

// The headers of one signed request. Values of KC-API-SIGN, KC-API-PASSPHRASE and
// KC-API-PARTNER-SIGN are credentials: never log them (is_sensitive_header() says which).
struct SignedHeaders {
  std::vector<Header> headers;
  // The value of a header by (case-insensitive) name, or empty.
  std::string_view get(std::string_view name) const noexcept;
};

// True for headers whose values must never be logged (KC-API-SIGN, KC-API-PASSPHRASE,
// KC-API-PARTNER-SIGN; case-insensitive).
bool is_sensitive_header(std::string_view name) noexcept;

// ASCII case-insensitive equality (header names).
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace kucoin
