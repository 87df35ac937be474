// The MockServer API: start (TLS material, the listener, the threads), stop, and what tests and
// the CLI ask at run time. The I/O lives in listener.cpp, http_session.cpp and ws_session.cpp
// (mockserver/README.md, "Layout"); this file holds no Beast.
#include "server_state.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>

#include "kucoin/mock/tls_cert.hpp"
#include "listener.hpp"

namespace kucoin::mock {

std::string_view to_string(WsServerEvent::Kind k) noexcept {
  switch (k) {
    case WsServerEvent::Kind::upgraded: return "upgraded";
    case WsServerEvent::Kind::rejected: return "rejected";
    case WsServerEvent::Kind::subscribed: return "subscribed";
    case WsServerEvent::Kind::unsubscribed: return "unsubscribed";
    case WsServerEvent::Kind::request_rejected: return "request_rejected";
    case WsServerEvent::Kind::token_expired: return "token_expired";
    case WsServerEvent::Kind::slow_reader_drop: return "slow_reader_drop";
    case WsServerEvent::Kind::closed: return "closed";
  }
  return "unknown";
}

namespace {

// The futures host's market: the one given, or one built of futures_symbols.
MockServerConfig with_futures(MockServerConfig c) {
  if (c.futures_market || c.futures_symbols.empty()) return c;
  LiveMarketConfig m;
  m.venue = kucoin::Market::futures;
  m.symbols = c.futures_symbols;
  m.seed = c.futures_seed;
  m.levels_per_side = c.futures_levels_per_side;
  c.futures_market = std::make_shared<LiveMarket>(std::move(m));
  return c;
}

// The fault plan's parts go where they apply: forced answers to the REST side, WebSocket faults
// to the admissions (after the config's own), stream faults and network events to the live
// market that lists their symbol (no symbol: the spot one when there is one, else the futures one).
MockServerConfig with_plan(MockServerConfig c) {
  c = with_futures(std::move(c));
  if (c.faults.empty()) return c;
  for (RestFault& f : c.faults.rest_faults()) c.rest.faults.push_back(std::move(f));
  c.ws_faults = c.faults.ws_faults(c.ws_faults);
  auto spot = std::dynamic_pointer_cast<LiveMarket>(c.market);
  const std::shared_ptr<LiveMarket>& futures = c.futures_market;
  std::vector<StreamFault> to_spot, to_futures;
  for (StreamFault& f : c.faults.stream_faults(c.ws.pace_per_symbol)) {
    const bool futures_symbol = futures && !f.symbol.empty() && futures->has_symbol(f.symbol);
    const bool unnamed_to_futures = futures && f.symbol.empty() && !spot;
    (futures_symbol || unnamed_to_futures ? to_futures : to_spot).push_back(std::move(f));
  }
  if (spot) spot->add_faults(to_spot);
  if (futures) futures->add_faults(to_futures);
  return c;
}

}  // namespace

MockServer::Impl::Impl(MockServerConfig c)
    : config(with_plan(std::move(c))),
      market(config.market ? config.market : std::make_shared<GeneratedMarket>()),
      live(std::dynamic_pointer_cast<LiveMarket>(market)),
      futures(config.futures_market),
      rest(config.rest, market),
      ws_admissions(config.ws.path, config.ws_faults, config.rest.seed ^ 0x77730000ULL),
      network(config.faults.network()) {
  if (futures) rest.set_futures_market(futures);
}

NetworkConditions MockServer::Impl::network_now() const {
  return handed_over.load() ? network.after_handover : network.conditions;
}

void MockServer::Impl::handover() {
  handed_over.store(true);  // before any connection is cut: the next ones are slower
  for (auto& s : ws_live_sessions()) s->drop("network handover");
}

void MockServer::Impl::emit(WsServerEvent ev) const {
  if (config.ws_observer) config.ws_observer(ev);
}

bool MockServer::Impl::no_pong_now() const {
  std::lock_guard lock(ws_mu);
  return ws_admissions.faults().no_pong;
}

std::vector<std::string> MockServer::Impl::market_symbols(kucoin::Market venue) const {
  std::vector<std::string> out;
  if (venue == kucoin::Market::futures) {
    if (futures) {
      for (const SymbolInfo& sym : futures->symbols()) out.push_back(sym.symbol);
    }
    return out;
  }
  for (const SymbolInfo& sym : market->symbols()) out.push_back(sym.symbol);
  return out;
}

LiveMarket* MockServer::Impl::streaming_market(kucoin::Market venue) const {
  return venue == kucoin::Market::futures ? futures.get() : live.get();
}

WsAdmission MockServer::Impl::ws_admit(std::string_view target, kucoin::Market venue) {
  WsAdmission a;
  {
    std::lock_guard lock(ws_mu);
    a = ws_admissions.admit(target, rest, venue);
  }
  if (!a.accepted()) {
    ++ws_rejected;
    emit({WsServerEvent::Kind::rejected, a.connection, a.sent_connect_id, a.fingerprint, false, a.status, 0,
          "HTTP " + std::to_string(a.status)});
  }
  return a;
}

void MockServer::Impl::ws_started(std::uint64_t connection, std::shared_ptr<WsSessionBase> session) {
  std::lock_guard lock(ws_mu);
  ws_sessions[connection] = std::move(session);
  ++ws_upgrades;
  ++ws_open;
}

void MockServer::Impl::ws_ended(std::uint64_t connection, const std::string& reason, std::uint64_t sent,
                                std::uint64_t dropped, bool was_open) {
  {
    std::lock_guard lock(private_mu);
    private_routes.remove(connection);
  }
  std::lock_guard lock(ws_mu);
  ws_sessions.erase(connection);
  if (was_open) --ws_open;
  ws_admissions.ended(connection, reason, sent, dropped);
}

void MockServer::Impl::ws_closing(std::uint64_t connection, const std::string& reason) {
  std::lock_guard lock(ws_mu);
  ws_admissions.closing(connection, reason);
}

void MockServer::Impl::private_subscribe(std::uint64_t connection, std::string_view key, std::string_view channel) {
  std::lock_guard lock(private_mu);
  private_routes.subscribe(connection, key, channel);
}

void MockServer::Impl::private_unsubscribe(std::uint64_t connection, std::string_view channel) {
  std::lock_guard lock(private_mu);
  private_routes.unsubscribe(connection, channel);
}

void MockServer::Impl::deliver_private_pushes() {
  // One lock from taking to posting: two requests' pushes reach a session in the exchange's order.
  std::lock_guard lock(private_mu);
  for (const KeyPushes& pushes : rest.take_all_pushes()) {
    for (PrivateRoutes::Delivery& d : private_routes.route(pushes)) {
      std::shared_ptr<WsSessionBase> session;
      {
        std::lock_guard ws_lock(ws_mu);
        if (auto it = ws_sessions.find(d.connection); it != ws_sessions.end()) session = it->second.lock();
      }
      if (session) session->push_private(std::move(d.frames));
    }
  }
}

std::vector<std::shared_ptr<WsSessionBase>> MockServer::Impl::ws_live_sessions() const {
  std::lock_guard lock(ws_mu);
  std::vector<std::shared_ptr<WsSessionBase>> out;
  for (const auto& [id, weak] : ws_sessions) {
    if (auto sp = weak.lock()) out.push_back(std::move(sp));
  }
  return out;
}

MockServer::MockServer(MockServerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

MockServer::~MockServer() { stop(); }

Result<void> MockServer::start() {
  std::lock_guard lock(impl_->life_mu);
  Impl& s = *impl_;
  if (s.started) return fail(Errc::invalid_argument, "mock server: already started");
  s.io = std::make_unique<asio::io_context>(static_cast<int>(std::max(1u, s.config.threads)));
  if (s.config.tls) {
    std::string cert = s.config.cert_pem, key = s.config.key_pem;
    if (cert.empty() != key.empty())
      return fail(Errc::invalid_argument, "mock server: give both a certificate and a key, or neither");
    if (cert.empty()) {
      auto pki = generate_test_pki();
      if (!pki) return Unexpected{pki.error()};
      cert = pki->cert_pem;
      key = pki->key_pem;
      s.ca = pki->ca_cert_pem;
    } else {
      s.ca = cert;
    }
    s.tls.emplace(ssl::context::tls_server);
    error_code ec;
    s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    s.tls->use_certificate_chain(asio::buffer(cert), ec);
    if (ec) return fail(Errc::invalid_argument, "mock server: unusable certificate: " + ec.message());
    s.tls->use_private_key(asio::buffer(key), ssl::context::pem, ec);
    if (ec) return fail(Errc::invalid_argument, "mock server: unusable private key: " + ec.message());
  }
  if (auto r = open_listener(s, kucoin::Market::spot); !r) return r;
  if (s.futures) {
    if (auto r = open_listener(s, kucoin::Market::futures); !r) return r;
  }
  s.rest.set_ws_endpoint(ws_url(), s.config.tls);
  asio::co_spawn(*s.io, accept_loop(s, kucoin::Market::spot), asio::detached);
  if (s.futures) {
    s.rest.set_futures_ws_endpoint(futures_ws_url());
    asio::co_spawn(*s.io, accept_loop(s, kucoin::Market::futures), asio::detached);
  }
  for (unsigned i = 0; i < std::max(1u, s.config.threads); ++i) {
    s.threads.emplace_back([io = s.io.get()] { io->run(); });
  }
  s.started = true;
  return {};
}

void MockServer::stop() {
  std::lock_guard lock(impl_->life_mu);
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  asio::post(*s.io, [&s] {
    error_code ignored;
    s.acceptor->close(ignored);
    if (s.futures_acceptor) s.futures_acceptor->close(ignored);
  });
  s.io->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  s.acceptor.reset();
  s.futures_acceptor.reset();
  s.io.reset();  // destroys the sessions' coroutine frames and closes their sockets
}

std::uint16_t MockServer::port() const noexcept { return impl_->port; }

std::string MockServer::url() const {
  return std::string(impl_->config.tls ? "https://" : "http://") + bracket(impl_->config.host) + ":" +
         std::to_string(impl_->port);
}

std::string MockServer::ws_url() const {
  return std::string(impl_->config.tls ? "wss://" : "ws://") + bracket(impl_->config.host) + ":" +
         std::to_string(impl_->port) + "/endpoint";
}

bool MockServer::has_futures() const noexcept { return impl_->futures != nullptr; }

std::uint16_t MockServer::futures_port() const noexcept { return impl_->futures_port; }

std::string MockServer::futures_url() const {
  if (!impl_->futures) return {};
  return std::string(impl_->config.tls ? "https://" : "http://") + bracket(impl_->config.host) + ":" +
         std::to_string(impl_->futures_port);
}

std::string MockServer::futures_ws_url() const {
  if (!impl_->futures) return {};
  return std::string(impl_->config.tls ? "wss://" : "ws://") + bracket(impl_->config.host) + ":" +
         std::to_string(impl_->futures_port) + "/endpoint";
}

std::shared_ptr<LiveMarket> MockServer::futures_market() const noexcept { return impl_->futures; }

const std::string& MockServer::ca_pem() const noexcept { return impl_->ca; }

RestService& MockServer::rest() noexcept { return impl_->rest; }

void MockServer::set_ws_faults(WsFaults faults) {
  std::lock_guard lock(impl_->ws_mu);
  impl_->ws_admissions.set_faults(std::move(faults));
}

WsFaults MockServer::ws_faults() const {
  std::lock_guard lock(impl_->ws_mu);
  return impl_->ws_admissions.faults();
}

void MockServer::drop_ws_connections() {
  for (auto& s : impl_->ws_live_sessions()) s->drop("dropped by the server");
}

void MockServer::expire_tokens() {
  impl_->rest.expire_tokens(wall_now_ms());
  for (auto& s : impl_->ws_live_sessions()) s->recheck_token();
}

std::vector<WsConnectionRecord> MockServer::ws_connections() const {
  std::lock_guard lock(impl_->ws_mu);
  return impl_->ws_admissions.records();
}

MockServer::Stats MockServer::stats() const noexcept {
  const Impl& s = *impl_;
  Stats out;
  out.connections_accepted = s.accepted.load();
  out.accept_failures = s.accept_failures.load();
  out.tls_handshake_failures = s.tls_failures.load();
  out.http_requests = s.requests.load();
  out.bad_requests = s.bad_requests.load();
  out.ws_upgrades = s.ws_upgrades.load();
  out.ws_rejected = s.ws_rejected.load();
  out.ws_open = s.ws_open.load();
  out.ws_frames_sent = s.ws_frames_sent.load();
  out.ws_frames_dropped = s.ws_frames_dropped.load();
  out.ws_pings = s.ws_pings.load();
  return out;
}

}  // namespace kucoin::mock
