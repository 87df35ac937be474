// PrivateRoutes (kucoin/mock/private_routes.hpp): the private sessions of each key and the frames
// the exchange's pushes become for them.
#include "kucoin/mock/private_routes.hpp"

#include <variant>

#include "kucoin/protocol/order_codec.hpp"
#include "kucoin/protocol/ws_topic.hpp"

namespace kucoin::mock {

bool PrivateRoutes::subscribe(std::uint64_t connection, std::string_view key, std::string_view channel) {
  const bool orders = channel == channels::kTradeOrdersV2;
  const bool balance = channel == channels::kAccountBalance;
  if (!orders && !balance) return false;
  Listener& l = listeners_[connection];
  l.key = std::string(key);
  l.orders = l.orders || orders;
  l.balance = l.balance || balance;
  return true;
}

void PrivateRoutes::unsubscribe(std::uint64_t connection, std::string_view channel) {
  auto it = listeners_.find(connection);
  if (it == listeners_.end()) return;
  if (channel == channels::kTradeOrdersV2) it->second.orders = false;
  if (channel == channels::kAccountBalance) it->second.balance = false;
  if (!it->second.orders && !it->second.balance) listeners_.erase(it);
}

void PrivateRoutes::remove(std::uint64_t connection) { listeners_.erase(connection); }

bool PrivateRoutes::listens(std::string_view key) const {
  for (const auto& [id, l] : listeners_) {
    if (l.key == key) return true;
  }
  return false;
}

std::vector<PrivateRoutes::Delivery> PrivateRoutes::route(const KeyPushes& pushes) const {
  std::vector<Delivery> out;
  if (pushes.pushes.empty()) return out;
  // Each push is encoded once, whatever the number of sessions that hear it.
  std::vector<std::string> frames;
  std::vector<bool> is_order;
  frames.reserve(pushes.pushes.size());
  for (const PrivatePush& p : pushes.pushes) {
    std::string f;
    if (const auto* c = std::get_if<OrderChange>(&p)) {
      encode_order_change_frame(*c, pushes.user_id, f);
      is_order.push_back(true);
    } else {
      encode_balance_change_frame(std::get<BalanceChange>(p), pushes.user_id, f);
      is_order.push_back(false);
    }
    frames.push_back(std::move(f));
  }
  for (const auto& [id, l] : listeners_) {
    if (l.key != pushes.key) continue;
    Delivery d{id, {}};
    for (std::size_t i = 0; i < frames.size(); ++i) {
      if (is_order[i] ? l.orders : l.balance) d.frames.push_back(frames[i]);
    }
    if (!d.frames.empty()) out.push_back(std::move(d));
  }
  return out;
}

}  // namespace kucoin::mock
