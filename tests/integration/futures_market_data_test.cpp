// Spot and futures books side by side in one process: the real mock with a spot LiveMarket and a
// futures host, and two MarketDataClients (one per venue) on one io_context. Every book ends equal
// to its market's truth at the same sequence, level by level, through a gap and a duplicate on
// the futures stream.
#include <gtest/gtest.h>

#include "kucoin/book/futures_book.hpp"
#include "kucoin/net/market_data_client.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

constexpr std::uint64_t kMessages = 3'000;

mock::LiveMarketConfig spot_config() {
  mock::LiveMarketConfig c;
  c.symbols = {"BTC-USDT", "ETH-USDT"};
  c.levels_per_side = 200;
  c.messages = kMessages;
  c.plan.enabled = true;  // snapshots at planned positions: the faults hit a synced book every run
  return c;
}

mock::LiveMarketConfig futures_config(std::vector<mock::StreamFault> faults) {
  mock::LiveMarketConfig c;
  c.venue = Market::futures;
  c.symbols = {"XBTUSDTM", "ETHUSDTM"};
  c.levels_per_side = 200;
  c.seed = 77;
  c.messages = kMessages;
  c.faults = std::move(faults);
  c.plan.enabled = true;
  return c;
}

struct EventRec {
  BookEvent::Kind kind;
  std::string symbol;
  BookKind book_kind;
  BookCause cause;
};

struct SideBySide {
  SideBySide(bool tls, std::vector<mock::StreamFault> futures_faults)
      : futures_market(std::make_shared<mock::LiveMarket>(futures_config(std::move(futures_faults)))),
        ws(tls, config(futures_market), spot_config()) {
    auto ro = ws.base->options(false);
    ro.venue = Market::futures;
    ro.http.base_url = ws.server().futures_url();
    futures_rest = std::make_unique<net::RestClient>(ws.base->io, ro);
    spot = make(*ws.rest, Market::spot);
    futures = make(*futures_rest, Market::futures);
  }

  static mock::MockServerConfig config(std::shared_ptr<mock::LiveMarket> futures) {
    mock::MockServerConfig c;
    c.futures_market = std::move(futures);
    c.rest.ping_interval_ms = 1'000;  // KuCoin-like: a fast stream must not delay a pong past its timeout
    c.rest.ping_timeout_ms = 10'000;
    return c;
  }

  std::unique_ptr<net::MarketDataClient> make(net::RestClient& rest, Market venue) {
    net::MarketDataOptions o;
    o.venue = venue;
    o.ws = ws.options();
    o.books.snapshot_retry = BackoffConfig{5ms, 2.0, 50ms, Jitter::none};
    o.books.stale_after = 0ms;
    net::MarketDataHandlers h;
    h.on_book = [this, venue](const BookEvent& e) {
      (venue == Market::futures ? futures_events : spot_events)
          .push_back({e.kind, std::string(e.symbol), e.book_kind, e.cause});
    };
    return std::make_unique<net::MarketDataClient>(ws.base->io, rest, std::move(o), std::move(h));
  }

  // Synced at the truth's sequence with the whole finite stream produced.
  static bool caught_up(net::MarketDataClient& c, mock::LiveMarket& m, const std::string& symbol) {
    auto truth = m.truth(symbol);
    if (!truth || truth->produced < kMessages) return false;
    bool ok = false;
    c.with_book(symbol,
                [&](const BookView& v) { ok = v.status == BookStatus::synced && v.sequence == truth->book.sequence; });
    return ok;
  }

  // The book equals the truth on both sides, every level.
  static void expect_exact(net::MarketDataClient& c, mock::LiveMarket& m, const std::string& symbol) {
    const auto truth = m.truth(symbol).value();
    L2Book expected;
    ASSERT_TRUE(expected.load(truth.book));
    bool seen = false;
    c.with_book(symbol, [&](const BookView& v) {
      seen = true;
      EXPECT_EQ(v.sequence, truth.book.sequence) << symbol;
      EXPECT_EQ(v.exact_depth, SIZE_MAX) << symbol << ": a full snapshot makes the whole book exact";
      EXPECT_TRUE(*v.book == expected) << symbol << " differs from the truth";
      EXPECT_EQ(v.book->depth(Side::bid), truth.book.bids.size()) << symbol;
    });
    EXPECT_TRUE(seen) << symbol;
  }

  // Resyncs of a synced book (the first sync of a subscription is not one).
  static std::size_t resyncs(const std::vector<EventRec>& events, std::string_view symbol,
                             std::optional<BookCause> cause = {}) {
    std::size_t n = 0;
    for (const auto& e : events) {
      n += e.kind == BookEvent::Kind::resyncing && e.book_kind == BookKind::full && e.symbol == symbol &&
           e.cause != BookCause::subscribed && (!cause || e.cause == *cause);
    }
    return n;
  }

  std::shared_ptr<mock::LiveMarket> futures_market;
  WsHarness ws;
  std::unique_ptr<net::RestClient> futures_rest;
  std::vector<EventRec> spot_events, futures_events;
  std::unique_ptr<net::MarketDataClient> spot, futures;
};

class FuturesMarketData : public ::testing::TestWithParam<bool> {};

TEST_P(FuturesMarketData, SpotAndFuturesBooksExactInOneProcessThroughAGapAndADuplicate) {
  using K = mock::StreamFault::Kind;
  SideBySide t(GetParam(), {
                               {K::drop, "XBTUSDTM", {mock::Trigger::Kind::after_snapshot, 300}, 2, 0},
                               {K::duplicate, "ETHUSDTM", {mock::Trigger::Kind::after_snapshot, 200}, 1, 0},
                           });
  const std::vector<std::string> spot_symbols = {"BTC-USDT", "ETH-USDT"};
  const std::vector<std::string> futures_symbols = {"XBTUSDTM", "ETHUSDTM"};
  ASSERT_TRUE(t.spot->subscribe(spot_symbols));
  ASSERT_TRUE(t.futures->subscribe(futures_symbols));
  const std::vector<std::string> xbt = {"XBTUSDTM"};
  ASSERT_TRUE(t.futures->subscribe_depth(xbt, BookKind::depth5));
  EXPECT_FALSE(t.futures->subscribe(std::vector<std::string>{"XBT USDTM"})) << "not a symbol";

  ASSERT_TRUE(t.ws.run_until(
      [&] {
        for (const auto& s : spot_symbols) {
          if (!SideBySide::caught_up(*t.spot, *t.ws.live, s)) return false;
        }
        for (const auto& s : futures_symbols) {
          if (!SideBySide::caught_up(*t.futures, *t.futures_market, s)) return false;
        }
        return true;
      },
      30'000ms, "every spot and futures book synced at the end of its stream"));
  for (const auto& s : spot_symbols) SideBySide::expect_exact(*t.spot, *t.ws.live, s);
  for (const auto& s : futures_symbols) SideBySide::expect_exact(*t.futures, *t.futures_market, s);

  // The gap made the XBTUSDTM book resync with the cause "gap"; the duplicate was dropped
  // without a resync; the spot books had nothing to resync for.
  EXPECT_EQ(SideBySide::resyncs(t.futures_events, "XBTUSDTM", BookCause::gap), 1u);
  EXPECT_EQ(SideBySide::resyncs(t.futures_events, "XBTUSDTM"), 1u);
  EXPECT_EQ(SideBySide::resyncs(t.futures_events, "ETHUSDTM"), 0u);
  EXPECT_EQ(SideBySide::resyncs(t.spot_events, "BTC-USDT"), 0u);
  EXPECT_EQ(SideBySide::resyncs(t.spot_events, "ETH-USDT"), 0u);
  EXPECT_EQ(t.futures_market->fired_faults().size(), 2u);

  // Lots and base units: the contract came from /api/v1/contracts/active.
  const auto contract = t.futures->contract("XBTUSDTM");
  ASSERT_TRUE(contract);
  EXPECT_EQ(contract->multiplier, (Quantity{1, 3}));
  EXPECT_EQ(t.futures->venue(), Market::futures);
  EXPECT_FALSE(t.spot->contract("BTC-USDT"));
  t.futures->with_book("XBTUSDTM", [&](const BookView& v) {
    auto top = futures_top(*v.book, Side::bid, 1, contract->multiplier);
    ASSERT_TRUE(top);
    ASSERT_EQ(top->size(), 1u);
    const auto best = v.book->best_bid().value();
    EXPECT_EQ(top->front().lots, best.size);
    EXPECT_EQ(top->front().base, lots_to_base(best.size, contract->multiplier).value());
  });
  // The depth5 book carries the top five of the futures truth's last depth frame.
  bool depth_seen = false;
  t.futures->with_book({"XBTUSDTM", BookKind::depth5}, [&](const BookView& v) {
    depth_seen = v.status == BookStatus::synced && v.book->depth(Side::ask) == 5;
  });
  EXPECT_TRUE(depth_seen);
  t.spot->stop();
  t.futures->stop();
}

INSTANTIATE_TEST_SUITE_P(PlainAndTls, FuturesMarketData, ::testing::Values(false, true),
                         [](const auto& param_info) { return std::string(param_info.param ? "tls" : "plain"); });

}  // namespace
}  // namespace kucoin::testing
