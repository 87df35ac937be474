// peek_data_message: the WebSocket hot path's top-level look, checked against WsDecoder.
#include "kucoin/protocol/ws_peek.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "kucoin/core/rng.hpp"
#include "kucoin/protocol/ws_codec.hpp"

namespace kucoin {
namespace {

std::optional<std::string> peek(std::string_view f) {
  std::string_view topic;
  if (!peek_data_message(f, topic)) return std::nullopt;
  return std::string(topic);
}

TEST(WsPeek, DataMessagesInEveryKeyOrder) {
  // The mock's order, KuCoin's usual order, and the capture that starts with "data".
  EXPECT_EQ(
      peek(R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":{"changes":{}}})"),
      "/market/level2:BTC-USDT");
  EXPECT_EQ(peek(R"({"type":"message","topic":"/market/ticker:ETH-USDT","subject":"trade.ticker","data":{}})"),
            "/market/ticker:ETH-USDT");
  EXPECT_EQ(peek(R"({"data":{"sequenceStart":1,"type":"open","symbol":"A","x":[1,{"topic":"no"}],"s":"a\"}b"},)"
                 R"("subject":"trade.l2update","topic":"/market/level2:A-USDT","type":"message"})"),
            "/market/level2:A-USDT")
      << "nested type/topic keys and escaped quotes inside data are skipped";
  EXPECT_EQ(peek(" {\n \"type\" : \"message\" ,\t\"topic\":\"/account/balance\",\"userId\":\"u\",\"data\":{}}"),
            "/account/balance");
  EXPECT_EQ(peek(R"({"sn":12,"id":"x","type":"message","topic":"/contractMarket/level2:XBTUSDTM","data":{}})"),
            "/contractMarket/level2:XBTUSDTM");
}

TEST(WsPeek, EverythingElseIsLeftToTheDecoder) {
  for (const char* f : {
           R"({"id":"hQvf8jkno","type":"welcome"})",
           R"({"id":"1545910590801","type":"pong"})",
           R"({"id":"1","type":"ack"})",
           R"({"id":"1","type":"error","code":404,"data":"topic /market/level2:BSV-BTC is not found"})",
           R"({"type":"notice","topic":"/x","data":{}})",
           R"({"type":"message","data":{"topic":"/nested"}})",                     // no top-level topic
           R"({"type":"mess\u0061ge","topic":"/market/level2:A"})",                // escaped type
           R"({"type":"message","topic":"/market/level2:A\"B"})",                  // escaped topic
           R"({"type":"message","topic":1})",                                      // topic not a string
           R"({"topic":"/market/level2:A\"B","type":"message"})",                  // escaped topic, first
           R"({"topic":"/market/level2:A","type":"notice","data":{}})",            // topic first, not a message
           R"({"topic":"/market/level2:A)",                                        // unterminated topic
           R"({"data":"{\"type\":\"message\",\"topic\":\"/t\"}","type":"pong"})",  // only inside a string
           R"(["type","message"])",
           "",
           "{",
           R"({"type":"message")",
           R"({"type":"message","topic")",
           R"({"data":{"a":[1,2},"type":"message","topic":"/t"})",  // broken before the keys
           R"({"data":,"type":"message","topic":"/t"})",
       }) {
    SCOPED_TRACE(f);
    EXPECT_FALSE(peek(f).has_value());
  }
}

// Property: whenever the peek says "data message with topic T", the full decoder agrees (or finds
// the frame malformed further on, which the peek does not check); and for well-formed data
// messages without escapes the peek says so.
TEST(WsPeek, AgreesWithTheFullDecoderOnMutatedFrames) {
  const std::vector<std::string> seeds = {
      R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":{"changes":{"asks":[["30000.1","0.5","1000000001"]],"bids":[]},"sequenceEnd":1000000001,"sequenceStart":1000000001,"symbol":"BTC-USDT","time":1729000000000}})",
      R"({"type":"message","topic":"/market/level2:ETH-USDT","subject":"trade.l2update","data":{"changes":{"asks":[],"bids":[["2000.1","0","7"]]},"sequenceEnd":7,"sequenceStart":7,"symbol":"ETH-USDT","time":1729000000000}})",
      R"({"data":{"a":"x\\y","b":[{"c":null}]},"subject":"s","topic":"/market/match:ETH-USDT","type":"message"})",
      R"({"id":"42","type":"pong"})",
      R"({"id":"7","type":"error","code":509,"data":"exceed max subscription count limitation of 100 per time"})",
  };
  WsDecoder decoder;
  Rng rng(2024);
  const std::string alphabet = "{}[]\":,\\ atm1";
  std::size_t agreed = 0;
  for (int round = 0; round < 20'000; ++round) {
    std::string f = seeds[rng.below(seeds.size())];
    const auto edits = rng.below(3);
    for (std::uint64_t e = 0; e < edits && !f.empty(); ++e) {
      const auto pos = rng.below(f.size());
      switch (rng.below(3)) {
        case 0: f[pos] = alphabet[rng.below(alphabet.size())]; break;
        case 1: f.erase(pos, 1); break;
        default: f.insert(pos, 1, alphabet[rng.below(alphabet.size())]); break;
      }
    }
    std::string_view topic;
    const bool peeked = peek_data_message(f, topic);
    auto full = decoder.decode_server(f);
    if (peeked && full) {
      const auto* m = std::get_if<DataMessage>(&*full);
      ASSERT_NE(m, nullptr) << f;
      ASSERT_EQ(m->topic, topic) << f;
      ++agreed;
    }
    if (!peeked && full && edits == 0) {
      ASSERT_EQ(std::get_if<DataMessage>(&*full), nullptr) << "an unmutated data message must be peeked: " << f;
    }
  }
  EXPECT_GT(agreed, 1'000u);
}

}  // namespace
}  // namespace kucoin
