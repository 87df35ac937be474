#include "kucoin/protocol/ws_topic.hpp"

#include <algorithm>
#include <unordered_set>

namespace kucoin {

namespace {

using enum Market;
using enum SymbolRule;

constexpr ChannelInfo kChannels[] = {
    // channel, market, private, symbols, max symbols per topic
    {channels::kLevel2, spot, false, required, kMaxSymbolsPerRequest},
    {channels::kTicker, spot, false, required, kMaxSymbolsPerRequest},
    {channels::kMatch, spot, false, required, kMaxSymbolsPerRequest},
    {channels::kCandles, spot, false, required, kMaxSymbolsPerRequest},
    {channels::kSnapshot, spot, false, required, kMaxSymbolsPerRequest},
    {channels::kLevel2Depth5, spot, false, required, kMaxSymbolsPerRequest},
    {channels::kLevel2Depth50, spot, false, required, kMaxSymbolsPerRequest},
    {channels::kLevel1, spot, false, required, kMaxSymbolsPerRequest},
    {channels::kTradeOrders, spot, true, none, 0},
    {channels::kTradeOrdersV2, spot, true, none, 0},
    {channels::kAdvancedOrders, spot, true, none, 0},
    {channels::kAccountBalance, spot, true, none, 0},
    {channels::kFuturesLevel2, futures, false, required, 1},
    {channels::kFuturesLevel2Depth5, futures, false, required, 1},
    {channels::kFuturesLevel2Depth50, futures, false, required, 1},
    {channels::kFuturesTickerV2, futures, false, required, 1},
    {channels::kFuturesTicker, futures, false, required, 1},
    {channels::kFuturesExecution, futures, false, required, 1},
    {channels::kFuturesLimitCandle, futures, false, required, 1},
    {channels::kFuturesInstrument, futures, false, required, 1},
    {channels::kFuturesAnnouncement, futures, false, required, 1},
    {channels::kFuturesTradeOrders, futures, true, optional, 1},
    {channels::kFuturesAdvancedOrders, futures, true, none, 0},
    {channels::kFuturesWallet, futures, true, none, 0},
    {channels::kFuturesPosition, futures, true, required, 1},
    {channels::kFuturesMarginMode, futures, true, none, 0},
    {channels::kFuturesCrossLeverage, futures, true, none, 0},
};

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim_blanks(std::string_view s) noexcept {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 64));
  if (s.size() > 64) out += "...";
  out += '"';
  return out;
}

Result<void> check_channel(std::string_view channel, std::string_view where) {
  if (channel.empty()) return fail(Errc::invalid_argument, std::string(where) + ": empty channel");
  if (channel.front() != '/') {
    return fail(Errc::invalid_argument,
                std::string(where) + ": channel " + quoted(channel) + " does not start with '/'");
  }
  for (char c : channel) {
    if (is_blank(c) || c == ':' || c == ',' || static_cast<unsigned char>(c) < 0x20) {
      return fail(Errc::invalid_argument, std::string(where) + ": bad character in channel " + quoted(channel));
    }
  }
  return {};
}

}  // namespace

const ChannelInfo* find_channel(std::string_view channel) noexcept {
  for (const ChannelInfo& c : kChannels) {
    if (c.channel == channel) return &c;
  }
  return nullptr;
}

std::span<const ChannelInfo> known_channels() noexcept { return kChannels; }

std::string Topic::str() const { return format_topic(channel, symbols); }

std::string format_topic(std::string_view channel, std::span<const std::string> symbols) {
  std::size_t n = channel.size() + 1;
  for (const auto& s : symbols) n += s.size() + 1;
  std::string out;
  out.reserve(n);
  out.append(channel);
  char sep = ':';
  for (const auto& s : symbols) {
    out += sep;
    out += s;
    sep = ',';
  }
  return out;
}

Result<Topic> parse_topic(std::string_view topic) {
  if (trim_blanks(topic).empty()) return fail(Errc::invalid_argument, "topic: empty");
  const TopicView tv = split_topic(topic);
  Topic out;
  const std::string_view channel = trim_blanks(tv.channel);
  if (auto r = check_channel(channel, "topic " + quoted(topic)); !r) return Unexpected{std::move(r).error()};
  out.channel.assign(channel);
  if (tv.channel.size() == topic.size()) return out;  // no ':'

  std::string_view rest = tv.symbols;
  if (trim_blanks(rest).empty())
    return fail(Errc::invalid_argument, "topic " + quoted(topic) + ": no symbols after ':'");
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view sym = trim_blanks(rest.substr(0, comma));
    if (sym.empty()) return fail(Errc::invalid_argument, "topic " + quoted(topic) + ": empty symbol");
    for (char c : sym) {
      if (is_blank(c) || c == ':' || static_cast<unsigned char>(c) < 0x20) {
        return fail(Errc::invalid_argument, "topic " + quoted(topic) + ": bad character in symbol " + quoted(sym));
      }
    }
    out.symbols.emplace_back(sym);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

Result<void> check_symbol_rule(const Topic& t) {
  const ChannelInfo* info = find_channel(t.channel);
  if (info == nullptr) return {};
  if (info->symbols == SymbolRule::required && t.symbols.empty()) {
    return fail(Errc::invalid_argument, "channel " + quoted(t.channel) + " needs symbols");
  }
  if (info->symbols == SymbolRule::none && !t.symbols.empty()) {
    return fail(Errc::invalid_argument, "channel " + quoted(t.channel) + " takes no symbols");
  }
  return {};
}

DataTopic::DataTopic(std::string_view ch, std::string_view sym) : channel(ch), symbol(sym) {
  text.reserve(channel.size() + 1 + symbol.size());
  text = channel;
  if (!symbol.empty()) {
    text += ':';
    text += symbol;
  }
  const ChannelInfo* info = find_channel(channel);
  is_private = info != nullptr && info->is_private;
}

std::vector<DataTopic> expand_topic(const Topic& topic) {
  std::vector<DataTopic> out;
  if (topic.symbols.empty()) {
    out.emplace_back(topic.channel, std::string_view());
    return out;
  }
  out.reserve(topic.symbols.size());
  std::unordered_set<std::string_view> seen;
  for (const std::string& sym : topic.symbols) {
    if (seen.insert(sym).second) out.emplace_back(topic.channel, sym);
  }
  return out;
}

std::size_t symbols_per_request(std::string_view channel, std::size_t max_symbols_per_request) noexcept {
  std::size_t per = std::max<std::size_t>(1, max_symbols_per_request);
  if (const ChannelInfo* info = find_channel(channel); info != nullptr && info->max_symbols_per_topic > 0) {
    per = std::min(per, info->max_symbols_per_topic);
  }
  return per;
}

std::vector<TopicRequest> group_requests(std::span<const DataTopic> topics, std::size_t max_symbols_per_request) {
  // Channels in order of first appearance; a symbol-less topic is a group of its own.
  struct Group {
    std::string_view channel;
    bool symbolless = false;
    std::vector<const DataTopic*> members;
  };
  std::vector<Group> groups;
  for (const DataTopic& t : topics) {
    if (t.symbol.empty()) {
      groups.push_back({t.channel, true, {&t}});
      continue;
    }
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const Group& g) { return !g.symbolless && g.channel == t.channel; });
    if (it == groups.end()) {
      groups.push_back({t.channel, false, {}});
      it = std::prev(groups.end());
    }
    it->members.push_back(&t);
  }
  std::vector<TopicRequest> out;
  for (const Group& g : groups) {
    const std::size_t per = g.symbolless ? 1 : symbols_per_request(g.channel, max_symbols_per_request);
    for (std::size_t k = 0; k < g.members.size(); k += per) {
      TopicRequest r;
      r.topic.assign(g.channel);
      char sep = ':';
      for (std::size_t i = k; i < std::min(k + per, g.members.size()); ++i) {
        const DataTopic& t = *g.members[i];
        if (!t.symbol.empty()) {
          r.topic += sep;
          r.topic += t.symbol;
          sep = ',';
        }
        r.is_private = t.is_private;
        r.data_topics.push_back(t);
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

Result<CandleKey> split_candle_symbol(std::string_view s) {
  const auto us = s.rfind('_');
  if (us == std::string_view::npos || us == 0 || us + 1 == s.size()) {
    return fail(Errc::invalid_argument, "candle topic symbol " + quoted(s) + " is not SYMBOL_interval");
  }
  return CandleKey{s.substr(0, us), s.substr(us + 1)};
}

Result<std::vector<PlannedConnection>> plan_connections(std::span<const Topic> topics, const PlannerConfig& config) {
  // 1. The data topics, each once, in the order of their channel's first appearance (a symbol-less
  //    topic apart from its channel's symbols).
  struct Group {
    std::string_view channel;
    bool symbolless = false;
    std::vector<DataTopic> members;
  };
  std::vector<Group> groups;
  std::unordered_set<std::string> seen;
  for (const Topic& t : topics) {
    if (auto r = check_channel(t.channel, "plan_connections"); !r) return Unexpected{std::move(r).error()};
    if (auto r = check_symbol_rule(t); !r) {
      return fail(Errc::invalid_argument, "plan_connections: " + std::move(r).error().message);
    }
    const bool symbolless = t.symbols.empty();
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const Group& g) { return g.channel == t.channel && g.symbolless == symbolless; });
    if (it == groups.end()) {
      groups.push_back(Group{t.channel, symbolless, {}});
      it = std::prev(groups.end());
    }
    for (DataTopic& d : expand_topic(t)) {
      if (seen.insert(d.text).second) it->members.push_back(std::move(d));
    }
  }

  // 2. Fill connections in order, public and private separately; then each connection's requests
  //    (group_requests: the same grouping the client sends).
  const std::size_t limit = config.max_topics_per_connection;
  std::vector<PlannedConnection> out;
  std::vector<std::vector<DataTopic>> members;
  std::size_t current[2] = {SIZE_MAX, SIZE_MAX};  // index in `out` of the open public / private connection
  for (Group& g : groups) {
    for (DataTopic& d : g.members) {
      std::size_t& cur = current[d.is_private ? 1 : 0];
      if (cur == SIZE_MAX || (limit != 0 && out[cur].weight >= limit)) {
        out.push_back(PlannedConnection{d.is_private, {}, 0});
        members.emplace_back();
        cur = out.size() - 1;
      }
      members[cur].push_back(std::move(d));
      out[cur].weight += 1;
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (TopicRequest& r : group_requests(members[i], config.max_symbols_per_request))
      out[i].topics.push_back(std::move(r.topic));
  }
  return out;
}

}  // namespace kucoin
