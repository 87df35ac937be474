// The mock's one fault model (fault_plan.hpp), the network conditions (network_shaper.hpp) and the
// triggers they add to the LiveMarket (the Nth snapshot, network events). Pure: no sockets.
#include "kucoin/mock/fault_plan.hpp"

#include <gtest/gtest.h>

#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin::mock {
namespace {

using K = Fault::Kind;

Fault entry(K kind) {
  Fault f;
  f.kind = kind;
  return f;
}

TEST(FaultPlan, EveryKindHasOneNameBothWays) {
  const auto names = fault_kind_names();
  EXPECT_EQ(names.size(), 17u);
  for (const auto& n : names) {
    const auto k = parse_fault_kind(n);
    ASSERT_TRUE(k) << n;
    EXPECT_EQ(to_string(*k), n);
  }
  EXPECT_FALSE(parse_fault_kind("dorp"));
  EXPECT_TRUE(is_stream_kind(K::handover));
  EXPECT_FALSE(is_stream_kind(K::rest_answer));
}

TEST(FaultPlan, TimeOnTheStreamClockIsAMessage) {
  EXPECT_EQ(stream_message_at(0, 0), 1);  // unpaced: 1 ms a message
  EXPECT_EQ(stream_message_at(250, 0), 251);
  EXPECT_EQ(stream_message_at(500, 200), 101);  // 200 frames a second: 5 ms a message
  EXPECT_EQ(stream_message_at(499, 200), 100);
  EXPECT_EQ(stream_message_at(-5, 200), 1);
}

TEST(FaultPlan, EachPartGetsItsEntriesInOrder) {
  FaultPlan p;
  Fault drop = entry(K::drop);
  drop.symbol = "BTC-USDT";
  drop.at = Trigger{Trigger::Kind::after_snapshot, 100, 2};
  drop.count = 3;
  Fault stall = entry(K::stall);
  stall.ms = 250;
  stall.at_time_ms = 1'000;
  Fault rest = entry(K::rest_answer);
  rest.rest.path = "/api/v1/bullet-public";
  Fault refuse = entry(K::refuse_upgrade);
  refuse.status = 503;
  refuse.count = 2;
  Fault close = entry(K::close_after);
  close.count = 0;
  close.ms = 700;
  Fault net = entry(K::network);
  net.network = NetworkConditions{80, 40, 0};
  Fault handover = entry(K::handover);
  handover.network = NetworkConditions{200, 0, 20'000};
  Fault nstall = entry(K::network_stall);
  nstall.ms = 300;
  p.faults = {net, drop, rest, stall, refuse, close, handover, nstall};

  const auto s = p.stream_faults(400);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(p.stream_count(), 4u);
  EXPECT_EQ(s[0].kind, StreamFault::Kind::drop);
  EXPECT_EQ(s[0].at.snapshot, 2);
  EXPECT_EQ(s[0].count, 3);
  EXPECT_EQ(s[1].kind, StreamFault::Kind::stall);
  EXPECT_EQ(s[1].count, 250);                       // its ms
  EXPECT_EQ(s[1].at.kind, Trigger::Kind::message);  // 1 s at 400 frames a second
  EXPECT_EQ(s[1].at.value, 401);
  EXPECT_EQ(s[2].kind, StreamFault::Kind::handover);
  EXPECT_EQ(s[3].kind, StreamFault::Kind::network_stall);
  EXPECT_EQ(s[3].count, 300);

  ASSERT_EQ(p.rest_faults().size(), 1u);
  EXPECT_EQ(p.rest_faults()[0].path, "/api/v1/bullet-public");

  WsFaults base;
  base.no_pong = true;
  const WsFaults w = p.ws_faults(base);
  EXPECT_TRUE(w.no_pong);  // the base's own stay
  EXPECT_EQ(w.refuse_upgrade_status, 503);
  EXPECT_EQ(w.refuse_upgrade_count, 2);
  EXPECT_EQ(w.close_after_frames, 0);
  EXPECT_EQ(w.close_after_ms, 700);

  const NetworkPlan n = p.network();
  EXPECT_EQ(n.conditions, (NetworkConditions{80, 40, 0}));
  EXPECT_EQ(n.after_handover, (NetworkConditions{200, 0, 20'000}));
  EXPECT_TRUE(n.events);
  EXPECT_TRUE(n.shaped());
  EXPECT_FALSE(FaultPlan{}.network().shaped()) << "no network entry: the writer's fast path";
}

TEST(NetworkShaper, LatencyDelaysEveryFrameAndKeepsThroughput) {
  NetworkShaper s(NetworkConditions{50, 0, 0}, 1);
  EXPECT_EQ(s.release_at(0, 100), 50'000);
  EXPECT_EQ(s.release_at(10, 100), 50'010);  // a pipeline, not one frame per latency
  EXPECT_EQ(s.release_at(1'000'000, 100), 1'050'000);
}

TEST(NetworkShaper, JitterIsSeededBoundedAndNeverReorders) {
  auto run = [](std::uint64_t seed) {
    NetworkShaper s(NetworkConditions{20, 30, 0}, seed);
    std::vector<std::int64_t> v;
    for (std::int64_t i = 0; i < 200; ++i) v.push_back(s.release_at(i * 1'000, 200));
    return v;
  };
  const auto a = run(7), b = run(7), c = run(8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::int64_t spread = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::int64_t sent = static_cast<std::int64_t>(i) * 1'000;
    EXPECT_GE(a[i], sent + 20'000);
    if (i > 0) {
      EXPECT_GE(a[i], a[i - 1]) << "frame " << i << " overtook the one before it";
    }
    // Never later than its own worst draw or the frame before it.
    EXPECT_LE(a[i], std::max(sent + 50'000, i > 0 ? a[i - 1] : 0));
    spread = std::max(spread, a[i] - sent - 20'000);
  }
  EXPECT_GT(spread, 15'000) << "the jitter was drawn";
}

TEST(NetworkShaper, BandwidthCapSpacesFramesByTheirSize) {
  NetworkShaper s(NetworkConditions{0, 0, 10'000}, 1);  // 10 kB/s: 1000 bytes take 100 ms
  EXPECT_EQ(s.release_at(0, 1'000), 100'000);
  EXPECT_EQ(s.release_at(0, 1'000), 200'000);  // queued behind the first
  EXPECT_EQ(s.release_at(0, 500), 250'000);
  EXPECT_EQ(s.release_at(1'000'000, 100), 1'010'000);  // an idle link starts at once
}

TEST(NetworkShaper, TheLinkBuffersHalfASecondBeyondItsDelay) {
  NetworkShaper s(NetworkConditions{100, 0, 10'000}, 1);  // 1000 bytes: 100 ms on the wire
  int taken = 0;
  while (s.accepts(0) && taken < 100) {
    s.release_at(0, 1'000);
    ++taken;
  }
  EXPECT_EQ(taken, 6) << "frames leaving by 100 ms + 500 ms";
  EXPECT_TRUE(s.accepts(100'000)) << "room again once a frame left";
  NetworkShaper unshaped(NetworkConditions{}, 1);
  for (int i = 0; i < 1'000; ++i) unshaped.release_at(0, 1'000);
  EXPECT_TRUE(unshaped.accepts(0)) << "without a cap nothing waits";
}

TEST(NetworkShaper, AStallHoldsEverythingThenLetsItGo) {
  NetworkShaper s(NetworkConditions{10, 0, 0}, 1);
  EXPECT_EQ(s.release_at(0, 10), 10'000);
  s.stall(5'000, 300);
  EXPECT_EQ(s.hold(10'000), 305'000) << "a frame already on the link waits too";
  EXPECT_EQ(s.release_at(6'000, 10), 305'000);
  EXPECT_EQ(s.release_at(400'000, 10), 410'000);
  s.stall(500'000, 0);
  EXPECT_EQ(s.release_at(500'000, 10), 510'000);
}

LiveMarketConfig one_symbol(std::vector<StreamFault> faults) {
  LiveMarketConfig c;
  c.symbols = {"BTC-USDT"};
  c.levels_per_side = 100;
  c.faults = std::move(faults);
  return c;
}

std::size_t read_frames(LiveMarket::Subscription& s, std::size_t n) {
  std::size_t got = 0;
  for (; got < n; ++got) {
    if (s.next().kind != FeedEvent::Kind::frame) break;
  }
  return got;
}

TEST(LiveMarketTriggers, AfterTheSecondSnapshotCountsFromWhatItShowed) {
  LiveMarket m(one_symbol({{StreamFault::Kind::drop, "BTC-USDT", {Trigger::Kind::after_snapshot, 5, 2}, 1, 0}}));
  auto sub = m.subscribe("BTC-USDT");
  ASSERT_EQ(read_frames(*sub, 10), 10u);
  ASSERT_TRUE(m.snapshot("BTC-USDT"));  // the first: 10 messages
  ASSERT_EQ(read_frames(*sub, 20), 20u);
  EXPECT_TRUE(m.fired_faults().empty()) << "5 after the first snapshot is no trigger of the second's";
  ASSERT_TRUE(m.snapshot("BTC-USDT"));  // the second: 30 messages
  ASSERT_EQ(read_frames(*sub, 10), 10u);
  ASSERT_EQ(m.fired_faults().size(), 1u);
  EXPECT_NE(m.fired_faults()[0].find("drop BTC-USDT at message 35"), std::string::npos) << m.fired_faults()[0];
}

TEST(LiveMarketTriggers, NetworkEventsReachTheSessionAndLoseNothingButAHandoversMessage) {
  LiveMarket m(one_symbol({{StreamFault::Kind::network_stall, "", {Trigger::Kind::message, 5}, 300, 0},
                           {StreamFault::Kind::handover, "", {Trigger::Kind::message, 9}, 1, 0}}));
  auto sub = m.subscribe("BTC-USDT");
  std::vector<std::int64_t> seq;
  for (int i = 0; i < 4; ++i) seq.push_back(sub->next().sequence_end);
  FeedEvent e = sub->next();
  EXPECT_EQ(e.kind, FeedEvent::Kind::network_stall);
  EXPECT_EQ(e.stall_ms, 300);
  for (int i = 0; i < 4; ++i) {
    e = sub->next();
    ASSERT_EQ(e.kind, FeedEvent::Kind::frame);  // messages 5..8: the stall delays, it drops nothing
    seq.push_back(e.sequence_end);
  }
  for (std::size_t i = 1; i < seq.size(); ++i) EXPECT_GT(seq[i], seq[i - 1]);
  EXPECT_EQ(sub->next().kind, FeedEvent::Kind::handover);
  const auto fired = m.fired_faults();
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_NE(fired[0].find("network_stall BTC-USDT at message 5"), std::string::npos);
  EXPECT_NE(fired[1].find("handover BTC-USDT at message 9"), std::string::npos);
  m.add_faults({{StreamFault::Kind::drop, "", {Trigger::Kind::message, 20}, 1, 0}});
  EXPECT_EQ(m.fault_count(), 3u);
}

}  // namespace
}  // namespace kucoin::mock
