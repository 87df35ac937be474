// KuCoin API credentials: the key, its secret and passphrase, the key version, and the optional
// partner/broker attribution. Pure; printing never shows a secret.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "kucoin/core/secret.hpp"

namespace kucoin {

// API key versions: 1 (legacy, plaintext passphrase), 2 and 3 (passphrase HMAC'd; same crypto).
enum class KeyVersion : std::uint8_t { v1 = 1, v2 = 2, v3 = 3 };

std::string_view to_string(KeyVersion v) noexcept;  // "1", "2", "3"
std::optional<KeyVersion> parse_key_version(std::string_view text) noexcept;

struct Credentials {
  std::string key;    // the API key (an identifier, not a secret)
  Secret secret;      // the API secret
  Secret passphrase;  // the passphrase chosen when the key was created
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

}  // namespace kucoin
