#include "kucoin/protocol/sign.hpp"

#include "kucoin/core/decimal.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <charconv>

namespace kucoin {

namespace {

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
  const unsigned char* msg_ptr = message.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(message.data());
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

namespace {

// A keyed HMAC-SHA256 state, prepared once and duplicated per message.
class KeyedHmac {
 public:
  explicit KeyedHmac(std::string_view key) {
    mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    ctx_ = mac_ ? EVP_MAC_CTX_new(mac_) : nullptr;
    if (ctx_ == nullptr) return;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    static const unsigned char kEmpty = 0;
    const auto* k = key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
    if (EVP_MAC_init(ctx_, k, key.size(), params) != 1) {
      EVP_MAC_CTX_free(ctx_);
      ctx_ = nullptr;
    }
  }
  ~KeyedHmac() {
    EVP_MAC_CTX_free(ctx_);
    EVP_MAC_free(mac_);
  }
  KeyedHmac(const KeyedHmac&) = delete;
  KeyedHmac& operator=(const KeyedHmac&) = delete;
  bool ok() const noexcept { return ctx_ != nullptr; }

  // base64(HMAC(key, parts...)) without concatenating the parts first.
  template <class... Parts>
  bool base64(std::string& out, const Parts&... parts) const {
    EVP_MAC_CTX* c = EVP_MAC_CTX_dup(ctx_);
    if (c == nullptr) return false;
    bool ok = true;
    auto feed = [&](std::string_view p) {
      if (ok && !p.empty()) ok = EVP_MAC_update(c, reinterpret_cast<const unsigned char*>(p.data()), p.size()) == 1;
    };
    (feed(parts), ...);
    unsigned char mac[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    ok = ok && EVP_MAC_final(c, mac, &len, sizeof mac) == 1;
    EVP_MAC_CTX_free(c);
    if (!ok) return false;
    out.resize(4 * ((len + 2) / 3));
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(len));
    out.resize(static_cast<std::size_t>(n));
    OPENSSL_cleanse(mac, sizeof mac);
    return true;
  }

 private:
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* ctx_ = nullptr;
};

}  // namespace

struct Signer::Impl {
  Impl(const Credentials& c, const BrokerCredentials* b)
      : key(c.key),
        version(c.version),
        send_version(c.version != KeyVersion::v1 || c.send_v1_version_header),
        secret_empty(c.secret.empty()),
        passphrase_empty(c.passphrase.empty()),
        hmac(c.secret.reveal()) {
    if (!passphrase_empty) passphrase = Secret(passphrase_header_value(c));
    if (b != nullptr && !b->partner_id.empty()) {
      partner_id = b->partner_id;
      broker_name = b->broker_name;
      send_verify = b->send_verify;
      partner_hmac = std::make_unique<KeyedHmac>(b->partner_key.reveal());
    }
  }
  std::string key;
  KeyVersion version;
  bool send_version;
  bool secret_empty;
  bool passphrase_empty;
  KeyedHmac hmac;
  Secret passphrase;  // the header value, computed once
  std::string partner_id, broker_name;
  bool send_verify = true;
  std::unique_ptr<KeyedHmac> partner_hmac;
};

Signer::Signer(const Credentials& credentials, const BrokerCredentials* broker)
    : impl_(std::make_unique<Impl>(credentials, broker)) {}
Signer::~Signer() = default;
Signer::Signer(Signer&&) noexcept = default;
Signer& Signer::operator=(Signer&&) noexcept = default;
const std::string& Signer::key() const noexcept { return impl_->key; }

Result<SignedHeaders> Signer::sign(const SignInput& in) const {
  const Impl& s = *impl_;
  if (s.key.empty()) return fail(Errc::invalid_argument, "sign: the API key is empty");
  if (s.secret_empty) return fail(Errc::invalid_argument, "sign: the API secret is empty");
  if (s.passphrase_empty) return fail(Errc::invalid_argument, "sign: the API passphrase is empty");
  if (in.timestamp_ms < 0) return fail(Errc::invalid_argument, "sign: negative timestamp");
  if (in.method.empty()) return fail(Errc::invalid_argument, "sign: empty method");
  if (in.path_and_query.empty() || in.path_and_query.front() != '/') {
    return fail(Errc::invalid_argument, "sign: the path must start with '/' (no scheme or host)");
  }
  if (!s.hmac.ok()) return fail(Errc::invalid_argument, "sign: OpenSSL has no HMAC-SHA256");

  std::string ts;
  append_int(ts, in.timestamp_ms);
  char method_buf[16];
  std::string_view method = in.method;
  if (method.size() <= sizeof method_buf) {
    for (std::size_t i = 0; i < method.size(); ++i) {
      const char ch = method[i];
      method_buf[i] = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
    }
    method = std::string_view(method_buf, method.size());
  } else {
    return fail(Errc::invalid_argument, "sign: method too long");
  }
  SignedHeaders out;
  out.headers.reserve(9);
  out.headers.push_back({"KC-API-KEY", s.key});
  std::string signature;
  if (!s.hmac.base64(signature, std::string_view(ts), method, in.path_and_query, in.body)) {
    return fail(Errc::invalid_argument, "sign: HMAC failed");
  }
  out.headers.push_back({"KC-API-SIGN", std::move(signature)});
  out.headers.push_back({"KC-API-TIMESTAMP", ts});
  out.headers.push_back({"KC-API-PASSPHRASE", s.passphrase.reveal()});
  if (s.send_version) out.headers.push_back({"KC-API-KEY-VERSION", std::string(to_string(s.version))});
  if (s.partner_hmac) {
    std::string partner;
    if (!s.partner_hmac->base64(partner, std::string_view(ts), std::string_view(s.partner_id),
                                std::string_view(s.key))) {
      return fail(Errc::invalid_argument, "sign: partner HMAC failed");
    }
    out.headers.push_back({"KC-API-PARTNER", s.partner_id});
    out.headers.push_back({"KC-API-PARTNER-SIGN", std::move(partner)});
    if (s.send_verify) out.headers.push_back({"KC-API-PARTNER-VERIFY", "true"});
    if (!s.broker_name.empty()) out.headers.push_back({"KC-BROKER-NAME", s.broker_name});
  }
  return out;
}

Result<SignedHeaders> sign(const Credentials& c, const SignInput& in, const BrokerCredentials* broker) {
  return Signer(c, broker).sign(in);
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kucoin
