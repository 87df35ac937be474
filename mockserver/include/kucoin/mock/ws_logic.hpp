// The mock's WebSocket session logic without I/O (kucoin-protocol.md §5): what to answer to one
// client text frame (pong, ack, error frame) and which per-symbol data topics a connection holds.
// The network layer (src/server/ws_session.cpp) reads frames, calls on_text(), writes the reply and streams
// the added topics. Pure: no clock, no socket; unit-tested without sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/protocol/ws_codec.hpp"
#include "kucoin/protocol/ws_topic.hpp"

namespace kucoin::mock {

// KuCoin's subscription limits (§3.3). Each symbol counts as one topic; a symbol-less topic as one.
struct WsLimits {
  std::size_t max_symbols_per_request = kMaxSymbolsPerRequest;          // 509 beyond
  std::size_t max_topics_per_connection = kSpotMaxTopicsPerConnection;  // 509 beyond; 0: unlimited
};

// What one client frame asks for, and the answer.
struct WsFrameOutcome {
  enum class Kind : std::uint8_t { ping, subscribe, unsubscribe, invalid } kind = Kind::invalid;
  std::string id;                  // the request's id, verbatim (empty when it had none)
  std::string reply;               // frame to send back (pong, ack, error); empty: nothing
  bool rejected = false;           // reply is an error frame
  int error_code = 0;              // its code (400, 403, 404, 415, 509)
  std::vector<DataTopic> added;    // subscribe: topics the connection did not hold yet, in order
  std::vector<DataTopic> removed;  // unsubscribe: topics the connection held
};

// Per connection. Rules (the mock's choices where KuCoin's live behaviour is unknown are marked [U]):
// - ping -> {"id":"<id>","type":"pong"} (id echoed as a string);
// - subscribe/unsubscribe -> {"id":"<id>","type":"ack"} only when "response" is true;
// - a topic is "/channel:SYM1,SYM2" (spaces around symbols trimmed); each symbol becomes its own
//   data topic; symbols the connection already holds are not added twice (still acked);
// - unknown channel, a channel of the other venue (a spot host's session takes spot channels,
//   the futures host's futures channels), malformed topic, or a symbol the market does not list -> 404 "topic <topic> is not found" (the whole request is refused);
// - a private channel on a public-token connection -> 403 "private topic <topic> needs a private
//   token" [U];
// - more than max_symbols_per_request symbols -> 509 "exceed max subscription count limitation of
//   100 per time"; more than max_topics_per_connection held -> 509 "exceed max subscription count
//   limitation of 400 per session" (the whole request is refused);
// - anything that is not ping/subscribe/unsubscribe -> 415 "type is not supported"; an
//   unparsable frame -> 400 with the cause.
class WsSessionLogic {
 public:
  // `symbols`: what the market lists (checked for channels that take symbols); `venue`: the host
  // the session belongs to (which channels it serves).
  WsSessionLogic(WsLimits limits, bool private_token, std::vector<std::string> symbols,
                 kucoin::Market venue = kucoin::Market::spot);

  WsFrameOutcome on_text(std::string_view frame);

  bool private_token() const noexcept { return private_token_; }
  const std::vector<DataTopic>& topics() const noexcept { return topics_; }
  bool holds(std::string_view topic) const;

 private:
  WsFrameOutcome subscribe(const SubscribeFrame& f);
  WsFrameOutcome unsubscribe(const UnsubscribeFrame& f);
  // Parses and checks a topic; on failure fills `out` with the error reply and returns false.
  bool expand(std::string_view topic, std::string_view id, std::vector<DataTopic>& topics, WsFrameOutcome& out);

  WsLimits limits_;
  bool private_token_;
  kucoin::Market venue_;
  std::vector<std::string> symbols_;  // sorted
  std::vector<DataTopic> topics_;     // the per-symbol streams it holds (kucoin/protocol/ws_topic.hpp)
  WsDecoder decoder_;
};

// The frames the mock sends on its own.
std::string welcome_frame(std::string_view connect_id);
std::string token_expired_frame();  // {"type":"error","code":401,"data":"token is expired"}

// A short, stable, non-reversible label for a token in logs and records ("tok:1a2b3c4d").
std::string token_fingerprint(std::string_view token);

}  // namespace kucoin::mock
