// One file on purpose (past ~600 lines): MarketDataClient::Impl is one state machine on one
// executor; its subscriptions, stream handling, snapshots and the venue's channels and decoders
// share that state and its lock, which a split would expose to several files.
//
// MarketDataClient: a BookTracker fed from a WsClient and a RestClient, all on the WsClient's
// executor. The executor is the only one that changes books; it holds `mu` while it does, so
// that with_book() from other threads can copy a consistent book. Book events are collected while
// `mu` is held and handed to the application after it is released.
#include "kucoin/net/market_data_client.hpp"

#include "detail/asio.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "kucoin/net/random_seed.hpp"
#include "kucoin/protocol/futures_codec.hpp"
#include "kucoin/protocol/l2_codec.hpp"
#include "ws_internal.hpp"

namespace kucoin::net {

namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

BookCause cause_of(WsReason r) {
  switch (r) {
    case WsReason::token_expired: return BookCause::token_expired;
    case WsReason::ping_timeout: return BookCause::ping_timeout;
    case WsReason::paused: return BookCause::requested;
    default: return BookCause::reconnect;
  }
}

// The channel of each kind of book on each venue, and back.
struct BookChannel {
  Market venue;
  BookKind kind;
  std::string_view channel;
};
constexpr BookChannel kBookChannels[] = {
    {Market::spot, BookKind::full, channels::kLevel2},
    {Market::spot, BookKind::depth5, channels::kLevel2Depth5},
    {Market::spot, BookKind::depth50, channels::kLevel2Depth50},
    {Market::futures, BookKind::full, channels::kFuturesLevel2},
    {Market::futures, BookKind::depth5, channels::kFuturesLevel2Depth5},
    {Market::futures, BookKind::depth50, channels::kFuturesLevel2Depth50},
};

std::string_view channel_of(Market venue, BookKind kind) {
  for (const BookChannel& c : kBookChannels) {
    if (c.venue == venue && c.kind == kind) return c.channel;
  }
  return venue == Market::futures ? channels::kFuturesLevel2 : channels::kLevel2;
}

std::optional<BookKind> book_kind_of(Market venue, std::string_view channel) {
  for (const BookChannel& c : kBookChannels) {
    if (c.venue == venue && c.channel == channel) return c.kind;
  }
  return std::nullopt;
}

constexpr std::array<BookKind, 3> kAllKinds = {BookKind::full, BookKind::depth5, BookKind::depth50};

std::string topic_of(Market venue, BookKind kind, std::span<const std::string> symbols) {
  return format_topic(channel_of(venue, kind), symbols);
}

// What a topic can carry as one of its symbols ("BTC-USDT", not "BTC USDT" nor "A,B").
bool is_symbol(std::string_view s) {
  if (s.empty()) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == ',' || c == ':' || static_cast<unsigned char>(c) < 0x20;
  });
}

}  // namespace

struct MarketDataClient::Impl : std::enable_shared_from_this<Impl> {
  // Futures: the full snapshot is public, so `automatic` takes it without credentials too.
  static bool full_snapshots(const MarketDataOptions& o, const RestClient& rest) {
    return o.snapshot == SnapshotSource::full ||
           (o.snapshot == SnapshotSource::automatic && (rest.has_credentials() || o.venue == Market::futures));
  }
  // level2_100 snapshots make a book exact only in the top 100 levels it starts from.
  static MarketDataOptions prepared(MarketDataOptions o, const RestClient& rest) {
    if (!full_snapshots(o, rest)) o.books.snapshot_depth = 100;
    if (!o.books.seed) o.books.seed = random_seed();  // snapshot retries out of step across a fleet
    // Futures connections have no topic limit (kucoin-protocol.md §3.3).
    if (o.venue == Market::futures && o.ws.limits.max_topics_per_connection == kSpotMaxTopicsPerConnection) {
      o.ws.limits.max_topics_per_connection = 0;
    }
    return o;
  }

  Impl(asio::io_context& io_, RestClient& rest_, MarketDataOptions opts, MarketDataHandlers h)
      : io(io_),
        rest(rest_),
        options(prepared(std::move(opts), rest_)),
        full(full_snapshots(options, rest_)),
        handlers(std::move(h)),
        tracker(
            options.books, [this](std::string_view sym, Millis delay) { schedule_fetch(std::string(sym), delay); },
            [this](const BookEvent& e) { queue(e); }) {
    for (const auto& [sym, sc] : options.scales) {
      scales[sym] = sc;
      decoder.scales().set(sym, sc);
      futures_decoder.scales().set(sym, sc);
    }
  }

  bool futures() const { return options.venue == Market::futures; }

  void start() {
    std::weak_ptr<Impl> weak = weak_from_this();
    WsHandlers wh;
    wh.on_message = [weak](const WsMessage& m) {
      if (auto self = weak.lock()) self->on_message(m);
    };
    wh.on_topic = [weak](const WsTopicEvent& e) {
      if (auto self = weak.lock()) self->on_topic(e);
    };
    wh.on_state = [weak](const WsStateEvent& e) {
      auto self = weak.lock();
      if (self && self->callbacks_on.load() && self->handlers.on_connection) self->handlers.on_connection(e);
    };
    ws = std::make_unique<WsClient>(io, rest, options.ws, std::move(wh));
    ex = WsClientAccess::executor(*ws);
    stale_timer.emplace(ex);
    asio::post(ex, [weak] {
      if (auto self = weak.lock()) self->arm_stale_timer();
    });
  }

  // Runs f(self) on the executor, unless the client is gone or stopped by then.
  template <class F>
  void on_executor(F f) {
    asio::post(ex, [weak = weak_from_this(), f = std::move(f)]() mutable {
      auto self = weak.lock();
      if (!self || self->stopped) return;
      f(*self);
      self->flush();
    });
  }

  // --- book events: collected while `mu` is held, handed over after ----------------------------

  struct QueuedEvent {
    BookEvent event;  // `symbol` and `error` point into this entry when handed over
    std::string symbol;
    std::optional<Error> error;
  };

  // The entries are kept between messages and assigned over (their strings keep their capacity):
  // an updated event per message costs no construction and destruction of a QueuedEvent.
  void queue(const BookEvent& e) {
    if (queued_count == queued.size()) queued.emplace_back();
    QueuedEvent& q = queued[queued_count++];
    q.event = e;
    q.symbol.assign(e.symbol);
    if (e.error) {
      q.error = *e.error;
    } else {
      q.error.reset();
    }
  }

  // On the executor, `mu` not held. `changes` of an updated event view the tracker's scratch,
  // which only the executor's next tracker call touches.
  void flush() {
    for (std::size_t i = 0; i < queued_count; ++i) {
      QueuedEvent& q = queued[i];
      q.event.symbol = q.symbol;
      q.event.error = q.error ? &*q.error : nullptr;
      if (callbacks_on.load(std::memory_order_relaxed) && handlers.on_book) handlers.on_book(q.event);
    }
    queued_count = 0;
  }

  void report(BookKey key, const Error& e) {
    BookEvent ev;
    ev.kind = BookEvent::Kind::error;
    ev.symbol = key.symbol;
    ev.book_kind = key.kind;
    ev.detail = e.describe();
    ev.error = &e;
    queue(ev);
  }

  // --- subscriptions (on the executor) ----------------------------------------------------------

  void subscribe(const std::vector<std::string>& symbols, BookKind kind) {
    std::vector<std::string> ready;
    for (const auto& s : symbols) {
      if (scales.count(s) != 0) {
        ready.push_back(s);
      } else {
        pending.emplace_back(s, kind);
      }
    }
    if (!pending.empty()) fetch_symbols();
    if (!ready.empty()) subscribe_now(ready, kind);
  }

  void subscribe_now(const std::vector<std::string>& symbols, BookKind kind) {
    {
      std::lock_guard lock(mu);
      for (const auto& s : symbols) tracker.add_book({s, kind});
    }
    if (auto r = ws->subscribe(topic_of(options.venue, kind, symbols)); !r) {
      report(BookKey(std::string_view()), r.error());
    }
  }

  // The symbol list: /api/v2/symbols, or the futures host's contracts.
  void fetch_symbols() {
    if (symbols_in_flight) return;
    symbols_in_flight = true;
    std::weak_ptr<Impl> weak = weak_from_this();
    if (futures()) {
      rest.contracts([weak](Result<std::vector<FuturesContract>, ApiError> r) {
        auto self = weak.lock();
        if (!self) return;
        self->on_executor([r = std::move(r)](Impl& impl) mutable {
          if (!r) {
            impl.on_symbols(Unexpected{std::move(r).error()});
            return;
          }
          std::vector<std::pair<std::string, SymbolScale>> listed;
          {
            std::lock_guard lock(impl.mu);
            for (const FuturesContract& c : *r) impl.contracts[c.symbol] = c;
          }
          for (const FuturesContract& c : *r) listed.emplace_back(c.symbol, c.scale());
          impl.on_symbols(std::move(listed));
        });
      });
      return;
    }
    rest.symbols([weak](Result<std::vector<SymbolInfo>, ApiError> r) {
      auto self = weak.lock();
      if (!self) return;
      self->on_executor([r = std::move(r)](Impl& impl) mutable {
        if (!r) {
          impl.on_symbols(Unexpected{std::move(r).error()});
          return;
        }
        std::vector<std::pair<std::string, SymbolScale>> listed;
        for (const SymbolInfo& info : *r) listed.emplace_back(info.symbol, info.scale);
        impl.on_symbols(std::move(listed));
      });
    });
  }

  std::string_view list_name() const { return futures() ? "/api/v1/contracts/active" : "/api/v2/symbols"; }

  void on_symbols(Result<std::vector<std::pair<std::string, SymbolScale>>, ApiError> r) {
    symbols_in_flight = false;
    if (!r) {
      // Keep the symbols pending and try again later.
      report(BookKey(std::string_view()), Error{Errc::api_error, "symbol list failed: " + r.error().describe()});
      after(std::chrono::seconds(1), [this] {
        if (!pending.empty()) fetch_symbols();
      });
      return;
    }
    {
      std::lock_guard lock(mu);
      for (const auto& [sym, sc] : *r) scales[sym] = sc;
    }
    for (const auto& [sym, sc] : *r) {
      decoder.scales().set(sym, sc);
      futures_decoder.scales().set(sym, sc);
    }
    std::map<BookKind, std::vector<std::string>> ready;
    for (auto& [sym, kind] : pending) {
      if (scales.count(sym) != 0) {
        ready[kind].push_back(sym);
      } else {
        report(BookKey(sym, kind),
               Error{Errc::invalid_argument, "unknown symbol " + sym + " (not in " + std::string(list_name()) + ")"});
      }
    }
    pending.clear();
    for (auto& [kind, syms] : ready) subscribe_now(syms, kind);
  }

  // Every book of these symbols (full and depth), and symbols still waiting for the list.
  void unsubscribe(const std::vector<std::string>& symbols) {
    for (BookKind kind : kAllKinds) {
      std::vector<std::string> held;
      {
        std::lock_guard lock(mu);
        for (const auto& s : symbols) {
          if (!tracker.view({s, kind})) continue;
          tracker.remove_book({s, kind});
          held.push_back(s);
        }
      }
      if (!held.empty()) (void)ws->unsubscribe(topic_of(options.venue, kind, held));
    }
    std::erase_if(pending,
                  [&](const auto& p) { return std::find(symbols.begin(), symbols.end(), p.first) != symbols.end(); });
  }

  // --- stream (the WsClient's callbacks, on the executor) ---------------------------------------

  void on_message(const WsMessage& m) {
    if (stopped) return;
    const auto kind = book_kind_of(options.venue, m.channel);
    if (!kind) return;
    // The read's own time (the steady clock steady_ms() reads): no clock call per message.
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(m.received.time_since_epoch()).count();
    if (*kind == BookKind::full) {
      if (auto r =
              futures() ? futures_decoder.decode_level2(m.text, update) : decoder.decode_update_padded(m.text, update);
          r) {
        std::lock_guard lock(mu);
        ++stats.messages;
        tracker.on_update(update, now);
      } else {
        std::lock_guard lock(mu);
        ++stats.messages;
        undecodable(m.symbol, r.error());
      }
    } else if (auto r = decode_depth(m.text); r) {
      std::lock_guard lock(mu);
      ++stats.messages;
      tracker.on_depth_snapshot({depth_symbol, *kind}, depth_book, now);
    } else {
      std::lock_guard lock(mu);
      ++stats.messages;
      ++stats.decode_errors;
      if (is_unrepresentable_number(r.error().code)) {
        tracker.fail({m.symbol, *kind},
                     Error{r.error().code, "level2Depth frame of " + std::string(m.symbol) + ": " + r.error().message});
      } else {
        report({m.symbol, *kind}, r.error());
      }
    }
    flush();
  }

  // A level2Depth frame into depth_symbol and depth_book.
  Result<void> decode_depth(std::string_view text) {
    if (!futures()) return decoder.decode_depth(text, depth_symbol, depth_book);
    auto r = futures_decoder.decode_depth(text, futures_depth);
    if (!r) return r;
    depth_symbol.assign(futures_depth.symbol);
    depth_book = std::move(futures_depth.book);
    return {};
  }

  // A frame we could not read means a hole in the stream: say so and rebuild the book. A value
  // that no exact decimal holds would come back in every snapshot: the book stops instead.
  // (`mu` held.)
  void undecodable(std::string_view symbol, const Error& e) {
    ++stats.decode_errors;
    if (is_unrepresentable_number(e.code)) {
      tracker.fail(symbol, Error{e.code, "level2 frame of " + std::string(symbol) + ": " + e.message});
      return;
    }
    report(symbol, Error{e.code, "undecodable level2 frame: " + e.message});
    tracker.request_resync(symbol, BookCause::gap, "gap: a level2 frame could not be decoded (" + e.message + ")");
  }

  void on_topic(const WsTopicEvent& e) {
    if (stopped) return;
    const TopicView t = split_topic(e.topic);
    const auto kind = book_kind_of(options.venue, t.channel);
    if (!kind) return;
    const BookKey key(t.symbols, *kind);
    {
      std::lock_guard lock(mu);
      switch (e.status) {
        case WsTopicStatus::subscribed: tracker.on_subscribed(key, steady_ms()); break;
        case WsTopicStatus::lost: {
          std::string detail = "connection ";
          detail += to_string(e.reason);
          if (!e.detail.empty()) {
            detail += ": ";
            detail += e.detail;
          }
          tracker.on_lost(key, cause_of(e.reason), detail);
          break;
        }
        case WsTopicStatus::rejected:
          report(key, Error{Errc::api_error,
                            "subscription refused (" + std::to_string(e.code) + "): " + std::string(e.detail)});
          break;
        case WsTopicStatus::failed:  // the connection stopped for a configuration error: say why, once per book
          report(key, Error{Errc::api_error, "connection " + std::to_string(e.connection) + " failed (" +
                                                 std::string(to_string(e.reason)) + "): " + std::string(e.detail) +
                                                 "; this book stops until resume()"});
          break;
        case WsTopicStatus::unsubscribed: break;
      }
    }
    flush();
  }

  // --- snapshots --------------------------------------------------------------------------------

  // Runs f() on the executor after `delay` unless stopped first (stop() cancels every such timer).
  template <class F>
  void after(Millis delay, F f) {
    if (stopped) return;
    auto t = std::make_shared<asio::steady_timer>(ex, delay);
    timers.insert(t);
    t->async_wait([weak = weak_from_this(), t, f = std::move(f)](error_code ec) mutable {
      auto self = weak.lock();
      if (!self) return;
      self->timers.erase(t);
      if (ec || self->stopped) return;
      f();
      self->flush();
    });
  }

  // The tracker asks for a snapshot (`mu` held): fetched from a timer, never inside the call.
  void schedule_fetch(std::string symbol, Millis delay) {
    after(delay, [this, symbol = std::move(symbol)] { fetch(symbol); });
  }

  void fetch(const std::string& symbol) {
    const auto it = scales.find(symbol);
    const SymbolScale scale = it != scales.end() ? it->second : SymbolScale{};
    {
      std::lock_guard lock(mu);
      ++stats.snapshots_requested;
    }
    std::weak_ptr<Impl> weak = weak_from_this();
    auto done = [weak, symbol](Result<L2Snapshot, ApiError> r) {
      auto self = weak.lock();
      if (!self) return;
      self->on_executor([symbol, r = std::move(r)](Impl& impl) mutable { impl.on_snapshot(symbol, std::move(r)); });
    };
    if (futures()) {
      rest.futures_book(symbol, scale, full ? FuturesBookDepth::full : FuturesBookDepth::top100,
                        [done = std::move(done)](Result<FuturesSnapshot, ApiError> r) {
                          if (!r) {
                            done(Unexpected{std::move(r).error()});
                          } else {
                            done(std::move(r->book));
                          }
                        });
    } else if (full) {
      rest.level2_full(symbol, scale, std::move(done));
    } else {
      rest.level2_100(symbol, scale, std::move(done));
    }
  }

  void on_snapshot(const std::string& symbol, Result<L2Snapshot, ApiError> r) {
    std::lock_guard lock(mu);
    if (r) {
      tracker.on_snapshot(symbol, *r, steady_ms());
    } else {
      ++stats.snapshot_failures;
      const Errc code = r.error().data_error != Errc::ok ? r.error().data_error : Errc::api_error;
      tracker.on_snapshot_error(symbol, Error{code, r.error().describe()}, steady_ms());
    }
  }

  // --- misc -------------------------------------------------------------------------------------

  void arm_stale_timer() {
    if (stopped || options.stale_check_interval.count() <= 0) return;
    stale_timer->expires_after(options.stale_check_interval);
    stale_timer->async_wait([weak = weak_from_this()](error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->stopped) return;
      {
        std::lock_guard lock(self->mu);
        self->tracker.tick(steady_ms());
      }
      self->flush();
      self->arm_stale_timer();
    });
  }

  // Any thread.
  void stop() {
    if (stopping.exchange(true)) return;
    ws->stop();
    asio::post(ex, [weak = weak_from_this()] {
      auto self = weak.lock();
      if (!self) return;
      self->stopped = true;
      for (const auto& t : self->timers) t->cancel();
      self->timers.clear();
      self->stale_timer->cancel();
    });
  }

  asio::io_context& io;
  RestClient& rest;
  const MarketDataOptions options;
  const bool full;  // full signed snapshots, else level2_100
  const MarketDataHandlers handlers;
  std::unique_ptr<WsClient> ws;  // from start() until the Impl is destroyed
  asio::any_io_executor ex;      // the WsClient's: everything below runs there
  std::atomic<bool> callbacks_on{true};
  std::atomic<bool> stopping{false};  // stop() was called (any thread)

  // Executor only.
  bool stopped = false;
  std::optional<asio::steady_timer> stale_timer;
  std::set<std::shared_ptr<asio::steady_timer>> timers;
  L2Decoder decoder;
  FuturesDecoder futures_decoder;  // futures clients
  FuturesDepth futures_depth;
  L2Update update;
  L2Snapshot depth_book;
  std::string depth_symbol;
  std::vector<std::pair<std::string, BookKind>> pending;  // waiting for the symbol list
  bool symbols_in_flight = false;
  std::vector<QueuedEvent> queued;  // [0, queued_count) wait to be handed over; the rest are kept for reuse
  std::size_t queued_count = 0;

  // Changed by the executor holding `mu`; read there without it, elsewhere with it.
  mutable std::mutex mu;
  BookTracker tracker;
  std::map<std::string, SymbolScale, std::less<>> scales;
  std::map<std::string, FuturesContract, std::less<>> contracts;  // futures clients
  MarketDataStats stats;
};

MarketDataClient::MarketDataClient(asio::io_context& io, RestClient& rest, MarketDataOptions options,
                                   MarketDataHandlers handlers)
    : impl_(std::make_shared<Impl>(io, rest, std::move(options), std::move(handlers))) {
  impl_->start();
}

MarketDataClient::~MarketDataClient() {
  impl_->callbacks_on.store(false);
  impl_->stop();
}

namespace {

Result<std::vector<std::string>> checked(std::span<const std::string> symbols) {
  for (const auto& s : symbols) {
    if (!is_symbol(s)) return fail(Errc::invalid_argument, "not a symbol: \"" + s.substr(0, 64) + "\"");
  }
  return std::vector<std::string>(symbols.begin(), symbols.end());
}

}  // namespace

Result<void> MarketDataClient::subscribe(std::span<const std::string> symbols) {
  auto syms = checked(symbols);
  if (!syms) return Unexpected{syms.error()};
  if (impl_->stopping.load()) return fail(Errc::invalid_argument, "the market data client is stopped");
  impl_->on_executor([s = std::move(*syms)](Impl& impl) { impl.subscribe(s, BookKind::full); });
  return {};
}

Result<void> MarketDataClient::subscribe_depth(std::span<const std::string> symbols, BookKind kind) {
  if (kind == BookKind::full) {
    return fail(Errc::invalid_argument,
                "subscribe_depth takes BookKind::depth5 or depth50 (subscribe() keeps full books)");
  }
  auto syms = checked(symbols);
  if (!syms) return Unexpected{syms.error()};
  if (impl_->stopping.load()) return fail(Errc::invalid_argument, "the market data client is stopped");
  impl_->on_executor([s = std::move(*syms), kind](Impl& impl) { impl.subscribe(s, kind); });
  return {};
}

void MarketDataClient::unsubscribe(std::span<const std::string> symbols) {
  if (symbols.empty()) return;
  impl_->on_executor(
      [s = std::vector<std::string>(symbols.begin(), symbols.end())](Impl& impl) { impl.unsubscribe(s); });
}

bool MarketDataClient::with_book(BookKey key, const std::function<void(const BookView&)>& f) const {
  Impl& impl = *impl_;
  if (WsClientAccess::running_in_executor(*impl.ws)) {  // the only thread that changes books: no lock, no copy
    auto v = impl.tracker.view(key);
    if (!v) return false;
    f(*v);
    return true;
  }
  std::unique_lock lock(impl.mu);
  auto v = impl.tracker.view(key);
  if (!v) return false;
  const L2Book copy = *v->book;
  const std::string symbol(v->symbol);
  lock.unlock();
  BookView view = *v;
  view.book = &copy;
  view.symbol = symbol;
  f(view);
  return true;
}

void MarketDataClient::pause() { impl_->ws->pause(); }

void MarketDataClient::resume() { impl_->ws->resume(); }

void MarketDataClient::stop() { impl_->stop(); }

std::optional<SymbolScale> MarketDataClient::scale(std::string_view symbol) const {
  std::lock_guard lock(impl_->mu);
  const auto it = impl_->scales.find(symbol);
  if (it == impl_->scales.end()) return std::nullopt;
  return it->second;
}

std::optional<FuturesContract> MarketDataClient::contract(std::string_view symbol) const {
  std::lock_guard lock(impl_->mu);
  const auto it = impl_->contracts.find(symbol);
  if (it == impl_->contracts.end()) return std::nullopt;
  return it->second;
}

Market MarketDataClient::venue() const noexcept { return impl_->options.venue; }

MarketDataStats MarketDataClient::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

WsClient::Stats MarketDataClient::ws_stats() const { return impl_->ws->stats(); }

}  // namespace kucoin::net
