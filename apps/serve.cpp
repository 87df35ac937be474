#include "serve.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <fstream>
#include <mutex>
#include <sstream>

#include "kucoin/mock/config_yaml.hpp"
#include "kucoin/mock/server.hpp"

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

}  // namespace

int run_serve(const ServeOptions& o, std::ostream& out, std::ostream& err) {
  mock::MockServerConfig cfg;
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
  if (!o.symbols.empty()) {
    mock::GeneratedMarketConfig m;
    m.symbols = o.symbols;
    cfg.market = std::make_shared<mock::GeneratedMarket>(m);
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
      << "  API keys: " << key_count << (key_count == 0 ? " (signed endpoints answer 400003; add --api-key ...)" : "")
      << '\n'
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
  out << "kucoin-harness mock stopped (signal " << signal_number << "): " << st.connections_accepted
      << " connections, " << st.http_requests << " requests\n";
  return 0;
}

}  // namespace kucoin::apps
