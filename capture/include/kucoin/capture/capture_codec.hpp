// The capture's JSON-lines codec (recordings/README.md): one header line, then one line per
// record. Encoding appends to a string (the file writer compresses and writes it); decoding reads a
// whole text, stops at the first line that is not a complete record, and says where: a truncated
// last record (the recorder was killed) keeps everything before it. Pure: no files, no clock.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/capture/record.hpp"
#include "kucoin/core/result.hpp"

namespace kucoin::capture {

// Appends the header line (with its '\n').
void encode_header(const CaptureHeader& header, std::string& out);
// Appends one record line (with its '\n'). A payload that is not valid UTF-8 is written base64 in
// "payload_b64" instead of "payload", so that the line stays JSON and the bytes survive.
void encode_record(const CaptureRecord& record, std::string& out);

// Where reading stopped early.
struct ReadProblem {
  enum class Kind : std::uint8_t {
    truncated,  // the last line is incomplete (no '\n', or cut JSON): the recorder was killed
    damaged,    // a line in the middle is not a record: the file was damaged
  } kind = Kind::truncated;
  std::uint64_t offset = 0;  // byte offset of the line in the (uncompressed) text
  std::uint64_t line = 0;    // 1-based line number
  std::string message;       // "line 1234 at byte 567890: truncated record (89 bytes, no end of line)"
};

// Decodes lines. One decoder reuses its parser; not thread-safe.
class CaptureDecoder {
 public:
  CaptureDecoder();
  ~CaptureDecoder();
  CaptureDecoder(CaptureDecoder&&) noexcept;
  CaptureDecoder& operator=(CaptureDecoder&&) noexcept;

  // One line without its '\n'. Errc::parse_error, missing_field, wrong_type, invalid_argument
  // (an unsupported version, an unknown kind), naming the field.
  Result<void> decode_header(std::string_view line, CaptureHeader& out);
  Result<void> decode_record(std::string_view line, CaptureRecord& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct CaptureContents {
  CaptureHeader header;
  std::vector<CaptureRecord> records;
  std::optional<ReadProblem> problem;  // reading stopped early; `records` holds everything before
};

// Reads a whole capture text. Fails (Errc::parse_error/invalid_argument) only when the header
// itself is unreadable; a bad record later ends the reading with `problem` set.
Result<CaptureContents> parse_capture(std::string_view text);

// The same, streaming: `on_record` sees each record (valid during the call). Returns the header
// and the problem (if any) via `contents` (its `records` stay empty).
Result<void> parse_capture(std::string_view text, CaptureContents& contents,
                           const std::function<void(const CaptureRecord&)>& on_record);

// Base64 (RFC 4648, with padding) for payloads that are not UTF-8.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace kucoin::capture
