// Network conditions of the fault plan (fault_plan.hpp, network_shaper.hpp) over real loopback
// sockets: the mock's writer delays every frame by the latency (the welcome too) without slowing
// the stream, stalls the whole connection, and a handover cuts every connection and makes the next
// ones slower. Every wait is an awaited event with a deadline.
#include <gtest/gtest.h>

#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

using net::WsState;
constexpr std::string_view kBtc = "/market/level2:BTC-USDT";

mock::Fault network(mock::NetworkConditions c) {
  mock::Fault f;
  f.kind = mock::Fault::Kind::network;
  f.network = c;
  return f;
}

mock::Fault at_subscribe(mock::Fault::Kind kind, std::int64_t n) {
  mock::Fault f;
  f.kind = kind;
  f.symbol = "BTC-USDT";
  f.at = mock::Trigger{mock::Trigger::Kind::after_subscribe, n};
  return f;
}

// From `connecting` to `live` of the nth connection (1-based): bullet, upgrade and the welcome.
std::chrono::milliseconds time_to_live(const WsRecorder& rec, std::size_t nth) {
  std::optional<std::chrono::steady_clock::time_point> connecting;
  std::size_t seen = 0;
  for (const auto& s : rec.states) {
    if (s.state == WsState::connecting && !connecting) connecting = s.at;
    if (s.state == WsState::live && connecting) {
      if (++seen == nth) return std::chrono::duration_cast<std::chrono::milliseconds>(s.at - *connecting);
      connecting.reset();
    }
  }
  return std::chrono::milliseconds(-1);
}

TEST(NetworkConditions, LatencyDelaysTheWelcomeButNotTheStream) {
  mock::MockServerConfig cfg;
  cfg.faults.faults = {network({150, 20, 0})};
  WsHarness h(false, cfg);
  WsRecorder rec;
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.count_state(WsState::live) >= 1; }, 10'000ms, "live"));
  EXPECT_GE(time_to_live(rec, 1), 150ms) << "the welcome left 150 ms late";
  const auto live_at = std::chrono::steady_clock::now();
  // 3000 frames: at one frame per latency they would take 7 minutes; delayed as a pipeline, well
  // under the deadline.
  ASSERT_TRUE(h.run_until([&] { return rec.messages_for(std::string(kBtc)) >= 3'000; }, 20'000ms, "3000 frames"));
  EXPECT_LT(std::chrono::steady_clock::now() - live_at, 15s);
  EXPECT_EQ(rec.count_state(WsState::reconnecting), 0u) << rec.describe_states();
  h.stop(*client, rec, 1);
}

TEST(NetworkConditions, TheBandwidthCapSpacesTheFrames) {
  mock::MockServerConfig cfg;
  cfg.faults.faults = {network({0, 0, 200'000})};  // 200 kB/s
  WsHarness h(false, cfg);
  WsRecorder rec;
  std::size_t bytes = 0;
  std::optional<std::chrono::steady_clock::time_point> first, done;
  rec.also_on_message = [&](const net::WsMessage& m) {
    if (!first) first = m.received;
    bytes += m.text.size();
    if (!done && bytes >= 150'000) done = m.received;
  };
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return done.has_value(); }, 10'000ms, "150 kB of frames"));
  // 150 kB at 200 kB/s: 750 ms after the first frame (unshaped, loopback takes milliseconds).
  EXPECT_GE(*done - *first, 600ms);
  EXPECT_LT(*done - *first, 5s);
  h.stop(*client, rec, 1);
}

TEST(NetworkConditions, AStallSilencesTheConnectionAndLosesNothing) {
  mock::MockServerConfig cfg;
  mock::Fault stall = at_subscribe(mock::Fault::Kind::network_stall, 50);
  stall.ms = 400;
  cfg.faults.faults = {stall};
  WsHarness h(false, cfg);
  WsRecorder rec;
  std::chrono::steady_clock::duration longest_gap{};
  std::optional<std::chrono::steady_clock::time_point> last_at;
  rec.also_on_message = [&](const net::WsMessage& m) {
    if (last_at) longest_gap = std::max(longest_gap, m.received - *last_at);
    last_at = m.received;
  };
  // From the welcome on: the frames before the stall's point were still on the link when it began
  // (the writer hands them over as they are due), so they wait too, and the subscription's ack.
  rec.also_on_state = [&](const StateRec& s) {
    if (s.state == WsState::live) last_at = s.at;
  };
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.messages_for(std::string(kBtc)) >= 300; }, 10'000ms, "300 frames"));
  EXPECT_GE(longest_gap, 350ms) << "the stall silenced the connection";
  // Every frame came, in order: sequences follow each other.
  std::int64_t last = 0;
  for (const auto& m : rec.messages) {
    if (!m.decoded) continue;
    if (last != 0) {
      EXPECT_EQ(m.update.sequence_start, last + 1) << "a frame was lost or reordered";
    }
    last = m.update.sequence_end;
  }
  ASSERT_EQ(h.live->fired_faults().size(), 1u);
  EXPECT_NE(h.live->fired_faults()[0].find("network_stall BTC-USDT"), std::string::npos);
  h.stop(*client, rec, 1);
}

TEST(NetworkConditions, AHandoverCutsEveryConnectionAndTheNextOnesAreSlower) {
  mock::MockServerConfig cfg;
  mock::Fault handover = at_subscribe(mock::Fault::Kind::handover, 100);
  handover.network = mock::NetworkConditions{200, 0, 0};
  cfg.faults.faults = {handover};
  WsHarness h(false, cfg);
  WsRecorder rec;
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(
      h.run_until([&] { return rec.count_state(WsState::live) >= 2 && rec.messages_for(std::string(kBtc)) > 150; },
                  10'000ms, "live again after the handover"))
      << rec.describe_states();
  EXPECT_EQ(rec.count_state(WsState::reconnecting, WsReason::closed_by_server), 1u) << rec.describe_states();
  EXPECT_GE(time_to_live(rec, 2), 200ms) << "the connection after the handover is slower";
  const auto records = h.server().ws_connections();
  ASSERT_GE(records.size(), 2u);
  EXPECT_EQ(records[0].close_reason, "network handover");
  h.stop(*client, rec, 1);
}

}  // namespace
}  // namespace kucoin::testing
