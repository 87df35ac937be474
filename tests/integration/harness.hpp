// Shared helpers: a started MockServer, client options pointing at it, and awaiting a callback
// with a deadline by running the test's io_context (never sleeping).
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kucoin/mock/server.hpp"
#include "kucoin/net/rest_client.hpp"

namespace kucoin::testing {

inline constexpr std::string_view kKey = "67a0b1c2d3e4f5a6b7c8d9e0";
inline constexpr std::string_view kSecret = "c0ffee00-1111-2222-3333-444455556666";
inline constexpr std::string_view kPassphrase = "correct horse battery staple";

inline mock::ApiKeyConfig test_key(KeyVersion v = KeyVersion::v2) {
  return {std::string(kKey), Secret(std::string(kSecret)), Secret(std::string(kPassphrase)), v, {}};
}

inline Credentials test_credentials(KeyVersion v = KeyVersion::v2) {
  return {std::string(kKey), Secret(std::string(kSecret)), Secret(std::string(kPassphrase)), v};
}

// Collects log lines from several threads (client and mock).
struct LogCapture {
  std::mutex mu;
  std::vector<std::string> lines;
  void add(std::string_view l) {
    std::lock_guard lock(mu);
    lines.emplace_back(l);
  }
  std::vector<std::string> all() {
    std::lock_guard lock(mu);
    return lines;
  }
};

struct Harness {
  explicit Harness(bool tls, mock::MockServerConfig cfg = {}) {
    cfg.tls = tls;
    if (cfg.rest.keys.empty()) cfg.rest.keys.push_back(test_key());
    cfg.rest.log = [this](std::string_view l) { logs.add(l); };
    server = std::make_unique<mock::MockServer>(std::move(cfg));
    auto r = server->start();
    EXPECT_TRUE(r) << (r ? "" : r.error().describe());
  }

  net::RestClientOptions options(bool with_credentials = true) {
    net::RestClientOptions o;
    o.http.base_url = server->url();
    o.http.tls.use_system_store = false;
    o.http.tls.ca_pem = server->ca_pem();
    if (with_credentials) o.credentials = test_credentials();
    o.retry.backoff_initial = std::chrono::milliseconds(10);
    o.retry.backoff_max = std::chrono::milliseconds(50);
    o.log = [this](LogLevel, std::string_view l) { logs.add(l); };
    return o;
  }

  // Starts an async call and runs `io` until its handler ran or the deadline passed.
  template <class T>
  Result<T, ApiError> await(std::function<void(net::RestHandler<T>)> start,
                            std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
    std::optional<Result<T, ApiError>> out;
    start([&out](Result<T, ApiError> r) { out.emplace(std::move(r)); });
    io.restart();
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!out && std::chrono::steady_clock::now() < until) io.run_one_until(until);
    if (!out) {
      ADD_FAILURE() << "the call did not complete within " << deadline.count() << " ms";
      ApiError e;
      e.kind = ApiErrorKind::transport;
      e.msg = "test deadline";
      return Unexpected{std::move(e)};
    }
    return std::move(*out);
  }

  boost::asio::io_context io;
  LogCapture logs;
  std::unique_ptr<mock::MockServer> server;
};

}  // namespace kucoin::testing
