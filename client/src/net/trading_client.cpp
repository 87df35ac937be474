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

TradingClient::Stats TradingClient::stats() const {
  return Stats{impl_->sent.load(), impl_->recovered.load(), impl_->resent.load()};
}

}  // namespace kucoin::net
