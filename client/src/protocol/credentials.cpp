#include "kucoin/protocol/credentials.hpp"

namespace kucoin {

std::string_view to_string(KeyVersion v) noexcept {
  switch (v) {
    case KeyVersion::v1: return "1";
    case KeyVersion::v2: return "2";
    case KeyVersion::v3: return "3";
  }
  return "?";
}

std::optional<KeyVersion> parse_key_version(std::string_view text) noexcept {
  if (text == "1") return KeyVersion::v1;
  if (text == "2") return KeyVersion::v2;
  if (text == "3") return KeyVersion::v3;
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, const Credentials& c) {
  return os << "Credentials{key=" << c.key << ", version=" << to_string(c.version) << ", secret=" << c.secret
            << ", passphrase=" << c.passphrase << '}';
}

std::ostream& operator<<(std::ostream& os, const BrokerCredentials& b) {
  return os << "BrokerCredentials{partner=" << b.partner_id << ", broker=" << b.broker_name
            << ", partner_key=" << b.partner_key << '}';
}

}  // namespace kucoin
