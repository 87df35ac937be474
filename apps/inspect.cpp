// kucoin-harness inspect FILE: what a capture holds, without replaying it.
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "capture_tools.hpp"
#include "kucoin/capture/capture_file.hpp"
#include "kucoin/protocol/futures_codec.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin::apps {

namespace {

std::string seconds_text(std::int64_t ns) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(3) << static_cast<double>(ns) / 1e9 << " s";
  return s.str();
}

std::string utc_text(std::int64_t wall_ns) {
  if (wall_ns <= 0) return "unknown";
  const std::time_t t = static_cast<std::time_t>(wall_ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream s;
  s << std::put_time(&tm, "%Y-%m-%dT%H:%M:%S") << '.' << std::setw(3) << std::setfill('0')
    << (wall_ns / 1'000'000) % 1000 << 'Z';
  return s.str();
}

std::string_view topic_of(std::string_view frame) {
  const auto k = frame.find("\"topic\"");
  if (k == std::string_view::npos) return {};
  const auto q = frame.find('"', frame.find(':', k + 7));
  if (q == std::string_view::npos) return {};
  const auto e = frame.find('"', q + 1);
  return e == std::string_view::npos ? std::string_view() : frame.substr(q + 1, e - q - 1);
}

struct SymbolStats {
  std::uint64_t level2 = 0, other = 0, snapshots = 0, stream_gaps = 0;
  std::int64_t first_seq = 0, last_seq = 0, first_ns = 0, last_ns = 0;
  std::map<std::string, std::uint64_t> channels;
};

struct ConnStats {
  std::string url;
  std::uint64_t in = 0, out = 0;
  std::string end;
};

}  // namespace

int run_inspect(const InspectOptions& o, std::ostream& out, std::ostream& err) {
  auto text = capture::read_file_text(o.file);
  if (!text) {
    err << "inspect: " << text.error().message << '\n';
    return 2;
  }
  capture::CaptureContents c;
  std::map<capture::RecordKind, std::uint64_t> kinds;
  std::map<std::string, SymbolStats> syms;
  std::map<std::uint64_t, ConnStats> conns;
  std::vector<std::string> gaps, resyncs, disconnects, stream_gaps;
  std::int64_t first_ns = 0, last_ns = 0;
  std::uint64_t n = 0;
  L2Decoder decoder;
  FuturesDecoder futures;  // /contractMarket/level2: one change a message, sequence == last + 1
  L2Update u;
  auto rel = [&](std::int64_t ns) { return "+" + seconds_text(ns - c.header.start_mono_ns); };
  auto parsed = capture::parse_capture(text->text, c, [&](const capture::CaptureRecord& r) {
    if (n++ == 0) first_ns = r.mono_ns;
    last_ns = r.mono_ns;
    ++kinds[r.kind];
    switch (r.kind) {
      case capture::RecordKind::ws_in: {
        ++conns[r.conn].in;
        const std::string_view topic = topic_of(r.payload);
        const auto colon = topic.find(':');
        if (colon == std::string_view::npos) break;
        const std::string channel(topic.substr(0, colon));
        const bool level2 = (channel == "/market/level2" && decoder.decode_update(r.payload, u)) ||
                            (channel == "/contractMarket/level2" && futures.decode_level2(r.payload, u));
        if (level2) {
          SymbolStats& s = syms[u.symbol];
          ++s.level2;
          ++s.channels[channel];
          if (s.first_seq == 0) {
            s.first_seq = u.sequence_start;
            s.first_ns = r.mono_ns;
          } else if (u.sequence_start > s.last_seq + 1) {
            ++s.stream_gaps;
            stream_gaps.push_back(rel(r.mono_ns) + "  " + u.symbol + ": expected sequence " +
                                  std::to_string(s.last_seq + 1) + ", got " + std::to_string(u.sequence_start) +
                                  " (connection " + std::to_string(r.conn) + ")");
          }
          s.last_seq = std::max(s.last_seq, u.sequence_end);
          s.last_ns = r.mono_ns;
        } else {
          std::string_view rest = topic.substr(colon + 1);
          while (!rest.empty()) {
            const auto comma = rest.find(',');
            SymbolStats& s = syms[std::string(rest.substr(0, comma))];
            ++s.other;
            ++s.channels[channel];
            if (comma == std::string_view::npos) break;
            rest = rest.substr(comma + 1);
          }
        }
        break;
      }
      case capture::RecordKind::ws_out: ++conns[r.conn].out; break;
      case capture::RecordKind::connect: conns[r.conn].url = r.url; break;
      case capture::RecordKind::http_response:
        if (r.url.find("orderbook/level2") != std::string::npos || r.url.find("/api/v1/level2/") != std::string::npos) {
          const auto s = r.url.find("symbol=");
          if (s != std::string::npos) ++syms[r.url.substr(s + 7, r.url.find('&', s) - s - 7)].snapshots;
        }
        break;
      case capture::RecordKind::gap: gaps.push_back(rel(r.mono_ns) + "  " + r.symbol + ": " + r.detail); break;
      case capture::RecordKind::resync:
        resyncs.push_back(rel(r.mono_ns) + "  " + r.symbol + " (" + r.reason + "): " + r.detail);
        break;
      case capture::RecordKind::disconnect:
        conns[r.conn].end = r.reason;
        disconnects.push_back(rel(r.mono_ns) + "  connection " + std::to_string(r.conn) + " (" + r.reason +
                              "): " + r.detail);
        break;
      default: break;
    }
  });
  if (!parsed) {
    err << "inspect: " << o.file << ": " << parsed.error().message << '\n';
    return 2;
  }
  const auto& h = c.header;
  out << o.file << ": capture format " << h.version << ", written by " << (h.tool.empty() ? "?" : h.tool) << ", part "
      << h.part << (h.previous.empty() ? std::string() : " (continues " + h.previous + ")") << '\n';
  out << "  source: " << h.source << (h.venue == Market::futures ? " (KuCoin Futures)" : "")
      << "\n  started: " << utc_text(h.start_wall_ns) << ", spans " << seconds_text(n == 0 ? 0 : last_ns - first_ns)
      << '\n';
  if (!h.note.empty()) out << "  note: " << h.note << '\n';
  out << "  symbols:";
  for (const auto& s : h.symbols) out << ' ' << s;
  out << "\n  topics:";
  for (const auto& t : h.topics) out << ' ' << t;
  out << "\n  records: " << n;
  for (const auto& [k, count] : kinds) out << (k == kinds.begin()->first ? " (" : ", ") << to_string(k) << ' ' << count;
  out << (kinds.empty() ? "" : ")") << '\n';
  out << "  connections: " << (conns.count(0) ? conns.size() - 1 : conns.size()) << '\n';
  for (const auto& [id, cs] : conns) {
    if (id == 0) continue;
    out << "    " << id << ": " << cs.in << " frames in, " << cs.out << " out"
        << (cs.url.empty() ? std::string() : ", " + cs.url) << (cs.end.empty() ? "" : ", ended " + cs.end) << '\n';
  }
  out << "  per symbol:\n";
  for (const auto& [sym, s] : syms) {
    out << "    " << std::left << std::setw(12) << sym << std::right;
    for (const auto& [ch, count] : s.channels) out << ' ' << ch << ' ' << count;
    if (s.level2 != 0) {
      out << ", sequences " << s.first_seq << ".." << s.last_seq << " over " << seconds_text(s.last_ns - s.first_ns);
    }
    out << ", " << s.snapshots << " snapshots, " << s.stream_gaps << " gaps in the stream\n";
  }
  auto list = [&](const char* title, const std::vector<std::string>& v) {
    out << "  " << title << ": " << v.size() << '\n';
    for (std::size_t i = 0; i < v.size() && i < 50; ++i) out << "    " << v[i] << '\n';
    if (v.size() > 50) out << "    ... " << v.size() - 50 << " more\n";
  };
  list("gaps in the level2 stream (sequenceStart beyond the last sequenceEnd + 1)", stream_gaps);
  list("gaps the recording client saw", gaps);
  list("resyncs", resyncs);
  list("disconnects", disconnects);
  if (text->cut_short && !c.problem) out << "  note: " << text->note << '\n';
  if (c.problem)
    out << "  " << (c.problem->kind == capture::ReadProblem::Kind::truncated ? "truncated" : "damaged") << ": "
        << c.problem->message << (text->cut_short ? " (" + text->note + ")" : "") << '\n';
  return 0;
}

}  // namespace kucoin::apps
