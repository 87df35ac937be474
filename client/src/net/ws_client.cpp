// The client's WebSocket translation unit (Boost.Beast websocket). Structure:
//   WsClient::Impl  one strand for everything; connection slots; topic placement; callbacks.
//   Slot            one logical connection: its topics, backoff, state; slot_loop() reconnects it.
//   Conn<WS>        one connection attempt (plain or TLS): connect, upgrade, welcome, then three
//                   coroutines on the strand: read loop, writer (one write in flight), watchdog
//                   (pings, pong and ack deadlines, token rotation).
#include "kucoin/net/ws_client.hpp"

#include "detail/asio.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "detail/tls.hpp"
#include "kucoin/core/reconnect.hpp"
#include "kucoin/net/random_seed.hpp"
#include "kucoin/protocol/l2_codec.hpp"  // kJsonPadding
#include "kucoin/protocol/ws_codec.hpp"
#include "kucoin/protocol/ws_peek.hpp"
#include "kucoin/protocol/ws_url.hpp"

namespace kucoin::net {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// A data topic's subscribe requests: same-channel symbols merged (in order), chunked.
struct Request {
  std::string topic;                     // "/market/level2:A,B"
  std::vector<std::string> data_topics;  // "/market/level2:A", "/market/level2:B"
};

std::vector<Request> build_requests(std::span<const std::string> data_topics, const PlannerConfig& limits) {
  struct Group {
    std::string channel;
    std::vector<std::string> symbols;
  };
  std::vector<Group> groups;
  std::vector<Request> out;
  for (const std::string& t : data_topics) {
    const TopicView v = split_topic(t);
    if (v.symbols.empty()) {
      out.push_back({t, {t}});
      continue;
    }
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.channel == v.channel; });
    if (it == groups.end()) {
      groups.push_back({std::string(v.channel), {}});
      it = groups.end() - 1;
    }
    it->symbols.emplace_back(v.symbols);
  }
  for (const Group& g : groups) {
    std::size_t per = std::max<std::size_t>(1, limits.max_symbols_per_request);
    if (const ChannelInfo* info = find_channel(g.channel); info != nullptr && info->max_symbols_per_topic > 0) {
      per = std::min(per, info->max_symbols_per_topic);
    }
    for (std::size_t k = 0; k < g.symbols.size(); k += per) {
      const auto chunk = std::span<const std::string>(g.symbols).subspan(k, std::min(per, g.symbols.size() - k));
      Request r;
      r.topic = format_topic(g.channel, chunk);
      for (const std::string& sym : chunk) r.data_topics.push_back(g.channel + ":" + sym);
      out.push_back(std::move(r));
    }
  }
  return out;
}

bool channel_is_private(std::string_view topic) {
  const ChannelInfo* info = find_channel(split_topic(topic).channel);
  return info != nullptr && info->is_private;
}

std::string random_prefix() {
  const std::uint64_t v = random_seed();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v & 0xffffffffffULL, 36);
  return "kh" + std::string(buf, r.ptr);
}

}  // namespace

// ---- names ----

std::string_view to_string(WsState s) noexcept {
  switch (s) {
    case WsState::connecting: return "connecting";
    case WsState::live: return "live";
    case WsState::reconnecting: return "reconnecting";
    case WsState::paused: return "paused";
    case WsState::stopped: return "stopped";
    case WsState::failed: return "failed";
  }
  return "unknown";
}

std::string_view to_string(WsReason r) noexcept {
  switch (r) {
    case WsReason::none: return "none";
    case WsReason::token_failed: return "token_failed";
    case WsReason::auth_error: return "auth_error";
    case WsReason::connect_failed: return "connect_failed";
    case WsReason::upgrade_rejected: return "upgrade_rejected";
    case WsReason::welcome_timeout: return "welcome_timeout";
    case WsReason::protocol_error: return "protocol_error";
    case WsReason::ping_timeout: return "ping_timeout";
    case WsReason::ack_timeout: return "ack_timeout";
    case WsReason::token_expired: return "token_expired";
    case WsReason::error_frame: return "error_frame";
    case WsReason::closed_by_server: return "closed_by_server";
    case WsReason::transport_error: return "transport_error";
    case WsReason::token_rotation: return "token_rotation";
    case WsReason::paused: return "paused";
    case WsReason::stopped: return "stopped";
    case WsReason::unsubscribed: return "unsubscribed";
  }
  return "unknown";
}

std::string_view to_string(WsTopicStatus s) noexcept {
  switch (s) {
    case WsTopicStatus::subscribed: return "subscribed";
    case WsTopicStatus::lost: return "lost";
    case WsTopicStatus::rejected: return "rejected";
    case WsTopicStatus::unsubscribed: return "unsubscribed";
    case WsTopicStatus::failed: return "failed";
  }
  return "unknown";
}

Result<Url> parse_ws_url(std::string_view url) { return parse_url(url, UrlScheme::websocket); }

// ---- implementation ----

namespace {

struct Outcome {
  Outcome() = default;
  Outcome(WsReason r, std::string d, int c) : reason(r), detail(std::move(d)), code(c) {}
  WsReason reason = WsReason::none;
  std::string detail;
  int code = 0;
  std::optional<std::chrono::milliseconds> live_for;  // how long the connection was live (never: nullopt)
  std::optional<ApiError> error;                      // token_failed / auth_error: the bullet request's error
};

// The KuCoin code of a bullet failure as a number (400007), else its HTTP status.
int code_of(const ApiError& e) {
  int n = 0;
  const auto r = std::from_chars(e.code.data(), e.code.data() + e.code.size(), n);
  return r.ec == std::errc() && r.ptr == e.code.data() + e.code.size() && !e.code.empty() ? n : e.http_status;
}

// What a slot needs from its current connection.
struct ConnBase {
  virtual ~ConnBase() = default;
  virtual void end(WsReason reason, std::string detail, int code, bool graceful) = 0;
  virtual bool is_live() const = 0;
  virtual void send_requests(bool subscribe, std::span<const std::string> data_topics) = 0;
  // Make-before-break rotation. On the fresh (standby) connection: every subscription acked;
  // promote() makes it the slot's connection and delivers the frames it held. On the old one:
  // close after `overlap` (the frames read until then are still delivered).
  virtual bool ready_for_handover() const = 0;
  virtual void promote() = 0;
  virtual void hand_over_after(std::chrono::milliseconds overlap) = 0;
  virtual void rotation_failed(const std::string& why) = 0;
  bool promoted = false;
  // Set once run() has returned (for a promoted standby, whose run() another coroutine awaits).
  bool done = false;
  Outcome final_outcome;
};

// Raw sockets under the websocket layer (no beast::tcp_stream: the deadlines are our own timers,
// and the per-operation bookkeeping of tcp_stream costs on a 300k messages/s path).
using PlainWs = websocket::stream<tcp::socket>;
using TlsWs = websocket::stream<ssl::stream<tcp::socket>>;

template <class WS>
tcp::socket& raw_socket(WS& ws) {
  if constexpr (std::is_same_v<WS, PlainWs>) {
    return ws.next_layer();
  } else {
    return ws.next_layer().next_layer();
  }
}

}  // namespace

struct WsSlot {
  WsSlot(const asio::any_io_executor& strand, std::size_t i, bool priv, const ReconnectConfig& r, std::uint64_t seed)
      : index(i), private_token(priv), policy(r, Rng(seed + i)), wake(strand) {}

  std::size_t index;
  bool private_token;
  std::vector<std::string> topics;  // data topics assigned, in order
  WsState state = WsState::connecting;
  bool state_reported = false;
  ReconnectPolicy policy;  // the delay before the next attempt
  bool halted = false;     // failed (a configuration error): waiting for resume()
  std::uint64_t attempts = 0;
  asio::steady_timer wake;  // token wait, backoff wait, pause and failed waits
  std::uint64_t token_gen = 0;
  std::optional<Result<BulletToken, ApiError>> token_result;
  std::shared_ptr<ConnBase> conn;
  std::shared_ptr<ConnBase> standby;  // the fresh connection of a make-before-break rotation
  std::optional<asio::steady_timer> standby_done;  // cancelled when a promoted standby's run() returns
};

struct WsClient::Impl : std::enable_shared_from_this<WsClient::Impl> {
  Impl(asio::io_context& io, WsTokenProvider provider, WsClientOptions o, WsHandlers h)
      : strand(o.single_threaded_io ? asio::any_io_executor(io.get_executor())
                                    : asio::any_io_executor(asio::make_strand(io))),
        tokens(std::move(provider)),
        options(std::move(o)),
        handlers(std::move(h)),
        tls_options(options.tls.value_or(TlsOptions{})),
        tls(detail::make_tls_context(tls_options)) {
    seed = seed_or_random(options.seed);
    connect_prefix = options.connect_id_prefix.empty() ? random_prefix() : options.connect_id_prefix;
  }

  // The client's strand, or the io_context's executor itself with options.single_threaded_io.
  asio::any_io_executor strand;
  WsTokenProvider tokens;
  WsClientOptions options;
  WsHandlers handlers;
  TlsOptions tls_options;
  ssl::context tls;
  std::uint64_t seed = 0;  // options.seed, or a random one
  std::string connect_prefix;
  std::vector<std::unique_ptr<WsSlot>> slots;
  std::unordered_map<std::string, std::size_t> topic_slot;  // data topic -> slot
  bool stopped = false;
  bool paused = false;
  std::atomic<bool> callbacks_on{true};
  std::uint64_t next_id = 0;
  WsDecoder decoder;
  struct AtomicStats {
    std::atomic<std::uint64_t> connections_opened{0}, tokens_fetched{0}, reconnects{0}, messages{0}, bytes{0},
        pings_sent{0}, pongs{0}, bad_frames{0};
  } stats;

  // ---- callbacks and logs ----

  void log(LogLevel level, const std::string& line) const {
    if (options.log) options.log(level, line);
  }

  void emit_state(WsSlot& slot, WsState state, WsReason reason, std::chrono::milliseconds delay, std::uint32_t attempt,
                  int code, const std::string& detail, const ApiError* error = nullptr) {
    slot.state = state;
    slot.state_reported = true;
    std::string line = "ws[" + std::to_string(slot.index) + "] " + std::string(to_string(state));
    if (reason != WsReason::none) line += " (" + std::string(to_string(reason)) + ")";
    if (state == WsState::reconnecting) line += " in " + ms_text(delay) + ", attempt " + std::to_string(attempt);
    if (!detail.empty()) line += ": " + detail;
    log(state == WsState::failed ? LogLevel::error : state == WsState::reconnecting ? LogLevel::warn : LogLevel::info,
        line);
    if (!callbacks_on.load(std::memory_order_relaxed) || !handlers.on_state) return;
    WsStateEvent ev;
    ev.connection = slot.index;
    ev.state = state;
    ev.reason = reason;
    ev.delay = delay;
    ev.attempt = attempt;
    ev.code = code;
    ev.detail = detail;
    ev.private_token = slot.private_token;
    ev.topics = slot.topics.size();
    ev.error = error;
    handlers.on_state(ev);
  }

  void emit_topic(std::size_t connection, std::string_view topic, WsTopicStatus status, WsReason reason, int code,
                  std::string_view detail) {
    if (!callbacks_on.load(std::memory_order_relaxed) || !handlers.on_topic) return;
    handlers.on_topic(WsTopicEvent{connection, topic, status, reason, code, detail});
  }

  void deliver(std::size_t connection, std::string_view topic, std::string_view text, Clock::time_point received) {
    stats.messages.fetch_add(1, std::memory_order_relaxed);
    stats.bytes.fetch_add(text.size(), std::memory_order_relaxed);
    if (!callbacks_on.load(std::memory_order_relaxed) || !handlers.on_message) return;
    handlers.on_message(WsMessage{connection, topic, text, received});
  }

  bool assigned_here(const std::string& topic, std::size_t slot) const {
    auto it = topic_slot.find(topic);
    return it != topic_slot.end() && it->second == slot;
  }

  // ---- topics ----

  void add_topics(std::vector<std::pair<std::string, bool>> data) {
    if (stopped) return;
    std::vector<std::vector<std::string>> fresh(slots.size());
    const std::size_t limit = options.limits.max_topics_per_connection;
    for (auto& [topic, priv] : data) {
      if (topic_slot.contains(topic)) continue;
      WsSlot* target = nullptr;
      for (auto& s : slots) {
        if (s->private_token == priv && (limit == 0 || s->topics.size() < limit)) {
          target = s.get();
          break;
        }
      }
      if (target == nullptr) {
        slots.push_back(std::make_unique<WsSlot>(
            strand, slots.size(), priv,
            ReconnectConfig{options.backoff, options.stable_after, options.quick_reconnect_max}, seed));
        target = slots.back().get();
        fresh.emplace_back();
        asio::co_spawn(strand, slot_loop(shared_from_this(), target->index), asio::detached);
      }
      target->topics.push_back(topic);
      topic_slot.emplace(topic, target->index);
      fresh[target->index].push_back(topic);
    }
    for (std::size_t i = 0; i < fresh.size(); ++i) {
      if (fresh[i].empty()) continue;
      WsSlot& s = *slots[i];
      if (s.conn && s.conn->is_live()) s.conn->send_requests(true, fresh[i]);
      if (s.standby && s.standby->is_live()) s.standby->send_requests(true, fresh[i]);
    }
  }

  void remove_topics(std::vector<std::string> data) {
    if (stopped) return;
    std::vector<std::vector<std::string>> gone(slots.size());
    for (const std::string& topic : data) {
      auto it = topic_slot.find(topic);
      if (it == topic_slot.end()) continue;
      WsSlot& s = *slots[it->second];
      std::erase(s.topics, topic);
      gone[s.index].push_back(topic);
      topic_slot.erase(it);
    }
    for (std::size_t i = 0; i < gone.size(); ++i) {
      if (gone[i].empty()) continue;
      WsSlot& s = *slots[i];
      if (s.standby && s.standby->is_live()) s.standby->send_requests(false, gone[i]);
      if (s.conn && s.conn->is_live()) {
        s.conn->send_requests(false, gone[i]);
      } else {
        for (const std::string& t : gone[i]) emit_topic(i, t, WsTopicStatus::unsubscribed, WsReason::unsubscribed, 0, {});
      }
    }
  }

  // ---- control ----

  void do_stop() {
    if (stopped) return;
    stopped = true;
    for (auto& s : slots) {
      s->wake.cancel();
      if (s->standby) s->standby->end(WsReason::stopped, "stopped", 0, false);
      if (s->conn) s->conn->end(WsReason::stopped, "stopped", 0, true);
    }
  }

  void do_pause() {
    if (stopped || paused) return;
    paused = true;
    for (auto& s : slots) {
      s->wake.cancel();
      if (s->standby) s->standby->end(WsReason::paused, "paused", 0, false);
      if (s->conn) s->conn->end(WsReason::paused, "paused", 0, true);
    }
  }

  void do_resume() {
    if (stopped) return;
    paused = false;
    for (auto& s : slots) {
      s->halted = false;  // a failed slot tries again
      s->wake.cancel();   // cuts a backoff wait short too
    }
  }

  // ---- one slot's life ----

  asio::awaitable<std::optional<Result<BulletToken, ApiError>>> fetch_token(WsSlot& slot) {
    const std::uint64_t gen = ++slot.token_gen;
    slot.token_result.reset();
    std::weak_ptr<Impl> weak = shared_from_this();
    tokens(slot.private_token, [weak, index = slot.index, gen](Result<BulletToken, ApiError> r) {
      auto self = weak.lock();
      if (!self) return;
      asio::post(self->strand, [self, index, gen, r = std::move(r)]() mutable {
        WsSlot& s = *self->slots[index];
        if (s.token_gen != gen) return;  // a late answer to an abandoned request
        s.token_result.emplace(std::move(r));
        s.wake.cancel();
      });
    });
    slot.wake.expires_after(options.token_timeout);
    while (!slot.token_result && !stopped && !paused) {
      auto [ec] = co_await slot.wake.async_wait(kTuple);
      if (!ec) break;  // the deadline passed
    }
    ++slot.token_gen;
    if (!slot.token_result) co_return std::nullopt;
    auto r = std::move(*slot.token_result);
    slot.token_result.reset();
    co_return r;
  }

  asio::awaitable<Outcome> attempt(WsSlot& slot);
  // Token, URL, connection, run: the slot's connection, or (standby) the fresh connection of a
  // make-before-break rotation.
  asio::awaitable<Outcome> connect_and_run(WsSlot& slot, bool standby, bool* promoted = nullptr);
  asio::awaitable<void> standby_attempt(std::shared_ptr<Impl> self, std::size_t index, std::weak_ptr<ConnBase> origin);
  void start_standby(WsSlot& slot) {
    stats.reconnects.fetch_add(1, std::memory_order_relaxed);
    asio::co_spawn(strand, standby_attempt(shared_from_this(), slot.index, slot.conn), asio::detached);
  }
  // The standby has every subscription acked: the old connection closes after the overlap.
  void standby_ready(WsSlot& slot) {
    log(LogLevel::info, "ws[" + std::to_string(slot.index) +
                            "] token rotation: the fresh connection is subscribed; the old one unsubscribes in " +
                            ms_text(options.rotation_overlap) + " and closes after the acks");
    if (slot.conn) slot.conn->hand_over_after(options.rotation_overlap);
  }

  asio::awaitable<void> slot_loop(std::shared_ptr<Impl> self, std::size_t index) {
    (void)self;
    WsSlot& slot = *slots[index];
    Outcome last;
    bool first = true;
    while (!stopped) {
      if (paused) {
        if (slot.state != WsState::paused || !slot.state_reported) {
          emit_state(slot, WsState::paused, WsReason::paused, {}, 0, 0, "paused by the application");
        }
        slot.wake.expires_at(Clock::time_point::max());
        co_await slot.wake.async_wait(kTuple);
        last = Outcome{WsReason::paused, "resumed", 0};
        continue;
      }
      if (!first) stats.reconnects.fetch_add(1, std::memory_order_relaxed);
      first = false;
      emit_state(slot, WsState::connecting, last.reason, {}, slot.policy.failures(), last.code, last.detail);
      ++slot.attempts;
      Outcome out = co_await attempt(slot);
      if (stopped) break;
      if (paused) continue;
      if (out.reason == WsReason::auth_error) {
        co_await halt(slot, out);
        last = Outcome{out.reason, "resumed", out.code};
        continue;
      }
      const ReconnectDecision next =
          slot.policy.on_end(AttemptEnd{out.live_for, out.reason == WsReason::token_rotation});
      emit_state(slot, WsState::reconnecting, out.reason, next.delay, next.failures, out.code, out.detail,
                 out.error ? &*out.error : nullptr);
      last = std::move(out);
      if (next.delay.count() > 0) {
        slot.wake.expires_after(next.delay);
        co_await slot.wake.async_wait(kTuple);  // stop, pause and resume cut it short
      }
    }
    emit_state(slot, WsState::stopped, WsReason::stopped, {}, 0, 0, "stopped");
  }

  // A configuration error (the bullet request refused): retrying cannot help. Tell the application
  // once (the state, and each topic of the slot), then wait for resume(), pause() or stop().
  asio::awaitable<void> halt(WsSlot& slot, const Outcome& out) {
    slot.halted = true;
    emit_state(slot, WsState::failed, out.reason, {}, slot.policy.failures(), out.code,
               out.detail + "; not retried until resume()", out.error ? &*out.error : nullptr);
    for (const std::string& t : slot.topics) emit_topic(slot.index, t, WsTopicStatus::failed, out.reason, out.code, out.detail);
    while (slot.halted && !stopped && !paused) {
      slot.wake.expires_at(Clock::time_point::max());
      co_await slot.wake.async_wait(kTuple);
    }
    slot.policy.reset();
  }
};

// ---- one connection attempt ----

namespace {

template <class WS>
constexpr bool kIsTls = !std::is_same_v<WS, PlainWs>;

template <class WS>
struct Conn final : ConnBase, std::enable_shared_from_this<Conn<WS>> {
  template <class... Args>
  Conn(WsClient::Impl& i, WsSlot& s, Args&&... ws_args)
      : impl(i),
        slot(s),
        ws(std::forward<Args>(ws_args)...),
        resolver(i.strand),
        write_signal(i.strand),
        watchdog(i.strand),
        deadline(i.strand) {}

  WsClient::Impl& impl;  // the slot loop, the writer and the watchdog each hold the Impl alive
  WsSlot& slot;          // slots live as long as the Impl
  WS ws;
  tcp::resolver resolver;
  asio::steady_timer write_signal;  // the writer waits on it
  asio::steady_timer watchdog;      // the watchdog waits on it
  asio::steady_timer deadline;      // connect/handshake/welcome/close deadlines
  beast::flat_buffer buffer;
  std::deque<std::string> outq;  // frames to write, in order; one write in flight

  bool ended = false;
  bool graceful = false;
  bool live = false;
  Outcome result;
  std::string connect_id;
  Clock::time_point live_since{};
  std::chrono::milliseconds ping_interval{18'000}, ping_timeout{10'000};
  std::chrono::milliseconds token_age{0};  // rotate at this age (0: never; kucoin/core/reconnect.hpp)
  Clock::time_point next_ping{}, rotate_at = Clock::time_point::max();

  struct PendingPing {
    std::uint64_t id;
    Clock::time_point deadline;
  };
  std::deque<PendingPing> pings;
  struct PendingRequest {
    bool subscribe = true;
    std::string topic;
    std::vector<std::string> data_topics;
    Clock::time_point deadline;
    bool handover = false;  // the old connection's unsubscribe before it closes (no topic events)
  };
  std::unordered_map<std::string, PendingRequest> requests;
  std::vector<std::string> requested;  // data topics subscribed on this connection, in order
  std::unordered_set<std::string> requested_set;

  // Make-before-break rotation.
  bool standby = false;           // the fresh connection: holds its frames, reports no topic events
  bool ready = false;             // standby: every subscription acked
  bool rotation_started = false;  // this (old) connection asked for a fresh one
  bool handed_over = false;       // this (old) connection closed for the fresh one: no topic is lost
  Clock::time_point handover_at = Clock::time_point::max();
  // Handing over, the old connection unsubscribes everything and reads until the acks: every data
  // frame the server sent before them is delivered. (A close handshake would not do: Beast's close
  // discards the data frames that arrive after our close frame.)
  bool draining = false;
  Clock::time_point drain_deadline = Clock::time_point::max();
  struct Held {
    std::string text;  // the frame followed by kJsonPadding zero bytes
    std::size_t size;
    std::string topic;
    Clock::time_point received;
  };
  std::deque<Held> held;
  std::size_t held_bytes = 0;

  // ---- ConnBase ----

  bool is_live() const override { return live && !ended; }

  bool ready_for_handover() const override { return standby && ready && live && !ended; }

  void promote() override {
    standby = false;
    watchdog.cancel();  // its own rotation may be due already
    for (const Held& h : held) impl.deliver(slot.index, h.topic, std::string_view(h.text.data(), h.size), h.received);
    log(LogLevel::info, "token rotation: handed over to the fresh connection (" + std::to_string(held.size()) +
                            " frames it held delivered after the old connection's last frame)");
    held.clear();
    held_bytes = 0;
  }

  void hand_over_after(std::chrono::milliseconds overlap) override {
    if (ended) return;
    handover_at = Clock::now() + overlap;
    rotate_at = Clock::time_point::max();
    watchdog.cancel();
  }

  void rotation_failed(const std::string& why) override {
    handed_over = false;  // its topics are lost after all
    handover_at = Clock::time_point::max();
    draining = false;
    drain_deadline = Clock::time_point::max();
    if (ended) return;
    end(WsReason::token_rotation, "the fresh connection for the rotation failed (" + why + "); reconnecting", 0, true);
  }

  void begin_drain(Clock::time_point now) {
    draining = true;
    drain_deadline = now + impl.options.ack_timeout;
    if (requested.empty()) {
      finish_drain("nothing was subscribed");
      return;
    }
    for (Request& r : build_requests(requested, impl.options.limits)) {
      const std::string id = std::to_string(++impl.next_id);
      outq.push_back(frame_json(UnsubscribeFrame{id, r.topic, channel_is_private(r.topic), true}));
      requests.emplace(id, PendingRequest{false, std::move(r.topic), std::move(r.data_topics), drain_deadline, true});
    }
    write_signal.cancel();
  }

  void finish_drain(const std::string& how) {
    handed_over = true;
    end(WsReason::token_rotation,
        "handed over to a fresh connection (" + how + "; the token is " + ms_text(token_age) + " old)", 0,
        true);
  }

  // An ack or refusal of a handover unsubscribe: once all are in, the old connection closes.
  void handover_answered() {
    for (const auto& [id, rq] : requests) {
      if (rq.handover) return;
    }
    if (draining && !ended) finish_drain("every topic unsubscribed here");
  }

  // A data frame: to the application, or held while this is a standby connection.
  void deliver(std::string_view topic, std::string_view text, Clock::time_point received) {
    if (!standby) {
      impl.deliver(slot.index, topic, text, received);
      return;
    }
    if (ended) return;
    held_bytes += text.size() + kJsonPadding;
    if (held_bytes > impl.options.rotation_buffer_bytes) {
      end(WsReason::token_rotation,
          "the fresh connection held more than " + std::to_string(impl.options.rotation_buffer_bytes) +
              " bytes while the old one was still delivering",
          0, false);
      return;
    }
    Held h;
    h.text.reserve(text.size() + kJsonPadding);
    h.text.assign(text);
    h.text.append(kJsonPadding, '\0');
    h.size = text.size();
    h.topic.assign(topic);
    h.received = received;
    held.push_back(std::move(h));
  }

  void check_ready() {
    if (!standby || ready || ended) return;
    for (const auto& [id, rq] : requests) {
      if (rq.subscribe) return;
    }
    ready = true;
    impl.standby_ready(slot);
  }

  void end(WsReason reason, std::string detail, int code, bool want_graceful) override {
    if (ended) return;
    ended = true;
    result.reason = reason;
    result.detail = std::move(detail);
    result.code = code;
    deadline.cancel();
    watchdog.cancel();
    resolver.cancel();
    if (want_graceful && live) {
      graceful = true;  // the writer sends the close frame once its current write is done
      write_signal.cancel();
      deadline.expires_after(impl.options.close_timeout);
      deadline.async_wait([weak = this->weak_from_this()](error_code ec) {
        if (ec) return;
        if (auto self = weak.lock()) self->force_close();
      });
    } else {
      force_close();
    }
  }

  void send_requests(bool subscribe, std::span<const std::string> data_topics) override {
    if (ended) return;
    const auto now = Clock::now();
    for (Request& r : build_requests(data_topics, impl.options.limits)) {
      const std::string id = std::to_string(++impl.next_id);
      const bool priv = channel_is_private(r.topic);
      if (subscribe) {
        outq.push_back(frame_json(SubscribeFrame{id, r.topic, priv, true}));
        for (const std::string& t : r.data_topics) {
          if (requested_set.insert(t).second) requested.push_back(t);
        }
      } else {
        outq.push_back(frame_json(UnsubscribeFrame{id, r.topic, priv, true}));
      }
      requests.emplace(id, PendingRequest{subscribe, std::move(r.topic), std::move(r.data_topics), now + impl.options.ack_timeout});
    }
    write_signal.cancel();
    watchdog.cancel();  // an earlier ack deadline
  }

  void force_close() {
    error_code ignored;
    raw_socket(ws).close(ignored);
    write_signal.cancel();
  }

  void arm(std::chrono::milliseconds d, WsReason reason, std::string what) {
    deadline.expires_after(d);
    deadline.async_wait([weak = this->weak_from_this(), reason, what = std::move(what)](error_code ec) mutable {
      if (ec) return;
      if (auto self = weak.lock()) self->end(reason, std::move(what), 0, false);
    });
  }

  void log(LogLevel level, const std::string& line) const {
    impl.log(level, "ws[" + std::to_string(slot.index) + "] " + line);
  }

  void fail_read(const error_code& ec) {
    if (ended) return;
    if (ec == websocket::error::closed) {
      const auto& cr = ws.reason();
      std::string d = "the server closed the connection (close frame, code " + std::to_string(cr.code);
      if (!cr.reason.empty()) d += ", \"" + std::string(cr.reason.data(), cr.reason.size()) + "\"";
      end(WsReason::closed_by_server, d + ")", 0, false);
    } else if (ec == asio::error::eof || ec == beast::http::error::end_of_stream || ec == ssl::error::stream_truncated ||
               ec == asio::error::connection_reset) {
      end(WsReason::closed_by_server, "the server closed the connection (" + ec.message() + ", no close frame)", 0, false);
    } else {
      end(WsReason::transport_error, "read: " + ec.message(), 0, false);
    }
  }

  // ---- the attempt ----

  asio::awaitable<Outcome> run(Url url, InstanceServer server, Clock::time_point token_time,
                               std::chrono::milliseconds age) {
    auto self = this->shared_from_this();
    const auto to = impl.options.connect_timeout;
    const std::string where = url.host + ":" + url.port;

    arm(to, WsReason::connect_failed, "resolve " + url.host + ": timed out after " + ms_text(to));
    auto [rec, results] = co_await resolver.async_resolve(url.host, url.port, kTuple);
    if (!ended && rec) end(WsReason::connect_failed, "resolve " + url.host + ": " + rec.message(), 0, false);
    if (ended) co_return finish();

    arm(to, WsReason::connect_failed, "connect to " + where + ": timed out after " + ms_text(to));
    auto [cec, ep] = co_await asio::async_connect(raw_socket(ws), results, kTuple);
    (void)ep;
    if (!ended && cec) end(WsReason::connect_failed, "connect to " + where + ": " + cec.message(), 0, false);
    if (ended) co_return finish();
    error_code ignored;
    raw_socket(ws).set_option(tcp::no_delay(true), ignored);

    if constexpr (kIsTls<WS>) {
      auto& tls_stream = ws.next_layer();
      if (auto ec = detail::prepare_tls_stream(tls_stream, url.host, impl.tls_options)) {
        end(WsReason::connect_failed, "tls handshake with " + where + ": " + ec.message(), 0, false);
        co_return finish();
      }
      arm(to, WsReason::connect_failed, "tls handshake with " + where + ": timed out after " + ms_text(to));
      auto [hec] = co_await tls_stream.async_handshake(ssl::stream_base::client, kTuple);
      if (!ended && hec) {
        std::string d = "tls handshake with " + where + ": " + hec.message();
        if (hec.category() == asio::error::get_ssl_category()) d += detail::trust_note(impl.tls_options);
        end(WsReason::connect_failed, d, 0, false);
      }
      if (ended) co_return finish();
    }

    // The upgrade.
    websocket::stream_base::timeout opt{};
    opt.handshake_timeout = websocket::stream_base::none();  // our own deadlines
    opt.idle_timeout = websocket::stream_base::none();       // the JSON ping watchdog decides
    opt.keep_alive_pings = false;
    ws.set_option(opt);
    ws.set_option(websocket::stream_base::decorator(
        [ua = impl.options.user_agent](websocket::request_type& req) { req.set(beast::http::field::user_agent, ua); }));
    ws.read_message_max(impl.options.max_message_bytes);
    ws.auto_fragment(false);
    ws.text(true);
    const std::string host = url.host_header();
    websocket::response_type res;
    arm(to, WsReason::connect_failed, "upgrade at " + where + ": timed out after " + ms_text(to));
    auto [uec] = co_await ws.async_handshake(res, host, url.target, kTuple);
    if (!ended && uec) {
      if (uec == websocket::error::upgrade_declined) {
        const int status = static_cast<int>(res.result_int());
        std::string body = res.body().substr(0, 200);
        end(WsReason::upgrade_rejected,
            "HTTP " + std::to_string(status) + " instead of 101 at the upgrade" + (body.empty() ? "" : ": " + body),
            status, false);
      } else {
        end(WsReason::connect_failed, "upgrade at " + where + ": " + uec.message(), 0, false);
      }
    }
    if (ended) co_return finish();
    impl.stats.connections_opened.fetch_add(1, std::memory_order_relaxed);

    // The welcome, with a deadline.
    arm(impl.options.welcome_timeout, WsReason::welcome_timeout,
        "no welcome within " + ms_text(impl.options.welcome_timeout) + " of the upgrade");
    buffer.consume(buffer.size());
    auto [wec, wn] = co_await ws.async_read(buffer, kTuple);
    (void)wn;
    if (!ended && wec) fail_read(wec);
    if (ended) co_return finish();
    deadline.cancel();
    {
      const std::string_view text(static_cast<const char*>(buffer.data().data()), buffer.size());
      auto frame = impl.decoder.decode_server(text);
      if (!frame) {
        end(WsReason::protocol_error, "first frame is not JSON: " + frame.error().message, 0, false);
      } else if (const auto* w = std::get_if<WelcomeFrame>(&*frame)) {
        if (w->id != connect_id) log(LogLevel::warn, "welcome id differs from the connectId sent");
      } else if (const auto* e = std::get_if<ErrorFrame>(&*frame)) {
        emit_error(*e, {});
        end(e->code == 401 ? WsReason::token_expired : WsReason::error_frame,
            "error frame instead of welcome: " + std::to_string(e->code) + " " + std::string(e->data.substr(0, 200)),
            e->code, false);
      } else {
        end(WsReason::protocol_error, "first frame is not a welcome", 0, false);
      }
    }
    if (ended) co_return finish();
    buffer.consume(buffer.size());

    // Live.
    live = true;
    live_since = Clock::now();
    ping_interval = std::chrono::milliseconds(std::max<std::int64_t>(1, server.ping_interval_ms));
    ping_timeout = std::chrono::milliseconds(std::max<std::int64_t>(1, server.ping_timeout_ms));
    next_ping = live_since + ping_interval;
    token_age = age;
    if (token_age.count() > 0) rotate_at = token_time + token_age;
    if (standby) {
      log(LogLevel::info, "token rotation: the fresh connection is live; subscribing " +
                              std::to_string(slot.topics.size()) + " topics");
    } else {
      impl.emit_state(slot, WsState::live, WsReason::none, {}, 0, 0,
                      "ping every " + ms_text(ping_interval) + ", pong within " + ms_text(ping_timeout));
    }
    if (!ended && !slot.topics.empty()) send_requests(true, slot.topics);
    check_ready();
    asio::co_spawn(impl.strand, writer(self, impl.shared_from_this()), asio::detached);
    asio::co_spawn(impl.strand, watch(self, impl.shared_from_this()), asio::detached);
    co_await read_loop();
    co_return finish();
  }

  Outcome finish() {
    const bool was_live = live;
    live = false;
    if (was_live) {
      // Everything read from this connection was delivered; now the topics' streams end (unless
      // a fresh connection took them over, or this was a standby that never delivered).
      for (const std::string& t : requested) {
        if (!handed_over && !standby && impl.assigned_here(t, slot.index)) {
          impl.emit_topic(slot.index, t, WsTopicStatus::lost, result.reason, result.code, result.detail);
        }
      }
      for (auto& [id, rq] : requests) {
        if (rq.subscribe || rq.handover) continue;
        for (const std::string& t : rq.data_topics) {
          impl.emit_topic(slot.index, t, WsTopicStatus::unsubscribed, WsReason::unsubscribed, 0, "connection ended");
        }
      }
      result.live_for = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - live_since);
    }
    requests.clear();
    return result;
  }

  asio::awaitable<void> read_loop() {
    for (;;) {
      buffer.consume(buffer.size());
      auto [ec, n] = co_await ws.async_read(buffer, kTuple);
      (void)n;
      if (ec) {
        fail_read(ec);
        co_return;
      }
      const auto received = Clock::now();
      // kJsonPadding readable bytes after the frame, for in-place parsing.
      auto pad = buffer.prepare(kJsonPadding);
      std::memset(pad.data(), 0, kJsonPadding);
      on_frame(std::string_view(static_cast<const char*>(buffer.data().data()), buffer.size()), received);
    }
  }

  void on_frame(std::string_view text, Clock::time_point received) {
    std::string_view topic;
    if (peek_data_message(text, topic)) {
      deliver(topic, text, received);
      return;
    }
    auto frame = impl.decoder.decode_server(text);
    if (!frame) {
      impl.stats.bad_frames.fetch_add(1, std::memory_order_relaxed);
      log(LogLevel::warn, "undecodable frame (" + std::to_string(text.size()) + " bytes): " + frame.error().message);
      return;
    }
    std::visit(Overloaded{
                   [&](const DataMessage& m) { deliver(m.topic, text, received); },
                   [&](const PongFrame& p) { on_pong(p.id); },
                   [&](const AckFrame& a) { on_ack(a.id); },
                   [&](const ErrorFrame& e) { on_error_frame(e); },
                   [&](const WelcomeFrame&) { log(LogLevel::debug, "another welcome frame (ignored)"); },
                   [&](const NoticeFrame& f) { log(LogLevel::info, "notice frame: " + std::string(f.subject)); },
                   [&](const CommandFrame& f) { log(LogLevel::info, "command frame: " + std::string(f.subject)); },
                   [&](const UnknownFrame& f) {
                     log(LogLevel::debug, "frame of unknown type \"" + std::string(f.type.substr(0, 40)) + "\"");
                   },
               },
               *frame);
  }

  void on_pong(std::string_view id) {
    impl.stats.pongs.fetch_add(1, std::memory_order_relaxed);
    std::uint64_t n = 0;
    const auto r = std::from_chars(id.data(), id.data() + id.size(), n);
    auto it = pings.end();
    if (r.ec == std::errc() && r.ptr == id.data() + id.size()) {
      it = std::find_if(pings.begin(), pings.end(), [n](const PendingPing& p) { return p.id == n; });
    }
    if (it == pings.end()) {
      log(LogLevel::debug, "pong with an id we did not send or already saw");
      return;
    }
    pings.erase(pings.begin(), it + 1);  // the pong for a ping also vouches for the earlier ones
  }

  void on_ack(std::string_view id) {
    auto it = requests.find(std::string(id));
    if (it == requests.end()) {
      log(LogLevel::debug, "ack for an unknown request id");
      return;
    }
    PendingRequest rq = std::move(it->second);
    requests.erase(it);
    if (rq.handover) {
      handover_answered();
      return;
    }
    if (standby) {  // the topics are live on the old connection already: nothing to report
      check_ready();
      return;
    }
    for (const std::string& t : rq.data_topics) {
      if (rq.subscribe) {
        if (impl.assigned_here(t, slot.index)) {
          impl.emit_topic(slot.index, t, WsTopicStatus::subscribed, WsReason::none, 0, {});
        }
      } else {
        impl.emit_topic(slot.index, t, WsTopicStatus::unsubscribed, WsReason::unsubscribed, 0, {});
      }
    }
  }

  void emit_error(const ErrorFrame& e, std::string_view request_topic) {
    if (!impl.callbacks_on.load(std::memory_order_relaxed) || !impl.handlers.on_error) return;
    impl.handlers.on_error(WsErrorFrameEvent{slot.index, e.id, e.code, e.data, request_topic});
  }

  void on_error_frame(const ErrorFrame& e) {
    auto it = e.id ? requests.find(std::string(*e.id)) : requests.end();
    if (e.code == 401) {
      // The session's token is no good (KuCoin: "token is expired"), whatever request it answers:
      // reconnect with a fresh one; pending subscriptions are sent again there.
      emit_error(e, it == requests.end() ? std::string_view() : std::string_view(it->second.topic));
      end(WsReason::token_expired, "error frame 401: " + std::string(e.data.substr(0, 200)), 401, false);
      return;
    }
    if (it == requests.end()) {
      emit_error(e, {});
      log(LogLevel::warn, "error frame " + std::to_string(e.code) + ": " + std::string(e.data.substr(0, 200)));
      return;
    }
    if (it->second.handover) {  // a refused unsubscribe still ends that topic here
      emit_error(e, it->second.topic);
      requests.erase(it);
      handover_answered();
      return;
    }
    if (standby) {  // the old connection keeps its topics; the rotation falls back to break-before-make
      end(WsReason::error_frame,
          "the fresh connection's request " + it->second.topic + " was refused: " + std::to_string(e.code) + " " +
              std::string(e.data.substr(0, 200)),
          e.code, false);
      return;
    }
    PendingRequest rq = std::move(it->second);
    requests.erase(it);
    emit_error(e, rq.topic);
    log(LogLevel::warn, std::string(rq.subscribe ? "subscribe " : "unsubscribe ") + rq.topic + " refused: " +
                            std::to_string(e.code) + " " + std::string(e.data.substr(0, 200)));
    if (!rq.subscribe) return;
    const std::string detail(e.data);
    for (const std::string& t : rq.data_topics) {
      if (!impl.assigned_here(t, slot.index)) continue;
      std::erase(slot.topics, t);
      impl.topic_slot.erase(t);
      impl.emit_topic(slot.index, t, WsTopicStatus::rejected, WsReason::error_frame, e.code, detail);
    }
  }

  asio::awaitable<void> writer(std::shared_ptr<Conn> self, std::shared_ptr<WsClient::Impl> keep) {
    (void)self;
    (void)keep;
    while (!ended) {
      if (outq.empty()) {
        write_signal.expires_at(Clock::time_point::max());
        co_await write_signal.async_wait(kTuple);
        continue;
      }
      auto [ec, n] = co_await ws.async_write(asio::buffer(outq.front()), kTuple);
      (void)n;
      if (ec) {
        if (!ended) end(WsReason::transport_error, "write: " + ec.message(), 0, false);
        break;
      }
      outq.pop_front();
    }
    if (graceful) {
      auto [ec] = co_await ws.async_close(websocket::close_code::normal, kTuple);
      (void)ec;  // the read loop ends with "closed", or the close deadline cuts the socket
    }
  }

  void send_ping(Clock::time_point now) {
    const std::uint64_t id = ++impl.next_id;
    outq.push_back(frame_json(PingFrame{std::to_string(id)}));
    pings.push_back({id, now + ping_timeout});
    impl.stats.pings_sent.fetch_add(1, std::memory_order_relaxed);
    write_signal.cancel();
  }

  asio::awaitable<void> watch(std::shared_ptr<Conn> self, std::shared_ptr<WsClient::Impl> keep) {
    (void)self;
    (void)keep;
    while (!ended) {
      const auto now = Clock::now();
      if (!pings.empty() && now >= pings.front().deadline) {
        end(WsReason::ping_timeout,
            "no pong for ping " + std::to_string(pings.front().id) + " within " + ms_text(ping_timeout), 0, false);
        break;
      }
      // A standby does not rotate itself: once promoted it rotates at once if its token is due.
      Clock::time_point wake_at = std::min({next_ping, standby ? Clock::time_point::max() : rotate_at, handover_at});
      for (const auto& [id, rq] : requests) {
        if (rq.handover) continue;  // drain_deadline covers them
        if (now >= rq.deadline) {
          end(WsReason::ack_timeout,
              "no ack for " + std::string(rq.subscribe ? "subscribe " : "unsubscribe ") + rq.topic + " within " +
                  ms_text(impl.options.ack_timeout),
              0, false);
          break;
        }
        wake_at = std::min(wake_at, rq.deadline);
      }
      if (ended) break;
      if (now >= handover_at) {
        handover_at = Clock::time_point::max();
        begin_drain(now);
        if (ended) break;
      }
      if (draining && now >= drain_deadline) {
        finish_drain("the unsubscribe was not acked within " + ms_text(impl.options.ack_timeout));
        break;
      }
      if (draining) wake_at = std::min(wake_at, drain_deadline);
      if (now >= rotate_at && !standby) {
        if (!rotation_started && impl.options.make_before_break) {
          rotation_started = true;
          rotate_at = now + impl.options.rotation_timeout;
          wake_at = std::min(wake_at, rotate_at);
          log(LogLevel::info, "token rotation: the token is " + ms_text(token_age) +
                                  " old; opening a fresh connection before closing this one");
          impl.start_standby(slot);
        } else {
          end(WsReason::token_rotation,
              rotation_started ? "no fresh connection ready within " + ms_text(impl.options.rotation_timeout) +
                                     " (the token is " + ms_text(token_age) + " old)"
                               : "the token is " + ms_text(token_age) + " old",
              0, true);
          break;
        }
      }
      if (now >= next_ping) {
        send_ping(now);
        next_ping = now + ping_interval;
        wake_at = std::min(wake_at, next_ping);
      }
      if (!pings.empty()) wake_at = std::min(wake_at, pings.front().deadline);
      watchdog.expires_at(wake_at);
      co_await watchdog.async_wait(kTuple);
    }
  }
};

}  // namespace

asio::awaitable<Outcome> WsClient::Impl::connect_and_run(WsSlot& slot, bool standby, bool* promoted) {
  auto token = co_await fetch_token(slot);
  if (stopped) co_return Outcome{WsReason::stopped, "stopped", 0};
  if (paused) co_return Outcome{WsReason::paused, "paused", 0};
  if (!token) co_return Outcome{WsReason::token_failed, "no bullet token within " + ms_text(options.token_timeout), 0};
  if (!*token) {
    const ApiError& e = token->error();
    const bool terminal = bullet_failure_is_terminal(e, slot.private_token);
    Outcome out{terminal ? WsReason::auth_error : WsReason::token_failed,
                std::string(terminal ? "bullet request refused: " : "bullet request failed: ") + e.describe(), code_of(e)};
    out.error = e;
    co_return out;
  }
  stats.tokens_fetched.fetch_add(1, std::memory_order_relaxed);
  BulletToken bullet = std::move(**token);
  const auto token_time = Clock::now();
  const auto age = token_rotation_age(options.token_max_age, bullet.token_valid_for_ms);
  if (bullet.servers.empty()) co_return Outcome{WsReason::token_failed, "bullet answer without instance servers", 0};
  const InstanceServer server = bullet.servers[(slot.attempts - 1) % bullet.servers.size()];
  const std::string connect_id = connect_prefix + "-" + std::to_string(slot.index) + "-" + std::to_string(slot.attempts);
  auto url = parse_ws_url(build_connect_url(server.endpoint, bullet.token.reveal(), connect_id));
  if (!url) {
    co_return Outcome{WsReason::connect_failed, "unusable endpoint from the bullet answer: " + url.error().message, 0};
  }
  log(LogLevel::info, "ws[" + std::to_string(slot.index) + "] connecting to " + server.endpoint +
                          "?token=<token>&connectId=" + connect_id + (standby ? " (fresh connection for the rotation)" : "") +
                          (bullet.token_valid_for_ms ? "; the token is valid for " + std::to_string(*bullet.token_valid_for_ms) +
                                                           " ms: rotating at " + ms_text(age)
                                                     : ""));
  auto run = [&](auto c) -> asio::awaitable<Outcome> {
    c->connect_id = connect_id;
    c->standby = standby;
    std::shared_ptr<ConnBase> base = c;
    (standby ? slot.standby : slot.conn) = base;
    Outcome out = co_await c->run(std::move(*url), server, token_time, age);
    base->done = true;
    base->final_outcome = out;
    if (slot.conn == base) {
      if (standby && slot.standby_done) slot.standby_done->cancel();  // promoted: attempt() waits for it
      if (!standby) slot.conn.reset();
    }
    if (slot.standby == base) slot.standby.reset();
    if (promoted != nullptr) *promoted = base->promoted;
    co_return out;
  };
  if (url->tls) co_return co_await run(std::make_shared<Conn<TlsWs>>(*this, slot, strand, tls));
  co_return co_await run(std::make_shared<Conn<PlainWs>>(*this, slot, strand));
}

asio::awaitable<void> WsClient::Impl::standby_attempt(std::shared_ptr<Impl> self, std::size_t index,
                                                     std::weak_ptr<ConnBase> origin) {
  (void)self;
  WsSlot& slot = *slots[index];
  ++slot.attempts;
  bool promoted = false;
  const Outcome out = co_await connect_and_run(slot, true, &promoted);
  auto old = origin.lock();
  if (!promoted && !stopped && !paused) {
    log(LogLevel::warn, "ws[" + std::to_string(index) + "] token rotation: the fresh connection ended before the handover (" +
                            std::string(to_string(out.reason)) + ": " + out.detail + ")");
  }
  if (!promoted && old && old == slot.conn && !stopped && !paused) {
    // The fresh connection failed: the old one closes now and the slot reconnects as usual.
    old->rotation_failed(std::string(to_string(out.reason)) + ": " + out.detail);
  }
}

asio::awaitable<Outcome> WsClient::Impl::attempt(WsSlot& slot) {
  Outcome out = co_await connect_and_run(slot, false);
  // Make-before-break: the connection closed for a fresh one that is subscribed; follow it.
  while (out.reason == WsReason::token_rotation && slot.standby && slot.standby->ready_for_handover() && !stopped &&
         !paused) {
    std::shared_ptr<ConnBase> next = std::move(slot.standby);
    next->promoted = true;
    slot.conn = next;
    next->promote();
    emit_state(slot, WsState::live, WsReason::token_rotation, {}, 0, 0,
               "handed over to a fresh connection, made before the old one closed (no gap)");
    if (!slot.standby_done) slot.standby_done.emplace(strand);
    while (!next->done) {
      slot.standby_done->expires_at(Clock::time_point::max());
      co_await slot.standby_done->async_wait(kTuple);
    }
    out = next->final_outcome;
    slot.conn.reset();
  }
  if (slot.standby) slot.standby->end(WsReason::token_rotation, "the old connection ended first", 0, false);
  co_return out;
}

// ---- WsClient ----

WsClient::WsClient(asio::io_context& io, RestClient& rest, WsClientOptions options, WsHandlers handlers) {
  if (!options.tls) options.tls = rest.http().options().tls;
  WsTokenProvider provider = [&rest](bool private_token, WsTokenHandler done) {
    if (private_token) {
      rest.bullet_private(std::move(done));
    } else {
      rest.bullet_public(std::move(done));
    }
  };
  impl_ = std::make_shared<Impl>(io, std::move(provider), std::move(options), std::move(handlers));
}

WsClient::WsClient(asio::io_context& io, WsTokenProvider tokens, WsClientOptions options, WsHandlers handlers)
    : impl_(std::make_shared<Impl>(io, std::move(tokens), std::move(options), std::move(handlers))) {}

WsClient::~WsClient() {
  impl_->callbacks_on.store(false);
  stop();
}

namespace {

// Validates topics and lists their data topics (with the kind of token each needs).
Result<std::vector<std::pair<std::string, bool>>> expand_topics(std::span<const std::string> topics,
                                                                const PlannerConfig& limits) {
  std::vector<Topic> parsed;
  for (const std::string& t : topics) {
    auto p = parse_topic(t);
    if (!p) return Unexpected{p.error()};
    parsed.push_back(std::move(*p));
  }
  // The planner checks the channel rules, merges channels and deduplicates symbols.
  auto plan = plan_connections(parsed, PlannerConfig{0, limits.max_symbols_per_request});
  if (!plan) return Unexpected{plan.error()};
  std::vector<std::pair<std::string, bool>> out;
  for (const PlannedConnection& pc : *plan) {
    for (const std::string& req : pc.topics) {
      auto t = parse_topic(req);
      if (!t) return Unexpected{t.error()};
      if (t->symbols.empty()) {
        out.emplace_back(t->channel, pc.private_token);
      } else {
        for (const std::string& sym : t->symbols) out.emplace_back(t->channel + ":" + sym, pc.private_token);
      }
    }
  }
  return out;
}

}  // namespace

Result<void> WsClient::subscribe(std::span<const std::string> topics) {
  auto data = expand_topics(topics, impl_->options.limits);
  if (!data) return Unexpected{data.error()};
  asio::post(impl_->strand, [impl = impl_, d = std::move(*data)]() mutable { impl->add_topics(std::move(d)); });
  return {};
}

Result<void> WsClient::subscribe(std::string_view topic) {
  const std::string t(topic);
  return subscribe(std::span<const std::string>(&t, 1));
}

Result<void> WsClient::unsubscribe(std::span<const std::string> topics) {
  auto data = expand_topics(topics, impl_->options.limits);
  if (!data) return Unexpected{data.error()};
  std::vector<std::string> names;
  for (auto& [t, priv] : *data) names.push_back(std::move(t));
  asio::post(impl_->strand, [impl = impl_, n = std::move(names)]() mutable { impl->remove_topics(std::move(n)); });
  return {};
}

Result<void> WsClient::unsubscribe(std::string_view topic) {
  const std::string t(topic);
  return unsubscribe(std::span<const std::string>(&t, 1));
}

void WsClient::pause() {
  asio::post(impl_->strand, [impl = impl_] { impl->do_pause(); });
}

void WsClient::resume() {
  asio::post(impl_->strand, [impl = impl_] { impl->do_resume(); });
}

void WsClient::stop() {
  asio::post(impl_->strand, [impl = impl_] { impl->do_stop(); });
}

WsClient::Stats WsClient::stats() const {
  const auto& s = impl_->stats;
  Stats out;
  out.connections_opened = s.connections_opened.load();
  out.tokens_fetched = s.tokens_fetched.load();
  out.reconnects = s.reconnects.load();
  out.messages = s.messages.load();
  out.bytes = s.bytes.load();
  out.pings_sent = s.pings_sent.load();
  out.pongs = s.pongs.load();
  out.bad_frames = s.bad_frames.load();
  return out;
}

}  // namespace kucoin::net
