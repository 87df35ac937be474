#include "kucoin/capture/capture_writer.hpp"

#include "kucoin/capture/capture_codec.hpp"
#include "kucoin/capture/redact.hpp"

namespace kucoin::capture {

std::string part_path(const std::string& path, int part) {
  if (part == 0) return path;
  const auto slash = path.rfind('/');
  const std::size_t name_at = slash == std::string::npos ? 0 : slash + 1;
  const auto dot = path.find('.', name_at + 1);  // a leading dot is part of the name
  const std::string n = "." + std::to_string(part);
  if (dot == std::string::npos) return path + n;
  return path.substr(0, dot) + n + path.substr(dot);
}

CaptureWriter::~CaptureWriter() { (void)close(); }

Result<std::unique_ptr<CaptureWriter>> CaptureWriter::open(CaptureWriterOptions options, std::int64_t mono_ns,
                                                           std::int64_t wall_ns) {
  std::unique_ptr<CaptureWriter> w(new CaptureWriter());
  w->options_ = std::move(options);
  w->buffer_.reserve(w->options_.buffer_bytes + 4096);
  if (auto r = w->start_part(mono_ns, wall_ns); !r) return Unexpected{r.error()};
  return w;
}

Result<void> CaptureWriter::start_part(std::int64_t mono_ns, std::int64_t wall_ns) {
  const std::string path = part_path(options_.path, part_);
  auto f = CaptureFileWriter::open(path, options_.file);
  if (!f) return Unexpected{f.error()};
  file_ = std::move(*f);
  CaptureHeader h = options_.header;
  h.part = part_;
  h.previous = files_.empty() ? std::string() : files_.back();
  h.start_mono_ns = mono_ns;
  h.start_wall_ns = wall_ns;
  files_.push_back(path);
  part_started_ns_ = mono_ns;
  part_bytes_ = 0;
  encode_header(h, buffer_);
  return drain();
}

Result<void> CaptureWriter::drain() {
  if (buffer_.empty() || !file_) return {};
  part_bytes_ += buffer_.size();
  auto r = file_->write(buffer_);
  buffer_.clear();
  return r;
}

Result<void> CaptureWriter::add(const CaptureRecord& record) {
  if (!file_) return fail(Errc::invalid_argument, "the capture is closed");
  switch (record.kind) {
    case RecordKind::http_request:
    case RecordKind::http_response:
    case RecordKind::connect:
    case RecordKind::token_fetched: {
      CaptureRecord copy = record;
      redact_record(copy);
      encode_record(copy, buffer_);
      break;
    }
    default: encode_record(record, buffer_); break;  // frames and the client's events hold no credential
  }
  ++records_;
  if (buffer_.size() >= options_.buffer_bytes) return drain();
  return {};
}

bool CaptureWriter::rotation_due(std::int64_t mono_ns) const noexcept {
  if (!file_) return false;
  if (options_.rotate_bytes > 0 && part_bytes() >= options_.rotate_bytes) return true;
  return options_.rotate_ns > 0 && mono_ns - part_started_ns_ >= options_.rotate_ns;
}

Result<void> CaptureWriter::rotate(std::int64_t mono_ns, std::int64_t wall_ns) {
  if (auto r = close(); !r) return r;
  ++part_;
  return start_part(mono_ns, wall_ns);
}

Result<void> CaptureWriter::flush() {
  if (!file_) return {};
  if (auto r = drain(); !r) return r;
  return file_->flush();
}

Result<void> CaptureWriter::close() {
  if (!file_) return {};
  auto r = drain();
  auto c = file_->close();
  done_.bytes_in += file_->bytes_in();
  done_.bytes_out += file_->bytes_out();
  file_.reset();
  if (!r) return r;
  return c;
}

CaptureWriter::Stats CaptureWriter::stats() const noexcept {
  Stats s = done_;
  s.records = records_;
  if (file_) {
    s.bytes_in += file_->bytes_in() + buffer_.size();
    s.bytes_out += file_->bytes_out();
  }
  return s;
}

}  // namespace kucoin::capture
