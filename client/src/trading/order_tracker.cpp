#include "kucoin/trading/order_tracker.hpp"

#include <algorithm>
#include <set>

#include "kucoin/core/decimal.hpp"

namespace kucoin::trading {

namespace {

int rank(OrderState s) noexcept {
  switch (s) {
    case OrderState::pending: return 0;
    case OrderState::open: return 1;
    case OrderState::partially_filled: return 2;
    default: return 3;
  }
}

}  // namespace

std::string_view to_string(OrderState s) noexcept {
  switch (s) {
    case OrderState::pending: return "pending";
    case OrderState::open: return "open";
    case OrderState::partially_filled: return "partially_filled";
    case OrderState::filled: return "filled";
    case OrderState::canceled: return "canceled";
    case OrderState::rejected: return "rejected";
  }
  return "unknown";
}

TrackedOrder* OrderTracker::find_id(std::string_view order_id) {
  auto it = by_id_.find(order_id);
  return it == by_id_.end() ? nullptr : &orders_[it->second];
}

TrackedOrder* OrderTracker::find_oid(std::string_view client_oid) {
  if (client_oid.empty()) return nullptr;
  auto it = by_oid_.find(client_oid);
  return it == by_oid_.end() ? nullptr : &orders_[it->second];
}

const TrackedOrder* OrderTracker::by_order_id(std::string_view order_id) const {
  auto it = by_id_.find(order_id);
  return it == by_id_.end() ? nullptr : &orders_[it->second];
}

const TrackedOrder* OrderTracker::by_client_oid(std::string_view client_oid) const {
  auto it = by_oid_.find(client_oid);
  return it == by_oid_.end() ? nullptr : &orders_[it->second];
}

std::vector<const TrackedOrder*> OrderTracker::live_orders() const {
  std::vector<const TrackedOrder*> out;
  for (const TrackedOrder& o : orders_) {
    if (!is_done(o.state)) out.push_back(&o);
  }
  return out;
}

std::optional<BalanceState> OrderTracker::balance(std::string_view currency) const {
  auto it = balances_.find(currency);
  if (it == balances_.end()) return std::nullopt;
  return it->second.state;
}

TrackedOrder& OrderTracker::adopt(std::string order_id, std::string client_oid, std::string symbol, OrderSide side,
                                  OrderType type) {
  // A pending placement with this clientOid is the same order: give it its id.
  if (TrackedOrder* o = find_oid(client_oid)) {
    if (o->order_id.empty() && !order_id.empty()) {
      o->order_id = order_id;
      by_id_[order_id] = static_cast<std::size_t>(o - orders_.data());
    }
    if (o->symbol.empty()) o->symbol = std::move(symbol);
    return *o;
  }
  TrackedOrder o;
  o.order_id = std::move(order_id);
  o.client_oid = std::move(client_oid);
  o.symbol = std::move(symbol);
  o.side = side;
  o.type = type;
  orders_.push_back(std::move(o));
  const std::size_t i = orders_.size() - 1;
  if (!orders_[i].order_id.empty()) by_id_[orders_[i].order_id] = i;
  if (!orders_[i].client_oid.empty()) by_oid_[orders_[i].client_oid] = i;
  return orders_[i];
}

OrderState OrderTracker::open_state(const TrackedOrder& o) {
  return o.filled.is_zero() ? OrderState::open : OrderState::partially_filled;
}

void OrderTracker::move_to(TrackedOrder& o, OrderState to, bool from_reconcile, Changes& out) {
  const OrderState from = o.state;
  if (from == to || is_done(from) || rank(to) < rank(from)) return;
  o.state = to;
  out.states.push_back(StateChange{o.order_id, o.client_oid, from, to, from_reconcile});
}

void OrderTracker::add_fill(TrackedOrder& o, Quantity filled_total, std::optional<Amount> funds_total,
                            std::optional<Price> price, const std::string& trade_id, bool from_reconcile,
                            Changes& out) {
  if (filled_total <= o.filled) return;  // known already (a duplicate, a late push, a reconcile's overlap)
  const auto delta = filled_total - o.filled;
  if (!delta) return;  // cannot happen for KuCoin's sizes (at most 18 digits); keep the count as it is
  std::optional<Amount> funds;
  if (funds_total) {
    if (auto f = *funds_total - o.filled_funds; f && f->raw >= 0) funds = *f;
  } else if (price) {
    funds = notional(*price, *delta);
  }
  o.filled = filled_total;
  if (funds) {
    if (auto f = o.filled_funds + *funds) o.filled_funds = *f;
  }
  if (!trade_id.empty()) o.trade_ids.push_back(trade_id);
  out.fills.push_back(Fill{o.order_id, o.client_oid, o.symbol, o.side, *delta, funds, price, trade_id, from_reconcile});
}

Result<void> OrderTracker::on_place(const OrderRequest& request) {
  if (request.client_oid.empty()) {
    return fail(Errc::invalid_argument, "a tracked placement needs a clientOid (it makes a retry safe)");
  }
  if (find_oid(request.client_oid) != nullptr) {
    return fail(Errc::invalid_argument, "clientOid " + request.client_oid + " was used before");
  }
  TrackedOrder& o = adopt("", request.client_oid, request.symbol, request.side, request.type);
  o.price = request.price;
  o.size = request.size;
  return {};
}

Changes OrderTracker::on_placed(const PlacedOrder& placed) {
  Changes out;
  TrackedOrder* o = find_oid(placed.client_oid);
  if (o == nullptr) o = find_id(placed.order_id);
  if (o == nullptr) o = &adopt(placed.order_id, placed.client_oid, "", OrderSide::buy, OrderType::limit);
  if (o->order_id.empty()) {
    o->order_id = placed.order_id;
    by_id_[placed.order_id] = static_cast<std::size_t>(o - orders_.data());
  }
  move_to(*o, open_state(*o), false, out);
  return out;
}

Changes OrderTracker::on_place_failed(std::string_view client_oid, OrderRejection why) {
  Changes out;
  TrackedOrder* o = find_oid(client_oid);
  if (o == nullptr || !o->order_id.empty() || o->state != OrderState::pending) return out;  // it exists
  o->rejection = why;
  move_to(*o, OrderState::rejected, false, out);
  return out;
}

Changes OrderTracker::on_order_change(const OrderChange& c) {
  Changes out;
  TrackedOrder* o = find_id(c.order_id);
  if (o == nullptr) o = &adopt(c.order_id, c.client_oid, c.symbol, c.side, c.order_type);
  if (o->symbol.empty()) o->symbol = c.symbol;
  o->last_push_ts_ns = std::max(o->last_push_ts_ns, c.ts_ns);
  if (!o->price && c.price && !c.price->is_zero()) o->price = c.price;
  if (c.type == OrderEventType::update && c.size) {
    o->size = c.size;
  } else if (!o->size) {
    if (c.origin_size)
      o->size = c.origin_size;
    else if (c.size)
      o->size = c.size;
  }

  if (c.type == OrderEventType::match) {
    const bool seen = std::find(o->trade_ids.begin(), o->trade_ids.end(), c.trade_id) != o->trade_ids.end();
    std::optional<Quantity> total = c.filled_size;
    if (!total && !seen && c.match_size) {  // no cumulative size in the push: count the trade once
      if (auto t = o->filled + *c.match_size) total = *t;
    }
    if (total && !seen && c.match_size) {
      // A total beyond this match's size: the pushes of earlier matches were lost. Their part is
      // reported first, without a price (a reconcile's dealFunds tells the value).
      if (auto before = *total - *c.match_size; before && *before > o->filled) {
        add_fill(*o, *before, std::nullopt, std::nullopt, "", false, out);
      }
      add_fill(*o, *total, std::nullopt, c.match_price, c.trade_id, false, out);
    } else if (total) {
      add_fill(*o, *total, std::nullopt, std::nullopt, "", false, out);
    }
  } else if (c.filled_size) {
    add_fill(*o, *c.filled_size, std::nullopt, std::nullopt, "", false, out);
  }

  switch (c.type) {
    case OrderEventType::received:
    case OrderEventType::open:
    case OrderEventType::update: move_to(*o, open_state(*o), false, out); break;
    case OrderEventType::match: {
      const bool complete = c.remain_size && c.remain_size->is_zero() && o->type == OrderType::limit;
      move_to(*o, complete ? OrderState::filled : open_state(*o), false, out);
      break;
    }
    case OrderEventType::filled: move_to(*o, OrderState::filled, false, out); break;
    case OrderEventType::canceled: move_to(*o, OrderState::canceled, false, out); break;
  }
  return out;
}

Changes OrderTracker::on_balance_change(const BalanceChange& b) {
  Changes out;
  auto it = balances_.find(b.currency);
  const BalanceState now{b.total, b.available, b.hold};
  if (it == balances_.end()) {
    balances_.emplace(b.currency, BalanceEntry{now, b.time_ms});
    out.balances.push_back(BalanceUpdate{b.currency, std::nullopt, now, false});
    return out;
  }
  if (b.time_ms < it->second.time_ms) return out;  // older than what was applied
  it->second.time_ms = b.time_ms;
  if (it->second.state == now) return out;
  out.balances.push_back(BalanceUpdate{b.currency, it->second.state, now, false});
  it->second.state = now;
  return out;
}

Changes OrderTracker::apply_details(const OrderDetails& d) {
  Changes out;
  TrackedOrder* o = find_id(d.order_id);
  if (o == nullptr) o = &adopt(d.order_id, d.client_oid, d.symbol, d.side, d.type);
  if (o->symbol.empty()) o->symbol = d.symbol;
  if (!o->size && !d.size.is_zero()) o->size = d.size;
  if (!o->price && !d.price.is_zero()) o->price = d.price;
  if (d.deal_size > o->filled) {
    add_fill(*o, d.deal_size, d.deal_funds, std::nullopt, "", true, out);
  } else if (d.deal_size == o->filled && d.deal_funds > o->filled_funds) {
    o->filled_funds = d.deal_funds;  // the value of fills whose price was not known
  }
  if (d.active) {
    move_to(*o, open_state(*o), true, out);
  } else {
    move_to(*o, d.canceled_size.is_zero() ? OrderState::filled : OrderState::canceled, true, out);
  }
  return out;
}

Changes OrderTracker::reconcile_orders(std::string_view symbol, std::span<const OrderDetails> active) {
  Changes out;
  std::set<std::string, std::less<>> ids, oids;
  for (const OrderDetails& d : active) {
    if (d.symbol != symbol) continue;
    ids.insert(d.order_id);
    if (!d.client_oid.empty()) oids.insert(d.client_oid);
    Changes c = apply_details(d);
    out.fills.insert(out.fills.end(), c.fills.begin(), c.fills.end());
    out.states.insert(out.states.end(), c.states.begin(), c.states.end());
  }
  for (const TrackedOrder& o : orders_) {
    if (o.symbol != symbol || is_done(o.state)) continue;
    if (!o.order_id.empty()) {
      if (!ids.contains(o.order_id)) out.query_order_ids.push_back(o.order_id);
    } else if (!oids.contains(o.client_oid)) {
      out.query_client_oids.push_back(o.client_oid);
    }
  }
  return out;
}

Result<Changes> OrderTracker::reconcile_balances(std::span<const Account> accounts, std::string_view account_type) {
  struct Read {
    std::string currency;
    BalanceState state;
  };
  std::vector<Read> read;
  for (const Account& a : accounts) {
    if (a.type != account_type) continue;
    BalanceState s;
    const std::pair<const std::string*, Amount*> fields[] = {
        {&a.balance, &s.total}, {&a.available, &s.available}, {&a.holds, &s.hold}};
    for (auto [text, value] : fields) {
      auto d = parse_decimal(*text);
      if (!d) return fail(d.error().code, "account " + a.currency + ": " + d.error().message);
      *value = Amount{d->raw, d->decimals};
    }
    read.push_back(Read{a.currency, s});
  }
  Changes out;
  for (Read& r : read) {
    auto it = balances_.find(r.currency);
    if (it == balances_.end()) {
      balances_.emplace(r.currency, BalanceEntry{r.state, 0});
      out.balances.push_back(BalanceUpdate{r.currency, std::nullopt, r.state, true});
    } else if (!(it->second.state == r.state)) {
      out.balances.push_back(BalanceUpdate{r.currency, it->second.state, r.state, true});
      it->second.state = r.state;
    }
  }
  return out;
}

}  // namespace kucoin::trading
