// The mock's CoalescingSocket (mockserver/src/server/coalescing_socket.hpp) on real loopback
// sockets: writes while deferred leave in few large kernel writes, a flush when the writer runs
// out of frames, bytes in order whatever the sizes, a reader that stops reading stops the writer,
// shutdown after the last byte, and a failed flush fails the writes after it. Every wait runs the
// io_context until an event or a deadline; nothing sleeps.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "coalescing_socket.hpp"
#include "kucoin/core/rng.hpp"

namespace kucoin::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using mock::CoalescingSocket;

// A connected loopback pair: `server` is what the mock writes on, `client` the reading end.
struct Loopback {
  asio::io_context io;
  tcp::socket server{io};
  tcp::socket client{io};

  Loopback() {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
    server.set_option(tcp::no_delay(true));  // as the mock's sockets
  }

  // Runs handlers until `done()` or the deadline; true when done.
  template <class Pred>
  bool run_until(Pred done, std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    io.restart();
    while (!done() && std::chrono::steady_clock::now() < until) io.run_one_until(until);
    return done();
  }

  // Runs every handler that is ready until none is: the writer and the kernel are stuck or done.
  void run_until_quiet() {
    io.restart();
    while (io.poll() > 0) {}
  }
};

// Reads everything the client end receives.
struct Reader {
  explicit Reader(tcp::socket& s) : sock(s) {}
  void start() {
    sock.async_read_some(asio::buffer(buf), [this](error_code ec, std::size_t n) {
      received.append(buf.data(), n);
      if (ec) {
        eof = ec == asio::error::eof;
        error = ec;
        return;
      }
      start();
    });
  }
  tcp::socket& sock;
  std::array<char, 64 * 1024> buf{};
  std::string received;
  bool eof = false;
  error_code error;
};

// Writes messages one after the other, one write in flight (as a websocket::stream does).
struct Writer {
  explicit Writer(CoalescingSocket& s) : sock(s) {}
  void start() {
    if (next >= messages.size() || error) return;
    asio::async_write(sock, asio::buffer(messages[next]), [this](error_code ec, std::size_t) {
      if (ec) {
        error = ec;
        return;
      }
      ++completed;
      ++next;
      if (on_written) on_written(completed);
      start();
    });
  }
  std::string all() const {
    std::string out;
    for (const auto& m : messages) out += m;
    return out;
  }
  CoalescingSocket& sock;
  std::vector<std::string> messages;
  std::size_t next = 0, completed = 0;
  error_code error;
  std::function<void(std::size_t)> on_written;
};

// "#<i>:" then filler: every message tells where it belongs.
std::string message(std::size_t i, std::size_t size) {
  std::string m = "#" + std::to_string(i) + ":";
  m.resize(std::max(size, m.size()), static_cast<char>('a' + i % 26));
  return m;
}

TEST(CoalescingSocket, FramesWrittenBackToBackLeaveInLargeWritesAndTheRestWhenTheWriterRunsOut) {
  Loopback lo;
  CoalescingSocket sock(std::move(lo.server));
  Reader reader(lo.client);
  reader.start();
  Writer writer(sock);
  for (std::size_t i = 0; i < 2'000; ++i) writer.messages.push_back(message(i, 100));  // 200,000 bytes
  sock.set_deferred(true);
  writer.start();
  ASSERT_TRUE(lo.run_until([&] { return writer.completed == writer.messages.size(); })) << writer.error.message();
  // While deferred, only full 16 KiB buffers went out: what is left waits for the writer's flush.
  const std::uint64_t while_streaming = sock.flushes();
  EXPECT_GE(while_streaming, 1u);
  EXPECT_LE(while_streaming, 200'000u / CoalescingSocket::kFlushThreshold) << "2,000 writes, few kernel writes";
  const std::size_t tail = sock.buffered();
  EXPECT_GT(tail, 0u) << "the tail waits for the writer's flush";
  EXPECT_LT(tail, CoalescingSocket::kFlushThreshold);
  ASSERT_TRUE(lo.run_until([&] { return reader.received.size() >= 200'000u - tail; }));
  EXPECT_EQ(reader.received.size(), 200'000u - tail) << "nothing of the tail left before the flush";
  sock.set_deferred(false);
  sock.flush_now();  // the writer ran out of frames
  ASSERT_TRUE(lo.run_until([&] { return reader.received.size() >= 200'000u; }));
  EXPECT_EQ(reader.received, writer.all()) << "every byte, in order";
  EXPECT_LE(sock.flushes(), while_streaming + 1);
}

TEST(CoalescingSocket, DeferredSmallWritesWaitForTheFlushUndeferredOnesLeaveAtOnce) {
  Loopback lo;
  CoalescingSocket sock(std::move(lo.server));
  Reader reader(lo.client);
  reader.start();
  Writer writer(sock);
  for (std::size_t i = 0; i < 3; ++i) writer.messages.push_back(message(i, 100));
  sock.set_deferred(true);
  writer.start();
  ASSERT_TRUE(lo.run_until([&] { return writer.completed == 3; }));
  EXPECT_EQ(sock.flushes(), 0u) << "accepted, buffered, nothing handed to the kernel yet";
  EXPECT_EQ(sock.buffered(), 300u);
  sock.flush_now();
  EXPECT_EQ(sock.flushes(), 1u) << "one write for the three messages";
  ASSERT_TRUE(lo.run_until([&] { return reader.received.size() >= 300; }));
  EXPECT_EQ(reader.received, writer.all());

  // Not deferred (a pong, an ack): the write starts the kernel write itself.
  sock.set_deferred(false);
  const std::string pong = R"({"id":"1545910590801","type":"pong"})";
  bool done = false;
  asio::async_write(sock, asio::buffer(pong), [&](error_code ec, std::size_t n) {
    EXPECT_FALSE(ec);
    EXPECT_EQ(n, pong.size());
    done = true;
  });
  EXPECT_EQ(sock.flushes(), 2u) << "handed to the kernel when written, no flush_now() needed";
  ASSERT_TRUE(lo.run_until([&] { return done && reader.received.size() >= 300 + pong.size(); }));
  EXPECT_EQ(reader.received.substr(300), pong);
}

TEST(CoalescingSocket, BytesStayInOrderAcrossSizesThresholdsAndModes) {
  Loopback lo;
  CoalescingSocket sock(std::move(lo.server));
  Reader reader(lo.client);
  reader.start();
  Writer writer(sock);
  Rng rng(13);
  std::size_t total = 0;
  for (std::size_t i = 0; i < 600; ++i) {
    // Mostly frame-sized, some past the flush threshold and some past the bound.
    const std::size_t size = rng.percent(5) ? static_cast<std::size_t>(rng.between(16'000, 100'000))
                                            : static_cast<std::size_t>(rng.between(1, 600));
    writer.messages.push_back(message(i, size));
    total += writer.messages.back().size();
  }
  writer.on_written = [&](std::size_t n) {
    if (n % 37 == 0) sock.set_deferred(n % 74 != 0);  // the writer's modes change while it writes
    if (n % 50 == 0) sock.flush_now();
  };
  sock.set_deferred(true);
  writer.start();
  ASSERT_TRUE(lo.run_until([&] { return writer.completed == writer.messages.size(); })) << writer.error.message();
  sock.flush_now();
  ASSERT_TRUE(lo.run_until([&] { return reader.received.size() >= total; }));
  EXPECT_EQ(reader.received.size(), total);
  EXPECT_TRUE(reader.received == writer.all()) << "bytes reordered or lost";
}

TEST(CoalescingSocket, AReaderThatStopsReadingStopsTheWriter) {
  Loopback lo;
  // A bounded send buffer, as the mock sets for slow readers. (Tiny receive buffers would make
  // loopback TCP crawl on its persist timer once reading resumes: the client keeps its default.)
  lo.server.set_option(asio::socket_base::send_buffer_size(64 * 1024));
  asio::socket_base::send_buffer_size snd;
  asio::socket_base::receive_buffer_size rcv;
  lo.server.get_option(snd);
  lo.client.get_option(rcv);
  CoalescingSocket sock(std::move(lo.server));
  Writer writer(sock);
  constexpr std::size_t kMessage = 1'024;
  for (std::size_t i = 0; i < 4'000; ++i) writer.messages.push_back(message(i, kMessage));  // 4 MB
  sock.set_deferred(true);
  writer.start();
  lo.run_until_quiet();  // nobody reads: the writer runs until a write parks
  const std::size_t accepted = writer.completed * kMessage;
  EXPECT_LT(writer.completed, writer.messages.size()) << "a write is parked";
  // What can be accepted: what the kernel queues on both ends (about the buffer sizes; counted
  // twice for the slack of Linux's accounting), the write in flight and the bounded buffer. Far
  // below the 4 MB the writer has.
  const std::size_t bound =
      2 * static_cast<std::size_t>(snd.value() + rcv.value()) + 2 * (CoalescingSocket::kDefaultLimit + kMessage);
  EXPECT_LE(accepted, bound) << "accepted " << accepted << " bytes for a reader that reads nothing";
  EXPECT_FALSE(writer.error);

  // The reader wakes up: the parked write completes and every byte arrives, in order.
  Reader reader(lo.client);
  reader.start();
  ASSERT_TRUE(lo.run_until([&] { return writer.completed == writer.messages.size(); }))
      << writer.completed << " written, " << reader.received.size() << " bytes received";
  sock.flush_now();
  ASSERT_TRUE(lo.run_until([&] { return reader.received.size() >= writer.messages.size() * kMessage; }));
  EXPECT_TRUE(reader.received == writer.all());
}

TEST(CoalescingSocket, WriteNowAppendsWhileThereIsRoomThenAsyncWritesWaitInOrder) {
  // The mock's streaming writer: write_now() while the buffer has room, async_write once it is
  // full (that write parks until a flush made room); every byte arrives once, in order.
  Loopback lo;
  lo.server.set_option(asio::socket_base::send_buffer_size(64 * 1024));
  CoalescingSocket sock(std::move(lo.server));
  sock.set_deferred(true);
  constexpr std::size_t kMessage = 1'024;
  std::vector<std::string> messages;
  for (std::size_t i = 0; i < 2'000; ++i) messages.push_back(message(i, kMessage));  // 2 MB
  std::size_t now = 0;  // taken by write_now, nothing run in between: no flush can complete
  while (now < messages.size() && sock.write_now([&](std::string& out) { out += messages[now]; })) ++now;
  EXPECT_GT(now, 0u);
  EXPECT_LT(now, messages.size()) << "write_now stops at the buffer's bound";
  EXPECT_LE(sock.buffered(), CoalescingSocket::kDefaultLimit + kMessage) << "one message past the bound at most";
  EXPECT_EQ(sock.flushes(), 1u) << "the first flush started at the threshold and is still in flight";

  Writer writer(sock);
  writer.messages.assign(messages.begin() + static_cast<std::ptrdiff_t>(now), messages.end());
  writer.start();
  Reader reader(lo.client);
  reader.start();
  ASSERT_TRUE(lo.run_until([&] { return writer.completed == writer.messages.size(); }));
  sock.flush_now();
  ASSERT_TRUE(lo.run_until([&] { return reader.received.size() >= messages.size() * kMessage; }));
  std::string all;
  for (const auto& m : messages) all += m;
  EXPECT_TRUE(reader.received == all);
  EXPECT_FALSE(writer.error);
}

TEST(CoalescingSocket, ShutdownSendWhenFlushedEndsAfterTheLastByte) {
  Loopback lo;
  CoalescingSocket sock(std::move(lo.server));
  Reader reader(lo.client);
  reader.start();
  Writer writer(sock);
  for (std::size_t i = 0; i < 5; ++i) writer.messages.push_back(message(i, 200));
  sock.set_deferred(true);
  writer.start();
  ASSERT_TRUE(lo.run_until([&] { return writer.completed == 5; }));
  int drained = 0;
  sock.when_flushed([&] { ++drained; });
  sock.shutdown_send_when_flushed();  // the mock closes its side: FIN after what was written
  ASSERT_TRUE(lo.run_until([&] { return reader.eof; })) << reader.error.message();
  EXPECT_EQ(reader.received, writer.all()) << "everything before the FIN";
  EXPECT_EQ(drained, 1);
  EXPECT_GE(sock.flushes(), 1u);
}

TEST(CoalescingSocket, AFailedFlushFailsEveryWriteAfterIt) {
  Loopback lo;
  CoalescingSocket sock(std::move(lo.server));
  lo.client.close();  // the peer is gone: its kernel answers our data with a reset
  Writer writer(sock);
  for (std::size_t i = 0; i < 20'000; ++i) writer.messages.push_back(message(i, 1'024));
  writer.start();
  ASSERT_TRUE(lo.run_until([&] { return static_cast<bool>(writer.error); })) << "writes kept succeeding";
  EXPECT_TRUE(writer.error == asio::error::connection_reset || writer.error == asio::error::broken_pipe)
      << writer.error.message();
  // The failure sticks: a later write fails at once with it, and flush waiters are not left hanging.
  error_code later;
  bool done = false;
  asio::async_write(sock, asio::buffer(writer.messages[0]), [&](error_code ec, std::size_t) {
    later = ec;
    done = true;
  });
  int drained = 0;
  sock.when_flushed([&] { ++drained; });
  ASSERT_TRUE(lo.run_until([&] { return done; }));
  EXPECT_EQ(later, writer.error);
  EXPECT_EQ(drained, 1);
}

}  // namespace
}  // namespace kucoin::testing
