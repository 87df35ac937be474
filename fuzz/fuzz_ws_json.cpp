// Fuzz target: KuCoin's WebSocket JSON frames, both directions (WsDecoder, ws_codec.hpp): what the
// client reads from the server (decode_server) and what the mock reads from clients
// (decode_client). Properties, for every input:
//   - an accepted server frame re-encodes (encode_frame) to a frame that decodes to an equal one;
//   - an accepted client frame likewise;
//   - a refused client frame gets an error reply (ClientFrameError::reply) that is itself a valid
//     server frame carrying the same code and text (the mock answers garbage with a frame every
//     client can read), and a 415 only for a missing or unknown `type`.
#include <cstdint>
#include <string>
#include <variant>

#include "fuzz_check.hpp"
#include "kucoin/protocol/ws_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kucoin;
  const std::string_view frame = fuzz::as_text(data, size);

  WsDecoder dec;
  WsDecoder dec2;
  if (auto s = dec.decode_server(frame)) {
    const std::string again = frame_json(*s);
    auto s2 = dec2.decode_server(again);
    KUCOIN_FUZZ_CHECK(s2.has_value(), "re-encoded server frame refused: " + again);
    KUCOIN_FUZZ_CHECK(*s2 == *s, "re-encoded server frame differs: " + again);
  }

  auto c = dec.decode_client(frame);
  if (c) {
    const std::string again = frame_json(*c);
    auto c2 = dec2.decode_client(again);
    KUCOIN_FUZZ_CHECK(c2.has_value(), "re-encoded client frame refused: " + again);
    KUCOIN_FUZZ_CHECK(*c2 == *c, "re-encoded client frame differs: " + again);
  } else {
    const ClientFrameError& err = c.error();
    KUCOIN_FUZZ_CHECK(err.reply_code == 400 || err.reply_code == 415, std::to_string(err.reply_code));
    const std::string reply = frame_json(err.reply());
    auto r = dec2.decode_server(reply);
    KUCOIN_FUZZ_CHECK(r.has_value(), "the mock's error reply is not a valid frame: " + reply);
    const auto* e = std::get_if<ErrorFrame>(&*r);
    KUCOIN_FUZZ_CHECK(e != nullptr, "the mock's error reply is not an error frame: " + reply);
    KUCOIN_FUZZ_CHECK(e->code == err.reply_code && e->data == err.reply_data, "error reply changed: " + reply);
    KUCOIN_FUZZ_CHECK(e->id.has_value() == err.id.has_value() && (!err.id || *e->id == *err.id),
                      "error reply lost the request id: " + reply);
  }
  return 0;
}
