// The only translation unit of the mock that includes Boost.Beast. The WebSocket side plugs in at
// `serve()` where an upgrade request is recognised (same listener, same port).
#include "kucoin/mock/server.hpp"

// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames; silence it here only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "kucoin/mock/tls_cert.hpp"

namespace kucoin::mock {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kWriteTimeout = std::chrono::seconds(10);
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);

std::int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string bracket(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

}  // namespace

struct MockServer::Impl {
  explicit Impl(MockServerConfig c)
      : config(std::move(c)),
        rest(config.rest, config.market ? config.market : std::make_shared<GeneratedMarket>()) {}

  MockServerConfig config;
  RestService rest;
  std::unique_ptr<asio::io_context> io;
  std::optional<ssl::context> tls;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::string ca;
  std::uint16_t port = 0;
  bool started = false;
  bool stopped = false;
  std::mutex life_mu;
  std::atomic<std::uint64_t> accepted{0}, tls_failures{0}, requests{0}, bad_requests{0};

  template <class Stream>
  static beast::tcp_stream& lowest(Stream& s) {
    return beast::get_lowest_layer(s);
  }

  static void write_headers(http::response<http::string_body>& res, const RestAnswer& a) {
    res.set(http::field::server, "kucoin-harness-mock/0.1");
    res.set(http::field::content_type, a.content_type);
    for (const Header& h : a.headers) res.set(h.name, h.value);
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, std::string remote) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(16 * 1024);
      parser.body_limit(1u << 20);
      lowest(stream).expires_after(std::chrono::milliseconds(config.idle_timeout_ms));
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, kTuple);
      (void)n;
      if (ec) {
        if (ec.category() == http::make_error_code(http::error::bad_target).category() && ec != http::error::end_of_stream &&
            ec != http::error::partial_message) {
          // Unparsable HTTP: answer in KuCoin's shape, then close.
          ++bad_requests;
          RestAnswer a;
          a.status = 400;
          encode_error_body("400100", "Bad Request: " + ec.message(), a.body);
          http::response<http::string_body> res{http::status::bad_request, 11};
          write_headers(res, a);
          res.keep_alive(false);
          res.body() = std::move(a.body);
          res.prepare_payload();
          lowest(stream).expires_after(kWriteTimeout);
          co_await http::async_write(stream, res, kTuple);
        }
        co_return;
      }
      ++requests;
      auto& req = parser.get();
      if (beast::websocket::is_upgrade(req)) {
        // Hook for the WebSocket side (same listener, same port): not served by the REST side.
        RestAnswer a;
        a.status = 404;
        encode_error_body("404000", "WebSocket endpoint not served by this mock build", a.body);
        http::response<http::string_body> res{http::status::not_found, req.version()};
        write_headers(res, a);
        res.keep_alive(false);
        res.body() = std::move(a.body);
        res.prepare_payload();
        lowest(stream).expires_after(kWriteTimeout);
        co_await http::async_write(stream, res, kTuple);
        co_return;
      }
      std::vector<std::pair<std::string_view, std::string_view>> headers;
      for (const auto& f : req) headers.emplace_back(f.name_string(), f.value());
      RestRequest rr{req.method_string(), req.target(), req.body(), headers, remote};
      RestAnswer a = rest.handle(rr, wall_now_ms());
      if (a.delay_ms > 0) {
        asio::steady_timer t(co_await asio::this_coro::executor);
        t.expires_after(std::chrono::milliseconds(a.delay_ms));
        co_await t.async_wait(kTuple);
      }
      if (a.close_connection) {
        error_code ignored;
        lowest(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
        co_return;
      }
      http::response<http::string_body> res{static_cast<http::status>(a.status), req.version()};
      write_headers(res, a);
      res.keep_alive(req.keep_alive());
      res.body() = std::move(a.body);
      res.prepare_payload();
      lowest(stream).expires_after(kWriteTimeout);
      auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
      (void)wn;
      if (wec || !res.keep_alive()) co_return;
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    error_code ec;
    const auto ep = socket.remote_endpoint(ec);
    const std::string remote = ec ? std::string("unknown") : ep.address().to_string();
    beast::tcp_stream stream(std::move(socket));
    if (!tls) {
      co_await serve(stream, remote);
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(stream), *tls);
    beast::get_lowest_layer(tls_stream).expires_after(kHandshakeTimeout);
    auto [hec] = co_await tls_stream.async_handshake(ssl::stream_base::server, kTuple);
    if (hec) {
      ++tls_failures;
      co_return;
    }
    co_await serve(tls_stream, remote);
    beast::get_lowest_layer(tls_stream).expires_after(std::chrono::seconds(2));
    co_await tls_stream.async_shutdown(kTuple);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor->async_accept(asio::make_strand(*io), kTuple);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        continue;  // e.g. too many open files: keep serving the others
      }
      ++accepted;
      asio::co_spawn(socket.get_executor(), session(std::move(socket)), asio::detached);
    }
  }
};

MockServer::MockServer(MockServerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

MockServer::~MockServer() { stop(); }

Result<void> MockServer::start() {
  std::lock_guard lock(impl_->life_mu);
  Impl& s = *impl_;
  if (s.started) return fail(Errc::invalid_argument, "mock server: already started");
  s.io = std::make_unique<asio::io_context>(static_cast<int>(std::max(1u, s.config.threads)));
  if (s.config.tls) {
    std::string cert = s.config.cert_pem, key = s.config.key_pem;
    if (cert.empty() != key.empty()) return fail(Errc::invalid_argument, "mock server: give both a certificate and a key, or neither");
    if (cert.empty()) {
      auto pki = generate_test_pki();
      if (!pki) return Unexpected{pki.error()};
      cert = pki->cert_pem;
      key = pki->key_pem;
      s.ca = pki->ca_cert_pem;
    } else {
      s.ca = cert;
    }
    s.tls.emplace(ssl::context::tls_server);
    error_code ec;
    s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    s.tls->use_certificate_chain(asio::buffer(cert), ec);
    if (ec) return fail(Errc::invalid_argument, "mock server: unusable certificate: " + ec.message());
    s.tls->use_private_key(asio::buffer(key), ssl::context::pem, ec);
    if (ec) return fail(Errc::invalid_argument, "mock server: unusable private key: " + ec.message());
  }
  error_code ec;
  const auto address = asio::ip::make_address(s.config.host, ec);
  if (ec) return fail(Errc::invalid_argument, "mock server: bad host address '" + s.config.host + "' (give an IP address)");
  s.acceptor = std::make_unique<tcp::acceptor>(*s.io);
  const tcp::endpoint ep(address, s.config.port);
  s.acceptor->open(ep.protocol(), ec);
  if (!ec) s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(ep, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(Errc::invalid_argument, "mock server: cannot listen on " + bracket(s.config.host) + ":" +
                                            std::to_string(s.config.port) + ": " + ec.message());
  }
  s.port = s.acceptor->local_endpoint().port();
  s.rest.set_ws_endpoint(ws_url(), s.config.tls);
  asio::co_spawn(*s.io, s.accept_loop(), asio::detached);
  for (unsigned i = 0; i < std::max(1u, s.config.threads); ++i) {
    s.threads.emplace_back([io = s.io.get()] { io->run(); });
  }
  s.started = true;
  return {};
}

void MockServer::stop() {
  std::lock_guard lock(impl_->life_mu);
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  asio::post(*s.io, [&s] {
    error_code ignored;
    s.acceptor->close(ignored);
  });
  s.io->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  s.acceptor.reset();
  s.io.reset();  // destroys the sessions' coroutine frames and closes their sockets
}

std::uint16_t MockServer::port() const noexcept { return impl_->port; }

std::string MockServer::url() const {
  return std::string(impl_->config.tls ? "https://" : "http://") + bracket(impl_->config.host) + ":" +
         std::to_string(impl_->port);
}

std::string MockServer::ws_url() const {
  return std::string(impl_->config.tls ? "wss://" : "ws://") + bracket(impl_->config.host) + ":" +
         std::to_string(impl_->port) + "/endpoint";
}

const std::string& MockServer::ca_pem() const noexcept { return impl_->ca; }

RestService& MockServer::rest() noexcept { return impl_->rest; }

MockServer::Stats MockServer::stats() const noexcept {
  return Stats{impl_->accepted.load(), impl_->tls_failures.load(), impl_->requests.load(), impl_->bad_requests.load()};
}

}  // namespace kucoin::mock
