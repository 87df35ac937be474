// The only translation unit of the mock that includes Boost.Beast. `serve()` answers HTTP
// requests; an upgrade request on the WebSocket path becomes a WsSession (same listener, same port).
#include "kucoin/mock/server.hpp"

// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames; silence it here only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <cmath>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "kucoin/mock/accept_retry.hpp"
#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/tls_cert.hpp"
#include "kucoin/protocol/ws_url.hpp"

namespace kucoin::mock {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
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

using Clock = std::chrono::steady_clock;

// What the WebSocket side decided about an upgrade request.
struct Admission {
  std::uint64_t connection = 0;
  int status = 101;          // != 101: refuse with this HTTP status and body
  std::string body;
  std::string connect_id;    // for the welcome (random when the request had none)
  std::string token;         // kept in memory only, never logged
  std::string fingerprint;   // token_fingerprint(token)
  bool private_token = false;
  std::int64_t expires_ms = INT64_MAX;
  WsFaults faults;           // in effect at the upgrade
};

struct Upgrade {
  http::request<http::string_body> request;
  Admission admission;
};

// The next layer of the mock's plain WebSocket streams: a tcp::socket whose writes are copied
// into a buffer and complete at once, while the buffer goes to the kernel with one write in
// flight. Many small WebSocket messages (each still its own frame) then leave in few syscalls.
// Bounded: a write that finds `limit` bytes waiting is parked until a flush made room, so a
// reader that stops reading still stops the writer (the slow-reader policy relies on it).
class CoalescingSocket {
 public:
  using executor_type = tcp::socket::executor_type;
  using next_layer_type = tcp::socket;

  explicit CoalescingSocket(tcp::socket s, std::size_t limit = 64 * 1024)
      : sock_(std::move(s)), st_(std::make_shared<State>(sock_.get_executor())) {
    st_->sock = &sock_;
    st_->limit = limit;
  }
  CoalescingSocket(CoalescingSocket&& o) noexcept : sock_(std::move(o.sock_)), st_(std::move(o.st_)) {
    if (st_) st_->sock = &sock_;
  }
  CoalescingSocket& operator=(CoalescingSocket&&) = delete;
  CoalescingSocket(const CoalescingSocket&) = delete;
  CoalescingSocket& operator=(const CoalescingSocket&) = delete;
  ~CoalescingSocket() {
    if (st_) st_->sock = nullptr;  // a flush still in flight completes without touching us
  }

  executor_type get_executor() noexcept { return sock_.get_executor(); }
  tcp::socket& next_layer() noexcept { return sock_; }
  const tcp::socket& next_layer() const noexcept { return sock_; }

  template <class Buffers, class Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return sock_.async_read_some(buffers, std::forward<Token>(token));
  }

  template <class Buffers, class Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [](auto handler, std::shared_ptr<State> st, const Buffers& b) {
          if (st->failed || st->sock == nullptr) {
            complete(st, std::move(handler), st->failed ? st->failed : asio::error::operation_aborted, 0);
            return;
          }
          if (st->pending.size() >= st->limit) {  // park until a flush made room
            st->parked_buffers.assign(asio::buffer_sequence_begin(b), asio::buffer_sequence_end(b));
            auto ex = asio::get_associated_executor(handler, st->ex);
            st->parked = [ex, h = std::make_shared<decltype(handler)>(std::move(handler))](error_code ec, std::size_t n) {
              asio::post(ex, [h, ec, n]() { std::move(*h)(ec, n); });
            };
            return;
          }
          const std::size_t n = append(*st, b);
          if (!st->deferred || st->pending.size() >= st->threshold) flush(st);
          complete(st, std::move(handler), {}, n);
        },
        token, st_, buffers);
  }

  // While deferred, writes are only buffered (until `threshold` bytes wait): the session's writer
  // defers while it streams frames back to back and calls flush_now() before it waits, so that a
  // busy stream leaves in large writes and a sparse one (or a pong, an ack) leaves at once.
  void set_deferred(bool on) noexcept { st_->deferred = on; }
  void flush_now() { flush(st_); }

  // Shuts the sending side down once everything accepted so far has been written.
  void shutdown_send_when_flushed() {
    st_->shutdown_requested = true;
    flush(st_);
    if (!st_->flushing) finish_drain(st_);
  }

  // Calls `f` once everything accepted so far has been written (or writing failed).
  template <class F>
  void when_flushed(F&& f) {
    st_->drained.emplace_back(std::forward<F>(f));
    flush(st_);
    if (!st_->flushing) finish_drain(st_);
  }

 private:
  struct State {
    explicit State(executor_type e) : ex(std::move(e)) {}
    executor_type ex;
    tcp::socket* sock = nullptr;
    std::size_t limit = 0;
    std::size_t threshold = 16 * 1024;  // flush at this size even while deferred
    bool deferred = false;
    std::string pending;   // accepted, not yet handed to the kernel
    std::string inflight;  // in the current async_write
    bool flushing = false;
    bool shutdown_requested = false;
    error_code failed;
    std::function<void(error_code, std::size_t)> parked;  // posts the parked write's completion
    std::vector<asio::const_buffer> parked_buffers;
    std::vector<std::function<void()>> drained;
  };

  template <class Buffers>
  static std::size_t append(State& st, const Buffers& b) {
    std::size_t n = 0;
    for (auto it = asio::buffer_sequence_begin(b); it != asio::buffer_sequence_end(b); ++it) {
      const asio::const_buffer cb(*it);
      st.pending.append(static_cast<const char*>(cb.data()), cb.size());
      n += cb.size();
    }
    return n;
  }

  template <class Handler>
  static void complete(const std::shared_ptr<State>& st, Handler&& h, error_code ec, std::size_t n) {
    // Never inline from the initiating function: post on the handler's executor.
    auto ex = asio::get_associated_executor(h, st->ex);
    asio::post(ex, [h = std::forward<Handler>(h), ec, n]() mutable { std::move(h)(ec, n); });
  }

  static void finish_drain(const std::shared_ptr<State>& st) {
    if (!st->pending.empty() && !st->failed && st->sock != nullptr) return;  // flush() continues
    if (st->shutdown_requested && st->sock != nullptr) {
      error_code ignored;
      st->sock->shutdown(tcp::socket::shutdown_send, ignored);
      st->shutdown_requested = false;
    }
    auto waiters = std::move(st->drained);
    st->drained.clear();
    for (auto& w : waiters) w();
  }

  static void flush(const std::shared_ptr<State>& st) {
    if (st->flushing || st->pending.empty() || st->sock == nullptr) return;
    st->flushing = true;
    st->inflight.clear();
    st->inflight.swap(st->pending);
    asio::async_write(*st->sock, asio::buffer(st->inflight), [st](error_code ec, std::size_t) {
      st->flushing = false;
      if (st->sock == nullptr) return;
      if (ec) {
        st->failed = ec;
        st->pending.clear();
      }
      if (st->parked) {
        if (st->failed) {
          auto h = std::exchange(st->parked, nullptr);
          h(st->failed, 0);
        } else if (st->pending.size() < st->limit) {
          const std::size_t n = append(*st, st->parked_buffers);
          auto h = std::exchange(st->parked, nullptr);
          h({}, n);
        }
      }
      if (!st->pending.empty() && !st->failed &&
          (!st->deferred || st->pending.size() >= st->threshold || st->shutdown_requested || !st->drained.empty())) {
        flush(st);
      } else {
        finish_drain(st);
      }
    });
  }

  tcp::socket sock_;
  std::shared_ptr<State> st_;
};

// websocket::stream's teardown (after a close handshake): flush, then the socket's own teardown.
[[maybe_unused]] void teardown(beast::role_type role, CoalescingSocket& s, error_code& ec) {
  websocket::teardown(role, s.next_layer(), ec);
}

template <class Handler>
void async_teardown(beast::role_type role, CoalescingSocket& s, Handler&& handler) {
  s.when_flushed([role, &s, h = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler))]() mutable {
    websocket::async_teardown(role, s.next_layer(), std::move(*h));
  });
}

// The part of a session other threads may poke (MockServer::drop_ws_connections, expire_tokens).
struct WsSessionBase {
  virtual ~WsSessionBase() = default;
  virtual void drop(std::string reason) = 0;  // thread-safe
  virtual void recheck_token() = 0;           // thread-safe
};

}  // namespace

std::string_view to_string(WsServerEvent::Kind k) noexcept {
  switch (k) {
    case WsServerEvent::Kind::upgraded: return "upgraded";
    case WsServerEvent::Kind::rejected: return "rejected";
    case WsServerEvent::Kind::subscribed: return "subscribed";
    case WsServerEvent::Kind::unsubscribed: return "unsubscribed";
    case WsServerEvent::Kind::request_rejected: return "request_rejected";
    case WsServerEvent::Kind::token_expired: return "token_expired";
    case WsServerEvent::Kind::slow_reader_drop: return "slow_reader_drop";
    case WsServerEvent::Kind::closed: return "closed";
  }
  return "unknown";
}

struct MockServer::Impl {
  explicit Impl(MockServerConfig c)
      : config(std::move(c)),
        market(config.market ? config.market : std::make_shared<GeneratedMarket>()),
        live(std::dynamic_pointer_cast<LiveMarket>(market)),
        rest(config.rest, market),
        ws_faults(config.ws_faults),
        ws_refuse_left(config.ws_faults.refuse_upgrade_count),
        ws_rng(config.rest.seed ^ 0x77730000ULL) {}

  MockServerConfig config;
  std::shared_ptr<Market> market;
  std::shared_ptr<LiveMarket> live;  // non-null when the market streams level2 frames
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
  std::atomic<std::uint64_t> accepted{0}, accept_failures{0}, tls_failures{0}, requests{0}, bad_requests{0};

  // WebSocket side.
  mutable std::mutex ws_mu;  // guards the members up to ws_sessions
  WsFaults ws_faults;
  int ws_refuse_left;
  Rng ws_rng;
  std::uint64_t ws_next_connection = 0;
  std::vector<WsConnectionRecord> ws_records;
  std::unordered_map<std::uint64_t, std::weak_ptr<WsSessionBase>> ws_sessions;
  std::atomic<std::uint64_t> ws_upgrades{0}, ws_rejected{0}, ws_open{0}, ws_frames_sent{0}, ws_frames_dropped{0},
      ws_pings{0};

  void emit(WsServerEvent ev) const {
    if (config.ws_observer) config.ws_observer(ev);
  }

  bool no_pong_now() const {
    std::lock_guard lock(ws_mu);
    return ws_faults.no_pong;
  }

  std::vector<std::string> market_symbols() const {
    std::vector<std::string> out;
    for (const SymbolInfo& s : market->symbols()) out.push_back(s.symbol);
    return out;
  }

  // Checks an upgrade request: path, refusal fault, token (kucoin-protocol.md §4.3-4.5).
  Admission ws_admit(std::string_view target) {
    Admission a;
    std::string sent_connect_id;
    {
      std::lock_guard lock(ws_mu);
      a.connection = ++ws_next_connection;
      a.faults = ws_faults;
      auto refuse = [&a](int status, std::string_view code, std::string_view msg) {
        a.status = status;
        a.body.clear();
        encode_error_body(code, msg, a.body);
      };
      auto parsed = parse_connect_target(target);
      if (!parsed) {
        refuse(400, "400100", "bad connect URL: " + parsed.error().message);
      } else {
        if (parsed->connect_id) sent_connect_id = *parsed->connect_id;
        if (parsed->token) {
          a.token = *parsed->token;
          a.fingerprint = token_fingerprint(a.token);
        }
        if (parsed->path != config.ws.path && parsed->path != "/") {
          refuse(404, "404000", "Not Found");
        } else if (a.faults.refuse_upgrade_status != 0 && ws_refuse_left != 0) {
          if (ws_refuse_left > 0) --ws_refuse_left;
          refuse(a.faults.refuse_upgrade_status, std::to_string(a.faults.refuse_upgrade_status) + "000",
                 "upgrade refused (mock fault)");
        } else if (a.token.empty()) {
          refuse(401, "401000", "token is missing");
        } else if (auto info = rest.token_info(a.token); !info) {
          refuse(401, "401000", "token is invalid");
        } else {
          a.private_token = info->private_token;
          a.expires_ms = info->expires_ms;
        }
      }
      if (!sent_connect_id.empty()) {
        a.connect_id = sent_connect_id;
      } else {
        static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < 10; ++i) a.connect_id += kAlphabet[ws_rng.below(62)];
      }
      WsConnectionRecord rec;
      rec.connection = a.connection;
      rec.connect_id = sent_connect_id;
      rec.token = a.fingerprint;
      rec.private_token = a.private_token;
      rec.status = a.status;
      if (a.status != 101) rec.close_reason = "refused";
      ws_records.push_back(std::move(rec));
    }
    if (a.status != 101) {
      ++ws_rejected;
      emit({WsServerEvent::Kind::rejected, a.connection, sent_connect_id, a.fingerprint, false, a.status, 0,
            "HTTP " + std::to_string(a.status)});
    }
    return a;
  }

  void ws_started(std::uint64_t connection, std::shared_ptr<WsSessionBase> session) {
    std::lock_guard lock(ws_mu);
    ws_sessions[connection] = session;
    ++ws_upgrades;
    ++ws_open;
  }

  void ws_ended(std::uint64_t connection, const std::string& reason, std::uint64_t sent, std::uint64_t dropped,
                bool was_open) {
    std::lock_guard lock(ws_mu);
    ws_sessions.erase(connection);
    if (was_open) --ws_open;
    for (auto it = ws_records.rbegin(); it != ws_records.rend(); ++it) {
      if (it->connection != connection) continue;
      if (it->close_reason.empty()) it->close_reason = reason;
      it->frames_sent = sent;
      it->frames_dropped = dropped;
      break;
    }
  }

  // The mock decided to close a session: the record says why at once (the session ends later).
  void ws_closing(std::uint64_t connection, const std::string& reason) {
    std::lock_guard lock(ws_mu);
    for (auto it = ws_records.rbegin(); it != ws_records.rend(); ++it) {
      if (it->connection != connection) continue;
      if (it->close_reason.empty()) it->close_reason = reason;
      break;
    }
  }

  std::vector<std::shared_ptr<WsSessionBase>> ws_live_sessions() const {
    std::lock_guard lock(ws_mu);
    std::vector<std::shared_ptr<WsSessionBase>> out;
    for (const auto& [id, weak] : ws_sessions) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }

  template <class Next>
  asio::awaitable<void> run_ws(Next next, Upgrade up);

  template <class Stream>
  static beast::tcp_stream& lowest(Stream& s) {
    return beast::get_lowest_layer(s);
  }

  static void write_headers(http::response<http::string_body>& res, const RestAnswer& a) {
    res.set(http::field::server, "kucoin-harness-mock/0.1");
    res.set(http::field::content_type, a.content_type);
    for (const Header& h : a.headers) res.set(h.name, h.value);
  }

  // Writes `a` as the connection's last response (Connection: close).
  template <class Stream>
  static asio::awaitable<void> write_final(Stream& stream, RestAnswer a, unsigned version) {
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
  static asio::awaitable<error_code> read_request(Stream& stream, beast::flat_buffer& buffer,
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

  // Serves HTTP requests until the connection ends, or returns an accepted WebSocket upgrade.
  template <class Stream>
  asio::awaitable<std::optional<Upgrade>> serve(Stream& stream, std::string remote) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(16 * 1024);
      parser.body_limit(1u << 20);
      lowest(stream).expires_after(std::chrono::milliseconds(config.idle_timeout_ms));
      const error_code ec = co_await read_request(stream, buffer, parser);
      if (ec) {
        if (ec.category() == http::make_error_code(http::error::bad_target).category() && ec != http::error::end_of_stream &&
            ec != http::error::partial_message) {
          // Unparsable HTTP: answer in KuCoin's shape, then close.
          ++bad_requests;
          RestAnswer a;
          a.status = 400;
          encode_error_body("400100", "Bad Request: " + ec.message(), a.body);
          co_await write_final(stream, std::move(a), 11);
        }
        co_return std::nullopt;
      }
      ++requests;
      auto& req = parser.get();
      if (websocket::is_upgrade(req)) {
        Admission adm = ws_admit(req.target());
        if (adm.status == 101) co_return Upgrade{parser.release(), std::move(adm)};
        RestAnswer a;
        a.status = adm.status;
        a.body = std::move(adm.body);
        co_await write_final(stream, std::move(a), req.version());
        co_return std::nullopt;
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

  asio::awaitable<void> session(tcp::socket socket);

  asio::awaitable<void> accept_loop() {
    asio::steady_timer retry(co_await asio::this_coro::executor);
    std::uint32_t failures_in_a_row = 0;
    for (;;) {
      // One thread: the io_context's executor is already serial; a strand per connection would only
      // add locking and reference counting to every operation of the streaming path.
      auto [ec, socket] = co_await acceptor->async_accept(
          config.threads <= 1 ? asio::any_io_executor(io->get_executor()) : asio::any_io_executor(asio::make_strand(*io)),
          kTuple);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        // Keep serving the others, but never spin: out of descriptors, the pending connection stays
        // in the backlog and accept fails again at once until some descriptor is closed.
        ++accept_failures;
        const bool os_error = ec.category() == boost::system::system_category();
        const auto delay = accept_retry_delay(os_error ? ec.value() : -1, ++failures_in_a_row);
        if (delay.count() > 0) {
          retry.expires_after(delay);
          auto [tec] = co_await retry.async_wait(kTuple);
          if (tec || !acceptor->is_open()) co_return;
        }
        continue;
      }
      failures_in_a_row = 0;
      ++accepted;
      // Small frames go out at once (no Nagle delay): latency measurements and pongs depend on it.
      error_code nodelay_ec;
      socket.set_option(tcp::no_delay(true), nodelay_ec);
      asio::co_spawn(socket.get_executor(), session(std::move(socket)), asio::detached);
    }
  }
};

using PlainWs = websocket::stream<CoalescingSocket>;

template <class WS>
tcp::socket& raw_socket(WS& ws) {
  if constexpr (std::is_same_v<WS, PlainWs>) {
    return ws.next_layer().next_layer();
  } else {
    return beast::get_lowest_layer(ws).socket();
  }
}

// Data frames written back to back are batched: plain streams buffer them (CoalescingSocket);
// TLS streams let the kernel merge their records (Nagle on while streaming, TCP_NODELAY again,
// which pushes what is pending, when the writer runs out of frames). `deferred` tracks the state.
template <class WS>
void defer_writes(WS& ws, bool on, bool& deferred) {
  if (on == deferred) return;
  deferred = on;
  if constexpr (std::is_same_v<WS, PlainWs>) {
    ws.next_layer().set_deferred(on);
    if (!on) ws.next_layer().flush_now();
  } else {
    error_code ignored;
    beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(!on), ignored);
  }
}

// Shuts the sending side down (after what the plain stream's buffer still holds).
template <class WS>
void shutdown_send(WS& ws) {
  if constexpr (std::is_same_v<WS, PlainWs>) {
    ws.next_layer().shutdown_send_when_flushed();
  } else {
    error_code ignored;
    beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_send, ignored);
  }
}

// One WebSocket session (plain or TLS). Everything runs on the connection's strand: the read
// loop (client frames), the writer (one write in flight: control frames first, then level2 frames
// pulled from the LiveMarket subscriptions round-robin) and the watchdog (idle timeout, token
// expiry, close_after_ms, the grace period after the mock closed its side).
template <class WS>
struct WsSession final : WsSessionBase, std::enable_shared_from_this<WsSession<WS>> {
  struct Feed {
    DataTopic topic;
    std::unique_ptr<LiveMarket::Subscription> sub;
    Clock::time_point start;
    Clock::time_point stalled_until{};
    bool stalled = false;
    bool ended = false;
    bool removed = false;  // unsubscribed; destroyed by the writer when no write uses its frame
    std::uint64_t sent = 0;  // frames written or dropped
    // level2Depth5/50: the truth's top `depth` levels every 100 ms when they changed (no `sub`).
    int depth = 0;
    Clock::time_point next_depth{};
    std::int64_t depth_sequence = -1;  // the truth's sequence in the last depth frame
    std::string depth_frame;
  };

  template <class Next>
  WsSession(MockServer::Impl& srv, Next&& next, Admission adm, std::vector<std::string> symbols)
      : server(srv),
        ws(std::forward<Next>(next)),
        admission(std::move(adm)),
        logic(srv.config.ws.limits, admission.private_token, std::move(symbols)),
        wake(ws.get_executor()),
        watchdog(ws.get_executor()) {}

  MockServer::Impl& server;
  WS ws;
  Admission admission;
  WsSessionLogic logic;
  asio::steady_timer wake;      // the writer waits on it
  asio::steady_timer watchdog;  // the watchdog waits on it
  beast::flat_buffer in;
  std::deque<std::string> control;  // welcome, pong, ack, error frames: sent before data
  std::vector<Feed> feeds;
  std::size_t rr = 0;
  Clock::time_point opened = Clock::now();
  Clock::time_point last_activity = opened;
  Clock::time_point close_deadline = Clock::time_point::max();
  bool closing = false;             // the mock closed its side (or the connection is gone)
  bool finished = false;            // the read loop ended
  bool close_after_control = false;  // close once the control queue is written (token expiry)
  Clock::time_point close_after_control_since{};
  std::string close_reason;
  std::string pending_close_reason;
  bool deferred = false;  // data frames are being batched (defer_writes)
  std::string slow_copy;  // with the slow-reader policy, the frame being written (the watchdog may pull meanwhile)
  std::uint64_t frames_total = 0;  // every frame written (close_after_frames)
  std::uint64_t data_sent = 0, data_dropped = 0;

  WsServerEvent event(WsServerEvent::Kind k, std::string detail = {}, int status = 0, std::uint64_t count = 0) const {
    return WsServerEvent{k, admission.connection, admission.connect_id, admission.fingerprint, admission.private_token,
                         status, count, std::move(detail)};
  }

  void drop(std::string reason) override {
    asio::post(ws.get_executor(), [self = this->shared_from_this(), reason = std::move(reason)]() mutable {
      self->close(std::move(reason));
    });
  }

  void recheck_token() override {
    asio::post(ws.get_executor(), [self = this->shared_from_this()] {
      if (auto info = self->server.rest.token_info(self->admission.token)) self->admission.expires_ms = info->expires_ms;
      self->watchdog.cancel();
    });
  }

  // The mock closes its side: TCP FIN without a close frame (what KuCoin does, §5.7). The read
  // loop goes on until the client closes too or the grace period ends.
  void close(std::string reason) {
    if (closing) return;
    closing = true;
    close_reason = std::move(reason);
    server.ws_closing(admission.connection, close_reason);
    close_deadline = Clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(0, server.config.ws.close_grace_ms));
    shutdown_send(ws);
    wake.cancel();
    watchdog.cancel();
  }

  // The token expired: {"type":"error","code":401,"data":"token is expired"}, then close.
  void expire_now() {
    if (closing || close_after_control) return;
    control.push_back(token_expired_frame());
    close_after_control = true;
    close_after_control_since = Clock::now();
    pending_close_reason = "token expired";
    server.emit(event(WsServerEvent::Kind::token_expired));
    wake.cancel();
    watchdog.cancel();  // it bounds how long the frame may take to leave
  }

  // Counts a written frame; true when close_after_frames closed the connection.
  bool count_frame() {
    ++frames_total;
    if (admission.faults.close_after_frames > 0 &&
        frames_total >= static_cast<std::uint64_t>(admission.faults.close_after_frames)) {
      close("close_after_frames");
      return true;
    }
    return false;
  }

  asio::awaitable<void> run(http::request<http::string_body> req) {
    auto self = this->shared_from_this();
    websocket::stream_base::timeout opt{};
    opt.handshake_timeout = std::chrono::seconds(10);  // accept and close handshakes
    opt.idle_timeout = websocket::stream_base::none();  // our own watchdog counts every frame as activity
    opt.keep_alive_pings = false;
    ws.set_option(opt);
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "kucoin-harness-mock/0.1"); }));
    ws.read_message_max(64 * 1024);
    ws.auto_fragment(false);
    ws.text(true);
    ws.control_callback([this](websocket::frame_type, beast::string_view) { last_activity = Clock::now(); });
    auto [aec] = co_await ws.async_accept(req, kTuple);
    if (aec) {
      server.ws_ended(admission.connection, "upgrade failed: " + aec.message(), 0, 0, false);
      co_return;
    }
    opened = last_activity = Clock::now();
    if (slow_reader_policy()) {
      // A bounded kernel buffer, so that a reader that stops reading is noticed within milliseconds.
      error_code ignored;
      raw_socket(ws).set_option(asio::socket_base::send_buffer_size(64 * 1024), ignored);
    }
    server.ws_started(admission.connection, self);
    server.emit(event(WsServerEvent::Kind::upgraded, admission.faults.no_welcome ? "no welcome (fault)" : ""));
    if (admission.expires_ms <= wall_now_ms()) {
      expire_now();  // reconnecting with an expired token (§4.5)
    } else if (!admission.faults.no_welcome) {
      control.push_back(welcome_frame(admission.connect_id));
    }
    asio::co_spawn(ws.get_executor(), writer(self), asio::detached);
    asio::co_spawn(ws.get_executor(), watch(self), asio::detached);
    co_await read_loop();
    finished = true;
    if (!closing) close(close_reason);
    error_code ignored;
    raw_socket(ws).close(ignored);
    wake.cancel();
    watchdog.cancel();
    server.ws_ended(admission.connection, close_reason, data_sent, data_dropped, true);
    server.emit(event(WsServerEvent::Kind::closed, close_reason, 0, data_sent));
  }

  asio::awaitable<void> read_loop() {
    for (;;) {
      in.clear();
      auto [ec, n] = co_await ws.async_read(in, kTuple);
      (void)n;
      if (ec) {
        if (!closing) {
          close_reason = ec == websocket::error::closed ? "client closed" : "connection lost: " + ec.message();
        }
        co_return;
      }
      last_activity = Clock::now();
      if (closing) continue;  // the mock already closed its side: read and forget
      on_frame(std::string_view(static_cast<const char*>(in.data().data()), in.size()));
    }
  }

  void on_frame(std::string_view text) {
    WsFrameOutcome out = logic.on_text(text);
    switch (out.kind) {
      case WsFrameOutcome::Kind::ping:
        ++server.ws_pings;
        if (server.no_pong_now()) return;
        break;
      case WsFrameOutcome::Kind::subscribe:
        for (const DataTopic& t : out.added) {
          if (t.channel == channels::kLevel2 && server.live) {
            if (auto sub = server.live->subscribe(t.symbol)) {
              Feed f;
              f.topic = t;
              f.sub = std::move(sub);
              f.start = Clock::now();
              feeds.push_back(std::move(f));
            }
          } else if ((t.channel == channels::kLevel2Depth5 || t.channel == channels::kLevel2Depth50) && server.live &&
                     server.live->has_symbol(t.symbol)) {
            Feed f;
            f.topic = t;
            f.depth = t.channel == channels::kLevel2Depth5 ? 5 : 50;
            f.start = Clock::now();
            f.next_depth = f.start;
            feeds.push_back(std::move(f));
          }
          server.emit(event(WsServerEvent::Kind::subscribed, t.text));
        }
        break;
      case WsFrameOutcome::Kind::unsubscribe:
        for (const DataTopic& t : out.removed) {
          for (Feed& f : feeds) {
            if (f.topic.text == t.text) f.removed = true;
          }
          server.emit(event(WsServerEvent::Kind::unsubscribed, t.text));
        }
        break;
      case WsFrameOutcome::Kind::invalid:
        break;
    }
    if (out.rejected) {
      std::string detail = out.reply;
      server.emit(event(WsServerEvent::Kind::request_rejected, std::move(detail), out.error_code));
    }
    if (!out.reply.empty()) {
      control.push_back(std::move(out.reply));
      wake.cancel();
    }
  }

  // Drops `n` frames of a slow reader's stream. False when the stream stopped giving frames.
  void drop_backlog(Feed& f, std::uint64_t n, Clock::time_point now, Clock::time_point& wake_at) {
    std::uint64_t dropped = 0;
    for (; dropped < n; ++dropped) {
      FeedEvent ev = f.sub->next();
      if (ev.kind == FeedEvent::Kind::frame) {
        ++f.sent;
        continue;
      }
      handle_event(f, ev, now, wake_at);
      break;
    }
    if (dropped == 0) return;
    data_dropped += dropped;
    server.ws_frames_dropped += dropped;
    server.emit(event(WsServerEvent::Kind::slow_reader_drop, f.topic.text, 0, dropped));
  }

  // A non-frame FeedEvent: stall, disconnect, token expiry, end (LiveMarket's stream faults).
  void handle_event(Feed& f, const FeedEvent& ev, Clock::time_point now, Clock::time_point& wake_at) {
    switch (ev.kind) {
      case FeedEvent::Kind::frame:
        break;
      case FeedEvent::Kind::stall: {
        const auto d = std::chrono::milliseconds(std::max<std::int64_t>(0, ev.stall_ms));
        f.stalled = true;
        f.stalled_until = (now == Clock::time_point{} ? Clock::now() : now) + d;
        f.start += d;  // a silent market: no backlog builds up during the stall
        wake_at = std::min(wake_at, f.stalled_until);
        break;
      }
      case FeedEvent::Kind::disconnect:
        close("market fault: disconnect");
        break;
      case FeedEvent::Kind::token_expiry:
        expire_now();
        break;
      case FeedEvent::Kind::end:
        f.ended = true;
        break;
    }
  }

  // The next level2 frame to write (round-robin over the streams), or nothing; `wake_at` says
  // when a stream that has nothing now will have something (stall end, pace).
  bool next_frame(std::string_view& frame, Clock::time_point& wake_at) {
    const std::size_t n = feeds.size();
    if (n == 0) return false;
    const double pace = server.config.ws.pace_per_symbol;
    const std::size_t backlog_limit = admission.faults.slow_reader_backlog;
    // The clock is read only when something depends on it (pace, a stall): not per frame otherwise.
    const bool timed = pace > 0 || std::any_of(feeds.begin(), feeds.end(), [](const Feed& f) {
                         return f.stalled || f.depth != 0;
                       });
    Clock::time_point now = timed ? Clock::now() : Clock::time_point{};
    for (std::size_t k = 0; k < n && !closing && !close_after_control; ++k) {
      const std::size_t i = (rr + k) % n;
      Feed& f = feeds[i];
      if (f.ended || f.removed) continue;
      if (f.depth != 0) {  // a whole top of book every 100 ms, when it changed (as KuCoin pushes them)
        if (now < f.next_depth) {
          wake_at = std::min(wake_at, f.next_depth);
          continue;
        }
        f.next_depth = now + std::chrono::milliseconds(100);
        wake_at = std::min(wake_at, f.next_depth);
        // Nobody here streams the symbol's level2: the market moves on by itself (pace, or 100/s).
        const bool streamed = std::any_of(feeds.begin(), feeds.end(), [&](const Feed& o) {
          return o.sub != nullptr && !o.removed && o.topic.symbol == f.topic.symbol;
        });
        if (!streamed) server.live->advance(f.topic.symbol, pace > 0 ? std::max<std::uint64_t>(1, static_cast<std::uint64_t>(pace / 10)) : 10);
        const std::int64_t seq = server.live->last_sequence(f.topic.symbol).value_or(-1);
        if (seq == f.depth_sequence) continue;
        f.depth_sequence = seq;
        f.depth_frame.clear();
        const auto wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
        if (!server.live->depth_frame(f.topic.symbol, f.depth, wall_ms, f.depth_frame)) continue;
        ++f.sent;
        rr = (i + 1) % n;
        frame = f.depth_frame;
        return true;
      }
      if (f.stalled) {
        if (now < f.stalled_until) {
          wake_at = std::min(wake_at, f.stalled_until);
          continue;
        }
        f.stalled = false;
      }
      if (pace > 0) {
        const double elapsed = std::chrono::duration<double>(now - f.start).count();
        const auto due = static_cast<std::uint64_t>(std::max(0.0, elapsed * pace)) + 1;
        if (f.sent >= due) {
          wake_at = std::min(wake_at, f.start + std::chrono::duration_cast<Clock::duration>(
                                                    std::chrono::duration<double>(static_cast<double>(f.sent) / pace)));
          continue;
        }
        if (backlog_limit > 0 && due - f.sent > backlog_limit) {
          drop_backlog(f, due - f.sent - backlog_limit, now, wake_at);
          if (f.ended || f.stalled || closing || close_after_control) continue;
        }
      }
      FeedEvent ev = f.sub->next();
      if (ev.kind == FeedEvent::Kind::frame) {
        ++f.sent;
        rr = (i + 1) % n;
        if (slow_reader_policy()) {
          // The watchdog drops frames of this stream while the write is in flight: own the bytes.
          slow_copy.assign(ev.frame);
          frame = slow_copy;
        } else {
          frame = ev.frame;  // zero copy: nothing calls next() on this stream before the write completes
        }
        return true;
      }
      handle_event(f, ev, now, wake_at);
    }
    return false;
  }

  bool slow_reader_policy() const {
    return server.config.ws.pace_per_symbol > 0 && admission.faults.slow_reader_backlog > 0;
  }

  // Slow-reader policy, run by the watchdog while a write may be stuck on a full socket: frames
  // due beyond the backlog bound are dropped now, as KuCoin drops them for slow consumers.
  void enforce_backlog(Clock::time_point now) {
    const double pace = server.config.ws.pace_per_symbol;
    const std::size_t limit = admission.faults.slow_reader_backlog;
    Clock::time_point ignored = Clock::time_point::max();
    for (Feed& f : feeds) {
      if (f.ended || f.removed || closing || close_after_control) continue;
      if (f.stalled && now < f.stalled_until) continue;
      const double elapsed = std::chrono::duration<double>(now - f.start).count();
      const auto due = static_cast<std::uint64_t>(std::max(0.0, elapsed * pace)) + 1;
      if (due > f.sent && due - f.sent > limit) drop_backlog(f, due - f.sent - limit, now, ignored);
    }
  }

  asio::awaitable<void> writer(std::shared_ptr<WsSession> self) {
    (void)self;
    while (!closing) {
      if (!control.empty()) {
        defer_writes(ws, false, deferred);  // welcome, pong, ack, error: at once
        auto [ec, n] = co_await ws.async_write(asio::buffer(control.front()), kTuple);
        (void)n;
        if (ec) {
          close("write failed: " + ec.message());
          break;
        }
        control.pop_front();
        if (count_frame()) break;
        if (close_after_control && control.empty()) {
          close(pending_close_reason);
          break;
        }
        continue;
      }
      if (close_after_control) {
        close(pending_close_reason);
        break;
      }
      // Streams unsubscribed while a write used their frame are destroyed only now.
      std::erase_if(feeds, [](const Feed& f) { return f.removed; });
      Clock::time_point wake_at = Clock::time_point::max();
      std::string_view frame;
      if (next_frame(frame, wake_at)) {
        defer_writes(ws, true, deferred);
        auto [ec, n] = co_await ws.async_write(asio::buffer(frame.data(), frame.size()), kTuple);
        (void)n;
        if (ec) {
          close("write failed: " + ec.message());
          break;
        }
        ++data_sent;
        server.ws_frames_sent.fetch_add(1, std::memory_order_relaxed);
        if (count_frame()) break;
        continue;
      }
      if (closing || !control.empty() || close_after_control) continue;
      defer_writes(ws, false, deferred);  // nothing more now: what is buffered leaves
      wake.expires_at(wake_at);
      co_await wake.async_wait(kTuple);
    }
  }

  asio::awaitable<void> watch(std::shared_ptr<WsSession> self) {
    (void)self;
    const auto idle = std::chrono::milliseconds(server.config.ws.idle_timeout_ms);
    const auto close_after = std::chrono::milliseconds(admission.faults.close_after_ms);
    while (!finished) {
      const auto now = Clock::now();
      Clock::time_point wake_at = Clock::time_point::max();
      if (closing) {
        if (now >= close_deadline) {
          error_code ignored;
          raw_socket(ws).close(ignored);  // the read loop ends
          break;
        }
        wake_at = close_deadline;
      } else {
        if (idle.count() > 0 && now - last_activity >= idle) {
          close("idle timeout");
          continue;
        }
        // The 401 frame cannot be written (a client that reads nothing): close anyway.
        constexpr auto kControlFlushLimit = std::chrono::seconds(2);
        if (close_after_control && now - close_after_control_since >= kControlFlushLimit) {
          close(pending_close_reason + " (the error frame could not be written)");
          continue;
        }
        if (close_after_control) wake_at = std::min(wake_at, close_after_control_since + kControlFlushLimit);
        if (close_after.count() > 0 && now - opened >= close_after) {
          close("close_after_ms");
          continue;
        }
        if (slow_reader_policy()) {
          enforce_backlog(now);
          wake_at = std::min(wake_at, now + std::chrono::milliseconds(5));
        }
        if (idle.count() > 0) wake_at = std::min(wake_at, last_activity + idle);
        if (close_after.count() > 0) wake_at = std::min(wake_at, opened + close_after);
        if (!close_after_control && admission.expires_ms != INT64_MAX) {
          const std::int64_t left = admission.expires_ms - wall_now_ms();
          if (left <= 0) {
            expire_now();
            wake_at = std::min(wake_at, now + kControlFlushLimit);
          } else {
            wake_at = std::min(wake_at, now + std::chrono::milliseconds(left));
          }
        }
      }
      watchdog.expires_at(wake_at);
      co_await watchdog.async_wait(kTuple);
    }
  }
};

template <class Next>
asio::awaitable<void> MockServer::Impl::run_ws(Next next, Upgrade up) {
  beast::get_lowest_layer(next).expires_never();  // the session's own watchdog takes over
  if constexpr (std::is_same_v<Next, beast::tcp_stream>) {
    // Plain: the raw socket under the websocket layer (tcp_stream's per-operation timer
    // bookkeeping is not needed any more and costs on the streaming path).
    auto session = std::make_shared<WsSession<PlainWs>>(*this, CoalescingSocket(next.release_socket()),
                                                        std::move(up.admission), market_symbols());
    co_await session->run(std::move(up.request));
  } else {
    auto session = std::make_shared<WsSession<websocket::stream<Next>>>(*this, std::move(next), std::move(up.admission),
                                                                         market_symbols());
    co_await session->run(std::move(up.request));
  }
}

asio::awaitable<void> MockServer::Impl::session(tcp::socket socket) {
  error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  const std::string remote = ec ? std::string("unknown") : ep.address().to_string();
  beast::tcp_stream stream(std::move(socket));
  if (!tls) {
    auto up = co_await serve(stream, remote);
    if (up) {
      co_await run_ws(std::move(stream), std::move(*up));
      co_return;
    }
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
  auto up = co_await serve(tls_stream, remote);
  if (up) {
    co_await run_ws(std::move(tls_stream), std::move(*up));
    co_return;
  }
  beast::get_lowest_layer(tls_stream).expires_after(std::chrono::seconds(2));
  co_await tls_stream.async_shutdown(kTuple);
}

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

void MockServer::set_ws_faults(WsFaults faults) {
  std::lock_guard lock(impl_->ws_mu);
  impl_->ws_refuse_left = faults.refuse_upgrade_count;
  impl_->ws_faults = std::move(faults);
}

WsFaults MockServer::ws_faults() const {
  std::lock_guard lock(impl_->ws_mu);
  return impl_->ws_faults;
}

void MockServer::drop_ws_connections() {
  for (auto& s : impl_->ws_live_sessions()) s->drop("dropped by the server");
}

void MockServer::expire_tokens() {
  impl_->rest.expire_tokens(wall_now_ms());
  for (auto& s : impl_->ws_live_sessions()) s->recheck_token();
}

std::vector<WsConnectionRecord> MockServer::ws_connections() const {
  std::lock_guard lock(impl_->ws_mu);
  return impl_->ws_records;
}

MockServer::Stats MockServer::stats() const noexcept {
  const Impl& s = *impl_;
  Stats out;
  out.connections_accepted = s.accepted.load();
  out.accept_failures = s.accept_failures.load();
  out.tls_handshake_failures = s.tls_failures.load();
  out.http_requests = s.requests.load();
  out.bad_requests = s.bad_requests.load();
  out.ws_upgrades = s.ws_upgrades.load();
  out.ws_rejected = s.ws_rejected.load();
  out.ws_open = s.ws_open.load();
  out.ws_frames_sent = s.ws_frames_sent.load();
  out.ws_frames_dropped = s.ws_frames_dropped.load();
  out.ws_pings = s.ws_pings.load();
  return out;
}

}  // namespace kucoin::mock
