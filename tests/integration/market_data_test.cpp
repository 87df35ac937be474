// Live order books end to end: the real mock (LiveMarket, with stream and REST faults) and the
// real MarketDataClient over loopback, plain and TLS. Every test ends by proving each book equal
// to the mock's truth at the same sequence, level by level on both sides.
#include <gtest/gtest.h>

#include "kucoin/net/market_data_client.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

using mock::StreamFault;
using mock::Trigger;
using K = StreamFault::Kind;

struct BookEventRec {
  BookEvent::Kind kind;
  std::string symbol;
  BookCause cause;
  std::string detail;
};

const std::vector<std::string> kSymbols = {"BTC-USDT", "ETH-USDT", "XRP-USDT"};

mock::LiveMarketConfig market_config(std::vector<StreamFault> faults, std::uint64_t messages = 3'000) {
  mock::LiveMarketConfig c;
  c.symbols = kSymbols;
  c.levels_per_side = 500;
  c.messages = messages;
  c.faults = std::move(faults);
  return c;
}

// A pong queues behind every data frame already in the socket: with the mock streaming as fast as
// it can, a 200 ms pong timeout (the WebSocket tests' setting) can expire while the client is
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
      events.push_back({e.kind, std::string(e.symbol), e.cause, e.detail});
    };
    client = std::make_unique<net::MarketDataClient>(ws.base->io, *ws.rest, std::move(o), std::move(h));
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
    client->with_book(symbol, [&](const BookView& v) {
      ok = v.status == BookStatus::synced && v.sequence == truth->book.sequence;
    });
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

  // Every level of both sides equals the truth; the reason when not.
  std::string compare_with_truth(const std::string& symbol) {
    auto truth = ws.live->truth(symbol);
    if (!truth) return "no truth for " + symbol;
    std::string why;
    client->with_book(symbol, [&](const BookView& v) {
      if (v.sequence != truth->book.sequence) {
        why = "sequence " + std::to_string(v.sequence) + " vs truth " + std::to_string(truth->book.sequence);
      } else if (v.book->top(Side::bid, 1'000'000) != truth->book.bids) {
        why = "bids differ";
      } else if (v.book->top(Side::ask, 1'000'000) != truth->book.asks) {
        why = "asks differ";
      } else if (auto bad = check_book(*v.book)) {
        why = bad->detail;
      }
    });
    return why;
  }

  std::uint64_t resyncs(const std::string& symbol) {
    std::uint64_t n = 0;
    client->with_book(symbol, [&](const BookView& v) { n = v.resyncs; });
    return n;
  }

  WsHarness ws;
  std::vector<BookEventRec> events;
  std::unique_ptr<net::MarketDataClient> client;
};

class Books : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(PlainAndTls, Books, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "tls" : "plain"; });

TEST_P(Books, SeveralSymbolsEndEqualToTheTruth) {
  MarketData md(GetParam(), market_config({}));
  ASSERT_TRUE(md.client->subscribe(kSymbols));
  ASSERT_TRUE(md.wait_caught_up(kSymbols)) << md.describe();
  for (const auto& s : kSymbols) {
    EXPECT_EQ(md.compare_with_truth(s), "") << s;
    EXPECT_EQ(md.resyncs(s), 0u) << s << "\n" << md.describe();
    EXPECT_EQ(md.count(BookEvent::Kind::synced, {}, s), 1u) << md.describe();
  }
  EXPECT_GT(md.count(BookEvent::Kind::updated), 1'000u);
  EXPECT_EQ(md.client->stats().decode_errors, 0u);
  md.client->with_book("BTC-USDT", [](const BookView& v) {
    EXPECT_EQ(v.exact_depth, std::numeric_limits<std::size_t>::max());  // full v3 snapshot (credentials)
    EXPECT_GE(v.book->depth(Side::bid), 400u);
  });
}

struct FaultCase {
  const char* name;
  std::vector<StreamFault> faults;
  std::uint64_t resyncs;  // per faulted symbol (BTC-USDT)
  std::optional<BookCause> cause;
  std::int64_t snapshot_offset = 0;
  bool stale = false;
  bool whole_connection = false;  // the fault ends the connection: every symbol on it resyncs
};

class StreamFaults : public ::testing::TestWithParam<FaultCase> {};

TEST_P(StreamFaults, BookRecoversAndEqualsTheTruth) {
  const FaultCase& c = GetParam();
  auto market = market_config(c.faults);
  market.snapshot_offset = c.snapshot_offset;
  MarketData md(false, market, {}, [&](net::MarketDataOptions& o) {
    o.books.sync.stale_run_for_reset = 20;
    if (c.stale) o.books.stale_after = 100ms;
  });
  ASSERT_TRUE(md.client->subscribe(kSymbols));
  ASSERT_TRUE(md.wait_caught_up(kSymbols)) << md.describe();
  for (const auto& s : kSymbols) EXPECT_EQ(md.compare_with_truth(s), "") << s << "\n" << md.describe();
  EXPECT_EQ(md.resyncs("BTC-USDT"), c.resyncs) << md.describe();
  EXPECT_EQ(md.resyncs("ETH-USDT"), c.whole_connection ? c.resyncs : 0u) << md.describe();
  if (c.cause) {
    EXPECT_GE(md.count(BookEvent::Kind::resyncing, c.cause, "BTC-USDT"), 1u) << md.describe();
  }
  if (c.stale) {
    EXPECT_GE(md.count(BookEvent::Kind::stale, {}, "BTC-USDT"), 1u) << md.describe();
  }
  EXPECT_EQ(md.ws.live->fired_faults().size(), c.faults.size());
}

INSTANTIATE_TEST_SUITE_P(
    MarketData, StreamFaults,
    ::testing::Values(
        FaultCase{"gap", {{K::drop, "BTC-USDT", {Trigger::Kind::message, 1'000}, 3, 0}}, 1, BookCause::gap},
        FaultCase{"duplicate", {{K::duplicate, "BTC-USDT", {Trigger::Kind::message, 1'000}, 2, 0}}, 0, {}},
        FaultCase{"reorder", {{K::reorder, "BTC-USDT", {Trigger::Kind::message, 1'000}, 3, 0}}, 1, BookCause::gap},
        FaultCase{"sequence_jump",
                  {{K::sequence_jump, "BTC-USDT", {Trigger::Kind::message, 1'000}, 1, 100'000'000}},
                  1,
                  BookCause::gap},
        FaultCase{"sequence_reset",
                  {{K::sequence_reset, "BTC-USDT", {Trigger::Kind::message, 1'000}, 1, 7}},
                  1,
                  BookCause::sequence_reset},
        FaultCase{"disconnect", {{K::disconnect, "BTC-USDT", {Trigger::Kind::message, 1'000}, 1, 0}}, 1,
                  BookCause::reconnect, 0, false, true},
        FaultCase{"token_expiry", {{K::token_expiry, "BTC-USDT", {Trigger::Kind::message, 1'000}, 1, 0}}, 1,
                  BookCause::token_expired, 0, false, true},
        FaultCase{"stall", {{K::stall, "BTC-USDT", {Trigger::Kind::message, 1'000}, 400, 0}}, 0, {}, 0, true},
        FaultCase{"snapshot_ahead", {}, 0, {}, 40},
        FaultCase{"snapshot_behind", {}, 0, {}, -40}),
    [](const ::testing::TestParamInfo<FaultCase>& p) { return std::string(p.param.name); });

TEST(MarketData, FailingSnapshotsAreRetriedWithBackoff) {
  mock::MockServerConfig cfg;
  mock::RestFault f;
  f.path = "/api/v3/market/orderbook/level2";
  // The REST client retries a 5xx 3 times by itself (4 attempts); the fifth failure reaches the
  // book, which retries after a backoff.
  f.count = 5;
  f.http_status = 500;
  f.code = "500000";
  cfg.rest.faults.push_back(f);
  MarketData md(false, market_config({}), cfg);
  std::vector<std::string> one = {"BTC-USDT"};
  ASSERT_TRUE(md.client->subscribe(one));
  ASSERT_TRUE(md.wait_caught_up(one)) << md.describe();
  EXPECT_EQ(md.compare_with_truth("BTC-USDT"), "");
  EXPECT_EQ(md.client->stats().snapshots_requested, 2u);
  EXPECT_EQ(md.client->stats().snapshot_failures, 1u);
  EXPECT_EQ(md.count(BookEvent::Kind::error, {}, "BTC-USDT"), 1u) << md.describe();
  EXPECT_NE(md.describe().find("500000"), std::string::npos) << md.describe();
}

TEST(MarketData, WithoutCredentialsTheBookIsExactOnlyInTheTop100) {
  MarketData md(false, market_config({}), {}, [](net::MarketDataOptions& o) { o.snapshot = net::SnapshotSource::top100; });
  std::vector<std::string> one = {"ETH-USDT"};
  ASSERT_TRUE(md.client->subscribe(one));
  ASSERT_TRUE(md.wait_caught_up(one)) << md.describe();
  bool found = false;
  for (const auto& e : md.events) found = found || (e.kind == BookEvent::Kind::synced && e.detail.find("exact only") != std::string::npos);
  EXPECT_TRUE(found) << md.describe();
  auto truth = md.ws.live->truth("ETH-USDT");
  md.client->with_book("ETH-USDT", [&](const BookView& v) {
    ASSERT_GT(v.exact_depth, 0u);
    ASSERT_LE(v.exact_depth, 100u);
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
