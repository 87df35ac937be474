// The capture's JSON lines: encoded with the protocol's JSON string writer, decoded with one
// reused simdjson On-Demand parser (any key order; unknown keys are skipped, so that later minor
// additions stay readable by this version).
#include "kucoin/capture/capture_codec.hpp"

#include <simdjson.h>

#include <charconv>

#include "kucoin/protocol/ws_codec.hpp"  // append_json_string

namespace kucoin::capture {

namespace od = simdjson::ondemand;

namespace {

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_key(std::string& out, std::string_view key) {
  out += ",\"";
  out += key;
  out += "\":";
}

void append_string_field(std::string& out, std::string_view key, std::string_view value) {
  append_key(out, key);
  append_json_string(out, value);
}

bool valid_utf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16) |
                       (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                       static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + static_cast<std::size_t>(k)];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad != 0) return std::nullopt;
      v[k] = value(c);
      if (v[k] < 0) return std::nullopt;
    }
    const unsigned n = (static_cast<unsigned>(v[0]) << 18) | (static_cast<unsigned>(v[1]) << 12) |
                       (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
    out += static_cast<char>((n >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

void encode_header(const CaptureHeader& h, std::string& out) {
  out += "{\"format\":";
  append_json_string(out, kFormatName);
  append_key(out, "version");
  append_int(out, h.version);
  append_string_field(out, "tool", h.tool);
  append_string_field(out, "source", h.source);
  for (const auto* list : {&h.symbols, &h.topics}) {
    append_key(out, list == &h.symbols ? "symbols" : "topics");
    out += '[';
    for (std::size_t i = 0; i < list->size(); ++i) {
      if (i != 0) out += ',';
      append_json_string(out, (*list)[i]);
    }
    out += ']';
  }
  append_key(out, "start_wall_ns");
  append_int(out, h.start_wall_ns);
  append_key(out, "start_mono_ns");
  append_int(out, h.start_mono_ns);
  append_key(out, "part");
  append_int(out, h.part);
  if (!h.previous.empty()) append_string_field(out, "previous", h.previous);
  if (!h.note.empty()) append_string_field(out, "note", h.note);
  if (h.venue == Market::futures) append_string_field(out, "venue", "futures");
  out += "}\n";
}

void encode_record(const CaptureRecord& r, std::string& out) {
  out += "{\"mono_ns\":";
  append_int(out, r.mono_ns);
  append_key(out, "wall_ns");
  append_int(out, r.wall_ns);
  append_key(out, "conn");
  append_int(out, static_cast<std::int64_t>(r.conn));
  out += ",\"dir\":\"";
  out += to_string(r.direction());
  out += "\",\"kind\":\"";
  out += to_string(r.kind);
  out += '"';
  if (!r.url.empty()) append_string_field(out, "url", r.url);
  if (!r.method.empty()) append_string_field(out, "method", r.method);
  if (r.kind == RecordKind::http_response || r.status != 0) {
    append_key(out, "status");
    append_int(out, r.status);
  }
  if (!r.headers.empty()) {
    append_key(out, "headers");
    out += '[';
    for (std::size_t i = 0; i < r.headers.size(); ++i) {
      if (i != 0) out += ',';
      out += '[';
      append_json_string(out, r.headers[i].first);
      out += ',';
      append_json_string(out, r.headers[i].second);
      out += ']';
    }
    out += ']';
  }
  if (!r.symbol.empty()) append_string_field(out, "symbol", r.symbol);
  if (!r.reason.empty()) append_string_field(out, "reason", r.reason);
  if (!r.detail.empty()) append_string_field(out, "detail", r.detail);
  if (valid_utf8(r.payload)) {
    append_string_field(out, "payload", r.payload);
  } else {
    append_string_field(out, "payload_b64", base64_encode(r.payload));
  }
  out += "}\n";
}

// ---- decoding ----------------------------------------------------------------------------------

struct CaptureDecoder::Impl {
  od::parser parser;
  std::string buffer;  // the line, with simdjson's padding

  Result<void> open(std::string_view line, od::document& doc) {
    buffer.assign(line);
    buffer.reserve(line.size() + simdjson::SIMDJSON_PADDING);
    if (auto e = parser.iterate(buffer.data(), buffer.size(), buffer.capacity()).get(doc)) {
      return fail(Errc::parse_error, std::string("not JSON: ") + simdjson::error_message(e));
    }
    return {};
  }
};

CaptureDecoder::CaptureDecoder() : impl_(std::make_unique<Impl>()) {}
CaptureDecoder::~CaptureDecoder() = default;
CaptureDecoder::CaptureDecoder(CaptureDecoder&&) noexcept = default;
CaptureDecoder& CaptureDecoder::operator=(CaptureDecoder&&) noexcept = default;

namespace {

Unexpected<Error> field_error(std::string_view field, simdjson::error_code e) {
  const Errc code = e == simdjson::INCORRECT_TYPE ? Errc::wrong_type : Errc::parse_error;
  return fail(code, "field \"" + std::string(field) + "\": " + simdjson::error_message(e));
}

template <class T>
Result<void> get_int(od::value v, std::string_view field, T& out) {
  std::int64_t n = 0;
  if (auto e = v.get_int64().get(n)) return field_error(field, e);
  out = static_cast<T>(n);
  return {};
}

Result<void> get_text(od::value v, std::string_view field, std::string& out) {
  std::string_view s;
  if (auto e = v.get_string().get(s)) return field_error(field, e);
  out.assign(s);
  return {};
}

Result<void> get_list(od::value v, std::string_view field, std::vector<std::string>& out) {
  od::array a;
  if (auto e = v.get_array().get(a)) return field_error(field, e);
  out.clear();
  for (auto item : a) {
    std::string_view s;
    if (auto e = item.get_string().get(s)) return field_error(field, e);
    out.emplace_back(s);
  }
  return {};
}

}  // namespace

Result<void> CaptureDecoder::decode_header(std::string_view line, CaptureHeader& out) {
  od::document doc;
  if (auto r = impl_->open(line, doc); !r) return r;
  out = CaptureHeader{};
  od::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    return fail(Errc::wrong_type, "the header is not a JSON object");
  }
  bool has_format = false, has_version = false;
  for (auto field : obj) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return field_error("?", e);
    od::value v;
    if (auto e = field.value().get(v)) return field_error(key, e);
    Result<void> r;
    if (key == "format") {
      std::string f;
      r = get_text(v, key, f);
      if (r && f != kFormatName) return fail(Errc::invalid_argument, "not a capture: format is \"" + f + "\"");
      has_format = true;
    } else if (key == "version") {
      r = get_int(v, key, out.version);
      has_version = true;
    } else if (key == "tool") {
      r = get_text(v, key, out.tool);
    } else if (key == "source") {
      r = get_text(v, key, out.source);
    } else if (key == "symbols") {
      r = get_list(v, key, out.symbols);
    } else if (key == "topics") {
      r = get_list(v, key, out.topics);
    } else if (key == "start_wall_ns") {
      r = get_int(v, key, out.start_wall_ns);
    } else if (key == "start_mono_ns") {
      r = get_int(v, key, out.start_mono_ns);
    } else if (key == "part") {
      r = get_int(v, key, out.part);
    } else if (key == "previous") {
      r = get_text(v, key, out.previous);
    } else if (key == "note") {
      r = get_text(v, key, out.note);
    } else if (key == "venue") {
      std::string venue;
      r = get_text(v, key, venue);
      if (r && venue != "spot" && venue != "futures") {
        return fail(Errc::invalid_argument, "header field \"venue\" is \"" + venue + "\" (spot or futures)");
      }
      out.venue = venue == "futures" ? Market::futures : Market::spot;
    }
    if (!r) return r;
  }
  if (const char* loc = nullptr; !doc.current_location().get(loc)) {
    return fail(Errc::parse_error, "trailing characters after the header");
  }
  if (!has_format) return fail(Errc::missing_field, "not a capture header: no \"format\" field");
  if (!has_version) return fail(Errc::missing_field, "field \"version\" is missing");
  if (out.version < 1 || out.version > kFormatVersion) {
    return fail(Errc::invalid_argument, "capture format version " + std::to_string(out.version) +
                                            " is not supported (this tool reads 1.." + std::to_string(kFormatVersion) +
                                            ")");
  }
  return {};
}

Result<void> CaptureDecoder::decode_record(std::string_view line, CaptureRecord& out) {
  od::document doc;
  if (auto r = impl_->open(line, doc); !r) return r;
  od::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    return fail(Errc::wrong_type, "the record is not a JSON object");
  }
  out.payload.clear();
  out.url.clear();
  out.method.clear();
  out.status = 0;
  out.headers.clear();
  out.symbol.clear();
  out.reason.clear();
  out.detail.clear();
  out.conn = 0;
  bool has_time = false, has_kind = false;
  for (auto field : obj) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return field_error("?", e);
    od::value v;
    if (auto e = field.value().get(v)) return field_error(key, e);
    Result<void> r;
    if (key == "mono_ns") {
      r = get_int(v, key, out.mono_ns);
      has_time = true;
    } else if (key == "wall_ns") {
      r = get_int(v, key, out.wall_ns);
    } else if (key == "conn") {
      r = get_int(v, key, out.conn);
    } else if (key == "kind") {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return field_error(key, e);
      const auto k = record_kind_from(s);
      if (!k) return fail(Errc::invalid_argument, "unknown record kind \"" + std::string(s) + "\"");
      out.kind = *k;
      has_kind = true;
    } else if (key == "payload") {
      r = get_text(v, key, out.payload);
    } else if (key == "payload_b64") {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return field_error(key, e);
      auto bytes = base64_decode(s);
      if (!bytes) return fail(Errc::parse_error, "field \"payload_b64\" is not base64");
      out.payload = std::move(*bytes);
    } else if (key == "url") {
      r = get_text(v, key, out.url);
    } else if (key == "method") {
      r = get_text(v, key, out.method);
    } else if (key == "status") {
      r = get_int(v, key, out.status);
    } else if (key == "symbol") {
      r = get_text(v, key, out.symbol);
    } else if (key == "reason") {
      r = get_text(v, key, out.reason);
    } else if (key == "detail") {
      r = get_text(v, key, out.detail);
    } else if (key == "headers") {
      od::array a;
      if (auto e = v.get_array().get(a)) return field_error(key, e);
      for (auto pair : a) {
        od::array p;
        if (auto e = pair.get_array().get(p)) return field_error(key, e);
        std::string_view name, value;
        std::size_t n = 0;
        for (auto item : p) {
          std::string_view s;
          if (auto e = item.get_string().get(s)) return field_error(key, e);
          (n == 0 ? name : value) = s;
          if (n == 0) out.headers.emplace_back(std::string(name), std::string());
          if (n == 1) out.headers.back().second.assign(value);
          ++n;
        }
        if (n != 2) return fail(Errc::wrong_type, "field \"headers\": each header is [name, value]");
      }
    }
    if (!r) return r;
  }
  if (const char* loc = nullptr; !doc.current_location().get(loc)) {
    return fail(Errc::parse_error, "trailing characters after the record");
  }
  if (!has_time) return fail(Errc::missing_field, "field \"mono_ns\" is missing");
  if (!has_kind) return fail(Errc::missing_field, "field \"kind\" is missing");
  return {};
}

Result<void> parse_capture(std::string_view text, CaptureContents& contents,
                           const std::function<void(const CaptureRecord&)>& on_record) {
  CaptureDecoder decoder;
  contents.problem.reset();
  std::size_t pos = 0;
  std::uint64_t line_no = 0;
  auto next_line = [&](std::string_view& line, bool& complete) {
    if (pos >= text.size()) return false;
    const auto nl = text.find('\n', pos);
    complete = nl != std::string_view::npos;
    const std::size_t end = complete ? nl : text.size();
    line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    return true;
  };
  std::string_view line;
  bool complete = false;
  if (!next_line(line, complete)) return fail(Errc::parse_error, "empty capture: no header line");
  if (auto r = decoder.decode_header(line, contents.header); !r) {
    return fail(r.error().code, "line 1 (the header): " + r.error().message);
  }
  pos += line.size() + 1;
  if (!complete) {
    contents.problem = ReadProblem{ReadProblem::Kind::truncated, 0, 1, "line 1: the header has no end of line"};
    return {};
  }
  CaptureRecord record;
  while (true) {
    const std::size_t start = pos;
    if (!next_line(line, complete)) break;
    pos = complete ? text.find('\n', start) + 1 : text.size();
    if (line.empty() && complete) continue;  // tolerate blank lines
    auto r = decoder.decode_record(line, record);
    const bool last = pos >= text.size();
    if (!r || !complete) {
      ReadProblem p;
      p.offset = start;
      p.line = line_no;
      p.kind = last ? ReadProblem::Kind::truncated : ReadProblem::Kind::damaged;
      p.message = "line " + std::to_string(line_no) + " at byte " + std::to_string(start) + ": ";
      if (last) {
        p.message += "truncated last record (" + std::to_string(line.size()) + " bytes" +
                     (complete ? "" : ", no end of line") + (r ? "" : ": " + r.error().message) +
                     "); the records before it are kept";
      } else {
        p.message += "damaged record (" + r.error().message + "); reading stopped, the records before it are kept";
      }
      contents.problem = std::move(p);
      break;
    }
    on_record(record);
  }
  return {};
}

Result<CaptureContents> parse_capture(std::string_view text) {
  CaptureContents contents;
  std::vector<CaptureRecord> records;
  auto r = parse_capture(text, contents, [&](const CaptureRecord& rec) { records.push_back(rec); });
  if (!r) return Unexpected{r.error()};
  contents.records = std::move(records);
  return contents;
}

}  // namespace kucoin::capture
