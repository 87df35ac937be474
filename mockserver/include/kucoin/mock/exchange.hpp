// Exchange: the mock's spot trading, pure (kucoin-protocol.md §8.2-§8.3). Accounts and balances per
// API key, order validation with KuCoin's refusals (order_error.hpp: price and size increments,
// minimum size, balance, open-order limit, a clientOid used twice), the user's resting orders kept
// beside the market's truth, fills when an order crosses the market's book at placement and when
// the market trades through a resting order, and the private pushes and balance changes that
// result. Time is an argument; the market's book and trades are arguments (LiveMarket owns them).
// Not thread-safe (the REST service holds its lock while calling it).
//
// Simplifications, stated: no fees (fee 0); an order crossing the book takes the market's levels
// as they are (the market's book is not reduced by the user's fills); a market trade fills resting
// orders whose price it reached, at their own price, up to the trade's size; stp, hidden, iceberg
// and GTT's cancelAfter are accepted and ignored.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kucoin/core/result.hpp"
#include "kucoin/mock/market_generator.hpp"  // Trade
#include "kucoin/protocol/order_error.hpp"
#include "kucoin/protocol/order_messages.hpp"
#include "kucoin/protocol/rest_codec.hpp"  // SymbolInfo, Account

namespace kucoin::mock {

// A symbol's trading rules, read from its listing (/api/v2/symbols).
struct TradingRules {
  std::string symbol;
  std::string base;   // "BTC"
  std::string quote;  // "USDT"
  Price price_increment;
  Quantity base_increment;
  Quantity base_min_size;
  Amount quote_increment;
  Amount min_funds;  // KuCoin's minFunds (the mock's listing: 0.1)
};
// bad_number naming the field for a listing whose increments are not decimals.
Result<TradingRules> trading_rules(const SymbolInfo& info);

struct ExchangeConfig {
  std::size_t max_open_orders = 200;     // per key and symbol (200003 beyond)
  std::size_t max_pushes_kept = 10'000;  // per key until take_pushes(); the oldest are dropped beyond
};

// A private push for one key, in the order it happened.
using PrivatePush = std::variant<OrderChange, BalanceChange>;

// The pushes of one key since the last look, and the user id its frames carry ("userId").
struct KeyPushes {
  std::string key;
  std::string user_id;
  std::vector<PrivatePush> pushes;
};

// A refusal with the text KuCoin would send (order_error_wire()).
struct Refusal {
  OrderRejection why = OrderRejection::invalid_order;
  std::string detail;  // for logs: what exactly was wrong (not sent to clients)
};

class Exchange {
 public:
  explicit Exchange(std::span<const SymbolInfo> symbols, ExchangeConfig config = {});

  // Sets a key's balance of a currency (scenario set-up; a hold without an order stays held).
  void set_balance(std::string_view key, std::string_view currency, Amount available, Amount hold = {});
  // The key's balances as GET /api/v1/accounts lists them, as accounts of `type` ("trade", or
  // "trade_hf" for an HF account), by currency.
  std::vector<Account> accounts(std::string_view key, std::string_view type = "trade") const;
  // Whether the key has any balance or order here.
  bool knows(std::string_view key) const { return accounts_.contains(key); }

  // POST /api/v1/hf/orders. `book`: the market's book of the symbol now. A taker part fills against
  // it at once; a limit order's rest rests (postOnly: canceled instead of taking; IOC: the rest is
  // canceled; FOK: all or nothing). `test`: validated only (/hf/orders/test), nothing changes.
  Result<PlacedOrder, Refusal> place(std::string_view key, const OrderRequest& request, const L2Snapshot& book,
                                     std::int64_t now_ms, bool test = false);
  Result<CanceledOrder, Refusal> cancel_by_id(std::string_view key, std::string_view symbol, std::string_view order_id,
                                              std::int64_t now_ms);
  Result<CanceledOrder, Refusal> cancel_by_client_oid(std::string_view key, std::string_view symbol,
                                                      std::string_view client_oid, std::int64_t now_ms);
  // DELETE /api/v1/hf/orders?symbol=: how many were canceled.
  std::size_t cancel_all(std::string_view key, std::string_view symbol, std::int64_t now_ms);

  std::optional<OrderDetails> order_by_id(std::string_view key, std::string_view order_id) const;
  std::optional<OrderDetails> order_by_client_oid(std::string_view key, std::string_view client_oid) const;
  // Open orders of the key in the symbol, oldest first.
  std::vector<OrderDetails> active_orders(std::string_view key, std::string_view symbol) const;

  // The market traded (LiveMarket's trade log): resting orders it reached fill.
  void on_market_trade(std::string_view symbol, const Trade& trade, std::int64_t now_ms);

  // The pushes for `key` since the last call (and forgets them).
  std::vector<PrivatePush> take_pushes(std::string_view key);
  // Every key's pushes since the last call (keys with none left out; forgets them).
  std::vector<KeyPushes> take_all_pushes();
  // The user id pushes of `key` carry ("userId").
  std::string user_id(std::string_view key) const;

 private:
  struct Balance {
    Amount available;
    Amount hold;
  };
  struct Order {
    std::string key;
    OrderDetails details;
    Amount held;  // what the order holds now (quote for a buy, base for a sell)
  };
  struct KeyAccount {
    std::map<std::string, Balance, std::less<>> balances;
    std::map<std::string, std::size_t, std::less<>> by_client_oid;  // every clientOid ever used
    std::vector<PrivatePush> pushes;
  };

  const TradingRules* rules(std::string_view symbol) const;
  std::optional<Refusal> validate(std::string_view key, const KeyAccount& acct, const TradingRules& r,
                                  const OrderRequest& req, const L2Snapshot& book) const;
  // Moves `amount` of `currency` between available and hold (positive: to hold), with a push.
  void hold(std::string_view key, std::string_view currency, Amount amount, const Order& o, std::string_view event,
            std::int64_t now_ms);
  // Adds `delta` (may be negative) to available, with a push.
  void credit(std::string_view key, std::string_view currency, Amount delta, const Order& o, std::string_view event,
              std::int64_t now_ms);
  void push_balance(std::string_view key, std::string_view currency, Amount available_change, Amount hold_change,
                    const Order& o, std::string_view event, std::int64_t now_ms);
  void push_order(Order& o, OrderEventType type, std::int64_t now_ms, std::optional<Price> match_price = {},
                  std::optional<Quantity> match_size = {}, std::string_view liquidity = {},
                  std::optional<Quantity> old_size = {});
  // One fill of `size` at `price` of order `o`: balances, details, the match push.
  void fill(Order& o, Price price, Quantity size, std::string_view liquidity, std::int64_t now_ms);
  // Ends an order: releases what it still holds, canceled or filled push.
  void finish(Order& o, bool canceled, std::int64_t now_ms);
  Result<CanceledOrder, Refusal> cancel(Order* o, std::string_view symbol, bool by_client_oid, std::int64_t now_ms);
  std::string next_id(char kind);
  void keep(KeyAccount& acct, PrivatePush push);

  ExchangeConfig config_;
  std::vector<TradingRules> rules_;
  std::map<std::string, KeyAccount, std::less<>> accounts_;
  std::vector<Order> orders_;  // every order, in placement order
  std::map<std::string, std::size_t, std::less<>> by_id_;
  std::uint64_t ids_ = 0;
  std::int64_t push_seq_ = 0;  // orders pushes of one millisecond (ts in ns)
};

}  // namespace kucoin::mock
