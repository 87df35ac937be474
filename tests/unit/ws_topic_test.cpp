#include "kucoin/protocol/ws_topic.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <set>
#include <string>
#include <vector>

namespace kucoin {
namespace {

std::vector<std::string> symbols(std::size_t n, std::string_view prefix = "S") {
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(std::string(prefix) + std::to_string(i) + "-USDT");
  return out;
}

TEST(WsTopic, SplitTopicIsCheap) {
  constexpr TopicView a = split_topic("/market/level2:BTC-USDT");
  static_assert(a.channel == "/market/level2" && a.symbols == "BTC-USDT");
  constexpr TopicView b = split_topic("/account/balance");
  static_assert(b.channel == "/account/balance" && b.symbols.empty());
  constexpr TopicView c = split_topic("/market/level2:A,B");
  static_assert(c.symbols == "A,B");
}

TEST(WsTopic, ParsesChannelAndSymbols) {
  auto t = parse_topic("/market/level2:BTC-USDT,ETH-USDT");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->channel, "/market/level2");
  EXPECT_EQ(t->symbols, (std::vector<std::string>{"BTC-USDT", "ETH-USDT"}));
  EXPECT_EQ(t->weight(), 2u);
  EXPECT_EQ(t->str(), "/market/level2:BTC-USDT,ETH-USDT");
}

TEST(WsTopic, TrimsSpacesLikeCryptofeedSends) {
  auto t = parse_topic("/market/level2: BTC-USDT,ETH-USDT");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->symbols, (std::vector<std::string>{"BTC-USDT", "ETH-USDT"}));
  auto u = parse_topic(" /market/ticker :\tBTC-USDT , ETH-USDT\t");
  ASSERT_TRUE(u) << u.error();
  EXPECT_EQ(u->channel, "/market/ticker");
  EXPECT_EQ(u->symbols, (std::vector<std::string>{"BTC-USDT", "ETH-USDT"}));
  EXPECT_EQ(u->str(), "/market/ticker:BTC-USDT,ETH-USDT");
}

TEST(WsTopic, SpecialForms) {
  auto all = parse_topic("/market/ticker:all");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->symbols, (std::vector<std::string>{"all"}));
  EXPECT_EQ(all->weight(), 1u);

  auto priv = parse_topic("/spotMarket/tradeOrdersV2");
  ASSERT_TRUE(priv);
  EXPECT_EQ(priv->channel, "/spotMarket/tradeOrdersV2");
  EXPECT_TRUE(priv->symbols.empty());
  EXPECT_EQ(priv->weight(), 1u);
  EXPECT_EQ(priv->str(), "/spotMarket/tradeOrdersV2");

  auto candles = parse_topic("/market/candles:BTC-USDT_1hour,ETH-USDT_1min");
  ASSERT_TRUE(candles);
  ASSERT_EQ(candles->symbols.size(), 2u);
  auto key = split_candle_symbol(candles->symbols[0]);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->symbol, "BTC-USDT");
  EXPECT_EQ(key->interval, "1hour");
  EXPECT_FALSE(split_candle_symbol("BTC-USDT"));
  EXPECT_FALSE(split_candle_symbol("_1min"));
  EXPECT_FALSE(split_candle_symbol("BTC-USDT_"));

  auto fut = parse_topic("/contractMarket/level2:XBTUSDTM");
  ASSERT_TRUE(fut);
  EXPECT_EQ(fut->channel, channels::kFuturesLevel2);
  EXPECT_EQ(fut->symbols, (std::vector<std::string>{"XBTUSDTM"}));

  // Unknown channels are plain strings.
  auto other = parse_topic("/some/new:X");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->channel, "/some/new");
  EXPECT_EQ(find_channel("/some/new"), nullptr);
}

TEST(WsTopic, DuplicatesAreKeptByTheParser) {
  auto t = parse_topic("/market/level2:A,A");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->symbols.size(), 2u);
}

TEST(WsTopic, RejectsMalformedTopics) {
  for (const char* bad : {"", "  ", "market/level2:A", ":A", "/market/level2:", "/market/level2: ",
                          "/market/level2:A,,B", "/market/level2:A,", "/market/level2:,A", "/market/level2:A B",
                          "/market/level2:A:B", "/market level2:A", "/a,b:C"}) {
    auto t = parse_topic(bad);
    EXPECT_FALSE(t) << '"' << bad << "\" parsed";
    if (!t) {
      EXPECT_EQ(t.error().code, Errc::invalid_argument) << bad;
    }
  }
}

TEST(WsTopic, FormatRoundTrip) {
  const std::vector<std::string> syms = {"BTC-USDT", "ETH-USDT", "KCS-BTC"};
  const std::string s = format_topic(channels::kMatch, syms);
  EXPECT_EQ(s, "/market/match:BTC-USDT,ETH-USDT,KCS-BTC");
  auto t = parse_topic(s);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->channel, channels::kMatch);
  EXPECT_EQ(t->symbols, syms);
  EXPECT_EQ(format_topic(channels::kAccountBalance, {}), "/account/balance");
}

TEST(WsTopic, KnownChannels) {
  struct Expect {
    std::string_view channel;
    bool is_private;
    SymbolRule rule;
    Market market;
  };
  for (const Expect& e : {
           Expect{"/market/level2", false, SymbolRule::required, Market::spot},
           Expect{"/market/ticker", false, SymbolRule::required, Market::spot},
           Expect{"/market/match", false, SymbolRule::required, Market::spot},
           Expect{"/spotMarket/level2Depth5", false, SymbolRule::required, Market::spot},
           Expect{"/spotMarket/level2Depth50", false, SymbolRule::required, Market::spot},
           Expect{"/spotMarket/level1", false, SymbolRule::required, Market::spot},
           Expect{"/market/candles", false, SymbolRule::required, Market::spot},
           Expect{"/spotMarket/tradeOrdersV2", true, SymbolRule::none, Market::spot},
           Expect{"/spotMarket/tradeOrders", true, SymbolRule::none, Market::spot},
           Expect{"/account/balance", true, SymbolRule::none, Market::spot},
           Expect{"/contractMarket/level2", false, SymbolRule::required, Market::futures},
           Expect{"/contractMarket/tickerV2", false, SymbolRule::required, Market::futures},
           Expect{"/contractMarket/tradeOrders", true, SymbolRule::optional, Market::futures},
           Expect{"/contract/position", true, SymbolRule::required, Market::futures},
           Expect{"/contractAccount/wallet", true, SymbolRule::none, Market::futures},
       }) {
    const ChannelInfo* info = find_channel(e.channel);
    ASSERT_NE(info, nullptr) << e.channel;
    EXPECT_EQ(info->channel, e.channel);
    EXPECT_EQ(info->is_private, e.is_private) << e.channel;
    EXPECT_EQ(info->symbols, e.rule) << e.channel;
    EXPECT_EQ(info->market, e.market) << e.channel;
  }
  // Every table entry is found by its own name, once.
  std::set<std::string_view> names;
  for (const ChannelInfo& c : known_channels()) {
    EXPECT_TRUE(names.insert(c.channel).second) << c.channel;
    EXPECT_EQ(find_channel(c.channel), &c);
  }
  EXPECT_EQ(find_channel("/market/level2:BTC-USDT"), nullptr);  // a topic is not a channel
}

// ---------------------------------------------------------------- data topics and requests

std::vector<DataTopic> data_topics(std::string_view channel, const std::vector<std::string>& syms) {
  std::vector<DataTopic> out;
  for (const auto& s : syms) out.emplace_back(channel, s);
  return out;
}

TEST(WsDataTopic, OneSymbolEachWithItsTextAndPrivacy) {
  const DataTopic a(channels::kLevel2, "BTC-USDT");
  EXPECT_EQ(a.channel, "/market/level2");
  EXPECT_EQ(a.symbol, "BTC-USDT");
  EXPECT_EQ(a.text, "/market/level2:BTC-USDT");
  EXPECT_FALSE(a.is_private);
  const DataTopic b(channels::kAccountBalance, "");
  EXPECT_EQ(b.text, "/account/balance");
  EXPECT_TRUE(b.is_private);
  EXPECT_EQ(split_topic(a.text).channel, a.channel);  // a data message's topic splits back into it
  EXPECT_EQ(split_topic(a.text).symbols, a.symbol);
  EXPECT_FALSE(DataTopic("/some/new", "X").is_private);  // unknown channels are public
}

TEST(WsDataTopic, ExpandingCommaListsKeepsOrderAndDropsRepeats) {
  auto t = parse_topic("/market/level2: ETH-USDT, BTC-USDT ,ETH-USDT");
  ASSERT_TRUE(t);
  const auto d = expand_topic(*t);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].text, "/market/level2:ETH-USDT");
  EXPECT_EQ(d[1].text, "/market/level2:BTC-USDT");
  const auto p = expand_topic(Topic{"/spotMarket/tradeOrdersV2", {}});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].text, "/spotMarket/tradeOrdersV2");
  EXPECT_TRUE(p[0].is_private);
}

TEST(WsDataTopic, SymbolRules) {
  EXPECT_TRUE(check_symbol_rule(Topic{"/market/level2", {"A"}}));
  EXPECT_EQ(check_symbol_rule(Topic{"/market/level2", {}}).error().code, Errc::invalid_argument);
  EXPECT_EQ(check_symbol_rule(Topic{"/account/balance", {"A"}}).error().code, Errc::invalid_argument);
  EXPECT_TRUE(check_symbol_rule(Topic{"/contractMarket/tradeOrders", {}}));  // optional
  EXPECT_TRUE(check_symbol_rule(Topic{"/contractMarket/tradeOrders", {"X"}}));
  EXPECT_TRUE(check_symbol_rule(Topic{"/some/new", {}}));  // unknown channels pass
}

TEST(WsTopicRequests, AtMost100SymbolsPerRequest) {
  const auto topics = data_topics(channels::kLevel2, symbols(250));
  const auto reqs = group_requests(topics);
  ASSERT_EQ(reqs.size(), 3u);
  std::vector<DataTopic> back;
  for (const auto& r : reqs) {
    auto p = parse_topic(r.topic);
    ASSERT_TRUE(p) << r.topic;
    EXPECT_EQ(p->channel, channels::kLevel2);
    EXPECT_LE(p->symbols.size(), kMaxSymbolsPerRequest);
    EXPECT_EQ(expand_topic(*p), r.data_topics);  // the request text and its data topics agree
    back.insert(back.end(), r.data_topics.begin(), r.data_topics.end());
  }
  EXPECT_EQ(reqs[0].data_topics.size(), 100u);
  EXPECT_EQ(reqs[1].data_topics.size(), 100u);
  EXPECT_EQ(reqs[2].data_topics.size(), 50u);
  EXPECT_EQ(back, topics);  // order kept, nothing lost or repeated
}

TEST(WsTopicRequests, Boundaries) {
  EXPECT_EQ(group_requests(data_topics("/market/level2", symbols(100))).size(), 1u);
  EXPECT_EQ(group_requests(data_topics("/market/level2", symbols(101))).size(), 2u);
  const auto one = group_requests(data_topics("/market/level2", symbols(1)));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].topic, "/market/level2:S0-USDT");
  const std::vector<DataTopic> balance = {DataTopic("/account/balance", "")};
  const auto b = group_requests(balance);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].topic, "/account/balance");
  EXPECT_TRUE(b[0].is_private);
  const auto two = group_requests(data_topics("/market/level2", symbols(3)), 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].topic, "/market/level2:S0-USDT,S1-USDT");
  EXPECT_EQ(two[1].topic, "/market/level2:S2-USDT");
  EXPECT_EQ(group_requests(data_topics("/market/level2", symbols(2)), 0).size(), 2u);  // 0 counts as 1
  EXPECT_TRUE(group_requests({}).empty());
}

TEST(WsTopicRequests, ChannelsMergedInFirstAppearanceOrderWithTheirOwnLimits) {
  std::vector<DataTopic> mixed = {DataTopic("/market/level2", "A"),         DataTopic("/market/ticker", "A"),
                                  DataTopic("/market/level2", "B"),         DataTopic("/spotMarket/tradeOrdersV2", ""),
                                  DataTopic("/contractMarket/level2", "X"), DataTopic("/contractMarket/level2", "Y")};
  const auto reqs = group_requests(mixed);
  std::vector<std::string> texts;
  for (const auto& r : reqs) texts.push_back(r.topic);
  EXPECT_EQ(texts, (std::vector<std::string>{"/market/level2:A,B", "/market/ticker:A", "/spotMarket/tradeOrdersV2",
                                             "/contractMarket/level2:X", "/contractMarket/level2:Y"}));
  EXPECT_TRUE(reqs[2].is_private);
  EXPECT_EQ(symbols_per_request("/contractMarket/level2", 100), 1u);  // futures: one symbol a topic
  EXPECT_EQ(symbols_per_request("/market/level2", 100), 100u);
  EXPECT_EQ(symbols_per_request("/market/level2", 0), 1u);
}

// ---------------------------------------------------------------- connection planner

// Flattens a plan back to (channel, symbol) pairs and checks every limit.
std::vector<std::pair<std::string, std::string>> check_plan(const std::vector<PlannedConnection>& plan,
                                                            const PlannerConfig& cfg) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const PlannedConnection& c : plan) {
    EXPECT_FALSE(c.topics.empty());
    std::size_t weight = 0;
    for (const std::string& t : c.topics) {
      auto p = parse_topic(t);
      EXPECT_TRUE(p) << t;
      if (!p) continue;
      EXPECT_LE(p->symbols.size(), cfg.max_symbols_per_request) << t;
      const ChannelInfo* info = find_channel(p->channel);
      EXPECT_EQ(c.private_token, info != nullptr && info->is_private) << t;
      weight += p->weight();
      if (p->symbols.empty()) out.emplace_back(p->channel, "");
      for (auto& s : p->symbols) out.emplace_back(p->channel, s);
    }
    EXPECT_EQ(weight, c.weight);
    if (cfg.max_topics_per_connection != 0) {
      EXPECT_LE(c.weight, cfg.max_topics_per_connection);
    }
  }
  return out;
}

TEST(WsTopicPlan, FitsOneConnectionUnderTheLimit) {
  const std::vector<Topic> topics = {Topic{"/market/level2", symbols(150)}, Topic{"/market/match", symbols(150)}};
  auto plan = plan_connections(topics);
  ASSERT_TRUE(plan) << plan.error();
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].weight, 300u);
  EXPECT_FALSE((*plan)[0].private_token);
  EXPECT_EQ((*plan)[0].topics.size(), 4u);  // 100 + 50 level2, 100 + 50 match
  check_plan(*plan, {});
}

TEST(WsTopicPlan, SpreadsOverConnectionsAt400) {
  // 900 symbols of level2 + 5 tickers = 905 topics -> 400 + 400 + 105.
  std::vector<Topic> topics = {Topic{"/market/level2", symbols(900)}, Topic{"/market/ticker", symbols(5, "T")}};
  const PlannerConfig cfg{};
  auto plan = plan_connections(topics, cfg);
  ASSERT_TRUE(plan) << plan.error();
  ASSERT_EQ(plan->size(), 3u);
  EXPECT_EQ((*plan)[0].weight, 400u);
  EXPECT_EQ((*plan)[1].weight, 400u);
  EXPECT_EQ((*plan)[2].weight, 105u);
  EXPECT_EQ((*plan)[0].topics.size(), 4u);
  const auto flat = check_plan(*plan, cfg);
  ASSERT_EQ(flat.size(), 905u);
  for (std::size_t i = 0; i < 900; ++i) EXPECT_EQ(flat[i].second, topics[0].symbols[i]);
}

TEST(WsTopicPlan, ConfigurableLimits) {
  const std::vector<Topic> topics = {Topic{"/market/level2", symbols(10)}};
  const PlannerConfig cfg{4, 3};
  auto plan = plan_connections(topics, cfg);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->size(), 3u);  // 4 + 4 + 2
  EXPECT_EQ((*plan)[0].topics,
            (std::vector<std::string>{"/market/level2:S0-USDT,S1-USDT,S2-USDT", "/market/level2:S3-USDT"}));
  EXPECT_EQ((*plan)[1].topics,
            (std::vector<std::string>{"/market/level2:S4-USDT,S5-USDT,S6-USDT", "/market/level2:S7-USDT"}));
  EXPECT_EQ((*plan)[2].topics, (std::vector<std::string>{"/market/level2:S8-USDT,S9-USDT"}));
  check_plan(*plan, cfg);

  // 0 = unlimited (futures): everything on one connection; futures topics carry one symbol each.
  auto fut = plan_connections(std::vector<Topic>{Topic{"/contractMarket/level2", symbols(500)}}, PlannerConfig{0, 100});
  ASSERT_TRUE(fut);
  ASSERT_EQ(fut->size(), 1u);
  EXPECT_EQ((*fut)[0].weight, 500u);
  EXPECT_EQ((*fut)[0].topics.size(), 500u);
  EXPECT_EQ((*fut)[0].topics[0], "/contractMarket/level2:S0-USDT");
}

TEST(WsTopicPlan, PrivateTopicsGetTheirOwnConnection) {
  const std::vector<Topic> topics = {Topic{"/spotMarket/tradeOrdersV2", {}}, Topic{"/market/level2", {"BTC-USDT"}},
                                     Topic{"/account/balance", {}}, Topic{"/market/ticker", {"all"}}};
  auto plan = plan_connections(topics);
  ASSERT_TRUE(plan) << plan.error();
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_EQ((*plan)[0], (PlannedConnection{true, {"/spotMarket/tradeOrdersV2", "/account/balance"}, 2}));
  EXPECT_EQ((*plan)[1], (PlannedConnection{false, {"/market/level2:BTC-USDT", "/market/ticker:all"}, 2}));
}

TEST(WsTopicPlan, MergesAndDeduplicates) {
  const std::vector<Topic> topics = {Topic{"/market/level2", {"A", "B"}}, Topic{"/market/match", {"A"}},
                                     Topic{"/market/level2", {"B", "C"}}, Topic{"/account/balance", {}},
                                     Topic{"/account/balance", {}}};
  auto plan = plan_connections(topics);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_EQ((*plan)[0], (PlannedConnection{false, {"/market/level2:A,B,C", "/market/match:A"}, 4}));
  EXPECT_EQ((*plan)[1], (PlannedConnection{true, {"/account/balance"}, 1}));
}

TEST(WsTopicPlan, FuturesTradeOrdersWithAndWithoutSymbol) {
  const std::vector<Topic> topics = {Topic{"/contractMarket/tradeOrders", {}},
                                     Topic{"/contractMarket/tradeOrders", {"XBTUSDTM", "ETHUSDTM"}}};
  auto plan = plan_connections(topics, PlannerConfig{0, 100});
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0], (PlannedConnection{true,
                                           {"/contractMarket/tradeOrders", "/contractMarket/tradeOrders:XBTUSDTM",
                                            "/contractMarket/tradeOrders:ETHUSDTM"},
                                           3}));
}

TEST(WsTopicPlan, IsDeterministicAndEmptyInputGivesNoConnections) {
  const std::vector<Topic> topics = {Topic{"/market/level2", symbols(777)}, Topic{"/account/balance", {}},
                                     Topic{"/spotMarket/level2Depth5", symbols(33, "D")}};
  auto a = plan_connections(topics);
  auto b = plan_connections(topics);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  auto none = plan_connections(std::vector<Topic>{});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(WsTopicPlan, RejectsTopicsThatBreakTheChannelRules) {
  EXPECT_EQ(plan_connections(std::vector<Topic>{Topic{"/market/level2", {}}}).error().code, Errc::invalid_argument);
  EXPECT_EQ(plan_connections(std::vector<Topic>{Topic{"/account/balance", {"BTC-USDT"}}}).error().code,
            Errc::invalid_argument);
  EXPECT_EQ(plan_connections(std::vector<Topic>{Topic{"", {"A"}}}).error().code, Errc::invalid_argument);
  EXPECT_EQ(plan_connections(std::vector<Topic>{Topic{"market", {"A"}}}).error().code, Errc::invalid_argument);
  // Unknown channels are accepted, public, with or without symbols.
  auto ok = plan_connections(std::vector<Topic>{Topic{"/new/thing", {}}, Topic{"/new/other", {"X"}}});
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_FALSE((*ok)[0].private_token);
}

}  // namespace
}  // namespace kucoin
