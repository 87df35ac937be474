#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace kucoin::apps {

struct RecordOptions {
  std::string url = "https://api.kucoin.com";  // REST base URL: KuCoin, or the mock
  std::vector<std::string> symbols{"BTC-USDT"};
  // level2 (full books: snapshots at start and on every resync), ticker, match, depth5, depth50,
  // level1, snapshot, or a channel ("/market/ticker").
  std::vector<std::string> topics{"level2"};
  std::string out;            // capture file; ".zst" compresses
  double seconds = 0;         // stop after this long (0: at Ctrl-C / SIGTERM)
  double rotate_mb = 0;       // > 0: a new file after this many MB (uncompressed)
  double rotate_minutes = 0;  // > 0: a new file after this many minutes
  int zstd_level = 1;  // about twice the rate of level 3 for 10% more disk (bench/README.md#captures-bench_capture)
  unsigned zstd_workers = 1;  // threads of libzstd's own compressing .zst files (0: on the recorder's thread)
  int progress_ms = 1'000;    // a progress line this often (0: none)
  // Frames read and not yet written, at most (MB; 0: no bound): past it the reading waits for the
  // writer (the socket holds the stream back; recordings/README.md#keeping-up).
  double max_queue_mb = 256;
  std::string ca_file;  // also trust this CA (the mock's --ca-out)
  std::string note;     // provenance written into the header
  // KuCoin Futures: `url` is the futures host (the app defaults it to https://api-futures.kucoin.com),
  // `symbols` contracts (XBTUSDTM), level2 is /contractMarket/level2 with /api/v1/level2/snapshot
  // snapshots and the contract list /api/v1/contracts/active; the header says "venue":"futures".
  bool futures = false;
};

// Records a session: WebSocket frames of the topics, REST answers (symbols, snapshots at start,
// on every resync and at every rotation), lifecycle events. Returns 0 when the capture was closed
// cleanly, 1 on a write error, 2 on bad options.
int run_record(const RecordOptions& options, std::ostream& out, std::ostream& err);

}  // namespace kucoin::apps
