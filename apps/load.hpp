// `kucoin-harness load`: many clients against the embedded mock, and the reconnect storm
// (runner/load_run.hpp, docs/reliability.md).
#pragma once

#include <ostream>

#include "kucoin/runner/load_run.hpp"

namespace kucoin::apps {

// Prints the figures; 0 when every book ended exact (and, with --storm, every book synced again,
// no client asked for a bullet sooner than its reset), 1 otherwise, 2 on bad options.
int run_load_command(const runner::LoadOptions& options, std::ostream& out, std::ostream& err);

}  // namespace kucoin::apps
