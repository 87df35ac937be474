#include "kucoin/mock/capture_source.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "kucoin/mock/map_book.hpp"
#include "kucoin/protocol/l2_codec.hpp"
#include "kucoin/protocol/rest_codec.hpp"

namespace kucoin::mock {

// The reference book (map_book.hpp), and the one message that turns it into another.
struct CaptureSource::Book : MapBook {
  // One message (all changes at `seq`) that turns this book into `to`.
  L2Update diff_to(const Book& to, std::int64_t start, std::int64_t seq, const std::string& symbol) const {
    L2Update u;
    u.symbol = symbol;
    u.sequence_start = start;
    u.sequence_end = seq;
    u.time_ms = to.time_ms;
    auto side_diff = [&](const auto& from, const auto& into, Side side) {
      for (const auto& [p, q] : from) {
        if (!into.count(p)) u.changes.push_back(L2Change{side, p, Quantity{0, 0}, seq});
      }
      for (const auto& [p, q] : into) {
        const auto it = from.find(p);
        if (it == from.end() || !(it->second == q)) u.changes.push_back(L2Change{side, p, q, seq});
      }
    };
    side_diff(bids, to.bids, Side::bid);
    side_diff(asks, to.asks, Side::ask);
    if (u.changes.empty()) u.changes.push_back(L2Change{Side::bid, Price{0, 0}, Quantity{0, 0}, seq});  // sequence only
    return u;
  }
};

namespace {

std::string_view query_symbol(std::string_view url) {
  const auto q = url.find("symbol=");
  if (q == std::string_view::npos) return {};
  const auto end = url.find('&', q);
  return url.substr(q + 7, end == std::string_view::npos ? std::string_view::npos : end - q - 7);
}

bool is_snapshot_url(std::string_view url) {
  return url.find("/market/orderbook/level2?") != std::string_view::npos ||
         url.find("/market/orderbook/level2_100?") != std::string_view::npos ||
         url.find("/market/orderbook/level2_20?") != std::string_view::npos;
}

// The symbol list's decimals, when the capture holds it.
std::map<std::string, SymbolScale, std::less<>> scales_of(const capture::CaptureContents& c) {
  std::map<std::string, SymbolScale, std::less<>> out;
  RestDecoder rest;
  for (const auto& r : c.records) {
    if (r.kind != capture::RecordKind::http_response || r.url.find("/api/v2/symbols") == std::string::npos) continue;
    auto list = rest.symbols(r.status == 0 ? 200 : r.status, r.payload);
    if (!list) continue;
    for (const auto& info : *list) out[info.symbol] = info.scale;
  }
  return out;
}

// The most decimals of the snapshot's prices and sizes (a capture without the symbol list).
SymbolScale guess_scale(const L2Snapshot& s) {
  SymbolScale sc{};
  for (const auto* side : {&s.bids, &s.asks}) {
    for (const auto& l : *side) {
      sc.price_decimals = std::max<std::uint8_t>(sc.price_decimals, l.price.decimals);
      sc.size_decimals = std::max<std::uint8_t>(sc.size_decimals, l.size.decimals);
    }
  }
  return sc;
}

// The topic of a data frame (`"topic":"..."`, wherever it stands), or empty.
std::string_view frame_topic(std::string_view payload) {
  constexpr std::string_view key = "\"topic\":\"";
  const auto at = payload.find(key);
  if (at == std::string_view::npos) return {};
  const auto begin = at + key.size();
  const auto end = payload.find('"', begin);
  return end == std::string_view::npos ? std::string_view() : payload.substr(begin, end - begin);
}

}  // namespace

const std::string* RecordedTopic::at(std::uint64_t k, std::uint64_t& position) const {
  if (frames.empty()) return nullptr;
  const std::uint64_t round = k / frames.size();
  if (round > 0 && !loop) return nullptr;
  const auto& [pos, bytes] = frames[k % frames.size()];
  position = pos + round * (messages + 1);
  return &bytes;
}

Result<std::unique_ptr<CaptureSource>> CaptureSource::create(const capture::CaptureContents& c,
                                                             const std::string& symbol, CaptureSourceOptions options) {
  std::unique_ptr<CaptureSource> src(new CaptureSource());
  src->symbol_ = symbol;
  src->loop_ = options.loop;
  const auto scales = scales_of(c);
  const auto known = scales.find(symbol);
  L2Decoder decoder;
  for (const auto& [sym, sc] : scales) decoder.scales().set(sym, sc);

  // Walk the capture: the first snapshot, then the applied messages (see the header).
  Book book;
  bool have_book = false, gap = false;
  std::int64_t last = 0;
  struct Waiting {
    L2Update update;
    std::int64_t time;
    std::string frame;
  };
  std::vector<Waiting> waiting;  // updates before a book, or after a gap
  L2Update u;
  L2Snapshot snap;
  auto emit = [&](L2Update m, std::int64_t t, std::string_view frame) {
    book.apply(m);
    last = m.sequence_end;
    src->msgs_.push_back(std::move(m));
    src->times_.push_back(t);
    src->frames_.emplace_back(frame);
  };
  // `frame`: the recorded bytes, served as they are when the message needs no change.
  auto process = [&](L2Update m, std::int64_t t, std::string_view frame) {
    if (m.sequence_end <= last) return;  // a duplicate, or covered by the book
    if (m.sequence_start > last + 1) {   // the recording lost messages: wait for its resync snapshot
      gap = true;
      waiting.push_back({std::move(m), t, std::string(frame)});
      return;
    }
    const std::size_t before = m.changes.size();
    std::erase_if(m.changes, [&](const L2Change& ch) { return ch.sequence <= last; });  // the straddle
    const bool same = m.changes.size() == before && m.sequence_start == last + 1;
    m.sequence_start = last + 1;
    emit(std::move(m), t, same ? frame : std::string_view());
  };
  for (const auto& r : c.records) {
    if (r.kind == capture::RecordKind::http_response && is_snapshot_url(r.url) && query_symbol(r.url) == symbol &&
        r.status >= 200 && r.status <= 299) {
      if (have_book && !gap) continue;  // not needed: the stream was continuous
      const SymbolScale sc = known != scales.end() ? known->second : SymbolScale{};
      if (!decoder.decode_snapshot(r.payload, sc, snap)) continue;
      if (!have_book) {
        if (known == scales.end()) src->scale_ = guess_scale(snap);
        src->initial_ = snap;
        book.load(snap);
        last = snap.sequence;
        have_book = true;
      } else {
        if (snap.sequence <= last) continue;  // older than the book: the recording asked again later
        Book to;
        to.load(snap);
        emit(book.diff_to(to, last + 1, snap.sequence, symbol), r.mono_ns, {});
        book = to;
        ++src->bridges_;
      }
      gap = false;
      auto pending = std::move(waiting);
      waiting.clear();
      for (auto& w : pending) {
        if (gap) {
          waiting.push_back(std::move(w));
        } else {
          process(std::move(w.update), w.time, w.frame);
        }
      }
      continue;
    }
    if (r.kind != capture::RecordKind::ws_in) continue;
    if (const std::string_view topic = frame_topic(r.payload);
        (topic.starts_with("/market/ticker:") || topic.starts_with("/market/match:")) &&
        topic.substr(topic.find(':') + 1) == symbol) {
      src->topics_[std::string(topic)].frames.emplace_back(src->msgs_.size(), r.payload);
      continue;
    }
    if (r.payload.find("/market/level2:") == std::string::npos) continue;
    if (!decoder.decode_update(r.payload, u) || u.symbol != symbol) continue;
    if (!have_book || gap) {
      if (waiting.size() < 1'000'000) waiting.push_back({u, r.mono_ns, r.payload});
      continue;
    }
    process(u, r.mono_ns, r.payload);
  }
  if (!have_book) {
    return fail(Errc::invalid_argument, "the capture has no REST snapshot of " + symbol + " to start its book from");
  }
  if (known != scales.end()) src->scale_ = known->second;

  // The start point.
  std::size_t start = 0;
  if (options.from_sequence || options.from_offset_ns) {
    const std::int64_t t0 = c.header.start_mono_ns;
    while (start < src->msgs_.size()) {
      const bool before = options.from_sequence ? src->msgs_[start].sequence_end <= *options.from_sequence
                                                : src->times_[start] - t0 < *options.from_offset_ns;
      if (!before) break;
      ++start;
    }
    Book b;
    b.load(src->initial_);
    for (std::size_t i = 0; i < start; ++i) b.apply(src->msgs_[i]);
    src->initial_ = b.snapshot();
    src->msgs_.erase(src->msgs_.begin(), src->msgs_.begin() + static_cast<std::ptrdiff_t>(start));
    src->times_.erase(src->times_.begin(), src->times_.begin() + static_cast<std::ptrdiff_t>(start));
    src->frames_.erase(src->frames_.begin(), src->frames_.begin() + static_cast<std::ptrdiff_t>(start));
  }
  for (auto& [topic, t] : src->topics_) {
    std::erase_if(t.frames, [&](const auto& f) { return f.first < start; });
    for (auto& f : t.frames) f.first -= start;
    t.messages = src->msgs_.size();
    t.loop = src->loop_;
  }
  std::erase_if(src->topics_, [](const auto& t) { return t.second.frames.empty(); });
  src->book_ = std::make_shared<Book>();
  src->book_->load(src->initial_);
  src->last_ = src->initial_.sequence;
  return src;
}

std::int64_t CaptureSource::duration_ns() const noexcept {
  return times_.size() < 2 ? 0 : times_.back() - times_.front();
}

const L2Update* CaptureSource::next() {
  if (cursor_ >= msgs_.size()) {
    if (!loop_ || msgs_.empty()) return nullptr;
    // Back to the first book: one message from the final book, the sequence moving on.
    Book first;
    first.load(initial_);
    const std::int64_t bridge_seq = last_ + 1;
    current_ = book_->diff_to(first, bridge_seq, bridge_seq, symbol_);
    offset_ = bridge_seq - initial_.sequence;
    // The next pass starts one average spacing after this one's last message.
    const std::int64_t span = times_.back() - times_.front();
    const std::int64_t spacing = msgs_.size() > 1 ? span / static_cast<std::int64_t>(msgs_.size() - 1) : 0;
    current_time_ = times_.back() + time_offset_;
    time_offset_ += span + spacing;
    current_frame_ = {};
    cursor_ = 0;
    book_->apply(current_);
    last_ = bridge_seq;
    return &current_;
  }
  current_time_ = times_[cursor_] + time_offset_;
  current_frame_ = offset_ == 0 ? std::string_view(frames_[cursor_]) : std::string_view();
  current_ = msgs_[cursor_++];
  if (offset_ != 0) {
    current_.sequence_start += offset_;
    current_.sequence_end += offset_;
    for (auto& ch : current_.changes) ch.sequence += offset_;
  }
  book_->apply(current_);
  last_ = current_.sequence_end;
  return &current_;
}

L2Snapshot CaptureSource::snapshot() const { return book_->snapshot(); }

Result<std::vector<std::unique_ptr<CaptureSource>>> capture_sources(const capture::CaptureContents& c,
                                                                    const CaptureSourceOptions& options) {
  if (c.header.venue == kucoin::Market::futures) {
    return fail(Errc::invalid_argument,
                "a KuCoin Futures capture (\"venue\":\"futures\") cannot be served yet (serve --replay and "
                "scenario recordings take spot captures); `kucoin-harness replay` replays it offline");
  }
  std::vector<std::string> symbols = c.header.symbols;
  for (const auto& r : c.records) {
    if (r.kind != capture::RecordKind::http_response || !is_snapshot_url(r.url)) continue;
    const std::string s(query_symbol(r.url));
    if (!s.empty() && std::find(symbols.begin(), symbols.end(), s) == symbols.end()) symbols.push_back(s);
  }
  std::vector<std::unique_ptr<CaptureSource>> out;
  std::string missing;
  for (const auto& s : symbols) {
    auto src = CaptureSource::create(c, s, options);
    if (!src) {
      missing += (missing.empty() ? "" : ", ") + s;
      continue;
    }
    out.push_back(std::move(*src));
  }
  if (out.empty()) {
    return fail(Errc::invalid_argument, "the capture has no REST snapshot to start a book from" +
                                            (missing.empty() ? std::string() : " (symbols " + missing + ")"));
  }
  return out;
}

}  // namespace kucoin::mock
