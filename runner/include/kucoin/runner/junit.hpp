// JUnit XML reports of suite runs, for CI systems (GitLab, Jenkins, GitHub test reporters).
// Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kucoin::runner {

struct JUnitCase {
  std::string name;       // "gap"
  std::string classname;  // "kucoin-harness.run.plain"
  double seconds = 0;
  std::optional<std::string> failure;  // the first broken expectation; nullopt: passed
  std::string output;                  // <system-out>: what happened, events, per-symbol results
};

// One <testsuite> named `suite` in a <testsuites> document (UTF-8, text escaped; characters XML
// 1.0 cannot carry are replaced by '?').
std::string junit_xml(std::string_view suite, const std::vector<JUnitCase>& cases);

// Text escaped for XML character data and attribute values.
std::string xml_escape(std::string_view text);

}  // namespace kucoin::runner
