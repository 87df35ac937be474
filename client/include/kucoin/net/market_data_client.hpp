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
// Threading: callbacks run on the io_context, one at a time, never inside a call to a
// MarketDataClient method except with_book(). with_book() and the methods may be called from any
// thread. No Asio or Beast in this header.
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
  BookTrackerConfig books;  // resync buffer bound, memory bound, stale_after, snapshot retry
  SnapshotSource snapshot = SnapshotSource::automatic;
  WsClientOptions ws;
  std::chrono::milliseconds stale_check_interval{250};
  // Decimals per symbol. Symbols not listed here are looked up once with GET /api/v2/symbols
  // before they are subscribed.
  std::vector<std::pair<std::string, SymbolScale>> scales;
};

struct MarketDataHandlers {
  std::function<void(const BookEvent&)> on_book;            // per book: updated/synced/resyncing/stale/error
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

  // Full books. Unknown symbols (not in /api/v2/symbols) are reported as error events.
  Result<void> subscribe(std::span<const std::string> symbols);
  // Top-of-book channels: depth 5 or 50.
  Result<void> subscribe_depth(std::span<const std::string> symbols, int depth);
  // Drops every book of these symbols (full and level2Depth) and unsubscribes their topics.
  void unsubscribe(std::span<const std::string> symbols);

  // Decimals of a symbol's prices and sizes (given in options, or from /api/v2/symbols once
  // known); nullopt before that. "SYMBOL@depth5" keys answer for their symbol.
  std::optional<SymbolScale> scale(std::string_view symbol) const;

  // Calls f(const BookView&) with the book of `symbol` under the client's lock; false when unknown.
  bool with_book(std::string_view symbol, const std::function<void(const BookView&)>& f) const;

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
