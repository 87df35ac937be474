// KuCoin REST request signing (pure: no clock, no I/O; the timestamp is an argument).
//
//   KC-API-SIGN       = base64(HMAC-SHA256(secret, timestamp + METHOD + path[?query] + body))
//   KC-API-PASSPHRASE = base64(HMAC-SHA256(secret, passphrase)) for key versions 2 and 3, plain for 1
//   KC-API-PARTNER-SIGN = base64(HMAC-SHA256(partner key, timestamp + partner id + api key))
//
// The client signs with sign(); the mock server verifies with the very same function.
// Secrets live in `Secret` (kucoin/core/secret.hpp), whose printing never shows the value; the
// credential and header types have their own headers, included here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "kucoin/core/result.hpp"
#include "kucoin/core/secret.hpp"           // Secret
#include "kucoin/protocol/credentials.hpp"  // Credentials, BrokerCredentials, KeyVersion
#include "kucoin/protocol/headers.hpp"      // Header, SignedHeaders, is_sensitive_header, iequals

namespace kucoin {

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

// Constant-time comparison for signatures (length may leak, contents do not).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace kucoin
