// A cheap look at a server frame's top level, for the WebSocket hot path: is it a data message
// ({"type":"message","topic":"..."}), and which topic? One pass over the top-level keys that stops
// as soon as both were seen (KuCoin and the mock put them before "data"); nested objects and
// strings are skipped, not parsed. Anything it is not sure about gives "no", and the caller asks
// the full decoder (WsDecoder::decode_server). Pure, no allocation.
#pragma once

#include <string_view>

namespace kucoin {

// True when `frame` is a JSON object whose top-level "type" is the string "message" and whose
// top-level "topic" is a string without escapes; `topic` then views it. False for every other
// frame kind (welcome, pong, ack, error, notice, ...), for escaped type/topic strings, and for
// malformed text before both keys were found. The rest of the frame is not validated.
bool peek_data_message(std::string_view frame, std::string_view& topic) noexcept;

}  // namespace kucoin
