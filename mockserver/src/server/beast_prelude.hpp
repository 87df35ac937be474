// The Boost.Beast side of the mock server, for the two translation units that speak HTTP and
// WebSocket (http_session.cpp, ws_session.cpp): Beast is heavy to compile, so no other file
// includes it, and no public header ever does.
#pragma once

#include "server_state.hpp"  // first: the Asio settings of every server TU

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

namespace kucoin::mock {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

inline constexpr std::string_view kServerHeader = "kucoin-harness-mock/0.1";

}  // namespace kucoin::mock
