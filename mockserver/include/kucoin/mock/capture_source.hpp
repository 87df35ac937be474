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
// after the last message handed out, which LiveMarket serves) is exact. A message served as it was
// recorded goes out byte for byte (frame()); only the messages the source had to change (a
// trimmed straddle, a bridge, the sequences of a later loop pass) are encoded again. Each message
// carries its receive time (time_ns(), later loop passes shifted by a pass's span), so that a
// replay keeps the recorded spacing. Pure.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kucoin/capture/capture_codec.hpp"
#include "kucoin/core/result.hpp"
#include "kucoin/mock/live_market.hpp"

namespace kucoin::mock {

// The recorded frames of one of a capture's other data topics (/market/ticker:S, /market/match:S),
// each with the level2 position it followed: how many of the symbol's messages (as CaptureSource
// hands them out) came before it. A replay hands a frame out, byte for byte, once the market has
// produced the next message (a paced level2 stream takes its next message from the market before
// it is due) or the stream has ended; so the topics keep their recorded order against the book.
struct RecordedTopic {
  std::vector<std::pair<std::uint64_t, std::string>> frames;  // (position, bytes), in receive order
  std::uint64_t messages = 0;                                 // the level2 messages of one pass
  bool loop = false;  // passes repeat, each one message longer (the loop's bridge)

  // The kth frame of the whole replay (later passes repeat the frames, their positions moved on):
  // its position and bytes, or nullptr past the end.
  const std::string* at(std::uint64_t k, std::uint64_t& position) const;
  // Whether a frame at `position` is due once the market has produced `produced` messages
  // (`ended`: and its stream has ended, so the frames after the last message are due too).
  static bool due(std::uint64_t position, std::uint64_t produced, bool ended) noexcept {
    return position < produced || ended;
  }
};
// Keyed by the topic ("/market/ticker:BTC-USDT").
using RecordedTopics = std::map<std::string, RecordedTopic, std::less<>>;

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
  std::string_view frame() const override { return current_frame_; }
  std::int64_t time_ns() const override { return current_time_; }

  std::size_t messages() const noexcept { return msgs_.size(); }  // per pass, from the start point
  std::int64_t duration_ns() const noexcept;                      // capture time the messages span
  std::uint64_t bridges() const noexcept { return bridges_; }     // gaps of the recording bridged
  // The symbol's ticker and match frames, from the start point on.
  const RecordedTopics& topics() const noexcept { return topics_; }

 private:
  CaptureSource() = default;
  struct Book;
  void apply(const L2Update& u);

  std::string symbol_;
  SymbolScale scale_{};
  L2Snapshot initial_;
  std::vector<L2Update> msgs_;
  std::vector<std::int64_t> times_;  // capture mono_ns of each message
  std::vector<std::string> frames_;  // the recorded bytes of each message (empty: changed, encode it)
  std::shared_ptr<Book> book_;       // the book after the last message handed out
  std::size_t cursor_ = 0;
  bool loop_ = false;
  std::int64_t offset_ = 0;       // added to sequences on later passes
  std::int64_t last_ = 0;         // sequenceEnd of the last message handed out
  std::int64_t time_offset_ = 0;  // added to times on later passes
  L2Update current_;
  std::string_view current_frame_;
  std::int64_t current_time_ = -1;
  std::uint64_t bridges_ = 0;
  RecordedTopics topics_;
};

// Every symbol of the capture with a snapshot (in the header's order, then as found).
Result<std::vector<std::unique_ptr<CaptureSource>>> capture_sources(const capture::CaptureContents& capture,
                                                                    const CaptureSourceOptions& options);

}  // namespace kucoin::mock
