#include "kucoin/net/market_data_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <mutex>
#include <set>

#include "kucoin/net/random_seed.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin::net {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kLevel2 = "/market/level2:";
constexpr std::string_view kDepth5 = "/spotMarket/level2Depth5:";
constexpr std::string_view kDepth50 = "/spotMarket/level2Depth50:";

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

BookCause cause_of(WsReason r) {
  switch (r) {
    case WsReason::token_expired: return BookCause::token_expired;
    case WsReason::ping_timeout: return BookCause::ping_timeout;
    case WsReason::paused: return BookCause::requested;
    default: return BookCause::reconnect;
  }
}

// The topic prefix of a book kind: full level2 (depth 0) or level2Depth5/50.
std::string_view prefix_of(int depth) { return depth == 0 ? kLevel2 : (depth == 5 ? kDepth5 : kDepth50); }

// The book a data topic feeds: its symbol and depth (0: full level2), or nullopt for other topics.
std::optional<std::pair<std::string_view, int>> book_of(std::string_view topic) {
  for (int depth : {0, 5, 50}) {
    const std::string_view prefix = prefix_of(depth);
    if (topic.substr(0, prefix.size()) == prefix) return std::pair{topic.substr(prefix.size()), depth};
  }
  return std::nullopt;
}

std::string join(std::span<const std::string> items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

}  // namespace

struct MarketDataClient::Impl : std::enable_shared_from_this<Impl> {
  static bool full_snapshots(const MarketDataOptions& o, const RestClient& rest) {
    return o.snapshot == SnapshotSource::full || (o.snapshot == SnapshotSource::automatic && rest.has_credentials());
  }
  // level2_100 snapshots make a book exact only in the top 100 levels it starts from.
  static MarketDataOptions prepared(MarketDataOptions o, const RestClient& rest) {
    if (!full_snapshots(o, rest)) o.books.snapshot_depth = 100;
    if (!o.books.seed) o.books.seed = random_seed();  // snapshot retries out of step across a fleet
    return o;
  }

  Impl(asio::io_context& io_, RestClient& rest_, MarketDataOptions opts, MarketDataHandlers h)
      : io(io_),
        rest(rest_),
        options(prepared(std::move(opts), rest_)),
        full(full_snapshots(options, rest_)),
        handlers(std::move(h)),
        stale_timer(io_),
        tracker(
            options.books, [this](std::string_view sym, Millis delay) { schedule_fetch(std::string(sym), delay); },
            [this](const BookEvent& e) {
              if (handlers.on_book) handlers.on_book(e);
            }) {
    for (const auto& [sym, sc] : options.scales) {
      scales[sym] = sc;
      decoder.scales().set(sym, sc);
    }
  }

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
      if (auto self = weak.lock(); self && self->handlers.on_connection) self->handlers.on_connection(e);
    };
    ws = std::make_unique<WsClient>(io, rest, options.ws, std::move(wh));
    arm_stale_timer();
  }

  // --- subscriptions ---------------------------------------------------------------------------

  // Key of a book in the tracker: the symbol for full books, "SYMBOL@depth5" for depth channels.
  static std::string key_of(std::string_view symbol, int depth) {
    return depth == 0 ? std::string(symbol) : std::string(symbol) + "@depth" + std::to_string(depth);
  }

  Result<void> subscribe(std::span<const std::string> symbols, int depth) {
    std::lock_guard lock(mu);
    if (stopped) return fail(Errc::invalid_argument, "the market data client is stopped");
    if (depth != 0 && depth != 5 && depth != 50) return fail(Errc::invalid_argument, "depth must be 5 or 50");
    for (const auto& s : symbols) {
      if (s.empty() || s.find_first_of(", :") != std::string::npos) {
        return fail(Errc::invalid_argument, "not a symbol: \"" + s + "\"");
      }
    }
    std::vector<std::string> ready;
    for (const auto& s : symbols) {
      if (scales.count(s) != 0) {
        ready.push_back(s);
      } else {
        pending.emplace_back(s, depth);
      }
    }
    if (!pending.empty()) fetch_symbols();
    if (!ready.empty()) return subscribe_now(ready, depth);
    return {};
  }

  Result<void> subscribe_now(const std::vector<std::string>& symbols, int depth) {
    for (const auto& s : symbols) tracker.add_symbol(key_of(s, depth), depth != 0);
    return ws->subscribe(std::string(prefix_of(depth)) + join(symbols));
  }

  void fetch_symbols() {
    if (symbols_in_flight) return;
    symbols_in_flight = true;
    std::weak_ptr<Impl> weak = weak_from_this();
    rest.symbols([weak](Result<std::vector<SymbolInfo>, ApiError> r) {
      auto self = weak.lock();
      if (!self) return;
      std::lock_guard lock(self->mu);
      self->symbols_in_flight = false;
      if (self->stopped) return;
      if (!r) {
        // Keep the symbols pending and try again later.
        self->report(std::string(), Error{Errc::api_error, "symbol list failed: " + r.error().describe()});
        self->retry_symbols_later();
        return;
      }
      for (const SymbolInfo& info : *r) {
        self->scales[info.symbol] = info.scale;
        self->decoder.scales().set(info.symbol, info.scale);
      }
      std::map<int, std::vector<std::string>> ready;
      for (auto& [sym, depth] : self->pending) {
        if (self->scales.count(sym) != 0) {
          ready[depth].push_back(sym);
        } else {
          self->report(sym, Error{Errc::invalid_argument, "unknown symbol " + sym + " (not in /api/v2/symbols)"});
        }
      }
      self->pending.clear();
      for (auto& [depth, syms] : ready) {
        if (auto res = self->subscribe_now(syms, depth); !res) self->report(std::string(), res.error());
      }
    });
  }

  void retry_symbols_later() {
    after(std::chrono::seconds(1), [this] {
      if (!pending.empty()) fetch_symbols();
    });
  }

  // Every book of these symbols (full and level2Depth), and symbols still waiting for the list.
  void unsubscribe(std::span<const std::string> symbols) {
    std::lock_guard lock(mu);
    if (stopped || symbols.empty()) return;
    for (int depth : {0, 5, 50}) {
      std::vector<std::string> held;
      for (const auto& s : symbols) {
        const std::string key = key_of(s, depth);
        if (!tracker.view(key)) continue;
        tracker.remove_symbol(key);
        held.push_back(s);
      }
      if (!held.empty()) (void)ws->unsubscribe(std::string(prefix_of(depth)) + join(held));
    }
    std::erase_if(pending, [&](const auto& p) { return std::find(symbols.begin(), symbols.end(), p.first) != symbols.end(); });
  }

  // --- stream ----------------------------------------------------------------------------------

  void on_message(const WsMessage& m) {
    std::lock_guard lock(mu);
    if (stopped) return;
    ++stats.messages;
    const std::int64_t now = steady_ms();
    const auto book = book_of(m.topic);
    if (!book) return;
    const auto [symbol, depth] = *book;
    if (depth == 0) {
      if (auto r = decoder.decode_update_padded(m.text, update); r) {
        tracker.on_update(update, now);
      } else {
        undecodable(std::string(symbol), r.error());
      }
      return;
    }
    if (auto r = decoder.decode_depth(m.text, depth_symbol, depth_book); r) {
      tracker.on_depth_snapshot(key_of(depth_symbol, depth), depth_book, now);
    } else if (is_unrepresentable_number(r.error().code)) {
      ++stats.decode_errors;
      tracker.fail(key_of(symbol, depth), Error{r.error().code, "level2Depth frame of " + std::string(symbol) + ": " +
                                                                   r.error().message});
    } else {
      ++stats.decode_errors;
      report(key_of(symbol, depth), r.error());
    }
  }

  // A frame we could not read means a hole in the stream: say so and rebuild the book. A value
  // that no exact decimal holds would come back in every snapshot: the book stops instead.
  void undecodable(std::string symbol, const Error& e) {
    ++stats.decode_errors;
    if (is_unrepresentable_number(e.code)) {
      tracker.fail(symbol, Error{e.code, "level2 frame of " + symbol + ": " + e.message});
      return;
    }
    report(symbol, Error{e.code, "undecodable level2 frame: " + e.message});
    tracker.request_resync(symbol, BookCause::gap, "gap: a level2 frame could not be decoded (" + e.message + ")");
  }

  void on_topic(const WsTopicEvent& e) {
    std::lock_guard lock(mu);
    if (stopped) return;
    const auto book = book_of(e.topic);
    if (!book) return;
    const std::string key = key_of(book->first, book->second);
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
        report(key, Error{Errc::api_error, "subscription refused (" + std::to_string(e.code) + "): " +
                                              std::string(e.detail)});
        break;
      case WsTopicStatus::failed:  // the connection stopped for a configuration error: say why, once per book
        report(key, Error{Errc::api_error, "connection " + std::to_string(e.connection) + " failed (" +
                                              std::string(to_string(e.reason)) + "): " + std::string(e.detail) +
                                              "; this book stops until resume()"});
        break;
      case WsTopicStatus::unsubscribed: break;
    }
  }

  // --- snapshots -------------------------------------------------------------------------------

  // Runs f() under the lock after `delay` unless stopped first (stop() cancels every such timer).
  template <class F>
  void after(Millis delay, F f) {
    if (stopped) return;
    auto t = std::make_shared<asio::steady_timer>(io, delay);
    timers.insert(t);
    std::weak_ptr<Impl> weak = weak_from_this();
    t->async_wait([weak, t, f = std::move(f)](boost::system::error_code ec) mutable {
      auto self = weak.lock();
      if (!self) return;
      std::lock_guard lock(self->mu);
      self->timers.erase(t);
      if (ec || self->stopped) return;
      f();
    });
  }

  void schedule_fetch(std::string key, Millis delay) {
    after(delay, [this, key = std::move(key)] { fetch(key); });
  }

  void fetch(const std::string& key) {
    const std::string symbol = key.substr(0, key.find('@'));
    const SymbolScale scale = scales.count(symbol) != 0 ? scales[symbol] : SymbolScale{};
    ++stats.snapshots_requested;
    std::weak_ptr<Impl> weak = weak_from_this();
    auto done = [weak, key](Result<L2Snapshot, ApiError> r) {
      auto self = weak.lock();
      if (!self) return;
      std::lock_guard lock(self->mu);
      if (self->stopped) return;
      if (r) {
        self->tracker.on_snapshot(key, *r, steady_ms());
      } else {
        ++self->stats.snapshot_failures;
        const Errc code = r.error().data_error != Errc::ok ? r.error().data_error : Errc::api_error;
        self->tracker.on_snapshot_error(key, Error{code, r.error().describe()}, steady_ms());
      }
    };
    if (full) {
      rest.level2_full(symbol, scale, std::move(done));
    } else {
      rest.level2_100(symbol, scale, std::move(done));
    }
  }

  // --- misc ------------------------------------------------------------------------------------

  void arm_stale_timer() {
    if (options.stale_check_interval.count() <= 0) return;
    stale_timer.expires_after(options.stale_check_interval);
    std::weak_ptr<Impl> weak = weak_from_this();
    stale_timer.async_wait([weak](boost::system::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      std::lock_guard lock(self->mu);
      if (self->stopped) return;
      self->tracker.tick(steady_ms());
      self->arm_stale_timer();
    });
  }

  void report(std::string key, const Error& e) {
    if (!handlers.on_book) return;
    BookEvent ev;
    ev.kind = BookEvent::Kind::error;
    ev.symbol = key;
    ev.detail = e.describe();
    ev.error = &e;
    handlers.on_book(ev);
  }

  void stop() {
    std::unique_ptr<WsClient> w;
    {
      std::lock_guard lock(mu);
      if (stopped) return;
      stopped = true;
      for (const auto& t : timers) t->cancel();
      timers.clear();
      stale_timer.cancel();
      w = std::move(ws);
    }
    if (w) w->stop();
  }

  asio::io_context& io;
  RestClient& rest;
  MarketDataOptions options;
  const bool full;  // full signed snapshots, else level2_100
  MarketDataHandlers handlers;
  asio::steady_timer stale_timer;
  mutable std::recursive_mutex mu;
  BookTracker tracker;
  L2Decoder decoder;
  L2Update update;
  L2Snapshot depth_book;
  std::string depth_symbol;
  std::map<std::string, SymbolScale, std::less<>> scales;
  std::vector<std::pair<std::string, int>> pending;  // (symbol, depth) waiting for the symbol list
  bool symbols_in_flight = false;
  std::unique_ptr<WsClient> ws;
  std::set<std::shared_ptr<asio::steady_timer>> timers;
  MarketDataStats stats;
  bool stopped = false;
};

MarketDataClient::MarketDataClient(asio::io_context& io, RestClient& rest, MarketDataOptions options,
                                   MarketDataHandlers handlers)
    : impl_(std::make_shared<Impl>(io, rest, std::move(options), std::move(handlers))) {
  impl_->start();
}

MarketDataClient::~MarketDataClient() { impl_->stop(); }

Result<void> MarketDataClient::subscribe(std::span<const std::string> symbols) { return impl_->subscribe(symbols, 0); }

Result<void> MarketDataClient::subscribe_depth(std::span<const std::string> symbols, int depth) {
  return impl_->subscribe(symbols, depth);
}

void MarketDataClient::unsubscribe(std::span<const std::string> symbols) { impl_->unsubscribe(symbols); }

bool MarketDataClient::with_book(std::string_view symbol, const std::function<void(const BookView&)>& f) const {
  std::lock_guard lock(impl_->mu);
  auto v = impl_->tracker.view(symbol);
  if (!v) return false;
  f(*v);
  return true;
}

void MarketDataClient::pause() {
  std::lock_guard lock(impl_->mu);
  if (impl_->ws) impl_->ws->pause();
}

void MarketDataClient::resume() {
  std::lock_guard lock(impl_->mu);
  if (impl_->ws) impl_->ws->resume();
}

void MarketDataClient::stop() { impl_->stop(); }

std::optional<SymbolScale> MarketDataClient::scale(std::string_view symbol) const {
  if (const auto at = symbol.find('@'); at != std::string_view::npos) symbol = symbol.substr(0, at);
  std::lock_guard lock(impl_->mu);
  const auto it = impl_->scales.find(symbol);
  if (it == impl_->scales.end()) return std::nullopt;
  return it->second;
}

MarketDataStats MarketDataClient::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

WsClient::Stats MarketDataClient::ws_stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->ws ? impl_->ws->stats() : WsClient::Stats{};
}

}  // namespace kucoin::net
