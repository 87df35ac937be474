// MockServer: the mock KuCoin's network side. One listener (127.0.0.1 by default, port 0 allowed)
// serving plain HTTP or HTTPS on its own io_context thread(s). REST requests go to RestService;
// WebSocket upgrades on the same port are the hook for the WebSocket side (answered 404 until then).
// Boost.Beast stays in mockserver/src/server/mock_server.cpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "kucoin/core/result.hpp"
#include "kucoin/mock/market.hpp"
#include "kucoin/mock/rest_service.hpp"

namespace kucoin::mock {

struct MockServerConfig {
  std::string host = "127.0.0.1";  // never 0.0.0.0 unless you mean it
  std::uint16_t port = 0;          // 0: the OS picks one; port() tells which
  bool tls = false;
  std::string cert_pem;  // with tls: the server certificate chain (PEM); empty: generate a CA + certificate
  std::string key_pem;   // its private key (PEM)
  unsigned threads = 1;
  std::int64_t idle_timeout_ms = 60'000;  // keep-alive connections idle this long are closed
  RestServiceConfig rest;
  std::shared_ptr<Market> market;  // default: GeneratedMarket
};

class MockServer {
 public:
  explicit MockServer(MockServerConfig config);
  ~MockServer();  // stops
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  // Binds, listens and starts the threads. Fails (never throws) when the address cannot be used
  // or the TLS material is unusable. A stopped server cannot be started again.
  Result<void> start();
  // Closes the listener and every connection, joins the threads. Idempotent.
  void stop();

  std::uint16_t port() const noexcept;
  std::string url() const;     // "http://127.0.0.1:PORT" or "https://..."
  std::string ws_url() const;  // "ws://127.0.0.1:PORT/endpoint" (the bullet endpoints return it)
  // PEM of the certificate clients should trust: the generated CA, or the given certificate.
  const std::string& ca_pem() const noexcept;

  RestService& rest() noexcept;

  struct Stats {
    std::uint64_t connections_accepted = 0;
    std::uint64_t tls_handshake_failures = 0;
    std::uint64_t http_requests = 0;
    std::uint64_t bad_requests = 0;  // unparsable HTTP
  };
  Stats stats() const noexcept;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kucoin::mock
