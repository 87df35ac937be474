#include "kucoin/book/book_tracker.hpp"

#include <gtest/gtest.h>

#include "kucoin/mock/market_generator.hpp"

namespace kucoin {
namespace {

struct Harness {
  std::vector<std::pair<std::string, Millis>> fetches;
  std::vector<BookEvent::Kind> kinds;
  std::vector<BookCause> causes;
  std::vector<std::string> details;
  std::size_t changes_seen = 0;
  BookTracker tracker;
  mock::MarketGenerator market;

  explicit Harness(BookTrackerConfig c = {}, std::size_t levels = 100, mock::Realism realism = {})
      : tracker(
            c, [this](std::string_view s, Millis d) { fetches.emplace_back(std::string(s), d); },
            [this](const BookEvent& e) {
              kinds.push_back(e.kind);
              causes.push_back(e.cause);
              details.push_back(e.detail);
              changes_seen += e.changes.size();
            }),
        market([levels, realism] {
          mock::GeneratorConfig g;
          g.levels_per_side = levels;
          g.realism = realism;
          return g;
        }()) {
    tracker.add_book("BTC-USDT");
  }
  void feed(int n, std::int64_t now = 0) {
    for (int i = 0; i < n; ++i) tracker.on_update(market.next(), now);
  }
  const BookView view() { return *tracker.view("BTC-USDT"); }
  bool equals_truth() {
    const L2Snapshot t = market.snapshot();
    const BookView v = view();
    return v.sequence == t.sequence && v.book->top(Side::bid, 1'000'000) == t.bids &&
           v.book->top(Side::ask, 1'000'000) == t.asks;
  }
};

using K = BookEvent::Kind;

TEST(BookTracker, SubscribeSnapshotUpdateAndTruth) {
  Harness h;
  EXPECT_EQ(h.view().status, BookStatus::unsubscribed);
  h.feed(5);  // before the subscription is live: ignored
  h.tracker.on_subscribed("BTC-USDT", 0);
  ASSERT_EQ(h.fetches.size(), 1u);
  EXPECT_EQ(h.fetches[0].second, Millis{0});
  EXPECT_EQ(h.kinds.back(), K::resyncing);
  EXPECT_EQ(h.causes.back(), BookCause::subscribed);
  h.feed(10);  // buffered
  EXPECT_EQ(h.view().status, BookStatus::syncing);
  const L2Snapshot snap = h.market.snapshot();
  h.feed(10);  // the snapshot answer arrives after these
  h.tracker.on_snapshot("BTC-USDT", snap, 1);
  EXPECT_EQ(h.kinds.back(), K::synced);
  EXPECT_NE(h.details.back().find("10 buffered messages replayed"), std::string::npos) << h.details.back();
  EXPECT_TRUE(h.equals_truth());
  h.feed(500, 2);
  EXPECT_TRUE(h.equals_truth());
  EXPECT_EQ(h.kinds.back(), K::updated);
  EXPECT_GT(h.changes_seen, 500u);
  EXPECT_EQ(h.view().exact_depth, std::numeric_limits<std::size_t>::max());
  EXPECT_EQ(h.fetches.size(), 1u);
}

// A level2Depth book never asks for a REST snapshot: it syncs on its first whole top of book,
// through reconnects too, and a resync request waits for the next message.
TEST(BookTracker, TopOfBookBooksNeverFetchSnapshots) {
  Harness h;
  h.tracker.add_book({"BTC-USDT", BookKind::depth5});
  h.tracker.on_subscribed(BookKey("BTC-USDT", BookKind::depth5), 0);
  EXPECT_TRUE(h.fetches.empty());
  EXPECT_EQ(h.kinds.back(), K::resyncing);
  EXPECT_NE(h.details.back().find("waiting for the first top-of-book message"), std::string::npos) << h.details.back();
  L2Snapshot top = h.market.snapshot();
  top.bids.resize(5);
  top.asks.resize(5);
  h.tracker.on_depth_snapshot(BookKey("BTC-USDT", BookKind::depth5), top, 1);
  EXPECT_EQ(h.kinds.back(), K::synced);
  h.tracker.on_lost(BookKey("BTC-USDT", BookKind::depth5), BookCause::reconnect, "connection closed");
  h.tracker.on_subscribed(BookKey("BTC-USDT", BookKind::depth5), 2);
  h.tracker.request_resync(BookKey("BTC-USDT", BookKind::depth5), BookCause::requested);
  EXPECT_TRUE(h.fetches.empty());
  h.tracker.on_depth_snapshot(BookKey("BTC-USDT", BookKind::depth5), top, 3);
  const BookView v = *h.tracker.view(BookKey("BTC-USDT", BookKind::depth5));
  EXPECT_EQ(v.status, BookStatus::synced);
  EXPECT_EQ(v.symbol, "BTC-USDT") << "a plain symbol: its kind says which book";
  EXPECT_EQ(v.book_kind, BookKind::depth5);
  EXPECT_FALSE(h.tracker.view(BookKey("BTC-USDT", BookKind::depth50))) << "another book of the symbol";
  EXPECT_EQ(key_text({"BTC-USDT", BookKind::depth5}), "BTC-USDT@depth5");
  EXPECT_EQ(key_text({"BTC-USDT", BookKind::depth50}), "BTC-USDT@depth50");
  EXPECT_EQ(key_text("BTC-USDT"), "BTC-USDT");
  EXPECT_EQ(v.book->top(Side::bid, 100), top.bids);
  // The full book of the same symbol still fetches its snapshot.
  h.tracker.on_subscribed("BTC-USDT", 4);
  ASSERT_EQ(h.fetches.size(), 1u);
  EXPECT_EQ(h.fetches[0].first, "BTC-USDT");
}

TEST(BookTracker, GapAsksForASnapshotAndRecovers) {
  Harness h;
  h.tracker.on_subscribed("BTC-USDT", 0);
  h.tracker.on_snapshot("BTC-USDT", h.market.snapshot(), 0);
  h.feed(20);
  h.market.next();  // lost on the wire
  h.feed(1);
  EXPECT_EQ(h.kinds.back(), K::resyncing);
  EXPECT_EQ(h.causes.back(), BookCause::gap);
  EXPECT_NE(h.details.back().find("expected sequence"), std::string::npos);
  ASSERT_EQ(h.fetches.size(), 2u);
  h.feed(3);
  h.tracker.on_snapshot("BTC-USDT", h.market.snapshot(), 0);
  EXPECT_EQ(h.kinds.back(), K::synced);
  EXPECT_TRUE(h.equals_truth());
  EXPECT_EQ(h.view().resyncs, 1u);
}

TEST(BookTracker, LostConnectionWaitsForTheNewSubscription) {
  Harness h;
  h.tracker.on_subscribed("BTC-USDT", 0);
  h.tracker.on_snapshot("BTC-USDT", h.market.snapshot(), 0);
  h.feed(5);
  h.tracker.on_lost("BTC-USDT", BookCause::token_expired, "401 token is expired");
  EXPECT_EQ(h.kinds.back(), K::resyncing);
  EXPECT_EQ(h.causes.back(), BookCause::token_expired);
  EXPECT_EQ(h.view().status, BookStatus::unsubscribed);
  EXPECT_EQ(h.fetches.size(), 1u);               // no snapshot without a stream
  for (int i = 0; i < 50; ++i) h.market.next();  // the market moves on while we are away
  h.tracker.on_subscribed("BTC-USDT", 10);
  EXPECT_EQ(h.causes.back(), BookCause::token_expired);
  ASSERT_EQ(h.fetches.size(), 2u);
  h.feed(4);
  h.tracker.on_snapshot("BTC-USDT", h.market.snapshot(), 11);
  EXPECT_TRUE(h.equals_truth());
}

TEST(BookTracker, FailingSnapshotsRetryWithGrowingDelays) {
  BookTrackerConfig c;
  c.snapshot_retry = BackoffConfig{Millis{100}, 2.0, Millis{1'000}, Jitter::none};
  Harness h(c);
  h.tracker.on_subscribed("BTC-USDT", 0);
  const Error err{Errc::api_error, "KuCoin error 429000: Too Many Requests"};
  for (int i = 0; i < 6; ++i) h.tracker.on_snapshot_error("BTC-USDT", err, 0);
  ASSERT_EQ(h.fetches.size(), 7u);
  EXPECT_EQ(h.fetches[1].second, Millis{100});
  EXPECT_EQ(h.fetches[2].second, Millis{200});
  EXPECT_EQ(h.fetches[5].second, Millis{1'000});
  EXPECT_EQ(h.fetches[6].second, Millis{1'000});
  EXPECT_EQ(h.kinds.back(), K::error);
  EXPECT_NE(h.details.back().find("429000"), std::string::npos);
  h.tracker.on_snapshot("BTC-USDT", h.market.snapshot(), 0);
  EXPECT_EQ(h.kinds.back(), K::synced);
}

TEST(BookTracker, StaleOncePerQuietSpell) {
  BookTrackerConfig c;
  c.stale_after = Millis{1'000};
  Harness h(c);
  h.tracker.on_subscribed("BTC-USDT", 0);
  h.tracker.on_snapshot("BTC-USDT", h.market.snapshot(), 0);
  h.feed(1, 100);
  h.tracker.tick(900);
  EXPECT_NE(h.kinds.back(), K::stale);
  h.tracker.tick(1'100);
  EXPECT_EQ(h.kinds.back(), K::stale);
  const auto n = h.kinds.size();
  h.tracker.tick(5'000);
  EXPECT_EQ(h.kinds.size(), n);
  h.feed(1, 5'001);
  h.tracker.tick(6'100);
  EXPECT_EQ(h.kinds.back(), K::stale);
}

TEST(BookTracker, PartialSnapshotIsExactOnlyInItsRange) {
  BookTrackerConfig c;
  c.snapshot_depth = 100;
  Harness h(c, 300);
  h.tracker.on_subscribed("BTC-USDT", 0);
  L2Snapshot top = h.market.snapshot();
  top.bids.resize(100);
  top.asks.resize(100);
  h.tracker.on_snapshot("BTC-USDT", top, 0);
  EXPECT_NE(h.details.back().find("exact only within"), std::string::npos);
  EXPECT_EQ(h.view().exact_depth, 100u);
  h.feed(200);
  const BookView v = h.view();
  EXPECT_LE(v.exact_depth, v.book->depth(Side::bid));
  EXPECT_GT(v.exact_depth, 50u);
  // Within the exact range the book equals the truth.
  const L2Snapshot truth = h.market.snapshot();
  const auto mine = v.book->top(Side::bid, v.exact_depth);
  EXPECT_EQ(mine,
            std::vector<L2Level>(truth.bids.begin(), truth.bids.begin() + static_cast<std::ptrdiff_t>(v.exact_depth)));
}

TEST(BookTracker, BookMemoryIsBounded) {
  BookTrackerConfig c;
  c.max_levels_per_side = 50;
  Harness h(c, 300);
  h.tracker.on_subscribed("BTC-USDT", 0);
  h.tracker.on_snapshot("BTC-USDT", h.market.snapshot(), 0);
  EXPECT_EQ(h.view().book->depth(Side::bid), 50u);
  EXPECT_EQ(h.view().exact_depth, 50u);
  EXPECT_NE(std::find(h.kinds.begin(), h.kinds.end(), K::error), h.kinds.end());
  h.feed(100);
  EXPECT_LE(h.view().book->depth(Side::ask), 50u);
  const L2Snapshot truth = h.market.snapshot();
  EXPECT_EQ(h.view().book->top(Side::bid, 10), std::vector<L2Level>(truth.bids.begin(), truth.bids.begin() + 10));
}

TEST(BookTracker, ResyncBufferOverflowIsReportedOnce) {
  BookTrackerConfig c;
  c.sync.max_buffered_messages = 10;
  Harness h(c);
  h.tracker.on_subscribed("BTC-USDT", 0);
  h.feed(30);
  EXPECT_EQ(std::count(h.kinds.begin(), h.kinds.end(), K::error), 1);
  EXPECT_NE(h.details.back().find("resync buffer"), std::string::npos);
  // An old snapshot cannot be used now; the tracker asks again and a fresh one works.
  h.tracker.on_snapshot("BTC-USDT", h.market.snapshot(), 0);
  EXPECT_TRUE(h.equals_truth());
}

}  // namespace
}  // namespace kucoin

namespace kucoin {
namespace {

using K = BookEvent::Kind;

TEST(BookTracker, RealKuCoinDecimalsSyncAndStayExact) {
  // Sizes past baseIncrement, huge sizes and prices finer than the tick, in the snapshot and
  // in the deltas: the book syncs at once and stays equal to the truth, with no resync.
  mock::Realism heavy{20, 5, 10};
  Harness h({}, 200, heavy);
  h.tracker.on_subscribed("BTC-USDT", 0);
  h.feed(200);
  h.tracker.on_snapshot("BTC-USDT", h.market.snapshot(), 0);
  ASSERT_EQ(h.view().status, BookStatus::synced);
  h.feed(5'000);
  EXPECT_TRUE(h.equals_truth());
  EXPECT_EQ(h.view().resyncs, 0u);
  EXPECT_EQ(h.fetches.size(), 1u);
  EXPECT_EQ(h.view().book->price_decimals(), 2);  // widened past the 0.1 tick
  for (K k : h.kinds) EXPECT_NE(k, K::error);
}

TEST(BookTracker, UnrepresentableDataStopsTheBookOnceWithoutAResyncLoop) {
  Harness h;
  h.tracker.on_subscribed("BTC-USDT", 0);
  h.tracker.on_snapshot("BTC-USDT", h.market.snapshot(), 0);
  ASSERT_EQ(h.view().status, BookStatus::synced);
  // A snapshot whose prices cannot share one exact int64 scale (10^12 next to 10 decimals).
  L2Snapshot bad;
  bad.sequence = h.market.sequence();
  bad.bids = {L2Level{Price{12345678901, 10}, Quantity{1, 0}}};
  bad.asks = {L2Level{Price{1'000'000'000'000, 0}, Quantity{1, 0}}};
  h.tracker.request_resync("BTC-USDT", BookCause::requested);
  const std::size_t fetches = h.fetches.size();
  h.tracker.on_snapshot("BTC-USDT", bad, 0);
  EXPECT_EQ(h.view().status, BookStatus::failed);
  ASSERT_EQ(h.kinds.back(), K::error);
  EXPECT_EQ(h.causes.back(), BookCause::unrepresentable);
  EXPECT_NE(h.details.back().find("BTC-USDT"), std::string::npos) << h.details.back();
  EXPECT_NE(h.details.back().find("1.2345678901"), std::string::npos) << h.details.back();
  // Nothing more happens: no fetch, no events, whatever arrives.
  const std::size_t events = h.kinds.size();
  h.feed(50);
  h.tracker.on_snapshot_error("BTC-USDT", Error{Errc::out_of_range, "data.bids size: too many digits"}, 0);
  h.tracker.on_subscribed("BTC-USDT", 0);  // a reconnect does not restart it either
  h.tracker.tick(1'000'000);
  EXPECT_EQ(h.fetches.size(), fetches);
  EXPECT_EQ(h.kinds.size(), events);
  // The application asks: it starts again.
  h.tracker.request_resync("BTC-USDT", BookCause::requested);
  EXPECT_EQ(h.view().status, BookStatus::syncing);
  EXPECT_EQ(h.fetches.size(), fetches + 1);
  h.tracker.on_snapshot("BTC-USDT", h.market.snapshot(), 0);
  EXPECT_EQ(h.view().status, BookStatus::synced);
}

TEST(BookTracker, AnUndecodableNumberInASnapshotStopsTheBook) {
  Harness h;
  h.tracker.on_subscribed("BTC-USDT", 0);
  h.tracker.on_snapshot_error("BTC-USDT",
                              Error{Errc::out_of_range,
                                    "data.asks size: \"12345678901234567890.5\" has more "
                                    "significant digits than an exact decimal holds (18)"},
                              0);
  EXPECT_EQ(h.view().status, BookStatus::failed);
  EXPECT_EQ(h.fetches.size(), 1u);  // only the first, no retry
  EXPECT_EQ(h.causes.back(), BookCause::unrepresentable);
  EXPECT_NE(h.details.back().find("12345678901234567890.5"), std::string::npos);
}

}  // namespace
}  // namespace kucoin

#include "kucoin/book/book_json.hpp"

namespace kucoin {
namespace {

TEST(BookJson, BestFirstExactStringsAndExactDepth) {
  L2Book book;
  ASSERT_TRUE(book.load(
      std::vector<L2Level>{{Price{299996, 1}, Quantity{170001689, 8}}, {Price{299990, 1}, Quantity{45233815308, 2}}},
      std::vector<L2Level>{{Price{300005, 1}, Quantity{19434546, 11}}, {Price{2999970, 2}, Quantity{66250547, 8}}}));
  BookView v;
  v.symbol = "BTC-USDT";
  v.status = BookStatus::synced;
  v.sequence = 123;
  v.book = &book;
  v.exact_depth = static_cast<std::size_t>(-1);
  std::string out;
  append_book_json(out, v);
  EXPECT_EQ(out, R"({"sequence":123,"exact_depth":null,"bids":[["29999.6","1.70001689"],["29999","452338153.08"]],)"
                 R"("asks":[["29999.7","0.66250547"],["30000.5","0.00019434546"]]})");
  v.exact_depth = 100;
  out.clear();
  append_book_json(out, v);
  EXPECT_NE(out.find(R"("exact_depth":100,)"), std::string::npos) << out;
  out.clear();
  append_book_json(out, BookView{});
  EXPECT_EQ(out, R"({"sequence":0,"exact_depth":0,"bids":[],"asks":[]})");
}

}  // namespace
}  // namespace kucoin
