// A WebSocket client connection (RFC 6455) over TCP or TLS: resolve and connect, the TLS
// handshake, the HTTP upgrade; then a read loop that takes everything the socket holds per
// wake-up (one large read, and more while the kernel or TLS still holds bytes) and hands all the
// complete messages over in one batch, zero copy; and one writer (one write in flight; frames
// queued meanwhile leave together in the next write). Pings from the server are answered, a
// close frame is answered and the connection is then read until the server closes it.
//
// It knows nothing of KuCoin: the owner (client/src/net/ws_client.cpp) decides what messages
// mean, what to send and when to close. Every member runs on the owner's executor (a strand, or
// the only thread of the io_context); the owner keeps the transport alive while its coroutines
// run (read(), write_loop()). Private to kucoin_net.
#pragma once

#include "asio.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "kucoin/core/rng.hpp"
#include "kucoin/core/url.hpp"
#include "kucoin/protocol/rfc6455.hpp"
#include "tls.hpp"

namespace kucoin::net::detail {

using PlainSocket = tcp::socket;
using TlsSocket = ssl::stream<tcp::socket>;

struct WsTransportOptions {
  std::chrono::milliseconds connect_timeout{10'000};  // each of resolve, TCP connect, TLS handshake, upgrade
  std::chrono::milliseconds close_timeout{2'000};     // the close handshake, then the socket is cut
  std::string user_agent;
  std::size_t max_message_bytes = 16u << 20;
  std::size_t padding = 0;  // readable bytes guaranteed after each message handed over
  // The least time from one read to the next: bytes that arrive sooner wait in the kernel and
  // are read together. 0: read as soon as bytes arrive (one wake-up per arrival).
  std::chrono::microseconds min_read_interval{0};
  std::size_t receive_buffer_bytes = 0;  // > 0: SO_RCVBUF (the kernel's own sizing otherwise)
  TlsOptions tls;                        // verification and the trust note of handshake errors (wss only)
  std::uint64_t seed = 0;                // for the handshake key and the frame masks
};

// Why connecting failed (the connection is unusable).
struct WsConnectError {
  enum class Stage : std::uint8_t { resolve, connect, tls_handshake, upgrade, upgrade_declined } stage = Stage::connect;
  std::string message;  // what failed, where, and why ("connect to 127.0.0.1:1: Connection refused")
  int http_status = 0;  // upgrade_declined: the status the server answered instead of 101
  std::string body;     // upgrade_declined: the start of its body
};

// How reading ended.
struct WsReadEnd {
  enum class Kind : std::uint8_t {
    close_frame,  // the server sent a close frame (answered; read until it closed the socket)
    eof,          // the server closed the connection without a close frame (what KuCoin does)
    error,        // a socket or TLS error, a protocol violation, or close() cut the socket
  } kind = Kind::error;
  std::uint16_t close_code = 0;
  std::string close_reason;
  error_code ec;
  std::string message;  // kind error: what went wrong
};

// The messages one wake-up of the read loop found, in order. Each `text` is followed by at least
// `padding` readable bytes; all views are valid during the callback only.
using WsBatch = std::span<const std::string_view>;

template <class Socket>
class WsTransport {
 public:
  static constexpr bool kTls = !std::is_same_v<Socket, PlainSocket>;

  template <class... SocketArgs>
  WsTransport(const asio::any_io_executor& ex, WsTransportOptions options, SocketArgs&&... socket_args)
      : options_(std::move(options)),
        socket_(ex, std::forward<SocketArgs>(socket_args)...),
        resolver_(ex),
        deadline_(ex),
        signal_(ex),
        pace_(ex),
        reader_(options_.max_message_bytes, options_.padding),
        rng_(options_.seed) {}

  // Resolve, connect, TLS, upgrade; each step within connect_timeout. nullopt: upgraded.
  asio::awaitable<std::optional<WsConnectError>> connect(const Url& url) {
    using Stage = WsConnectError::Stage;
    const auto to = options_.connect_timeout;
    const std::string where = url.endpoint();

    arm();
    auto [rec, results] = co_await resolver_.async_resolve(url.host, url.port, kTuple);
    if (auto e = failed(rec, Stage::resolve, "resolve " + url.host)) co_return e;

    arm();
    error_code cec = asio::error::host_not_found;
    for (const auto& entry : results) {  // each address in turn, as asio::async_connect would
      error_code ignored;
      lowest().close(ignored);
      lowest().open(entry.endpoint().protocol(), cec);
      if (cec) continue;
      if (options_.receive_buffer_bytes > 0) {
        // Before the handshake: the window scale the peer learns then fits the buffer.
        lowest().set_option(asio::socket_base::receive_buffer_size(static_cast<int>(options_.receive_buffer_bytes)),
                            ignored);
      }
      std::tie(cec) = co_await lowest().async_connect(entry.endpoint(), kTuple);
      if (!cec || timed_out_ || closed_) break;
    }
    if (auto e = failed(cec, Stage::connect, "connect to " + where)) co_return e;
    error_code ignored;
    lowest().set_option(tcp::no_delay(true), ignored);

    if constexpr (kTls) {
      if (auto ec = prepare_tls_stream(socket_, url.host, options_.tls)) {
        co_return WsConnectError{Stage::tls_handshake, "tls handshake with " + where + ": " + ec.message(), 0, {}};
      }
      arm();
      auto [hec] = co_await socket_.async_handshake(ssl::stream_base::client, kTuple);
      if (hec && !timed_out_ && hec.category() == asio::error::get_ssl_category()) {
        co_return WsConnectError{Stage::tls_handshake,
                                 "tls handshake with " + where + ": " + hec.message() + trust_note(options_.tls),
                                 0,
                                 {}};
      }
      if (auto e = failed(hec, Stage::tls_handshake, "tls handshake with " + where)) co_return e;
    }

    // The upgrade (RFC 6455 §4.1), with Beast's HTTP parser for the answer.
    namespace http = boost::beast::http;
    const std::string key = rfc6455::make_key(rng_.next(), rng_.next());
    http::request<http::empty_body> req{http::verb::get, url.target, 11};
    req.set(http::field::host, url.host_header());
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::sec_websocket_key, key);
    req.set(http::field::sec_websocket_version, "13");
    req.set(http::field::user_agent, options_.user_agent);
    arm();
    auto [wec, wn] = co_await http::async_write(socket_, req, kTuple);
    (void)wn;
    if (auto e = failed(wec, Stage::upgrade, "upgrade at " + where)) co_return e;
    boost::beast::flat_buffer answer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024);
    auto [aec, an] = co_await http::async_read(socket_, answer, parser, kTuple);
    (void)an;
    if (auto e = failed(aec, Stage::upgrade, "upgrade at " + where)) co_return e;
    deadline_.cancel();
    const auto& res = parser.get();
    if (res.result_int() != 101) {
      co_return WsConnectError{Stage::upgrade_declined, "HTTP " + std::to_string(res.result_int()) + " instead of 101",
                               static_cast<int>(res.result_int()), res.body().substr(0, 200)};
    }
    if (!iequal(res[http::field::upgrade], "websocket") ||
        res[http::field::sec_websocket_accept] != rfc6455::accept_value(key)) {
      co_return WsConnectError{
          Stage::upgrade, "upgrade at " + where + ": the 101 answer is not a WebSocket handshake", 0, {}};
    }
    // Frames the server sent right behind its answer (the welcome) are read from here on.
    reserve(answer.size() + 256 * 1024);
    std::memcpy(buf_.get(), answer.data().data(), answer.size());
    end_ = answer.size();
    upgraded_ = true;
    co_return std::nullopt;
  }

  // Reads until the connection ends, calling on_batch(WsBatch, Clock::time_point received) with
  // the text and binary messages of every wake-up. on_batch may call send() and close().
  template <class OnBatch>
  asio::awaitable<WsReadEnd> read(OnBatch on_batch) {
    std::vector<std::string_view> batch;
    batch.reserve(256);
    Clock::time_point last_read{};
    for (bool first = true;; first = false) {
      // What the socket holds now, everything of it (up to the buffer's size).
      if (!first || end_ == begin_) {
        if (options_.min_read_interval.count() > 0 && !first && !closed_) {
          // A busy stream is read once per interval, whatever its sender's rhythm: one wake-up
          // for all that arrived meanwhile. A sparse one is not delayed (the interval has passed).
          const auto due = last_read + options_.min_read_interval;
          if (Clock::now() < due) {
            // The socket stays in the reactor: without this every arrival would still wake the
            // thread while it waits. A raised SO_RCVLOWAT keeps the kernel quiet until that many
            // bytes queue up (Linux: epoll and the wake-ups honour it; a non-blocking read still
            // takes whatever is there).
            set_receive_low_watermark(kQuietBytes);
            pace_.expires_at(due);
            co_await pace_.async_wait(kTuple);
            set_receive_low_watermark(1);
          }
        }
        make_room();
        auto [ec, n] = co_await socket_.async_read_some(free_space(), kTuple);
        if (ec) {
          if constexpr (kTls) {
            // After the close handshake, TLS ends with close_notify both ways (as Beast's teardown
            // does), so that the server sees a clean end; the close deadline bounds it.
            if (peer_close_ && !closed_) {
              auto [sec] = co_await socket_.async_shutdown(kTuple);
              (void)sec;
            }
          }
          co_return read_failed(ec);
        }
        end_ += n;
        bytes_read_ += n;
        while (has_more_input() && free_bytes() > 0) {
          auto [mec, m] = co_await socket_.async_read_some(free_space(), kTuple);
          if (mec) {
            if (end_ > begin_) break;  // hand over what was read; the error comes back next time
            co_return read_failed(mec);
          }
          end_ += m;
          bytes_read_ += m;
        }
      }
      const auto received = Clock::now();
      last_read = received;
      batch.clear();
      for (;;) {
        std::size_t used = 0;
        auto r = reader_.next(std::string_view(buf_.get() + begin_, end_ - begin_), used);
        if (!r) {
          WsReadEnd out;
          out.kind = WsReadEnd::Kind::error;
          out.message = "protocol violation: " + r.error().message;
          co_return out;
        }
        const char* at = buf_.get() + begin_;
        begin_ += used;
        if (!*r) break;
        const rfc6455::Message& m = **r;
        switch (m.opcode) {
          case rfc6455::Opcode::text:
          case rfc6455::Opcode::binary:
            batch.push_back(m.payload);
            // A message put together from fragments lives in the reader until its next call.
            if (m.payload.data() < at || m.payload.data() >= buf_.get() + end_) {
              on_batch(WsBatch(batch), received);
              batch.clear();
            }
            break;
          case rfc6455::Opcode::ping: queue(rfc6455::Opcode::pong, m.payload); break;
          case rfc6455::Opcode::close: {
            const auto info = rfc6455::parse_close(m.payload);
            peer_close_ =
                WsReadEnd{WsReadEnd::Kind::close_frame, info.code, std::string(info.reason.substr(0, 123)), {}, {}};
            if (!close_sent_) {
              queue(
                  rfc6455::Opcode::close,
                  rfc6455::close_payload(info.code == rfc6455::kCloseNoStatus ? rfc6455::kCloseNormal : info.code, {}));
              close_sent_ = true;
            }
            arm_close_deadline();  // the server closes the socket now; if not, it is cut
            break;
          }
          default: break;  // pong, continuation (never returned)
        }
      }
      if (!batch.empty()) on_batch(WsBatch(batch), received);
    }
  }

  // Queues a text frame; ignored once a close frame was queued.
  void send(std::string_view text) {
    if (close_sent_ || closed_) return;
    queue(rfc6455::Opcode::text, text);
  }

  // graceful: a close frame after what is queued; reading goes on until the server closes the
  // socket (or close_timeout). Otherwise (or before the upgrade): the socket is closed now.
  void close(bool graceful) {
    if (closed_) return;
    if (graceful && upgraded_) {
      if (!close_sent_) {
        queue(rfc6455::Opcode::close, rfc6455::close_payload(rfc6455::kCloseNormal, {}));
        close_sent_ = true;
      }
      arm_close_deadline();
      return;
    }
    closed_ = true;
    deadline_.cancel();
    resolver_.cancel();
    error_code ignored;
    lowest().close(ignored);
    signal_.cancel();
    pace_.cancel();
  }

  // The writer: one write in flight, everything queued meanwhile in the next one. Returns the
  // write error that ended it (none after close()).
  asio::awaitable<error_code> write_loop() {
    while (!closed_) {
      if (pending_.empty()) {
        signal_.expires_at(Clock::time_point::max());
        co_await signal_.async_wait(kTuple);
        continue;
      }
      writing_.swap(pending_);
      pending_.clear();
      writing_now_ = true;
      auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(writing_), kTuple);
      (void)n;
      writing_now_ = false;
      writing_.clear();
      if (ec) co_return closed_ ? error_code() : ec;
    }
    co_return error_code();
  }

  bool upgraded() const noexcept { return upgraded_; }
  std::uint64_t bytes_read() const noexcept { return bytes_read_; }

 private:
  tcp::socket& lowest() {
    if constexpr (kTls) {
      return socket_.next_layer();
    } else {
      return socket_;
    }
  }

  static bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
      if ((x >= 'A' && x <= 'Z' ? x + 32 : x) != (y >= 'A' && y <= 'Z' ? y + 32 : y)) return false;
    }
    return true;
  }

  // Each connect step: the socket is cut when connect_timeout passes.
  void arm() {
    deadline_.expires_after(options_.connect_timeout);
    deadline_.async_wait([this](error_code ec) {
      if (ec) return;
      timed_out_ = true;
      resolver_.cancel();
      error_code ignored;
      lowest().close(ignored);
    });
  }

  std::optional<WsConnectError> failed(const error_code& ec, WsConnectError::Stage stage, const std::string& what) {
    if (!ec && !timed_out_ && !closed_) return std::nullopt;
    deadline_.cancel();
    if (timed_out_)
      return WsConnectError{stage, what + ": timed out after " + ms_text(options_.connect_timeout), 0, {}};
    return WsConnectError{stage, what + ": " + (closed_ ? std::string("cancelled") : ec.message()), 0, {}};
  }

  void arm_close_deadline() {
    if (close_armed_) return;
    close_armed_ = true;
    deadline_.expires_after(options_.close_timeout);
    deadline_.async_wait([this](error_code ec) {
      if (!ec) close(false);
    });
  }

  WsReadEnd read_failed(const error_code& ec) {
    if (peer_close_) return *peer_close_;  // the server's close frame came first: that is how it ended
    namespace http = boost::beast::http;
    WsReadEnd out;
    out.ec = ec;
    if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == http::error::end_of_stream) {
      out.kind = WsReadEnd::Kind::eof;
    } else if constexpr (kTls) {
      out.kind = ec == ssl::error::stream_truncated ? WsReadEnd::Kind::eof : WsReadEnd::Kind::error;
    } else {
      out.kind = WsReadEnd::Kind::error;
    }
    out.message = ec.message();
    return out;
  }

  void queue(rfc6455::Opcode op, std::string_view payload) {
    rfc6455::append_frame(pending_, op, payload, static_cast<std::uint32_t>(rng_.next()));
    if (!writing_now_) signal_.cancel();
  }

  // More bytes are there without waiting: in the kernel, or decrypted by TLS.
  bool has_more_input() {
    error_code ec;
    if (lowest().available(ec) > 0 && !ec) return true;
    if constexpr (kTls) return SSL_has_pending(socket_.native_handle()) == 1;
    return false;
  }

  void set_receive_low_watermark(int bytes) {
    error_code ignored;
    lowest().set_option(asio::socket_base::receive_low_watermark(bytes), ignored);
  }

  std::size_t free_bytes() const noexcept { return cap_ - options_.padding - end_; }
  asio::mutable_buffer free_space() { return asio::buffer(buf_.get() + end_, free_bytes()); }

  void reserve(std::size_t bytes) {
    const std::size_t want = bytes + options_.padding;
    if (want <= cap_) return;
    auto grown = std::make_unique_for_overwrite<char[]>(want);
    if (end_ > begin_) std::memcpy(grown.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    buf_ = std::move(grown);
    cap_ = want;
  }

  // Before a read: the unread tail moves to the front; a frame that does not fit grows the buffer
  // (up to the largest message).
  void make_room() {
    if (begin_ == end_) {
      begin_ = end_ = 0;
    } else if (begin_ > 0 && free_bytes() < kMinRead) {
      std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (free_bytes() == 0) {  // one frame fills the buffer (the reader refuses frames past the limit)
      const std::size_t data = cap_ - options_.padding;
      const std::size_t limit = options_.max_message_bytes + rfc6455::FrameReader::kMaxHeader;
      reserve(std::max(std::min(2 * data, limit), data + kMinRead));
    }
  }

  static constexpr std::size_t kMinRead = 64 * 1024;
  // SO_RCVLOWAT while min_read_interval holds reading back: below half the default receive buffer,
  // so that Linux neither grows the buffer nor clamps the window for it.
  static constexpr int kQuietBytes = 32 * 1024;

  WsTransportOptions options_;
  Socket socket_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;  // connect steps, then the close handshake
  asio::steady_timer signal_;    // wakes the writer
  asio::steady_timer pace_;      // min_read_interval
  rfc6455::FrameReader reader_;
  Rng rng_;
  std::unique_ptr<char[]> buf_;  // [begin_, end_) read, not yet parsed; `padding` bytes spare at the end
  std::size_t cap_ = 0, begin_ = 0, end_ = 0;
  std::uint64_t bytes_read_ = 0;
  std::string pending_;  // frames queued for the next write
  std::string writing_;  // the write in flight
  bool writing_now_ = false;
  bool upgraded_ = false;
  bool timed_out_ = false;
  bool close_sent_ = false;
  bool close_armed_ = false;
  bool closed_ = false;
  std::optional<WsReadEnd> peer_close_;
};

}  // namespace kucoin::net::detail
