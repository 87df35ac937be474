// MockServer: the mock KuCoin's network side. One listener (127.0.0.1 by default, port 0 allowed)
// serving plain HTTP or HTTPS on its own io_context thread(s), and with a futures market a second
// one for the futures host (api-futures.kucoin.com: its own base URL, bullet endpoints, market data
// endpoints and WebSocket endpoint; kucoin-protocol.md §1, §7). REST requests go to RestService;
// WebSocket upgrades on the same port (path /endpoint) become KuCoin WebSocket sessions (ws:// or
// wss:// matching the listener): token check, welcome, ping/pong, subscribe/ack, level2 frames
// streamed from a LiveMarket, and configurable faults (mockserver/README.md).
// No Asio or Beast here: they stay in mockserver/src/server/ (Beast in http_session.cpp and ws_session.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kucoin/core/result.hpp"
#include "kucoin/mock/capture_source.hpp"  // RecordedTopics
#include "kucoin/mock/fault_plan.hpp"
#include "kucoin/mock/market.hpp"
#include "kucoin/mock/rest_service.hpp"
#include "kucoin/mock/ws_admission.hpp"  // WsFaults, WsConnectionRecord
#include "kucoin/mock/ws_logic.hpp"

namespace kucoin::mock {

// The WebSocket side's settings.
struct WsServerConfig {
  std::string path = "/endpoint";         // upgrade path the bullet endpoints return ("/" is accepted too)
  std::int64_t idle_timeout_ms = 60'000;  // no frame at all from the client this long: close (any frame counts)
  WsLimits limits;                        // 100 symbols per request, 400 topics per connection
  // Level2 frames per second per subscribed symbol; 0: as fast as the socket takes them.
  double pace_per_symbol = 0;
  // > 0: a replayed market's level2 frames go out at their recorded spacing / this (serve --replay
  // --speed X; FeedSchedulerConfig::replay_speed).
  double replay_speed = 0;
  // A replay's recorded ticker and match frames, served as recorded (FeedSchedulerConfig::recorded).
  std::shared_ptr<const RecordedTopics> recorded_topics = nullptr;
  std::int64_t close_grace_ms = 1'000;  // after the mock closes its side, how long it reads before dropping
};

// What happened on the WebSocket side, for tests and scenario runners (called on server threads,
// never with a token: `token` is token_fingerprint()).
struct WsServerEvent {
  enum class Kind : std::uint8_t {
    upgraded,          // a session started (welcome sent unless no_welcome)
    rejected,          // an upgrade was refused (status: the HTTP status)
    subscribed,        // detail: the data topic
    unsubscribed,      // detail: the data topic
    request_rejected,  // an error frame answered a request (status: its code, detail: its text)
    token_expired,     // the 401 frame was sent; the connection closes
    slow_reader_drop,  // count: data frames dropped for a slow reader (detail: the topic)
    closed,            // detail: why ("client closed", "idle timeout", "close_after_frames", ...)
  } kind = Kind::upgraded;
  std::uint64_t connection = 0;  // 1, 2, ... in upgrade order (rejected upgrades get one too)
  std::string connect_id;
  std::string token;  // fingerprint
  bool private_token = false;
  int status = 0;
  std::uint64_t count = 0;
  std::string detail;
};
std::string_view to_string(WsServerEvent::Kind k) noexcept;

struct MockServerConfig {
  std::string host = "127.0.0.1";  // never 0.0.0.0 unless you mean it
  std::uint16_t port = 0;          // 0: the OS picks one; port() tells which
  bool tls = false;
  std::string cert_pem;  // with tls: the server certificate chain (PEM); empty: generate a CA + certificate
  std::string key_pem;   // its private key (PEM)
  unsigned threads = 1;
  std::int64_t idle_timeout_ms = 60'000;  // keep-alive connections idle this long are closed
  RestServiceConfig rest;
  // default: GeneratedMarket. A LiveMarket also streams /market/level2 frames on the WebSocket side.
  std::shared_ptr<Market> market;
  WsServerConfig ws;
  // The futures host: a LiveMarket with venue Market::futures, or (when that is null) the
  // contracts to build one of (seed futures_seed, futures_levels_per_side levels a side). Neither:
  // no futures host. It gets its own listener on the same host (futures_port, 0: the OS picks).
  std::shared_ptr<LiveMarket> futures_market;
  std::vector<std::string> futures_symbols;
  std::uint64_t futures_seed = 4242;
  std::size_t futures_levels_per_side = 500;
  std::uint16_t futures_port = 0;
  WsFaults ws_faults;
  // Every fault to inject, one list (fault_plan.hpp): its REST answers are added to rest.faults,
  // its WebSocket faults set on ws_faults (both hosts), its stream faults and network events added
  // to the LiveMarket that lists the fault's symbol (a fault without a symbol: the spot LiveMarket
  // `market` when there is one, else the futures market), its network conditions applied by every
  // WebSocket session.
  FaultPlan faults;
  std::function<void(const WsServerEvent&)> ws_observer;  // called on server threads; keep it short
  // Called on the listener's thread after each failed accept() with the failures so far (out of
  // descriptors, ...); keep it short.
  std::function<void(std::uint64_t accept_failures)> on_accept_failure;
};

class MockServer {
 public:
  explicit MockServer(MockServerConfig config);
  ~MockServer();  // stops
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  // Binds, listens and starts the threads. Fails (never throws) when the address cannot be used
  // or the TLS material is unusable. A stopped server cannot be started again.
  Result<void> start();
  // Closes the listener and every connection, joins the threads. Idempotent.
  void stop();

  std::uint16_t port() const noexcept;
  std::string url() const;     // "http://127.0.0.1:PORT" or "https://..."
  std::string ws_url() const;  // "ws://127.0.0.1:PORT/endpoint" (the bullet endpoints return it)
  // The futures host (when configured; else empty / 0): "http://127.0.0.1:FPORT" and its
  // WebSocket endpoint (the futures bullet endpoints return it).
  bool has_futures() const noexcept;
  std::uint16_t futures_port() const noexcept;
  std::string futures_url() const;
  std::string futures_ws_url() const;
  // The futures host's market (its truth); null without one.
  std::shared_ptr<LiveMarket> futures_market() const noexcept;
  // PEM of the certificate clients should trust: the generated CA, or the given certificate.
  const std::string& ca_pem() const noexcept;

  RestService& rest() noexcept;

  // WebSocket side, callable from any thread.
  void set_ws_faults(WsFaults faults);
  WsFaults ws_faults() const;
  // Drops every open WebSocket connection now (TCP close without a close frame, as KuCoin does).
  void drop_ws_connections();
  // Every token issued so far expires now: sessions using one get the 401 error frame and close,
  // and upgrades with one get the same frame (kucoin-protocol.md §4.5).
  void expire_tokens();
  // Every upgrade request so far, in order.
  std::vector<WsConnectionRecord> ws_connections() const;

  struct Stats {
    std::uint64_t connections_accepted = 0;
    // accepts that failed (out of descriptors, ...): the listener waits before it tries again
    // (accept_retry_delay), so this stays small instead of spinning
    std::uint64_t accept_failures = 0;
    std::uint64_t tls_handshake_failures = 0;
    std::uint64_t http_requests = 0;
    std::uint64_t bad_requests = 0;       // unparsable HTTP
    std::uint64_t ws_upgrades = 0;        // sessions started
    std::uint64_t ws_rejected = 0;        // upgrades refused
    std::uint64_t ws_open = 0;            // sessions open now
    std::uint64_t ws_frames_sent = 0;     // data frames
    std::uint64_t ws_frames_dropped = 0;  // data frames dropped for slow readers
    std::uint64_t ws_pings = 0;           // JSON pings received
  };
  Stats stats() const noexcept;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kucoin::mock
