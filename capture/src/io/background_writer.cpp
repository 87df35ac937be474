#include "kucoin/capture/background_writer.hpp"

#include <algorithm>
#include <chrono>

namespace kucoin::capture {

// What the adding side hands over: the frames' bytes back to back in one string, a small entry
// per record, and the rare records that are more than a frame copied whole. Cleared and reused:
// the strings and vectors keep their capacity.
struct BackgroundCaptureWriter::Batch {
  enum class Op : std::uint8_t { frame, record, rotate };
  struct Entry {
    Op op = Op::frame;
    RecordKind kind = RecordKind::ws_in;
    std::int64_t mono_ns = 0, wall_ns = 0;
    std::uint64_t conn = 0;
    std::size_t at = 0, size = 0;  // frame: its bytes in `bytes`; record: its index in `records`
  };
  std::string bytes;
  std::vector<Entry> entries;
  std::vector<CaptureRecord> records;
  bool flush_after = false;
  void clear() {
    bytes.clear();
    entries.clear();
    records.clear();
    flush_after = false;
  }
};

Result<std::unique_ptr<BackgroundCaptureWriter>> BackgroundCaptureWriter::open(CaptureWriterOptions options,
                                                                               std::int64_t mono_ns,
                                                                               std::int64_t wall_ns,
                                                                               std::size_t batch_bytes,
                                                                               std::uint64_t max_waiting_bytes) {
  std::unique_ptr<BackgroundCaptureWriter> w(new BackgroundCaptureWriter());
  w->options_ = options;
  auto writer = CaptureWriter::open(std::move(options), mono_ns, wall_ns);
  if (!writer) return Unexpected{writer.error()};
  w->writer_ = std::move(*writer);
  w->batch_bytes_ = std::max<std::size_t>(batch_bytes, 1);
  w->max_waiting_bytes_ = max_waiting_bytes;
  w->current_ = std::make_unique<Batch>();
  w->current_->bytes.reserve(w->batch_bytes_ + 4096);
  w->part_started_ns_ = mono_ns;
  w->stats_ = w->writer_->stats();
  w->files_ = w->writer_->files();
  w->part_bytes_ = w->writer_->part_bytes();
  w->thread_ = std::thread([p = w.get()] { p->run(); });
  return w;
}

BackgroundCaptureWriter::~BackgroundCaptureWriter() { (void)close(); }

void BackgroundCaptureWriter::add_frame(RecordKind kind, std::int64_t mono_ns, std::int64_t wall_ns, std::uint64_t conn,
                                        std::string_view payload) {
  Batch& b = *current_;
  b.entries.push_back({Batch::Op::frame, kind, mono_ns, wall_ns, conn, b.bytes.size(), payload.size()});
  b.bytes.append(payload);
  if (b.bytes.size() >= batch_bytes_) hand_over(false);
}

void BackgroundCaptureWriter::add(const CaptureRecord& record) {
  Batch& b = *current_;
  b.entries.push_back({Batch::Op::record, record.kind, 0, 0, 0, b.records.size(), 0});
  b.records.push_back(record);
}

void BackgroundCaptureWriter::flush() { hand_over(true); }

void BackgroundCaptureWriter::rotate(std::int64_t mono_ns, std::int64_t wall_ns) {
  current_->entries.push_back({Batch::Op::rotate, RecordKind::ws_in, mono_ns, wall_ns, 0, 0, 0});
  part_started_ns_ = mono_ns;
  rotations_asked_.fetch_add(1, std::memory_order_relaxed);
  hand_over(false);
}

bool BackgroundCaptureWriter::rotation_due(std::int64_t mono_ns) const noexcept {
  if (rotations_done_.load(std::memory_order_acquire) != rotations_asked_.load(std::memory_order_relaxed)) {
    return false;
  }
  if (options_.rotate_bytes > 0 && part_bytes_.load(std::memory_order_relaxed) >= options_.rotate_bytes) return true;
  return options_.rotate_ns > 0 && mono_ns - part_started_ns_ >= options_.rotate_ns;
}

void BackgroundCaptureWriter::hand_over(bool flush_after) {
  if (!current_) return;  // closed
  const std::uint64_t n = current_->bytes.size();
  current_->flush_after = flush_after;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(current_));
    if (free_.empty()) {
      current_ = std::make_unique<Batch>();
      current_->bytes.reserve(batch_bytes_ + 4096);
    } else {
      current_ = std::move(free_.back());
      free_.pop_back();
    }
  }
  const std::uint64_t waiting = waiting_bytes_.fetch_add(n, std::memory_order_relaxed) + n;
  ready_.notify_one();
  std::uint64_t peak = peak_bytes_.load(std::memory_order_relaxed);
  while (waiting > peak && !peak_bytes_.compare_exchange_weak(peak, waiting, std::memory_order_relaxed)) {}
  if (max_waiting_bytes_ == 0 || waiting <= max_waiting_bytes_) return;
  // Past the bound: wait for the writer to bring the backlog down to half of it (or to fail).
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  adder_waiting_ = true;
  drained_.wait(lock, [&] {
    return waiting_bytes_.load(std::memory_order_relaxed) <= max_waiting_bytes_ / 2 || !error_.empty();
  });
  adder_waiting_ = false;
  ++waits_;
  waited_ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
}

void BackgroundCaptureWriter::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    ready_.wait(lock, [&] { return !queue_.empty() || closing_; });
    if (queue_.empty()) break;  // closing, and everything written
    std::unique_ptr<Batch> b = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    const bool failed = !error_.empty();
    lock.unlock();
    if (!failed) write_batch(*b);
    const std::uint64_t n = b->bytes.size();
    b->clear();
    waiting_bytes_.fetch_sub(n, std::memory_order_relaxed);
    lock.lock();
    busy_ = false;
    free_.push_back(std::move(b));
    stats_ = writer_->stats();
    if (files_.size() != writer_->files().size()) files_ = writer_->files();
    if (adder_waiting_) drained_.notify_one();
  }
}

void BackgroundCaptureWriter::write_batch(Batch& b) {
  CaptureRecord frame;  // reused across the batch: its payload grows to the largest frame once
  auto fail_with = [&](const Error& e) {
    std::lock_guard lock(mu_);
    if (error_.empty()) error_ = e.message;
  };
  for (const Batch::Entry& e : b.entries) {
    Result<void> r;
    switch (e.op) {
      case Batch::Op::frame:
        frame.kind = e.kind;
        frame.mono_ns = e.mono_ns;
        frame.wall_ns = e.wall_ns;
        frame.conn = e.conn;
        frame.payload.assign(b.bytes, e.at, e.size);
        r = writer_->add(frame);
        break;
      case Batch::Op::record: r = writer_->add(b.records[e.at]); break;
      case Batch::Op::rotate:
        r = writer_->rotate(e.mono_ns, e.wall_ns);
        rotations_done_.fetch_add(1, std::memory_order_release);
        break;
    }
    if (!r) return fail_with(r.error());
  }
  if (b.flush_after) {
    if (auto r = writer_->flush(); !r) return fail_with(r.error());
  }
  part_bytes_.store(writer_->part_bytes(), std::memory_order_relaxed);
}

Result<void> BackgroundCaptureWriter::close() {
  if (!thread_.joinable()) {
    std::lock_guard lock(mu_);
    if (!error_.empty()) return fail(Errc::invalid_argument, error_);
    return {};
  }
  hand_over(false);
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  ready_.notify_one();
  thread_.join();
  current_.reset();
  auto r = writer_->close();
  std::lock_guard lock(mu_);
  stats_ = writer_->stats();
  files_ = writer_->files();
  if (!r && error_.empty()) error_ = r.error().message;
  if (!error_.empty()) return fail(Errc::invalid_argument, error_);
  return {};
}

BackgroundCaptureWriter::Backlog BackgroundCaptureWriter::backlog() const noexcept {
  Backlog b;
  b.bytes = waiting_bytes_.load(std::memory_order_relaxed);
  b.peak_bytes = peak_bytes_.load(std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  b.batches = queue_.size() + (busy_ ? 1 : 0);
  b.waits = waits_;
  b.waited_ns = waited_ns_;
  return b;
}

CaptureWriter::Stats BackgroundCaptureWriter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::vector<std::string> BackgroundCaptureWriter::files() const {
  std::lock_guard lock(mu_);
  return files_;
}

std::string BackgroundCaptureWriter::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

}  // namespace kucoin::capture
