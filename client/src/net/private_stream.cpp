// PrivateStream (kucoin/net/private_stream.hpp): the private channels' pushes into the tracker, and
// a reconcile over REST whenever both channels are subscribed again after their connection ended.
#include "kucoin/net/private_stream.hpp"

#include <utility>

#include "kucoin/protocol/order_codec.hpp"
#include "kucoin/protocol/ws_codec.hpp"
#include "kucoin/protocol/ws_topic.hpp"

namespace kucoin::net {

struct PrivateStream::Impl : std::enable_shared_from_this<PrivateStream::Impl> {
  Impl(TradingClient& t, trading::OrderTracker& tr, PrivateStreamOptions o, PrivateStreamHandlers h)
      : trading(t), tracker(tr), options(std::move(o)), handlers(std::move(h)) {
    need_reconcile = options.reconcile_at_start;
  }

  TradingClient& trading;
  trading::OrderTracker& tracker;
  PrivateStreamOptions options;
  PrivateStreamHandlers handlers;
  std::unique_ptr<WsClient> ws;
  WsDecoder frames;
  OrderDecoder orders;
  bool orders_subscribed = false;
  bool balance_subscribed = false;
  bool need_reconcile = false;
  bool reconciling = false;
  bool again = false;  // asked for while one ran
  bool stopped = false;
  Stats stats;

  void report(const trading::Changes& c, PrivateChangeSource source) {
    if (!c.empty() && handlers.on_changes) handlers.on_changes(c, source);
  }

  void bad_push(Error e) {
    ++stats.bad_pushes;
    if (handlers.on_bad_push) handlers.on_bad_push(e);
  }

  void on_message(const WsMessage& m) {
    const bool order = m.channel == channels::kTradeOrdersV2;
    if (!order && m.channel != channels::kAccountBalance) return;
    auto f = frames.decode_server(m.text);
    if (!f) return bad_push(f.error());
    const auto* d = std::get_if<DataMessage>(&*f);
    if (d == nullptr) return bad_push(Error{Errc::unexpected_message, "a private push that is not a data message"});
    trading::Changes c;
    if (order) {
      auto change = orders.order_change(d->data);
      if (!change) return bad_push(change.error());
      c = tracker.on_order_change(*change);
    } else {
      auto change = orders.balance_change(d->data);
      if (!change) return bad_push(change.error());
      c = tracker.on_balance_change(*change);
    }
    ++stats.pushes;
    report(c, PrivateChangeSource::push);
  }

  void on_topic(const WsTopicEvent& e) {
    const bool order = e.topic == channels::kTradeOrdersV2;
    if (!order && e.topic != channels::kAccountBalance) return;
    bool& subscribed = order ? orders_subscribed : balance_subscribed;
    if (e.status == WsTopicStatus::subscribed) {
      subscribed = true;
      if (orders_subscribed && balance_subscribed && need_reconcile) reconcile();
    } else {
      // Lost (or refused, failed): pushes may be missing from here on.
      if (orders_subscribed && balance_subscribed && e.status == WsTopicStatus::lost) ++stats.connections_lost;
      subscribed = false;
      need_reconcile = true;
    }
  }

  void reconcile() {
    if (stopped) return;
    if (reconciling) {
      again = true;
      return;
    }
    reconciling = true;
    need_reconcile = false;
    std::weak_ptr<Impl> weak = shared_from_this();
    trading.reconcile(tracker, options.symbols, options.account_type, [weak](Result<trading::Changes, ApiError> r) {
      auto self = weak.lock();
      if (!self) return;
      self->reconciling = false;
      if (r) {
        ++self->stats.reconciles;
        self->report(*r, PrivateChangeSource::reconcile);
      } else {
        ++self->stats.reconcile_failures;
        self->need_reconcile = true;
        if (self->handlers.on_reconcile_error) self->handlers.on_reconcile_error(r.error());
      }
      if (std::exchange(self->again, false)) self->reconcile();
    });
  }
};

PrivateStream::PrivateStream(boost::asio::io_context& io, RestClient& rest, TradingClient& trading,
                             trading::OrderTracker& tracker, PrivateStreamOptions options,
                             PrivateStreamHandlers handlers)
    : impl_(std::make_shared<Impl>(trading, tracker, std::move(options), std::move(handlers))) {
  WsHandlers h;
  std::weak_ptr<Impl> weak = impl_;
  h.on_message = [weak](const WsMessage& m) {
    if (auto self = weak.lock()) self->on_message(m);
  };
  h.on_topic = [weak](const WsTopicEvent& e) {
    if (auto self = weak.lock()) self->on_topic(e);
  };
  h.on_state = [weak](const WsStateEvent& e) {
    if (auto self = weak.lock(); self && self->handlers.on_state) self->handlers.on_state(e);
  };
  impl_->ws = std::make_unique<WsClient>(io, rest, impl_->options.ws, std::move(h));
}

PrivateStream::~PrivateStream() { stop(); }

Result<void> PrivateStream::start() {
  const std::vector<std::string> topics = {std::string(channels::kTradeOrdersV2),
                                           std::string(channels::kAccountBalance)};
  return impl_->ws->subscribe(topics);
}

void PrivateStream::reconcile_now() { impl_->reconcile(); }

void PrivateStream::stop() {
  impl_->stopped = true;
  if (impl_->ws) impl_->ws->stop();
}

PrivateStream::Stats PrivateStream::stats() const { return impl_->stats; }

}  // namespace kucoin::net
