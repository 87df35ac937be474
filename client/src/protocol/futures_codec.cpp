// KuCoin Futures codec (futures_codec.hpp): the decoders on simdjson On-Demand and the encoders
// the mock writes with, side by side. One file on purpose (past ~600 lines): each wire shape's
// decoder sits next to its encoder so that a change to one is seen beside the other (the round-trip
// tests pin them together); splitting by direction would separate exactly what must agree.
#include "kucoin/protocol/futures_codec.hpp"

#include <simdjson.h>

#include <algorithm>
#include <climits>

#include "kucoin/core/decimal.hpp"
#include "json_error.hpp"

namespace kucoin {

namespace od = simdjson::ondemand;

namespace {

constexpr std::string_view kLevel2Prefix = "/contractMarket/level2:";
constexpr std::string_view kDepthPrefix = "/contractMarket/level2Depth";

Unexpected<Error> json_fail(simdjson::error_code e, std::string_view where) {
  return Unexpected<Error>{detail::json_error(e, where)};
}

Unexpected<Error> field_fail(const Error& inner, std::string_view where) {
  return fail(inner.code, std::string(where) + ": " + inner.message);
}

std::string clip(std::string_view s, std::size_t n = 64) {
  std::string out(s.substr(0, n));
  if (s.size() > n) out += "...";
  return out;
}

// A JSON string's content without copying (KuCoin's strings here have no escapes; one with a
// backslash is unescaped by simdjson). A non-string is wrong_type.
simdjson::error_code read_string(od::value& v, std::string_view& out) {
  const std::string_view tok = v.raw_json_token();
  if (tok.empty() || tok.front() != '"') return simdjson::INCORRECT_TYPE;
  const std::size_t end = tok.find_first_of("\"\\", 1);
  if (end != std::string_view::npos && tok[end] == '"') {
    out = tok.substr(1, end - 1);
    return simdjson::SUCCESS;
  }
  return v.get_string().get(out);
}

// The text of a decimal written as a JSON number (66968.1) or, leniently, as a string ("66968.1").
Result<std::string_view> read_number_text(od::value& v, std::string_view where) {
  std::string_view tok = v.raw_json_token();
  if (!tok.empty() && tok.front() == '"') {
    std::string_view s;
    if (auto e = read_string(v, s)) return json_fail(e, where);
    return s;
  }
  while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\n' || tok.back() == '\r' || tok.back() == '\t')) {
    tok.remove_suffix(1);
  }
  if (tok.empty() || !(tok.front() == '-' || (tok.front() >= '0' && tok.front() <= '9'))) {
    return fail(Errc::wrong_type, std::string(where) + ": expected a number");
  }
  return tok;
}

// A JSON integer (or, leniently, an integer string) that must be >= 0.
Result<std::int64_t> read_count(od::value& v, std::string_view where) {
  auto text = read_number_text(v, where);
  if (!text) return Unexpected{std::move(text).error()};
  auto n = parse_int(*text);
  if (!n) return field_fail(n.error(), where);
  return *n;
}

Result<ParsedDecimal> read_decimal(od::value& v, std::string_view where, int min_decimals = 0) {
  auto text = read_number_text(v, where);
  if (!text) return Unexpected{std::move(text).error()};
  auto d = parse_decimal(*text, min_decimals);
  if (!d) return field_fail(d.error(), where);
  return *d;
}

// The root must be an object: a text that is no JSON value is a parse error, another value a type error.
Unexpected<Error> root_fail(simdjson::error_code e, std::string_view json, std::string_view what) {
  if (e == simdjson::INCORRECT_TYPE) {
    const auto pos = json.find_first_not_of(" \t\r\n");
    const std::string_view rest = pos == std::string_view::npos ? std::string_view() : json.substr(pos);
    const char c = rest.empty() ? '\0' : rest.front();
    const bool value = c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || rest.substr(0, 4) == "true" ||
                       rest.substr(0, 5) == "false" || rest.substr(0, 4) == "null";
    if (!value) return fail(Errc::parse_error, std::string(what) + ": not JSON");
    return fail(Errc::wrong_type, std::string(what) + ": expected a JSON object");
  }
  return json_fail(e, what);
}

Result<void> check_trailing(od::document& doc, std::string_view what) {
  if (const char* loc = nullptr; !doc.current_location().get(loc)) {
    return fail(Errc::parse_error, std::string(what) + ": trailing content after the JSON object");
  }
  return {};
}

Result<void> check_envelope(bool have_code, std::string_view code, std::string_view msg) {
  if (!have_code) return fail(Errc::missing_field, "code");
  if (code != "200000") {
    return fail(Errc::api_error,
                "KuCoin error " + clip(code, 16) + (msg.empty() ? std::string() : ": " + clip(msg, 200)));
  }
  return {};
}

// "90631.2,sell,2" -> side, price, size.
Result<L2Change> parse_change(std::string_view change, int price_decimals, std::string_view symbol) {
  const auto c1 = change.find(',');
  const auto c2 = c1 == std::string_view::npos ? c1 : change.find(',', c1 + 1);
  if (c2 == std::string_view::npos || change.find(',', c2 + 1) != std::string_view::npos) {
    return fail(Errc::protocol_violation,
                "data.change \"" + clip(change) + "\" of " + clip(symbol) + " is not \"price,side,size\"");
  }
  const std::string_view p = change.substr(0, c1), s = change.substr(c1 + 1, c2 - c1 - 1), q = change.substr(c2 + 1);
  L2Change out;
  if (s == "buy") {
    out.side = Side::bid;
  } else if (s == "sell") {
    out.side = Side::ask;
  } else {
    return fail(Errc::protocol_violation,
                "data.change side \"" + clip(s, 16) + "\" of " + clip(symbol) + " is neither buy nor sell");
  }
  auto price = parse_decimal(p, price_decimals);
  if (!price) return field_fail(price.error(), "data.change price of " + clip(symbol));
  auto size = parse_decimal(q);
  if (!size) return field_fail(size.error(), "data.change size of " + clip(symbol));
  out.price = Price{price->raw, price->decimals};
  out.size = Quantity{size->raw, size->decimals};
  return out;
}

}  // namespace

SymbolScale FuturesContract::scale() const {
  return SymbolScale{static_cast<std::uint8_t>(significant_decimals(tick_size.raw, tick_size.decimals)), 0};
}

std::optional<Quantity> lots_to_base(Quantity lots, Quantity multiplier) noexcept {
  using detail::int128;
  int128 raw = static_cast<int128>(lots.raw) * multiplier.raw;
  int decimals = lots.decimals + multiplier.decimals;
  while (decimals > 0 && raw % 10 == 0 && (decimals > kMaxDecimals || raw > INT64_MAX)) {
    raw /= 10;
    --decimals;
  }
  if (decimals > kMaxDecimals || raw > INT64_MAX) return std::nullopt;
  return Quantity{static_cast<std::int64_t>(raw), static_cast<std::uint8_t>(decimals)};
}

struct FuturesDecoder::Impl {
  od::parser parser;
  std::string buffer;

  Result<od::document> start(std::string_view json, std::string_view what) {
    const std::size_t need = json.size() + simdjson::SIMDJSON_PADDING;
    if (buffer.capacity() < need) buffer.reserve(need * 2);
    buffer.assign(json.data(), json.size());
    od::document doc;
    if (auto e = parser.iterate(buffer.data(), buffer.size(), buffer.capacity()).get(doc)) return json_fail(e, what);
    return doc;
  }

  // The fields both futures book shapes share inside `data` (level2Depth frames, REST snapshots):
  // bids, asks and sequence. True when `key` was one of them (and read), false for any other key.
  static Result<bool> read_book_field(const od::raw_json_string& key, od::value& v, L2Snapshot& book,
                                      int price_decimals, std::int64_t& sequence, bool& have_bids, bool& have_asks,
                                      bool& have_sequence) {
    if (key == "bids") {
      have_bids = true;
      if (auto r = read_levels(v, book.bids, price_decimals, "data.bids"); !r) return Unexpected{std::move(r).error()};
    } else if (key == "asks") {
      have_asks = true;
      if (auto r = read_levels(v, book.asks, price_decimals, "data.asks"); !r) return Unexpected{std::move(r).error()};
    } else if (key == "sequence") {
      auto n = read_count(v, "data.sequence");
      if (!n) return Unexpected{std::move(n).error()};
      sequence = *n;
      have_sequence = true;
    } else {
      return false;
    }
    return true;
  }

  // [[price, size], ...] with the price and size as numbers or strings.
  static Result<void> read_levels(od::value v, std::vector<L2Level>& out, int price_decimals, std::string_view where) {
    od::array arr;
    if (auto e = v.get_array().get(arr)) return json_fail(e, where);
    for (auto row_r : arr) {
      od::array row;
      if (auto e = row_r.get_array().get(row)) return json_fail(e, where);
      L2Level level;
      std::size_t n = 0;
      for (auto el_r : row) {
        od::value el;
        if (auto e = std::move(el_r).get(el)) return json_fail(e, where);
        if (n == 0) {
          auto p = read_decimal(el, std::string(where) + " price", price_decimals);
          if (!p) return Unexpected{std::move(p).error()};
          level.price = Price{p->raw, p->decimals};
        } else if (n == 1) {
          auto q = read_decimal(el, std::string(where) + " size");
          if (!q) return Unexpected{std::move(q).error()};
          level.size = Quantity{q->raw, q->decimals};
        }
        ++n;
      }
      if (n != 2) {
        return fail(Errc::protocol_violation,
                    std::string(where) + ": a row has " + std::to_string(n) + " elements, expected 2");
      }
      out.push_back(level);
    }
    return {};
  }
};

FuturesDecoder::FuturesDecoder(ScaleTable scales) : impl_(std::make_unique<Impl>()), scales_(std::move(scales)) {}
FuturesDecoder::~FuturesDecoder() = default;
FuturesDecoder::FuturesDecoder(FuturesDecoder&&) noexcept = default;
FuturesDecoder& FuturesDecoder::operator=(FuturesDecoder&&) noexcept = default;

Result<void> FuturesDecoder::decode_level2(std::string_view frame, L2Update& out) {
  auto doc_r = impl_->start(frame, "frame");
  if (!doc_r) return Unexpected{std::move(doc_r).error()};
  od::document& doc = *doc_r;
  od::object obj;
  if (auto e = doc.get_object().get(obj)) return root_fail(e, frame, "frame");
  std::string_view type, topic, subject, change;
  bool have_type = false, have_topic = false, have_subject = false, have_data = false, have_seq = false;
  std::int64_t sequence = 0, timestamp = 0;
  for (auto field_r : obj) {
    od::field field;
    if (auto e = std::move(field_r).get(field)) return json_fail(e, "frame");
    const od::raw_json_string key = field.key();
    if (key == "type") {
      if (auto e = read_string(field.value(), type)) return json_fail(e, "type");
      have_type = true;
    } else if (key == "topic") {
      if (auto e = read_string(field.value(), topic)) return json_fail(e, "topic");
      have_topic = true;
    } else if (key == "subject") {
      if (auto e = read_string(field.value(), subject)) return json_fail(e, "subject");
      have_subject = true;
    } else if (key == "data") {
      if (have_type && type != "message") break;  // reported below
      have_data = true;
      od::object data;
      if (auto e = field.value().get_object().get(data)) return json_fail(e, "data");
      for (auto df_r : data) {
        od::field df;
        if (auto e = std::move(df_r).get(df)) return json_fail(e, "data");
        const od::raw_json_string dkey = df.key();
        od::value v = df.value();
        if (dkey == "sequence") {
          auto n = read_count(v, "data.sequence");
          if (!n) return Unexpected{std::move(n).error()};
          sequence = *n;
          have_seq = true;
        } else if (dkey == "change") {
          if (auto e = read_string(v, change)) return json_fail(e, "data.change");
        } else if (dkey == "timestamp") {
          auto n = read_count(v, "data.timestamp");
          if (!n) return Unexpected{std::move(n).error()};
          timestamp = *n;
        }
      }
    }
  }
  if (have_type && type != "message") {
    return fail(Errc::unexpected_message, "frame of type \"" + clip(type, 32) + "\", not a data message");
  }
  if (auto r = check_trailing(doc, "frame"); !r) return r;
  if (!have_type) return fail(Errc::missing_field, "type");
  if (!have_topic) return fail(Errc::missing_field, "topic");
  if (topic.substr(0, kLevel2Prefix.size()) != kLevel2Prefix) {
    return fail(Errc::unexpected_message, "topic \"" + clip(topic) + "\" is not /contractMarket/level2");
  }
  if (have_subject && subject != "level2") {
    return fail(Errc::unexpected_message, "subject \"" + clip(subject, 48) + "\", not level2");
  }
  const std::string_view symbol = topic.substr(kLevel2Prefix.size());
  if (symbol.empty() || symbol.find(',') != std::string_view::npos) {
    return fail(Errc::protocol_violation, "topic \"" + clip(topic) + "\" does not name one symbol");
  }
  if (!have_data) return fail(Errc::missing_field, "data");
  if (!have_seq) return fail(Errc::missing_field, "data.sequence");
  if (change.empty()) return fail(Errc::missing_field, "data.change");
  auto c = parse_change(change, scales_.get(symbol).price_decimals, symbol);
  if (!c) return Unexpected{std::move(c).error()};
  c->sequence = sequence;
  if (out.symbol != symbol) out.symbol.assign(symbol.data(), symbol.size());
  out.sequence_start = sequence;
  out.sequence_end = sequence;
  out.time_ms = timestamp;
  out.changes.clear();
  out.changes.push_back(*c);
  return {};
}

Result<void> FuturesDecoder::decode_depth(std::string_view frame, FuturesDepth& out) {
  auto doc_r = impl_->start(frame, "frame");
  if (!doc_r) return Unexpected{std::move(doc_r).error()};
  od::document& doc = *doc_r;
  od::object obj;
  if (auto e = doc.get_object().get(obj)) return root_fail(e, frame, "frame");
  out.book.bids.clear();
  out.book.asks.clear();
  out.sequence = 0;
  out.timestamp_ms = 0;
  std::string_view type, topic;
  bool have_data = false, have_bids = false, have_asks = false;
  int price_decimals = -1;
  for (auto field_r : obj) {
    od::field field;
    if (auto e = std::move(field_r).get(field)) return json_fail(e, "frame");
    const od::raw_json_string key = field.key();
    if (key == "type") {
      if (auto e = read_string(field.value(), type)) return json_fail(e, "type");
    } else if (key == "topic") {
      if (auto e = read_string(field.value(), topic)) return json_fail(e, "topic");
      const auto colon = topic.find(':');
      if (colon != std::string_view::npos) price_decimals = scales_.get(topic.substr(colon + 1)).price_decimals;
    } else if (key == "data") {
      have_data = true;
      if (price_decimals < 0) price_decimals = scales_.fallback().price_decimals;
      od::object data;
      if (auto e = field.value().get_object().get(data)) return json_fail(e, "data");
      for (auto df_r : data) {
        od::field df;
        if (auto e = std::move(df_r).get(df)) return json_fail(e, "data");
        const od::raw_json_string dkey = df.key();
        od::value v = df.value();
        bool have_sequence = false;
        auto shared =
            Impl::read_book_field(dkey, v, out.book, price_decimals, out.sequence, have_bids, have_asks, have_sequence);
        if (!shared) return Unexpected{std::move(shared).error()};
        if (*shared) continue;
        if (dkey == "timestamp") {
          auto n = read_count(v, "data.timestamp");
          if (!n) return Unexpected{std::move(n).error()};
          out.timestamp_ms = *n;
        }
      }
    }
  }
  if (auto r = check_trailing(doc, "frame"); !r) return r;
  if (type != "message" || topic.substr(0, kDepthPrefix.size()) != kDepthPrefix) {
    return fail(Errc::unexpected_message, "not a /contractMarket/level2Depth frame");
  }
  const std::string_view rest = topic.substr(kDepthPrefix.size());
  int depth = 0;
  if (rest.substr(0, 2) == "5:") {
    depth = 5;
  } else if (rest.substr(0, 3) == "50:") {
    depth = 50;
  } else {
    return fail(Errc::protocol_violation, "topic \"" + clip(topic) + "\" is neither level2Depth5 nor level2Depth50");
  }
  const std::string_view symbol = rest.substr(depth == 5 ? 2 : 3);
  if (symbol.empty()) return fail(Errc::protocol_violation, "topic without a symbol");
  if (!have_data) return fail(Errc::missing_field, "data");
  if (!have_bids) return fail(Errc::missing_field, "data.bids");
  if (!have_asks) return fail(Errc::missing_field, "data.asks");
  out.symbol.assign(symbol.data(), symbol.size());
  out.depth = depth;
  out.book.sequence = out.sequence;
  out.book.time_ms = out.timestamp_ms;
  return {};
}

Result<void> FuturesDecoder::decode_ticker_v2(std::string_view frame, FuturesTicker& out) {
  static constexpr std::string_view kPrefix = "/contractMarket/tickerV2:";
  auto doc_r = impl_->start(frame, "frame");
  if (!doc_r) return Unexpected{std::move(doc_r).error()};
  od::document& doc = *doc_r;
  od::object obj;
  if (auto e = doc.get_object().get(obj)) return root_fail(e, frame, "frame");
  std::string_view type, topic;
  bool have_data = false, have_seq = false, have_bid = false, have_ask = false;
  out = FuturesTicker{};
  int price_decimals = scales_.fallback().price_decimals;
  for (auto field_r : obj) {
    od::field field;
    if (auto e = std::move(field_r).get(field)) return json_fail(e, "frame");
    const od::raw_json_string key = field.key();
    if (key == "type") {
      if (auto e = read_string(field.value(), type)) return json_fail(e, "type");
    } else if (key == "topic") {
      if (auto e = read_string(field.value(), topic)) return json_fail(e, "topic");
      if (topic.substr(0, kPrefix.size()) == kPrefix)
        price_decimals = scales_.get(topic.substr(kPrefix.size())).price_decimals;
    } else if (key == "data") {
      have_data = true;
      od::object data;
      if (auto e = field.value().get_object().get(data)) return json_fail(e, "data");
      for (auto df_r : data) {
        od::field df;
        if (auto e = std::move(df_r).get(df)) return json_fail(e, "data");
        const od::raw_json_string dkey = df.key();
        od::value v = df.value();
        if (dkey == "sequence") {
          auto n = read_count(v, "data.sequence");
          if (!n) return Unexpected{std::move(n).error()};
          out.sequence = *n;
          have_seq = true;
        } else if (dkey == "ts") {
          auto n = read_count(v, "data.ts");
          if (!n) return Unexpected{std::move(n).error()};
          out.ts_ns = *n;
        } else if (dkey == "bestBidPrice" || dkey == "bestAskPrice") {
          const bool bid = dkey == "bestBidPrice";
          auto d = read_decimal(v, bid ? "data.bestBidPrice" : "data.bestAskPrice", price_decimals);
          if (!d) return Unexpected{std::move(d).error()};
          (bid ? out.best_bid : out.best_ask) = Price{d->raw, d->decimals};
          (bid ? have_bid : have_ask) = true;
        } else if (dkey == "bestBidSize" || dkey == "bestAskSize") {
          const bool bid = dkey == "bestBidSize";
          auto d = read_decimal(v, bid ? "data.bestBidSize" : "data.bestAskSize");
          if (!d) return Unexpected{std::move(d).error()};
          (bid ? out.best_bid_size : out.best_ask_size) = Quantity{d->raw, d->decimals};
        }
      }
    }
  }
  if (auto r = check_trailing(doc, "frame"); !r) return r;
  if (type != "message" || topic.substr(0, kPrefix.size()) != kPrefix) {
    return fail(Errc::unexpected_message, "not a /contractMarket/tickerV2 frame");
  }
  const std::string_view symbol = topic.substr(kPrefix.size());
  if (symbol.empty()) return fail(Errc::protocol_violation, "topic without a symbol");
  if (!have_data) return fail(Errc::missing_field, "data");
  if (!have_seq) return fail(Errc::missing_field, "data.sequence");
  if (!have_bid) return fail(Errc::missing_field, "data.bestBidPrice");
  if (!have_ask) return fail(Errc::missing_field, "data.bestAskPrice");
  out.symbol.assign(symbol.data(), symbol.size());
  return {};
}

Result<void> FuturesDecoder::decode_snapshot(std::string_view body, std::string_view symbol, FuturesSnapshot& out) {
  auto doc_r = impl_->start(body, "response");
  if (!doc_r) return Unexpected{std::move(doc_r).error()};
  od::document& doc = *doc_r;
  od::object obj;
  if (auto e = doc.get_object().get(obj)) return root_fail(e, body, "response");
  out.book.bids.clear();
  out.book.asks.clear();
  out.ts_ns = 0;
  out.symbol.assign(symbol.data(), symbol.size());
  const int price_decimals = scales_.get(symbol).price_decimals;
  std::string_view code, msg;
  bool have_code = false, have_data = false, have_seq = false, have_bids = false, have_asks = false;
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
      if (have_code && code != "200000") continue;
      have_data = true;
      od::object data;
      if (auto e = field.value().get_object().get(data)) return json_fail(e, "data");
      for (auto df_r : data) {
        od::field df;
        if (auto e = std::move(df_r).get(df)) return json_fail(e, "data");
        const od::raw_json_string dkey = df.key();
        od::value v = df.value();
        auto shared =
            Impl::read_book_field(dkey, v, out.book, price_decimals, out.book.sequence, have_bids, have_asks, have_seq);
        if (!shared) return Unexpected{std::move(shared).error()};
        if (*shared) continue;
        if (dkey == "ts") {
          auto n = read_count(v, "data.ts");
          if (!n) return Unexpected{std::move(n).error()};
          out.ts_ns = *n;
        } else if (dkey == "symbol") {
          std::string_view s;
          if (auto e = read_string(v, s)) return json_fail(e, "data.symbol");
          out.symbol.assign(s.data(), s.size());
        }
      }
    }
  }
  if (auto r = check_trailing(doc, "response"); !r) return r;
  if (auto r = check_envelope(have_code, code, msg); !r) return r;
  if (!have_data) return fail(Errc::missing_field, "data");
  if (!have_seq) return fail(Errc::missing_field, "data.sequence");
  if (!have_bids) return fail(Errc::missing_field, "data.bids");
  if (!have_asks) return fail(Errc::missing_field, "data.asks");
  out.book.time_ms = out.ts_ns / 1'000'000;
  return {};
}

Result<void> FuturesDecoder::decode_contracts(std::string_view body, std::vector<FuturesContract>& out) {
  auto doc_r = impl_->start(body, "response");
  if (!doc_r) return Unexpected{std::move(doc_r).error()};
  od::document& doc = *doc_r;
  od::object obj;
  if (auto e = doc.get_object().get(obj)) return root_fail(e, body, "response");
  out.clear();
  std::string_view code, msg;
  bool have_code = false, have_data = false;
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
      if (have_code && code != "200000") continue;
      have_data = true;
      od::array arr;
      if (auto e = field.value().get_array().get(arr)) return json_fail(e, "data");
      for (auto el_r : arr) {
        od::object c;
        const std::string where = "data[" + std::to_string(out.size()) + "]";
        if (auto e = el_r.get_object().get(c)) return json_fail(e, where);
        FuturesContract k;
        bool have_tick = false, have_lot = false, have_mult = false;
        for (auto cf_r : c) {
          od::field cf;
          if (auto e = std::move(cf_r).get(cf)) return json_fail(e, where);
          const od::raw_json_string ck = cf.key();
          od::value v = cf.value();
          std::string_view s;
          if (ck == "symbol") {
            if (auto e = read_string(v, s)) return json_fail(e, where + ".symbol");
            k.symbol.assign(s);
          } else if (ck == "baseCurrency") {
            if (auto e = read_string(v, s)) return json_fail(e, where + ".baseCurrency");
            k.base_currency.assign(s);
          } else if (ck == "quoteCurrency") {
            if (auto e = read_string(v, s)) return json_fail(e, where + ".quoteCurrency");
            k.quote_currency.assign(s);
          } else if (ck == "status") {
            if (auto e = read_string(v, s)) return json_fail(e, where + ".status");
            k.status.assign(s);
          } else if (ck == "isInverse") {
            bool b = false;
            if (auto e = v.get_bool().get(b)) return json_fail(e, where + ".isInverse");
            k.inverse = k.inverse || b;
          } else if (ck == "tickSize") {
            auto d = read_decimal(v, where + ".tickSize");
            if (!d) return Unexpected{std::move(d).error()};
            k.tick_size = Price{d->raw, d->decimals};
            have_tick = true;
          } else if (ck == "lotSize") {
            auto d = read_decimal(v, where + ".lotSize");
            if (!d) return Unexpected{std::move(d).error()};
            k.lot_size = Quantity{d->raw, d->decimals};
            have_lot = true;
          } else if (ck == "multiplier") {
            auto t = read_number_text(v, where + ".multiplier");
            if (!t) return Unexpected{std::move(t).error()};
            std::string_view text = *t;
            if (!text.empty() && text.front() == '-') {  // inverse contracts: -1
              text.remove_prefix(1);
              k.inverse = true;
            }
            auto d = parse_decimal(text);
            if (!d) return field_fail(d.error(), where + ".multiplier");
            k.multiplier = Quantity{d->raw, d->decimals};
            have_mult = true;
          }
        }
        if (k.symbol.empty()) return fail(Errc::missing_field, where + ".symbol");
        const std::string named = where + " (" + clip(k.symbol, 32) + ")";
        if (!have_tick) return fail(Errc::missing_field, named + ".tickSize");
        if (!have_lot) return fail(Errc::missing_field, named + ".lotSize");
        if (!have_mult) return fail(Errc::missing_field, named + ".multiplier");
        if (k.tick_size.is_zero() || k.lot_size.is_zero() || k.multiplier.is_zero()) {
          return fail(Errc::protocol_violation, named + ": tickSize, lotSize and multiplier must be non-zero");
        }
        out.push_back(std::move(k));
      }
    }
  }
  if (auto r = check_trailing(doc, "response"); !r) return r;
  if (auto r = check_envelope(have_code, code, msg); !r) return r;
  if (!have_data) return fail(Errc::missing_field, "data");
  return {};
}

void split_futures_messages(const L2Update& update, std::vector<L2Update>& out) {
  for (const L2Change& c : update.changes) {
    L2Update m;
    m.symbol = update.symbol;
    m.sequence_start = c.sequence;
    m.sequence_end = c.sequence;
    m.time_ms = update.time_ms;
    m.changes.push_back(c);
    out.push_back(std::move(m));
  }
}

namespace {

// [["price",size],...] (depth frames) or [[price,size],...] (REST snapshot): the first `limit`.
void append_levels(std::string& out, const std::vector<L2Level>& levels, std::size_t limit, bool quoted_price) {
  out += '[';
  const std::size_t n = std::min(levels.size(), limit);
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) out += ',';
    out += quoted_price ? "[\"" : "[";
    append_decimal(out, levels[i].price);
    out += quoted_price ? "\"," : ",";
    append_decimal(out, levels[i].size);
    out += ']';
  }
  out += ']';
}

}  // namespace

Result<void> encode_futures_level2_frame(const L2Update& u, std::string& out) {
  if (u.changes.size() != 1) {
    return fail(Errc::invalid_argument, "a futures level2 message holds one change, not " +
                                            std::to_string(u.changes.size()) + " (split_futures_messages)");
  }
  const L2Change& c = u.changes.front();
  out += R"({"topic":"/contractMarket/level2:)";
  out += u.symbol;
  out += R"(","type":"message","subject":"level2","sn":)";
  append_int(out, c.sequence);
  out += R"(,"data":{"sequence":)";
  append_int(out, c.sequence);
  out += R"(,"change":")";
  append_decimal(out, c.price);
  out += c.side == Side::bid ? ",buy," : ",sell,";
  append_decimal(out, c.size);
  out += R"(","timestamp":)";
  append_int(out, u.time_ms);
  out += "}}";
  return {};
}

void encode_futures_depth_frame(std::string_view symbol, int depth, const L2Snapshot& book, std::int64_t timestamp_ms,
                                std::string& out) {
  const auto n = static_cast<std::size_t>(std::max(0, depth));
  out += R"({"topic":"/contractMarket/level2Depth)";
  append_int(out, depth);
  out += ':';
  out += symbol;
  out += R"(","type":"message","subject":"level2","sn":)";
  append_int(out, timestamp_ms);
  out += R"(,"data":{"bids":)";
  append_levels(out, book.bids, n, true);
  out += R"(,"sequence":)";
  append_int(out, book.sequence);
  out += R"(,"timestamp":)";
  append_int(out, timestamp_ms);
  out += R"(,"ts":)";
  append_int(out, timestamp_ms);
  out += R"(,"asks":)";
  append_levels(out, book.asks, n, true);
  out += "}}";
}

void encode_futures_ticker_v2_frame(const FuturesTicker& t, std::string& out) {
  out += R"({"topic":"/contractMarket/tickerV2:)";
  out += t.symbol;
  out += R"(","type":"message","subject":"tickerV2","sn":)";
  append_int(out, t.sequence);
  out += R"(,"data":{"symbol":")";
  out += t.symbol;
  out += R"(","sequence":)";
  append_int(out, t.sequence);
  out += R"(,"bestBidSize":)";
  append_decimal(out, t.best_bid_size);
  out += R"(,"bestBidPrice":")";
  append_decimal(out, t.best_bid);
  out += R"(","bestAskPrice":")";
  append_decimal(out, t.best_ask);
  out += R"(","bestAskSize":)";
  append_decimal(out, t.best_ask_size);
  out += R"(,"ts":)";
  append_int(out, t.ts_ns);
  out += "}}";
}

void encode_futures_snapshot_response(const FuturesSnapshot& s, std::string& out) {
  out += R"({"code":"200000","data":{"sequence":)";
  append_int(out, s.book.sequence);
  out += R"(,"symbol":")";
  out += s.symbol;
  out += R"(","bids":)";
  append_levels(out, s.book.bids, s.book.bids.size(), false);
  out += R"(,"asks":)";
  append_levels(out, s.book.asks, s.book.asks.size(), false);
  out += R"(,"ts":)";
  append_int(out, s.ts_ns);
  out += "}}";
}

void encode_futures_contracts_response(std::span<const FuturesContract> contracts, std::string& out) {
  out += R"({"code":"200000","data":[)";
  bool first = true;
  for (const FuturesContract& c : contracts) {
    if (!first) out += ',';
    first = false;
    out += R"({"symbol":")";
    out += c.symbol;
    out += R"(","baseCurrency":")";
    out += c.base_currency;
    out += R"(","quoteCurrency":")";
    out += c.quote_currency;
    out += R"(","settleCurrency":")";
    out += c.inverse ? c.base_currency : c.quote_currency;
    out += R"(","type":"FFWCSX","isInverse":)";
    out += c.inverse ? "true" : "false";
    out += R"(,"multiplier":)";
    if (c.inverse) out += '-';
    append_decimal(out, c.multiplier);
    out += R"(,"lotSize":)";
    append_decimal(out, c.lot_size);
    out += R"(,"tickSize":)";
    append_decimal(out, c.tick_size);
    out += R"(,"status":")";
    out += c.status.empty() ? std::string_view("Open") : std::string_view(c.status);
    out += "\"}";
  }
  out += "]}";
}

}  // namespace kucoin
