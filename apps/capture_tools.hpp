// The offline capture commands: import, inspect, replay (recordings/README.md).
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

namespace kucoin::apps {

struct ImportOptions {
  std::string frame_log;  // JSON lines {"recv_ns","kind","url","payload"}
  std::string out;        // capture file (".zst": compressed)
};
// 0: imported (a truncated last line is reported and the rest kept); 1: a damaged line stopped
// the import (the lines before it are written); 2: unreadable input or unwritable output.
int run_import(const ImportOptions& options, std::ostream& out, std::ostream& err);

struct InspectOptions {
  std::string file;
};
// Symbols, spans, message counts, gaps, resyncs, disconnects. 0, or 2 when unreadable.
int run_inspect(const InspectOptions& options, std::ostream& out, std::ostream& err);

struct ReplayOptions {
  std::string file;
  std::string symbol;  // empty: every symbol
  std::string at;      // a sequence, or a time into the capture ("12.5s", "1500ms"); empty: the end
  std::size_t ladder = 10;
  std::string dump;    // write the books here (the format of `watch --dump`)
  bool quiet = false;  // only the summary and failed checks, not every gap/resync/synced line
};
// 0 when every check passed, 1 when one failed (a crossed book, a ticker that disagrees with the
// book, a frame that did not decode), 2 on bad options or an unreadable capture.
int run_replay(const ReplayOptions& options, std::ostream& out, std::ostream& err);

}  // namespace kucoin::apps
