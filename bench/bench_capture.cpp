// Capture throughput against in-run baselines, per level2 frame of a generated BTC-USDT stream
// (~300-byte frames, as KuCoin sends them):
//   write: encode a record line (BM_EncodeRecord) and write it to a plain or zstd file, against
//          copying the frame's bytes once (BM_CopyFrame_Baseline: the least a recorder must do);
//   read:  parse the capture's lines back (BM_ReadCapture), against the client's own decode of the
//          frames (BM_DecodeFrames_Baseline: L2Decoder, what the client does per frame anyway);
//   replay: the capture through OfflineReplay (decode + synchronizer + checks), against
//          decode + L2Synchronizer on the raw frames (BM_DecodeSync_Baseline);
//   import: a frame log into records (BM_ImportFrameLog);
//   escape: the frames' JSON string escaping, byte by byte (before) and by blocks (now), against
//          the copy;
//   keep-up: the recorder's whole per-frame work with its defaults (BM_RecordFrames: the tap's copy
//          into a reused record, redaction check, encode, zstd level 1 on a worker thread), and the
//          client's read path with the recorder on the same thread (BM_ReadAndRecord), against the
//          client's read path alone on the same frames (BM_DecodeSync_Baseline): the recorder keeps
//          up when it handles more frames a second than the client reads.
// Figures are messages/s (items_per_second); ratios to the baseline of each group are printed after
// the run. The result is checked first: the replayed book equals the generator's.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <vector>

#include "kucoin/book/l2_synchronizer.hpp"
#include "kucoin/capture/background_writer.hpp"
#include "kucoin/capture/capture_file.hpp"
#include "kucoin/capture/capture_writer.hpp"
#include "kucoin/capture/frame_log_import.hpp"
#include "kucoin/capture/offline_replay.hpp"
#include "kucoin/mock/market.hpp"
#include "kucoin/mock/market_generator.hpp"
#include "kucoin/protocol/l2_codec.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "kucoin/protocol/ws_codec.hpp"

namespace {

using namespace kucoin;
using namespace kucoin::capture;

constexpr int kFrames = 100'000;

struct Data {
  std::vector<std::string> frames;
  std::vector<CaptureRecord> records;  // symbols, snapshot, frames
  std::string capture_text;
  std::string frame_log;
  L2Snapshot start, truth;
  std::size_t frame_bytes = 0;
};

const Data& data() {
  static const Data d = [] {
    Data out;
    mock::GeneratorConfig g;
    g.levels_per_side = 2'000;
    g.seed = 42;
    const SymbolInfo info = mock::default_symbol_setup("BTC-USDT", g);
    mock::MarketGenerator gen(g);
    out.start = gen.snapshot();
    std::int64_t t = 1'000'000;
    CaptureRecord r;
    r.kind = RecordKind::http_response;
    r.status = 200;
    r.url = "/api/v2/symbols";
    encode_symbols({info}, r.payload);
    r.mono_ns = t;
    out.records.push_back(r);
    r.url = "/api/v3/market/orderbook/level2?symbol=BTC-USDT";
    r.payload.clear();
    encode_snapshot_response(out.start, r.payload);
    out.records.push_back(r);
    for (int i = 0; i < kFrames; ++i) {
      std::string f;
      encode_update_frame(gen.next(), f);
      out.frame_bytes += f.size();
      CaptureRecord fr;
      fr.kind = RecordKind::ws_in;
      fr.conn = 1;
      fr.mono_ns = t += 1'500;
      fr.wall_ns = 1'767'225'600'000'000'000 + fr.mono_ns;
      fr.payload = f;
      out.records.push_back(std::move(fr));
      out.frames.push_back(std::move(f));
    }
    out.truth = gen.snapshot();
    CaptureHeader h;
    h.source = "bench";
    h.symbols = {"BTC-USDT"};
    encode_header(h, out.capture_text);
    for (const auto& rec : out.records) encode_record(rec, out.capture_text);
    for (const auto& rec : out.records) {
      out.frame_log += "{\"recv_ns\":" + std::to_string(rec.mono_ns) + ",\"kind\":\"" +
                       (rec.kind == RecordKind::ws_in ? "ws_in" : "http_response") + "\",\"url\":";
      append_json_string(out.frame_log, rec.url);
      out.frame_log += ",\"payload\":";
      append_json_string(out.frame_log, rec.payload);
      out.frame_log += "}\n";
    }
    return out;
  }();
  return d;
}

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("bench_capture self-check failed: ") + what);
}

void self_check() {
  const Data& d = data();
  auto c = parse_capture(d.capture_text);
  require(c && !c->problem && c->records == d.records, "the capture reads back equal");
  OfflineReplay replay;
  for (const auto& r : c->records) replay.on_record(r);
  require(replay.checks_passed(), "offline replay checks");
  const L2Book* b = replay.book("BTC-USDT");
  require(b && b->top(Side::bid, SIZE_MAX) == d.truth.bids && b->top(Side::ask, SIZE_MAX) == d.truth.asks,
          "the replayed book equals the generator's");
  auto imported = import_frame_log(d.frame_log, "bench");
  require(imported && imported->records.size() == d.records.size(), "import");
}

void per_frame(benchmark::State& state, std::size_t bytes_per_pass) {
  state.SetItemsProcessed(state.iterations() * kFrames);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes_per_pass));
}

// ---- write -----------------------------------------------------------------------------------

void BM_CopyFrame_Baseline(benchmark::State& state) {
  const Data& d = data();
  std::string buf;
  buf.reserve(1 << 20);
  for (auto _ : state) {
    for (const auto& f : d.frames) {
      if (buf.size() + f.size() > buf.capacity()) buf.clear();
      buf.append(f);
    }
    benchmark::DoNotOptimize(buf.data());
  }
  per_frame(state, d.frame_bytes);
}

void BM_EncodeRecord(benchmark::State& state) {
  const Data& d = data();
  std::string buf;
  buf.reserve(1 << 20);
  for (auto _ : state) {
    for (std::size_t i = 2; i < d.records.size(); ++i) {
      if (buf.size() > (1 << 20) - 4096) buf.clear();
      encode_record(d.records[i], buf);
    }
    benchmark::DoNotOptimize(buf.data());
  }
  per_frame(state, d.frame_bytes);
}

// The whole write path of the recorder: copy into a record, redact, encode, buffer, write.
void write_file(benchmark::State& state, const char* ext, int level, unsigned workers = 0) {
  const Data& d = data();
  const std::string path =
      (std::filesystem::temp_directory_path() / ("bench_capture_" + std::to_string(getpid()) + ext)).string();
  std::uint64_t out_bytes = 0, in_bytes = 0;
  for (auto _ : state) {
    CaptureWriterOptions o;
    o.path = path;
    o.file.zstd_level = level;
    o.file.zstd_workers = workers;
    auto w = CaptureWriter::open(o, 0, 0);
    require(bool(w), "open");
    for (std::size_t i = 2; i < d.records.size(); ++i) {
      CaptureRecord r;
      r.kind = RecordKind::ws_in;
      r.conn = 1;
      r.mono_ns = d.records[i].mono_ns;
      r.wall_ns = d.records[i].wall_ns;
      r.payload = d.frames[i - 2];
      if (!(*w)->add(std::move(r))) state.SkipWithError("write failed");
    }
    require(bool((*w)->close()), "close");
    out_bytes = (*w)->stats().bytes_out;
    in_bytes = (*w)->stats().bytes_in;
  }
  std::filesystem::remove(path);
  per_frame(state, d.frame_bytes);
  state.counters["ratio_on_disk"] = static_cast<double>(out_bytes) / static_cast<double>(in_bytes);
}
void BM_WriteFilePlain(benchmark::State& state) { write_file(state, ".jsonl", 0); }
void BM_WriteFileZstd1(benchmark::State& state) { write_file(state, ".jsonl.zst", 1); }
void BM_WriteFileZstd3(benchmark::State& state) { write_file(state, ".jsonl.zst", 3); }
// libzstd compresses on a thread of its own: the recorder's thread only encodes and hands over
// (real time: the work of both threads).
void BM_WriteFileZstd3Worker(benchmark::State& state) { write_file(state, ".jsonl.zst", 3, 1); }

// ---- read --------------------------------------------------------------------------------------

void BM_DecodeFrames_Baseline(benchmark::State& state) {
  const Data& d = data();
  ScaleTable scales;
  scales.set("BTC-USDT", SymbolScale{1, 8});
  L2Decoder dec(scales);
  L2Update u;
  for (auto _ : state) {
    for (const auto& f : d.frames) {
      if (!dec.decode_update(f, u)) state.SkipWithError("decode");
    }
    benchmark::DoNotOptimize(u.sequence_end);
  }
  per_frame(state, d.frame_bytes);
}

void BM_ReadCapture(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    CaptureContents c;
    std::uint64_t n = 0;
    auto r = parse_capture(d.capture_text, c, [&](const CaptureRecord& rec) { n += rec.payload.size(); });
    if (!r) state.SkipWithError("read");
    benchmark::DoNotOptimize(n);
  }
  per_frame(state, d.frame_bytes);
}

void BM_ReadCaptureFileZstd(benchmark::State& state) {
  const Data& d = data();
  const std::string path =
      (std::filesystem::temp_directory_path() / ("bench_capture_read_" + std::to_string(getpid()) + ".jsonl.zst"))
          .string();
  {
    auto w = CaptureFileWriter::open(path);
    require(w && (*w)->write(d.capture_text) && (*w)->close(), "write the file");
  }
  for (auto _ : state) {
    auto text = read_file_text(path);
    CaptureContents c;
    std::uint64_t n = 0;
    auto r = parse_capture(text->text, c, [&](const CaptureRecord& rec) { n += rec.payload.size(); });
    if (!r) state.SkipWithError("read");
    benchmark::DoNotOptimize(n);
  }
  std::filesystem::remove(path);
  per_frame(state, d.frame_bytes);
}

// ---- replay and import ------------------------------------------------------------------------

void BM_DecodeSync_Baseline(benchmark::State& state) {
  const Data& d = data();
  ScaleTable scales;
  scales.set("BTC-USDT", SymbolScale{1, 8});
  L2Decoder dec(scales);
  L2Update u;
  for (auto _ : state) {
    L2Synchronizer sync;
    sync.on_snapshot(d.start);
    for (const auto& f : d.frames) {
      if (!dec.decode_update(f, u)) state.SkipWithError("decode");
      sync.on_update(u);
    }
    benchmark::DoNotOptimize(sync.sequence());
  }
  per_frame(state, d.frame_bytes);
}

void BM_OfflineReplay(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    OfflineReplay replay;
    for (const auto& r : d.records) replay.on_record(r);
    benchmark::DoNotOptimize(replay.records());
  }
  per_frame(state, d.frame_bytes);
}

void BM_ReadAndReplay(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    OfflineReplay replay;
    CaptureContents c;
    auto r = parse_capture(d.capture_text, c, [&](const CaptureRecord& rec) { replay.on_record(rec); });
    if (!r) state.SkipWithError("read");
    benchmark::DoNotOptimize(replay.records());
  }
  per_frame(state, d.frame_bytes);
}

void BM_ImportFrameLog(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    auto r = import_frame_log(d.frame_log, "bench");
    if (!r) state.SkipWithError("import");
    benchmark::DoNotOptimize(r->records.size());
  }
  per_frame(state, d.frame_bytes);
}

// ---- keep-up: the recorder against the client's read path ------------------------------------

// What apps/record.cpp does per received frame: the tap's event copied into a reused record, then
// CaptureWriter::add (redaction check, encode, buffer, zstd). `decode` adds the client's own read
// path (decode + synchronizer) on the same thread, as when the recorder runs inside the client.
void record_frames(benchmark::State& state, bool decode) {
  const Data& d = data();
  const std::string path =
      (std::filesystem::temp_directory_path() / ("bench_capture_rec_" + std::to_string(getpid()) + ".jsonl.zst"))
          .string();
  ScaleTable scales;
  scales.set("BTC-USDT", SymbolScale{1, 8});
  L2Decoder dec(scales);
  L2Update u;
  for (auto _ : state) {
    CaptureWriterOptions o;
    o.path = path;
    o.file.zstd_level = 1;  // record's defaults
    o.file.zstd_workers = 1;
    auto w = CaptureWriter::open(o, 0, 0);
    require(bool(w), "open");
    L2Synchronizer sync;
    sync.on_snapshot(d.start);
    CaptureRecord r;
    r.kind = RecordKind::ws_in;
    r.conn = 1;
    for (std::size_t i = 2; i < d.records.size(); ++i) {
      const std::string& f = d.frames[i - 2];
      if (decode) {
        if (!dec.decode_update(f, u)) state.SkipWithError("decode");
        sync.on_update(u);
      }
      r.mono_ns = d.records[i].mono_ns;
      r.wall_ns = d.records[i].wall_ns;
      r.payload.assign(f);
      if (!(*w)->add(r)) state.SkipWithError("write failed");
    }
    require(bool((*w)->close()), "close");
    benchmark::DoNotOptimize(sync.sequence());
  }
  std::filesystem::remove(path);
  per_frame(state, d.frame_bytes);
}
// The recorder now (apps/record.cpp): the read thread decodes + synchronizes each frame and only
// copies its bytes and times into a BackgroundCaptureWriter batch; encoding, redaction check and
// zstd at `level` run on the writer thread (libzstd's own `workers` threads when > 0). The
// benchmark's time is the read thread's CPU time (what the client's read path pays for
// recording); the counters give each side's CPU per frame: read_ns (this thread) and writer_ns
// (every other thread of the process: the writer thread, libzstd's workers), so that 1e9 /
// writer_ns is the rate the writer sustains on a core of its own.
double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}
double process_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}
void read_and_record_background(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  const auto workers = static_cast<unsigned>(state.range(1));
  const Data& d = data();
  const std::string path =
      (std::filesystem::temp_directory_path() / ("bench_capture_bg_" + std::to_string(getpid()) + ".jsonl.zst"))
          .string();
  ScaleTable scales;
  scales.set("BTC-USDT", SymbolScale{1, 8});
  L2Decoder dec(scales);
  L2Update u;
  double read_ns = 0, all_ns = 0;
  std::uint64_t peak = 0, out_bytes = 0, in_bytes = 0;
  for (auto _ : state) {
    CaptureWriterOptions o;
    o.path = path;
    o.file.zstd_level = level;
    o.file.zstd_workers = workers;
    const double t0 = thread_cpu_ns(), p0 = process_cpu_ns();
    auto w = BackgroundCaptureWriter::open(o, 0, 0);
    require(bool(w), "open");
    L2Synchronizer sync;
    sync.on_snapshot(d.start);
    for (std::size_t i = 2; i < d.records.size(); ++i) {
      const std::string& f = d.frames[i - 2];
      if (!dec.decode_update(f, u)) state.SkipWithError("decode");
      sync.on_update(u);
      (*w)->add_frame(RecordKind::ws_in, d.records[i].mono_ns, d.records[i].wall_ns, 1, f);
    }
    require(bool((*w)->close()), "close");
    read_ns += thread_cpu_ns() - t0;
    all_ns += process_cpu_ns() - p0;
    peak = std::max(peak, (*w)->backlog().peak_bytes);
    out_bytes = (*w)->stats().bytes_out;
    in_bytes = (*w)->stats().bytes_in;
    benchmark::DoNotOptimize(sync.sequence());
  }
  std::filesystem::remove(path);
  per_frame(state, d.frame_bytes);
  const double frames = static_cast<double>(state.iterations()) * kFrames;
  state.counters["read_ns"] = read_ns / frames;
  state.counters["writer_ns"] = (all_ns - read_ns) / frames;
  state.counters["peak_queue_MB"] = static_cast<double>(peak) / 1e6;
  state.counters["ratio_on_disk"] = static_cast<double>(out_bytes) / static_cast<double>(in_bytes);
}

// The frames' JSON string escaping alone: the writer before (byte by byte, as ws_codec.cpp had
// it) and now (append_json_string: 16-byte blocks).
void escape_bytewise(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const char* esc = nullptr;
    switch (c) {
      case '"': esc = "\\\""; break;
      case '\\': esc = "\\\\"; break;
      case '\b': esc = "\\b"; break;
      case '\f': esc = "\\f"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      case '\t': esc = "\\t"; break;
      default:
        if (c >= 0x20 && c != 0x7f) continue;
        break;
    }
    out.append(s.data() + run, i - run);
    run = i + 1;
    if (esc != nullptr) {
      out += esc;
    } else {
      const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
      out.append(u, sizeof u);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}
template <void (*Escape)(std::string&, std::string_view)>
void escape_frames(benchmark::State& state) {
  const Data& d = data();
  std::string buf;
  buf.reserve(1 << 20);
  for (const auto& f : d.frames) {  // both say the same
    std::string a, b;
    escape_bytewise(a, f);
    append_json_string(b, f);
    require(a == b, "the two escapers agree");
  }
  for (auto _ : state) {
    for (const auto& f : d.frames) {
      if (buf.size() > (1 << 20) - 4096) buf.clear();
      Escape(buf, f);
    }
    benchmark::DoNotOptimize(buf.data());
  }
  per_frame(state, d.frame_bytes);
}
void BM_EscapeBytewise(benchmark::State& state) { escape_frames<escape_bytewise>(state); }
void BM_EscapeBlocks(benchmark::State& state) { escape_frames<append_json_string>(state); }

void BM_RecordFrames(benchmark::State& state) { record_frames(state, false); }
void BM_ReadAndRecord(benchmark::State& state) { record_frames(state, true); }

BENCHMARK(BM_CopyFrame_Baseline)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodeRecord)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteFilePlain)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteFileZstd1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteFileZstd3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteFileZstd3Worker)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DecodeFrames_Baseline)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadCapture)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadCaptureFileZstd)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeSync_Baseline)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OfflineReplay)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadAndReplay)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ImportFrameLog)->Unit(benchmark::kMillisecond);
// The process's CPU time: libzstd's worker thread does part of the work (robust on a loaded
// machine, where real time is mostly waiting for a core).
BENCHMARK(BM_EscapeBytewise)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EscapeBlocks)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RecordFrames)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
BENCHMARK(BM_ReadAndRecord)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
// {zstd level, libzstd worker threads}: the recorder's default (level 1 on the writer thread) and
// the fast levels (negative: still standard zstd frames, zstdcat reads them).
BENCHMARK(read_and_record_background)
    ->Name("BM_ReadAndRecordBackground")
    ->ArgNames({"level", "workers"})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Args({-1, 0})
    ->Args({-3, 0})
    ->Args({-5, 0})
    ->Args({-10, 0})
    ->Unit(benchmark::kMillisecond);

// Messages/s of each benchmark and its ratio to its group's baseline.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      // One figure per benchmark: the median of the repetitions when there are some (an aggregate
      // named "median", reported after them), else the run itself.
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if ((r.run_type != Run::RT_Iteration && !median) || r.error_occurred) continue;
      std::string name = r.run_name.str();
      if (!median && medians_.contains(name)) continue;
      if (median) medians_.insert(name);
      const bool real = name.ends_with("/real_time");
      if (real) name.resize(name.size() - 10);
      if (name.ends_with("/process_time")) name.resize(name.size() - 13);
      const double s = (real ? r.GetAdjustedRealTime() : r.GetAdjustedCPUTime()) / 1e3;  // ms -> s per pass
      rate_[name] = s > 0 ? kFrames / s : 0;
      if (name.starts_with("BM_ReadAndRecordBackground")) {
        background_[name] = {r.counters.at("read_ns").value, r.counters.at("writer_ns").value,
                             r.counters.at("peak_queue_MB").value, r.counters.at("ratio_on_disk").value};
      }
    }
  }
  void print_ratios() const {
    const std::map<std::string, std::string> base = {
        {"BM_EncodeRecord", "BM_CopyFrame_Baseline"},           {"BM_WriteFilePlain", "BM_CopyFrame_Baseline"},
        {"BM_WriteFileZstd1", "BM_CopyFrame_Baseline"},         {"BM_WriteFileZstd3", "BM_CopyFrame_Baseline"},
        {"BM_WriteFileZstd3Worker", "BM_CopyFrame_Baseline"},   {"BM_ReadCapture", "BM_DecodeFrames_Baseline"},
        {"BM_ReadCaptureFileZstd", "BM_DecodeFrames_Baseline"}, {"BM_ImportFrameLog", "BM_DecodeFrames_Baseline"},
        {"BM_OfflineReplay", "BM_DecodeSync_Baseline"},         {"BM_ReadAndReplay", "BM_DecodeSync_Baseline"},
        {"BM_RecordFrames", "BM_DecodeSync_Baseline"},          {"BM_ReadAndRecord", "BM_DecodeSync_Baseline"},
        {"BM_EscapeBytewise", "BM_CopyFrame_Baseline"},         {"BM_EscapeBlocks", "BM_CopyFrame_Baseline"},
    };
    std::printf(
        "\nmessages/s (CPU time: the process's for BM_RecordFrames and BM_ReadAndRecord, real time for the *Worker "
        "run) "
        "and time per message as a multiple of its "
        "baseline's:\n");
    for (const auto& [name, b] : base) {
      const auto r = rate_.find(name), rb = rate_.find(b);
      if (r == rate_.end() || rb == rate_.end() || r->second <= 0) continue;
      std::printf("  %-24s %12.0f msg/s  %6.2fx %s (%.0f msg/s)\n", name.c_str(), r->second, rb->second / r->second,
                  b.c_str(), rb->second);
    }
    const auto read = rate_.find("BM_DecodeSync_Baseline"), rec = rate_.find("BM_RecordFrames"),
               both = rate_.find("BM_ReadAndRecord");
    if (read != rate_.end() && read->second > 0) {
      std::printf("\nkeep-up (the client's read path, decode + synchronizer: %.0f msg/s):\n", read->second);
      if (rec != rate_.end()) {
        std::printf("  recorder alone (zstd 1, one worker)   %6.2fx the client's read rate\n",
                    rec->second / read->second);
      }
      if (both != rate_.end()) {
        std::printf("  read + record on one thread            %6.2fx the read path alone\n",
                    both->second / read->second);
      }
      // The recorder now: the read thread's rate with the hand-off, and the writer's rate on a
      // core of its own, each as a multiple of the client's read rate (>= 1: keeps up).
      const double read_ns = 1e9 / read->second;
      for (const auto& [name, b] : background_) {
        std::printf(
            "  %-44s read thread %5.2fx the read path alone; writer %5.2fx the client's read rate "
            "(%.0f ns/frame), on disk %.3f of the lines, peak queue %.1f MB\n",
            name.c_str() + 27, read_ns / b.read_ns, read_ns / b.writer_ns, b.writer_ns, b.ratio_on_disk, b.peak_mb);
      }
    }
  }

 private:
  std::map<std::string, double> rate_;
  std::set<std::string> medians_;
  struct Background {
    double read_ns, writer_ns, peak_mb, ratio_on_disk;
  };
  std::map<std::string, Background> background_;
};

}  // namespace

int main(int argc, char** argv) {
  self_check();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
