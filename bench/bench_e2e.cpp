// End to end over loopback: the mock streams a pregenerated level2 market as fast as the socket
// takes it; the client reads, decodes, keeps the book exact and reports each update.
//
//   build/release/bench/bench_e2e
//
// BM_E2E/<transport>_books : MarketDataClient (WsClient + decoder + synchronizer + events)
// BM_E2E/<transport>_read  : baseline in the same run: a WsClient that only receives the frames
// Throughput is messages/s over the whole stream (subscribe to the last update); latency is the
// time from the mock handing a frame to its socket to the client's book update (or, for the
// baseline, to the frame's arrival), sampled on 1 message in ~8, as p50/p99.
// nvcsw_per_M: voluntary context switches of the client's thread (getrusage RUSAGE_THREAD, the
// mock runs on threads of its own) from subscribe to the last update, per million messages: how
// often the client went to sleep and had to be woken, which a paced stream shows best.
// client_cpu_ns: CPU time (user + system) of the client's thread per message over the same span:
// what a frame costs the client, much less sensitive to a busy machine than messages/s.
// client_allocs_per_M / mock_allocs_per_M: heap allocations (operator new, bench/alloc_counter.hpp)
// per million messages in steady state, from the 10,000th message to the last: of the client's
// thread, and of every other thread (the mock's); client_allocs_setup: the client thread's
// allocations before that (the bullet request, the snapshot, the book), which shows the counter works.
// mock_cpu_ns: CPU time of the rest of the process (the mock's threads) per message, from subscribe
// to the last update: what a frame costs the mock's writer.
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "alloc_counter.hpp"
#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/server.hpp"
#include "kucoin/net/market_data_client.hpp"
#include "kucoin/net/rest_client.hpp"
#include "kucoin/net/ws_client.hpp"

namespace {

using namespace kucoin;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kMessages = 200'000;
constexpr std::size_t kSlots = 1u << 20;
constexpr std::uint64_t kWarmMessages = 10'000;  // the steady state's allocations are counted after these

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// Send times by sequence (sampled: sequenceEnd divisible by 8), written by the mock's thread.
struct SendTimes {
  std::vector<std::atomic<std::int64_t>> at = std::vector<std::atomic<std::int64_t>>(kSlots);
  static bool sampled(std::int64_t seq) { return seq % 8 == 0; }
  static std::size_t slot(std::int64_t seq) { return static_cast<std::size_t>(seq / 8) & (kSlots - 1); }
  void sent(std::int64_t seq) {
    if (sampled(seq)) at[slot(seq)].store(now_ns(), std::memory_order_relaxed);
  }
  // Latency of `seq` received now, or -1.
  std::int64_t latency(std::int64_t seq) const {
    if (!sampled(seq)) return -1;
    const std::int64_t t = at[slot(seq)].load(std::memory_order_relaxed);
    return t == 0 ? -1 : now_ns() - t;
  }
};

// The read-only baseline's one look into a frame: its sequenceEnd, found from the end (KuCoin's
// level2 frame ends with "sequenceEnd":N,"sequenceStart":N,"symbol":"...","time":N}), so that the
// baseline costs what reading costs (a forward std::string_view::find, one memchr per quote,
// took 1,400 instructions a frame, more than the client's whole read path).
std::int64_t sequence_end_of(std::string_view frame) {
  constexpr std::string_view key = "\"sequenceEnd\":";
  for (std::size_t i = frame.size(); i >= key.size(); --i) {
    if (frame[i - 1] != ':' || frame.compare(i - key.size(), key.size(), key) != 0) continue;
    std::int64_t v = 0;
    for (std::size_t j = i; j < frame.size() && frame[j] >= '0' && frame[j] <= '9'; ++j) v = v * 10 + (frame[j] - '0');
    return v;
  }
  return -1;
}

// Voluntary context switches of the calling thread so far.
std::int64_t voluntary_switches() {
  rusage u{};
  if (getrusage(RUSAGE_THREAD, &u) != 0) return 0;
  return u.ru_nvcsw;
}

// CPU time (user + system) so far, in nanoseconds: of the calling thread, or of the process.
std::int64_t cpu_ns_of(int who) {
  rusage u{};
  if (getrusage(who, &u) != 0) return 0;
  return (static_cast<std::int64_t>(u.ru_utime.tv_sec) + static_cast<std::int64_t>(u.ru_stime.tv_sec)) * 1'000'000'000 +
         (static_cast<std::int64_t>(u.ru_utime.tv_usec) + static_cast<std::int64_t>(u.ru_stime.tv_usec)) * 1'000;
}
std::int64_t thread_cpu_ns() { return cpu_ns_of(RUSAGE_THREAD); }
std::int64_t process_cpu_ns() { return cpu_ns_of(RUSAGE_SELF); }

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "bench_e2e: %s\n", why.c_str());
  std::abort();
}

double percentile(std::vector<std::int64_t>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]) / 1e3;  // microseconds
}

// pace: messages per second the mock sends (0: as fast as the socket takes them), for `seconds`;
// read_interval: the client's WsClientOptions::min_read_interval.
void BM_E2E(benchmark::State& state, bool tls, bool books, double pace, double seconds = 1.0,
            std::chrono::microseconds read_interval = std::chrono::microseconds(0)) {
  const std::uint64_t messages = pace > 0 ? static_cast<std::uint64_t>(pace * seconds) : kMessages;
  std::vector<std::int64_t> latencies;
  latencies.reserve(kMessages);
  std::int64_t switches = 0;
  std::int64_t cpu_ns = 0;
  std::int64_t process_ns = 0;
  std::uint64_t client_allocs = 0, all_allocs = 0, steady_messages = 0, setup_allocs = 0;

  for (auto _ : state) {
    auto times = std::make_unique<SendTimes>();
    mock::LiveMarketConfig mc;
    mc.symbols = {"BTC-USDT"};
    mc.levels_per_side = 2'000;
    mc.messages = messages;
    mc.pregenerate = true;
    mc.on_deliver = [t = times.get()](std::string_view, std::int64_t seq) { t->sent(seq); };
    auto market = std::make_shared<mock::LiveMarket>(mc);
    const std::int64_t last_sequence = market->truth("BTC-USDT")->book.sequence;

    mock::MockServerConfig sc;
    sc.tls = tls;
    sc.market = market;
    sc.rest.rate_limit.enabled = false;
    sc.rest.keys.push_back(mock::ApiKeyConfig{
        "bench-key", Secret(std::string("bench-secret")), Secret(std::string("bench-passphrase")), KeyVersion::v2, {}});
    sc.ws.pace_per_symbol = pace;
    mock::MockServer server(sc);
    if (auto r = server.start(); !r) die("mock: " + r.error().describe());

    boost::asio::io_context io;
    net::RestClientOptions ro;
    ro.http.base_url = server.url();
    ro.http.tls.use_system_store = false;
    ro.http.tls.ca_pem = server.ca_pem();
    ro.credentials = Credentials{"bench-key", Secret(std::string("bench-secret")),
                                 Secret(std::string("bench-passphrase")), KeyVersion::v2};
    net::RestClient rest(io, ro);

    bool done = false;
    std::uint64_t received = 0;
    std::int64_t book_sequence = 0;
    std::string failure;
    Clock::time_point start;
    std::int64_t switches_at_start = 0;
    std::int64_t cpu_at_start = 0;
    std::int64_t process_at_start = 0;
    std::uint64_t client_allocs_at_start = 0, client_allocs_at_warm = 0, all_allocs_at_warm = 0;
    // Called with each message's count: the steady state starts after kWarmMessages.
    auto warm = [&](std::uint64_t count) {
      if (count != kWarmMessages) return;
      client_allocs_at_warm = bench::thread_allocations();
      all_allocs_at_warm = bench::process_allocations();
    };

    std::unique_ptr<net::MarketDataClient> md;
    std::unique_ptr<net::WsClient> ws;
    if (books) {
      net::MarketDataOptions mo;
      mo.snapshot = net::SnapshotSource::full;  // signed v3: the whole book
      mo.books.sync.max_buffered_messages = messages + 1;
      mo.scales = {{"BTC-USDT", SymbolScale{1, 8}}};
      mo.ws.single_threaded_io = true;  // only this thread runs `io`
      mo.ws.min_read_interval = read_interval;
      net::MarketDataHandlers h;
      h.on_book = [&](const BookEvent& e) {
        if (e.kind == BookEvent::Kind::updated) {
          warm(++received);
          if (const auto l = times->latency(e.sequence); l >= 0) latencies.push_back(l);
          book_sequence = e.sequence;
          if (e.sequence == last_sequence) done = true;
        } else if (e.kind == BookEvent::Kind::error) {
          failure = e.detail;
        }
      };
      md = std::make_unique<net::MarketDataClient>(io, rest, mo, h);
      start = Clock::now();
      switches_at_start = voluntary_switches();
      cpu_at_start = thread_cpu_ns();
      process_at_start = process_cpu_ns();
      client_allocs_at_start = bench::thread_allocations();
      std::vector<std::string> syms = {"BTC-USDT"};
      if (auto r = md->subscribe(syms); !r) die(r.error().describe());
    } else {
      net::WsHandlers h;
      h.on_message = [&](const net::WsMessage& m) {
        warm(++received);
        const std::int64_t seq = sequence_end_of(m.text);
        if (const auto l = times->latency(seq); l >= 0) latencies.push_back(l);
        if (seq == last_sequence) done = true;
      };
      net::WsClientOptions wo;
      wo.single_threaded_io = true;
      wo.min_read_interval = read_interval;
      ws = std::make_unique<net::WsClient>(io, rest, wo, h);
      start = Clock::now();
      switches_at_start = voluntary_switches();
      cpu_at_start = thread_cpu_ns();
      process_at_start = process_cpu_ns();
      client_allocs_at_start = bench::thread_allocations();
      if (auto r = ws->subscribe("/market/level2:BTC-USDT"); !r) die(r.error().describe());
    }
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (!done && failure.empty() && Clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(50));
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    switches += voluntary_switches() - switches_at_start;
    cpu_ns += thread_cpu_ns() - cpu_at_start;
    process_ns += process_cpu_ns() - process_at_start;
    if (received > kWarmMessages) {
      setup_allocs += client_allocs_at_warm - client_allocs_at_start;
      client_allocs += bench::thread_allocations() - client_allocs_at_warm;
      all_allocs += bench::process_allocations() - all_allocs_at_warm;
      steady_messages += received - kWarmMessages;
    }
    if (!done) die("stream did not complete: received " + std::to_string(received) + " " + failure);
    if (books) {
      // The book must equal the truth at the end: a fast wrong answer is no answer.
      const auto truth = market->truth("BTC-USDT");
      bool equal = false;
      md->with_book("BTC-USDT", [&](const BookView& v) {
        equal = v.sequence == truth->book.sequence && v.book->top(Side::bid, 1'000'000) == truth->book.bids &&
                v.book->top(Side::ask, 1'000'000) == truth->book.asks;
      });
      if (!equal) die("book differs from the truth");
      md->stop();
    } else {
      ws->stop();
    }
    state.SetIterationTime(secs);
    io.restart();
    io.run_for(std::chrono::milliseconds(20));  // let the clients close
    server.stop();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(messages));
  state.counters["p50_us"] = percentile(latencies, 0.50);
  state.counters["p99_us"] = percentile(latencies, 0.99);
  state.counters["msgs"] = static_cast<double>(messages);
  state.counters["client_cpu_ns"] =
      static_cast<double>(cpu_ns) / (static_cast<double>(messages) * static_cast<double>(state.iterations()));
  const double steady = static_cast<double>(std::max<std::uint64_t>(1, steady_messages));
  state.counters["client_allocs_per_M"] = static_cast<double>(client_allocs) * 1e6 / steady;
  state.counters["mock_allocs_per_M"] = static_cast<double>(all_allocs - client_allocs) * 1e6 / steady;
  state.counters["client_allocs_setup"] =
      static_cast<double>(setup_allocs) / static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
  state.counters["mock_cpu_ns"] = static_cast<double>(process_ns - cpu_ns) /
                                  (static_cast<double>(messages) * static_cast<double>(state.iterations()));
  state.counters["nvcsw_per_M"] =
      static_cast<double>(switches) * 1e6 / (static_cast<double>(messages) * static_cast<double>(state.iterations()));
}

// Saturated: throughput. The read-only client is the in-run baseline of the book client.
BENCHMARK_CAPTURE(BM_E2E, plain_read, false, false, 0.0)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_E2E, plain_books, false, true, 0.0)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_E2E, tls_read, true, false, 0.0)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_E2E, tls_books, true, true, 0.0)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
// Paced at 50,000 messages/s (far above a busy KuCoin symbol): latency without queueing.
BENCHMARK_CAPTURE(BM_E2E, plain_read_paced50k, false, false, 50'000.0)
    ->UseManualTime()
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_E2E, plain_books_paced50k, false, true, 50'000.0)
    ->UseManualTime()
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);
// Paced at 40,000 messages/s for 4 s: how often the client thread sleeps and wakes (nvcsw_per_M).
BENCHMARK_CAPTURE(BM_E2E, plain_read_paced40k, false, false, 40'000.0, 4.0)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_E2E, plain_books_paced40k, false, true, 40'000.0, 4.0)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
// The same with WsClientOptions::min_read_interval: a busy stream read once per interval.
BENCHMARK_CAPTURE(BM_E2E, plain_books_paced40k_read250us, false, true, 40'000.0, 4.0, std::chrono::microseconds(250))
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_E2E, plain_books_paced40k_read1ms, false, true, 40'000.0, 4.0, std::chrono::microseconds(1'000))
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_E2E, tls_read_paced50k, true, false, 50'000.0)
    ->UseManualTime()
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_E2E, tls_books_paced50k, true, true, 50'000.0)
    ->UseManualTime()
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
