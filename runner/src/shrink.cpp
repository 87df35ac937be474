#include "kucoin/runner/shrink.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "kucoin/runner/scenario.hpp"

namespace kucoin::runner {

namespace {

const std::vector<std::string> kDefaultSymbols = {"BTC-USDT", "ETH-USDT", "XRP-USDT"};

std::string emit(const YAML::Node& n) {
  YAML::Emitter e;
  e << n;
  return std::string(e.c_str()) + "\n";
}

std::vector<std::string> symbols_of(const YAML::Node& root) {
  if (!root["symbols"] || !root["symbols"].IsSequence()) return kDefaultSymbols;
  std::vector<std::string> v;
  for (const auto& s : root["symbols"]) v.push_back(s.as<std::string>());
  return v;
}

std::string scalar(const YAML::Node& map, const char* key) {
  const YAML::Node n = map[key];
  return n && n.IsScalar() ? n.as<std::string>() : std::string();
}

// Whether a fault of the list belongs to `symbol` (`first`: the scenario's first symbol, which
// faults without a symbol go to).
bool fault_of(const YAML::Node& f, const std::string& symbol, const std::string& first) {
  if (!f.IsMap()) return false;
  const std::string kind = scalar(f, "kind");
  if (kind == "rest_answer") return scalar(f, "query").find("symbol=" + symbol) != std::string::npos;
  if (kind == "no_welcome" || kind == "no_pong" || kind == "close_after" || kind == "refuse_upgrade" ||
      kind == "slow_reader") {
    return false;
  }
  const std::string s = scalar(f, "symbol");
  return s == symbol || (s.empty() && symbol == first);
}

std::uint64_t count_of(const YAML::Node& map, const char* key, std::uint64_t fallback) {
  try {
    return map && map[key] ? map[key].as<std::uint64_t>() : fallback;
  } catch (const YAML::Exception&) {
    return fallback;
  }
}

}  // namespace

Result<std::vector<ShrinkCandidate>> shrink_candidates(std::string_view yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return fail(Errc::invalid_argument, "the scenario is not YAML: " + e.msg);
  }
  if (!root.IsMap()) return fail(Errc::invalid_argument, "the scenario is not a map");
  std::vector<ShrinkCandidate> out;
  auto add = [&](std::string what, const YAML::Node& n) {
    std::string text = emit(n);
    if (load_scenario_yaml(text, "<shrink>")) out.push_back(ShrinkCandidate{std::move(what), std::move(text)});
  };

  // Fewer messages.
  const std::uint64_t messages = count_of(root["market"], "messages", 3'000);
  if (messages >= 100) {
    YAML::Node n = YAML::Clone(root);
    n["market"]["messages"] = messages / 2;
    add("messages " + std::to_string(messages) + " -> " + std::to_string(messages / 2), n);
  }
  // Fewer symbols: each but the last, with its faults and expectations.
  const std::vector<std::string> symbols = symbols_of(root);
  for (std::size_t i = 0; symbols.size() > 1 && i < symbols.size(); ++i) {
    YAML::Node n = YAML::Clone(root);
    YAML::Node list(YAML::NodeType::Sequence);
    list.SetStyle(YAML::EmitterStyle::Flow);
    for (std::size_t j = 0; j < symbols.size(); ++j) {
      if (j != i) list.push_back(symbols[j]);
    }
    n["symbols"] = list;
    if (YAML::Node faults = n["faults"]; faults && faults.IsSequence()) {
      YAML::Node kept(YAML::NodeType::Sequence);
      for (const auto& f : faults) {
        if (!fault_of(f, symbols[i], symbols.front())) kept.push_back(f);
      }
      if (kept.size() == 0) {
        n.remove("faults");
      } else {
        n["faults"] = kept;
      }
    }
    if (YAML::Node expect = n["expect"]; expect && expect.IsMap()) {
      if (YAML::Node r = expect["resyncs"]; r && r.IsMap()) r.remove(symbols[i]);
      if (YAML::Node cps = expect["checkpoints"]; cps && cps.IsSequence()) {
        YAML::Node kept(YAML::NodeType::Sequence);
        for (const auto& cp : cps) {
          if (scalar(cp, "symbol") != symbols[i]) kept.push_back(cp);
        }
        expect["checkpoints"] = kept;
      }
    }
    add("symbol " + symbols[i] + " removed", n);
  }
  // Fewer faults.
  if (const YAML::Node faults = root["faults"]; faults && faults.IsSequence()) {
    for (std::size_t i = 0; i < faults.size(); ++i) {
      YAML::Node n = YAML::Clone(root);
      YAML::Node kept(YAML::NodeType::Sequence);
      for (std::size_t j = 0; j < faults.size(); ++j) {
        if (j != i) kept.push_back(n["faults"][j]);
      }
      if (kept.size() == 0) {
        n.remove("faults");
      } else {
        n["faults"] = kept;
      }
      add("fault " + std::to_string(i + 1) + " (" + scalar(faults[i], "kind") + ") removed", n);
    }
    // A repeated fault fires fewer times.
    for (std::size_t i = 0; i < faults.size(); ++i) {
      const std::uint64_t times = count_of(faults[i]["at"], "times", 1);
      if (times < 2) continue;
      YAML::Node n = YAML::Clone(root);
      n["faults"][i]["at"]["times"] = times / 2;
      add("fault " + std::to_string(i + 1) + " fires " + std::to_string(times / 2) + " times, not " +
              std::to_string(times),
          n);
    }
  }
  // Fewer levels.
  const std::uint64_t levels = count_of(root["market"], "levels", 500);
  if (levels >= 20) {
    YAML::Node n = YAML::Clone(root);
    n["market"]["levels"] = levels / 2;
    add("levels " + std::to_string(levels) + " -> " + std::to_string(levels / 2), n);
  }
  return out;
}

std::string with_overrides(const std::string& yaml_text, std::optional<std::uint64_t> seed,
                           std::optional<std::uint64_t> messages, std::optional<std::uint64_t> levels, bool tls) {
  if (!seed && !messages && !levels && !tls) return yaml_text;
  try {
    YAML::Node root = YAML::Load(yaml_text);
    if (seed) root["seed"] = *seed;
    if (messages) root["market"]["messages"] = *messages;
    if (levels) root["market"]["levels"] = *levels;
    if (tls) root["tls"] = true;
    return emit(root);
  } catch (const YAML::Exception&) {
    return yaml_text;
  }
}

std::string scenario_size(const std::string& yaml_text) {
  try {
    const YAML::Node root = YAML::Load(yaml_text);
    const std::size_t symbols = symbols_of(root).size();
    const std::size_t faults = root["faults"] && root["faults"].IsSequence() ? root["faults"].size() : 0;
    return std::to_string(symbols) + (symbols == 1 ? " symbol, " : " symbols, ") +
           std::to_string(count_of(root["market"], "messages", 3'000)) + " messages, " + std::to_string(faults) +
           (faults == 1 ? " fault, " : " faults, ") + std::to_string(count_of(root["market"], "levels", 500)) +
           " levels";
  } catch (const YAML::Exception&) {
    return "?";
  }
}

bool same_failure(std::string_view a, std::string_view b) {
  auto strip = [](std::string_view s) {
    std::string t;
    for (char ch : s) {
      if (ch < '0' || ch > '9') t += ch;
    }
    return t;
  };
  return !a.empty() && !b.empty() && strip(a) == strip(b);
}

ShrinkResult shrink_scenario(const std::string& yaml_text, const std::string& failure,
                             const std::function<std::string(const LiveCase&)>& still_fails, std::size_t max_runs) {
  ShrinkResult r;
  r.yaml = yaml_text;
  r.failure = failure;
  bool progress = true;
  while (progress && r.runs < max_runs) {
    progress = false;
    auto candidates = shrink_candidates(r.yaml);
    if (!candidates) break;
    for (const auto& c : *candidates) {
      if (r.runs >= max_runs) break;
      auto s = load_scenario_yaml(c.yaml, "<shrink>");
      if (!s) continue;
      ++r.runs;
      std::string f = still_fails(s->live);
      if (!same_failure(f, failure)) continue;
      r.yaml = c.yaml;
      r.failure = std::move(f);
      r.steps.push_back(c.what);
      progress = true;
      break;
    }
  }
  try {
    YAML::Node root = YAML::Load(r.yaml);
    const std::string name = scalar(root, "name");
    if (!name.empty()) root["name"] = name + "_shrunk";
    r.yaml = emit(root);
  } catch (const YAML::Exception&) {}
  return r;
}

}  // namespace kucoin::runner
