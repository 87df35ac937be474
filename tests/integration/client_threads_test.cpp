// The client's threading rules (market_data_client.hpp): callbacks run on one strand, one at a
// time; every public method may be called from any thread. Here two threads run the io_context
// while four other threads call every public method of MarketDataClient over and over (subscribe,
// subscribe_depth, unsubscribe, with_book, scale, stats, ws_stats, pause, resume) as level2 frames
// flow from the mock. Meaningful under ThreadSanitizer (scripts/sanitize.sh tsan), and on its own it
// checks: no two callbacks overlap, no callback runs inside a method call of the caller threads'
// (with_book's copy is taken outside callbacks), a synced book seen from anywhere is never crossed,
// and at the end every full book equals the mock's truth at the same sequence, level by level.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "kucoin/net/market_data_client.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

const std::vector<std::string> kSymbols = {"BTC-USDT", "ETH-USDT", "XRP-USDT"};
constexpr std::uint64_t kMessages = 12'000;  // per symbol, at 3,000 frames/s: about 4 s of flow

TEST(ClientThreads, EveryPublicMethodFromOtherThreadsWhileFramesFlow) {
  mock::LiveMarketConfig market;
  market.symbols = kSymbols;
  market.levels_per_side = 200;
  market.messages = kMessages;
  mock::MockServerConfig cfg;
  cfg.rest.ping_interval_ms = 1'000;
  cfg.rest.ping_timeout_ms = 10'000;
  cfg.ws.pace_per_symbol = 3'000;
  WsHarness ws(false, std::move(cfg), std::move(market));

  net::MarketDataOptions o;
  o.ws = ws.options();
  o.books.snapshot_retry = BackoffConfig{5ms, 2.0, 50ms, Jitter::none};
  o.books.stale_after = 0ms;
  o.stale_check_interval = 10ms;

  std::atomic<int> in_callback{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> crossed{0};
  std::atomic<std::uint64_t> book_events{0};
  std::atomic<std::uint64_t> connection_events{0};
  std::mutex mu;
  std::condition_variable cv;
  net::MarketDataClient* self = nullptr;

  net::MarketDataHandlers h;
  h.on_book = [&](const BookEvent& e) {
    if (in_callback.fetch_add(1) != 0) ++overlaps;
    ++book_events;
    // Inside a callback: the live book, no copy.
    self->with_book({e.symbol, e.book_kind}, [&](const BookView& v) {
      if (v.status == BookStatus::synced && v.book && v.book->crossed_or_locked()) ++crossed;
    });
    in_callback.fetch_sub(1);
    cv.notify_all();
  };
  h.on_connection = [&](const net::WsStateEvent&) {
    if (in_callback.fetch_add(1) != 0) ++overlaps;
    ++connection_events;
    in_callback.fetch_sub(1);
  };
  auto client = std::make_unique<net::MarketDataClient>(ws.base->io, *ws.rest, std::move(o), std::move(h));
  self = client.get();

  auto work = boost::asio::make_work_guard(ws.base->io);
  std::vector<std::thread> io_threads;
  for (int i = 0; i < 2; ++i) io_threads.emplace_back([&] { ws.base->io.run(); });

  ASSERT_TRUE(client->subscribe(kSymbols));
  // Callers: every public method, from four threads, until frames have flowed for a while.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  std::atomic<std::uint64_t> calls{0};
  std::atomic<int> method_errors{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&, t] {
      const std::string& mine = kSymbols[static_cast<std::size_t>(t) % kSymbols.size()];
      const std::vector<std::string> one{mine};
      std::uint64_t disrupted_at = 0;  // messages handled at this thread's last pause or unsubscribe
      for (std::uint64_t i = 0;; ++i) {
        {
          // Paced by the book events (frames flowing), at most 5 ms apart: the calls interleave
          // with the executor's work instead of flooding it with posted subscribes.
          std::unique_lock lock(mu);
          cv.wait_for(lock, 5ms);
        }
        const std::uint64_t handled = client->stats().messages;
        if (handled >= 3 * kMessages / 2 && i >= 50) break;
        if (std::chrono::steady_clock::now() > deadline) break;
        // Disruptions (unsubscribe, pause + resume) once some thousand frames flowed since the last.
        const bool disrupt = handled >= disrupted_at + 4'000;
        switch (i % 8) {
          case 0:
            if (!client->subscribe(one)) ++method_errors;
            break;
          case 1:
            if (!client->subscribe_depth(one, BookKind::depth5)) ++method_errors;
            break;
          case 2:
            client->with_book(mine, [&](const BookView& v) {
              if (v.status == BookStatus::synced && v.book && v.book->crossed_or_locked()) ++crossed;
            });
            break;
          case 3:
            (void)client->scale(mine);
            (void)client->ws_stats();
            break;
          case 4:
            if (t == 3 && disrupt) {
              client->unsubscribe(std::vector<std::string>{"XRP-USDT"});
              disrupted_at = handled;
            }
            (void)client->with_book({mine, BookKind::depth5}, [](const BookView&) {});
            break;
          case 5:
            if (t == 2 && disrupt) {
              client->pause();
              client->resume();
              disrupted_at = handled;
            }
            break;
          case 6:
            if (!client->subscribe(kSymbols)) ++method_errors;
            break;
          default: (void)client->stats(); break;
        }
        ++calls;
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(method_errors.load(), 0);
  const std::uint64_t during = client->stats().messages;
  EXPECT_GT(during, 0u) << "no frame flowed while the methods were called";

  // Every book back and equal to the truth once the finite stream is done.
  ASSERT_TRUE(client->subscribe(kSymbols));
  client->resume();
  auto exact = [&](const std::string& symbol) {
    auto truth = ws.live->truth(symbol);
    if (!truth || truth->produced < kMessages) return false;
    bool ok = false;
    client->with_book(symbol, [&](const BookView& v) {
      ok = v.status == BookStatus::synced && v.sequence == truth->book.sequence && v.book &&
           v.book->top(Side::bid, 1'000'000) == truth->book.bids &&
           v.book->top(Side::ask, 1'000'000) == truth->book.asks;
    });
    return ok;
  };
  bool all = false;
  {
    std::unique_lock lock(mu);
    const auto until = std::chrono::steady_clock::now() + 60s;
    while (!(all = std::all_of(kSymbols.begin(), kSymbols.end(), exact)) && std::chrono::steady_clock::now() < until) {
      cv.wait_for(lock, 50ms);  // woken by every book event; the timeout re-checks after the last one
    }
  }
  EXPECT_TRUE(all) << "not every book equals the truth at the end";

  client->stop();
  work.reset();
  ws.base->io.stop();
  for (auto& t : io_threads) t.join();
  client.reset();  // the io_context is not running

  EXPECT_EQ(overlaps.load(), 0) << "two callbacks ran at once";
  EXPECT_EQ(crossed.load(), 0) << "a synced book was crossed";
  EXPECT_GT(book_events.load(), 0u);
  EXPECT_GT(connection_events.load(), 0u);
  EXPECT_GT(calls.load(), 200u);
  EXPECT_GT(during, kMessages) << "frames stopped flowing while the methods were called";
}

}  // namespace
}  // namespace kucoin::testing
