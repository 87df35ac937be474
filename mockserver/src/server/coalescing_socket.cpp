#include "coalescing_socket.hpp"

#include <boost/asio/write.hpp>

namespace kucoin::mock {

CoalescingSocket::CoalescingSocket(socket_type s, std::size_t limit)
    : sock_(std::move(s)), st_(std::make_shared<State>(sock_.get_executor())) {
  st_->sock = &sock_;
  st_->limit = limit;
}

CoalescingSocket::CoalescingSocket(CoalescingSocket&& o) noexcept : sock_(std::move(o.sock_)), st_(std::move(o.st_)) {
  if (st_) st_->sock = &sock_;
}

CoalescingSocket::~CoalescingSocket() {
  if (st_) st_->sock = nullptr;
}

void CoalescingSocket::shutdown_send_when_flushed() {
  st_->shutdown_requested = true;
  flush(st_);
  if (!st_->flushing) finish_drain(st_);
}

void CoalescingSocket::when_flushed(std::function<void()> f) {
  st_->drained.push_back(std::move(f));
  flush(st_);
  if (!st_->flushing) finish_drain(st_);
}

void CoalescingSocket::finish_drain(const std::shared_ptr<State>& st) {
  if (!st->pending.empty() && !st->failed && st->sock != nullptr) return;  // flush() continues
  if (st->shutdown_requested && st->sock != nullptr) {
    error_code ignored;
    st->sock->shutdown(socket_type::shutdown_send, ignored);
    st->shutdown_requested = false;
  }
  auto waiters = std::move(st->drained);
  st->drained.clear();
  for (auto& w : waiters) w();
}

void CoalescingSocket::flush(const std::shared_ptr<State>& st) {
  if (st->flushing || st->pending.empty() || st->sock == nullptr) return;
  st->flushing = true;
  ++st->flushes;
  st->inflight.clear();
  st->inflight.swap(st->pending);
  boost::asio::async_write(*st->sock, boost::asio::buffer(st->inflight), [st](error_code ec, std::size_t) {
    st->flushing = false;
    if (st->sock == nullptr) return;
    if (ec) {
      st->failed = ec;
      st->pending.clear();
    }
    if (st->parked) {
      if (st->failed) {
        auto h = std::exchange(st->parked, nullptr);
        h(st->failed, 0);
      } else if (st->pending.size() < st->limit) {
        const std::size_t n = append(*st, st->parked_buffers);
        auto h = std::exchange(st->parked, nullptr);
        h({}, n);
      }
    }
    if (!st->pending.empty() && !st->failed &&
        (!st->deferred || st->pending.size() >= st->threshold || st->shutdown_requested || !st->drained.empty())) {
      flush(st);
    } else {
      finish_drain(st);
    }
  });
}

}  // namespace kucoin::mock
