// The order-book source the mock server's REST side reads from. Pluggable: the default is backed
// by one seeded MarketGenerator per symbol; a richer implementation (live books shared with the
// WebSocket side) can replace it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/mock/market_generator.hpp"
#include "kucoin/protocol/rest_codec.hpp"

namespace kucoin::mock {

// Trades a market keeps per symbol for GET /api/v1/market/histories (KuCoin answers the last 100).
inline constexpr std::size_t kTradesKept = 100;

class Market {
 public:
  virtual ~Market() = default;
  // The symbols served by /api/v2/symbols.
  virtual std::vector<SymbolInfo> symbols() const = 0;
  // The full book of `symbol` now, or nullopt for an unknown symbol. Called from server threads.
  virtual std::optional<L2Snapshot> snapshot(std::string_view symbol) = 0;
  // Scale used to encode `symbol`'s prices and sizes.
  virtual SymbolScale scale(std::string_view symbol) const = 0;
  // The book of `symbol` now for tickers, without counting as a served snapshot (snapshot()
  // may move the market or arm snapshot-relative faults). Default: snapshot().
  virtual std::optional<L2Snapshot> peek(std::string_view symbol) { return snapshot(symbol); }
  // The newest trades of `symbol` (at most kTradesKept, oldest first), taken from the same
  // truth as the books. Empty for a market that knows of no trades.
  virtual std::vector<Trade> trades(std::string_view /*symbol*/) const { return {}; }
};

// The mock's listing of a symbol and the generator settings that go with it: BTC-* at 30000.0 with
// 0.1 ticks and 1e-8 sizes, anything else at 2000.00 with 0.01 ticks and 1e-7 sizes. Fills in
// `g.symbol`, `g.scale` and `g.mid_price`.
SymbolInfo default_symbol_setup(std::string_view symbol, GeneratorConfig& g);

struct GeneratedMarketConfig {
  std::vector<std::string> symbols{"BTC-USDT", "ETH-USDT"};
  std::size_t levels_per_side = 300;
  std::uint64_t seed = 42;
  unsigned steps_per_snapshot = 1;  // market messages generated before each snapshot (sequence moves)
  Realism realism;                  // values off the symbols' increments, as real KuCoin books have
};

// Default market: per symbol a MarketGenerator (BTC-* at 30000.0 with 0.1 ticks, others at
// 2000.00 with 0.01 ticks). Thread-safe.
class GeneratedMarket final : public Market {
 public:
  explicit GeneratedMarket(GeneratedMarketConfig config = {});
  std::vector<SymbolInfo> symbols() const override;
  std::optional<L2Snapshot> snapshot(std::string_view symbol) override;
  SymbolScale scale(std::string_view symbol) const override;
  std::vector<Trade> trades(std::string_view symbol) const override;
  std::optional<L2Snapshot> peek(std::string_view symbol) override;

 private:
  mutable std::mutex mu_;
  GeneratedMarketConfig config_;
  std::vector<SymbolInfo> infos_;
  std::map<std::string, MarketGenerator, std::less<>> generators_;
  std::map<std::string, std::deque<Trade>, std::less<>> trades_;
};

}  // namespace kucoin::mock
