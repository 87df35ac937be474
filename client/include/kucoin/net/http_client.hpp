// HTTP(S)/1.1 client on the caller's io_context (Boost.Beast + OpenSSL behind a pimpl; this header
// pulls in no Asio or Beast). TLS verifies the peer certificate and host name, with SNI, against the
// system CA store and/or a given CA. Keep-alive connections are reused; every step (resolve,
// connect, TLS handshake, write, read) has a deadline. All work runs on one strand of the
// io_context; no threads are created.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/result.hpp"
#include "kucoin/core/url.hpp"
#include "kucoin/net/wire_tap.hpp"
#include "kucoin/protocol/headers.hpp"

namespace boost::asio {
class io_context;
}

namespace kucoin::net {

inline constexpr std::string_view kDefaultUserAgent =
    "kucoin-harness/0.1 (C++ KuCoin client; +https://github.com/kucoin-harness/kucoin-harness)";

struct TlsOptions {
  bool verify_peer = true;       // never turn off outside tests of the failure itself
  bool use_system_store = true;  // trust the system CA store
  std::string ca_pem;            // additionally trust these PEM certificates (e.g. the mock's CA)
  std::string ca_file;           // ... or this PEM file
};

struct HttpTimeouts {
  std::chrono::milliseconds resolve{5'000};
  std::chrono::milliseconds connect{5'000};
  std::chrono::milliseconds handshake{5'000};
  std::chrono::milliseconds write{5'000};
  std::chrono::milliseconds read{15'000};  // until the whole response is read
};

struct HttpClientOptions {
  std::string base_url = "https://api.kucoin.com";  // scheme://host[:port], no path
  TlsOptions tls;
  HttpTimeouts timeouts;
  std::string user_agent{kDefaultUserAgent};
  std::size_t max_idle_connections = 4;
  std::chrono::milliseconds idle_timeout{20'000};  // idle connections older than this are not reused
  std::size_t max_body_bytes = 64u << 20;
  WireTap tap;  // every request and answer, as sent and received (kucoin/net/wire_tap.hpp); unset: none
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // path[?query], exactly as sent (and signed)
  std::vector<Header> headers;
  std::string body;
  // A kept-alive connection that turns out closed (no answer) is retried once on a new one.
  // Set false for requests that must never be sent twice.
  bool retry_on_stale = true;
};

struct HttpResponse {
  int status = 0;
  std::vector<Header> headers;
  std::string body;
  bool reused_connection = false;                                 // answered on a kept-alive connection
  std::string_view header(std::string_view name) const noexcept;  // case-insensitive; empty when absent
};

struct TransportError {
  std::string stage;    // "url", "resolve", "connect", "tls handshake", "write", "read"
  std::string message;  // e.g. "certificate verify failed", "timed out after 500 ms"
  bool timeout = false;
  bool request_sent = false;     // false: the server cannot have acted on the request
  std::string describe() const;  // "tls handshake to 127.0.0.1:443: certificate verify failed"
  std::string endpoint;          // host:port
};

using HttpResult = Result<HttpResponse, TransportError>;

// Parses "http(s)://host[:port][/]" (kucoin/core/url.hpp; no path); an IPv6 host is written [::1].
Result<Url> parse_base_url(std::string_view url);

class HttpClient {
 public:
  // Throws std::invalid_argument for an unusable base_url or CA (configuration errors).
  HttpClient(boost::asio::io_context& io, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` (Host, User-Agent, Accept and, with a body, Content-Type are added) and calls
  // `done` on the client's strand. Safe to call from any thread.
  void async_request(HttpRequest request, std::function<void(HttpResult)> done);

  // Closes idle connections; requests in flight finish normally.
  void close_idle();

  const HttpClientOptions& options() const noexcept;
  const Url& url() const noexcept;
  std::uint64_t connections_opened() const noexcept;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  friend struct HttpClientAccess;
};

}  // namespace kucoin::net
