// The mock's futures host without sockets: a LiveMarket with venue futures streams
// /contractMarket/level2 frames (one change, one sequence each) and serves snapshots consistent
// with them; RestService answers as the futures host (its routes, weights, bullet endpoints).
#include <gtest/gtest.h>

#include "kucoin/book/futures_book.hpp"
#include "kucoin/book/l2_book.hpp"
#include "kucoin/mock/feed_scheduler.hpp"
#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/rest_service.hpp"
#include "kucoin/protocol/futures_codec.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "mock_feed_clock.hpp"
#include "mock_rest_helpers.hpp"

namespace kucoin::mock {
namespace {

using testing::kNow;
using testing::Req;

std::shared_ptr<LiveMarket> futures_market(std::vector<StreamFault> faults = {}) {
  LiveMarketConfig c;
  c.venue = kucoin::Market::futures;
  c.symbols = {"XBTUSDTM", "ETHUSDTM"};
  c.levels_per_side = 50;
  c.seed = 11;
  c.faults = std::move(faults);
  return std::make_shared<LiveMarket>(std::move(c));
}

FuturesDecoder decoder_for(const LiveMarket& m) { return FuturesDecoder(futures_scales(m.contracts())); }

TEST(MockFuturesHost, LiveMarketStreamsOneChangeAMessageWithConsecutiveSequences) {
  auto m = futures_market();
  ASSERT_EQ(m->venue(), kucoin::Market::futures);
  const auto contracts = m->contracts();
  ASSERT_EQ(contracts.size(), 2u);
  EXPECT_EQ(contracts[0].symbol, "XBTUSDTM");
  EXPECT_EQ(contracts[0].multiplier, (Quantity{1, 3}));
  FuturesDecoder dec = decoder_for(*m);
  auto sub = m->subscribe("XBTUSDTM");
  ASSERT_NE(sub, nullptr);
  std::int64_t last = m->last_sequence("XBTUSDTM").value();
  for (int i = 0; i < 500; ++i) {
    const FeedEvent ev = sub->next();
    ASSERT_EQ(ev.kind, FeedEvent::Kind::frame);
    ASSERT_TRUE(ev.frame.starts_with(R"({"topic":"/contractMarket/level2:XBTUSDTM")")) << ev.frame;
    L2Update u;
    ASSERT_TRUE(dec.decode_level2(ev.frame, u)) << ev.frame;
    EXPECT_EQ(u.symbol, "XBTUSDTM");
    ASSERT_EQ(u.changes.size(), 1u);
    EXPECT_EQ(u.sequence_start, last + 1) << "futures continuity: sequence == last + 1";
    EXPECT_EQ(u.sequence_end, u.sequence_start);
    EXPECT_EQ(ev.sequence_end, u.sequence_end);
    last = u.sequence_end;
  }
}

// A snapshot at sequence S is the truth after message S: the initial book with every frame up
// to S applied.
TEST(MockFuturesHost, SnapshotIsTheInitialBookWithTheStreamedFramesApplied) {
  auto m = futures_market();
  FuturesDecoder dec = decoder_for(*m);
  L2Book book;
  ASSERT_TRUE(book.load(*m->peek("ETHUSDTM")));
  auto sub = m->subscribe("ETHUSDTM");
  std::int64_t last = 0;
  for (int i = 0; i < 300; ++i) {
    const FeedEvent ev = sub->next();
    ASSERT_EQ(ev.kind, FeedEvent::Kind::frame);
    L2Update u;
    ASSERT_TRUE(dec.decode_level2(ev.frame, u)) << ev.frame;
    for (const L2Change& c : u.changes) book.apply(c);
    last = u.sequence_end;
  }
  const auto snap = m->snapshot("ETHUSDTM");
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->sequence, last);
  L2Book from_snapshot;
  ASSERT_TRUE(from_snapshot.load(*snap));
  EXPECT_TRUE(from_snapshot == book);
}

TEST(MockFuturesHost, DepthFramesAreTheFuturesShape) {
  auto m = futures_market();
  std::string frame;
  ASSERT_TRUE(m->depth_frame("XBTUSDTM", 5, kNow, frame));
  FuturesDecoder dec = decoder_for(*m);
  FuturesDepth d;
  ASSERT_TRUE(dec.decode_depth(frame, d)) << frame;
  EXPECT_EQ(d.symbol, "XBTUSDTM");
  EXPECT_EQ(d.depth, 5);
  EXPECT_EQ(d.book.bids.size(), 5u);
  EXPECT_EQ(d.book.asks.size(), 5u);
  EXPECT_EQ(d.sequence, m->last_sequence("XBTUSDTM").value());
  const auto truth = m->peek("XBTUSDTM").value();
  EXPECT_EQ(d.book.bids.front(), truth.bids.front());
  EXPECT_EQ(d.book.asks.front(), truth.asks.front());
}

// The spot machinery's stream faults fire on a futures stream the same way.
TEST(MockFuturesHost, StreamFaultsApplyToFuturesStreams) {
  StreamFault gap{StreamFault::Kind::drop, "XBTUSDTM", {Trigger::Kind::message, 10}, 3, 0};
  StreamFault reset{StreamFault::Kind::sequence_reset, "XBTUSDTM", {Trigger::Kind::message, 20}, 1, 5'000};
  auto m = futures_market({gap, reset});
  FuturesDecoder dec = decoder_for(*m);
  auto sub = m->subscribe("XBTUSDTM");
  std::vector<std::int64_t> seqs;
  for (int i = 0; i < 20; ++i) {
    const FeedEvent ev = sub->next();
    ASSERT_EQ(ev.kind, FeedEvent::Kind::frame);
    L2Update u;
    ASSERT_TRUE(dec.decode_level2(ev.frame, u)) << ev.frame;
    seqs.push_back(u.sequence_start);
  }
  const std::int64_t s0 = seqs.front();
  EXPECT_EQ(seqs[8], s0 + 8);
  EXPECT_EQ(seqs[9], s0 + 12) << "messages 10-12 dropped";
  EXPECT_EQ(seqs[16], 5'000) << "message 20 restarts the counter";
  EXPECT_EQ(seqs[17], 5'001);
  EXPECT_EQ(m->fired_faults().size(), 2u);
}

TEST(MockFuturesHost, RestServiceAnswersAsTheFuturesHost) {
  auto m = futures_market();
  RestServiceConfig cfg = testing::config_with_key();
  cfg.futures_ws_endpoint = "ws://127.0.0.1:9/endpoint";
  RestService svc(cfg);
  svc.set_futures_market(m);
  const auto futures = kucoin::Market::futures;

  Req contracts{"GET", "/api/v1/contracts/active", "", {}, {}};
  RestAnswer a = svc.handle(contracts.view(), kNow, futures);
  ASSERT_EQ(a.status, 200) << a.body;
  FuturesDecoder dec;
  std::vector<FuturesContract> listed;
  ASSERT_TRUE(dec.decode_contracts(a.body, listed)) << a.body;
  EXPECT_EQ(listed, m->contracts());
  bool has_limit_header = false;
  for (const Header& h : a.headers) has_limit_header |= h.name == "gw-ratelimit-limit";
  EXPECT_TRUE(has_limit_header) << "the futures host's answers carry the weight pool headers";

  dec.scales() = futures_scales(listed);
  Req snap{"GET", "/api/v1/level2/snapshot?symbol=XBTUSDTM", "", {}, {}};
  a = svc.handle(snap.view(), kNow, futures);
  FuturesSnapshot s;
  ASSERT_TRUE(dec.decode_snapshot(a.body, "XBTUSDTM", s)) << a.body;
  EXPECT_EQ(s.book.sequence, m->last_sequence("XBTUSDTM").value());
  EXPECT_EQ(s.ts_ns, kNow * 1'000'000);
  EXPECT_EQ(s.book.bids, m->peek("XBTUSDTM")->bids);

  Req depth{"GET", "/api/v1/level2/depth20?symbol=ETHUSDTM", "", {}, {}};
  a = svc.handle(depth.view(), kNow, futures);
  ASSERT_TRUE(dec.decode_snapshot(a.body, "ETHUSDTM", s)) << a.body;
  EXPECT_EQ(s.book.bids.size(), 20u);

  Req unknown{"GET", "/api/v1/level2/snapshot?symbol=NOPEUSDTM", "", {}, {}};
  a = svc.handle(unknown.view(), kNow, futures);
  EXPECT_EQ(a.code, "300000") << a.body;
  Req spot_path{"GET", "/api/v1/market/orderbook/level2_100?symbol=BTC-USDT", "", {}, {}};
  EXPECT_EQ(svc.handle(spot_path.view(), kNow, futures).status, 404) << "a spot endpoint is not on the futures host";
  EXPECT_EQ(svc.handle(snap.view(), kNow).status, 404) << "a futures endpoint is not on the spot host";

  Req unsigned_private{"POST", "/api/v1/bullet-private", "", {}, {}};
  a = svc.handle(unsigned_private.view(), kNow, futures);
  EXPECT_EQ(a.code, "400001") << a.body;
  Req signed_private =
      testing::signed_req(testing::creds(testing::key_v2()), "POST", "/api/v1/bullet-private", "", kNow);
  a = svc.handle(signed_private.view(), kNow, futures);
  auto tok = RestDecoder().bullet(a.status, a.body);
  ASSERT_TRUE(tok) << a.body;
  ASSERT_EQ(tok->servers.size(), 1u);
  EXPECT_EQ(tok->servers[0].endpoint, "ws://127.0.0.1:9/endpoint");
  const auto info = svc.token_info(tok->token.reveal());
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->private_token);
  EXPECT_EQ(info->venue, futures);
}

// A forced answer with a host meets only that host's requests; without one, either host's.
TEST(MockFuturesHost, ForcedAnswersMayBeScopedToOneHost) {
  RestServiceConfig cfg;
  RestFault futures_only;
  futures_only.path = "/api/v1/timestamp";
  futures_only.host = kucoin::Market::futures;
  futures_only.count = -1;
  futures_only.http_status = 503;
  futures_only.code = "503000";
  cfg.faults.push_back(futures_only);
  RestFault either;
  either.path = "/api/v1/bullet-public";
  either.count = -1;
  either.http_status = 500;
  cfg.faults.push_back(either);
  RestService svc(cfg);
  svc.set_futures_market(futures_market());
  Req time{"GET", "/api/v1/timestamp", "", {}, {}};
  EXPECT_EQ(svc.handle(time.view(), kNow).status, 200) << "the spot host's timestamp is not touched";
  EXPECT_EQ(svc.handle(time.view(), kNow, kucoin::Market::futures).status, 503);
  Req bullet{"POST", "/api/v1/bullet-public", "", {}, {}};
  EXPECT_EQ(svc.handle(bullet.view(), kNow).status, 500);
  EXPECT_EQ(svc.handle(bullet.view(), kNow, kucoin::Market::futures).status, 500);
}

// The futures host's sessions stream its level2 and depth channels; its other channels are silent.
TEST(MockFuturesHost, FeedSchedulerStreamsFuturesChannels) {
  auto m = futures_market();
  FeedScheduler feeds(m.get(), {});
  testing::FakeClock clock;
  EXPECT_TRUE(feeds.add(DataTopic("/contractMarket/level2", "XBTUSDTM"), clock.now()));
  EXPECT_TRUE(feeds.add(DataTopic("/contractMarket/level2Depth5", "ETHUSDTM"), clock.now()));
  EXPECT_FALSE(feeds.add(DataTopic("/contractMarket/ticker", "XBTUSDTM"), clock.now()));  // acked, silent
  EXPECT_FALSE(feeds.add(DataTopic("/market/level2", "XBTUSDTM"), clock.now()));
  bool level2 = false, depth = false;
  for (int i = 0; i < 20 && !(level2 && depth); ++i) {
    const FeedStep step = feeds.next(clock);
    ASSERT_EQ(step.kind, FeedStep::Kind::frame);
    level2 |= step.frame.starts_with(R"({"topic":"/contractMarket/level2:XBTUSDTM")");
    depth |= step.frame.find("/contractMarket/level2Depth5:ETHUSDTM") != std::string_view::npos;
  }
  EXPECT_TRUE(level2);
  EXPECT_TRUE(depth);
}

// /contractMarket/tickerV2: the best bid and ask (sizes in lots) whenever they change, with the
// level2 stream's sequence: each frame equals the top of the truth at its sequence.
TEST(MockFuturesHost, TickerV2IsTheTopOfTheTruthAtItsSequence) {
  LiveMarketConfig c;
  c.venue = kucoin::Market::futures;
  c.symbols = {"XBTUSDTM"};
  c.levels_per_side = 50;
  c.seed = 11;
  c.keep_history = true;  // truth_at() for every past sequence
  auto m = std::make_shared<LiveMarket>(std::move(c));
  FeedScheduler feeds(m.get(), {});
  testing::FakeClock clock;
  ASSERT_TRUE(feeds.add(DataTopic("/contractMarket/level2", "XBTUSDTM"), clock.now()));
  ASSERT_TRUE(feeds.add(DataTopic("/contractMarket/tickerV2", "XBTUSDTM"), clock.now()));
  FuturesDecoder decoder = decoder_for(*m);
  std::size_t tickers = 0;
  std::int64_t last_sequence = -1;
  for (int i = 0; i < 3000 && tickers < 20; ++i) {
    const FeedStep step = feeds.next(clock);
    if (step.kind == FeedStep::Kind::wait) {
      clock.advance(std::chrono::milliseconds(20));
      continue;
    }
    ASSERT_EQ(step.kind, FeedStep::Kind::frame);
    clock.advance(std::chrono::milliseconds(2));  // the stream moves on in time too
    if (!step.frame.starts_with(R"({"topic":"/contractMarket/tickerV2:XBTUSDTM")")) continue;
    FuturesTicker t;
    ASSERT_TRUE(decoder.decode_ticker_v2(step.frame, t)) << step.frame;
    ++tickers;
    EXPECT_EQ(t.symbol, "XBTUSDTM");
    EXPECT_GT(t.sequence, last_sequence) << "one frame per change of the top, in order";
    last_sequence = t.sequence;
    const auto truth = m->truth_at("XBTUSDTM", t.sequence);
    ASSERT_TRUE(truth) << t.sequence;
    ASSERT_FALSE(truth->bids.empty());
    ASSERT_FALSE(truth->asks.empty());
    EXPECT_EQ(t.best_bid, truth->bids.front().price);
    EXPECT_EQ(t.best_bid_size, truth->bids.front().size);
    EXPECT_EQ(t.best_ask, truth->asks.front().price);
    EXPECT_EQ(t.best_ask_size, truth->asks.front().size);
    EXPECT_EQ(t.ts_ns, truth->time_ms * 1'000'000);
  }
  EXPECT_GE(tickers, 20u);
}

}  // namespace
}  // namespace kucoin::mock
