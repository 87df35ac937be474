#include "live_suite.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <sstream>

#include "kucoin/core/decimal.hpp"
#include "kucoin/runner/external_client.hpp"
#include "kucoin/runner/junit.hpp"
#include "kucoin/runner/run_trace.hpp"
#include "kucoin/runner/scenario.hpp"
#include "kucoin/runner/shrink.hpp"

namespace kucoin::apps {

namespace {

// The scenarios to run: the files given (or the bundled folder), loaded, overridden, filtered and
// sharded. False (with a message on `err`) when a file has an error or an option is wrong.
bool choose(const LiveSuiteOptions& o, std::vector<runner::Scenario>& chosen, std::ostream& err) {
  std::vector<std::string> paths = o.paths;
  if (paths.empty()) {
    std::error_code ec;
    std::string dir = o.scenarios_dir;
    if (dir.empty() || !std::filesystem::is_directory(dir, ec)) dir = "scenarios";
    if (!std::filesystem::is_directory(dir, ec)) {
      err << "no scenarios folder (" << o.scenarios_dir << " or ./scenarios): give --scenarios DIR or FILE|DIR...\n";
      return false;
    }
    paths.push_back(dir);
  }
  auto files = runner::scenario_files(paths);
  if (!files) {
    err << files.error().message << '\n';
    return false;
  }
  unsigned k = 1, n = 1;
  if (!o.shard.empty()) {
    const auto slash = o.shard.find('/');
    try {
      if (slash == std::string::npos) throw std::invalid_argument("shard");
      k = static_cast<unsigned>(std::stoul(o.shard.substr(0, slash)));
      n = static_cast<unsigned>(std::stoul(o.shard.substr(slash + 1)));
    } catch (const std::exception&) {
      n = 0;
    }
    if (n == 0 || k == 0 || k > n) {
      err << "--shard: K/N with 1 <= K <= N (e.g. 2/4), not " << o.shard << '\n';
      return false;
    }
  }
  std::vector<runner::Scenario> all;
  bool ok = true;
  for (const auto& f : *files) {
    auto s = runner::load_scenario_file(f);
    if (!s) {
      err << s.error().message << '\n';
      ok = false;
      continue;
    }
    runner::LiveCase& c = s->live;
    if (o.seed_given) c.market.seed = o.suite.seed;
    if (o.suite.tls) c.tls = true;
    if (o.messages_given) c.market.messages = o.suite.messages;
    if (o.levels_given) c.market.levels_per_side = o.suite.levels;
    if (o.symbols_given) {
      // The scenario's symbols are renamed in order (faults and expectations follow them); faults
      // and expectations of symbols past the new list are dropped, new symbols expect no resync.
      auto rename = [&](const std::string& sym) {
        const auto it = std::find(c.market.symbols.begin(), c.market.symbols.end(), sym);
        const auto i = static_cast<std::size_t>(it - c.market.symbols.begin());
        return it == c.market.symbols.end() ? sym : i < o.suite.symbols.size() ? o.suite.symbols[i] : std::string();
      };
      std::vector<mock::Fault> kept;
      for (auto& fault : c.faults.faults) {
        if (!fault.symbol.empty() && (fault.symbol = rename(fault.symbol)).empty()) continue;
        kept.push_back(fault);
      }
      c.faults.faults = std::move(kept);
      for (auto* m : {&c.max_resyncs, &c.min_resyncs}) {
        std::map<std::string, std::uint64_t> renamed;
        for (const auto& [sym, v] : *m) {
          if (const std::string to = rename(sym); !to.empty()) renamed[to] = v;
        }
        *m = std::move(renamed);
      }
      c.market.symbols = o.suite.symbols;
    }
    all.push_back(std::move(*s));
  }
  if (!ok) return false;
  for (const auto& name : o.cases) {
    if (std::none_of(all.begin(), all.end(), [&](const runner::Scenario& s) { return s.live.name == name; })) {
      err << "unknown scenario \"" << name << "\"; `kucoin-harness run --list` shows them\n";
      return false;
    }
  }
  std::size_t index = 0;
  for (auto& s : all) {
    const std::string& name = s.live.name;
    if (!o.cases.empty() && std::find(o.cases.begin(), o.cases.end(), name) == o.cases.end()) continue;
    if (!o.filter.empty() && std::none_of(o.filter.begin(), o.filter.end(),
                                          [&](const std::string& f) { return name.find(f) != std::string::npos; })) {
      continue;
    }
    if (runner::in_shard(index++, k, n)) chosen.push_back(std::move(s));
  }
  return true;
}

// run --shrink: a smaller scenario that fails the same way, written next to the report.
void shrink_one(const LiveSuiteOptions& o, const runner::Scenario& sc, const std::string& failure,
                const std::function<runner::LiveOutcome(const runner::LiveCase&)>& run_case, std::ostream& out) {
  const std::string pad = "     ";
  if (o.symbols_given) {
    out << pad << "shrink: not with --symbols (the file's symbols were renamed)\n";
    return;
  }
  std::ifstream in(sc.file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    out << pad << "shrink: cannot read " << sc.file << "\n";
    return;
  }
  const std::string original =
      runner::with_overrides(text.str(), o.seed_given ? std::optional(o.suite.seed) : std::nullopt,
                             o.messages_given ? std::optional(o.suite.messages) : std::nullopt,
                             o.levels_given ? std::optional<std::uint64_t>(o.suite.levels) : std::nullopt, o.suite.tls);
  const runner::ShrinkResult r = runner::shrink_scenario(
      original, failure,
      [&](const runner::LiveCase& c) {
        const runner::LiveOutcome x = run_case(c);
        return x.passed ? std::string() : x.failure;
      },
      o.shrink_runs);
  namespace fs = std::filesystem;
  const std::string report = !o.junit.empty() ? o.junit : o.trace;
  fs::path dir = report.empty() ? fs::path(".") : fs::path(report).parent_path();
  if (dir.empty()) dir = ".";
  const fs::path file = dir / (sc.live.name + "_shrunk.yaml");
  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  f << "# kucoin-harness run --shrink: a smaller " << sc.live.name << " (" << sc.file << ") that still fails:\n#   "
    << r.failure << "\n# " << (r.steps.empty() ? std::string("nothing could be taken away") : "taken away:");
  for (std::size_t i = 0; i < r.steps.size(); ++i) f << (i ? "; " : " ") << r.steps[i];
  f << "\n" << r.yaml;
  f.close();
  if (!f) {
    out << pad << "shrink: cannot write " << file.string() << "\n";
    return;
  }
  out << pad << "shrunk in " << r.runs << " runs from " << runner::scenario_size(original) << " to "
      << runner::scenario_size(r.yaml) << ": " << file.string() << "\n";
}

}  // namespace

int run_live_suite(const LiveSuiteOptions& o, std::ostream& out, std::ostream& err) {
  std::vector<runner::Scenario> scenarios;
  if (!choose(o, scenarios, err)) return 2;
  int name_width = 10;  // the column fits the longest scenario name
  for (const auto& s : scenarios) name_width = std::max(name_width, static_cast<int>(s.live.name.size()) + 2);
  if (o.list) {
    for (const auto& s : scenarios)
      out << std::left << std::setw(name_width) << s.live.name << s.live.description << "\n";
    return 0;
  }
  if (scenarios.empty()) {
    err << "no scenario matches\n";
    return 2;
  }
  // The report file is opened before the run: a path that cannot be written fails at once.
  std::ofstream junit_file;
  if (!o.junit.empty()) {
    junit_file.open(o.junit, std::ios::binary | std::ios::trunc);
    if (!junit_file) {
      err << "--junit: cannot write " << o.junit << '\n';
      return 2;
    }
  }
  std::ofstream trace_file;
  if (!o.trace.empty()) {
    trace_file.open(o.trace, std::ios::binary | std::ios::trunc);
    if (!trace_file) {
      err << "--trace: cannot write " << o.trace << '\n';
      return 2;
    }
  }
  std::vector<runner::JUnitCase> report;
  // --client: the user's program in place of our client, same cases (external_client.hpp).
  runner::ExternalClientOptions external;
  external.command = o.client;
  auto run_case = [&](const runner::LiveCase& c) {
    return o.client.empty() ? runner::run_live_case(c, runner::case_deadline(c))
                            : runner::run_external_case(c, external, runner::case_deadline(c));
  };

  out << "kucoin-harness: " << scenarios.size() << " scenarios, live books through the mock's faults"
      << (o.suite.tls ? " (TLS)" : "")
      << (o.repeat > 1 ? ", " + std::to_string(o.repeat) + " runs of each, traces compared" : std::string())
      << (o.client.empty() ? std::string() : ", client under test: " + o.client) << "\n\n";
  out << "  " << std::left << std::setw(name_width) << "scenario" << std::setw(8) << "result" << std::setw(9) << "time"
      << std::setw(10) << "resyncs" << std::setw(11) << "reconnects" << std::setw(10) << "messages"
      << "what happened\n";
  const bool progress = isatty(STDERR_FILENO) != 0;
  const auto suite_start = std::chrono::steady_clock::now();
  std::size_t passed = 0, done = 0;
  for (const runner::Scenario& sc : scenarios) {
    const runner::LiveCase* c = &sc.live;
    if (progress) {
      err << "\r[" << ++done << "/" << scenarios.size() << "] " << c->name << " ..." << std::string(20, ' ')
          << std::flush;
    }
    runner::LiveOutcome r = run_case(*c);
    for (unsigned k = 2; k <= o.repeat && r.passed; ++k) {
      if (progress) {
        err << "\r[" << done << "/" << scenarios.size() << "] " << c->name << ": run " << k << " of " << o.repeat
            << "   " << std::flush;
      }
      const runner::LiveOutcome again = run_case(*c);
      if (!again.passed) {
        r.passed = false;
        r.failure = "run " + std::to_string(k) + " of " + std::to_string(o.repeat) + " failed: " + again.failure;
      } else if (auto d = runner::first_difference(r.trace, again.trace)) {
        r.passed = false;
        r.failure = "run " + std::to_string(k) + "'s outcome trace differs from run 1's at " + *d;
      }
    }
    if (progress) err << "\r" << std::string(60 + c->name.size(), ' ') << "\r" << std::flush;
    if (trace_file.is_open()) {
      for (const auto& line : r.trace) trace_file << line << '\n';
    }
    passed += r.passed ? 1 : 0;
    std::ostringstream resyncs;
    for (std::size_t i = 0; i < r.symbols.size(); ++i) resyncs << (i ? "/" : "") << r.symbols[i].resyncs;
    std::ostringstream secs;
    secs << std::fixed << std::setprecision(2) << r.seconds << " s";
    // The most telling event: the first resync, stale or error of the run (after the initial sync).
    std::string what = r.skipped.empty() ? c->description : r.skipped;
    for (const auto& e : r.events) {
      if (e.find("(subscribed)") != std::string::npos || e.find(" synced") != std::string::npos) continue;
      what = e;
      break;
    }
    if (what.size() > 90) what = what.substr(0, 87) + "...";
    // A cell padded to its column, or followed by one space when it is wider (a long run's times).
    auto cell = [](const std::string& text, std::size_t width) {
      return text.size() < width ? text + std::string(width - text.size(), ' ') : text + ' ';
    };
    out << "  " << std::left << std::setw(name_width) << c->name << std::setw(8)
        << (!r.skipped.empty() ? "skipped"
            : r.passed         ? "ok"
                               : "FAILED")
        << cell(secs.str(), 9) << cell(resyncs.str(), 10) << cell(std::to_string(r.reconnects), 11)
        << cell(std::to_string(r.stats.messages), 10) << what << "\n";
    if (!r.passed)
      out << "  " << std::setw(name_width) << ""
          << "-> " << r.failure << "\n";
    if (!r.passed && o.shrink) shrink_one(o, sc, r.failure, run_case, out);
    std::ostringstream details;
    for (const auto& f : r.fired_faults) details << "      fault: " << f << "\n";
    for (const auto& e : r.events) details << "      " << e << "\n";
    for (const auto& l : r.connection_log) details << "      ws: " << l << "\n";
    for (const auto& s : r.symbols) {
      details << "      " << s.symbol << ": sequence " << s.sequence << ", " << s.bid_levels << " bids / "
              << s.ask_levels << " asks" << (s.exact ? ", equal to the truth" : ", " + s.mismatch) << "\n";
    }
    if (o.verbose || !r.passed) out << details.str();
    runner::JUnitCase jc;
    jc.name = c->name;
    jc.classname = std::string("kucoin-harness.run.") + (c->tls ? "tls" : "plain");
    jc.seconds = r.seconds;
    if (!r.passed) jc.failure = r.failure;
    jc.output = c->description + "\n" + details.str();
    report.push_back(std::move(jc));
  }
  if (trace_file.is_open()) {
    trace_file.close();
    if (!trace_file) err << "--trace: writing " << o.trace << " failed\n";
  }
  if (junit_file.is_open()) {
    junit_file << runner::junit_xml("kucoin-harness run", report);
    junit_file.close();
    if (!junit_file) err << "--junit: writing " << o.junit << " failed\n";
  }
  std::ostringstream total;
  total << std::fixed << std::setprecision(1)
        << std::chrono::duration<double>(std::chrono::steady_clock::now() - suite_start).count();
  out << "\n" << passed << " of " << scenarios.size() << " scenarios passed in " << total.str() << " s";
  if (passed == scenarios.size() && !o.client.empty()) {
    out << ": every book the client reported was equal to the mock's truth at its sequence, every level of both "
           "sides, and every book reached the end of the stream.\n";
    return 0;
  }
  if (passed == scenarios.size()) {
    out << ": every book ended equal to the mock's truth at the same sequence, every level of both sides, "
           "with the expected resyncs.\n";
    return 0;
  }
  out << ".\n";
  return 1;
}

}  // namespace kucoin::apps
