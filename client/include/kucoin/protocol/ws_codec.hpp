// KuCoin WebSocket frame codec, one layer for the client and the mock server (kucoin-protocol.md §5).
// Decoders use simdjson On-Demand with one reused parser (simdjson stays out of this header);
// encoders append KuCoin's exact shapes to a std::string.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kucoin/core/result.hpp"
#include "kucoin/protocol/ws_frames.hpp"

namespace kucoin {

// Why the mock cannot act on a client frame, and what it should answer
// (encode_frame(err.reply(), out) writes the error frame).
struct ClientFrameError {
  Error error;                    // typed cause; the message names the field
  std::optional<std::string> id;  // the request's id when it could be read (verbatim text)
  // The error frame to send back: 415 "type is not supported" for an unknown or missing `type`
  // (KuCoin's own reply, §5.5); 400 with the cause otherwise (KuCoin's reply there is unknown).
  int reply_code = 400;
  std::string reply_data;

  ErrorFrame reply() const {
    return ErrorFrame{id ? std::optional<std::string_view>(*id) : std::nullopt, reply_code, reply_data};
  }
};

// Decodes whole WebSocket text frames. Not thread-safe: one decoder per connection (or thread).
// The returned views point into the decoder's buffers and stay valid until its next decode call.
// Malformed input of any kind gives a typed Error (parse_error, wrong_type, missing_field,
// out_of_range, ...) naming the field; it never throws and never crashes.
//
// Lenient where real servers and clients differ (§5): ids may be strings or numbers (a number is
// kept as its exact JSON text); keys in any order; unknown keys ignored; "privateChannel" and
// "response" may also be the strings "true"/"false" (KuCoin's own docs show "privateChannel":"true");
// a null id/sn/code counts as absent.
//
// Only the envelope is validated: `data` of a message is located (DataMessage::data is its raw
// JSON text) but not checked inside.
//
// Level2 hot path: a stream that is mostly /market/level2 parses each frame once by trying
// L2Decoder::decode_update on the whole frame first; only when it fails, decode_server classifies
// the frame: a DataMessage whose channel is /market/level2 means the level2 frame is bad (report
// decode_update's error); anything else is a normal frame. (decode_update's error for another kind
// of frame is not always Errc::unexpected_message: a match or balance push, whose data.time is a
// string and may come before "subject", gives wrong_type; so do not branch on its error code.)
class WsDecoder {
 public:
  WsDecoder();
  ~WsDecoder();
  WsDecoder(WsDecoder&&) noexcept;
  WsDecoder& operator=(WsDecoder&&) noexcept;
  WsDecoder(const WsDecoder&) = delete;
  WsDecoder& operator=(const WsDecoder&) = delete;

  // Server -> client. A frame whose `type` is a string we do not know is UnknownFrame, not an
  // error. Required: `type` (string); for "message" also `topic` (string) and `data`.
  Result<ServerFrame> decode_server(std::string_view frame);

  // Client -> server (the mock's side). `type` must be "ping", "subscribe" or "unsubscribe";
  // subscribe/unsubscribe need a string `topic`.
  Result<ClientFrame, ClientFrameError> decode_client(std::string_view frame);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Encoders: append exactly one JSON object, in KuCoin's key order, strings escaped.
// Ids are always written as JSON strings; error `code` and `sn` as JSON numbers.
//   welcome {"id":"..","type":"welcome"}      pong {"id":"..","type":"pong"}      ack {"id":"..","type":"ack"}
//   error   {"id":"..","type":"error","code":401,"data":"token is expired"} (no "id" when absent)
//   message {"topic":"..","type":"message","subject":"..","id":"..","sn":1,"userId":"..","channelType":"..","data":<raw>}
//           (optional members only when set; DataMessage::data is written verbatim, "{}" if empty;
//           channel and symbol are ignored, topic is what counts)
//   notice/command {"type":"notice","topic":"..","subject":"..","data":<raw>} (empty members left out)
//   unknown {"type":".."}
//   ping    {"id":"..","type":"ping"}
//   subscribe / unsubscribe {"id":"..","type":"subscribe","topic":"..","privateChannel":false,"response":true}
void encode_frame(const WelcomeFrame& f, std::string& out);
void encode_frame(const PongFrame& f, std::string& out);
void encode_frame(const AckFrame& f, std::string& out);
void encode_frame(const ErrorFrame& f, std::string& out);
void encode_frame(const DataMessage& f, std::string& out);
void encode_frame(const NoticeFrame& f, std::string& out);
void encode_frame(const CommandFrame& f, std::string& out);
void encode_frame(const UnknownFrame& f, std::string& out);
void encode_frame(const PingFrame& f, std::string& out);
void encode_frame(const SubscribeFrame& f, std::string& out);
void encode_frame(const UnsubscribeFrame& f, std::string& out);
void encode_frame(const ServerFrame& f, std::string& out);
void encode_frame(const ClientFrame& f, std::string& out);

// The encoded frame as a new string.
template <class Frame>
std::string frame_json(const Frame& f) {
  std::string out;
  encode_frame(f, out);
  return out;
}

// Appends `s` as a quoted JSON string: escapes '"', '\\' and control characters (U+0000-U+001F,
// U+007F as \u00XX or the short forms); other bytes, UTF-8 included, go through unchanged.
void append_json_string(std::string& out, std::string_view s);

}  // namespace kucoin
