#include "kucoin/runner/live_books.hpp"

#include "kucoin/mock/capture_source.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <limits>
#include <set>
#include <thread>

#include "kucoin/core/decimal.hpp"
#include "kucoin/mock/server.hpp"
#include "kucoin/net/rest_client.hpp"
#include "kucoin/runner/run_trace.hpp"

namespace kucoin::runner {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::string_view kKey = kScenarioApiKey;
constexpr std::string_view kSecret = kScenarioApiSecret;
constexpr std::string_view kPassphrase = kScenarioApiPassphrase;

}  // namespace

std::string compare_book(const BookView& v, const L2Snapshot& truth) {
  if (v.status != BookStatus::synced) return "not synced (" + std::string(to_string(v.status)) + ")";
  if (v.sequence != truth.sequence) {
    return "at sequence " + std::to_string(v.sequence) + ", the truth at " + std::to_string(truth.sequence);
  }
  for (Side side : {Side::bid, Side::ask}) {
    const auto& want = side == Side::bid ? truth.bids : truth.asks;
    const auto mine = v.book->top(side, std::numeric_limits<std::size_t>::max());
    if (mine.size() != want.size()) {
      return std::string(to_string(side)) + "s: " + std::to_string(mine.size()) + " levels, the truth has " +
             std::to_string(want.size());
    }
    for (std::size_t i = 0; i < mine.size(); ++i) {
      if (!(mine[i] == want[i])) {
        return std::string(to_string(side)) + " level " + std::to_string(i) + " differs from the truth";
      }
    }
  }
  if (auto bad = check_book(*v.book)) return bad->detail;
  return {};
}

std::shared_ptr<mock::LiveMarket> make_market(const LiveCase& c, const mock::LiveMarketConfig& config) {
  if (!c.recording) return std::make_shared<mock::LiveMarket>(config);
  std::vector<std::unique_ptr<mock::L2Source>> sources;
  if (auto s = mock::capture_sources(*c.recording, {})) {  // checked when the scenario was loaded
    for (auto& src : *s) sources.push_back(std::move(src));
  }
  return std::make_shared<mock::LiveMarket>(std::move(sources), config);
}

mock::MockServerConfig mock_config(const LiveCase& c) {
  mock::LiveMarketConfig mc = c.market;
  mc.plan.enabled = c.deterministic;  // snapshots at planned stream positions: the same run every time
  mc.keep_history = mc.keep_history || c.run_expect.needs_positions();  // positions of past sequences
  mock::MockServerConfig sc;
  sc.tls = c.tls;
  // A futures case: its market is the futures host's (the spot host keeps the default market);
  // the fault plan's stream faults go to it (MockServerConfig::faults).
  if (c.market.venue == Market::futures) {
    sc.futures_market = make_market(c, mc);
  } else {
    sc.market = make_market(c, mc);
  }
  sc.rest.keys.push_back(mock::ApiKeyConfig{
      std::string(kKey), Secret(std::string(kSecret)), Secret(std::string(kPassphrase)), c.rest.key_version, {}});
  sc.faults = c.faults;
  sc.faults.seed = c.market.seed;  // the network's jitter
  sc.rest.ping_interval_ms = c.rest.ping_interval_ms;
  sc.rest.ping_timeout_ms = c.rest.ping_timeout_ms;
  sc.rest.strict_key_version = c.rest.strict_key_version;
  sc.rest.clock_offset_ms = c.rest.clock_offset_ms;
  sc.rest.timestamp_window_ms = c.rest.timestamp_window_ms;
  sc.rest.token_lifetime_ms = c.rest.token_lifetime_ms;
  sc.rest.token_valid_for_ms = c.rest.token_valid_for_ms;
  sc.rest.rate_limit = c.rest.rate_limit;
  sc.ws.pace_per_symbol = c.pace_per_symbol;
  return sc;
}

LiveOutcome run_live_case(const LiveCase& c, std::chrono::milliseconds deadline) {
  LiveOutcome out;
  mock::MockServerConfig sc = mock_config(c);
  const bool futures = c.market.venue == Market::futures;
  auto market = futures ? sc.futures_market : std::static_pointer_cast<mock::LiveMarket>(sc.market);
  TraceBuilder trace(c.name, c.market.seed, c.drops_by_time());
  std::atomic<std::uint64_t> tokens_expired{0};
  sc.ws_observer = [&tokens_expired](const mock::WsServerEvent& e) {
    if (e.kind == mock::WsServerEvent::Kind::token_expired) tokens_expired.fetch_add(1, std::memory_order_relaxed);
  };
  mock::MockServer server(sc);
  if (auto r = server.start(); !r) {
    out.failure = "the mock did not start: " + r.error().describe();
    return out;
  }

  boost::asio::io_context io;
  net::RestClientOptions ro;
  ro.venue = c.market.venue;
  ro.http.base_url = futures ? server.futures_url() : server.url();
  ro.http.tls.use_system_store = false;
  ro.http.tls.ca_pem = server.ca_pem();
  if (c.credentials) {
    ro.credentials = Credentials{std::string(kKey), Secret(std::string(kSecret)), Secret(std::string(kPassphrase)),
                                 c.rest.client_key_version};
  }
  ro.retry.backoff_initial = 10ms;
  ro.retry.backoff_max = 50ms;
  ro.jitter_seed = c.market.seed;  // scenarios are reproducible: fixed jitter seeds
  net::RestClient rest(io, ro);

  net::MarketDataOptions mo;
  mo.venue = c.market.venue;
  mo.ws.backoff = BackoffConfig{5ms, 2.0, 100ms, Jitter::full};
  mo.ws.seed = c.market.seed;
  mo.books.seed = c.market.seed;
  mo.books.snapshot_retry = BackoffConfig{5ms, 2.0, 50ms, Jitter::none};
  mo.books.stale_after = 0ms;
  mo.stale_check_interval = 10ms;
  if (c.tweak) c.tweak(mo);
  mo.ws.log = [&out](LogLevel, std::string_view line) { out.connection_log.emplace_back(line); };
  net::MarketDataHandlers h;
  bool error_seen = false;
  std::set<std::string> error_books;
  ExpectationMonitor monitor(c.run_expect);
  const auto start = Clock::now();
  net::MarketDataClient* client_ptr = nullptr;  // set below; book events come only after subscribe()
  // Whole-run expectations (expectations.hpp): the book after each update, each resync's start and end.
  auto watch = [&](const BookEvent& e) {
    if (e.book_kind != BookKind::full || client_ptr == nullptr) return;
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    const bool need_positions = c.run_expect.needs_positions();
    auto position = [&](std::int64_t seq) {
      return need_positions ? market->position_at(e.symbol, seq) : std::nullopt;
    };
    if (e.kind == BookEvent::Kind::resyncing) {
      monitor.on_resyncing(e.symbol, e.cause, e.sequence, now_ms,
                           c.run_expect.recovery_messages ? position(e.sequence) : std::nullopt);
      return;
    }
    if (e.kind != BookEvent::Kind::updated && e.kind != BookEvent::Kind::synced) return;
    const bool checkpoints = monitor.checkpoints_pending(e.symbol);
    const std::optional<std::uint64_t> pos = checkpoints ? position(e.sequence) : std::nullopt;
    if (e.kind == BookEvent::Kind::synced) {
      // Recovered at the snapshot's position (the buffered messages replayed after it depend on timing).
      monitor.on_synced(e.symbol, e.snapshot_sequence, now_ms,
                        c.run_expect.recovery_messages ? position(e.snapshot_sequence) : std::nullopt);
    }
    client_ptr->with_book(BookKey(e.symbol), [&](const BookView& v) {
      if (v.status != BookStatus::synced) return;
      monitor.on_book(e.symbol, v.sequence, v.book->best_bid(), v.book->best_ask());
      if (!checkpoints) return;
      for (const std::size_t i : monitor.due_checkpoints(e.symbol, v.sequence, pos)) {
        const auto truth = market->truth_at(e.symbol, v.sequence);
        monitor.checkpoint_checked(i, e.symbol, v.sequence,
                                   truth ? compare_book(v, *truth) : "the mock kept no truth at that sequence");
      }
    });
  };
  std::uint64_t updates = 0;
  h.on_book = [&out, &trace, &c, &error_seen, &error_books, &watch, &updates](const BookEvent& e) {
    trace.book_event(e);
    watch(e);
    if (e.kind == BookEvent::Kind::updated && ++updates == c.app_pause.after_updates) {
      // The slow application of the scenario (LiveCase::app_pause): it holds the client's thread.
      std::this_thread::sleep_for(c.app_pause.pause);
    }
    const std::string sym = key_text({e.symbol, e.book_kind});
    ++out.counts[sym][e.kind];
    if (e.kind == BookEvent::Kind::updated) return;
    if (e.kind == BookEvent::Kind::resyncing) ++out.resync_causes[sym][e.cause];
    std::string line = sym + " " + std::string(to_string(e.kind));
    if (e.kind == BookEvent::Kind::resyncing) line += " (" + std::string(to_string(e.cause)) + ")";
    if (!e.detail.empty()) line += ": " + e.detail;
    if (!c.expect_error.empty() && e.kind == BookEvent::Kind::error && line.find(c.expect_error) != std::string::npos) {
      error_books.insert(sym);  // the run ends when every book reported it (the trace then is whole)
      error_seen = error_seen || error_books.size() == c.market.symbols.size();
    }
    out.events.push_back(std::move(line));
  };
  h.on_connection = [&out, &c, &error_seen](const net::WsStateEvent& e) {
    if (e.state == net::WsState::reconnecting) ++out.reconnects;
    if (e.state == net::WsState::failed) {
      out.events.push_back("connection " + std::to_string(e.connection) + " failed (" + std::to_string(e.code) +
                           "): " + std::string(e.detail));
      if (!c.expect_error.empty() && net::is_configuration_error(e) &&
          out.events.back().find(c.expect_error) != std::string::npos) {
        error_seen = true;
      }
    }
    if (e.state != net::WsState::live || e.reason != WsReason::token_rotation) return;
    ++out.rotations;
    out.events.push_back("connection " + std::to_string(e.connection) +
                         " live (token_rotation): " + std::string(e.detail));
  };
  net::MarketDataClient client(io, rest, mo, h);
  client_ptr = &client;

  const std::vector<std::string>& symbols = c.market.symbols;
  if (auto r = client.subscribe(symbols); !r) {
    out.failure = "subscribe failed: " + r.error().describe();
    return out;
  }
  auto caught_up = [&] {
    if (!c.expect_error.empty()) return error_seen;
    for (const auto& s : symbols) {
      auto truth = market->truth(s);
      if (!truth || (c.market.messages != 0 && truth->produced < c.market.messages)) return false;
      bool ok = false;
      client.with_book(
          s, [&](const BookView& v) { ok = v.status == BookStatus::synced && v.sequence == truth->book.sequence; });
      if (!ok) return false;
    }
    return true;
  };
  const auto until = start + deadline;
  while (!caught_up() && Clock::now() < until) io.run_one_for(10ms);
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.fired_faults = market->fired_faults();
  out.stats = client.stats();

  bool all_exact = true;
  std::uint64_t resyncs = 0;
  const auto end_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  for (const auto& s : symbols) {
    SymbolOutcome so;
    so.symbol = s;
    const auto truth = market->truth(s);
    client.with_book(s, [&](const BookView& v) {
      TraceBook tb{s, v.sequence, v.book->top(Side::bid, std::numeric_limits<std::size_t>::max()),
                   v.book->top(Side::ask, std::numeric_limits<std::size_t>::max())};
      trace.final_book(tb);
      so.sequence = v.sequence;
      so.resyncs = v.resyncs;
      so.bid_levels = v.book->depth(Side::bid);
      so.ask_levels = v.book->depth(Side::ask);
      so.best_bid = v.book->best_bid();
      so.best_ask = v.book->best_ask();
      so.mismatch = truth ? compare_book(v, truth->book) : "no truth";
      const SymbolScale inc = market->scale(s);
      for (Side side : {Side::bid, Side::ask}) {
        v.book->for_each(side, [&](const L2Level& l) {
          so.fine_sizes += significant_decimals(l.size.raw, l.size.decimals) > inc.size_decimals ? 1U : 0U;
          so.huge_sizes += l.size >= Quantity{100'000'000, 0} ? 1U : 0U;
          so.fine_prices += significant_decimals(l.price.raw, l.price.decimals) > inc.price_decimals ? 1U : 0U;
          return true;
        });
      }
    });
    so.exact = so.mismatch.empty();
    all_exact = all_exact && so.exact;
    resyncs += so.resyncs;
    out.symbols.push_back(std::move(so));
  }
  client.stop();
  io.restart();
  io.run_for(20ms);
  server.stop();
  // A run that ends at a configuration error stops the stream wherever it was then: its positions are timing.
  trace.market(market->served_snapshots(), out.fired_faults,
               c.expect_error.empty() ? market->stream_digests() : std::vector<mock::StreamDigest>{},
               c.connections_by_timer);
  RunCounts counts;
  {
    const mock::RestStats rs = server.rest().stats();
    std::uint64_t bullets = 0;
    for (const auto& [path, n] : rs.by_path) {
      if (path.find("/bullet-") != std::string::npos) bullets += n;
    }
    trace.counts(bullets, server.stats().ws_upgrades, resyncs);
    counts.bullet_requests = bullets;
    const auto rejected = rs.by_code.find("400002");
    counts.timestamp_rejections = rejected == rs.by_code.end() ? 0 : rejected->second;
    counts.clock_resyncs = rest.stats().clock_resyncs;
  }
  counts.tokens_expired = tokens_expired.load();
  counts.rotations = out.rotations;
  out.trace = trace.lines();

  // Expectations, in order of importance.
  const std::string first = symbols.empty() ? std::string() : symbols.front();
  if (!c.expect_error.empty()) {
    if (!error_seen) {
      out.failure = "no configuration error with " + c.expect_error + " reached the application";
      return out;
    }
    if (std::string bad = monitor.finish(symbols, counts, end_ms); !bad.empty()) {
      out.failure = std::move(bad);
      return out;
    }
    out.passed = true;
    return out;
  }
  if (!all_exact) {
    for (const auto& so : out.symbols) {
      if (!so.exact) {
        out.failure = so.symbol + ": " + so.mismatch +
                      (Clock::now() >= until ? " (deadline of " + std::to_string(deadline.count()) + " ms)" : "");
        break;
      }
    }
    return out;
  }
  for (const auto& so : out.symbols) {
    const auto it = c.max_resyncs.find(so.symbol);
    const std::uint64_t most = it == c.max_resyncs.end() ? 0 : it->second;
    if (so.resyncs > most) {
      out.failure =
          so.symbol + ": " + std::to_string(so.resyncs) + " resyncs, expected at most " + std::to_string(most);
      return out;
    }
  }
  for (const auto& so : out.symbols) {
    const auto it = c.min_resyncs.find(so.symbol);
    if (it != c.min_resyncs.end() && so.resyncs < it->second) {
      out.failure =
          so.symbol + ": " + std::to_string(so.resyncs) + " resyncs, expected at least " + std::to_string(it->second);
      return out;
    }
  }
  if ((c.min_reconnects && out.reconnects < *c.min_reconnects) ||
      (c.max_reconnects && out.reconnects > *c.max_reconnects)) {
    out.failure = std::to_string(out.reconnects) + " reconnects, expected " +
                  (c.min_reconnects ? std::to_string(*c.min_reconnects) : std::string("0")) + " to " +
                  (c.max_reconnects ? std::to_string(*c.max_reconnects) : std::string("any"));
    return out;
  }
  if (c.cause) {
    for (const auto& so : out.symbols) {
      if (so.symbol != first && !c.cause_everywhere) continue;
      if (out.resync_causes[so.symbol][*c.cause] == 0) {
        out.failure = so.symbol + ": no resync caused by " + std::string(to_string(*c.cause));
        return out;
      }
    }
  }
  if (c.stale && out.counts[first][BookEvent::Kind::stale] == 0) {
    out.failure = first + ": no stale event";
    return out;
  }
  if (out.stats.snapshot_failures < c.min_snapshot_failures) {
    out.failure = std::to_string(out.stats.snapshot_failures) + " failed snapshots, expected at least " +
                  std::to_string(c.min_snapshot_failures);
    return out;
  }
  if (out.rotations < c.min_rotations) {
    out.failure = std::to_string(out.rotations) + " token rotations handed over, expected at least " +
                  std::to_string(c.min_rotations);
    return out;
  }
  if (c.off_increment_values) {
    for (const auto& so : out.symbols) {
      if (so.fine_sizes == 0 || so.huge_sizes == 0 || so.fine_prices == 0) {
        out.failure = so.symbol + ": the book holds " + std::to_string(so.fine_sizes) +
                      " sizes finer than baseIncrement, " + std::to_string(so.huge_sizes) + " sizes past 10^8 and " +
                      std::to_string(so.fine_prices) + " prices finer than the tick; the case expects some of each";
        return out;
      }
    }
  }
  if (std::string bad = monitor.finish(symbols, counts, end_ms); !bad.empty()) {
    out.failure = std::move(bad);
    return out;
  }
  const std::size_t wanted_faults = c.expect_faults_fired.value_or(c.market.faults.size() + c.faults.stream_count());
  if (out.fired_faults.size() != wanted_faults) {
    out.failure =
        std::to_string(out.fired_faults.size()) + " stream faults fired, expected " + std::to_string(wanted_faults);
    return out;
  }
  out.passed = true;
  return out;
}

std::vector<LiveCase> builtin_suite(const SuiteOptions& o) {
  using K = mock::Fault::Kind;
  using mock::Trigger;
  const std::string first = o.symbols.empty() ? std::string("BTC-USDT") : o.symbols.front();
  auto base = [&](std::string name, std::string description) {
    LiveCase c;
    c.name = std::move(name);
    c.description = std::move(description);
    c.market.symbols = o.symbols;
    c.market.levels_per_side = o.levels;
    c.market.messages = o.messages;
    c.market.seed = o.seed;
    c.tls = o.tls;
    return c;
  };
  auto fault = [&](K kind, std::int64_t count = 1, std::int64_t amount = 0) {
    mock::Fault f;
    f.kind = kind;
    f.symbol = first;
    f.at = Trigger{Trigger::Kind::after_snapshot, o.fault_after_snapshot};
    (kind == K::stall ? f.ms : f.count) = count;
    f.amount = amount;
    return mock::FaultPlan{{f}};
  };
  auto rest = [](mock::RestFault r) {
    mock::Fault f;
    f.kind = K::rest_answer;
    f.rest = std::move(r);
    return mock::FaultPlan{{f}};
  };
  auto all = [&](std::uint64_t n) {
    std::map<std::string, std::uint64_t> m;
    for (const auto& s : o.symbols) m[s] = n;
    return m;
  };
  const std::map<std::string, std::uint64_t> first_once = {{first, 1}};
  std::vector<LiveCase> v;
  v.push_back(base("clean", "no fault: subscribe, snapshot, apply"));
  {
    auto c = base("gap", "3 messages of " + first + " never arrive");
    c.faults = fault(K::drop, 3);
    c.max_resyncs = first_once;
    c.cause = BookCause::gap;
    v.push_back(c);
  }
  {
    auto c = base("duplicate", "a message of " + first + " arrives three times");
    c.faults = fault(K::duplicate, 2);
    v.push_back(c);
  }
  {
    auto c = base("reorder", "a message of " + first + " arrives 3 messages late");
    c.faults = fault(K::reorder, 3);
    c.max_resyncs = first_once;
    c.cause = BookCause::gap;
    v.push_back(c);
  }
  {
    auto c = base("sequence_jump", "the sequence of " + first + " jumps by 10^8 (stream and snapshots)");
    c.faults = fault(K::sequence_jump, 1, 100'000'000);
    c.max_resyncs = first_once;
    c.cause = BookCause::gap;
    v.push_back(c);
  }
  {
    auto c = base("sequence_reset", "the sequence of " + first + " restarts at 7");
    c.faults = fault(K::sequence_reset, 1, 7);
    c.max_resyncs = first_once;
    c.cause = BookCause::sequence_reset;
    v.push_back(c);
  }
  {
    auto c = base("stall", first + " goes quiet for 400 ms while pings go on");
    c.faults = fault(K::stall, 400);
    c.stale = true;
    c.tweak = [](net::MarketDataOptions& m) { m.books.stale_after = 200ms; };
    v.push_back(c);
  }
  {
    auto c = base("disconnect", "the mock drops the connection");
    c.faults = fault(K::disconnect);
    c.max_resyncs = all(1);
    c.cause = BookCause::reconnect;
    c.cause_everywhere = true;
    v.push_back(c);
  }
  {
    auto c = base("token_expiry", "the mock sends 401 token is expired and closes");
    c.faults = fault(K::token_expiry);
    c.max_resyncs = all(1);
    c.cause = BookCause::token_expired;
    c.cause_everywhere = true;
    v.push_back(c);
  }
  {
    auto c = base("snapshot_ahead", "REST snapshots are 40 messages ahead of the socket");
    c.market.snapshot_offset = 40;
    v.push_back(c);
  }
  {
    auto c = base("snapshot_behind", "REST snapshots lag 40 messages behind the stream");
    c.market.snapshot_offset = -40;
    v.push_back(c);
  }
  {
    auto c = base("failing_snapshot", "the full-book endpoint answers 500 six times for " + first);
    mock::RestFault f;
    f.path = "/api/v3/market/orderbook/level2";
    f.query = "symbol=" + first;
    // The REST client tries 4 times before giving up: its first fetch fails, and the book must
    // retry it after its own backoff (the second fetch fails twice more, then succeeds).
    f.count = 6;
    c.faults = rest(f);
    c.min_snapshot_failures = 1;
    v.push_back(c);
  }
  {
    auto c = base("slow_snapshot", "the full-book endpoint answers after 300 ms");
    mock::RestFault f;
    f.path = "/api/v3/market/orderbook/level2";
    f.count = -1;
    f.code = "200000";  // answer normally, but late
    f.delay_ms = 300;
    c.faults = rest(f);
    v.push_back(c);
  }
  {
    auto c = base("real_decimals",
                  "sizes past baseIncrement (0.00019434546), huge sizes (452338153.08) and prices finer than the tick");
    c.market.realism = mock::Realism{10, 2, 3};
    c.off_increment_values = true;
    v.push_back(c);
  }
  {
    auto c = base("real_decimals_with_gap", "real decimals, and 3 messages of " + first + " never arrive");
    c.market.realism = mock::Realism{10, 2, 3};
    c.faults = fault(K::drop, 3);
    c.max_resyncs = first_once;
    c.cause = BookCause::gap;
    c.off_increment_values = true;
    v.push_back(c);
  }
  {
    auto c = base("token_rotation", "tokens rotate every 200 ms while the stream runs (make-before-break)");
    c.pace_per_symbol = static_cast<double>(o.messages);  // about a second of stream
    c.min_rotations = 2;                                  // and not one resync (max_resyncs 0)
    c.connections_by_timer = true;
    c.tweak = [](net::MarketDataOptions& m) {
      m.ws.token_max_age = 200ms;
      m.ws.rotation_overlap = 30ms;
    };
    v.push_back(c);
  }
  {
    auto c = base("public_top100", "no credentials: level2_100 snapshots (exact only in the top 100)");
    c.credentials = false;
    // A book the top 100 always covers (the generator stays below 1.3 x its level floor).
    c.market.levels_per_side = std::min<std::size_t>(o.levels, 60);
    v.push_back(c);
  }
  return v;
}

}  // namespace kucoin::runner
