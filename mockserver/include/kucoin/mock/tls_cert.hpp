// In-process test PKI for the mock server's https:// (OpenSSL, P-256 keys): a self-signed CA and a
// server certificate it signs, for the given DNS names and IP addresses.
#pragma once

#include <string>
#include <vector>

#include "kucoin/core/result.hpp"

namespace kucoin::mock {

struct TestPki {
  std::string ca_cert_pem;  // give this to clients as their trust anchor
  std::string cert_pem;     // server certificate (signed by the CA)
  std::string key_pem;      // server private key (PKCS#8 PEM)
};

// Default names: DNS localhost, IP 127.0.0.1 and ::1. Valid from one hour ago for `days` days.
Result<TestPki> generate_test_pki(std::vector<std::string> dns_names = {"localhost"},
                                  std::vector<std::string> ip_addresses = {"127.0.0.1", "::1"}, int days = 30);

}  // namespace kucoin::mock
