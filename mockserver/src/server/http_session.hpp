// One accepted connection: the TLS handshake (on a TLS listener), then HTTP/1.1 keep-alive
// requests answered by RestService, until the connection ends or an upgrade request is admitted
// and becomes a WebSocket session (ws_session.hpp). I/O only.
#pragma once

#include "server_state.hpp"

namespace kucoin::mock {

asio::awaitable<void> http_session(MockServer::Impl& s, tcp::socket socket);

}  // namespace kucoin::mock
