// Live order books end to end: the real mock (LiveMarket, with stream and REST faults) and the
// real MarketDataClient over loopback, plain and TLS. Every test ends by proving each book equal
// to the mock's truth at the same sequence, level by level on both sides.
#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <set>
#include <thread>

#include "kucoin/net/market_data_client.hpp"
#include "kucoin/runner/live_books.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

struct BookEventRec {
  BookEvent::Kind kind;
  std::string symbol;
  BookCause cause;
  std::string detail;
};

struct ConnectionRec {
  net::WsState state;
  WsReason reason;
  std::string detail;
  std::optional<ApiError> error;
};

const std::vector<std::string> kSymbols = {"BTC-USDT", "ETH-USDT", "XRP-USDT"};

mock::LiveMarketConfig market_config(std::vector<mock::StreamFault> faults, std::uint64_t messages = 3'000) {
  mock::LiveMarketConfig c;
  c.symbols = kSymbols;
  c.levels_per_side = 500;
  c.messages = messages;
  c.faults = std::move(faults);
  return c;
}

// A pong queues behind every data frame already in the socket: with the mock streaming as fast as
// it can, a short pong timeout can expire while the client is
// still reading. Use KuCoin-like values here (KuCoin: 18 s / 10 s).
mock::MockServerConfig realistic_pings(mock::MockServerConfig cfg) {
  cfg.rest.ping_interval_ms = 1'000;
  cfg.rest.ping_timeout_ms = 10'000;
  return cfg;
}

struct MarketData {
  explicit MarketData(bool tls, mock::LiveMarketConfig market, mock::MockServerConfig cfg = {},
                      std::function<void(net::MarketDataOptions&)> tweak = {})
      : ws(tls, realistic_pings(std::move(cfg)), std::move(market)) {
    net::MarketDataOptions o;
    o.ws = ws.options();
    o.books.snapshot_retry = BackoffConfig{5ms, 2.0, 50ms, Jitter::none};
    o.books.stale_after = 0ms;
    o.stale_check_interval = 10ms;
    if (tweak) tweak(o);
    net::MarketDataHandlers h;
    h.on_book = [this](const BookEvent& e) {
      events.push_back({e.kind, key_text({e.symbol, e.book_kind}), e.cause, e.detail});  // "BTC-USDT@depth5"
      if (also_on_book) also_on_book(e);
    };
    h.on_connection = [this](const net::WsStateEvent& e) {
      connections.push_back(
          {e.state, e.reason, std::string(e.detail), e.error ? std::optional(*e.error) : std::nullopt});
    };
    client = std::make_unique<net::MarketDataClient>(ws.base->io, *ws.rest, std::move(o), std::move(h));
  }

  std::size_t count_connection(net::WsState s, std::optional<WsReason> r = {}) const {
    std::size_t n = 0;
    for (const auto& c : connections) n += c.state == s && (!r || c.reason == *r);
    return n;
  }

  std::size_t count(BookEvent::Kind k, std::optional<BookCause> cause = {}, std::string_view symbol = {}) const {
    std::size_t n = 0;
    for (const auto& e : events) {
      n += e.kind == k && (!cause || e.cause == *cause) && (symbol.empty() || e.symbol == symbol);
    }
    return n;
  }
  std::string describe() const {
    std::string out;
    for (const auto& e : events) {
      if (e.kind == BookEvent::Kind::updated) continue;
      out += "  " + e.symbol + " " + std::string(to_string(e.kind)) + " " + std::string(to_string(e.cause)) + " " +
             e.detail + "\n";
    }
    return out;
  }

  // Synced at the truth's sequence, with every message of the finite stream produced.
  bool caught_up(const std::string& symbol, std::uint64_t messages) {
    auto truth = ws.live->truth(symbol);
    if (!truth || truth->produced < messages) return false;
    bool ok = false;
    client->with_book(
        symbol, [&](const BookView& v) { ok = v.status == BookStatus::synced && v.sequence == truth->book.sequence; });
    return ok;
  }

  bool wait_caught_up(const std::vector<std::string>& symbols, std::uint64_t messages = 3'000) {
    return ws.run_until(
        [&] {
          for (const auto& s : symbols) {
            if (!caught_up(s, messages)) return false;
          }
          return true;
        },
        20'000ms, "every book synced at the end of the stream");
  }

  WsHarness ws;
  std::function<void(const BookEvent&)> also_on_book;
  std::vector<BookEventRec> events;
  std::vector<ConnectionRec> connections;
  std::unique_ptr<net::MarketDataClient> client;
};

// The built-in suite of `kucoin-harness run`: a clean run and one case per fault (gap,
// duplicate, reorder, sequence jump and reset, stall, disconnect, token expiry, snapshot ahead and
// behind, failing and slow snapshots, public top-100 snapshots), three symbols at once. Each case
// passes only when every book equals the mock's truth at the same sequence, level by level, with
// the expected resyncs (runner/src/live_books.cpp).
struct SuiteParam {
  std::string name;
  bool tls;
};

class BuiltinSuite : public ::testing::TestWithParam<SuiteParam> {};

TEST_P(BuiltinSuite, BooksEqualTheTruthWithTheExpectedResyncs) {
  runner::SuiteOptions o;
  o.tls = GetParam().tls;
  for (const auto& c : runner::builtin_suite(o)) {
    if (c.name != GetParam().name) continue;
    const runner::LiveOutcome r = runner::run_live_case(c);
    std::string events;
    for (const auto& e : r.events) events += "  " + e + "\n";
    for (const auto& l : r.connection_log) events += "  ws: " + l + "\n";
    EXPECT_TRUE(r.passed) << r.failure << "\n" << events;
    EXPECT_EQ(r.symbols.size(), 3u);
    for (const auto& so : r.symbols) EXPECT_TRUE(so.exact) << so.symbol << ": " << so.mismatch;
    return;
  }
  FAIL() << "no case " << GetParam().name;
}

std::vector<SuiteParam> suite_params() {
  std::vector<SuiteParam> v;
  for (bool tls : {false, true}) {
    for (const auto& c : runner::builtin_suite({})) v.push_back({c.name, tls});
  }
  return v;
}

INSTANTIATE_TEST_SUITE_P(Runner, BuiltinSuite, ::testing::ValuesIn(suite_params()),
                         [](const ::testing::TestParamInfo<SuiteParam>& p) {
                           return p.param.name + (p.param.tls ? "_tls" : "_plain");
                         });

TEST(MarketData, WithoutCredentialsTheBookIsExactOnlyInTheTop100) {
  MarketData md(false, market_config({}), {},
                [](net::MarketDataOptions& o) { o.snapshot = net::SnapshotSource::top100; });
  std::vector<std::string> one = {"ETH-USDT"};
  ASSERT_TRUE(md.client->subscribe(one));
  ASSERT_TRUE(md.wait_caught_up(one)) << md.describe();
  bool found = false;
  for (const auto& e : md.events)
    found = found || (e.kind == BookEvent::Kind::synced && e.detail.find("exact only") != std::string::npos);
  EXPECT_TRUE(found) << md.describe();
  auto truth = md.ws.live->truth("ETH-USDT");
  md.client->with_book("ETH-USDT", [&](const BookView& v) {
    // Exact in the top 100 it started from, give or take the levels inserted above or removed
    // within that range since (so a little over or under 100), never "all".
    ASSERT_GT(v.exact_depth, 0u);
    ASSERT_NE(v.exact_depth, std::numeric_limits<std::size_t>::max());
    ASSERT_LE(v.exact_depth, v.book->depth(Side::bid));
    EXPECT_LT(v.exact_depth, 200u);
    const auto mine = v.book->top(Side::bid, v.exact_depth);
    EXPECT_EQ(mine, std::vector<L2Level>(truth->book.bids.begin(),
                                         truth->book.bids.begin() + static_cast<std::ptrdiff_t>(v.exact_depth)));
  });
}

// The comparison used above can fail: a book that misses one level is reported.
TEST(MarketData, TheTruthCheckCatchesAMissingLevel) {
  MarketData md(false, market_config({}));
  std::vector<std::string> one = {"BTC-USDT"};
  ASSERT_TRUE(md.client->subscribe(one));
  ASSERT_TRUE(md.wait_caught_up(one));
  auto truth = md.ws.live->truth("BTC-USDT");
  L2Book tampered;
  md.client->with_book("BTC-USDT", [&](const BookView& v) { tampered = *v.book; });
  tampered.apply(Side::bid, truth->book.bids[250].price, Quantity{0});
  EXPECT_NE(tampered.top(Side::bid, 1'000'000), truth->book.bids);
}

// level2Depth5 / level2Depth50: whole top-of-book frames every 100 ms while the market moves. The
// client's depth books end equal to the truth's top 5 / top 50 once the finite stream is done.
bool depth_book_is_truth(MarketData& md, const std::string& symbol, BookKind kind, std::uint64_t messages) {
  auto truth = md.ws.live->truth(symbol);
  if (!truth || truth->produced < messages) return false;
  const auto n = static_cast<std::ptrdiff_t>(depth_of(kind));
  const std::vector<L2Level> bids(truth->book.bids.begin(), truth->book.bids.begin() + n);
  const std::vector<L2Level> asks(truth->book.asks.begin(), truth->book.asks.begin() + n);
  bool ok = false;
  md.client->with_book({symbol, kind}, [&](const BookView& v) {
    ok = v.status == BookStatus::synced && v.book->top(Side::bid, 1'000) == bids &&
         v.book->top(Side::ask, 1'000) == asks;
  });
  return ok;
}

TEST(MarketData, DepthChannelsFollowTheTruthWhileTheMarketMovesOnItsOwn) {
  constexpr std::uint64_t kMessages = 150;  // the mock moves a watched-only market 10 messages a tick
  MarketData md(false, market_config({}, kMessages));
  std::vector<std::string> five = {"BTC-USDT"};
  std::vector<std::string> fifty = {"ETH-USDT"};
  ASSERT_TRUE(md.client->subscribe_depth(five, BookKind::depth5));
  ASSERT_TRUE(md.client->subscribe_depth(fifty, BookKind::depth50));
  EXPECT_FALSE(md.client->subscribe_depth(five, BookKind::full)) << "full books come from subscribe()";
  ASSERT_TRUE(md.ws.run_until(
      [&] {
        return depth_book_is_truth(md, "BTC-USDT", BookKind::depth5, kMessages) &&
               depth_book_is_truth(md, "ETH-USDT", BookKind::depth50, kMessages);
      },
      20'000ms, "depth books equal to the truth's top levels"))
      << md.describe();
  // Several frames arrived (the market moved), each a whole top of book.
  EXPECT_GT(md.count(BookEvent::Kind::updated, {}, "BTC-USDT@depth5"), 2u) << md.describe();
  EXPECT_EQ(md.count(BookEvent::Kind::error), 0u) << md.describe();
}

TEST(MarketData, DepthAndFullBookOfOneSymbolAgreeOverTls) {
  constexpr std::uint64_t kMessages = 3'000;
  MarketData md(true, market_config({}, kMessages));
  std::vector<std::string> one = {"XRP-USDT"};
  ASSERT_TRUE(md.client->subscribe(one));
  ASSERT_TRUE(md.client->subscribe_depth(one, BookKind::depth5));
  ASSERT_TRUE(md.wait_caught_up(one, kMessages)) << md.describe();
  ASSERT_TRUE(md.ws.run_until([&] { return depth_book_is_truth(md, "XRP-USDT", BookKind::depth5, kMessages); },
                              20'000ms, "the depth5 book at the truth"))
      << md.describe();
  std::vector<L2Level> full_top, depth_top;
  md.client->with_book("XRP-USDT", [&](const BookView& v) { full_top = v.book->top(Side::ask, 5); });
  md.client->with_book({"XRP-USDT", BookKind::depth5},
                       [&](const BookView& v) { depth_top = v.book->top(Side::ask, 5); });
  EXPECT_EQ(full_top, depth_top);
}

// Token rotation is made before the old connection breaks: books stay synced through several
// rotations with no resync at all, and end equal to the truth. (With make_before_break = false
// every rotation resyncs every book: this test then fails.)
TEST(MarketData, TokenRotationsCostNoResync) {
  constexpr std::uint64_t kMessages = 2'000;
  mock::MockServerConfig cfg;
  cfg.ws.pace_per_symbol = 1'000;  // two seconds of stream
  for (bool tls : {false, true}) {
    MarketData md(tls, market_config({}, kMessages), cfg, [](net::MarketDataOptions& o) {
      o.ws.token_max_age = 400ms;
      o.ws.rotation_overlap = 50ms;
    });
    ASSERT_TRUE(md.client->subscribe(kSymbols));
    ASSERT_TRUE(md.wait_caught_up(kSymbols, kMessages)) << md.describe();
    EXPECT_GE(md.client->ws_stats().connections_opened, 3u) << "rotations happened";
    // Only the first sync of each book: no resync for any rotation.
    EXPECT_EQ(md.count(BookEvent::Kind::resyncing), kSymbols.size()) << md.describe();
    EXPECT_EQ(md.count(BookEvent::Kind::resyncing, BookCause::subscribed), kSymbols.size()) << md.describe();
    EXPECT_EQ(md.count(BookEvent::Kind::synced), kSymbols.size()) << md.describe();
    for (const auto& sym : kSymbols) {
      auto truth = md.ws.live->truth(sym);
      md.client->with_book(sym, [&](const BookView& v) {
        EXPECT_EQ(v.book->top(Side::bid, 1'000'000), truth->book.bids) << sym;
        EXPECT_EQ(v.book->top(Side::ask, 1'000'000), truth->book.asks) << sym;
      });
    }
  }
}

// The bullet answer declares tokenValidFor = 600 ms: the client rotates on its own at 540 ms (the
// configured token_max_age stays KuCoin's 23 h), made before break, and no book resyncs.
TEST(MarketData, DeclaredTokenValidityRotatesWithoutAResync) {
  constexpr std::uint64_t kMessages = 2'000;
  mock::MockServerConfig cfg;
  cfg.ws.pace_per_symbol = 1'000;  // two seconds of stream
  cfg.rest.token_valid_for_ms = 600;
  MarketData md(false, market_config({}, kMessages), cfg,
                [](net::MarketDataOptions& o) { o.ws.rotation_overlap = 50ms; });
  ASSERT_TRUE(md.client->subscribe(kSymbols));
  ASSERT_TRUE(md.wait_caught_up(kSymbols, kMessages)) << md.describe();
  EXPECT_GE(md.count_connection(net::WsState::live, WsReason::token_rotation), 2u) << "rotations in ~2 s";
  EXPECT_EQ(md.count_connection(net::WsState::reconnecting), 0u);
  EXPECT_EQ(md.count(BookEvent::Kind::resyncing), kSymbols.size()) << md.describe();
  EXPECT_EQ(md.count(BookEvent::Kind::resyncing, BookCause::subscribed), kSymbols.size()) << md.describe();
  EXPECT_EQ(md.count(BookEvent::Kind::error), 0u) << md.describe();
  for (const auto& sym : kSymbols) {
    auto truth = md.ws.live->truth(sym);
    md.client->with_book(sym, [&](const BookView& v) {
      EXPECT_EQ(v.resyncs, 0u) << sym;
      EXPECT_EQ(v.book->top(Side::bid, 1'000'000), truth->book.bids) << sym;
      EXPECT_EQ(v.book->top(Side::ask, 1'000'000), truth->book.asks) << sym;
    });
  }
}

// bullet-public refused for a configuration reason (400003: no such key): the application hears
// `failed` once, each book gets one error event saying why it stops, no bullet request is retried
// over 1.5 s; resume() after the fix syncs the books.
TEST(MarketData, ARefusedBulletStopsTheBooksOnceAndResumeSyncsThem) {
  MarketData md(false, market_config({}, 0));
  mock::RestFault f;
  f.path = "/api/v1/bullet-public";
  f.count = -1;
  f.http_status = 401;
  f.code = "400003";
  f.msg = "KC-API-KEY not exists";
  md.ws.server().rest().add_fault(f);
  const std::vector<std::string> syms = {"BTC-USDT", "ETH-USDT"};
  ASSERT_TRUE(md.client->subscribe(syms));
  ASSERT_TRUE(md.ws.run_until([&] { return md.count(BookEvent::Kind::error) >= syms.size(); }, 5'000ms,
                              "an error event per book"))
      << md.describe();
  const auto until = std::chrono::steady_clock::now() + 1'500ms;
  while (std::chrono::steady_clock::now() < until) {
    md.ws.base->io.restart();
    md.ws.base->io.run_one_for(10ms);
  }
  const auto bullets = [&] {
    const auto stats = md.ws.server().rest().stats();
    const auto it = stats.by_path.find("/api/v1/bullet-public");
    return it == stats.by_path.end() ? 0 : it->second;
  };
  EXPECT_EQ(bullets(), 1u);
  EXPECT_EQ(md.count_connection(net::WsState::failed, WsReason::auth_error), 1u);
  EXPECT_EQ(md.count_connection(net::WsState::reconnecting), 0u);
  for (const auto& c : md.connections) {
    if (c.state != net::WsState::failed) continue;
    ASSERT_TRUE(c.error);
    EXPECT_EQ(c.error->code, "400003");
    EXPECT_NE(c.detail.find("the API key does not exist"), std::string::npos) << c.detail;
  }
  for (const auto& sym : syms) {
    EXPECT_EQ(md.count(BookEvent::Kind::error, {}, sym), 1u) << md.describe();
    for (const auto& e : md.events) {
      if (e.symbol != sym || e.kind != BookEvent::Kind::error) continue;
      EXPECT_NE(e.detail.find("failed (auth_error)"), std::string::npos) << e.detail;
      EXPECT_NE(e.detail.find("400003"), std::string::npos) << e.detail;
      EXPECT_NE(e.detail.find("this book stops until resume()"), std::string::npos) << e.detail;
    }
    md.client->with_book(sym, [&](const BookView& v) { EXPECT_NE(v.status, BookStatus::synced) << sym; });
  }
  md.ws.server().rest().clear_faults();
  md.client->resume();
  auto synced = [&](const std::string& key) {
    bool ok = false;
    md.client->with_book(key, [&](const BookView& v) { ok = v.status == BookStatus::synced; });
    return ok;
  };
  ASSERT_TRUE(md.ws.run_until([&] { return synced("BTC-USDT") && synced("ETH-USDT"); }, 20'000ms,
                              "books synced after resume()"))
      << md.describe();
  EXPECT_EQ(bullets(), 2u);
  EXPECT_EQ(md.count(BookEvent::Kind::error), syms.size()) << "told once: " << md.describe();
}

// unsubscribe() drops every book of the symbol, full and level2Depth, and the mock hears both
// unsubscribes; other symbols keep their books.
TEST(MarketData, UnsubscribeDropsFullAndDepthBooks) {
  MarketData md(false, market_config({}, 0));
  const std::vector<std::string> both = {"BTC-USDT", "ETH-USDT"};
  const std::vector<std::string> btc = {"BTC-USDT"};
  ASSERT_TRUE(md.client->subscribe(both));
  ASSERT_TRUE(md.client->subscribe_depth(btc, BookKind::depth5));
  auto synced = [&](BookKey key) {
    bool ok = false;
    md.client->with_book(key, [&](const BookView& v) { ok = v.status == BookStatus::synced; });
    return ok;
  };
  ASSERT_TRUE(md.ws.run_until(
      [&] {
        return synced("BTC-USDT") && synced("ETH-USDT") && synced({"BTC-USDT", BookKind::depth5});
      },
      20'000ms, "three books synced"))
      << md.describe();
  md.client->unsubscribe(btc);  // posted to the client's executor: the books go once it ran
  ASSERT_TRUE(md.ws.run_until(
      [&] {
        return !md.client->with_book("BTC-USDT", [](const BookView&) {}) &&
               !md.client->with_book({"BTC-USDT", BookKind::depth5}, [](const BookView&) {});
      },
      5'000ms, "both books of BTC-USDT gone"));
  EXPECT_TRUE(synced("ETH-USDT"));
  ASSERT_TRUE(md.ws.run_until([&] { return md.ws.mock_events.count(mock::WsServerEvent::Kind::unsubscribed) >= 2; },
                              5'000ms, "the mock hears both unsubscribes"));
  std::set<std::string> gone;
  for (const auto& e : md.ws.mock_events.all()) {
    if (e.kind == mock::WsServerEvent::Kind::unsubscribed) gone.insert(e.detail);
  }
  EXPECT_EQ(gone, (std::set<std::string>{"/market/level2:BTC-USDT", "/spotMarket/level2Depth5:BTC-USDT"}));
  EXPECT_EQ(md.count(BookEvent::Kind::error), 0u) << md.describe();
}

// The threading rules of MarketDataClient: callbacks run without a lock of ours (inside one, the
// calls that take the client's lock return at once: with a lock held they would deadlock), a
// with_book() inside a callback sees the live book at the event's sequence, and another thread's
// with_book() gets consistent copies while the stream is applied.
TEST(MarketData, CallbacksRunWithoutOurLockAndWithBookWorksFromAnyThread) {
  constexpr std::uint64_t kMessages = 3'000;
  MarketData md(false, market_config({}, kMessages));
  std::uint64_t inside = 0, inside_mismatch = 0;
  md.also_on_book = [&](const BookEvent& e) {
    // updated and synced: a fast stream may be buffered whole before the snapshot arrives, and
    // then the book syncs once with no update after it.
    if ((e.kind != BookEvent::Kind::updated && e.kind != BookEvent::Kind::synced) || e.symbol != "BTC-USDT") return;
    (void)md.client->stats();  // takes the lock: no deadlock, so it is not held here
    (void)md.client->scale("BTC-USDT");
    ++inside;
    md.client->with_book("BTC-USDT", [&](const BookView& v) { inside_mismatch += v.sequence != e.sequence; });
  };
  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> reads{0}, crossed{0}, backwards{0};
  std::thread reader([&] {
    std::int64_t last = 0;
    while (!done.load()) {
      md.client->with_book("BTC-USDT", [&](const BookView& v) {
        ++reads;
        if (v.sequence < last) ++backwards;
        last = v.sequence;
        const auto bid = v.book->best_bid();
        const auto ask = v.book->best_ask();
        if (v.status == BookStatus::synced && bid && ask && !(bid->price < ask->price)) ++crossed;
      });
    }
  });
  ASSERT_TRUE(md.client->subscribe(kSymbols));
  const bool caught_up = md.wait_caught_up(kSymbols, kMessages);
  done = true;
  reader.join();
  ASSERT_TRUE(caught_up) << md.describe();
  EXPECT_GT(inside, 0u);
  EXPECT_EQ(inside_mismatch, 0u) << "inside a callback with_book() shows the book the event is about";
  EXPECT_GT(reads.load(), 0u);
  EXPECT_EQ(crossed.load(), 0u) << "a copy is never taken halfway through an update";
  EXPECT_EQ(backwards.load(), 0u);
}

TEST(MarketData, UnknownSymbolIsAnErrorEvent) {
  MarketData md(false, market_config({}));
  std::vector<std::string> syms = {"NOPE-USDT"};
  ASSERT_TRUE(md.client->subscribe(syms));
  ASSERT_TRUE(md.ws.run_until([&] { return md.count(BookEvent::Kind::error) > 0; }, 5'000ms));
  EXPECT_NE(md.describe().find("unknown symbol NOPE-USDT"), std::string::npos) << md.describe();
  std::vector<std::string> bad = {"BTC USDT"};
  EXPECT_FALSE(md.client->subscribe(bad));
}

}  // namespace
}  // namespace kucoin::testing
