// One accepted connection: the TLS handshake (on a TLS listener), then HTTP/1.1 keep-alive
// requests answered by RestService, until the connection ends or an upgrade request is admitted
// and becomes a WebSocket session (ws_session.hpp). I/O only.
#pragma once

#include "server_state.hpp"

namespace kucoin::mock {

// `venue`: the host the connection came to (spot, or the futures listener).
asio::awaitable<void> http_session(MockServer::Impl& s, tcp::socket socket, kucoin::Market venue);

}  // namespace kucoin::mock
