#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "kucoin/runner/live_books.hpp"

namespace kucoin::apps {

struct LiveSuiteOptions {
  runner::SuiteOptions suite;
  std::vector<std::string> cases;  // empty: all
  bool list = false;
  bool verbose = false;  // print every book event but updates
  std::string junit;     // write a JUnit XML report of the cases run to this file
  unsigned repeat = 1;   // run each case this many times; a case fails unless every run's trace is the same
  std::string trace;     // write each case's outcome trace (JSON lines, run_trace.hpp) to this file
  std::string client;    // a command: run it in place of our client (external_client.hpp)
};

// The main job: the built-in fault suite against the embedded mock. Returns 0 when every case
// passed (books equal to the truth and the expected resyncs), 1 otherwise, 2 on bad options
// (messages on `err`: an unknown case, a report file that cannot be written).
int run_live_suite(const LiveSuiteOptions& options, std::ostream& out, std::ostream& err);

}  // namespace kucoin::apps
