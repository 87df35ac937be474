// Reconnects that match what the server said (issue 9), the real WsClient: jitter seeds are
// random unless set.
#include <gtest/gtest.h>

#include <algorithm>

#include "kucoin/net/random_seed.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

using net::WsState;

constexpr std::string_view kBtc = "/market/level2:BTC-USDT";

// Runs the io_context for `d` (every event in that time is handled; nothing is awaited).
void run_for(boost::asio::io_context& io, std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    io.restart();
    io.run_one_for(10ms);
  }
}

// Jitter differs per client unless a seed is set: four clients whose bullet requests always fail
// transiently, two with default options and two with seed 7.
TEST(WsSeeds, DefaultSeedsAreRandomPerClientAGivenSeedRepeats) {
  EXPECT_NE(net::random_seed(), net::random_seed());
  boost::asio::io_context io;
  net::WsTokenProvider failing = [](bool, net::WsTokenHandler done) {
    ApiError e;
    e.kind = ApiErrorKind::server;
    e.http_status = 503;
    e.msg = "service unavailable";
    done(Unexpected{std::move(e)});
  };
  constexpr std::size_t kDelays = 6;
  const BackoffConfig backoff{20ms, 2.0, 160ms, Jitter::full};
  std::vector<std::vector<std::int64_t>> delays(4);
  std::vector<std::unique_ptr<net::WsClient>> clients;
  for (std::size_t i = 0; i < 4; ++i) {
    net::WsClientOptions o;
    o.backoff = backoff;
    o.tls = net::TlsOptions{false, false, {}, {}};
    if (i >= 2) o.seed = 7;
    net::WsHandlers h;
    h.on_state = [&delays, i](const net::WsStateEvent& e) {
      if (e.state == WsState::reconnecting && delays[i].size() < kDelays) delays[i].push_back(e.delay.count());
    };
    clients.push_back(std::make_unique<net::WsClient>(io, failing, o, h));
    ASSERT_TRUE(clients.back()->subscribe(kBtc));
  }
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < until &&
         std::any_of(delays.begin(), delays.end(), [](const auto& d) { return d.size() < kDelays; })) {
    io.run_one_for(10ms);
  }
  for (auto& c : clients) c->stop();
  run_for(io, 50ms);
  for (const auto& d : delays) ASSERT_EQ(d.size(), kDelays);
  EXPECT_NE(delays[0], delays[1]) << "default options: a random seed per client";
  EXPECT_EQ(delays[2], delays[3]) << "the same seed: the same delays";
  Backoff expected(backoff, Rng(7));  // connection 0 draws from Rng(seed + 0)
  for (std::size_t k = 0; k < kDelays; ++k) EXPECT_EQ(delays[2][k], expected.next().count()) << k;
}

}  // namespace
}  // namespace kucoin::testing
