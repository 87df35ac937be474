// Import of plain frame logs made by other tools (recordings/README.md#import): JSON lines of
//   {"recv_ns": <int>, "kind": "ws_in" | "ws_out" | "ws_open" | "http_response",
//    "url": "<text>", "payload": "<text>"}
// in receive order ("status": <int> is read when present). ws_open starts a new connection;
// frames belong to the latest one; HTTP answers keep their request URL (/api/v2/symbols, level2
// snapshots). The header's symbols and topics are gathered from the frames' topics. Frames are
// kept byte for byte, whatever KuCoin version wrote them (no `time` field, `data` first, other
// topics interleaved). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/capture/capture_codec.hpp"
#include "kucoin/capture/record.hpp"
#include "kucoin/core/result.hpp"

namespace kucoin::capture {

struct ImportResult {
  CaptureHeader header;
  std::vector<CaptureRecord> records;  // not yet redacted: the writer redacts as it writes
  std::optional<ReadProblem> problem;  // reading stopped early (a truncated last line keeps the rest)
  std::uint64_t reordered = 0;         // lines whose recv_ns went backwards (kept, time clamped)
};

// `source_name` goes into the header's note. Fails only when no line at all could be read.
Result<ImportResult> import_frame_log(std::string_view text, std::string_view source_name);

}  // namespace kucoin::capture
