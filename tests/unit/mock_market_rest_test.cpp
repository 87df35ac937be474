// The endpoints third-party clients call at start-up and for tickers and trades (ccxt
// loadMarkets/fetchTicker/fetchTrades/fetchBalance, the universal SDK): answered from the same
// truth as the books, signed ones only with a valid signature. And the generator's trades: each
// takes its size from the best level it hits, as the level2 stream shows.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>

#include "kucoin/core/decimal.hpp"
#include "kucoin/mock/live_market.hpp"
#include "kucoin/mock/market_generator.hpp"
#include "kucoin/mock/rest_service.hpp"
#include "mock_rest_helpers.hpp"

namespace kucoin::mock {
namespace {

using testing::config_with_key;
using testing::creds;
using testing::key_v2;
using testing::kNow;
using testing::Req;
using testing::signed_req;

struct Answer {
  int status = 0;
  std::string body;
  simdjson::dom::element data;
  simdjson::dom::parser parser;
};

void get(RestService& s, Req r, Answer& a) {
  const RestAnswer ans = s.handle(r.view(), kNow);
  a.status = ans.status;
  a.body = ans.body;
  simdjson::dom::element doc;
  ASSERT_EQ(a.parser.parse(a.body).get(doc), simdjson::SUCCESS) << a.body;
  std::string_view code;
  ASSERT_EQ(doc["code"].get_string().get(code), simdjson::SUCCESS) << a.body;
  if (code == "200000") {
    ASSERT_EQ(doc["data"].get(a.data), simdjson::SUCCESS) << a.body;
  }
}

Req public_get(std::string target) { return Req{"GET", std::move(target), "", {}, {}}; }

std::string str(simdjson::dom::element e, const char* key) {
  std::string_view v;
  EXPECT_EQ(e[key].get_string().get(v), simdjson::SUCCESS) << key;
  return std::string(v);
}

std::shared_ptr<LiveMarket> traded_market() {
  LiveMarketConfig c;
  c.symbols = {"BTC-USDT", "ETH-USDT"};
  c.levels_per_side = 100;
  c.messages = 3'000;
  auto m = std::make_shared<LiveMarket>(c);
  m->advance("BTC-USDT", 2'000);
  m->advance("ETH-USDT", 2'000);
  return m;
}

TEST(MockMarketRest, StartUpEndpointsOfCcxtAndTheSdkAnswer) {
  RestService s(config_with_key(), traded_market());
  Answer a;
  get(s, public_get("/api/v3/currencies"), a);
  ASSERT_EQ(a.status, 200) << a.body;
  std::map<std::string, std::int64_t> precision;
  for (auto c : a.data.get_array()) precision[str(c, "currency")] = c["precision"].get_int64().value();
  EXPECT_EQ(precision.size(), 3u) << a.body;  // BTC, ETH, USDT
  EXPECT_EQ(precision["BTC"], 8);
  get(s, public_get("/api/v1/contracts/active"), a);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.data.get_array().size(), 0u);
  get(s, public_get("/api/v2/symbols/ETH-USDT"), a);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(str(a.data, "symbol"), "ETH-USDT");
  EXPECT_EQ(str(a.data, "priceIncrement"), "0.01");
  get(s, public_get("/api/v2/symbols/NOPE-USDT"), a);
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.body.find("900001"), std::string::npos) << a.body;
}

TEST(MockMarketRest, SignedStartUpEndpointsNeedASignatureAndDescribeAClassicAccount) {
  RestService s(config_with_key(), traded_market());
  const auto c = creds(key_v2());
  Answer a;
  for (const char* path : {"/api/ua/v1/account/mode", "/api/v1/hf/accounts/opened", "/api/v2/user-info",
                           "/api/v3/margin/symbols", "/api/v1/isolated/symbols"}) {
    get(s, public_get(path), a);
    EXPECT_EQ(a.status, 401) << path << ": " << a.body;
    EXPECT_NE(a.body.find("400001"), std::string::npos) << path;
    get(s, signed_req(c, "GET", path, "", kNow), a);
    EXPECT_EQ(a.status, 200) << path << ": " << a.body;
  }
  get(s, signed_req(c, "GET", "/api/ua/v1/account/mode", "", kNow), a);
  EXPECT_EQ(str(a.data, "selfAccountMode"), "CLASSIC");
  get(s, signed_req(c, "GET", "/api/v1/hf/accounts/opened", "", kNow), a);
  EXPECT_FALSE(a.data.get_bool().value());

  // An HF key: opened is true and the trading accounts are trade_hf.
  RestServiceConfig hf = config_with_key();
  hf.keys[0].hf = true;
  RestService s2(hf, traded_market());
  get(s2, signed_req(c, "GET", "/api/v1/hf/accounts/opened", "", kNow), a);
  EXPECT_TRUE(a.data.get_bool().value());
  get(s2, signed_req(c, "GET", "/api/v1/accounts?type=trade_hf", "", kNow), a);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.data.get_array().size(), 2u) << a.body;
}

TEST(MockMarketRest, TickersStatsAndTradesComeFromTheTruth) {
  auto market = traded_market();
  RestService s(config_with_key(), market);
  const auto truth = market->truth("BTC-USDT");
  ASSERT_TRUE(truth);
  const auto trades = market->trades("BTC-USDT");
  ASSERT_FALSE(trades.empty());
  EXPECT_LE(trades.size(), kTradesKept);
  Answer a;
  get(s, public_get("/api/v1/market/orderbook/level1?symbol=BTC-USDT"), a);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(str(a.data, "sequence"), std::to_string(truth->book.sequence));
  EXPECT_EQ(str(a.data, "bestBid"), to_string(truth->book.bids.front().price));
  EXPECT_EQ(str(a.data, "bestBidSize"), to_string(truth->book.bids.front().size));
  EXPECT_EQ(str(a.data, "bestAsk"), to_string(truth->book.asks.front().price));
  EXPECT_EQ(str(a.data, "price"), to_string(trades.back().price));
  EXPECT_EQ(str(a.data, "size"), to_string(trades.back().size));

  get(s, public_get("/api/v1/market/histories?symbol=BTC-USDT"), a);
  ASSERT_EQ(a.status, 200) << a.body;
  auto rows = a.data.get_array();
  ASSERT_EQ(rows.size(), trades.size());
  std::size_t i = 0;
  for (auto row : rows) {
    EXPECT_EQ(str(row, "price"), to_string(trades[i].price));
    EXPECT_EQ(str(row, "size"), to_string(trades[i].size));
    EXPECT_EQ(str(row, "side"), trades[i].taker_side == Side::bid ? "buy" : "sell");
    EXPECT_EQ(row["time"].get_int64().value(), trades[i].time_ms * 1'000'000);
    ++i;
  }

  get(s, public_get("/api/v1/market/stats?symbol=BTC-USDT"), a);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(str(a.data, "symbol"), "BTC-USDT");
  EXPECT_EQ(str(a.data, "last"), to_string(trades.back().price));
  Quantity volume;
  for (const Trade& t : trades) volume = (volume + t.size).value();
  EXPECT_EQ(str(a.data, "vol"), to_string(volume));
  const Price high =
      std::max_element(trades.begin(), trades.end(), [](auto& x, auto& y) { return x.price < y.price; })->price;
  EXPECT_EQ(str(a.data, "high"), to_string(high));

  get(s, public_get("/api/v1/market/allTickers"), a);
  ASSERT_EQ(a.status, 200) << a.body;
  auto tickers = a.data["ticker"].get_array();
  EXPECT_EQ(tickers.size(), 2u);
  for (auto t : tickers) {
    EXPECT_FALSE(str(t, "takerFeeRate").empty());
    EXPECT_FALSE(str(t, "buy").empty());
  }
  // A ticker is not a served snapshot: it neither moves the market nor arms snapshot faults.
  EXPECT_EQ(market->truth("BTC-USDT")->book.sequence, truth->book.sequence);

  get(s, public_get("/api/v1/market/stats"), a);
  EXPECT_EQ(a.status, 400);
  get(s, public_get("/api/v1/market/stats?symbol=undefined"), a);  // the SDK's unset field
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.body.find("symbol is required"), std::string::npos) << a.body;
}

TEST(MarketGenerator, ATradeTakesItsSizeFromTheBestLevelItHits) {
  GeneratorConfig g;
  g.levels_per_side = 60;
  g.min_batch = g.max_batch = 1;  // one change a message: the book before it is the one it hits
  g.realism = Realism{10, 2, 3};  // odd decimals too
  MarketGenerator m(g);
  std::size_t seen = 0;
  for (int n = 0; n < 20'000; ++n) {
    const L2Snapshot before = m.snapshot();
    const L2Update& u = m.next();
    for (const Trade& t : m.trades()) {
      ++seen;
      // The level it hit was the best of the other side, at least as large as the trade.
      const auto& side = t.taker_side == Side::bid ? before.asks : before.bids;
      ASSERT_FALSE(side.empty());
      EXPECT_EQ(side.front().price, t.price);
      EXPECT_GE(side.front().size, t.size);
      // The stream shows the level shrunk by exactly the trade's size (or gone).
      const auto change =
          std::find_if(u.changes.begin(), u.changes.end(), [&](const L2Change& c) { return c.sequence == t.sequence; });
      ASSERT_NE(change, u.changes.end());
      EXPECT_EQ(change->price, t.price);
      EXPECT_EQ((side.front().size - t.size).value(), change->size);
      EXPECT_EQ(t.time_ms, u.time_ms);
    }
  }
  EXPECT_GT(seen, 500u);  // about 4% of changes hit the top
}

}  // namespace
}  // namespace kucoin::mock

#include "kucoin/mock/market_frames.hpp"

namespace kucoin::mock {
namespace {

TEST(MockMarketFrames, TickerMatchLevel1AndSnapshotHaveKuCoinsShapeAndTypes) {
  auto market = traded_market();
  const auto truth = market->truth("BTC-USDT");
  const auto trades = market->trades("BTC-USDT");
  ASSERT_TRUE(truth);
  ASSERT_FALSE(trades.empty());
  const Trade& t = trades.back();
  simdjson::dom::parser parser;
  auto check_envelope = [&](const std::string& frame, const char* topic, const char* subject) {
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(frame).get(doc), simdjson::SUCCESS) << frame;
    EXPECT_EQ(str(doc, "topic"), topic);
    EXPECT_EQ(str(doc, "type"), "message");
    EXPECT_EQ(str(doc, "subject"), subject);
    return doc["data"];
  };

  std::string f;
  encode_ticker_frame("BTC-USDT", truth->book, t, f);
  auto d = check_envelope(f, "/market/ticker:BTC-USDT", "trade.ticker");
  EXPECT_EQ(str(d.value(), "sequence"), std::to_string(truth->book.sequence));
  EXPECT_EQ(str(d.value(), "price"), to_string(t.price));
  EXPECT_EQ(str(d.value(), "bestBid"), to_string(truth->book.bids.front().price));
  EXPECT_EQ(d["time"].get_int64().value(), t.time_ms);  // a number

  f.clear();
  encode_match_frame("BTC-USDT", t, f);
  d = check_envelope(f, "/market/match:BTC-USDT", "trade.l3match");
  for (const char* key :
       {"makerOrderId", "price", "sequence", "side", "size", "symbol", "takerOrderId", "time", "tradeId", "type"}) {
    std::string_view v;
    EXPECT_EQ(d[key].get_string().get(v), simdjson::SUCCESS) << key << " must be a string: " << f;
  }
  EXPECT_EQ(str(d.value(), "time"), std::to_string(t.time_ms * 1'000'000));  // ns, as a string
  EXPECT_EQ(str(d.value(), "tradeId").size(), 24u);
  EXPECT_NE(str(d.value(), "makerOrderId"), str(d.value(), "takerOrderId"));

  f.clear();
  encode_level1_frame("BTC-USDT", truth->book, 1'729'816'058'766, f);
  d = check_envelope(f, "/spotMarket/level1:BTC-USDT", "level1");
  auto asks = d["asks"].get_array();
  ASSERT_EQ(asks.value().size(), 2u);
  EXPECT_EQ(std::string(asks.at(0).get_string().value()), to_string(truth->book.asks.front().price));
  EXPECT_EQ(d["timestamp"].get_int64().value(), 1'729'816'058'766);

  const auto info = market->symbols().front();
  f.clear();
  encode_market_snapshot_frame(TickerInput{&info, &truth->book, trades}, 1'729'816'058'766, f);
  d = check_envelope(f, "/market/snapshot:BTC-USDT", "trade.snapshot");
  EXPECT_EQ(str(d.value(), "sequence"), std::to_string(truth->book.sequence));
  double last = 0;
  EXPECT_EQ(d["data"]["lastTradedPrice"].get_double().get(last), simdjson::SUCCESS) << f;  // a number
  EXPECT_EQ(str(d["data"].value(), "symbol"), "BTC-USDT");
}

}  // namespace
}  // namespace kucoin::mock
