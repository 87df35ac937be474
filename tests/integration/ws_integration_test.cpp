// The real WsClient against the real MockServer's WebSocket side over loopback, ws:// and wss://.
// Every wait is an awaited event with a deadline; ping intervals are tens of milliseconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

using net::WsReason;
using net::WsState;
using net::WsTopicStatus;

class Ws : public ::testing::TestWithParam<bool> {
 protected:
  bool tls() const { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(PlainAndTls, Ws, ::testing::Values(false, true),
                         [](const auto& param_info) { return param_info.param ? std::string("wss") : std::string("ws"); });

constexpr std::string_view kBtc = "/market/level2:BTC-USDT";
constexpr std::string_view kEth = "/market/level2:ETH-USDT";

TEST_P(Ws, TokenFlowWelcomeSubscribeAndLevel2Frames) {
  WsHarness h(tls());
  WsRecorder rec;
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe("/market/level2:BTC-USDT,ETH-USDT"));
  ASSERT_TRUE(h.run_until([&] { return rec.messages_for(std::string(kBtc)) >= 200 && rec.messages_for(std::string(kEth)) >= 200; },
                          10'000ms, "200 frames per symbol"))
      << rec.describe_states();
  EXPECT_EQ(rec.count_topic(kBtc, WsTopicStatus::subscribed), 1u);
  EXPECT_EQ(rec.count_topic(kEth, WsTopicStatus::subscribed), 1u);
  ASSERT_GE(rec.states.size(), 2u);
  EXPECT_EQ(rec.states[0].state, WsState::connecting);
  EXPECT_EQ(rec.states[1].state, WsState::live);
  // Single-symbol topics, decodable in place, contiguous sequences per symbol.
  std::map<std::string, std::int64_t> last;
  for (const MessageRec& m : rec.messages) {
    ASSERT_TRUE(m.topic == kBtc || m.topic == kEth) << m.topic;
    ASSERT_TRUE(m.decoded) << m.topic;
    EXPECT_EQ("/market/level2:" + m.update.symbol, m.topic);
    auto it = last.find(m.topic);
    if (it != last.end()) {
      EXPECT_EQ(m.update.sequence_start, it->second + 1);
    }
    last[m.topic] = m.update.sequence_end;
  }
  // The mock saw our connectId and a token it issued.
  const auto conns = h.server().ws_connections();
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].status, 101);
  EXPECT_EQ(conns[0].connect_id, "test-0-1");
  EXPECT_TRUE(conns[0].token.starts_with("tok:"));
  EXPECT_FALSE(conns[0].private_token);
  EXPECT_TRUE(h.run_until([&] { return client->stats().pongs >= 2; }, 5'000ms, "two pongs (pings every 20 ms)"));
  h.stop(*client, rec, 1);
  EXPECT_EQ(rec.count_topic(kBtc, WsTopicStatus::lost, WsReason::stopped), 1u);
}

}  // namespace
}  // namespace kucoin::testing
