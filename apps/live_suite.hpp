#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "kucoin/runner/live_books.hpp"

namespace kucoin::apps {

struct LiveSuiteOptions {
  // Overrides for every scenario, applied only when given (`*_given`): seed, TLS, symbols,
  // messages, levels. The defaults are the built-in suite's (runner::builtin_suite()).
  runner::SuiteOptions suite;
  bool seed_given = false, symbols_given = false, messages_given = false, levels_given = false;
  // Scenario files and folders (`run FILE|DIR...`); empty: the bundled suite in `scenarios_dir`.
  std::vector<std::string> paths;
  std::string scenarios_dir;
  std::vector<std::string> filter;  // run the scenarios whose name contains one of these
  std::string shard;                // "K/N": the Kth of N shares of the chosen scenarios (CI matrices)
  std::vector<std::string> cases;   // exact names (the former --case); empty: all
  bool list = false;
  bool verbose = false;  // print every book event but updates
  std::string junit;     // write a JUnit XML report of the cases run to this file
  unsigned repeat = 1;   // run each case this many times; a case fails unless every run's trace is the same
  std::string trace;     // write each case's outcome trace (JSON lines, run_trace.hpp) to this file
  std::string client;    // a command: run it in place of our client (external_client.hpp)
  // For each failing scenario, search a smaller one that fails the same way (runner/shrink.hpp)
  // and write it as NAME_shrunk.yaml in the folder of the --junit report (else of --trace, else
  // the current folder), running at most `shrink_runs` candidates.
  bool shrink = false;
  std::size_t shrink_runs = 40;
};

// The main job: scenario files (scenarios/*.yaml, kucoin/runner/scenario.hpp) against the embedded mock. Returns 0 when every case
// passed (books equal to the truth and the expected resyncs), 1 otherwise, 2 on bad options
// (messages on `err`: a scenario file with an error, an unknown case, a report file that cannot be written).
int run_live_suite(const LiveSuiteOptions& options, std::ostream& out, std::ostream& err);

}  // namespace kucoin::apps
