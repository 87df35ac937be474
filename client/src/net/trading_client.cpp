#include "kucoin/net/trading_client.hpp"

#include <mutex>

#include "kucoin/protocol/ws_url.hpp"  // percent_encode
#include "kucoin/protocol/order_codec.hpp"

namespace kucoin::net {

struct TradingClient::Impl : std::enable_shared_from_this<TradingClient::Impl> {
  Impl(RestClient& r, TradingClientOptions o) : rest(r), options(o) {}

  RestClient& rest;
  TradingClientOptions options;
  std::mutex decoder_mu;  // handlers run on the RestClient's strand; the lock keeps any other use safe
  OrderDecoder decoder;
  std::atomic<std::uint64_t> sent{0}, recovered{0}, resent{0};

  // One signed call whose successful answer `decode` reads.
  template <class T, class Decode>
  void typed(RestCall call, RestHandler<T> done, Decode decode) {
    const std::string what = call.method + " " + call.path;
    rest.call(std::move(call),
              [self = shared_from_this(), done = std::move(done), decode, what](Result<RestReply, ApiError> r) {
                if (!r) {
                  done(Unexpected{std::move(r).error()});
                  return;
                }
                Result<T, ApiError> t = [&] {
                  std::lock_guard lock(self->decoder_mu);
                  return decode(self->decoder, *r);
                }();
                if (!t) {
                  ApiError e = std::move(t).error();
                  e.request = what;
                  e.attempts = r->attempts;
                  done(Unexpected{std::move(e)});
                  return;
                }
                done(std::move(t));
              });
  }

  static RestCall signed_call(std::string method, std::string path, std::string query, std::string body,
                              bool idempotent) {
    return RestCall{std::move(method), std::move(path), std::move(query), std::move(body), true, idempotent};
  }
  static std::string symbol_query(const std::string& symbol) { return "symbol=" + percent_encode(symbol); }

  struct Placement {
    OrderRequest request;
    std::string body;
    int attempts = 0;
    RestHandler<PlacedOrder> done;
  };

  void place(std::shared_ptr<Placement> p) {
    ++p->attempts;
    ++sent;
    rest.call(signed_call("POST", std::string(order_paths::kOrders), "", p->body, false),
              [self = shared_from_this(), p](Result<RestReply, ApiError> r) {
                if (r) {
                  std::lock_guard lock(self->decoder_mu);
                  p->done(self->decoder.placed_order(r->status, r->body));
                  return;
                }
                ApiError e = std::move(r).error();
                if (e.kind != ApiErrorKind::transport || p->request.client_oid.empty()) {
                  p->done(Unexpected{std::move(e)});
                  return;
                }
                self->recover(p, std::move(e));
              });
  }

  // The answer was lost: does the order exist?
  void recover(std::shared_ptr<Placement> p, ApiError lost) {
    auto call = signed_call("GET", std::string(order_paths::kByClientOid) + percent_encode(p->request.client_oid),
                            symbol_query(p->request.symbol), "", true);
    rest.call(std::move(call), [self = shared_from_this(), p, lost = std::move(lost)](Result<RestReply, ApiError> r) {
      if (r) {
        std::lock_guard lock(self->decoder_mu);
        auto d = self->decoder.order_details(r->status, r->body);
        if (d) {
          ++self->recovered;
          p->done(PlacedOrder{d->order_id, d->client_oid});
        } else {
          p->done(Unexpected{lost});
        }
        return;
      }
      if (order_rejection(r.error()) == OrderRejection::order_not_found &&
          p->attempts < self->options.max_placement_attempts) {
        ++self->resent;
        self->place(p);  // KuCoin never had it: sending it again cannot make a second order
        return;
      }
      p->done(Unexpected{lost});
    });
  }
};

TradingClient::TradingClient(RestClient& rest, TradingClientOptions options)
    : impl_(std::make_shared<Impl>(rest, options)) {}
TradingClient::~TradingClient() = default;

void TradingClient::place_order(OrderRequest request, RestHandler<PlacedOrder> done) {
  auto p = std::make_shared<Impl::Placement>();
  encode_order_request(request, p->body);
  p->request = std::move(request);
  p->done = std::move(done);
  impl_->place(std::move(p));
}

void TradingClient::test_order(OrderRequest request, RestHandler<PlacedOrder> done) {
  std::string body;
  encode_order_request(request, body);
  impl_->typed<PlacedOrder>(
      Impl::signed_call("POST", std::string(order_paths::kOrdersTest), "", std::move(body), false), std::move(done),
      [](OrderDecoder& d, const RestReply& r) { return d.placed_order(r.status, r.body); });
}

void TradingClient::cancel_order(std::string symbol, std::string order_id, RestHandler<CanceledOrder> done) {
  impl_->typed<CanceledOrder>(Impl::signed_call("DELETE", std::string(order_paths::kById) + percent_encode(order_id),
                                                Impl::symbol_query(symbol), "", true),
                              std::move(done),
                              [](OrderDecoder& d, const RestReply& r) { return d.canceled_order(r.status, r.body); });
}

void TradingClient::cancel_order_by_client_oid(std::string symbol, std::string client_oid,
                                               RestHandler<CanceledOrder> done) {
  impl_->typed<CanceledOrder>(
      Impl::signed_call("DELETE", std::string(order_paths::kByClientOid) + percent_encode(client_oid),
                        Impl::symbol_query(symbol), "", true),
      std::move(done), [](OrderDecoder& d, const RestReply& r) { return d.canceled_order(r.status, r.body); });
}

void TradingClient::cancel_all_orders(std::string symbol, RestHandler<void> done) {
  impl_->typed<void>(
      Impl::signed_call("DELETE", std::string(order_paths::kOrders), Impl::symbol_query(symbol), "", true),
      std::move(done), [](OrderDecoder& d, const RestReply& r) { return d.canceled_all(r.status, r.body); });
}

void TradingClient::order(std::string symbol, std::string order_id, RestHandler<OrderDetails> done) {
  impl_->typed<OrderDetails>(Impl::signed_call("GET", std::string(order_paths::kById) + percent_encode(order_id),
                                               Impl::symbol_query(symbol), "", true),
                             std::move(done),
                             [](OrderDecoder& d, const RestReply& r) { return d.order_details(r.status, r.body); });
}

void TradingClient::order_by_client_oid(std::string symbol, std::string client_oid, RestHandler<OrderDetails> done) {
  impl_->typed<OrderDetails>(
      Impl::signed_call("GET", std::string(order_paths::kByClientOid) + percent_encode(client_oid),
                        Impl::symbol_query(symbol), "", true),
      std::move(done), [](OrderDecoder& d, const RestReply& r) { return d.order_details(r.status, r.body); });
}

void TradingClient::active_orders(std::string symbol, RestHandler<std::vector<OrderDetails>> done) {
  impl_->typed<std::vector<OrderDetails>>(
      Impl::signed_call("GET", std::string(order_paths::kActive), Impl::symbol_query(symbol), "", true),
      std::move(done), [](OrderDecoder& d, const RestReply& r) { return d.active_orders(r.status, r.body); });
}

void TradingClient::hf_account_opened(RestHandler<bool> done) {
  impl_->typed<bool>(Impl::signed_call("GET", std::string(order_paths::kHfAccountOpened), "", "", true),
                     std::move(done),
                     [](OrderDecoder& d, const RestReply& r) { return d.hf_account_opened(r.status, r.body); });
}

namespace {

void merge(trading::Changes& into, const trading::Changes& from) {
  into.fills.insert(into.fills.end(), from.fills.begin(), from.fills.end());
  into.states.insert(into.states.end(), from.states.begin(), from.states.end());
  into.balances.insert(into.balances.end(), from.balances.begin(), from.balances.end());
}

// One reconcile, step by step: symbols, then each symbol's queries, then the balances.
struct Reconcile : std::enable_shared_from_this<Reconcile> {
  TradingClient* trading = nullptr;
  RestClient* rest = nullptr;
  trading::OrderTracker* tracker = nullptr;
  std::vector<std::string> symbols;
  std::string account_type;
  RestHandler<trading::Changes> done;
  trading::Changes total;
  std::size_t symbol = 0;
  std::vector<std::string> ids, oids;  // the current symbol's queries still to make

  void fail(ApiError e) { done(Unexpected{std::move(e)}); }

  void next_symbol() {
    if (symbol == symbols.size()) return balances();
    trading->active_orders(symbols[symbol], [self = shared_from_this()](Result<std::vector<OrderDetails>, ApiError> r) {
      if (!r) return self->fail(std::move(r).error());
      trading::Changes c = self->tracker->reconcile_orders(self->symbols[self->symbol], *r);
      merge(self->total, c);
      self->ids = std::move(c.query_order_ids);
      self->oids = std::move(c.query_client_oids);
      self->next_query();
    });
  }

  void next_query() {
    const std::string& sym = symbols[symbol];
    if (!ids.empty()) {
      std::string id = std::move(ids.back());
      ids.pop_back();
      trading->order(sym, id, [self = shared_from_this()](Result<OrderDetails, ApiError> r) {
        if (!r) return self->fail(std::move(r).error());
        merge(self->total, self->tracker->apply_details(*r));
        self->next_query();
      });
      return;
    }
    if (!oids.empty()) {
      std::string oid = std::move(oids.back());
      oids.pop_back();
      trading->order_by_client_oid(sym, oid, [self = shared_from_this(), oid](Result<OrderDetails, ApiError> r) {
        if (r) {
          merge(self->total, self->tracker->apply_details(*r));
        } else if (order_rejection(r.error()) == OrderRejection::order_not_found) {
          merge(self->total, self->tracker->on_place_failed(oid, OrderRejection::order_not_found));
        } else {
          return self->fail(std::move(r).error());
        }
        self->next_query();
      });
      return;
    }
    ++symbol;
    next_symbol();
  }

  void balances() {
    rest->accounts(AccountsQuery{"", account_type},
                   [self = shared_from_this()](Result<std::vector<Account>, ApiError> r) {
                     if (!r) return self->fail(std::move(r).error());
                     auto c = self->tracker->reconcile_balances(*r, self->account_type);
                     if (!c) {
                       ApiError e;
                       e.kind = ApiErrorKind::bad_response;
                       e.msg = c.error().describe();
                       e.data_error = c.error().code;
                       e.request = "GET /api/v1/accounts";
                       return self->fail(std::move(e));
                     }
                     merge(self->total, *c);
                     self->done(std::move(self->total));
                   });
  }
};

}  // namespace

void TradingClient::reconcile(trading::OrderTracker& tracker, std::vector<std::string> symbols,
                              std::string account_type, RestHandler<trading::Changes> done) {
  auto r = std::make_shared<Reconcile>();
  r->trading = this;
  r->rest = &impl_->rest;
  r->tracker = &tracker;
  r->symbols = std::move(symbols);
  r->account_type = std::move(account_type);
  r->done = std::move(done);
  r->next_symbol();
}

TradingClient::Stats TradingClient::stats() const {
  return Stats{impl_->sent.load(), impl_->recovered.load(), impl_->resent.load()};
}

}  // namespace kucoin::net
