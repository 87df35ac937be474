// CoalescingSocket: the next layer of the mock's plain WebSocket streams (private to the server).
// A tcp::socket whose writes are copied into a buffer and complete at once, while the buffer goes
// to the kernel with one write in flight: many small WebSocket messages (each still its own frame)
// then leave in few syscalls. Bounded: a write that finds `limit` bytes waiting is parked until a
// flush made room, so a reader that stops reading still stops the writer (the slow-reader policy
// relies on it). Asio only; the WebSocket teardown hooks live with the session (ws_session.cpp).
// Tested on loopback sockets in tests/integration/coalescing_socket_test.cpp.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kucoin::mock {

class CoalescingSocket {
 public:
  using socket_type = boost::asio::ip::tcp::socket;
  using executor_type = socket_type::executor_type;
  using next_layer_type = socket_type;
  using error_code = boost::system::error_code;

  static constexpr std::size_t kDefaultLimit = 64 * 1024;    // bytes waiting before a write parks
  static constexpr std::size_t kFlushThreshold = 16 * 1024;  // flushed at this size even while deferred

  explicit CoalescingSocket(socket_type s, std::size_t limit = kDefaultLimit);
  CoalescingSocket(CoalescingSocket&& o) noexcept;
  CoalescingSocket& operator=(CoalescingSocket&&) = delete;
  CoalescingSocket(const CoalescingSocket&) = delete;
  CoalescingSocket& operator=(const CoalescingSocket&) = delete;
  ~CoalescingSocket();  // a flush still in flight completes without touching us

  executor_type get_executor() noexcept { return sock_.get_executor(); }
  socket_type& next_layer() noexcept { return sock_; }
  const socket_type& next_layer() const noexcept { return sock_; }

  template <class Buffers, class Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return sock_.async_read_some(buffers, std::forward<Token>(token));
  }

  // Completes at once (posted) with every byte accepted, unless `limit` bytes already wait: then
  // it completes when a flush made room. After a failed flush every write fails with its error.
  template <class Buffers, class Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code, std::size_t)>(
        [](auto handler, std::shared_ptr<State> st, const Buffers& b) {
          if (st->failed || st->sock == nullptr) {
            complete(st, std::move(handler), st->failed ? st->failed : boost::asio::error::operation_aborted, 0);
            return;
          }
          if (st->pending.size() >= st->limit) {  // park until a flush made room
            st->parked_buffers.assign(boost::asio::buffer_sequence_begin(b), boost::asio::buffer_sequence_end(b));
            auto ex = boost::asio::get_associated_executor(handler, st->ex);
            st->parked = [ex, h = std::make_shared<decltype(handler)>(std::move(handler))](error_code ec,
                                                                                           std::size_t n) {
              boost::asio::post(ex, [h, ec, n]() { std::move (*h)(ec, n); });
            };
            return;
          }
          const std::size_t n = append(*st, b);
          if (!st->deferred || st->pending.size() >= st->threshold) flush(st);
          complete(st, std::move(handler), {}, n);
        },
        token, st_, buffers);
  }

  // The synchronous form of a write for a writer that streams many small messages: when fewer
  // than `limit` bytes wait and no flush failed, fill(std::string&) appends the bytes to the
  // buffer now (a flush starts as async_write_some would start it) and it returns true, with no
  // completion to post and nothing to await. False: nothing was appended; async_write_some parks
  // the bytes until a flush made room (or reports the failure).
  template <class Fill>
  bool write_now(Fill&& fill) {
    if (st_->failed || st_->sock == nullptr || st_->pending.size() >= st_->limit) return false;
    std::forward<Fill>(fill)(st_->pending);
    if (!st_->deferred || st_->pending.size() >= st_->threshold) flush(st_);
    return true;
  }

  // While deferred, writes are only buffered (until kFlushThreshold bytes wait): the session's
  // writer defers while it streams frames back to back and calls flush_now() before it waits, so
  // that a busy stream leaves in large writes and a sparse one (or a pong, an ack) leaves at once.
  void set_deferred(bool on) noexcept { st_->deferred = on; }
  void flush_now() { flush(st_); }

  // Shuts the sending side down once everything accepted so far has been written.
  void shutdown_send_when_flushed();
  // Calls `f` once everything accepted so far has been written (or writing failed).
  void when_flushed(std::function<void()> f);

  // Writes handed to the kernel so far (one async_write of everything buffered each), and the
  // bytes accepted that wait for the next one.
  std::uint64_t flushes() const noexcept { return st_->flushes; }
  std::size_t buffered() const noexcept { return st_->pending.size(); }

 private:
  struct State {
    explicit State(executor_type e) : ex(std::move(e)) {}
    executor_type ex;
    socket_type* sock = nullptr;
    std::size_t limit = 0;
    std::size_t threshold = kFlushThreshold;
    bool deferred = false;
    std::string pending;   // accepted, not yet handed to the kernel
    std::string inflight;  // in the current async_write
    bool flushing = false;
    bool shutdown_requested = false;
    error_code failed;
    std::uint64_t flushes = 0;
    std::function<void(error_code, std::size_t)> parked;  // posts the parked write's completion
    std::vector<boost::asio::const_buffer> parked_buffers;
    std::vector<std::function<void()>> drained;
  };

  template <class Buffers>
  static std::size_t append(State& st, const Buffers& b) {
    std::size_t n = 0;
    for (auto it = boost::asio::buffer_sequence_begin(b); it != boost::asio::buffer_sequence_end(b); ++it) {
      const boost::asio::const_buffer cb(*it);
      st.pending.append(static_cast<const char*>(cb.data()), cb.size());
      n += cb.size();
    }
    return n;
  }

  template <class Handler>
  static void complete(const std::shared_ptr<State>& st, Handler&& h, error_code ec, std::size_t n) {
    // Never inline from the initiating function: post on the handler's executor.
    auto ex = boost::asio::get_associated_executor(h, st->ex);
    boost::asio::post(ex, [h = std::forward<Handler>(h), ec, n]() mutable { std::move(h)(ec, n); });
  }

  static void flush(const std::shared_ptr<State>& st);
  static void finish_drain(const std::shared_ptr<State>& st);

  socket_type sock_;
  std::shared_ptr<State> st_;
};

}  // namespace kucoin::mock
