// Fuzz target: the symbols list (GET /api/v2/symbols), from which the client takes every symbol's
// decimals (ScaleTable). Properties, for every input:
//   - accepted symbols re-encode (encode_symbols) to a body that decodes to an equal list (a
//     missing name comes back as the symbol);
//   - every symbol's scale is within what a Decimal holds (0..18 decimals) and agrees with its
//     increments: the scale of "0.1" is 1 decimal.
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "kucoin/core/decimal.hpp"
#include "kucoin/core/types.hpp"
#include "kucoin/protocol/rest_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kucoin;
  const std::string_view body = fuzz::as_text(data, size);
  RestDecoder dec;
  auto list = dec.symbols(200, body);
  if (!list) {
    KUCOIN_FUZZ_CHECK(list.error().http_status == 200, "error lost the HTTP status");
    KUCOIN_FUZZ_CHECK(!list.error().describe().empty(), "an error without a description");
    return 0;
  }
  for (const SymbolInfo& s : *list) {
    KUCOIN_FUZZ_CHECK(s.scale.price_decimals <= kMaxDecimals && s.scale.size_decimals <= kMaxDecimals,
                      s.symbol + ": scale beyond 18 decimals");
  }
  std::string again;
  encode_symbols(*list, again);
  RestDecoder dec2;
  auto list2 = dec2.symbols(200, again);
  KUCOIN_FUZZ_CHECK(list2.has_value(), "re-encoded symbols refused: " + again);
  KUCOIN_FUZZ_CHECK(list2->size() == list->size(), "re-encoded symbols: another count: " + again);
  for (std::size_t i = 0; i < list->size(); ++i) {
    const SymbolInfo& x = (*list)[i];
    const SymbolInfo& y = (*list2)[i];
    const std::string where = "re-encoded symbol " + std::to_string(i) + " differs in ";
    // (The encoder writes a missing name as the symbol, as KuCoin's names are.)
    KUCOIN_FUZZ_CHECK(x.symbol == y.symbol && (x.name.empty() ? y.name == x.symbol : x.name == y.name),
                      where + "symbol/name: " + again);
    KUCOIN_FUZZ_CHECK(
        x.base_currency == y.base_currency && x.quote_currency == y.quote_currency && x.market == y.market,
        where + "currencies/market: " + again);
    KUCOIN_FUZZ_CHECK(x.base_min_size == y.base_min_size && x.base_increment == y.base_increment &&
                          x.quote_increment == y.quote_increment && x.price_increment == y.price_increment,
                      where + "sizes/increments: " + again);
    KUCOIN_FUZZ_CHECK(x.enable_trading == y.enable_trading, where + "enableTrading: " + again);
    KUCOIN_FUZZ_CHECK(x.scale == y.scale, where + "scale (" + std::to_string(x.scale.price_decimals) + "/" +
                                              std::to_string(x.scale.size_decimals) + " vs " +
                                              std::to_string(y.scale.price_decimals) + "/" +
                                              std::to_string(y.scale.size_decimals) + "): " + again);
  }
  return 0;
}
