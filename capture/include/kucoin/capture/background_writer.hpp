// A CaptureWriter on a thread of its own, so that the thread reading the socket only copies each
// frame's bytes and times into a batch: encoding (JSON escaping), redaction, buffering and zstd
// run on the writer thread. Batches are handed over whole (every 256 KiB, and at flush, rotate and
// close) and recycled, so that a frame costs no heap allocation once the first batches have grown.
//
// Nothing is ever dropped: when the writer thread is slower than the frames arrive, the batches
// waiting for it pile up in memory and backlog() says how many bytes wait (the recorder prints it
// and warns; recordings/README.md#keeping-up). With `max_waiting_bytes`, the adding thread that
// hands over a batch past that bound waits until the writer has brought the backlog down to half
// of it (the socket then holds the stream back: memory stays bounded, and backlog() counts the
// waits). Errors of the writer thread stop the writing and are returned by error() and close().
//
// The adding side (add_frame, add, rotate, flush, close) is for one thread at a time (the
// recorder serialises its taps with a mutex); the accessors may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "kucoin/capture/capture_writer.hpp"

namespace kucoin::capture {

class BackgroundCaptureWriter {
 public:
  ~BackgroundCaptureWriter();  // closes (ignoring errors: call close() to see them)
  BackgroundCaptureWriter(const BackgroundCaptureWriter&) = delete;
  BackgroundCaptureWriter& operator=(const BackgroundCaptureWriter&) = delete;

  // Opens the first part (on the caller's thread: a bad path fails here) and starts the writer
  // thread. `batch_bytes`: a batch is handed over once its frames hold this many bytes;
  // `max_waiting_bytes`: 0 for no bound.
  static Result<std::unique_ptr<BackgroundCaptureWriter>> open(CaptureWriterOptions options, std::int64_t mono_ns,
                                                               std::int64_t wall_ns,
                                                               std::size_t batch_bytes = 256u << 10,
                                                               std::uint64_t max_waiting_bytes = 0);

  // A WebSocket frame (ws_in or ws_out): its bytes are copied into the current batch.
  void add_frame(RecordKind kind, std::int64_t mono_ns, std::int64_t wall_ns, std::uint64_t conn,
                 std::string_view payload);
  // Any other record (HTTP, lifecycle: rare), copied whole.
  void add(const CaptureRecord& record);
  // Hands the current batch over and asks the writer thread to flush the file after it.
  void flush();
  // Queues the end of the current part and the start of the next (in order with the records).
  void rotate(std::int64_t mono_ns, std::int64_t wall_ns);
  // Whether the current part is due for rotation (size written so far, or age); false while a
  // rotation is queued and not yet done.
  bool rotation_due(std::int64_t mono_ns) const noexcept;
  // Hands everything over, waits for the writer thread to write it, closes the file.
  Result<void> close();

  struct Backlog {
    std::uint64_t bytes = 0;       // frame bytes handed over to the writer thread and not yet written
    std::uint64_t peak_bytes = 0;  // the most that ever waited
    std::uint64_t batches = 0;     // batches waiting for the writer thread
    std::uint64_t waits = 0;       // times the adding thread waited at max_waiting_bytes
    std::int64_t waited_ns = 0;    // how long, in all
  };
  Backlog backlog() const noexcept;
  CaptureWriter::Stats stats() const;
  std::vector<std::string> files() const;
  std::string error() const;  // the writer thread's first error ("" while all is well)

 private:
  struct Batch;
  BackgroundCaptureWriter() = default;
  void hand_over(bool flush_after);
  void run();
  void write_batch(Batch& b);

  std::unique_ptr<CaptureWriter> writer_;  // the writer thread's (and open's, before it starts)
  CaptureWriterOptions options_;
  std::size_t batch_bytes_ = 0;
  std::unique_ptr<Batch> current_;  // the adding side's

  mutable std::mutex mu_;
  std::condition_variable ready_;    // a batch was queued, or closing
  std::condition_variable drained_;  // the writer finished a batch (an adding thread may be waiting)
  bool adder_waiting_ = false;
  std::uint64_t max_waiting_bytes_ = 0;
  std::uint64_t waits_ = 0;
  std::int64_t waited_ns_ = 0;
  std::deque<std::unique_ptr<Batch>> queue_;
  std::vector<std::unique_ptr<Batch>> free_;
  bool closing_ = false, busy_ = false;
  CaptureWriter::Stats stats_;      // published after each batch
  std::vector<std::string> files_;  // published after each batch
  std::string error_;

  std::atomic<std::uint64_t> waiting_bytes_{0}, peak_bytes_{0}, part_bytes_{0};
  std::atomic<std::uint64_t> rotations_asked_{0}, rotations_done_{0};
  std::int64_t part_started_ns_ = 0;  // the adding side's: when the current part began
  std::thread thread_;
};

}  // namespace kucoin::capture
