// A narrow hook to see what the client sends and receives, byte for byte: WebSocket frames in
// and out, HTTP requests and answers, and a connection's lifecycle (token fetched, connected,
// welcome, disconnected). The recorder (`kucoin-harness record`) writes captures from it; the
// client does no file I/O of its own.
//
// Set WsClientOptions::tap and HttpClientOptions::tap (RestClientOptions::http.tap,
// MarketDataOptions::ws.tap). The tap runs on the thread that saw the event (the WsClient's
// executor, or the HttpClient's strand: two different strands, so a tap shared by both must
// lock), inside the client's hot path: keep it short and never call back into the client.
//
// The payloads are what went over the wire, secrets included: signed requests carry KC-API-KEY,
// KC-API-SIGN and KC-API-PASSPHRASE, bullet answers and connect URLs carry the token. Redact before
// writing them anywhere (kucoin/capture/redact.hpp does it for captures).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "kucoin/protocol/headers.hpp"

namespace kucoin::net {

enum class WireEventKind : std::uint8_t {
  ws_in,          // a text frame received (every frame: welcome, pong, ack, data, error)
  ws_out,         // a text frame sent (ping, subscribe, unsubscribe)
  http_request,   // a request about to be sent
  http_response,  // its answer (status 0: none, `detail` says why)
  ws_connect,     // a WebSocket upgrade succeeded (`url`: the endpoint with token and connectId)
  ws_welcome,     // the welcome arrived: the session is live
  ws_disconnect,  // an upgraded connection ended (`reason`, `detail`)
  token_fetched,  // a bullet token arrived for a connection about to be made (`detail`: public/private)
};

struct WireEvent {
  WireEventKind kind = WireEventKind::ws_in;
  // WebSocket events: the connection's number within its WsClient (1, 2, ... one per connection
  // attempt); token_fetched carries the number of the connection it is for. HTTP: 0.
  std::uint64_t connection = 0;
  std::chrono::steady_clock::time_point time;  // ws_in: when the read that brought it completed
  std::string_view payload;                    // frame text; HTTP body (request or answer)
  std::string_view url;                        // HTTP: the request target "/api/..."; ws_connect: the URL
  std::string_view method;                     // http_request
  int status = 0;                              // http_response
  std::span<const Header> headers;             // http_request: the headers given (signatures included)
  std::string_view reason;                     // ws_disconnect: the WsReason's name
  std::string_view detail;
};

using WireTap = std::function<void(const WireEvent&)>;

}  // namespace kucoin::net
