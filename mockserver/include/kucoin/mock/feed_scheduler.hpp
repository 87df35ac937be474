// Which data frame a mock WebSocket session writes next: the market policy of one connection,
// without I/O. Per data topic one stream: /market/level2 pulls a LiveMarket::Subscription,
// level2Depth5/50 sends the truth's top every 100 ms when it changed (kucoin-protocol.md §6.2). The
// scheduler goes round-robin over the streams and applies the pace (frames per second per stream),
// the market's stalls, disconnects and token expiries, and the slow-reader policy (frames due
// beyond a backlog are dropped, as KuCoin drops them for slow consumers).
//
// Pure: every decision depends on the streams' positions (frames handed out or dropped) and on the
// time of an injected FeedClock, read only when a decision needs it; the session (mockserver/src/
// server/ws_session.cpp) writes the frames and waits on timers. Unit-tested with a fake clock.
// Not thread-safe: one per connection, used on the connection's strand.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/ws_logic.hpp"

namespace kucoin::mock {

using FeedTime = std::chrono::steady_clock::time_point;

// The time as the scheduler sees it: the real clocks in the server, a fake clock in tests.
class FeedClock {
 public:
  virtual ~FeedClock() = default;
  virtual FeedTime now() = 0;          // monotonic: pace, stalls, depth cadence
  virtual std::int64_t wall_ms() = 0;  // Unix ms: the `timestamp` of depth frames
};

struct FeedSchedulerConfig {
  // level2 frames per second per stream; 0: as fast as the session writes them.
  double pace_per_symbol = 0;
  // > 0 with a pace: a stream whose frames are due but not written beyond this many loses the
  // oldest ones (WsFaults::slow_reader_backlog).
  std::size_t slow_reader_backlog = 0;
  // level2Depth5/50: at most one frame per interval and stream, only when the truth moved.
  std::chrono::milliseconds depth_interval{100};
  // level2Depth5/50 of a symbol that no level2 stream of the connection moves: the market moves on
  // by itself at the pace (or this rate without one), so that the top of book changes.
  double unpaced_depth_market_rate = 100;  // messages per second
  // A level2 stream waiting at a planned snapshot point (FeedEvent::Kind::hold) stops the whole
  // connection, so that the order of frames across its streams stays a function of their
  // positions; it is looked at again after this long, and released (LiveMarket::release_hold)
  // after the event's hold_ms.
  std::chrono::milliseconds hold_poll{2};
};

// What the session does next.
struct FeedStep {
  enum class Kind : std::uint8_t {
    frame,         // write `frame`
    wait,          // nothing is due now: wait until `wake_at` (max(): until something else happens)
    disconnect,    // market fault: drop the connection (TCP close without a close frame, §5.7)
    token_expiry,  // market fault: {"type":"error","code":401,"data":"token is expired"}, then close
  } kind = Kind::wait;
  // kind == frame. Valid until the next call of next() or collect(); enforce_backlog() leaves it
  // valid (with the slow-reader policy on, the scheduler hands out its own copy).
  std::string_view frame;
  FeedTime wake_at = FeedTime::max();
};

// Frames of one stream dropped for a slow reader (WsServerEvent::Kind::slow_reader_drop).
struct FeedDrop {
  std::string topic;
  std::uint64_t count = 0;
};

class FeedScheduler {
 public:
  // `market` may be null (a market that does not stream): every topic is silent. It must outlive
  // the scheduler.
  FeedScheduler(LiveMarket* market, FeedSchedulerConfig config);
  ~FeedScheduler();
  FeedScheduler(const FeedScheduler&) = delete;
  FeedScheduler& operator=(const FeedScheduler&) = delete;

  // Starts a stream for `topic` when its channel streams: /market/level2 of a listed symbol (a
  // subscription from the market's next message on) or /spotMarket/level2Depth5/50 (the first top
  // of book is due at once). False for every other topic: the connection holds it, silent.
  bool add(const DataTopic& topic, FeedTime now);
  // Stops the streams of `topic`. They are destroyed by collect(), so a frame being written stays valid.
  void remove(std::string_view topic);
  // Destroys removed streams; call when no frame from next() is in use any more.
  void collect();

  // The next step: a frame (round-robin: the stream after the one that gave the last frame goes
  // first), a market fault, or a wait. Frames handed out or dropped are the stream's position;
  // with a pace the Nth frame of a stream is due (N-1)/pace seconds after it started (stalls move
  // that start on, so no backlog builds up while the market is silent).
  FeedStep next(FeedClock& clock);

  // The slow-reader policy while a write may be stuck: every paced level2 stream with more than
  // `slow_reader_backlog` frames due and not written at `now` drops the oldest ones. Returns a
  // market fault met while dropping, else a wait. No-op unless slow_reader_policy().
  FeedStep enforce_backlog(FeedTime now);
  bool slow_reader_policy() const noexcept { return config_.pace_per_symbol > 0 && config_.slow_reader_backlog > 0; }

  // Drops since clear_drops(), in order (one entry per stream and occasion).
  const std::vector<FeedDrop>& drops() const noexcept { return drops_; }
  void clear_drops() { drops_.clear(); }

  // Streams held (removed ones until collect()).
  std::size_t size() const noexcept { return feeds_.size(); }

 private:
  struct Feed {
    DataTopic topic;
    std::unique_ptr<LiveMarket::Subscription> sub;  // level2; null for depth streams
    int depth = 0;                                  // 5 or 50 for level2Depth streams
    FeedTime start{};                               // pace origin (moved on by stalls)
    FeedTime stalled_until{};
    FeedTime next_depth{};
    std::int64_t depth_sequence = -1;  // the truth's sequence in the last depth frame
    std::uint64_t sent = 0;            // frames handed out or dropped
    FeedTime hold_since{};             // when the stream began to wait at a snapshot point
    bool holding = false;
    bool stalled = false;
    bool ended = false;
    bool removed = false;
  };
  // Lazily read time: at most one clock read per call, none when nothing depends on it.
  struct Now {
    FeedClock* clock = nullptr;
    FeedTime value{};
    bool read = false;
    FeedTime get();
  };

  std::uint64_t due(const Feed& f, FeedTime now) const;
  bool streamed(std::string_view symbol) const;
  FeedStep depth_step(Feed& f, std::size_t index, Now& now, FeedClock& clock, FeedTime& wake_at);
  // A non-frame event of a stream (stall, end) or a market fault (returned).
  FeedStep on_event(Feed& f, const FeedEvent& ev, Now& now, FeedTime& wake_at);
  // Drops up to `n` frames of `f` for a slow reader; a market fault met on the way is returned.
  FeedStep drop(Feed& f, std::uint64_t n, Now& now, FeedTime& wake_at);

  LiveMarket* market_;
  FeedSchedulerConfig config_;
  std::vector<Feed> feeds_;
  std::size_t rr_ = 0;       // where the next round starts
  std::string depth_frame_;  // the depth frame handed out
  std::string frame_copy_;   // the level2 frame handed out, with the slow-reader policy
  std::vector<FeedDrop> drops_;
};

}  // namespace kucoin::mock
