// The mock's futures market (pure): contract listings, a stream of one change per sequence, and
// the futures host's REST answers, read back with the client's FuturesDecoder and kept by its
// BookTracker against the truth.
#include <gtest/gtest.h>

#include "kucoin/book/book_tracker.hpp"
#include "kucoin/book/futures_book.hpp"
#include "kucoin/mock/futures_market.hpp"
#include "kucoin/protocol/futures_codec.hpp"

namespace kucoin::mock {
namespace {

TEST(FuturesMarket, ContractListings) {
  GeneratorConfig g;
  const FuturesContract xbt = default_contract_setup("XBTUSDTM", g);
  EXPECT_EQ(xbt.base_currency, "XBT");
  EXPECT_EQ(xbt.quote_currency, "USDT");
  EXPECT_EQ(xbt.tick_size, (Price{1, 1}));
  EXPECT_EQ(xbt.multiplier, (Quantity{1, 3}));
  EXPECT_FALSE(xbt.inverse);
  EXPECT_EQ(g.scale, (SymbolScale{1, 0}));
  EXPECT_EQ(g.calibration_percent, 0u);
  EXPECT_EQ(g.max_batch, 1u);
  const FuturesContract eth = default_contract_setup("ETHUSDTM", g);
  EXPECT_EQ(eth.base_currency, "ETH");
  EXPECT_EQ(eth.tick_size, (Price{1, 2}));
  EXPECT_EQ(g.scale, (SymbolScale{2, 0}));
  const FuturesContract inv = default_contract_setup("XBTUSDM", g);
  EXPECT_TRUE(inv.inverse);
  EXPECT_EQ(inv.quote_currency, "USD");
  EXPECT_EQ(inv.multiplier, (Quantity{1, 0}));
  EXPECT_TRUE(is_futures_symbol("XBTUSDTM"));
  EXPECT_FALSE(is_futures_symbol("BTC-USDT"));
  EXPECT_FALSE(is_futures_symbol(""));
}

TEST(FuturesMarket, StreamHasOneChangeAndOneSequenceAMessage) {
  FuturesStream s("XBTUSDTM", 100, 7);
  std::int64_t last = s.sequence();
  for (int i = 0; i < 500; ++i) {
    const L2Update& u = s.next();
    ASSERT_EQ(u.changes.size(), 1u);
    ASSERT_EQ(u.sequence_start, last + 1);
    ASSERT_EQ(u.sequence_end, last + 1);
    ASSERT_EQ(u.changes[0].sequence, last + 1);
    ASSERT_FALSE(u.changes[0].price.is_zero()) << "no calibration rows";
    last = u.sequence_end;
  }
  EXPECT_EQ(s.sequence(), last);
}

struct Rest {
  std::vector<FuturesContract> contracts;
  FuturesStream stream{"XBTUSDTM", 150, 11};
  FuturesBooks books() {
    return FuturesBooks{contracts, [this](std::string_view sym) -> std::optional<L2Snapshot> {
                          if (sym != stream.contract().symbol) return std::nullopt;
                          return stream.snapshot();
                        }};
  }
  Rest() { contracts.push_back(stream.contract()); }
};

TEST(FuturesMarket, RestAnswersAndErrors) {
  Rest r;
  const FuturesBooks books = r.books();
  FuturesDecoder dec;
  auto contracts = answer_futures_market("/api/v1/contracts/active", "", books, 1);
  ASSERT_TRUE(contracts);
  std::vector<FuturesContract> listed;
  ASSERT_TRUE(dec.decode_contracts(contracts->body, listed));
  EXPECT_EQ(listed, r.contracts);

  auto depth = answer_futures_market("/api/v1/level2/depth20", "symbol=XBTUSDTM", books, 1'729'000'000'123);
  ASSERT_TRUE(depth);
  FuturesSnapshot snap;
  ASSERT_TRUE(dec.decode_snapshot(depth->body, "XBTUSDTM", snap));
  EXPECT_EQ(snap.book.bids.size(), 20u);
  EXPECT_EQ(snap.book.asks.size(), 20u);
  EXPECT_EQ(snap.ts_ns, 1'729'000'000'123'000'000);
  EXPECT_EQ(snap.book.sequence, r.stream.sequence());

  auto time = answer_futures_market("/api/v1/timestamp", "", books, 42);
  ASSERT_TRUE(time);
  EXPECT_EQ(time->body, R"({"code":"200000","data":42})");

  auto missing = answer_futures_market("/api/v1/level2/snapshot", "", books, 1);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(missing->code, "400100");
  auto unknown = answer_futures_market("/api/v1/level2/snapshot", "symbol=NOPEUSDTM", books, 1);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->code, "300000");
  auto decoded = dec.decode_snapshot(unknown->body, "NOPEUSDTM", snap);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, Errc::api_error);
  EXPECT_NE(decoded.error().message.find("300000"), std::string::npos);
  EXPECT_FALSE(answer_futures_market("/api/v1/bullet-public", "", books, 1)) << "not a market-data path";
}

// The REST snapshot is consistent with the stream: a book synced from it and the frames after
// it equals the truth.
TEST(FuturesMarket, SnapshotAnswersAreConsistentWithTheStream) {
  Rest r;
  const FuturesBooks books = r.books();
  FuturesDecoder dec(futures_scales(r.contracts));
  std::vector<std::string> fetches;
  BookTracker tracker(
      {}, [&](std::string_view s, Millis) { fetches.emplace_back(s); }, [](const BookEvent&) {});
  tracker.add_book("XBTUSDTM");
  tracker.on_subscribed("XBTUSDTM", 0);
  auto feed = [&](int n) {
    for (int i = 0; i < n; ++i) {
      std::string frame;
      ASSERT_TRUE(encode_futures_level2_frame(r.stream.next(), frame));
      L2Update u;
      ASSERT_TRUE(dec.decode_level2(frame, u)) << frame;
      tracker.on_update(u, 0);
    }
  };
  feed(25);
  auto answer = answer_futures_market("/api/v1/level2/snapshot", "symbol=XBTUSDTM", books, 1);
  ASSERT_TRUE(answer);
  feed(25);
  FuturesSnapshot snap;
  ASSERT_TRUE(dec.decode_snapshot(answer->body, "XBTUSDTM", snap));
  tracker.on_snapshot("XBTUSDTM", snap.book, 1);
  feed(1'000);
  const BookView v = *tracker.view("XBTUSDTM");
  const L2Snapshot truth = r.stream.snapshot();
  ASSERT_EQ(v.status, BookStatus::synced);
  EXPECT_EQ(v.sequence, truth.sequence);
  EXPECT_EQ(v.book->top(Side::bid, 100'000), truth.bids);
  EXPECT_EQ(v.book->top(Side::ask, 100'000), truth.asks);
  EXPECT_EQ(fetches.size(), 1u);
}

}  // namespace
}  // namespace kucoin::mock
