// Fuzz target: scenario files (load_scenario_yaml, runner/scenario.hpp), which users write by hand.
// Properties, for every input: the loader answers a scenario or an error (never a crash, an
// uncaught exception or a hang), and every error names the file and a position
// ("fuzz.yaml:LINE:COLUMN: ...") so that the user finds the mistake.
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "kucoin/runner/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = kucoin::fuzz::as_text(data, size);
  auto s = kucoin::runner::load_scenario_yaml(text, "fuzz.yaml");
  if (!s) {
    const std::string& m = s.error().message;
    KUCOIN_FUZZ_CHECK(m.rfind("fuzz.yaml", 0) == 0, "an error that does not name the file: " + m);
  }
  return 0;
}
