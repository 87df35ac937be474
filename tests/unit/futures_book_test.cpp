// Futures books: the spot BookTracker fed through the futures wire (every message encoded by the
// mock's futures encoder and decoded by FuturesDecoder, snapshots as REST bodies), against the
// generator's truth through a gap, a duplicate, a stale snapshot and a sequence reset; sizes in
// lots and in base units.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "kucoin/book/book_tracker.hpp"
#include "kucoin/book/futures_book.hpp"
#include "kucoin/core/decimal.hpp"
#include "kucoin/mock/market_generator.hpp"
#include "kucoin/protocol/futures_codec.hpp"

namespace kucoin {
namespace {

constexpr std::string_view kSymbol = "XBTUSDTM";

mock::GeneratorConfig futures_market(std::int64_t start_sequence = 1'709'400'450'000) {
  mock::GeneratorConfig g;
  g.symbol = std::string(kSymbol);
  g.scale = SymbolScale{1, 0};  // tick 0.1, integer lots
  g.mid_price = 906'312;        // 90631.2
  g.levels_per_side = 200;
  g.calibration_percent = 0;      // futures have no price-0 rows
  g.min_batch = g.max_batch = 1;  // one change a message, as mock::default_contract_setup sets
  g.start_sequence = start_sequence;
  return g;
}

struct Harness {
  std::vector<std::pair<std::string, Millis>> fetches;
  std::vector<BookEvent::Kind> kinds;
  std::vector<BookCause> causes;
  std::vector<std::string> details;
  BookTracker tracker;
  mock::MarketGenerator market;
  FuturesDecoder decoder{futures_scales(std::vector<FuturesContract>{FuturesContract{
      std::string(kSymbol), "XBT", "USDT", Price{1, 1}, Quantity{1, 0}, Quantity{1, 3}, false, "Open"}})};
  std::vector<std::string> wire;  // every futures frame of the market, in order
  std::size_t fed = 0;            // frames of `wire` delivered

  explicit Harness(mock::GeneratorConfig g = futures_market())
      : tracker(
            BookTrackerConfig{}, [this](std::string_view s, Millis d) { fetches.emplace_back(std::string(s), d); },
            [this](const BookEvent& e) {
              kinds.push_back(e.kind);
              causes.push_back(e.cause);
              details.push_back(e.detail);
            }),
        market(std::move(g)) {
    tracker.add_book(kSymbol);
  }

  // Moves the market by `n` futures messages (frames queued on the wire, not delivered).
  void advance(std::size_t n) {
    std::vector<L2Update> msgs;
    while (n > 0) {
      msgs.clear();
      split_futures_messages(market.next(), msgs);
      for (const L2Update& m : msgs) {
        std::string frame;
        EXPECT_TRUE(encode_futures_level2_frame(m, frame));
        wire.push_back(std::move(frame));
      }
      n -= std::min(n, msgs.size());
    }
  }
  void deliver(const std::string& frame, std::int64_t now = 0) {
    L2Update u;
    auto r = decoder.decode_level2(frame, u);
    ASSERT_TRUE(r) << r.error() << " in " << frame;
    tracker.on_update(u, now);
  }
  // Delivers every queued frame.
  void flush(std::int64_t now = 0) {
    while (fed < wire.size()) deliver(wire[fed++], now);
  }
  void drop(std::size_t n) { fed += n; }
  // The market's book as the futures REST snapshot body, decoded.
  L2Snapshot snapshot_now() {
    L2Snapshot truth = market.snapshot();
    FuturesSnapshot s{std::string(kSymbol), truth.time_ms * 1'000'000, truth};
    std::string body;
    encode_futures_snapshot_response(s, body);
    FuturesSnapshot back;
    auto r = decoder.decode_snapshot(body, kSymbol, back);
    EXPECT_TRUE(r) << r.error();
    return back.book;
  }
  BookView view() { return *tracker.view(kSymbol); }
  // The truth at the market's current sequence (every queued frame delivered).
  bool equals_truth() {
    const L2Snapshot t = market.snapshot();
    const BookView v = view();
    return v.status == BookStatus::synced && v.sequence == t.sequence && v.book->top(Side::bid, 1'000'000) == t.bids &&
           v.book->top(Side::ask, 1'000'000) == t.asks;
  }
  void start() {
    tracker.on_subscribed(kSymbol, 0);
    tracker.on_snapshot(kSymbol, snapshot_now(), 0);
    ASSERT_EQ(view().status, BookStatus::synced);
  }
};

using K = BookEvent::Kind;

TEST(FuturesBook, SyncsFromBufferedFramesAndASnapshotAndStaysExact) {
  Harness h;
  h.tracker.on_subscribed(kSymbol, 0);
  ASSERT_EQ(h.fetches.size(), 1u);
  h.advance(10);
  h.flush();
  const L2Snapshot snap = h.snapshot_now();
  h.advance(10);
  h.flush();  // arrive before the snapshot answer
  h.tracker.on_snapshot(kSymbol, snap, 1);
  EXPECT_EQ(h.kinds.back(), K::synced);
  EXPECT_NE(h.details.back().find("10 buffered messages replayed"), std::string::npos) << h.details.back();
  EXPECT_TRUE(h.equals_truth());
  h.advance(2'000);
  h.flush(2);
  EXPECT_TRUE(h.equals_truth());
  EXPECT_EQ(h.kinds.back(), K::updated);
  EXPECT_EQ(h.view().exact_depth, std::numeric_limits<std::size_t>::max());
  EXPECT_EQ(h.fetches.size(), 1u);
}

TEST(FuturesBook, AGapOfOneSequenceResyncsWithCauseGap) {
  Harness h;
  h.start();
  h.advance(50);
  h.flush();
  h.advance(5);
  h.drop(1);  // sequence last + 1 is lost on the wire
  h.flush();
  ASSERT_EQ(h.fetches.size(), 2u);
  EXPECT_EQ(h.view().status, BookStatus::syncing);
  const auto gap = std::find(h.causes.begin(), h.causes.end(), BookCause::gap);
  ASSERT_NE(gap, h.causes.end());
  const std::string& detail = h.details[static_cast<std::size_t>(gap - h.causes.begin())];
  EXPECT_NE(detail.find("expected sequence"), std::string::npos) << detail;
  h.tracker.on_snapshot(kSymbol, h.snapshot_now(), 1);
  EXPECT_TRUE(h.equals_truth());
  EXPECT_EQ(h.view().resyncs, 1u) << "the gap (the subscription's first sync is not a resync)";
}

TEST(FuturesBook, ADuplicateIsIgnoredWithoutAResync) {
  Harness h;
  h.start();
  h.advance(30);
  h.flush();
  h.deliver(h.wire[h.fed - 1]);   // the last message again
  h.deliver(h.wire[h.fed - 10]);  // an older one
  h.advance(30);
  h.flush();
  EXPECT_TRUE(h.equals_truth());
  EXPECT_EQ(h.fetches.size(), 1u);
  EXPECT_EQ(std::count(h.kinds.begin(), h.kinds.end(), K::resyncing), 1) << "only the subscription's";
}

TEST(FuturesBook, ASnapshotOlderThanTheBufferedStreamIsFetchedAgain) {
  Harness h;
  const L2Snapshot stale = h.snapshot_now();
  h.advance(3);
  h.drop(3);  // moved the market before the subscription was live
  h.tracker.on_subscribed(kSymbol, 0);
  h.advance(5);
  h.flush();
  h.tracker.on_snapshot(kSymbol, stale, 1);
  EXPECT_EQ(h.view().status, BookStatus::syncing);
  EXPECT_EQ(h.causes.back(), BookCause::snapshot_behind) << h.details.back();
  ASSERT_EQ(h.fetches.size(), 2u);
  h.tracker.on_snapshot(kSymbol, h.snapshot_now(), 2);
  EXPECT_TRUE(h.equals_truth());
}

TEST(FuturesBook, ASequenceResetRebuildsTheBook) {
  Harness h;
  h.start();
  h.advance(20);
  h.flush();
  // The feed restarts far lower (KuCoin's futures sequences are per-contract counters).
  Harness restarted(futures_market(1'000));
  restarted.advance(3);
  for (const std::string& f : restarted.wire) h.deliver(f);
  EXPECT_EQ(h.view().status, BookStatus::syncing);
  EXPECT_NE(std::find(h.causes.begin(), h.causes.end(), BookCause::sequence_reset), h.causes.end());
  // The new feed's snapshot puts the book back on the new sequences.
  h.tracker.on_snapshot(kSymbol, restarted.snapshot_now(), 1);
  EXPECT_EQ(h.view().status, BookStatus::synced);
  EXPECT_EQ(h.view().sequence, restarted.market.sequence());
}

TEST(FuturesBook, StaleAfterAQuietSpell) {
  Harness h;
  h.start();
  h.advance(5);
  h.flush(1'000);
  h.tracker.tick(1'000 + 30'000);
  EXPECT_EQ(h.kinds.back(), K::stale);
}

TEST(FuturesBook, SizesInLotsAndInBaseUnits) {
  Harness h;
  h.start();
  h.advance(100);
  h.flush();
  const BookView v = h.view();
  auto top = futures_top(*v.book, Side::bid, 5, Quantity{1, 3});
  ASSERT_TRUE(top) << top.error();
  ASSERT_EQ(top->size(), 5u);
  const auto truth = h.market.snapshot().bids;
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ((*top)[i].price, truth[i].price);
    EXPECT_EQ((*top)[i].lots, truth[i].size);
    EXPECT_EQ(significant_decimals((*top)[i].lots.raw, (*top)[i].lots.decimals), 0) << "integer lots";
    EXPECT_EQ((*top)[i].base, (Quantity{truth[i].size.raw, static_cast<std::uint8_t>(truth[i].size.decimals + 3)}));
  }
  EXPECT_EQ(futures_size_at(*v.book, Side::bid, truth[0].price, Quantity{1, 3}), top->front().base);
  EXPECT_FALSE(futures_size_at(*v.book, Side::bid, Price{1, 0}, Quantity{1, 3}));
  L2Book huge;
  huge.load(std::vector<L2Level>{L2Level{Price{5, 0}, Quantity{999'999'999'999'999'999, 0}}}, {});
  auto bad = futures_top(huge, Side::bid, 1, Quantity{99, 1});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::out_of_range);
  EXPECT_NE(bad.error().message.find("lots"), std::string::npos) << bad.error();
}

}  // namespace
}  // namespace kucoin
