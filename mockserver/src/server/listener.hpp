// The mock's listener: binds the configured address and accepts connections, each of which
// becomes an HTTP session (http_session.hpp). I/O only.
#pragma once

#include "server_state.hpp"

#include "kucoin/core/result.hpp"

namespace kucoin::mock {

// Opens, binds and listens on config.host:config.port (port 0: the OS picks; s.port tells which).
Result<void> open_listener(MockServer::Impl& s);

// Accepts until the acceptor is closed. A failed accept() waits accept_retry_delay() before the
// next one (never a spin, e.g. out of file descriptors); every accepted socket gets TCP_NODELAY
// and its own http_session() (on a strand when the server has more than one thread).
asio::awaitable<void> accept_loop(MockServer::Impl& s);

}  // namespace kucoin::mock
