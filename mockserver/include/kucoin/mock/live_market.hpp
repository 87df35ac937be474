// LiveMarket: the mock's market that knows the truth. Per symbol one sequence counter is shared by
// the WebSocket stream and the REST snapshot, so a client's book can be compared with the truth.
// Pure: no I/O, no clock. The WebSocket side pulls frames through a Subscription; stream faults
// (gaps, duplicates, reordering, sequence jumps/resets, stalls, disconnects, token expiry) fire on
// deterministic triggers. The same seed and faults give byte-identical frames every run.
// Thread-safe (one mutex): REST and WebSocket threads may call it concurrently.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kucoin/mock/market.hpp"
#include "kucoin/mock/market_generator.hpp"
#include "kucoin/mock/snapshot_plan.hpp"
#include "kucoin/protocol/futures_messages.hpp"
#include "kucoin/protocol/ws_topic.hpp"  // kucoin::Market

namespace kucoin::mock {

// A source of level2 messages for one symbol with its own truth (generated or recorded).
class L2Source {
 public:
  virtual ~L2Source() = default;
  virtual const std::string& symbol() const = 0;
  virtual SymbolScale scale() const = 0;
  // The next message, or nullptr when the source has no more.
  virtual const L2Update* next() = 0;
  // The full book after the last message returned by next() (before any: the initial book).
  virtual L2Snapshot snapshot() const = 0;
  // The trades that the last message returned by next() stands for (none for a source that
  // knows of no trades).
  virtual std::span<const Trade> trades() const { return {}; }
  // A recorded source: the bytes the last message arrived as, when they still say exactly what it
  // says (served as they are unless a fault moved its sequences), else empty (encoded from it);
  // and its receive time in ns (paces a replay by the recorded spacing), -1 when unknown.
  virtual std::string_view frame() const { return {}; }
  virtual std::int64_t time_ns() const { return -1; }
};

// MarketGenerator as an L2Source (endless unless `limit` > 0).
class GeneratedSource final : public L2Source {
 public:
  explicit GeneratedSource(GeneratorConfig config, std::uint64_t limit = 0);
  const std::string& symbol() const override { return gen_.config().symbol; }
  SymbolScale scale() const override { return gen_.config().scale; }
  const L2Update* next() override;
  L2Snapshot snapshot() const override { return gen_.snapshot(); }
  std::span<const Trade> trades() const override { return gen_.trades(); }

 private:
  MarketGenerator gen_;
  std::uint64_t limit_;
  std::uint64_t produced_ = 0;
};

// When a fault fires. message: the symbol's Nth message (1-based, counting every message the
// market produced); sequence: the first message whose sequenceEnd reaches this value;
// after_subscribe: the Nth message delivered to a subscription since it subscribed;
// after_snapshot: the Nth message after the state the symbol's first REST snapshot showed (so
// that a client has usually synced when the fault hits); with planned snapshots that state is
// known when the first subscription starts, so the trigger's position never depends on timing.
// With `snapshot` = N > 1, after_snapshot counts from the state the symbol's Nth REST snapshot
// showed (a planned point: where it is depends on the stream only); not before it was served.
struct Trigger {
  enum class Kind : std::uint8_t { message, sequence, after_subscribe, after_snapshot } kind = Kind::message;
  std::int64_t value = 1;
  std::int64_t snapshot = 1;  // after_snapshot: which of the symbol's snapshots (1: the first)
};

struct StreamFault {
  enum class Kind : std::uint8_t {
    drop,            // count messages are not delivered (a gap); the truth moves on
    duplicate,       // the message is delivered count + 1 times
    reorder,         // the message is held back and delivered after the next count messages
    sequence_jump,   // every later sequence (stream and snapshots) is raised by `amount`
    sequence_reset,  // the counter restarts: the next message starts at `amount`
    stall,           // nothing more for this symbol for count milliseconds (pings go on)
    disconnect,      // the server closes the connection (the message is lost)
    token_expiry,    // the server sends {"type":"error","code":401,"data":"token is expired"} and closes
    // Network events (fault_plan.hpp), fired on the stream like the others, applied by the session:
    network_stall,  // nothing at all leaves the connection for count ms (pongs neither); nothing is lost
    handover,       // every WebSocket connection is cut at once; later ones get the slower conditions
  } kind = Kind::drop;
  std::string symbol;  // empty: the first symbol that reaches the trigger
  Trigger at;
  std::int64_t count = 1;
  std::int64_t amount = 0;
};
std::string_view to_string(StreamFault::Kind k) noexcept;

struct LiveMarketConfig {
  // spot: /market/level2 frames (several changes a message), /spotMarket/level2Depth frames.
  // futures: the contracts of the futures host (default_contract_setup: integer lots, one change
  // and one sequence a message), /contractMarket/level2 and /contractMarket/level2Depth frames
  // (futures_codec.hpp); max_batch, calibration_percent and realism do not apply. Everything else
  // (the truth, snapshots, planned snapshots, every stream fault) is the same for both.
  kucoin::Market venue = kucoin::Market::spot;
  std::vector<std::string> symbols{"BTC-USDT"};
  std::size_t levels_per_side = 2'000;
  std::uint64_t seed = 42;
  std::uint64_t messages = 0;        // per symbol; 0: endless
  unsigned max_batch = 4;            // changes per message: 1..max_batch
  unsigned calibration_percent = 5;  // share of price-0 rows
  Realism realism;                   // values off the symbols' increments, as real KuCoin books have
  // > 0: a REST snapshot is this many messages ahead of what the stream has delivered;
  // < 0: it lags this many messages behind the newest message produced.
  std::int64_t snapshot_offset = 0;
  // Deterministic snapshots (snapshot_plan.hpp): which position each snapshot shows is planned
  // from the stream, and the stream waits at a planned point until it was served. Off: a
  // snapshot shows the newest message produced when the request arrives.
  SnapshotPlanConfig plan;
  std::vector<StreamFault> faults;
  // Keep the book at every position of the stream, so that truth_at() answers for any past
  // sequence (the scenario runner checks an external client's reports with it). Memory grows with
  // the messages produced: for runs with a message limit.
  bool keep_history = false;
  // Produce every message (needs `messages` > 0) before serving, so that streaming costs only the
  // copy of a ready frame (benchmarks of the client). Memory: about 300 bytes a message.
  bool pregenerate = false;
  // Called with (symbol, sequenceEnd) for every frame a subscription hands out, on the caller's
  // thread (benchmarks timestamp the send with it). Keep it short.
  std::function<void(std::string_view symbol, std::int64_t sequence_end)> on_deliver;
};

// What a subscription gets next.
struct FeedEvent {
  // hold: nothing now; the stream waits at a planned snapshot point until the snapshot was served
  // (LiveMarket::release_hold() ends the wait).
  // network_stall, handover: StreamFault's network events (the session applies them).
  enum class Kind : std::uint8_t {
    frame,
    stall,
    disconnect,
    token_expiry,
    hold,
    end,
    network_stall,
    handover
  } kind = Kind::end;
  std::string_view frame;         // kind == frame: the JSON text (valid until the next call)
  std::int64_t sequence_end = 0;  // kind == frame
  std::int64_t stall_ms = 0;      // kind == stall or network_stall
  std::int64_t hold_ms = 0;       // kind == hold: call LiveMarket::release_hold() after this long
  std::int64_t time_ns = -1;      // kind == frame: its recorded receive time (L2Source::time_ns)
};

// A REST snapshot the market served: which position of the stream it showed.
struct ServedSnapshot {
  std::string symbol;
  std::uint64_t ordinal = 0;   // 1 for the symbol's first
  std::uint64_t position = 0;  // messages of the symbol it includes
  std::int64_t sequence = 0;
  bool planned = false;  // a planned point (false: none was pending, or planning is off)
};

// What the symbol's subscriptions were handed, together: the positions (1-based message numbers)
// of every frame delivered at least once and a digest of those frames' bytes in position order.
// Whichever connection carried a frame, and how often, is left out: when a client opens a second
// connection by its own timer (a token rotation), how the frames split between the two is
// timing; what the client was given is not.
struct StreamDigest {
  std::string symbol;
  std::uint64_t subscriptions = 0;                               // subscriptions made
  std::uint64_t delivered = 0;                                   // positions delivered
  std::uint64_t first = 0, last = 0;                             // the first and last of them
  std::vector<std::pair<std::uint64_t, std::uint64_t>> missing;  // ranges never delivered, within
  std::uint64_t hash = 0;                                        // FNV-1a over the frames, in position order
};

struct TruthView {
  L2Snapshot book;             // full depth, KuCoin order
  std::uint64_t produced = 0;  // messages produced so far
};

// A trade of the market with the message that made it (0-based index: the symbol's (message+1)th).
struct MarketTrade {
  std::uint64_t message = 0;
  Trade trade;
};

// What LiveMarket::trades_since() read. Trades are numbered 0, 1, 2, ... per symbol; the trades
// read are those numbered [first, next). `first` > the asked-for number: the trades in between are
// no longer kept (the market ran more than kTradeLogKept trades ahead of the reader).
struct TradeRange {
  std::uint64_t first = 0;
  std::uint64_t next = 0;
};

// Trades a LiveMarket keeps per symbol for readers of its trade log (the match streams): about
// 300 KB a symbol, 200 ms of an unpaced level2 stream (about 20,000 trades/s) while a reader looks
// every 10 ms.
inline constexpr std::size_t kTradeLogKept = 4'096;

class LiveMarket final : public Market {
 public:
  explicit LiveMarket(LiveMarketConfig config);
  // Symbols with their own sources (e.g. a recording); `faults` and `snapshot_offset` still apply.
  LiveMarket(std::vector<std::unique_ptr<L2Source>> sources, LiveMarketConfig config);
  ~LiveMarket() override;

  // Market (REST side).
  std::vector<SymbolInfo> symbols() const override;
  std::optional<L2Snapshot> snapshot(std::string_view symbol) override;
  SymbolScale scale(std::string_view symbol) const override;
  std::vector<Trade> trades(std::string_view symbol) const override;
  std::optional<L2Snapshot> peek(std::string_view symbol) override;  // the truth, no side effect

  bool has_symbol(std::string_view symbol) const;
  kucoin::Market venue() const noexcept { return config_.venue; }
  // A futures market's contracts (GET /api/v1/contracts/active of the futures host); empty for spot.
  std::vector<FuturesContract> contracts() const;

  // WebSocket side: one Subscription per (connection, symbol). Destroying it unsubscribes.
  class Subscription {
   public:
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    FeedEvent next();
    // Whether next() would answer hold now (nothing owed before the hold), and for how long the
    // server should wait before LiveMarket::release_hold(); nullopt when it would not.
    std::optional<std::int64_t> hold_ms() const;
    const std::string& symbol() const noexcept { return symbol_; }
    std::uint64_t delivered() const noexcept { return delivered_; }

   private:
    friend class LiveMarket;
    Subscription(LiveMarket& m, std::string symbol, std::uint64_t cursor, std::uint64_t id);
    LiveMarket& market_;
    std::string symbol_;
    std::uint64_t id_;
    std::uint64_t cursor_;  // index of the next log entry
    std::uint64_t delivered_ = 0;
    std::deque<std::uint64_t> pending_;  // log indexes to deliver before the cursor (duplicates, reordered)
    std::optional<std::uint64_t> held_;  // reordered message
    std::int64_t held_for_ = 0;          // deliveries until it is released
    std::string frame_;                  // a copy of a frame delivered out of order (faults)
  };
  // Starts at the next message the market produces. nullptr for an unknown symbol.
  std::unique_ptr<Subscription> subscribe(std::string_view symbol);

  // A `/spotMarket/level2Depth{depth}:SYMBOL` frame (subject "level2") with the truth's best
  // `depth` levels a side now, as KuCoin pushes them (asks ascending, bids descending); for a
  // futures market the `/contractMarket/level2Depth{depth}:SYMBOL` frame.
  // False for an unknown symbol.
  bool depth_frame(std::string_view symbol, int depth, std::int64_t timestamp_ms, std::string& out) const;

  // How many messages the symbol's market has produced, and whether its source has ended (cheap;
  // nullopt for an unknown symbol).
  std::optional<std::uint64_t> produced(std::string_view symbol, bool* ended = nullptr) const;
  // The sequence of the newest message produced (cheap; nullopt for an unknown symbol).
  std::optional<std::int64_t> last_sequence(std::string_view symbol) const;

  // Moves the symbol's market on by up to `n` messages without delivering them to anyone (the
  // market moves while only top-of-book channels watch it). Subscriptions still get them. No-op
  // when pregenerated or exhausted, and while any level2 subscription of the symbol is live (it
  // moves the market at its own pace). Returns how many were produced.
  std::uint64_t advance(std::string_view symbol, std::uint64_t n);

  // The truth: the full book at the newest message produced, and that message's sequence.
  std::optional<TruthView> truth(std::string_view symbol) const;

  // The truth at a past sequence: the full book at the newest position whose sequence is
  // `sequence`, while the market still keeps it (every position with keep_history; else recent
  // ones of planned snapshots only). Nullopt for an unknown symbol or a sequence not kept.
  std::optional<L2Snapshot> truth_at(std::string_view symbol, std::int64_t sequence) const;
  // The market position (messages produced, 0 before the first) of the newest kept position whose
  // book is at `sequence`, under the same conditions as truth_at(); the scenario runner counts
  // messages and finds message checkpoints with it.
  std::optional<std::uint64_t> position_at(std::string_view symbol, std::int64_t sequence) const;

  // The symbol's trades from the `from`th on (numbered from 0 over the symbol's market), oldest
  // first, appended to `out` as far as the market keeps them (the newest kTradeLogKept): the trades
  // the market produced since a reader last looked. A `from` past the newest trade appends
  // nothing; `next` then says where the next read starts. Nullopt for an unknown symbol.
  std::optional<TradeRange> trades_since(std::string_view symbol, std::uint64_t from,
                                         std::vector<MarketTrade>& out) const;

  // More stream faults (fault_plan.hpp: MockServer adds its plan's): call it before anything
  // subscribed (a pregenerated market produced its messages already: global faults would not fire).
  void add_faults(const std::vector<StreamFault>& faults);
  std::size_t fault_count() const;

  // Faults that have fired, in order ("drop BTC-USDT at message 5000 (sequence 1000012345)").
  std::vector<std::string> fired_faults() const;

  // Ends the symbol's hold (FeedEvent::Kind::hold): after the grace that follows a served point,
  // or, when no request came within hold_timeout_ms, by dropping the pending point (the
  // fired-fault log says so). False when the symbol holds nothing.
  bool release_hold(std::string_view symbol);
  // Whether snapshots are planned (and streams may hold): fixed at construction.
  bool plans_snapshots() const noexcept { return config_.plan.enabled; }
  // Snapshots served, in order.
  std::vector<ServedSnapshot> served_snapshots() const;
  // Per symbol with subscriptions, what they were handed. Kept only with planned snapshots (the
  // deterministic mode): hashing costs a pass over every frame.
  std::vector<StreamDigest> stream_digests() const;

 private:
  struct Feed;
  struct Entry {
    std::uint64_t index;
    std::int64_t sequence_end;
    std::string frame;
    std::int64_t time_ns = -1;
  };
  Feed* feed(std::string_view symbol) const;
  // The feed's listing (a spot symbol or a futures contract) and its generator settings.
  void setup(Feed& f, std::string_view symbol, GeneratorConfig& g) const;
  bool produce(Feed& f);  // false when the source is exhausted
  const Entry* entry(Feed& f, std::uint64_t index);
  void trim(Feed& f);
  void release(Subscription& s);
  std::optional<std::size_t> due_fault(const Feed& f, const Entry& e, const Subscription& s) const;
  // Messages in the symbol's nth REST snapshot (1: the first, planned before it is served).
  static std::optional<std::uint64_t> snapshot_at(const Feed& f, std::int64_t n);
  L2Snapshot snapshot_locked(Feed& f);
  L2Snapshot snapshot_state(Feed& f);
  L2Snapshot planned_snapshot(Feed& f);
  void note_fault(Feed& f, std::uint64_t last_touched);
  void note_delivery(Feed& f, std::uint64_t index, std::string_view frame);

  mutable std::mutex mu_;
  LiveMarketConfig config_;
  std::vector<std::unique_ptr<Feed>> feeds_;
  std::vector<bool> fault_fired_;
  std::vector<std::string> fired_log_;
  std::vector<ServedSnapshot> served_;
  std::uint64_t next_subscription_id_ = 1;
};

}  // namespace kucoin::mock
