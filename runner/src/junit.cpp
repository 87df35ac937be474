#include "kucoin/runner/junit.hpp"

#include <cstdio>

namespace kucoin::runner {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows tab, newline and carriage return among the control characters.
        if (c < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
          out += '?';
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string junit_xml(std::string_view suite, const std::vector<JUnitCase>& cases) {
  std::size_t failures = 0;
  double total = 0;
  for (const JUnitCase& c : cases) {
    failures += c.failure ? 1U : 0U;
    total += c.seconds;
  }
  auto secs = [](double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s);
    return std::string(buf);
  };
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites tests=\"" + std::to_string(cases.size()) + "\" failures=\"" + std::to_string(failures) +
       "\" time=\"" + secs(total) + "\">\n";
  x += "  <testsuite name=\"" + xml_escape(suite) + "\" tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
       std::to_string(failures) + "\" errors=\"0\" skipped=\"0\" time=\"" + secs(total) + "\">\n";
  for (const JUnitCase& c : cases) {
    x += "    <testcase name=\"" + xml_escape(c.name) + "\" classname=\"" + xml_escape(c.classname) + "\" time=\"" +
         secs(c.seconds) + "\">\n";
    if (c.failure) {
      x += "      <failure message=\"" + xml_escape(*c.failure) + "\">" + xml_escape(*c.failure) + "</failure>\n";
    }
    if (!c.output.empty()) x += "      <system-out>" + xml_escape(c.output) + "</system-out>\n";
    x += "    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

}  // namespace kucoin::runner
