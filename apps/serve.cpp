#include "serve.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <fstream>
#include <mutex>
#include <sstream>

#include "kucoin/capture/capture_file.hpp"
#include "kucoin/capture/offline_replay.hpp"  // parse_replay_point
#include "kucoin/mock/capture_source.hpp"
#include "kucoin/mock/config_yaml.hpp"
#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/server.hpp"
#include "kucoin/runner/scenario.hpp"

namespace kucoin::apps {

namespace {

bool read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// --replay: the capture's books as the market, its level2 frames as recorded, at their recorded
// spacing divided by --speed.
int replay_market(const ServeOptions& o, mock::MockServerConfig& cfg, std::string& line, std::ostream& err) {
  if (o.live || o.messages > 0 || o.pace >= 0 || !o.symbols.empty() || o.levels > 0 || o.seed >= 0 || o.realism) {
    err << "serve: --replay serves the capture's market: --live, --messages, --pace, --symbols, --levels, --seed and "
           "--realism do not apply\n";
    return 2;
  }
  double speed = 0;  // 0: as fast as the socket takes them
  if (o.speed != "max") {
    try {
      std::size_t used = 0;
      speed = std::stod(o.speed, &used);
      if (used != o.speed.size() || !(speed > 0)) throw std::invalid_argument("speed");
    } catch (const std::exception&) {
      err << "serve: --speed must be a positive number or max\n";
      return 2;
    }
  }
  mock::CaptureSourceOptions so;
  so.loop = o.loop;
  if (!o.from.empty()) {
    auto p = capture::parse_replay_point(o.from);
    if (!p) {
      err << "serve: --from: " << p.error().message << '\n';
      return 2;
    }
    if (p->kind == capture::ReplayPoint::Kind::sequence) so.from_sequence = p->value;
    if (p->kind == capture::ReplayPoint::Kind::offset) so.from_offset_ns = p->value;
  }
  auto contents = capture::read_capture_file(o.replay);
  if (!contents) {
    err << "serve: " << contents.error().message << '\n';
    return 2;
  }
  if (contents->problem) err << "serve: " << o.replay << ": " << contents->problem->message << '\n';
  auto sources = mock::capture_sources(*contents, so);
  if (!sources) {
    err << "serve: " << o.replay << ": " << sources.error().message << '\n';
    return 2;
  }
  std::vector<std::unique_ptr<mock::L2Source>> l2;
  mock::LiveMarketConfig m;
  m.symbols.clear();
  std::size_t messages = 0;
  double rate = 0;  // the capture's messages per second per symbol, averaged
  std::ostringstream desc;
  auto topics = std::make_shared<mock::RecordedTopics>();
  for (auto& s : *sources) {
    m.symbols.push_back(s->symbol());
    for (const auto& [topic, frames] : s->topics()) (*topics)[topic] = frames;
    messages += s->messages();
    if (s->duration_ns() > 0) rate += static_cast<double>(s->messages()) * 1e9 / static_cast<double>(s->duration_ns());
    std::size_t other = 0;
    for (const auto& [topic, frames] : s->topics()) other += frames.frames.size();
    desc << ' ' << s->symbol() << " (" << s->messages() << " messages"
         << (other ? ", " + std::to_string(other) + " ticker/match frames" : "")
         << (s->bridges() ? ", " + std::to_string(s->bridges()) + " gaps bridged" : "") << ')';
    l2.push_back(std::move(s));
  }
  rate /= static_cast<double>(l2.size());
  cfg.ws.pace_per_symbol = 0;
  cfg.ws.replay_speed = speed;
  if (!topics->empty()) cfg.ws.recorded_topics = std::move(topics);
  cfg.market = std::make_shared<mock::LiveMarket>(std::move(l2), m);
  std::ostringstream out;
  out << "replaying " << o.replay << ":" << desc.str() << ", "
      << (speed == 0 ? std::string("as fast as the socket takes them")
                     : "at the recorded spacing / " + o.speed + " (about " + std::to_string(rate * speed) +
                           " frames/s per symbol)")
      << (o.loop ? ", looping" : "");
  line = out.str();
  return 0;
}

}  // namespace

int run_serve(const ServeOptions& o, std::ostream& out, std::ostream& err) {
  mock::MockServerConfig cfg;
  std::string scenario_line;
  if (!o.scenario.empty()) {
    if (!o.config_file.empty() || !o.replay.empty() || o.live || o.realism || !o.symbols.empty() || o.levels > 0 ||
        o.seed >= 0 || o.messages > 0 || o.pace >= 0) {
      err << "serve: --scenario serves the scenario's market: --config, --replay, --live, --symbols, --levels, "
             "--seed, --messages, --pace and --realism do not apply\n";
      return 2;
    }
    auto loaded = runner::load_scenario_file(o.scenario);
    if (!loaded) {
      err << "serve: " << loaded.error().message << '\n';
      return 2;
    }
    cfg = runner::mock_config(loaded->live);
    scenario_line = "scenario " + loaded->live.name + ": " + loaded->live.description + " (" +
                    std::to_string(loaded->live.faults.faults.size()) + " faults, " +
                    std::to_string(loaded->live.faults.stream_count()) + " on the stream); API key " +
                    std::string(runner::kScenarioApiKey) + ", secret " + std::string(runner::kScenarioApiSecret) +
                    ", passphrase " + std::string(runner::kScenarioApiPassphrase) + " (a loopback test key)";
  }
  if (!o.config_file.empty()) {
    auto loaded = mock::load_mock_config_file(o.config_file);
    if (!loaded) {
      err << "serve: " << loaded.error().message << '\n';
      return 2;
    }
    cfg = std::move(*loaded);
  }
  if (!o.host.empty()) cfg.host = o.host;
  if (o.port >= 0) cfg.port = static_cast<std::uint16_t>(o.port);
  if (o.tls) cfg.tls = true;
  if (o.threads > 0) cfg.threads = o.threads;
  if (o.clock_offset_ms != 0) cfg.rest.clock_offset_ms = o.clock_offset_ms;
  if (!o.cert_file.empty() || !o.key_file.empty()) {
    if (o.cert_file.empty() || o.key_file.empty()) {
      err << "serve: give both --cert and --key\n";
      return 2;
    }
    if (!read_text(o.cert_file, cfg.cert_pem) || !read_text(o.key_file, cfg.key_pem)) {
      err << "serve: cannot read --cert or --key\n";
      return 2;
    }
    cfg.tls = true;
  }
  const bool yaml_live = std::dynamic_pointer_cast<mock::LiveMarket>(cfg.market) != nullptr;
  if (o.messages > 0 && !o.live && !yaml_live) {
    err << "serve: --messages needs --live (or market: live in the YAML)\n";
    return 2;
  }
  if (o.pace >= 0) {
    if (!o.live && !yaml_live) {
      err << "serve: --pace needs --live (or market: live in the YAML)\n";
      return 2;
    }
    cfg.ws.pace_per_symbol = o.pace;
  } else if (o.live && cfg.ws.pace_per_symbol == 0) {
    cfg.ws.pace_per_symbol = 50;  // a watchable stream unless asked for more
  }
  if (o.live || o.realism || !o.symbols.empty() || o.levels > 0 || o.seed >= 0 || o.messages > 0) {
    // The market from the flags (what they leave out: the defaults, not the YAML's market).
    const std::vector<std::string> symbols =
        o.symbols.empty() ? std::vector<std::string>{"BTC-USDT", "ETH-USDT"} : o.symbols;
    if (o.live || yaml_live) {
      mock::LiveMarketConfig m;
      m.symbols = symbols;
      if (o.levels > 0) m.levels_per_side = o.levels;
      if (o.seed >= 0) m.seed = static_cast<std::uint64_t>(o.seed);
      m.messages = o.messages;
      if (o.realism) m.realism = mock::Realism::real();
      cfg.market = std::make_shared<mock::LiveMarket>(m);
    } else {
      mock::GeneratedMarketConfig m;
      m.symbols = symbols;
      if (o.levels > 0) m.levels_per_side = o.levels;
      if (o.seed >= 0) m.seed = static_cast<std::uint64_t>(o.seed);
      if (o.realism) m.realism = mock::Realism::real();
      cfg.market = std::make_shared<mock::GeneratedMarket>(m);
    }
  }
  if (!o.futures_symbols.empty()) {
    mock::LiveMarketConfig m;
    m.venue = Market::futures;
    m.symbols = o.futures_symbols;
    if (o.levels > 0) m.levels_per_side = o.levels;
    if (o.seed >= 0) m.seed = static_cast<std::uint64_t>(o.seed);
    m.messages = o.messages;
    cfg.futures_market = std::make_shared<mock::LiveMarket>(m);
    if (cfg.ws.pace_per_symbol == 0 && o.pace < 0) cfg.ws.pace_per_symbol = 50;  // watchable, as --live
  }
  std::string replay_line;
  if (!o.replay.empty()) {
    if (auto r = replay_market(o, cfg, replay_line, err); r != 0) return r;
  }
  if (!o.api_key.empty() || !o.api_secret.empty() || !o.api_passphrase.empty()) {
    if (o.api_key.empty() || o.api_secret.empty() || o.api_passphrase.empty()) {
      err << "serve: an API key needs --api-key, --api-secret and --api-passphrase\n";
      return 2;
    }
    const auto v = parse_key_version(std::to_string(o.key_version));
    if (!v) {
      err << "serve: --key-version must be 1, 2 or 3\n";
      return 2;
    }
    cfg.rest.keys.push_back({o.api_key, Secret(o.api_secret), Secret(o.api_passphrase), *v, {}});
  }
  std::mutex log_mu;
  if (!o.quiet) {
    cfg.rest.log = [&err, &log_mu](std::string_view line) {
      std::lock_guard lock(log_mu);
      err << "mock: " << line << '\n';
      err.flush();
    };
  }

  const std::size_t key_count = cfg.rest.keys.size();
  const bool live_market = std::dynamic_pointer_cast<mock::LiveMarket>(cfg.market) != nullptr;
  mock::MockServer server(std::move(cfg));
  if (auto r = server.start(); !r) {
    err << "serve: " << r.error().message << '\n';
    return 1;
  }
  if (!o.ca_out.empty()) {
    std::ofstream f(o.ca_out, std::ios::binary);
    f << server.ca_pem();
    if (!f) {
      err << "serve: cannot write " << o.ca_out << '\n';
      return 1;
    }
  }
  const bool tls = server.url().starts_with("https");
  out << "kucoin-harness mock listening on " << server.url() << '\n'
      << "  WebSocket endpoint (returned by bullet-public/private): " << server.ws_url() << '\n'
      << (server.has_futures() ? "  futures host (api-futures): " + server.futures_url() + ", WebSocket endpoint " +
                                     server.futures_ws_url() +
                                     " (live: /contractMarket/level2 and level2Depth5/50 from one truth per contract)\n"
                               : std::string())
      << "  market" << (server.has_futures() ? " (spot host)" : "") << ": "
      << (live_market
              ? "live (level2, level2Depth5/50, ticker, level1, snapshot and match stream from one truth per symbol)"
              : "generated (REST snapshots; WebSocket topics are acked and silent)")
      << '\n'
      << (replay_line.empty() ? std::string() : "  " + replay_line + "\n")
      << (scenario_line.empty() ? std::string() : "  " + scenario_line + "\n") << "  API keys: " << key_count
      << (key_count == 0 ? " (signed endpoints answer 400003; add --api-key ...)" : "") << '\n'
      << "  try: curl -s " << (tls ? (o.ca_out.empty() ? "-k " : "--cacert " + o.ca_out + " ") : std::string())
      << server.url() << "/api/v1/timestamp\n"
      << "  Ctrl-C stops the server\n";
  out.flush();

  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  int signal_number = 0;
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (!ec) signal_number = sig;
  });
  io.run();
  server.stop();
  const auto st = server.stats();
  out << "kucoin-harness mock stopped (signal " << signal_number << "): " << st.connections_accepted << " connections, "
      << st.http_requests << " requests\n";
  return 0;
}

}  // namespace kucoin::apps
