#include "kucoin/core/decimal.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace kucoin {
namespace {

struct FixedCase {
  const char* text;
  int decimals;
  std::int64_t expected;
};

class ParseFixedOk : public ::testing::TestWithParam<FixedCase> {};

TEST_P(ParseFixedOk, ParsesExactly) {
  const auto& c = GetParam();
  auto r = parse_fixed(c.text, c.decimals);
  ASSERT_TRUE(r) << c.text << ": " << r.error();
  EXPECT_EQ(*r, c.expected) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Decimal, ParseFixedOk,
    ::testing::Values(FixedCase{"0", 8, 0}, FixedCase{"0.0", 8, 0}, FixedCase{"67993.3", 1, 679933},
                      FixedCase{"67993.3", 8, 6799330000000}, FixedCase{"1.21427407", 8, 121427407},
                      FixedCase{"0.00047785", 8, 47785}, FixedCase{"0.0000001117", 10, 1117},
                      FixedCase{"1.50000000", 1, 15},                    // trailing zeros beyond the scale are exact
                      FixedCase{"00012.5", 2, 1250},                     // leading zeros
                      FixedCase{"10000000000", 8, 1000000000000000000},  // baseMaxSize at 8 decimals
                      FixedCase{"92233720368.54775807", 8, std::numeric_limits<std::int64_t>::max()},
                      FixedCase{"1e-5", 8, 1000}, FixedCase{"1.5E+2", 0, 150}, FixedCase{"2e3", 1, 20000},
                      FixedCase{"123.4500e-1", 4, 123450}, FixedCase{"5", 0, 5},
                      FixedCase{"0.5", 18, 500000000000000000}));

struct BadCase {
  const char* text;
  int decimals;
  Errc code;
};

class ParseFixedBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseFixedBad, GivesTypedError) {
  const auto& c = GetParam();
  auto r = parse_fixed(c.text, c.decimals);
  ASSERT_FALSE(r) << c.text << " parsed as " << *r;
  EXPECT_EQ(r.error().code, c.code) << c.text << ": " << r.error();
  EXPECT_FALSE(r.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Decimal, ParseFixedBad,
    ::testing::Values(
        BadCase{"", 8, Errc::bad_number}, BadCase{"-1", 8, Errc::bad_number}, BadCase{"+1", 8, Errc::bad_number},
        BadCase{".5", 8, Errc::bad_number}, BadCase{"5.", 8, Errc::bad_number}, BadCase{"1.2.3", 8, Errc::bad_number},
        BadCase{"12a", 8, Errc::bad_number}, BadCase{" 1", 8, Errc::bad_number}, BadCase{"1 ", 8, Errc::bad_number},
        BadCase{"NaN", 8, Errc::bad_number}, BadCase{"inf", 8, Errc::bad_number}, BadCase{"1e", 8, Errc::bad_number},
        BadCase{"0x10", 8, Errc::bad_number}, BadCase{"0.123456789", 8, Errc::precision_exceeded},
        BadCase{"67993.35", 1, Errc::precision_exceeded}, BadCase{"1e-9", 8, Errc::precision_exceeded},
        BadCase{"92233720368.54775808", 8, Errc::out_of_range}, BadCase{"99999999999999999999", 0, Errc::out_of_range},
        BadCase{"100000000000", 8, Errc::out_of_range}, BadCase{"1e30", 0, Errc::out_of_range},
        BadCase{"1e9999", 0, Errc::out_of_range},
        BadCase{"1234567890123456789012345678901234567890123456789", 0, Errc::number_too_long},
        BadCase{"1", 19, Errc::invalid_argument}, BadCase{"1", -1, Errc::invalid_argument}));

TEST(Decimal, ParseIntAcceptsSequencesAndRejectsTheRest) {
  EXPECT_EQ(*parse_int("14610502970"), 14610502970);
  EXPECT_EQ(*parse_int("0"), 0);
  EXPECT_EQ(*parse_int("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_int("9223372036854775808").error().code, Errc::out_of_range);
  EXPECT_EQ(parse_int("").error().code, Errc::bad_number);
  EXPECT_EQ(parse_int("-5").error().code, Errc::bad_number);
  EXPECT_EQ(parse_int("1.0").error().code, Errc::bad_number);
  EXPECT_EQ(parse_int("12345678901234567890123").error().code, Errc::out_of_range);
  EXPECT_EQ(parse_int(std::string(60, '1')).error().code, Errc::number_too_long);
  EXPECT_EQ(parse_int("12345678901234567890x").error().code, Errc::number_too_long);
}

TEST(Decimal, FormatRoundTripsWithoutTrailingZeros) {
  EXPECT_EQ(format_fixed(679933, 1), "67993.3");
  EXPECT_EQ(format_fixed(6799330000000, 8), "67993.3");
  EXPECT_EQ(format_fixed(47785, 8), "0.00047785");
  EXPECT_EQ(format_fixed(100000000, 8), "1");
  EXPECT_EQ(format_fixed(0, 8), "0");
  EXPECT_EQ(format_fixed(5, 0), "5");
  EXPECT_EQ(format_fixed(-15, 1), "-1.5");
  EXPECT_EQ(format_fixed(std::numeric_limits<std::int64_t>::max(), 8), "92233720368.54775807");
  for (const char* s : {"0.1", "123.456", "0.00000001", "99999.99999999", "7"}) {
    auto v = parse_fixed(s, 8);
    ASSERT_TRUE(v);
    EXPECT_EQ(format_fixed(*v, 8), s);
  }
}

TEST(Decimal, DecimalsOfIncrement) {
  EXPECT_EQ(*decimals_of_increment("0.1"), 1);
  EXPECT_EQ(*decimals_of_increment("0.00000001"), 8);
  EXPECT_EQ(*decimals_of_increment("0.000001"), 6);
  EXPECT_EQ(*decimals_of_increment("1"), 0);
  EXPECT_EQ(*decimals_of_increment("10"), 0);
  EXPECT_EQ(*decimals_of_increment("0.50"), 1);
  EXPECT_EQ(decimals_of_increment("0").error().code, Errc::bad_number);
  EXPECT_EQ(decimals_of_increment("abc").error().code, Errc::bad_number);
}

}  // namespace
}  // namespace kucoin

// ---- Exact decimals with their own decimals (real KuCoin values) -----------------------------

namespace kucoin {
namespace {

struct DecimalCase {
  const char* text;
  int min_decimals;
  std::int64_t raw;
  int decimals;
};

class ParseDecimalOk : public ::testing::TestWithParam<DecimalCase> {};

TEST_P(ParseDecimalOk, HoldsTheValueExactly) {
  const auto& c = GetParam();
  auto r = parse_decimal(c.text, c.min_decimals);
  ASSERT_TRUE(r) << c.text << ": " << r.error();
  EXPECT_EQ(r->raw, c.raw) << c.text;
  EXPECT_EQ(r->decimals, c.decimals) << c.text;
  // The text formats back to itself, minus trailing zeros.
  std::string back = format_fixed(r->raw, r->decimals);
  std::string text = c.text;
  if (text.find('.') != std::string::npos && text.find_first_of("eE") == std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    EXPECT_EQ(back, text);
  }
}

INSTANTIATE_TEST_SUITE_P(Decimal, ParseDecimalOk,
                         ::testing::Values(
                             // Seen in real KuCoin books, on symbols whose increments are coarser.
                             DecimalCase{"0.00019434546", 8, 19434546, 11},         // baseIncrement 0.00000001
                             DecimalCase{"4469.58576035", 4, 446958576035, 8},      // baseIncrement 0.0001
                             DecimalCase{"452338153.08", 8, 45233815308000000, 8},  // padded to the increment: fits
                             DecimalCase{"452338153.08", 11, 45233815308, 2},  // would not fit padded: its own decimals
                             DecimalCase{"0.00000001", 0, 1, 8}, DecimalCase{"67993.3", 1, 679933, 1},
                             DecimalCase{"67993.3", 10, 679933000000000, 10}, DecimalCase{"67993", 1, 679930, 1},
                             DecimalCase{"1.50", 0, 150, 2}, DecimalCase{"0", 8, 0, 8}, DecimalCase{"1e-5", 0, 1, 5},
                             DecimalCase{"5e3", 0, 5000, 0}, DecimalCase{"1.5E+2", 0, 150, 0},
                             DecimalCase{"999999999999999999", 0, 999999999999999999, 0},    // 18 significant digits
                             DecimalCase{"9223372036854775807", 0, 9223372036854775807, 0},  // 19 that still fit
                             DecimalCase{"0.000000000000000001", 0, 1, 18},
                             DecimalCase{"1.0000000000000000000000", 0, 1000000000000000000,
                                         18}));  // zeros past 18 decimals

struct DecimalBad {
  const char* text;
  Errc code;
};

class ParseDecimalBad : public ::testing::TestWithParam<DecimalBad> {};

TEST_P(ParseDecimalBad, OnlyWhatNoExactDecimalHoldsIsAnError) {
  const auto& c = GetParam();
  auto r = parse_decimal(c.text);
  ASSERT_FALSE(r) << c.text << " parsed as " << r->raw << "e-" << int{r->decimals};
  EXPECT_EQ(r.error().code, c.code) << r.error();
  EXPECT_NE(r.error().message.find(std::string(c.text).substr(0, 20)), std::string::npos) << r.error();
}

INSTANTIATE_TEST_SUITE_P(Decimal, ParseDecimalBad,
                         ::testing::Values(DecimalBad{"12345678901234567890", Errc::out_of_range},
                                           DecimalBad{"1234567890.1234567890", Errc::out_of_range},
                                           DecimalBad{"0.0000000000000000001", Errc::precision_exceeded},
                                           DecimalBad{"-1", Errc::bad_number}, DecimalBad{"1.", Errc::bad_number},
                                           DecimalBad{"abc", Errc::bad_number}));

TEST(Decimal, ValuesCompareByValueWhateverTheirDecimals) {
  EXPECT_EQ((Quantity{150, 2}), (Quantity{15, 1}));
  EXPECT_EQ((Price{0, 3}), (Price{0, 0}));
  EXPECT_GT((Quantity{19434546, 11}), (Quantity{1, 4}));  // 0.00019434546 > 0.0001
  EXPECT_LT((Quantity{19434546, 11}), (Quantity{2, 4}));  // 0.00019434546 < 0.0002
  EXPECT_GT((Quantity{45233815308, 2}), (Quantity{999999999999999999, 18}));
  EXPECT_NE((Price{300001, 1}), (Price{3000015, 2}));
  EXPECT_LT((Price{300001, 1}), (Price{3000015, 2}));
  EXPECT_EQ(to_string(Quantity{19434546, 11}), "0.00019434546");
  EXPECT_EQ(to_string(Price{3000150, 2}), "30001.5");
}

TEST(Decimal, RescaleIsExactOrNothing) {
  EXPECT_EQ(rescale(15, 1, 3), 1500);
  EXPECT_EQ(rescale(1500, 3, 1), 15);
  EXPECT_EQ(rescale(1501, 3, 1), std::nullopt);  // would lose a digit
  EXPECT_EQ(rescale(std::numeric_limits<std::int64_t>::max() / 10 + 1, 0, 1), std::nullopt);
  EXPECT_EQ(rescale(0, 0, 30), 0);
  EXPECT_EQ(significant_decimals(150, 2), 1);
  EXPECT_EQ(significant_decimals(0, 8), 0);
  EXPECT_EQ(significant_decimals(19434546, 11), 11);
}

}  // namespace
}  // namespace kucoin
