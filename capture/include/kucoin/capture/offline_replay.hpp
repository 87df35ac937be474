// Offline replay of a capture through the client's own level2 core (L2Decoder, L2Synchronizer),
// record by record, with the checks of `kucoin-harness replay`: every gap and resync, the first
// point where a book crosses, every ticker (/market/ticker carries the engine sequence, best bid
// and best ask) that disagrees with the book at its sequence, frames that do not decode.
//
// It follows what the recorded client did: the REST snapshots in the capture
// (/api/v3/market/orderbook/level2, level2_100, level2_20 answers) are the only snapshots, the
// symbol list (/api/v2/symbols) gives the decimals, a `resync` record or the end of a connection
// that carried a symbol's level2 frames (unless the recording stopped it) makes the book wait for
// the next snapshot. Futures captures (`record --futures`) go through the same synchronizer:
// /contractMarket/level2 frames (FuturesDecoder, one change a message, continuity sequence ==
// last + 1), /api/v1/level2/snapshot (depth20/100) answers, and /api/v1/contracts/active for the
// tick sizes; sizes stay in lots. Pure.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/book/book_tracker.hpp"  // BookView
#include "kucoin/book/l2_synchronizer.hpp"
#include "kucoin/capture/record.hpp"
#include "kucoin/core/result.hpp"

namespace kucoin::capture {

// Where to stop: a sequence of the chosen symbol's book, or a time into the capture.
struct ReplayPoint {
  enum class Kind : std::uint8_t { end, sequence, offset } kind = Kind::end;
  std::int64_t value = 0;  // sequence, or ns since the header's start_mono_ns
};
// "14610502970" (a sequence), "12.5s", "1500ms", "250us", "10ns" (a time into the capture).
Result<ReplayPoint> parse_replay_point(std::string_view text);

struct ReplayFinding {
  enum class Kind : std::uint8_t {
    gap,               // the synchronizer found a gap (the book waits for a snapshot)
    resync,            // the book waits for a snapshot (a resync record, a disconnect, a bad snapshot)
    synced,            // a snapshot made the book exact
    crossed,           // the book crossed (best bid >= best ask)
    ticker_mismatch,   // a ticker's best bid/ask differs from the book at the ticker's sequence
    decode_error,      // a frame or snapshot that did not decode
    snapshot_refused,  // a snapshot the synchronizer could not use
  } kind = Kind::gap;
  std::string symbol;
  std::uint64_t record = 0;  // 0-based index of the record (the header not counted)
  std::int64_t mono_ns = 0;
  std::int64_t sequence = 0;
  std::string detail;
  bool failed_check() const noexcept {
    return kind == Kind::crossed || kind == Kind::ticker_mismatch || kind == Kind::decode_error;
  }
};
std::string_view to_string(ReplayFinding::Kind k) noexcept;

struct SymbolSummary {
  std::string symbol;
  std::uint64_t updates = 0;    // level2 frames of this symbol
  std::uint64_t snapshots = 0;  // snapshot answers seen
  std::uint64_t gaps = 0;
  std::uint64_t resyncs = 0;
  std::uint64_t tickers = 0;          // ticker frames
  std::uint64_t tickers_checked = 0;  // compared with the book at their sequence
  std::uint64_t tickers_mismatched = 0;
  std::uint64_t tickers_unchecked = 0;  // no book at exactly their sequence (not synced, inside a batch, too old)
  std::uint64_t matches = 0;            // match frames
  std::int64_t first_sequence = 0, last_sequence = 0;  // of the level2 frames
  bool synced = false;                                 // at the stop point
  std::size_t exact_depth = SIZE_MAX;                  // levels per side known exact (level2_100 snapshots: 100)
};

struct ReplayOptions {
  std::string symbol;  // empty: every symbol
  ReplayPoint at;
  std::size_t ticker_history = 100'000;  // book tops kept per symbol to check late tickers
};

class OfflineReplay {
 public:
  explicit OfflineReplay(ReplayOptions options = {});
  ~OfflineReplay();
  OfflineReplay(const OfflineReplay&) = delete;
  OfflineReplay& operator=(const OfflineReplay&) = delete;

  void on_header(const CaptureHeader& header);
  // False once the stop point is reached (the record that reached it was applied).
  bool on_record(const CaptureRecord& record);
  // Tickers still waiting for their sequence are counted as unchecked.
  void finish();

  bool stopped_at_point() const noexcept { return stopped_; }
  std::uint64_t records() const noexcept { return records_; }
  const std::vector<ReplayFinding>& findings() const noexcept { return findings_; }
  std::vector<SymbolSummary> summaries() const;
  // The books (symbols in the order first seen). `view.book` stays valid until the next record.
  std::vector<BookView> books() const;
  const L2Book* book(std::string_view symbol) const;
  bool checks_passed() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool stopped_ = false;
  std::uint64_t records_ = 0;
  std::vector<ReplayFinding> findings_;
};

}  // namespace kucoin::capture
