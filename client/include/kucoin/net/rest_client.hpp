// KuCoin REST client on the caller's io_context: signs private calls, classifies errors, resyncs
// its clock on 400002 (one retry), waits out 429000 using gw-ratelimit-reset (bounded), retries
// 5xx and idempotent transport failures with capped, jittered backoff, and tracks the weight
// pools from the gw-ratelimit-* headers to wait before a pool runs dry. No Asio or Beast in this
// header; completion handlers run on the client's strand.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/log.hpp"  // LogSink
#include "kucoin/core/result.hpp"
#include "kucoin/net/http_client.hpp"
#include "kucoin/protocol/bullet.hpp"
#include "kucoin/protocol/credentials.hpp"
#include "kucoin/protocol/headers.hpp"
#include "kucoin/protocol/l2_messages.hpp"
#include "kucoin/protocol/rate_limit.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "kucoin/protocol/rest_error.hpp"

namespace kucoin::net {

struct RetryPolicy {
  int max_server_retries = 3;     // 5xx answers
  int max_transport_retries = 2;  // idempotent calls only
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5'000};
  // 429 answers waited out: the gw-ratelimit-reset it names and a seeded share of up to half of
  // it more (never less: no retry comes before the reset), so that many clients told the same
  // reset spread out instead of returning together.
  int max_rate_limit_retries = 3;
  std::chrono::milliseconds max_rate_limit_wait{35'000};  // never wait longer than this for a reset
  bool resync_clock = true;  // on 400002: GET /api/v1/timestamp, fix the offset, retry once
};

struct RestClientOptions {
  // The host http.base_url points to: the spot host (https://api.kucoin.com) or the futures host
  // (https://api-futures.kucoin.com, kucoin-protocol.md §1). It picks the weight table the
  // client-side limiter charges; signing, retries and errors are the same on both.
  Market venue = Market::spot;
  HttpClientOptions http;
  std::optional<Credentials> credentials;  // needed for private calls
  std::optional<BrokerCredentials> broker;
  // Wall clock (Unix ms) used for KC-API-TIMESTAMP before the offset correction. Default: system clock.
  std::function<std::int64_t()> clock;
  std::int64_t initial_clock_offset_ms = 0;
  RetryPolicy retry;
  bool client_rate_limit = true;  // wait when a tracked pool cannot pay the next request's weight
  std::optional<std::uint64_t>
      jitter_seed;  // retry jitter; unset: a random seed per client (kucoin/net/random_seed.hpp)
  LogSink log;
};

struct AccountsQuery {
  std::string currency;  // empty: all
  std::string type;      // main | trade | ...; empty: all
};

// A request that is not one of the typed calls.
struct RestCall {
  std::string method = "GET";
  std::string path;   // "/api/v1/..."
  std::string query;  // already encoded, without '?'; sent and signed as is
  std::string body;   // JSON, sent and signed byte for byte
  bool sign = false;
  bool idempotent = true;  // may be retried after a transport failure
};

struct RestReply {
  int status = 0;
  std::string body;  // a successful envelope {"code":"200000",...}
  std::vector<Header> headers;
  int attempts = 1;
};

template <class T>
using RestHandler = std::function<void(Result<T, ApiError>)>;

// Which futures book endpoint: the full book, or the best 20 / 100 levels a side.
enum class FuturesBookDepth : std::uint8_t { full, top20, top100 };

class RestClient {
 public:
  // Throws std::invalid_argument for an unusable base URL or CA.
  RestClient(boost::asio::io_context& io, RestClientOptions options);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  void server_time(RestHandler<std::int64_t> done);         // GET /api/v1/timestamp
  void service_status(RestHandler<ServiceStatus> done);     // GET /api/v1/status
  void symbols(RestHandler<std::vector<SymbolInfo>> done);  // GET /api/v2/symbols
  void level2_20(std::string symbol, SymbolScale scale, RestHandler<L2Snapshot> done);
  void level2_100(std::string symbol, SymbolScale scale, RestHandler<L2Snapshot> done);
  void level2_full(std::string symbol, SymbolScale scale, RestHandler<L2Snapshot> done);  // signed v3
  void bullet_public(RestHandler<BulletToken> done);
  void bullet_private(RestHandler<BulletToken> done);  // signed
  // The futures host (options.venue == Market::futures; the bullet calls above then give futures
  // tokens): GET /api/v1/contracts/active, and GET /api/v1/level2/snapshot (full), depth20 or
  // depth100 of one contract (public; sizes in lots; `scale`: FuturesContract::scale()).
  void contracts(RestHandler<std::vector<FuturesContract>> done);
  void futures_book(std::string symbol, SymbolScale scale, FuturesBookDepth depth, RestHandler<FuturesSnapshot> done);
  void accounts(AccountsQuery query, RestHandler<std::vector<Account>> done);  // signed
  void call(RestCall call, RestHandler<RestReply> done);

  // Whether private (signed) calls are possible.
  bool has_credentials() const noexcept;
  // Offset added to the clock for KC-API-TIMESTAMP (learned from the server on 400002).
  std::int64_t clock_offset_ms() const noexcept;
  // Copies, safe from any thread.
  RateLimiter::PoolState pool_state(RatePool pool) const;
  struct Stats {
    std::uint64_t requests_sent = 0;
    std::uint64_t retries = 0;
    std::uint64_t clock_resyncs = 0;
    std::uint64_t rate_limit_waits = 0;  // waits before sending (client-side limiter) or after a 429
  };
  Stats stats() const;
  HttpClient& http() noexcept;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// Blocking convenience for command lines and tests: owns an io_context and runs it for each call.
// Not for use inside an event loop.
class BlockingRestClient {
 public:
  explicit BlockingRestClient(RestClientOptions options);
  ~BlockingRestClient();
  Result<std::int64_t, ApiError> server_time();
  Result<std::vector<SymbolInfo>, ApiError> symbols();
  Result<L2Snapshot, ApiError> level2_20(std::string symbol, SymbolScale scale);
  Result<L2Snapshot, ApiError> level2_100(std::string symbol, SymbolScale scale);
  Result<L2Snapshot, ApiError> level2_full(std::string symbol, SymbolScale scale);
  Result<BulletToken, ApiError> bullet_public();
  Result<BulletToken, ApiError> bullet_private();
  Result<std::vector<Account>, ApiError> accounts(AccountsQuery query = {});
  Result<std::vector<FuturesContract>, ApiError> contracts();
  Result<FuturesSnapshot, ApiError> futures_book(std::string symbol, SymbolScale scale,
                                                 FuturesBookDepth depth = FuturesBookDepth::full);
  RestClient& client() noexcept;

 private:
  template <class T, class F>
  Result<T, ApiError> run(F&& start);
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kucoin::net
