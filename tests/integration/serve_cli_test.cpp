// `kucoin-harness serve` as a user runs it: a child process on loopback, called with curl (and
// signed with the openssl command line, independently of sign()). Plus the YAML configuration.
#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <simdjson.h>

#include "kucoin/core/decimal.hpp"
#include "kucoin/mock/config_yaml.hpp"
#include "kucoin/net/market_data_client.hpp"
#include "kucoin/net/rest_client.hpp"

namespace {

// Runs a shell command and returns its standard output.
std::string shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

bool have(const char* tool) { return shell(std::string("command -v ") + tool + " 2>/dev/null").size() > 0; }

#ifdef KUCOIN_HARNESS_BIN
struct ServeProcess {
  pid_t pid = -1;
  int out_fd = -1;
  std::string output;

  explicit ServeProcess(std::vector<std::string> args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid = fork();
    if (pid == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      static std::string bin = KUCOIN_HARNESS_BIN;
      argv.push_back(bin.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_fd = fds[0];
  }

  // Reads stdout until `needle` appears or the deadline passes (poll, no sleeping).
  bool wait_for(const std::string& needle, std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (output.find(needle) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{out_fd, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[1024];
      const ssize_t n = read(out_fd, buf, sizeof buf);
      if (n <= 0) return false;
      output.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }

  // SIGINT, then the exit status (waitpid blocks until the child exits; ctest's timeout bounds it).
  int interrupt() {
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // The exit status of a process that ends by itself.
  int wait_exit() {
    int status = 0;
    waitpid(pid, &status, 0);
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  ~ServeProcess() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    if (out_fd >= 0) close(out_fd);
  }
};

std::string url_from(const std::string& output, const std::string& scheme) {
  const auto at = output.find(scheme + "://");
  if (at == std::string::npos) return {};
  const auto end = output.find_first_of(" \n", at);
  return output.substr(at, end - at);
}

TEST(ServeCli, AnswersCurlPlainAndSigned) {
  if (!have("curl") || !have("openssl")) GTEST_SKIP() << "curl or openssl not installed";
  ServeProcess p({"serve", "--port", "0", "--quiet", "--api-key", "cli-key", "--api-secret", "cli-secret",
                  "--api-passphrase", "cli-pass"});
  ASSERT_TRUE(p.wait_for("Ctrl-C", std::chrono::seconds(20))) << p.output;
  const std::string url = url_from(p.output, "http");
  ASSERT_FALSE(url.empty()) << p.output;
  EXPECT_NE(url.find("127.0.0.1"), std::string::npos) << "loopback by default";

  EXPECT_NE(shell("curl -sS --max-time 10 " + url + "/api/v1/timestamp").find(R"("code":"200000")"), std::string::npos);
  EXPECT_NE(shell("curl -sS --max-time 10 " + url + "/api/v1/nope").find(R"("code":"404000")"), std::string::npos);
  const std::string sign_and_call =
      "TS=$(date +%s%3N); T='/api/v1/accounts?currency=USDT'; "
      "S=$(printf '%s' \"${TS}GET${T}\" | openssl dgst -sha256 -hmac cli-secret -binary | base64); "
      "P=$(printf '%s' cli-pass | openssl dgst -sha256 -hmac cli-secret -binary | base64); "
      "curl -sS --max-time 10 \"" +
      url +
      "${T}\" -H \"KC-API-KEY: cli-key\" -H \"KC-API-SIGN: $S\" "
      "-H \"KC-API-TIMESTAMP: $TS\" -H \"KC-API-PASSPHRASE: $P\" -H \"KC-API-KEY-VERSION: 2\"";
  const std::string signed_out = shell(sign_and_call);
  EXPECT_NE(signed_out.find(R"("code":"200000")"), std::string::npos) << signed_out;
  EXPECT_NE(signed_out.find(R"("currency":"USDT")"), std::string::npos) << signed_out;
  EXPECT_EQ(p.interrupt(), 0);
}

TEST(ServeCli, TlsWithCaFile) {
  if (!have("curl")) GTEST_SKIP() << "curl not installed";
  const std::string ca = ::testing::TempDir() + "kucoin_serve_ca.pem";
  ServeProcess p({"serve", "--tls", "--quiet", "--ca-out", ca});
  ASSERT_TRUE(p.wait_for("Ctrl-C", std::chrono::seconds(20))) << p.output;
  const std::string url = url_from(p.output, "https");
  ASSERT_FALSE(url.empty()) << p.output;
  const std::string ok = shell("curl -sS --max-time 10 --cacert " + ca + " " + url + "/api/v1/timestamp");
  EXPECT_NE(ok.find(R"("code":"200000")"), std::string::npos) << ok;
  // Without the CA, curl refuses the certificate.
  const std::string refused =
      shell("curl -s --max-time 10 -o /dev/null -w '%{http_code}' " + url + "/api/v1/timestamp");
  EXPECT_EQ(refused, "000");
  EXPECT_EQ(p.interrupt(), 0);
}
// `serve --live`: a user's unmodified client gets live books from the command-line mock, full
// level2 (public level2_100 snapshots) and level2Depth5, paced as asked.
TEST(ServeCli, LiveMarketStreamsBooksToTheClient) {
  ServeProcess p({"serve", "--live", "--quiet", "--symbols", "BTC-USDT,ETH-USDT", "--levels", "150", "--pace", "200",
                  "--seed", "7"});
  ASSERT_TRUE(p.wait_for("Ctrl-C", std::chrono::seconds(20))) << p.output;
  EXPECT_NE(p.output.find("market: live"), std::string::npos) << p.output;
  const std::string url = url_from(p.output, "http");
  ASSERT_FALSE(url.empty()) << p.output;

  boost::asio::io_context io;
  kucoin::net::RestClientOptions ro;
  ro.http.base_url = url;
  kucoin::net::RestClient rest(io, ro);
  std::size_t updates = 0, depth_updates = 0, synced = 0, errors = 0;
  std::string log;
  kucoin::net::MarketDataHandlers h;
  h.on_book = [&](const kucoin::BookEvent& e) {
    if (e.kind == kucoin::BookEvent::Kind::updated) {
      ++(e.book_kind == kucoin::BookKind::full ? updates : depth_updates);
      return;
    }
    synced += e.kind == kucoin::BookEvent::Kind::synced;
    errors += e.kind == kucoin::BookEvent::Kind::error;
    log += kucoin::key_text({e.symbol, e.book_kind}) + " " + std::string(kucoin::to_string(e.kind)) + ": " + e.detail +
           "\n";
  };
  kucoin::net::MarketDataClient books(io, rest, {}, h);
  const std::vector<std::string> both = {"BTC-USDT", "ETH-USDT"};
  const std::vector<std::string> one = {"BTC-USDT"};
  ASSERT_TRUE(books.subscribe(both));
  ASSERT_TRUE(books.subscribe_depth(one, kucoin::BookKind::depth5));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((synced < 3 || updates < 100 || depth_updates < 3) && std::chrono::steady_clock::now() < until) {
    io.run_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(synced, 3u) << log;  // two full books and the depth5 book
  EXPECT_GE(updates, 100u) << log;
  EXPECT_GE(depth_updates, 3u) << log;
  EXPECT_EQ(errors, 0u) << log;
  books.with_book("BTC-USDT", [&](const kucoin::BookView& v) {
    EXPECT_EQ(v.status, kucoin::BookStatus::synced);
    EXPECT_GT(v.book->depth(kucoin::Side::bid), 50u);
    ASSERT_TRUE(v.book->best_bid() && v.book->best_ask());
    EXPECT_LT(v.book->best_bid()->price.raw, v.book->best_ask()->price.raw);
  });
  books.stop();
  io.run_for(std::chrono::milliseconds(200));
  EXPECT_EQ(p.interrupt(), 0);
}

TEST(ServeCli, LiveOnlyFlagsNeedLive) {
  ServeProcess p({"serve", "--quiet", "--messages", "10"});
  EXPECT_EQ(p.wait_exit(), 2);
  ServeProcess q({"serve", "--quiet", "--pace", "10"});
  EXPECT_EQ(q.wait_exit(), 2);
}
// Usage errors: exit status 2 and a message that names the problem, before anything starts.
TEST(HarnessCli, UsageErrorsExit2WithAClearMessage) {
  const std::string bin = KUCOIN_HARNESS_BIN;
  auto run = [&](const std::string& args) { return shell(bin + " " + args + " 2>&1; echo \"rc=$?\""); };
  std::string out = run("run --symbols 'BTC USDT' --case clean");
  EXPECT_NE(out.find("\"BTC USDT\" is not a symbol"), std::string::npos) << out;
  EXPECT_NE(out.find("rc=2"), std::string::npos) << out;
  out = run("run --case nope");
  EXPECT_NE(out.find("unknown scenario \"nope\""), std::string::npos) << out;
  EXPECT_NE(out.find("rc=2"), std::string::npos) << out;
  out = run("run --messages 0");
  EXPECT_NE(out.find("--messages"), std::string::npos) << out;
  EXPECT_NE(out.find("rc=2"), std::string::npos) << out;
  out = run("serve --symbols 'a:b'");
  EXPECT_NE(out.find("\"a:b\" is not a symbol"), std::string::npos) << out;
  EXPECT_NE(out.find("rc=2"), std::string::npos) << out;
  out = run("serve --config /nonexistent/mock.yaml");
  EXPECT_NE(out.find("/nonexistent/mock.yaml"), std::string::npos) << out;
  EXPECT_NE(out.find("rc=2"), std::string::npos) << out;
  // Repeated symbols are run once (the scenario's three symbols become these two).
  out = run("run --symbols BTC-USDT,ETH-USDT,BTC-USDT --case clean");
  EXPECT_NE(out.find(" 0/0 "), std::string::npos) << out;
  EXPECT_NE(out.find("rc=0"), std::string::npos) << out;
}
// `watch` against `serve --live`, plain and TLS (trusting the CA the mock wrote): status lines
// with synced books, best bid below best ask, and exit 0; bad options and an unreachable server
// say so.
TEST(HarnessCli, WatchShowsLiveBooksFromTheMock) {
  const std::string bin = KUCOIN_HARNESS_BIN;
  for (bool tls : {false, true}) {
    const std::string ca = ::testing::TempDir() + "kucoin_watch_ca.pem";
    std::vector<std::string> args = {"serve", "--live", "--quiet", "--symbols", "BTC-USDT,ETH-USDT", "--pace", "100"};
    if (tls) {
      args.insert(args.end(), {"--tls", "--ca-out", ca});
    }
    ServeProcess p(args);
    ASSERT_TRUE(p.wait_for("Ctrl-C", std::chrono::seconds(20))) << p.output;
    const std::string url = url_from(p.output, tls ? "https" : "http");
    ASSERT_FALSE(url.empty()) << p.output;
    std::string cmd = bin + " watch --url " + url + " --symbols BTC-USDT,ETH-USDT --seconds 3 --interval-ms 500";
    if (tls) cmd += " --ca-file " + ca;
    const std::string out = shell(cmd + " 2>&1; echo \"rc=$?\"");
    EXPECT_NE(out.find("rc=0"), std::string::npos) << out;
    EXPECT_NE(out.find("2 of 2 books synced at the end"), std::string::npos) << out;
    EXPECT_NE(out.find("connection 0 live"), std::string::npos) << out;
    // The last status line of BTC-USDT: "  BTC-USDT  synced    seq 1000000183  bid 29999.6 x 1.26  ask ..."
    std::string line;
    std::istringstream lines(out);
    for (std::string l; std::getline(lines, l);) {
      if (l.starts_with("  BTC-USDT ") && l.find(" seq ") != std::string::npos) line = l;
    }
    ASSERT_FALSE(line.empty()) << out;
    EXPECT_NE(line.find(" synced "), std::string::npos) << line;
    const auto bid_at = line.find(" bid ") + 5, ask_at = line.find(" ask ") + 5;
    const double bid = std::stod(line.substr(bid_at)), ask = std::stod(line.substr(ask_at));
    EXPECT_GT(bid, 1'000.0) << line;
    EXPECT_LT(bid, ask) << line;
    EXPECT_NE(line.find("updates/s"), std::string::npos) << line;
    EXPECT_EQ(p.interrupt(), 0);
  }
}

// `watch --dump` against the mock serving real KuCoin decimals: one JSON object, every book best
// first, exact decimal strings (sizes past baseIncrement kept whole), exact_depth null for full
// books (signed snapshots) and the depth for level2Depth5 books.
TEST(HarnessCli, WatchDumpsEveryBookAsExactJson) {
  const std::string bin = KUCOIN_HARNESS_BIN;
  ServeProcess p({"serve", "--live", "--realism", "--quiet", "--symbols", "BTC-USDT,ETH-USDT", "--pace", "200",
                  "--api-key", "dump-key", "--api-secret", "dump-secret", "--api-passphrase", "dump-pass"});
  ASSERT_TRUE(p.wait_for("Ctrl-C", std::chrono::seconds(20))) << p.output;
  const std::string url = url_from(p.output, "http");
  ASSERT_FALSE(url.empty()) << p.output;
  const std::string creds = "KUCOIN_API_KEY=dump-key KUCOIN_API_SECRET=dump-secret KUCOIN_API_PASSPHRASE=dump-pass ";
  for (int depth : {0, 5}) {
    const std::string file = ::testing::TempDir() + "kucoin_dump_" + std::to_string(depth) + ".json";
    std::remove(file.c_str());
    const std::string out =
        shell(creds + bin + " watch --url " + url + " --symbols BTC-USDT,ETH-USDT --seconds 2.5" +
              " --interval-ms 1000 --depth " + std::to_string(depth) + " --dump " + file + " 2>&1; echo \"rc=$?\"");
    EXPECT_NE(out.find("rc=0"), std::string::npos) << out;
    EXPECT_NE(out.find("books written to " + file), std::string::npos) << out;
    const std::string text = shell("cat " + file);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text.substr(0, 300);
    simdjson::dom::object books;
    ASSERT_EQ(doc.get_object().get(books), simdjson::SUCCESS);
    EXPECT_EQ(books.size(), 2u);
    std::size_t fine_sizes = 0;
    for (const std::string sym : {"BTC-USDT", "ETH-USDT"}) {
      const std::string key = depth == 0 ? sym : sym + "@depth5";
      simdjson::dom::object book;
      ASSERT_EQ(books[key].get_object().get(book), simdjson::SUCCESS) << key << " in " << text.substr(0, 300);
      std::int64_t sequence = 0;
      EXPECT_EQ(book["sequence"].get_int64().get(sequence), simdjson::SUCCESS);
      EXPECT_GT(sequence, 0);
      if (depth == 0) {
        EXPECT_TRUE(book["exact_depth"].is_null()) << key;
      } else {
        std::int64_t exact = 0;
        EXPECT_EQ(book["exact_depth"].get_int64().get(exact), simdjson::SUCCESS) << key;
        EXPECT_EQ(exact, 5) << key;
      }
      std::vector<double> bids, asks;
      for (const char* side : {"bids", "asks"}) {
        simdjson::dom::array levels;
        ASSERT_EQ(book[side].get_array().get(levels), simdjson::SUCCESS);
        for (simdjson::dom::element level : levels) {
          std::string_view price, size;
          ASSERT_EQ(level.at(0).get_string().get(price), simdjson::SUCCESS);
          ASSERT_EQ(level.at(1).get_string().get(size), simdjson::SUCCESS);
          ASSERT_TRUE(kucoin::parse_decimal(price)) << price;
          ASSERT_TRUE(kucoin::parse_decimal(size)) << size;
          const auto dot = size.find('.');
          if (dot != std::string_view::npos && size.size() - dot - 1 > 8) ++fine_sizes;  // past baseIncrement
          (std::string_view(side) == "bids" ? bids : asks).push_back(std::stod(std::string(price)));
        }
      }
      ASSERT_FALSE(bids.empty()) << key;
      ASSERT_FALSE(asks.empty()) << key;
      EXPECT_TRUE(std::is_sorted(bids.begin(), bids.end(), std::greater<>())) << key << ": bids best first";
      EXPECT_TRUE(std::is_sorted(asks.begin(), asks.end())) << key << ": asks best first";
      EXPECT_LT(bids.front(), asks.front()) << key;
      if (depth == 5) {
        EXPECT_LE(bids.size(), 5u);
      }
    }
    if (depth == 0) {
      EXPECT_GT(fine_sizes, 0u) << "the realism's sizes reach the dump whole";
    }
  }
  // An unwritable path is a usage error before anything starts.
  const std::string out =
      shell(bin + " watch --url " + url + " --seconds 5 --dump /nonexistent-dir/books.json 2>&1; echo \"rc=$?\"");
  EXPECT_NE(out.find("--dump: cannot write /nonexistent-dir/books.json"), std::string::npos) << out;
  EXPECT_NE(out.find("rc=2"), std::string::npos) << out;
  EXPECT_EQ(p.interrupt(), 0);
}

// `watch --futures` (and --dump) against `serve --futures-symbols`: the futures host on its own
// port, full and level2Depth5 books of contracts, sizes in whole lots.
TEST(HarnessCli, WatchFuturesDumpsContractBooks) {
  const std::string bin = KUCOIN_HARNESS_BIN;
  ServeProcess p({"serve", "--live", "--quiet", "--futures-symbols", "XBTUSDTM,ETHUSDTM", "--pace", "200"});
  ASSERT_TRUE(p.wait_for("Ctrl-C", std::chrono::seconds(20))) << p.output;
  const auto at = p.output.find("futures host (api-futures): ");
  ASSERT_NE(at, std::string::npos) << p.output;
  const std::string url = url_from(p.output.substr(at), "http");
  ASSERT_FALSE(url.empty()) << p.output;
  const std::string futures_url = url.substr(0, url.find(','));
  EXPECT_NE(futures_url, url_from(p.output, "http")) << "the futures host has its own port";
  for (int depth : {0, 5}) {
    const std::string file = ::testing::TempDir() + "kucoin_futures_dump_" + std::to_string(depth) + ".json";
    std::remove(file.c_str());
    const std::string out =
        shell(bin + " watch --futures --url " + futures_url + " --symbols XBTUSDTM,ETHUSDTM --seconds 2.5" +
              " --interval-ms 1000 --depth " + std::to_string(depth) + " --dump " + file + " 2>&1; echo \"rc=$?\"");
    EXPECT_NE(out.find("rc=0"), std::string::npos) << out;
    EXPECT_NE(out.find("2 futures contracts from " + futures_url), std::string::npos) << out;
    EXPECT_NE(out.find("2 of 2 books synced at the end"), std::string::npos) << out;
    const std::string text = shell("cat " + file);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text.substr(0, 300);
    for (const std::string sym : {"XBTUSDTM", "ETHUSDTM"}) {
      const std::string key = depth == 0 ? sym : sym + "@depth5";
      simdjson::dom::object book;
      ASSERT_EQ(doc[key].get_object().get(book), simdjson::SUCCESS) << key << " in " << text.substr(0, 300);
      std::int64_t sequence = 0;
      EXPECT_EQ(book["sequence"].get_int64().get(sequence), simdjson::SUCCESS);
      EXPECT_GT(sequence, 0);
      std::vector<double> bids, asks;
      for (const char* side : {"bids", "asks"}) {
        simdjson::dom::array levels;
        ASSERT_EQ(book[side].get_array().get(levels), simdjson::SUCCESS);
        for (simdjson::dom::element level : levels) {
          std::string_view price, size;
          ASSERT_EQ(level.at(0).get_string().get(price), simdjson::SUCCESS);
          ASSERT_EQ(level.at(1).get_string().get(size), simdjson::SUCCESS);
          EXPECT_EQ(size.find('.'), std::string_view::npos) << key << ": sizes are whole lots, got " << size;
          (std::string_view(side) == "bids" ? bids : asks).push_back(std::stod(std::string(price)));
        }
      }
      ASSERT_FALSE(bids.empty()) << key;
      ASSERT_FALSE(asks.empty()) << key;
      EXPECT_TRUE(std::is_sorted(bids.begin(), bids.end(), std::greater<>())) << key;
      EXPECT_LT(bids.front(), asks.front()) << key;
      if (depth == 5) {
        EXPECT_LE(bids.size(), 5u) << key;
      }
    }
  }
  EXPECT_EQ(p.interrupt(), 0);
}

TEST(HarnessCli, WatchSaysWhatIsWrong) {
  const std::string bin = KUCOIN_HARNESS_BIN;
  auto run = [&](const std::string& args) { return shell(bin + " " + args + " 2>&1; echo \"rc=$?\""); };
  std::string out = run("watch --depth 7");
  EXPECT_NE(out.find("--depth must be"), std::string::npos) << out;
  EXPECT_NE(out.find("rc=2"), std::string::npos) << out;
  out = shell("KUCOIN_API_KEY=k " + bin + " watch --url http://127.0.0.1:9 --seconds 0.2 2>&1; echo \"rc=$?\"");
  EXPECT_NE(out.find("KUCOIN_API_SECRET"), std::string::npos) << out;
  EXPECT_NE(out.find("rc=2"), std::string::npos) << out;
  // Nothing listens on port 9 of loopback: the books never sync, the reason is printed, exit 1.
  out = run("watch --url http://127.0.0.1:9 --symbols BTC-USDT --seconds 1");
  EXPECT_NE(out.find("0 of 1 books synced at the end"), std::string::npos) << out;
  EXPECT_NE(out.find("rc=1"), std::string::npos) << out;
  EXPECT_NE(out.find("127.0.0.1:9"), std::string::npos) << "the error names the server: " << out;
}
#endif

TEST(MockConfigYaml, FullExample) {
  auto c = kucoin::mock::load_mock_config_yaml(R"(
host: 127.0.0.1
port: 0
tls: true
clock_offset_ms: 30000
symbols: [BTC-USDT, SOL-USDT, XRP-USDT]
keys:
  - { key: k1, secret: s1, passphrase: p1, version: 3 }
rate_limit:
  window_ms: 1000
  quota: { public: 50, spot: 100 }
faults:
  - { path: /api/v1/bullet-private, status: 401, code: "400007", msg: "Invalid KC-API-KEY-VERSION", count: -1 }
  - { path: /api/v1/market/orderbook/level2_20, status: 429, code: "429000", msg: Too Many Requests, count: 2, reset_ms: 500 }
)");
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->tls);
  EXPECT_EQ(c->rest.clock_offset_ms, 30000);
  ASSERT_EQ(c->rest.keys.size(), 1u);
  EXPECT_EQ(c->rest.keys[0].version, kucoin::KeyVersion::v3);
  EXPECT_EQ(c->rest.rate_limit.quota[static_cast<std::size_t>(kucoin::RatePool::public_pool)], 50);
  EXPECT_EQ(c->rest.rate_limit.window_ms, 1000);
  const auto rest = c->faults.rest_faults();  // entries of the one fault plan
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].count, -1);
  EXPECT_EQ(rest[1].reset_ms, 500);
  ASSERT_TRUE(c->market);
  EXPECT_EQ(c->market->symbols().size(), 3u);
}

TEST(MockConfigYaml, RealismServesValuesOffTheIncrements) {
  auto c = kucoin::mock::load_mock_config_yaml(R"(
symbols: [BTC-USDT]
levels: 200
realism: { fine_size_percent: 50, huge_size_percent: 10, fine_price_percent: 0 }
)");
  ASSERT_TRUE(c) << c.error();
  const auto snap = c->market->snapshot("BTC-USDT");
  ASSERT_TRUE(snap);
  std::size_t fine = 0, huge = 0;
  for (const auto& l : snap->bids) {
    fine += kucoin::significant_decimals(l.size.raw, l.size.decimals) > 8 ? 1U : 0U;
    huge += l.size >= kucoin::Quantity{100'000'000, 0} ? 1U : 0U;
  }
  EXPECT_GT(fine, 20u);
  EXPECT_GT(huge, 2u);
  auto plain = kucoin::mock::load_mock_config_yaml("symbols: [BTC-USDT]\nrealism: false\n");
  ASSERT_TRUE(plain) << plain.error();
  const auto plain_snap = plain->market->snapshot("BTC-USDT");
  ASSERT_TRUE(plain_snap);
  for (const auto& l : plain_snap->bids) {
    EXPECT_LE(kucoin::significant_decimals(l.size.raw, l.size.decimals), 8);
  }
  auto bad = kucoin::mock::load_mock_config_yaml("realism: { fine_size_percent: 90, huge_size_percent: 20 }\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("realism"), std::string::npos) << bad.error();
}

TEST(MockConfigYaml, ErrorsNameThePosition) {
  auto unknown = kucoin::mock::load_mock_config_yaml("port: 0\nbogus: 1\n");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("line 2"), std::string::npos) << unknown.error();
  EXPECT_NE(unknown.error().message.find("bogus"), std::string::npos);
  auto bad_type = kucoin::mock::load_mock_config_yaml("port: [1, 2]\n");
  ASSERT_FALSE(bad_type);
  EXPECT_NE(bad_type.error().message.find("'port'"), std::string::npos) << bad_type.error();
  auto bad_key = kucoin::mock::load_mock_config_yaml("keys:\n  - { key: k, secret: s }\n");
  ASSERT_FALSE(bad_key);
  EXPECT_NE(bad_key.error().message.find("passphrase"), std::string::npos);
  auto syntax = kucoin::mock::load_mock_config_yaml("keys: [\n");
  EXPECT_FALSE(syntax);
  auto secret =
      kucoin::mock::load_mock_config_yaml("keys:\n  - { key: k, secret: very-secret, passphrase: p, version: 9 }\n");
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().message.find("very-secret"), std::string::npos);
}

}  // namespace
