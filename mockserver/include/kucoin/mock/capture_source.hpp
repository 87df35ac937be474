// A capture (kucoin/capture) as the mock's market source: one L2Source per symbol, for
// `serve --replay` and for scenario markets (LiveMarket takes the sources; its stream faults
// apply on top, e.g. a gap at message N of a real session).
//
// What a client sees is the recorded session's book, message by message: the source starts from
// the capture's first REST snapshot of the symbol and hands out the level2 messages the recording
// client applied after it (duplicates and messages the snapshot covered dropped, a straddling
// message trimmed to its changes above the book). Where the recorded stream had a gap, the capture
// holds the snapshot its client resynced from: the source bridges the hole with one message that
// turns the book before the gap into that snapshot (sequenceStart the next sequence, sequenceEnd
// the snapshot's), so that the served stream stays continuous and every REST snapshot (the book
// after the last message handed out, which LiveMarket serves) is exact. The frames are encoded
// again from the decoded messages (the same values; number formatting may differ from KuCoin's).
// Pure.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kucoin/capture/capture_codec.hpp"
#include "kucoin/core/result.hpp"
#include "kucoin/mock/live_market.hpp"

namespace kucoin::mock {

struct CaptureSourceOptions {
  // Start here: the book as it stood at this sequence (the last message ending at or below it),
  // or this far (ns) into the capture. Unset: at the first snapshot.
  std::optional<std::int64_t> from_sequence;
  std::optional<std::int64_t> from_offset_ns;
  // At the end, start over: one message turns the final book back into the first, with the
  // sequence moving on (the stream never goes backwards), then the messages again.
  bool loop = false;
};

class CaptureSource final : public L2Source {
 public:
  // Errc::invalid_argument when the capture has no usable snapshot of `symbol`.
  static Result<std::unique_ptr<CaptureSource>> create(const capture::CaptureContents& capture,
                                                       const std::string& symbol, CaptureSourceOptions options = {});

  const std::string& symbol() const override { return symbol_; }
  SymbolScale scale() const override { return scale_; }
  const L2Update* next() override;
  L2Snapshot snapshot() const override;

  std::size_t messages() const noexcept { return msgs_.size(); }  // per pass, from the start point
  std::int64_t duration_ns() const noexcept;                      // capture time the messages span
  std::uint64_t bridges() const noexcept { return bridges_; }     // gaps of the recording bridged

 private:
  CaptureSource() = default;
  struct Book;
  void apply(const L2Update& u);

  std::string symbol_;
  SymbolScale scale_{};
  L2Snapshot initial_;
  std::vector<L2Update> msgs_;
  std::vector<std::int64_t> times_;  // capture mono_ns of each message
  std::shared_ptr<Book> book_;       // the book after the last message handed out
  std::size_t cursor_ = 0;
  bool loop_ = false;
  std::int64_t offset_ = 0;  // added to sequences on later passes
  std::int64_t last_ = 0;    // sequenceEnd of the last message handed out
  L2Update current_;
  std::uint64_t bridges_ = 0;
};

// Every symbol of the capture with a snapshot (in the header's order, then as found).
Result<std::vector<std::unique_ptr<CaptureSource>>> capture_sources(const capture::CaptureContents& capture,
                                                                    const CaptureSourceOptions& options);

}  // namespace kucoin::mock
