// KuCoin WebSocket sessions on the caller's io_context (kucoin-protocol.md §4-5): bullet token,
// connect (ws:// or wss:// with verified TLS), welcome with a deadline, JSON ping every
// pingInterval with the pong awaited within pingTimeout, subscribe/unsubscribe with ids and
// acks, topics spread over connections within KuCoin's limits, reconnects with a fresh token and
// capped, jittered backoff (at once after an established session), token rotation before the 24 h
// limit or the token's declared validity, a terminal state for configuration errors, pause/resume.
//
// No Asio or Beast in this header; no threads. Inside: the session machine (pure,
// kucoin/protocol/ws_client_session.hpp), a transport that reads everything the socket holds per
// wake-up (client/src/net/detail/ws_transport.hpp), and client/src/net/ws_client.cpp deciding
// which topics go where, fetching tokens, reconnecting and handing rotations over.
//
// Threading rule: every callback runs on the client's strand of the io_context (or, with
// WsClientOptions::single_threaded_io, on the io_context's only thread), one at a time (never two
// callbacks concurrently, for all connections together), and never inside a call to a WsClient
// method. Methods may be called from any thread, also from inside callbacks (they
// post their work to the strand). Destroy the WsClient on a thread that runs the io_context (e.g.
// inside a callback) or while the io_context is not running; no callback runs after the
// destructor returned.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/backoff.hpp"
#include "kucoin/core/result.hpp"
#include "kucoin/net/http_client.hpp"  // TlsOptions
#include "kucoin/core/log.hpp"
#include "kucoin/core/url.hpp"
#include "kucoin/net/rest_client.hpp"  // RestClient
#include "kucoin/net/wire_tap.hpp"
#include "kucoin/protocol/bullet.hpp"
#include "kucoin/protocol/rest_error.hpp"
#include "kucoin/protocol/ws_client_session.hpp"  // WsReason, WsTopicStatus
#include "kucoin/protocol/ws_topic.hpp"

namespace boost::asio {
class io_context;
}

namespace kucoin::net {

// A connection's state (one per connection slot; a slot reconnects until stopped).
enum class WsState : std::uint8_t {
  connecting,    // fetching a token, connecting, upgrading, waiting for the welcome
  live,          // welcome received: pings run, subscriptions are (re)sent
  reconnecting,  // the connection ended; waiting `delay` before the next attempt
  paused,        // pause() closed it; resume() reconnects at once
  stopped,       // stop() or the destructor: final
  failed,        // the bullet request was refused for a configuration reason (reason auth_error, error):
                 // no retry until resume(), which tries again at once (after the configuration is fixed)
};
std::string_view to_string(WsState s) noexcept;

// One data frame ({"type":"message",...}), delivered in arrival order per connection.
struct WsMessage {
  std::size_t connection = 0;  // the connection slot it arrived on
  std::string_view topic;      // "/market/level2:BTC-USDT": always one symbol (or the channel alone)
  std::string_view channel;    // "/market/level2": the topic before ':' (parsed once, here)
  std::string_view symbol;     // "BTC-USDT"; empty for a symbol-less channel
  // The whole frame's JSON text. At least kucoin::kJsonPadding (64, protocol/l2_codec.hpp)
  // readable bytes follow text.data() + text.size(), so it can be parsed in place
  // (L2Decoder::decode_update_padded). Valid during the callback only.
  std::string_view text;
  std::chrono::steady_clock::time_point received;  // when the read that brought it completed
};

// Per data topic: "/market/level2:BTC-USDT" (one symbol), or the channel alone ("/account/balance").
struct WsTopicEvent {
  std::size_t connection = 0;
  std::string_view topic;
  WsTopicStatus status = WsTopicStatus::subscribed;
  WsReason reason = WsReason::none;  // lost: why the connection ended; rejected: error_frame; failed: auth_error
  int code = 0;                      // rejected: the error frame's code (404, 509, 403, ...); failed: as WsStateEvent
  std::string_view detail;           // human text ("topic ... is not found"); never a token
};

struct WsStateEvent {
  std::size_t connection = 0;
  WsState state = WsState::connecting;
  WsReason reason =
      WsReason::none;  // connecting: why the previous attempt ended; reconnecting/paused/stopped/failed: why
  std::chrono::milliseconds delay{0};  // reconnecting: the wait before the next attempt
  std::uint32_t attempt = 0;           // reconnecting: failed attempts in a row (0 after an established session)
  int code = 0;                        // upgrade_rejected: HTTP status; error_frame/token_expired: the frame's code;
                                       // auth_error/token_failed: the KuCoin code (400007), else the HTTP status
  std::string_view detail;          // what happened, for people (with a hint for auth_error); never a secret or token
  const ApiError* error = nullptr;  // failed/auth_error and reconnecting/token_failed: the bullet request's error
                                    // (valid during the callback)
  bool private_token = false;
  std::size_t topics = 0;  // data topics assigned to this connection
};

// Conditions to branch on (kucoin/protocol/ws_client_session.hpp): the client retries by itself
// (reconnecting), the configuration must be fixed first (failed, auth_error), the connection's
// streams may have lost frames (books must resync; MarketDataClient does it).
inline bool is_retryable(const WsStateEvent& e) noexcept {
  return e.state == WsState::reconnecting && kucoin::is_retryable(e.reason);
}
inline bool is_configuration_error(const WsStateEvent& e) noexcept { return kucoin::is_configuration_error(e.reason); }
inline bool needs_resync(const WsStateEvent& e) noexcept {
  return (e.state == WsState::reconnecting || e.state == WsState::failed || e.state == WsState::paused) &&
         kucoin::needs_resync(e.reason);
}

// Every error frame received ({"type":"error",...}), besides its effect on topics and states.
struct WsErrorFrameEvent {
  std::size_t connection = 0;
  std::optional<std::string_view> id;
  int code = 0;
  std::string_view data;
  std::string_view request_topic;  // the subscribe/unsubscribe topic the id belongs to (empty if none)
};

struct WsHandlers {
  std::function<void(const WsMessage&)> on_message;  // hot path: keep it short
  std::function<void(const WsTopicEvent&)> on_topic;
  std::function<void(const WsStateEvent&)> on_state;
  std::function<void(const WsErrorFrameEvent&)> on_error;
};

// Fetches a bullet token (public or private). The result may be delivered on any thread.
using WsTokenHandler = std::function<void(Result<BulletToken, ApiError>)>;
using WsTokenProvider = std::function<void(bool private_token, WsTokenHandler done)>;

struct WsClientOptions {
  // TLS for wss:// endpoints. Unset: the RestClient's TLS options (RestClient constructor), or
  // the defaults (verify against the system store).
  std::optional<TlsOptions> tls;
  std::chrono::milliseconds token_timeout{30'000};  // the bullet request
  // Every connection takes a private token (bullet-private, signed), public topics too: KuCoin
  // serves public topics on private connections, and an app that holds a key anyway then makes
  // one kind of bullet request (a key without permission fails there, as a configuration error).
  bool private_token_for_public = false;
  std::chrono::milliseconds connect_timeout{10'000};  // each of resolve, TCP connect, TLS handshake, upgrade
  std::chrono::milliseconds welcome_timeout{10'000};  // upgrade done -> welcome
  std::chrono::milliseconds ack_timeout{10'000};      // subscribe/unsubscribe -> ack or error
  std::chrono::milliseconds close_timeout{2'000};     // our close handshake (stop, pause, rotation)
  // Reconnect with a fresh token once a token is this old (KuCoin's tokens live 24 h), or at 9/10
  // of the validity the bullet answer declares (tokenValidFor) when that is sooner.
  std::chrono::milliseconds token_max_age{std::chrono::hours(23)};
  // Token rotation makes the fresh connection before it breaks the old one: the fresh one
  // connects and subscribes while the old one still delivers, and holds its frames until the old
  // one has delivered its last frame (rotation_overlap after the fresh one's last ack, the old one
  // unsubscribes everything, reads until those acks, then closes). Consumers that
  // follow sequences (level2) then see no gap and only skip what arrives twice; no topic is
  // reported lost and the state event is `live` with reason token_rotation. When the fresh
  // connection fails, holds more than rotation_buffer_bytes, or is not ready within
  // rotation_timeout, the old one is closed and the slot reconnects (break-before-make, which is
  // what false selects always).
  bool make_before_break = true;
  std::chrono::milliseconds rotation_overlap{1'000};
  std::chrono::milliseconds rotation_timeout{60'000};
  std::size_t rotation_buffer_bytes = 64u << 20;
  // Failed attempts in a row back off: 500 ms doubling to 30 s, full jitter.
  BackoffConfig backoff{};
  // A session live at least stable_after is established: the backoff starts over and the first
  // attempt after it follows within quick_reconnect_max (uniform jitter: a fleet dropped at the
  // same moment does not come back in step). A shorter session counts as a failed attempt, so a
  // server that accepts and drops at once still sees the backoff grow. (kucoin/core/reconnect.hpp)
  std::chrono::milliseconds stable_after{1'000};
  std::chrono::milliseconds quick_reconnect_max{50};
  // Jitter seed: connection k draws from Rng(seed + k). Unset: a random seed per WsClient
  // (kucoin/net/random_seed.hpp); set it for reproducible delays (scenarios, tests).
  std::optional<std::uint64_t> seed;
  PlannerConfig limits{};  // 400 topics per connection (0: unlimited), 100 symbols per request
  std::string user_agent{kDefaultUserAgent};
  std::string connect_id_prefix;  // connectId = prefix + "-" + slot + "-" + attempt; empty: random
  std::size_t max_message_bytes = 16u << 20;
  // The least time between two reads of a connection. 0 (the default): frames are read as soon as
  // they arrive, the lowest latency, and one wake-up of the thread per burst the server sends (a
  // stream paced at 40,000 frames/s wakes it about 25,000 times a second). With 1 ms a busy
  // stream is read at most 1,000 times a second, all that arrived meanwhile at once (far fewer
  // context switches, the CPU left to others, a phone's battery spared) for up to 1 ms more
  // latency; a sparse stream is not delayed (its interval has passed when a frame arrives).
  std::chrono::microseconds min_read_interval{0};
  // The kernel's receive buffer of each connection (SO_RCVBUF), in bytes. 0 (the default): the
  // kernel sizes it (on Linux it grows to megabytes). A small one makes a reader that falls
  // behind visible to the server within a few frames, as on a congested mobile link; KuCoin
  // then drops frames for it (a sequence gap the books resync on).
  std::size_t receive_buffer_bytes = 0;
  // Set when exactly one thread runs the io_context: the client then uses the io_context's
  // executor instead of a strand of its own (the same guarantees, less work per frame).
  bool single_threaded_io = false;
  LogSink log;  // one line per lifecycle event; never tokens
  // Every frame in and out and each connection's lifecycle, raw (kucoin/net/wire_tap.hpp: the
  // payloads carry tokens; redact before writing). Unset: none, at no cost.
  WireTap tap;
};

class WsClient {
 public:
  // Tokens from `rest.bullet_public()` / `bullet_private()`; `rest` must outlive the WsClient.
  // Throws std::invalid_argument for unusable TLS options.
  WsClient(boost::asio::io_context& io, RestClient& rest, WsClientOptions options, WsHandlers handlers);
  WsClient(boost::asio::io_context& io, WsTokenProvider tokens, WsClientOptions options, WsHandlers handlers);
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Adds topics ("/market/level2:BTC-USDT,ETH-USDT", "/account/balance"). Each symbol is one data
  // topic; ones already held are ignored. They go to the first connection of the same kind
  // (public/private token) with room (limits.max_topics_per_connection), else to a new
  // connection; requests carry at most limits.max_symbols_per_request symbols. Validation
  // errors (malformed topic, symbols where a known channel takes none, ...) are returned at once
  // and nothing is added.
  Result<void> subscribe(std::span<const std::string> topics);
  Result<void> subscribe(std::string_view topic);
  // Removes topics (unknown ones are ignored); the server is asked to unsubscribe.
  Result<void> unsubscribe(std::span<const std::string> topics);
  Result<void> unsubscribe(std::string_view topic);

  // App backgrounded or network lost: close every connection now (topics lost, reason paused).
  void pause();
  // Reconnect every connection now with a fresh token (also cuts a backoff wait short, and
  // retries connections in the failed state, e.g. once the key got the permission it lacked).
  void resume();
  // Close everything for good (states stopped). The destructor does it too.
  void stop();

  struct Stats {
    std::uint64_t connections_opened = 0;  // upgrades that succeeded
    std::uint64_t tokens_fetched = 0;
    std::uint64_t reconnects = 0;  // attempts after the first one of a slot
    std::uint64_t messages = 0;    // data frames delivered
    std::uint64_t bytes = 0;       // their size
    std::uint64_t pings_sent = 0;
    std::uint64_t pongs = 0;
    std::uint64_t bad_frames = 0;  // frames that could not be decoded (logged, not delivered)
  };
  Stats stats() const;  // any thread

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  friend struct WsClientAccess;
};

// The parts of a ws:// or wss:// URL ("wss://host[:port]/path?query"): parse_url(url, UrlScheme::websocket).
Result<Url> parse_ws_url(std::string_view url);

}  // namespace kucoin::net
