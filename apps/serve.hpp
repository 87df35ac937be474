#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace kucoin::apps {

struct ServeOptions {
  std::string config_file;  // YAML (mockserver/README.md); flags below override it
  // A scenario file (scenarios/README.md): its market, REST settings and faults, and the runner's
  // test key (printed at start); --host, --port, --tls, --ca-out, --threads and --quiet apply.
  std::string scenario;
  std::string host;  // default 127.0.0.1
  int port = -1;     // -1: from the config (default 0 = any free port)
  bool tls = false;
  std::string cert_file, key_file;
  std::string ca_out;  // write the PEM clients should trust here
  std::string api_key, api_secret, api_passphrase;
  int key_version = 2;
  std::int64_t clock_offset_ms = 0;
  std::vector<std::string> symbols;
  // KuCoin Futures contracts ("XBTUSDTM"): the mock also serves the futures host on its own port
  // (a live futures market with --levels, --seed and --messages; paced like the spot one).
  std::vector<std::string> futures_symbols;
  // The market: --live streams level2 (and depth5/50) from one truth per symbol that REST
  // snapshots share; otherwise snapshots only (GeneratedMarket). 0 / empty: from the config.
  bool live = false;
  std::size_t levels = 0;
  std::int64_t seed = -1;
  std::uint64_t messages = 0;  // live: per symbol, then the stream ends (0: endless)
  double pace = -1;            // live: level2 frames per second per symbol (0: as fast as the socket takes them)
  bool realism = false;        // values off the increments, as real KuCoin books have (mock::Realism::real())
  unsigned threads = 0;        // 0: from the config (default 1)
  bool quiet = false;          // no request log on stderr
  // --replay: serve a capture (kucoin/mock/capture_source.hpp) instead of a generated market.
  std::string replay;
  std::string speed = "1";  // frames at their recorded spacing divided by X, or "max"
  std::string from;         // a sequence, or a time into the capture ("12.5s"); empty: the start
  bool loop = false;        // start over at the end (the sequence moves on)
};

// Starts the mock KuCoin server, prints the URLs it listens on, serves until SIGINT/SIGTERM.
// Returns the process exit status.
int run_serve(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace kucoin::apps
