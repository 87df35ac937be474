// KuCoin REST envelope and typed payloads, both directions (pure; simdjson stays out of this header).
//
//   success: HTTP 200 {"code":"200000","data":<payload>}       error: {"code":"400005","msg":"..."}
//
// Decoders take the HTTP status and the body and return the typed value or an ApiError classified
// by rest_error.hpp. Encoders (used by the mock server) append KuCoin's exact shapes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/core/result.hpp"
#include "kucoin/core/types.hpp"
#include "kucoin/protocol/bullet.hpp"
#include "kucoin/protocol/futures_messages.hpp"
#include "kucoin/protocol/l2_messages.hpp"
#include "kucoin/protocol/rest_error.hpp"

namespace kucoin {

// GET /api/v1/status
struct ServiceStatus {
  std::string status;  // open | close | cancelonly
  std::string msg;
  bool operator==(const ServiceStatus&) const = default;
};

// One element of GET /api/v2/symbols (the fields a market-data client needs; decimals kept as the
// exact strings KuCoin sends).
struct SymbolInfo {
  std::string symbol;  // "BTC-USDT"
  std::string name;
  std::string base_currency;   // "BTC"
  std::string quote_currency;  // "USDT"
  std::string market;          // "USDS"
  std::string base_min_size;   // "0.00001"
  std::string base_increment;  // "0.00000001"
  std::string quote_increment;
  std::string price_increment;  // "0.1"
  bool enable_trading = false;
  SymbolScale scale;  // decimals of price_increment / base_increment
  bool operator==(const SymbolInfo&) const = default;
};

// One element of GET /api/v1/accounts. Amounts are decimal strings (currency-dependent precision).
struct Account {
  std::string id;
  std::string currency;
  std::string type;  // main | trade | margin | trade_hf
  std::string balance;
  std::string available;
  std::string holds;
  bool operator==(const Account&) const = default;
};

// Reusable decoder (one simdjson parser). Not thread-safe: one per thread/connection.
class RestDecoder {
 public:
  RestDecoder();
  ~RestDecoder();
  RestDecoder(RestDecoder&&) noexcept;
  RestDecoder& operator=(RestDecoder&&) noexcept;
  RestDecoder(const RestDecoder&) = delete;
  RestDecoder& operator=(const RestDecoder&) = delete;

  // Only the envelope: ok when HTTP 200 and code "200000"; the data is not looked at.
  Result<void, ApiError> envelope(int http_status, std::string_view body);

  Result<std::int64_t, ApiError> server_time(int http_status, std::string_view body);  // ms
  Result<ServiceStatus, ApiError> service_status(int http_status, std::string_view body);
  Result<std::vector<SymbolInfo>, ApiError> symbols(int http_status, std::string_view body);
  Result<std::vector<Account>, ApiError> accounts(int http_status, std::string_view body);
  Result<BulletToken, ApiError> bullet(int http_status, std::string_view body);
  // level2_20 / level2_100 / v3 full book (decoded by L2Decoder with `scale`).
  Result<L2Snapshot, ApiError> snapshot(int http_status, std::string_view body, SymbolScale scale);
  // The futures host's GET /api/v1/contracts/active and level2 snapshot / depth20 / depth100
  // (decoded by FuturesDecoder; `scale`: the contract's, FuturesContract::scale()).
  Result<std::vector<FuturesContract>, ApiError> futures_contracts(int http_status, std::string_view body);
  Result<FuturesSnapshot, ApiError> futures_snapshot(int http_status, std::string_view body, std::string_view symbol,
                                                     SymbolScale scale);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Encoders. They append to `out`.
void encode_error_body(std::string_view code, std::string_view msg, std::string& out);
void encode_server_time(std::int64_t time_ms, std::string& out);
void encode_service_status(const ServiceStatus& status, std::string& out);
void encode_symbols(const std::vector<SymbolInfo>& symbols, std::string& out);
void encode_symbol(const SymbolInfo& symbol, std::string& out);         // GET /api/v2/symbols/{symbol}
void append_symbol_object(const SymbolInfo& symbol, std::string& out);  // one element, no envelope
void encode_accounts(const std::vector<Account>& accounts, std::string& out);

}  // namespace kucoin
