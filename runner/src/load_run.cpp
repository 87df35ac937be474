#include "kucoin/runner/load_run.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/server.hpp"
#include "kucoin/net/market_data_client.hpp"
#include "kucoin/net/rest_client.hpp"
#include "kucoin/runner/live_books.hpp"

namespace kucoin::runner {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::string_view kBulletPublic = "/api/v1/bullet-public";

std::vector<std::string> market_symbols(std::size_t n) {
  static const char* const kNames[] = {"BTC-USDT",  "ETH-USDT", "XRP-USDT", "SOL-USDT", "ADA-USDT",
                                       "DOGE-USDT", "LTC-USDT", "DOT-USDT", "TRX-USDT", "LINK-USDT"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(i < std::size(kNames) ? std::string(kNames[i]) : "SYM" + std::to_string(i) + "-USDT");
  }
  return out;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// One client under load: its own REST client (its User-Agent names it) and MarketDataClient.
struct LoadClient {
  std::unique_ptr<net::RestClient> rest;
  std::unique_ptr<net::MarketDataClient> books;
  std::vector<std::string> symbols;
  std::string name;  // its User-Agent
};

}  // namespace

std::uint64_t resident_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

StormProfile storm_profile(const std::vector<SeenRequest>& seen, std::string_view bullet_path, std::int64_t from_ms,
                           std::int64_t bucket_ms) {
  StormProfile p;
  if (bucket_ms <= 0) bucket_ms = 1;
  std::map<std::string, std::int64_t, std::less<>> not_before;  // per client: its last 429's time + reset
  for (const SeenRequest& r : seen) {
    if (r.path != bullet_path || r.at_ms < from_ms) continue;
    const auto bucket = static_cast<std::size_t>((r.at_ms - from_ms) / bucket_ms);
    if (p.bullets_per_bucket.size() <= bucket) {
      p.bullets_per_bucket.resize(bucket + 1, 0);
      p.rejected_per_bucket.resize(bucket + 1, 0);
    }
    ++p.bullets_per_bucket[bucket];
    ++p.bullets;
    if (auto it = not_before.find(r.client); it != not_before.end() && r.at_ms < it->second) {
      if (p.early++ == 0) {
        p.first_early = r.client + " asked at " + std::to_string(r.at_ms) + " ms, told to wait until " +
                        std::to_string(it->second) + " ms";
      }
    }
    if (r.status == 429) {
      ++p.rejected_per_bucket[bucket];
      ++p.rejected;
      if (r.reset_ms >= 0) not_before[r.client] = r.at_ms + r.reset_ms;
    }
  }
  for (const auto n : p.bullets_per_bucket) p.peak = std::max(p.peak, n);
  return p;
}

LoadOutcome run_load(const LoadOptions& o) {
  LoadOutcome out;
  auto say = [&o](const std::string& line) {
    if (o.progress) o.progress(line);
  };
  if (o.clients == 0 || o.symbols == 0 || o.symbols_per_client == 0 || o.symbols_per_client > o.symbols) {
    out.failure = "a load run needs clients, symbols, and at most as many symbols per client as the market has";
    return out;
  }
  out.rss_start_kib = out.rss_peak_kib = resident_kib();
  const auto start = Clock::now();
  auto ms_since_start = [start] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  };

  mock::LiveMarketConfig mc;
  mc.symbols = market_symbols(o.symbols);
  mc.levels_per_side = o.levels;
  mc.seed = o.seed;
  mc.messages = o.messages;
  mc.plan.enabled = false;  // snapshots show the stream as it is (no client waits for another)
  auto market = std::make_shared<mock::LiveMarket>(mc);

  std::mutex seen_mu;
  std::vector<SeenRequest> seen;
  mock::MockServerConfig sc;
  sc.market = market;
  sc.ws.pace_per_symbol = o.pace;
  sc.rest.rate_limit.window_ms = o.rate_window_ms;
  sc.rest.keys.push_back(mock::ApiKeyConfig{std::string(kScenarioApiKey),
                                            Secret(std::string(kScenarioApiSecret)),
                                            Secret(std::string(kScenarioApiPassphrase)),
                                            KeyVersion::v2,
                                            {}});
  sc.rest.ping_interval_ms = 5'000;
  sc.rest.observer = [&](const mock::RestRequestSeen& r) {
    const std::int64_t at = ms_since_start();
    std::lock_guard lock(seen_mu);
    seen.push_back(SeenRequest{at, std::string(r.path), std::string(r.user_agent), r.status, r.reset_ms});
  };
  mock::MockServer server(sc);
  if (auto r = server.start(); !r) {
    out.failure = "the mock did not start: " + r.error().describe();
    return out;
  }

  boost::asio::io_context io(1);
  std::vector<LoadClient> clients(o.clients);
  const std::size_t books_total = o.clients * o.symbols_per_client;
  out.books = books_total;
  // Per book (client * symbols_per_client + k): synced at least once, and since the storm's cut.
  std::vector<char> synced(books_total, 0), resynced(books_total, 0);
  std::size_t synced_count = 0, resynced_count = 0;
  std::int64_t cut_ms = -1;
  std::string first_error;
  for (std::size_t i = 0; i < o.clients; ++i) {
    LoadClient& c = clients[i];
    for (std::size_t k = 0; k < o.symbols_per_client; ++k) c.symbols.push_back(mc.symbols[(i + k) % o.symbols]);
    net::RestClientOptions ro;
    ro.http.base_url = server.url();
    c.name = "kucoin-harness-load/" + std::to_string(i);
    ro.http.user_agent = c.name;
    ro.credentials = Credentials{std::string(kScenarioApiKey), Secret(std::string(kScenarioApiSecret)),
                                 Secret(std::string(kScenarioApiPassphrase)), KeyVersion::v2};
    ro.jitter_seed = o.seed + i;
    c.rest = std::make_unique<net::RestClient>(io, ro);
    net::MarketDataOptions mo;
    mo.ws.seed = o.seed + i;
    mo.ws.single_threaded_io = true;
    mo.books.seed = o.seed + i;
    mo.books.stale_after = 0ms;
    net::MarketDataHandlers h;
    h.on_book = [&, i](const BookEvent& e) {
      if (e.kind == BookEvent::Kind::error && first_error.empty()) {
        first_error = "client " + std::to_string(i) + " " + std::string(e.symbol) + ": " + e.detail;
      }
      if (e.kind != BookEvent::Kind::synced) return;
      const auto& syms = clients[i].symbols;
      const auto k = static_cast<std::size_t>(std::find(syms.begin(), syms.end(), e.symbol) - syms.begin());
      if (k >= syms.size()) return;
      const std::size_t b = i * o.symbols_per_client + k;
      if (!synced[b]) {
        synced[b] = 1;
        ++synced_count;
      }
      if (cut_ms >= 0 && !resynced[b]) {
        resynced[b] = 1;
        ++resynced_count;
      }
    };
    c.books = std::make_unique<net::MarketDataClient>(io, *c.rest, mo, h);
    if (auto r = c.books->subscribe(c.symbols); !r) {
      out.failure = "client " + std::to_string(i) + ": subscribe failed: " + r.error().describe();
      return out;
    }
  }
  say("load: " + std::to_string(o.clients) + " clients, " + std::to_string(books_total) + " books of " +
      std::to_string(o.symbols) + " symbols, subscribing");

  // A probe: the mock's REST latency while the load runs (one request at a time, no retries).
  net::RestClientOptions po;
  po.http.base_url = server.url();
  po.http.user_agent = "kucoin-harness-load/probe";
  po.retry.max_rate_limit_retries = 0;
  po.client_rate_limit = false;
  po.jitter_seed = o.seed;
  net::RestClient probe(io, po);
  std::vector<double> latencies;
  bool probe_busy = false;
  Clock::time_point probe_sent{}, probe_next = Clock::now();

  auto every_book_at_the_end = [&] {
    for (const auto& s : mc.symbols) {
      const auto truth = market->truth(s);
      if (!truth || truth->produced < o.messages) return false;
    }
    for (const LoadClient& c : clients) {
      for (const auto& s : c.symbols) {
        const auto truth = market->truth(s);
        bool at_end = false;
        c.books->with_book(s, [&](const BookView& v) {
          at_end = v.status == BookStatus::synced && v.sequence == truth->book.sequence;
        });
        if (!at_end) return false;
      }
    }
    return true;
  };

  const auto until = start + o.deadline;
  auto last_say = Clock::now();
  auto last_check = Clock::now();
  bool done = false;
  while (!done && Clock::now() < until) {
    io.run_one_for(5ms);
    const auto now = Clock::now();
    if (!probe_busy && now >= probe_next) {
      probe_busy = true;
      probe_sent = now;
      probe.server_time([&](Result<std::int64_t, ApiError>) {
        latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - probe_sent).count());
        probe_busy = false;
        probe_next = Clock::now() + 50ms;
      });
    }
    if (out.seconds_to_synced == 0 && synced_count == books_total) {
      out.seconds_to_synced = std::chrono::duration<double>(now - start).count();
      say("load: every book synced after " + std::to_string(out.seconds_to_synced) + " s");
      if (o.storm) {
        // The storm: bullet-public refuses the next storm_429 requests, and every connection is cut.
        mock::RestFault f;
        f.path = std::string(kBulletPublic);
        f.method = "POST";
        f.count = o.storm_429;
        f.http_status = 429;
        f.code = "429000";
        f.msg = "Too Many Requests";
        f.reset_ms = o.storm_reset_ms;
        server.rest().add_fault(f);
        cut_ms = ms_since_start();
        server.drop_ws_connections();
        say("load: storm: every connection cut at " + std::to_string(cut_ms) + " ms");
      }
    }
    if (cut_ms >= 0 && out.storm_recovery_s == 0 && resynced_count == books_total) {
      out.storm_recovery_s = static_cast<double>(ms_since_start() - cut_ms) / 1000.0;
      say("load: every book synced again " + std::to_string(out.storm_recovery_s) + " s after the cut");
    }
    if (now - last_check >= 100ms) {
      last_check = now;
      out.rss_peak_kib = std::max(out.rss_peak_kib, resident_kib());
      done = (!o.storm || out.storm_recovery_s > 0) && every_book_at_the_end();
    }
    if (now - last_say >= 2s) {
      last_say = now;
      const mock::MockServer::Stats st = server.stats();
      say("load: " + std::to_string(synced_count) + "/" + std::to_string(books_total) + " books synced, " +
          std::to_string(st.ws_open) + " connections, " + std::to_string(st.ws_frames_sent) + " frames sent, rss " +
          std::to_string(resident_kib() / 1024) + " MiB");
    }
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.rss_end_kib = resident_kib();
  out.rss_peak_kib = std::max(out.rss_peak_kib, out.rss_end_kib);

  // Every book against the truth.
  for (const LoadClient& c : clients) {
    for (const auto& s : c.symbols) {
      const auto truth = market->truth(s);
      std::string bad = "no book";
      c.books->with_book(s, [&](const BookView& v) { bad = truth ? compare_book(v, truth->book) : "no truth"; });
      if (bad.empty()) {
        ++out.books_exact;
      } else if (out.failure.empty()) {
        out.failure = c.name + " " + s + ": " + bad;
      }
    }
  }
  const mock::MockServer::Stats st = server.stats();
  out.mock_frames_sent = st.ws_frames_sent;
  out.mock_frames_dropped = st.ws_frames_dropped;
  for (LoadClient& c : clients) c.books->stop();
  probe_busy = true;  // no new probe
  io.restart();
  io.run_for(50ms);
  server.stop();

  {
    std::lock_guard lock(seen_mu);
    out.rest_requests = seen.size();
    for (const SeenRequest& r : seen) {
      if (r.status != 429) continue;
      ++out.rest_429;
      if (r.reset_ms < 0) ++out.rest_429_without_reset;
    }
    if (cut_ms >= 0) out.storm = storm_profile(seen, kBulletPublic, cut_ms, o.bucket_ms);
  }
  out.rest_p50_ms = percentile(latencies, 0.50);
  out.rest_p99_ms = percentile(latencies, 0.99);
  out.rest_max_ms = latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end());

  if (out.failure.empty() && out.books_exact != out.books) out.failure = "not every book is exact";
  if (out.failure.empty() && out.seconds_to_synced == 0) out.failure = "not every book synced within the deadline";
  if (out.failure.empty() && o.storm && out.storm_recovery_s == 0) {
    out.failure = "not every book synced again after the storm within the deadline";
  }
  if (out.failure.empty() && out.rest_429_without_reset > 0) {
    out.failure = std::to_string(out.rest_429_without_reset) + " 429 answers without gw-ratelimit-reset";
  }
  if (out.failure.empty() && out.storm.early > 0) {
    out.failure =
        std::to_string(out.storm.early) + " bullet requests came sooner than their reset: " + out.storm.first_early;
  }
  if (out.failure.empty() && !first_error.empty() && out.books_exact != out.books) out.failure = first_error;
  out.passed = out.failure.empty();
  return out;
}

}  // namespace kucoin::runner
