// The mock's futures host on loopback with real sockets: its own listener and base URL, the
// futures REST endpoints and bullet tokens, and its WebSocket endpoint streaming
// /contractMarket/level2 and level2Depth5 from the futures truth (read by the real WsClient).
#include <gtest/gtest.h>

#include "kucoin/book/futures_book.hpp"
#include "kucoin/book/l2_book.hpp"
#include "kucoin/protocol/futures_codec.hpp"
#include "ws_harness.hpp"

namespace kucoin::testing {
namespace {

mock::LiveMarketConfig futures_config(std::uint64_t messages = 0) {
  mock::LiveMarketConfig c;
  c.venue = Market::futures;
  c.symbols = {"XBTUSDTM", "ETHUSDTM"};
  c.levels_per_side = 100;
  c.seed = 5;
  c.messages = messages;
  return c;
}

struct FuturesHarness {
  explicit FuturesHarness(bool tls, mock::LiveMarketConfig futures = futures_config())
      : futures_market(std::make_shared<mock::LiveMarket>(std::move(futures))), ws(tls, with_futures(futures_market)) {
    auto o = ws.base->options();
    o.http.base_url = ws.server().futures_url();
    futures_rest = std::make_unique<net::RestClient>(ws.base->io, o);
  }
  static mock::MockServerConfig with_futures(std::shared_ptr<mock::LiveMarket> m) {
    mock::MockServerConfig c;
    c.futures_market = std::move(m);
    return c;
  }
  Result<net::RestReply, ApiError> get(net::RestClient& rest, std::string path, std::string query = "") {
    net::RestCall call;
    call.path = std::move(path);
    call.query = std::move(query);
    return ws.base->await<net::RestReply>([&](auto h) { rest.call(call, h); });
  }

  std::shared_ptr<mock::LiveMarket> futures_market;
  WsHarness ws;
  std::unique_ptr<net::RestClient> futures_rest;
};

class FuturesHost : public ::testing::TestWithParam<bool> {};

TEST_P(FuturesHost, ServesTheFuturesRestEndpointsOnItsOwnBaseUrl) {
  FuturesHarness h(GetParam());
  mock::MockServer& server = h.ws.server();
  ASSERT_TRUE(server.has_futures());
  EXPECT_NE(server.futures_port(), server.port());
  EXPECT_EQ(server.futures_url(),
            std::string(GetParam() ? "https" : "http") + "://127.0.0.1:" + std::to_string(server.futures_port()));

  auto time = h.ws.base->await<std::int64_t>([&](auto cb) { h.futures_rest->server_time(cb); });
  ASSERT_TRUE(time) << time.error().describe();
  EXPECT_GT(*time, 1'700'000'000'000);

  auto contracts = h.get(*h.futures_rest, "/api/v1/contracts/active");
  ASSERT_TRUE(contracts) << contracts.error().describe();
  FuturesDecoder dec;
  std::vector<FuturesContract> listed;
  ASSERT_TRUE(dec.decode_contracts(contracts->body, listed)) << contracts->body;
  EXPECT_EQ(listed, h.futures_market->contracts());
  dec.scales() = futures_scales(listed);

  auto snap = h.get(*h.futures_rest, "/api/v1/level2/snapshot", "symbol=XBTUSDTM");
  ASSERT_TRUE(snap) << snap.error().describe();
  FuturesSnapshot s;
  ASSERT_TRUE(dec.decode_snapshot(snap->body, "XBTUSDTM", s)) << snap->body;
  const auto truth = h.futures_market->truth("XBTUSDTM").value();
  EXPECT_EQ(s.book.sequence, truth.book.sequence);
  EXPECT_EQ(s.book.bids, truth.book.bids);
  EXPECT_EQ(s.book.asks, truth.book.asks);

  auto depth = h.get(*h.futures_rest, "/api/v1/level2/depth100", "symbol=ETHUSDTM");
  ASSERT_TRUE(depth) << depth.error().describe();
  ASSERT_TRUE(dec.decode_snapshot(depth->body, "ETHUSDTM", s)) << depth->body;
  EXPECT_EQ(s.book.bids.size(), 100u);

  // KuCoin-shaped errors: an unknown contract, a spot endpoint on the futures host and back.
  auto unknown = h.get(*h.futures_rest, "/api/v1/level2/snapshot", "symbol=NOPEUSDTM");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "300000") << unknown.error().describe();
  auto spot_path = h.get(*h.futures_rest, "/api/v2/symbols");
  ASSERT_FALSE(spot_path);
  EXPECT_EQ(spot_path.error().http_status, 404);
  auto on_spot = h.get(*h.ws.rest, "/api/v1/level2/snapshot", "symbol=XBTUSDTM");
  ASSERT_FALSE(on_spot);
  EXPECT_EQ(on_spot.error().http_status, 404);

  // The futures bullet endpoints hand out the futures host's WebSocket endpoint.
  auto pub = h.ws.base->await<BulletToken>([&](auto cb) { h.futures_rest->bullet_public(cb); });
  ASSERT_TRUE(pub) << pub.error().describe();
  EXPECT_EQ(pub->servers.at(0).endpoint, server.futures_ws_url());
  auto priv = h.ws.base->await<BulletToken>([&](auto cb) { h.futures_rest->bullet_private(cb); });
  ASSERT_TRUE(priv) << priv.error().describe();
  EXPECT_EQ(priv->servers.at(0).endpoint, server.futures_ws_url());
  auto spot_bullet = h.ws.base->await<BulletToken>([&](auto cb) { h.ws.rest->bullet_public(cb); });
  ASSERT_TRUE(spot_bullet);
  EXPECT_EQ(spot_bullet->servers.at(0).endpoint, server.ws_url());
}

// The futures stream read by the real WsClient: a book built the documented way (buffer,
// snapshot, discard sequence <= snapshot, apply sequence == last + 1) equals the truth once the
// stream has ended; the depth5 topic carries the futures shape.
TEST_P(FuturesHost, StreamsLevel2AndDepthFramesFromTheFuturesTruth) {
  constexpr std::uint64_t kMessages = 3'000;
  // Planned snapshots: the stream waits at the snapshot point until the snapshot was served, so
  // that an unpaced stream cannot end before the test asks for it (nothing would be left to apply).
  mock::LiveMarketConfig market = futures_config(kMessages);
  market.plan.enabled = true;
  FuturesHarness h(GetParam(), std::move(market));
  FuturesDecoder dec(futures_scales(h.futures_market->contracts()));
  std::vector<L2Update> buffered;
  std::size_t depth_frames = 0, undecodable = 0;
  FuturesDepth depth;
  WsRecorder rec;
  rec.keep_messages = false;
  rec.also_on_message = [&](const net::WsMessage& m) {
    if (m.channel == channels::kFuturesLevel2) {
      L2Update u;
      if (dec.decode_level2(m.text, u)) {
        buffered.push_back(std::move(u));
      } else {
        ++undecodable;
      }
    } else if (m.channel == channels::kFuturesLevel2Depth5) {
      depth_frames += static_cast<bool>(dec.decode_depth(m.text, depth));
    }
  };
  auto client = std::make_unique<net::WsClient>(h.ws.base->io, *h.futures_rest, h.ws.options(), rec.handlers());
  ASSERT_TRUE(client->subscribe("/contractMarket/level2:XBTUSDTM"));
  ASSERT_TRUE(client->subscribe("/contractMarket/level2Depth5:ETHUSDTM"));
  ASSERT_TRUE(h.ws.run_until([&] { return !buffered.empty() && depth_frames > 0; }, 10'000ms, "the first frames"));

  auto snap = h.get(*h.futures_rest, "/api/v1/level2/snapshot", "symbol=XBTUSDTM");
  ASSERT_TRUE(snap) << snap.error().describe();
  FuturesSnapshot s;
  ASSERT_TRUE(dec.decode_snapshot(snap->body, "XBTUSDTM", s)) << snap->body;
  ASSERT_TRUE(h.ws.run_until([&] { return buffered.size() >= kMessages; }, 20'000ms, "the whole stream"));
  EXPECT_EQ(undecodable, 0u);

  L2Book book;
  ASSERT_TRUE(book.load(s.book));
  std::int64_t last = s.book.sequence;
  std::size_t applied = 0;
  for (const L2Update& u : buffered) {
    if (u.sequence_end <= s.book.sequence) continue;
    ASSERT_EQ(u.sequence_start, last + 1) << "futures continuity";
    ASSERT_EQ(u.changes.size(), 1u);
    book.apply(u.changes.front());
    last = u.sequence_end;
    ++applied;
  }
  EXPECT_GT(applied, 0u);
  const auto truth = h.futures_market->truth("XBTUSDTM").value();
  EXPECT_EQ(truth.produced, kMessages);
  EXPECT_EQ(last, truth.book.sequence);
  L2Book expected;
  ASSERT_TRUE(expected.load(truth.book));
  EXPECT_TRUE(book == expected) << "the book built from the futures stream is the futures truth";
  EXPECT_EQ(depth.symbol, "ETHUSDTM");
  EXPECT_EQ(depth.book.bids.size(), 5u);

  // A spot channel is not on the futures host: refused with a 404 error frame.
  ASSERT_TRUE(client->subscribe("/market/level2:XBTUSDTM"));
  ASSERT_TRUE(h.ws.run_until([&] { return rec.count_topic("/market/level2:XBTUSDTM", WsTopicStatus::rejected) > 0; },
                             10'000ms, "the spot topic's refusal"));
  h.ws.stop(*client, rec, 1);
}

// A fault plan's stream faults go to the market that lists their symbol; one without a symbol
// to the spot LiveMarket when there is one, else to the futures market.
TEST(FuturesHostFaults, StreamFaultsGoToTheMarketOfTheirSymbol) {
  auto plan = [](std::vector<std::string> symbols) {
    mock::FaultPlan p;
    for (auto& s : symbols) {
      mock::Fault f;
      f.kind = mock::Fault::Kind::drop;
      f.symbol = std::move(s);
      f.at = mock::Trigger{mock::Trigger::Kind::message, 10};
      p.faults.push_back(std::move(f));
    }
    return p;
  };
  {
    auto spot = std::make_shared<mock::LiveMarket>(live_config());
    auto futures = std::make_shared<mock::LiveMarket>(futures_config());
    mock::MockServerConfig c;
    c.market = spot;
    c.futures_market = futures;
    c.faults = plan({"XBTUSDTM", "", "BTC-USDT", "ETHUSDTM"});
    mock::MockServer server(std::move(c));
    EXPECT_EQ(spot->fault_count(), 2u);
    EXPECT_EQ(futures->fault_count(), 2u);
  }
  {
    mock::MockServerConfig c;  // no spot LiveMarket: the unnamed fault goes to the futures market
    c.futures_symbols = {"XBTUSDTM"};
    c.faults = plan({""});
    mock::MockServer server(std::move(c));
    ASSERT_TRUE(server.futures_market());
    EXPECT_EQ(server.futures_market()->fault_count(), 1u);
    EXPECT_EQ(server.futures_market()->contracts().at(0).symbol, "XBTUSDTM");
  }
}

INSTANTIATE_TEST_SUITE_P(PlainAndTls, FuturesHost, ::testing::Values(false, true),
                         [](const auto& param_info) { return std::string(param_info.param ? "tls" : "plain"); });

}  // namespace
}  // namespace kucoin::testing
