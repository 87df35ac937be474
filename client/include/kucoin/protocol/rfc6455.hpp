// The WebSocket wire format (RFC 6455), mostly the client's side: the opening handshake's key and
// accept value, the client's masked frames, the server's unmasked ones (the mock's streaming
// writer), and a reader that splits what the server sent into messages
// and control frames in place. Nothing KuCoin-specific; pure (the masks and the key come from the
// caller). The client's transport (client/src/net/detail/ws_transport.hpp) uses it to read
// everything a socket holds at once and hand the messages over together.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kucoin/core/result.hpp"

namespace kucoin::rfc6455 {

enum class Opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

// Close codes used here (RFC 6455 §7.4.1).
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kCloseNoStatus = 1005;  // a close frame without a code

// Sec-WebSocket-Key: base64 of 16 bytes (here the caller's two 64-bit random values).
std::string make_key(std::uint64_t a, std::uint64_t b);
// The Sec-WebSocket-Accept value a server must answer to `key`: base64(SHA-1(key + GUID)).
std::string accept_value(std::string_view key);

// Appends one whole client frame (FIN set, masked with `mask` as RFC 6455 §5.3 requires).
void append_frame(std::string& out, Opcode opcode, std::string_view payload, std::uint32_t mask);
// Appends one whole server frame (FIN set, not masked: RFC 6455 §5.1).
void append_server_frame(std::string& out, Opcode opcode, std::string_view payload);
// A close frame's payload: the code (network order) and a reason (at most 123 bytes kept).
std::string close_payload(std::uint16_t code, std::string_view reason);

struct CloseInfo {
  std::uint16_t code = kCloseNoStatus;
  std::string_view reason;
};
// Reads a received close frame's payload (empty: kCloseNoStatus).
CloseInfo parse_close(std::string_view payload) noexcept;

// A complete message (text or binary) or control frame (close, ping, pong) from the server.
struct Message {
  Opcode opcode = Opcode::text;
  // Views the bytes given to FrameReader::next() (an unfragmented message, zero copy), or the
  // reader's own buffer (a message that came in fragments, followed by `padding` zero bytes);
  // valid until the next call.
  std::string_view payload;
};

// Splits the server's byte stream into messages. Server frames are unmasked; a message may come
// in fragments, with control frames between them. Errors (Errc::protocol_violation, the message
// naming the rule): reserved bits or an unknown opcode, a masked frame, a control frame that is
// fragmented or longer than 125 bytes, a continuation without a message or a new message before
// the last one ended, a 1-byte close payload, a message longer than max_message_bytes. After an
// error the connection must be failed.
class FrameReader {
 public:
  // padding: zero bytes kept after a reassembled message (for parsers that read past the end).
  explicit FrameReader(std::size_t max_message_bytes, std::size_t padding = 0);

  // Looks at the start of `bytes` (what the socket gave, not consumed yet). Returns the next
  // complete message or control frame and sets `used` to the bytes it consumed; or nullopt when
  // `bytes` holds no whole frame (`used` may still be > 0: fragments consumed into the reader's
  // buffer). Call again with the rest until nullopt.
  Result<std::optional<Message>> next(std::string_view bytes, std::size_t& used);

  // Bytes a frame needs at most beyond its payload (the longest header).
  static constexpr std::size_t kMaxHeader = 14;

 private:
  std::size_t max_message_bytes_;
  std::size_t padding_;
  bool in_message_ = false;  // a fragmented message is being assembled
  Opcode message_opcode_ = Opcode::text;
  std::string assembled_;
};

}  // namespace kucoin::rfc6455
