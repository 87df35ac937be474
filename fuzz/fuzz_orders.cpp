// Fuzz target: the spot trading codec (order_codec.hpp) on outside bytes: the client reading order
// answers and private pushes, the mock reading placement bodies. The first byte picks what is
// read, the next two the HTTP status (answers), the rest is the text. Properties, for every input:
//   - every decoder answers a value or a typed error (never a crash); answer errors keep the status
//     and, for a KuCoin error envelope, a kind that agrees with classify();
//   - an order refusal is only ever read from a `request` error;
//   - every accepted value re-encodes to text that decodes to an equal value.
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "kucoin/protocol/order_codec.hpp"
#include "kucoin/protocol/order_error.hpp"

namespace {

using namespace kucoin;

template <class R>
void check_error(const R& r, int status, std::string_view what) {
  if (r) return;
  const ApiError& e = r.error();
  KUCOIN_FUZZ_CHECK(e.http_status == status, std::string(what) + ": error lost the HTTP status");
  if (!e.code.empty() && e.kind != ApiErrorKind::bad_response) {
    KUCOIN_FUZZ_CHECK(e.kind == classify(status, e.code), "error kind disagrees with classify(): " + e.describe());
  }
  if (order_rejection(e) != OrderRejection::none) {
    KUCOIN_FUZZ_CHECK(e.kind == ApiErrorKind::request, "an order refusal from a non-request error");
  }
}

template <class T, class Encode, class Decode>
void round_trip(const T& value, Encode encode, Decode decode, std::string_view what) {
  std::string again;
  encode(value, again);
  auto back = decode(again);
  KUCOIN_FUZZ_CHECK(back.has_value(), std::string(what) + " round trip refused: " + again);
  KUCOIN_FUZZ_CHECK(*back == value, std::string(what) + " round trip differs: " + again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(fuzz::as_text(data, size));
  const int mode = in.u8() % 4;
  const int status = 100 + in.u16() % 500;
  const std::string_view text = in.rest();
  OrderDecoder dec;
  OrderDecoder dec2;
  switch (mode) {
    case 0: {  // REST answers
      auto placed = dec.placed_order(status, text);
      check_error(placed, status, "placed");
      if (placed) {
        round_trip(
            *placed, encode_placed_order, [&](std::string_view s) { return dec2.placed_order(200, s); }, "placed");
      }
      auto canceled = dec.canceled_order(status, text);
      check_error(canceled, status, "canceled");
      if (canceled) {
        round_trip(
            *canceled, encode_canceled_order, [&](std::string_view s) { return dec2.canceled_order(200, s); },
            "canceled");
      }
      check_error(dec.canceled_all(status, text), status, "canceled all");
      auto details = dec.order_details(status, text);
      check_error(details, status, "details");
      if (details) {
        round_trip(
            *details, encode_order_details, [&](std::string_view s) { return dec2.order_details(200, s); }, "details");
      }
      auto active = dec.active_orders(status, text);
      check_error(active, status, "active");
      if (active) {
        round_trip(
            *active, encode_active_orders, [&](std::string_view s) { return dec2.active_orders(200, s); }, "active");
      }
      auto hf = dec.hf_account_opened(status, text);
      check_error(hf, status, "hf opened");
      break;
    }
    case 1: {  // a placement body (the mock's side)
      if (auto r = dec.order_request(text)) {
        round_trip(
            *r, encode_order_request, [&](std::string_view s) { return dec2.order_request(s); }, "request");
      }
      break;
    }
    case 2: {
      if (auto c = dec.order_change(text)) {
        round_trip(
            *c, append_order_change_data, [&](std::string_view s) { return dec2.order_change(s); }, "order change");
      }
      break;
    }
    default: {
      if (auto b = dec.balance_change(text)) {
        round_trip(
            *b, append_balance_change_data, [&](std::string_view s) { return dec2.balance_change(s); },
            "balance change");
      }
      break;
    }
  }
  return 0;
}
