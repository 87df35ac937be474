// Capture files: stdio + libzstd's streaming API (ZSTD_compressStream2 / ZSTD_decompressStream).
#include "kucoin/capture/capture_file.hpp"

#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace kucoin::capture {

bool is_compressed_name(std::string_view path) noexcept { return path.ends_with(".zst"); }

struct CaptureFileWriter::Zstd {
  ZSTD_CCtx* cctx = nullptr;
  std::vector<char> out;
  ~Zstd() { ZSTD_freeCCtx(cctx); }
};

CaptureFileWriter::~CaptureFileWriter() { (void)close(); }

Result<std::unique_ptr<CaptureFileWriter>> CaptureFileWriter::open(const std::string& path, FileWriterOptions options) {
  std::unique_ptr<CaptureFileWriter> w(new CaptureFileWriter());
  w->path_ = path;
  w->file_ = std::fopen(path.c_str(), "wb");
  if (w->file_ == nullptr) {
    return fail(Errc::invalid_argument, "cannot write " + path + ": " + std::strerror(errno));
  }
  if (is_compressed_name(path)) {
    w->zstd_ = std::make_unique<Zstd>();
    w->zstd_->cctx = ZSTD_createCCtx();
    if (w->zstd_->cctx == nullptr) return fail(Errc::invalid_argument, "zstd: cannot create a compression context");
    ZSTD_CCtx_setParameter(w->zstd_->cctx, ZSTD_c_compressionLevel, options.zstd_level);
    ZSTD_CCtx_setParameter(w->zstd_->cctx, ZSTD_c_checksumFlag, 1);
    if (options.zstd_workers > 0) {
      // Without multithreading support in libzstd this fails and compression stays on our thread.
      ZSTD_CCtx_setParameter(w->zstd_->cctx, ZSTD_c_nbWorkers, static_cast<int>(options.zstd_workers));
    }
    w->zstd_->out.resize(ZSTD_CStreamOutSize());
  }
  return w;
}

Result<void> CaptureFileWriter::put(const void* data, std::size_t size) {
  if (size == 0) return {};
  if (std::fwrite(data, 1, size, file_) != size) {
    return fail(Errc::invalid_argument, "writing " + path_ + " failed: " + std::strerror(errno));
  }
  bytes_out_ += size;
  return {};
}

Result<void> CaptureFileWriter::compress(std::string_view bytes, int mode) {
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  const auto directive = static_cast<ZSTD_EndDirective>(mode);
  for (;;) {
    ZSTD_outBuffer out{zstd_->out.data(), zstd_->out.size(), 0};
    const std::size_t left = ZSTD_compressStream2(zstd_->cctx, &out, &in, directive);
    if (ZSTD_isError(left)) return fail(Errc::invalid_argument, std::string("zstd: ") + ZSTD_getErrorName(left));
    if (auto r = put(out.dst, out.pos); !r) return r;
    const bool consumed = in.pos == in.size;
    if (directive == ZSTD_e_continue ? consumed : left == 0) break;
  }
  return {};
}

Result<void> CaptureFileWriter::write(std::string_view bytes) {
  if (file_ == nullptr) return fail(Errc::invalid_argument, "writing " + path_ + ": the file is closed");
  bytes_in_ += bytes.size();
  if (zstd_) return compress(bytes, ZSTD_e_continue);
  return put(bytes.data(), bytes.size());
}

Result<void> CaptureFileWriter::flush() {
  if (file_ == nullptr) return {};
  if (zstd_) {
    if (auto r = compress({}, ZSTD_e_flush); !r) return r;
  }
  if (std::fflush(file_) != 0) return fail(Errc::invalid_argument, "flushing " + path_ + ": " + std::strerror(errno));
  return {};
}

Result<void> CaptureFileWriter::close() {
  if (file_ == nullptr) return {};
  Result<void> r;
  if (zstd_) r = compress({}, ZSTD_e_end);
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!r) return r;
  if (!closed) return fail(Errc::invalid_argument, "closing " + path_ + ": " + std::strerror(errno));
  return {};
}

Result<FileText> read_file_text(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return fail(Errc::invalid_argument, "cannot read " + path + ": " + std::strerror(errno));
  std::string raw;
  char buf[1 << 16];
  for (;;) {
    const std::size_t n = std::fread(buf, 1, sizeof buf, f);
    raw.append(buf, n);
    if (n < sizeof buf) break;
  }
  const bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (read_error) return fail(Errc::invalid_argument, "reading " + path + " failed");
  FileText out;
  if (!is_compressed_name(path)) {
    out.text = std::move(raw);
    return out;
  }
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (dctx == nullptr) return fail(Errc::invalid_argument, "zstd: cannot create a decompression context");
  std::vector<char> chunk(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{raw.data(), raw.size(), 0};
  std::size_t last = 0;
  while (in.pos < in.size) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    last = ZSTD_decompressStream(dctx, &o, &in);
    if (ZSTD_isError(last)) {
      out.cut_short = true;
      out.note = "zstd stream damaged at compressed byte " + std::to_string(in.pos) + ": " + ZSTD_getErrorName(last);
      out.text.append(chunk.data(), o.pos);
      break;
    }
    out.text.append(chunk.data(), o.pos);
  }
  // Output still held inside the context (a frame whose input ended).
  if (!out.cut_short) {
    for (;;) {
      ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
      ZSTD_inBuffer none{nullptr, 0, 0};
      const std::size_t r = ZSTD_decompressStream(dctx, &o, &none);
      out.text.append(chunk.data(), o.pos);
      if (ZSTD_isError(r) || o.pos < o.size) break;
    }
    if (last != 0) {
      out.cut_short = true;
      out.note = "truncated: the zstd stream is cut short after " + std::to_string(raw.size()) +
                 " compressed bytes (the recorder did not close the file)";
    }
  }
  ZSTD_freeDCtx(dctx);
  return out;
}

Result<CaptureContents> read_capture_file(const std::string& path) {
  auto text = read_file_text(path);
  if (!text) return Unexpected{text.error()};
  auto contents = parse_capture(text->text);
  if (!contents) return Unexpected{Error{contents.error().code, path + ": " + contents.error().message}};
  if (text->cut_short) {
    if (!contents->problem) {
      ReadProblem p;
      p.kind = ReadProblem::Kind::truncated;
      p.offset = text->text.size();
      p.line = 0;
      p.message = text->note + "; every record up to there is kept";
      contents->problem = std::move(p);
    } else {
      contents->problem->message += " (" + text->note + ")";
    }
  }
  return contents;
}

}  // namespace kucoin::capture
