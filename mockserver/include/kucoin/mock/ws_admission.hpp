// The WebSocket side's admission: whether an upgrade request becomes a session (path, refusal
// fault, token; kucoin-protocol.md §4.3-4.5), the connectId of its welcome, and the record of every
// upgrade request. Pure: no socket, no clock (the random connectId comes from a seeded Rng); the
// network layer (mockserver/src/server/) asks it under its own lock and writes what it decided.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/rng.hpp"
#include "kucoin/mock/rest_service.hpp"

namespace kucoin::mock {

// Faults of the WebSocket side. Set in MockServerConfig::ws_faults or at run time with
// MockServer::set_ws_faults(); they apply to connections upgraded after the change (no_pong is
// checked at every ping, so it also applies to connections already open).
struct WsFaults {
  bool no_welcome = false;              // never send the welcome frame
  int no_welcome_count = -1;            // how many upgraded connections get no welcome (-1: all of them)
  bool no_pong = false;                 // ignore JSON pings (protocol-level pings are still answered)
  std::int64_t close_after_frames = 0;  // > 0: drop the connection after sending this many frames (any kind)
  std::int64_t close_after_ms = 0;      // > 0: drop the connection this long after the upgrade
  int refuse_upgrade_status = 0;        // != 0: answer upgrades with this HTTP status (401, 403, 503, ...)
  int refuse_upgrade_count = -1;        // how many upgrades to refuse (-1: all of them)
  // > 0: slow-reader policy. A stream whose frames are due (pace_per_symbol) but not yet written
  // exceeds this backlog: the mock drops the oldest ones, as KuCoin does for slow consumers (the
  // client sees a sequence gap). Needs pace_per_symbol > 0 (without a pace nothing is ever late).
  std::size_t slow_reader_backlog = 0;
};

// One upgrade request, as the mock recorded it.
struct WsConnectionRecord {
  std::uint64_t connection = 0;
  std::string connect_id;  // as sent (empty when absent; the welcome then carries a random one)
  std::string token;       // fingerprint ("" when the request had none)
  bool private_token = false;
  int status = 101;               // 101 when upgraded, else the HTTP status answered
  std::string close_reason;       // empty while open
  std::uint64_t frames_sent = 0;  // data frames
  std::uint64_t frames_dropped = 0;
};

// What was decided about one upgrade request.
struct WsAdmission {
  std::uint64_t connection = 0;  // 1, 2, ... in request order (refused requests get one too)
  int status = 101;              // != 101: refuse with this HTTP status and `body`
  std::string body;              // KuCoin's error shape ({"code":"401000","msg":"token is missing"})
  std::string sent_connect_id;   // the request's connectId ("" when it had none)
  std::string connect_id;        // for the welcome: the request's, or a random one
  std::string token;             // kept in memory only, never logged
  std::string fingerprint;       // token_fingerprint(token), "" without a token
  bool private_token = false;
  std::int64_t expires_ms = INT64_MAX;  // the token's expiry (Unix ms); the session checks it
  WsFaults faults;                      // in effect at the upgrade
  bool accepted() const noexcept { return status == 101; }
};

// The upgrade requests of one server. Not thread-safe (MockServer holds a lock around it).
class WsAdmissions {
 public:
  // `path`: the upgrade path the bullet endpoints return ("/" is accepted too); `seed` draws the
  // connectIds of requests that send none.
  WsAdmissions(std::string path, WsFaults faults, std::uint64_t seed);

  // Decides about an upgrade request for `target` ("/endpoint?token=..&connectId=.."), in this
  // order: a bad URL 400 400100; another path 404 404000; the refuse_upgrade fault (that status,
  // "<status>000", refuse_upgrade_count times, -1: always); no token 401 401000 "token is missing";
  // a token `tokens` never issued 401 401000 "token is invalid". An expired token is accepted
  // (the session sends the 401 frame, §4.5). A token from the other host's bullet endpoint
  // (`venue`: the host the request came to) is invalid too: "cannot be mixed" (§4.1).
  // Records the request.
  WsAdmission admit(std::string_view target, const RestService& tokens, kucoin::Market venue = kucoin::Market::spot);

  // Faults for upgrades from now on; restarts the refusal count.
  void set_faults(WsFaults faults);
  const WsFaults& faults() const noexcept { return faults_; }

  // The session is closing for `reason` (the first reason given stays).
  void closing(std::uint64_t connection, std::string_view reason);
  // The session ended: its reason (unless one was recorded) and its data frames.
  void ended(std::uint64_t connection, std::string_view reason, std::uint64_t frames_sent,
             std::uint64_t frames_dropped);

  // Every upgrade request so far, in order.
  const std::vector<WsConnectionRecord>& records() const noexcept { return records_; }

 private:
  WsConnectionRecord* record(std::uint64_t connection);

  std::string path_;
  WsFaults faults_;
  int refuse_left_;
  int no_welcome_left_;
  Rng rng_;
  std::uint64_t next_connection_ = 0;
  std::vector<WsConnectionRecord> records_;
};

}  // namespace kucoin::mock
