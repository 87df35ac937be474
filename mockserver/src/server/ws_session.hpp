// A KuCoin WebSocket session on an upgraded connection (ws:// or wss://): the read loop, the
// writer (control frames first, then the data frames FeedScheduler picks) and the watchdog. The
// decisions are made by pure code (WsSessionLogic answers frames, FeedScheduler picks data
// frames, WsAdmissions admitted the upgrade); this side reads, writes and waits.
#pragma once

#include "beast_prelude.hpp"

namespace kucoin::mock {

// An admitted upgrade request, handed from the HTTP session to the WebSocket session.
struct WsUpgrade {
  http::request<http::string_body> request;
  WsAdmission admission;
  kucoin::Market venue = kucoin::Market::spot;  // the host it came to
};

// Completes the upgrade on `stream` and runs the session until the connection ends.
asio::awaitable<void> run_ws_session(MockServer::Impl& s, beast::tcp_stream stream, WsUpgrade up);
asio::awaitable<void> run_ws_session(MockServer::Impl& s, beast::ssl_stream<beast::tcp_stream> stream, WsUpgrade up);

}  // namespace kucoin::mock
