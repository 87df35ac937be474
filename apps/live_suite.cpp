#include "live_suite.hpp"

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "kucoin/core/decimal.hpp"
#include "kucoin/runner/external_client.hpp"
#include "kucoin/runner/junit.hpp"
#include "kucoin/runner/run_trace.hpp"

namespace kucoin::apps {

int run_live_suite(const LiveSuiteOptions& o, std::ostream& out, std::ostream& err) {
  const auto all = runner::builtin_suite(o.suite);
  int name_width = 6;  // the column fits the longest case name
  for (const auto& c : all) name_width = std::max(name_width, static_cast<int>(c.name.size()) + 2);
  if (o.list) {
    for (const auto& c : all) out << std::left << std::setw(name_width) << c.name << c.description << "\n";
    return 0;
  }
  std::vector<const runner::LiveCase*> chosen;
  for (const auto& name : o.cases) {
    auto it = std::find_if(all.begin(), all.end(), [&](const runner::LiveCase& c) { return c.name == name; });
    if (it == all.end()) {
      err << "unknown case \"" << name << "\"; `kucoin-harness run --list` shows them\n";
      return 2;
    }
    chosen.push_back(&*it);
  }
  if (chosen.empty()) {
    for (const auto& c : all) chosen.push_back(&c);
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
    return o.client.empty() ? runner::run_live_case(c) : runner::run_external_case(c, external);
  };

  out << "kucoin-harness: live books through the mock's faults (" << o.suite.symbols.size() << " symbols, "
      << o.suite.messages << " messages each, " << o.suite.levels << " levels a side, "
      << (o.suite.tls ? "TLS" : "plain") << ", seed " << o.suite.seed
      << (o.repeat > 1 ? ", " + std::to_string(o.repeat) + " runs of each, traces compared" : std::string())
      << (o.client.empty() ? std::string() : ", client under test: " + o.client) << ")\n\n";
  std::string header = "resyncs";
  out << "  " << std::left << std::setw(name_width) << "case" << std::setw(8) << "result" << std::setw(9) << "time"
      << std::setw(12) << "resyncs"
      << "what happened\n";
  std::size_t passed = 0;
  for (const runner::LiveCase* c : chosen) {
    runner::LiveOutcome r = run_case(*c);
    for (unsigned k = 2; k <= o.repeat && r.passed; ++k) {
      if (o.repeat > 1) err << "\r  " << c->name << ": run " << k << " of " << o.repeat << "   " << std::flush;
      const runner::LiveOutcome again = run_case(*c);
      if (!again.passed) {
        r.passed = false;
        r.failure = "run " + std::to_string(k) + " of " + std::to_string(o.repeat) + " failed: " + again.failure;
      } else if (auto d = runner::first_difference(r.trace, again.trace)) {
        r.passed = false;
        r.failure = "run " + std::to_string(k) + "'s outcome trace differs from run 1's at " + *d;
      }
    }
    if (o.repeat > 1) err << "\r" << std::string(40 + c->name.size(), ' ') << "\r" << std::flush;
    if (trace_file.is_open()) {
      for (const auto& line : r.trace) trace_file << line << '\n';
    }
    passed += r.passed ? 1 : 0;
    std::ostringstream resyncs;
    for (std::size_t i = 0; i < r.symbols.size(); ++i) resyncs << (i ? "/" : "") << r.symbols[i].resyncs;
    std::ostringstream secs;
    secs << std::fixed << std::setprecision(2) << r.seconds << " s";
    // The most telling event: the first resync, stale or error of the run (after the initial sync).
    std::string what = c->description;
    for (const auto& e : r.events) {
      if (e.find("(subscribed)") != std::string::npos || e.find(" synced") != std::string::npos) continue;
      what = e;
      break;
    }
    if (what.size() > 110) what = what.substr(0, 107) + "...";
    out << "  " << std::left << std::setw(name_width) << c->name << std::setw(8) << (r.passed ? "ok" : "FAILED")
        << std::setw(9) << secs.str() << std::setw(12) << resyncs.str() << what << "\n";
    if (!r.passed)
      out << "  " << std::setw(name_width) << ""
          << "-> " << r.failure << "\n";
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
    jc.classname = std::string("kucoin-harness.run.") + (o.suite.tls ? "tls" : "plain");
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
  out << "\n" << passed << " of " << chosen.size() << " cases passed";
  if (passed == chosen.size() && !o.client.empty()) {
    out << ": every book the client reported was equal to the mock's truth at its sequence, every level of both "
           "sides, and every book reached the end of the stream.\n";
    return 0;
  }
  if (passed == chosen.size()) {
    out << ": every book ended equal to the mock's truth at the same sequence, every level of both sides, "
           "with the expected resyncs.\n";
    return 0;
  }
  out << ".\n";
  return 1;
}

}  // namespace kucoin::apps
