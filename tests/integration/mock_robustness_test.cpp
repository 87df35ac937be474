// Malformed HTTP sent straight to the mock's socket: it answers in KuCoin's shape or closes, and
// keeps serving. Every exchange is bounded by a deadline on the test's io_context.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <string>

#include "kucoin/mock/server.hpp"

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Sends `bytes` (optionally half-closing), reads until the server closes or the deadline passes.
std::string raw_exchange(std::uint16_t port, const std::string& bytes, bool half_close) {
  asio::io_context io;
  tcp::socket sock(io);
  std::string reply;
  std::array<char, 4096> buf{};
  bool done = false;
  std::function<void()> read_more = [&] {
    sock.async_read_some(asio::buffer(buf), [&](boost::system::error_code ec, std::size_t n) {
      reply.append(buf.data(), n);
      if (ec) {
        done = true;
        return;
      }
      read_more();
    });
  };
  sock.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](boost::system::error_code ec) {
    if (ec) {
      done = true;
      return;
    }
    asio::async_write(sock, asio::buffer(bytes), [&](boost::system::error_code, std::size_t) {
      if (half_close) {
        boost::system::error_code ignored;
        sock.shutdown(tcp::socket::shutdown_send, ignored);
      }
      read_more();
    });
  });
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done && std::chrono::steady_clock::now() < until) io.run_one_until(until);
  EXPECT_TRUE(done) << "the mock neither answered nor closed within 10 s";
  return reply;
}

TEST(MockRobustness, MalformedHttpNeverCrashesTheServer) {
  kucoin::mock::MockServer server({});
  ASSERT_TRUE(server.start());
  const auto port = server.port();
  const std::string ok_request = "GET /api/v1/timestamp HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

  const std::string garbage = raw_exchange(port, "GARBAGE\r\n\r\n", false);
  EXPECT_NE(garbage.find("400 Bad Request"), std::string::npos) << garbage;
  EXPECT_NE(garbage.find(R"("code":"400100")"), std::string::npos) << garbage;

  const std::string huge_header = raw_exchange(
      port, "GET /api/v1/timestamp HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n", false);
  EXPECT_NE(huge_header.find(R"("code":"400100")"), std::string::npos) << huge_header.substr(0, 200);

  const std::string huge_body = raw_exchange(port,
                                             "POST /api/v1/bullet-public HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                             "application/json\r\nContent-Length: 5000000\r\n\r\n{",
                                             false);
  EXPECT_NE(huge_body.find(R"("code":"400100")"), std::string::npos) << huge_body;

  const std::string bad_chunk = raw_exchange(
      port, "POST /api/v1/bullet-public HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false);
  EXPECT_NE(bad_chunk.find(R"("code":"400100")"), std::string::npos) << bad_chunk;

  const std::string truncated = raw_exchange(port, "GET /api/v1/timest", true);
  EXPECT_TRUE(truncated.empty()) << truncated;

  const std::string fine = raw_exchange(port, ok_request, false);
  EXPECT_NE(fine.find("200 OK"), std::string::npos) << fine;
  EXPECT_NE(fine.find(R"("code":"200000")"), std::string::npos) << fine;
  EXPECT_GE(server.stats().bad_requests, 4u);
}

TEST(MockRobustness, PlainHttpToTlsListenerIsRefusedCleanly) {
  kucoin::mock::MockServerConfig cfg;
  cfg.tls = true;
  kucoin::mock::MockServer server(cfg);
  ASSERT_TRUE(server.start());
  const std::string reply = raw_exchange(server.port(), "GET /api/v1/timestamp HTTP/1.1\r\nHost: x\r\n\r\n", false);
  EXPECT_EQ(reply.find("200000"), std::string::npos);
  EXPECT_GE(server.stats().tls_handshake_failures, 1u);
}

}  // namespace
