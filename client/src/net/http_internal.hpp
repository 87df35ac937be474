// Internal to kucoin_net: the coroutine interface of HttpClient for RestClient (and later the
// WebSocket session), so that Beast stays in http_client.cpp.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "kucoin/net/http_client.hpp"

namespace kucoin::net {

struct HttpClientAccess {
  // Performs one exchange; must be awaited on executor(client).
  static boost::asio::awaitable<HttpResult> request(HttpClient& client, HttpRequest request);
  // The client's strand: everything of one client (and of a RestClient on top) runs there.
  static boost::asio::any_io_executor executor(HttpClient& client);
};

}  // namespace kucoin::net
