#include "kucoin/protocol/l2_codec.hpp"

#include <simdjson.h>

#include <charconv>
#include <cstring>

#include "kucoin/core/decimal.hpp"
#include "json_error.hpp"
#include "l2_canonical_scan.hpp"
#include "l2_fast_scan.hpp"

namespace kucoin {

namespace od = simdjson::ondemand;

void ScaleTable::set(std::string_view symbol, SymbolScale scale) {
  ++version_;
  auto it = map_.find(symbol);
  if (it == map_.end()) {
    map_.emplace(std::string(symbol), scale);
  } else {
    it->second = scale;
  }
}

SymbolScale ScaleTable::get(std::string_view symbol) const {
  if (map_.empty()) return fallback_;
  auto it = map_.find(symbol);
  return it == map_.end() ? fallback_ : it->second;
}

namespace {

constexpr std::string_view kLevel2TopicPrefix = "/market/level2:";

Unexpected<Error> json_fail(simdjson::error_code e, std::string_view where) {
  return Unexpected<Error>{detail::json_error(e, where)};
}

Unexpected<Error> field_fail(const Error& inner, std::string_view where) {
  return fail(inner.code, std::string(where) + ": " + inner.message);
}

// The content of a JSON string without copying it: KuCoin's number strings, symbols and topics
// never contain escapes, so the raw bytes are the value. A string with a backslash falls back to
// simdjson's unescaping. A non-string is wrong_type.
simdjson::error_code read_string(od::value& v, std::string_view& out) {
  const std::string_view tok = v.raw_json_token();
  if (tok.empty() || tok.front() != '"') return simdjson::INCORRECT_TYPE;
  const char* const b = tok.data() + 1;
  const char* p = b;
  const char* const e = tok.data() + tok.size();
  while (p < e && *p != '"' && *p != '\\') ++p;
  if (p < e && *p == '"') {
    out = std::string_view(b, static_cast<std::size_t>(p - b));
    return simdjson::SUCCESS;
  }
  return v.get_string().get(out);  // escapes: let simdjson unescape
}

using detail::RawRow;

// [price, size] rows of a snapshot or depth message into levels: prices with at least the
// symbol's price decimals, every value exact with as many decimals as it has.
Result<void> levels_from_rows(const std::vector<RawRow>& rows, SymbolScale scale, L2Snapshot& out) {
  for (const RawRow& row : rows) {
    const char* where = row.side == Side::ask ? "data.asks" : "data.bids";
    auto price = parse_decimal(row.price, scale.price_decimals);
    if (!price) return field_fail(price.error(), std::string(where) + " price");
    auto size = parse_decimal(row.size);
    if (!size) return field_fail(size.error(), std::string(where) + " size");
    (row.side == Side::bid ? out.bids : out.asks)
        .push_back(L2Level{Price{price->raw, price->decimals}, Quantity{size->raw, size->decimals}});
  }
  return {};
}

using detail::RawUpdate;

// Reads a JSON integer. An integer too large for int64 is out_of_range (simdjson calls it a type
// error); a float, string or other type is wrong_type.
Result<std::int64_t> read_int64(od::value& v, std::string_view where) {
  std::int64_t n = 0;
  auto e = v.get_int64().get(n);
  if (!e) return n;
  if (e == simdjson::INCORRECT_TYPE || e == simdjson::NUMBER_ERROR) {
    {
      std::string_view raw = v.raw_json_token();
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t')) {
        raw.remove_suffix(1);
      }
      std::string_view digits = raw.substr(!raw.empty() && raw.front() == '-' ? 1 : 0);
      const bool integer = !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
      if (integer) return fail(Errc::out_of_range, std::string(where) + ": integer does not fit int64");
    }
  }
  return json_fail(e, where);
}

// Reads a JSON integer that must be >= 0.
Result<std::int64_t> read_sequence_number(od::value v, std::string_view where) {
  auto n = read_int64(v, where);
  if (!n) return n;
  if (*n < 0) return fail(Errc::bad_number, std::string(where) + " is negative");
  return n;
}

// The root must be an object: a non-JSON text is a parse error, another JSON value a type error.
Unexpected<Error> root_fail(simdjson::error_code e, std::string_view json, std::string_view what) {
  if (e == simdjson::INCORRECT_TYPE) {
    const auto pos = json.find_first_not_of(" \t\r\n");
    const char c = pos == std::string_view::npos ? '\0' : json[pos];
    const bool json_value = c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') ||
                            json.substr(pos == std::string_view::npos ? 0 : pos, 4) == "true" ||
                            json.substr(pos == std::string_view::npos ? 0 : pos, 5) == "false" ||
                            json.substr(pos == std::string_view::npos ? 0 : pos, 4) == "null";
    if (!json_value) return fail(Errc::parse_error, std::string(what) + ": not JSON");
  }
  return json_fail(e, std::string(what) + " (expected a JSON object)");
}

}  // namespace

struct L2Decoder::Impl {
  od::parser parser;
  std::string buffer;     // padded copy of the input
  std::string scan_copy;  // padded copy of an unpadded frame for the canonical scan
  std::vector<RawRow> rows;
  // The last symbol's scale: consecutive frames are usually of one symbol.
  std::string last_symbol;
  SymbolScale last_scale;
  bool have_last_scale = false;
  std::uint64_t scale_version = 0;

  Result<od::document> start(std::string_view json, bool padded = false) {
    od::document doc;
    if (padded) {
      if (auto e = parser.iterate(json.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING).get(doc)) {
        return json_fail(e, "frame");
      }
      return doc;
    }
    const std::size_t need = json.size() + simdjson::SIMDJSON_PADDING;
    if (buffer.capacity() < need) buffer.reserve(need * 2);
    buffer.assign(json.data(), json.size());
    if (auto e = parser.iterate(buffer.data(), buffer.size(), buffer.capacity()).get(doc)) {
      return json_fail(e, "frame");
    }
    return doc;
  }

  // A ["price","size"] or ["price","size","sequence"] row.
  Result<void> read_rows(od::value v, Side side, std::size_t width, std::string_view where) {
    od::array arr;
    if (auto e = v.get_array().get(arr)) return json_fail(e, where);
    for (auto row_r : arr) {
      od::array row;
      if (auto e = row_r.get_array().get(row)) return json_fail(e, where);
      std::string_view cell[3];
      std::size_t n = 0;
      for (auto el_r : row) {
        od::value el;
        if (auto e = std::move(el_r).get(el)) return json_fail(e, where);
        std::string_view s;
        if (auto e = read_string(el, s)) return json_fail(e, where);
        if (n < 3) cell[n] = s;
        ++n;
      }
      if (n != width) {
        return fail(Errc::protocol_violation, std::string(where) + ": a row has " + std::to_string(n) +
                                                  " elements, expected " + std::to_string(width));
      }
      rows.push_back(RawRow{side, cell[0], cell[1], cell[2], {}, {}, {}});
    }
    return {};
  }

  // The "data" object of a whole-book message (REST snapshot, level2Depth frame): its "bids" and
  // "asks" rows into `rows`; any other key goes to other(key, value).
  template <class Other>
  Result<void> read_book_data(od::value v, bool& have_bids, bool& have_asks, Other&& other) {
    od::object data;
    if (auto e = v.get_object().get(data)) return json_fail(e, "data");
    for (auto df_r : data) {
      od::field df;
      if (auto e = std::move(df_r).get(df)) return json_fail(e, "data");
      const od::raw_json_string dkey = df.key();
      if (dkey == "bids") {
        have_bids = true;
        if (auto r = read_rows(df.value(), Side::bid, 2, "data.bids"); !r) return r;
      } else if (dkey == "asks") {
        have_asks = true;
        if (auto r = read_rows(df.value(), Side::ask, 2, "data.asks"); !r) return r;
      } else if (auto r = other(dkey, df.value()); !r) {
        return r;
      }
    }
    return {};
  }
};

L2Decoder::L2Decoder(ScaleTable scales) : impl_(std::make_unique<Impl>()), scales_(std::move(scales)) {}
L2Decoder::~L2Decoder() = default;
L2Decoder::L2Decoder(L2Decoder&&) noexcept = default;
L2Decoder& L2Decoder::operator=(L2Decoder&&) noexcept = default;

static_assert(simdjson::SIMDJSON_PADDING <= kJsonPadding);
static_assert(detail::kScanPadding <= kJsonPadding);

Result<void> L2Decoder::decode_update(std::string_view frame, L2Update& out) {
  return decode_update_impl(frame, false, out);
}

Result<void> L2Decoder::decode_update_padded(std::string_view frame, L2Update& out) {
  return decode_update_impl(frame, true, out);
}

Result<void> L2Decoder::decode_update_impl(std::string_view frame, bool padded, L2Update& out) {
  Impl& im = *impl_;
  // KuCoin's own shape, straight into `out`; anything else takes the general scanner below. The
  // scan reads up to kScanPadding bytes past what it has checked: an unpadded frame is copied.
  if (fast_path_) {
    std::string_view scanned = frame;
    if (!padded) {
      if (im.scan_copy.capacity() < frame.size() + detail::kScanPadding) {
        im.scan_copy.reserve(2 * (frame.size() + detail::kScanPadding));
      }
      im.scan_copy.assign(frame.data(), frame.size());
      scanned = im.scan_copy;
    }
    if (detail::CanonicalL2Scan::scan(
            scanned, [&](std::string_view symbol) { return static_cast<int>(price_decimals_of(symbol)); }, out)) {
      return {};
    }
  }
  im.rows.clear();
  out.changes.clear();
  RawUpdate raw;
  if (!fast_path_ || !detail::FastL2Scanner::scan(frame, raw, im.rows)) {
    raw = RawUpdate{};
    if (auto r = walk_update(frame, padded, raw); !r) {
      // A frame of another kind (a match push whose data.time is a string, say) must say so,
      // not report the field that failed the level2 reading.
      if (r.error().code != Errc::parse_error && !is_level2_frame(frame)) {
        return fail(Errc::unexpected_message, "not a /market/level2 trade.l2update frame");
      }
      return r;
    }
  }
  return finish_update(raw, out);
}

std::uint8_t L2Decoder::price_decimals_of(std::string_view symbol) {
  Impl& im = *impl_;
  if (!im.have_last_scale || im.last_symbol != symbol || im.scale_version != scales_.version()) {
    im.last_scale = scales_.get(symbol);
    im.scale_version = scales_.version();
    im.last_symbol.assign(symbol.data(), symbol.size());
    im.have_last_scale = true;
  }
  return im.last_scale.price_decimals;
}

// Error path only: reads just type, subject and topic, skipping everything else.
bool L2Decoder::is_level2_frame(std::string_view frame) {
  Impl& im = *impl_;
  auto doc_r = im.start(frame);
  if (!doc_r) return true;
  od::object obj;
  if (doc_r->get_object().get(obj)) return true;
  for (auto field_r : obj) {
    od::field field;
    if (std::move(field_r).get(field)) return true;
    const od::raw_json_string key = field.key();
    std::string_view v;
    if (key == "type") {
      if (read_string(field.value(), v) || v != "message") return false;
    } else if (key == "subject") {
      if (read_string(field.value(), v) || v != "trade.l2update") return false;
    } else if (key == "topic") {
      if (read_string(field.value(), v) || v.substr(0, kLevel2TopicPrefix.size()) != kLevel2TopicPrefix) return false;
    }
  }
  return true;
}

// The validating path: simdjson On-Demand over any key order, types checked field by field.
Result<void> L2Decoder::walk_update(std::string_view frame, bool padded, RawUpdate& raw) {
  Impl& im = *impl_;
  im.rows.clear();
  auto doc_r = im.start(frame, padded);
  if (!doc_r) return Unexpected{std::move(doc_r).error()};
  od::document& doc = *doc_r;
  od::object obj;
  if (auto e = doc.get_object().get(obj)) return root_fail(e, frame, "frame");

  for (auto field_r : obj) {
    od::field field;
    if (auto e = std::move(field_r).get(field)) return json_fail(e, "frame");
    const od::raw_json_string key = field.key();
    if (key == "type") {
      if (auto e = read_string(field.value(), raw.type)) return json_fail(e, "type");
      raw.have_type = true;
      if (raw.type != "message") break;  // reported by finish_update
    } else if (key == "topic") {
      if (auto e = read_string(field.value(), raw.topic)) return json_fail(e, "topic");
      raw.have_topic = true;
    } else if (key == "subject") {
      if (auto e = read_string(field.value(), raw.subject)) return json_fail(e, "subject");
      raw.have_subject = true;
    } else if (key == "data") {
      raw.have_data = true;
      od::object data;
      if (auto e = field.value().get_object().get(data)) return json_fail(e, "data");
      for (auto df_r : data) {
        od::field df;
        if (auto e = std::move(df_r).get(df)) return json_fail(e, "data");
        const od::raw_json_string dkey = df.key();
        if (dkey == "sequenceStart") {
          auto r = read_sequence_number(df.value(), "data.sequenceStart");
          if (!r) return Unexpected{std::move(r).error()};
          raw.seq_start = *r;
          raw.have_start = true;
        } else if (dkey == "sequenceEnd") {
          auto r = read_sequence_number(df.value(), "data.sequenceEnd");
          if (!r) return Unexpected{std::move(r).error()};
          raw.seq_end = *r;
          raw.have_end = true;
        } else if (dkey == "symbol") {
          if (auto e = read_string(df.value(), raw.symbol)) return json_fail(e, "data.symbol");
          raw.have_symbol = true;
        } else if (dkey == "time") {
          od::value tv = df.value();
          auto t = read_int64(tv, "data.time");
          if (!t) return Unexpected{std::move(t).error()};
          raw.time_ms = *t;
        } else if (dkey == "changes") {
          raw.have_changes = true;
          od::object changes;
          if (auto e = df.value().get_object().get(changes)) return json_fail(e, "data.changes");
          for (auto cf_r : changes) {
            od::field cf;
            if (auto e = std::move(cf_r).get(cf)) return json_fail(e, "data.changes");
            const od::raw_json_string ckey = cf.key();
            if (ckey == "asks") {
              if (auto r = im.read_rows(cf.value(), Side::ask, 3, "data.changes.asks"); !r) return r;
            } else if (ckey == "bids") {
              if (auto r = im.read_rows(cf.value(), Side::bid, 3, "data.changes.bids"); !r) return r;
            }
          }
        }
      }
    }
  }
  if (raw.have_type && raw.type != "message") return {};
  // Trailing content after the root object means the frame is not one JSON value.
  if (const char* loc = nullptr; !doc.current_location().get(loc)) {
    return fail(Errc::parse_error, "frame: trailing content after the JSON object");
  }
  return {};
}

// Checks and conversions shared by both paths.
Result<void> L2Decoder::finish_update(const RawUpdate& raw, L2Update& out) {
  Impl& im = *impl_;
  if (raw.have_type && raw.type != "message") {
    return fail(Errc::unexpected_message,
                "frame of type \"" + std::string(raw.type.substr(0, 32)) + "\", not a data message");
  }
  if (!raw.have_type) return fail(Errc::missing_field, "type");
  if (!raw.have_subject) return fail(Errc::missing_field, "subject");
  if (raw.subject != "trade.l2update") {
    return fail(Errc::unexpected_message,
                "subject \"" + std::string(raw.subject.substr(0, 48)) + "\", not trade.l2update");
  }
  if (raw.have_topic && raw.topic.substr(0, kLevel2TopicPrefix.size()) != kLevel2TopicPrefix) {
    return fail(Errc::unexpected_message,
                "topic \"" + std::string(raw.topic.substr(0, 64)) + "\" is not /market/level2");
  }
  if (!raw.have_data) return fail(Errc::missing_field, "data");
  if (!raw.have_start) return fail(Errc::missing_field, "data.sequenceStart");
  if (!raw.have_end) return fail(Errc::missing_field, "data.sequenceEnd");
  if (!raw.have_changes) return fail(Errc::missing_field, "data.changes");
  std::string_view symbol = raw.symbol;
  if (!raw.have_symbol) {
    if (!raw.have_topic) return fail(Errc::missing_field, "data.symbol (and no topic)");
    symbol = raw.topic.substr(kLevel2TopicPrefix.size());
  }
  if (symbol.empty()) return fail(Errc::protocol_violation, "empty symbol");
  const std::int64_t seq_start = raw.seq_start, seq_end = raw.seq_end;
  if (seq_start > seq_end) {
    return fail(Errc::protocol_violation,
                "sequenceStart " + std::to_string(seq_start) + " > sequenceEnd " + std::to_string(seq_end));
  }

  if (out.symbol != symbol) out.symbol.assign(symbol.data(), symbol.size());
  out.sequence_start = seq_start;
  out.sequence_end = seq_end;
  out.time_ms = raw.time_ms;
  std::size_t price_decimals = price_decimals_of(symbol);
  out.changes.reserve(im.rows.size());
  for (const RawRow& row : im.rows) {
    // Numbers the scanner already read convert without a second pass: the price padded to the
    // symbol's decimals when it has no more and fits, the size exactly as written (<= 18 digits).
    const detail::ScannedNumber &pn = row.price_n, &sn = row.size_n, &qn = row.sequence_n;
    if (pn.ok && sn.ok && qn.ok && qn.frac == 0 && static_cast<std::size_t>(pn.frac) <= price_decimals &&
        static_cast<std::size_t>(pn.total - pn.frac) + price_decimals <= 18) {
      const auto seq = static_cast<std::int64_t>(qn.digits);
      if (seq >= seq_start && seq <= seq_end) {
        out.changes.push_back(L2Change{
            row.side,
            Price{static_cast<std::int64_t>(pn.digits * kPow10[price_decimals - static_cast<std::size_t>(pn.frac)]),
                  static_cast<std::uint8_t>(price_decimals)},
            Quantity{static_cast<std::int64_t>(sn.digits), static_cast<std::uint8_t>(sn.frac)}, seq});
        continue;
      }
    }
    const char* where = row.side == Side::ask ? "data.changes.asks" : "data.changes.bids";
    auto price = parse_decimal(row.price, static_cast<int>(price_decimals));
    if (!price) return field_fail(price.error(), std::string(where) + " price of " + std::string(symbol));
    auto size = parse_decimal(row.size);
    if (!size) return field_fail(size.error(), std::string(where) + " size of " + std::string(symbol));
    auto seq = parse_int(row.sequence);
    if (!seq) return field_fail(seq.error(), std::string(where) + " sequence");
    if (*seq < seq_start || *seq > seq_end) {
      return fail(Errc::protocol_violation, std::string(where) + ": change sequence " + std::to_string(*seq) +
                                                " outside [" + std::to_string(seq_start) + ", " +
                                                std::to_string(seq_end) + "]");
    }
    // A price finer than the symbol's tick (the tick changed): later prices of this symbol are
    // written with its decimals, so that the book keeps one scale without converting each change.
    if (price->decimals > price_decimals) {
      const int finer = significant_decimals(price->raw, price->decimals);
      if (static_cast<std::size_t>(finer) > price_decimals) {
        price_decimals = static_cast<std::size_t>(finer);
        SymbolScale widened = scales_.get(symbol);
        widened.price_decimals = static_cast<std::uint8_t>(finer);
        scales_.set(symbol, widened);
        im.last_scale = widened;
        im.scale_version = scales_.version();
      }
    }
    out.changes.push_back(
        L2Change{row.side, Price{price->raw, price->decimals}, Quantity{size->raw, size->decimals}, *seq});
  }
  return {};
}

Result<void> L2Decoder::decode_depth(std::string_view frame, std::string& symbol, L2Snapshot& out) {
  static constexpr std::string_view kDepthPrefix = "/spotMarket/level2Depth";
  Impl& im = *impl_;
  auto doc_r = im.start(frame);
  if (!doc_r) return Unexpected{std::move(doc_r).error()};
  od::document& doc = *doc_r;
  od::object obj;
  if (auto e = doc.get_object().get(obj)) return root_fail(e, frame, "frame");
  im.rows.clear();
  out.bids.clear();
  out.asks.clear();
  std::string_view type, topic;
  bool have_data = false, have_bids = false, have_asks = false;
  std::int64_t timestamp = 0;
  for (auto field_r : obj) {
    od::field field;
    if (auto e = std::move(field_r).get(field)) return json_fail(e, "frame");
    const od::raw_json_string key = field.key();
    if (key == "type") {
      if (auto e = read_string(field.value(), type)) return json_fail(e, "type");
    } else if (key == "topic") {
      if (auto e = read_string(field.value(), topic)) return json_fail(e, "topic");
    } else if (key == "data") {
      have_data = true;
      auto r = im.read_book_data(field.value(), have_bids, have_asks,
                                 [&](const od::raw_json_string& k, od::value v) -> Result<void> {
                                   if (k != "timestamp") return {};
                                   auto t = read_int64(v, "data.timestamp");
                                   if (!t) return Unexpected{std::move(t).error()};
                                   timestamp = *t;
                                   return {};
                                 });
      if (!r) return r;
    }
  }
  if (const char* loc = nullptr; !doc.current_location().get(loc)) {
    return fail(Errc::parse_error, "frame: trailing content after the JSON object");
  }
  if (type != "message" || topic.substr(0, kDepthPrefix.size()) != kDepthPrefix) {
    return fail(Errc::unexpected_message, "not a /spotMarket/level2Depth frame");
  }
  const auto colon = topic.find(':');
  if (colon == std::string_view::npos || colon + 1 >= topic.size()) {
    return fail(Errc::protocol_violation, "topic without a symbol");
  }
  if (!have_data) return fail(Errc::missing_field, "data");
  if (!have_bids) return fail(Errc::missing_field, "data.bids");
  if (!have_asks) return fail(Errc::missing_field, "data.asks");
  const std::string_view sym = topic.substr(colon + 1);
  symbol.assign(sym.data(), sym.size());
  const SymbolScale scale = scales_.get(sym);
  out.sequence = timestamp;
  out.time_ms = timestamp;
  return levels_from_rows(im.rows, scale, out);
}

Result<void> L2Decoder::decode_snapshot(std::string_view body, SymbolScale scale, L2Snapshot& out) {
  Impl& im = *impl_;
  auto doc_r = im.start(body);
  if (!doc_r) return Unexpected{std::move(doc_r).error()};
  od::document& doc = *doc_r;
  od::object obj;
  if (auto e = doc.get_object().get(obj)) return root_fail(e, body, "response");

  im.rows.clear();
  out.bids.clear();
  out.asks.clear();
  std::string_view code, msg, sequence;
  bool have_code = false, have_data = false, have_sequence = false, have_bids = false, have_asks = false;
  std::int64_t time_ms = 0;

  for (auto field_r : obj) {
    od::field field;
    if (auto e = std::move(field_r).get(field)) return json_fail(e, "response");
    const od::raw_json_string key = field.key();
    if (key == "code") {
      if (auto e = read_string(field.value(), code)) return json_fail(e, "code");
      have_code = true;
    } else if (key == "msg") {
      if (auto e = read_string(field.value(), msg)) return json_fail(e, "msg");
    } else if (key == "data") {
      have_data = true;
      auto r = im.read_book_data(field.value(), have_bids, have_asks,
                                 [&](const od::raw_json_string& k, od::value v) -> Result<void> {
                                   if (k == "sequence") {
                                     if (auto e = read_string(v, sequence)) return json_fail(e, "data.sequence");
                                     have_sequence = true;
                                   } else if (k == "time") {
                                     auto t = read_int64(v, "data.time");
                                     if (!t) return Unexpected{std::move(t).error()};
                                     time_ms = *t;
                                   }
                                   return {};
                                 });
      if (!r) return r;
    }
  }
  if (const char* loc = nullptr; !doc.current_location().get(loc)) {
    return fail(Errc::parse_error, "response: trailing content after the JSON object");
  }
  if (!have_code) return fail(Errc::missing_field, "code");
  if (code != "200000") {
    return fail(Errc::api_error, "KuCoin error " + std::string(code.substr(0, 16)) +
                                     (msg.empty() ? std::string() : ": " + std::string(msg.substr(0, 200))));
  }
  if (!have_data) return fail(Errc::missing_field, "data");
  if (!have_sequence) return fail(Errc::missing_field, "data.sequence");
  if (!have_bids) return fail(Errc::missing_field, "data.bids");
  if (!have_asks) return fail(Errc::missing_field, "data.asks");
  auto seq = parse_int(sequence);
  if (!seq) return field_fail(seq.error(), "data.sequence");
  out.sequence = *seq;
  out.time_ms = time_ms;
  return levels_from_rows(im.rows, scale, out);
}

}  // namespace kucoin
