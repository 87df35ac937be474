// Capture files on disk: plain JSON lines, or zstd-compressed when the name ends in ".zst" (so
// that `zstdcat f | jq` reads them). The only I/O of the capture library (target
// kucoin::capture_io, libzstd): the codec and every decision above it are pure.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "kucoin/capture/capture_codec.hpp"
#include "kucoin/core/result.hpp"

namespace kucoin::capture {

// Whether `path` names a compressed capture (ends in ".zst").
bool is_compressed_name(std::string_view path) noexcept;

struct FileWriterOptions {
  int zstd_level = 3;         // 1 (fastest) .. 19
  unsigned zstd_workers = 0;  // > 0: libzstd compresses on that many threads of its own
};

// Writes bytes (encoded lines) to a file, compressing when the name ends in ".zst". flush() makes
// everything written so far readable from the file (a zstd block is ended), so a recorder that is
// killed loses at most what it wrote since its last flush; close() ends the zstd frame.
class CaptureFileWriter {
 public:
  ~CaptureFileWriter();
  CaptureFileWriter(const CaptureFileWriter&) = delete;
  CaptureFileWriter& operator=(const CaptureFileWriter&) = delete;

  // Creates (truncates) the file. Errc::invalid_argument naming the path and the system's reason.
  static Result<std::unique_ptr<CaptureFileWriter>> open(const std::string& path, FileWriterOptions options = {});

  Result<void> write(std::string_view bytes);
  Result<void> flush();
  Result<void> close();  // idempotent; the destructor closes too (ignoring errors)

  const std::string& path() const noexcept { return path_; }
  bool compressed() const noexcept { return zstd_ != nullptr; }
  std::uint64_t bytes_in() const noexcept { return bytes_in_; }    // uncompressed bytes written
  std::uint64_t bytes_out() const noexcept { return bytes_out_; }  // bytes that reached the file

 private:
  CaptureFileWriter() = default;
  Result<void> put(const void* data, std::size_t size);
  Result<void> compress(std::string_view bytes, int mode);
  std::string path_;
  std::FILE* file_ = nullptr;
  struct Zstd;
  std::unique_ptr<Zstd> zstd_;
  std::uint64_t bytes_in_ = 0;
  std::uint64_t bytes_out_ = 0;
};

// The whole uncompressed text of a capture file. A zstd stream cut short (the recorder was
// killed) gives what decompressed up to the cut, and `cut_short` says so.
struct FileText {
  std::string text;
  bool cut_short = false;
  std::string note;  // what was wrong with the compressed stream, for people
};
Result<FileText> read_file_text(const std::string& path);

// read_file_text + parse_capture. A stream cut short is reported as the capture's problem
// (truncated) when the text itself did not already end in a damaged line.
Result<CaptureContents> read_capture_file(const std::string& path);

}  // namespace kucoin::capture
