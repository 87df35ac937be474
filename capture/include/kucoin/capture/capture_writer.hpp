// Writes a capture as the recorder sees it: a header, then records (redacted as they are written,
// kucoin/capture/redact.hpp), buffered and written to a plain or zstd file, with rotation by size
// or age into files that each start with their own header (the recorder then takes fresh
// snapshots, so every part replays on its own). Times are arguments: no clock in here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kucoin/capture/capture_file.hpp"
#include "kucoin/capture/record.hpp"
#include "kucoin/core/result.hpp"

namespace kucoin::capture {

struct CaptureWriterOptions {
  std::string path;                     // the first file; later parts are named by part_path()
  CaptureHeader header;                 // written at the top of every part (part, previous, start filled in)
  std::uint64_t rotate_bytes = 0;       // > 0: a new part once this many uncompressed bytes are written
  std::int64_t rotate_ns = 0;           // > 0: a new part once the current one is this old
  std::size_t buffer_bytes = 1u << 16;  // encoded records wait here before they go to the file
  FileWriterOptions file;
};

// "dir/cap.jsonl.zst", 3 -> "dir/cap.3.jsonl.zst" (the part number before the first '.' of the
// file name's extensions); part 0 is the path itself.
std::string part_path(const std::string& path, int part);

class CaptureWriter {
 public:
  ~CaptureWriter();
  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;

  // Opens the first part and writes its header with the given start time.
  static Result<std::unique_ptr<CaptureWriter>> open(CaptureWriterOptions options, std::int64_t mono_ns,
                                                     std::int64_t wall_ns);

  // Redacts, encodes and buffers one record (written once the buffer is full). Only the kinds that
  // can hold a secret (HTTP, connect, token_fetched) are copied to be redacted.
  Result<void> add(const CaptureRecord& record);
  // Whether the current part is due for rotation (size or age).
  bool rotation_due(std::int64_t mono_ns) const noexcept;
  // Ends the current part and starts the next one (header, part + 1, previous = the old file).
  Result<void> rotate(std::int64_t mono_ns, std::int64_t wall_ns);
  // Everything added so far reaches the file (readable even if the process dies after).
  Result<void> flush();
  Result<void> close();

  struct Stats {
    std::uint64_t records = 0;
    std::uint64_t bytes_in = 0;   // uncompressed, every part
    std::uint64_t bytes_out = 0;  // on disk, every part
  };
  Stats stats() const noexcept;
  const std::vector<std::string>& files() const noexcept { return files_; }
  const std::string& current_path() const noexcept { return files_.back(); }
  // Uncompressed bytes of the current part so far (what rotate_bytes is compared with).
  std::uint64_t part_bytes() const noexcept { return part_bytes_ + buffer_.size(); }

 private:
  CaptureWriter() = default;
  Result<void> start_part(std::int64_t mono_ns, std::int64_t wall_ns);
  Result<void> drain();
  CaptureWriterOptions options_;
  std::unique_ptr<CaptureFileWriter> file_;
  std::string buffer_;
  std::vector<std::string> files_;
  int part_ = 0;
  std::int64_t part_started_ns_ = 0;
  std::uint64_t part_bytes_ = 0;
  Stats done_;  // parts already closed
  std::uint64_t records_ = 0;
};

}  // namespace kucoin::capture
