#include "kucoin/book/l2_book.hpp"

#include <gtest/gtest.h>

#include <map>

#include "kucoin/core/rng.hpp"

namespace kucoin {
namespace {

L2Level lv(std::int64_t p, std::int64_t q) { return L2Level{Price{p}, Quantity{q}}; }

TEST(L2Book, LoadSortsMergesAndSkipsEmptyLevels) {
  L2Book b;
  const std::vector<L2Level> bids = {lv(100, 1), lv(102, 2), lv(101, 3), lv(102, 9), lv(99, 0), lv(0, 5)};
  const std::vector<L2Level> asks = {lv(105, 1), lv(103, 2), lv(104, 0)};
  b.load(bids, asks);
  EXPECT_EQ(b.top(Side::bid, 10), (std::vector<L2Level>{lv(102, 9), lv(101, 3), lv(100, 1)}));
  EXPECT_EQ(b.top(Side::ask, 10), (std::vector<L2Level>{lv(103, 2), lv(105, 1)}));
  EXPECT_EQ(b.best_bid(), lv(102, 9));
  EXPECT_EQ(b.best_ask(), lv(103, 2));
  EXPECT_EQ(b.depth(Side::bid), 3u);
  EXPECT_EQ(b.depth(Side::ask), 2u);
}

TEST(L2Book, ApplySetsRemovesAndIgnoresCalibrationRows) {
  L2Book b;
  b.apply(Side::bid, Price{100}, Quantity{5});
  b.apply(Side::bid, Price{101}, Quantity{6});
  b.apply(Side::ask, Price{103}, Quantity{7});
  EXPECT_EQ(b.best_bid(), lv(101, 6));
  b.apply(Side::bid, Price{101}, Quantity{8});  // absolute size, not a delta
  EXPECT_EQ(b.size_at(Side::bid, Price{101}), Quantity{8});
  b.apply(Side::bid, Price{101}, Quantity{0});  // removal
  EXPECT_EQ(b.best_bid(), lv(100, 5));
  b.apply(Side::bid, Price{42}, Quantity{0});  // removing a missing level is a no-op (kucoin-api-docs#21)
  b.apply(Side::ask, Price{0}, Quantity{0});   // calibration row
  b.apply(Side::bid, Price{0}, Quantity{3});
  EXPECT_EQ(b.depth(Side::bid), 1u);
  EXPECT_EQ(b.depth(Side::ask), 1u);
  EXPECT_FALSE(b.size_at(Side::bid, Price{0}));
  EXPECT_FALSE(b.size_at(Side::bid, Price{101}));
}

TEST(L2Book, TopAndForEachAreBestFirst) {
  L2Book b;
  for (std::int64_t p = 1; p <= 50; ++p) {
    b.apply(Side::bid, Price{p}, Quantity{p});
    b.apply(Side::ask, Price{100 + p}, Quantity{p});
  }
  auto bids = b.top(Side::bid, 3);
  auto asks = b.top(Side::ask, 3);
  EXPECT_EQ(bids, (std::vector<L2Level>{lv(50, 50), lv(49, 49), lv(48, 48)}));
  EXPECT_EQ(asks, (std::vector<L2Level>{lv(101, 1), lv(102, 2), lv(103, 3)}));
  std::int64_t prev = 1'000;
  int n = 0;
  b.for_each(Side::bid, [&](const L2Level& l) {
    EXPECT_LT(l.price.raw, prev);
    prev = l.price.raw;
    return ++n < 10;  // stops early
  });
  EXPECT_EQ(n, 10);
  EXPECT_EQ(b.top(Side::bid, 1000).size(), 50u);
}

TEST(L2Book, CheckBookReportsCrossedAndLocked) {
  L2Book b;
  b.apply(Side::bid, Price{100, 1}, Quantity{1});
  b.apply(Side::ask, Price{101, 1}, Quantity{1});
  EXPECT_FALSE(check_book(b));
  EXPECT_FALSE(b.crossed_or_locked());
  b.apply(Side::bid, Price{101, 1}, Quantity{1});
  ASSERT_TRUE(check_book(b));
  EXPECT_EQ(check_book(b)->kind, BookViolation::Kind::locked);
  EXPECT_TRUE(b.crossed_or_locked());
  b.apply(Side::bid, Price{102, 1}, Quantity{1});
  auto v = check_book(b);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, BookViolation::Kind::crossed);
  EXPECT_NE(v->detail.find("10.2"), std::string::npos) << v->detail;
  EXPECT_NE(v->detail.find("10.1"), std::string::npos) << v->detail;
}

// Differential test against a std::map reference over many random operations, most near the top.
TEST(L2Book, MatchesAReferenceMapUnderRandomOperations) {
  Rng rng(7);
  L2Book b;
  std::map<std::int64_t, std::int64_t, std::greater<>> ref_bids;
  std::map<std::int64_t, std::int64_t> ref_asks;
  for (int i = 0; i < 200'000; ++i) {
    const Side side = rng.percent(50) ? Side::bid : Side::ask;
    const std::int64_t base = side == Side::bid ? 10'000 : 10'001;
    const std::int64_t dist = rng.percent(80) ? rng.between(0, 10) : rng.between(0, 3'000);
    const std::int64_t price = side == Side::bid ? base - dist : base + dist;
    const std::int64_t size = rng.percent(35) ? 0 : rng.between(1, 1'000'000);
    b.apply(side, Price{price}, Quantity{size});
    auto update = [&](auto& m) {
      if (size == 0) {
        m.erase(price);
      } else {
        m[price] = size;
      }
    };
    side == Side::bid ? update(ref_bids) : update(ref_asks);
  }
  ASSERT_EQ(b.depth(Side::bid), ref_bids.size());
  ASSERT_EQ(b.depth(Side::ask), ref_asks.size());
  auto it_b = ref_bids.begin();
  b.for_each(Side::bid, [&](const L2Level& l) {
    EXPECT_EQ(l, lv(it_b->first, it_b->second));
    ++it_b;
    return true;
  });
  auto it_a = ref_asks.begin();
  b.for_each(Side::ask, [&](const L2Level& l) {
    EXPECT_EQ(l, lv(it_a->first, it_a->second));
    ++it_a;
    return true;
  });
  EXPECT_FALSE(check_book(b));
}

// Exercises block splits (dense inserts at one spot), merges (thinning out) and block removal.
TEST(L2Book, SplitsAndMergesKeepEveryLevel) {
  L2Book b;
  std::map<std::int64_t, std::int64_t> ref;  // asks
  auto check = [&] {
    ASSERT_EQ(b.depth(Side::ask), ref.size());
    std::vector<L2Level> expected;
    for (const auto& [p, q] : ref) expected.push_back(lv(p, q));
    EXPECT_EQ(b.top(Side::ask, ref.size() + 1), expected);
  };
  // Always insert just above the best (the top block splits over and over), then below the worst.
  for (std::int64_t p = 50'000; p > 40'000; --p) {
    b.apply(Side::ask, Price{p}, Quantity{p});
    ref[p] = p;
  }
  for (std::int64_t p = 50'001; p < 52'000; ++p) {
    b.apply(Side::ask, Price{p}, Quantity{1});
    ref[p] = 1;
  }
  check();
  for (std::int64_t p = 40'001; p < 52'000; p += 2) {  // thin every block out
    b.apply(Side::ask, Price{p}, Quantity{0});
    ref.erase(p);
  }
  check();
  for (std::int64_t p = 40'002; p < 51'990; p += 2) {  // nearly empty the book
    b.apply(Side::ask, Price{p}, Quantity{0});
    ref.erase(p);
  }
  check();
  EXPECT_EQ(b.best_ask(), lv(51'990, 1));
  L2Book copy = b;
  EXPECT_EQ(copy, b);
  copy.apply(Side::ask, Price{51'990}, Quantity{0});
  EXPECT_NE(copy, b);
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_FALSE(b.best_ask());
}

TEST(L2Book, EqualityComparesEveryLevel) {
  L2Book a, b;
  a.apply(Side::bid, Price{1}, Quantity{1});
  b.apply(Side::bid, Price{1}, Quantity{1});
  EXPECT_EQ(a, b);
  b.apply(Side::bid, Price{1}, Quantity{2});
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace kucoin

// ---- Real KuCoin decimals ---------------------------------------------------------------------

namespace kucoin {
namespace {

TEST(L2Book, HoldsSizesOfAnyDecimalsInOneBook) {
  // One real book had sizes from 0.00000001 to 452338153.08; leftovers have more decimals than
  // baseIncrement. No single int64 scale holds 0.00019434546 and 452338153.08 at once.
  L2Book b;
  ASSERT_TRUE(b.apply(Side::bid, Price{300001, 1}, Quantity{19434546, 11}));
  ASSERT_TRUE(b.apply(Side::bid, Price{300000, 1}, Quantity{45233815308, 2}));
  ASSERT_TRUE(b.apply(Side::ask, Price{300002, 1}, Quantity{1, 8}));
  EXPECT_EQ(b.size_at(Side::bid, Price{300001, 1}), (Quantity{19434546, 11}));
  EXPECT_EQ(to_string(*b.size_at(Side::bid, Price{300000, 1})), "452338153.08");
  EXPECT_EQ(to_string(b.best_ask()->size), "0.00000001");
  ASSERT_TRUE(b.apply(Side::bid, Price{300001, 1}, Quantity{446958576035, 8}));  // replaced exactly
  EXPECT_EQ(to_string(b.best_bid()->size), "4469.58576035");
  EXPECT_FALSE(check_book(b));
}

TEST(L2Book, AFinerPriceWidensTheScaleAndKeepsEveryLevel) {
  L2Book b;
  ASSERT_TRUE(b.load(std::vector<L2Level>{{Price{300000, 1}, Quantity{1, 0}}, {Price{299990, 1}, Quantity{2, 0}}},
                     std::vector<L2Level>{{Price{300010, 1}, Quantity{3, 0}}}));
  EXPECT_EQ(b.price_decimals(), 1);
  // The tick changed: 30000.15 sits between two old ticks.
  ASSERT_TRUE(b.apply(Side::ask, Price{3000015, 2}, Quantity{4, 0}));
  EXPECT_EQ(b.price_decimals(), 2);
  EXPECT_EQ(b.best_ask()->price, (Price{3000015, 2}));
  EXPECT_EQ(to_string(b.best_ask()->price), "30000.15");
  EXPECT_EQ(b.top(Side::ask, 5),
            (std::vector<L2Level>{{Price{3000015, 2}, Quantity{4, 0}}, {Price{300010, 1}, Quantity{3, 0}}}));
  EXPECT_EQ(b.top(Side::bid, 5),
            (std::vector<L2Level>{{Price{300000, 1}, Quantity{1, 0}}, {Price{299990, 1}, Quantity{2, 0}}}));
  // Coarser prices still land on their level; trailing zeros do not widen.
  ASSERT_TRUE(b.apply(Side::bid, Price{30000, 0}, Quantity{0, 0}));
  ASSERT_TRUE(b.apply(Side::bid, Price{29999000, 3}, Quantity{5, 0}));
  EXPECT_EQ(b.price_decimals(), 2);
  EXPECT_EQ(b.best_bid(), (L2Level{Price{29999, 0}, Quantity{5, 0}}));
  EXPECT_EQ(b.count_at_or_better(Side::ask, Price{300001, 1}), 0u);    // 30000.1: 30000.15 is worse
  EXPECT_EQ(b.count_at_or_better(Side::ask, Price{30000155, 3}), 1u);  // 30000.155 admits 30000.15 only
  EXPECT_EQ(b.count_at_or_better(Side::ask, Price{30001005, 3}), 2u);  // 30001.005: both asks
  EXPECT_EQ(b.count_at_or_better(Side::bid, Price{29998995, 3}), 1u);  // 29998.995: the bid at 29999
  EXPECT_EQ(b.count_at_or_better(Side::bid, Price{29999005, 3}), 0u);  // 29999.005: none
}

TEST(L2Book, APriceThatCannotShareTheScaleIsRefusedAndChangesNothing) {
  L2Book b;
  ASSERT_TRUE(b.apply(Side::ask, Price{1'000'000'000'000, 0}, Quantity{1, 0}));  // 10^12
  ASSERT_TRUE(b.apply(Side::bid, Price{5, 0}, Quantity{1, 0}));
  // 10^12 with 10 decimals needs 23 digits: no int64 scale holds both.
  EXPECT_FALSE(b.apply(Side::bid, Price{12345678901, 10}, Quantity{1, 0}));
  EXPECT_EQ(b.price_decimals(), 0);
  EXPECT_EQ(b.depth(Side::bid), 1u);
  EXPECT_EQ(b.best_ask()->price, (Price{1'000'000'000'000, 0}));
  EXPECT_FALSE(b.load(std::vector<L2Level>{{Price{12345678901, 10}, Quantity{1, 0}}},
                      std::vector<L2Level>{{Price{1'000'000'000'000, 0}, Quantity{1, 0}}}));
  EXPECT_TRUE(b.empty());
}

}  // namespace
}  // namespace kucoin
