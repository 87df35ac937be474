// Internal to kucoin_net: what MarketDataClient needs of a WsClient beyond its public API.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include "kucoin/net/ws_client.hpp"

namespace kucoin::net {

struct WsClientAccess {
  // Where the client's callbacks run: its strand, or the io_context's executor with
  // single_threaded_io. Work posted here runs one at a time with those callbacks.
  static boost::asio::any_io_executor executor(WsClient& client);
  // Whether the calling thread is running that executor's work right now (inside a callback).
  static bool running_in_executor(const WsClient& client);
};

}  // namespace kucoin::net
