// One of the mock's two Beast translation units (with http_session.cpp): the WebSocket session on
// plain (through CoalescingSocket) and TLS streams. It reads client frames and hands them to
// WsSessionLogic, writes what FeedScheduler picks, and watches the deadlines (idle timeout, token
// expiry, close_after_ms, the grace period after the mock closed its side).
#include "ws_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <optional>

#include "coalescing_socket.hpp"
#include "kucoin/mock/feed_scheduler.hpp"
#include "kucoin/protocol/rfc6455.hpp"

namespace kucoin::mock {

// websocket::stream's teardown (after a close handshake): flush, then the socket's own teardown.
// Found by argument-dependent lookup, so they live in CoalescingSocket's namespace.
[[maybe_unused]] static void teardown(beast::role_type role, CoalescingSocket& s, error_code& ec) {
  websocket::teardown(role, s.next_layer(), ec);
}

template <class Handler>
void async_teardown(beast::role_type role, CoalescingSocket& s, Handler&& handler) {
  s.when_flushed([role, &s, h = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler))]() mutable {
    websocket::async_teardown(role, s.next_layer(), std::move(*h));
  });
}

namespace {

// The real clocks, for the feed scheduler.
struct SystemFeedClock final : FeedClock {
  FeedTime now() override { return Clock::now(); }
  std::int64_t wall_ms() override { return wall_now_ms(); }
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

// Plain streams: a data frame goes straight into CoalescingSocket's buffer while it has room, one
// whole unmasked frame, with nothing to await (Beast's write path costs about 4,000 instructions,
// a posted completion and a coroutine resumption per frame: the mock's writer was the limit of a
// fast client). Only while the stream is open (not after a close frame); Beast's own writes
// (control frames, pongs) are whole frames in the same buffer, so frames never interleave.
// False: the caller writes it through Beast (which waits for room).
template <class WS>
bool write_data_now(WS& ws, std::string_view frame) {
  if constexpr (std::is_same_v<WS, PlainWs>) {
    return ws.is_open() && ws.next_layer().write_now([frame](std::string& out) {
      rfc6455::append_server_frame(out, rfc6455::Opcode::text, frame);
    });
  } else {
    return false;
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
// loop (client frames, answered by WsSessionLogic), the writer (one write in flight: control
// frames first, then the data frames FeedScheduler picks) and the watchdog (idle timeout, token
// expiry, close_after_ms, the slow-reader policy, the grace period after the mock closed its side).
template <class WS>
struct WsSession final : WsSessionBase, std::enable_shared_from_this<WsSession<WS>> {
  template <class Next>
  WsSession(MockServer::Impl& srv, Next&& next, WsAdmission adm, kucoin::Market venue)
      : server(srv),
        ws(std::forward<Next>(next)),
        admission(std::move(adm)),
        logic(limits_of(srv.config.ws.limits, venue), admission.private_token, srv.market_symbols(venue), venue),
        feeds(srv.streaming_market(venue), {.pace_per_symbol = srv.config.ws.pace_per_symbol,
                                            .replay_speed = srv.config.ws.replay_speed,
                                            .recorded = srv.config.ws.recorded_topics,
                                            .slow_reader_backlog = admission.faults.slow_reader_backlog}),
        wake(ws.get_executor()),
        watchdog(ws.get_executor()) {
    if (admission.private_token) {
      if (auto info = srv.rest.token_info(admission.token)) private_key = info->key;
    }
    if (srv.network.shaped()) shaper.emplace(srv.network_now(), srv.network.seed + admission.connection);
  }

  // Futures connections have no topic limit (kucoin-protocol.md §3.3).
  static WsLimits limits_of(WsLimits limits, kucoin::Market venue) {
    if (venue == kucoin::Market::futures) limits.max_topics_per_connection = 0;
    return limits;
  }

  MockServer::Impl& server;
  WS ws;
  WsAdmission admission;
  std::string private_key;  // the API key of a private token: whose pushes it may hear
  WsSessionLogic logic;
  FeedScheduler feeds;  // what to stream, when (market policy)
  SystemFeedClock clock;
  asio::steady_timer wake;      // the writer waits on it
  asio::steady_timer watchdog;  // the watchdog waits on it
  beast::flat_buffer in;
  std::deque<std::string> control;  // welcome, pong, ack, error frames: sent before data
  Clock::time_point opened = Clock::now();
  Clock::time_point last_activity = opened;
  Clock::time_point close_deadline = Clock::time_point::max();
  bool closing = false;              // the mock closed its side (or the connection is gone)
  bool finished = false;             // the read loop ended
  bool close_after_control = false;  // close once the control queue is written (token expiry)
  Clock::time_point close_after_control_since{};
  std::string close_reason;
  std::string pending_close_reason;
  bool deferred = false;           // data frames are being batched (defer_writes)
  std::uint64_t frames_total = 0;  // every frame written (close_after_frames)
  std::uint64_t data_sent = 0, data_dropped = 0;
  // Network conditions (fault_plan.hpp), when the plan has any: frames wait on the link until
  // their time (shaped_writer); unset: the writer's fast path.
  std::optional<NetworkShaper> shaper;
  struct LinkFrame {
    std::int64_t release_us;
    std::string text;
    bool data;
  };
  std::deque<LinkFrame> link;
  std::size_t control_on_link = 0;

  WsServerEvent event(WsServerEvent::Kind k, std::string detail = {}, int status = 0, std::uint64_t count = 0) const {
    return WsServerEvent{
        k,     admission.connection, admission.connect_id, admission.fingerprint, admission.private_token, status,
        count, std::move(detail)};
  }

  void drop(std::string reason) override {
    asio::post(ws.get_executor(), [self = this->shared_from_this(), reason = std::move(reason)]() mutable {
      self->close(std::move(reason));
    });
  }

  void recheck_token() override {
    asio::post(ws.get_executor(), [self = this->shared_from_this()] {
      if (auto info = self->server.rest.token_info(self->admission.token))
        self->admission.expires_ms = info->expires_ms;
      self->watchdog.cancel();
    });
  }

  // Private pushes go out with the control frames: at once, in order, before market data.
  void push_private(std::vector<std::string> frames) override {
    asio::post(ws.get_executor(), [self = this->shared_from_this(), frames = std::move(frames)]() mutable {
      if (self->closing || self->close_after_control) return;  // KuCoin does not replay them
      for (std::string& f : frames) self->control.push_back(std::move(f));
      self->wake.cancel();
    });
  }

  // The mock closes its side: TCP FIN without a close frame (what KuCoin does, §5.7). The read
  // loop goes on until the client closes too or the grace period ends.
  void close(std::string reason) {
    if (closing) return;
    closing = true;
    close_reason = std::move(reason);
    server.ws_closing(admission.connection, close_reason);
    close_deadline =
        Clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(0, server.config.ws.close_grace_ms));
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
    opt.handshake_timeout = std::chrono::seconds(10);   // accept and close handshakes
    opt.idle_timeout = websocket::stream_base::none();  // our own watchdog counts every frame as activity
    opt.keep_alive_pings = false;
    ws.set_option(opt);
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, kServerHeader); }));
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
    if (feeds.slow_reader_policy()) {
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
          if (t.is_private && !private_key.empty())
            server.private_subscribe(admission.connection, private_key, t.channel);
          feeds.add(t, Clock::now());  // false: a topic the mock holds silently
          server.emit(event(WsServerEvent::Kind::subscribed, t.text));
        }
        break;
      case WsFrameOutcome::Kind::unsubscribe:
        for (const DataTopic& t : out.removed) {
          if (t.is_private) server.private_unsubscribe(admission.connection, t.channel);
          feeds.remove(t.text);
          server.emit(event(WsServerEvent::Kind::unsubscribed, t.text));
        }
        break;
      case WsFrameOutcome::Kind::invalid: break;
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

  // The scheduler's drops for a slow reader: counted and reported.
  void report_drops() {
    for (const FeedDrop& d : feeds.drops()) {
      data_dropped += d.count;
      server.ws_frames_dropped += d.count;
      server.emit(event(WsServerEvent::Kind::slow_reader_drop, d.topic, 0, d.count));
    }
    feeds.clear_drops();
  }

  // A market fault the scheduler met: the session ends as KuCoin's would.
  void on_market_fault(const FeedStep& step) {
    if (step.kind == FeedStep::Kind::disconnect) close("market fault: disconnect");
    if (step.kind == FeedStep::Kind::token_expiry) expire_now();
    if (step.kind == FeedStep::Kind::network_stall && shaper) shaper->stall(micros(Clock::now()), step.stall_ms);
    if (step.kind == FeedStep::Kind::handover) {
      server.handover();  // the next connections get the conditions after it; the others are cut
      close("network handover");
    }
  }

  static std::int64_t micros(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  }

  // The writer with network conditions: every frame (control frames first, then data frames as
  // they are due) is put on the link with the time NetworkShaper gives it, and written then.
  asio::awaitable<void> shaped_writer() {
    constexpr std::size_t kLinkFrames = 4'096;  // the link's buffer: then the streams wait
    while (!closing) {
      for (; !control.empty(); control.pop_front()) {
        link.push_back(
            {shaper->release_at(micros(Clock::now()), control.front().size()), std::move(control.front()), false});
        ++control_on_link;
      }
      FeedStep step;
      while (!close_after_control && link.size() < kLinkFrames && shaper->accepts(micros(Clock::now()))) {
        feeds.collect();
        step = feeds.next(clock);
        if (!feeds.drops().empty()) report_drops();
        if (step.kind != FeedStep::Kind::frame) break;
        link.push_back({shaper->release_at(micros(Clock::now()), step.frame.size()), std::string(step.frame), true});
      }
      on_market_fault(step);
      if (closing) break;
      if (!link.empty() && shaper->hold(link.front().release_us) <= micros(Clock::now())) {
        LinkFrame& f = link.front();
        defer_writes(ws, f.data, deferred);
        auto [ec, n] = co_await ws.async_write(asio::buffer(f.text), kTuple);
        (void)n;
        if (ec) {
          close("write failed: " + ec.message());
          break;
        }
        if (f.data) {
          ++data_sent;
          server.ws_frames_sent.fetch_add(1, std::memory_order_relaxed);
        } else {
          --control_on_link;
        }
        link.pop_front();
        if (count_frame()) break;
        continue;
      }
      if (close_after_control && control.empty() && control_on_link == 0) {
        close(pending_close_reason);
        break;
      }
      if (!control.empty()) continue;
      defer_writes(ws, false, deferred);
      Clock::time_point wake_at = step.kind == FeedStep::Kind::wait ? step.wake_at : Clock::time_point::max();
      // A full link: the next look is when its first frame leaves.
      if (link.size() >= kLinkFrames || close_after_control || !shaper->accepts(micros(Clock::now()))) {
        wake_at = Clock::time_point::max();
      }
      if (!link.empty()) {
        wake_at =
            std::min(wake_at, Clock::time_point(std::chrono::microseconds(shaper->hold(link.front().release_us))));
      }
      wake.expires_at(wake_at);
      co_await wake.async_wait(kTuple);
    }
  }

  asio::awaitable<void> writer(std::shared_ptr<WsSession> self) {
    (void)self;
    if (shaper) {
      co_await shaped_writer();
      co_return;
    }
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
      feeds.collect();
      const FeedStep step = feeds.next(clock);
      if (!feeds.drops().empty()) report_drops();
      if (step.kind == FeedStep::Kind::frame) {
        defer_writes(ws, true, deferred);
        if (!write_data_now(ws, step.frame)) {
          auto [ec, n] = co_await ws.async_write(asio::buffer(step.frame.data(), step.frame.size()), kTuple);
          (void)n;
          if (ec) {
            close("write failed: " + ec.message());
            break;
          }
        }
        ++data_sent;
        server.ws_frames_sent.fetch_add(1, std::memory_order_relaxed);
        if (count_frame()) break;
        continue;
      }
      on_market_fault(step);
      if (closing || !control.empty() || close_after_control) continue;
      defer_writes(ws, false, deferred);  // nothing more now: what is buffered leaves
      wake.expires_at(step.wake_at);
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
        if (feeds.slow_reader_policy()) {
          if (!close_after_control) {
            const FeedStep step = feeds.enforce_backlog(now);
            if (!feeds.drops().empty()) report_drops();
            on_market_fault(step);
          }
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

}  // namespace

asio::awaitable<void> run_ws_session(MockServer::Impl& s, beast::tcp_stream stream, WsUpgrade up) {
  // The session's own watchdog takes over the timeouts. Plain: the raw socket under the websocket
  // layer (tcp_stream's per-operation timer bookkeeping is not needed any more and costs on the
  // streaming path).
  stream.expires_never();
  auto session = std::make_shared<WsSession<PlainWs>>(s, CoalescingSocket(stream.release_socket()),
                                                      std::move(up.admission), up.venue);
  co_await session->run(std::move(up.request));
}

asio::awaitable<void> run_ws_session(MockServer::Impl& s, beast::ssl_stream<beast::tcp_stream> stream, WsUpgrade up) {
  beast::get_lowest_layer(stream).expires_never();  // the session's own watchdog takes over
  auto session = std::make_shared<WsSession<websocket::stream<beast::ssl_stream<beast::tcp_stream>>>>(
      s, std::move(stream), std::move(up.admission), up.venue);
  co_await session->run(std::move(up.request));
}

}  // namespace kucoin::mock
