// Links kucoin::client from an installed tree: signs a known vector (tests/data/sign_vectors.tsv,
// row documented-post-v2, computed with the openssl command line), decodes a level2 frame, and
// makes a RestClient (kucoin::net) without running it.
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <string>

#include "kucoin/core/secret.hpp"
#include "kucoin/net/rest_client.hpp"
#include "kucoin/protocol/credentials.hpp"
#include "kucoin/protocol/l2_codec.hpp"
#include "kucoin/protocol/sign.hpp"

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::cerr << "FAILED: " << what << '\n';
    ++failures;
  }
}

}  // namespace

int main() {
  const kucoin::Credentials credentials{"6a1b2c3d4e5f", kucoin::Secret("f03a5284-5c39-4aaa-9b20-dea10bdcf8e3"),
                                        kucoin::Secret("my-passphrase"), kucoin::KeyVersion::v2};
  auto headers = kucoin::sign(
      credentials, kucoin::SignInput{1547015186532, "POST", "/api/v1/deposit-addresses", R"({"currency":"BTC"})"});
  expect(headers.has_value(), "sign() succeeds");
  if (headers) {
    expect(headers->get("KC-API-SIGN") == "7QP/oM0ykidMdrfNEUmng8eZjg/ZvPafjIqmxiVfYu4=", "KC-API-SIGN");
    expect(headers->get("KC-API-PASSPHRASE") == "sVNmif2caUE5SCRJCgYlwsc6lQaT8d/P6TZ8yPqSYoU=", "KC-API-PASSPHRASE");
  }

  kucoin::ScaleTable scales;
  scales.set("BTC-USDT", kucoin::SymbolScale{1, 8});
  kucoin::L2Decoder decoder(scales);
  kucoin::L2Update update;
  const std::string frame =
      R"({"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update",)"
      R"("data":{"changes":{"asks":[["67993.3","1.21427407","14701689783"]],"bids":[]},)"
      R"("sequenceEnd":14701689783,"sequenceStart":14701689783,"symbol":"BTC-USDT","time":1729816425625}})";
  auto decoded = decoder.decode_update(frame, update);
  expect(decoded.has_value(), "decode_update() succeeds");
  expect(update.symbol == "BTC-USDT" && update.sequence_end == 14701689783 && update.changes.size() == 1 &&
             kucoin::to_string(update.changes[0].price) == "67993.3" &&
             kucoin::to_string(update.changes[0].size) == "1.21427407",
         "the decoded update");

  boost::asio::io_context io;
  kucoin::net::RestClientOptions options;
  options.http.base_url = "http://127.0.0.1:9";  // never contacted: io.run() is not called
  kucoin::net::RestClient client(io, options);
  expect(!client.has_credentials(), "a RestClient without credentials");

  if (failures != 0) return 1;
  std::cout << "consumer_client: signed the known vector, decoded a level2 frame, made a RestClient\n";
  return 0;
}
