// Requests for RestService unit tests: a header list that outlives its views, signed with the
// client's own sign() (mock_rest_service_test.cpp, mock_forced_answer_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "kucoin/mock/rest_service.hpp"
#include "kucoin/protocol/sign.hpp"

namespace kucoin::mock::testing {

inline constexpr std::int64_t kNow = 1'729'176'273'859;

inline ApiKeyConfig key_v2() {
  return {"5c2db93503aa674c74a31734",
          Secret("aeb5f1d4-9f0b-4b61-8c3e-5ef9b1c1f3aa"),
          Secret("Passphrase!2024"),
          KeyVersion::v2,
          {}};
}

inline Credentials creds(const ApiKeyConfig& k) { return {k.key, k.secret, k.passphrase, k.version}; }

inline RestServiceConfig config_with_key() {
  RestServiceConfig c;
  c.keys.push_back(key_v2());
  return c;
}

struct Req {
  std::string method = "GET";
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string_view, std::string_view>> views;
  RestRequest view() {
    views.clear();
    for (auto& [k, v] : headers) views.emplace_back(k, v);
    return RestRequest{method, target, body, views, "127.0.0.1"};
  }
  void set(const std::string& name, const std::string& value) {
    for (auto& h : headers) {
      if (h.first == name) {
        h.second = value;
        return;
      }
    }
    headers.emplace_back(name, value);
  }
  void erase(const std::string& name) {
    std::erase_if(headers, [&](const auto& h) { return h.first == name; });
  }
};

inline Req signed_req(const Credentials& c, std::string method, std::string target, std::string body, std::int64_t ts,
                      std::string signed_target = "") {
  Req r{std::move(method), std::move(target), std::move(body), {}, {}};
  auto h = sign(c, {ts, r.method, signed_target.empty() ? r.target : signed_target, r.body});
  EXPECT_TRUE(h);
  if (h) {
    for (auto& x : h->headers) r.headers.emplace_back(x.name, x.value);
  }
  if (!r.body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

}  // namespace kucoin::mock::testing
