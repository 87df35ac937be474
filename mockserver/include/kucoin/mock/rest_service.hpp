// The mock server's REST logic, without I/O: route, weight pools, body, signature verification
// (with the client's own sign()), parameters, forced faults, endpoint answers, in that order (see
// RestService::handle). The network layer (MockServer) parses HTTP, calls handle() and writes the
// answer. Time is an argument. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kucoin/core/rng.hpp"
#include "kucoin/mock/exchange.hpp"
#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/market.hpp"
#include "kucoin/protocol/credentials.hpp"
#include "kucoin/protocol/headers.hpp"
#include "kucoin/protocol/order_codec.hpp"
#include "kucoin/protocol/rate_limit.hpp"
#include "kucoin/protocol/rest_codec.hpp"

namespace kucoin::mock {

// An API key the mock accepts.
struct ApiKeyConfig {
  std::string key;
  Secret secret;
  Secret passphrase;
  KeyVersion version = KeyVersion::v2;
  // What /api/v1/accounts returns for this key; empty: a default set. Accounts of type trade and
  // trade_hf fund the key's trading (the exchange keeps them from then on, orders move them).
  std::vector<Account> accounts;
  // GET /api/v1/hf/accounts/opened answers this; with true the default accounts are of type
  // trade_hf instead of trade (ccxt then uses the HF endpoints and /api/v1/accounts?type=trade_hf).
  bool hf = false;
};

// A forced answer (scenarios): "bullet-private answers 400007", "level2_20 returns 429 twice",
// "timestamp returns HTTP 500 three times", "accounts answers after 2 s", "close without answering".
// Only requests that passed routing, the weight pools, the body and signature checks and the
// parameter checks meet a fault (and count for skip/count): a fault never lets a request through
// that KuCoin would refuse.
struct RestFault {
  std::string path;    // exact path without query; "*" matches every path
  std::string method;  // empty: any method
  // "name=value": only requests whose query has this parameter with this value ("symbol=BTC-USDT",
  // so that which symbol's requests fail does not depend on the order requests arrive); empty: any.
  std::string query;
  // Only requests to this host (a mock with a futures host serves both; paths such as
  // /api/v1/timestamp and the bullet endpoints exist on both); unset: either.
  std::optional<kucoin::Market> host;
  int skip = 0;   // let this many matching requests through first
  int count = 1;  // matching requests it answers; -1: all of them
  int http_status = 500;
  // KuCoin code of the body; empty: a non-JSON body (like a proxy's HTML page); "200000": the
  // endpoint's normal answer (http_status and msg unused), late with delay_ms.
  std::string code = "500000";
  std::string msg = "Internal Server Error";
  std::int64_t reset_ms = -1;     // >= 0: send gw-ratelimit-* headers with this reset (use with 429)
  std::int64_t delay_ms = 0;      // wait this long before answering (the network layer waits, asynchronously)
  bool close_connection = false;  // close the connection instead of answering
};

struct RateLimitConfig {
  bool enabled = true;
  std::int64_t window_ms = kRateWindowMs;  // fixed window starting at the first request
  std::array<std::int64_t, kRatePoolCount> quota{2000, 4000, 2000, 2000, 2000, 2000, 2000};  // VIP 0
};

// What the mock answered one request (RestServiceConfig::observer): never a header but the
// User-Agent, which tells clients of a load run apart.
struct RestRequestSeen {
  std::int64_t now_ms = 0;  // wall-clock ms when it was answered
  std::string_view method, path, user_agent;
  int status = 200;
  std::string_view code;       // KuCoin code of the body ("429000"); empty for a non-JSON body
  std::int64_t reset_ms = -1;  // the gw-ratelimit-reset the answer told (-1: none)
};

struct RestServiceConfig {
  std::vector<ApiKeyConfig> keys;
  std::int64_t clock_offset_ms = 0;          // server clock = wall clock + offset (clock-skew scenarios)
  std::int64_t timestamp_window_ms = 5'000;  // |KC-API-TIMESTAMP - server time| allowed
  bool strict_key_version =
      false;  // false: "2" and "3" are interchangeable (as KuCoin behaves); true: must equal the key's
  RateLimitConfig rate_limit;
  std::vector<RestFault> faults;
  std::uint64_t seed = 7;  // bullet tokens
  // WebSocket endpoint returned by the bullet endpoints (set by MockServer once it knows its port).
  std::string ws_endpoint = "ws://127.0.0.1:0/endpoint";
  // The futures host's (its own listener; set by MockServer once it knows that port).
  std::string futures_ws_endpoint = "ws://127.0.0.1:0/endpoint";
  std::int64_t ping_interval_ms = 18'000;
  std::int64_t ping_timeout_ms = 10'000;
  // Bullet tokens expire this long after they were issued (KuCoin: 24 h); <= 0: never.
  // A WebSocket session whose token expires gets {"type":"error","code":401,"data":"token is expired"}.
  std::int64_t token_lifetime_ms = 86'400'000;
  // Set: bullet answers carry "tokenValidFor" with this value (ms), sent as is (also 0 or a negative
  // value, to test clients). Unset (the default): KuCoin's documented answer, without the field.
  // Independent of token_lifetime_ms, which is when the mock really ends sessions.
  std::optional<std::int64_t> token_valid_for_ms;
  // One line per request ("GET /api/v1/accounts 401 400005 ..."). Never contains header values.
  std::function<void(std::string_view)> log;
  // Each answered request, for load and storm runs (called under the service's lock: keep it short).
  std::function<void(const RestRequestSeen&)> observer;
};

struct RestRequest {
  std::string_view method;
  std::string_view target;  // path[?query] exactly as received
  std::string_view body;
  std::span<const std::pair<std::string_view, std::string_view>> headers;
  std::string_view remote;                                        // client address (the public pool is per IP)
  std::string_view header(std::string_view name) const noexcept;  // case-insensitive; empty when absent
};

struct RestAnswer {
  int status = 200;
  std::vector<Header> headers;  // besides Content-Type
  std::string body;
  std::string content_type = "application/json";
  std::int64_t delay_ms = 0;
  bool close_connection = false;
  std::string code;  // the KuCoin code in the body ("200000", "400005", ...), for logs and stats
};

struct RestStats {
  std::uint64_t requests = 0;
  std::uint64_t auth_rejected = 0;  // 400001-400007
  std::uint64_t rate_limited = 0;   // 429 from the weight pools
  std::uint64_t faults_fired = 0;
  std::map<std::string, std::uint64_t, std::less<>> by_path;
  std::map<std::string, std::uint64_t, std::less<>> by_code;      // KuCoin codes answered ("200000", "400005", ...)
  std::map<std::string, std::uint64_t, std::less<>> user_agents;  // User-Agent header values seen
};

// The result of checking KC-API-* headers.
struct AuthResult {
  int http_status = 200;
  std::string code;  // empty: accepted
  std::string msg;
  const ApiKeyConfig* key = nullptr;
  bool ok() const noexcept { return code.empty(); }
};

// Verifies a signed request against `keys` at server time `server_now_ms` (pure). Checks, in order:
// headers present and timestamp numeric (400001), key known (400003), KC-API-KEY-VERSION (400007),
// timestamp window (400002), signature over the raw or percent-decoded request-target or the
// decoded query re-sorted (400005), passphrase (400004).
AuthResult verify_signed_request(const RestRequest& req, std::span<const ApiKeyConfig> keys, std::int64_t server_now_ms,
                                 std::int64_t window_ms, bool strict_key_version);

// Percent-decodes (and with plus_is_space, '+' -> ' '). Invalid escapes are kept as they are.
std::string percent_decode(std::string_view s, bool plus_is_space = false);
// A query parameter's value, decoded; empty when absent (or "undefined": see rest_service.cpp).
std::string query_param(std::string_view query, std::string_view name);

class RestService {
 public:
  explicit RestService(RestServiceConfig config, std::shared_ptr<Market> market = nullptr);

  // The futures host's market (kucoin-protocol.md §1, §7): requests handled with
  // venue == Market::futures read their contracts and books from it. Call before serving.
  void set_futures_market(std::shared_ptr<LiveMarket> market);

  // Answers one request received at wall-clock time `now_ms` (Unix ms). Checks in this order:
  // route, weight pool, body, signature, parameters, then forced answers, then the endpoint.
  // HEAD is answered as GET (the network layer drops the body). `venue`: which host the request
  // came to. The futures host routes by futures_endpoint_cost() and answers the futures market
  // data endpoints (answer_futures_market) and its own bullet endpoints, whose tokens only its
  // WebSocket endpoint accepts ("cannot be mixed", §4.1); signing, weight pools (counted apart from
  // the spot host's), forced answers and token lifetimes are the spot host's.
  RestAnswer handle(const RestRequest& req, std::int64_t now_ms, kucoin::Market venue = kucoin::Market::spot);

  // Runtime control (scenarios, tests).
  void add_fault(RestFault fault);
  void clear_faults();
  void set_clock_offset(std::int64_t offset_ms);
  void set_ws_endpoint(std::string endpoint, bool encrypt);
  void set_futures_ws_endpoint(std::string endpoint);
  void set_rate_limit(RateLimitConfig config);
  // Lifetime of tokens issued from now on (<= 0: never expire).
  void set_token_lifetime(std::int64_t lifetime_ms);
  // Every token issued so far expires at `at_ms` (Unix ms) unless it expires earlier.
  void expire_tokens(std::int64_t at_ms);

  RestStats stats() const;
  // The private pushes of `key`'s trading since the last call (the exchange's; tests).
  std::vector<PrivatePush> take_pushes(std::string_view key);
  // Every key's pushes since the last call (the server hands them to the private sessions).
  std::vector<KeyPushes> take_all_pushes();
  // The key's trade accounts as the exchange keeps them.
  std::vector<Account> trade_accounts(std::string_view key) const;
  // Whether `token` was issued by a bullet endpoint, and for which kind.
  struct TokenInfo {
    bool private_token = false;
    std::string key;                              // the API key of a private token
    std::int64_t issued_ms = 0;                   // Unix ms
    std::int64_t expires_ms = INT64_MAX;          // Unix ms; INT64_MAX: never
    kucoin::Market venue = kucoin::Market::spot;  // the host whose bullet endpoint issued it
  };
  std::optional<TokenInfo> token_info(std::string_view token) const;

 private:
  struct Window {
    std::int64_t start_ms = 0;
    std::int64_t used = 0;
  };
  bool dispatch_market(std::string_view path, std::string_view query, std::int64_t server_now, const ApiKeyConfig* key,
                       std::string& body);
  RestAnswer dispatch(const RestRequest& req, std::string_view path, std::string_view query, std::int64_t now_ms,
                      const ApiKeyConfig* key);
  RestAnswer dispatch_futures(std::string_view path, std::string_view query, std::int64_t now_ms,
                              const ApiKeyConfig* key);
  RestAnswer bullet(bool private_token, const ApiKeyConfig* key, std::int64_t now_ms, kucoin::Market venue);
  RestAnswer error(int status, std::string_view code, std::string_view msg);
  std::optional<RestAnswer> check_body(const RestRequest& req);
  std::optional<RestAnswer> check_parameters(std::string_view method, std::string_view path, std::string_view query);
  // The HF order endpoints (trading_rest.cpp), signed: `key` is set.
  RestAnswer dispatch_trading(const RestRequest& req, std::string_view method, std::string_view path,
                              std::string_view query, std::int64_t now_ms, const ApiKeyConfig& key);
  // Hands the market's trades since the last call to the exchange (resting orders they reach fill).
  void feed_market_trades(std::int64_t now_ms);
  const RestFault* fire_fault(std::string_view method, std::string_view path, std::string_view query,
                              kucoin::Market venue);  // counts hits
  RestAnswer forced_answer(const RestFault& f, const EndpointCost& cost);
  std::string issue_token(bool private_token, std::string_view key, std::int64_t now_ms, kucoin::Market venue);

  mutable std::mutex mu_;
  RestServiceConfig config_;
  std::shared_ptr<Market> market_;
  std::shared_ptr<LiveMarket> futures_;
  Exchange exchange_;
  OrderDecoder order_decoder_;
  std::map<std::string, std::uint64_t, std::less<>> trades_fed_;  // per symbol: the newest Trade::id handed over
  bool ws_encrypt_ = false;
  Rng rng_;
  std::vector<int> fault_hits_;                            // per fault: matching requests seen
  std::map<std::pair<std::string, int>, Window> windows_;  // (identity, pool)
  std::map<std::string, TokenInfo, std::less<>> tokens_;
  RestStats stats_;
};

}  // namespace kucoin::mock
