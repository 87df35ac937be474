// The client's WebSocket session machine without sockets, on a fake clock: the welcome, pings and
// pongs, requests and acks, error frames, every timeout (welcome, pong, ack, rotation, drain),
// make-before-break rotation (standby, hand-over, drain, promote) and how a session ends.
#include "kucoin/protocol/ws_client_session.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kucoin/protocol/l2_codec.hpp"  // kJsonPadding

namespace kucoin {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

constexpr std::string_view kWelcome = R"({"id":"c-1","type":"welcome"})";

std::string data_frame(std::string_view topic, int n = 0) {
  return R"({"type":"message","topic":")" + std::string(topic) + R"(","subject":"trade.l2update","data":{"n":)" +
         std::to_string(n) + "}}";
}

// A fake clock and a session on it, with helpers that feed frames and collect the output.
struct Fixture {
  WsTime t0 = WsTime{} + std::chrono::hours(1);
  WsTime now = t0;
  WsSessionConfig config;
  WsSessionSetup setup;
  std::optional<WsClientSession> s;
  WsSessionOutput out;  // everything taken so far, appended

  Fixture() {
    config.welcome_timeout = 1'000ms;
    config.ack_timeout = 500ms;
    config.rotation_timeout = 2'000ms;
    setup.connect_id = "c-1";
    setup.ping_interval = 100ms;
    setup.ping_timeout = 50ms;
    setup.token_time = t0;
  }

  WsClientSession& start() {
    s.emplace(config, setup, now);
    return *s;
  }
  void take() {
    WsSessionOutput o = s->take_output();
    for (auto& f : o.send) out.send.push_back(std::move(f));
    for (auto& e : o.events) out.events.push_back(std::move(e));
    for (auto& d : o.deliver) out.deliver.push_back(std::move(d));
    if (o.end) out.end = o.end;
    out.pings += o.pings;
    out.pongs += o.pongs;
    out.bad_frames += o.bad_frames;
  }
  // Feeds a frame; true when it is a data message to deliver now.
  bool frame(std::string_view text, WsInbound* in = nullptr) {
    WsInbound dummy;
    const bool r = s->on_frame(text, now, in != nullptr ? *in : dummy);
    take();
    return r;
  }
  void advance(milliseconds d) {
    now += d;
    s->on_tick(now);
    take();
  }
  // Ticks at the session's own deadline.
  void tick_at_deadline() {
    now = s->next_deadline();
    s->on_tick(now);
    take();
  }
  WsClientSession& live(std::vector<DataTopic> topics = {}) {
    start();
    EXPECT_FALSE(frame(kWelcome));
    s->subscribe(topics, now);
    take();
    return *s;
  }
  template <class E>
  std::vector<E> events() const {
    std::vector<E> v;
    for (const auto& e : out.events) {
      if (const auto* x = std::get_if<E>(&e)) v.push_back(*x);
    }
    return v;
  }
  std::vector<WsTopicsChanged> topic_events(WsTopicStatus st) const {
    std::vector<WsTopicsChanged> v;
    for (const auto& e : events<WsTopicsChanged>()) {
      if (e.status == st) v.push_back(e);
    }
    return v;
  }
  // The id of the last frame sent of this type ("ping", "subscribe", "unsubscribe").
  std::string last_id(std::string_view type) const {
    for (auto it = out.send.rbegin(); it != out.send.rend(); ++it) {
      if (it->find("\"type\":\"" + std::string(type) + "\"") == std::string::npos) continue;
      const auto at = it->find("\"id\":\"") + 6;
      return it->substr(at, it->find('"', at) - at);
    }
    return {};
  }
};

std::vector<DataTopic> level2(std::initializer_list<const char*> syms) {
  std::vector<DataTopic> v;
  for (const char* s : syms) v.emplace_back("/market/level2", s);
  return v;
}

std::string ack(const std::string& id) { return R"({"id":")" + id + R"(","type":"ack"})"; }
std::string pong(const std::string& id) { return R"({"id":")" + id + R"(","type":"pong"})"; }

// ---------------------------------------------------------------- the welcome

TEST(WsClientSession, WelcomeMakesItLiveAndSchedulesThePing) {
  Fixture f;
  auto& s = f.start();
  EXPECT_EQ(s.state(), WsSessionState::awaiting_welcome);
  EXPECT_FALSE(s.is_live());
  EXPECT_EQ(s.next_deadline(), f.t0 + 1'000ms) << "the welcome is due within welcome_timeout";
  f.now += 10ms;
  EXPECT_FALSE(f.frame(kWelcome));
  EXPECT_EQ(s.state(), WsSessionState::live);
  EXPECT_EQ(f.events<WsWentLive>().size(), 1u);
  EXPECT_EQ(s.next_deadline(), f.t0 + 110ms) << "the first ping one pingInterval after the welcome";
  EXPECT_TRUE(f.out.send.empty()) << "nothing is sent before the application's topics";
}

TEST(WsClientSession, WelcomeTimeout) {
  Fixture f;
  f.start();
  f.advance(999ms);
  EXPECT_FALSE(f.out.end);
  f.advance(1ms);
  ASSERT_TRUE(f.out.end);
  EXPECT_EQ(f.out.end->reason, WsReason::welcome_timeout);
  EXPECT_EQ(f.out.end->detail, "no welcome within 1000 ms of the upgrade");
  EXPECT_FALSE(f.out.end->graceful) << "never live: the transport is cut";
  EXPECT_EQ(f.s->next_deadline(), WsTime::max());
  EXPECT_FALSE(f.s->finish(f.now)) << "never live";
  EXPECT_TRUE(f.s->output().events.empty()) << "no topic was requested, none is lost";
}

TEST(WsClientSession, AnErrorFrameOrAnythingElseInsteadOfTheWelcome) {
  {
    Fixture f;
    f.start();
    f.frame(R"({"type":"error","code":401,"data":"token is expired"})");
    ASSERT_TRUE(f.out.end);
    EXPECT_EQ(f.out.end->reason, WsReason::token_expired);
    EXPECT_EQ(f.out.end->code, 401);
    ASSERT_EQ(f.events<WsErrorFrameSeen>().size(), 1u);
    EXPECT_EQ(f.events<WsErrorFrameSeen>()[0].data, "token is expired");
  }
  {
    Fixture f;
    f.start();
    f.frame(R"({"id":"x","type":"error","code":509,"data":"busy"})");
    ASSERT_TRUE(f.out.end);
    EXPECT_EQ(f.out.end->reason, WsReason::error_frame);
    EXPECT_EQ(f.out.end->detail, "error frame instead of welcome: 509 busy");
  }
  for (const std::string& first : {data_frame("/market/level2:BTC-USDT"), std::string(R"({"id":"1","type":"pong"})")}) {
    Fixture f;
    f.start();
    EXPECT_FALSE(f.frame(first)) << "not delivered before the welcome";
    ASSERT_TRUE(f.out.end);
    EXPECT_EQ(f.out.end->reason, WsReason::protocol_error);
    EXPECT_EQ(f.out.end->detail, "first frame is not a welcome");
  }
  Fixture f;
  f.start();
  f.frame("not json");
  ASSERT_TRUE(f.out.end);
  EXPECT_EQ(f.out.end->reason, WsReason::protocol_error);
  EXPECT_EQ(f.out.end->detail.rfind("first frame is not JSON", 0), 0u) << f.out.end->detail;
}

TEST(WsClientSession, AWelcomeWithAnotherIdIsLoggedNotRefused) {
  Fixture f;
  f.start();
  f.frame(R"({"id":"someone-else","type":"welcome"})");
  EXPECT_TRUE(f.s->is_live());
  ASSERT_EQ(f.events<WsLogLine>().size(), 1u);
  EXPECT_EQ(f.events<WsLogLine>()[0].level, LogLevel::warn);
}

// ---------------------------------------------------------------- pings

TEST(WsClientSession, PingEveryIntervalAndThePongWithinTheTimeout) {
  Fixture f;
  auto& s = f.live();
  f.tick_at_deadline();  // t0 + 100 ms: the first ping
  ASSERT_EQ(f.out.send.size(), 1u);
  EXPECT_EQ(f.out.pings, 1u);
  const std::string id = f.last_id("ping");
  EXPECT_EQ(f.out.send[0], R"({"id":")" + id + R"(","type":"ping"})");
  EXPECT_EQ(s.next_deadline(), f.t0 + 150ms) << "its pong is due within pingTimeout, not pingInterval";
  f.now += 20ms;
  f.frame(pong(id));
  EXPECT_EQ(f.out.pongs, 1u);
  EXPECT_EQ(s.next_deadline(), f.t0 + 200ms) << "no pong pending: the next ping";
  f.tick_at_deadline();
  EXPECT_EQ(f.out.pings, 2u);
  f.advance(49ms);
  EXPECT_FALSE(f.out.end);
  f.advance(1ms);
  ASSERT_TRUE(f.out.end);
  EXPECT_EQ(f.out.end->reason, WsReason::ping_timeout);
  EXPECT_EQ(f.out.end->detail, "no pong for ping " + f.last_id("ping") + " within 50 ms");
}

TEST(WsClientSession, APongVouchesForEarlierPingsAndUnknownPongsAreIgnored) {
  Fixture f;
  f.setup.ping_timeout = 250ms;
  auto& s = f.live();
  f.tick_at_deadline();
  const std::string first = f.last_id("ping");
  f.tick_at_deadline();
  const std::string second = f.last_id("ping");
  ASSERT_NE(first, second);
  f.frame(pong("999"));  // not ours
  f.frame(pong(second));
  EXPECT_EQ(s.next_deadline(), f.now + 100ms) << "both pings answered";
  f.frame(pong(first));  // already vouched for
  EXPECT_EQ(f.out.pongs, 3u);
  EXPECT_FALSE(f.out.end);
}

// ---------------------------------------------------------------- requests

TEST(WsClientSession, SubscribeGroupsSymbolsAndAcksReportTheDataTopics) {
  Fixture f;
  f.config.max_symbols_per_request = 2;
  auto& s = f.live(level2({"A-USDT", "B-USDT", "C-USDT"}));
  ASSERT_EQ(f.out.send.size(), 2u);
  EXPECT_NE(f.out.send[0].find(
                R"("type":"subscribe","topic":"/market/level2:A-USDT,B-USDT","privateChannel":false,"response":true)"),
            std::string::npos)
      << f.out.send[0];
  EXPECT_NE(f.out.send[1].find(R"("topic":"/market/level2:C-USDT")"), std::string::npos) << f.out.send[1];
  EXPECT_EQ(s.next_deadline(), f.t0 + 100ms) << "the ping before the acks (500 ms)";
  const std::string id0 = f.out.send[0].substr(7, f.out.send[0].find('"', 7) - 7);
  f.frame(ack(id0));
  auto subscribed = f.topic_events(WsTopicStatus::subscribed);
  ASSERT_EQ(subscribed.size(), 1u);
  EXPECT_EQ(subscribed[0].topics, level2({"A-USDT", "B-USDT"}));
  f.frame(ack("nobody"));
  EXPECT_EQ(f.topic_events(WsTopicStatus::subscribed).size(), 1u) << "an ack for an unknown id changes nothing";
}

TEST(WsClientSession, AckTimeout) {
  Fixture f;
  f.setup.ping_interval = 10'000ms;
  auto& s = f.live(level2({"A-USDT"}));
  EXPECT_EQ(s.next_deadline(), f.t0 + 500ms);
  f.tick_at_deadline();
  ASSERT_TRUE(f.out.end);
  EXPECT_EQ(f.out.end->reason, WsReason::ack_timeout);
  EXPECT_EQ(f.out.end->detail, "no ack for subscribe /market/level2:A-USDT within 500 ms");
  EXPECT_FALSE(f.out.end->graceful);
}

TEST(WsClientSession, AnErrorFrameRejectsItsRequestAnd401EndsTheSession) {
  Fixture f;
  f.live(level2({"A-USDT"}));
  const std::string id = f.last_id("subscribe");
  f.frame(R"({"id":")" + id + R"(","type":"error","code":404,"data":"topic /market/level2:A-USDT is not found"})");
  auto rejected = f.topic_events(WsTopicStatus::rejected);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].code, 404);
  EXPECT_EQ(rejected[0].reason, WsReason::error_frame);
  EXPECT_EQ(rejected[0].detail, "topic /market/level2:A-USDT is not found");
  ASSERT_EQ(f.events<WsErrorFrameSeen>().size(), 1u);
  EXPECT_EQ(f.events<WsErrorFrameSeen>()[0].request_topic, "/market/level2:A-USDT");
  EXPECT_FALSE(f.out.end);
  f.frame(R"({"type":"error","code":401,"data":"token is expired"})");
  ASSERT_TRUE(f.out.end);
  EXPECT_EQ(f.out.end->reason, WsReason::token_expired);
  EXPECT_EQ(f.out.end->code, 401);
}

TEST(WsClientSession, DataFramesAreDeliveredWithTheirChannelAndSymbolAlsoAfterTheEnd) {
  Fixture f;
  f.live(level2({"BTC-USDT"}));
  const std::string frame = data_frame("/market/level2:BTC-USDT", 7);
  WsInbound in;
  EXPECT_TRUE(f.frame(frame, &in));
  EXPECT_EQ(in.topic, "/market/level2:BTC-USDT");
  EXPECT_EQ(in.channel, "/market/level2");
  EXPECT_EQ(in.symbol, "BTC-USDT");
  EXPECT_TRUE(f.out.send.size() == 1u && f.out.events.size() == 1u) << "the hot path writes no output";
  f.s->end(WsReason::stopped, "stopped", 0, true);
  f.take();
  ASSERT_TRUE(f.out.end);
  EXPECT_TRUE(f.out.end->graceful);
  EXPECT_TRUE(f.frame(frame)) << "frames read until the transport closes are delivered";
  f.frame("{nonsense");
  EXPECT_EQ(f.out.bad_frames, 1u);
}

TEST(WsClientSession, FinishReportsLostTopicsAndPendingUnsubscribes) {
  Fixture f;
  f.setup.ping_interval = 10'000ms;
  auto& s = f.live(level2({"A-USDT", "B-USDT"}));
  f.frame(ack(f.last_id("subscribe")));
  f.now += 40ms;
  s.unsubscribe(level2({"B-USDT"}), f.now);
  f.take();
  f.now += 60ms;
  s.end(WsReason::closed_by_server, "the server closed the connection", 0, false);
  const auto live_for = s.finish(f.now);
  f.take();
  ASSERT_TRUE(live_for);
  EXPECT_EQ(*live_for, 100ms);
  auto lost = f.topic_events(WsTopicStatus::lost);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].reason, WsReason::closed_by_server);
  EXPECT_EQ(lost[0].detail, "the server closed the connection");
  EXPECT_EQ(lost[0].topics, level2({"A-USDT", "B-USDT"})) << "every topic requested here, acked or not";
  auto unsub = f.topic_events(WsTopicStatus::unsubscribed);
  ASSERT_EQ(unsub.size(), 1u);
  EXPECT_EQ(unsub[0].detail, "connection ended");
  EXPECT_EQ(unsub[0].topics, level2({"B-USDT"}));
}

// ---------------------------------------------------------------- rotation

TEST(WsClientSession, RotationAsksForAFreshConnectionThenTimesOut) {
  Fixture f;
  f.setup.ping_interval = 10'000ms;
  f.setup.rotate_after = 300ms;
  auto& s = f.live(level2({"A-USDT"}));
  f.frame(ack(f.last_id("subscribe")));
  EXPECT_EQ(s.next_deadline(), f.t0 + 300ms) << "the token is due";
  f.tick_at_deadline();
  EXPECT_EQ(s.state(), WsSessionState::rotating);
  EXPECT_EQ(f.events<WsStandbyWanted>().size(), 1u);
  EXPECT_EQ(s.next_deadline(), f.t0 + 2'300ms) << "the fresh connection is due within rotation_timeout";
  f.tick_at_deadline();
  ASSERT_TRUE(f.out.end);
  EXPECT_EQ(f.out.end->reason, WsReason::token_rotation);
  EXPECT_TRUE(f.out.end->graceful);
  EXPECT_EQ(f.out.end->detail, "no fresh connection ready within 2000 ms (the token is 300 ms old)");
  EXPECT_EQ(f.events<WsStandbyWanted>().size(), 1u) << "asked once";
}

TEST(WsClientSession, BreakBeforeMakeEndsAtOnceWhenTheTokenIsDue) {
  Fixture f;
  f.config.make_before_break = false;
  f.setup.ping_interval = 10'000ms;
  f.setup.rotate_after = 300ms;
  f.live();
  f.tick_at_deadline();
  ASSERT_TRUE(f.out.end);
  EXPECT_EQ(f.out.end->reason, WsReason::token_rotation);
  EXPECT_EQ(f.out.end->detail, "the token is 300 ms old");
  EXPECT_TRUE(f.events<WsStandbyWanted>().empty());
}

TEST(WsClientSession, HandOverDrainsAndLosesNothing) {
  Fixture f;
  f.setup.ping_interval = 10'000ms;
  f.setup.rotate_after = 300ms;
  auto& s = f.live(level2({"A-USDT", "B-USDT"}));
  f.frame(ack(f.last_id("subscribe")));
  f.tick_at_deadline();  // rotating
  f.now += 50ms;
  s.hand_over_after(100ms, f.now);  // the fresh connection is ready
  f.take();
  EXPECT_EQ(s.state(), WsSessionState::handing_over);
  EXPECT_EQ(s.next_deadline(), f.now + 100ms);
  EXPECT_TRUE(f.frame(data_frame("/market/level2:A-USDT"))) << "still delivering during the overlap";
  const std::size_t sent = f.out.send.size();
  f.tick_at_deadline();
  EXPECT_EQ(s.state(), WsSessionState::draining);
  ASSERT_EQ(f.out.send.size(), sent + 1);
  EXPECT_NE(f.out.send.back().find(R"("type":"unsubscribe","topic":"/market/level2:A-USDT,B-USDT")"),
            std::string::npos);
  EXPECT_EQ(s.next_deadline(), f.now + 500ms) << "the drain is due within ack_timeout";
  EXPECT_TRUE(f.frame(data_frame("/market/level2:B-USDT"))) << "frames before the unsubscribe's ack are delivered";
  f.frame(ack(f.last_id("unsubscribe")));
  ASSERT_TRUE(f.out.end);
  EXPECT_EQ(f.out.end->reason, WsReason::token_rotation);
  EXPECT_TRUE(f.out.end->graceful);
  EXPECT_EQ(f.out.end->detail,
            "handed over to a fresh connection (every topic unsubscribed here; the token is 300 ms old)");
  s.finish(f.now);
  f.take();
  EXPECT_TRUE(f.topic_events(WsTopicStatus::lost).empty()) << "handed over: nothing is lost";
  EXPECT_TRUE(f.topic_events(WsTopicStatus::unsubscribed).empty()) << "the drain reports no topic";
}

TEST(WsClientSession, DrainTimeout) {
  Fixture f;
  f.setup.ping_interval = 10'000ms;
  auto& s = f.live(level2({"A-USDT"}));
  f.frame(ack(f.last_id("subscribe")));
  s.hand_over_after(0ms, f.now);
  f.tick_at_deadline();
  EXPECT_EQ(s.state(), WsSessionState::draining);
  f.advance(499ms);
  EXPECT_FALSE(f.out.end) << "the unsubscribe's ack deadline is the drain's, not an ack timeout";
  f.advance(1ms);
  ASSERT_TRUE(f.out.end);
  EXPECT_EQ(f.out.end->reason, WsReason::token_rotation);
  EXPECT_EQ(f.out.end->detail,
            "handed over to a fresh connection (the unsubscribe was not acked within 500 ms; the token is 0 ms old)");
}

TEST(WsClientSession, ARotationThatFailsLosesTheTopics) {
  Fixture f;
  f.setup.ping_interval = 10'000ms;
  auto& s = f.live(level2({"A-USDT"}));
  f.frame(ack(f.last_id("subscribe")));
  s.rotation_failed("connect_failed: refused");
  f.take();
  ASSERT_TRUE(f.out.end);
  EXPECT_EQ(f.out.end->detail, "the fresh connection for the rotation failed (connect_failed: refused); reconnecting");
  s.finish(f.now);
  f.take();
  EXPECT_EQ(f.topic_events(WsTopicStatus::lost).size(), 1u);
}

TEST(WsClientSession, AStandbyHoldsItsFramesUntilPromoted) {
  Fixture f;
  f.setup.standby = true;
  f.setup.ping_interval = 10'000ms;
  f.setup.rotate_after = 300ms;
  auto& s = f.live(level2({"A-USDT", "B-USDT"}));
  EXPECT_EQ(s.state(), WsSessionState::standby);
  EXPECT_TRUE(s.is_standby());
  EXPECT_FALSE(s.ready_for_handover());
  EXPECT_EQ(s.next_deadline(), f.t0 + 500ms) << "a standby does not rotate itself";
  f.now += 5ms;
  EXPECT_FALSE(f.frame(data_frame("/market/level2:A-USDT", 1)));
  f.now += 5ms;
  EXPECT_FALSE(f.frame(data_frame("/market/level2:B-USDT", 2)));
  f.frame(ack(f.last_id("subscribe")));
  EXPECT_TRUE(f.topic_events(WsTopicStatus::subscribed).empty()) << "the old connection reports its topics";
  EXPECT_EQ(f.events<WsStandbyReady>().size(), 1u);
  EXPECT_TRUE(s.ready_for_handover());
  f.now = f.t0 + 400ms;  // its own token is due by now
  s.promote(f.now);
  f.take();
  EXPECT_EQ(s.state(), WsSessionState::live);
  ASSERT_EQ(f.out.deliver.size(), 2u);
  EXPECT_EQ(f.out.deliver[0].topic, "/market/level2:A-USDT");
  EXPECT_EQ(f.out.deliver[0].received, f.t0 + 5ms);
  EXPECT_EQ(std::string_view(f.out.deliver[1].text.data(), f.out.deliver[1].size),
            data_frame("/market/level2:B-USDT", 2));
  EXPECT_EQ(f.out.deliver[1].text.size(), f.out.deliver[1].size + kJsonPadding)
      << "held frames stay parseable in place";
  EXPECT_LE(s.next_deadline(), f.now) << "once promoted it rotates at once";
  f.advance(0ms);
  EXPECT_EQ(s.state(), WsSessionState::rotating);
}

TEST(WsClientSession, AStandbyWithNothingToSubscribeIsReadyAtOnce) {
  Fixture f;
  f.setup.standby = true;
  f.live();
  EXPECT_EQ(f.events<WsStandbyReady>().size(), 1u);
  EXPECT_TRUE(f.s->ready_for_handover());
}

TEST(WsClientSession, AStandbyThatHoldsTooMuchOrIsRefusedEnds) {
  {
    Fixture f;
    f.setup.standby = true;
    f.config.rotation_buffer_bytes = 1'000;
    f.live(level2({"A-USDT"}));
    for (int i = 0; i < 20 && !f.out.end; ++i) f.frame(data_frame("/market/level2:A-USDT", i));
    ASSERT_TRUE(f.out.end);
    EXPECT_EQ(f.out.end->reason, WsReason::token_rotation);
    EXPECT_FALSE(f.out.end->graceful);
    EXPECT_EQ(f.out.end->detail,
              "the fresh connection held more than 1000 bytes while the old one was still delivering");
    EXPECT_FALSE(f.frame(data_frame("/market/level2:A-USDT"))) << "an ended standby delivers nothing";
    f.s->finish(f.now);
    f.take();
    EXPECT_TRUE(f.topic_events(WsTopicStatus::lost).empty()) << "a standby never reports its topics lost";
  }
  Fixture f;
  f.setup.standby = true;
  f.live(level2({"A-USDT"}));
  f.frame(R"({"id":")" + f.last_id("subscribe") + R"(","type":"error","code":509,"data":"too many"})");
  ASSERT_TRUE(f.out.end);
  EXPECT_EQ(f.out.end->reason, WsReason::error_frame);
  EXPECT_EQ(f.out.end->detail, "the fresh connection's request /market/level2:A-USDT was refused: 509 too many");
}

TEST(WsClientSession, RequestsAreIgnoredUntilLiveAndAfterTheEnd) {
  Fixture f;
  auto& s = f.start();
  s.subscribe(level2({"A-USDT"}), f.now);
  f.take();
  EXPECT_TRUE(f.out.send.empty());
  f.frame(kWelcome);
  s.end(WsReason::paused, "paused", 0, true);
  s.subscribe(level2({"A-USDT"}), f.now);
  f.take();
  EXPECT_TRUE(f.out.send.empty());
  ASSERT_TRUE(f.out.end);
  EXPECT_EQ(f.out.end->reason, WsReason::paused);
  s.end(WsReason::stopped, "stopped", 0, true);
  f.take();
  EXPECT_EQ(f.out.end->reason, WsReason::paused) << "the first ending counts";
}

// ---------------------------------------------------------------- conditions

TEST(WsReasonConditions, RetryableConfigurationAndResync) {
  EXPECT_TRUE(is_retryable(WsReason::ping_timeout));
  EXPECT_TRUE(is_retryable(WsReason::token_expired));
  EXPECT_TRUE(is_retryable(WsReason::token_failed));
  EXPECT_FALSE(is_retryable(WsReason::auth_error));
  EXPECT_FALSE(is_retryable(WsReason::stopped));
  EXPECT_TRUE(is_configuration_error(WsReason::auth_error));
  EXPECT_FALSE(is_configuration_error(WsReason::connect_failed));
  EXPECT_TRUE(needs_resync(WsReason::closed_by_server));
  EXPECT_TRUE(needs_resync(WsReason::paused));
  EXPECT_FALSE(needs_resync(WsReason::unsubscribed));
  EXPECT_FALSE(needs_resync(WsReason::none));
}

}  // namespace
}  // namespace kucoin
