// KuCoin REST request signing (pure: no clock, no I/O; the timestamp is an argument).
//
//   KC-API-SIGN       = base64(HMAC-SHA256(secret, timestamp + METHOD + path[?query] + body))
//   KC-API-PASSPHRASE = base64(HMAC-SHA256(secret, passphrase)) for key versions 2 and 3, plain for 1
//   KC-API-PARTNER-SIGN = base64(HMAC-SHA256(partner key, timestamp + partner id + api key))
//
// The client signs with sign(); the mock server verifies with the very same function.
// Secrets live in `Secret`, whose printing never shows the value.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/result.hpp"

namespace kucoin {

// A string that must never be printed or logged: API secret, passphrase, partner key, token.
// Streaming it writes "<redacted>"; the value is reached only through reveal(). Wiped on destruction.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(const Secret&);
  Secret& operator=(Secret&&) noexcept;
  ~Secret();

  const std::string& reveal() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }

  friend std::ostream& operator<<(std::ostream& os, const Secret& s) {
    return os << (s.value_.empty() ? "<empty>" : "<redacted>");
  }

 private:
  void wipe() noexcept;
  std::string value_;
};

// API key versions: 1 (legacy, plaintext passphrase), 2 and 3 (passphrase HMAC'd; same crypto).
enum class KeyVersion : std::uint8_t { v1 = 1, v2 = 2, v3 = 3 };

std::string_view to_string(KeyVersion v) noexcept;  // "1", "2", "3"
std::optional<KeyVersion> parse_key_version(std::string_view text) noexcept;

struct Credentials {
  std::string key;         // the API key (an identifier, not a secret)
  Secret secret;           // the API secret
  Secret passphrase;       // the passphrase chosen when the key was created
  KeyVersion version = KeyVersion::v2;
  bool send_v1_version_header = false;  // v1 keys: send "KC-API-KEY-VERSION: 1" instead of omitting it
};
// Prints key and version only: "Credentials{key=abc, version=2, secret=<redacted>, passphrase=<redacted>}".
std::ostream& operator<<(std::ostream& os, const Credentials& c);

// Optional partner/broker attribution (KC-API-PARTNER, KC-API-PARTNER-SIGN, KC-API-PARTNER-VERIFY,
// KC-BROKER-NAME).
struct BrokerCredentials {
  std::string partner_id;   // KC-API-PARTNER
  Secret partner_key;       // signs timestamp + partner_id + api key
  std::string broker_name;  // KC-BROKER-NAME, only for broker endpoints; empty: not sent
  bool send_verify = true;  // KC-API-PARTNER-VERIFY: true
};
std::ostream& operator<<(std::ostream& os, const BrokerCredentials& b);

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

// What is signed. `path_and_query` is the request-target exactly as sent ("/api/v1/x?a=1"), `body`
// the exact body bytes ("" for GET/DELETE and empty POSTs). `method` is upper-cased before signing.
struct SignInput {
  std::int64_t timestamp_ms = 0;
  std::string_view method;
  std::string_view path_and_query;
  std::string_view body;
};

// The prehash string: timestamp + METHOD + path_and_query + body.
std::string prehash(const SignInput& in);

// base64(HMAC-SHA256(key, message)): 44 characters.
std::string hmac_sha256_base64(std::string_view key, std::string_view message);

// Signs a request. Fails with invalid_argument (message names the field, never its value) when the
// key, secret or passphrase is empty or the timestamp is negative.
Result<SignedHeaders> sign(const Credentials& credentials, const SignInput& in,
                           const BrokerCredentials* broker = nullptr);

// The same signing with the per-key work done once: the keyed HMAC state and the KC-API-PASSPHRASE
// value (constant per key) are prepared at construction, so a request costs one HMAC over the
// prehash (two with a broker). sign() above is Signer(credentials, broker).sign(in): one code path.
// Thread-safe: sign() is const and may run concurrently. Printing shows no secret.
class Signer {
 public:
  explicit Signer(const Credentials& credentials, const BrokerCredentials* broker = nullptr);
  ~Signer();
  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) noexcept;
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  Result<SignedHeaders> sign(const SignInput& in) const;
  const std::string& key() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The KC-API-PASSPHRASE value for a key version.
std::string passphrase_header_value(const Credentials& credentials);

// KC-API-PARTNER-SIGN for a timestamp and api key.
std::string partner_sign(const BrokerCredentials& broker, std::int64_t timestamp_ms, std::string_view api_key);

// True for headers whose values must never be logged (KC-API-SIGN, KC-API-PASSPHRASE,
// KC-API-PARTNER-SIGN; case-insensitive).
bool is_sensitive_header(std::string_view name) noexcept;

// Constant-time comparison for signatures (length may leak, contents do not).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

// ASCII case-insensitive equality (header names).
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace kucoin
