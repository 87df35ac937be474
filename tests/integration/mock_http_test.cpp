// HTTP details of the mock, with a raw TCP client on loopback (plain POSIX sockets, every read
// bounded by poll() deadlines): HEAD answers carry headers only, Expect: 100-continue gets its
// interim answer, and a listener out of file descriptors waits instead of spinning.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "kucoin/protocol/sign.hpp"

namespace kucoin::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Response {
  int status = 0;
  std::string status_line;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A blocking loopback TCP connection whose reads wait at most until a deadline.
class RawConnection {
 public:
  // Uses `fd` (a socket not yet connected) when given, else makes one.
  explicit RawConnection(std::uint16_t port, int fd = -1) : fd_(fd >= 0 ? fd : ::socket(AF_INET, SOCK_STREAM, 0)) {
    EXPECT_GE(fd_, 0) << "socket: " << std::strerror(errno);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    EXPECT_TRUE(connected_) << "connect: " << std::strerror(errno);
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        ADD_FAILURE() << "send: " << std::strerror(errno);
        return;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // Reads until `buffered()` holds at least `n` bytes, the peer closes or the deadline passes.
  bool fill(std::size_t n, Clock::duration timeout = 5s) {
    const auto until = Clock::now() + timeout;
    while (buf_.size() < n) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char tmp[4096];
      const ssize_t got = ::recv(fd_, tmp, sizeof tmp, 0);
      if (got <= 0) return false;
      buf_.append(tmp, static_cast<std::size_t>(got));
    }
    return true;
  }

  // Reads up to the end of a header block ("\r\n\r\n"), removes it from the buffer and returns it.
  std::optional<std::string> read_head(Clock::duration timeout = 5s) {
    const auto until = Clock::now() + timeout;
    for (;;) {
      if (auto end = buf_.find("\r\n\r\n"); end != std::string::npos) {
        std::string head = buf_.substr(0, end + 4);
        buf_.erase(0, end + 4);
        return head;
      }
      if (Clock::now() >= until || !fill(buf_.size() + 1, until - Clock::now())) return std::nullopt;
    }
  }

  // One response; with `head_request` its body is not read (a HEAD answer has none).
  std::optional<Response> read_response(bool head_request = false) {
    auto head = read_head();
    if (!head) return std::nullopt;
    Response r;
    std::size_t pos = head->find("\r\n");
    r.status_line = head->substr(0, pos);
    if (r.status_line.size() >= 12) r.status = std::atoi(r.status_line.c_str() + 9);
    while (pos + 2 < head->size()) {
      const std::size_t next = head->find("\r\n", pos + 2);
      const std::string line = head->substr(pos + 2, next - pos - 2);
      pos = next;
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    if (head_request) return r;
    const std::size_t length = static_cast<std::size_t>(std::atoll(r.header("content-length").c_str()));
    if (!fill(length)) return std::nullopt;
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  const std::string& buffered() const { return buf_; }

 private:
  int fd_;
  bool connected_ = false;
  std::string buf_;
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(MockHttp, HeadSendsGetsHeadersWithoutTheBodyAndKeepsTheConnectionUsable) {
  Harness h(false);
  RawConnection c(h.server->port());
  ASSERT_TRUE(c.connected());

  c.send("HEAD /api/v1/timestamp HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = c.read_response(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200) << head->status_line;
  EXPECT_EQ(head->header("content-type"), "application/json");
  const std::string head_length = head->header("content-length");
  EXPECT_FALSE(head_length.empty());
  EXPECT_NE(head_length, "0") << "the length GET's body would have";
  EXPECT_FALSE(head->header("gw-ratelimit-limit").empty());
  EXPECT_TRUE(c.buffered().empty()) << "body bytes after a HEAD answer: " << c.buffered();

  // The same connection (kept alive) answers a GET: had the HEAD answer carried a body, its bytes
  // would be read here in place of the status line.
  c.send("GET /api/v1/timestamp HTTP/1.1\r\nHost: x\r\n\r\n");
  auto get = c.read_response();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(get->header("content-length"), head_length) << "HEAD announced what GET sends";
  EXPECT_EQ(std::to_string(get->body.size()), get->header("content-length"));
  RestDecoder d;
  auto t = d.server_time(get->status, get->body);
  ASSERT_TRUE(t) << t.error() << " in " << get->body;
  EXPECT_NEAR(static_cast<double>(*t), static_cast<double>(now_ms()), 10'000.0);

  // Error answers to HEAD have no body either: a signed endpoint without a signature, a POST-only one.
  c.send("HEAD /api/v1/accounts HTTP/1.1\r\nHost: x\r\n\r\nHEAD /api/v1/bullet-public HTTP/1.1\r\nHost: x\r\n\r\n");
  auto unsigned_head = c.read_response(true);
  ASSERT_TRUE(unsigned_head);
  EXPECT_EQ(unsigned_head->status, 401);
  EXPECT_EQ(unsigned_head->header("content-length"),
            std::to_string(std::string_view(R"({"code":"400001","msg":"Please check the header of your request for )"
                                            R"(KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP, KC-API-PASSPHRASE"})")
                               .size()));
  auto post_only = c.read_response(true);
  ASSERT_TRUE(post_only);
  EXPECT_EQ(post_only->status, 405);
  EXPECT_EQ(post_only->header("allow"), "POST");
  c.send("GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n");
  auto status = c.read_response();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status_line, "HTTP/1.1 200 OK");
  EXPECT_NE(status->body.find(R"("status":"open")"), std::string::npos) << status->body;
  EXPECT_EQ(h.server->stats().connections_accepted, 1u);
}

TEST(MockHttp, ExpectContinueGetsAnInterim100BeforeTheBodyIsSent) {
  Harness h(false);
  RawConnection c(h.server->port());
  ASSERT_TRUE(c.connected());

  // A public POST with a body: headers first, then wait for 100 Continue, then the body.
  const std::string body = "{}";
  c.send(
      "POST /api/v1/bullet-public HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
      "Expect: 100-continue\r\n\r\n");
  auto interim = c.read_head();
  ASSERT_TRUE(interim) << "no 100 Continue (the client would wait for it)";
  EXPECT_EQ(*interim, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_TRUE(c.buffered().empty()) << "no final answer before the body: " << c.buffered();
  c.send(body);
  auto pub = c.read_response();
  ASSERT_TRUE(pub);
  EXPECT_EQ(pub->status, 200) << pub->body;
  RestDecoder d;
  auto token = d.bullet(pub->status, pub->body);
  ASSERT_TRUE(token) << token.error();
  EXPECT_FALSE(h.server->rest().token_info(token->token.reveal())->private_token);

  // A signed POST on the same connection (the signature covers the body sent after the 100).
  const std::string signed_body = R"({"note":"sent after 100 Continue"})";
  auto headers = sign(test_credentials(), SignInput{now_ms(), "POST", "/api/v1/bullet-private", signed_body});
  ASSERT_TRUE(headers);
  std::string req =
      "POST /api/v1/bullet-private HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
      std::to_string(signed_body.size()) + "\r\nExpect: 100-continue\r\n";
  for (const Header& hd : headers->headers) req += hd.name + ": " + hd.value + "\r\n";
  c.send(req + "\r\n");
  interim = c.read_head();
  ASSERT_TRUE(interim);
  EXPECT_EQ(*interim, "HTTP/1.1 100 Continue\r\n\r\n");
  c.send(signed_body);
  auto priv = c.read_response();
  ASSERT_TRUE(priv);
  EXPECT_EQ(priv->status, 200) << priv->body;
  auto private_token = d.bullet(priv->status, priv->body);
  ASSERT_TRUE(private_token) << private_token.error();
  auto info = h.server->rest().token_info(private_token->token.reveal());
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->private_token);

  // Without a body to come (Content-Length: 0) the final answer comes at once; without the header
  // there is no interim answer.
  c.send(
      "POST /api/v1/bullet-public HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n"
      "POST /api/v1/bullet-public HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
      "2\r\n\r\n{}");
  for (int i = 0; i < 2; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status_line, "HTTP/1.1 200 OK") << i;
  }
  EXPECT_EQ(h.server->stats().connections_accepted, 1u);
  EXPECT_EQ(h.server->stats().http_requests, 4u);
}

// The highest descriptor open now.
int highest_open_fd() {
  int highest = 2;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (dirent* e = ::readdir(d)) highest = std::max(highest, std::atoi(e->d_name));
    ::closedir(d);
  }
  return highest;
}

double process_cpu_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// The mock's failed accepts, as they happen (MockServerConfig::on_accept_failure): a test awaits
// the Nth with a deadline.
struct AcceptFailures {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Clock::time_point> at;  // when each failure happened

  void on_failure() {
    {
      std::lock_guard lock(mu);
      at.push_back(Clock::now());
    }
    cv.notify_all();
  }
  // Waits until `n` failures happened, `timeout` at most.
  bool await(std::size_t n, Clock::duration timeout) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, [&] { return at.size() >= n; });
  }
  Clock::time_point time_of(std::size_t i) {
    std::lock_guard lock(mu);
    return at.at(i);
  }
};

TEST(MockAccept, OutOfDescriptorsTheListenerWaitsInsteadOfSpinningAndRecovers) {
  AcceptFailures seen;
  mock::MockServerConfig cfg;
  cfg.on_accept_failure = [&seen](std::uint64_t) { seen.on_failure(); };
  Harness h(false, cfg);
  const std::uint16_t port = h.server->port();

  // Lower this process's descriptor limit (the mock runs in it) and use up every descriptor; the
  // limit and the descriptors are given back whatever happens.
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
  struct Restore {
    rlimit limit;
    std::vector<int> fds;
    void release_fds() {
      for (int fd : fds) ::close(fd);
      fds.clear();
    }
    ~Restore() {
      release_fds();
      ::setrlimit(RLIMIT_NOFILE, &limit);
    }
  } restore{old, {}};
  const int client_fd = ::socket(AF_INET, SOCK_STREAM, 0);  // made now: none can be made later
  ASSERT_GE(client_fd, 0);
  rlimit low = old;
  low.rlim_cur = static_cast<rlim_t>(highest_open_fd() + 32);
  ASSERT_LE(low.rlim_cur, old.rlim_cur) << "the limit is already that low";
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  for (;;) {
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      ASSERT_EQ(errno, EMFILE);
      break;
    }
    restore.fds.push_back(fd);
  }

  // The kernel completes the handshake; the mock's accept() fails with EMFILE.
  RawConnection c(port, client_fd);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(seen.await(1, 5s)) << "accept never failed";

  // A spinning listener fails thousands of times a second and burns a core; this one retries about
  // every 100 ms: three more failures take at least a couple of hundred milliseconds, and little CPU.
  const double cpu_before = process_cpu_ms();
  ASSERT_TRUE(seen.await(4, 5s)) << "it does retry";
  const double cpu = process_cpu_ms() - cpu_before;
  const auto spent = seen.time_of(3) - seen.time_of(0);
  EXPECT_GE(spent, 150ms) << "three retries within "
                          << std::chrono::duration_cast<std::chrono::milliseconds>(spent).count() << " ms";
  EXPECT_LT(cpu, 150.0) << "ms of CPU over three retries while out of descriptors";
  EXPECT_EQ(h.server->stats().connections_accepted, 0u);

  // Descriptors back: the waiting connection is accepted and served.
  restore.release_fds();
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &old), 0);
  // The request waits in the socket until the retry accepts the connection; the answer is the event.
  c.send("GET /api/v1/timestamp HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r) << "not accepted after descriptors were freed";
  EXPECT_EQ(h.server->stats().connections_accepted, 1u);
  EXPECT_EQ(r->status_line, "HTTP/1.1 200 OK");
  RawConnection another(port);
  another.send("GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n");
  auto s = another.read_response();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 200);
}

}  // namespace
}  // namespace kucoin::testing
