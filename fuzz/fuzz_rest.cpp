// Fuzz target: KuCoin REST answers as the client reads them (RestDecoder, rest_codec.hpp; the
// bullet answer, bullet.hpp). The first two bytes pick the HTTP status, the rest is the body.
// Properties, for every input:
//   - every decoder answers a value or a typed ApiError carrying the status (never a crash);
//   - an error's kind agrees with classify() when the body is a KuCoin error envelope;
//   - an accepted server time, service status, account list or bullet token re-encodes to a body
//     that decodes to an equal value;
//   - no error message contains the bullet token (secrets never reach errors).
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "kucoin/protocol/bullet.hpp"
#include "kucoin/protocol/rest_codec.hpp"

namespace {

template <class R>
void check_error(const R& r, int status, std::string_view what) {
  if (r) return;
  KUCOIN_FUZZ_CHECK(r.error().http_status == status, std::string(what) + ": error lost the HTTP status");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kucoin;
  fuzz::Bytes in(fuzz::as_text(data, size));
  const int status = 100 + in.u16() % 500;
  const std::string_view body = in.rest();

  RestDecoder dec;
  RestDecoder dec2;
  check_error(dec.envelope(status, body), status, "envelope");

  auto t = dec.server_time(status, body);
  check_error(t, status, "timestamp");
  if (t) {
    std::string again;
    encode_server_time(*t, again);
    auto t2 = dec2.server_time(200, again);
    KUCOIN_FUZZ_CHECK(t2 && *t2 == *t, "server time round trip: " + again);
  }

  auto st = dec.service_status(status, body);
  check_error(st, status, "status");
  if (st) {
    std::string again;
    encode_service_status(*st, again);
    auto st2 = dec2.service_status(200, again);
    KUCOIN_FUZZ_CHECK(st2 && *st2 == *st, "service status round trip: " + again);
  }

  auto acc = dec.accounts(status, body);
  check_error(acc, status, "accounts");
  if (acc) {
    std::string again;
    encode_accounts(*acc, again);
    auto acc2 = dec2.accounts(200, again);
    KUCOIN_FUZZ_CHECK(acc2 && *acc2 == *acc, "accounts round trip: " + again);
  }

  auto b = dec.bullet(status, body);
  check_error(b, status, "bullet");
  if (b) {
    KUCOIN_FUZZ_CHECK(!b->servers.empty(), "a bullet token without servers");
    std::string again;
    encode_bullet_response(*b, again);
    auto b2 = decode_bullet_response(200, again);
    KUCOIN_FUZZ_CHECK(b2.has_value(), "bullet round trip refused: " + (b2 ? std::string() : b2.error().describe()));
    KUCOIN_FUZZ_CHECK(b2->token.reveal() == b->token.reveal() && b2->servers == b->servers &&
                          b2->token_valid_for_ms == b->token_valid_for_ms,
                      "bullet round trip differs");
  }

  if (auto snap = dec.snapshot(status, body, SymbolScale{1, 8}); !snap) {
    check_error(snap, status, "snapshot");
    const ApiError& e = snap.error();
    if (!e.code.empty() && e.kind != ApiErrorKind::bad_response) {
      KUCOIN_FUZZ_CHECK(e.kind == classify(status, e.code), "error kind disagrees with classify(): " + e.describe());
    }
  }
  return 0;
}
