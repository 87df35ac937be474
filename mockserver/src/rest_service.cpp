// One file on purpose (about 600 lines): RestService's checks (route, pools, body, signature,
// parameters, forced answers) and its endpoint answers for both hosts run under its one lock on
// state private to it (tokens, windows, fault hits).
#include "kucoin/mock/rest_service.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "kucoin/core/decimal.hpp"
#include "kucoin/mock/futures_market.hpp"
#include "kucoin/mock/market_rest.hpp"
#include "kucoin/protocol/l2_codec.hpp"
#include "kucoin/protocol/sign.hpp"

namespace kucoin::mock {

std::string_view RestRequest::header(std::string_view name) const noexcept {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

namespace {

constexpr std::string_view kMissingHeadersMsg =
    "Please check the header of your request for KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP, KC-API-PASSPHRASE";

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    if (!part.empty()) {
      const auto eq = part.find('=');
      out.emplace_back(percent_decode(part.substr(0, eq), true),
                       eq == std::string_view::npos ? std::string() : percent_decode(part.substr(eq + 1), true));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

// The request-target forms a client may have signed (kucoin-protocol.md §2.2).
std::vector<std::string> signing_candidates(std::string_view target) {
  std::vector<std::string> out;
  auto add = [&](std::string s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  };
  add(percent_decode(target));
  add(std::string(target));
  auto [path, query] = split_target(target);
  if (!query.empty()) {
    add(std::string(path) + "?" + percent_decode(query, true));
    auto params = parse_query(query);
    std::stable_sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string sorted{path};
    sorted += '?';
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (i) sorted += '&';
      sorted += params[i].first;
      sorted += '=';
      sorted += params[i].second;
    }
    add(std::move(sorted));
  }
  return out;
}

std::vector<Account> default_accounts(std::string_view key, bool hf) {
  std::string id_base = "6" + std::string(key.substr(0, std::min<std::size_t>(key.size(), 11)));
  const std::string trade = hf ? "trade_hf" : "trade";
  return {
      {id_base + "a1", "USDT", trade, "10000.5", "9900.5", "100"},
      {id_base + "a2", "BTC", trade, "1.25", "1.25", "0"},
      {id_base + "a3", "USDT", "main", "250", "250", "0"},
  };
}

}  // namespace

// A query parameter's value; empty when absent. The universal SDK sends optional fields it was
// not given as the text "undefined" (its query builder prints every field of the request
// object): that is taken as absent, which is how its calls succeed against KuCoin.
std::string query_param(std::string_view query, std::string_view name) {
  for (auto& [k, v] : parse_query(query)) {
    if (k == name) return v == "undefined" ? std::string() : v;
  }
  return {};
}

AuthResult verify_signed_request(const RestRequest& req, std::span<const ApiKeyConfig> keys, std::int64_t server_now_ms,
                                 std::int64_t window_ms, bool strict_key_version) {
  auto reject = [](int status, std::string_view code, std::string_view msg) {
    AuthResult r;
    r.http_status = status;
    r.code = std::string(code);
    r.msg = std::string(msg);
    return r;
  };
  const std::string_view key = req.header("KC-API-KEY");
  const std::string_view sig = req.header("KC-API-SIGN");
  const std::string_view ts_text = req.header("KC-API-TIMESTAMP");
  const std::string_view pass = req.header("KC-API-PASSPHRASE");
  const std::string_view version = req.header("KC-API-KEY-VERSION");
  if (key.empty() || sig.empty() || ts_text.empty() || pass.empty()) return reject(401, "400001", kMissingHeadersMsg);
  auto ts = parse_int(ts_text);
  if (!ts)
    return reject(401, "400001", kMissingHeadersMsg);  // a non-numeric timestamp is "missing" (kucoin-api-docs#1)

  const ApiKeyConfig* k = nullptr;
  for (const ApiKeyConfig& c : keys) {
    if (c.key == key) {
      k = &c;
      break;
    }
  }
  if (k == nullptr) return reject(401, "400003", "KC-API-KEY not exists");

  bool version_ok = false;
  if (k->version == KeyVersion::v1) {
    version_ok = version.empty() || version == "1";
  } else if (strict_key_version) {
    version_ok = version == to_string(k->version);
  } else {
    version_ok = version == "2" || version == "3";
  }
  if (!version_ok) return reject(401, "400007", "Invalid KC-API-KEY-VERSION");

  const std::int64_t skew = *ts - server_now_ms;
  if (skew > window_ms || skew < -window_ms) return reject(400, "400002", "Invalid KC-API-TIMESTAMP");

  // Signature before passphrase: with a wrong secret both are wrong (the passphrase is HMAC'd with
  // the secret for v2/v3), and "check the secret" is the useful diagnosis.
  Credentials creds{k->key, k->secret, k->passphrase, k->version};
  bool signature_ok = false;
  for (const std::string& candidate : signing_candidates(req.target)) {
    auto expected = sign(creds, SignInput{*ts, req.method, candidate, req.body});
    if (expected && constant_time_equal(expected->get("KC-API-SIGN"), sig)) {
      signature_ok = true;
      break;
    }
  }
  if (!signature_ok) return reject(401, "400005", "Invalid KC-API-SIGN");
  if (!constant_time_equal(passphrase_header_value(creds), pass)) {
    return reject(401, "400004", "Invalid KC-API-PASSPHRASE");
  }
  AuthResult ok;
  ok.key = k;
  return ok;
}

RestService::RestService(RestServiceConfig config, std::shared_ptr<Market> market)
    : config_(std::move(config)),
      market_(market ? std::move(market) : std::make_shared<GeneratedMarket>()),
      exchange_(market_->symbols()),
      rng_(config_.seed),
      fault_hits_(config_.faults.size(), 0) {
  // Each key's trade accounts fund its trading.
  for (const ApiKeyConfig& k : config_.keys) {
    const auto accounts = k.accounts.empty() ? default_accounts(k.key, k.hf) : k.accounts;
    for (const Account& a : accounts) {
      if (a.type != "trade" && a.type != "trade_hf") continue;
      auto available = parse_decimal(a.available);
      auto hold = parse_decimal(a.holds.empty() ? std::string_view("0") : std::string_view(a.holds));
      if (!available || !hold) {
        if (config_.log)
          config_.log("key " + k.key + ": account " + a.currency + " has no decimal balance; not funded");
        continue;
      }
      exchange_.set_balance(k.key, a.currency, Amount{available->raw, available->decimals},
                            Amount{hold->raw, hold->decimals});
    }
  }
}

void RestService::add_fault(RestFault fault) {
  std::lock_guard lock(mu_);
  config_.faults.push_back(std::move(fault));
  fault_hits_.push_back(0);
}

void RestService::clear_faults() {
  std::lock_guard lock(mu_);
  config_.faults.clear();
  fault_hits_.clear();
}

void RestService::set_clock_offset(std::int64_t offset_ms) {
  std::lock_guard lock(mu_);
  config_.clock_offset_ms = offset_ms;
}

void RestService::set_ws_endpoint(std::string endpoint, bool encrypt) {
  std::lock_guard lock(mu_);
  config_.ws_endpoint = std::move(endpoint);
  ws_encrypt_ = encrypt;
}

void RestService::set_futures_ws_endpoint(std::string endpoint) {
  std::lock_guard lock(mu_);
  config_.futures_ws_endpoint = std::move(endpoint);
}

void RestService::set_futures_market(std::shared_ptr<LiveMarket> market) {
  std::lock_guard lock(mu_);
  futures_ = std::move(market);
}

void RestService::set_token_lifetime(std::int64_t lifetime_ms) {
  std::lock_guard lock(mu_);
  config_.token_lifetime_ms = lifetime_ms;
}

void RestService::expire_tokens(std::int64_t at_ms) {
  std::lock_guard lock(mu_);
  for (auto& [token, info] : tokens_) info.expires_ms = std::min(info.expires_ms, at_ms);
}

void RestService::set_rate_limit(RateLimitConfig config) {
  std::lock_guard lock(mu_);
  config_.rate_limit = config;
  windows_.clear();
}

RestStats RestService::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::optional<RestService::TokenInfo> RestService::token_info(std::string_view token) const {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

RestAnswer RestService::error(int status, std::string_view code, std::string_view msg) {
  RestAnswer a;
  a.status = status;
  a.code = std::string(code);
  encode_error_body(code, msg, a.body);
  return a;
}

std::string RestService::issue_token(bool private_token, std::string_view key, std::int64_t now_ms,
                                     kucoin::Market venue) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string t;
  t.reserve(120);
  for (int i = 0; i < 96; ++i) t += kAlphabet[rng_.below(64)];
  t += "=.";
  for (int i = 0; i < 22; ++i) t += kAlphabet[rng_.below(64)];
  const std::int64_t expires = config_.token_lifetime_ms > 0 && now_ms <= INT64_MAX - config_.token_lifetime_ms
                                   ? now_ms + config_.token_lifetime_ms
                                   : INT64_MAX;
  tokens_[t] = TokenInfo{private_token, std::string(key), now_ms, expires, venue};
  return t;
}

std::optional<RestAnswer> RestService::check_body(const RestRequest& req) {
  if (req.body.empty()) return std::nullopt;
  if (req.header("Content-Type").find("application/json") == std::string_view::npos) {
    return error(415, "415000", "Unsupported Media Type");
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(req.body.data(), req.body.size(), true).get(doc)) {
    return error(400, "400100", "Invalid request body: not JSON");
  }
  return std::nullopt;
}

std::optional<RestAnswer> RestService::check_parameters(std::string_view method, std::string_view path,
                                                        std::string_view query) {
  // Endpoints of one symbol: given (400100) and listed (900001). A placement names its symbol in
  // the body (the exchange checks it).
  const bool order_query = path.starts_with("/api/v1/hf/orders") && method != "POST";
  const bool one_symbol = order_query || path.starts_with("/api/v1/market/orderbook/level2_") ||
                          path == "/api/v3/market/orderbook/level2" || path == "/api/v1/market/orderbook/level1" ||
                          path == "/api/v1/market/stats" || path == "/api/v1/market/histories";
  const bool symbol_in_path = path.starts_with("/api/v2/symbols/");
  if (!one_symbol && !symbol_in_path) return std::nullopt;
  const std::string symbol = symbol_in_path ? percent_decode(path.substr(std::string_view("/api/v2/symbols/").size()))
                                            : query_param(query, "symbol");
  if (symbol.empty()) return error(400, "400100", "symbol is required");
  for (const SymbolInfo& s : market_->symbols()) {
    if (s.symbol == symbol) return std::nullopt;
  }
  return error(400, "900001", "symbol not exists");
}

const RestFault* RestService::fire_fault(std::string_view method, std::string_view path, std::string_view query,
                                         kucoin::Market venue) {
  for (std::size_t i = 0; i < config_.faults.size(); ++i) {
    const RestFault& f = config_.faults[i];
    if (f.host && *f.host != venue) continue;
    if (f.path != "*" && f.path != path) continue;
    if (!f.method.empty() && !iequals(f.method, method)) continue;
    if (!f.query.empty()) {
      const auto eq = f.query.find('=');
      const std::string_view name = std::string_view(f.query).substr(0, eq);
      const std::string_view value =
          eq == std::string::npos ? std::string_view() : std::string_view(f.query).substr(eq + 1);
      if (query_param(query, name) != value) continue;
    }
    const int hits = ++fault_hits_[i];
    if (hits <= f.skip || (f.count >= 0 && hits - f.skip > f.count)) continue;
    ++stats_.faults_fired;
    return &f;
  }
  return nullptr;
}

RestAnswer RestService::forced_answer(const RestFault& f, const EndpointCost& cost) {
  RestAnswer a;
  if (f.code.empty()) {
    a.status = f.http_status;
    a.content_type = "text/html";
    a.body = "<html><body><h1>" + std::to_string(f.http_status) + "</h1>forced by the mock</body></html>";
  } else {
    a = error(f.http_status, f.code, f.msg);
  }
  if (f.reset_ms >= 0) {
    const std::int64_t quota = config_.rate_limit.quota[static_cast<std::size_t>(cost.pool)];
    a.headers.push_back({"gw-ratelimit-limit", std::to_string(quota)});
    a.headers.push_back({"gw-ratelimit-remaining", "0"});
    a.headers.push_back({"gw-ratelimit-reset", std::to_string(f.reset_ms)});
  }
  a.delay_ms = f.delay_ms;
  if (f.close_connection) {  // nothing is sent
    a.close_connection = true;
    a.body.clear();
    a.code.clear();
  }
  return a;
}

// The order every request goes through, whatever faults are configured (mockserver/README.md,
// "Order of checks"):
//   1. route: unknown path 404, known path with another method 405 (HEAD is routed as GET; the
//      network layer sends its headers without the body);
//   2. weight pool: the endpoint's weight is charged to its pool (public: per client IP; the
//      others: per KC-API-KEY as sent), an exhausted pool answers 429 with gw-ratelimit-*;
//   3. body: Content-Type application/json (415), JSON (400100);
//   4. authentication of signed endpoints: headers, key, key version, timestamp, signature,
//      passphrase (400001-400007);
//   5. parameters: symbol given (400100) and listed (900001);
//   6. forced answers (RestFault): only a request that passed 1-5 can meet one, and only those
//      count for `skip` and `count`. It replaces the answer (error, HTML page, closed connection)
//      or delays the normal one (code "200000"); the request's weight was charged in step 2, as the
//      real request's would be;
//   7. the endpoint's answer.
// So a fault never lets an unsigned request through, and never hands out a private token.
RestAnswer RestService::handle(const RestRequest& req, std::int64_t now_ms, kucoin::Market venue) {
  std::lock_guard lock(mu_);
  ++stats_.requests;
  // Not a structured binding: the lambda below captures them, which clang 14 (the fuzz build)
  // does not allow for bindings.
  const auto target_parts = split_target(req.target);
  const auto path = target_parts.first;
  const auto query = target_parts.second;
  const std::string_view method = req.method == "HEAD" ? std::string_view("GET") : req.method;

  RestAnswer answer = [&]() -> RestAnswer {
    // 1. Route.
    const bool futures = venue == kucoin::Market::futures;
    auto cost = endpoint_cost(venue, method, path);
    if (!cost) {
      for (std::string_view m : {"GET", "POST", "PUT", "DELETE"}) {
        if (m != method && endpoint_cost(venue, m, path)) {
          RestAnswer a = error(405, "405000", "Method Not Allowed");
          a.headers.push_back({"Allow", std::string(m)});
          return a;
        }
      }
      return error(404, "404000", "Not Found");
    }
    // 2. Weight pools.
    std::vector<Header> limit_headers;
    if (config_.rate_limit.enabled) {
      std::string identity = cost->pool == RatePool::public_pool ? "ip:" + std::string(req.remote)
                                                                 : "key:" + std::string(req.header("KC-API-KEY"));
      if (futures) identity.insert(0, "futures:");  // the futures host counts its own windows
      Window& w = windows_[{identity, static_cast<int>(cost->pool)}];
      if (w.start_ms == 0 || now_ms >= w.start_ms + config_.rate_limit.window_ms) w = Window{now_ms, 0};
      const std::int64_t quota = config_.rate_limit.quota[static_cast<std::size_t>(cost->pool)];
      const std::int64_t reset = std::max<std::int64_t>(0, w.start_ms + config_.rate_limit.window_ms - now_ms);
      const bool over = w.used + cost->weight > quota;
      if (!over) w.used += cost->weight;
      limit_headers.push_back({"gw-ratelimit-limit", std::to_string(quota)});
      limit_headers.push_back({"gw-ratelimit-remaining", std::to_string(std::max<std::int64_t>(0, quota - w.used))});
      limit_headers.push_back({"gw-ratelimit-reset", std::to_string(reset)});
      if (over) {
        ++stats_.rate_limited;
        RestAnswer a = error(429, "429000", "Too Many Requests");
        a.headers = std::move(limit_headers);
        return a;
      }
    }
    auto with_limits = [&limit_headers](RestAnswer a) {
      a.headers.insert(a.headers.end(), limit_headers.begin(), limit_headers.end());
      return a;
    };
    // 3. Body.
    if (auto bad = check_body(req)) return with_limits(std::move(*bad));
    // 4. Authentication.
    const ApiKeyConfig* key = nullptr;
    if (cost->signed_request) {
      AuthResult auth = verify_signed_request(req, config_.keys, now_ms + config_.clock_offset_ms,
                                              config_.timestamp_window_ms, config_.strict_key_version);
      if (!auth.ok()) {
        ++stats_.auth_rejected;
        return with_limits(error(auth.http_status, auth.code, auth.msg));
      }
      key = auth.key;
    }
    // 5. Parameters.
    if (!futures) {  // the futures answers check their own (answer_futures_market)
      if (auto bad = check_parameters(method, path, query)) return with_limits(std::move(*bad));
    }
    // 6. Forced answers.
    const RestFault* fault = fire_fault(method, path, query, venue);
    if (fault != nullptr && (fault->close_connection || fault->code != "200000")) return forced_answer(*fault, *cost);
    // 7. The endpoint's answer (late when a "200000" fault says so).
    RestAnswer a = with_limits(futures ? dispatch_futures(path, query, now_ms, key)
                               : path.starts_with("/api/v1/hf/orders") && key != nullptr
                                   ? dispatch_trading(req, method, path, query, now_ms, *key)
                                   : dispatch(req, path, query, now_ms, key));
    if (fault != nullptr) a.delay_ms = fault->delay_ms;
    return a;
  }();

  ++stats_.by_path[std::string(path)];
  if (const auto ua = req.header("User-Agent"); !ua.empty() && stats_.user_agents.size() < 64) {
    ++stats_.user_agents[std::string(ua.substr(0, 200))];
  }
  if (!answer.code.empty()) ++stats_.by_code[answer.code];
  if (config_.observer) {
    RestRequestSeen seen{now_ms, method, path, req.header("User-Agent"), answer.status, answer.code, -1};
    for (const Header& h : answer.headers) {
      if (h.name == "gw-ratelimit-reset") seen.reset_ms = std::strtoll(h.value.c_str(), nullptr, 10);
    }
    config_.observer(seen);
  }
  if (config_.log) {
    std::string line{req.method};
    line += ' ';
    line += path;
    line += " -> ";
    line += std::to_string(answer.status);
    if (!answer.code.empty()) {
      line += ' ';
      line += answer.code;
    }
    if (answer.delay_ms > 0) line += " (delayed " + std::to_string(answer.delay_ms) + " ms)";
    if (answer.close_connection) line += " (connection closed, no answer)";
    config_.log(line);
  }
  return answer;
}

RestAnswer RestService::dispatch(const RestRequest& req, std::string_view path, std::string_view query,
                                 std::int64_t now_ms, const ApiKeyConfig* key) {
  (void)req;
  const std::int64_t server_now = now_ms + config_.clock_offset_ms;
  RestAnswer a;
  a.code = "200000";
  if (path == "/api/v1/timestamp") {
    encode_server_time(server_now, a.body);
  } else if (path == "/api/v1/status") {
    encode_service_status(ServiceStatus{"open", ""}, a.body);
  } else if (path == "/api/v2/symbols") {
    auto symbols = market_->symbols();
    if (auto market = query_param(query, "market"); !market.empty()) {
      std::erase_if(symbols, [&](const SymbolInfo& s) { return s.market != market; });
    }
    encode_symbols(symbols, a.body);
  } else if (path.starts_with("/api/v1/market/orderbook/level2_") || path == "/api/v3/market/orderbook/level2") {
    const std::string symbol = query_param(query, "symbol");  // checked by check_parameters()
    auto snap = market_->snapshot(symbol);
    if (!snap) return error(400, "900001", "symbol not exists");
    snap->time_ms = server_now;
    std::size_t depth = 0;
    if (path.ends_with("_20")) depth = 20;
    if (path.ends_with("_100")) depth = 100;
    if (depth != 0) {
      if (snap->bids.size() > depth) snap->bids.resize(depth);
      if (snap->asks.size() > depth) snap->asks.resize(depth);
    }
    encode_snapshot_response(*snap, a.body);
  } else if (path == "/api/v1/bullet-public" || path == "/api/v1/bullet-private") {
    return bullet(path.ends_with("private"), key, now_ms, kucoin::Market::spot);
  } else if (path == "/api/v1/accounts") {
    std::vector<Account> accounts = key && !key->accounts.empty()
                                        ? key->accounts
                                        : default_accounts(key ? key->key : "", key != nullptr && key->hf);
    if (key != nullptr) {  // the trade accounts' amounts as trading left them (ids and order kept)
      for (const Account& t : exchange_.accounts(key->key, key->hf ? "trade_hf" : "trade")) {
        auto it = std::find_if(accounts.begin(), accounts.end(), [&](const Account& acc) {
          return acc.currency == t.currency && (acc.type == "trade" || acc.type == "trade_hf");
        });
        if (it == accounts.end()) {
          accounts.push_back(t);  // a currency trading brought in
        } else {
          it->balance = t.balance;
          it->available = t.available;
          it->holds = t.holds;
        }
      }
    }
    const std::string currency = query_param(query, "currency");
    const std::string type = query_param(query, "type");
    std::erase_if(accounts, [&](const Account& acc) {
      return (!currency.empty() && acc.currency != currency) || (!type.empty() && acc.type != type);
    });
    encode_accounts(accounts, a.body);
  } else if (!dispatch_market(path, query, server_now, key, a.body)) {
    return error(404, "404000", "Not Found");
  }
  return a;
}

RestAnswer RestService::bullet(bool private_token, const ApiKeyConfig* key, std::int64_t now_ms, kucoin::Market venue) {
  RestAnswer a;
  a.code = "200000";
  BulletToken t;
  t.token = Secret(issue_token(private_token, key ? std::string_view(key->key) : std::string_view(), now_ms, venue));
  t.servers.push_back({venue == kucoin::Market::futures ? config_.futures_ws_endpoint : config_.ws_endpoint,
                       ws_encrypt_, "websocket", config_.ping_interval_ms, config_.ping_timeout_ms});
  t.token_valid_for_ms = config_.token_valid_for_ms;
  encode_bullet_response(t, a.body);
  return a;
}

RestAnswer RestService::dispatch_futures(std::string_view path, std::string_view query, std::int64_t now_ms,
                                         const ApiKeyConfig* key) {
  if (path == "/api/v1/bullet-public" || path == "/api/v1/bullet-private") {
    return bullet(path.ends_with("private"), key, now_ms, kucoin::Market::futures);
  }
  std::vector<FuturesContract> contracts;
  if (futures_) contracts = futures_->contracts();
  FuturesBooks books{contracts, [this](std::string_view symbol) -> std::optional<L2Snapshot> {
                       return futures_ ? futures_->snapshot(symbol) : std::nullopt;
                     }};
  auto answer = answer_futures_market(path, query, books, now_ms + config_.clock_offset_ms);
  if (!answer) return error(404, "404000", "Not Found");
  RestAnswer a;
  a.status = answer->status;
  a.code = std::move(answer->code);
  a.body = std::move(answer->body);
  return a;
}

// The endpoints third-party clients call at start-up and for tickers and trades
// (kucoin-protocol.md §8.5), from the same truth as the books.
bool RestService::dispatch_market(std::string_view path, std::string_view query, std::int64_t server_now,
                                  const ApiKeyConfig* key, std::string& body) {
  const auto symbols = market_->symbols();
  auto ticker_of = [&](const SymbolInfo& info, L2Snapshot& book, std::vector<Trade>& trades) {
    book = market_->peek(info.symbol).value_or(L2Snapshot{});
    trades = market_->trades(info.symbol);
    return TickerInput{&info, &book, trades};
  };
  auto find = [&](std::string_view symbol) -> const SymbolInfo* {
    for (const SymbolInfo& s : symbols) {
      if (s.symbol == symbol) return &s;
    }
    return nullptr;
  };
  if (path.starts_with("/api/v2/symbols/")) {
    const SymbolInfo* info = find(percent_decode(path.substr(std::string_view("/api/v2/symbols/").size())));
    if (info == nullptr) return false;  // checked by check_parameters()
    encode_symbol(*info, body);
  } else if (path == "/api/v3/currencies") {
    encode_currencies(symbols, body);
  } else if (path == "/api/v1/market/orderbook/level1" || path == "/api/v1/market/stats" ||
             path == "/api/v1/market/histories") {
    const SymbolInfo* info = find(query_param(query, "symbol"));
    if (info == nullptr) return false;
    L2Snapshot book;
    std::vector<Trade> trades;
    const TickerInput t = ticker_of(*info, book, trades);
    if (path.ends_with("level1")) {
      encode_level1(t, server_now, body);
    } else if (path.ends_with("stats")) {
      encode_stats(t, server_now, body);
    } else {
      encode_trade_history(trades, body);
    }
  } else if (path == "/api/v1/market/allTickers") {
    std::vector<L2Snapshot> books(symbols.size());
    std::vector<std::vector<Trade>> trades(symbols.size());
    std::vector<TickerInput> tickers;
    for (std::size_t i = 0; i < symbols.size(); ++i) tickers.push_back(ticker_of(symbols[i], books[i], trades[i]));
    encode_all_tickers(tickers, server_now, body);
  } else if (path == "/api/v1/contracts/active") {
    body = R"({"code":"200000","data":[]})";  // a spot mock lists no futures contracts
  } else if (path == "/api/v1/hf/accounts/opened") {
    encode_hf_account_opened(key != nullptr && key->hf, body);
  } else if (path == "/api/ua/v1/account/mode") {
    body = R"({"code":"200000","data":{"selfAccountMode":"CLASSIC"}})";  // a classic, not a unified account
  } else if (path == "/api/v2/user-info") {
    body = R"({"code":"200000","data":{"level":0,"subQuantity":0,"spotSubQuantity":0,"marginSubQuantity":0,)"
           R"("futuresSubQuantity":0,"optionSubQuantity":0,"maxSubQuantity":5,"maxDefaultSubQuantity":5,)"
           R"("maxSpotSubQuantity":0,"maxMarginSubQuantity":0,"maxFuturesSubQuantity":0,"maxOptionSubQuantity":0}})";
  } else if (path == "/api/v3/margin/symbols") {
    body = R"({"code":"200000","data":{"timestamp":)" + std::to_string(server_now) + R"(,"items":[]}})";
  } else if (path == "/api/v1/isolated/symbols") {
    body = R"({"code":"200000","data":[]})";
  } else {
    return false;
  }
  return true;
}

}  // namespace kucoin::mock
