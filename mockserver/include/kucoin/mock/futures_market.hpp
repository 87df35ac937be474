// The mock's KuCoin Futures market, pure: the listing of a contract and the generator settings
// that go with it (the same MarketGenerator as spot, with integer lots and no price-0 rows), the
// stream of one futures message per sequence, and the futures host's market-data REST answers
// (contracts, full snapshot, depth20/100, KuCoin-shaped errors) built from the same truth, so
// that a snapshot is always consistent with the stream. Time is an argument.
// kucoin-protocol.md §1, §2.6, §7, §8.5.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/mock/market_generator.hpp"
#include "kucoin/protocol/futures_messages.hpp"

namespace kucoin::mock {

// A futures contract id as KuCoin writes them: letters and digits without a '-' ("XBTUSDTM").
bool is_futures_symbol(std::string_view symbol) noexcept;

// The mock's listing of a contract: XBT* at 90000.0 with 0.1 ticks and 0.001 XBT a lot, anything
// else at 3000.00 with 0.01 ticks and 0.01 base units a lot; "...USDM" (no T) is inverse (1 USD a
// lot). Fills in `g.symbol`, `g.scale` (price decimals of the tick, size decimals 0),
// `g.mid_price`, `g.calibration_percent` (0: futures streams have no price-0 rows) and the batch
// (one change a message: a futures message carries one change and one sequence).
FuturesContract default_contract_setup(std::string_view symbol, GeneratorConfig& g);

// A seeded futures market of one contract: one change and one sequence a message (what
// `/contractMarket/level2` carries), with the truth after each.
class FuturesStream {
 public:
  FuturesStream(std::string_view symbol, std::size_t levels_per_side, std::uint64_t seed);
  // The next futures message (valid until the next call).
  const L2Update& next();
  // The truth at the sequence of the last message returned by next() (or the start).
  L2Snapshot snapshot() const;
  std::int64_t sequence() const noexcept { return sequence_; }
  const FuturesContract& contract() const noexcept { return contract_; }

 private:
  FuturesContract contract_;
  MarketGenerator generator_;
  std::int64_t sequence_ = 0;
};

// The answer of the futures host to one market-data request.
struct FuturesRestAnswer {
  int status = 200;
  std::string code = "200000";
  std::string body;
};

// What the futures REST answers read: the contracts and each one's book now.
struct FuturesBooks {
  std::span<const FuturesContract> contracts;
  // The full book of a listed contract now; nullopt for an unknown one.
  std::function<std::optional<L2Snapshot>(std::string_view symbol)> book;
};

// GET /api/v1/contracts/active, /api/v1/level2/snapshot, /api/v1/level2/depth20|100 and
// /api/v1/timestamp of the futures host at `now_ms`; nullopt for any other path. Errors are
// KuCoin-shaped: a missing symbol HTTP 400 with code 400100, an unknown contract HTTP 200 with
// code 300000 (futures' "request parameter illegal", §2.6; the live message text is unconfirmed).
std::optional<FuturesRestAnswer> answer_futures_market(std::string_view path, std::string_view query,
                                                       const FuturesBooks& books, std::int64_t now_ms);

}  // namespace kucoin::mock
