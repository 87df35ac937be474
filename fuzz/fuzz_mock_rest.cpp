// Fuzz target: the mock's HTTP request handling below the HTTP parser (RestService::handle: route,
// weight pools, body, signature, parameters, endpoints). The input is a request:
//   <mode byte><method>\n<target>\n<name>: <value>\n...\n\n<body>
// With the mode byte's low bit set the request is signed with the mock's key (KC-API-* headers
// added), so that the fuzzer reaches the private endpoints behind the signature check.
// Properties, for every input:
//   - the answer's status is an HTTP status (100..599);
//   - a JSON answer is a KuCoin envelope whose "code" is the answer's code;
//   - a 429 carries gw-ratelimit-reset (KuCoin's header: when to retry);
//   - no answer contains the key's secret or passphrase.
#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/rest_service.hpp"
#include "kucoin/protocol/sign.hpp"

namespace {

using namespace kucoin;
using namespace kucoin::mock;

constexpr std::int64_t kNow = 1'729'176'273'859;

ApiKeyConfig key() {
  return {"5c2db93503aa674c74a31734",
          Secret("aeb5f1d4-9f0b-4b61-8c3e-5ef9b1c1f3aa"),
          Secret("Passphrase!2024"),
          KeyVersion::v2,
          {}};
}

std::shared_ptr<LiveMarket> market() {
  static const std::shared_ptr<LiveMarket> m = [] {
    LiveMarketConfig c;
    c.symbols = {"BTC-USDT", "ETH-USDT"};
    c.levels_per_side = 30;
    c.messages = 200;
    auto lm = std::make_shared<LiveMarket>(c);
    lm->advance("BTC-USDT", 100);
    return lm;
  }();
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(fuzz::as_text(data, size));
  const std::string_view whole = fuzz::as_text(data, size);
  const std::uint8_t mode = in.u8();
  const std::string method(in.until('\n'));
  const std::string target(in.until('\n'));
  std::vector<std::pair<std::string, std::string>> headers;
  for (;;) {
    const std::string_view line = in.until('\n');
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      headers.emplace_back(std::string(line), "");
    } else {
      std::string_view value = line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
  }
  const std::string body(in.rest());

  RestServiceConfig config;
  config.keys.push_back(key());
  if (mode & 2) config.rate_limit.quota.fill(3);  // tiny pools: the fuzzer reaches 429s
  RestService service(config, market());
  const ApiKeyConfig k = key();
  if (mode & 1) {
    auto h = sign(Credentials{k.key, k.secret, k.passphrase, k.version}, {kNow, method, target, body});
    if (h) {
      for (auto& x : h->headers) headers.emplace_back(x.name, x.value);
    }
  }
  std::vector<std::pair<std::string_view, std::string_view>> views;
  for (auto& [n, v] : headers) views.emplace_back(n, v);

  simdjson::dom::parser parser;
  // Twice: the second request meets the pools and tokens the first one left.
  for (int round = 0; round < 2; ++round) {
    const RestAnswer a = service.handle(RestRequest{method, target, body, views, "127.0.0.1"}, kNow + round);
    KUCOIN_FUZZ_CHECK(a.status >= 100 && a.status <= 599, std::to_string(a.status));
    // (Unless the request itself carries it: an answer may quote the request's path.)
    if (whole.find(k.secret.reveal()) == std::string_view::npos &&
        whole.find(k.passphrase.reveal()) == std::string_view::npos) {
      KUCOIN_FUZZ_CHECK(a.body.find(k.secret.reveal()) == std::string::npos &&
                            a.body.find(k.passphrase.reveal()) == std::string::npos,
                        "a secret in the answer: " + a.body);
      for (const auto& h : a.headers) {
        KUCOIN_FUZZ_CHECK(h.value.find(k.secret.reveal()) == std::string::npos, "a secret in a header");
      }
    }
    if (a.status == 429) {
      bool reset = false;
      for (const auto& h : a.headers) reset = reset || h.name == "gw-ratelimit-reset";
      KUCOIN_FUZZ_CHECK(reset, "a 429 without gw-ratelimit-reset: " + a.body);
    }
    if (a.content_type == "application/json" && !a.body.empty()) {
      simdjson::dom::element doc;
      KUCOIN_FUZZ_CHECK(parser.parse(a.body).get(doc) == simdjson::SUCCESS,
                        "a JSON answer that is not JSON: " + a.body);
      std::string_view code;
      KUCOIN_FUZZ_CHECK(doc["code"].get(code) == simdjson::SUCCESS, "a JSON answer without a string code: " + a.body);
      KUCOIN_FUZZ_CHECK(a.code.empty() || code == a.code, "the body's code is not the answer's: " + a.body);
    }
  }
  return 0;
}
