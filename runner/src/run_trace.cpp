#include "kucoin/runner/run_trace.hpp"

#include <algorithm>
#include <cstdio>

#include "kucoin/protocol/ws_codec.hpp"

namespace kucoin::runner {

namespace {

std::string quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

struct Fnv {
  std::uint64_t h = 14695981039346656037ULL;
  void add(std::string_view s) {
    for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
};

}  // namespace

TraceBuilder::TraceBuilder(std::string_view case_name, std::uint64_t seed, bool positions_by_time)
    : head_("{\"type\":\"case\",\"name\":" + quoted(case_name) + ",\"seed\":" + std::to_string(seed) + "}"),
      positions_by_time_(positions_by_time) {}

void TraceBuilder::book_event(const BookEvent& e) {
  // `stale` is decided by the wall clock (no update for stale_after): a loaded machine adds some.
  if (e.kind == BookEvent::Kind::updated || e.kind == BookEvent::Kind::stale) return;
  const std::string sym = key_text({e.symbol, e.book_kind});
  std::string line =
      "{\"type\":\"book_event\",\"symbol\":" + quoted(sym) + ",\"event\":\"" + std::string(to_string(e.kind)) + "\"";
  if (e.kind == BookEvent::Kind::resyncing) line += ",\"cause\":\"" + std::string(to_string(e.cause)) + "\"";
  if (positions_by_time_) {
    // where a time-decided drop fell: not part of the outcome
  } else if (e.kind == BookEvent::Kind::synced) {
    line += ",\"snapshot_sequence\":" + std::to_string(e.snapshot_sequence);
  } else {
    line += ",\"sequence\":" + std::to_string(e.sequence);
  }
  if (e.kind == BookEvent::Kind::error && e.error != nullptr) {
    line += ",\"error\":\"" + std::string(to_string(e.error->code)) + "\"";
  }
  line += "}";
  events_.emplace_back(sym, std::move(line));
}

void TraceBuilder::market(std::vector<mock::ServedSnapshot> snapshots, const std::vector<std::string>& fired_faults,
                          const std::vector<mock::StreamDigest>& streams, bool connections_by_timer) {
  connections_by_timer_ = connections_by_timer;
  // Per symbol in order (the order between symbols is the order their requests happened to arrive).
  std::stable_sort(snapshots.begin(), snapshots.end(),
                   [](const mock::ServedSnapshot& a, const mock::ServedSnapshot& b) { return a.symbol < b.symbol; });
  for (const auto& s : snapshots) {
    if (positions_by_time_) {
      market_.push_back("{\"type\":\"snapshot\",\"symbol\":" + quoted(s.symbol) +
                        ",\"ordinal\":" + std::to_string(s.ordinal) + "}");
      continue;
    }
    market_.push_back("{\"type\":\"snapshot\",\"symbol\":" + quoted(s.symbol) +
                      ",\"ordinal\":" + std::to_string(s.ordinal) + ",\"position\":" + std::to_string(s.position) +
                      ",\"sequence\":" + std::to_string(s.sequence) + ",\"planned\":" + (s.planned ? "true" : "false") +
                      "}");
  }
  for (const auto& f : fired_faults) market_.push_back("{\"type\":\"fault\",\"what\":" + quoted(f) + "}");
  for (const auto& d : streams) {
    std::string missing = "[";
    for (const auto& [from, to] : d.missing) {
      if (missing.size() > 1) missing += ",";
      missing += "[" + std::to_string(from) + "," + std::to_string(to) + "]";
    }
    missing += "]";
    std::string line = "{\"type\":\"stream\",\"symbol\":" + quoted(d.symbol);
    if (!connections_by_timer) line += ",\"subscriptions\":" + std::to_string(d.subscriptions);
    if (positions_by_time_) {
      market_.push_back(line + "}");
      continue;
    }
    line += ",\"delivered\":" + std::to_string(d.delivered) + ",\"first\":" + std::to_string(d.first) +
            ",\"last\":" + std::to_string(d.last) + ",\"missing\":" + missing + ",\"hash\":\"" + hex(d.hash) + "\"}";
    market_.push_back(std::move(line));
  }
}

void TraceBuilder::counts(std::uint64_t bullet_requests, std::uint64_t ws_connections, std::uint64_t resyncs) {
  std::string line = "{\"type\":\"counts\"";
  if (!connections_by_timer_) {
    line += ",\"bullet_requests\":" + std::to_string(bullet_requests) +
            ",\"ws_connections\":" + std::to_string(ws_connections);
  }
  counts_.push_back(line + ",\"resyncs\":" + std::to_string(resyncs) + "}");
}

void TraceBuilder::final_book(const TraceBook& book) {
  Fnv h;
  for (const auto* side : {&book.bids, &book.asks}) {
    for (const L2Level& l : *side) {
      h.add(to_string(l.price));
      h.add(",");
      h.add(to_string(l.size));
      h.add(";");
    }
    h.add("|");
  }
  books_.push_back("{\"type\":\"final_book\",\"symbol\":" + quoted(book.symbol) +
                   ",\"sequence\":" + std::to_string(book.sequence) + ",\"bids\":" + std::to_string(book.bids.size()) +
                   ",\"asks\":" + std::to_string(book.asks.size()) + ",\"hash\":\"" + hex(h.h) + "\"}");
}

std::vector<std::string> TraceBuilder::lines() const {
  std::vector<std::string> out{head_};
  out.insert(out.end(), market_.begin(), market_.end());
  std::vector<std::pair<std::string, std::string>> events = events_;
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [sym, line] : events) out.push_back(line);
  out.insert(out.end(), counts_.begin(), counts_.end());
  out.insert(out.end(), books_.begin(), books_.end());
  return out;
}

std::optional<std::string> first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return "line " + std::to_string(i + 1) + ": " + a[i] + "  <>  " + b[i];
  }
  if (a.size() != b.size()) {
    const bool a_longer = a.size() > b.size();
    return "line " + std::to_string(n + 1) + ": " + (a_longer ? a[n] : std::string("(end)")) + "  <>  " +
           (a_longer ? std::string("(end)") : b[n]);
  }
  return std::nullopt;
}

}  // namespace kucoin::runner
