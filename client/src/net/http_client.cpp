// The only translation unit of the client that includes Boost.Beast.
// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames (operator new/delete
// of awaitable_frame_base are a matching pair); silence it for this translation unit only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "kucoin/net/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <deque>
#include <stdexcept>

#include "http_internal.hpp"

namespace kucoin::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

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

Result<ParsedUrl> parse_base_url(std::string_view url) {
  ParsedUrl out;
  if (url.starts_with("https://")) {
    out.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    out.tls = false;
    url.remove_prefix(7);
  } else {
    return fail(Errc::invalid_argument, "base URL must start with http:// or https://");
  }
  if (auto slash = url.find('/'); slash != std::string_view::npos) {
    if (url.substr(slash) != "/") return fail(Errc::invalid_argument, "base URL must not have a path");
    url = url.substr(0, slash);
  }
  std::string_view host = url, port;
  if (url.starts_with('[')) {
    const auto close = url.find(']');
    if (close == std::string_view::npos) return fail(Errc::invalid_argument, "base URL: unclosed [ in host");
    host = url.substr(1, close - 1);
    std::string_view rest = url.substr(close + 1);
    if (rest.starts_with(':')) port = rest.substr(1);
  } else if (auto colon = url.rfind(':'); colon != std::string_view::npos) {
    host = url.substr(0, colon);
    port = url.substr(colon + 1);
  }
  if (host.empty()) return fail(Errc::invalid_argument, "base URL without host");
  out.host = std::string(host);
  out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
  for (char c : out.port) {
    if (c < '0' || c > '9') return fail(Errc::invalid_argument, "base URL: bad port");
  }
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

std::string ms_text(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

bool is_ip_address(const std::string& host) {
  error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

struct HttpClient::Impl : std::enable_shared_from_this<HttpClient::Impl> {
  Impl(asio::io_context& io, HttpClientOptions opts)
      : strand(asio::make_strand(io)), options(std::move(opts)), tls_context(ssl::context::tls_client) {
    auto u = parse_base_url(options.base_url);
    if (!u) throw std::invalid_argument(u.error().message);
    url = *u;
    host_header = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    if ((url.tls && url.port != "443") || (!url.tls && url.port != "80")) host_header += ":" + url.port;
    endpoint = host_header.find(':') == std::string::npos ? host_header + ":" + url.port : host_header;
    if (url.tls) {
      error_code ec;
      tls_context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                              ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      if (options.tls.verify_peer) {
        tls_context.set_verify_mode(ssl::verify_peer);
        if (options.tls.use_system_store) {
          tls_context.set_default_verify_paths(ec);
          if (ec) throw std::invalid_argument("cannot load the system CA store: " + ec.message());
        }
        if (!options.tls.ca_pem.empty()) {
          tls_context.add_certificate_authority(asio::buffer(options.tls.ca_pem), ec);
          if (ec) throw std::invalid_argument("cannot use the given CA certificate: " + ec.message());
        }
        if (!options.tls.ca_file.empty()) {
          tls_context.load_verify_file(options.tls.ca_file, ec);
          if (ec) throw std::invalid_argument("cannot load CA file " + options.tls.ca_file + ": " + ec.message());
        }
      } else {
        tls_context.set_verify_mode(ssl::verify_none);
      }
    }
  }

  asio::strand<asio::io_context::executor_type> strand;
  HttpClientOptions options;
  ParsedUrl url;
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
    if (options.tls.verify_peer) {
      conn->tls->set_verify_callback(ssl::host_name_verification(url.host));
    }
    if (!is_ip_address(url.host)) {  // SNI carries DNS names only (RFC 6066)
      if (SSL_ctrl(conn->tls->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                   const_cast<char*>(url.host.c_str())) != 1) {
        co_return Unexpected{terr("tls handshake", error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()),
                                  options.timeouts.handshake)};
      }
    }
    beast::get_lowest_layer(*conn->tls).expires_after(options.timeouts.handshake);
    auto [hec] = co_await conn->tls->async_handshake(ssl::stream_base::client, kTuple);
    if (hec) {
      TransportError e = terr("tls handshake", hec, options.timeouts.handshake);
      if (hec.category() == asio::error::get_ssl_category()) {
        // e.g. "certificate verify failed": say which trust was used.
        e.message += options.tls.ca_pem.empty() && options.tls.ca_file.empty()
                         ? " (trusting the system CA store)"
                         : " (trusting the given CA" + std::string(options.tls.use_system_store ? " and the system store)" : ")");
      }
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
      co_return Unexpected{TransportError{"request", "unknown HTTP method " + in.method.substr(0, 16), false, false, endpoint}};
    }
    auto unsafe = [](std::string_view v) { return v.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos; };
    bool bad = unsafe(in.target) || in.target.empty() || in.target.front() != '/';
    for (const Header& h : in.headers) bad = bad || unsafe(h.name) || unsafe(h.value) || h.name.empty();
    if (bad) {
      co_return Unexpected{TransportError{"request", "target or header contains CR, LF or NUL (or the target is not a path)",
                                          false, false, endpoint}};
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
const ParsedUrl& HttpClient::url() const noexcept { return impl_->url; }
std::uint64_t HttpClient::connections_opened() const noexcept { return impl_->opened.load(); }

asio::awaitable<HttpResult> HttpClientAccess::request(HttpClient& client, HttpRequest request) {
  auto impl = client.impl_;
  co_return co_await impl->request(std::move(request));
}

asio::any_io_executor HttpClientAccess::executor(HttpClient& client) { return client.impl_->strand; }

}  // namespace kucoin::net
