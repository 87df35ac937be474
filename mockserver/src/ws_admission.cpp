#include "kucoin/mock/ws_admission.hpp"

#include "kucoin/mock/ws_logic.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "kucoin/protocol/ws_url.hpp"

namespace kucoin::mock {

WsAdmissions::WsAdmissions(std::string path, WsFaults faults, std::uint64_t seed)
    : path_(std::move(path)),
      faults_(faults),
      refuse_left_(faults_.refuse_upgrade_count),
      no_welcome_left_(faults_.no_welcome_count),
      rng_(seed) {}

void WsAdmissions::set_faults(WsFaults faults) {
  refuse_left_ = faults.refuse_upgrade_count;
  no_welcome_left_ = faults.no_welcome_count;
  faults_ = faults;
}

WsAdmission WsAdmissions::admit(std::string_view target, const RestService& tokens, kucoin::Market venue) {
  WsAdmission a;
  a.connection = ++next_connection_;
  a.faults = faults_;
  auto refuse = [&a](int status, std::string_view code, std::string_view msg) {
    a.status = status;
    a.body.clear();
    encode_error_body(code, msg, a.body);
  };
  auto parsed = parse_connect_target(target);
  if (!parsed) {
    refuse(400, "400100", "bad connect URL: " + parsed.error().message);
  } else {
    if (parsed->connect_id) a.sent_connect_id = *parsed->connect_id;
    if (parsed->token) {
      a.token = *parsed->token;
      a.fingerprint = token_fingerprint(a.token);
    }
    if (parsed->path != path_ && parsed->path != "/") {
      refuse(404, "404000", "Not Found");
    } else if (a.faults.refuse_upgrade_status != 0 && refuse_left_ != 0) {
      if (refuse_left_ > 0) --refuse_left_;
      refuse(a.faults.refuse_upgrade_status, std::to_string(a.faults.refuse_upgrade_status) + "000",
             "upgrade refused (mock fault)");
    } else if (a.token.empty()) {
      refuse(401, "401000", "token is missing");
    } else if (auto info = tokens.token_info(a.token); !info || info->venue != venue) {
      refuse(401, "401000", "token is invalid");
    } else {
      a.private_token = info->private_token;
      a.expires_ms = info->expires_ms;
    }
  }
  if (a.accepted() && a.faults.no_welcome) {  // the first no_welcome_count upgraded sessions
    if (no_welcome_left_ == 0) {
      a.faults.no_welcome = false;
    } else if (no_welcome_left_ > 0) {
      --no_welcome_left_;
    }
  }
  if (!a.sent_connect_id.empty()) {
    a.connect_id = a.sent_connect_id;
  } else {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 10; ++i) a.connect_id += kAlphabet[rng_.below(62)];
  }
  WsConnectionRecord rec;
  rec.connection = a.connection;
  rec.connect_id = a.sent_connect_id;
  rec.token = a.fingerprint;
  rec.private_token = a.private_token;
  rec.status = a.status;
  if (!a.accepted()) rec.close_reason = "refused";
  records_.push_back(std::move(rec));
  return a;
}

WsConnectionRecord* WsAdmissions::record(std::uint64_t connection) {
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    if (it->connection == connection) return &*it;
  }
  return nullptr;
}

void WsAdmissions::closing(std::uint64_t connection, std::string_view reason) {
  if (WsConnectionRecord* r = record(connection); r != nullptr && r->close_reason.empty()) r->close_reason = reason;
}

void WsAdmissions::ended(std::uint64_t connection, std::string_view reason, std::uint64_t frames_sent,
                         std::uint64_t frames_dropped) {
  WsConnectionRecord* r = record(connection);
  if (r == nullptr) return;
  if (r->close_reason.empty()) r->close_reason = reason;
  r->frames_sent = frames_sent;
  r->frames_dropped = frames_dropped;
}

}  // namespace kucoin::mock
