// KuCoin WebSocket frames, both directions, as typed views (kucoin-protocol.md §5).
//
// Every string member is a std::string_view. A decoded frame points into its WsDecoder's own
// buffers and stays valid until the next decode call on that decoder; copy what you keep.
// Frames you build yourself for encoding point wherever you like.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace kucoin {

// ---- server -> client ----

// {"id":"hQvf8jkno","type":"welcome"}: id = the connectId query value (or one the server invents).
struct WelcomeFrame {
  std::string_view id;  // empty when the frame has none
  bool operator==(const WelcomeFrame&) const = default;
};

// {"id":"1545910590801","type":"pong"}: id echoes the ping's id.
struct PongFrame {
  std::string_view id;
  bool operator==(const PongFrame&) const = default;
};

// {"id":"1545910660739","type":"ack"}: id echoes the subscribe/unsubscribe id, always as a string.
struct AckFrame {
  std::string_view id;
  bool operator==(const AckFrame&) const = default;
};

// {"id":"1","type":"error","code":404,"data":"topic /market/level2:BSV-BTC is not found"}
// Connection-level errors carry no id: {"type":"error","code":401,"data":"token is expired"}.
struct ErrorFrame {
  std::optional<std::string_view> id;
  int code = 0;           // a JSON number on the wire (0 when the frame has none)
  std::string_view data;  // human-readable text (raw JSON text when the server sent a non-string)
  bool operator==(const ErrorFrame&) const = default;
};

// {"type":"message","topic":"/market/level2:BTC-USDT","subject":"trade.l2update","data":{...}}
// plus optional "sn" (futures), "id" (some private pushes), "userId" + "channelType" (private).
struct DataMessage {
  std::string_view topic;    // "/market/level2:BTC-USDT" (one symbol; "/market/ticker:all" keeps "all")
  std::string_view channel;  // "/market/level2": the topic before ':' (the whole topic when it has none)
  std::string_view symbol;   // "BTC-USDT": the topic after ':' (empty for "/account/balance")
  std::string_view subject;  // "trade.l2update"
  std::string_view data;     // the raw JSON text of "data", e.g. {"changes":...} ("{}" when encoding an empty view)
  std::optional<std::int64_t> sn;
  std::optional<std::string_view> id;
  std::optional<std::string_view> user_id;       // "userId"
  std::optional<std::string_view> channel_type;  // "channelType", "private" on private pushes

  // The symbol a push is about: the subject for "/market/ticker:all", else `symbol`.
  std::string_view effective_symbol() const noexcept {
    return (symbol == "all" && channel == "/market/ticker") ? subject : symbol;
  }
  bool operator==(const DataMessage&) const = default;
};

// "notice" and "command" exist in the docs, carry the message envelope, and are sent by no
// server we know of (§5.4). Decoded so a client can log them instead of failing.
struct NoticeFrame {
  std::string_view topic;
  std::string_view subject;
  std::string_view data;  // raw JSON ("" when absent)
  bool operator==(const NoticeFrame&) const = default;
};
struct CommandFrame {
  std::string_view topic;
  std::string_view subject;
  std::string_view data;  // raw JSON ("" when absent)
  bool operator==(const CommandFrame&) const = default;
};

// Any other string `type` ("openTunnel", a server "ping", ...).
struct UnknownFrame {
  std::string_view type;
  bool operator==(const UnknownFrame&) const = default;
};

using ServerFrame =
    std::variant<WelcomeFrame, PongFrame, AckFrame, ErrorFrame, DataMessage, NoticeFrame, CommandFrame, UnknownFrame>;

// ---- client -> server ----
//
// Ids: clients send JSON strings or numbers ({"id":1,...} from cryptofeed). A decoded id is the
// string's value, or the number's exact JSON text ("1545910660739"), so a reply can echo it
// verbatim as a string. Empty when the frame has none (encoders then still write "id":"").

// {"id":"1545910590801","type":"ping"}
struct PingFrame {
  std::string_view id;
  bool operator==(const PingFrame&) const = default;
};

// {"id":"..","type":"subscribe","topic":"/market/ticker:BTC-USDT,ETH-USDT","privateChannel":false,"response":true}
// `topic` is verbatim (parse it with parse_topic() from ws_topic.hpp).
struct SubscribeFrame {
  std::string_view id;
  std::string_view topic;
  bool private_channel = false;  // "privateChannel", default false
  bool response = false;         // "response", default false: the server acks only when true
  bool operator==(const SubscribeFrame&) const = default;
};

// Same fields as SubscribeFrame with "type":"unsubscribe".
struct UnsubscribeFrame {
  std::string_view id;
  std::string_view topic;
  bool private_channel = false;
  bool response = false;
  bool operator==(const UnsubscribeFrame&) const = default;
};

using ClientFrame = std::variant<PingFrame, SubscribeFrame, UnsubscribeFrame>;

}  // namespace kucoin
