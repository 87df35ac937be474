// The decoder's single-pass scanner must agree with the validating simdjson path on every input:
// same success, same decoded update, same error. Frames come from the generator, re-shaped (key
// order, whitespace) and then mutated byte by byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "kucoin/core/rng.hpp"
#include "kucoin/mock/market_generator.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin {
namespace {

struct Outcome {
  bool ok;
  L2Update update;
  Error error;
};

Outcome decode(L2Decoder& d, const std::string& frame) {
  Outcome o{};
  auto r = d.decode_update(frame, o.update);
  o.ok = static_cast<bool>(r);
  if (!o.ok) o.error = r.error();
  return o;
}

// Same frame with the data keys in another order and whitespace between tokens.
std::string reshape(const L2Update& u, Rng& rng) {
  std::string frame;
  encode_update_frame(u, frame);
  if (rng.percent(50)) {
    std::string spaced;
    bool in_string = false;
    for (char c : frame) {
      spaced += c;
      if (c == '"') in_string = !in_string;
      if (!in_string && (c == ',' || c == ':' || c == '{' || c == '[') && rng.percent(30)) {
        spaced += rng.percent(50) ? " " : "\n\t";
      }
    }
    frame = std::move(spaced);
  }
  if (rng.percent(30)) {  // move "topic" to the end, as the 2021 capture had "data" first
    const std::string topic = R"("topic":"/market/level2:)" + u.symbol + R"(",)";
    if (auto at = frame.find(topic); at != std::string::npos) {
      frame.erase(at, topic.size());
      frame.insert(frame.size() - 1, "," + topic.substr(0, topic.size() - 1));
    }
  }
  return frame;
}

std::string mutate(std::string f, Rng& rng) {
  static const std::string alphabet = std::string("{}[]\",:0123456789.-eE \\ux\x01") + "\xc3\xa9" + "abc";
  const auto pos = rng.below(f.size());
  switch (rng.below(5)) {
    case 0: f[pos] = alphabet[rng.below(alphabet.size())]; break;
    case 1: f.erase(pos, 1 + rng.below(3)); break;
    case 2: f.insert(pos, 1, alphabet[rng.below(alphabet.size())]); break;
    case 3: f.resize(pos); break;
    default: f.insert(pos, R"("extra":1,)"); break;
  }
  return f;
}

// Both paths decode `frame`; they must agree on success, the update, or the exact error.
struct Agreement {
  L2Decoder& fast;
  L2Decoder& slow;
  std::size_t valid = 0, rejected = 0;
  // Returns whether the frame decoded (false also when they disagreed: the failure is recorded).
  bool check(const std::string& frame) {
    const Outcome a = decode(fast, frame);
    const Outcome b = decode(slow, frame);
    EXPECT_EQ(a.ok, b.ok) << frame << "\nfast: " << a.error << "\nslow: " << b.error;
    if (a.ok != b.ok) return false;
    if (a.ok) {
      EXPECT_EQ(a.update, b.update) << frame;
      ++valid;
    } else {
      EXPECT_EQ(a.error.code, b.error.code) << frame;
      EXPECT_EQ(a.error.message, b.error.message) << frame;
      ++rejected;
    }
    return a.ok;
  }
};

TEST(L2CodecFastPath, AgreesWithTheValidatingPathOnValidAndMutatedFrames) {
  mock::GeneratorConfig gc;
  gc.levels_per_side = 200;
  mock::MarketGenerator market(gc);
  ScaleTable scales;
  scales.set(gc.symbol, gc.scale);
  L2Decoder fast(scales), slow(scales);
  slow.set_fast_path(false);
  Rng rng(99);
  Agreement agree{fast, slow};
  for (int i = 0; i < 4'000 && !::testing::Test::HasFailure(); ++i) {
    const std::string base = reshape(market.next(), rng);
    for (int m = 0; m < 6; ++m) {
      const std::string frame = m == 0 ? base : mutate(base, rng);
      const bool ok = agree.check(frame);
      if (m == 0) {
        ASSERT_TRUE(ok) << frame;
      }
    }
  }
  const std::size_t valid = agree.valid, rejected = agree.rejected;
  EXPECT_GT(valid, 4'000u);
  EXPECT_GT(rejected, 5'000u);
}

// Numbers of every length from 1 to 21 digits, split every way around the point, with and
// without leading zeros, in every field: lengths around the 18-digit limit of the scanner and the
// point in every position must agree with the validating path.
TEST(L2CodecFastPath, NumbersOfEveryLengthAgree) {
  ScaleTable scales;
  scales.set("BTC-USDT", SymbolScale{9, 9});
  L2Decoder fast(scales), slow(scales);
  slow.set_fast_path(false);
  Agreement agree{fast, slow};
  auto check = [&](const std::string& frame) { agree.check(frame); };
  auto frame_with = [](const std::string& price, const std::string& size, const std::string& seq,
                       const std::string& start, const std::string& end) {
    return R"({"type":"message","topic":"/market/level2:BTC-USDT","subject":"trade.l2update","data":{"changes":{"asks":[[")" +
           price + R"(",")" + size + R"(",")" + seq + R"("]],"bids":[]},"sequenceEnd":)" + end +
           R"(,"sequenceStart":)" + start + R"(,"symbol":"BTC-USDT","time":1700000000000}})";
  };
  const std::string digits = "918273645546372819";
  for (std::size_t total = 1; total <= 21; ++total) {
    std::string run;
    for (std::size_t i = 0; i < total; ++i) run += digits[i % digits.size()];
    for (std::size_t point = 0; point <= total; ++point) {
      std::string number = run;
      if (point < total) number.insert(point == 0 ? 1 : point, ".");
      for (const std::string& n : {number, "0" + number.substr(1)}) {
        check(frame_with(n, "1", "5", "5", "5"));
        check(frame_with("1", n, "5", "5", "5"));
      }
    }
    check(frame_with("1", "1", run, "5", "5"));
    check(frame_with("1", "1", "5", run, run));
    check(frame_with("1", "1", "5", "5", run));
    check(frame_with("1", "1", "5", "0" + run, "5"));
  }
  EXPECT_GT(agree.valid, 200u);
  EXPECT_GT(agree.rejected, 50u);
}

TEST(L2CodecFastPath, EscapesAndUnicodeFallBackAndStillDecode) {
  L2Decoder d;
  L2Update u;
  // An escaped character in the symbol and a non-ASCII character in an unknown field.
  const std::string frame =
      R"({"type":"message","topic":"/market/level2:BTC-USDT","subject":"trade.l2update","note":"caf\u00e9 é",)"
      R"("data":{"changes":{"asks":[],"bids":[["1.5","2","7"]]},"sequenceStart":7,"sequenceEnd":7,"symbol":"BTC\u002dUSDT"}})";
  auto r = d.decode_update(frame, u);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(u.symbol, "BTC-USDT");
  ASSERT_EQ(u.changes.size(), 1u);
  EXPECT_EQ(u.changes[0].sequence, 7);
}

}  // namespace
}  // namespace kucoin
