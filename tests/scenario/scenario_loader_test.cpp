// The scenario loader (runner/scenario.hpp) against real files: tests/data/scenarios/ (typos and
// mistakes users make, one file with every section) and every bundled file under scenarios/
// (they load, their names are unique and their file names, and the 17 that replaced the compiled-in
// suite say what it said). Pure: no sockets.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "kucoin/runner/scenario.hpp"

namespace {

using kucoin::runner::LiveCase;
using kucoin::runner::load_scenario_file;
using kucoin::runner::load_scenario_yaml;

std::string data(const std::string& name) { return std::string(KUCOIN_TEST_DATA_DIR) + "/scenarios/" + name; }

std::string error_of(const std::string& file) {
  auto r = load_scenario_file(data(file));
  EXPECT_FALSE(r) << file << " loaded";
  return r ? std::string() : r.error().message;
}

TEST(ScenarioLoader, TypoInAKeyNamesLineColumnAndTheKeyMeant) {
  const std::string e = error_of("typo_key.yaml");
  EXPECT_NE(e.find("typo_key.yaml:5:3: unknown key 'levles' in 'market' (did you mean 'levels'?)"), std::string::npos)
      << e;
  EXPECT_NE(e.find("expected one of: levels, messages"), std::string::npos) << e;
}

TEST(ScenarioLoader, TypoInAFaultKind) {
  const std::string e = error_of("typo_kind.yaml");
  EXPECT_NE(e.find("typo_kind.yaml:4:12: unknown fault kind 'dorp' (did you mean 'drop'?)"), std::string::npos) << e;
}

TEST(ScenarioLoader, WrongTypeSaysWhatWasExpected) {
  const std::string e = error_of("bad_type.yaml");
  EXPECT_NE(e.find("bad_type.yaml:2:20: 'messages' must be an integer"), std::string::npos) << e;
}

TEST(ScenarioLoader, YamlSyntaxErrorHasAPosition) {
  const std::string e = error_of("bad_yaml.yaml");
  EXPECT_TRUE(std::regex_search(e, std::regex(R"(bad_yaml\.yaml:\d+:\d+: )"))) << e;
}

TEST(ScenarioLoader, FaultOnASymbolTheScenarioHasNot) {
  const std::string e = error_of("unknown_symbol.yaml");
  EXPECT_NE(e.find("unknown_symbol.yaml:5:13: 'DOGE-USDT' is not one of the scenario's symbols"), std::string::npos)
      << e;
}

// market.venue: futures makes a KuCoin Futures scenario (contracts on the mock's futures host).
TEST(ScenarioLoader, FuturesVenueWithDefaultContractsAndSpotOnlyKeysRefused) {
  auto s = load_scenario_yaml(R"(name: f
market: {venue: futures, messages: 100}
faults:
  - {kind: drop, at: {after_snapshot: 5}}
)",
                              "f.yaml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->live.market.venue, kucoin::Market::futures);
  EXPECT_EQ(s->live.market.symbols, (std::vector<std::string>{"XBTUSDTM", "ETHUSDTM"}));
  ASSERT_EQ(s->live.faults.faults.size(), 1u);
  EXPECT_EQ(s->live.faults.faults[0].symbol, "XBTUSDTM") << "faults default to the first contract";
  auto spot = load_scenario_yaml("name: s\nmarket: {venue: spot}\n", "s.yaml");
  ASSERT_TRUE(spot) << spot.error().message;
  EXPECT_EQ(spot->live.market.venue, kucoin::Market::spot);

  auto bad = load_scenario_yaml("name: b\nmarket: {venue: options}\n", "b.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("b.yaml:2:17: 'venue' must be spot or futures, not 'options'"), std::string::npos)
      << bad.error().message;
  bad = load_scenario_yaml("name: b\nmarket: {venue: futures, realism: true}\n", "b.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'realism' is for spot markets"), std::string::npos) << bad.error().message;
  auto scoped = load_scenario_yaml(
      "name: h\nmarket: {venue: futures}\nfaults:\n  - {kind: rest_answer, host: futures, path: /api/v1/timestamp}\n",
      "h.yaml");
  ASSERT_TRUE(scoped) << scoped.error().message;
  ASSERT_EQ(scoped->live.faults.faults.size(), 1u);
  EXPECT_EQ(scoped->live.faults.faults[0].rest.host, kucoin::Market::futures);
  bad = load_scenario_yaml("name: h\nfaults:\n  - {kind: rest_answer, host: margin, path: /x}\n", "h.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'host' must be spot or futures, not 'margin'"), std::string::npos)
      << bad.error().message;
  bad = load_scenario_yaml("name: b\nsymbols: [BTC-USDT]\nmarket: {venue: futures}\n", "b.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'BTC-USDT' is not a futures contract"), std::string::npos) << bad.error().message;
}

TEST(ScenarioLoader, StreamFaultNeedsOneTrigger) {
  EXPECT_NE(error_of("missing_at.yaml").find("missing_at.yaml:3:5: a disconnect fault needs 'at'"), std::string::npos);
  EXPECT_NE(error_of("two_triggers.yaml").find("'at' takes one of message"), std::string::npos);
}

TEST(ScenarioLoader, ASlowApplicationAndItsSlowReaderRunWithoutPlannedSnapshots) {
  const std::string text =
      "name: s\nmarket: {pace: 1000}\nclient:\n  receive_buffer_bytes: 8192\n"
      "  slow_application: {after_updates: 50, pause_ms: 300}\nfaults:\n  - {kind: slow_reader, backlog: 20}\n";
  auto r = load_scenario_yaml(text, "s.yaml");
  ASSERT_TRUE(r) << r.error().message;
  const LiveCase& c = r->live;
  EXPECT_EQ(c.app_pause.after_updates, 50u);
  EXPECT_EQ(c.app_pause.pause, std::chrono::milliseconds(300));
  EXPECT_TRUE(c.drops_by_time());
  EXPECT_FALSE(c.deterministic);  // drops by time: nothing to plan
  kucoin::net::MarketDataOptions m;
  ASSERT_TRUE(c.tweak);
  c.tweak(m);
  EXPECT_EQ(m.ws.receive_buffer_bytes, 8192u);

  auto planned = load_scenario_yaml(
      "name: s\ndeterministic: true\nmarket: {pace: 1000}\nfaults:\n"
      "  - {kind: slow_reader, backlog: 20}\n",
      "p.yaml");
  ASSERT_FALSE(planned);
  EXPECT_NE(planned.error().message.find("p.yaml:2:16: a slow_reader fault drops frames by time"), std::string::npos)
      << planned.error().message;
  auto half = load_scenario_yaml("name: s\nclient:\n  slow_application: {pause_ms: 300}\n", "h.yaml");
  ASSERT_FALSE(half);
  EXPECT_NE(half.error().message.find("'slow_application' needs 'after_updates'"), std::string::npos)
      << half.error().message;
  EXPECT_FALSE(load_scenario_yaml("name: s\nclient: {receive_buffer_bytes: 0}\n", "z.yaml"));
  auto plain = load_scenario_yaml("name: s\n", "n.yaml");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->live.drops_by_time());
  EXPECT_EQ(plain->live.app_pause.after_updates, 0u);
}

TEST(ScenarioLoader, NameIsRequiredAndOneWord) {
  auto r = load_scenario_yaml("symbols: [BTC-USDT]\n", "x.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "x.yaml:1:1: a scenario needs 'name'");
  EXPECT_FALSE(load_scenario_yaml("name: two words\n", "x.yaml"));
  EXPECT_FALSE(load_scenario_yaml("- a list\n", "x.yaml"));
}

TEST(ScenarioLoader, EverySectionMapsOntoTheCase) {
  auto r = load_scenario_file(data("full.yaml"));
  ASSERT_TRUE(r) << r.error().message;
  const LiveCase& c = r->live;
  EXPECT_EQ(c.name, "full");
  EXPECT_EQ(c.market.seed, 7u);
  EXPECT_EQ(c.market.symbols, (std::vector<std::string>{"BTC-USDT", "ETH-USDT"}));
  EXPECT_TRUE(c.tls);
  EXPECT_EQ(c.market.levels_per_side, 200u);
  EXPECT_EQ(c.market.messages, 1500u);
  EXPECT_EQ(c.market.max_batch, 3u);
  EXPECT_EQ(c.pace_per_symbol, 2000);
  EXPECT_EQ(c.market.snapshot_offset, -5);
  EXPECT_GT(c.market.realism.fine_size_percent, 0u);
  EXPECT_EQ(c.rest.key_version, kucoin::KeyVersion::v3);
  EXPECT_EQ(c.rest.client_key_version, kucoin::KeyVersion::v2);
  EXPECT_TRUE(c.rest.strict_key_version);
  EXPECT_EQ(c.rest.clock_offset_ms, 1500);
  EXPECT_EQ(c.rest.token_lifetime_ms, 800);
  EXPECT_EQ(c.rest.token_valid_for_ms, 700);
  EXPECT_EQ(c.rest.ping_interval_ms, 500);
  EXPECT_EQ(c.rest.ping_timeout_ms, 2000);
  EXPECT_EQ(c.rest.rate_limit.window_ms, 1000);
  EXPECT_EQ(c.rest.rate_limit.quota[static_cast<std::size_t>(kucoin::RatePool::public_pool)], 50);
  ASSERT_TRUE(c.tweak);
  kucoin::net::MarketDataOptions mo;
  c.tweak(mo);
  EXPECT_EQ(mo.books.stale_after, std::chrono::milliseconds(150));
  // One plan, in the file's order: the network section first, then every fault (every: 200,
  // times: 3 -> three drops).
  using K = kucoin::mock::Fault::Kind;
  using T = kucoin::mock::Trigger::Kind;
  const auto& f = c.faults.faults;
  ASSERT_EQ(f.size(), 12u);
  EXPECT_EQ(f[0].kind, K::network);
  EXPECT_EQ(f[0].network, (kucoin::mock::NetworkConditions{30, 10, 50'000}));
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(f[i].kind, K::drop);
    EXPECT_EQ(f[i].symbol, "BTC-USDT");  // the first symbol by default
    EXPECT_EQ(f[i].at.kind, T::after_snapshot);
    EXPECT_EQ(f[i].at.value, 100 + 200 * static_cast<std::int64_t>(i - 1));
    EXPECT_EQ(f[i].count, 2);
  }
  EXPECT_EQ(f[4].kind, K::stall);
  EXPECT_EQ(f[4].symbol, "ETH-USDT");
  EXPECT_EQ(f[4].at.kind, T::sequence);
  EXPECT_EQ(f[4].ms, 250);
  EXPECT_EQ(f[5].kind, K::sequence_reset);
  EXPECT_EQ(f[5].symbol, "");  // any
  EXPECT_EQ(f[5].amount, 11);
  EXPECT_EQ(f[10].kind, K::network_stall);
  EXPECT_EQ(f[10].at_time_ms, 500);
  EXPECT_EQ(f[10].ms, 200);
  EXPECT_EQ(f[11].kind, K::handover);
  EXPECT_EQ(f[11].at.kind, T::after_snapshot);
  EXPECT_EQ(f[11].at.snapshot, 2);
  EXPECT_EQ(f[11].network.latency_ms, 120);
  // What each part of the mock gets.
  const auto stream = c.faults.stream_faults(c.pace_per_symbol);
  ASSERT_EQ(stream.size(), 7u);
  EXPECT_EQ(stream[3].count, 250);  // the stall's ms
  EXPECT_EQ(stream[5].kind, kucoin::mock::StreamFault::Kind::network_stall);
  EXPECT_EQ(stream[5].at.kind, T::message);
  EXPECT_EQ(stream[5].at.value, 1'001);  // 500 ms at 2000 frames/s
  const auto rest = c.faults.rest_faults();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].path, "/api/v1/bullet-public");
  EXPECT_EQ(rest[0].http_status, 429);
  EXPECT_EQ(rest[0].code, "429000");
  EXPECT_EQ(rest[0].reset_ms, 40);
  EXPECT_EQ(rest[0].count, 2);
  const auto ws = c.faults.ws_faults();
  EXPECT_EQ(ws.refuse_upgrade_status, 503);
  EXPECT_EQ(ws.refuse_upgrade_count, 2);
  EXPECT_EQ(ws.slow_reader_backlog, 20u);
  EXPECT_EQ(ws.close_after_frames, 400);
  const auto net = c.faults.network();
  EXPECT_EQ(net.conditions.latency_ms, 30);
  EXPECT_EQ(net.after_handover, (kucoin::mock::NetworkConditions{120, 0, 0}));
  EXPECT_TRUE(net.events);
  EXPECT_EQ(c.max_resyncs.at("BTC-USDT"), 3u);
  EXPECT_EQ(c.min_resyncs.at("BTC-USDT"), 1u);
  EXPECT_EQ(c.max_resyncs.at("ETH-USDT"), 2u);
  EXPECT_EQ(c.min_resyncs.count("ETH-USDT"), 0u);
  EXPECT_EQ(c.min_reconnects, 1u);
  EXPECT_FALSE(c.max_reconnects);
  EXPECT_EQ(c.cause, kucoin::BookCause::gap);
  EXPECT_TRUE(c.stale);
  EXPECT_EQ(c.min_snapshot_failures, 1u);
  EXPECT_EQ(c.expect_faults_fired, 7u);
}

// market.recording: a capture as the market; its path is relative to the scenario's folder.
TEST(ScenarioLoader, ARecordingAsTheMarket) {
  const std::string file = std::string(KUCOIN_SCENARIOS_DIR) + "/recorded.yaml";
  auto r = load_scenario_yaml(
      "name: r\ndescription: d\nmarket: {recording: ../recordings/mock-seed42-clean.jsonl.zst}\n", file);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->live.recording);
  EXPECT_EQ(r->live.market.symbols, (std::vector<std::string>{"BTC-USDT", "ETH-USDT"}));
  EXPECT_EQ(r->live.market.messages, 299u);  // the fewest level2 messages of a symbol (BTC-USDT's)
  auto missing = load_scenario_yaml("name: r\ndescription: d\nmarket:\n  recording: nowhere.jsonl.zst\n", file);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("recorded.yaml:4:14: 'recording': "), std::string::npos)
      << missing.error().message;
  EXPECT_NE(missing.error().message.find("nowhere.jsonl.zst"), std::string::npos) << missing.error().message;
  auto other = load_scenario_yaml(
      "name: r\ndescription: d\nsymbols: [XRP-USDT]\nmarket: {recording: ../recordings/mock-seed42-clean.jsonl.zst}\n",
      file);
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("has no book of XRP-USDT"), std::string::npos) << other.error().message;
}

std::vector<std::string> bundled() {
  auto files = kucoin::runner::scenario_files({KUCOIN_SCENARIOS_DIR});
  EXPECT_TRUE(files) << files.error().message;
  return files ? *files : std::vector<std::string>{};
}

TEST(BundledScenarios, EveryFileLoadsUnderItsOwnName) {
  const auto files = bundled();
  EXPECT_GE(files.size(), 30u);
  std::set<std::string> names;
  for (const auto& f : files) {
    auto r = load_scenario_file(f);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(std::filesystem::path(f).stem().string(), r->live.name) << f;
    EXPECT_TRUE(names.insert(r->live.name).second) << "two scenarios named " << r->live.name;
    EXPECT_FALSE(r->live.description.empty()) << f;
  }
}

// The 17 files that replaced the compiled-in suite say what it said (run gives the same results).
TEST(BundledScenarios, TheFormerBuiltinSuiteIsUnchanged) {
  for (const LiveCase& b : kucoin::runner::builtin_suite({})) {
    auto r = load_scenario_file(std::string(KUCOIN_SCENARIOS_DIR) + "/" + b.name + ".yaml");
    ASSERT_TRUE(r) << b.name << ": " << r.error().message;
    const LiveCase& c = r->live;
    EXPECT_EQ(c.market.symbols, b.market.symbols) << b.name;
    EXPECT_EQ(c.market.seed, b.market.seed) << b.name;
    EXPECT_EQ(c.market.levels_per_side, b.market.levels_per_side) << b.name;
    EXPECT_EQ(c.market.messages, b.market.messages) << b.name;
    EXPECT_EQ(c.market.snapshot_offset, b.market.snapshot_offset) << b.name;
    EXPECT_EQ(c.market.realism.fine_size_percent, b.market.realism.fine_size_percent) << b.name;
    EXPECT_EQ(c.market.realism.huge_size_percent, b.market.realism.huge_size_percent) << b.name;
    EXPECT_EQ(c.market.realism.fine_price_percent, b.market.realism.fine_price_percent) << b.name;
    ASSERT_EQ(c.faults.faults.size(), b.faults.faults.size()) << b.name;
    for (std::size_t i = 0; i < c.faults.faults.size(); ++i) {
      const auto &x = c.faults.faults[i], &y = b.faults.faults[i];
      EXPECT_TRUE(x.kind == y.kind && x.symbol == y.symbol && x.at.kind == y.at.kind && x.at.value == y.at.value &&
                  x.count == y.count && x.amount == y.amount && x.ms == y.ms)
          << b.name;
      EXPECT_TRUE(x.rest.path == y.rest.path && x.rest.query == y.rest.query && x.rest.count == y.rest.count &&
                  x.rest.http_status == y.rest.http_status && x.rest.code == y.rest.code &&
                  x.rest.delay_ms == y.rest.delay_ms)
          << b.name;
    }
    EXPECT_EQ(c.tls, b.tls) << b.name;
    EXPECT_EQ(c.credentials, b.credentials) << b.name;
    EXPECT_EQ(c.pace_per_symbol, b.pace_per_symbol) << b.name;
    EXPECT_EQ(c.cause, b.cause) << b.name;
    EXPECT_EQ(c.cause_everywhere, b.cause_everywhere) << b.name;
    EXPECT_EQ(c.stale, b.stale) << b.name;
    EXPECT_EQ(c.min_snapshot_failures, b.min_snapshot_failures) << b.name;
    EXPECT_EQ(c.min_rotations, b.min_rotations) << b.name;
    EXPECT_EQ(c.off_increment_values, b.off_increment_values) << b.name;
    EXPECT_EQ(c.connections_by_timer, b.connections_by_timer) << b.name;
    // At most as many resyncs as the built-in case allowed (the files may also ask for at least).
    for (const auto& s : c.market.symbols) {
      const auto want = b.max_resyncs.count(s) ? b.max_resyncs.at(s) : 0;
      const auto got = c.max_resyncs.count(s) ? c.max_resyncs.at(s) : 0;
      EXPECT_EQ(got, want) << b.name << " " << s;
    }
    kucoin::net::MarketDataOptions x, y;
    if (c.tweak) c.tweak(x);
    if (b.tweak) b.tweak(y);
    EXPECT_EQ(x.books.stale_after, y.books.stale_after) << b.name;
    EXPECT_EQ(x.ws.token_max_age, y.ws.token_max_age) << b.name;
    EXPECT_EQ(x.ws.rotation_overlap, y.ws.rotation_overlap) << b.name;
  }
}

// scenarios/schema.json names the keys the loader accepts, section by section (and no others).
TEST(BundledScenarios, SchemaListsTheLoadersKeys) {
  std::ifstream in(std::string(KUCOIN_SCENARIOS_DIR) + "/schema.json");
  ASSERT_TRUE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string schema = ss.str();
  // Every key the loader knows appears in the schema as a property name.
  for (const auto& [section, keys] : kucoin::runner::scenario_keys()) {
    for (const auto& k : keys) {
      EXPECT_NE(schema.find("\"" + k + "\":"), std::string::npos)
          << "schema.json lacks '" << k << "' (" << section << ")";
    }
  }
  // And every property of the schema is a key the loader knows.
  std::set<std::string> known;
  for (const auto& [section, keys] : kucoin::runner::scenario_keys()) known.insert(keys.begin(), keys.end());
  const std::regex prop(R"re("([a-z_*]+)":\s*\{)re");
  static const std::set<std::string> schema_words = {"properties",
                                                     "$defs",
                                                     "items",
                                                     "trigger",
                                                     "range",
                                                     "count_or_range",
                                                     "patternProperties",
                                                     "*",
                                                     "oneOf",
                                                     "fault",
                                                     "network_conditions",
                                                     "additionalProperties",
                                                     "then",
                                                     "if",
                                                     "else",
                                                     "not"};
  for (auto it = std::sregex_iterator(schema.begin(), schema.end(), prop); it != std::sregex_iterator(); ++it) {
    const std::string k = (*it)[1];
    if (schema_words.count(k) || k.starts_with("fault_")) continue;
    EXPECT_TRUE(known.count(k)) << "schema.json has '" << k << "', which the loader does not accept";
  }
}

}  // namespace
