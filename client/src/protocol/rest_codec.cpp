#include "kucoin/protocol/rest_codec.hpp"

#include <simdjson.h>

#include <charconv>
#include <optional>

#include "kucoin/core/decimal.hpp"
#include "kucoin/protocol/futures_codec.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin {

namespace od = simdjson::ondemand;

namespace {

constexpr std::size_t kMaxMsg = 256;

// Printable, bounded copy of a server-provided text (msg or a non-JSON body).
std::string clean_text(std::string_view s, std::size_t limit = kMaxMsg) {
  std::string out;
  out.reserve(std::min(s.size(), limit));
  for (char c : s) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  return out;
}

Unexpected<Error> json_fail(simdjson::error_code e, std::string_view where) {
  std::string msg{where};
  msg += ": ";
  msg += simdjson::error_message(e);
  return fail(e == simdjson::INCORRECT_TYPE ? Errc::wrong_type : Errc::parse_error, std::move(msg));
}

// A string field that may also be null or absent (-> "").
Result<void> read_string(od::value v, std::string& out, std::string_view where) {
  od::json_type t;
  if (auto e = v.type().get(t)) return json_fail(e, where);
  if (t == od::json_type::null) {
    out.clear();
    return {};
  }
  std::string_view s;
  if (auto e = v.get_string().get(s)) return json_fail(e, where);
  out.assign(s.data(), s.size());
  return {};
}

// An integer given as a JSON number or a numeric string.
Result<std::int64_t> read_int(od::value v, std::string_view where) {
  od::json_type t;
  if (auto e = v.type().get(t)) return json_fail(e, where);
  if (t == od::json_type::string) {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return json_fail(e, where);
    auto r = parse_int(s);
    if (!r) return fail(r.error().code, std::string(where) + ": " + r.error().message);
    return *r;
  }
  std::int64_t n = 0;
  if (auto e = v.get_int64().get(n)) return json_fail(e, where);
  return n;
}

Result<std::string> read_code(od::value v) {
  od::json_type t;
  if (auto e = v.type().get(t)) return json_fail(e, "code");
  if (t == od::json_type::number) {
    std::int64_t n = 0;
    if (auto e = v.get_int64().get(n)) return json_fail(e, "code");
    return std::to_string(n);
  }
  std::string_view s;
  if (auto e = v.get_string().get(s)) return json_fail(e, "code");
  return clean_text(s, 32);
}

Result<bool> read_bool(od::value v, std::string_view where) {
  od::json_type t;
  if (auto e = v.type().get(t)) return json_fail(e, where);
  if (t == od::json_type::string) {  // lenient: "true"/"false"
    std::string_view s;
    if (auto e = v.get_string().get(s)) return json_fail(e, where);
    if (s == "true") return true;
    if (s == "false") return false;
    return fail(Errc::wrong_type, std::string(where) + ": not a boolean");
  }
  bool b = false;
  if (auto e = v.get_bool().get(b)) return json_fail(e, where);
  return b;
}

#define KUCOIN_TRY(expr)                                                 \
  do {                                                                   \
    if (auto _r = (expr); !_r) return Unexpected{std::move(_r).error()}; \
  } while (0)

#define KUCOIN_TRY_ASSIGN(lhs, expr)                   \
  do {                                                 \
    auto _r = (expr);                                  \
    if (!_r) return Unexpected{std::move(_r).error()}; \
    lhs = std::move(*_r);                              \
  } while (0)

// Calls on_field(key, value) for each field of the object `v`; errors name `where`.
template <class F>
Result<void> for_each_field(od::value v, const std::string& where, F&& on_field) {
  od::object o;
  if (auto e = v.get_object().get(o)) return json_fail(e, where);
  for (auto f_r : o) {
    od::field f;
    if (auto e = std::move(f_r).get(f)) return json_fail(e, where);
    std::string_view k;
    if (auto e = f.unescaped_key().get(k)) return json_fail(e, where + " key");
    KUCOIN_TRY(on_field(k, f.value()));
  }
  return {};
}

// Calls on_element(value) for each element of the array `v`; errors name `where`.
template <class F>
Result<void> for_each_element(od::value v, const std::string& where, F&& on_element) {
  od::array arr;
  if (auto e = v.get_array().get(arr)) return json_fail(e, where);
  for (auto el_r : arr) {
    od::value el;
    if (auto e = std::move(el_r).get(el)) return json_fail(e, where + "[]");
    KUCOIN_TRY(on_element(el));
  }
  return {};
}

}  // namespace

struct RestDecoder::Impl {
  od::parser parser;
  std::string buffer;
  L2Decoder l2;
  FuturesDecoder futures;

  // Walks {"code":..,"msg":..,"data":..}; calls on_data(value) for data. The KuCoin error, if any,
  // wins over a data decoding failure.
  template <class OnData>
  Result<void, ApiError> walk(int status, std::string_view body, bool need_data, OnData&& on_data) {
    auto problem = [&](std::string msg) {
      ApiError e;
      e.http_status = status;
      e.kind = status == 200 ? ApiErrorKind::bad_response : classify(status, {});
      e.msg = std::move(msg);
      return Unexpected<ApiError>{std::move(e)};
    };
    const std::size_t need = body.size() + simdjson::SIMDJSON_PADDING;
    if (buffer.capacity() < need) buffer.reserve(need * 2);
    buffer.assign(body.data(), body.size());
    od::document doc;
    od::object obj;
    if (parser.iterate(buffer.data(), buffer.size(), buffer.capacity()).get(doc) || doc.get_object().get(obj)) {
      return problem(body.empty() ? std::string("empty body") : "not a KuCoin JSON envelope: " + clean_text(body, 120));
    }
    std::string code, msg;
    bool have_code = false, have_data = false;
    std::optional<Error> data_error;
    for (auto field_r : obj) {
      od::field field;
      if (auto e = std::move(field_r).get(field)) {
        if (!data_error) data_error = json_fail(e, "response").error;
        break;
      }
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) {
        data_error = json_fail(e, "response key").error;
        break;
      }
      if (key == "code") {
        auto c = read_code(field.value());  // KuCoin sends a string; accept a number too
        if (!c) return problem("code: " + c.error().message);
        code = std::move(*c);
        have_code = true;
      } else if (key == "msg") {
        std::string m;
        if (read_string(field.value(), m, "msg")) msg = clean_text(m);
      } else if (key == "data") {
        have_data = true;
        if (auto r = on_data(field.value()); !r) {
          data_error = std::move(r).error();
          break;  // the parser may be in an error state now
        }
      }
    }
    if (have_code && (code != "200000" || status != 200)) {
      ApiError e;
      e.http_status = status;
      e.code = code == "200000" ? std::string() : code;
      e.kind = classify(status, e.code);
      e.msg = std::move(msg);
      return Unexpected<ApiError>{std::move(e)};
    }
    if (data_error) return problem("data: " + data_error->describe());
    if (!have_code) return problem("response without code");
    if (const char* loc = nullptr; !doc.current_location().get(loc)) {
      return problem("trailing content after the JSON envelope");
    }
    if (need_data && !have_data) return problem("response without data");
    return {};
  }
};

RestDecoder::RestDecoder() : impl_(std::make_unique<Impl>()) {}
RestDecoder::~RestDecoder() = default;
RestDecoder::RestDecoder(RestDecoder&&) noexcept = default;
RestDecoder& RestDecoder::operator=(RestDecoder&&) noexcept = default;

Result<void, ApiError> RestDecoder::envelope(int http_status, std::string_view body) {
  return impl_->walk(http_status, body, false, [](od::value) -> Result<void> { return {}; });
}

Result<std::int64_t, ApiError> RestDecoder::server_time(int http_status, std::string_view body) {
  std::int64_t t = 0;
  auto r = impl_->walk(http_status, body, true, [&](od::value v) -> Result<void> {
    KUCOIN_TRY_ASSIGN(t, read_int(v, "data"));
    if (t <= 0) return fail(Errc::out_of_range, "data: server time is not positive");
    return {};
  });
  if (!r) return Unexpected{std::move(r).error()};
  return t;
}

Result<ServiceStatus, ApiError> RestDecoder::service_status(int http_status, std::string_view body) {
  ServiceStatus s;
  auto r = impl_->walk(http_status, body, true, [&](od::value v) -> Result<void> {
    const auto status_fields = for_each_field(v, "data", [&](std::string_view k, od::value fv) -> Result<void> {
      if (k == "status") return read_string(fv, s.status, "data.status");
      if (k == "msg") return read_string(fv, s.msg, "data.msg");
      return {};
    });
    if (!status_fields) return status_fields;
    if (s.status.empty()) return fail(Errc::missing_field, "data.status");
    return {};
  });
  if (!r) return Unexpected{std::move(r).error()};
  return s;
}

Result<std::vector<SymbolInfo>, ApiError> RestDecoder::symbols(int http_status, std::string_view body) {
  std::vector<SymbolInfo> out;
  auto r = impl_->walk(http_status, body, true, [&](od::value v) -> Result<void> {
    return for_each_element(v, "data", [&](od::value el) -> Result<void> {
      SymbolInfo s;
      const auto symbol_fields = for_each_field(el, "data[]", [&](std::string_view k, od::value fv) -> Result<void> {
        if (k == "symbol") return read_string(fv, s.symbol, "symbol");
        if (k == "name") return read_string(fv, s.name, "name");
        if (k == "baseCurrency") return read_string(fv, s.base_currency, "baseCurrency");
        if (k == "quoteCurrency") return read_string(fv, s.quote_currency, "quoteCurrency");
        if (k == "market") return read_string(fv, s.market, "market");
        if (k == "baseMinSize") return read_string(fv, s.base_min_size, "baseMinSize");
        if (k == "baseIncrement") return read_string(fv, s.base_increment, "baseIncrement");
        if (k == "quoteIncrement") return read_string(fv, s.quote_increment, "quoteIncrement");
        if (k == "priceIncrement") return read_string(fv, s.price_increment, "priceIncrement");
        if (k == "enableTrading") KUCOIN_TRY_ASSIGN(s.enable_trading, read_bool(fv, "enableTrading"));
        return {};
      });
      if (!symbol_fields) return symbol_fields;
      if (s.symbol.empty()) return fail(Errc::missing_field, "data[].symbol");
      if (!s.price_increment.empty()) {
        auto d = decimals_of_increment(s.price_increment);
        if (!d) return fail(d.error().code, s.symbol + " priceIncrement: " + d.error().message);
        s.scale.price_decimals = static_cast<std::uint8_t>(*d);
      }
      if (!s.base_increment.empty()) {
        auto d = decimals_of_increment(s.base_increment);
        if (!d) return fail(d.error().code, s.symbol + " baseIncrement: " + d.error().message);
        s.scale.size_decimals = static_cast<std::uint8_t>(*d);
      }
      out.push_back(std::move(s));
      return {};
    });
  });
  if (!r) return Unexpected{std::move(r).error()};
  return out;
}

Result<std::vector<Account>, ApiError> RestDecoder::accounts(int http_status, std::string_view body) {
  std::vector<Account> out;
  auto r = impl_->walk(http_status, body, true, [&](od::value v) -> Result<void> {
    return for_each_element(v, "data", [&](od::value el) -> Result<void> {
      Account a;
      const auto account_fields = for_each_field(el, "data[]", [&](std::string_view k, od::value fv) -> Result<void> {
        if (k == "id") return read_string(fv, a.id, "id");
        if (k == "currency") return read_string(fv, a.currency, "currency");
        if (k == "type") return read_string(fv, a.type, "type");
        if (k == "balance") return read_string(fv, a.balance, "balance");
        if (k == "available") return read_string(fv, a.available, "available");
        if (k == "holds") return read_string(fv, a.holds, "holds");
        return {};
      });
      if (!account_fields) return account_fields;
      if (a.currency.empty()) return fail(Errc::missing_field, "data[].currency");
      out.push_back(std::move(a));
      return {};
    });
  });
  if (!r) return Unexpected{std::move(r).error()};
  return out;
}

Result<BulletToken, ApiError> RestDecoder::bullet(int http_status, std::string_view body) {
  BulletToken out;
  auto r = impl_->walk(http_status, body, true, [&](od::value v) -> Result<void> {
    const auto bullet_fields = for_each_field(v, "data", [&](std::string_view k, od::value fv) -> Result<void> {
      if (k == "token") {
        std::string t;
        KUCOIN_TRY(read_string(fv, t, "data.token"));
        out.token = Secret(std::move(t));
      } else if (k == "instanceServers") {
        return for_each_element(fv, "data.instanceServers", [&](od::value el) -> Result<void> {
          InstanceServer s;
          s.ping_interval_ms = -1;
          s.ping_timeout_ms = -1;
          const auto server_fields =
              for_each_field(el, "data.instanceServers[]", [&](std::string_view sk, od::value sv) -> Result<void> {
                if (sk == "endpoint") return read_string(sv, s.endpoint, "endpoint");
                if (sk == "protocol") return read_string(sv, s.protocol, "protocol");
                if (sk == "encrypt") KUCOIN_TRY_ASSIGN(s.encrypt, read_bool(sv, "encrypt"));
                if (sk == "pingInterval") KUCOIN_TRY_ASSIGN(s.ping_interval_ms, read_int(sv, "pingInterval"));
                if (sk == "pingTimeout") KUCOIN_TRY_ASSIGN(s.ping_timeout_ms, read_int(sv, "pingTimeout"));
                return {};
              });
          if (!server_fields) return server_fields;
          if (s.endpoint.empty()) return fail(Errc::missing_field, "data.instanceServers[].endpoint");
          if (s.ping_interval_ms <= 0)
            return fail(Errc::missing_field, "data.instanceServers[].pingInterval (positive)");
          if (s.ping_timeout_ms <= 0) return fail(Errc::missing_field, "data.instanceServers[].pingTimeout (positive)");
          out.servers.push_back(std::move(s));
          return {};
        });
      } else if (k == "tokenValidFor") {
        auto ms = read_int(fv, "data.tokenValidFor");
        if (!ms) {
          return fail(ms.error().code,
                      "data.tokenValidFor must be a positive integer of milliseconds (" + ms.error().message + ")");
        }
        if (*ms <= 0)
          return fail(Errc::out_of_range, "data.tokenValidFor must be positive, got " + std::to_string(*ms));
        out.token_valid_for_ms = *ms;
      }
      return {};
    });
    if (!bullet_fields) return bullet_fields;
    if (out.token.empty()) return fail(Errc::missing_field, "data.token");
    if (out.servers.empty()) return fail(Errc::missing_field, "data.instanceServers (none)");
    return {};
  });
  if (!r) return Unexpected{std::move(r).error()};
  return out;
}

Result<L2Snapshot, ApiError> RestDecoder::snapshot(int http_status, std::string_view body, SymbolScale scale) {
  L2Snapshot out;
  if (http_status == 200) {
    auto r = impl_->l2.decode_snapshot(body, scale, out);
    if (r) return out;
    if (r.error().code != Errc::api_error) {
      ApiError e;
      e.kind = ApiErrorKind::bad_response;
      e.http_status = http_status;
      e.msg = "level2 snapshot: " + r.error().describe();
      e.data_error = r.error().code;
      return Unexpected{std::move(e)};
    }
  }
  auto env = envelope(http_status, body);
  if (!env) return Unexpected{std::move(env).error()};
  ApiError e;  // HTTP 200 + "200000" but L2Decoder reported an api error: cannot happen; be safe
  e.kind = ApiErrorKind::bad_response;
  e.http_status = http_status;
  e.msg = "level2 snapshot: inconsistent envelope";
  return Unexpected{std::move(e)};
}

namespace {

// A futures body FuturesDecoder could not read: the KuCoin error of the envelope when there is
// one, else a bad response naming what was wrong.
template <class T>
Result<T, ApiError> futures_failure(RestDecoder& d, int http_status, std::string_view body, const Error& error,
                                    std::string_view what) {
  if (auto env = d.envelope(http_status, body); !env) return Unexpected{std::move(env).error()};
  ApiError e;
  e.kind = ApiErrorKind::bad_response;
  e.http_status = http_status;
  e.msg = std::string(what) + ": " + error.describe();
  e.data_error = error.code;
  return Unexpected{std::move(e)};
}

}  // namespace

Result<std::vector<FuturesContract>, ApiError> RestDecoder::futures_contracts(int http_status, std::string_view body) {
  std::vector<FuturesContract> out;
  if (http_status == 200) {
    auto r = impl_->futures.decode_contracts(body, out);
    if (r) return out;
    return futures_failure<std::vector<FuturesContract>>(*this, http_status, body, r.error(), "contracts");
  }
  return futures_failure<std::vector<FuturesContract>>(*this, http_status, body, Error{Errc::api_error, ""},
                                                       "contracts");
}

Result<FuturesSnapshot, ApiError> RestDecoder::futures_snapshot(int http_status, std::string_view body,
                                                                std::string_view symbol, SymbolScale scale) {
  FuturesSnapshot out;
  if (http_status == 200) {
    impl_->futures.scales().set(symbol, scale);
    auto r = impl_->futures.decode_snapshot(body, symbol, out);
    if (r) return out;
    return futures_failure<FuturesSnapshot>(*this, http_status, body, r.error(), "futures level2 snapshot");
  }
  return futures_failure<FuturesSnapshot>(*this, http_status, body, Error{Errc::api_error, ""},
                                          "futures level2 snapshot");
}

Result<BulletToken, ApiError> decode_bullet_response(int http_status, std::string_view body) {
  RestDecoder d;
  return d.bullet(http_status, body);
}

// ---------------------------------------------------------------------------------------- encoders

namespace {

// Quoted, escaped JSON string.
void append_json_str(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_field(std::string& out, std::string_view key, std::string_view value, bool comma = true) {
  if (comma) out += ',';
  append_json_str(out, key);
  out += ':';
  append_json_str(out, value);
}
}  // namespace

void encode_error_body(std::string_view code, std::string_view msg, std::string& out) {
  out += "{\"code\":";
  append_json_str(out, code);
  out += ",\"msg\":";
  append_json_str(out, msg);
  out += '}';
}

void encode_server_time(std::int64_t time_ms, std::string& out) {
  out += R"({"code":"200000","msg":"success","data":)";
  append_int(out, time_ms);
  out += '}';
}

void encode_service_status(const ServiceStatus& s, std::string& out) {
  out += R"({"code":"200000","data":{)";
  append_field(out, "status", s.status, false);
  append_field(out, "msg", s.msg);
  out += "}}";
}

void append_symbol_object(const SymbolInfo& s, std::string& out) {
  out += '{';
  append_field(out, "symbol", s.symbol, false);
  append_field(out, "name", s.name.empty() ? s.symbol : s.name);
  append_field(out, "baseCurrency", s.base_currency);
  append_field(out, "quoteCurrency", s.quote_currency);
  append_field(out, "feeCurrency", s.quote_currency);
  append_field(out, "market", s.market);
  append_field(out, "baseMinSize", s.base_min_size);
  append_field(out, "quoteMinSize", "0.1");
  append_field(out, "baseMaxSize", "10000000000");
  append_field(out, "quoteMaxSize", "99999999");
  append_field(out, "baseIncrement", s.base_increment);
  append_field(out, "quoteIncrement", s.quote_increment);
  append_field(out, "priceIncrement", s.price_increment);
  append_field(out, "priceLimitRate", "0.1");
  append_field(out, "minFunds", "0.1");
  out += R"(,"isMarginEnabled":false,"enableTrading":)";
  out += s.enable_trading ? "true" : "false";
  out +=
      R"(,"feeCategory":1,"makerFeeCoefficient":"1.00","takerFeeCoefficient":"1.00","st":false,"callauctionIsEnabled":false})";
}

void encode_symbols(const std::vector<SymbolInfo>& symbols, std::string& out) {
  out += R"({"code":"200000","data":[)";
  bool first = true;
  for (const SymbolInfo& s : symbols) {
    if (!first) out += ',';
    first = false;
    append_symbol_object(s, out);
  }
  out += "]}";
}

void encode_symbol(const SymbolInfo& symbol, std::string& out) {
  out += R"({"code":"200000","data":)";
  append_symbol_object(symbol, out);
  out += '}';
}

void encode_accounts(const std::vector<Account>& accounts, std::string& out) {
  out += R"({"code":"200000","data":[)";
  bool first = true;
  for (const Account& a : accounts) {
    if (!first) out += ',';
    first = false;
    out += '{';
    append_field(out, "id", a.id, false);
    append_field(out, "currency", a.currency);
    append_field(out, "type", a.type);
    append_field(out, "balance", a.balance);
    append_field(out, "available", a.available);
    append_field(out, "holds", a.holds);
    out += '}';
  }
  out += "]}";
}

void encode_bullet_response(const BulletToken& token, std::string& out) {
  out += R"({"code":"200000","data":{"token":)";
  append_json_str(out, token.token.reveal());
  out += R"(,"instanceServers":[)";
  bool first = true;
  for (const InstanceServer& s : token.servers) {
    if (!first) out += ',';
    first = false;
    out += '{';
    append_field(out, "endpoint", s.endpoint, false);
    out += R"(,"encrypt":)";
    out += s.encrypt ? "true" : "false";
    append_field(out, "protocol", s.protocol);
    out += R"(,"pingInterval":)";
    append_int(out, s.ping_interval_ms);
    out += R"(,"pingTimeout":)";
    append_int(out, s.ping_timeout_ms);
    out += '}';
  }
  out += ']';
  if (token.token_valid_for_ms) {
    out += R"(,"tokenValidFor":)";
    append_int(out, *token.token_valid_for_ms);
  }
  out += "}}";
}

}  // namespace kucoin
