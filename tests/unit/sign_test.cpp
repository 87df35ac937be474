// Known-answer tests for kucoin::sign(): the expected values come from tests/data/sign_vectors.tsv,
// produced by the openssl command line (tests/data/make_sign_vectors.sh), never by the code under test.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kucoin/protocol/sign.hpp"

namespace {

std::vector<std::vector<std::string>> load_rows(const std::string& kind) {
  std::ifstream in(std::string(KUCOIN_TEST_DATA_DIR) + "/sign_vectors.tsv");
  EXPECT_TRUE(in.good()) << "cannot open sign_vectors.tsv";
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::size_t start = 0;
    while (true) {
      const auto tab = line.find('\t', start);
      cells.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (cells[0] == kind) rows.push_back(std::move(cells));
  }
  return rows;
}

TEST(SignVectors, DocumentedVectorIsInTheData) {
  // kucoin-protocol.md §2.2 (old KuCoin docs' example), independently of the TSV file.
  EXPECT_EQ(kucoin::hmac_sha256_base64("f03a5284-5c39-4aaa-9b20-dea10bdcf8e3",
                                       R"(1547015186532POST/api/v1/deposit-addresses{"currency":"BTC"})"),
            "7QP/oM0ykidMdrfNEUmng8eZjg/ZvPafjIqmxiVfYu4=");
}

TEST(SignVectors, RawHmac) {
  const auto rows = load_rows("hmac");
  ASSERT_GE(rows.size(), 3u);
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 5u) << r[1];
    EXPECT_EQ(kucoin::hmac_sha256_base64(r[2], r[3]), r[4]) << r[1];
  }
}

TEST(SignVectors, Requests) {
  const auto rows = load_rows("request");
  ASSERT_GE(rows.size(), 8u);
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 12u) << r[1];
    kucoin::Credentials c;
    c.key = r[2];
    c.secret = kucoin::Secret(r[3]);
    c.passphrase = kucoin::Secret(r[4]);
    auto v = kucoin::parse_key_version(r[5]);
    ASSERT_TRUE(v.has_value()) << r[1];
    c.version = *v;
    kucoin::SignInput in{std::stoll(r[6]), r[7], r[8], r[9]};
    auto h = kucoin::sign(c, in);
    ASSERT_TRUE(h) << r[1] << ": " << h.error();
    EXPECT_EQ(h->get("KC-API-SIGN"), r[10]) << r[1];
    EXPECT_EQ(h->get("KC-API-PASSPHRASE"), r[11]) << r[1];
    EXPECT_EQ(h->get("KC-API-KEY"), r[2]) << r[1];
    EXPECT_EQ(h->get("KC-API-TIMESTAMP"), r[6]) << r[1];
    if (*v == kucoin::KeyVersion::v1) {
      EXPECT_TRUE(h->get("KC-API-KEY-VERSION").empty()) << r[1];
    } else {
      EXPECT_EQ(h->get("KC-API-KEY-VERSION"), r[5]) << r[1];
    }
    EXPECT_TRUE(h->get("KC-API-PARTNER").empty());
    // A reused Signer gives the same headers, call after call.
    const kucoin::Signer signer(c);
    for (int i = 0; i < 2; ++i) {
      auto s = signer.sign(in);
      ASSERT_TRUE(s) << r[1];
      EXPECT_EQ(s->headers, h->headers) << r[1];
    }
  }
}

TEST(SignVectors, LowercaseMethodIsUppercasedBeforeSigning) {
  const auto rows = load_rows("request");
  ASSERT_FALSE(rows.empty());
  const auto& r = rows.front();  // a POST row
  kucoin::Credentials c{r[2], kucoin::Secret(r[3]), kucoin::Secret(r[4]), kucoin::KeyVersion::v2};
  auto h = kucoin::sign(c, {std::stoll(r[6]), "post", r[8], r[9]});
  ASSERT_TRUE(h);
  EXPECT_EQ(h->get("KC-API-SIGN"), r[10]);
}

TEST(SignVectors, PartnerHeaders) {
  const auto rows = load_rows("partner");
  ASSERT_GE(rows.size(), 2u);
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 7u);
    kucoin::BrokerCredentials b;
    b.partner_id = r[3];
    b.partner_key = kucoin::Secret(r[2]);
    b.broker_name = "my-broker";
    EXPECT_EQ(kucoin::partner_sign(b, std::stoll(r[5]), r[4]), r[6]) << r[1];

    kucoin::Credentials c{r[4], kucoin::Secret("s"), kucoin::Secret("p"), kucoin::KeyVersion::v3};
    auto h = kucoin::sign(c, {std::stoll(r[5]), "GET", "/api/v1/accounts", ""}, &b);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->get("KC-API-PARTNER"), r[3]);
    EXPECT_EQ(h->get("KC-API-PARTNER-SIGN"), r[6]);
    EXPECT_EQ(h->get("KC-API-PARTNER-VERIFY"), "true");
    EXPECT_EQ(h->get("KC-BROKER-NAME"), "my-broker");
    const kucoin::Signer signer(c, &b);
    auto s = signer.sign({std::stoll(r[5]), "GET", "/api/v1/accounts", ""});
    ASSERT_TRUE(s);
    EXPECT_EQ(s->get("KC-API-PARTNER-SIGN"), r[6]);
  }
}

TEST(Sign, PrehashConcatenation) {
  EXPECT_EQ(kucoin::prehash({1547015186532, "post", "/api/v1/deposit-addresses", R"({"currency":"BTC"})"}),
            R"(1547015186532POST/api/v1/deposit-addresses{"currency":"BTC"})");
  EXPECT_EQ(kucoin::prehash({1, "GET", "/api/v1/accounts?type=trade", ""}), "1GET/api/v1/accounts?type=trade");
}

TEST(Sign, RejectsUnusableInputWithoutEchoingIt) {
  kucoin::Credentials c{"key", kucoin::Secret("top-secret-value"), kucoin::Secret(""), kucoin::KeyVersion::v2};
  auto h = kucoin::sign(c, {1, "GET", "/api/v1/accounts", ""});
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, kucoin::Errc::invalid_argument);
  EXPECT_EQ(h.error().message.find("top-secret-value"), std::string::npos);
  c.passphrase = kucoin::Secret("pp");
  EXPECT_FALSE(kucoin::sign(c, {1, "GET", "https://api.kucoin.com/api/v1/accounts", ""}));
  EXPECT_FALSE(kucoin::sign(c, {-5, "GET", "/api/v1/accounts", ""}));
  EXPECT_TRUE(kucoin::sign(c, {0, "GET", "/api/v1/accounts", ""}));
}

TEST(Sign, V1KeyCanSendExplicitVersionHeader) {
  kucoin::Credentials c{"k", kucoin::Secret("s"), kucoin::Secret("plain-pass"), kucoin::KeyVersion::v1, true};
  auto h = kucoin::sign(c, {1, "GET", "/api/v1/accounts", ""});
  ASSERT_TRUE(h);
  EXPECT_EQ(h->get("KC-API-KEY-VERSION"), "1");
  EXPECT_EQ(h->get("kc-api-passphrase"), "plain-pass");
}

TEST(Secrets, PrintingNeverRevealsThem) {
  kucoin::Credentials c{"my-key", kucoin::Secret("the-secret-123"), kucoin::Secret("the-passphrase-456"),
                        kucoin::KeyVersion::v3};
  kucoin::BrokerCredentials b{"partner", kucoin::Secret("partner-key-789"), "broker"};
  std::ostringstream os;
  os << c << ' ' << b << ' ' << c.secret;
  const std::string s = os.str();
  EXPECT_NE(s.find("my-key"), std::string::npos);
  EXPECT_NE(s.find("<redacted>"), std::string::npos);
  EXPECT_EQ(s.find("the-secret-123"), std::string::npos);
  EXPECT_EQ(s.find("the-passphrase-456"), std::string::npos);
  EXPECT_EQ(s.find("partner-key-789"), std::string::npos);
}

TEST(Secrets, SensitiveHeadersAndConstantTimeCompare) {
  EXPECT_TRUE(kucoin::is_sensitive_header("kc-api-sign"));
  EXPECT_TRUE(kucoin::is_sensitive_header("KC-API-PASSPHRASE"));
  EXPECT_TRUE(kucoin::is_sensitive_header("KC-API-PARTNER-SIGN"));
  EXPECT_FALSE(kucoin::is_sensitive_header("KC-API-KEY"));
  EXPECT_TRUE(kucoin::constant_time_equal("abc", "abc"));
  EXPECT_FALSE(kucoin::constant_time_equal("abc", "abd"));
  EXPECT_FALSE(kucoin::constant_time_equal("abc", "abcd"));
}

}  // namespace
