// The private prelude of the client's I/O translation units (http_client.cpp, rest_client.cpp,
// ws_client.cpp, market_data_client.cpp): Asio with C++20 coroutines, the names they share, and
// the one warning GCC 12 gets wrong on Asio's coroutine frames. Never included by a public header.
#pragma once

// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames (operator new/delete
// of awaitable_frame_base are a matching pair); silenced for the translation units of kucoin_net.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <string>

namespace kucoin::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

// co_await op(..., kTuple): the error code comes back as a value, never as an exception.
inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

inline std::string ms_text(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

}  // namespace kucoin::net
