#include "load.hpp"

#include <iomanip>
#include <sstream>

namespace kucoin::apps {

int run_load_command(const runner::LoadOptions& options, std::ostream& out, std::ostream& err) {
  runner::LoadOptions o = options;
  o.progress = [&err](const std::string& line) { err << line << '\n'; };
  const runner::LoadOutcome r = runner::run_load(o);
  auto mib = [](std::uint64_t kib) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << static_cast<double>(kib) / 1024.0 << " MiB";
    return s.str();
  };
  out << std::fixed << std::setprecision(2);
  out << "clients " << o.clients << ", books " << r.books << ", exact at the end " << r.books_exact << "\n";
  out << "every book synced after " << r.seconds_to_synced << " s; the run took " << r.seconds << " s\n";
  out << "memory (client and mock, one process): start " << mib(r.rss_start_kib) << ", peak " << mib(r.rss_peak_kib)
      << ", end " << mib(r.rss_end_kib) << "; per client "
      << (o.clients ? static_cast<double>(r.rss_peak_kib - std::min(r.rss_peak_kib, r.rss_start_kib)) /
                          static_cast<double>(o.clients)
                    : 0.0)
      << " KiB\n";
  out << "mock frames sent " << r.mock_frames_sent << ", dropped " << r.mock_frames_dropped << "\n";
  out << "REST requests " << r.rest_requests << ", 429 answers " << r.rest_429 << " (without gw-ratelimit-reset "
      << r.rest_429_without_reset << "); a probe's GET /api/v1/timestamp: p50 " << r.rest_p50_ms << " ms, p99 "
      << r.rest_p99_ms << " ms, max " << r.rest_max_ms << " ms\n";
  if (o.storm) {
    out << "storm: every book synced again " << r.storm_recovery_s << " s after the cut; bullet-public requests "
        << r.storm.bullets << " (429: " << r.storm.rejected << "), busiest " << o.bucket_ms << " ms: " << r.storm.peak
        << ", sooner than their reset: " << r.storm.early << "\n";
    out << "storm: bullet requests per " << o.bucket_ms << " ms after the cut (429s in brackets):";
    for (std::size_t i = 0; i < r.storm.bullets_per_bucket.size(); ++i) {
      out << ' ' << r.storm.bullets_per_bucket[i];
      if (r.storm.rejected_per_bucket[i] > 0) out << '(' << r.storm.rejected_per_bucket[i] << ')';
    }
    out << "\n";
  }
  if (!r.passed) {
    out << "FAILED: " << r.failure << "\n";
    return 1;
  }
  out << "passed\n";
  return 0;
}

}  // namespace kucoin::apps
