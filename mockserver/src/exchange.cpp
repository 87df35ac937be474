#include "kucoin/mock/exchange.hpp"

#include <algorithm>
#include <utility>

#include "kucoin/core/decimal.hpp"

namespace kucoin::mock {

namespace {

template <class D>
Result<D> read(std::string_view text, std::string_view what, std::string_view symbol) {
  auto d = parse_decimal(text);
  if (!d) return fail(d.error().code, std::string(symbol) + " " + std::string(what) + ": " + d.error().message);
  return D{d->raw, d->decimals};
}

// Whether `value` is a whole multiple of `step` (both exact decimals; a zero step allows anything).
template <class A, class B>
bool is_multiple(A value, B step) {
  if (step.raw == 0) return true;
  const int d = std::max(value.decimals, step.decimals);
  const auto v = rescale(value.raw, value.decimals, d);
  const auto s = rescale(step.raw, step.decimals, d);
  return v && s && *v % *s == 0;
}

template <class To, class From>
To as(From d) {
  return To{d.raw, d.decimals};
}

Amount plus(Amount a, Amount b) { return (a + b).value_or(a); }
Amount minus(Amount a, Amount b) { return (a - b).value_or(a); }
Amount negated(Amount a) { return Amount{-a.raw, a.decimals}; }
Quantity minus(Quantity a, Quantity b) { return (a - b).value_or(Quantity{}); }
Quantity plus(Quantity a, Quantity b) { return (a + b).value_or(a); }
Amount cost(Price p, Quantity q) { return notional(p, q).value_or(Amount{}); }

// The most of `size_decimals`-sized units `funds` buys at `price` (rounded down).
Quantity affordable(Amount funds, Price price, int size_decimals) {
  if (price.raw <= 0 || funds.raw <= 0) return {};
  // funds / price in units of 10^-size_decimals: funds.raw * 10^(size_decimals + price.decimals - funds.decimals) / price.raw
  const int shift = size_decimals + price.decimals - funds.decimals;
  detail::int128 num = funds.raw;
  detail::int128 den = price.raw;
  if (shift >= 0) {
    for (int i = 0; i < shift; ++i) num *= 10;
  } else {
    for (int i = 0; i < -shift; ++i) den *= 10;
  }
  const detail::int128 units = num / den;
  if (units > INT64_MAX) return {};
  return Quantity{static_cast<std::int64_t>(units), static_cast<std::uint8_t>(size_decimals)};
}

Quantity min(Quantity a, Quantity b) { return a < b ? a : b; }

// The levels an order of `side` takes, best first, up to `limit` (unset: any price).
std::vector<L2Level> crossing(const L2Snapshot& book, OrderSide side, std::optional<Price> limit) {
  std::vector<L2Level> out;
  const auto& levels = side == OrderSide::buy ? book.asks : book.bids;
  for (const L2Level& l : levels) {
    if (limit && (side == OrderSide::buy ? l.price > *limit : l.price < *limit)) break;
    out.push_back(l);
  }
  return out;
}

}  // namespace

Result<TradingRules> trading_rules(const SymbolInfo& info) {
  TradingRules r;
  r.symbol = info.symbol;
  r.base = info.base_currency;
  r.quote = info.quote_currency;
  auto price_inc = read<Price>(info.price_increment, "priceIncrement", info.symbol);
  if (!price_inc) return Unexpected{std::move(price_inc).error()};
  auto base_inc = read<Quantity>(info.base_increment, "baseIncrement", info.symbol);
  if (!base_inc) return Unexpected{std::move(base_inc).error()};
  auto min_size = read<Quantity>(info.base_min_size, "baseMinSize", info.symbol);
  if (!min_size) return Unexpected{std::move(min_size).error()};
  auto quote_inc = read<Amount>(info.quote_increment, "quoteIncrement", info.symbol);
  if (!quote_inc) return Unexpected{std::move(quote_inc).error()};
  r.price_increment = *price_inc;
  r.base_increment = *base_inc;
  r.base_min_size = *min_size;
  r.quote_increment = *quote_inc;
  r.min_funds = Amount{1, 1};  // the mock's listing says minFunds 0.1 (rest_codec.cpp)
  return r;
}

Exchange::Exchange(std::span<const SymbolInfo> symbols, ExchangeConfig config) : config_(std::move(config)) {
  for (const SymbolInfo& s : symbols) {
    if (auto r = trading_rules(s)) rules_.push_back(std::move(*r));
  }
}

const TradingRules* Exchange::rules(std::string_view symbol) const {
  for (const TradingRules& r : rules_) {
    if (r.symbol == symbol) return &r;
  }
  return nullptr;
}

void Exchange::keep(KeyAccount& acct, PrivatePush push) {
  if (acct.pushes.size() >= config_.max_pushes_kept && !acct.pushes.empty()) acct.pushes.erase(acct.pushes.begin());
  acct.pushes.push_back(std::move(push));
}

std::string Exchange::next_id(char kind) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "6720da3f";
  id += kind == 't' ? "7" : "0";
  std::uint64_t n = ++ids_;
  std::string tail(15, '0');
  for (int i = 14; i >= 0 && n != 0; --i, n >>= 4) tail[static_cast<std::size_t>(i)] = kHex[n & 0xf];
  return id + tail;
}

std::string Exchange::user_id(std::string_view key) const {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a: a stable id per key
  for (char c : key) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "6335597";
  for (int i = 0; i < 16; ++i, h >>= 4) id += kHex[h & 0xf];
  return id.substr(0, 24);
}

void Exchange::set_balance(std::string_view key, std::string_view currency, Amount available, Amount hold) {
  Balance& b = accounts_[std::string(key)].balances[std::string(currency)];
  b.available = available;
  b.hold = hold;
}

std::vector<Account> Exchange::accounts(std::string_view key, std::string_view type) const {
  std::vector<Account> out;
  auto it = accounts_.find(key);
  if (it == accounts_.end()) return out;
  std::size_t n = 0;
  for (const auto& [currency, b] : it->second.balances) {
    Account a;
    a.id = user_id(key).substr(0, 20) + std::to_string(++n);
    a.currency = currency;
    a.type = std::string(type);
    a.balance = to_string(plus(b.available, b.hold));
    a.available = to_string(b.available);
    a.holds = to_string(b.hold);
    out.push_back(std::move(a));
  }
  return out;
}

std::optional<Refusal> Exchange::validate(std::string_view key, const KeyAccount& acct, const TradingRules& r,
                                          const OrderRequest& req, const L2Snapshot& book) const {
  auto refuse = [](OrderRejection why, std::string detail) { return Refusal{why, std::move(detail)}; };
  if (!req.client_oid.empty() && acct.by_client_oid.contains(req.client_oid)) {
    return refuse(OrderRejection::duplicate_client_oid, "clientOid " + req.client_oid + " was used before");
  }
  if (req.price && !is_multiple(*req.price, r.price_increment)) {
    return refuse(OrderRejection::price_increment,
                  "price " + to_string(*req.price) + " is not a multiple of " + to_string(r.price_increment));
  }
  if (req.size) {
    if (!is_multiple(*req.size, r.base_increment)) {
      return refuse(OrderRejection::size_increment,
                    "size " + to_string(*req.size) + " is not a multiple of " + to_string(r.base_increment));
    }
    if (*req.size < r.base_min_size) {
      return refuse(OrderRejection::below_min_size,
                    "size " + to_string(*req.size) + " is below " + to_string(r.base_min_size));
    }
  }
  if (req.funds) {
    if (!is_multiple(*req.funds, r.quote_increment)) {
      return refuse(OrderRejection::size_increment,
                    "funds " + to_string(*req.funds) + " is not a multiple of " + to_string(r.quote_increment));
    }
    if (*req.funds < r.min_funds) {
      return refuse(OrderRejection::below_min_size,
                    "funds " + to_string(*req.funds) + " is below " + to_string(r.min_funds));
    }
  }
  std::size_t open = 0;
  for (const Order& o : orders_) {
    if (o.details.active && o.details.symbol == r.symbol && o.key == key) ++open;
  }
  if (open >= config_.max_open_orders) {
    return refuse(OrderRejection::too_many_orders, std::to_string(open) + " open orders in " + r.symbol);
  }
  auto available = [&](const std::string& currency) {
    auto it = acct.balances.find(currency);
    return it == acct.balances.end() ? Amount{} : it->second.available;
  };
  Amount need;
  std::string currency;
  if (req.side == OrderSide::sell) {
    currency = r.base;
    need = as<Amount>(req.size.value_or(Quantity{}));
  } else {
    currency = r.quote;
    if (req.type == OrderType::limit) {
      need = cost(*req.price, *req.size);
    } else if (req.funds) {
      need = *req.funds;
    } else {  // a market buy by size: what the book's asks cost for it
      Quantity left = *req.size;
      for (const L2Level& l : crossing(book, OrderSide::buy, std::nullopt)) {
        if (left.is_zero()) break;
        const Quantity take = min(left, l.size);
        need = plus(need, cost(l.price, take));
        left = minus(left, take);
      }
    }
  }
  if (available(currency) < need) {
    return refuse(OrderRejection::insufficient_balance,
                  currency + " available " + to_string(available(currency)) + ", the order needs " + to_string(need));
  }
  return std::nullopt;
}

void Exchange::push_balance(std::string_view key, std::string_view currency, Amount available_change,
                            Amount hold_change, const Order& o, std::string_view event, std::int64_t now_ms) {
  KeyAccount& acct = accounts_[std::string(key)];
  const Balance& b = acct.balances[std::string(currency)];
  BalanceChange c;
  c.account_id = user_id(key).substr(0, 12);
  c.currency = std::string(currency);
  c.total = plus(b.available, b.hold);
  c.available = b.available;
  c.hold = b.hold;
  c.available_change = available_change;
  c.hold_change = hold_change;
  c.relation_event = std::string(event);
  c.relation_event_id = next_id('b');
  c.symbol = o.details.symbol;
  c.order_id = o.details.order_id;
  c.time_ms = now_ms;
  keep(acct, std::move(c));
}

void Exchange::hold(std::string_view key, std::string_view currency, Amount amount, const Order& o,
                    std::string_view event, std::int64_t now_ms) {
  if (amount.is_zero()) return;
  Balance& b = accounts_[std::string(key)].balances[std::string(currency)];
  b.available = minus(b.available, amount);
  b.hold = plus(b.hold, amount);
  push_balance(key, currency, negated(amount), amount, o, event, now_ms);
}

void Exchange::credit(std::string_view key, std::string_view currency, Amount delta, const Order& o,
                      std::string_view event, std::int64_t now_ms) {
  if (delta.is_zero()) return;
  Balance& b = accounts_[std::string(key)].balances[std::string(currency)];
  b.available = plus(b.available, delta);
  push_balance(key, currency, delta, Amount{}, o, event, now_ms);
}

void Exchange::push_order(Order& o, OrderEventType type, std::int64_t now_ms, std::optional<Price> match_price,
                          std::optional<Quantity> match_size, std::string_view liquidity,
                          std::optional<Quantity> old_size) {
  const OrderDetails& d = o.details;
  OrderChange c;
  c.symbol = d.symbol;
  c.order_id = d.order_id;
  c.client_oid = d.client_oid;
  c.side = d.side;
  c.order_type = d.type;
  c.type = type;
  c.status = type == OrderEventType::received ? OrderStatus::new_order
             : type == OrderEventType::match  ? OrderStatus::match
             : d.active                       ? OrderStatus::open
                                              : OrderStatus::done;
  if (d.type == OrderType::limit) c.price = d.price;
  if (!d.size.is_zero()) {
    c.size = d.size;
    c.origin_size = old_size ? *old_size : d.size;
  }
  if (!d.funds.is_zero()) c.remain_funds = minus(d.funds, d.deal_funds);
  c.filled_size = d.deal_size;
  c.remain_size = d.remain_size;
  c.canceled_size = d.canceled_size;
  if (old_size) c.old_size = old_size;
  if (match_size) {
    c.match_price = match_price;
    c.match_size = match_size;
    c.trade_id = next_id('t');
    c.liquidity = std::string(liquidity);
  }
  c.order_time_ms = d.created_at_ms;
  c.ts_ns = now_ms * 1'000'000 + (push_seq_++ % 1'000'000);
  keep(accounts_[o.key], std::move(c));
}

void Exchange::fill(Order& o, Price price, Quantity size, std::string_view liquidity, std::int64_t now_ms) {
  const TradingRules* r = rules(o.details.symbol);
  OrderDetails& d = o.details;
  const Amount value = cost(price, size);
  d.deal_size = plus(d.deal_size, size);
  d.deal_funds = plus(d.deal_funds, value);
  if (!d.size.is_zero()) d.remain_size = minus(d.size, plus(d.deal_size, d.canceled_size));
  d.last_updated_at_ms = now_ms;
  push_order(o, OrderEventType::match, now_ms, price, size, liquidity);
  if (d.side == OrderSide::buy) {
    // Release what this part held (at the limit price; the estimate for a market order), pay its value.
    const Amount release = d.type == OrderType::limit ? cost(d.price, size) : std::min(value, o.held);
    Balance& q = accounts_[o.key].balances[r->quote];
    q.hold = minus(q.hold, release);
    q.available = plus(q.available, minus(release, value));
    o.held = minus(o.held, release);
    push_balance(o.key, r->quote, minus(release, value), negated(release), o, "trade.setted", now_ms);
    credit(o.key, r->base, as<Amount>(size), o, "trade.setted", now_ms);
  } else {
    Balance& b = accounts_[o.key].balances[r->base];
    b.hold = minus(b.hold, as<Amount>(size));
    o.held = minus(o.held, as<Amount>(size));
    push_balance(o.key, r->base, Amount{}, negated(as<Amount>(size)), o, "trade.setted", now_ms);
    credit(o.key, r->quote, value, o, "trade.setted", now_ms);
  }
}

void Exchange::finish(Order& o, bool canceled, std::int64_t now_ms) {
  const TradingRules* r = rules(o.details.symbol);
  OrderDetails& d = o.details;
  if (canceled && !d.size.is_zero()) {
    d.canceled_size = plus(d.canceled_size, d.remain_size);
    d.remain_size = Quantity{};
  }
  d.active = false;
  d.in_order_book = false;
  d.last_updated_at_ms = now_ms;
  if (!o.held.is_zero()) {  // give back what the order still holds
    const std::string& currency = d.side == OrderSide::buy ? r->quote : r->base;
    Balance& b = accounts_[o.key].balances[currency];
    b.hold = minus(b.hold, o.held);
    b.available = plus(b.available, o.held);
    push_balance(o.key, currency, o.held, negated(o.held), o, "trade.hold", now_ms);
    o.held = Amount{};
  }
  push_order(o, canceled ? OrderEventType::canceled : OrderEventType::filled, now_ms);
}

Result<PlacedOrder, Refusal> Exchange::place(std::string_view key, const OrderRequest& req, const L2Snapshot& book,
                                             std::int64_t now_ms, bool test) {
  const TradingRules* r = rules(req.symbol);
  if (r == nullptr) return Unexpected{Refusal{OrderRejection::invalid_order, "symbol " + req.symbol + " not listed"}};
  KeyAccount& acct = accounts_[std::string(key)];
  if (auto refusal = validate(key, acct, *r, req, book)) return Unexpected{std::move(*refusal)};
  if (test) return PlacedOrder{next_id('o'), req.client_oid};

  {
    Order o;
    o.key = std::string(key);
    OrderDetails& n = o.details;
    n.order_id = next_id('o');
    n.client_oid = req.client_oid;
    n.symbol = req.symbol;
    n.side = req.side;
    n.type = req.type;
    n.time_in_force = req.time_in_force.value_or(TimeInForce::gtc);
    n.price = req.price.value_or(Price{});
    n.size = req.size.value_or(Quantity{});
    n.funds = req.funds.value_or(Amount{});
    n.remain_size = n.size;
    n.post_only = req.post_only;
    n.active = true;
    n.created_at_ms = now_ms;
    n.last_updated_at_ms = now_ms;
    orders_.push_back(std::move(o));
  }
  const std::size_t index = orders_.size() - 1;
  Order& order = orders_[index];
  const OrderDetails& d = order.details;
  by_id_[d.order_id] = index;
  if (!req.client_oid.empty()) acct.by_client_oid[req.client_oid] = index;
  push_order(order, OrderEventType::received, now_ms);

  // Hold what the order may spend.
  const std::vector<L2Level> levels =
      crossing(book, req.side, req.type == OrderType::limit ? req.price : std::optional<Price>{});
  Amount to_hold;
  if (req.side == OrderSide::sell) {
    to_hold = as<Amount>(d.size);
  } else if (req.type == OrderType::limit) {
    to_hold = cost(d.price, d.size);
  } else if (req.funds) {
    to_hold = *req.funds;
  } else {
    Quantity left = d.size;
    for (const L2Level& l : levels) {
      const Quantity take = min(left, l.size);
      to_hold = plus(to_hold, cost(l.price, take));
      left = minus(left, take);
    }
  }
  hold(key, req.side == OrderSide::buy ? r->quote : r->base, to_hold, order, "trade.hold", now_ms);
  order.held = to_hold;

  // Take from the book what crosses.
  const bool by_funds = req.type == OrderType::market && req.funds.has_value();
  Quantity available_size;
  for (const L2Level& l : levels) available_size = plus(available_size, l.size);
  const bool fok_short = d.time_in_force == TimeInForce::fok && !by_funds && available_size < d.size;
  if ((req.post_only && !levels.empty()) || fok_short) {
    finish(order, true, now_ms);  // postOnly would take, FOK cannot fill all: canceled, nothing filled
    return PlacedOrder{d.order_id, d.client_oid};
  }
  Quantity left = d.size;
  Amount funds_left = d.funds;
  for (const L2Level& l : levels) {
    Quantity take =
        by_funds ? min(l.size, affordable(funds_left, l.price, r->base_increment.decimals)) : min(left, l.size);
    if (by_funds) {  // whole increments only
      const auto inc = rescale(r->base_increment.raw, r->base_increment.decimals, take.decimals);
      if (inc && *inc > 0) take.raw -= take.raw % *inc;
    }
    if (take.is_zero()) break;
    fill(order, l.price, take, "taker", now_ms);
    if (by_funds) {
      funds_left = minus(funds_left, cost(l.price, take));
    } else {
      left = minus(left, take);
      if (left.is_zero()) break;
    }
  }
  const bool done = by_funds ? true : order.details.remain_size.is_zero();
  if (done) {
    finish(order, by_funds && order.details.deal_size.is_zero(), now_ms);
  } else if (req.type == OrderType::market || d.time_in_force == TimeInForce::ioc) {
    finish(order, true, now_ms);
  } else {
    order.details.in_order_book = true;
    push_order(order, OrderEventType::open, now_ms);
  }
  return PlacedOrder{order.details.order_id, order.details.client_oid};
}

Result<CanceledOrder, Refusal> Exchange::cancel(Order* o, std::string_view symbol, bool by_client_oid,
                                                std::int64_t now_ms) {
  if (o == nullptr || o->details.symbol != symbol || !o->details.active) {
    return Unexpected{Refusal{OrderRejection::order_not_found, "no open order to cancel"}};
  }
  finish(*o, true, now_ms);
  return by_client_oid ? CanceledOrder{"", o->details.client_oid} : CanceledOrder{o->details.order_id, ""};
}

Result<CanceledOrder, Refusal> Exchange::cancel_by_id(std::string_view key, std::string_view symbol,
                                                      std::string_view order_id, std::int64_t now_ms) {
  auto it = by_id_.find(order_id);
  Order* o = it != by_id_.end() && orders_[it->second].key == key ? &orders_[it->second] : nullptr;
  return cancel(o, symbol, false, now_ms);
}

Result<CanceledOrder, Refusal> Exchange::cancel_by_client_oid(std::string_view key, std::string_view symbol,
                                                              std::string_view client_oid, std::int64_t now_ms) {
  Order* o = nullptr;
  if (auto a = accounts_.find(key); a != accounts_.end()) {
    if (auto it = a->second.by_client_oid.find(client_oid); it != a->second.by_client_oid.end())
      o = &orders_[it->second];
  }
  return cancel(o, symbol, true, now_ms);
}

std::size_t Exchange::cancel_all(std::string_view key, std::string_view symbol, std::int64_t now_ms) {
  std::size_t n = 0;
  for (Order& o : orders_) {
    if (o.key == key && o.details.symbol == symbol && o.details.active) {
      finish(o, true, now_ms);
      ++n;
    }
  }
  return n;
}

std::optional<OrderDetails> Exchange::order_by_id(std::string_view key, std::string_view order_id) const {
  auto it = by_id_.find(order_id);
  if (it == by_id_.end() || orders_[it->second].key != key) return std::nullopt;
  return orders_[it->second].details;
}

std::optional<OrderDetails> Exchange::order_by_client_oid(std::string_view key, std::string_view client_oid) const {
  auto a = accounts_.find(key);
  if (a == accounts_.end()) return std::nullopt;
  auto it = a->second.by_client_oid.find(client_oid);
  if (it == a->second.by_client_oid.end()) return std::nullopt;
  return orders_[it->second].details;
}

std::vector<OrderDetails> Exchange::active_orders(std::string_view key, std::string_view symbol) const {
  std::vector<OrderDetails> out;
  for (const Order& o : orders_) {
    if (o.key == key && o.details.symbol == symbol && o.details.active) out.push_back(o.details);
  }
  return out;
}

void Exchange::on_market_trade(std::string_view symbol, const Trade& trade, std::int64_t now_ms) {
  // A buyer took asks up to trade.price: resting sells at or below it fill; a seller hit bids down
  // to trade.price: resting buys at or above it. Best price first, then oldest.
  const OrderSide resting = trade.taker_side == Side::bid ? OrderSide::sell : OrderSide::buy;
  std::vector<std::size_t> reached;
  for (std::size_t i = 0; i < orders_.size(); ++i) {
    const OrderDetails& d = orders_[i].details;
    if (!d.in_order_book || d.symbol != symbol || d.side != resting) continue;
    if (resting == OrderSide::sell ? d.price <= trade.price : d.price >= trade.price) reached.push_back(i);
  }
  std::stable_sort(reached.begin(), reached.end(), [&](std::size_t a, std::size_t b) {
    const Price pa = orders_[a].details.price, pb = orders_[b].details.price;
    return resting == OrderSide::sell ? pa < pb : pa > pb;
  });
  Quantity left = trade.size;
  for (std::size_t i : reached) {
    if (left.is_zero()) break;
    Order& o = orders_[i];
    const Quantity take = min(left, o.details.remain_size);
    if (take.is_zero()) continue;
    fill(o, o.details.price, take, "maker", now_ms);
    left = minus(left, take);
    if (o.details.remain_size.is_zero()) finish(o, false, now_ms);
  }
}

std::vector<PrivatePush> Exchange::take_pushes(std::string_view key) {
  auto it = accounts_.find(key);
  if (it == accounts_.end()) return {};
  return std::exchange(it->second.pushes, {});
}

std::vector<KeyPushes> Exchange::take_all_pushes() {
  std::vector<KeyPushes> out;
  for (auto& [key, acct] : accounts_) {
    if (acct.pushes.empty()) continue;
    out.push_back(KeyPushes{key, user_id(key), std::exchange(acct.pushes, {})});
  }
  return out;
}

}  // namespace kucoin::mock
