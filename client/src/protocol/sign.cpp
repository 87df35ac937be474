#include "kucoin/protocol/sign.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

namespace kucoin {

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    wipe();
    value_ = other.value_;
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    other.value_.clear();
  }
  return *this;
}

Secret::~Secret() { wipe(); }

void Secret::wipe() noexcept {
  if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
  value_.clear();
}

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

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view SignedHeaders::get(std::string_view name) const noexcept {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return {};
}

namespace {

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_upper(std::string& out, std::string_view s) {
  for (char c : s) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

}  // namespace

std::string prehash(const SignInput& in) {
  std::string out;
  out.reserve(20 + in.method.size() + in.path_and_query.size() + in.body.size());
  append_int(out, in.timestamp_ms);
  append_upper(out, in.method);
  out += in.path_and_query;
  out += in.body;
  return out;
}

std::string hmac_sha256_base64(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // An empty key is valid HMAC input; OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const void* key_ptr = key.empty() ? static_cast<const void*>(&kEmpty) : static_cast<const void*>(key.data());
  const unsigned char* msg_ptr =
      message.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(message.data());
  HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()), msg_ptr, message.size(), mac, &mac_len);
  std::string out(4 * ((mac_len + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(mac_len));
  out.resize(static_cast<std::size_t>(n));
  OPENSSL_cleanse(mac, sizeof mac);
  return out;
}

std::string passphrase_header_value(const Credentials& c) {
  if (c.version == KeyVersion::v1) return c.passphrase.reveal();
  return hmac_sha256_base64(c.secret.reveal(), c.passphrase.reveal());
}

std::string partner_sign(const BrokerCredentials& broker, std::int64_t timestamp_ms, std::string_view api_key) {
  std::string msg;
  msg.reserve(20 + broker.partner_id.size() + api_key.size());
  append_int(msg, timestamp_ms);
  msg += broker.partner_id;
  msg += api_key;
  return hmac_sha256_base64(broker.partner_key.reveal(), msg);
}

Result<SignedHeaders> sign(const Credentials& c, const SignInput& in, const BrokerCredentials* broker) {
  if (c.key.empty()) return fail(Errc::invalid_argument, "sign: the API key is empty");
  if (c.secret.empty()) return fail(Errc::invalid_argument, "sign: the API secret is empty");
  if (c.passphrase.empty()) return fail(Errc::invalid_argument, "sign: the API passphrase is empty");
  if (in.timestamp_ms < 0) return fail(Errc::invalid_argument, "sign: negative timestamp");
  if (in.method.empty()) return fail(Errc::invalid_argument, "sign: empty method");
  if (in.path_and_query.empty() || in.path_and_query.front() != '/') {
    return fail(Errc::invalid_argument, "sign: the path must start with '/' (no scheme or host)");
  }

  SignedHeaders out;
  out.headers.reserve(9);
  std::string ts;
  append_int(ts, in.timestamp_ms);
  out.headers.push_back({"KC-API-KEY", c.key});
  out.headers.push_back({"KC-API-SIGN", hmac_sha256_base64(c.secret.reveal(), prehash(in))});
  out.headers.push_back({"KC-API-TIMESTAMP", ts});
  out.headers.push_back({"KC-API-PASSPHRASE", passphrase_header_value(c)});
  if (c.version != KeyVersion::v1 || c.send_v1_version_header) {
    out.headers.push_back({"KC-API-KEY-VERSION", std::string(to_string(c.version))});
  }
  if (broker != nullptr && !broker->partner_id.empty()) {
    out.headers.push_back({"KC-API-PARTNER", broker->partner_id});
    out.headers.push_back({"KC-API-PARTNER-SIGN", partner_sign(*broker, in.timestamp_ms, c.key)});
    if (broker->send_verify) out.headers.push_back({"KC-API-PARTNER-VERIFY", "true"});
    if (!broker->broker_name.empty()) out.headers.push_back({"KC-BROKER-NAME", broker->broker_name});
  }
  return out;
}

bool is_sensitive_header(std::string_view name) noexcept {
  return iequals(name, "KC-API-SIGN") || iequals(name, "KC-API-PASSPHRASE") || iequals(name, "KC-API-PARTNER-SIGN");
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kucoin
