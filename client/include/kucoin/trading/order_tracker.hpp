// OrderTracker: the client's view of its own orders and balances, built from REST answers and
// private pushes applied in the order they arrive, and repaired from REST when a push may have
// been lost (kucoin-protocol.md §8.2-§8.3). Pure: no I/O, no clock; not thread-safe.
//
// What it guarantees, whatever the pushes do (lost, duplicated, late, reordered):
// - an order's filled size only grows, and every increase is reported once, as a Fill: from a
//   match push (with its tradeId) or, when pushes were lost, from a reconcile (the difference
//   between what KuCoin says was filled and what was reported: from_reconcile = true);
// - an order's state only moves forward (pending -> open -> partially_filled -> filled |
//   canceled), each transition reported once;
// - balances are the newest absolute values seen (pushes carry totals, so a duplicate changes
//   nothing); a reconcile reports the currencies whose REST balance differs.
// Fills are counted by the cumulative filledSize KuCoin sends with every order push (and dealSize
// over REST), so one lost, repeated or late match push cannot make the count wrong.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/result.hpp"
#include "kucoin/protocol/order_error.hpp"
#include "kucoin/protocol/order_messages.hpp"
#include "kucoin/protocol/rest_codec.hpp"  // Account

namespace kucoin::trading {

enum class OrderState : std::uint8_t {
  pending,           // sent, no answer yet (a placement that timed out stays here until reconciled)
  open,              // accepted by KuCoin, nothing filled
  partially_filled,  // some filled, still open
  filled,            // done, all filled
  canceled,          // done, the rest canceled (some may have been filled)
  rejected,          // KuCoin refused the placement
};
std::string_view to_string(OrderState s) noexcept;
constexpr bool is_done(OrderState s) noexcept {
  return s == OrderState::filled || s == OrderState::canceled || s == OrderState::rejected;
}

struct TrackedOrder {
  std::string order_id;  // empty while pending
  std::string client_oid;
  std::string symbol;
  OrderSide side = OrderSide::buy;
  OrderType type = OrderType::limit;
  std::optional<Price> price;
  std::optional<Quantity> size;  // the order's size, when known
  OrderState state = OrderState::pending;
  Quantity filled;      // cumulative, as reported
  Amount filled_funds;  // quote value of `filled`, as reported
  OrderRejection rejection = OrderRejection::none;
  std::int64_t last_push_ts_ns = 0;    // the newest push applied
  std::vector<std::string> trade_ids;  // trades reported from match pushes
};

// A part of an order filled that the application had not been told about.
struct Fill {
  std::string order_id;
  std::string client_oid;
  std::string symbol;
  OrderSide side = OrderSide::buy;
  Quantity size;
  std::optional<Amount> funds;  // quote value (from a reconcile: the difference of dealFunds); unset
                                // for a part whose push was lost and whose price is not known
  std::optional<Price> price;   // the match price (a push); unset from a reconcile
  std::string trade_id;         // empty from a reconcile or when pushes were lost in between
  bool from_reconcile = false;
};

struct StateChange {
  std::string order_id;
  std::string client_oid;
  OrderState from = OrderState::pending;
  OrderState to = OrderState::pending;
  bool from_reconcile = false;
};

struct BalanceState {
  Amount total;
  Amount available;
  Amount hold;
  bool operator==(const BalanceState&) const = default;
};

struct BalanceUpdate {
  std::string currency;
  std::optional<BalanceState> before;  // unset: not known before
  BalanceState after;
  bool from_reconcile = false;
};

// What one input changed, in the order it happened.
struct Changes {
  std::vector<Fill> fills;
  std::vector<StateChange> states;
  std::vector<BalanceUpdate> balances;
  // reconcile_orders(): orders the tracker believes open that KuCoin no longer lists as active:
  // fetch each one's details (GET /api/v1/hf/orders/{orderId}) and apply_details() them.
  std::vector<std::string> query_order_ids;
  // reconcile_orders(): placements still pending whose clientOid KuCoin does not list as active:
  // fetch each by clientOid (GET /api/v1/hf/orders/client-order/{clientOid}); an "order not exist"
  // answer means it was never placed (on_place_failed with order_not_found), and only then may it
  // be sent again.
  std::vector<std::string> query_client_oids;
  bool empty() const noexcept {
    return fills.empty() && states.empty() && balances.empty() && query_order_ids.empty() && query_client_oids.empty();
  }
};

class OrderTracker {
 public:
  // The application is about to send `request`. Needs a clientOid not used before (the key that
  // makes a retried placement safe): invalid_argument otherwise.
  Result<void> on_place(const OrderRequest& request);
  // KuCoin's answer to the placement: the order exists (open until a push says more).
  Changes on_placed(const PlacedOrder& placed);
  // KuCoin refused the placement (or, after a query by clientOid, it was never placed).
  Changes on_place_failed(std::string_view client_oid, OrderRejection why);

  // A /spotMarket/tradeOrdersV2 push. Pushes of orders placed elsewhere (another client of the
  // same account) are tracked from their first push on.
  Changes on_order_change(const OrderChange& change);
  // An /account/balance push (ignored when older than the newest applied for the currency).
  Changes on_balance_change(const BalanceChange& change);

  // REST truth for one symbol: KuCoin's active orders (GET /api/v1/hf/orders/active?symbol=).
  // Reports fills the pushes missed, adopts active orders the tracker did not know (a placement
  // whose answer was lost), and lists what must be queried one by one (Changes::query_*).
  Changes reconcile_orders(std::string_view symbol, std::span<const OrderDetails> active);
  // One order's REST details (after reconcile_orders asked, or any time).
  Changes apply_details(const OrderDetails& details);
  // REST balances (GET /api/v1/accounts?type=trade or trade_hf): the currencies whose values
  // differ from the tracker's, which then takes KuCoin's. Accounts of another type are ignored.
  // An amount that is not a decimal gives bad_number naming the currency; nothing is changed then.
  Result<Changes> reconcile_balances(std::span<const Account> accounts, std::string_view account_type);

  const TrackedOrder* by_order_id(std::string_view order_id) const;
  const TrackedOrder* by_client_oid(std::string_view client_oid) const;
  // Orders not done (pending, open, partially filled), in the order they became known.
  std::vector<const TrackedOrder*> live_orders() const;
  std::optional<BalanceState> balance(std::string_view currency) const;
  std::size_t order_count() const noexcept { return orders_.size(); }

 private:
  TrackedOrder* find_id(std::string_view order_id);
  TrackedOrder* find_oid(std::string_view client_oid);
  TrackedOrder& adopt(std::string order_id, std::string client_oid, std::string symbol, OrderSide side, OrderType type);
  void move_to(TrackedOrder& o, OrderState to, bool from_reconcile, Changes& out);
  void add_fill(TrackedOrder& o, Quantity filled_total, std::optional<Amount> funds_total, std::optional<Price> price,
                const std::string& trade_id, bool from_reconcile, Changes& out);
  // A state that fits what is filled: partially_filled once something is, open before.
  static OrderState open_state(const TrackedOrder& o);

  std::vector<TrackedOrder> orders_;  // in the order they became known; never erased
  std::map<std::string, std::size_t, std::less<>> by_id_;
  std::map<std::string, std::size_t, std::less<>> by_oid_;
  struct BalanceEntry {
    BalanceState state;
    std::int64_t time_ms = 0;
  };
  std::map<std::string, BalanceEntry, std::less<>> balances_;
};

}  // namespace kucoin::trading
