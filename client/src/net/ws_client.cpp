// WsClient: connection slots, tokens, backoff and rotation orchestration.
//   WsClient::Impl  one strand for everything; connection slots; topic placement; callbacks.
//   WsSlot          one logical connection: its topics, backoff, state; slot_loop() reconnects it,
//                   and it is the host of its current connection (and of a rotation's fresh one):
//                   it decides what their topic events and frames mean for the client.
// Each connection attempt is a WsConnection (ws_connection.hpp): the transport and the session
// machine of one connection.
// The file stays whole (a little over 600 lines): the slot loop, token fetches, topic placement
// and the rotation handover all change the same Impl and WsSlot state on one strand; the protocol
// and the I/O are already out (ws_client_session, ws_connection.hpp, detail/ws_transport.hpp).
#include "kucoin/net/ws_client.hpp"

#include "detail/asio.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "detail/tls.hpp"
#include "kucoin/core/reconnect.hpp"
#include "kucoin/net/random_seed.hpp"
#include "kucoin/protocol/l2_codec.hpp"  // kJsonPadding
#include "kucoin/protocol/ws_url.hpp"
#include "ws_connection.hpp"
#include "ws_internal.hpp"

namespace kucoin::net {

namespace ssl = asio::ssl;

namespace {

std::string random_prefix() {
  const std::uint64_t v = random_seed();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v & 0xffffffffffULL, 36);
  return "kh" + std::string(buf, r.ptr);
}

}  // namespace

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

Result<Url> parse_ws_url(std::string_view url) { return parse_url(url, UrlScheme::websocket); }

// ---- implementation ----

namespace {

// The KuCoin code of a bullet failure as a number (400007), else its HTTP status.
int code_of(const ApiError& e) {
  int n = 0;
  const auto r = std::from_chars(e.code.data(), e.code.data() + e.code.size(), n);
  return r.ec == std::errc() && r.ptr == e.code.data() + e.code.size() && !e.code.empty() ? n : e.http_status;
}

}  // namespace

struct WsSlot final : WsConnectionHost {
  WsSlot(WsClient::Impl& client, const asio::any_io_executor& strand, std::size_t i, bool priv,
         const ReconnectConfig& r, std::uint64_t seed)
      : impl(client), index(i), private_token(priv), policy(r, Rng(seed + i)), wake(strand) {}

  WsClient::Impl& impl;
  std::size_t index;
  bool private_token;
  std::vector<DataTopic> topics_;  // data topics assigned, in order
  WsState state = WsState::connecting;
  bool state_reported = false;
  ReconnectPolicy policy;  // the delay before the next attempt
  bool halted = false;     // failed (a configuration error): waiting for resume()
  std::uint64_t attempts = 0;
  asio::steady_timer wake;  // token wait, backoff wait, pause and failed waits
  std::uint64_t token_gen = 0;
  std::optional<Result<BulletToken, ApiError>> token_result;
  std::shared_ptr<WsConnectionBase> conn;
  std::shared_ptr<WsConnectionBase> standby;       // the fresh connection of a make-before-break rotation
  std::optional<asio::steady_timer> standby_done;  // cancelled when a promoted standby's run() returns

  // ---- WsConnectionHost: what the slot's connections report (defined after Impl) ----
  const std::vector<DataTopic>& topics() const override { return topics_; }
  void went_live(const WsClientSession& session) override;
  void topics_changed(const WsTopicsChanged& event) override;
  void error_frame(const WsErrorFrameSeen& event) override;
  void deliver(const WsInbound& in, std::string_view text, Clock::time_point received) override;
  void standby_wanted() override;
  void standby_ready() override;
  void log(LogLevel level, const std::string& line) override;
};

struct WsClient::Impl : std::enable_shared_from_this<WsClient::Impl> {
  Impl(asio::io_context& io, WsTokenProvider provider, WsClientOptions o, WsHandlers h)
      : strand(o.single_threaded_io ? asio::any_io_executor(io.get_executor())
                                    : asio::any_io_executor(asio::make_strand(io))),
        tokens(std::move(provider)),
        options(std::move(o)),
        handlers(std::move(h)),
        tls_options(options.tls.value_or(TlsOptions{})),
        tls(detail::make_tls_context(tls_options)),
        seed(seed_or_random(options.seed)),
        connect_prefix(options.connect_id_prefix.empty() ? random_prefix() : options.connect_id_prefix) {}

  // The client's strand, or the io_context's executor itself with options.single_threaded_io.
  asio::any_io_executor strand;
  WsTokenProvider tokens;
  WsClientOptions options;
  WsHandlers handlers;
  TlsOptions tls_options;
  ssl::context tls;
  std::uint64_t seed = 0;  // options.seed, or a random one
  std::string connect_prefix;
  std::uint64_t connections_made = 0;  // seeds each transport's masks and handshake key
  std::uint64_t tap_numbers = 0;       // connection attempts that got a token (the wire tap numbers them)
  std::vector<std::unique_ptr<WsSlot>> slots;
  std::unordered_map<std::string, std::size_t> topic_slot;  // data topic text -> slot
  bool stopped = false;
  bool paused = false;
  std::atomic<bool> callbacks_on{true};
  WsCounters stats;

  WsSessionConfig session_config() const {
    WsSessionConfig c;
    c.welcome_timeout = options.welcome_timeout;
    c.ack_timeout = options.ack_timeout;
    c.rotation_timeout = options.rotation_timeout;
    c.rotation_buffer_bytes = options.rotation_buffer_bytes;
    c.make_before_break = options.make_before_break;
    c.max_symbols_per_request = options.limits.max_symbols_per_request;
    return c;
  }

  detail::WsTransportOptions transport_options() {
    detail::WsTransportOptions t;
    t.connect_timeout = options.connect_timeout;
    t.close_timeout = options.close_timeout;
    t.user_agent = options.user_agent;
    t.max_message_bytes = options.max_message_bytes;
    t.padding = kJsonPadding;  // WsMessage::text can be parsed in place
    t.min_read_interval = options.min_read_interval;
    t.receive_buffer_bytes = options.receive_buffer_bytes;
    t.tls = tls_options;
    t.seed = seed ^ (0x9e3779b97f4a7c15ULL * ++connections_made);
    return t;
  }

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
    log(state == WsState::failed         ? LogLevel::error
        : state == WsState::reconnecting ? LogLevel::warn
                                         : LogLevel::info,
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
    ev.topics = slot.topics_.size();
    ev.error = error;
    handlers.on_state(ev);
  }

  void emit_topic(std::size_t connection, std::string_view topic, WsTopicStatus status, WsReason reason, int code,
                  std::string_view detail) {
    if (!callbacks_on.load(std::memory_order_relaxed) || !handlers.on_topic) return;
    handlers.on_topic(WsTopicEvent{connection, topic, status, reason, code, detail});
  }

  void emit_error(std::size_t connection, const WsErrorFrameSeen& e) {
    if (!callbacks_on.load(std::memory_order_relaxed) || !handlers.on_error) return;
    handlers.on_error(WsErrorFrameEvent{connection, e.id ? std::optional<std::string_view>(*e.id) : std::nullopt,
                                        e.code, e.data, e.request_topic});
  }

  // One data frame to the application (the caller counts it in stats).
  void deliver(std::size_t connection, const WsInbound& in, std::string_view text, Clock::time_point received) {
    if (!callbacks_on.load(std::memory_order_relaxed) || !handlers.on_message) return;
    handlers.on_message(WsMessage{connection, in.topic, in.channel, in.symbol, text, received});
  }

  bool assigned_here(const std::string& topic, std::size_t slot) const {
    auto it = topic_slot.find(topic);
    return it != topic_slot.end() && it->second == slot;
  }

  // ---- topics ----

  void add_topics(std::vector<DataTopic> data) {
    if (stopped) return;
    std::vector<std::vector<DataTopic>> fresh(slots.size());
    const std::size_t limit = options.limits.max_topics_per_connection;
    for (DataTopic& topic : data) {
      if (topic_slot.contains(topic.text)) continue;
      WsSlot* target = nullptr;
      const bool private_token = topic.is_private || options.private_token_for_public;
      for (auto& s : slots) {
        if (s->private_token == private_token && (limit == 0 || s->topics_.size() < limit)) {
          target = s.get();
          break;
        }
      }
      if (target == nullptr) {
        slots.push_back(std::make_unique<WsSlot>(
            *this, strand, slots.size(), private_token,
            ReconnectConfig{options.backoff, options.stable_after, options.quick_reconnect_max}, seed));
        target = slots.back().get();
        fresh.emplace_back();
        asio::co_spawn(strand, slot_loop(shared_from_this(), target->index), asio::detached);
      }
      topic_slot.emplace(topic.text, target->index);
      target->topics_.push_back(topic);
      fresh[target->index].push_back(std::move(topic));
    }
    for (std::size_t i = 0; i < fresh.size(); ++i) {
      if (fresh[i].empty()) continue;
      WsSlot& s = *slots[i];
      if (s.conn && s.conn->is_live()) s.conn->send_requests(true, fresh[i]);
      if (s.standby && s.standby->is_live()) s.standby->send_requests(true, fresh[i]);
    }
  }

  void remove_topics(std::vector<DataTopic> data) {
    if (stopped) return;
    std::vector<std::vector<DataTopic>> gone(slots.size());
    for (DataTopic& topic : data) {
      auto it = topic_slot.find(topic.text);
      if (it == topic_slot.end()) continue;
      WsSlot& s = *slots[it->second];
      std::erase_if(s.topics_, [&](const DataTopic& t) { return t.text == topic.text; });
      topic_slot.erase(it);
      gone[s.index].push_back(std::move(topic));
    }
    for (std::size_t i = 0; i < gone.size(); ++i) {
      if (gone[i].empty()) continue;
      WsSlot& s = *slots[i];
      if (s.standby && s.standby->is_live()) s.standby->send_requests(false, gone[i]);
      if (s.conn && s.conn->is_live()) {
        s.conn->send_requests(false, gone[i]);
      } else {
        for (const DataTopic& t : gone[i])
          emit_topic(i, t.text, WsTopicStatus::unsubscribed, WsReason::unsubscribed, 0, {});
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

  asio::awaitable<WsOutcome> attempt(WsSlot& slot);
  // Token, URL, connection, run: the slot's connection, or (standby) the fresh connection of a
  // make-before-break rotation.
  asio::awaitable<WsOutcome> connect_and_run(WsSlot& slot, bool standby, bool* promoted = nullptr);
  asio::awaitable<void> standby_attempt(std::shared_ptr<Impl> self, std::size_t index,
                                        std::weak_ptr<WsConnectionBase> origin);
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
    WsOutcome last;
    bool first = true;
    while (!stopped) {
      if (paused) {
        if (slot.state != WsState::paused || !slot.state_reported) {
          emit_state(slot, WsState::paused, WsReason::paused, {}, 0, 0, "paused by the application");
        }
        slot.wake.expires_at(Clock::time_point::max());
        co_await slot.wake.async_wait(kTuple);
        last = WsOutcome{WsReason::paused, "resumed", 0};
        continue;
      }
      if (!first) stats.reconnects.fetch_add(1, std::memory_order_relaxed);
      first = false;
      emit_state(slot, WsState::connecting, last.reason, {}, slot.policy.failures(), last.code, last.detail);
      ++slot.attempts;
      WsOutcome out = co_await attempt(slot);
      if (stopped) break;
      if (paused) continue;
      if (out.reason == WsReason::auth_error) {
        co_await halt(slot, out);
        last = WsOutcome{out.reason, "resumed", out.code};
        continue;
      }
      ReconnectDecision next = slot.policy.on_end(AttemptEnd{out.live_for, out.reason == WsReason::token_rotation});
      if (out.error && out.error->kind == ApiErrorKind::rate_limit && out.error->retry_after_ms > 0) {
        // The bullet request was refused with 429 and a reset: no new one before it.
        next.delay = std::max(next.delay, std::chrono::milliseconds(out.error->retry_after_ms));
      }
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
  asio::awaitable<void> halt(WsSlot& slot, const WsOutcome& out) {
    slot.halted = true;
    emit_state(slot, WsState::failed, out.reason, {}, slot.policy.failures(), out.code,
               out.detail + "; not retried until resume()", out.error ? &*out.error : nullptr);
    for (const DataTopic& t : slot.topics_) {
      emit_topic(slot.index, t.text, WsTopicStatus::failed, out.reason, out.code, out.detail);
    }
    while (slot.halted && !stopped && !paused) {
      slot.wake.expires_at(Clock::time_point::max());
      co_await slot.wake.async_wait(kTuple);
    }
    slot.policy.reset();
  }
};

asio::awaitable<WsOutcome> WsClient::Impl::connect_and_run(WsSlot& slot, bool standby, bool* promoted) {
  auto token = co_await fetch_token(slot);
  if (stopped) co_return WsOutcome{WsReason::stopped, "stopped", 0};
  if (paused) co_return WsOutcome{WsReason::paused, "paused", 0};
  if (!token)
    co_return WsOutcome{WsReason::token_failed, "no bullet token within " + ms_text(options.token_timeout), 0};
  if (!*token) {
    const ApiError& e = token->error();
    const bool terminal = bullet_failure_is_terminal(e, slot.private_token);
    WsOutcome out{terminal ? WsReason::auth_error : WsReason::token_failed,
                  std::string(terminal ? "bullet request refused: " : "bullet request failed: ") + e.describe(),
                  code_of(e)};
    out.error = e;
    co_return out;
  }
  stats.tokens_fetched.fetch_add(1, std::memory_order_relaxed);
  BulletToken bullet = std::move(**token);
  const auto token_time = Clock::now();
  const auto age = token_rotation_age(options.token_max_age, bullet.token_valid_for_ms);
  if (bullet.servers.empty()) co_return WsOutcome{WsReason::token_failed, "bullet answer without instance servers", 0};
  const InstanceServer server = bullet.servers[(slot.attempts - 1) % bullet.servers.size()];
  const std::string connect_id =
      connect_prefix + "-" + std::to_string(slot.index) + "-" + std::to_string(slot.attempts);
  auto url = parse_ws_url(build_connect_url(server.endpoint, bullet.token.reveal(), connect_id));
  if (!url) {
    co_return WsOutcome{WsReason::connect_failed, "unusable endpoint from the bullet answer: " + url.error().message,
                        0};
  }
  log(LogLevel::info,
      "ws[" + std::to_string(slot.index) + "] connecting to " + server.endpoint +
          "?token=<token>&connectId=" + connect_id + (standby ? " (fresh connection for the rotation)" : "") +
          (bullet.token_valid_for_ms ? "; the token is valid for " + std::to_string(*bullet.token_valid_for_ms) +
                                           " ms: rotating at " + ms_text(age)
                                     : ""));
  const std::uint64_t number = ++tap_numbers;
  if (options.tap) {
    WireEvent ev;
    ev.kind = WireEventKind::token_fetched;
    ev.connection = number;
    ev.time = token_time;
    ev.url = server.endpoint;
    ev.detail = slot.private_token ? "private" : "public";
    options.tap(ev);
  }
  auto run = [&](auto c) -> asio::awaitable<WsOutcome> {
    c->tap_as(&options.tap, number,
              options.tap ? build_connect_url(server.endpoint, bullet.token.reveal(), connect_id) : std::string());
    std::shared_ptr<WsConnectionBase> base = c;
    (standby ? slot.standby : slot.conn) = base;
    WsOutcome out = co_await c->run(std::move(*url), server, connect_id, token_time, age, shared_from_this());
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
  if (url->tls) {
    co_return co_await run(std::make_shared<WsConnection<detail::TlsSocket>>(slot, stats, strand, transport_options(),
                                                                             session_config(), standby, tls));
  }
  co_return co_await run(std::make_shared<WsConnection<detail::PlainSocket>>(slot, stats, strand, transport_options(),
                                                                             session_config(), standby));
}

asio::awaitable<void> WsClient::Impl::standby_attempt(std::shared_ptr<Impl> self, std::size_t index,
                                                      std::weak_ptr<WsConnectionBase> origin) {
  (void)self;
  WsSlot& slot = *slots[index];
  ++slot.attempts;
  bool promoted = false;
  const WsOutcome out = co_await connect_and_run(slot, true, &promoted);
  auto old = origin.lock();
  if (!promoted && !stopped && !paused) {
    log(LogLevel::warn, "ws[" + std::to_string(index) +
                            "] token rotation: the fresh connection ended before the handover (" +
                            std::string(to_string(out.reason)) + ": " + out.detail + ")");
  }
  if (!promoted && old && old == slot.conn && !stopped && !paused) {
    // The fresh connection failed: the old one closes now and the slot reconnects as usual.
    old->rotation_failed(std::string(to_string(out.reason)) + ": " + out.detail);
  }
}

asio::awaitable<WsOutcome> WsClient::Impl::attempt(WsSlot& slot) {
  WsOutcome out = co_await connect_and_run(slot, false);
  // Make-before-break: the connection closed for a fresh one that is subscribed; follow it.
  while (out.reason == WsReason::token_rotation && slot.standby && slot.standby->ready_for_handover() && !stopped &&
         !paused) {
    std::shared_ptr<WsConnectionBase> next = std::move(slot.standby);
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

// ---- the slot as its connections' host ----

void WsSlot::went_live(const WsClientSession& session) {
  if (session.is_standby()) {
    log(LogLevel::info,
        "token rotation: the fresh connection is live; subscribing " + std::to_string(topics_.size()) + " topics");
    return;
  }
  impl.emit_state(
      *this, WsState::live, WsReason::none, {}, 0, 0,
      "ping every " + ms_text(session.ping_interval()) + ", pong within " + ms_text(session.ping_timeout()));
}

// Topic events count for the topics still assigned here (one may have moved or gone meanwhile);
// a refused one leaves the slot.
void WsSlot::topics_changed(const WsTopicsChanged& t) {
  for (const DataTopic& d : t.topics) {
    switch (t.status) {
      case WsTopicStatus::subscribed:
      case WsTopicStatus::lost:
        if (impl.assigned_here(d.text, index)) impl.emit_topic(index, d.text, t.status, t.reason, t.code, t.detail);
        break;
      case WsTopicStatus::rejected:
        if (!impl.assigned_here(d.text, index)) break;
        std::erase_if(topics_, [&](const DataTopic& x) { return x.text == d.text; });
        impl.topic_slot.erase(d.text);
        impl.emit_topic(index, d.text, t.status, t.reason, t.code, t.detail);
        break;
      case WsTopicStatus::unsubscribed:
      case WsTopicStatus::failed: impl.emit_topic(index, d.text, t.status, t.reason, t.code, t.detail); break;
    }
  }
}

void WsSlot::error_frame(const WsErrorFrameSeen& e) { impl.emit_error(index, e); }

void WsSlot::deliver(const WsInbound& in, std::string_view text, Clock::time_point received) {
  impl.deliver(index, in, text, received);
}

void WsSlot::standby_wanted() { impl.start_standby(*this); }

void WsSlot::standby_ready() { impl.standby_ready(*this); }

void WsSlot::log(LogLevel level, const std::string& line) {
  impl.log(level, "ws[" + std::to_string(index) + "] " + line);
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

// Validates topics and lists their data topics, each once (in order).
Result<std::vector<DataTopic>> expand_topics(std::span<const std::string> topics) {
  std::vector<DataTopic> out;
  std::unordered_set<std::string> seen;
  for (const std::string& t : topics) {
    auto p = parse_topic(t);
    if (!p) return Unexpected{p.error()};
    if (auto r = check_symbol_rule(*p); !r) return Unexpected{std::move(r).error()};
    for (DataTopic& d : expand_topic(*p)) {
      if (seen.insert(d.text).second) out.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace

Result<void> WsClient::subscribe(std::span<const std::string> topics) {
  auto data = expand_topics(topics);
  if (!data) return Unexpected{data.error()};
  asio::post(impl_->strand, [impl = impl_, d = std::move(*data)]() mutable { impl->add_topics(std::move(d)); });
  return {};
}

Result<void> WsClient::subscribe(std::string_view topic) {
  const std::string t(topic);
  return subscribe(std::span<const std::string>(&t, 1));
}

Result<void> WsClient::unsubscribe(std::span<const std::string> topics) {
  auto data = expand_topics(topics);
  if (!data) return Unexpected{data.error()};
  asio::post(impl_->strand, [impl = impl_, d = std::move(*data)]() mutable { impl->remove_topics(std::move(d)); });
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

asio::any_io_executor WsClientAccess::executor(WsClient& client) { return client.impl_->strand; }

bool WsClientAccess::running_in_executor(const WsClient& client) {
  const asio::any_io_executor& ex = client.impl_->strand;
  if (const auto* s = ex.target<asio::strand<asio::io_context::executor_type>>()) return s->running_in_this_thread();
  if (const auto* e = ex.target<asio::io_context::executor_type>()) return e->running_in_this_thread();
  return false;
}

}  // namespace kucoin::net
