// `kucoin-harness run --shrink`: for a failing scenario, a smaller scenario that still fails the
// same way (fewer messages, symbols, faults, levels), written as a scenario file users can run,
// read and attach to a bug report.
// shrink_candidates() is pure (YAML text in, YAML texts out); shrink_scenario() drives the search
// with a `still_fails` function the caller gives (which runs the case), so it is unit-tested
// without sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/result.hpp"
#include "kucoin/runner/live_books.hpp"

namespace kucoin::runner {

// One smaller variant of a scenario: what was taken away and the scenario's YAML text.
struct ShrinkCandidate {
  std::string what;  // "messages 3000 -> 1500", "symbol ETH-USDT removed", "fault 2 (drop) removed", ...
  std::string yaml;
};

// The one-step reductions of `yaml_text`, most reducing first: halve the messages, remove each
// symbol but the last (with its faults and expectations), remove each fault, halve the levels,
// cut a repeated fault's `times`. Candidates that would not load are left out. An empty list
// means nothing is left to take away. Fails when `yaml_text` is not a scenario map.
Result<std::vector<ShrinkCandidate>> shrink_candidates(std::string_view yaml_text);

// "Fails the same way": the failure texts are equal once every number is left out (a sequence,
// a count or a time differs in a smaller run, what broke does not).
bool same_failure(std::string_view a, std::string_view b);

struct ShrinkResult {
  std::string yaml;                // the smallest failing scenario found (the original when none smaller fails)
  std::string failure;             // its failure
  std::vector<std::string> steps;  // the reductions kept, in order
  std::size_t runs = 0;            // candidates run
};

// The scenario with the run's overrides written in (run --seed/--messages/--levels/--tls), so that
// the shrunk file fails without them. Unset values stay as the file has them.
std::string with_overrides(const std::string& yaml_text, std::optional<std::uint64_t> seed,
                           std::optional<std::uint64_t> messages, std::optional<std::uint64_t> levels, bool tls);

// A one-line summary of a scenario's size: "2 symbols, 1500 messages, 1 fault, 250 levels".
std::string scenario_size(const std::string& yaml_text);

// Greedy search: takes the first candidate that still fails the same way as `failure`, and starts
// over from it, until no candidate does or `max_runs` candidates ran. `still_fails` runs a case
// and returns its failure ("" when it passed). The result's scenario is renamed NAME_shrunk.
ShrinkResult shrink_scenario(const std::string& yaml_text, const std::string& failure,
                             const std::function<std::string(const LiveCase&)>& still_fails, std::size_t max_runs);

}  // namespace kucoin::runner
