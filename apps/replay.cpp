// kucoin-harness replay FILE: a capture through our synchronizer, offline, with its checks.
#include <fstream>
#include <iomanip>
#include <sstream>

#include "capture_tools.hpp"
#include "kucoin/book/book_json.hpp"
#include "kucoin/capture/capture_file.hpp"
#include "kucoin/capture/offline_replay.hpp"
#include "kucoin/core/decimal.hpp"
#include "kucoin/protocol/ws_codec.hpp"

namespace kucoin::apps {

namespace {

std::string rel_text(std::int64_t ns) {
  std::ostringstream s;
  s << '+' << std::fixed << std::setprecision(3) << static_cast<double>(ns) / 1e9 << " s";
  return s.str();
}

void print_ladder(std::ostream& out, const BookView& v, std::size_t n) {
  out << "  " << v.symbol << ' ' << to_string(v.status) << " at sequence " << v.sequence << " ("
      << v.book->depth(Side::bid) << " bids, " << v.book->depth(Side::ask) << " asks";
  if (v.exact_depth != SIZE_MAX) out << ", exact in the top " << v.exact_depth;
  out << ")\n";
  auto asks = v.book->top(Side::ask, n);
  auto bids = v.book->top(Side::bid, n);
  for (auto it = asks.rbegin(); it != asks.rend(); ++it) {
    out << "    ask " << std::setw(20) << to_string(it->price) << "  " << to_string(it->size) << '\n';
  }
  out << "    ---\n";
  for (const auto& l : bids)
    out << "    bid " << std::setw(20) << to_string(l.price) << "  " << to_string(l.size) << '\n';
}

}  // namespace

int run_replay(const ReplayOptions& o, std::ostream& out, std::ostream& err) {
  auto at = capture::parse_replay_point(o.at);
  if (!at) {
    err << "replay: " << at.error().message << '\n';
    return 2;
  }
  std::ofstream dump_file;
  if (!o.dump.empty()) {
    dump_file.open(o.dump, std::ios::binary | std::ios::trunc);
    if (!dump_file) {
      err << "--dump: cannot write " << o.dump << '\n';
      return 2;
    }
  }
  auto text = capture::read_file_text(o.file);
  if (!text) {
    err << "replay: " << text.error().message << '\n';
    return 2;
  }
  capture::ReplayOptions ro;
  ro.symbol = o.symbol;
  ro.at = *at;
  capture::OfflineReplay replay(ro);
  capture::CaptureContents c;
  bool header_seen = false;
  std::size_t printed = 0;
  auto print_new_findings = [&] {
    const auto& f = replay.findings();
    for (; printed < f.size(); ++printed) {
      const auto& x = f[printed];
      if (o.quiet && !x.failed_check()) continue;
      out << "  " << rel_text(x.mono_ns - c.header.start_mono_ns) << "  record " << x.record << "  " << x.symbol << "  "
          << to_string(x.kind) << (x.failed_check() ? " (CHECK FAILED)" : "") << ": " << x.detail << '\n';
    }
  };
  // The header comes first: hand it over before the first record.
  auto parsed = capture::parse_capture(text->text, c, [&](const capture::CaptureRecord& r) {
    if (!header_seen) {
      header_seen = true;
      replay.on_header(c.header);
      out << "replay " << o.file << " (" << c.header.source << "; symbols";
      for (const auto& s : c.header.symbols) out << ' ' << s;
      out << ")\n";
    }
    if (replay.stopped_at_point()) return;
    replay.on_record(r);
    print_new_findings();
  });
  if (!parsed) {
    err << "replay: " << o.file << ": " << parsed.error().message << '\n';
    return 2;
  }
  replay.finish();
  print_new_findings();
  if (c.problem) {
    err << "replay: "
        << (c.problem->kind == capture::ReadProblem::Kind::truncated ? "truncated capture: " : "damaged capture: ")
        << c.problem->message << '\n';
  }
  out << (replay.stopped_at_point() ? "at " + o.at : std::string("at the end")) << " (" << replay.records()
      << " records):\n";
  const auto books = replay.books();
  for (const auto& v : books) print_ladder(out, v, o.ladder);
  bool failed = !replay.checks_passed();
  std::size_t crossed = 0, mismatched = 0, undecodable = 0;
  for (const auto& f : replay.findings()) {
    crossed += f.kind == capture::ReplayFinding::Kind::crossed;
    mismatched += f.kind == capture::ReplayFinding::Kind::ticker_mismatch;
    undecodable += f.kind == capture::ReplayFinding::Kind::decode_error;
  }
  out << "summary:\n";
  for (const auto& s : replay.summaries()) {
    out << "  " << std::left << std::setw(12) << s.symbol << std::right << ' ' << s.updates << " level2 frames ("
        << s.first_sequence << ".." << s.last_sequence << "), " << s.snapshots << " snapshots, " << s.gaps << " gaps, "
        << s.resyncs << " resyncs, tickers " << s.tickers_checked << " checked / " << s.tickers_mismatched
        << " disagree / " << s.tickers_unchecked << " not at a book sequence, " << s.matches << " matches, "
        << (s.synced ? "synced" : "not synced") << '\n';
  }
  if (dump_file.is_open()) {
    std::string dump = "{";
    for (const auto& v : books) {
      if (dump.size() > 1) dump += ",\n";
      append_json_string(dump, v.symbol);
      dump += ':';
      append_book_json(dump, v);
    }
    dump += "}\n";
    dump_file << dump;
    dump_file.close();
    if (!dump_file) {
      err << "--dump: writing " << o.dump << " failed\n";
      return 2;
    }
    out << "books written to " << o.dump << '\n';
  }
  out << (failed ? "checks FAILED: " : "checks passed: ") << crossed << " crossed books, " << mismatched
      << " tickers that disagree with the book, " << undecodable << " undecodable frames\n";
  return failed ? 1 : 0;
}

}  // namespace kucoin::apps
