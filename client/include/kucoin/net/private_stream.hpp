// PrivateStream: KuCoin's private spot channels feeding an OrderTracker (kucoin-protocol.md §8.2).
// A WsClient connection on a private token (bullet-private) subscribes /spotMarket/tradeOrdersV2
// and /account/balance; each push is decoded (order_codec.hpp) and applied to the tracker in the
// order it arrived. KuCoin does not replay pushes sent while a connection was down, so every time
// both channels are subscribed again after their connection was lost (and once at the first
// subscription), the tracker is reconciled over REST (TradingClient::reconcile): a fill whose push
// was lost is reported then, once (the tracker counts fills by cumulative filledSize, so a push and
// a reconcile never report the same fill twice). No Asio or Beast in this header.
//
// Threading: run the io_context on one thread (the WsClient's and the RestClient's handlers, and
// so every use of the tracker, must not run concurrently); callbacks run on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kucoin/core/result.hpp"
#include "kucoin/net/trading_client.hpp"
#include "kucoin/net/ws_client.hpp"
#include "kucoin/trading/order_tracker.hpp"

namespace boost::asio {
class io_context;
}

namespace kucoin::net {

struct PrivateStreamOptions {
  std::vector<std::string> symbols = {"BTC-USDT"};  // whose active orders a reconcile reads
  std::string account_type = "trade";               // "trade_hf" for an HF account
  bool reconcile_at_start = true;                   // also at the first subscription
  WsClientOptions ws;
};

// Where a change came from.
enum class PrivateChangeSource : std::uint8_t { push, reconcile };

struct PrivateStreamHandlers {
  // What changed in the tracker (fills, order states, balances); never empty.
  std::function<void(const trading::Changes&, PrivateChangeSource)> on_changes;
  // A reconcile failed (it is tried again at the next resubscription, or with reconcile_now()).
  std::function<void(const ApiError&)> on_reconcile_error;
  // A push that could not be decoded (its text is not passed on: it may be large).
  std::function<void(const Error&)> on_bad_push;
  std::function<void(const WsStateEvent&)> on_state;  // the private connection's states
};

class PrivateStream {
 public:
  // `rest` (with credentials), `trading` and `tracker` must outlive the stream.
  PrivateStream(boost::asio::io_context& io, RestClient& rest, TradingClient& trading, trading::OrderTracker& tracker,
                PrivateStreamOptions options, PrivateStreamHandlers handlers);
  ~PrivateStream();
  PrivateStream(const PrivateStream&) = delete;
  PrivateStream& operator=(const PrivateStream&) = delete;

  // Subscribes both channels (a private connection opens).
  Result<void> start();
  // A push is suspected missing: reconcile now (or right after the one running).
  void reconcile_now();
  void stop();

  struct Stats {
    std::uint64_t pushes = 0;              // applied to the tracker
    std::uint64_t bad_pushes = 0;          // not decodable
    std::uint64_t connections_lost = 0;    // the private channels' connection ended
    std::uint64_t reconciles = 0;          // completed
    std::uint64_t reconcile_failures = 0;  // ended with an error
  };
  Stats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace kucoin::net
