// PrivateRoutes: which private WebSocket sessions hear which API key's pushes (kucoin-protocol.md
// §8.2), and the frames each of them gets. A session on a private token subscribes
// `/spotMarket/tradeOrdersV2` (subject orderChange) and `/account/balance` (subject
// account.balance); the exchange's pushes of that token's key go to it, in the order they
// happened, as KuCoin's frames (channelType private, userId). Pushes of a key nobody listens to are
// dropped: KuCoin does not replay them (clients reconcile over REST after a reconnect).
// Pure: no socket, no clock, not thread-safe (MockServer holds a lock around it).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/mock/exchange.hpp"  // KeyPushes

namespace kucoin::mock {

class PrivateRoutes {
 public:
  // Session `connection` (on a private token of `key`) holds `channel` now. Channels other than
  // the two served are ignored (false): the session holds them silently.
  bool subscribe(std::uint64_t connection, std::string_view key, std::string_view channel);
  void unsubscribe(std::uint64_t connection, std::string_view channel);
  // The session ended.
  void remove(std::uint64_t connection);
  // Whether any session listens to a push of `key`.
  bool listens(std::string_view key) const;

  struct Delivery {
    std::uint64_t connection = 0;
    std::vector<std::string> frames;  // in the order the pushes happened
  };
  // The frames of `pushes` for each session that holds their channel (sessions in id order).
  std::vector<Delivery> route(const KeyPushes& pushes) const;

 private:
  struct Listener {
    std::string key;
    bool orders = false;   // /spotMarket/tradeOrdersV2
    bool balance = false;  // /account/balance
  };
  std::map<std::uint64_t, Listener> listeners_;
};

}  // namespace kucoin::mock
