#include "kucoin/protocol/ws_client_session.hpp"

#include <algorithm>
#include <charconv>

#include "kucoin/protocol/l2_codec.hpp"  // kJsonPadding
#include "kucoin/protocol/ws_peek.hpp"

namespace kucoin {

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

bool is_retryable(WsReason r) noexcept {
  switch (r) {
    case WsReason::token_failed:
    case WsReason::connect_failed:
    case WsReason::upgrade_rejected:
    case WsReason::welcome_timeout:
    case WsReason::protocol_error:
    case WsReason::ping_timeout:
    case WsReason::ack_timeout:
    case WsReason::token_expired:
    case WsReason::error_frame:
    case WsReason::closed_by_server:
    case WsReason::transport_error:
    case WsReason::token_rotation: return true;
    case WsReason::none:
    case WsReason::auth_error:
    case WsReason::paused:
    case WsReason::stopped:
    case WsReason::unsubscribed: return false;
  }
  return false;
}

bool is_configuration_error(WsReason r) noexcept { return r == WsReason::auth_error; }

bool needs_resync(WsReason r) noexcept {
  // Every ending loses what the server sends until the resubscription; a rotation that handed
  // over reports no lost topic (and `live`, not an ending). An unsubscribed topic has no stream.
  return r != WsReason::none && r != WsReason::unsubscribed;
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

std::string_view to_string(WsSessionState s) noexcept {
  switch (s) {
    case WsSessionState::awaiting_welcome: return "awaiting_welcome";
    case WsSessionState::live: return "live";
    case WsSessionState::rotating: return "rotating";
    case WsSessionState::handing_over: return "handing_over";
    case WsSessionState::draining: return "draining";
    case WsSessionState::standby: return "standby";
    case WsSessionState::ended: return "ended";
  }
  return "unknown";
}

namespace {

std::string ms_text(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

std::string excerpt(std::string_view s) { return std::string(s.substr(0, 200)); }

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

WsClientSession::WsClientSession(WsSessionConfig config, WsSessionSetup setup, WsTime now)
    : config_(config),
      setup_(std::move(setup)),
      standby_(setup_.standby),
      welcome_deadline_(now + config_.welcome_timeout) {
  setup_.ping_interval = std::max(setup_.ping_interval, std::chrono::milliseconds(1));
  setup_.ping_timeout = std::max(setup_.ping_timeout, std::chrono::milliseconds(1));
}

WsSessionOutput WsClientSession::take_output() {
  WsSessionOutput o = std::move(out_);
  out_ = WsSessionOutput{};
  return o;
}

void WsClientSession::log(LogLevel level, std::string line) {
  out_.events.emplace_back(WsLogLine{level, std::move(line)});
}

std::string WsClientSession::token_age_text() const { return ms_text(setup_.rotate_after); }

WsTime WsClientSession::next_deadline() const noexcept {
  switch (state_) {
    case WsSessionState::ended: return WsTime::max();
    case WsSessionState::awaiting_welcome: return welcome_deadline_;
    default: break;
  }
  WsTime at = next_ping_;
  if (!pings_.empty()) at = std::min(at, pings_.front().deadline);
  for (const auto& [id, rq] : requests_) {
    if (!rq.handover) at = std::min(at, rq.deadline);
  }
  if (state_ == WsSessionState::live || state_ == WsSessionState::rotating) at = std::min(at, rotate_at_);
  if (state_ == WsSessionState::handing_over) at = std::min(at, handover_at_);
  if (state_ == WsSessionState::draining) at = std::min(at, drain_deadline_);
  return at;
}

// ---- frames ----

bool WsClientSession::on_frame(std::string_view text, WsTime now, WsInbound& data) {
  std::string_view topic;
  if (peek_data_message(text, topic)) return on_data(text, topic, now, data);
  auto frame = decoder_.decode_server(text);
  if (!frame) {
    if (state_ == WsSessionState::awaiting_welcome) {
      end(WsReason::protocol_error, "first frame is not JSON: " + frame.error().message, 0, false);
      return false;
    }
    ++out_.bad_frames;
    log(LogLevel::warn, "undecodable frame (" + std::to_string(text.size()) + " bytes): " + frame.error().message);
    return false;
  }
  if (state_ == WsSessionState::awaiting_welcome) {
    if (const auto* w = std::get_if<WelcomeFrame>(&*frame)) {
      on_welcome(*w, now);
    } else if (const auto* e = std::get_if<ErrorFrame>(&*frame)) {
      out_.events.emplace_back(WsErrorFrameSeen{
          e->id ? std::optional<std::string>(*e->id) : std::nullopt, e->code, std::string(e->data), {}});
      end(e->code == 401 ? WsReason::token_expired : WsReason::error_frame,
          "error frame instead of welcome: " + std::to_string(e->code) + " " + excerpt(e->data), e->code, false);
    } else {
      end(WsReason::protocol_error, "first frame is not a welcome", 0, false);
    }
    return false;
  }
  bool deliver = false;
  std::visit(Overloaded{
                 [&](const DataMessage& m) { deliver = on_data(text, m.topic, now, data); },
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
  return deliver;
}

bool WsClientSession::on_data(std::string_view text, std::string_view topic, WsTime now, WsInbound& data) {
  if (state_ == WsSessionState::awaiting_welcome) {
    end(WsReason::protocol_error, "first frame is not a welcome", 0, false);
    return false;
  }
  if (!standby_) {
    const TopicView v = split_topic(topic);
    data = WsInbound{topic, v.channel, v.symbols};
    return true;
  }
  if (ended()) return false;
  held_bytes_ += text.size() + kJsonPadding;
  if (held_bytes_ > config_.rotation_buffer_bytes) {
    end(WsReason::token_rotation,
        "the fresh connection held more than " + std::to_string(config_.rotation_buffer_bytes) +
            " bytes while the old one was still delivering",
        0, false);
    return false;
  }
  WsHeldFrame h;
  h.text.reserve(text.size() + kJsonPadding);
  h.text.assign(text);
  h.text.append(kJsonPadding, '\0');
  h.size = text.size();
  h.topic.assign(topic);
  h.received = now;
  held_.push_back(std::move(h));
  return false;
}

void WsClientSession::on_welcome(const WelcomeFrame& w, WsTime now) {
  if (w.id != setup_.connect_id) log(LogLevel::warn, "welcome id differs from the connectId sent");
  state_ = standby_ ? WsSessionState::standby : WsSessionState::live;
  live_since_ = now;
  next_ping_ = now + setup_.ping_interval;
  if (setup_.rotate_after.count() > 0) rotate_at_ = setup_.token_time + setup_.rotate_after;
  out_.events.emplace_back(WsWentLive{});
}

void WsClientSession::on_pong(std::string_view id) {
  ++out_.pongs;
  std::uint64_t n = 0;
  const auto r = std::from_chars(id.data(), id.data() + id.size(), n);
  auto it = pings_.end();
  if (r.ec == std::errc() && r.ptr == id.data() + id.size()) {
    it = std::find_if(pings_.begin(), pings_.end(), [n](const PendingPing& p) { return p.id == n; });
  }
  if (it == pings_.end()) {
    log(LogLevel::debug, "pong with an id we did not send or already saw");
    return;
  }
  pings_.erase(pings_.begin(), it + 1);  // the pong for a ping also vouches for the earlier ones
}

void WsClientSession::on_ack(std::string_view id) {
  auto it = requests_.find(std::string(id));
  if (it == requests_.end()) {
    log(LogLevel::debug, "ack for an unknown request id");
    return;
  }
  PendingRequest rq = std::move(it->second);
  requests_.erase(it);
  if (rq.handover) {
    handover_answered();
    return;
  }
  if (standby_) {  // the topics are live on the old connection already: nothing to report
    check_ready();
    return;
  }
  WsTopicsChanged ev;
  ev.status = rq.subscribe ? WsTopicStatus::subscribed : WsTopicStatus::unsubscribed;
  ev.reason = rq.subscribe ? WsReason::none : WsReason::unsubscribed;
  ev.topics = std::move(rq.data_topics);
  out_.events.emplace_back(std::move(ev));
}

void WsClientSession::on_error_frame(const ErrorFrame& e) {
  auto it = e.id ? requests_.find(std::string(*e.id)) : requests_.end();
  auto seen = [&](std::string request_topic) {
    out_.events.emplace_back(WsErrorFrameSeen{e.id ? std::optional<std::string>(*e.id) : std::nullopt, e.code,
                                              std::string(e.data), std::move(request_topic)});
  };
  if (e.code == 401) {
    // The session's token is no good (KuCoin: "token is expired"), whatever request it answers:
    // reconnect with a fresh one; pending subscriptions are sent again there.
    seen(it == requests_.end() ? std::string() : it->second.topic);
    end(WsReason::token_expired, "error frame 401: " + excerpt(e.data), 401, false);
    return;
  }
  if (it == requests_.end()) {
    seen({});
    log(LogLevel::warn, "error frame " + std::to_string(e.code) + ": " + excerpt(e.data));
    return;
  }
  if (it->second.handover) {  // a refused unsubscribe still ends that topic here
    seen(it->second.topic);
    requests_.erase(it);
    handover_answered();
    return;
  }
  if (standby_) {  // the old connection keeps its topics; the rotation falls back to break-before-make
    end(WsReason::error_frame,
        "the fresh connection's request " + it->second.topic + " was refused: " + std::to_string(e.code) + " " +
            excerpt(e.data),
        e.code, false);
    return;
  }
  PendingRequest rq = std::move(it->second);
  requests_.erase(it);
  seen(rq.topic);
  log(LogLevel::warn, std::string(rq.subscribe ? "subscribe " : "unsubscribe ") + rq.topic +
                          " refused: " + std::to_string(e.code) + " " + excerpt(e.data));
  if (!rq.subscribe) return;
  WsTopicsChanged ev;
  ev.status = WsTopicStatus::rejected;
  ev.reason = WsReason::error_frame;
  ev.code = e.code;
  ev.detail = std::string(e.data);
  ev.topics = std::move(rq.data_topics);
  out_.events.emplace_back(std::move(ev));
}

// ---- time ----

void WsClientSession::on_tick(WsTime now) {
  if (ended()) return;
  if (state_ == WsSessionState::awaiting_welcome) {
    if (now >= welcome_deadline_) {
      end(WsReason::welcome_timeout, "no welcome within " + ms_text(config_.welcome_timeout) + " of the upgrade", 0,
          false);
    }
    return;
  }
  if (!pings_.empty() && now >= pings_.front().deadline) {
    end(WsReason::ping_timeout,
        "no pong for ping " + std::to_string(pings_.front().id) + " within " + ms_text(setup_.ping_timeout), 0, false);
    return;
  }
  for (const auto& [id, rq] : requests_) {
    if (!rq.handover && now >= rq.deadline) {  // drain_deadline covers the handover requests
      end(WsReason::ack_timeout,
          "no ack for " + std::string(rq.subscribe ? "subscribe " : "unsubscribe ") + rq.topic + " within " +
              ms_text(config_.ack_timeout),
          0, false);
      return;
    }
  }
  if (state_ == WsSessionState::handing_over && now >= handover_at_) {
    begin_drain(now);
    if (ended()) return;
  }
  if (state_ == WsSessionState::draining && now >= drain_deadline_) {
    finish_drain("the unsubscribe was not acked within " + ms_text(config_.ack_timeout));
    return;
  }
  // A standby does not rotate itself: once promoted it rotates at once if its token is due.
  if (state_ == WsSessionState::live && now >= rotate_at_) {
    if (config_.make_before_break) {
      state_ = WsSessionState::rotating;
      rotate_at_ = now + config_.rotation_timeout;
      log(LogLevel::info, "token rotation: the token is " + token_age_text() +
                              " old; opening a fresh connection before closing this one");
      out_.events.emplace_back(WsStandbyWanted{});
    } else {
      end(WsReason::token_rotation, "the token is " + token_age_text() + " old", 0, true);
      return;
    }
  } else if (state_ == WsSessionState::rotating && now >= rotate_at_) {
    end(WsReason::token_rotation,
        "no fresh connection ready within " + ms_text(config_.rotation_timeout) + " (the token is " + token_age_text() +
            " old)",
        0, true);
    return;
  }
  if (now >= next_ping_) {
    send_ping(now);
    next_ping_ = now + setup_.ping_interval;
  }
}

void WsClientSession::send_ping(WsTime now) {
  const std::uint64_t id = ++next_id_;
  out_.send.push_back(frame_json(PingFrame{std::to_string(id)}));
  ++out_.pings;
  pings_.push_back({id, now + setup_.ping_timeout});
}

// ---- requests ----

void WsClientSession::subscribe(std::span<const DataTopic> topics, WsTime now) {
  if (!is_live()) return;
  send_requests(true, topics, now, false);
  check_ready();
}

void WsClientSession::unsubscribe(std::span<const DataTopic> topics, WsTime now) {
  if (!is_live()) return;
  send_requests(false, topics, now, false);
}

void WsClientSession::send_requests(bool subscribe, std::span<const DataTopic> topics, WsTime now, bool handover) {
  const WsTime deadline = handover ? drain_deadline_ : now + config_.ack_timeout;
  for (TopicRequest& r : group_requests(topics, config_.max_symbols_per_request)) {
    const std::string id = std::to_string(++next_id_);
    if (subscribe) {
      out_.send.push_back(frame_json(SubscribeFrame{id, r.topic, r.is_private, true}));
      for (const DataTopic& t : r.data_topics) {
        if (requested_set_.insert(t.text).second) requested_.push_back(t);
      }
    } else {
      out_.send.push_back(frame_json(UnsubscribeFrame{id, r.topic, r.is_private, true}));
    }
    requests_.emplace(id, PendingRequest{subscribe, std::move(r.topic), std::move(r.data_topics), deadline, handover});
  }
}

// ---- rotation ----

void WsClientSession::check_ready() {
  if (!standby_ || ready_ || !is_live()) return;
  for (const auto& [id, rq] : requests_) {
    if (rq.subscribe) return;
  }
  ready_ = true;
  out_.events.emplace_back(WsStandbyReady{});
}

void WsClientSession::hand_over_after(std::chrono::milliseconds overlap, WsTime now) {
  if (!is_live() || standby_) return;
  state_ = WsSessionState::handing_over;
  handover_at_ = now + overlap;
}

// Handing over, the old session unsubscribes everything and reads until the acks: every data
// frame the server sent before them is delivered. (A close handshake would not do: a WebSocket
// close discards the data frames that arrive after our close frame.)
void WsClientSession::begin_drain(WsTime now) {
  state_ = WsSessionState::draining;
  drain_deadline_ = now + config_.ack_timeout;
  if (requested_.empty()) {
    finish_drain("nothing was subscribed");
    return;
  }
  const std::vector<DataTopic> all = requested_;
  send_requests(false, all, now, true);
}

void WsClientSession::finish_drain(std::string_view how) {
  handed_over_ = true;
  end(WsReason::token_rotation,
      "handed over to a fresh connection (" + std::string(how) + "; the token is " + token_age_text() + " old)", 0,
      true);
}

// An ack or refusal of a handover unsubscribe: once all are in, the old session closes.
void WsClientSession::handover_answered() {
  for (const auto& [id, rq] : requests_) {
    if (rq.handover) return;
  }
  if (state_ == WsSessionState::draining) finish_drain("every topic unsubscribed here");
}

void WsClientSession::promote(WsTime /*now*/) {
  if (!standby_) return;
  standby_ = false;
  if (state_ == WsSessionState::standby) state_ = WsSessionState::live;
  log(LogLevel::info, "token rotation: handed over to the fresh connection (" + std::to_string(held_.size()) +
                          " frames it held delivered after the old connection's last frame)");
  for (WsHeldFrame& h : held_) out_.deliver.push_back(std::move(h));
  held_.clear();
  held_bytes_ = 0;
}

void WsClientSession::rotation_failed(std::string_view why) {
  handed_over_ = false;  // its topics are lost after all
  handover_at_ = WsTime::max();
  drain_deadline_ = WsTime::max();
  if (ended()) return;
  end(WsReason::token_rotation, "the fresh connection for the rotation failed (" + std::string(why) + "); reconnecting",
      0, true);
}

// ---- the end ----

void WsClientSession::end(WsReason reason, std::string detail, int code, bool graceful) {
  if (ended()) return;
  const bool was_live = is_live();
  state_ = WsSessionState::ended;
  end_ = WsSessionEnd{reason, std::move(detail), code, graceful && was_live};
  out_.end = end_;
}

std::optional<std::chrono::milliseconds> WsClientSession::finish(WsTime now) {
  std::optional<std::chrono::milliseconds> live_for;
  if (live_since_) {
    const WsSessionEnd e = end_.value_or(WsSessionEnd{});
    // Everything read from this session was delivered; now the topics' streams end (unless a
    // fresh connection took them over, or this was a standby that never delivered).
    if (!handed_over_ && !standby_ && !requested_.empty()) {
      out_.events.emplace_back(WsTopicsChanged{WsTopicStatus::lost, e.reason, e.code, e.detail, requested_});
    }
    for (auto& [id, rq] : requests_) {
      if (rq.subscribe || rq.handover) continue;
      out_.events.emplace_back(
          WsTopicsChanged{WsTopicStatus::unsubscribed, WsReason::unsubscribed, 0, "connection ended", rq.data_topics});
    }
    live_for = std::chrono::duration_cast<std::chrono::milliseconds>(now - *live_since_);
  }
  requests_.clear();
  return live_for;
}

}  // namespace kucoin
