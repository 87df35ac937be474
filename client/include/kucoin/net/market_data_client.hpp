// MarketDataClient: live, exact level2 books for many symbols on the caller's io_context.
//
// It subscribes `/market/level2` (full books: buffer deltas, fetch a snapshot, apply, detect gaps,
// resync without dropping the connection, retry failed snapshots with backoff) and
// `/spotMarket/level2Depth5|50` (whole top-of-book messages), and tells the application what
// happens to each book: updated, synced, resyncing (with the cause: gap, reconnect, token
// expiry, ...), stale, error. Snapshots come from the signed full v3 book when the RestClient
// has credentials, else from level2_100: the book is then exact only within the top 100 levels
// it started from, and the `synced` event says so.
//
// Books are keyed by symbol and kind (BookKey: {"BTC-USDT", BookKind::depth5}; a symbol alone
// is its full book), never by composed strings.
//
// Futures (options.venue = Market::futures, with a RestClient on the futures host): the same
// books, events and causes for KuCoin Futures contracts: `/contractMarket/level2` (one change a
// message; continuity is sequence == last + 1, the spot rule for a message whose sequenceStart
// equals its sequenceEnd), `/contractMarket/level2Depth5|50`, contracts from
// GET /api/v1/contracts/active, snapshots from GET /api/v1/level2/snapshot (full, public) or
// depth100 (SnapshotSource::top100). Sizes are integer lots (contract() gives the multiplier;
// kucoin/book/futures_book.hpp offers them in base units). Spot and futures books run side by
// side in one application as two clients on one io_context.
//
// Threading. Everything happens on the WsClient's executor (its strand, or the io_context's
// only thread with options.ws.single_threaded_io): WebSocket messages, snapshot answers and the
// symbol list (posted there from the RestClient's strand), timers, and every callback.
// - on_book and on_connection run there, one at a time, never while a lock of ours is held and
//   never inside a call to a MarketDataClient method.
// - subscribe(), subscribe_depth(), unsubscribe(), pause(), resume(), stop(): any thread. They
//   check their arguments at once (and return the error) and post the work to the executor: a
//   book exists for with_book() once that ran, and is gone once an unsubscribe ran.
// - with_book(key, f): any thread. Inside a callback (on the executor) f sees the live book: no
//   copy, no lock. From anywhere else f gets a copy of the book, taken under a narrow lock (the
//   executor holds it only while it changes books) and released before f runs.
// - scale(), stats(), ws_stats(): any thread.
// Destroy the client on a thread that runs the io_context (e.g. inside a callback) or while the
// io_context is not running; no callback runs after the destructor returned.
// No Asio or Beast in this header.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/book/book_tracker.hpp"
#include "kucoin/net/rest_client.hpp"
#include "kucoin/net/ws_client.hpp"

namespace boost::asio {
class io_context;
}

namespace kucoin::net {

enum class SnapshotSource : std::uint8_t {
  automatic,  // full (signed v3) with credentials, else top100
  full,       // GET /api/v3/market/orderbook/level2 (signed)
  top100,     // GET /api/v1/market/orderbook/level2_100 (public; exact only in the top 100)
};

struct MarketDataOptions {
  Market venue = Market::spot;  // futures: see above
  BookTrackerConfig books;      // resync buffer bound, memory bound, stale_after, snapshot retry
  SnapshotSource snapshot = SnapshotSource::automatic;
  WsClientOptions ws;
  std::chrono::milliseconds stale_check_interval{250};
  // Decimals per symbol. Symbols not listed here are looked up once with GET /api/v2/symbols
  // (futures: GET /api/v1/contracts/active) before they are subscribed.
  std::vector<std::pair<std::string, SymbolScale>> scales;
};

struct MarketDataHandlers {
  std::function<void(const BookEvent&)> on_book;  // per book: updated/synced/resyncing/stale/error
  // Per connection: connecting/live/reconnecting/paused/stopped/failed. `failed` (the bullet request
  // refused: credentials, key version or permissions) comes once, and each book of that connection
  // gets one `error` event saying why it stops; resume() tries again.
  std::function<void(const WsStateEvent&)> on_connection;
};

struct MarketDataStats {
  std::uint64_t messages = 0;       // data frames handled
  std::uint64_t decode_errors = 0;  // frames that did not decode (each forces a resync of its symbol)
  std::uint64_t snapshots_requested = 0;
  std::uint64_t snapshot_failures = 0;
};

class MarketDataClient {
 public:
  MarketDataClient(boost::asio::io_context& io, RestClient& rest, MarketDataOptions options,
                   MarketDataHandlers handlers);
  ~MarketDataClient();
  MarketDataClient(const MarketDataClient&) = delete;
  MarketDataClient& operator=(const MarketDataClient&) = delete;

  // Full books (/market/level2). Unknown symbols (not in /api/v2/symbols) are reported as error
  // events. Errc::invalid_argument for something that is not a symbol ("BTC USDT", "A,B").
  Result<void> subscribe(std::span<const std::string> symbols);
  // Top-of-book books: BookKind::depth5 (/spotMarket/level2Depth5) or depth50; invalid_argument
  // for BookKind::full (subscribe() keeps full books).
  Result<void> subscribe_depth(std::span<const std::string> symbols, BookKind kind);
  // Drops every book of these symbols (full and depth) and unsubscribes their topics.
  void unsubscribe(std::span<const std::string> symbols);

  // Decimals of a symbol's prices and sizes (given in options, or from /api/v2/symbols once
  // known); nullopt before that.
  std::optional<SymbolScale> scale(std::string_view symbol) const;
  // Futures: the contract's listing (multiplier, tick and lot size) once /api/v1/contracts/active
  // was read; nullopt before that and for spot clients.
  std::optional<FuturesContract> contract(std::string_view symbol) const;
  Market venue() const noexcept;

  // Calls f(const BookView&) with the book (see the threading rules above); false when there is
  // no such book. with_book("BTC-USDT", f) is the full book, with_book({"BTC-USDT", BookKind::depth5}, f) its top 5.
  bool with_book(BookKey key, const std::function<void(const BookView&)>& f) const;

  void pause();   // app backgrounded / network changed: close the connections now
  void resume();  // reconnect at once (also connections that failed); every book resyncs from a fresh snapshot
  void stop();

  MarketDataStats stats() const;
  WsClient::Stats ws_stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace kucoin::net
