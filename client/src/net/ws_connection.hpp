// One connection attempt of a WsClient, plain or TLS: a detail::WsTransport (connect, TLS,
// upgrade, batched reads, one writer) driven by a WsClientSession (the pure protocol machine:
// welcome, pings, acks, rotation, drain) and a watchdog timer that wakes the machine at its next
// deadline. WsConnection carries out what the machine says (frames to send, the end of the
// session) and hands the rest (topic events, data frames, rotation steps) to its host, the slot
// of ws_client.cpp that decides what they mean for the client. Internal to kucoin_net; only
// ws_client.cpp includes it.
#pragma once

#include "detail/asio.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "detail/ws_transport.hpp"
#include "kucoin/net/ws_client.hpp"
#include "kucoin/protocol/ws_client_session.hpp"

namespace kucoin::net {

// The client's counters (WsClient::stats()), shared by its connections.
struct WsCounters {
  std::atomic<std::uint64_t> connections_opened{0}, tokens_fetched{0}, reconnects{0}, messages{0}, bytes{0},
      pings_sent{0}, pongs{0}, bad_frames{0};
};

// How one attempt ended.
struct WsOutcome {
  WsOutcome() = default;
  WsOutcome(WsReason r, std::string d, int c) : reason(r), detail(std::move(d)), code(c) {}
  WsReason reason = WsReason::none;
  std::string detail;
  int code = 0;
  std::optional<std::chrono::milliseconds> live_for;  // how long the connection was live (never: nullopt)
  std::optional<ApiError> error;                      // token_failed / auth_error: the bullet request's error
};

// What a slot needs from its current connection.
struct WsConnectionBase {
  virtual ~WsConnectionBase() = default;
  virtual void end(WsReason reason, std::string detail, int code, bool graceful) = 0;
  virtual bool is_live() const = 0;
  virtual void send_requests(bool subscribe, std::span<const DataTopic> topics) = 0;
  // Make-before-break rotation. On the fresh (standby) connection: every subscription acked;
  // promote() makes it the slot's connection and delivers the frames it held. On the old one:
  // close after `overlap` (the frames read until then are still delivered).
  virtual bool ready_for_handover() const = 0;
  virtual void promote() = 0;
  virtual void hand_over_after(std::chrono::milliseconds overlap) = 0;
  virtual void rotation_failed(const std::string& why) = 0;
  bool promoted = false;
  // Set once run() has returned (for a promoted standby, whose run() another coroutine awaits).
  bool done = false;
  WsOutcome final_outcome;
};

// What a connection needs from its slot (ws_client.cpp). Called on the client's executor.
class WsConnectionHost {
 public:
  virtual const std::vector<DataTopic>& topics() const = 0;  // the slot's data topics, in order
  // The welcome arrived (a standby's too): the slot's topics are subscribed right after.
  virtual void went_live(const WsClientSession& session) = 0;
  virtual void topics_changed(const WsTopicsChanged& event) = 0;
  virtual void error_frame(const WsErrorFrameSeen& event) = 0;
  virtual void deliver(const WsInbound& in, std::string_view text, Clock::time_point received) = 0;
  virtual void standby_wanted() = 0;  // the token is due: open the fresh connection
  virtual void standby_ready() = 0;   // (standby) subscribed: the old connection may hand over
  virtual void log(LogLevel level, const std::string& line) = 0;

 protected:
  ~WsConnectionHost() = default;
};

template <class Socket>
class WsConnection final : public WsConnectionBase, public std::enable_shared_from_this<WsConnection<Socket>> {
 public:
  template <class... SocketArgs>
  WsConnection(WsConnectionHost& host, WsCounters& counters, const asio::any_io_executor& ex,
               detail::WsTransportOptions transport_options, WsSessionConfig session_config, bool standby,
               SocketArgs&&... socket_args)
      : host_(host),
        counters_(counters),
        ex_(ex),
        config_(session_config),
        standby_(standby),
        transport_(ex, std::move(transport_options), std::forward<SocketArgs>(socket_args)...),
        watchdog_(ex) {}

  // ---- WsConnectionBase ----

  bool is_live() const override { return session_ && session_->is_live(); }
  bool ready_for_handover() const override { return session_ && session_->ready_for_handover(); }

  void promote() override {
    if (!session_) return;
    session_->promote(Clock::now());
    apply();
  }

  void hand_over_after(std::chrono::milliseconds overlap) override {
    if (!session_) return;
    session_->hand_over_after(overlap, Clock::now());
    apply();
  }

  void rotation_failed(const std::string& why) override {
    if (!session_) return;
    session_->rotation_failed(why);
    apply();
  }

  void end(WsReason reason, std::string detail, int code, bool graceful) override {
    if (session_) {
      session_->end(reason, std::move(detail), code, graceful);
      apply();
      return;
    }
    if (ended_) return;  // not upgraded yet: cut the attempt
    ended_ = true;
    result_ = WsOutcome{reason, std::move(detail), code};
    transport_.close(false);
  }

  void send_requests(bool subscribe, std::span<const DataTopic> topics) override {
    if (!session_) return;
    if (subscribe) {
      session_->subscribe(topics, Clock::now());
    } else {
      session_->unsubscribe(topics, Clock::now());
    }
    apply();
  }

  // The client's wire tap (may be null or empty) and this connection's number and URL for it.
  void tap_as(const WireTap* tap, std::uint64_t number, std::string url) {
    tap_ = tap != nullptr && *tap ? tap : nullptr;
    tap_number_ = number;
    tap_url_ = std::move(url);
  }

  // ---- the attempt ----

  // Connects to `url` (the bullet answer's instance server), then runs the session until it
  // ended and the transport closed. The frames read are all delivered before it returns.
  // `keep` keeps the client (the host) alive while the connection's other coroutines run.
  asio::awaitable<WsOutcome> run(Url url, InstanceServer server, std::string connect_id, Clock::time_point token_time,
                                 std::chrono::milliseconds rotate_after, std::shared_ptr<void> keep) {
    auto self = this->shared_from_this();
    if (auto failure = co_await transport_.connect(url)) {
      if (!ended_) {
        ended_ = true;
        using Stage = detail::WsConnectError::Stage;
        if (failure->stage == Stage::upgrade_declined) {
          result_ = WsOutcome{WsReason::upgrade_rejected,
                              "HTTP " + std::to_string(failure->http_status) + " instead of 101 at the upgrade" +
                                  (failure->body.empty() ? "" : ": " + failure->body),
                              failure->http_status};
        } else {
          result_ = WsOutcome{WsReason::connect_failed, failure->message, 0};
        }
      }
      transport_.close(false);
      co_return result_;
    }
    if (ended_) co_return result_;  // stopped or paused while connecting
    counters_.connections_opened.fetch_add(1, std::memory_order_relaxed);
    if (tap_ != nullptr) tap_event(WireEventKind::ws_connect, {}, Clock::now(), tap_url_);

    WsSessionSetup setup;
    setup.connect_id = std::move(connect_id);
    setup.ping_interval = std::chrono::milliseconds(server.ping_interval_ms);
    setup.ping_timeout = std::chrono::milliseconds(server.ping_timeout_ms);
    setup.token_time = token_time;
    setup.rotate_after = rotate_after;
    setup.standby = standby_;
    session_.emplace(config_, std::move(setup), Clock::now());
    asio::co_spawn(ex_, writer(self, keep), asio::detached);
    asio::co_spawn(ex_, watch(self, keep), asio::detached);

    const detail::WsReadEnd how = co_await transport_.read(
        [this](detail::WsBatch batch, Clock::time_point received) { on_batch(batch, received); });
    if (!session_->ended()) {
      switch (how.kind) {
        case detail::WsReadEnd::Kind::close_frame: {
          std::string d = "the server closed the connection (close frame, code " + std::to_string(how.close_code);
          if (!how.close_reason.empty()) d += ", \"" + how.close_reason + "\"";
          session_->end(WsReason::closed_by_server, d + ")", 0, false);
          break;
        }
        case detail::WsReadEnd::Kind::eof:
          session_->end(WsReason::closed_by_server,
                        "the server closed the connection (" + how.ec.message() + ", no close frame)", 0, false);
          break;
        case detail::WsReadEnd::Kind::error:
          session_->end(WsReason::transport_error, "read: " + how.message, 0, false);
          break;
      }
      apply();
    }
    transport_.close(false);
    watchdog_.cancel();
    // Everything read was delivered: now the topics' streams end (lost, pending unsubscribes).
    result_.live_for = session_->finish(Clock::now());
    apply();
    if (const auto& e = session_->end_info()) {
      result_.reason = e->reason;
      result_.detail = e->detail;
      result_.code = e->code;
    }
    if (tap_ != nullptr) {
      WireEvent ev;
      ev.kind = WireEventKind::ws_disconnect;
      ev.connection = tap_number_;
      ev.time = Clock::now();
      ev.reason = to_string(result_.reason);
      ev.detail = result_.detail;
      (*tap_)(ev);
    }
    co_return result_;
  }

 private:
  // Carries out what the session machine said, until it has nothing more to say.
  void apply() {
    while (session_ && !session_->output().empty()) {
      WsSessionOutput out = session_->take_output();
      for (const std::string& f : out.send) {
        if (tap_ != nullptr) tap_event(WireEventKind::ws_out, f, Clock::now());
        transport_.send(f);
      }
      counters_.pings_sent.fetch_add(out.pings, std::memory_order_relaxed);
      counters_.pongs.fetch_add(out.pongs, std::memory_order_relaxed);
      counters_.bad_frames.fetch_add(out.bad_frames, std::memory_order_relaxed);
      std::uint64_t bytes = 0;
      for (const WsHeldFrame& h : out.deliver) {
        const TopicView v = split_topic(h.topic);
        host_.deliver(WsInbound{h.topic, v.channel, v.symbols}, std::string_view(h.text.data(), h.size), h.received);
        bytes += h.size;
      }
      counters_.messages.fetch_add(out.deliver.size(), std::memory_order_relaxed);
      counters_.bytes.fetch_add(bytes, std::memory_order_relaxed);
      for (const WsSessionEvent& ev : out.events) {
        if (std::holds_alternative<WsWentLive>(ev)) {
          if (tap_ != nullptr) tap_event(WireEventKind::ws_welcome, {}, Clock::now());
          host_.went_live(*session_);
          session_->subscribe(host_.topics(), Clock::now());  // also with none: a standby is then ready at once
        } else if (const auto* t = std::get_if<WsTopicsChanged>(&ev)) {
          host_.topics_changed(*t);
        } else if (const auto* e = std::get_if<WsErrorFrameSeen>(&ev)) {
          host_.error_frame(*e);
        } else if (std::holds_alternative<WsStandbyWanted>(ev)) {
          host_.standby_wanted();
        } else if (std::holds_alternative<WsStandbyReady>(ev)) {
          host_.standby_ready();
        } else if (const auto* l = std::get_if<WsLogLine>(&ev)) {
          host_.log(l->level, l->line);
        }
      }
      if (out.end) transport_.close(out.end->graceful);
    }
    // An input may have brought the next deadline forward (an ack due, a promoted standby's rotation).
    if (session_ && session_->next_deadline() < watchdog_at_) watchdog_.cancel();
  }

  // One wake-up of the read loop: every frame it found, in order. Data frames go straight to the
  // host (the hot path: the machine writes no output for them).
  void on_batch(detail::WsBatch batch, Clock::time_point received) {
    std::uint64_t delivered = 0, bytes = 0;
    for (std::string_view text : batch) {
      if (tap_ != nullptr) tap_event(WireEventKind::ws_in, text, received);
      WsInbound in;
      if (session_->on_frame(text, received, in)) {
        host_.deliver(in, text, received);
        ++delivered;
        bytes += text.size();
      } else if (!session_->output().empty()) {
        apply();
      }
    }
    if (delivered != 0) {
      counters_.messages.fetch_add(delivered, std::memory_order_relaxed);
      counters_.bytes.fetch_add(bytes, std::memory_order_relaxed);
    }
  }

  asio::awaitable<void> writer(std::shared_ptr<WsConnection> self, std::shared_ptr<void> keep) {
    (void)self;
    (void)keep;
    const error_code ec = co_await transport_.write_loop();
    if (ec && session_ && !session_->ended()) {
      session_->end(WsReason::transport_error, "write: " + ec.message(), 0, false);
      apply();
    }
  }

  asio::awaitable<void> watch(std::shared_ptr<WsConnection> self, std::shared_ptr<void> keep) {
    (void)self;
    (void)keep;
    while (session_ && !session_->ended()) {
      watchdog_at_ = session_->next_deadline();
      watchdog_.expires_at(watchdog_at_);
      co_await watchdog_.async_wait(kTuple);  // a deadline, or an input moved it (cancel)
      watchdog_at_ = Clock::time_point::max();
      if (!session_ || session_->ended()) break;
      session_->on_tick(Clock::now());
      apply();
    }
  }

  void tap_event(WireEventKind kind, std::string_view payload, Clock::time_point time, std::string_view url = {}) {
    WireEvent ev;
    ev.kind = kind;
    ev.connection = tap_number_;
    ev.time = time;
    ev.payload = payload;
    ev.url = url;
    (*tap_)(ev);
  }

  const WireTap* tap_ = nullptr;  // the client's tap, when set
  std::uint64_t tap_number_ = 0;
  std::string tap_url_;
  WsConnectionHost& host_;  // the slot: lives as long as the client, which the coroutines keep alive
  WsCounters& counters_;
  asio::any_io_executor ex_;
  WsSessionConfig config_;
  const bool standby_;  // created as the fresh connection of a rotation
  detail::WsTransport<Socket> transport_;
  asio::steady_timer watchdog_;  // wakes the session at its next deadline
  Clock::time_point watchdog_at_ = Clock::time_point::max();
  std::optional<WsClientSession> session_;  // from the upgrade on
  bool ended_ = false;                      // before the upgrade: the attempt was cut (stop, pause)
  WsOutcome result_;                        // before the upgrade: why it failed
};

}  // namespace kucoin::net
