#include "kucoin/mock/futures_market.hpp"

#include <algorithm>

#include "kucoin/core/decimal.hpp"
#include "kucoin/mock/rest_service.hpp"
#include "kucoin/protocol/futures_codec.hpp"

namespace kucoin::mock {

bool is_futures_symbol(std::string_view symbol) noexcept {
  if (symbol.empty() || symbol.size() > 32) return false;
  return std::all_of(symbol.begin(), symbol.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

FuturesContract default_contract_setup(std::string_view symbol, GeneratorConfig& g) {
  FuturesContract c;
  c.symbol = std::string(symbol);
  c.status = "Open";
  c.lot_size = Quantity{1, 0};
  const bool usdt = symbol.find("USDT") != std::string_view::npos;
  const bool usdc = symbol.find("USDC") != std::string_view::npos;
  c.quote_currency = usdt ? "USDT" : usdc ? "USDC" : "USD";
  c.inverse = !usdt && !usdc;
  const auto quote_at = symbol.find(c.quote_currency);
  c.base_currency = std::string(symbol.substr(0, quote_at == std::string_view::npos ? symbol.size() : quote_at));
  g.symbol = c.symbol;
  g.calibration_percent = 0;
  g.min_batch = g.max_batch = 1;  // one change, one sequence a message
  if (c.base_currency == "XBT") {
    c.tick_size = Price{1, 1};
    c.multiplier = c.inverse ? Quantity{1, 0} : Quantity{1, 3};
    g.scale = SymbolScale{1, 0};
    g.mid_price = 900'000;  // 90000.0
  } else {
    c.tick_size = Price{1, 2};
    c.multiplier = c.inverse ? Quantity{1, 0} : Quantity{1, 2};
    g.scale = SymbolScale{2, 0};
    g.mid_price = 300'000;  // 3000.00
  }
  return c;
}

namespace {
GeneratorConfig stream_config(std::string_view symbol, std::size_t levels, std::uint64_t seed, FuturesContract& c) {
  GeneratorConfig g;
  g.levels_per_side = levels;
  g.seed = seed;
  c = default_contract_setup(symbol, g);
  return g;
}
}  // namespace

FuturesStream::FuturesStream(std::string_view symbol, std::size_t levels_per_side, std::uint64_t seed)
    : generator_(stream_config(symbol, levels_per_side, seed, contract_)), sequence_(generator_.sequence()) {}

const L2Update& FuturesStream::next() {
  const L2Update& u = generator_.next();  // one change a message (default_contract_setup)
  sequence_ = u.sequence_end;
  return u;
}

L2Snapshot FuturesStream::snapshot() const { return generator_.snapshot(); }

namespace {

FuturesRestAnswer error_answer(int status, std::string_view code, std::string_view msg) {
  FuturesRestAnswer a;
  a.status = status;
  a.code = std::string(code);
  a.body = R"({"code":")";
  a.body += code;
  a.body += R"(","msg":")";
  a.body += msg;
  a.body += "\"}";
  return a;
}

}  // namespace

std::optional<FuturesRestAnswer> answer_futures_market(std::string_view path, std::string_view query,
                                                       const FuturesBooks& books, std::int64_t now_ms) {
  FuturesRestAnswer a;
  if (path == "/api/v1/timestamp") {
    a.body = R"({"code":"200000","data":)";
    append_int(a.body, now_ms);
    a.body += '}';
    return a;
  }
  if (path == "/api/v1/contracts/active") {
    encode_futures_contracts_response(books.contracts, a.body);
    return a;
  }
  std::size_t depth = 0;
  if (path == "/api/v1/level2/depth20") {
    depth = 20;
  } else if (path == "/api/v1/level2/depth100") {
    depth = 100;
  } else if (path != "/api/v1/level2/snapshot") {
    return std::nullopt;
  }
  const std::string symbol = query_param(query, "symbol");
  if (symbol.empty()) return error_answer(400, "400100", "symbol is required");
  const bool listed = std::any_of(books.contracts.begin(), books.contracts.end(),
                                  [&](const FuturesContract& c) { return c.symbol == symbol; });
  std::optional<L2Snapshot> book = listed && books.book ? books.book(symbol) : std::nullopt;
  if (!book) return error_answer(200, "300000", "Contract does not exist");
  if (depth != 0) {
    if (book->bids.size() > depth) book->bids.resize(depth);
    if (book->asks.size() > depth) book->asks.resize(depth);
  }
  FuturesSnapshot s{symbol, now_ms * 1'000'000, std::move(*book)};
  encode_futures_snapshot_response(s, a.body);
  return a;
}

}  // namespace kucoin::mock
