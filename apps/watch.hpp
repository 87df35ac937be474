#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace kucoin::apps {

struct WatchOptions {
  std::string url = "https://api.kucoin.com";  // KuCoin, or the mock (`kucoin-harness serve --live`)
  std::vector<std::string> symbols{"BTC-USDT"};
  // KuCoin Futures: `url` is the futures host (https://api-futures.kucoin.com, or the mock's
  // futures URL from `serve --futures-symbols`), `symbols` are contracts (XBTUSDTM); sizes are lots.
  bool futures = false;
  int depth = 0;            // 0: full level2 books; 5 or 50: the level2Depth channels
  double seconds = 0;       // stop after this long (0: at Ctrl-C)
  int interval_ms = 1'000;  // a status line per book this often
  std::string ca_file;      // also trust this CA (PEM) for https:// and wss:// (the mock's --ca-out)
  bool events = false;      // print every book event but updates
  std::string dump;         // write every book to this file as one JSON object when stopping
};

// Live books from a KuCoin-compatible server: connection states and book events as they happen,
// and per book every interval its status, sequence, best bid/ask, depth, update rate and resyncs.
// Credentials (for full signed snapshots; else level2_100) come from the environment:
// KUCOIN_API_KEY, KUCOIN_API_SECRET, KUCOIN_API_PASSPHRASE, KUCOIN_API_KEY_VERSION (default 2).
// With `dump`, every book is written to that file when it stops (see kucoin/book/book_json.hpp),
// keyed by symbol ("SYMBOL@depth5" for depth books); an unwritable path is a usage error at once.
// Returns 0 when every book was synced at the end, 1 when one was not, 2 on bad options.
int run_watch(const WatchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace kucoin::apps
