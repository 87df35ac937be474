#include "kucoin/runner/client_report.hpp"

#include <simdjson.h>

#include <algorithm>

#include "kucoin/core/decimal.hpp"

namespace kucoin::runner {

namespace {

namespace dom = simdjson::dom;

std::string type_name(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: return "a number";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "a boolean";
    case dom::element_type::NULL_VALUE: return "null";
  }
  return "something else";
}

std::string got(dom::element e) {
  std::string s = type_name(e.type());
  if (e.is_string() || e.is_number()) s += " (" + excerpt(simdjson::minify(e), 40) + ")";
  return s;
}

// A level ["price","size"]; error text names it by `where` ("bids[3]").
std::string read_level(dom::element e, const std::string& where, L2Level& out) {
  dom::array a;
  if (e.get_array().get(a) != simdjson::SUCCESS || a.size() != 2) {
    return where + ": a pair [\"price\",\"size\"] expected, got " + got(e);
  }
  int i = 0;
  for (dom::element v : a) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    std::string_view text;
    if (v.get_string().get(text) != simdjson::SUCCESS) return at + ": a decimal string expected, got " + got(v);
    auto d = parse_decimal(text);
    if (!d) return at + ": not a decimal (\"" + excerpt(text, 40) + "\")";
    if (i == 0) {
      out.price = Price{d->raw, d->decimals};
    } else {
      out.size = Quantity{d->raw, d->decimals};
    }
    ++i;
  }
  if (out.price.is_zero()) return where + ": price 0";
  if (out.size.is_zero()) return where + ": size 0 (a removed level must not be reported)";
  return {};
}

std::string read_side(dom::element e, const char* name, std::vector<L2Level>& out) {
  dom::array a;
  if (e.get_array().get(a) != simdjson::SUCCESS)
    return std::string(name) + ": an array of levels expected, got " + got(e);
  const bool bids = std::string_view(name) == "bids";
  std::size_t i = 0;
  for (dom::element level : a) {
    L2Level l;
    const std::string where = std::string(name) + "[" + std::to_string(i) + "]";
    if (auto bad = read_level(level, where, l); !bad.empty()) return bad;
    if (!out.empty() && (bids ? !(l.price < out.back().price) : !(l.price > out.back().price))) {
      return where + ": price " + to_string(l.price) + " out of order (" + name +
             " go best first: " + (bids ? "descending" : "ascending") + ", no price twice)";
    }
    out.push_back(l);
    ++i;
  }
  return {};
}

std::string read_string_field(dom::element e, std::string_view key, std::string& out) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return std::string(key) + ": a string expected, got " + got(e);
  out.assign(s);
  return {};
}

std::string parse_book(dom::object o, ReportedBook& b) {
  bool has_symbol = false, has_sequence = false, has_bids = false, has_asks = false;
  for (auto [key, value] : o) {
    std::string bad;
    if (key == "type") continue;
    if (key == "symbol") {
      bad = read_string_field(value, key, b.symbol);
      has_symbol = true;
    } else if (key == "sequence") {
      std::int64_t seq = 0;
      std::string_view text;
      if (value.get_int64().get(seq) == simdjson::SUCCESS) {
        b.sequence = seq;
      } else if (value.get_string().get(text) == simdjson::SUCCESS && parse_int(text)) {
        b.sequence = *parse_int(text);
      } else {
        bad = "sequence: an integer expected, got " + got(value);
      }
      has_sequence = true;
    } else if (key == "exact_depth") {
      std::int64_t depth = 0;
      if (value.is_null()) {
        b.exact_depth.reset();
      } else if (value.get_int64().get(depth) == simdjson::SUCCESS && depth >= 0) {
        b.exact_depth = static_cast<std::size_t>(depth);
      } else {
        bad = "exact_depth: null or a non-negative integer expected, got " + got(value);
      }
    } else if (key == "bids") {
      bad = read_side(value, "bids", b.bids);
      has_bids = true;
    } else if (key == "asks") {
      bad = read_side(value, "asks", b.asks);
      has_asks = true;
    } else {
      bad = "unknown key \"" + excerpt(key, 40) + "\" in a book (symbol, sequence, exact_depth, bids, asks)";
    }
    if (!bad.empty()) return bad;
  }
  if (!has_symbol || b.symbol.empty()) return "a book without \"symbol\"";
  if (!has_sequence) return "a book without \"sequence\"";
  if (!has_bids || !has_asks) return "a book without \"bids\" or \"asks\"";
  return {};
}

std::string parse_event(dom::object o, ReportedEvent& ev) {
  for (auto [key, value] : o) {
    std::string bad;
    if (key == "symbol") bad = read_string_field(value, key, ev.symbol);
    if (key == "event") bad = read_string_field(value, key, ev.event);
    if (key == "cause") bad = read_string_field(value, key, ev.cause);
    if (key == "detail") bad = read_string_field(value, key, ev.detail);
    if (!bad.empty()) return bad;
  }
  if (ev.event.empty()) return "an event without \"event\"";
  return {};
}

std::string describe(const L2Level& l) { return to_string(l.price) + " x " + to_string(l.size); }

}  // namespace

std::string excerpt(std::string_view line, std::size_t max) {
  std::string s;
  for (char c : line.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    s += u < 0x20 || u == 0x7f ? '?' : c;
  }
  if (line.size() > max) s += "...";
  return s;
}

ParsedReport parse_client_report(std::string_view line) {
  ParsedReport r;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return r;  // an empty line
  dom::parser parser;
  dom::element doc;
  if (auto err = parser.parse(line.data(), line.size()).get(doc); err != simdjson::SUCCESS) {
    r.error = std::string("not JSON (") + simdjson::error_message(err) + ")";
    return r;
  }
  dom::object o;
  if (doc.get_object().get(o) != simdjson::SUCCESS) {
    r.error = "a JSON object expected, got " + got(doc);
    return r;
  }
  std::string_view type = "book";
  if (dom::element t; o["type"].get(t) == simdjson::SUCCESS) {
    if (t.get_string().get(type) != simdjson::SUCCESS) {
      r.error = "type: a string expected, got " + got(t);
      return r;
    }
  }
  if (type == "book") {
    r.report.kind = ClientReport::Kind::book;
    r.error = parse_book(o, r.report.book);
  } else if (type == "event") {
    r.report.kind = ClientReport::Kind::event;
    r.error = parse_event(o, r.report.event);
  } else if (type == "log") {
    r.report.kind = ClientReport::Kind::log;
    if (dom::element m; o["message"].get(m) == simdjson::SUCCESS)
      r.error = read_string_field(m, "message", r.report.message);
  } else {
    r.error = "unknown type \"" + excerpt(type, 40) + "\" (book, event or log)";
  }
  return r;
}

std::string compare_report(const ReportedBook& report, const L2Snapshot& truth) {
  if (report.sequence != truth.sequence) {
    return "at sequence " + std::to_string(report.sequence) + ", the truth at " + std::to_string(truth.sequence);
  }
  for (Side side : {Side::bid, Side::ask}) {
    const bool bids = side == Side::bid;
    const auto& mine = bids ? report.bids : report.asks;
    const auto& want = bids ? truth.bids : truth.asks;
    const char* name = bids ? "bids" : "asks";
    const std::size_t depth = report.exact_depth.value_or(std::max(mine.size(), want.size()));
    for (std::size_t i = 0; i < depth; ++i) {
      const bool have = i < mine.size(), should = i < want.size();
      if (!have && !should) break;
      if (have && should && mine[i] == want[i]) continue;
      std::string s = std::string(name) + " level " + std::to_string(i) + ": ";
      s += have ? describe(mine[i]) : "missing";
      s += ", the truth has ";
      s += should ? describe(want[i]) : "no level there";
      return s + " (" + std::to_string(mine.size()) + " levels reported, the truth has " + std::to_string(want.size()) +
             ")";
    }
  }
  if (!report.bids.empty() && !report.asks.empty() && !(report.bids.front().price < report.asks.front().price)) {
    return "crossed: best bid " + to_string(report.bids.front().price) + " >= best ask " +
           to_string(report.asks.front().price);
  }
  return {};
}

}  // namespace kucoin::runner
