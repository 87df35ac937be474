// The HTTP(S) client: Boost.Beast's HTTP parser and tcp_stream (this translation unit and the
// WebSocket transport's upgrade are the client's only users of Beast).
#include "kucoin/net/http_client.hpp"

#include "detail/asio.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <deque>
#include <stdexcept>

#include "detail/tls.hpp"
#include "http_internal.hpp"

namespace kucoin::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;

std::string_view HttpResponse::header(std::string_view name) const noexcept {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return {};
}

std::string TransportError::describe() const {
  std::string out = stage;
  if (!endpoint.empty()) out += " to " + endpoint;
  out += ": ";
  out += message;
  return out;
}

Result<Url> parse_base_url(std::string_view url) {
  auto out = parse_url(url, UrlScheme::http);
  if (out && out->target != "/") return fail(Errc::invalid_argument, "base URL must not have a path");
  return out;
}

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<TlsStream> tls;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since;

  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*tls); }
};

}  // namespace

struct HttpClient::Impl : std::enable_shared_from_this<HttpClient::Impl> {
  Impl(asio::io_context& io, HttpClientOptions opts)
      : strand(asio::make_strand(io)), options(std::move(opts)), tls_context(ssl::context::tls_client) {
    auto u = parse_base_url(options.base_url);
    if (!u) throw std::invalid_argument(u.error().message);
    url = *u;
    host_header = url.host_header();
    endpoint = url.endpoint();
    if (url.tls) tls_context = detail::make_tls_context(options.tls);
  }

  asio::strand<asio::io_context::executor_type> strand;
  HttpClientOptions options;
  Url url;
  std::string host_header;
  std::string endpoint;
  ssl::context tls_context;
  std::deque<std::unique_ptr<Connection>> idle;
  std::atomic<std::uint64_t> opened{0};

  TransportError terr(std::string stage, const error_code& ec, std::chrono::milliseconds limit, bool sent = false) {
    TransportError e;
    e.stage = std::move(stage);
    e.endpoint = endpoint;
    e.request_sent = sent;
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      e.timeout = true;
      e.message = "timed out after " + ms_text(limit);
    } else {
      e.message = ec.message();
    }
    return e;
  }

  asio::awaitable<Result<std::unique_ptr<Connection>, TransportError>> connect() {
    auto conn = std::make_unique<Connection>();
    // Resolve, with a deadline (the resolver has none of its own).
    tcp::resolver resolver(strand);
    asio::steady_timer timer(strand);
    timer.expires_after(options.timeouts.resolve);
    bool resolve_timed_out = false;
    timer.async_wait([&resolver, &resolve_timed_out](error_code ec) {
      if (!ec) {
        resolve_timed_out = true;
        resolver.cancel();
      }
    });
    auto [rec, results] = co_await resolver.async_resolve(url.host, url.port, kTuple);
    timer.cancel();
    if (rec) {
      co_return Unexpected{terr("resolve", resolve_timed_out ? beast::error::timeout : rec, options.timeouts.resolve)};
    }
    beast::tcp_stream stream(strand);
    stream.expires_after(options.timeouts.connect);
    auto [cec, ep] = co_await stream.async_connect(results, kTuple);
    if (cec) co_return Unexpected{terr("connect", cec, options.timeouts.connect)};
    (void)ep;
    stream.socket().set_option(tcp::no_delay(true));
    ++opened;
    if (!url.tls) {
      conn->plain = std::make_unique<beast::tcp_stream>(std::move(stream));
      co_return conn;
    }
    conn->tls = std::make_unique<TlsStream>(std::move(stream), tls_context);
    if (auto ec = detail::prepare_tls_stream(*conn->tls, url.host, options.tls)) {
      co_return Unexpected{terr("tls handshake", ec, options.timeouts.handshake)};
    }
    beast::get_lowest_layer(*conn->tls).expires_after(options.timeouts.handshake);
    auto [hec] = co_await conn->tls->async_handshake(ssl::stream_base::client, kTuple);
    if (hec) {
      TransportError e = terr("tls handshake", hec, options.timeouts.handshake);
      // e.g. "certificate verify failed": say which trust was used.
      if (hec.category() == asio::error::get_ssl_category()) e.message += detail::trust_note(options.tls);
      co_return Unexpected{std::move(e)};
    }
    co_return conn;
  }

  struct Exchanged {
    HttpResponse response;
    bool keep_alive = true;
  };

  template <class Stream>
  asio::awaitable<Result<Exchanged, TransportError>> exchange_on(Stream& stream, Connection& conn,
                                                                 http::request<http::string_body>& req) {
    conn.lowest().expires_after(options.timeouts.write);
    auto [wec, written] = co_await http::async_write(stream, req, kTuple);
    (void)written;
    if (wec) co_return Unexpected{terr("write", wec, options.timeouts.write)};
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    parser.header_limit(64 * 1024);
    conn.lowest().expires_after(options.timeouts.read);
    auto [rec, read] = co_await http::async_read(stream, conn.buffer, parser, kTuple);
    (void)read;
    if (rec) co_return Unexpected{terr("read", rec, options.timeouts.read, true)};
    conn.lowest().expires_never();
    auto res = parser.release();
    Exchanged out;
    out.response.status = static_cast<int>(res.result_int());
    for (const auto& f : res) out.response.headers.push_back({std::string(f.name_string()), std::string(f.value())});
    out.response.body = std::move(res.body());
    out.keep_alive = res.keep_alive();
    co_return out;
  }

  asio::awaitable<Result<Exchanged, TransportError>> exchange(Connection& conn, http::request<http::string_body>& req) {
    if (conn.plain) co_return co_await exchange_on(*conn.plain, conn, req);
    co_return co_await exchange_on(*conn.tls, conn, req);
  }

  std::unique_ptr<Connection> take_idle() {
    const auto now = std::chrono::steady_clock::now();
    while (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      if (now - c->idle_since < options.idle_timeout && c->lowest().socket().is_open()) return c;
    }
    return nullptr;
  }

  void give_back(std::unique_ptr<Connection> c) {
    if (idle.size() >= options.max_idle_connections) return;
    c->idle_since = std::chrono::steady_clock::now();
    idle.push_back(std::move(c));
  }

  asio::awaitable<HttpResult> request(HttpRequest in) {
    auto self = shared_from_this();  // keep alive while the exchange runs
    http::request<http::string_body> req;
    const auto verb = http::string_to_verb(in.method);
    if (verb == http::verb::unknown) {
      co_return Unexpected{
          TransportError{"request", "unknown HTTP method " + in.method.substr(0, 16), false, false, endpoint}};
    }
    auto unsafe = [](std::string_view v) {
      return v.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
    };
    bool bad = unsafe(in.target) || in.target.empty() || in.target.front() != '/';
    for (const Header& h : in.headers) bad = bad || unsafe(h.name) || unsafe(h.value) || h.name.empty();
    if (bad) {
      co_return Unexpected{TransportError{
          "request", "target or header contains CR, LF or NUL (or the target is not a path)", false, false, endpoint}};
    }
    req.method(verb);
    req.target(in.target);
    req.version(11);
    req.set(http::field::host, host_header);
    req.set(http::field::user_agent, options.user_agent);
    req.set(http::field::accept, "application/json");
    if (!in.body.empty()) req.set(http::field::content_type, "application/json");
    for (const Header& h : in.headers) req.set(h.name, h.value);
    req.keep_alive(true);
    req.body() = std::move(in.body);
    req.prepare_payload();
    const bool in_retry_on_stale = in.retry_on_stale;
    if (options.tap) {
      WireEvent ev;
      ev.kind = WireEventKind::http_request;
      ev.time = std::chrono::steady_clock::now();
      ev.method = in.method;
      ev.url = in.target;
      ev.headers = in.headers;
      ev.payload = req.body();
      options.tap(ev);
    }
    auto result = co_await exchange_request(req, in_retry_on_stale);
    if (options.tap) {
      WireEvent ev;
      ev.kind = WireEventKind::http_response;
      ev.time = std::chrono::steady_clock::now();
      ev.method = in.method;
      ev.url = in.target;
      std::string why;
      if (result) {
        ev.status = result->status;
        ev.payload = result->body;
      } else {
        why = result.error().describe();
        ev.detail = why;
      }
      options.tap(ev);
    }
    co_return result;
  }

  asio::awaitable<HttpResult> exchange_request(http::request<http::string_body>& req, bool in_retry_on_stale) {
    std::unique_ptr<Connection> conn = take_idle();
    const bool reused = conn != nullptr;
    if (!conn) {
      auto c = co_await connect();
      if (!c) co_return Unexpected{std::move(c).error()};
      conn = std::move(*c);
    }
    auto r = co_await exchange(*conn, req);
    bool on_reused = reused;
    if (!r && reused && in_retry_on_stale && !r.error().timeout) {
      // A kept-alive connection the server had already closed: the request did not get through
      // (no bytes of an answer). Try once on a fresh connection.
      auto c = co_await connect();
      if (!c) co_return Unexpected{std::move(c).error()};
      conn = std::move(*c);
      r = co_await exchange(*conn, req);
      on_reused = false;
    }
    if (!r) co_return Unexpected{std::move(r).error()};
    r->response.reused_connection = on_reused;
    if (r->keep_alive) give_back(std::move(conn));
    co_return std::move(r->response);
  }
};

HttpClient::HttpClient(asio::io_context& io, HttpClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

HttpClient::~HttpClient() { close_idle(); }

void HttpClient::async_request(HttpRequest request, std::function<void(HttpResult)> done) {
  auto impl = impl_;
  asio::co_spawn(
      impl->strand,
      [impl, request = std::move(request), done = std::move(done)]() mutable -> asio::awaitable<void> {
        auto r = co_await impl->request(std::move(request));
        done(std::move(r));
      },
      asio::detached);
}

void HttpClient::close_idle() {
  auto impl = impl_;
  asio::dispatch(impl->strand, [impl] { impl->idle.clear(); });
}

const HttpClientOptions& HttpClient::options() const noexcept { return impl_->options; }
const Url& HttpClient::url() const noexcept { return impl_->url; }
std::uint64_t HttpClient::connections_opened() const noexcept { return impl_->opened.load(); }

asio::awaitable<HttpResult> HttpClientAccess::request(HttpClient& client, HttpRequest request) {
  auto impl = client.impl_;
  co_return co_await impl->request(std::move(request));
}

asio::any_io_executor HttpClientAccess::executor(HttpClient& client) { return client.impl_->strand; }

}  // namespace kucoin::net
