#include "json_error.hpp"
#include "kucoin/core/decimal.hpp"
#include "kucoin/protocol/ws_codec.hpp"

#include <simdjson.h>

#include <charconv>
#include <climits>

#include "kucoin/protocol/ws_topic.hpp"

namespace kucoin {

namespace od = simdjson::ondemand;

namespace {

// The decoder's helpers return true on success and fill `err` only on failure, so the success path
// never builds an Error (a Result<T> per field costs more than reading the field).

bool json_fail(Error& err, simdjson::error_code e, std::string_view where) {
  err = detail::json_error(e, where);
  return false;
}

bool fail_with(Error& err, Errc code, std::string message) {
  err.code = code;
  err.message = std::move(message);
  return false;
}

// Quoted, shortened copy of untrusted text for error messages.
// The length of the valid UTF-8 sequence at the start of `s`, or 0 when it is not one (RFC 3629:
// no overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t utf8_sequence(std::string_view s) noexcept {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n || b(1) < lo || b(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (b(i) < 0x80 || b(i) > 0xBF) return 0;
  }
  return n;
}

// An excerpt of outside bytes for an error message, in quotes: at most `max` bytes, cut between
// characters, and every byte that is not valid UTF-8 shown as '?', so that the message (which the
// mock sends back in an error frame) is always valid UTF-8 JSON text.
std::string quoted(std::string_view s, std::size_t max = 48) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8_sequence(s.substr(i));
    if (i + std::max<std::size_t>(n, 1) > max) break;
    if (n == 0) {
      out += '?';
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  if (i < s.size()) out += "...";
  out += '"';
  return out;
}

bool type_fail(Error& err, std::string_view where, std::string_view expected) {
  return fail_with(err, Errc::wrong_type, std::string(where) + ": expected " + std::string(expected));
}

constexpr bool is_json_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_json_space(std::string_view s) noexcept {
  while (!s.empty() && is_json_space(s.back())) s.remove_suffix(1);
  while (!s.empty() && is_json_space(s.front())) s.remove_prefix(1);
  return s;
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// JSON number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
bool is_json_number(std::string_view s) noexcept {
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n || !is_digit(s[i])) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (i < n && is_digit(s[i])) ++i;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (i >= n || !is_digit(s[i])) return false;
    while (i < n && is_digit(s[i])) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= n || !is_digit(s[i])) return false;
    while (i < n && is_digit(s[i])) ++i;
  }
  return i == n;
}

// Whether text that is not a JSON object is some other JSON value (an error of type, not of syntax).
bool looks_like_json_value(std::string_view frame) noexcept {
  const std::string_view s = trim_json_space(frame);
  if (s.empty()) return false;
  switch (s.front()) {
    case '[': return s.back() == ']';
    case '"': return s.size() >= 2 && s.back() == '"';
    case 't': return s == "true";
    case 'f': return s == "false";
    case 'n': return s == "null";
    default: return is_json_number(s);
  }
}

// An optional '-' then digits only: an integer literal (possibly beyond int64).
bool is_integer_literal(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

bool type_of(od::value& v, od::json_type& t, Error& err, std::string_view where) {
  if (auto e = v.type().get(t)) return json_fail(err, e, where);
  return true;
}

bool read_string(od::value& v, std::string_view& out, Error& err, std::string_view where) {
  if (auto e = v.get_string().get(out)) return json_fail(err, e, where);
  return true;
}

// An id: a string (its value) or a number (its exact JSON text). Null counts as absent.
bool read_id(od::value& v, std::optional<std::string_view>& out, Error& err) {
  od::json_type t{};
  if (!type_of(v, t, err, "id")) return false;
  switch (t) {
    case od::json_type::string: {
      std::string_view s;
      if (!read_string(v, s, err, "id")) return false;
      out = s;
      return true;
    }
    case od::json_type::number: {
      const std::string_view tok = trim_json_space(v.raw_json_token());
      if (!is_json_number(tok)) return fail_with(err, Errc::bad_number, "id: malformed number " + quoted(tok));
      out = tok;
      return true;
    }
    case od::json_type::null: out.reset(); return true;
    default: return type_fail(err, "id", "a string or a number");
  }
}

// An optional string: null counts as absent.
bool read_optional_string(od::value& v, std::optional<std::string_view>& out, Error& err, std::string_view where) {
  od::json_type t{};
  if (!type_of(v, t, err, where)) return false;
  if (t == od::json_type::null) {
    out.reset();
    return true;
  }
  if (t != od::json_type::string) return type_fail(err, where, "a string");
  std::string_view s;
  if (!read_string(v, s, err, where)) return false;
  out = s;
  return true;
}

// A JSON integer, or a string holding one (lenient). Null counts as absent.
bool read_optional_int(od::value& v, std::optional<std::int64_t>& out, Error& err, std::string_view where) {
  od::json_type t{};
  if (!type_of(v, t, err, where)) return false;
  std::int64_t n = 0;
  switch (t) {
    case od::json_type::number:
      if (auto e = v.get_int64().get(n)) {
        const std::string_view tok = trim_json_space(v.raw_json_token());
        if (e == simdjson::INCORRECT_TYPE) {
          if (is_integer_literal(tok)) {
            return fail_with(err, Errc::out_of_range,
                             std::string(where) + ": " + quoted(tok) + " does not fit 64 bits");
          }
          return fail_with(err, Errc::wrong_type, std::string(where) + ": expected an integer, got " + quoted(tok));
        }
        return json_fail(err, e, where);
      }
      out = n;
      return true;
    case od::json_type::string: {
      std::string_view s;
      if (!read_string(v, s, err, where)) return false;
      const char* end = s.data() + s.size();
      auto [ptr, ec] = std::from_chars(s.data(), end, n);
      if (ec == std::errc::result_out_of_range) {
        return fail_with(err, Errc::out_of_range, std::string(where) + ": " + quoted(s));
      }
      if (ec != std::errc() || ptr != end || s.empty()) {
        return fail_with(err, Errc::bad_number, std::string(where) + ": not an integer: " + quoted(s));
      }
      out = n;
      return true;
    }
    case od::json_type::null: out.reset(); return true;
    default: return type_fail(err, where, "an integer");
  }
}

// A boolean, or the string "true"/"false" (lenient). Null counts as absent.
bool read_optional_bool(od::value& v, std::optional<bool>& out, Error& err, std::string_view where) {
  od::json_type t{};
  if (!type_of(v, t, err, where)) return false;
  switch (t) {
    case od::json_type::boolean: {
      bool b = false;
      if (auto e = v.get_bool().get(b)) return json_fail(err, e, where);
      out = b;
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      if (!read_string(v, s, err, where)) return false;
      if (s == "true" || s == "false") {
        out = s == "true";
        return true;
      }
      return fail_with(err, Errc::wrong_type, std::string(where) + ": expected a boolean, got " + quoted(s));
    }
    case od::json_type::null: out.reset(); return true;
    default: return type_fail(err, where, "a boolean");
  }
}

// The raw JSON text of any value, consuming it. Strings also give their unescaped value.
struct RawValue {
  std::string_view raw;
  std::string_view text;  // the unescaped value when is_string
  bool present = false;
  bool is_string = false;
};

bool read_raw(od::value& v, RawValue& out, Error& err, std::string_view where) {
  od::json_type t{};
  if (!type_of(v, t, err, where)) return false;
  out.present = true;
  out.is_string = false;
  switch (t) {
    case od::json_type::object: {
      od::object o;
      if (auto e = v.get_object().get(o)) return json_fail(err, e, where);
      if (auto e = o.raw_json().get(out.raw)) return json_fail(err, e, where);
      out.raw = trim_json_space(out.raw);
      return true;
    }
    case od::json_type::array: {
      od::array a;
      if (auto e = v.get_array().get(a)) return json_fail(err, e, where);
      if (auto e = a.raw_json().get(out.raw)) return json_fail(err, e, where);
      out.raw = trim_json_space(out.raw);
      return true;
    }
    case od::json_type::string:
      out.raw = trim_json_space(v.raw_json_token());
      out.is_string = true;
      return read_string(v, out.text, err, where);
    case od::json_type::number:
      out.raw = trim_json_space(v.raw_json_token());
      if (!is_json_number(out.raw)) {
        return fail_with(err, Errc::bad_number, std::string(where) + ": malformed number " + quoted(out.raw));
      }
      return true;
    case od::json_type::boolean: {
      bool b = false;
      if (auto e = v.get_bool().get(b)) return json_fail(err, e, where);
      out.raw = b ? "true" : "false";
      return true;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return json_fail(err, e, where);
      if (!is_null) return fail_with(err, Errc::parse_error, std::string(where) + ": malformed null");
      out.raw = "null";
      return true;
    }
  }
  return fail_with(err, Errc::parse_error, std::string(where) + ": unknown JSON type");
}

// The envelope members of a server frame, collected in one pass (keys come in any order).
struct ServerFields {
  std::optional<std::string_view> type;
  std::optional<std::string_view> id;
  std::optional<std::string_view> topic;
  std::optional<std::string_view> subject;
  RawValue data;
  std::optional<std::int64_t> sn;
  std::optional<std::int64_t> code;
  std::optional<std::string_view> user_id;
  std::optional<std::string_view> channel_type;
};

struct ClientFields {
  std::optional<std::string_view> type;
  std::optional<std::string_view> id;
  std::optional<std::string_view> topic;
  std::optional<bool> private_channel;
  std::optional<bool> response;
};

bool read_required_string(od::value& v, std::optional<std::string_view>& out, Error& err, std::string_view where) {
  std::string_view s;
  if (!read_string(v, s, err, where)) return false;
  out = s;
  return true;
}

}  // namespace

struct WsDecoder::Impl {
  od::parser parser;
  std::string buffer;  // padded copy of the input; decoded views point here or into the parser
  Error err;           // the failure of the last walk

  // Walks the root object, calling on_field(key, value) -> bool for each member; checks for
  // trailing content. False (with `err` set) on any failure.
  template <class OnField>
  bool walk(std::string_view frame, OnField&& on_field) {
    const std::size_t need = frame.size() + simdjson::SIMDJSON_PADDING;
    if (buffer.capacity() < need) buffer.reserve(need * 2);
    buffer.assign(frame.data(), frame.size());
    od::document doc;
    if (auto e = parser.iterate(buffer.data(), buffer.size(), buffer.capacity()).get(doc)) {
      return json_fail(err, e, "frame");
    }
    od::object obj;
    if (auto e = doc.get_object().get(obj)) {
      if (e == simdjson::INCORRECT_TYPE && !looks_like_json_value(frame)) {
        return fail_with(err, Errc::parse_error, "frame: not JSON");
      }
      return json_fail(err, e, "frame (expected a JSON object)");
    }
    for (auto field_r : obj) {
      od::field field;
      if (auto e = std::move(field_r).get(field)) return json_fail(err, e, "frame");
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return json_fail(err, e, "frame key");
      if (!on_field(key, field.value())) return false;
    }
    // Anything after the root object means the frame is not one JSON value.
    if (const char* loc = nullptr; !doc.current_location().get(loc)) {
      return fail_with(err, Errc::parse_error, "frame: trailing content after the JSON object");
    }
    return true;
  }
};

WsDecoder::WsDecoder() : impl_(std::make_unique<Impl>()) {}
WsDecoder::~WsDecoder() = default;
WsDecoder::WsDecoder(WsDecoder&&) noexcept = default;
WsDecoder& WsDecoder::operator=(WsDecoder&&) noexcept = default;

Result<ServerFrame> WsDecoder::decode_server(std::string_view frame) {
  ServerFields f;
  Error& err = impl_->err;
  const bool walked = impl_->walk(frame, [&f, &err](std::string_view key, od::value& v) -> bool {
    if (key == "type") return read_required_string(v, f.type, err, "type");
    if (key == "topic") return read_required_string(v, f.topic, err, "topic");
    if (key == "subject") return read_required_string(v, f.subject, err, "subject");
    if (key == "data") return read_raw(v, f.data, err, "data");
    if (key == "id") return read_id(v, f.id, err);
    if (key == "sn") return read_optional_int(v, f.sn, err, "sn");
    if (key == "code") return read_optional_int(v, f.code, err, "code");
    if (key == "userId") return read_optional_string(v, f.user_id, err, "userId");
    if (key == "channelType") return read_optional_string(v, f.channel_type, err, "channelType");
    return true;
  });
  if (!walked) return Unexpected<Error>{std::move(err)};
  if (!f.type) return fail(Errc::missing_field, "type");

  const std::string_view type = *f.type;
  const std::string_view id = f.id.value_or(std::string_view{});
  if (type == "message") {
    if (!f.topic) return fail(Errc::missing_field, "topic");
    if (!f.data.present) return fail(Errc::missing_field, "data");
    const TopicView tv = split_topic(*f.topic);
    // Braces, not in_place_type with the members: clang 14 (the fuzz build) has no
    // parenthesized aggregate initialization.
    return ServerFrame{DataMessage{*f.topic, tv.channel, tv.symbols, f.subject.value_or(std::string_view{}), f.data.raw,
                                   f.sn, f.id, f.user_id, f.channel_type}};
  }
  if (type == "pong") return ServerFrame{PongFrame{id}};
  if (type == "ack") return ServerFrame{AckFrame{id}};
  if (type == "welcome") return ServerFrame{WelcomeFrame{id}};
  if (type == "error") {
    ErrorFrame ef;
    ef.id = f.id;
    if (f.code) {
      if (*f.code < INT_MIN || *f.code > INT_MAX) {
        return fail(Errc::out_of_range, "code: " + std::to_string(*f.code) + " does not fit an int");
      }
      ef.code = static_cast<int>(*f.code);
    }
    if (f.data.present) ef.data = f.data.is_string ? f.data.text : f.data.raw;
    return ServerFrame{ef};
  }
  const std::string_view topic = f.topic.value_or(std::string_view{});
  const std::string_view subject = f.subject.value_or(std::string_view{});
  if (type == "notice") return ServerFrame{NoticeFrame{topic, subject, f.data.raw}};
  if (type == "command") return ServerFrame{CommandFrame{topic, subject, f.data.raw}};
  return ServerFrame{UnknownFrame{type}};
}

Result<ClientFrame, ClientFrameError> WsDecoder::decode_client(std::string_view frame) {
  ClientFields f;
  Error& err = impl_->err;
  const bool walked = impl_->walk(frame, [&f, &err](std::string_view key, od::value& v) -> bool {
    if (key == "type") return read_required_string(v, f.type, err, "type");
    if (key == "id") return read_id(v, f.id, err);
    if (key == "topic") return read_required_string(v, f.topic, err, "topic");
    if (key == "privateChannel") return read_optional_bool(v, f.private_channel, err, "privateChannel");
    if (key == "response") return read_optional_bool(v, f.response, err, "response");
    return true;
  });

  auto reject = [&f](Error error) {
    ClientFrameError out;
    if (f.id) out.id = std::string(*f.id);
    if (error.code == Errc::unexpected_message) {
      out.reply_code = 415;
      out.reply_data = "type is not supported";
    } else {
      out.reply_code = 400;
      out.reply_data = error.describe();
    }
    out.error = std::move(error);
    return Unexpected<ClientFrameError>{std::move(out)};
  };

  if (!walked) return reject(std::move(err));
  if (!f.type) return reject(Error{Errc::unexpected_message, "type: missing"});
  const std::string_view type = *f.type;
  const std::string_view id = f.id.value_or(std::string_view{});
  if (type == "ping") return ClientFrame{PingFrame{id}};
  const bool subscribe = type == "subscribe";
  if (subscribe || type == "unsubscribe") {
    if (!f.topic) return reject(Error{Errc::missing_field, "topic"});
    const bool priv = f.private_channel.value_or(false);
    const bool response = f.response.value_or(false);
    if (subscribe) return ClientFrame{SubscribeFrame{id, *f.topic, priv, response}};
    return ClientFrame{UnsubscribeFrame{id, *f.topic, priv, response}};
  }
  return reject(Error{Errc::unexpected_message, "type " + quoted(type, 32) + " is not supported"});
}

// ---- encoders ----

// append_json_string: json_escape.cpp (the capture's hot path).

namespace {

// {"id":"<id>","type":"<type>"}
void append_id_type(std::string& out, std::string_view id, std::string_view type_json) {
  out += "{\"id\":";
  append_json_string(out, id);
  out += ",\"type\":";
  out += type_json;
  out += '}';
}

template <class Sub>
void append_subscription(std::string& out, const Sub& f, std::string_view type_json) {
  out += "{\"id\":";
  append_json_string(out, f.id);
  out += ",\"type\":";
  out += type_json;
  out += ",\"topic\":";
  append_json_string(out, f.topic);
  out += f.private_channel ? ",\"privateChannel\":true" : ",\"privateChannel\":false";
  out += f.response ? ",\"response\":true}" : ",\"response\":false}";
}

template <class Push>
void append_push(std::string& out, const Push& f, std::string_view type_json) {
  out += "{\"type\":";
  out += type_json;
  if (!f.topic.empty()) {
    out += ",\"topic\":";
    append_json_string(out, f.topic);
  }
  if (!f.subject.empty()) {
    out += ",\"subject\":";
    append_json_string(out, f.subject);
  }
  if (!f.data.empty()) {
    out += ",\"data\":";
    out += f.data;
  }
  out += '}';
}

}  // namespace

void encode_frame(const WelcomeFrame& f, std::string& out) { append_id_type(out, f.id, "\"welcome\""); }
void encode_frame(const PongFrame& f, std::string& out) { append_id_type(out, f.id, "\"pong\""); }
void encode_frame(const AckFrame& f, std::string& out) { append_id_type(out, f.id, "\"ack\""); }
void encode_frame(const PingFrame& f, std::string& out) { append_id_type(out, f.id, "\"ping\""); }

void encode_frame(const ErrorFrame& f, std::string& out) {
  out += '{';
  if (f.id) {
    out += "\"id\":";
    append_json_string(out, *f.id);
    out += ',';
  }
  out += "\"type\":\"error\",\"code\":";
  append_int(out, f.code);
  out += ",\"data\":";
  append_json_string(out, f.data);
  out += '}';
}

void encode_frame(const DataMessage& f, std::string& out) {
  out += "{\"topic\":";
  append_json_string(out, f.topic);
  out += ",\"type\":\"message\",\"subject\":";
  append_json_string(out, f.subject);
  if (f.id) {
    out += ",\"id\":";
    append_json_string(out, *f.id);
  }
  if (f.sn) {
    out += ",\"sn\":";
    append_int(out, *f.sn);
  }
  if (f.user_id) {
    out += ",\"userId\":";
    append_json_string(out, *f.user_id);
  }
  if (f.channel_type) {
    out += ",\"channelType\":";
    append_json_string(out, *f.channel_type);
  }
  out += ",\"data\":";
  out += f.data.empty() ? std::string_view("{}") : f.data;
  out += '}';
}

void encode_frame(const NoticeFrame& f, std::string& out) { append_push(out, f, "\"notice\""); }
void encode_frame(const CommandFrame& f, std::string& out) { append_push(out, f, "\"command\""); }

void encode_frame(const UnknownFrame& f, std::string& out) {
  out += "{\"type\":";
  append_json_string(out, f.type);
  out += '}';
}

void encode_frame(const SubscribeFrame& f, std::string& out) { append_subscription(out, f, "\"subscribe\""); }
void encode_frame(const UnsubscribeFrame& f, std::string& out) { append_subscription(out, f, "\"unsubscribe\""); }

void encode_frame(const ServerFrame& f, std::string& out) {
  std::visit([&out](const auto& x) { encode_frame(x, out); }, f);
}
void encode_frame(const ClientFrame& f, std::string& out) {
  std::visit([&out](const auto& x) { encode_frame(x, out); }, f);
}

}  // namespace kucoin
