#include "kucoin/runner/external_client.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

#include "kucoin/mock/server.hpp"
#include "kucoin/runner/child_process.hpp"
#include "kucoin/runner/client_report.hpp"
#include "kucoin/runner/run_trace.hpp"

extern char** environ;

namespace kucoin::runner {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The embedded mock's API key (a test key: it only ever exists on loopback). The program gets it
// in its environment; it never appears in the runner's output (see redact()).
constexpr std::string_view kKey = "kucoin-harness-external";
constexpr std::string_view kSecret = "external-secret-not-a-real-one";
constexpr std::string_view kPassphrase = "external-passphrase";
constexpr std::size_t kMaxLine = std::size_t{64} << 20;  // a report line this long is a broken program

// The program's stderr as shown in a failure: the tail, secrets replaced, one line.
std::string redact(std::string text) {
  for (std::string_view secret : {kSecret, kPassphrase}) {
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

std::string stderr_tail(const std::string& err, std::size_t keep) {
  std::string t = err.size() > keep ? "..." + err.substr(err.size() - keep) : err;
  t = redact(std::move(t));
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  std::string one;
  for (char ch : t) {
    if (ch == '\n') {
      one += " | ";
    } else if (ch != '\r') {
      one += ch;
    }
  }
  return one.empty() ? "(nothing on stderr)" : "stderr: " + one;
}

// The runner's environment without variables of the protocol, then the case's.
std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>>& vars) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (entry.starts_with("KH_") || entry.starts_with("NODE_EXTRA_CA_CERTS=")) continue;
    env.emplace_back(entry);
  }
  for (const auto& [k, v] : vars) env.push_back(k + "=" + v);
  return env;
}

struct SymbolState {
  bool reported = false;
  std::int64_t sequence = 0;
  std::size_t line = 0;
  std::size_t bids = 0, asks = 0;
  std::optional<L2Level> best_bid, best_ask;
  std::vector<L2Level> bid_levels, ask_levels;
  std::uint64_t reports = 0;
  std::uint64_t resyncs = 0;
};

}  // namespace

LiveOutcome run_external_case(const LiveCase& c, const ExternalClientOptions& o, std::chrono::milliseconds deadline) {
  LiveOutcome out;
  if (!c.expect_error.empty()) {
    // The case passes when a configuration error reaches the application: the protocol has no
    // report for that (clients/README.md), and the books are not expected to sync.
    out.passed = true;
    out.skipped = "skipped: it expects the configuration error " + c.expect_error +
                  ", which the external-client protocol cannot report";
    return out;
  }
  if (c.app_pause.after_updates > 0) {
    out.passed = true;
    out.skipped =
        "skipped: it needs a slow application (client.slow_application), which the runner makes only "
        "of its own client";
    return out;
  }
  if (c.market.venue == Market::futures) {
    out.passed = true;
    out.skipped = "skipped: a futures scenario; external clients are given the spot host only";
    return out;
  }
  mock::LiveMarketConfig mc = c.market;
  mc.plan.enabled = c.deterministic;
  mc.keep_history = true;  // every report is checked against the truth at its sequence
  auto market = make_market(c, mc);
  mock::MockServerConfig sc;
  sc.tls = c.tls;
  sc.market = market;
  sc.rest.keys.push_back(mock::ApiKeyConfig{
      std::string(kKey), Secret(std::string(kSecret)), Secret(std::string(kPassphrase)), KeyVersion::v2, {}});
  sc.faults = c.faults;
  sc.faults.seed = c.market.seed;
  sc.rest.ping_interval_ms = 1'000;
  sc.rest.ping_timeout_ms = 10'000;
  sc.ws.pace_per_symbol = c.pace_per_symbol;
  mock::MockServer server(sc);
  if (auto r = server.start(); !r) {
    out.failure = "the mock did not start: " + r.error().describe();
    return out;
  }

  // The mock's CA for TLS runs, in a private directory removed at the end.
  std::filesystem::path dir;
  std::vector<std::pair<std::string, std::string>> vars;
  const std::vector<std::string>& symbols = c.market.symbols;
  std::string symbol_list;
  for (const auto& s : symbols) symbol_list += (symbol_list.empty() ? "" : ",") + s;
  vars.emplace_back(kEnvRestUrl, server.url());
  vars.emplace_back(kEnvSymbols, symbol_list);
  vars.emplace_back(kEnvCase, c.name);
  if (c.credentials) {
    vars.emplace_back(kEnvApiKey, std::string(kKey));
    vars.emplace_back(kEnvApiSecret, std::string(kSecret));
    vars.emplace_back(kEnvApiPassphrase, std::string(kPassphrase));
    vars.emplace_back(kEnvApiKeyVersion, "2");
  }
  if (c.tls) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kucoin-harness-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      out.failure = "cannot create a temporary directory for the CA file";
      server.stop();
      return out;
    }
    dir = tmpl;
    const auto ca = dir / "ca.pem";
    std::ofstream(ca, std::ios::binary) << server.ca_pem();
    vars.emplace_back(kEnvCaFile, ca.string());
    vars.emplace_back("NODE_EXTRA_CA_CERTS", ca.string());  // Node reads it only at start
  }
  auto cleanup = [&] {
    server.stop();
    if (!dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };

  std::string error;
  auto child = ChildProcess::start(o.command, child_environment(vars), error);
  if (!child) {
    out.failure = "the client did not start: " + error;
    cleanup();
    return out;
  }

  std::map<std::string, SymbolState> state;
  for (const auto& s : symbols) state[s];
  std::string pending, err_text;
  std::size_t line_no = 0;
  const auto start = Clock::now();
  const auto until = start + deadline;
  std::string failure;
  bool caught_up = false;
  bool open = true;

  auto handle_line = [&](std::string_view line) {
    ++line_no;
    const ParsedReport p = parse_client_report(line);
    const std::string where = "stdout line " + std::to_string(line_no);
    if (!p.error.empty()) {
      failure = where + ": " + p.error + ": " + excerpt(line);
      return;
    }
    switch (p.report.kind) {
      case ClientReport::Kind::none: return;
      case ClientReport::Kind::log: out.connection_log.push_back(redact(p.report.message)); return;
      case ClientReport::Kind::event: {
        const ReportedEvent& e = p.report.event;
        std::string text = (e.symbol.empty() ? std::string("client") : e.symbol) + " " + e.event;
        if (!e.cause.empty()) text += " (" + e.cause + ")";
        if (!e.detail.empty()) text += ": " + e.detail;
        out.events.push_back(redact(std::move(text)));
        if (e.event == "resync" && state.contains(e.symbol)) ++state[e.symbol].resyncs;
        return;
      }
      case ClientReport::Kind::book: break;
    }
    const ReportedBook& b = p.report.book;
    auto it = state.find(b.symbol);
    if (it == state.end()) {
      failure = where + ": a book of \"" + excerpt(b.symbol, 40) + "\", not a symbol of the case (" + symbol_list + ")";
      return;
    }
    const auto truth = market->truth_at(b.symbol, b.sequence);
    if (!truth) {
      failure = where + ": " + b.symbol + " at sequence " + std::to_string(b.sequence) +
                ": the mock's stream never was at that sequence";
      return;
    }
    if (std::string bad = compare_report(b, *truth); !bad.empty()) {
      failure = where + ": " + b.symbol + " at sequence " + std::to_string(b.sequence) + ": " + bad;
      return;
    }
    SymbolState& s = it->second;
    s.reported = true;
    s.sequence = b.sequence;
    s.line = line_no;
    s.bids = b.bids.size();
    s.asks = b.asks.size();
    s.best_bid = b.bids.empty() ? std::nullopt : std::optional<L2Level>(b.bids.front());
    s.best_ask = b.asks.empty() ? std::nullopt : std::optional<L2Level>(b.asks.front());
    s.bid_levels = b.bids;
    s.ask_levels = b.asks;
    ++s.reports;
  };
  std::optional<Clock::time_point> ended;  // when the mock had produced every message
  auto produced_all = [&] {
    if (c.market.messages == 0) return false;
    for (const auto& s : symbols) {
      const auto truth = market->truth(s);
      if (!truth || truth->produced < c.market.messages) return false;
    }
    return true;
  };
  auto at_end = [&] {
    for (const auto& s : symbols) {
      const auto truth = market->truth(s);
      if (!truth || (c.market.messages != 0 && truth->produced < c.market.messages)) return false;
      const SymbolState& st = state[s];
      if (!st.reported || st.sequence != truth->book.sequence) return false;
    }
    return true;
  };

  while (failure.empty() && !caught_up) {
    std::string chunk;
    open = child->read(10ms, chunk, err_text);
    if (err_text.size() > 4 * o.stderr_tail) err_text.erase(0, err_text.size() - 2 * o.stderr_tail);
    pending += chunk;
    std::size_t from = 0;
    for (auto nl = pending.find('\n'); nl != std::string::npos && failure.empty(); nl = pending.find('\n', from)) {
      handle_line(std::string_view(pending).substr(from, nl - from));
      from = nl + 1;
    }
    pending.erase(0, from);
    if (failure.empty() && !open && !pending.empty()) {  // a last line without its newline
      handle_line(pending);
      pending.clear();
    }
    if (failure.empty() && pending.size() > kMaxLine) {
      failure = "stdout line " + std::to_string(line_no + 1) + ": longer than " + std::to_string(kMaxLine >> 20) +
                " MiB without a newline: " + excerpt(pending);
    }
    if (!failure.empty()) break;
    caught_up = at_end();
    if (caught_up) break;
    if (const auto status = child->poll_exit(); status && !open) {
      failure = "the client exited (status " + std::to_string(*status) +
                ") before its books reached the end of the stream; " + stderr_tail(err_text, o.stderr_tail);
      break;
    }
    if (!ended && produced_all()) ended = Clock::now();
    const bool unsettled = ended && Clock::now() >= *ended + o.settle;
    if (unsettled || Clock::now() >= until) {
      std::string where;
      for (const auto& s : symbols) {
        const SymbolState& st = state[s];
        const auto truth = market->truth(s);
        if (st.reported && truth && st.sequence == truth->book.sequence) continue;
        where = s + ": " +
                (st.reported ? "last report at sequence " + std::to_string(st.sequence) + " (stdout line " +
                                   std::to_string(st.line) + ")"
                             : std::string("no book reported")) +
                (truth ? ", the truth at " + std::to_string(truth->book.sequence) : std::string());
        break;
      }
      failure = where +
                (unsettled ? ", " + std::to_string(o.settle.count()) + " ms after the mock produced its last message"
                           : " (deadline of " + std::to_string(deadline.count()) + " ms)") +
                "; " + stderr_tail(err_text, o.stderr_tail);
      break;
    }
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.fired_faults = market->fired_faults();

  // Tell the program to stop: a line, the end of its stdin, then signals.
  child->write_line("stop");
  std::string rest;
  const ChildProcess::Stopped stopped = child->stop(o.stop_grace, o.term_grace, rest, err_text);
  if (stopped.terminated) {
    out.connection_log.push_back(std::string("the client did not exit within ") + std::to_string(o.stop_grace.count()) +
                                 " ms of \"stop\": " + (stopped.killed ? "killed" : "terminated"));
  }
  child.reset();

  TraceBuilder trace(c.name, c.market.seed, c.drops_by_time());
  for (const auto& s : symbols) {
    const SymbolState& st = state[s];
    SymbolOutcome so;
    so.symbol = s;
    so.sequence = st.sequence;
    so.resyncs = st.resyncs;
    so.bid_levels = st.bids;
    so.ask_levels = st.asks;
    so.best_bid = st.best_bid;
    so.best_ask = st.best_ask;
    const auto truth = market->truth(s);
    so.exact = caught_up && failure.empty();
    if (!so.exact) {
      so.mismatch = st.reported ? "last verified report at sequence " + std::to_string(st.sequence) +
                                      (truth ? ", the truth at " + std::to_string(truth->book.sequence) : std::string())
                                : std::string("no book verified");
    }
    trace.final_book(TraceBook{s, st.sequence, st.bid_levels, st.ask_levels});
    out.symbols.push_back(std::move(so));
  }
  cleanup();
  trace.market(market->served_snapshots(), out.fired_faults, market->stream_digests(), true);
  out.trace = trace.lines();

  if (!failure.empty()) {
    out.failure = failure;
    return out;
  }
  // A breaking fault (a lost, late or renumbered message) plans a snapshot at a point after it,
  // and the mock waits there for the client to ask (snapshot_plan.hpp). A client that never asked
  // did not see the break, even when its book stayed equal to the truth (a sequence jump loses no
  // data on the mock, but on KuCoin a jump means messages that never came).
  std::size_t real_faults = 0;
  for (const auto& f : out.fired_faults) {
    if (!f.starts_with("no snapshot of ")) {
      ++real_faults;
    } else if (c.faults.stream_count() > 0) {
      out.failure = "the client ignored the break: " + f + " (the mock waited " +
                    std::to_string(c.market.plan.hold_timeout_ms) +
                    " ms for the snapshot a client that detects the gap asks for)";
      return out;
    }
  }
  if (real_faults != c.faults.stream_count()) {
    out.failure =
        std::to_string(real_faults) + " stream faults fired, expected " + std::to_string(c.faults.stream_count());
    return out;
  }
  out.passed = true;
  return out;
}

}  // namespace kucoin::runner
