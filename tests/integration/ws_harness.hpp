// WebSocket test helpers: a mock with a LiveMarket and short ping settings, a WsClient whose
// callbacks are recorded (copied out of their views), and waiting on the test's io_context with
// a deadline (run_one_for: the wait ends at the next event or after 10 ms, never a sleep).
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness.hpp"
#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/server.hpp"
#include "kucoin/net/rest_client.hpp"
#include "kucoin/net/ws_client.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin::testing {

using namespace std::chrono_literals;

struct StateRec {
  std::size_t connection;
  net::WsState state;
  WsReason reason;
  std::chrono::milliseconds delay;
  std::uint32_t attempt;
  int code;
  std::string detail;
  bool private_token;
  std::chrono::steady_clock::time_point at;
};

struct TopicRec {
  std::size_t connection;
  std::string topic;
  WsTopicStatus status;
  WsReason reason;
  int code;
  std::string detail;
};

struct MessageRec {
  std::size_t connection;
  std::string topic;
  L2Update update;  // decoded in place from the padded view (level2 frames only)
  bool decoded = false;
};

// Records every callback of a WsClient (all on the test's thread: the io_context runs there).
struct WsRecorder {
  std::vector<StateRec> states;
  std::vector<TopicRec> topics;
  std::vector<MessageRec> messages;
  std::vector<net::WsErrorFrameEvent> errors_raw;  // views not kept: only counts and codes are used
  std::vector<int> error_codes;
  std::map<std::string, std::size_t, std::less<>> message_count;  // per topic
  L2Decoder decoder;
  bool keep_messages = true;
  std::function<void(const net::WsMessage&)> also_on_message;
  std::function<void(const StateRec&)> also_on_state;
  std::function<void(const TopicRec&)> also_on_topic;

  WsRecorder() {
    decoder.scales().set("BTC-USDT", SymbolScale{1, 8});
    decoder.scales().set("ETH-USDT", SymbolScale{2, 7});
  }

  net::WsHandlers handlers() {
    net::WsHandlers h;
    h.on_message = [this](const net::WsMessage& m) {
      auto it = message_count.find(m.topic);
      if (it == message_count.end()) it = message_count.emplace(std::string(m.topic), 0).first;
      ++it->second;
      if (keep_messages) {
        MessageRec r{m.connection, std::string(m.topic), {}, false};
        if (m.topic.starts_with("/market/level2:"))
          r.decoded = static_cast<bool>(decoder.decode_update_padded(m.text, r.update));
        messages.push_back(std::move(r));
      }
      if (also_on_message) also_on_message(m);
    };
    h.on_state = [this](const net::WsStateEvent& e) {
      states.push_back({e.connection, e.state, e.reason, e.delay, e.attempt, e.code, std::string(e.detail),
                        e.private_token, std::chrono::steady_clock::now()});
      if (also_on_state) also_on_state(states.back());
    };
    h.on_topic = [this](const net::WsTopicEvent& e) {
      topics.push_back({e.connection, std::string(e.topic), e.status, e.reason, e.code, std::string(e.detail)});
      if (also_on_topic) also_on_topic(topics.back());
    };
    h.on_error = [this](const net::WsErrorFrameEvent& e) { error_codes.push_back(e.code); };
    return h;
  }

  std::size_t count_state(net::WsState s, std::optional<WsReason> r = std::nullopt,
                          std::optional<std::size_t> conn = {}) const {
    std::size_t n = 0;
    for (const auto& e : states) n += e.state == s && (!r || e.reason == *r) && (!conn || e.connection == *conn);
    return n;
  }
  std::size_t count_topic(std::string_view topic, WsTopicStatus st, std::optional<WsReason> r = std::nullopt) const {
    std::size_t n = 0;
    for (const auto& e : topics) n += e.topic == topic && e.status == st && (!r || e.reason == *r);
    return n;
  }
  std::size_t messages_for(const std::string& topic) const {
    auto it = message_count.find(topic);
    return it == message_count.end() ? 0 : it->second;
  }
  std::string describe_states() const {
    std::string out;
    for (const auto& e : states) {
      out += "  [" + std::to_string(e.connection) + "] " + std::string(net::to_string(e.state)) + " " +
             std::string(to_string(e.reason)) + " delay=" + std::to_string(e.delay.count()) +
             " attempt=" + std::to_string(e.attempt) + " code=" + std::to_string(e.code) + " " + e.detail + "\n";
    }
    return out;
  }
};

// Mock-side events, collected from the mock's threads.
struct MockEvents {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<mock::WsServerEvent> events;
  void add(const mock::WsServerEvent& e) {
    {
      std::lock_guard lock(mu);
      events.push_back(e);
    }
    cv.notify_all();
  }
  std::size_t count(mock::WsServerEvent::Kind k) {
    std::lock_guard lock(mu);
    std::size_t n = 0;
    for (const auto& e : events) n += e.kind == k;
    return n;
  }
  std::vector<mock::WsServerEvent> all() {
    std::lock_guard lock(mu);
    return events;
  }
  // Waits (condition variable, not a sleep) until `pred` holds or the deadline passes.
  bool wait_for(std::function<bool(const std::vector<mock::WsServerEvent>&)> pred, std::chrono::milliseconds deadline) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, deadline, [&] { return pred(events); });
  }
};

inline mock::LiveMarketConfig live_config(std::vector<mock::StreamFault> faults = {}) {
  mock::LiveMarketConfig c;
  c.symbols = {"BTC-USDT", "ETH-USDT"};
  c.levels_per_side = 100;
  c.faults = std::move(faults);
  return c;
}

struct WsHarness {
  // A mock (plain or TLS) with a LiveMarket, pings every 20 ms with a 2 s pong timeout (generous:
  // a loaded CI machine must not turn a late pong into a reconnect that a test did not ask for;
  // the ping-timeout test sets its own).
  explicit WsHarness(bool tls, mock::MockServerConfig cfg = {}, mock::LiveMarketConfig market = live_config()) {
    if (!cfg.market) {
      live = std::make_shared<mock::LiveMarket>(std::move(market));
      cfg.market = live;
    }
    if (cfg.rest.ping_interval_ms == 18'000) cfg.rest.ping_interval_ms = 20;
    if (cfg.rest.ping_timeout_ms == 10'000) cfg.rest.ping_timeout_ms = 2'000;
    cfg.ws_observer = [this](const mock::WsServerEvent& e) { mock_events.add(e); };
    base = std::make_unique<Harness>(tls, std::move(cfg));
    rest = std::make_unique<net::RestClient>(base->io, base->options());
  }

  net::WsClientOptions options() const {
    net::WsClientOptions o;
    o.connect_id_prefix = "test";
    o.backoff = BackoffConfig{1ms, 2.0, 20ms, Jitter::full};
    o.welcome_timeout = 2'000ms;
    o.ack_timeout = 2'000ms;
    o.connect_timeout = 2'000ms;
    o.log = [this](LogLevel, std::string_view l) { base->logs.add(l); };
    return o;
  }

  std::unique_ptr<net::WsClient> client(net::WsClientOptions o, WsRecorder& rec) {
    return std::make_unique<net::WsClient>(base->io, *rest, std::move(o), rec.handlers());
  }

  // Runs the io_context until `pred` holds; false (and a test failure) after the deadline.
  bool run_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline = 10'000ms,
                 const char* what = "the condition") {
    base->io.restart();
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!pred()) {
      if (std::chrono::steady_clock::now() >= until) {
        ADD_FAILURE() << what << " did not happen within " << deadline.count() << " ms";
        return false;
      }
      base->io.run_one_for(10ms);
    }
    return true;
  }

  // stop(), then run until every connection reported `stopped`.
  void stop(net::WsClient& c, WsRecorder& rec, std::size_t connections) {
    c.stop();
    run_until([&] { return rec.count_state(net::WsState::stopped) >= connections; }, 5'000ms, "stopped");
  }

  mock::MockServer& server() { return *base->server; }

  std::shared_ptr<mock::LiveMarket> live;
  MockEvents mock_events;
  std::unique_ptr<Harness> base;
  std::unique_ptr<net::RestClient> rest;
};

}  // namespace kucoin::testing
