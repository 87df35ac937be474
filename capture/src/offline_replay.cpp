// Offline replay: the capture's records through L2Decoder and L2Synchronizer, one book per symbol,
// with the checks of `kucoin-harness replay` (kucoin/capture/offline_replay.hpp).
#include "kucoin/capture/offline_replay.hpp"

#include <simdjson.h>

#include <algorithm>
#include <deque>
#include <set>

#include "kucoin/core/decimal.hpp"
#include "kucoin/protocol/futures_codec.hpp"
#include "kucoin/protocol/l2_codec.hpp"
#include "kucoin/protocol/rest_codec.hpp"

namespace kucoin::capture {

namespace od = simdjson::ondemand;

std::string_view to_string(ReplayFinding::Kind k) noexcept {
  switch (k) {
    case ReplayFinding::Kind::gap: return "gap";
    case ReplayFinding::Kind::resync: return "resync";
    case ReplayFinding::Kind::synced: return "synced";
    case ReplayFinding::Kind::crossed: return "crossed";
    case ReplayFinding::Kind::ticker_mismatch: return "ticker_mismatch";
    case ReplayFinding::Kind::decode_error: return "decode_error";
    case ReplayFinding::Kind::snapshot_refused: return "snapshot_refused";
  }
  return "unknown";
}

Result<ReplayPoint> parse_replay_point(std::string_view text) {
  ReplayPoint p;
  if (text.empty()) return p;
  struct Unit {
    std::string_view suffix;
    std::int64_t ns;
  };
  for (const Unit u : {Unit{"ns", 1}, Unit{"us", 1'000}, Unit{"ms", 1'000'000}, Unit{"s", 1'000'000'000}}) {
    if (!text.ends_with(u.suffix)) continue;
    const std::string_view number = text.substr(0, text.size() - u.suffix.size());
    auto d = parse_decimal(number);
    if (!d) return fail(Errc::invalid_argument, "--at: \"" + std::string(text) + "\" is not a time (12.5s, 1500ms)");
    // raw * 10^-decimals * ns
    long double v = static_cast<long double>(d->raw) * static_cast<long double>(u.ns);
    for (int i = 0; i < d->decimals; ++i) v /= 10;
    p.kind = ReplayPoint::Kind::offset;
    p.value = static_cast<std::int64_t>(v);
    return p;
  }
  auto n = parse_int(text);
  if (!n) {
    return fail(Errc::invalid_argument,
                "--at: \"" + std::string(text) + "\" is neither a sequence (digits) nor a time (12.5s, 1500ms)");
  }
  p.kind = ReplayPoint::Kind::sequence;
  p.value = *n;
  return p;
}

namespace {

// The value of "topic" in a frame, found without parsing it all (KuCoin's topics hold no escapes).
std::string_view quick_topic(std::string_view frame) {
  static constexpr std::string_view kKey = "\"topic\"";
  const auto k = frame.find(kKey);
  if (k == std::string_view::npos) return {};
  std::size_t i = k + kKey.size();
  while (i < frame.size() && (frame[i] == ' ' || frame[i] == ':')) ++i;
  if (i >= frame.size() || frame[i] != '"') return {};
  const auto end = frame.find('"', i + 1);
  if (end == std::string_view::npos) return {};
  return frame.substr(i + 1, end - i - 1);
}

// "/api/v1/market/orderbook/level2_100?symbol=BTC-USDT" (or a whole URL) -> path and symbol.
struct UrlParts {
  std::string_view path;
  std::string_view symbol;
};
UrlParts split_url(std::string_view url) {
  UrlParts u;
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
    const auto slash = url.find('/', scheme + 3);
    url = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  }
  const auto q = url.find('?');
  u.path = url.substr(0, q);
  if (q == std::string_view::npos) return u;
  std::string_view query = url.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    if (param.starts_with("symbol=")) u.symbol = param.substr(7);
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return u;
}

// The levels a snapshot endpoint's book is exact to (SIZE_MAX: full), or 0 for another path.
// Spot paths, then the futures host's (/api/v1/level2/snapshot and depth20/100).
std::size_t snapshot_depth(std::string_view path) {
  if (path == "/api/v3/market/orderbook/level2" || path == "/api/v2/market/orderbook/level2" ||
      path == "/api/v1/market/orderbook/level2") {
    return SIZE_MAX;
  }
  if (path == "/api/v1/market/orderbook/level2_100") return 100;
  if (path == "/api/v1/market/orderbook/level2_20") return 20;
  if (path == "/api/v1/level2/snapshot") return SIZE_MAX;
  if (path == "/api/v1/level2/depth100") return 100;
  if (path == "/api/v1/level2/depth20") return 20;
  return 0;
}

bool futures_snapshot_path(std::string_view path) { return path.starts_with("/api/v1/level2/"); }

struct Ticker {
  std::string symbol;
  std::int64_t sequence = 0;
  std::optional<Price> bid, ask;
};

Result<void> decode_ticker(od::parser& parser, std::string& buf, std::string_view frame, Ticker& t) {
  buf.assign(frame);
  buf.reserve(frame.size() + simdjson::SIMDJSON_PADDING);
  od::document doc;
  if (parser.iterate(buf.data(), buf.size(), buf.capacity()).get(doc) != simdjson::SUCCESS) {
    return fail(Errc::parse_error, "ticker frame: not JSON");
  }
  od::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return fail(Errc::wrong_type, "ticker frame: not an object");
  std::string topic, subject;
  bool has_seq = false;
  t = Ticker{};
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return fail(Errc::parse_error, "ticker frame: bad key");
    if (key == "topic" || key == "subject") {
      std::string_view s;
      if (field.value().get_string().get(s) != simdjson::SUCCESS) return fail(Errc::wrong_type, "ticker: topic");
      (key == "topic" ? topic : subject).assign(s);
    } else if (key == "data") {
      od::object data;
      if (field.value().get_object().get(data) != simdjson::SUCCESS) return fail(Errc::wrong_type, "ticker: data");
      for (auto f : data) {
        std::string_view k;
        if (f.unescaped_key().get(k) != simdjson::SUCCESS) return fail(Errc::parse_error, "ticker: bad key");
        if (k == "sequence") {
          od::value v;
          if (f.value().get(v) != simdjson::SUCCESS) return fail(Errc::parse_error, "ticker: sequence");
          od::json_type type;
          if (v.type().get(type) != simdjson::SUCCESS) return fail(Errc::parse_error, "ticker: sequence");
          if (type == od::json_type::string) {
            std::string_view s;
            if (v.get_string().get(s) != simdjson::SUCCESS) return fail(Errc::wrong_type, "ticker: sequence");
            auto n = parse_int(s);
            if (!n) return fail(Errc::bad_number, "ticker: sequence \"" + std::string(s) + "\"");
            t.sequence = *n;
          } else if (v.get_int64().get(t.sequence) != simdjson::SUCCESS) {
            return fail(Errc::wrong_type, "ticker: sequence");
          }
          has_seq = true;
        } else if (k == "bestBid" || k == "bestAsk") {
          std::string_view s;
          if (f.value().get_string().get(s) != simdjson::SUCCESS) return fail(Errc::wrong_type, "ticker: best price");
          auto d = parse_decimal(s);
          if (!d) return fail(d.error().code, "ticker: " + std::string(k) + " \"" + std::string(s) + "\"");
          (k == "bestBid" ? t.bid : t.ask) = Price{d->raw, d->decimals};
        }
      }
    }
  }
  if (!has_seq) return fail(Errc::missing_field, "ticker: no data.sequence");
  const auto colon = topic.find(':');
  t.symbol = colon == std::string::npos ? std::string() : topic.substr(colon + 1);
  if (t.symbol == "all") t.symbol = subject;
  return {};
}

std::string price_text(const std::optional<Price>& p) { return p ? to_string(*p) : std::string("-"); }

}  // namespace

struct OfflineReplay::Impl {
  struct Top {
    std::int64_t start = 0, end = 0;
    std::optional<Price> bid, ask;
  };
  struct Sym {
    SymbolSummary sum;
    L2Synchronizer sync;
    std::deque<Top> history;
    std::deque<Ticker> pending;  // tickers ahead of the book
    std::set<std::uint64_t> conns;
    bool crossed_reported = false;
  };

  ReplayOptions options;
  std::int64_t start_mono = 0;
  bool have_start = false;
  L2Decoder decoder;
  FuturesDecoder futures;  // /contractMarket/level2 frames, the futures snapshots and contract list
  FuturesSnapshot futures_snapshot;
  std::vector<FuturesContract> contracts;
  RestDecoder rest;
  od::parser parser;
  std::string buf;
  L2Update update;
  L2Snapshot snapshot;
  std::vector<std::unique_ptr<Sym>> syms;
  std::map<std::string, std::size_t, std::less<>> index;
  std::map<std::string, SymbolScale, std::less<>> scales;
  std::vector<ReplayFinding>* findings = nullptr;
  std::uint64_t record = 0;
  std::int64_t mono = 0;

  bool wanted(std::string_view symbol) const { return options.symbol.empty() || options.symbol == symbol; }

  Sym& sym(std::string_view symbol) {
    if (auto it = index.find(symbol); it != index.end()) return *syms[it->second];
    index.emplace(std::string(symbol), syms.size());
    auto s = std::make_unique<Sym>();
    s->sum.symbol = std::string(symbol);
    syms.push_back(std::move(s));
    return *syms.back();
  }

  void find(ReplayFinding::Kind kind, std::string_view symbol, std::int64_t sequence, std::string detail) {
    ReplayFinding f;
    f.kind = kind;
    f.symbol = std::string(symbol);
    f.record = record;
    f.mono_ns = mono;
    f.sequence = sequence;
    f.detail = std::move(detail);
    findings->push_back(std::move(f));
  }

  void remember_top(Sym& s, std::int64_t start, std::int64_t end) {
    const L2Book& b = s.sync.book();
    Top t{start, end, {}, {}};
    if (auto l = b.best_bid()) t.bid = l->price;
    if (auto l = b.best_ask()) t.ask = l->price;
    s.history.push_back(t);
    while (s.history.size() > options.ticker_history) s.history.pop_front();
    // Tickers that waited for this book.
    while (!s.pending.empty()) {
      const Ticker& tk = s.pending.front();
      if (tk.sequence > end) break;
      check_ticker_at(s, tk, t);
      s.pending.pop_front();
    }
  }

  void check_ticker_at(Sym& s, const Ticker& tk, const Top& t) {
    if (t.end != tk.sequence) {
      ++s.sum.tickers_unchecked;  // inside a batch, or the book jumped past it
      return;
    }
    ++s.sum.tickers_checked;
    if (tk.bid == t.bid && tk.ask == t.ask) return;
    ++s.sum.tickers_mismatched;
    find(ReplayFinding::Kind::ticker_mismatch, s.sum.symbol, tk.sequence,
         "ticker at sequence " + std::to_string(tk.sequence) + " says bid " + price_text(tk.bid) + " ask " +
             price_text(tk.ask) + ", the book at that sequence has bid " + price_text(t.bid) + " ask " +
             price_text(t.ask));
  }

  void on_ticker(const Ticker& tk) {
    if (!wanted(tk.symbol)) return;
    Sym& s = sym(tk.symbol);
    ++s.sum.tickers;
    if (!s.history.empty() && tk.sequence <= s.history.back().end) {
      // The newest entry whose end >= sequence: the book at the ticker's sequence, if any.
      auto it = std::lower_bound(s.history.begin(), s.history.end(), tk.sequence,
                                 [](const Top& t, std::int64_t seq) { return t.end < seq; });
      if (it == s.history.end()) {
        ++s.sum.tickers_unchecked;
        return;
      }
      check_ticker_at(s, tk, *it);  // unchecked unless a message ended exactly at its sequence
      return;
    }
    if (s.pending.size() >= 10'000) {
      ++s.sum.tickers_unchecked;
      return;
    }
    s.pending.push_back(tk);
  }

  void wait_for_snapshot(Sym& s, std::string why) {
    s.pending.clear();
    s.history.clear();
    if (!s.sync.synced()) return;
    s.sync.request_resync();
    ++s.sum.resyncs;
    find(ReplayFinding::Kind::resync, s.sum.symbol, s.sync.sequence(), std::move(why));
  }

  // A spot /market/level2 frame (a batch of changes) or a futures /contractMarket/level2 frame
  // (one change, sequence_start == sequence_end): the same synchronizer keeps both.
  void on_level2(const CaptureRecord& r, bool futures_frame) {
    if (auto d = futures_frame ? futures.decode_level2(r.payload, update) : decoder.decode_update(r.payload, update);
        !d) {
      if (d.error().code == Errc::unexpected_message) return;
      const std::string symbol(quick_topic(r.payload).substr(quick_topic(r.payload).find(':') + 1));
      if (!wanted(symbol)) return;
      Sym& s = sym(symbol);
      find(ReplayFinding::Kind::decode_error, symbol, 0, "level2 frame: " + d.error().describe());
      wait_for_snapshot(s, "a level2 frame did not decode");
      return;
    }
    if (!wanted(update.symbol)) return;
    Sym& s = sym(update.symbol);
    ++s.sum.updates;
    if (s.sum.first_sequence == 0) s.sum.first_sequence = update.sequence_start;
    s.sum.last_sequence = update.sequence_end;
    if (r.conn != 0) s.conns.insert(r.conn);
    const std::int64_t start = update.sequence_start, end = update.sequence_end;
    const UpdateResult u = s.sync.on_update(update);
    switch (u.status) {
      case UpdateStatus::applied: remember_top(s, start, end); break;
      case UpdateStatus::need_snapshot:
        s.history.clear();
        s.pending.clear();
        ++s.sum.resyncs;
        if (u.reason == ResyncReason::gap) {
          ++s.sum.gaps;
          find(ReplayFinding::Kind::gap, s.sum.symbol, end, u.describe());
        } else if (u.reason == ResyncReason::crossed_book) {
          if (!s.crossed_reported) {
            s.crossed_reported = true;
            find(ReplayFinding::Kind::crossed, s.sum.symbol, end,
                 "the book crossed after the message " + std::to_string(start) + ".." + std::to_string(end) + ": " +
                     u.describe());
          }
        } else {
          find(ReplayFinding::Kind::resync, s.sum.symbol, end, u.describe());
        }
        break;
      default: break;
    }
  }

  void on_snapshot(const CaptureRecord& r, const UrlParts& u, std::size_t depth) {
    if (r.status < 200 || r.status > 299 || u.symbol.empty() || !wanted(u.symbol)) return;
    Sym& s = sym(u.symbol);
    ++s.sum.snapshots;
    if (futures_snapshot_path(u.path)) {
      if (auto d = futures.decode_snapshot(r.payload, u.symbol, futures_snapshot); !d) {
        find(ReplayFinding::Kind::decode_error, u.symbol, 0, "futures snapshot: " + d.error().describe());
        return;
      }
      snapshot = std::move(futures_snapshot.book);
    } else {
      const auto sc = scales.find(u.symbol);
      const SymbolScale scale = sc != scales.end() ? sc->second : SymbolScale{};
      if (auto d = decoder.decode_snapshot(r.payload, scale, snapshot); !d) {
        find(ReplayFinding::Kind::decode_error, u.symbol, 0, "snapshot: " + d.error().describe());
        return;
      }
    }
    if (s.sync.synced()) return;  // the recorded client needed it; this replay did not (yet)
    const SnapshotResult res = s.sync.on_snapshot(snapshot);
    if (res.status == SnapshotStatus::synced) {
      s.sum.exact_depth = depth;
      find(ReplayFinding::Kind::synced, u.symbol, res.sequence, res.describe());
      s.history.clear();
      remember_top(s, res.sequence, res.sequence);
    } else {
      find(ReplayFinding::Kind::snapshot_refused, u.symbol, snapshot.sequence, res.describe());
    }
  }

  void on_http(const CaptureRecord& r) {
    const UrlParts u = split_url(r.url);
    if (u.path == "/api/v2/symbols") {
      auto list = rest.symbols(r.status == 0 ? 200 : r.status, r.payload);
      if (!list) return;
      for (const SymbolInfo& info : *list) {
        scales[info.symbol] = info.scale;
        decoder.scales().set(info.symbol, info.scale);
      }
      return;
    }
    if (u.path == "/api/v1/contracts/active") {  // the futures host's list: tick sizes, lots
      if (r.status != 200 && r.status != 0) return;
      if (!futures.decode_contracts(r.payload, contracts)) return;
      for (const FuturesContract& c : contracts) futures.scales().set(c.symbol, c.scale());
      return;
    }
    if (const std::size_t depth = snapshot_depth(u.path); depth != 0) on_snapshot(r, u, depth);
  }

  void on_ws_in(const CaptureRecord& r) {
    const std::string_view topic = quick_topic(r.payload);
    if (topic.empty()) return;  // welcome, pong, ack, error frames
    if (topic.starts_with("/market/level2:")) {
      on_level2(r, false);
    } else if (topic.starts_with("/contractMarket/level2:")) {
      on_level2(r, true);
    } else if (topic.starts_with("/market/ticker:")) {
      Ticker tk;
      if (auto d = decode_ticker(parser, buf, r.payload, tk); !d) {
        const std::string symbol(topic.substr(topic.find(':') + 1));
        if (wanted(symbol)) find(ReplayFinding::Kind::decode_error, symbol, 0, d.error().describe());
        return;
      }
      on_ticker(tk);
    } else if (topic.starts_with("/market/match:")) {
      const std::string_view symbol = topic.substr(topic.find(':') + 1);
      if (wanted(symbol)) ++sym(symbol).sum.matches;
    }
  }
};

OfflineReplay::OfflineReplay(ReplayOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->findings = &findings_;
  if (!impl_->options.symbol.empty()) impl_->sym(impl_->options.symbol);
}

OfflineReplay::~OfflineReplay() = default;

void OfflineReplay::on_header(const CaptureHeader& header) {
  impl_->start_mono = header.start_mono_ns;
  impl_->have_start = true;
  for (const auto& s : header.symbols) {
    if (impl_->wanted(s)) impl_->sym(s);
  }
}

bool OfflineReplay::on_record(const CaptureRecord& r) {
  if (stopped_) return false;
  Impl& m = *impl_;
  if (!m.have_start) {
    m.start_mono = r.mono_ns;
    m.have_start = true;
  }
  const ReplayPoint& at = m.options.at;
  if (at.kind == ReplayPoint::Kind::offset && r.mono_ns - m.start_mono >= at.value) {
    stopped_ = true;
    return false;
  }
  m.record = records_++;
  m.mono = r.mono_ns;
  switch (r.kind) {
    case RecordKind::ws_in: m.on_ws_in(r); break;
    case RecordKind::http_response: m.on_http(r); break;
    case RecordKind::resync:
      if (!r.symbol.empty() && m.wanted(r.symbol)) {
        m.wait_for_snapshot(m.sym(r.symbol), "the recorded client resynced (" + r.reason + "): " + r.detail);
      }
      break;
    case RecordKind::disconnect:
      if (r.reason == "stopped") break;  // the recording ended: its books did not resync
      for (auto& s : m.syms) {
        if (s->conns.erase(r.conn) != 0) {
          m.wait_for_snapshot(*s, "connection " + std::to_string(r.conn) + " ended (" + r.reason + ")");
        }
      }
      break;
    default: break;
  }
  if (at.kind == ReplayPoint::Kind::sequence && !m.syms.empty()) {
    const auto& target = m.options.symbol.empty() ? *m.syms.front() : m.sym(m.options.symbol);
    if (target.sync.synced() && target.sync.sequence() >= at.value) {
      stopped_ = true;
      return false;
    }
  }
  return true;
}

void OfflineReplay::finish() {
  for (auto& s : impl_->syms) {
    s->sum.tickers_unchecked += s->pending.size();
    s->pending.clear();
  }
}

std::vector<SymbolSummary> OfflineReplay::summaries() const {
  std::vector<SymbolSummary> out;
  for (const auto& s : impl_->syms) {
    SymbolSummary sum = s->sum;
    sum.synced = s->sync.synced();
    out.push_back(std::move(sum));
  }
  return out;
}

std::vector<BookView> OfflineReplay::books() const {
  std::vector<BookView> out;
  for (const auto& s : impl_->syms) {
    BookView v;
    v.symbol = s->sum.symbol;
    v.book_kind = BookKind::full;
    v.status = s->sync.synced() ? BookStatus::synced : BookStatus::syncing;
    v.sequence = s->sync.synced() ? s->sync.sequence() : 0;
    v.book = &s->sync.book();
    v.exact_depth = s->sum.exact_depth;
    v.resyncs = s->sum.resyncs;
    out.push_back(v);
  }
  return out;
}

const L2Book* OfflineReplay::book(std::string_view symbol) const {
  auto it = impl_->index.find(symbol);
  if (it == impl_->index.end()) return nullptr;
  return &impl_->syms[it->second]->sync.book();
}

bool OfflineReplay::checks_passed() const noexcept {
  return std::none_of(findings_.begin(), findings_.end(), [](const ReplayFinding& f) { return f.failed_check(); });
}

}  // namespace kucoin::capture
