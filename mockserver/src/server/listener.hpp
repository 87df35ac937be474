// The mock's listener: binds the configured address and accepts connections, each of which
// becomes an HTTP session (http_session.hpp). I/O only.
#pragma once

#include "server_state.hpp"

#include "kucoin/core/result.hpp"

namespace kucoin::mock {

// Opens, binds and listens on config.host:config.port (port 0: the OS picks; s.port tells which),
// or for the futures host on config.host:config.futures_port (s.futures_port).
Result<void> open_listener(MockServer::Impl& s, kucoin::Market venue);

// Accepts until the acceptor is closed. A failed accept() waits accept_retry_delay() before the
// next one (never a spin, e.g. out of file descriptors); every accepted socket gets TCP_NODELAY
// and its own http_session() (on a strand when the server has more than one thread).
// `venue`: the host whose acceptor it serves (its sessions answer as that host).
asio::awaitable<void> accept_loop(MockServer::Impl& s, kucoin::Market venue);

}  // namespace kucoin::mock
