#include "kucoin/mock/config_yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "kucoin/core/decimal.hpp"
#include "kucoin/mock/live_market.hpp"

namespace kucoin::mock {

namespace {

std::string where(const YAML::Node& n) {
  const auto m = n.Mark();
  if (m.is_null()) return "";
  return "line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1) + ": ";
}

struct ConfigError {
  std::string message;
};

template <class T>
T get(const YAML::Node& map, const char* key, T fallback) {
  const YAML::Node n = map[key];
  if (!n) return fallback;
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    throw ConfigError{where(n) + "'" + key + "' has the wrong type"};
  }
}

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = in.good();
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void check_keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const char* what) {
  for (const auto& kv : map) {
    const auto k = kv.first.as<std::string>();
    bool found = false;
    for (const char* a : allowed) found |= k == a;
    if (!found) throw ConfigError{where(kv.first) + "unknown key '" + k + "' in " + what};
  }
}

}  // namespace

Result<MockServerConfig> load_mock_config_yaml(std::string_view yaml_text) {
  MockServerConfig c;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    if (!root || root.IsNull()) return c;
    if (!root.IsMap()) return fail(Errc::invalid_argument, where(root) + "the configuration must be a map");
    check_keys(root,
               {"host",
                "port",
                "tls",
                "cert_file",
                "key_file",
                "threads",
                "idle_timeout_ms",
                "clock_offset_ms",
                "timestamp_window_ms",
                "strict_key_version",
                "symbols",
                "levels",
                "seed",
                "keys",
                "rate_limit",
                "faults",
                "ping_interval_ms",
                "ping_timeout_ms",
                "token_lifetime_ms",
                "token_valid_for_ms",
                "ws",
                "ws_faults",
                "network",
                "market",
                "realism"},
               "the configuration");
    c.host = get<std::string>(root, "host", c.host);
    c.port = get<std::uint16_t>(root, "port", c.port);
    c.tls = get<bool>(root, "tls", c.tls);
    c.threads = get<unsigned>(root, "threads", c.threads);
    c.idle_timeout_ms = get<std::int64_t>(root, "idle_timeout_ms", c.idle_timeout_ms);
    for (const char* k : {"cert_file", "key_file"}) {
      if (!root[k]) continue;
      bool ok = false;
      std::string text = read_file(root[k].as<std::string>(), ok);
      if (!ok) throw ConfigError{where(root[k]) + "cannot read " + root[k].as<std::string>()};
      (std::string_view(k) == "cert_file" ? c.cert_pem : c.key_pem) = std::move(text);
    }
    RestServiceConfig& r = c.rest;
    r.clock_offset_ms = get<std::int64_t>(root, "clock_offset_ms", r.clock_offset_ms);
    r.timestamp_window_ms = get<std::int64_t>(root, "timestamp_window_ms", r.timestamp_window_ms);
    r.strict_key_version = get<bool>(root, "strict_key_version", r.strict_key_version);
    r.ping_interval_ms = get<std::int64_t>(root, "ping_interval_ms", r.ping_interval_ms);
    r.ping_timeout_ms = get<std::int64_t>(root, "ping_timeout_ms", r.ping_timeout_ms);
    r.token_lifetime_ms = get<std::int64_t>(root, "token_lifetime_ms", r.token_lifetime_ms);
    if (root["token_valid_for_ms"]) r.token_valid_for_ms = get<std::int64_t>(root, "token_valid_for_ms", 0);
    if (const YAML::Node ws = root["ws"]) {
      check_keys(ws,
                 {"path", "idle_timeout_ms", "max_symbols_per_request", "max_topics_per_connection", "pace_per_symbol"},
                 "'ws'");
      c.ws.path = get<std::string>(ws, "path", c.ws.path);
      c.ws.idle_timeout_ms = get<std::int64_t>(ws, "idle_timeout_ms", c.ws.idle_timeout_ms);
      c.ws.limits.max_symbols_per_request =
          get<std::size_t>(ws, "max_symbols_per_request", c.ws.limits.max_symbols_per_request);
      c.ws.limits.max_topics_per_connection =
          get<std::size_t>(ws, "max_topics_per_connection", c.ws.limits.max_topics_per_connection);
      c.ws.pace_per_symbol = get<double>(ws, "pace_per_symbol", c.ws.pace_per_symbol);
    }
    if (const YAML::Node wf = root["ws_faults"]) {
      check_keys(wf,
                 {"no_welcome", "no_pong", "close_after_frames", "close_after_ms", "refuse_upgrade_status",
                  "refuse_upgrade_count", "slow_reader_backlog"},
                 "'ws_faults'");
      // Entries of the fault plan (fault_plan.hpp), one per fault the map sets.
      auto add = [&c](Fault::Kind k) -> Fault& {
        Fault f;
        f.kind = k;
        c.faults.faults.push_back(f);
        return c.faults.faults.back();
      };
      if (get<bool>(wf, "no_welcome", false)) add(Fault::Kind::no_welcome).count = -1;  // every connection
      if (get<bool>(wf, "no_pong", false)) add(Fault::Kind::no_pong);
      const auto frames = get<std::int64_t>(wf, "close_after_frames", 0);
      const auto ms = get<std::int64_t>(wf, "close_after_ms", 0);
      if (frames > 0 || ms > 0) {
        Fault& f = add(Fault::Kind::close_after);
        f.count = frames;
        f.ms = ms;
      }
      if (const int status = get<int>(wf, "refuse_upgrade_status", 0); status != 0) {
        if (status < 100 || status > 599) {
          throw ConfigError{where(wf) + "'refuse_upgrade_status' must be an HTTP status"};
        }
        Fault& f = add(Fault::Kind::refuse_upgrade);
        f.status = status;
        f.count = get<int>(wf, "refuse_upgrade_count", -1);
      }
      if (const auto backlog = get<std::int64_t>(wf, "slow_reader_backlog", 0); backlog > 0) {
        add(Fault::Kind::slow_reader).count = backlog;
      }
    }
    // Network conditions of every WebSocket connection (fault_plan.hpp).
    if (const YAML::Node nw = root["network"]) {
      check_keys(nw, {"latency_ms", "jitter_ms", "bandwidth_bytes_per_s"}, "'network'");
      Fault f;
      f.kind = Fault::Kind::network;
      f.network.latency_ms = get<std::int64_t>(nw, "latency_ms", 0);
      f.network.jitter_ms = get<std::int64_t>(nw, "jitter_ms", 0);
      f.network.bandwidth_bytes_per_s = get<std::int64_t>(nw, "bandwidth_bytes_per_s", 0);
      if (f.network.latency_ms < 0 || f.network.jitter_ms < 0 || f.network.bandwidth_bytes_per_s < 0) {
        throw ConfigError{where(nw) + "'network' values must be 0 or more"};
      }
      c.faults.faults.push_back(f);
    }
    r.seed = get<std::uint64_t>(root, "seed", r.seed);
    c.faults.seed = r.seed;

    GeneratedMarketConfig market;
    market.symbols = get<std::vector<std::string>>(root, "symbols", market.symbols);
    market.levels_per_side = get<std::size_t>(root, "levels", market.levels_per_side);
    market.seed = get<std::uint64_t>(root, "seed", market.seed);
    // realism: true (the mix real captures show) or {fine_size_percent, huge_size_percent, fine_price_percent}.
    if (const YAML::Node rn = root["realism"]) {
      if (rn.IsMap()) {
        check_keys(rn, {"fine_size_percent", "huge_size_percent", "fine_price_percent"}, "'realism'");
        market.realism.fine_size_percent = get<unsigned>(rn, "fine_size_percent", 0);
        market.realism.huge_size_percent = get<unsigned>(rn, "huge_size_percent", 0);
        market.realism.fine_price_percent = get<unsigned>(rn, "fine_price_percent", 0);
        if (market.realism.fine_size_percent + market.realism.huge_size_percent > 100 ||
            market.realism.fine_price_percent > 100) {
          throw ConfigError{where(rn) + "'realism' percentages must add up to at most 100"};
        }
      } else if (get<bool>(root, "realism", false)) {
        market.realism = Realism::real();
      }
    }
    if (market.symbols.empty()) throw ConfigError{where(root["symbols"]) + "'symbols' is empty"};
    const std::string kind = get<std::string>(root, "market", "generated");
    if (kind == "live") {
      // One truth per symbol shared by REST snapshots and WebSocket level2 streams.
      LiveMarketConfig live;
      live.symbols = market.symbols;
      live.levels_per_side = market.levels_per_side;
      live.seed = market.seed;
      live.realism = market.realism;
      c.market = std::make_shared<LiveMarket>(live);
    } else if (kind == "generated") {
      c.market = std::make_shared<GeneratedMarket>(market);
    } else {
      throw ConfigError{where(root["market"]) + "'market' must be generated or live"};
    }

    if (const YAML::Node keys = root["keys"]) {
      if (!keys.IsSequence()) throw ConfigError{where(keys) + "'keys' must be a list"};
      for (const YAML::Node& k : keys) {
        check_keys(k, {"key", "secret", "passphrase", "version", "hf", "balances"}, "a key");
        ApiKeyConfig key;
        key.key = get<std::string>(k, "key", "");
        key.secret = Secret(get<std::string>(k, "secret", ""));
        key.passphrase = Secret(get<std::string>(k, "passphrase", ""));
        const auto v = parse_key_version(get<std::string>(k, "version", "2"));
        if (!v) throw ConfigError{where(k["version"]) + "'version' must be 1, 2 or 3"};
        key.version = *v;
        if (key.key.empty() || key.secret.empty() || key.passphrase.empty()) {
          throw ConfigError{where(k) + "a key needs 'key', 'secret' and 'passphrase'"};
        }
        key.hf = get<bool>(k, "hf", false);
        // balances: {USDT: "1000", BTC: "0.5"}: the key's trade accounts (trade_hf with hf), which
        // fund its trading; absent: the default accounts.
        if (const YAML::Node b = k["balances"]) {
          if (!b.IsMap()) throw ConfigError{where(b) + "'balances' must be a map of currency to amount"};
          for (const auto& kv : b) {
            const auto currency = kv.first.as<std::string>();
            const auto amount = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
            if (currency.empty() || !parse_decimal(amount)) {
              throw ConfigError{where(kv.second) + "balance of '" + currency +
                                "' must be a non-negative decimal such as \"1000.5\""};
            }
            key.accounts.push_back(Account{key.key.substr(0, 12) + "-" + currency, currency,
                                           key.hf ? "trade_hf" : "trade", amount, amount, "0"});
          }
        }
        r.keys.push_back(std::move(key));
      }
    }
    if (const YAML::Node rl = root["rate_limit"]) {
      check_keys(rl, {"enabled", "window_ms", "quota"}, "'rate_limit'");
      r.rate_limit.enabled = get<bool>(rl, "enabled", r.rate_limit.enabled);
      r.rate_limit.window_ms = get<std::int64_t>(rl, "window_ms", r.rate_limit.window_ms);
      if (const YAML::Node q = rl["quota"]) {
        for (const auto& kv : q) {
          const auto pool = parse_rate_pool(kv.first.as<std::string>());
          if (!pool) throw ConfigError{where(kv.first) + "unknown pool '" + kv.first.as<std::string>() + "'"};
          r.rate_limit.quota[static_cast<std::size_t>(*pool)] = kv.second.as<std::int64_t>();
        }
      }
    }
    if (const YAML::Node faults = root["faults"]) {
      if (!faults.IsSequence()) throw ConfigError{where(faults) + "'faults' must be a list"};
      for (const YAML::Node& f : faults) {
        check_keys(
            f, {"path", "method", "query", "skip", "count", "status", "code", "msg", "reset_ms", "delay_ms", "close"},
            "a fault");
        Fault entry;
        entry.kind = Fault::Kind::rest_answer;
        RestFault& rf = entry.rest;
        rf.path = get<std::string>(f, "path", "");
        if (rf.path.empty()) throw ConfigError{where(f) + "a fault needs 'path' (or \"*\")"};
        rf.method = get<std::string>(f, "method", "");
        rf.query = get<std::string>(f, "query", "");
        rf.skip = get<int>(f, "skip", 0);
        rf.count = get<int>(f, "count", 1);
        rf.http_status = get<int>(f, "status", rf.http_status);
        rf.code = get<std::string>(f, "code", rf.code);
        rf.msg = get<std::string>(f, "msg", rf.msg);
        rf.reset_ms = get<std::int64_t>(f, "reset_ms", -1);
        rf.delay_ms = get<std::int64_t>(f, "delay_ms", 0);
        rf.close_connection = get<bool>(f, "close", false);
        if (rf.http_status < 100 || rf.http_status > 599)
          throw ConfigError{where(f) + "'status' must be an HTTP status"};
        c.faults.faults.push_back(std::move(entry));
      }
    }
  } catch (const ConfigError& e) {
    return fail(Errc::invalid_argument, e.message);
  } catch (const YAML::Exception& e) {
    return fail(Errc::invalid_argument, e.what());
  }
  return c;
}

Result<MockServerConfig> load_mock_config_file(const std::string& path) {
  bool ok = false;
  const std::string text = read_file(path, ok);
  if (!ok) return fail(Errc::invalid_argument, "cannot read " + path);
  auto r = load_mock_config_yaml(text);
  if (!r) return fail(r.error().code, path + ": " + r.error().message);
  return r;
}

}  // namespace kucoin::mock
