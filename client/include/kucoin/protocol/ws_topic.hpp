// KuCoin WebSocket topics: "/market/level2:BTC-USDT,ETH-USDT" parsed and formatted, the known
// channels, subscribe requests of at most 100 symbols, and a planner that spreads topics over
// connections within the per-connection limit (kucoin-protocol.md §3.3, §5.3, §8).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/result.hpp"

namespace kucoin {

// Channel prefixes (the topic before ':').
namespace channels {
// Spot public (symbols required).
inline constexpr std::string_view kLevel2 = "/market/level2";      // trade.l2update
inline constexpr std::string_view kTicker = "/market/ticker";      // trade.ticker; ":all" too
inline constexpr std::string_view kMatch = "/market/match";        // trade.l3match
inline constexpr std::string_view kCandles = "/market/candles";    // ":BTC-USDT_1hour"
inline constexpr std::string_view kSnapshot = "/market/snapshot";  // trade.snapshot
inline constexpr std::string_view kLevel2Depth5 = "/spotMarket/level2Depth5";
inline constexpr std::string_view kLevel2Depth50 = "/spotMarket/level2Depth50";
inline constexpr std::string_view kLevel1 = "/spotMarket/level1";
// Spot private (no symbol).
inline constexpr std::string_view kTradeOrders = "/spotMarket/tradeOrders";
inline constexpr std::string_view kTradeOrdersV2 = "/spotMarket/tradeOrdersV2";
inline constexpr std::string_view kAdvancedOrders = "/spotMarket/advancedOrders";
inline constexpr std::string_view kAccountBalance = "/account/balance";
// Futures public (one symbol per topic in the docs).
inline constexpr std::string_view kFuturesLevel2 = "/contractMarket/level2";
inline constexpr std::string_view kFuturesLevel2Depth5 = "/contractMarket/level2Depth5";
inline constexpr std::string_view kFuturesLevel2Depth50 = "/contractMarket/level2Depth50";
inline constexpr std::string_view kFuturesTickerV2 = "/contractMarket/tickerV2";
inline constexpr std::string_view kFuturesTicker = "/contractMarket/ticker";
inline constexpr std::string_view kFuturesExecution = "/contractMarket/execution";
inline constexpr std::string_view kFuturesLimitCandle = "/contractMarket/limitCandle";
inline constexpr std::string_view kFuturesInstrument = "/contract/instrument";
inline constexpr std::string_view kFuturesAnnouncement = "/contract/announcement";
// Futures private.
inline constexpr std::string_view kFuturesTradeOrders = "/contractMarket/tradeOrders";  // symbol optional
inline constexpr std::string_view kFuturesAdvancedOrders = "/contractMarket/advancedOrders";
inline constexpr std::string_view kFuturesWallet = "/contractAccount/wallet";
inline constexpr std::string_view kFuturesPosition = "/contract/position";  // symbol required
inline constexpr std::string_view kFuturesMarginMode = "/contract/marginMode";
inline constexpr std::string_view kFuturesCrossLeverage = "/contract/crossLeverage";
}  // namespace channels

// KuCoin's limits (§3.3).
inline constexpr std::size_t kMaxSymbolsPerRequest = 100;        // per subscribe request / per topic string
inline constexpr std::size_t kSpotMaxTopicsPerConnection = 400;  // each symbol counts as one topic

enum class Market : std::uint8_t { spot, futures };
enum class SymbolRule : std::uint8_t { required, none, optional };

struct ChannelInfo {
  std::string_view channel;
  Market market = Market::spot;
  bool is_private = false;  // needs a private bullet token and "privateChannel":true
  SymbolRule symbols = SymbolRule::required;
  std::size_t max_symbols_per_topic = kMaxSymbolsPerRequest;  // 1 for futures: the documented form is single-symbol
};

// The channel's entry, or nullptr for a channel this table does not know (plain strings still work).
const ChannelInfo* find_channel(std::string_view channel) noexcept;
std::span<const ChannelInfo> known_channels() noexcept;

// Non-owning split at the first ':' ("/market/level2:BTC-USDT" -> "/market/level2", "BTC-USDT").
// No ':' gives the whole topic as channel and empty symbols. Nothing is trimmed.
struct TopicView {
  std::string_view channel;
  std::string_view symbols;
};
constexpr TopicView split_topic(std::string_view topic) noexcept {
  const auto colon = topic.find(':');
  if (colon == std::string_view::npos) return {topic, {}};
  return {topic.substr(0, colon), topic.substr(colon + 1)};
}

// A parsed topic: channel plus its symbols (empty for "/account/balance").
struct Topic {
  std::string channel;
  std::vector<std::string> symbols;

  std::string str() const;  // "/market/level2:BTC-USDT,ETH-USDT", or the channel alone
  // What the topic counts towards KuCoin's per-connection limit: one per symbol, at least one.
  std::size_t weight() const noexcept { return symbols.empty() ? 1 : symbols.size(); }
  bool operator==(const Topic&) const = default;
};

// "/market/level2: BTC-USDT , ETH-USDT" -> {"/market/level2", {"BTC-USDT", "ETH-USDT"}}.
// Spaces and tabs around the channel and each symbol are trimmed (cryptofeed sends ": BTC-USDT").
// Errors (Errc::invalid_argument): empty topic, channel not starting with '/', a ':' with no
// symbols, an empty symbol ("A,,B", trailing ','), whitespace inside a symbol. Duplicates are kept.
// The channel need not be known.
Result<Topic> parse_topic(std::string_view topic);

// "/market/level2" + {"A","B"} -> "/market/level2:A,B"; no symbols -> the channel alone.
std::string format_topic(std::string_view channel, std::span<const std::string> symbols);

// A known channel's symbol rule (kucoin-protocol.md §5.3, §8): Errc::invalid_argument when one that
// needs symbols has none or one that takes none has some. Channels this table does not know pass.
Result<void> check_symbol_rule(const Topic& topic);

// One data stream: what the topic of a data message names, always one symbol (§5.4), or a
// symbol-less channel alone. The one type both sides use for it: the client subscribes and routes
// by it, the mock streams it.
struct DataTopic {
  std::string channel;      // "/market/level2"
  std::string symbol;       // "BTC-USDT"; empty for a symbol-less channel; "all" for /market/ticker:all
  std::string text;         // channel[:symbol]: the topic its data messages carry
  bool is_private = false;  // a private channel (find_channel): a private token, "privateChannel":true

  DataTopic() = default;
  DataTopic(std::string_view channel, std::string_view symbol);  // fills text and is_private
  bool operator==(const DataTopic&) const = default;
};

// The data topics of `topic`, one per symbol in order (a repeated symbol once); a topic without
// symbols gives its channel alone. "/market/level2:A,B" -> "/market/level2:A", "/market/level2:B".
std::vector<DataTopic> expand_topic(const Topic& topic);

// The most symbols one subscribe request of `channel` carries: max_symbols_per_request (KuCoin:
// 100), or less where the channel allows less (futures: 1); at least 1.
std::size_t symbols_per_request(std::string_view channel, std::size_t max_symbols_per_request) noexcept;

// One subscribe/unsubscribe request and the data topics it covers.
struct TopicRequest {
  std::string topic;  // "/market/level2:A,B", or a symbol-less channel
  bool is_private = false;
  std::vector<DataTopic> data_topics;  // in order
  bool operator==(const TopicRequest&) const = default;
};

// The requests that subscribe (or unsubscribe) `topics`, within KuCoin's limits: the symbols of
// one channel merged in their order, at most symbols_per_request() each; a symbol-less topic is
// a request of its own. Requests follow the order in which their channel first appears.
std::vector<TopicRequest> group_requests(std::span<const DataTopic> topics,
                                         std::size_t max_symbols_per_request = kMaxSymbolsPerRequest);

// "BTC-USDT_1hour" (the /market/candles symbol) -> {"BTC-USDT", "1hour"}; split at the last '_'.
struct CandleKey {
  std::string_view symbol;
  std::string_view interval;
};
Result<CandleKey> split_candle_symbol(std::string_view symbol_and_interval);

struct PlannerConfig {
  std::size_t max_topics_per_connection = kSpotMaxTopicsPerConnection;  // 0 = unlimited (futures)
  std::size_t max_symbols_per_request = kMaxSymbolsPerRequest;
};

struct PlannedConnection {
  bool private_token = false;       // carries private channels: connect with a private bullet token
  std::vector<std::string> topics;  // one subscribe request each
  std::size_t weight = 0;           // sum of the topics' weights, <= max_topics_per_connection
  bool operator==(const PlannedConnection&) const = default;
};

// Spreads `topics` over as few connections as the limits allow, deterministically:
// - topics of the same channel are merged and their symbols deduplicated (first appearance wins
//   the order); a symbol-less topic of a channel that also has symbol topics stays separate;
// - private channels go to their own connections (private_token = true); unknown channels are public;
// - connections are filled in order; a channel's symbols may continue on the next connection;
// - each subscribe request holds at most min(max_symbols_per_request, the channel's
//   max_symbols_per_topic) symbols.
// Errors (Errc::invalid_argument): a known channel that requires symbols has none or one that
// takes none has some, or an empty or malformed channel.
Result<std::vector<PlannedConnection>> plan_connections(std::span<const Topic> topics,
                                                        const PlannerConfig& config = {});

}  // namespace kucoin
