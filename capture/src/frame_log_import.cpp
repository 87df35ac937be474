#include "kucoin/capture/frame_log_import.hpp"

#include <simdjson.h>

#include <algorithm>

namespace kucoin::capture {

namespace od = simdjson::ondemand;

namespace {

struct Line {
  std::int64_t recv_ns = 0;
  std::string kind, url, payload;
  int status = 200;
};

Result<void> parse_line(od::parser& parser, std::string& buf, std::string_view text, Line& out) {
  buf.assign(text);
  buf.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  od::document doc;
  if (auto e = parser.iterate(buf.data(), buf.size(), buf.capacity()).get(doc)) {
    return fail(Errc::parse_error, std::string("not JSON: ") + simdjson::error_message(e));
  }
  od::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return fail(Errc::wrong_type, "not a JSON object");
  out = Line{};
  bool has_ns = false, has_kind = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return fail(Errc::parse_error, "bad key");
    auto text_field = [&](std::string& to) -> Result<void> {
      std::string_view s;
      if (field.value().get_string().get(s) != simdjson::SUCCESS) {
        return fail(Errc::wrong_type, "field \"" + std::string(key) + "\" is not a string");
      }
      to.assign(s);
      return {};
    };
    Result<void> r;
    if (key == "recv_ns") {
      if (field.value().get_int64().get(out.recv_ns) != simdjson::SUCCESS) {
        return fail(Errc::wrong_type, "field \"recv_ns\" is not an integer");
      }
      has_ns = true;
    } else if (key == "kind") {
      r = text_field(out.kind);
      has_kind = true;
    } else if (key == "url") {
      r = text_field(out.url);
    } else if (key == "payload") {
      r = text_field(out.payload);
    } else if (key == "status") {
      std::int64_t st = 0;
      if (field.value().get_int64().get(st) != simdjson::SUCCESS) {
        return fail(Errc::wrong_type, "field \"status\" is not an integer");
      }
      out.status = static_cast<int>(st);
    }
    if (!r) return r;
  }
  if (const char* loc = nullptr; !doc.current_location().get(loc)) {
    return fail(Errc::parse_error, "trailing characters after the object");
  }
  if (!has_ns) return fail(Errc::missing_field, "field \"recv_ns\" is missing");
  if (!has_kind) return fail(Errc::missing_field, "field \"kind\" is missing");
  return {};
}

// The topic of a frame ("/market/level2:BTC-USDT"), or empty.
std::string topic_of(od::parser& parser, std::string& buf, std::string_view frame) {
  buf.assign(frame);
  buf.reserve(frame.size() + simdjson::SIMDJSON_PADDING);
  od::document doc;
  if (parser.iterate(buf.data(), buf.size(), buf.capacity()).get(doc) != simdjson::SUCCESS) return {};
  od::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return {};
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return {};
    if (key != "topic") continue;
    std::string_view t;
    if (field.value().get_string().get(t) != simdjson::SUCCESS) return {};
    return std::string(t);
  }
  return {};
}

void add_unique(std::vector<std::string>& v, std::string_view s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.emplace_back(s);
}

// Which venue's topics a frame log holds (a capture holds one venue).
struct VenuesSeen {
  std::string spot, futures;  // the first topic of each, for the error message
};

// "/market/level2:BTC-USDT,ETH-USDT" -> channel and symbols (and the venue it belongs to).
void note_topic(std::string_view topic, CaptureHeader& h, VenuesSeen& seen) {
  if (topic.starts_with("/contractMarket/") || topic.starts_with("/contract/")) {
    if (seen.futures.empty()) seen.futures = topic;
  } else if (topic.starts_with("/market/") || topic.starts_with("/spotMarket/")) {
    if (seen.spot.empty()) seen.spot = topic;
  }
  const auto colon = topic.find(':');
  add_unique(h.topics, topic.substr(0, colon));
  if (colon == std::string_view::npos) return;
  std::string_view rest = topic.substr(colon + 1);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view sym = rest.substr(0, comma);
    if (sym != "all") add_unique(h.symbols, sym);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
}

// "https://api.kucoin.com/api/v1/x" -> "https://api.kucoin.com"; a path alone -> empty.
std::string origin_of(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  const auto path = url.find('/', scheme + 3);
  return std::string(url.substr(0, path));
}

}  // namespace

Result<ImportResult> import_frame_log(std::string_view text, std::string_view source_name) {
  ImportResult out;
  out.header.tool = "kucoin-harness 0.1.0 (import)";
  out.header.note = "imported from the frame log " + std::string(source_name);
  od::parser parser;
  std::string buf, topic_buf;
  VenuesSeen venues;
  std::size_t pos = 0;
  std::uint64_t line_no = 0;
  std::uint64_t conn = 0, conns = 0;
  std::int64_t last_ns = 0;
  bool any = false;
  Line line;
  while (pos < text.size()) {
    const std::size_t start = pos;
    const auto nl = text.find('\n', pos);
    const bool complete = nl != std::string_view::npos;
    std::string_view l = text.substr(pos, (complete ? nl : text.size()) - pos);
    pos = complete ? nl + 1 : text.size();
    ++line_no;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.empty()) continue;
    auto r = parse_line(parser, buf, l, line);
    Result<RecordKind> kind = fail(Errc::invalid_argument, "");
    if (r) {
      if (line.kind == "ws_in") {
        kind = RecordKind::ws_in;
      } else if (line.kind == "ws_out") {
        kind = RecordKind::ws_out;
      } else if (line.kind == "ws_open") {
        kind = RecordKind::connect;
      } else if (line.kind == "http_response") {
        kind = RecordKind::http_response;
      } else {
        r = fail(Errc::invalid_argument, "unknown kind \"" + line.kind + "\" (ws_in, ws_out, ws_open, http_response)");
      }
    }
    if (!r || !complete) {
      const bool last = pos >= text.size();
      ReadProblem p;
      p.offset = start;
      p.line = line_no;
      p.kind = last ? ReadProblem::Kind::truncated : ReadProblem::Kind::damaged;
      p.message = "frame log line " + std::to_string(line_no) + " at byte " + std::to_string(start) + ": " +
                  (last ? "truncated last line" : "unreadable line") +
                  (r ? std::string() : " (" + r.error().message + ")") +
                  (last ? "; the lines before it are imported" : "; import stopped, the lines before it are imported");
      out.problem = std::move(p);
      break;
    }
    if (!any) {
      out.header.start_mono_ns = line.recv_ns;
      out.header.start_wall_ns = line.recv_ns > 100'000'000'000'000'000 ? line.recv_ns : 0;
      any = true;
    }
    if (line.recv_ns < last_ns) {
      ++out.reordered;
      line.recv_ns = last_ns;
    }
    last_ns = line.recv_ns;
    CaptureRecord rec;
    rec.kind = *kind;
    rec.mono_ns = line.recv_ns;
    rec.wall_ns = out.header.start_wall_ns != 0 ? line.recv_ns : 0;
    switch (rec.kind) {
      case RecordKind::connect:
        conn = ++conns;
        rec.conn = conn;
        rec.url = line.url;
        if (out.header.source.empty()) out.header.source = origin_of(line.url);
        break;
      case RecordKind::ws_in:
      case RecordKind::ws_out:
        if (conn == 0) conn = ++conns;  // frames before any ws_open: one implicit connection
        rec.conn = conn;
        rec.payload = std::move(line.payload);
        if (auto t = topic_of(parser, topic_buf, rec.payload); !t.empty()) note_topic(t, out.header, venues);
        break;
      default:
        rec.url = line.url;
        rec.status = line.status;
        rec.payload = std::move(line.payload);
        if (const auto o = origin_of(line.url); !o.empty() && out.header.source.empty()) out.header.source = o;
        break;
    }
    out.records.push_back(std::move(rec));
  }
  if (!any) {
    if (out.problem) return fail(Errc::parse_error, out.problem->message);
    return fail(Errc::parse_error, "empty frame log: no line to import");
  }
  if (!venues.spot.empty() && !venues.futures.empty()) {
    return fail(Errc::invalid_argument, "the frame log mixes spot (" + venues.spot + ") and futures (" +
                                            venues.futures +
                                            ") topics: a capture holds one venue; split the log by host and import "
                                            "each part");
  }
  // KuCoin Futures frames (/contractMarket/...): replayed with the futures decoder and continuity.
  if (!venues.futures.empty()) out.header.venue = Market::futures;
  if (out.header.source.empty()) out.header.source = "unknown (imported)";
  return out;
}

}  // namespace kucoin::capture
