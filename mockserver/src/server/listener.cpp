#include "listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>

#include "http_session.hpp"
#include "kucoin/mock/accept_retry.hpp"

namespace kucoin::mock {

Result<void> open_listener(MockServer::Impl& s, kucoin::Market venue) {
  const bool futures = venue == kucoin::Market::futures;
  std::unique_ptr<tcp::acceptor>& acceptor = futures ? s.futures_acceptor : s.acceptor;
  const std::uint16_t port = futures ? s.config.futures_port : s.config.port;
  error_code ec;
  const auto address = asio::ip::make_address(s.config.host, ec);
  if (ec)
    return fail(Errc::invalid_argument, "mock server: bad host address '" + s.config.host + "' (give an IP address)");
  acceptor = std::make_unique<tcp::acceptor>(*s.io);
  const tcp::endpoint ep(address, port);
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(Errc::invalid_argument, std::string("mock server: cannot listen") + (futures ? " (futures host)" : "") +
                                            " on " + bracket(s.config.host) + ":" + std::to_string(port) + ": " +
                                            ec.message());
  }
  (futures ? s.futures_port : s.port) = acceptor->local_endpoint().port();
  return {};
}

asio::awaitable<void> accept_loop(MockServer::Impl& s, kucoin::Market venue) {
  tcp::acceptor& acceptor = venue == kucoin::Market::futures ? *s.futures_acceptor : *s.acceptor;
  asio::steady_timer retry(co_await asio::this_coro::executor);
  std::uint32_t failures_in_a_row = 0;
  for (;;) {
    // One thread: the io_context's executor is already serial; a strand per connection would only
    // add locking and reference counting to every operation of the streaming path.
    auto [ec, socket] =
        co_await acceptor.async_accept(s.config.threads <= 1 ? asio::any_io_executor(s.io->get_executor())
                                                             : asio::any_io_executor(asio::make_strand(*s.io)),
                                       kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      // Keep serving the others, but never spin: out of descriptors, the pending connection stays
      // in the backlog and accept fails again at once until some descriptor is closed.
      const std::uint64_t failures = ++s.accept_failures;
      if (s.config.on_accept_failure) s.config.on_accept_failure(failures);
      const bool os_error = ec.category() == boost::system::system_category();
      const auto delay = accept_retry_delay(os_error ? ec.value() : -1, ++failures_in_a_row);
      if (delay.count() > 0) {
        retry.expires_after(delay);
        auto [tec] = co_await retry.async_wait(kTuple);
        if (tec || !acceptor.is_open()) co_return;
      }
      continue;
    }
    failures_in_a_row = 0;
    ++s.accepted;
    // Small frames go out at once (no Nagle delay): latency measurements and pongs depend on it.
    error_code nodelay_ec;
    socket.set_option(tcp::no_delay(true), nodelay_ec);
    auto ex = socket.get_executor();
    asio::co_spawn(ex, http_session(s, std::move(socket), venue), asio::detached);
  }
}

}  // namespace kucoin::mock
