// Fuzz target: the WebSocket wire format as the client reads it (rfc6455::FrameReader): frames,
// fragments, control frames between fragments. The input's first byte picks how the bytes are cut
// into socket reads. Properties, for every input:
//   - reading the bytes in pieces gives exactly the messages (and the error, if any) of reading
//     them at once: where TCP cuts the stream never matters;
//   - no control frame payload is longer than 125 bytes and no message longer than the limit;
//   - a frame the client writes (append_frame, masked) is refused by a reader of server frames.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "kucoin/protocol/rfc6455.hpp"

namespace {

constexpr std::size_t kMaxMessage = 4096;

struct Outcome {
  std::vector<std::pair<int, std::string>> messages;
  bool failed = false;
  std::string error;
};

Outcome read_all(std::string_view bytes, std::size_t piece) {
  using namespace kucoin::rfc6455;
  FrameReader reader(kMaxMessage, 8);
  Outcome out;
  std::string buf;
  std::size_t fed = 0;
  while (!out.failed) {
    const std::size_t n = std::min(piece, bytes.size() - fed);
    buf.append(bytes.substr(fed, n));
    fed += n;
    for (;;) {
      std::size_t used = 0;
      auto r = reader.next(buf, used);
      KUCOIN_FUZZ_CHECK(used <= buf.size(), "used past the bytes");
      if (!r) {
        out.failed = true;
        out.error = r.error().describe();
        break;
      }
      if (*r) {
        const Message& m = **r;
        const bool control = static_cast<int>(m.opcode) >= 8;
        KUCOIN_FUZZ_CHECK(!control || m.payload.size() <= 125, "control frame payload over 125 bytes");
        KUCOIN_FUZZ_CHECK(m.payload.size() <= kMaxMessage, "message over the limit");
        out.messages.emplace_back(static_cast<int>(m.opcode), std::string(m.payload));
      }
      buf.erase(0, used);
      if (!*r) break;
    }
    if (fed == bytes.size()) break;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kucoin;
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 17;
  const std::string_view bytes = fuzz::as_text(data + 1, size - 1);

  const Outcome whole = read_all(bytes, bytes.size() + 1);
  const Outcome cut = read_all(bytes, piece);
  // Reading in pieces may stop earlier only when the whole read failed at the same point.
  KUCOIN_FUZZ_CHECK(whole.failed == cut.failed, "error in one reading only: " + whole.error + cut.error);
  KUCOIN_FUZZ_CHECK(whole.messages == cut.messages,
                    "messages differ by read size: " + std::to_string(whole.messages.size()) + " vs " +
                        std::to_string(cut.messages.size()));

  std::string masked;
  rfc6455::append_frame(masked, rfc6455::Opcode::text, bytes.substr(0, 200), 0x12345678u);
  rfc6455::FrameReader reader(kMaxMessage);
  std::size_t used = 0;
  auto r = reader.next(masked, used);
  KUCOIN_FUZZ_CHECK(!r, "a masked (client) frame was accepted from the server");
  return 0;
}
