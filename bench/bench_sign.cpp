// sign() throughput against an in-run baseline: one raw HMAC-SHA256 (OpenSSL's one-shot HMAC(), no
// base64, no headers) of the same prehash bytes. After the run, every benchmark's time is printed as a ratio
// to the baseline. Results are checked against the baseline and the documented vector first.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "kucoin/mock/rest_service.hpp"
#include "kucoin/protocol/sign.hpp"

namespace {

const std::string kSecret = "c0ffee00-1111-2222-3333-444455556666";
constexpr std::int64_t kTs = 1'729'176'273'859;
const std::string kGetTarget = "/api/v3/market/orderbook/level2?symbol=BTC-USDT";
const std::string kPostTarget = "/api/v1/hf/orders";
const std::string kPostBody =
    R"({"clientOid":"5c52e11203aa677f33e493fb","side":"buy","symbol":"BTC-USDT","type":"limit","price":"100000","size":"0.00001"})";

kucoin::Credentials creds(kucoin::KeyVersion v) {
  return {"67a0b1c2d3e4f5a6b7c8d9e0", kucoin::Secret(kSecret), kucoin::Secret("correct horse battery staple"), v};
}

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("bench_sign self-check failed: ") + what);
}

std::string raw_hmac(const std::string& msg) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

void self_check() {
  require(kucoin::hmac_sha256_base64("f03a5284-5c39-4aaa-9b20-dea10bdcf8e3",
                                     R"(1547015186532POST/api/v1/deposit-addresses{"currency":"BTC"})") ==
              "7QP/oM0ykidMdrfNEUmng8eZjg/ZvPafjIqmxiVfYu4=",
          "documented vector");
  const std::string pre = kucoin::prehash({kTs, "POST", kPostTarget, kPostBody});
  const std::string raw = raw_hmac(pre);
  std::string b64(44, '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), reinterpret_cast<const unsigned char*>(raw.data()), 32);
  auto h = kucoin::sign(creds(kucoin::KeyVersion::v2), {kTs, "POST", kPostTarget, kPostBody});
  require(h && h->get("KC-API-SIGN") == b64, "sign() equals base64(raw HMAC) of the same bytes");
  const kucoin::Signer signer(creds(kucoin::KeyVersion::v2));
  auto s = signer.sign({kTs, "POST", kPostTarget, kPostBody});
  require(s && s->headers == h->headers, "a reused Signer equals sign()");
}

void BM_RawHmacSha256_Baseline(benchmark::State& state) {
  const std::string pre = kucoin::prehash({kTs, "POST", kPostTarget, kPostBody});
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  for (auto _ : state) {
    HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
         reinterpret_cast<const unsigned char*>(pre.data()), pre.size(), mac, &len);
    benchmark::DoNotOptimize(mac);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawHmacSha256_Baseline)->Unit(benchmark::kNanosecond);

void BM_HmacBase64(benchmark::State& state) {
  const std::string pre = kucoin::prehash({kTs, "POST", kPostTarget, kPostBody});
  for (auto _ : state) benchmark::DoNotOptimize(kucoin::hmac_sha256_base64(kSecret, pre));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HmacBase64)->Unit(benchmark::kNanosecond);

void BM_SignV1_Get(benchmark::State& state) {  // one HMAC: signature (plain passphrase)
  const auto c = creds(kucoin::KeyVersion::v1);
  for (auto _ : state) benchmark::DoNotOptimize(kucoin::sign(c, {kTs, "GET", kGetTarget, ""}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignV1_Get)->Unit(benchmark::kNanosecond);

void BM_SignV2_Get(benchmark::State& state) {  // two HMACs: signature + passphrase
  const auto c = creds(kucoin::KeyVersion::v2);
  for (auto _ : state) benchmark::DoNotOptimize(kucoin::sign(c, {kTs, "GET", kGetTarget, ""}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignV2_Get)->Unit(benchmark::kNanosecond);

void BM_SignV2_PostOrder(benchmark::State& state) {
  const auto c = creds(kucoin::KeyVersion::v2);
  for (auto _ : state) benchmark::DoNotOptimize(kucoin::sign(c, {kTs, "POST", kPostTarget, kPostBody}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignV2_PostOrder)->Unit(benchmark::kNanosecond);

void BM_SignV2_PostOrderBroker(benchmark::State& state) {  // three HMACs: + partner signature
  const auto c = creds(kucoin::KeyVersion::v2);
  const kucoin::BrokerCredentials b{"partner", kucoin::Secret("partner-key"), "", true};
  for (auto _ : state) benchmark::DoNotOptimize(kucoin::sign(c, {kTs, "POST", kPostTarget, kPostBody}, &b));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignV2_PostOrderBroker)->Unit(benchmark::kNanosecond);

void BM_SignerReused_V2_Get(benchmark::State& state) {  // keyed HMAC state and passphrase prepared once
  const kucoin::Signer signer(creds(kucoin::KeyVersion::v2));
  for (auto _ : state) benchmark::DoNotOptimize(signer.sign({kTs, "GET", kGetTarget, ""}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignerReused_V2_Get)->Unit(benchmark::kNanosecond);

void BM_SignerReused_V2_PostOrder(benchmark::State& state) {
  const kucoin::Signer signer(creds(kucoin::KeyVersion::v2));
  for (auto _ : state) benchmark::DoNotOptimize(signer.sign({kTs, "POST", kPostTarget, kPostBody}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignerReused_V2_PostOrder)->Unit(benchmark::kNanosecond);

void BM_MockVerify_Get(benchmark::State& state) {  // the mock's side: header checks + sign() + passphrase
  const auto c = creds(kucoin::KeyVersion::v2);
  auto h = kucoin::sign(c, {kTs, "GET", kGetTarget, ""});
  require(h.has_value(), "sign");
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  for (const auto& x : h->headers) headers.emplace_back(x.name, x.value);
  const std::vector<kucoin::mock::ApiKeyConfig> keys{{c.key, c.secret, c.passphrase, c.version, {}}};
  const kucoin::mock::RestRequest req{"GET", kGetTarget, "", headers, "127.0.0.1"};
  require(kucoin::mock::verify_signed_request(req, keys, kTs, 5'000, false).ok(), "verify accepts");
  for (auto _ : state) benchmark::DoNotOptimize(kucoin::mock::verify_signed_request(req, keys, kTs, 5'000, false));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MockVerify_Get)->Unit(benchmark::kNanosecond);

// Console output as usual, then a ratio table against the baseline.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      ns_[r.benchmark_name()] = r.GetAdjustedCPUTime();  // all benchmarks use nanoseconds
    }
  }
  void print_ratios() const {
    auto base = ns_.find("BM_RawHmacSha256_Baseline");
    if (base == ns_.end() || base->second <= 0) return;
    std::printf("\nratio to one raw HMAC-SHA256 of the same bytes (%.0f ns):\n", base->second);
    for (const auto& [name, ns] : ns_) std::printf("  %-32s %8.0f ns  %5.2fx\n", name.c_str(), ns, ns / base->second);
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace

int main(int argc, char** argv) {
  self_check();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
