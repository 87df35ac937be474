// Loopback throughput of the WebSocket path: the mock pulls level2 frames from a LiveMarket as
// fast as the socket takes them, the WsClient delivers them (optionally decoding each in place).
// Small by default so the suite stays fast; KUCOIN_WS_THROUGHPUT_MESSAGES=1000000 on a release
// build measures (numbers are printed, not asserted: CI machines differ).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstdio>

#include "kucoin/mock/market.hpp"
#include "kucoin/mock/market_generator.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

std::uint64_t messages_wanted() {
  if (const char* v = std::getenv("KUCOIN_WS_THROUGHPUT_MESSAGES")) return std::strtoull(v, nullptr, 10);
  return 20'000;
}

// Updates generated before the clock starts, replayed by pointer: the WebSocket path measured
// without the generator's own cost (LiveMarketPullAlone shows that one).
class PregeneratedSource final : public mock::L2Source {
 public:
  PregeneratedSource(std::string symbol, std::size_t count) {
    mock::GeneratorConfig g;
    info_ = mock::default_symbol_setup(symbol, g);
    g.levels_per_side = 2'000;
    mock::MarketGenerator gen(g);
    initial_ = gen.snapshot();
    updates_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) updates_.push_back(gen.next());
  }
  const std::string& symbol() const override { return info_.symbol; }
  SymbolScale scale() const override { return info_.scale; }
  const L2Update* next() override { return pos_ < updates_.size() ? &updates_[pos_++] : nullptr; }
  L2Snapshot snapshot() const override { return initial_; }  // not needed here

 private:
  SymbolInfo info_;
  L2Snapshot initial_;
  std::vector<L2Update> updates_;
  std::size_t pos_ = 0;
};

void run(bool tls, bool decode, std::size_t symbols, bool pregenerated = false, bool single_threaded = true) {
  const std::uint64_t want = messages_wanted();
  mock::LiveMarketConfig mc;
  mc.symbols.clear();
  const char* names[] = {"BTC-USDT", "ETH-USDT", "KCS-USDT", "SOL-USDT"};
  for (std::size_t i = 0; i < symbols; ++i) mc.symbols.push_back(names[i]);
  mc.levels_per_side = 2'000;
  std::shared_ptr<mock::LiveMarket> live;
  if (pregenerated) {
    std::vector<std::unique_ptr<mock::L2Source>> sources;
    for (const std::string& sym : mc.symbols) {
      sources.push_back(std::make_unique<PregeneratedSource>(sym, want / symbols + 1'000));
    }
    live = std::make_shared<mock::LiveMarket>(std::move(sources), mc);
  } else {
    live = std::make_shared<mock::LiveMarket>(mc);
  }
  mock::MockServerConfig cfg;
  cfg.market = live;
  cfg.rest.ping_interval_ms = 5'000;
  cfg.rest.ping_timeout_ms = 5'000;
  WsHarness h(tls, cfg);
  WsRecorder rec;
  rec.keep_messages = false;
  std::uint64_t n = 0, bytes = 0, decoded = 0;
  std::chrono::steady_clock::time_point first{}, last{};
  L2Decoder decoder;
  L2Update u;
  rec.also_on_message = [&](const net::WsMessage& m) {
    if (n == 0) first = m.received;
    last = m.received;
    ++n;
    bytes += m.text.size();
    if (decode && decoder.decode_update_padded(m.text, u)) ++decoded;
  };
  auto o = h.options();
  o.single_threaded_io = single_threaded;
  auto client = h.client(o, rec);
  std::string topic = "/market/level2:";
  for (std::size_t i = 0; i < symbols; ++i) topic += (i ? "," : "") + mc.symbols[i];
  ASSERT_TRUE(client->subscribe(topic));
  ASSERT_TRUE(h.run_until([&] { return n >= want; }, 120'000ms, "all messages"));
  const double secs = std::chrono::duration<double>(last - first).count();
  std::printf("  %s, %zu symbol(s)%s%s: %llu messages, %.1f MB in %.3f s = %.0f messages/s (%.1f MB/s)\n",
              tls ? "wss" : "ws", symbols, pregenerated ? ", pregenerated" : "", decode ? ", decoded in place" : "",
              static_cast<unsigned long long>(n), static_cast<double>(bytes) / 1e6, secs, static_cast<double>(n) / secs,
              static_cast<double>(bytes) / 1e6 / secs);
  if (decode) {
    EXPECT_EQ(decoded, n);
  }
  h.stop(*client, rec, 1);
}

// The mock's data source alone (no sockets): what the WebSocket path can at most deliver.
TEST(WsThroughput, LiveMarketPullAlone) {
  const std::uint64_t want = messages_wanted();
  mock::LiveMarketConfig mc;
  mc.levels_per_side = 2'000;
  mock::LiveMarket live(mc);
  auto sub = live.subscribe("BTC-USDT");
  std::uint64_t bytes = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < want; ++i) bytes += sub->next().frame.size();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("  LiveMarket pull alone: %llu frames in %.3f s = %.0f frames/s (%.1f MB/s)\n",
              static_cast<unsigned long long>(want), secs, static_cast<double>(want) / secs,
              static_cast<double>(bytes) / 1e6 / secs);
}

TEST(WsThroughput, PlainOneSymbol) { run(false, false, 1); }
TEST(WsThroughput, PlainOneSymbolDecoded) { run(false, true, 1); }
TEST(WsThroughput, PlainFourSymbolsDecoded) { run(false, true, 4); }
TEST(WsThroughput, TlsOneSymbolDecoded) { run(true, true, 1); }
TEST(WsThroughput, PlainOneSymbolPregenerated) { run(false, false, 1, true); }
TEST(WsThroughput, PlainOneSymbolPregeneratedWithStrand) { run(false, false, 1, true, false); }
TEST(WsThroughput, PlainOneSymbolPregeneratedDecoded) { run(false, true, 1, true); }
TEST(WsThroughput, TlsOneSymbolPregeneratedDecoded) { run(true, true, 1, true); }

}  // namespace
}  // namespace kucoin::testing
