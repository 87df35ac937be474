#include "kucoin/mock/ws_logic.hpp"

#include <algorithm>
#include <cstdio>
#include <variant>

namespace kucoin::mock {

namespace {

std::string error_reply(std::string_view id, bool has_id, int code, std::string_view data) {
  ErrorFrame e;
  if (has_id) e.id = id;
  e.code = code;
  e.data = data;
  return frame_json(e);
}

}  // namespace

WsSessionLogic::WsSessionLogic(WsLimits limits, bool private_token, std::vector<std::string> symbols,
                               kucoin::Market venue)
    : limits_(limits), private_token_(private_token), venue_(venue), symbols_(std::move(symbols)) {
  std::sort(symbols_.begin(), symbols_.end());
}

bool WsSessionLogic::holds(std::string_view topic) const {
  return std::any_of(topics_.begin(), topics_.end(), [&](const DataTopic& t) { return t.text == topic; });
}

WsFrameOutcome WsSessionLogic::on_text(std::string_view frame) {
  auto decoded = decoder_.decode_client(frame);
  if (!decoded) {
    const ClientFrameError& err = decoded.error();
    WsFrameOutcome out;
    out.kind = WsFrameOutcome::Kind::invalid;
    if (err.id) out.id = *err.id;
    out.rejected = true;
    out.error_code = err.reply_code;
    out.reply = frame_json(err.reply());
    return out;
  }
  if (const auto* ping = std::get_if<PingFrame>(&*decoded)) {
    WsFrameOutcome out;
    out.kind = WsFrameOutcome::Kind::ping;
    out.id = std::string(ping->id);
    out.reply = frame_json(PongFrame{ping->id});
    return out;
  }
  if (const auto* sub = std::get_if<SubscribeFrame>(&*decoded)) return subscribe(*sub);
  return unsubscribe(std::get<UnsubscribeFrame>(*decoded));
}

bool WsSessionLogic::expand(std::string_view topic, std::string_view id, std::vector<DataTopic>& topics,
                            WsFrameOutcome& out) {
  auto not_found = [&](std::string_view what) {
    out.rejected = true;
    out.error_code = 404;
    out.reply = error_reply(id, true, 404, "topic " + std::string(what) + " is not found");
    return false;
  };
  auto parsed = parse_topic(topic);
  if (!parsed) return not_found(topic);
  const ChannelInfo* info = find_channel(parsed->channel);
  if (info == nullptr || info->market != venue_ || !check_symbol_rule(*parsed)) return not_found(topic);
  if (info->is_private && !private_token_) {
    out.rejected = true;
    out.error_code = 403;
    out.reply = error_reply(id, true, 403, "private topic " + parsed->str() + " needs a private token");
    return false;
  }
  if (parsed->symbols.size() > limits_.max_symbols_per_request) {
    out.rejected = true;
    out.error_code = 509;
    out.reply = error_reply(
        id, true, 509,
        "exceed max subscription count limitation of " + std::to_string(limits_.max_symbols_per_request) + " per time");
    return false;
  }
  for (DataTopic& t : expand_topic(*parsed)) {
    if (!t.symbol.empty()) {
      std::string_view listed = t.symbol;
      if (t.channel == channels::kCandles) {
        auto key = split_candle_symbol(t.symbol);
        if (!key) return not_found(t.text);
        listed = key->symbol;
      }
      const bool all = t.symbol == "all" && t.channel == channels::kTicker;
      if (!all && !std::binary_search(symbols_.begin(), symbols_.end(), listed, std::less<>()))
        return not_found(t.text);
    }
    topics.push_back(std::move(t));
  }
  return true;
}

WsFrameOutcome WsSessionLogic::subscribe(const SubscribeFrame& f) {
  WsFrameOutcome out;
  out.kind = WsFrameOutcome::Kind::subscribe;
  out.id = std::string(f.id);
  std::vector<DataTopic> wanted;  // each symbol once (expand_topic)
  if (!expand(f.topic, f.id, wanted, out)) return out;
  std::vector<DataTopic> fresh;
  for (DataTopic& t : wanted) {
    if (!holds(t.text)) fresh.push_back(std::move(t));
  }
  if (limits_.max_topics_per_connection != 0 && topics_.size() + fresh.size() > limits_.max_topics_per_connection) {
    out.rejected = true;
    out.error_code = 509;
    out.reply = error_reply(f.id, true, 509,
                            "exceed max subscription count limitation of " +
                                std::to_string(limits_.max_topics_per_connection) + " per session");
    return out;
  }
  for (const DataTopic& t : fresh) topics_.push_back(t);
  out.added = std::move(fresh);
  if (f.response) out.reply = frame_json(AckFrame{f.id});
  return out;
}

WsFrameOutcome WsSessionLogic::unsubscribe(const UnsubscribeFrame& f) {
  WsFrameOutcome out;
  out.kind = WsFrameOutcome::Kind::unsubscribe;
  out.id = std::string(f.id);
  std::vector<DataTopic> wanted;
  if (!expand(f.topic, f.id, wanted, out)) return out;
  for (const DataTopic& t : wanted) {
    auto it = std::find_if(topics_.begin(), topics_.end(), [&](const DataTopic& x) { return x.text == t.text; });
    if (it == topics_.end()) continue;
    out.removed.push_back(std::move(*it));
    topics_.erase(it);
  }
  if (f.response) out.reply = frame_json(AckFrame{f.id});
  return out;
}

std::string welcome_frame(std::string_view connect_id) { return frame_json(WelcomeFrame{connect_id}); }

std::string token_expired_frame() { return frame_json(ErrorFrame{std::nullopt, 401, "token is expired"}); }

std::string token_fingerprint(std::string_view token) {
  // FNV-1a 64, folded to 32 bits: enough to tell tokens apart in a log, useless to rebuild one.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : token) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>((h >> 32) ^ (h & 0xffffffffU)));
  return "tok:" + std::string(buf);
}

}  // namespace kucoin::mock
