// Scenario files (scenarios/*.yaml): one YAML file says a run's market, the mock's REST and
// WebSocket behaviour, one ordered list of faults and the expectations; the loader turns it into a
// LiveCase (live_books.hpp) that run_live_case() runs and `serve --scenario` serves. The schema is
// documented in scenarios/README.md (and scenarios/schema.json for editors).
// Pure: parsing only, no I/O but reading the file in load_scenario_file() and the capture of
// market.recording (relative to the file's folder), no clock. Errors name
// the file, line and column and what was expected; unknown keys are errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/result.hpp"
#include "kucoin/runner/live_books.hpp"

namespace kucoin::runner {

// A loaded scenario: the case and where it came from.
struct Scenario {
  std::string file;  // as given to load_scenario_file ("" for text)
  LiveCase live;
};

// Parses one scenario. `file` names the source in error messages ("gap.yaml:4:7: ...").
Result<Scenario> load_scenario_yaml(std::string_view yaml_text, std::string_view file = "<scenario>");
Result<Scenario> load_scenario_file(const std::string& path);

// Scenario files among `paths`: a file as given, a folder's *.yaml and *.yml files in name order.
// Fails for a path that is neither.
Result<std::vector<std::string>> scenario_files(const std::vector<std::string>& paths);

// The keys the loader accepts, per section ("" is the top level, "market", "faults", ...): the
// schema test compares them with scenarios/schema.json.
std::vector<std::pair<std::string, std::vector<std::string>>> scenario_keys();

// Whether `index` (0-based) of `count` scenarios belongs to shard `k` of `n` (1 <= k <= n): round
// robin, so that every shard gets a share of the slow ones.
inline bool in_shard(std::size_t index, unsigned k, unsigned n) noexcept { return n <= 1 || index % n == k - 1; }

}  // namespace kucoin::runner
