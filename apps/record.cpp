// kucoin-harness record: the client with its wire tap writing a capture (kucoin/capture).
// What it records: every WebSocket frame of its connections (both ways), every REST exchange
// (the symbol list, the snapshots MarketDataClient takes at start and on every resync, the
// snapshots taken at each rotation), and the lifecycle (token fetched, connect, welcome,
// disconnect; gap and resync from the books). Secrets are redacted by the writer.
#include "record.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>

#include "kucoin/capture/background_writer.hpp"
#include "kucoin/net/market_data_client.hpp"
#include "kucoin/net/rest_client.hpp"
#include "kucoin/net/ws_client.hpp"
#include "kucoin/protocol/ws_topic.hpp"

namespace kucoin::apps {

namespace {

using Clock = std::chrono::steady_clock;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::int64_t mono_ns(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::int64_t wall_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The channel of a --topics name; empty when unknown.
std::string channel_of(const std::string& t) {
  static const std::map<std::string, std::string_view, std::less<>> names = {
      {"level2", channels::kLevel2},       {"ticker", channels::kTicker},         {"match", channels::kMatch},
      {"depth5", channels::kLevel2Depth5}, {"depth50", channels::kLevel2Depth50}, {"level1", channels::kLevel1},
      {"snapshot", channels::kSnapshot},
  };
  if (auto it = names.find(t); it != names.end()) return std::string(it->second);
  if (t.starts_with('/') && t.find(':') == std::string::npos) return t;
  return {};
}

capture::RecordKind kind_of(net::WireEventKind k) {
  switch (k) {
    case net::WireEventKind::ws_in: return capture::RecordKind::ws_in;
    case net::WireEventKind::ws_out: return capture::RecordKind::ws_out;
    case net::WireEventKind::http_request: return capture::RecordKind::http_request;
    case net::WireEventKind::http_response: return capture::RecordKind::http_response;
    case net::WireEventKind::ws_connect: return capture::RecordKind::connect;
    case net::WireEventKind::ws_welcome: return capture::RecordKind::welcome;
    case net::WireEventKind::ws_disconnect: return capture::RecordKind::disconnect;
    case net::WireEventKind::token_fetched: return capture::RecordKind::token_fetched;
  }
  return capture::RecordKind::ws_in;
}

std::string mb(std::uint64_t bytes) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / 1e6 << " MB";
  return s.str();
}

// The capture being written, fed from the taps of the clients (one mutex: the HTTP client and
// the WebSocket clients run on different strands). Frames are only copied here, into the
// background writer's batch: encoding and compression run on its thread (keeping up with the
// socket: recordings/README.md#keeping-up).
class Recorder {
 public:
  explicit Recorder(std::unique_ptr<capture::BackgroundCaptureWriter> writer) : writer_(std::move(writer)) {}

  // The tap of one client: `client` tells the WebSocket clients apart (their connection numbers
  // both start at 1).
  net::WireTap tap(unsigned client) {
    return [this, client](const net::WireEvent& ev) { on_event(client, ev); };
  }

  void on_event(unsigned client, const net::WireEvent& ev) {
    std::lock_guard lock(mu_);
    const std::int64_t mono = stamp(mono_ns(ev.time));
    std::uint64_t conn = 0;
    if (ev.connection != 0) {
      const std::pair<unsigned, std::uint64_t> key{client, ev.connection};
      if (key != last_key_) {
        auto [it, fresh] = conns_.try_emplace(key, next_conn_);
        if (fresh) ++next_conn_;
        last_key_ = key;
        last_conn_ = it->second;
      }
      conn = last_conn_;
    }
    if (ev.kind == net::WireEventKind::ws_in) {
      ++messages_;
      bytes_ += ev.payload.size();
    }
    if (ev.kind == net::WireEventKind::ws_disconnect) ++disconnects_;
    const bool frame = ev.kind == net::WireEventKind::ws_in || ev.kind == net::WireEventKind::ws_out;
    if (frame && ev.url.empty() && ev.method.empty() && ev.status == 0 && ev.headers.empty() && ev.reason.empty() &&
        ev.detail.empty()) {
      writer_->add_frame(kind_of(ev.kind), mono, wall_of(mono), conn, ev.payload);  // a copy of the bytes, no more
      return;
    }
    capture::CaptureRecord& r = scratch_;
    r.kind = kind_of(ev.kind);
    r.mono_ns = mono;
    r.wall_ns = wall_of(mono);
    r.conn = conn;
    r.payload.assign(ev.payload);
    r.url.assign(ev.url);
    r.method.assign(ev.method);
    r.status = ev.status;
    r.headers.clear();
    for (const Header& h : ev.headers) r.headers.emplace_back(h.name, h.value);
    r.reason.assign(ev.reason);
    r.detail.assign(ev.detail);
    writer_->add(r);
  }

  void on_book(const BookEvent& e) {
    if (e.kind != BookEvent::Kind::resyncing) return;
    std::lock_guard lock(mu_);
    ++resyncs_;
    const std::int64_t now = stamp(mono_ns(Clock::now()));
    if (e.cause == BookCause::gap) {
      capture::CaptureRecord g;
      g.kind = capture::RecordKind::gap;
      g.mono_ns = now;
      g.wall_ns = wall_of(now);
      g.symbol.assign(e.symbol);
      g.detail = e.detail;
      writer_->add(g);
    }
    capture::CaptureRecord r;
    r.kind = capture::RecordKind::resync;
    r.mono_ns = now;
    r.wall_ns = wall_of(now);
    r.symbol.assign(e.symbol);
    r.reason.assign(to_string(e.cause));
    r.detail = e.detail;
    writer_->add(r);
  }

  bool rotation_due() {
    std::lock_guard lock(mu_);
    return writer_->rotation_due(mono_ns(Clock::now()));
  }
  // Queued in order with the records; returns the new part's file name.
  std::string rotate() {
    std::lock_guard lock(mu_);
    writer_->rotate(mono_ns(Clock::now()), wall_now_ns());
    return capture::part_path(out_path_, ++part_);
  }
  void flush() {
    std::lock_guard lock(mu_);
    writer_->flush();
  }
  bool close() {
    std::lock_guard lock(mu_);
    if (auto r = writer_->close(); !r && error_.empty()) error_ = r.error().message;
    return error_.empty();
  }

  std::string progress(std::size_t symbols) {
    std::lock_guard lock(mu_);
    const auto st = writer_->stats();
    const auto q = writer_->backlog();
    const auto files = writer_->files();
    std::ostringstream s;
    s << "recording: " << messages_ << " messages (" << mb(bytes_) << "), " << symbols << " symbols, " << resyncs_
      << " resyncs, " << disconnects_ << " disconnects, " << st.records << " records, " << mb(st.bytes_in)
      << " written (" << mb(st.bytes_out) << " on disk), write queue " << mb(q.bytes) << " (peak " << mb(q.peak_bytes)
      << ")";
    if (q.waits > 0)
      s << ", reading paused " << q.waits << " times (" << q.waited_ns / 1'000'000 << " ms) for the writer";
    s << ", file " << (files.empty() ? std::string() : files.back());
    return s.str();
  }
  // A warning once the frames waiting for the writer thread pass 16 MB, then each time they
  // double: the recorder is falling behind the socket (nothing is dropped; memory grows).
  std::string behind_warning() {
    std::lock_guard lock(mu_);
    const auto q = writer_->backlog();
    if (q.waits > waits_warned_) {
      waits_warned_ = q.waits;
      return "  warning: the recorder is falling behind: its write queue reached --max-queue-mb and the reading "
             "paused " +
             std::to_string(q.waits) + " times (" + std::to_string(q.waited_ns / 1'000'000) +
             " ms in all) for the writer; the socket held the stream back, nothing is dropped";
    }
    if (q.bytes < warn_at_) return {};
    while (warn_at_ <= q.bytes) warn_at_ *= 2;
    return "  warning: the recorder is falling behind: " + mb(q.bytes) +
           " of frames wait to be written (nothing is dropped; memory grows until the writer catches up, up to "
           "--max-queue-mb)";
  }
  capture::BackgroundCaptureWriter::Backlog backlog() {
    std::lock_guard lock(mu_);
    return writer_->backlog();
  }
  std::string error() {
    std::lock_guard lock(mu_);
    return error_.empty() ? writer_->error() : error_;
  }
  std::vector<std::string> files() {
    std::lock_guard lock(mu_);
    return writer_->files();
  }
  std::uint64_t messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  void set_out_path(std::string p) { out_path_ = std::move(p); }

 private:
  // mono_ns never goes backwards in a capture; wall time follows the monotonic clock from the
  // start (one clock, so that the two never disagree about order).
  std::int64_t stamp(std::int64_t mono) {
    if (start_mono_ == 0) {
      start_mono_ = mono;
      start_wall_ = wall_now_ns();
    }
    last_mono_ = std::max(last_mono_, mono);
    return last_mono_;
  }
  std::int64_t wall_of(std::int64_t mono) const { return start_wall_ + (mono - start_mono_); }

  std::mutex mu_;
  std::unique_ptr<capture::BackgroundCaptureWriter> writer_;
  std::string out_path_;
  int part_ = 0;
  std::uint64_t warn_at_ = 16'000'000;
  std::uint64_t waits_warned_ = 0;
  std::map<std::pair<unsigned, std::uint64_t>, std::uint64_t> conns_;
  std::pair<unsigned, std::uint64_t> last_key_{~0U, 0};  // the connection of the previous event
  std::uint64_t last_conn_ = 0;
  capture::CaptureRecord scratch_;
  std::uint64_t next_conn_ = 1;
  std::int64_t start_mono_ = 0, start_wall_ = 0, last_mono_ = 0;
  std::uint64_t messages_ = 0, bytes_ = 0, resyncs_ = 0, disconnects_ = 0;
  std::string error_;
};

}  // namespace

int run_record(const RecordOptions& o, std::ostream& out, std::ostream& err) {
  if (o.out.empty()) {
    err << "record: --out FILE is required\n";
    return 2;
  }
  if (o.seconds < 0 || o.rotate_mb < 0 || o.max_queue_mb < 0 || o.rotate_minutes < 0 || o.zstd_level < -100 ||
      o.zstd_level > 19 || o.zstd_level == 0) {
    err << "record: --seconds, --rotate-mb and --rotate-minutes must not be negative; --zstd-level is 1..19, or "
           "-1..-100 (zstd's fast levels)\n";
    return 2;
  }
  bool level2 = false;
  std::vector<std::string> other_channels;
  for (const auto& t : o.topics) {
    const std::string ch = channel_of(t);
    if (ch.empty()) {
      err << "record: unknown topic \"" << t
          << "\" (level2, ticker, match, depth5, depth50, level1, snapshot, or a channel such as /market/ticker)\n";
      return 2;
    }
    if (o.futures && ch != channels::kLevel2) {
      err << "record --futures: topic \"" << t << "\" is not recorded for futures yet (only level2)\n";
      return 2;
    }
    if (ch == channels::kLevel2) {
      level2 = true;
    } else if (std::find(other_channels.begin(), other_channels.end(), ch) == other_channels.end()) {
      other_channels.push_back(ch);
    }
  }

  net::RestClientOptions ro;
  ro.venue = o.futures ? Market::futures : Market::spot;
  ro.http.base_url = o.url;
  if (!o.ca_file.empty()) ro.http.tls.ca_file = o.ca_file;
  const std::string key = env("KUCOIN_API_KEY"), secret = env("KUCOIN_API_SECRET"), pass = env("KUCOIN_API_PASSPHRASE");
  if (!key.empty() || !secret.empty() || !pass.empty()) {
    if (key.empty() || secret.empty() || pass.empty()) {
      err << "credentials need KUCOIN_API_KEY, KUCOIN_API_SECRET and KUCOIN_API_PASSPHRASE (or none of them)\n";
      return 2;
    }
    const std::string version_text = env("KUCOIN_API_KEY_VERSION");
    const auto version = parse_key_version(version_text.empty() ? "2" : version_text);
    if (!version) {
      err << "KUCOIN_API_KEY_VERSION must be 1, 2 or 3\n";
      return 2;
    }
    ro.credentials = Credentials{key, Secret(secret), Secret(pass), *version};
  }

  capture::CaptureWriterOptions wo;
  wo.path = o.out;
  wo.header.tool = "kucoin-harness 0.1.0";
  wo.header.source = o.url;
  wo.header.symbols = o.symbols;
  wo.header.topics = o.topics;
  wo.header.note = o.note;
  wo.header.venue = ro.venue;
  wo.rotate_bytes = static_cast<std::uint64_t>(o.rotate_mb * 1e6);
  wo.rotate_ns = static_cast<std::int64_t>(o.rotate_minutes * 60e9);
  wo.file.zstd_level = o.zstd_level;
  wo.file.zstd_workers = o.zstd_workers;
  auto writer = capture::BackgroundCaptureWriter::open(wo, mono_ns(Clock::now()), wall_now_ns(), 256u << 10,
                                                       static_cast<std::uint64_t>(o.max_queue_mb * 1e6));
  if (!writer) {
    err << "record: " << writer.error().message << '\n';
    return 2;
  }
  Recorder recorder(std::move(*writer));
  recorder.set_out_path(o.out);
  ro.http.tap = recorder.tap(0);

  boost::asio::io_context io;
  std::unique_ptr<net::RestClient> rest;
  try {
    rest = std::make_unique<net::RestClient>(io, ro);
  } catch (const std::exception& e) {  // an unusable URL or CA file
    err << "record: " << e.what() << '\n';
    return 2;
  }
  std::unique_ptr<net::MarketDataClient> books;
  std::unique_ptr<net::WsClient> others;
  net::MarketDataHandlers mh;
  mh.on_book = [&](const BookEvent& e) {
    recorder.on_book(e);
    if (e.kind == BookEvent::Kind::resyncing || e.kind == BookEvent::Kind::error) {
      out << "  " << (e.symbol.empty() ? std::string("client") : std::string(e.symbol)) << ' ' << to_string(e.kind);
      if (e.kind == BookEvent::Kind::resyncing) out << " (" << to_string(e.cause) << ')';
      if (!e.detail.empty()) out << ": " << e.detail;
      out << '\n';
    }
  };
  auto on_state = [&](const net::WsStateEvent& e) {
    if (e.state == net::WsState::live || e.state == net::WsState::connecting) return;
    out << "  connection " << e.connection << ' ' << to_string(e.state);
    if (e.reason != WsReason::none) out << " (" << to_string(e.reason) << ')';
    if (!e.detail.empty()) out << ": " << e.detail;
    out << '\n';
  };
  mh.on_connection = on_state;
  if (level2) {
    net::MarketDataOptions mo;
    mo.venue = ro.venue;
    mo.ws.tap = recorder.tap(1);
    books = std::make_unique<net::MarketDataClient>(io, *rest, mo, mh);
    if (auto r = books->subscribe(o.symbols); !r) {
      err << "record: " << r.error().describe() << '\n';
      return 2;
    }
  } else {
    rest->symbols([](auto) {});  // the symbol list, for the capture (MarketDataClient asks for it itself)
  }
  if (!other_channels.empty()) {
    net::WsClientOptions wso;
    wso.tap = recorder.tap(2);
    net::WsHandlers wh;
    wh.on_state = on_state;
    others = std::make_unique<net::WsClient>(io, *rest, wso, wh);
    for (const auto& ch : other_channels) {
      if (auto r = others->subscribe(format_topic(ch, o.symbols)); !r) {
        err << "record: " << r.error().describe() << '\n';
        return 2;
      }
    }
  }
  out << "kucoin-harness record: " << o.symbols.size() << (o.futures ? " futures contracts (" : " symbols (");
  for (std::size_t i = 0; i < o.topics.size(); ++i) out << (i ? "," : "") << o.topics[i];
  out << ") from " << o.url << " to " << o.out << ", "
      << (o.seconds > 0 ? "for " + std::to_string(o.seconds) + " s" : "Ctrl-C stops") << '\n';
  out.flush();

  bool done = false;
  int signal_number = 0;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (!ec) {
      done = true;
      signal_number = sig;
    }
  });
  const auto start = Clock::now();
  const auto until = o.seconds > 0
                         ? start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds))
                         : Clock::time_point::max();
  auto next_tick = start + std::chrono::milliseconds(o.progress_ms > 0 ? o.progress_ms : 1'000);
  // Fresh snapshots and the symbol list at the top of every new part: each file replays alone.
  auto fresh_snapshots = [&] {
    if (o.futures) {
      rest->contracts([](auto) {});
    } else {
      rest->symbols([](auto) {});
    }
    if (!level2 || !books) return;
    for (const auto& s : o.symbols) {
      const auto scale = books->scale(s);
      if (!scale) continue;
      if (o.futures) {
        rest->futures_book(s, *scale, net::FuturesBookDepth::full, [](auto) {});
      } else if (rest->has_credentials()) {
        rest->level2_full(s, *scale, [](auto) {});
      } else {
        rest->level2_100(s, *scale, [](auto) {});
      }
    }
  };
  while (!done && Clock::now() < until && recorder.error().empty()) {
    io.run_one_for(std::chrono::milliseconds(20));
    if (Clock::now() >= next_tick) {
      next_tick += std::chrono::milliseconds(o.progress_ms > 0 ? o.progress_ms : 1'000);
      recorder.flush();  // a killed recorder loses at most the last interval
      if (o.progress_ms > 0) out << recorder.progress(o.symbols.size()) << '\n';
      if (const std::string w = recorder.behind_warning(); !w.empty()) out << w << '\n';
      out.flush();
    }
    if (recorder.rotation_due()) {
      out << "  rotating to " << recorder.rotate() << '\n';
      fresh_snapshots();
    }
  }
  // Stop: the clients close their connections (their last frames and disconnects are recorded),
  // then the file is closed.
  if (books) books->stop();
  if (others) others->stop();
  signals.cancel();
  io.restart();
  const auto grace = Clock::now() + std::chrono::milliseconds(300);
  while (Clock::now() < grace && io.run_one_for(std::chrono::milliseconds(20)) > 0) {}
  const bool closed = recorder.close();
  out << recorder.progress(o.symbols.size()) << '\n';
  if (const auto q = recorder.backlog(); q.peak_bytes >= 16'000'000 || q.waits > 0) {
    out << "  the recorder fell behind the socket: up to " << mb(q.peak_bytes) << " of frames waited to be written";
    if (q.waits > 0) out << ", and the reading paused " << q.waits << " times (" << q.waited_ns / 1'000'000 << " ms)";
    out << " (all of them were written)\n";
  }
  if (signal_number != 0) out << "stopped by signal " << signal_number << "; ";
  out << "capture closed: ";
  const auto files = recorder.files();
  for (std::size_t i = 0; i < files.size(); ++i) out << (i ? ", " : "") << files[i];
  out << '\n';
  if (!closed) {
    err << "record: " << recorder.error() << '\n';
    return 1;
  }
  return 0;
}

}  // namespace kucoin::apps
