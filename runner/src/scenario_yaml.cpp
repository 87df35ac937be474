// The scenario loader (scenario.hpp): YAML text -> LiveCase, every error with file:line:column.
// One file on purpose (past ~600 lines): the table of allowed keys, the did-you-mean check and the
// section parsers (market, rest, client, network, faults, expectations) share the mark-carrying
// error type and helpers in the anonymous namespace; the next growth should move the fault and
// expectation parsers into files of their own with those helpers in a private header.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "kucoin/capture/capture_file.hpp"
#include "kucoin/mock/capture_source.hpp"
#include "kucoin/mock/futures_market.hpp"
#include "kucoin/runner/scenario.hpp"

namespace kucoin::runner {

namespace {

using K = mock::Fault::Kind;

// Thrown inside the loader only; load_scenario_yaml() turns it into an error result.
struct ScenarioError {
  YAML::Mark mark;
  std::string message;
};

const std::vector<std::pair<std::string, std::vector<std::string>>>& keys_table() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> t = {
      {"",
       {"name", "description", "seed", "symbols", "tls", "deterministic", "connections_by_timer", "market", "rest",
        "client", "network", "faults", "expect"}},
      {"market",
       {"levels", "messages", "max_batch", "calibration_percent", "pace", "realism", "snapshot_offset", "recording",
        "venue"}},
      {"realism", {"fine_size_percent", "huge_size_percent", "fine_price_percent"}},
      {"rest",
       {"credentials", "key_version", "client_key_version", "strict_key_version", "clock_offset_ms",
        "timestamp_window_ms", "token_lifetime_ms", "token_valid_for_ms", "ping_interval_ms", "ping_timeout_ms",
        "rate_limit"}},
      {"rate_limit", {"enabled", "window_ms", "quota"}},
      {"client",
       {"stale_after_ms", "token_max_age_ms", "rotation_overlap_ms", "private_token", "welcome_timeout_ms",
        "receive_buffer_bytes", "slow_application"}},
      {"slow_application", {"after_updates", "pause_ms"}},
      {"at", {"message", "sequence", "after_subscribe", "after_snapshot", "snapshot", "time_ms", "every", "times"}},
      {"drop", {"kind", "symbol", "at", "count"}},
      {"duplicate", {"kind", "symbol", "at", "count"}},
      {"reorder", {"kind", "symbol", "at", "count"}},
      {"sequence_jump", {"kind", "symbol", "at", "by"}},
      {"sequence_reset", {"kind", "symbol", "at", "to"}},
      {"stall", {"kind", "symbol", "at", "ms"}},
      {"disconnect", {"kind", "symbol", "at"}},
      {"token_expiry", {"kind", "symbol", "at"}},
      {"network_stall", {"kind", "symbol", "at", "ms"}},
      {"handover", {"kind", "symbol", "at", "then"}},
      {"network", {"latency_ms", "jitter_ms", "bandwidth_bytes_per_s"}},
      {"rest_answer",
       {"kind", "path", "method", "query", "skip", "count", "status", "code", "msg", "reset_ms", "delay_ms", "close",
        "host"}},
      {"no_welcome", {"kind", "count"}},
      {"no_pong", {"kind"}},
      {"close_after", {"kind", "frames", "ms"}},
      {"refuse_upgrade", {"kind", "status", "count"}},
      {"slow_reader", {"kind", "backlog"}},
      {"expect",
       {"final_books", "never_crossed", "resyncs", "reconnects", "cause", "cause_everywhere", "stale",
        "snapshot_failures", "rotations", "off_increment_values", "error", "faults_fired", "checkpoints", "recovery",
        "bullet_requests", "token_refreshed", "clock_resyncs"}},
      {"checkpoint", {"sequence", "message", "symbol"}},
      {"recovery", {"ms", "messages"}},
      {"range", {"min", "max"}},
  };
  return t;
}

const std::vector<std::string>& keys_of(std::string_view section) {
  for (const auto& [name, keys] : keys_table()) {
    if (name == section) return keys;
  }
  static const std::vector<std::string> none;
  return none;
}

std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0U : 1U)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string one_of(const std::vector<std::string>& words) {
  std::string s;
  for (std::size_t i = 0; i < words.size(); ++i) s += (i ? ", " : "") + words[i];
  return s;
}

// "unknown key 'levles' in market (did you mean 'levels'? expected one of ...)".
void check_keys(const YAML::Node& map, std::string_view section, std::string_view what) {
  if (!map.IsMap()) throw ScenarioError{map.Mark(), std::string(what) + " must be a map"};
  const auto& allowed = keys_of(section);
  for (const auto& kv : map) {
    const auto k = kv.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    std::string best;
    std::size_t best_d = 3;
    for (const auto& a : allowed) {
      if (const std::size_t d = distance(k, a); d < best_d) best_d = d, best = a;
    }
    throw ScenarioError{kv.first.Mark(), "unknown key '" + k + "' in " + std::string(what) +
                                             (best.empty() ? "" : " (did you mean '" + best + "'?)") +
                                             "; expected one of: " + one_of(allowed)};
  }
}

template <class T>
T as(const YAML::Node& n, const char* key, const char* expected) {
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    throw ScenarioError{n.Mark(), "'" + std::string(key) + "' must be " + expected};
  }
}

template <class T>
const char* type_name() {
  if constexpr (std::is_same_v<T, bool>) return "true or false";
  if constexpr (std::is_same_v<T, std::string>) return "a string";
  if constexpr (std::is_same_v<T, double>) return "a number";
  if constexpr (std::is_signed_v<T>) return "an integer";
  return "a non-negative integer";
}

template <class T>
T get(const YAML::Node& map, const char* key, T fallback) {
  const YAML::Node n = map[key];
  if (!n) return fallback;
  if (!n.IsScalar()) throw ScenarioError{n.Mark(), "'" + std::string(key) + "' must be " + type_name<T>()};
  return as<T>(n, key, type_name<T>());
}

template <class T>
T need(const YAML::Node& map, const char* key, std::string_view what) {
  if (!map[key]) throw ScenarioError{map.Mark(), std::string(what) + " needs '" + key + "'"};
  return get<T>(map, key, T{});
}

std::int64_t positive(const YAML::Node& map, const char* key, std::int64_t fallback) {
  const auto v = get<std::int64_t>(map, key, fallback);
  if (v <= 0) throw ScenarioError{map[key].Mark(), "'" + std::string(key) + "' must be at least 1"};
  return v;
}

struct Range {
  std::optional<std::uint64_t> min, max;
};
// N (exactly N) or {min: A, max: B} (either may be left out).
Range range(const YAML::Node& n, const char* key) {
  Range r;
  if (n.IsScalar()) {
    r.min = r.max = as<std::uint64_t>(n, key, "a count or {min, max}");
    return r;
  }
  check_keys(n, "range", "'" + std::string(key) + "'");
  if (n["min"]) r.min = get<std::uint64_t>(n, "min", 0);
  if (n["max"]) r.max = get<std::uint64_t>(n, "max", 0);
  if (r.min && r.max && *r.min > *r.max) throw ScenarioError{n.Mark(), "'min' is above 'max'"};
  return r;
}

std::optional<BookCause> parse_cause(std::string_view s) {
  for (BookCause c :
       {BookCause::subscribed, BookCause::gap, BookCause::sequence_reset, BookCause::crossed_book,
        BookCause::snapshot_behind, BookCause::reconnect, BookCause::token_expired, BookCause::ping_timeout,
        BookCause::buffer_overflow, BookCause::requested, BookCause::unrepresentable}) {
    if (to_string(c) == s) return c;
  }
  return std::nullopt;
}

KeyVersion key_version(const YAML::Node& map, const char* key) {
  if (!map[key]) return KeyVersion::v2;
  const auto v = parse_key_version(get<std::string>(map, key, "2"));
  if (!v) throw ScenarioError{map[key].Mark(), "'" + std::string(key) + "' must be 1, 2 or 3"};
  return *v;
}

// market.recording: a capture (relative to the scenario's folder) as the market; its symbols are
// the scenario's, its messages the stream (levels, messages, max_batch and realism do not apply):
// `messages` becomes the fewest any symbol has (the runner waits for them).
void parse_recording(const YAML::Node& m, LiveCase& c, std::string_view file, bool symbols_given) {
  const YAML::Node n = m["recording"];
  const auto rel = as<std::string>(n, "recording", "a capture file");
  const std::filesystem::path path = std::filesystem::path(file).parent_path() / rel;
  auto capture = capture::read_capture_file(path.string());
  if (!capture) {
    const std::string& e = capture.error().message;
    throw ScenarioError{n.Mark(), "'recording': " + (e.find(rel) == std::string::npos ? path.string() + ": " : "") + e};
  }
  if (capture->problem)
    throw ScenarioError{n.Mark(), "'recording': " + path.string() + ": " + capture->problem->message};
  auto sources = mock::capture_sources(*capture, {});
  if (!sources) throw ScenarioError{n.Mark(), "'recording': " + path.string() + ": " + sources.error().message};
  std::vector<std::string> symbols;
  std::size_t fewest = std::numeric_limits<std::size_t>::max();
  for (const auto& src : *sources) {
    symbols.push_back(src->symbol());
    fewest = std::min(fewest, src->messages());
  }
  for (const auto& s : c.market.symbols) {
    if (symbols_given && std::find(symbols.begin(), symbols.end(), s) == symbols.end()) {
      throw ScenarioError{n.Mark(), "'recording': " + path.string() + " has no book of " + s};
    }
  }
  if (!symbols_given) c.market.symbols = symbols;
  c.recording = std::make_shared<const capture::CaptureContents>(std::move(*capture));
  c.market.messages = fewest;
}

// market.venue: futures makes the scenario a KuCoin Futures one: the mock's futures host serves
// its contracts (default XBTUSDTM, ETHUSDTM) and a futures MarketDataClient keeps their books.
// What only a spot market has (recording, max_batch, calibration_percent, realism) is an error.
void parse_venue(const YAML::Node& m, LiveCase& c, bool symbols_given) {
  const YAML::Node v = m["venue"];
  const auto venue = as<std::string>(v, "venue", "spot or futures");
  if (venue == "spot") return;
  if (venue != "futures") throw ScenarioError{v.Mark(), "'venue' must be spot or futures, not '" + venue + "'"};
  c.market.venue = Market::futures;
  for (const char* spot_only : {"recording", "max_batch", "calibration_percent", "realism"}) {
    if (m[spot_only]) {
      throw ScenarioError{m[spot_only].Mark(), "'" + std::string(spot_only) +
                                                   "' is for spot markets (a futures market has one change a "
                                                   "message in integer lots)"};
    }
  }
  if (!symbols_given) c.market.symbols = {"XBTUSDTM", "ETHUSDTM"};
  for (const std::string& s : c.market.symbols) {
    if (!mock::is_futures_symbol(s)) {
      throw ScenarioError{v.Mark(), "'" + s + "' is not a futures contract (letters and digits: XBTUSDTM)"};
    }
  }
}

void parse_market(const YAML::Node& m, LiveCase& c, std::string_view file, bool symbols_given) {
  check_keys(m, "market", "'market'");
  if (m["venue"]) parse_venue(m, c, symbols_given);
  if (m["recording"]) parse_recording(m, c, file, symbols_given);
  mock::LiveMarketConfig& mc = c.market;
  mc.levels_per_side = static_cast<std::size_t>(positive(m, "levels", 500));
  if (!c.recording) mc.messages = static_cast<std::uint64_t>(positive(m, "messages", 3'000));
  mc.max_batch = static_cast<unsigned>(positive(m, "max_batch", mc.max_batch));
  mc.calibration_percent = get<unsigned>(m, "calibration_percent", mc.calibration_percent);
  if (mc.calibration_percent > 100) throw ScenarioError{m["calibration_percent"].Mark(), "a percentage is 0 to 100"};
  c.pace_per_symbol = get<double>(m, "pace", 0);
  if (c.pace_per_symbol < 0) throw ScenarioError{m["pace"].Mark(), "'pace' must be 0 (unpaced) or more"};
  mc.snapshot_offset = get<std::int64_t>(m, "snapshot_offset", 0);
  if (const YAML::Node rn = m["realism"]) {
    if (rn.IsMap()) {
      check_keys(rn, "realism", "'realism'");
      mc.realism = mock::Realism{get<unsigned>(rn, "fine_size_percent", 0), get<unsigned>(rn, "huge_size_percent", 0),
                                 get<unsigned>(rn, "fine_price_percent", 0)};
      if (mc.realism.fine_size_percent + mc.realism.huge_size_percent > 100 || mc.realism.fine_price_percent > 100) {
        throw ScenarioError{rn.Mark(), "'realism' percentages must add up to at most 100"};
      }
    } else if (get<bool>(m, "realism", false)) {
      mc.realism = mock::Realism::real();
    }
  }
}

void parse_rest(const YAML::Node& r, LiveCase& c) {
  check_keys(r, "rest", "'rest'");
  c.credentials = get<bool>(r, "credentials", true);
  c.rest.key_version = key_version(r, "key_version");
  c.rest.client_key_version = r["client_key_version"] ? key_version(r, "client_key_version") : c.rest.key_version;
  c.rest.strict_key_version = get<bool>(r, "strict_key_version", false);
  c.rest.clock_offset_ms = get<std::int64_t>(r, "clock_offset_ms", 0);
  c.rest.timestamp_window_ms = positive(r, "timestamp_window_ms", c.rest.timestamp_window_ms);
  c.rest.token_lifetime_ms = get<std::int64_t>(r, "token_lifetime_ms", c.rest.token_lifetime_ms);
  if (r["token_valid_for_ms"]) c.rest.token_valid_for_ms = get<std::int64_t>(r, "token_valid_for_ms", 0);
  c.rest.ping_interval_ms = positive(r, "ping_interval_ms", c.rest.ping_interval_ms);
  c.rest.ping_timeout_ms = positive(r, "ping_timeout_ms", c.rest.ping_timeout_ms);
  if (const YAML::Node rl = r["rate_limit"]) {
    check_keys(rl, "rate_limit", "'rate_limit'");
    c.rest.rate_limit.enabled = get<bool>(rl, "enabled", true);
    c.rest.rate_limit.window_ms = positive(rl, "window_ms", c.rest.rate_limit.window_ms);
    if (const YAML::Node q = rl["quota"]) {
      if (!q.IsMap()) throw ScenarioError{q.Mark(), "'quota' must map pools to weights"};
      for (const auto& kv : q) {
        const auto name = kv.first.as<std::string>();
        const auto pool = parse_rate_pool(name);
        if (!pool) throw ScenarioError{kv.first.Mark(), "unknown rate-limit pool '" + name + "'"};
        c.rest.rate_limit.quota[static_cast<std::size_t>(*pool)] = as<std::int64_t>(kv.second, "quota", "a weight");
      }
    }
  }
}

void parse_client(const YAML::Node& n, LiveCase& c) {
  check_keys(n, "client", "'client'");
  using std::chrono::milliseconds;
  std::optional<milliseconds> stale, age, overlap;
  if (n["stale_after_ms"]) stale = milliseconds(positive(n, "stale_after_ms", 1));
  if (n["token_max_age_ms"]) age = milliseconds(positive(n, "token_max_age_ms", 1));
  if (n["rotation_overlap_ms"]) overlap = milliseconds(positive(n, "rotation_overlap_ms", 1));
  std::optional<milliseconds> welcome;
  if (n["welcome_timeout_ms"]) welcome = milliseconds(positive(n, "welcome_timeout_ms", 1));
  const bool private_token = get<bool>(n, "private_token", false);
  std::size_t receive_buffer = 0;
  if (n["receive_buffer_bytes"]) receive_buffer = static_cast<std::size_t>(positive(n, "receive_buffer_bytes", 1024));
  if (const YAML::Node sa = n["slow_application"]) {
    check_keys(sa, "slow_application", "'slow_application'");
    (void)need<std::int64_t>(sa, "after_updates", "'slow_application'");
    (void)need<std::int64_t>(sa, "pause_ms", "'slow_application'");
    c.app_pause.after_updates = static_cast<std::uint64_t>(positive(sa, "after_updates", 1));
    c.app_pause.pause = milliseconds(positive(sa, "pause_ms", 1));
  }
  c.tweak = [stale, age, overlap, welcome, private_token, receive_buffer](net::MarketDataOptions& m) {
    if (stale) m.books.stale_after = *stale;
    if (receive_buffer > 0) m.ws.receive_buffer_bytes = receive_buffer;
    if (age) m.ws.token_max_age = *age;
    if (overlap) m.ws.rotation_overlap = *overlap;
    if (welcome) m.ws.welcome_timeout = *welcome;
    m.ws.private_token_for_public = m.ws.private_token_for_public || private_token;
  };
}

// When a stream fault fires: one trigger, or with `every`/`times` a series of them.
struct At {
  mock::Trigger trigger;
  std::int64_t time_ms = -1;  // >= 0: a time on the stream clock (fault_plan.hpp)
};
std::vector<At> parse_at(const YAML::Node& at) {
  check_keys(at, "at", "'at'");
  constexpr const char* kOneOf = "message, sequence, after_subscribe, after_snapshot, time_ms";
  std::optional<At> t;
  for (const auto& [key, kind] :
       {std::pair{"message", mock::Trigger::Kind::message}, std::pair{"sequence", mock::Trigger::Kind::sequence},
        std::pair{"after_subscribe", mock::Trigger::Kind::after_subscribe},
        std::pair{"after_snapshot", mock::Trigger::Kind::after_snapshot},
        std::pair{"time_ms", mock::Trigger::Kind::message}}) {
    if (!at[key]) continue;
    if (t) throw ScenarioError{at[key].Mark(), std::string("'at' takes one of ") + kOneOf};
    t = At{mock::Trigger{kind, 1}};
    if (std::string_view(key) == "time_ms") {
      t->time_ms = get<std::int64_t>(at, key, 0);
      if (t->time_ms < 0) throw ScenarioError{at[key].Mark(), "'time_ms' must be 0 or more"};
    } else {
      t->trigger.value = positive(at, key, 1);
    }
  }
  if (!t) throw ScenarioError{at.Mark(), std::string("'at' needs one of ") + kOneOf};
  if (at["snapshot"]) {
    if (t->trigger.kind != mock::Trigger::Kind::after_snapshot || t->time_ms >= 0) {
      throw ScenarioError{at["snapshot"].Mark(), "'snapshot' goes with 'after_snapshot'"};
    }
    t->trigger.snapshot = positive(at, "snapshot", 1);
  }
  if (!at["every"]) {
    if (at["times"]) throw ScenarioError{at["times"].Mark(), "'times' goes with 'every'"};
    return {*t};
  }
  const std::int64_t every = positive(at, "every", 1);
  const std::int64_t times = positive(at, "times", 2);
  if (times > 1'000) throw ScenarioError{at["times"].Mark(), "'times' is at most 1000"};
  std::vector<At> v;
  for (std::int64_t i = 0; i < times; ++i) {
    At a = *t;
    if (a.time_ms >= 0) {
      a.time_ms += i * every;
    } else {
      a.trigger.value += i * every;
    }
    v.push_back(a);
  }
  return v;
}

// {latency_ms, jitter_ms, bandwidth_bytes_per_s} (the `network` section, a handover's `then`).
mock::NetworkConditions parse_network(const YAML::Node& n, const char* what) {
  check_keys(n, "network", what);
  mock::NetworkConditions c;
  c.latency_ms = get<std::int64_t>(n, "latency_ms", 0);
  c.jitter_ms = get<std::int64_t>(n, "jitter_ms", 0);
  c.bandwidth_bytes_per_s = get<std::int64_t>(n, "bandwidth_bytes_per_s", 0);
  for (const char* k : {"latency_ms", "jitter_ms", "bandwidth_bytes_per_s"}) {
    if (n[k] && get<std::int64_t>(n, k, 0) < 0)
      throw ScenarioError{n[k].Mark(), "'" + std::string(k) + "' must be 0 or more"};
  }
  if (n["bandwidth_bytes_per_s"] && c.bandwidth_bytes_per_s < 100) {
    throw ScenarioError{n["bandwidth_bytes_per_s"].Mark(), "'bandwidth_bytes_per_s' must be at least 100"};
  }
  return c;
}

void parse_fault(const YAML::Node& f, LiveCase& c) {
  if (!f.IsMap()) throw ScenarioError{f.Mark(), "a fault must be a map with a 'kind'"};
  if (!f["kind"]) throw ScenarioError{f.Mark(), "a fault needs 'kind'"};
  const auto kind = get<std::string>(f, "kind", "");
  const auto k = mock::parse_fault_kind(kind);
  if (!k || *k == K::network) {
    std::vector<std::string> kinds;
    for (const auto& name : mock::fault_kind_names()) {
      if (name != "network") kinds.push_back(name);  // the `network` section, not a fault
    }
    std::string best;
    for (const auto& name : kinds) {
      if (distance(kind, name) < 3) best = name;
    }
    throw ScenarioError{f["kind"].Mark(), "unknown fault kind '" + kind + "'" +
                                              (best.empty() ? "" : " (did you mean '" + best + "'?)") +
                                              "; expected one of: " + one_of(kinds)};
  }
  const std::string what = "a " + kind + " fault";
  check_keys(f, kind, what);
  mock::Fault fault;
  fault.kind = *k;
  if (mock::is_stream_kind(*k)) {
    fault.symbol = get<std::string>(f, "symbol", c.market.symbols.front());
    if (fault.symbol == "any") fault.symbol.clear();
    if (!fault.symbol.empty() &&
        std::find(c.market.symbols.begin(), c.market.symbols.end(), fault.symbol) == c.market.symbols.end()) {
      throw ScenarioError{f["symbol"].Mark(), "'" + fault.symbol + "' is not one of the scenario's symbols"};
    }
    if (!f["at"]) throw ScenarioError{f.Mark(), what + " needs 'at' (when it fires)"};
    switch (*k) {
      case K::drop:
      case K::duplicate:
      case K::reorder: fault.count = positive(f, "count", *k == K::duplicate ? 1 : 3); break;
      case K::sequence_jump: fault.amount = positive(f, "by", 100'000'000); break;
      case K::sequence_reset: fault.amount = positive(f, "to", 7); break;
      case K::stall: fault.ms = positive(f, "ms", 400); break;
      case K::network_stall: fault.ms = positive(f, "ms", 300); break;
      case K::handover:
        if (f["then"]) fault.network = parse_network(f["then"], "'then'");
        break;
      default: break;
    }
    for (const At& a : parse_at(f["at"])) {
      fault.at = a.trigger;
      fault.at_time_ms = a.time_ms;
      c.faults.faults.push_back(fault);
    }
    return;
  }
  switch (*k) {
    case K::rest_answer: {
      mock::RestFault& rf = fault.rest;
      rf.path = need<std::string>(f, "path", what);
      rf.method = get<std::string>(f, "method", "");
      rf.query = get<std::string>(f, "query", "");
      rf.skip = get<int>(f, "skip", 0);
      rf.count = get<int>(f, "count", 1);
      if (rf.count == 0 || rf.count < -1) throw ScenarioError{f["count"].Mark(), "'count' must be at least 1, or -1"};
      rf.http_status = get<int>(f, "status", rf.http_status);
      if (rf.http_status < 100 || rf.http_status > 599) {
        throw ScenarioError{f["status"].Mark(), "'status' must be an HTTP status (100-599)"};
      }
      rf.code = get<std::string>(f, "code", rf.code);
      rf.msg = get<std::string>(f, "msg", rf.msg);
      rf.reset_ms = get<std::int64_t>(f, "reset_ms", -1);
      rf.delay_ms = get<std::int64_t>(f, "delay_ms", 0);
      rf.close_connection = get<bool>(f, "close", false);
      if (f["host"]) {
        const auto host = as<std::string>(f["host"], "host", "spot or futures");
        if (host != "spot" && host != "futures") {
          throw ScenarioError{f["host"].Mark(), "'host' must be spot or futures, not '" + host + "'"};
        }
        rf.host = host == "futures" ? Market::futures : Market::spot;
      }
      break;
    }
    case K::close_after:
      if (!f["frames"] && !f["ms"]) throw ScenarioError{f.Mark(), what + " needs 'frames' or 'ms'"};
      fault.count = f["frames"] ? positive(f, "frames", 1) : 0;
      fault.ms = f["ms"] ? positive(f, "ms", 1) : 0;
      break;
    case K::refuse_upgrade:
      fault.status = get<int>(f, "status", 503);
      if (fault.status < 100 || fault.status > 599) {
        throw ScenarioError{f["status"].Mark(), "'status' must be an HTTP status (100-599)"};
      }
      fault.count = get<int>(f, "count", 1);
      break;
    case K::no_welcome:
      fault.count = f["count"] ? positive(f, "count", 1) : -1;  // the first N connections; absent: all
      break;
    case K::slow_reader:
      fault.count = positive(f, "backlog", 1);
      if (c.pace_per_symbol <= 0) {
        throw ScenarioError{f.Mark(), "a slow_reader fault needs market.pace (frames are late only against a pace)"};
      }
      break;
    default: break;  // no_pong: nothing more to say
  }
  c.faults.faults.push_back(std::move(fault));
}

void parse_run_expect(const YAML::Node& e, LiveCase& c);

void parse_expect(const YAML::Node& e, LiveCase& c) {
  check_keys(e, "expect", "'expect'");
  if (e["final_books"] && get<std::string>(e, "final_books", "") != "equal_truth") {
    throw ScenarioError{e["final_books"].Mark(), "'final_books' must be equal_truth (the only check there is)"};
  }
  if (e["never_crossed"] && !get<bool>(e, "never_crossed", true)) {
    throw ScenarioError{e["never_crossed"].Mark(), "'never_crossed' can only be true"};
  }
  if (const YAML::Node r = e["resyncs"]) {
    if (!r.IsMap()) throw ScenarioError{r.Mark(), "'resyncs' must map symbols (or \"*\") to a count or {min, max}"};
    for (const auto& kv : r) {
      const auto sym = kv.first.as<std::string>();
      const Range rg = range(kv.second, "resyncs");
      std::vector<std::string> targets;
      if (sym == "*") {
        targets = c.market.symbols;
      } else if (std::find(c.market.symbols.begin(), c.market.symbols.end(), sym) == c.market.symbols.end()) {
        throw ScenarioError{kv.first.Mark(), "'" + sym + "' is not one of the scenario's symbols"};
      } else {
        targets = {sym};
      }
      for (const auto& t : targets) {
        c.max_resyncs[t] = rg.max.value_or(UINT64_MAX);
        if (rg.min) c.min_resyncs[t] = *rg.min;
      }
    }
  }
  if (const YAML::Node r = e["reconnects"]) {
    const Range rg = range(r, "reconnects");
    c.min_reconnects = rg.min;
    c.max_reconnects = rg.max;
  }
  if (const YAML::Node n = e["cause"]) {
    c.cause = parse_cause(get<std::string>(e, "cause", ""));
    if (!c.cause) {
      throw ScenarioError{n.Mark(),
                          "'cause' must be a resync cause: gap, sequence_reset, crossed_book, "
                          "snapshot_behind, reconnect, token_expired, ping_timeout, buffer_overflow"};
    }
  }
  c.cause_everywhere = get<bool>(e, "cause_everywhere", false);
  if (c.cause_everywhere && !c.cause) throw ScenarioError{e.Mark(), "'cause_everywhere' goes with 'cause'"};
  c.stale = get<bool>(e, "stale", false);
  if (const YAML::Node n = e["snapshot_failures"])
    c.min_snapshot_failures = range(n, "snapshot_failures").min.value_or(0);
  if (const YAML::Node n = e["rotations"]) c.min_rotations = range(n, "rotations").min.value_or(0);
  c.off_increment_values = get<bool>(e, "off_increment_values", false);
  c.expect_error = get<std::string>(e, "error", "");
  if (e["faults_fired"]) c.expect_faults_fired = get<std::size_t>(e, "faults_fired", 0);
  parse_run_expect(e, c);
}

// Whole-run expectations (expectations.hpp): checkpoints, recovery, bullet requests, token refreshed.
void parse_run_expect(const YAML::Node& e, LiveCase& c) {
  RunExpectations& x = c.run_expect;
  if (const YAML::Node l = e["checkpoints"]) {
    if (!l.IsSequence()) throw ScenarioError{l.Mark(), "'checkpoints' must be a list of {sequence: S} or {message: N}"};
    for (const auto& n : l) {
      check_keys(n, "checkpoint", "a checkpoint");
      if ((n["sequence"] ? 1 : 0) + (n["message"] ? 1 : 0) != 1) {
        throw ScenarioError{n.Mark(), "a checkpoint needs exactly one of 'sequence' and 'message'"};
      }
      Checkpoint cp;
      cp.at = n["sequence"] ? Checkpoint::At::sequence : Checkpoint::At::message;
      cp.value = positive(n, n["sequence"] ? "sequence" : "message", 1);
      if (cp.at == Checkpoint::At::message && c.market.messages != 0 &&
          static_cast<std::uint64_t>(cp.value) > c.market.messages) {
        throw ScenarioError{n["message"].Mark(), "checkpoint message " + std::to_string(cp.value) +
                                                     " is past the stream's end (market.messages " +
                                                     std::to_string(c.market.messages) + ")"};
      }
      cp.symbol = get<std::string>(n, "symbol", "");
      if (!cp.symbol.empty() &&
          std::find(c.market.symbols.begin(), c.market.symbols.end(), cp.symbol) == c.market.symbols.end()) {
        throw ScenarioError{n["symbol"].Mark(), "'" + cp.symbol + "' is not one of the scenario's symbols"};
      }
      x.checkpoints.push_back(std::move(cp));
    }
  }
  if (const YAML::Node r = e["recovery"]) {
    check_keys(r, "recovery", "'recovery'");
    if (!r["ms"] && !r["messages"]) throw ScenarioError{r.Mark(), "'recovery' needs 'ms', 'messages' or both"};
    if (r["ms"]) x.recovery_ms = positive(r, "ms", 1);
    if (r["messages"]) x.recovery_messages = static_cast<std::uint64_t>(positive(r, "messages", 1));
  }
  if (const YAML::Node n = e["bullet_requests"]) {
    const Range rg = range(n, "bullet_requests");
    x.min_bullet_requests = rg.min;
    x.max_bullet_requests = rg.max;
  }
  x.token_refreshed = get<bool>(e, "token_refreshed", false);
  if (const YAML::Node n = e["clock_resyncs"]) {
    const Range rg = range(n, "clock_resyncs");
    x.min_clock_resyncs = rg.min;
    x.max_clock_resyncs = rg.max;
  }
}

Scenario parse(const YAML::Node& root, std::string_view file) {
  if (!root || !root.IsMap()) throw ScenarioError{root.Mark(), "a scenario must be a map (name, symbols, ...)"};
  check_keys(root, "", "the scenario");
  Scenario s;
  s.file = std::string(file);
  LiveCase& c = s.live;
  c.name = need<std::string>(root, "name", "a scenario");
  if (c.name.empty() || c.name.find_first_of(" \t/,") != std::string::npos) {
    throw ScenarioError{root["name"].Mark(), "'name' must be one word (letters, digits, '_', '-', '.')"};
  }
  c.description = get<std::string>(root, "description", "");
  c.market.seed = get<std::uint64_t>(root, "seed", 42);
  c.market.symbols = {"BTC-USDT", "ETH-USDT", "XRP-USDT"};
  if (const YAML::Node sy = root["symbols"]) {
    if (!sy.IsSequence() || sy.size() == 0) throw ScenarioError{sy.Mark(), "'symbols' must be a list of symbols"};
    c.market.symbols.clear();
    for (const auto& n : sy) c.market.symbols.push_back(as<std::string>(n, "symbols", "a symbol"));
  }
  c.tls = get<bool>(root, "tls", false);
  c.deterministic = get<bool>(root, "deterministic", true);
  c.connections_by_timer = get<bool>(root, "connections_by_timer", false);
  // Defaults of the bundled suite (as the built-in suite had them).
  c.market.levels_per_side = 500;
  c.market.messages = 3'000;
  if (const YAML::Node m = root["market"]) parse_market(m, c, file, bool(root["symbols"]));
  if (const YAML::Node r = root["rest"]) parse_rest(r, c);
  if (const YAML::Node cl = root["client"]) parse_client(cl, c);
  if (const YAML::Node n = root["network"]) {
    mock::Fault net;
    net.kind = K::network;
    net.network = parse_network(n, "'network'");
    c.faults.faults.push_back(net);
  }
  if (const YAML::Node fl = root["faults"]) {
    if (!fl.IsSequence()) throw ScenarioError{fl.Mark(), "'faults' must be a list"};
    for (const auto& f : fl) parse_fault(f, c);
  }
  if (c.drops_by_time()) {
    // Planned snapshots hold a stream until the client asks; a slow-reader policy counts that
    // wait as falling behind. Drops by time leave nothing to plan: snapshots show the stream.
    if (root["deterministic"] && c.deterministic) {
      throw ScenarioError{root["deterministic"].Mark(),
                          "a slow_reader fault drops frames by time, which planned snapshots cannot hold the stream "
                          "for: leave 'deterministic' out or set it to false"};
    }
    c.deterministic = false;
  }
  if (const YAML::Node e = root["expect"]) parse_expect(e, c);
  return s;
}

std::string read_all(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = in.good();
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string position(std::string_view file, const YAML::Mark& m) {
  std::string s(file);
  if (!m.is_null()) s += ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
  return s;
}

}  // namespace

Result<Scenario> load_scenario_yaml(std::string_view yaml_text, std::string_view file) {
  try {
    return parse(YAML::Load(std::string(yaml_text)), file);
  } catch (const ScenarioError& e) {
    return fail(Errc::invalid_argument, position(file, e.mark) + ": " + e.message);
  } catch (const YAML::Exception& e) {
    return fail(Errc::invalid_argument, position(file, e.mark) + ": " + e.msg);
  }
}

Result<Scenario> load_scenario_file(const std::string& path) {
  bool ok = false;
  const std::string text = read_all(path, ok);
  if (!ok) return fail(Errc::invalid_argument, path + ": cannot read the file");
  return load_scenario_yaml(text, path);
}

Result<std::vector<std::string>> scenario_files(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        const auto ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      out.push_back(p);
    } else {
      return fail(Errc::invalid_argument, p + ": no such scenario file or folder");
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> scenario_keys() { return keys_table(); }

}  // namespace kucoin::runner
