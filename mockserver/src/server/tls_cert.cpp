#include "kucoin/mock/tls_cert.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace kucoin::mock {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
};
template <class T>
using Ptr = std::unique_ptr<T, Free>;

Ptr<EVP_PKEY> make_key() { return Ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

bool add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Ptr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

Ptr<X509> make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key, int days) {
  Ptr<X509> cert(X509_new());
  if (!cert) return nullptr;
  X509_set_version(cert.get(), 2);
  unsigned char serial_bytes[16];
  if (RAND_bytes(serial_bytes, sizeof serial_bytes) != 1) return nullptr;
  serial_bytes[0] &= 0x7f;
  Ptr<BIGNUM> bn(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) return nullptr;
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("kucoin-harness mock"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509* iss = issuer ? issuer : cert.get();
  if (!add_ext(cert.get(), iss, NID_subject_key_identifier, "hash")) return nullptr;
  if (!add_ext(cert.get(), iss, NID_authority_key_identifier, "keyid:always")) return nullptr;
  (void)issuer_key;
  return cert;
}

std::string to_pem(X509* cert) {
  Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string key_pem(EVP_PKEY* key) {
  Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

Result<TestPki> generate_test_pki(std::vector<std::string> dns_names, std::vector<std::string> ip_addresses, int days) {
  auto ca_key = make_key();
  auto leaf_key = make_key();
  if (!ca_key || !leaf_key) return fail(Errc::invalid_argument, "TLS: cannot generate P-256 keys");

  auto ca = make_cert(ca_key.get(), "kucoin-harness mock CA", nullptr, ca_key.get(), days);
  if (!ca || !add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
      !add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
      X509_sign(ca.get(), ca_key.get(), EVP_sha256()) == 0) {
    return fail(Errc::invalid_argument, "TLS: cannot build the CA certificate");
  }

  std::string san;
  for (const auto& d : dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
  for (const auto& ip : ip_addresses) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  const std::string cn = dns_names.empty() ? (ip_addresses.empty() ? "mock" : ip_addresses.front()) : dns_names.front();
  auto leaf = make_cert(leaf_key.get(), cn, ca.get(), ca_key.get(), days);
  if (!leaf || (!san.empty() && !add_ext(leaf.get(), ca.get(), NID_subject_alt_name, san)) ||
      !add_ext(leaf.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !add_ext(leaf.get(), ca.get(), NID_key_usage, "critical,digitalSignature") ||
      !add_ext(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth") ||
      X509_sign(leaf.get(), ca_key.get(), EVP_sha256()) == 0) {
    return fail(Errc::invalid_argument, "TLS: cannot build the server certificate");
  }
  return TestPki{to_pem(ca.get()), to_pem(leaf.get()), key_pem(leaf_key.get())};
}

}  // namespace kucoin::mock
