// MockServer::Impl: what the MockServer API (mock_server.cpp), the listener (listener.cpp), the
// HTTP sessions (http_session.cpp) and the WebSocket sessions (ws_session.cpp) share. Private to
// mockserver/src/server/. Asio only: Beast stays in the two session files (beast_prelude.hpp).
// Every server TU includes this first, so the Asio settings below hold in all of them.
#pragma once

// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames; silenced in the
// server's translation units only (each includes this header first).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "kucoin/mock/fault_plan.hpp"
#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/private_routes.hpp"
#include "kucoin/mock/server.hpp"

namespace kucoin::mock {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

// Awaited operations give (error_code, ...) tuples: expected endings are values, never exceptions.
inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Unix ms, for REST answers and token expiry (the I/O layer reads the clock; pure code takes it).
inline std::int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "::1" -> "[::1]" for URLs and messages.
inline std::string bracket(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// The part of a WebSocket session other threads may poke (MockServer::drop_ws_connections,
// expire_tokens).
struct WsSessionBase {
  virtual ~WsSessionBase() = default;
  virtual void drop(std::string reason) = 0;  // thread-safe
  virtual void recheck_token() = 0;           // thread-safe
  // Private pushes (PrivateRoutes' frames) to write in this order, after the control frames
  // already queued. Thread-safe.
  virtual void push_private(std::vector<std::string> frames) = 0;
};

struct MockServer::Impl {
  explicit Impl(MockServerConfig c);

  MockServerConfig config;
  std::shared_ptr<Market> market;
  std::shared_ptr<LiveMarket> live;     // non-null when the market streams level2 frames
  std::shared_ptr<LiveMarket> futures;  // the futures host's market; null: no futures host
  RestService rest;
  std::unique_ptr<asio::io_context> io;
  std::optional<ssl::context> tls;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<tcp::acceptor> futures_acceptor;
  std::uint16_t futures_port = 0;
  std::vector<std::thread> threads;
  std::string ca;
  std::uint16_t port = 0;
  bool started = false;
  bool stopped = false;
  std::mutex life_mu;
  std::atomic<std::uint64_t> accepted{0}, accept_failures{0}, tls_failures{0}, requests{0}, bad_requests{0};

  // WebSocket side.
  mutable std::mutex ws_mu;  // guards ws_admissions and ws_sessions
  WsAdmissions ws_admissions;
  std::unordered_map<std::uint64_t, std::weak_ptr<WsSessionBase>> ws_sessions;
  std::atomic<std::uint64_t> ws_upgrades{0}, ws_rejected{0}, ws_open{0}, ws_frames_sent{0}, ws_frames_dropped{0},
      ws_pings{0};

  void emit(WsServerEvent ev) const;
  bool no_pong_now() const;
  // The symbols the host of `venue` lists.
  std::vector<std::string> market_symbols(kucoin::Market venue) const;
  // The market the WebSocket sessions of `venue`'s host stream from (null: none streams).
  LiveMarket* streaming_market(kucoin::Market venue) const;
  // Decides about an upgrade request to `venue`'s host (WsAdmissions, under the lock); a refusal
  // is counted and reported.
  WsAdmission ws_admit(std::string_view target, kucoin::Market venue);
  void ws_started(std::uint64_t connection, std::shared_ptr<WsSessionBase> session);
  void ws_ended(std::uint64_t connection, const std::string& reason, std::uint64_t sent, std::uint64_t dropped,
                bool was_open);
  // The mock decided to close a session: the record says why at once (the session ends later).
  void ws_closing(std::uint64_t connection, const std::string& reason);
  std::vector<std::shared_ptr<WsSessionBase>> ws_live_sessions() const;

  // Private channels (kucoin-protocol.md §8.2). private_mu is taken before ws_mu, never inside it.
  std::mutex private_mu;  // guards private_routes, and orders the deliveries
  PrivateRoutes private_routes;
  // Session `connection` (a private token of `key`) subscribed or unsubscribed a private channel.
  void private_subscribe(std::uint64_t connection, std::string_view key, std::string_view channel);
  void private_unsubscribe(std::uint64_t connection, std::string_view channel);
  // Hands the exchange's pushes since the last call to the sessions that listen to their key, in
  // the order they happened (called after every REST request); pushes nobody listens to are gone.
  void deliver_private_pushes();

  // Network conditions (the plan's): sessions opened now get network_now(); handover() cuts every
  // open session, and later ones get the conditions after a handover.
  NetworkPlan network;
  std::atomic<bool> handed_over{false};
  NetworkConditions network_now() const;
  void handover();
};

}  // namespace kucoin::mock
