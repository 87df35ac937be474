// Which data frame a mock WebSocket session writes next: the market policy of one connection,
// without I/O. Per data topic one stream:
//   /market/level2             pulls a LiveMarket::Subscription (the stream faults apply);
//   /spotMarket/level2Depth5|50 the truth's top every 100 ms when it changed (kucoin-protocol.md §6.2);
//   /market/ticker             best bid/ask, engine sequence and last trade, at most every 100 ms when
//                              the sequence moved (§8.1);
//   /spotMarket/level1         best bid and ask, looked at every 10 ms, sent when one changed (§6.3);
//   /market/snapshot           the 24-hour figures every 2 s when the sequence moved (§8.1);
//   /market/match              one frame per trade the market produced after the subscription, in
//                              order (each took its size from the level it hit, as the level2
//                              stream shows), read from the market's trade log every 10 ms.
// A futures market (LiveMarketConfig::venue) streams /contractMarket/level2 like /market/level2 and
// /contractMarket/level2Depth5|50 like the spot depth channels; its other channels stay silent.
// Frames carry the market's own times (the time of the last level2 message or trade), so their
// content depends on the market's position only (depth frames carry the wall clock's ms). A
// symbol whose level2 no stream of the connection pulls is moved on by the scheduler itself
// (`unstreamed_market_rate`), so that its top of book, ticker and trades move. The scheduler goes
// round-robin over the streams and applies the pace (frames per second per level2 stream), the
// market's stalls, disconnects and token expiries, and the slow-reader policy (frames due beyond a
// backlog are dropped, as KuCoin drops them for slow consumers).
//
// Pure: every decision depends on the streams' positions (frames handed out or dropped), the
// market's position and the time of an injected FeedClock, read only when a decision needs it; the
// session (mockserver/src/server/ws_session.cpp) writes the frames and waits on timers.
// Unit-tested with a fake clock. Not thread-safe: one per connection, used on the connection's strand.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/mock/capture_source.hpp"
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
  // > 0: a replay (serve --replay --speed X). A level2 frame with a recorded receive time
  // (FeedEvent::time_ns) is due its recorded distance from the stream's first frame, divided by
  // this, after that first frame went out (stalls move it on); frames without one are due at once.
  // pace_per_symbol does not apply to such frames.
  double replay_speed = 0;
  // A replay's recorded ticker and match frames (CaptureSource::topics of every symbol): a stream
  // of a topic found here hands them out as recorded, each once the market has produced the level2
  // messages that came before it (looked at every match_interval), instead of frames made from
  // the truth.
  std::shared_ptr<const RecordedTopics> recorded = nullptr;
  // > 0 with a pace: a stream whose frames are due but not written beyond this many loses the
  // oldest ones (WsFaults::slow_reader_backlog).
  std::size_t slow_reader_backlog = 0;
  // level2Depth5/50: at most one frame per interval and stream, only when the truth moved.
  std::chrono::milliseconds depth_interval{100};
  // A symbol that some stream of the connection watches (depth, ticker, level1, snapshot, match)
  // but no level2 stream of the connection moves: the market moves on by itself, every
  // `unstreamed_market_interval` by that interval's share of the pace (or of this rate without
  // one; at least one message), from the stream's subscription on.
  double unstreamed_market_rate = 100;  // messages per second
  std::chrono::milliseconds unstreamed_market_interval{100};
  // /market/ticker: at most one frame per interval and stream, when the truth's sequence moved.
  std::chrono::milliseconds ticker_interval{100};
  // /spotMarket/level1: the truth is looked at once per interval; a frame when the best bid or
  // ask (price or size) changed.
  std::chrono::milliseconds level1_interval{10};
  // /market/snapshot: at most one frame per interval and stream, when the truth's sequence moved.
  std::chrono::milliseconds snapshot_interval{2'000};
  // /market/match: how often the market's trade log is read (then one frame per trade).
  std::chrono::milliseconds match_interval{10};
  // A level2 stream waiting at a planned snapshot point (FeedEvent::Kind::hold) stops the whole
  // connection, so that the order of frames across its streams stays a function of their
  // positions; it is looked at again after this long, and released (LiveMarket::release_hold)
  // after the event's hold_ms.
  std::chrono::milliseconds hold_poll{2};
};

// What the session does next.
struct FeedStep {
  enum class Kind : std::uint8_t {
    frame,          // write `frame`
    wait,           // nothing is due now: wait until `wake_at` (max(): until something else happens)
    disconnect,     // market fault: drop the connection (TCP close without a close frame, §5.7)
    token_expiry,   // market fault: {"type":"error","code":401,"data":"token is expired"}, then close
    network_stall,  // network event: nothing leaves the connection for `stall_ms` (fault_plan.hpp)
    handover,       // network event: every connection is cut, later ones are slower (fault_plan.hpp)
  } kind = Kind::wait;
  std::int64_t stall_ms = 0;  // kind == network_stall
  // kind == frame. Valid until the next call of next() or collect(); enforce_backlog() leaves it
  // valid (with the slow-reader policy on, the scheduler hands out its own copy).
  std::string_view frame;
  FeedTime wake_at = FeedTime::max();
};

// Frames of one stream dropped for a slow reader (WsServerEvent::Kind::slow_reader_drop): level2
// frames beyond the backlog, or trades a match stream read too late (the market no longer kept them).
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

  // Starts a stream for `topic` when its channel streams and its symbol is listed: /market/level2
  // (a subscription from the market's next message on), /market/match (the trades from the
  // market's next one on), or /spotMarket/level2Depth5/50, /market/ticker, /spotMarket/level1,
  // /market/snapshot (the first frame is due at once). False for every other topic: the
  // connection holds it, silent.
  bool add(const DataTopic& topic, FeedTime now);
  // Stops the streams of `topic`. They are destroyed by collect(), so a frame being written stays valid.
  void remove(std::string_view topic);
  // Destroys removed streams; call when no frame from next() is in use any more.
  void collect();

  // The next step: a frame (round-robin: the stream after the one that gave the last frame goes
  // first), a market fault, or a wait. Frames handed out or dropped are the stream's position;
  // with a pace the Nth frame of a stream is due (N-1)/pace seconds after it started (stalls move
  // that start on, so no backlog builds up while the market is silent). Unstreamed symbols are
  // moved on first, by every step due since the last call.
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
  enum class Stream : std::uint8_t { level2, depth, ticker, level1, snapshot, match };
  struct Feed {
    DataTopic topic;
    Stream stream = Stream::level2;
    std::unique_ptr<LiveMarket::Subscription> sub;  // level2 only
    int depth = 0;                                  // 5 or 50 for level2Depth streams
    FeedTime start{};                               // pace origin (moved on by stalls)
    FeedTime stalled_until{};
    FeedTime next_check{};                    // depth, ticker, level1, snapshot, match: the next look at the market
    std::int64_t seen_sequence = -1;          // depth, ticker, level1, snapshot: the truth's sequence last looked at
    std::uint64_t trade_cursor = 0;           // ticker, match: the number of the next trade to read
    std::optional<Trade> last_trade;          // ticker: the newest trade up to the truth last sent
    std::optional<L2Level> bid, ask;          // level1: the top in the last frame
    std::deque<Trade> trades;                 // match: read, not yet handed out
    SymbolInfo info;                          // snapshot: the symbol's listing
    std::uint64_t sent = 0;                   // frames handed out or dropped
    const RecordedTopic* recorded = nullptr;  // ticker, match of a replay: the recorded frames
    std::uint64_t recorded_next = 0;          // the number of the next one (RecordedTopic::at)
    std::string ahead;                        // replay_speed: the frame pulled and not yet due
    std::int64_t ahead_ns = -1;               // its recorded time
    std::int64_t origin_ns = -1;              // the recorded time of the stream's first frame
    bool has_ahead = false;
    FeedTime hold_since{};  // when the stream began to wait at a snapshot point
    bool holding = false;
    bool stalled = false;
    bool ended = false;
    bool removed = false;
  };
  // A symbol watched by a stream other than level2: moved on by the scheduler while no level2
  // stream of the connection pulls it.
  struct Mover {
    std::string symbol;
    FeedTime start{};
    std::uint64_t steps = 0;  // steps of unstreamed_market_interval accounted for since `start`
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
  void move_markets(FeedTime now);
  // The next frame of a stream that looks at the truth (every kind but level2), or a wait.
  FeedStep truth_step(Feed& f, std::size_t index, Now& now, FeedClock& clock, FeedTime& wake_at);
  // True when the stream's next look at the market is due (and schedules the one after it).
  bool check_due(Feed& f, std::chrono::milliseconds interval, Now& now, FeedTime& wake_at);
  bool ticker_frame(Feed& f);
  bool level1_frame(Feed& f);
  bool snapshot_frame(Feed& f);
  bool match_frame(Feed& f, Now& now, FeedTime& wake_at);
  bool recorded_frame(Feed& f, Now& now, FeedTime& wake_at);
  // A level2 frame of a replay paced by its recorded times (replay_speed), or a wait/fault.
  std::optional<FeedStep> replay_step(Feed& f, std::size_t index, Now& now, FeedTime& wake_at);
  // A non-frame event of a stream (stall, end) or a market fault (returned).
  FeedStep on_event(Feed& f, const FeedEvent& ev, Now& now, FeedTime& wake_at);
  // Drops up to `n` frames of `f` for a slow reader; a market fault met on the way is returned.
  FeedStep drop(Feed& f, std::uint64_t n, Now& now, FeedTime& wake_at);

  LiveMarket* market_;
  FeedSchedulerConfig config_;
  bool plans_snapshots_ = false;  // the market may hold streams at snapshot points
  std::vector<Feed> feeds_;
  std::size_t rr_ = 0;  // where the next round starts
  std::vector<Mover> movers_;
  std::string topic_frame_;  // the frame of a non-level2 stream handed out
  std::string frame_copy_;   // the level2 frame handed out, with the slow-reader policy
  std::vector<MarketTrade> trade_scratch_;
  std::vector<FeedDrop> drops_;
};

}  // namespace kucoin::mock
