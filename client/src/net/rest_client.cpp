// RestClient: Asio coroutines on the HttpClient's strand; no Beast here (see http_internal.hpp).
#include "kucoin/net/rest_client.hpp"

#include "detail/asio.hpp"

#include <atomic>
#include <mutex>
#include <optional>

#include "http_internal.hpp"
#include "kucoin/core/backoff.hpp"
#include "kucoin/core/decimal.hpp"
#include "kucoin/core/rng.hpp"
#include "kucoin/protocol/ws_url.hpp"  // percent_encode
#include "kucoin/net/random_seed.hpp"
#include "kucoin/protocol/sign.hpp"

namespace kucoin::net {

namespace {

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t header_int(const HttpResponse& r, std::string_view name) {
  auto v = r.header(name);
  if (v.empty()) return -1;
  auto n = parse_int(v);
  return n ? *n : -1;
}

}  // namespace

struct RestClient::Impl : std::enable_shared_from_this<RestClient::Impl> {
  Impl(asio::io_context& io, RestClientOptions opts)
      : options(std::move(opts)),
        http(io, options.http),
        rng(seed_or_random(options.jitter_seed)),
        offset(options.initial_clock_offset_ms) {
    if (options.credentials) {
      signer.emplace(*options.credentials, options.broker ? &*options.broker : nullptr);
    }
  }

  RestClientOptions options;
  HttpClient http;
  RestDecoder decoder;
  std::optional<Signer> signer;  // per-key HMAC state prepared once
  mutable std::mutex limiter_mu;
  RateLimiter limiter;
  Rng rng;
  std::atomic<std::int64_t> offset;
  std::atomic<std::uint64_t> sent{0}, retries{0}, resyncs{0}, waits{0};

  asio::any_io_executor executor() { return HttpClientAccess::executor(http); }

  std::int64_t wall_now() const { return options.clock ? options.clock() : system_now_ms(); }

  void log(LogLevel level, const std::string& line) const {
    if (options.log) options.log(level, line);
  }

  asio::awaitable<void> sleep(std::chrono::milliseconds d) {
    asio::steady_timer t(executor());
    t.expires_after(d);
    co_await t.async_wait(kTuple);
  }

  // Capped exponential backoff (doubling) with equal jitter: in [ceiling/2, ceiling].
  std::chrono::milliseconds backoff(int attempt) {
    const BackoffConfig c{options.retry.backoff_initial, 2.0, options.retry.backoff_max, Jitter::equal};
    return backoff_delay(c, static_cast<std::uint32_t>(std::max(0, attempt)), rng);
  }

  // GET /api/v1/timestamp and set offset = server - midpoint of the local send/receive times.
  asio::awaitable<bool> resync_clock() {
    HttpRequest req;
    req.target = "/api/v1/timestamp";
    const std::int64_t t0 = wall_now();
    auto r = co_await HttpClientAccess::request(http, std::move(req));
    const std::int64_t t1 = wall_now();
    ++sent;
    if (!r) {
      log(LogLevel::warn, "clock resync failed: " + r.error().describe());
      co_return false;
    }
    auto t = decoder.server_time(r->status, r->body);
    if (!t) {
      log(LogLevel::warn, "clock resync failed: " + t.error().describe());
      co_return false;
    }
    const std::int64_t new_offset = *t - (t0 + (t1 - t0) / 2);
    offset = new_offset;
    ++resyncs;
    log(LogLevel::info, "clock resync: server time offset is now " + std::to_string(new_offset) + " ms");
    co_return true;
  }

  asio::awaitable<Result<RestReply, ApiError>> execute(RestCall call) {
    auto self = shared_from_this();
    const std::string what = call.method + " " + call.path;
    const EndpointCost cost =
        endpoint_cost(options.venue, call.method, call.path)
            .value_or(EndpointCost{call.sign ? RatePool::spot : RatePool::public_pool, 1, call.sign});
    const std::string target = call.query.empty() ? call.path : call.path + "?" + call.query;
    auto failure = [&](ApiError e, int attempts) {
      e.attempts = attempts;
      e.request = what;
      log(LogLevel::warn, e.describe());
      return Unexpected<ApiError>{std::move(e)};
    };
    if (call.sign && !signer) {
      ApiError e;
      e.kind = ApiErrorKind::auth;
      e.msg = "this endpoint needs API credentials (RestClientOptions::credentials)";
      co_return failure(std::move(e), 0);
    }

    int attempts = 0, server_retries = 0, transport_retries = 0, rate_retries = 0;
    bool clock_retried = false;
    for (;;) {
      if (options.client_rate_limit) {
        std::int64_t wait = 0;
        {
          std::lock_guard lock(limiter_mu);
          wait = limiter.wait_ms(cost.pool, cost.weight, steady_now_ms());
        }
        if (wait > 0) {
          if (wait > options.retry.max_rate_limit_wait.count()) {
            ApiError e;
            e.kind = ApiErrorKind::rate_limit;
            e.msg = "the " + std::string(to_string(cost.pool)) + " pool is exhausted (client-side estimate)";
            e.retry_after_ms = wait;
            co_return failure(std::move(e), attempts);
          }
          ++waits;
          log(LogLevel::info, what + ": " + std::string(to_string(cost.pool)) + " pool exhausted, waiting " +
                                  std::to_string(wait) + " ms for the reset");
          co_await sleep(std::chrono::milliseconds(wait));
        }
      }

      HttpRequest req;
      req.method = call.method;
      req.target = target;
      req.body = call.body;
      req.retry_on_stale = call.idempotent;
      if (call.sign) {
        const std::int64_t ts = wall_now() + offset.load();
        auto h = signer->sign(SignInput{ts, call.method, target, call.body});
        if (!h) {
          ApiError e;
          e.kind = ApiErrorKind::auth;
          e.msg = h.error().message;  // names the empty field, never a value
          co_return failure(std::move(e), attempts);
        }
        req.headers = std::move(h->headers);
      }
      {
        std::lock_guard lock(limiter_mu);
        limiter.on_send(cost.pool, cost.weight, steady_now_ms());
      }
      ++attempts;
      ++sent;
      auto r = co_await HttpClientAccess::request(http, std::move(req));
      if (!r) {
        ApiError e;
        e.kind = ApiErrorKind::transport;
        e.msg = r.error().describe();
        const bool permanent = r.error().stage == "request";  // an unsendable request stays unsendable
        if (!permanent && (call.idempotent || !r.error().request_sent) &&
            transport_retries < options.retry.max_transport_retries) {
          const auto d = backoff(transport_retries++);
          ++retries;
          log(LogLevel::warn, what + ": " + e.msg + "; retrying in " + std::to_string(d.count()) + " ms");
          co_await sleep(d);
          continue;
        }
        co_return failure(std::move(e), attempts);
      }
      const RateLimitHeaders rl{header_int(*r, "gw-ratelimit-limit"), header_int(*r, "gw-ratelimit-remaining"),
                                header_int(*r, "gw-ratelimit-reset")};
      {
        std::lock_guard lock(limiter_mu);
        limiter.on_headers(cost.pool, rl, steady_now_ms());
      }
      auto env = decoder.envelope(r->status, r->body);
      if (env) {
        log(LogLevel::debug, what + " -> " + std::to_string(r->status) + " (attempt " + std::to_string(attempts) + ")");
        co_return RestReply{r->status, std::move(r->body), std::move(r->headers), attempts};
      }
      ApiError e = std::move(env).error();
      switch (e.kind) {
        case ApiErrorKind::clock:
          if (options.retry.resync_clock && !clock_retried && call.sign) {
            clock_retried = true;
            log(LogLevel::warn,
                what + ": " + e.code + " " + e.msg + " (timestamp outside the server's window); resyncing the clock");
            if (co_await resync_clock()) {
              ++retries;
              continue;
            }
          }
          break;
        case ApiErrorKind::rate_limit: {
          e.retry_after_ms = rl.reset_ms;
          {
            std::lock_guard lock(limiter_mu);
            limiter.on_rate_limited(cost.pool, rl.reset_ms, steady_now_ms(), backoff(rate_retries).count());
          }
          // The reset, and up to half of it more: clients told the same reset do not all come
          // back in the same millisecond (a reconnect storm would hit the next window at once).
          const std::int64_t wait =
              rl.reset_ms >= 0 ? rl.reset_ms + rng.between(0, rl.reset_ms / 2) : backoff(rate_retries).count();
          if (rate_retries < options.retry.max_rate_limit_retries &&
              wait <= options.retry.max_rate_limit_wait.count()) {
            ++rate_retries;
            ++retries;
            ++waits;
            log(LogLevel::warn,
                what + ": 429 " + e.code + ", waiting " + std::to_string(wait) + " ms (gw-ratelimit-reset)");
            co_await sleep(std::chrono::milliseconds(wait));
            continue;
          }
          break;
        }
        case ApiErrorKind::server:
          if (server_retries < options.retry.max_server_retries) {
            const auto d = backoff(server_retries++);
            ++retries;
            log(LogLevel::warn, what + ": HTTP " + std::to_string(e.http_status) + " " + e.code + "; retrying in " +
                                    std::to_string(d.count()) + " ms");
            co_await sleep(d);
            continue;
          }
          break;
        default: break;
      }
      co_return failure(std::move(e), attempts);
    }
  }

  template <class T, class Decode>
  void typed(RestCall call, RestHandler<T> done, Decode decode) {
    auto self = shared_from_this();
    asio::co_spawn(
        executor(),
        [self, call = std::move(call), done = std::move(done), decode]() mutable -> asio::awaitable<void> {
          const std::string what = call.method + " " + call.path;
          auto r = co_await self->execute(std::move(call));
          if (!r) {
            done(Unexpected{std::move(r).error()});
            co_return;
          }
          Result<T, ApiError> t = decode(self->decoder, *r);
          if (!t) {
            ApiError e = std::move(t).error();
            e.attempts = r->attempts;
            e.request = what;
            self->log(LogLevel::warn, e.describe());
            done(Unexpected{std::move(e)});
            co_return;
          }
          done(std::move(t));
        },
        asio::detached);
  }

  void snapshot(std::string path, std::string symbol, SymbolScale scale, bool signed_call,
                RestHandler<L2Snapshot> done) {
    RestCall c;
    c.path = std::move(path);
    c.query = "symbol=" + percent_encode(symbol);
    c.sign = signed_call;
    typed<L2Snapshot>(std::move(c), std::move(done),
                      [scale](RestDecoder& d, const RestReply& r) { return d.snapshot(r.status, r.body, scale); });
  }
};

RestClient::RestClient(asio::io_context& io, RestClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

RestClient::~RestClient() = default;

void RestClient::server_time(RestHandler<std::int64_t> done) {
  impl_->typed<std::int64_t>(RestCall{"GET", "/api/v1/timestamp", "", "", false, true}, std::move(done),
                             [](RestDecoder& d, const RestReply& r) { return d.server_time(r.status, r.body); });
}

void RestClient::service_status(RestHandler<ServiceStatus> done) {
  impl_->typed<ServiceStatus>(RestCall{"GET", "/api/v1/status", "", "", false, true}, std::move(done),
                              [](RestDecoder& d, const RestReply& r) { return d.service_status(r.status, r.body); });
}

void RestClient::symbols(RestHandler<std::vector<SymbolInfo>> done) {
  impl_->typed<std::vector<SymbolInfo>>(RestCall{"GET", "/api/v2/symbols", "", "", false, true}, std::move(done),
                                        [](RestDecoder& d, const RestReply& r) { return d.symbols(r.status, r.body); });
}

void RestClient::level2_20(std::string symbol, SymbolScale scale, RestHandler<L2Snapshot> done) {
  impl_->snapshot("/api/v1/market/orderbook/level2_20", std::move(symbol), scale, false, std::move(done));
}

void RestClient::level2_100(std::string symbol, SymbolScale scale, RestHandler<L2Snapshot> done) {
  impl_->snapshot("/api/v1/market/orderbook/level2_100", std::move(symbol), scale, false, std::move(done));
}

void RestClient::level2_full(std::string symbol, SymbolScale scale, RestHandler<L2Snapshot> done) {
  impl_->snapshot("/api/v3/market/orderbook/level2", std::move(symbol), scale, true, std::move(done));
}

void RestClient::bullet_public(RestHandler<BulletToken> done) {
  impl_->typed<BulletToken>(RestCall{"POST", "/api/v1/bullet-public", "", "", false, true}, std::move(done),
                            [](RestDecoder& d, const RestReply& r) { return d.bullet(r.status, r.body); });
}

void RestClient::bullet_private(RestHandler<BulletToken> done) {
  impl_->typed<BulletToken>(RestCall{"POST", "/api/v1/bullet-private", "", "", true, true}, std::move(done),
                            [](RestDecoder& d, const RestReply& r) { return d.bullet(r.status, r.body); });
}

void RestClient::contracts(RestHandler<std::vector<FuturesContract>> done) {
  impl_->typed<std::vector<FuturesContract>>(
      RestCall{"GET", "/api/v1/contracts/active", "", "", false, true}, std::move(done),
      [](RestDecoder& d, const RestReply& r) { return d.futures_contracts(r.status, r.body); });
}

void RestClient::futures_book(std::string symbol, SymbolScale scale, FuturesBookDepth depth,
                              RestHandler<FuturesSnapshot> done) {
  RestCall c;
  c.path = depth == FuturesBookDepth::top20    ? "/api/v1/level2/depth20"
           : depth == FuturesBookDepth::top100 ? "/api/v1/level2/depth100"
                                               : "/api/v1/level2/snapshot";
  c.query = "symbol=" + percent_encode(symbol);
  impl_->typed<FuturesSnapshot>(std::move(c), std::move(done),
                                [symbol = std::move(symbol), scale](RestDecoder& d, const RestReply& r) {
                                  return d.futures_snapshot(r.status, r.body, symbol, scale);
                                });
}

void RestClient::accounts(AccountsQuery query, RestHandler<std::vector<Account>> done) {
  RestCall c{"GET", "/api/v1/accounts", "", "", true, true};
  if (!query.currency.empty()) c.query = "currency=" + percent_encode(query.currency);
  if (!query.type.empty()) c.query += (c.query.empty() ? "" : "&") + std::string("type=") + percent_encode(query.type);
  impl_->typed<std::vector<Account>>(std::move(c), std::move(done),
                                     [](RestDecoder& d, const RestReply& r) { return d.accounts(r.status, r.body); });
}

void RestClient::call(RestCall call, RestHandler<RestReply> done) {
  impl_->typed<RestReply>(std::move(call), std::move(done),
                          [](RestDecoder&, const RestReply& r) -> Result<RestReply, ApiError> { return r; });
}

bool RestClient::has_credentials() const noexcept { return impl_->options.credentials.has_value(); }

std::int64_t RestClient::clock_offset_ms() const noexcept { return impl_->offset.load(); }

RateLimiter::PoolState RestClient::pool_state(RatePool pool) const {
  std::lock_guard lock(impl_->limiter_mu);
  return impl_->limiter.state(pool, steady_now_ms());
}

RestClient::Stats RestClient::stats() const {
  return Stats{impl_->sent.load(), impl_->retries.load(), impl_->resyncs.load(), impl_->waits.load()};
}

HttpClient& RestClient::http() noexcept { return impl_->http; }

// ------------------------------------------------------------------------------------ blocking

struct BlockingRestClient::State {
  explicit State(RestClientOptions o) : client(io, std::move(o)) {}
  asio::io_context io;
  RestClient client;
};

BlockingRestClient::BlockingRestClient(RestClientOptions options)
    : state_(std::make_unique<State>(std::move(options))) {}
BlockingRestClient::~BlockingRestClient() = default;

template <class T, class F>
Result<T, ApiError> BlockingRestClient::run(F&& start) {
  std::optional<Result<T, ApiError>> out;
  start([&out](Result<T, ApiError> r) { out.emplace(std::move(r)); });
  state_->io.restart();
  state_->io.run();
  if (!out) {
    ApiError e;
    e.kind = ApiErrorKind::transport;
    e.msg = "the call did not complete";
    return Unexpected{std::move(e)};
  }
  return std::move(*out);
}

Result<std::int64_t, ApiError> BlockingRestClient::server_time() {
  return run<std::int64_t>([&](auto h) { state_->client.server_time(h); });
}
Result<std::vector<SymbolInfo>, ApiError> BlockingRestClient::symbols() {
  return run<std::vector<SymbolInfo>>([&](auto h) { state_->client.symbols(h); });
}
Result<L2Snapshot, ApiError> BlockingRestClient::level2_20(std::string symbol, SymbolScale scale) {
  return run<L2Snapshot>([&](auto h) { state_->client.level2_20(std::move(symbol), scale, h); });
}
Result<L2Snapshot, ApiError> BlockingRestClient::level2_100(std::string symbol, SymbolScale scale) {
  return run<L2Snapshot>([&](auto h) { state_->client.level2_100(std::move(symbol), scale, h); });
}
Result<L2Snapshot, ApiError> BlockingRestClient::level2_full(std::string symbol, SymbolScale scale) {
  return run<L2Snapshot>([&](auto h) { state_->client.level2_full(std::move(symbol), scale, h); });
}
Result<BulletToken, ApiError> BlockingRestClient::bullet_public() {
  return run<BulletToken>([&](auto h) { state_->client.bullet_public(h); });
}
Result<BulletToken, ApiError> BlockingRestClient::bullet_private() {
  return run<BulletToken>([&](auto h) { state_->client.bullet_private(h); });
}
Result<std::vector<Account>, ApiError> BlockingRestClient::accounts(AccountsQuery query) {
  return run<std::vector<Account>>([&](auto h) { state_->client.accounts(std::move(query), h); });
}
Result<std::vector<FuturesContract>, ApiError> BlockingRestClient::contracts() {
  return run<std::vector<FuturesContract>>([&](auto h) { state_->client.contracts(h); });
}
Result<FuturesSnapshot, ApiError> BlockingRestClient::futures_book(std::string symbol, SymbolScale scale,
                                                                   FuturesBookDepth depth) {
  return run<FuturesSnapshot>([&](auto h) { state_->client.futures_book(std::move(symbol), scale, depth, h); });
}
RestClient& BlockingRestClient::client() noexcept { return state_->client; }

}  // namespace kucoin::net
