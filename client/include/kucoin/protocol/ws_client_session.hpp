// The client's WebSocket session machine (kucoin-protocol.md §5): one connection from the upgrade
// to its end, without I/O. The twin of the mock's WsSessionLogic (mockserver/): it takes the
// frames read and the passing of time, and says what to send, what happened to which topics and
// when it next needs to be woken.
//
// Pure: no socket, no clock, no thread. Every input carries `now`; the I/O layer
// (client/src/net/ws_client.cpp) reads frames, calls on_frame(), wakes it at next_deadline()
// with on_tick(), writes output().send, carries out the events, and closes the transport when an
// input ends the session (output().end). Unit-tested with a fake clock (tests/unit/ws_client_session_test.cpp).
//
// Phases (WsSessionState): the welcome is awaited within welcome_timeout; then the session is
// live: a JSON ping every pingInterval with its pong due within pingTimeout, subscribe and
// unsubscribe requests with ids and their acks due within ack_timeout. Token rotation, make
// before break: once the token is old enough the live session asks for a fresh connection
// (rotating, within rotation_timeout); the fresh one is a standby (subscribes, holds its frames,
// reports no topic event) until it is ready; the old one then hands over (the overlap), drains
// (unsubscribes everything and reads until those acks, within ack_timeout) and closes; the standby
// is promoted and delivers what it held.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "kucoin/core/log.hpp"
#include "kucoin/protocol/ws_codec.hpp"
#include "kucoin/protocol/ws_topic.hpp"

namespace kucoin {

// Why a connection ended (or a topic was lost or refused).
enum class WsReason : std::uint8_t {
  none,
  token_failed,      // the bullet request failed transiently (network, 5xx, 429, ...): retried with backoff
  auth_error,        // the bullet request was refused for authentication or configuration (ApiErrorKind::auth:
                     // 400001, 400003-400007, HTTP 401/403 on bullet-private, no credentials): state failed
  connect_failed,    // resolve, TCP connect or TLS handshake failed, or the endpoint URL is unusable
  upgrade_rejected,  // the server answered the upgrade with an HTTP status (code) instead of 101
  welcome_timeout,   // no welcome within WsClientOptions::welcome_timeout
  protocol_error,    // the first frame was not a welcome (nor an error frame)
  ping_timeout,      // no pong with the ping's id within the server's pingTimeout
  ack_timeout,       // a subscribe/unsubscribe got neither ack nor error within ack_timeout
  token_expired,     // an error frame with code 401 ("token is expired"), before or after the welcome
  error_frame,       // an error frame instead of the welcome (code), or one refusing a subscription
  closed_by_server,  // the server closed (close frame, or EOF: KuCoin closes without a close frame)
  transport_error,   // read or write failed (reset, TLS error, ...)
  token_rotation,    // planned: the token reached its rotation age (handed over to a fresh connection, or
                     // reconnects at once without backoff)
  paused,            // pause()
  stopped,           // stop() or the destructor
  unsubscribed,      // the topic was unsubscribed (topic events only)
};
std::string_view to_string(WsReason r) noexcept;

// Conditions to branch on (tests/unit/error_condition_test.cpp):
// - retryable: the client reconnects by itself (with a fresh token, after its backoff);
// - configuration: retrying cannot help until the application fixes credentials, key version or
//   permissions (auth_error: the connection is in the failed state until resume());
// - needs resync: the streams of that connection may have lost frames from here on; level2 books
//   must be rebuilt from a snapshot (MarketDataClient does it). A handed-over rotation loses none.
bool is_retryable(WsReason r) noexcept;
bool is_configuration_error(WsReason r) noexcept;
bool needs_resync(WsReason r) noexcept;

enum class WsTopicStatus : std::uint8_t {
  subscribed,    // acked on this connection (after every (re)connect)
  lost,          // its connection ended (reason): data may have a gap from here on; a resubscribe follows.
                 // Sent for every topic requested on that connection, acked or not, after its last frame.
  rejected,      // the server refused it (error frame: code, detail); it is not retried
  unsubscribed,  // acked unsubscribe (or the connection ended while unsubscribing)
  failed,        // its connection entered the failed state (reason auth_error, detail): nothing arrives
                 // until resume(). Sent once per topic of that connection each time it fails.
};
std::string_view to_string(WsTopicStatus s) noexcept;

using WsTime = std::chrono::steady_clock::time_point;  // a value the caller passes; never read here

struct WsSessionConfig {
  std::chrono::milliseconds welcome_timeout{10'000};   // upgrade done -> welcome
  std::chrono::milliseconds ack_timeout{10'000};       // subscribe/unsubscribe -> ack or error frame
  std::chrono::milliseconds rotation_timeout{60'000};  // rotating: the fresh connection ready within
  std::size_t rotation_buffer_bytes = 64u << 20;       // standby: the most it holds
  bool make_before_break = true;                       // false: a due token ends the session at once
  std::size_t max_symbols_per_request = kMaxSymbolsPerRequest;
};

// One connection's parameters (from the bullet answer).
struct WsSessionSetup {
  std::string connect_id;  // the welcome's id is expected to equal it (a warning otherwise)
  std::chrono::milliseconds ping_interval{18'000};
  std::chrono::milliseconds ping_timeout{10'000};
  WsTime token_time{};                        // when the token was fetched
  std::chrono::milliseconds rotate_after{0};  // rotate once the token is this old; 0: never
  bool standby = false;                       // the fresh connection of a make-before-break rotation
};

enum class WsSessionState : std::uint8_t {
  awaiting_welcome,  // upgraded; the welcome is due
  live,              // pings, requests and acks; data frames are delivered
  rotating,          // live; the token is due and a fresh connection was asked for (StandbyWanted)
  handing_over,      // live; the fresh connection is ready: delivering until the overlap ends
  draining,          // everything unsubscribed here: delivering until those acks, then a graceful close
  standby,           // the fresh connection: subscribes, holds its data frames until promote()
  ended,             // see end_info(); data frames still read are delivered (not by a standby)
};
std::string_view to_string(WsSessionState s) noexcept;

struct WsSessionEnd {
  WsReason reason = WsReason::none;
  std::string detail;     // for people; never a token
  int code = 0;           // error_frame / token_expired: the frame's code
  bool graceful = false;  // close with a close frame (the session was live); else cut the transport
};

// Events, in the order they happened.
struct WsWentLive {};  // the welcome arrived: subscribe the connection's topics now (subscribe())
struct WsTopicsChanged {
  WsTopicStatus status = WsTopicStatus::subscribed;  // subscribed, unsubscribed, rejected or lost
  WsReason reason = WsReason::none;                  // lost: why the session ended; rejected: error_frame
  int code = 0;                                      // rejected: the error frame's code; lost: the end's code
  std::string detail;
  std::vector<DataTopic> topics;
};
struct WsErrorFrameSeen {  // every error frame (besides its effect on topics and the session)
  std::optional<std::string> id;
  int code = 0;
  std::string data;
  std::string request_topic;  // the request its id answers (empty if none)
};
struct WsStandbyWanted {};  // the token is due: open the fresh connection of a rotation now
struct WsStandbyReady {};   // (standby) every subscription is acked: the old connection may hand over
struct WsLogLine {
  LogLevel level = LogLevel::info;
  std::string line;
};
using WsSessionEvent =
    std::variant<WsWentLive, WsTopicsChanged, WsErrorFrameSeen, WsStandbyWanted, WsStandbyReady, WsLogLine>;

// A data frame a standby held, delivered on promote().
struct WsHeldFrame {
  std::string text;  // the frame followed by kJsonPadding zero bytes (parseable in place)
  std::size_t size = 0;
  std::string topic;
  WsTime received{};
};

struct WsSessionOutput {
  std::vector<std::string> send;       // frames to write, in order
  std::vector<WsSessionEvent> events;  // in order
  std::vector<WsHeldFrame> deliver;    // promote(): the standby's frames, to deliver now, in order
  std::optional<WsSessionEnd> end;     // set by the input that ended the session
  std::uint32_t pings = 0;             // pings among `send`
  std::uint32_t pongs = 0;             // pongs received
  std::uint32_t bad_frames = 0;        // frames that did not decode (logged)
  bool empty() const noexcept {
    return send.empty() && events.empty() && deliver.empty() && !end && bad_frames == 0 && pongs == 0;
  }
};

// A data message to deliver now: views into the frame passed to on_frame().
struct WsInbound {
  std::string_view topic;    // "/market/level2:BTC-USDT"
  std::string_view channel;  // "/market/level2"
  std::string_view symbol;   // "BTC-USDT" (empty for symbol-less channels)
};

class WsClientSession {
 public:
  // The transport is upgraded at `now`: the welcome is due by now + welcome_timeout.
  WsClientSession(WsSessionConfig config, WsSessionSetup setup, WsTime now);

  // ---- inputs ----

  // One text frame read. True (and `data` set) for a data message to deliver now: the hot path,
  // which writes no output. Everything else (control frames, frames a standby holds) goes to
  // output(). Frames read after the session ended are still delivered (the I/O layer reads until
  // the transport closes), except by a standby.
  bool on_frame(std::string_view text, WsTime now, WsInbound& data);
  // Time passed: timeouts, pings, rotation. Call it at next_deadline() (earlier is harmless).
  void on_tick(WsTime now);
  // Requests for data topics (grouped within KuCoin's limits); ignored unless live.
  void subscribe(std::span<const DataTopic> topics, WsTime now);
  void unsubscribe(std::span<const DataTopic> topics, WsTime now);
  // Rotation, on the old session: the fresh connection is ready; deliver for `overlap`, then drain.
  void hand_over_after(std::chrono::milliseconds overlap, WsTime now);
  // Rotation, on the standby: it becomes the live session; its held frames go to output().deliver.
  void promote(WsTime now);
  // Rotation, on the old session: the fresh connection failed; close now (its topics are lost).
  void rotation_failed(std::string_view why);
  // Ends the session from outside (stop, pause, a transport failure). No effect once ended.
  void end(WsReason reason, std::string detail, int code, bool graceful);
  // The transport is closed and everything it read went through on_frame(): the streams of this
  // session end (lost events, pending unsubscribes reported). Returns how long it was live
  // (nullopt: never). Call once, after the session ended.
  std::optional<std::chrono::milliseconds> finish(WsTime now);

  // ---- outputs ----

  const WsSessionOutput& output() const noexcept { return out_; }
  // Moves the output out (the I/O layer handles it; inputs made meanwhile add to a fresh one).
  WsSessionOutput take_output();
  // When on_tick() is next due; time_point::max() when nothing is pending.
  WsTime next_deadline() const noexcept;

  WsSessionState state() const noexcept { return state_; }
  bool ended() const noexcept { return state_ == WsSessionState::ended; }
  bool is_live() const noexcept { return state_ != WsSessionState::awaiting_welcome && !ended(); }
  bool is_standby() const noexcept { return standby_; }
  bool ready_for_handover() const noexcept { return standby_ && ready_ && is_live(); }
  const std::optional<WsSessionEnd>& end_info() const noexcept { return end_; }
  std::chrono::milliseconds ping_interval() const noexcept { return setup_.ping_interval; }
  std::chrono::milliseconds ping_timeout() const noexcept { return setup_.ping_timeout; }

 private:
  struct PendingPing {
    std::uint64_t id;
    WsTime deadline;
  };
  struct PendingRequest {
    bool subscribe = true;
    std::string topic;
    std::vector<DataTopic> data_topics;
    WsTime deadline;
    bool handover = false;  // the old session's unsubscribe before it closes (no topic events)
  };

  bool on_data(std::string_view text, std::string_view topic, WsTime now, WsInbound& data);
  void on_welcome(const WelcomeFrame& w, WsTime now);
  void on_pong(std::string_view id);
  void on_ack(std::string_view id);
  void on_error_frame(const ErrorFrame& e);
  void send_requests(bool subscribe, std::span<const DataTopic> topics, WsTime now, bool handover);
  void send_ping(WsTime now);
  void begin_drain(WsTime now);
  void finish_drain(std::string_view how);
  void handover_answered();
  void check_ready();
  void log(LogLevel level, std::string line);
  std::string token_age_text() const;

  WsSessionConfig config_;
  WsSessionSetup setup_;
  WsSessionState state_ = WsSessionState::awaiting_welcome;
  bool standby_ = false;      // the role: a rotation's fresh connection until promoted
  bool ready_ = false;        // standby: every subscription acked
  bool handed_over_ = false;  // this (old) session closed for the fresh one: no topic is lost
  WsTime welcome_deadline_{};
  std::optional<WsTime> live_since_;
  WsTime next_ping_ = WsTime::max();
  WsTime rotate_at_ = WsTime::max();       // live: the token is due; rotating: the fresh connection is late
  WsTime handover_at_ = WsTime::max();     // handing_over: the overlap ends
  WsTime drain_deadline_ = WsTime::max();  // draining: the unsubscribes are late
  std::uint64_t next_id_ = 0;
  std::deque<PendingPing> pings_;
  std::unordered_map<std::string, PendingRequest> requests_;
  std::vector<DataTopic> requested_;  // data topics subscribed on this session, in order
  std::unordered_set<std::string> requested_set_;
  std::vector<WsHeldFrame> held_;
  std::size_t held_bytes_ = 0;
  std::optional<WsSessionEnd> end_;
  WsSessionOutput out_;
  WsDecoder decoder_;
};

}  // namespace kucoin
