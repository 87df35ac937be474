// The records of a capture (recordings/README.md): a header, then one record per thing the
// recorder saw, in receive order. Owned values; the codec (capture_codec.hpp) turns them into
// JSON lines and back. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kucoin/protocol/ws_topic.hpp"  // Market

namespace kucoin::capture {

// The format's name and version, written in every header. A reader refuses a newer version.
inline constexpr std::string_view kFormatName = "kucoin-harness-capture";
inline constexpr int kFormatVersion = 1;

struct CaptureHeader {
  int version = kFormatVersion;
  std::string tool;                  // "kucoin-harness 0.1.0"
  std::string source;                // the REST base URL recorded from ("https://api.kucoin.com")
  std::vector<std::string> symbols;  // as asked for
  std::vector<std::string> topics;   // "level2", "ticker", "match" (short names) or full channels
  std::int64_t start_wall_ns = 0;    // Unix time of the first record, ns
  std::int64_t start_mono_ns = 0;    // the monotonic clock at the same moment (records' mono_ns scale)
  int part = 0;                      // rotation: 0 for the first file, 1, 2, ... after
  std::string previous;              // rotation: the file this one continues (empty for part 0)
  std::string note;                  // free text: provenance ("imported from x.framelog", "mock seed 42")
  // The KuCoin host recorded from: spot (api.kucoin.com) or futures (api-futures.kucoin.com).
  // Written as "venue":"futures" only for futures; absent (every older capture) means spot.
  Market venue = Market::spot;
  bool operator==(const CaptureHeader&) const = default;
};

enum class RecordKind : std::uint8_t {
  ws_in,          // a WebSocket text frame received
  ws_out,         // a WebSocket text frame sent (subscribe, ping, ...)
  http_request,   // a REST request sent (headers and URL redacted)
  http_response,  // its answer (status, body; the request's URL)
  connect,        // a WebSocket connection upgraded (url: the endpoint, token redacted)
  welcome,        // the welcome frame arrived: the session is live
  disconnect,     // the connection ended (reason, detail)
  token_fetched,  // a bullet token was fetched (detail: public/private)
  gap,            // the client's synchronizer saw a sequence gap (symbol, detail)
  resync,         // a book resyncs from a fresh snapshot (symbol, reason, detail)
};
std::string_view to_string(RecordKind k) noexcept;
std::optional<RecordKind> record_kind_from(std::string_view text) noexcept;

enum class Direction : std::uint8_t {
  in,     // from the server
  out,    // to the server
  local,  // an event of the recorder's own (lifecycle)
};
std::string_view to_string(Direction d) noexcept;
std::optional<Direction> direction_from(std::string_view text) noexcept;
Direction direction_of(RecordKind k) noexcept;

struct CaptureRecord {
  std::int64_t mono_ns = 0;  // monotonic receive (or send) time, ns; never goes backwards
  std::int64_t wall_ns = 0;  // Unix time, ns
  std::uint64_t conn = 0;    // connection id: 1, 2, ... per WebSocket connection; 0 for HTTP and the recorder
  RecordKind kind = RecordKind::ws_in;
  std::string payload;  // frame text or HTTP body, byte for byte (after redaction)
  std::string url;      // http_*: the request target "/api/v1/..." ; connect: the endpoint URL
  std::string method;   // http_request
  int status = 0;       // http_response: the HTTP status (0: no answer, see detail)
  std::vector<std::pair<std::string, std::string>> headers;  // http_request, as sent (secrets redacted)
  std::string symbol;                                        // gap, resync
  std::string reason;  // disconnect, resync: a short name ("closed_by_server", "gap")
  std::string detail;  // human text
  Direction direction() const noexcept { return direction_of(kind); }
  bool operator==(const CaptureRecord&) const = default;
};

}  // namespace kucoin::capture
