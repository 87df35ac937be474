// The real WsClient against the real MockServer's WebSocket side over loopback, ws:// and wss://.
// Every wait is an awaited event with a deadline; ping intervals are tens of milliseconds.
// One file (about 800 lines): the catalogue of WsClient behaviours against the mock, each test a
// scenario on the shared fixture of ws_harness.hpp; the session rules themselves are unit-tested
// without sockets (tests/unit/ws_client_session_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "kucoin/mock/config_yaml.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

using net::WsState;

class Ws : public ::testing::TestWithParam<bool> {
 protected:
  bool tls() const { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(PlainAndTls, Ws, ::testing::Values(false, true), [](const auto& param_info) {
  return param_info.param ? std::string("wss") : std::string("ws");
});

constexpr std::string_view kBtc = "/market/level2:BTC-USDT";
constexpr std::string_view kEth = "/market/level2:ETH-USDT";

TEST_P(Ws, TokenFlowWelcomeSubscribeAndLevel2Frames) {
  WsHarness h(tls());
  WsRecorder rec;
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe("/market/level2:BTC-USDT,ETH-USDT"));
  ASSERT_TRUE(h.run_until(
      [&] { return rec.messages_for(std::string(kBtc)) >= 200 && rec.messages_for(std::string(kEth)) >= 200; },
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

// WsClientOptions::min_read_interval: a busy stream is read once per interval, everything that
// arrived meanwhile in one go (one receive time for many frames), and nothing is lost or reordered.
TEST_P(Ws, MinReadIntervalReadsBurstsTogetherAndLosesNothing) {
  mock::MockServerConfig cfg;
  cfg.ws.pace_per_symbol = 2'000;
  WsHarness h(tls(), cfg);
  WsRecorder rec;
  std::set<std::chrono::steady_clock::time_point> reads;
  rec.also_on_message = [&](const net::WsMessage& m) { reads.insert(m.received); };
  auto o = h.options();
  o.min_read_interval = 20ms;
  auto client = h.client(o, rec);
  ASSERT_TRUE(client->subscribe("/market/level2:BTC-USDT,ETH-USDT"));
  ASSERT_TRUE(h.run_until(
      [&] { return rec.messages_for(std::string(kBtc)) >= 200 && rec.messages_for(std::string(kEth)) >= 200; },
      10'000ms, "200 frames per symbol"))
      << rec.describe_states();
  EXPECT_LE(reads.size() * 4, rec.messages.size()) << "frames arriving within an interval are read together";
  std::map<std::string, std::int64_t> last;
  for (const MessageRec& m : rec.messages) {
    ASSERT_TRUE(m.decoded) << m.topic;
    auto it = last.find(m.topic);
    if (it != last.end()) {
      EXPECT_EQ(m.update.sequence_start, it->second + 1) << m.topic;
    }
    last[m.topic] = m.update.sequence_end;
  }
  EXPECT_TRUE(h.run_until([&] { return client->stats().pongs >= 2; }, 5'000ms, "pongs still read"));
  EXPECT_EQ(rec.count_state(WsState::reconnecting), 0u) << rec.describe_states();
  h.stop(*client, rec, 1);
}

// The first `live` after index `from` in the recorded states (of connection `conn`).
std::optional<std::size_t> find_state(const WsRecorder& rec, WsState st, std::size_t from = 0,
                                      std::optional<WsReason> reason = std::nullopt) {
  for (std::size_t i = from; i < rec.states.size(); ++i) {
    if (rec.states[i].state == st && (!reason || rec.states[i].reason == *reason)) return i;
  }
  return std::nullopt;
}

TEST_P(Ws, WelcomeDeadlineThenRecovery) {
  mock::MockServerConfig cfg;
  cfg.ws_faults.no_welcome = true;
  WsHarness h(tls(), cfg);
  WsRecorder rec;
  rec.also_on_state = [&](const StateRec& e) {
    if (e.state == WsState::reconnecting && e.reason == WsReason::welcome_timeout) h.server().set_ws_faults({});
  };
  auto o = h.options();
  o.welcome_timeout = 150ms;
  auto client = h.client(o, rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.messages_for(std::string(kBtc)) >= 10; }, 10'000ms, "frames after recovery"))
      << rec.describe_states();
  const auto timeout = find_state(rec, WsState::reconnecting, 0, WsReason::welcome_timeout);
  ASSERT_TRUE(timeout) << rec.describe_states();
  EXPECT_EQ(rec.states[*timeout].detail, "no welcome within 150 ms of the upgrade");
  EXPECT_EQ(rec.states[*timeout].attempt, 1u);
  EXPECT_GE(rec.states[*timeout].at - rec.states[0].at, 150ms);
  EXPECT_FALSE(find_state(rec, WsState::live, 0).value_or(99) < *timeout) << "never live without a welcome";
  EXPECT_EQ(rec.count_topic(kBtc, WsTopicStatus::subscribed), 1u);
  EXPECT_EQ(rec.count_topic(kBtc, WsTopicStatus::lost), 0u) << "never subscribed on the silent connection";
  h.stop(*client, rec, 1);
}

TEST_P(Ws, PingTimeoutUsesPingTimeoutNotIntervalAndRecovers) {
  mock::MockServerConfig cfg;
  cfg.ws_faults.no_pong = true;
  cfg.rest.ping_interval_ms = 20;
  cfg.rest.ping_timeout_ms = 250;
  WsHarness h(tls(), cfg);
  WsRecorder rec;
  rec.also_on_state = [&](const StateRec& e) {
    if (e.state == WsState::reconnecting && e.reason == WsReason::ping_timeout) h.server().set_ws_faults({});
  };
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) >= 2; }, 10'000ms,
                          "subscribed again after the ping timeout"))
      << rec.describe_states();
  const auto live = find_state(rec, WsState::live);
  const auto dead = find_state(rec, WsState::reconnecting, 0, WsReason::ping_timeout);
  ASSERT_TRUE(live && dead) << rec.describe_states();
  // Detected from pingTimeout (250 ms after the first ping at 20 ms), not from pingInterval (20 ms).
  EXPECT_GE(rec.states[*dead].at - rec.states[*live].at, 270ms);
  EXPECT_TRUE(rec.states[*dead].detail.starts_with("no pong for ping ")) << rec.states[*dead].detail;
  EXPECT_TRUE(rec.states[*dead].detail.ends_with("within 250 ms")) << rec.states[*dead].detail;
  EXPECT_EQ(rec.count_topic(kBtc, WsTopicStatus::lost, WsReason::ping_timeout), 1u);
  const std::size_t before = rec.messages_for(std::string(kBtc));
  ASSERT_TRUE(
      h.run_until([&] { return rec.messages_for(std::string(kBtc)) > before + 10 && client->stats().pongs > 0; },
                  5'000ms, "frames and pongs after recovery"));
  h.stop(*client, rec, 1);
}

TEST_P(Ws, AcksMatchedRejectionsTypedUnsubscribeAcked) {
  WsHarness h(tls());
  WsRecorder rec;
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 1; }, 5'000ms, "ack"));
  ASSERT_TRUE(client->subscribe("/market/level2:NOPE-USDT"));
  ASSERT_TRUE(client->subscribe("/market/nonsense:BTC-USDT"));
  ASSERT_TRUE(h.run_until(
      [&] {
        return rec.count_topic("/market/level2:NOPE-USDT", WsTopicStatus::rejected) == 1 &&
               rec.count_topic("/market/nonsense:BTC-USDT", WsTopicStatus::rejected) == 1;
      },
      5'000ms, "two rejections"));
  for (const TopicRec& t : rec.topics) {
    if (t.status != WsTopicStatus::rejected) continue;
    EXPECT_EQ(t.code, 404);
    EXPECT_EQ(t.reason, WsReason::error_frame);
    EXPECT_EQ(t.detail, "topic " + t.topic + " is not found");
  }
  EXPECT_EQ(rec.error_codes, (std::vector<int>{404, 404}));
  ASSERT_TRUE(client->unsubscribe(kBtc));
  ASSERT_TRUE(
      h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::unsubscribed) == 1; }, 5'000ms, "unsubscribe ack"));
  const std::size_t after = rec.messages_for(std::string(kBtc));
  ASSERT_TRUE(h.run_until([&] { return client->stats().pongs >= 3; }, 5'000ms, "more pings"));
  EXPECT_LE(rec.messages_for(std::string(kBtc)), after + 2) << "the stream stopped (a frame in flight may still come)";
  EXPECT_EQ(rec.count_state(WsState::reconnecting), 0u) << "rejections do not cost the connection";
  EXPECT_EQ(h.mock_events.count(mock::WsServerEvent::Kind::unsubscribed), 1u);
  h.stop(*client, rec, 1);
}

TEST_P(Ws, PrivateChannelsGetTheirOwnPrivateTokenConnection) {
  WsHarness h(tls());
  WsRecorder rec;
  auto client = h.client(h.options(), rec);
  const std::vector<std::string> topics = {"/account/balance", std::string(kBtc), "/spotMarket/tradeOrdersV2"};
  ASSERT_TRUE(client->subscribe(topics));
  ASSERT_TRUE(h.run_until(
      [&] {
        return rec.count_topic("/account/balance", WsTopicStatus::subscribed) == 1 &&
               rec.count_topic("/spotMarket/tradeOrdersV2", WsTopicStatus::subscribed) == 1 &&
               rec.messages_for(std::string(kBtc)) > 0;
      },
      5'000ms, "private and public subscriptions"))
      << rec.describe_states();
  std::set<std::pair<std::size_t, bool>> conns;
  for (const StateRec& e : rec.states) {
    if (e.state == WsState::live) conns.insert({e.connection, e.private_token});
  }
  EXPECT_EQ(conns.size(), 2u);
  const auto records = h.server().ws_connections();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_NE(records[0].private_token, records[1].private_token);
  EXPECT_NE(records[0].token, records[1].token);
  h.stop(*client, rec, 2);
}

TEST_P(Ws, ResubscribesWithAFreshTokenAfterTheMockDropsTheConnection) {
  WsHarness h(tls());
  WsRecorder rec;
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe("/market/level2:BTC-USDT,ETH-USDT"));
  for (int round = 1; round <= 3; ++round) {
    ASSERT_TRUE(
        h.run_until([&] { return rec.count_topic(kEth, WsTopicStatus::subscribed) == static_cast<std::size_t>(round); },
                    5'000ms, "subscribed"))
        << rec.describe_states();
    const std::size_t before = rec.messages_for(std::string(kBtc));
    ASSERT_TRUE(h.run_until([&] { return rec.messages_for(std::string(kBtc)) > before + 20; }, 5'000ms, "frames"));
    if (round < 3) h.server().drop_ws_connections();
  }
  EXPECT_EQ(rec.count_topic(kBtc, WsTopicStatus::lost, WsReason::closed_by_server), 2u);
  EXPECT_EQ(rec.count_state(WsState::reconnecting, WsReason::closed_by_server), 2u);
  const auto records = h.server().ws_connections();
  ASSERT_EQ(records.size(), 3u);
  std::set<std::string> tokens;
  for (const auto& r : records) tokens.insert(r.token);
  EXPECT_EQ(tokens.size(), 3u) << "a fresh token for every connection";
  EXPECT_EQ(records[0].close_reason, "dropped by the server");
  EXPECT_EQ(client->stats().tokens_fetched, 3u);
  h.stop(*client, rec, 1);
}

TEST_P(Ws, TokenExpiryMidSessionThen401FrameAndANewToken) {
  mock::MockServerConfig cfg;
  cfg.rest.token_lifetime_ms = 400;
  WsHarness h(tls(), cfg);
  WsRecorder rec;
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) >= 2; }, 10'000ms,
                          "subscribed on a second token"))
      << rec.describe_states();
  const auto expired = find_state(rec, WsState::reconnecting, 0, WsReason::token_expired);
  ASSERT_TRUE(expired) << rec.describe_states();
  EXPECT_EQ(rec.states[*expired].code, 401);
  EXPECT_EQ(rec.states[*expired].detail, "error frame 401: token is expired");
  EXPECT_EQ(rec.count_topic(kBtc, WsTopicStatus::lost, WsReason::token_expired), 1u);
  EXPECT_EQ(rec.error_codes.front(), 401);
  EXPECT_GE(h.mock_events.count(mock::WsServerEvent::Kind::token_expired), 1u);
  const auto records = h.server().ws_connections();
  ASSERT_GE(records.size(), 2u);
  EXPECT_NE(records[0].token, records[1].token);
  EXPECT_EQ(records[0].close_reason, "token expired");
  h.stop(*client, rec, 1);
}

TEST_P(Ws, ExpireTokensNowClosesSessionsWithThe401Frame) {
  WsHarness h(tls());
  WsRecorder rec;
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 1; }, 5'000ms, "ack"));
  h.server().expire_tokens();
  ASSERT_TRUE(
      h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 2; }, 5'000ms, "subscribed again"))
      << rec.describe_states();
  EXPECT_EQ(rec.count_state(WsState::reconnecting, WsReason::token_expired), 1u);
  h.stop(*client, rec, 1);
}

TEST(WsBackoff, GrowsWithJitterUpToItsCapFromASeededSource) {
  mock::MockServerConfig cfg;
  cfg.ws_faults.refuse_upgrade_status = 503;
  cfg.ws_faults.refuse_upgrade_count = 7;
  WsHarness h(false, cfg);
  WsRecorder rec;
  auto o = h.options();
  o.backoff = BackoffConfig{2ms, 2.0, 16ms, Jitter::full};
  o.seed = 99;
  auto client = h.client(o, rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 1; }, 10'000ms,
                          "live after seven refusals"))
      << rec.describe_states();
  // The same delays, computed from the same seeded source (connection 0 draws from Rng(seed + 0)).
  Backoff expected(o.backoff, Rng(99));
  std::vector<StateRec> waits;
  for (const StateRec& e : rec.states) {
    if (e.state == WsState::reconnecting) waits.push_back(e);
  }
  ASSERT_EQ(waits.size(), 7u) << rec.describe_states();
  std::set<std::int64_t> distinct;
  for (std::size_t i = 0; i < waits.size(); ++i) {
    const auto ceiling = expected.ceiling();
    const auto d = expected.next();
    EXPECT_EQ(waits[i].delay, d) << "attempt " << i + 1;
    EXPECT_LE(waits[i].delay, ceiling);
    EXPECT_LE(waits[i].delay, 16ms) << "the cap";
    EXPECT_EQ(waits[i].attempt, i + 1);
    EXPECT_EQ(waits[i].reason, WsReason::upgrade_rejected);
    EXPECT_EQ(waits[i].code, 503);
    EXPECT_TRUE(waits[i].detail.starts_with("HTTP 503 instead of 101 at the upgrade")) << waits[i].detail;
    distinct.insert(waits[i].delay.count());
  }
  EXPECT_EQ(expected.ceiling(), 16ms) << "the ceiling reached its cap";
  EXPECT_GT(distinct.size(), 1u) << "jittered";
  EXPECT_EQ(h.server().stats().ws_rejected, 7u);
  h.stop(*client, rec, 1);
}

TEST(WsLimits, PerConnectionTopicLimitOpensASecondConnection) {
  WsHarness h(false);
  WsRecorder rec;
  auto o = h.options();
  o.limits.max_topics_per_connection = 1;
  auto client = h.client(o, rec);
  ASSERT_TRUE(client->subscribe("/market/level2:BTC-USDT,ETH-USDT"));
  ASSERT_TRUE(
      h.run_until([&] { return rec.messages_for(std::string(kBtc)) > 10 && rec.messages_for(std::string(kEth)) > 10; },
                  5'000ms, "frames on both connections"));
  EXPECT_EQ(h.server().ws_connections().size(), 2u);
  std::map<std::string, std::set<std::size_t>> conn_of;
  for (const MessageRec& m : rec.messages) conn_of[m.topic].insert(m.connection);
  EXPECT_EQ(conn_of[std::string(kBtc)], (std::set<std::size_t>{0}));
  EXPECT_EQ(conn_of[std::string(kEth)], (std::set<std::size_t>{1}));
  h.stop(*client, rec, 2);
}

std::vector<std::string> many_symbols(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("S" + std::to_string(1000 + i) + "-USDT");
  return out;
}

std::string join_topic(std::string_view channel, const std::vector<std::string>& symbols) {
  std::string t(channel);
  t += ':';
  for (std::size_t i = 0; i < symbols.size(); ++i) t += (i ? "," : "") + symbols[i];
  return t;
}

TEST(WsLimits, RequestsSplitAt100SymbolsAndTheMockRefusesBiggerOnesWith509) {
  mock::GeneratedMarketConfig gm;
  gm.symbols = many_symbols(150);
  gm.levels_per_side = 5;
  for (const std::size_t mock_limit : {std::size_t{100}, std::size_t{60}}) {
    SCOPED_TRACE(mock_limit);
    mock::MockServerConfig cfg;
    cfg.market = std::make_shared<mock::GeneratedMarket>(gm);
    cfg.ws.limits.max_symbols_per_request = mock_limit;
    WsHarness h(false, cfg);
    WsRecorder rec;
    auto client = h.client(h.options(), rec);  // requests of 100 + 50 symbols
    ASSERT_TRUE(client->subscribe(join_topic("/market/ticker", gm.symbols)));
    ASSERT_TRUE(h.run_until([&] { return rec.topics.size() >= 150; }, 5'000ms, "150 answers"));
    std::size_t subscribed = 0, rejected = 0;
    for (const TopicRec& t : rec.topics) {
      if (t.status == WsTopicStatus::subscribed) ++subscribed;
      if (t.status != WsTopicStatus::rejected) continue;
      ++rejected;
      EXPECT_EQ(t.code, 509);
      EXPECT_EQ(t.detail, "exceed max subscription count limitation of 60 per time");
    }
    // KuCoin's 100: both requests fit. A stricter mock (60) refuses the first request (100 symbols).
    EXPECT_EQ(subscribed, mock_limit == 100 ? 150u : 50u);
    EXPECT_EQ(rejected, mock_limit == 100 ? 0u : 100u);
    EXPECT_EQ(h.mock_events.count(mock::WsServerEvent::Kind::request_rejected), mock_limit == 100 ? 0u : 1u);
    h.stop(*client, rec, 1);
  }
}

TEST(WsLimits, TheMocksPerConnectionLimitAnswers509) {
  mock::MockServerConfig cfg;
  cfg.ws.limits.max_topics_per_connection = 1;
  WsHarness h(false, cfg);
  WsRecorder rec;
  auto client = h.client(h.options(), rec);  // the client believes 400 fit
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 1; }, 5'000ms, "ack"));
  ASSERT_TRUE(client->subscribe(kEth));
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kEth, WsTopicStatus::rejected) == 1; }, 5'000ms, "509"));
  EXPECT_EQ(rec.topics.back().code, 509);
  EXPECT_EQ(rec.topics.back().detail, "exceed max subscription count limitation of 1 per session");
  h.stop(*client, rec, 1);
}

TEST(WsMarketFaults, DisconnectTokenExpiryAndStallFromTheLiveMarket) {
  using mock::StreamFault;
  using mock::Trigger;
  WsHarness h(false, {},
              live_config({{StreamFault::Kind::stall, "BTC-USDT", {Trigger::Kind::after_subscribe, 20}, 300, 0},
                           {StreamFault::Kind::disconnect, "BTC-USDT", {Trigger::Kind::after_subscribe, 60}, 1, 0},
                           {StreamFault::Kind::token_expiry, "BTC-USDT", {Trigger::Kind::after_subscribe, 40}, 1, 0}}));
  WsRecorder rec;
  std::chrono::steady_clock::duration longest_gap{};
  std::optional<std::chrono::steady_clock::time_point> last_at;
  rec.also_on_message = [&](const net::WsMessage& m) {
    if (m.topic != kBtc) return;
    if (last_at) longest_gap = std::max(longest_gap, m.received - *last_at);
    last_at = m.received;
  };
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  // Each fault fires once. First subscription: stall at its 20th frame, token expiry at its 40th
  // (reconnect); second subscription: disconnect at its 60th frame (reconnect).
  ASSERT_TRUE(h.run_until(
      [&] {
        return rec.count_state(WsState::reconnecting, WsReason::token_expired) == 1 &&
               rec.count_state(WsState::reconnecting, WsReason::closed_by_server) == 1 &&
               rec.messages_for(std::string(kBtc)) > 200;
      },
      10'000ms, "stall, token expiry and disconnect survived"))
      << rec.describe_states();
  // The client may still be reading frames sent before the stall, so it sees a bit less than 300 ms.
  EXPECT_GE(longest_gap, 200ms) << "the stall silenced the stream";
  EXPECT_EQ(rec.count_state(WsState::reconnecting), 2u) << "pings went on through the stall";
  EXPECT_EQ(h.live->fired_faults().size(), 3u);
  h.stop(*client, rec, 1);
}

TEST(WsSlowReader, TheMockDropsFramesAndTheClientSeesAGap) {
  mock::MockServerConfig cfg;
  cfg.ws.pace_per_symbol = 50'000;
  cfg.ws_faults.slow_reader_backlog = 200;
  cfg.rest.ping_timeout_ms = 10'000;  // this test blocks the client's thread on purpose
  WsHarness h(false, cfg, [] {
    auto c = live_config();
    c.symbols = {"BTC-USDT"};
    return c;
  }());
  WsRecorder rec;
  bool blocked = false;
  rec.also_on_message = [&](const net::WsMessage&) {
    if (blocked) return;
    blocked = true;  // a reader that stops reading: wait (on the mock's event, not a sleep) for drops
    EXPECT_TRUE(h.mock_events.wait_for(
        [](const auto& events) {
          return std::any_of(events.begin(), events.end(),
                             [](const auto& e) { return e.kind == mock::WsServerEvent::Kind::slow_reader_drop; });
        },
        10'000ms))
        << "frames sent " << h.server().stats().ws_frames_sent << ", produced " << h.live->truth("BTC-USDT")->produced;
  };
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  auto has_gap = [&] {
    for (std::size_t i = 1; i < rec.messages.size(); ++i) {
      if (rec.messages[i].update.sequence_start != rec.messages[i - 1].update.sequence_end + 1) return true;
    }
    return false;
  };
  ASSERT_TRUE(h.run_until(has_gap, 15'000ms, "a sequence gap")) << rec.describe_states();
  EXPECT_GT(h.server().stats().ws_frames_dropped, 0u);
  EXPECT_EQ(rec.count_state(WsState::reconnecting), 0u) << "the connection survived; only frames were lost";
  h.stop(*client, rec, 1);
}

TEST(WsFaults, CloseAfterFramesAndAfterMs) {
  mock::MockServerConfig cfg;
  cfg.ws_faults.close_after_frames = 30;
  WsHarness h(false, cfg);
  WsRecorder rec;
  int closes = 0;
  rec.also_on_state = [&](const StateRec& e) {
    if (e.state != WsState::reconnecting) return;
    ++closes;
    mock::WsFaults f;
    if (closes == 1) f.close_after_ms = 150;  // then a time-based close, then none
    h.server().set_ws_faults(f);
  };
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 3; }, 10'000ms,
                          "subscribed three times"))
      << rec.describe_states();
  EXPECT_EQ(rec.count_state(WsState::reconnecting, WsReason::closed_by_server), 2u);
  const auto records = h.server().ws_connections();
  ASSERT_GE(records.size(), 3u);
  EXPECT_EQ(records[0].close_reason, "close_after_frames");
  EXPECT_EQ(records[1].close_reason, "close_after_ms");
  h.stop(*client, rec, 1);
}

TEST(WsFaults, TheMockClosesIdleConnections) {
  mock::MockServerConfig cfg;
  cfg.ws.idle_timeout_ms = 150;
  cfg.rest.ping_interval_ms = 5'000;  // the client pings too rarely for that server
  cfg.rest.ping_timeout_ms = 5'000;
  WsHarness h(false, cfg);
  WsRecorder rec;
  auto client = h.client(h.options(), rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.count_state(WsState::reconnecting, WsReason::closed_by_server) >= 1; },
                          5'000ms, "idle close"))
      << rec.describe_states();
  EXPECT_EQ(h.server().ws_connections().at(0).close_reason, "idle timeout");
  h.stop(*client, rec, 1);
}

TEST_P(Ws, PauseClosesNowAndResumeReconnectsAtOnce) {
  WsHarness h(tls());
  WsRecorder rec;
  auto o = h.options();
  o.backoff = BackoffConfig{5'000ms, 2.0, 30'000ms, Jitter::none};  // resume must not wait for this
  auto client = h.client(o, rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 1; }, 5'000ms, "ack"));
  client->pause();
  ASSERT_TRUE(h.run_until([&] { return rec.count_state(WsState::paused) == 1; }, 5'000ms, "paused"));
  EXPECT_EQ(rec.count_topic(kBtc, WsTopicStatus::lost, WsReason::paused), 1u);
  EXPECT_EQ(rec.count_state(WsState::reconnecting), 0u);
  const auto resumed_at = std::chrono::steady_clock::now();
  client->resume();
  ASSERT_TRUE(
      h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 2; }, 5'000ms, "resubscribed"));
  EXPECT_LT(std::chrono::steady_clock::now() - resumed_at, 2'000ms);
  EXPECT_EQ(h.server().ws_connections().size(), 2u);
  h.stop(*client, rec, 1);
}

// Make-before-break (the default): the fresh connection subscribes while the old one delivers;
// the old one closes cleanly; no topic is lost or subscribed again and no reconnect is reported.
// KuCoin-like ping settings: these tests are about rotations, and a short pong timeout can trip
// on a loaded machine (a reconnect would hide what they check).
mock::MockServerConfig rotation_config() {
  mock::MockServerConfig cfg;
  cfg.rest.ping_interval_ms = 1'000;
  cfg.rest.ping_timeout_ms = 10'000;
  return cfg;
}

// Tokens rotate every 300 ms; the old connection drains 50 ms after the fresh one's last ack.
net::WsClientOptions rotation_options(const WsHarness& h) {
  auto o = h.options();
  o.token_max_age = 300ms;
  o.rotation_overlap = 50ms;
  return o;
}

TEST_P(Ws, TokenRotationMakesTheFreshConnectionBeforeClosingTheOld) {
  WsHarness h(tls(), rotation_config());
  WsRecorder rec;
  auto o = rotation_options(h);
  auto client = h.client(o, rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  std::uint64_t most_open = 0;  // sessions open at once on the mock, sampled while waiting
  ASSERT_TRUE(h.run_until(
      [&] {
        most_open = std::max(most_open, h.server().stats().ws_open);
        return rec.count_state(WsState::live, WsReason::token_rotation) >= 2;
      },
      10'000ms, "two handovers"))
      << rec.describe_states();
  EXPECT_GE(most_open, 2u) << "the fresh connection was open before the old one closed";
  EXPECT_EQ(rec.count_topic(kBtc, WsTopicStatus::subscribed), 1u) << rec.describe_states();
  EXPECT_EQ(rec.count_topic(kBtc, WsTopicStatus::lost), 0u) << rec.describe_states();
  EXPECT_EQ(rec.count_state(WsState::reconnecting), 0u) << rec.describe_states();
  EXPECT_EQ(rec.count_state(WsState::connecting), 1u) << rec.describe_states();
  // Each connection had its own token; the old ones were closed by the client's close handshake.
  const auto conns = h.server().ws_connections();
  ASSERT_GE(conns.size(), 3u);
  std::set<std::string> tokens;
  for (const auto& r : conns) tokens.insert(r.token);
  EXPECT_EQ(tokens.size(), conns.size());
  ASSERT_TRUE(h.run_until([&] { return !h.server().ws_connections().at(1).close_reason.empty(); }, 5'000ms, "closed"));
  EXPECT_EQ(h.server().ws_connections().at(0).close_reason, "client closed");
  EXPECT_EQ(h.server().ws_connections().at(1).close_reason, "client closed");
  h.stop(*client, rec, 1);
}

// The fresh connection cannot be made (its token request fails): the old connection closes and
// the slot reconnects as before, reporting the topic lost so that consumers resync.
TEST_P(Ws, TokenRotationFallsBackToReconnectingWhenTheFreshConnectionFails) {
  WsHarness h(tls(), rotation_config());
  WsRecorder rec;
  auto o = rotation_options(h);
  o.tls = net::TlsOptions{true, false, h.server().ca_pem(), {}};  // no RestClient to take them from
  int calls = 0;
  net::WsTokenProvider provider = [&](bool priv, net::WsTokenHandler done) {
    if (++calls == 2) {  // the rotation's token
      ApiError e;
      e.kind = ApiErrorKind::server;
      e.http_status = 503;
      e.msg = "service unavailable";
      done(Unexpected{std::move(e)});
      return;
    }
    if (priv) {
      h.rest->bullet_private(std::move(done));
    } else {
      h.rest->bullet_public(std::move(done));
    }
  };
  auto client = std::make_unique<net::WsClient>(h.base->io, provider, o, rec.handlers());
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 2; }, 10'000ms,
                          "resubscribed after the fallback"))
      << rec.describe_states();
  EXPECT_EQ(rec.count_topic(kBtc, WsTopicStatus::lost, WsReason::token_rotation), 1u) << rec.describe_states();
  const auto fell_back = find_state(rec, WsState::reconnecting, 0, WsReason::token_rotation);
  ASSERT_TRUE(fell_back) << rec.describe_states();
  EXPECT_NE(rec.states[*fell_back].detail.find("fresh connection for the rotation failed"), std::string::npos)
      << rec.states[*fell_back].detail;
  EXPECT_EQ(rec.states[*fell_back].delay, 0ms);
  h.stop(*client, rec, 1);
}

TEST_P(Ws, TokenRotationBeforeItsAgeLimitBreakBeforeMake) {
  WsHarness h(tls());
  WsRecorder rec;
  auto o = h.options();
  o.make_before_break = false;
  o.token_max_age = 200ms;
  o.backoff = BackoffConfig{5'000ms, 2.0, 30'000ms, Jitter::none};  // rotation does not back off
  auto client = h.client(o, rec);
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(
      h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 3; }, 5'000ms, "two rotations"))
      << rec.describe_states();
  for (const StateRec& e : rec.states) {
    if (e.state != WsState::reconnecting) continue;
    EXPECT_EQ(e.reason, WsReason::token_rotation);
    EXPECT_EQ(e.delay, 0ms);
  }
  std::set<std::string> tokens;
  for (const auto& r : h.server().ws_connections()) tokens.insert(r.token);
  EXPECT_GE(tokens.size(), 3u);
  ASSERT_TRUE(h.run_until([&] { return !h.server().ws_connections().at(0).close_reason.empty(); }, 5'000ms, "closed"));
  EXPECT_EQ(h.server().ws_connections().at(0).close_reason, "client closed") << "a clean close handshake";
  h.stop(*client, rec, 1);
}

TEST_P(Ws, UnknownTokenIsRefusedAtTheUpgradeAndNoTokenReachesALog) {
  WsHarness h(tls());
  WsRecorder rec;
  std::vector<std::string> issued;
  auto o = h.options();
  o.tls = net::TlsOptions{true, false, h.server().ca_pem(), {}};
  int calls = 0;
  net::WsTokenProvider provider = [&](bool priv, net::WsTokenHandler done) {
    if (++calls == 1) {  // first a token the mock never issued
      BulletToken b;
      b.token = Secret("not-a-token-the-mock-issued");
      b.servers.push_back({h.server().ws_url(), tls(), "websocket", 20, 200});
      issued.push_back(b.token.reveal());
      done(std::move(b));
      return;
    }
    auto wrap = [&issued, done = std::move(done)](Result<BulletToken, ApiError> r) {
      if (r) issued.push_back(r->token.reveal());
      done(std::move(r));
    };
    if (priv) {
      h.rest->bullet_private(wrap);
    } else {
      h.rest->bullet_public(wrap);
    }
  };
  auto client = std::make_unique<net::WsClient>(h.base->io, provider, o, rec.handlers());
  ASSERT_TRUE(client->subscribe(kBtc));
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 1; }, 5'000ms, "ack"))
      << rec.describe_states();
  h.server().drop_ws_connections();
  ASSERT_TRUE(h.run_until([&] { return rec.count_topic(kBtc, WsTopicStatus::subscribed) == 2; }, 5'000ms, "again"));
  const auto refused = find_state(rec, WsState::reconnecting, 0, WsReason::upgrade_rejected);
  ASSERT_TRUE(refused);
  EXPECT_EQ(rec.states[*refused].code, 401);
  EXPECT_NE(rec.states[*refused].detail.find("token is invalid"), std::string::npos) << rec.states[*refused].detail;
  h.stop(*client, rec, 1);
  ASSERT_EQ(issued.size(), 3u);
  const auto lines = h.base->logs.all();
  EXPECT_GT(lines.size(), 5u);
  for (const std::string& line : lines) {
    for (const std::string& t : issued) EXPECT_EQ(line.find(t), std::string::npos) << line;
  }
  for (const StateRec& e : rec.states) {
    for (const std::string& t : issued) EXPECT_EQ(e.detail.find(t), std::string::npos) << e.detail;
  }
}

TEST(WsUpgrade, PlainHttpUpgradeProbesGetKuCoinShapedRefusals) {
  mock::MockServerConfig cfg;
  WsHarness h(false, cfg);
  net::HttpClientOptions ho;
  ho.base_url = h.server().url();
  net::HttpClient http(h.base->io, ho);
  auto probe = [&](std::string target) {
    net::HttpRequest req;
    req.target = std::move(target);
    req.headers = {{"Connection", "Upgrade"},
                   {"Upgrade", "websocket"},
                   {"Sec-WebSocket-Version", "13"},
                   {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
    std::optional<net::HttpResult> out;
    http.async_request(req, [&](net::HttpResult r) { out.emplace(std::move(r)); });
    EXPECT_TRUE(h.run_until([&] { return out.has_value(); }, 5'000ms, "an answer"));
    return out ? std::move(*out) : net::HttpResult(Unexpected{net::TransportError{}});
  };
  auto missing = probe("/endpoint?connectId=x");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_EQ(missing->body, R"({"code":"401000","msg":"token is missing"})");
  auto unknown = probe("/endpoint?token=abc");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);
  auto path = probe("/elsewhere?token=abc");
  ASSERT_TRUE(path);
  EXPECT_EQ(path->status, 404);
  h.server().set_ws_faults({.refuse_upgrade_status = 403, .refuse_upgrade_count = 1});
  auto refused = probe("/endpoint?token=abc");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  auto after = probe("/endpoint?token=abc");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401) << "the refusal fault was used up";
  EXPECT_EQ(h.server().stats().ws_rejected, 5u);
  EXPECT_EQ(h.mock_events.count(mock::WsServerEvent::Kind::rejected), 5u);
}

TEST(WsUrl, ParsesWsAndWssEndpoints) {
  auto a = net::parse_ws_url("wss://ws-api-spot.kucoin.com/?token=t&connectId=c");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->host, "ws-api-spot.kucoin.com");
  EXPECT_EQ(a->port, "443");
  EXPECT_EQ(a->target, "/?token=t&connectId=c");
  auto b = net::parse_ws_url("ws://127.0.0.1:9000/endpoint?token=x#frag");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->tls);
  EXPECT_EQ(b->port, "9000");
  EXPECT_EQ(b->target, "/endpoint?token=x");
  auto c = net::parse_ws_url("wss://[::1]:8443?token=x");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, "8443");
  EXPECT_EQ(c->target, "/?token=x");
  EXPECT_FALSE(net::parse_ws_url("https://x/"));
  EXPECT_FALSE(net::parse_ws_url("ws://:80/"));
  EXPECT_FALSE(net::parse_ws_url("ws://h:8x/"));
  EXPECT_FALSE(net::parse_ws_url("ws://[::1/"));
}

TEST(WsClientApi, RejectsMalformedTopicsAtOnce) {
  WsHarness h(false);
  WsRecorder rec;
  auto client = h.client(h.options(), rec);
  EXPECT_FALSE(client->subscribe("market/level2:BTC-USDT"));
  EXPECT_FALSE(client->subscribe("/market/level2:"));
  EXPECT_FALSE(client->subscribe("/market/level2"));             // symbols required
  EXPECT_FALSE(client->subscribe("/account/balance:BTC-USDT"));  // takes none
  h.stop(*client, rec, 0);
  EXPECT_TRUE(rec.states.empty()) << "nothing was connected";
}

TEST(WsConfig, YamlSetsTheWebSocketSideAndItsFaults) {
  auto c = mock::load_mock_config_yaml(R"(
token_lifetime_ms: 5000
ws: { idle_timeout_ms: 30000, max_symbols_per_request: 50, max_topics_per_connection: 300, pace_per_symbol: 1000 }
ws_faults: { no_pong: true, close_after_frames: 100, refuse_upgrade_status: 503, refuse_upgrade_count: 2, slow_reader_backlog: 500 }
)");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->rest.token_lifetime_ms, 5000);
  EXPECT_FALSE(c->rest.token_valid_for_ms) << "KuCoin's answer declares no validity unless asked";
  auto declared = mock::load_mock_config_yaml("token_valid_for_ms: 600\n");
  ASSERT_TRUE(declared) << declared.error().message;
  EXPECT_EQ(declared->rest.token_valid_for_ms, 600);
  EXPECT_EQ(c->ws.idle_timeout_ms, 30000);
  EXPECT_EQ(c->ws.limits.max_symbols_per_request, 50u);
  EXPECT_EQ(c->ws.limits.max_topics_per_connection, 300u);
  EXPECT_EQ(c->ws.pace_per_symbol, 1000.0);
  // The faults are entries of the one fault plan (fault_plan.hpp); the server sets them on its side.
  const mock::WsFaults wf = c->faults.ws_faults();
  EXPECT_TRUE(wf.no_pong);
  EXPECT_FALSE(wf.no_welcome);
  EXPECT_EQ(wf.close_after_frames, 100);
  EXPECT_EQ(wf.refuse_upgrade_status, 503);
  EXPECT_EQ(wf.refuse_upgrade_count, 2);
  EXPECT_EQ(wf.slow_reader_backlog, 500u);
  EXPECT_FALSE(c->faults.network().shaped());
  auto net = mock::load_mock_config_yaml("network: { latency_ms: 80, jitter_ms: 20, bandwidth_bytes_per_s: 50000 }\n");
  ASSERT_TRUE(net) << net.error().message;
  EXPECT_EQ(net->faults.network().conditions, (mock::NetworkConditions{80, 20, 50'000}));
  EXPECT_EQ(std::dynamic_pointer_cast<mock::LiveMarket>(c->market), nullptr) << "generated by default";
  auto live = mock::load_mock_config_yaml("market: live\nsymbols: [BTC-USDT]\nlevels: 50\n");
  ASSERT_TRUE(live) << live.error().message;
  EXPECT_NE(std::dynamic_pointer_cast<mock::LiveMarket>(live->market), nullptr);
  // The example in mockserver/README.md.
  auto example = mock::load_mock_config_yaml(R"(
market: live                # REST snapshots and WebSocket level2 frames from one truth
token_lifetime_ms: 86400000
ping_interval_ms: 18000     # what the bullet endpoints tell clients
ping_timeout_ms: 10000
ws: { path: /endpoint, idle_timeout_ms: 60000, max_symbols_per_request: 100, max_topics_per_connection: 400, pace_per_symbol: 0 }
ws_faults: { no_welcome: false, no_pong: false, close_after_frames: 0, close_after_ms: 0,
             refuse_upgrade_status: 0, refuse_upgrade_count: -1, slow_reader_backlog: 0 }
)");
  ASSERT_TRUE(example) << example.error().message;
  EXPECT_EQ(example->ws.path, "/endpoint");
  auto bad = mock::load_mock_config_yaml("ws_faults: { no_pongs: true }\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unknown key 'no_pongs' in 'ws_faults'"), std::string::npos)
      << bad.error().message;
}

}  // namespace
}  // namespace kucoin::testing
