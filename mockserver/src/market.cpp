#include "kucoin/mock/market.hpp"

namespace kucoin::mock {

SymbolInfo default_symbol_setup(std::string_view symbol, GeneratorConfig& g) {
  const std::string sym(symbol);
  const auto dash = sym.find('-');
  SymbolInfo info;
  info.symbol = sym;
  info.name = sym;
  info.base_currency = sym.substr(0, dash);
  info.quote_currency = dash == std::string::npos ? "USDT" : sym.substr(dash + 1);
  info.market = "USDS";
  info.enable_trading = true;
  g.symbol = sym;
  if (info.base_currency == "BTC") {
    info.price_increment = "0.1";
    info.base_increment = "0.00000001";
    info.base_min_size = "0.00001";
    info.quote_increment = "0.000001";
    g.scale = SymbolScale{1, 8};
    g.mid_price = 300'000;
  } else {
    info.price_increment = "0.01";
    info.base_increment = "0.0000001";
    info.base_min_size = "0.0001";
    info.quote_increment = "0.000001";
    g.scale = SymbolScale{2, 7};
    g.mid_price = 200'000;
  }
  info.scale = g.scale;
  return info;
}

GeneratedMarket::GeneratedMarket(GeneratedMarketConfig config) : config_(std::move(config)) {
  std::uint64_t seed = config_.seed;
  for (const std::string& sym : config_.symbols) {
    GeneratorConfig g;
    g.levels_per_side = config_.levels_per_side;
    g.seed = seed++;
    g.realism = config_.realism;
    infos_.push_back(default_symbol_setup(sym, g));
    generators_.emplace(sym, MarketGenerator(g));
  }
}

std::vector<SymbolInfo> GeneratedMarket::symbols() const { return infos_; }

std::optional<L2Snapshot> GeneratedMarket::snapshot(std::string_view symbol) {
  std::lock_guard lock(mu_);
  auto it = generators_.find(symbol);
  if (it == generators_.end()) return std::nullopt;
  auto& kept = trades_[it->first];
  for (unsigned i = 0; i < config_.steps_per_snapshot; ++i) {
    it->second.next();
    for (const Trade& t : it->second.trades()) {
      kept.push_back(t);
      if (kept.size() > kTradesKept) kept.pop_front();
    }
  }
  return it->second.snapshot();
}

std::optional<L2Snapshot> GeneratedMarket::peek(std::string_view symbol) {
  std::lock_guard lock(mu_);
  auto it = generators_.find(symbol);
  if (it == generators_.end()) return std::nullopt;
  return it->second.snapshot();
}

std::vector<Trade> GeneratedMarket::trades(std::string_view symbol) const {
  std::lock_guard lock(mu_);
  auto it = trades_.find(symbol);
  if (it == trades_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

SymbolScale GeneratedMarket::scale(std::string_view symbol) const {
  for (const SymbolInfo& s : infos_) {
    if (s.symbol == symbol) return s.scale;
  }
  return SymbolScale{};
}

}  // namespace kucoin::mock
