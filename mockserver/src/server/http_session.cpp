// One of the mock's two Beast translation units (with ws_session.cpp): HTTP/1.1 on plain and TLS
// streams. What to answer is RestService's decision; this file reads requests and writes answers.
#include "http_session.hpp"

#include "beast_prelude.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <tuple>

#include "kucoin/protocol/rest_codec.hpp"
#include "ws_session.hpp"

namespace kucoin::mock {

namespace {

constexpr auto kWriteTimeout = std::chrono::seconds(10);
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);

template <class Stream>
beast::tcp_stream& lowest(Stream& s) {
  return beast::get_lowest_layer(s);
}

void write_headers(http::response<http::string_body>& res, const RestAnswer& a) {
  res.set(http::field::server, kServerHeader);
  res.set(http::field::content_type, a.content_type);
  for (const Header& h : a.headers) res.set(h.name, h.value);
}

// Writes `a` as the connection's last response (Connection: close).
template <class Stream>
asio::awaitable<void> write_final(Stream& stream, RestAnswer a, unsigned version) {
  http::response<http::string_body> res{static_cast<http::status>(a.status), version};
  write_headers(res, a);
  res.keep_alive(false);
  res.body() = std::move(a.body);
  res.prepare_payload();
  lowest(stream).expires_after(kWriteTimeout);
  co_await http::async_write(stream, res, kTuple);
}

// Reads one request: the header, then (after an interim 100 Continue when the client sent
// `Expect: 100-continue` and a body is to come, RFC 9110 §10.1.1) the body.
template <class Stream>
asio::awaitable<error_code> read_request(Stream& stream, beast::flat_buffer& buffer,
                                         http::request_parser<http::string_body>& parser) {
  auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, kTuple);
  (void)n;
  if (ec || parser.is_done()) co_return ec;
  const auto& req = parser.get();
  if (req.version() >= 11 && beast::iequals(req[http::field::expect], "100-continue")) {
    http::response<http::empty_body> go_on{http::status::continue_, req.version()};
    auto [wec, wn] = co_await http::async_write(stream, go_on, kTuple);
    (void)wn;
    if (wec) co_return wec;
  }
  auto [bec, bn] = co_await http::async_read(stream, buffer, parser, kTuple);
  (void)bn;
  co_return bec;
}

// Serves HTTP requests until the connection ends, or returns an admitted WebSocket upgrade.
template <class Stream>
asio::awaitable<std::optional<WsUpgrade>> serve(MockServer::Impl& s, Stream& stream, std::string remote,
                                                kucoin::Market venue) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1u << 20);
    lowest(stream).expires_after(std::chrono::milliseconds(s.config.idle_timeout_ms));
    const error_code ec = co_await read_request(stream, buffer, parser);
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
          ec != http::error::end_of_stream && ec != http::error::partial_message) {
        // Unparsable HTTP: answer in KuCoin's shape, then close.
        ++s.bad_requests;
        RestAnswer a;
        a.status = 400;
        encode_error_body("400100", "Bad Request: " + ec.message(), a.body);
        co_await write_final(stream, std::move(a), 11);
      }
      co_return std::nullopt;
    }
    ++s.requests;
    auto& req = parser.get();
    if (websocket::is_upgrade(req)) {
      WsAdmission adm = s.ws_admit(req.target(), venue);
      if (adm.accepted()) co_return WsUpgrade{parser.release(), std::move(adm), venue};
      RestAnswer a;
      a.status = adm.status;
      a.body = std::move(adm.body);
      co_await write_final(stream, std::move(a), req.version());
      co_return std::nullopt;
    }
    std::vector<std::pair<std::string_view, std::string_view>> headers;
    for (const auto& f : req) headers.emplace_back(f.name_string(), f.value());
    RestRequest rr{req.method_string(), req.target(), req.body(), headers, remote};
    RestAnswer a = s.rest.handle(rr, wall_now_ms(), venue);
    s.deliver_private_pushes();  // an order's pushes leave before its answer
    if (a.delay_ms > 0) {
      asio::steady_timer t(co_await asio::this_coro::executor);
      t.expires_after(std::chrono::milliseconds(a.delay_ms));
      co_await t.async_wait(kTuple);
    }
    if (a.close_connection) {
      error_code ignored;
      lowest(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
      co_return std::nullopt;
    }
    http::response<http::string_body> res{static_cast<http::status>(a.status), req.version()};
    write_headers(res, a);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(a.body);
    res.prepare_payload();
    lowest(stream).expires_after(kWriteTimeout);
    error_code wec;
    if (req.method() == http::verb::head) {  // GET's headers, Content-Length included, no body (RFC 9110 §9.3.2)
      http::response_serializer<http::string_body> header_only{res};
      std::tie(wec, std::ignore) = co_await http::async_write_header(stream, header_only, kTuple);
    } else {
      std::tie(wec, std::ignore) = co_await http::async_write(stream, res, kTuple);
    }
    if (wec || !res.keep_alive()) co_return std::nullopt;
  }
}

}  // namespace

asio::awaitable<void> http_session(MockServer::Impl& s, tcp::socket socket, kucoin::Market venue) {
  error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  const std::string remote = ec ? std::string("unknown") : ep.address().to_string();
  beast::tcp_stream stream(std::move(socket));
  if (!s.tls) {
    auto up = co_await serve(s, stream, remote, venue);
    if (up) {
      co_await run_ws_session(s, std::move(stream), std::move(*up));
      co_return;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(stream), *s.tls);
  beast::get_lowest_layer(tls_stream).expires_after(kHandshakeTimeout);
  auto [hec] = co_await tls_stream.async_handshake(ssl::stream_base::server, kTuple);
  if (hec) {
    ++s.tls_failures;
    co_return;
  }
  auto up = co_await serve(s, tls_stream, remote, venue);
  if (up) {
    co_await run_ws_session(s, std::move(tls_stream), std::move(*up));
    co_return;
  }
  beast::get_lowest_layer(tls_stream).expires_after(std::chrono::seconds(2));
  co_await tls_stream.async_shutdown(kTuple);
}

}  // namespace kucoin::mock
