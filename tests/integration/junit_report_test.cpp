// JUnit XML reports of `kucoin-harness run --junit`: the document for known cases (escaping,
// counts, failures), and the command line writing one.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "kucoin/runner/junit.hpp"

namespace kucoin::runner {
namespace {

TEST(JUnitReport, PassedAndFailedCasesWithEscapedText) {
  std::vector<JUnitCase> cases(2);
  cases[0].name = "clean";
  cases[0].classname = "kucoin-harness.run.plain";
  cases[0].seconds = 0.2;
  cases[0].output = "no fault\n";
  cases[1].name = "gap <&>";
  cases[1].classname = "kucoin-harness.run.plain";
  cases[1].seconds = 1.25;
  cases[1].failure = "BTC-USDT: \"bid\" level 3 differs & 'more'\x01";
  const std::string want =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites tests=\"2\" failures=\"1\" time=\"1.450\">\n"
      "  <testsuite name=\"suite &amp; co\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"1.450\">\n"
      "    <testcase name=\"clean\" classname=\"kucoin-harness.run.plain\" time=\"0.200\">\n"
      "      <system-out>no fault\n</system-out>\n"
      "    </testcase>\n"
      "    <testcase name=\"gap &lt;&amp;&gt;\" classname=\"kucoin-harness.run.plain\" time=\"1.250\">\n"
      "      <failure message=\"BTC-USDT: &quot;bid&quot; level 3 differs &amp; &apos;more&apos;?\">"
      "BTC-USDT: &quot;bid&quot; level 3 differs &amp; &apos;more&apos;?</failure>\n"
      "    </testcase>\n"
      "  </testsuite>\n"
      "</testsuites>\n";
  EXPECT_EQ(junit_xml("suite & co", cases), want);
}

TEST(JUnitReport, EmptySuite) {
  const std::string x = junit_xml("none", {});
  EXPECT_NE(x.find("<testsuites tests=\"0\" failures=\"0\""), std::string::npos) << x;
  EXPECT_NE(x.find("</testsuites>"), std::string::npos) << x;
}

#ifdef KUCOIN_HARNESS_BIN
TEST(JUnitReport, RunWritesOneTestcasePerCase) {
  const std::string path = ::testing::TempDir() + "kucoin_harness_junit.xml";
  std::remove(path.c_str());
  const std::string cmd =
      std::string(KUCOIN_HARNESS_BIN) + " run --case clean,gap --junit " + path + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string x = ss.str();
  EXPECT_NE(x.find("<testsuites tests=\"2\" failures=\"0\""), std::string::npos) << x;
  EXPECT_NE(x.find("<testcase name=\"clean\" classname=\"kucoin-harness.run.plain\""), std::string::npos) << x;
  EXPECT_NE(x.find("<testcase name=\"gap\" classname=\"kucoin-harness.run.plain\""), std::string::npos) << x;
  EXPECT_NE(x.find("fault: drop BTC-USDT"), std::string::npos) << x;
  EXPECT_EQ(x.find("<failure"), std::string::npos) << x;
}
#endif

}  // namespace
}  // namespace kucoin::runner
