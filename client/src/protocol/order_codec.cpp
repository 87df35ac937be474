// Order codec (order_codec.hpp): REST answers, placement requests and private pushes. Trading is
// not a hot path: simdjson's DOM, with the envelope's rules left to RestDecoder::envelope.
#include "kucoin/protocol/order_codec.hpp"

#include <simdjson.h>

#include "json_error.hpp"
#include "kucoin/core/decimal.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "kucoin/protocol/ws_codec.hpp"
#include "kucoin/protocol/ws_topic.hpp"

namespace kucoin {

namespace dom = simdjson::dom;

namespace {

#define KUCOIN_ORDER_TRY(expr)                                           \
  do {                                                                   \
    if (auto _r = (expr); !_r) return Unexpected{std::move(_r).error()}; \
  } while (0)

std::string field_name(std::string_view where, std::string_view key) {
  std::string s{where};
  s += '.';
  s += key;
  return s;
}

// A field of `o`: absent (or null) -> nullopt.
Result<std::optional<dom::element>> field(dom::object o, std::string_view key, std::string_view where) {
  dom::element e;
  const auto err = o.at_key(key).get(e);
  if (err == simdjson::NO_SUCH_FIELD) return std::optional<dom::element>{};
  if (err) return Unexpected{detail::json_error(err, field_name(where, key))};
  if (e.is_null()) return std::optional<dom::element>{};
  return std::optional<dom::element>{e};
}

Result<void> read_string(dom::object o, std::string_view key, std::string_view where, std::string& out,
                         bool required = false) {
  auto f = field(o, key, where);
  if (!f) return Unexpected{std::move(f).error()};
  if (!*f) {
    if (required) return fail(Errc::missing_field, field_name(where, key));
    out.clear();
    return {};
  }
  std::string_view s;
  if (auto e = (*f)->get_string().get(s)) return Unexpected{detail::json_error(e, field_name(where, key))};
  out.assign(s);
  return {};
}

// A decimal string ("0.5"; "-0.5" only where `signed_ok`); a JSON number is refused (its exact text
// is not kept).
template <class D>
Result<void> read_decimal(dom::object o, std::string_view key, std::string_view where, std::optional<D>& out,
                          bool signed_ok = false) {
  auto f = field(o, key, where);
  if (!f) return Unexpected{std::move(f).error()};
  if (!*f) {
    out.reset();
    return {};
  }
  std::string_view s;
  if (auto e = (*f)->get_string().get(s)) {
    return fail(Errc::wrong_type, field_name(where, key) + ": a decimal string is expected");
  }
  const bool negative = signed_ok && !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  auto d = parse_decimal(s);
  if (!d) return fail(d.error().code, field_name(where, key) + ": " + d.error().message);
  out = D{negative ? -d->raw : d->raw, d->decimals};
  return {};
}

template <class D>
Result<void> read_decimal_or_zero(dom::object o, std::string_view key, std::string_view where, D& out,
                                  bool signed_ok = false) {
  std::optional<D> v;
  KUCOIN_ORDER_TRY(read_decimal(o, key, where, v, signed_ok));
  out = v.value_or(D{});
  return {};
}

// An integer as a JSON number or a numeric string; absent: unchanged.
Result<void> read_int(dom::object o, std::string_view key, std::string_view where, std::int64_t& out) {
  auto f = field(o, key, where);
  if (!f) return Unexpected{std::move(f).error()};
  if (!*f) return {};
  if ((*f)->is_string()) {
    std::string_view s;
    if (auto e = (*f)->get_string().get(s)) return Unexpected{detail::json_error(e, field_name(where, key))};
    auto n = parse_int(s);
    if (!n) return fail(n.error().code, field_name(where, key) + ": " + n.error().message);
    out = *n;
    return {};
  }
  if (auto e = (*f)->get_int64().get(out)) return Unexpected{detail::json_error(e, field_name(where, key))};
  return {};
}

Result<void> read_bool(dom::object o, std::string_view key, std::string_view where, bool& out) {
  auto f = field(o, key, where);
  if (!f) return Unexpected{std::move(f).error()};
  if (!*f) return {};
  if (auto e = (*f)->get_bool().get(out)) return Unexpected{detail::json_error(e, field_name(where, key))};
  return {};
}

template <class T, class Parse>
Result<void> read_enum(dom::object o, std::string_view key, std::string_view where, T& out, Parse parse,
                       bool required) {
  std::string s;
  KUCOIN_ORDER_TRY(read_string(o, key, where, s, required));
  if (s.empty()) return {};
  auto v = parse(s);
  if (!v) return fail(Errc::protocol_violation, field_name(where, key) + ": unknown value \"" + s + "\"");
  out = *v;
  return {};
}

Result<dom::object> as_object(dom::element e, std::string_view where) {
  dom::object o;
  if (auto err = e.get_object().get(o)) return Unexpected{detail::json_error(err, where)};
  return o;
}

Result<OrderDetails> read_details(dom::object o, std::string_view where) {
  OrderDetails d;
  KUCOIN_ORDER_TRY(read_string(o, "id", where, d.order_id, true));
  KUCOIN_ORDER_TRY(read_string(o, "clientOid", where, d.client_oid));
  KUCOIN_ORDER_TRY(read_string(o, "symbol", where, d.symbol, true));
  KUCOIN_ORDER_TRY(read_enum(o, "side", where, d.side, parse_order_side, true));
  KUCOIN_ORDER_TRY(read_enum(o, "type", where, d.type, parse_order_type, true));
  KUCOIN_ORDER_TRY(read_enum(o, "timeInForce", where, d.time_in_force, parse_time_in_force, false));
  KUCOIN_ORDER_TRY(read_decimal_or_zero(o, "price", where, d.price));
  KUCOIN_ORDER_TRY(read_decimal_or_zero(o, "size", where, d.size));
  KUCOIN_ORDER_TRY(read_decimal_or_zero(o, "funds", where, d.funds));
  KUCOIN_ORDER_TRY(read_decimal_or_zero(o, "dealSize", where, d.deal_size));
  KUCOIN_ORDER_TRY(read_decimal_or_zero(o, "dealFunds", where, d.deal_funds));
  KUCOIN_ORDER_TRY(read_decimal_or_zero(o, "remainSize", where, d.remain_size));
  KUCOIN_ORDER_TRY(read_decimal_or_zero(o, "cancelledSize", where, d.canceled_size));
  KUCOIN_ORDER_TRY(read_decimal_or_zero(o, "fee", where, d.fee));
  KUCOIN_ORDER_TRY(read_string(o, "feeCurrency", where, d.fee_currency));
  KUCOIN_ORDER_TRY(read_bool(o, "postOnly", where, d.post_only));
  KUCOIN_ORDER_TRY(read_bool(o, "active", where, d.active));
  KUCOIN_ORDER_TRY(read_bool(o, "inOrderBook", where, d.in_order_book));
  KUCOIN_ORDER_TRY(read_int(o, "createdAt", where, d.created_at_ms));
  KUCOIN_ORDER_TRY(read_int(o, "lastUpdatedAt", where, d.last_updated_at_ms));
  return d;
}

ApiError bad_data(int http_status, const Error& e) {
  ApiError a;
  a.kind = ApiErrorKind::bad_response;
  a.http_status = http_status;
  a.msg = "data: " + e.describe();
  a.data_error = e.code;
  return a;
}

}  // namespace

struct OrderDecoder::Impl {
  RestDecoder envelope;
  dom::parser parser;

  // The envelope's verdict first, then read(data) on the `data` element.
  template <class T, class Read>
  Result<T, ApiError> answer(int http_status, std::string_view body, Read&& read) {
    if (auto env = envelope.envelope(http_status, body); !env) return Unexpected{std::move(env).error()};
    dom::element doc, data;
    if (auto e = parser.parse(body.data(), body.size()).get(doc)) {
      return Unexpected{bad_data(http_status, detail::json_error(e, "response"))};
    }
    if (auto e = doc["data"].get(data)) return Unexpected{bad_data(http_status, detail::json_error(e, "data"))};
    Result<T> r = read(data);
    if (!r) return Unexpected{bad_data(http_status, r.error())};
    return std::move(*r);
  }

  template <class T, class Read>
  Result<T> push(std::string_view data, std::string_view where, Read&& read) {
    dom::element doc;
    if (auto e = parser.parse(data.data(), data.size()).get(doc)) return Unexpected{detail::json_error(e, where)};
    auto o = as_object(doc, where);
    if (!o) return Unexpected{std::move(o).error()};
    return read(*o);
  }
};

OrderDecoder::OrderDecoder() : impl_(std::make_unique<Impl>()) {}
OrderDecoder::~OrderDecoder() = default;
OrderDecoder::OrderDecoder(OrderDecoder&&) noexcept = default;
OrderDecoder& OrderDecoder::operator=(OrderDecoder&&) noexcept = default;

Result<PlacedOrder, ApiError> OrderDecoder::placed_order(int http_status, std::string_view body) {
  return impl_->answer<PlacedOrder>(http_status, body, [](dom::element data) -> Result<PlacedOrder> {
    auto o = as_object(data, "data");
    if (!o) return Unexpected{std::move(o).error()};
    PlacedOrder p;
    KUCOIN_ORDER_TRY(read_string(*o, "orderId", "data", p.order_id, true));
    KUCOIN_ORDER_TRY(read_string(*o, "clientOid", "data", p.client_oid));
    return p;
  });
}

Result<CanceledOrder, ApiError> OrderDecoder::canceled_order(int http_status, std::string_view body) {
  return impl_->answer<CanceledOrder>(http_status, body, [](dom::element data) -> Result<CanceledOrder> {
    auto o = as_object(data, "data");
    if (!o) return Unexpected{std::move(o).error()};
    CanceledOrder c;
    KUCOIN_ORDER_TRY(read_string(*o, "orderId", "data", c.order_id));
    KUCOIN_ORDER_TRY(read_string(*o, "clientOid", "data", c.client_oid));
    if (c.order_id.empty() && c.client_oid.empty()) return fail(Errc::missing_field, "data.orderId or data.clientOid");
    return c;
  });
}

Result<void, ApiError> OrderDecoder::canceled_all(int http_status, std::string_view body) {
  auto r = impl_->answer<bool>(http_status, body, [](dom::element data) -> Result<bool> {
    std::string_view s;
    if (data.get_string().get(s) || s != "success") {
      return fail(Errc::protocol_violation, "data: \"success\" expected");
    }
    return true;
  });
  if (!r) return Unexpected{std::move(r).error()};
  return {};
}

Result<OrderDetails, ApiError> OrderDecoder::order_details(int http_status, std::string_view body) {
  return impl_->answer<OrderDetails>(http_status, body, [](dom::element data) -> Result<OrderDetails> {
    auto o = as_object(data, "data");
    if (!o) return Unexpected{std::move(o).error()};
    return read_details(*o, "data");
  });
}

Result<std::vector<OrderDetails>, ApiError> OrderDecoder::active_orders(int http_status, std::string_view body) {
  using List = std::vector<OrderDetails>;
  return impl_->answer<List>(http_status, body, [](dom::element data) -> Result<List> {
    dom::array arr;
    if (auto e = data.get_array().get(arr)) return Unexpected{detail::json_error(e, "data")};
    List out;
    for (dom::element el : arr) {
      auto o = as_object(el, "data[]");
      if (!o) return Unexpected{std::move(o).error()};
      auto d = read_details(*o, "data[]");
      if (!d) return Unexpected{std::move(d).error()};
      out.push_back(std::move(*d));
    }
    return out;
  });
}

Result<bool, ApiError> OrderDecoder::hf_account_opened(int http_status, std::string_view body) {
  return impl_->answer<bool>(http_status, body, [](dom::element data) -> Result<bool> {
    bool b = false;
    if (auto e = data.get_bool().get(b)) return Unexpected{detail::json_error(e, "data")};
    return b;
  });
}

Result<OrderRequest> OrderDecoder::order_request(std::string_view body) {
  return impl_->push<OrderRequest>(body, "body", [](dom::object o) -> Result<OrderRequest> {
    OrderRequest r;
    KUCOIN_ORDER_TRY(read_string(o, "clientOid", "body", r.client_oid));
    KUCOIN_ORDER_TRY(read_string(o, "symbol", "body", r.symbol, true));
    KUCOIN_ORDER_TRY(read_enum(o, "side", "body", r.side, parse_order_side, true));
    KUCOIN_ORDER_TRY(read_enum(o, "type", "body", r.type, parse_order_type, true));
    KUCOIN_ORDER_TRY(read_decimal(o, "price", "body", r.price));
    KUCOIN_ORDER_TRY(read_decimal(o, "size", "body", r.size));
    KUCOIN_ORDER_TRY(read_decimal(o, "funds", "body", r.funds));
    TimeInForce tif = TimeInForce::gtc;
    std::string tif_text;
    KUCOIN_ORDER_TRY(read_string(o, "timeInForce", "body", tif_text));
    if (!tif_text.empty()) {
      KUCOIN_ORDER_TRY(read_enum(o, "timeInForce", "body", tif, parse_time_in_force, false));
      r.time_in_force = tif;
    }
    KUCOIN_ORDER_TRY(read_bool(o, "postOnly", "body", r.post_only));
    KUCOIN_ORDER_TRY(read_bool(o, "hidden", "body", r.hidden));
    KUCOIN_ORDER_TRY(read_bool(o, "iceberg", "body", r.iceberg));
    KUCOIN_ORDER_TRY(read_decimal(o, "visibleSize", "body", r.visible_size));
    std::int64_t cancel_after = INT64_MIN;
    KUCOIN_ORDER_TRY(read_int(o, "cancelAfter", "body", cancel_after));
    if (cancel_after != INT64_MIN) r.cancel_after_s = cancel_after;
    KUCOIN_ORDER_TRY(read_string(o, "remark", "body", r.remark));
    if (r.client_oid.size() > 40) return fail(Errc::invalid_argument, "body.clientOid: longer than 40 characters");
    for (char c : r.client_oid) {
      const bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      if (!ok) return fail(Errc::invalid_argument, "body.clientOid: only letters, digits, '_' and '-'");
    }
    if (r.type == OrderType::limit) {
      if (!r.price) return fail(Errc::missing_field, "body.price (a limit order needs a price)");
      if (!r.size) return fail(Errc::missing_field, "body.size (a limit order needs a size)");
      if (r.funds) return fail(Errc::invalid_argument, "body.funds: only for market orders");
    } else {
      if (r.size.has_value() == r.funds.has_value()) {
        return fail(Errc::invalid_argument, "body: a market order needs exactly one of size and funds");
      }
    }
    return r;
  });
}

Result<OrderChange> OrderDecoder::order_change(std::string_view data) {
  return impl_->push<OrderChange>(data, "data", [](dom::object o) -> Result<OrderChange> {
    OrderChange c;
    KUCOIN_ORDER_TRY(read_string(o, "symbol", "data", c.symbol, true));
    KUCOIN_ORDER_TRY(read_string(o, "orderId", "data", c.order_id, true));
    KUCOIN_ORDER_TRY(read_string(o, "clientOid", "data", c.client_oid));
    KUCOIN_ORDER_TRY(read_enum(o, "side", "data", c.side, parse_order_side, true));
    KUCOIN_ORDER_TRY(read_enum(o, "orderType", "data", c.order_type, parse_order_type, false));
    KUCOIN_ORDER_TRY(read_enum(o, "type", "data", c.type, parse_order_event_type, true));
    KUCOIN_ORDER_TRY(read_enum(o, "status", "data", c.status, parse_order_status, true));
    KUCOIN_ORDER_TRY(read_decimal(o, "price", "data", c.price));
    KUCOIN_ORDER_TRY(read_decimal(o, "size", "data", c.size));
    KUCOIN_ORDER_TRY(read_decimal(o, "originSize", "data", c.origin_size));
    KUCOIN_ORDER_TRY(read_decimal(o, "filledSize", "data", c.filled_size));
    KUCOIN_ORDER_TRY(read_decimal(o, "remainSize", "data", c.remain_size));
    KUCOIN_ORDER_TRY(read_decimal(o, "canceledSize", "data", c.canceled_size));
    KUCOIN_ORDER_TRY(read_decimal(o, "oldSize", "data", c.old_size));
    KUCOIN_ORDER_TRY(read_decimal(o, "remainFunds", "data", c.remain_funds));
    KUCOIN_ORDER_TRY(read_decimal(o, "matchPrice", "data", c.match_price));
    KUCOIN_ORDER_TRY(read_decimal(o, "matchSize", "data", c.match_size));
    KUCOIN_ORDER_TRY(read_string(o, "tradeId", "data", c.trade_id));
    KUCOIN_ORDER_TRY(read_string(o, "liquidity", "data", c.liquidity));
    KUCOIN_ORDER_TRY(read_int(o, "orderTime", "data", c.order_time_ms));
    KUCOIN_ORDER_TRY(read_int(o, "ts", "data", c.ts_ns));
    if (c.type == OrderEventType::match && (!c.match_size || c.trade_id.empty())) {
      return fail(Errc::missing_field, "data.matchSize and data.tradeId (a match push)");
    }
    return c;
  });
}

Result<BalanceChange> OrderDecoder::balance_change(std::string_view data) {
  return impl_->push<BalanceChange>(data, "data", [](dom::object o) -> Result<BalanceChange> {
    BalanceChange b;
    KUCOIN_ORDER_TRY(read_string(o, "accountId", "data", b.account_id));
    KUCOIN_ORDER_TRY(read_string(o, "currency", "data", b.currency, true));
    std::optional<Amount> total, available, hold;
    KUCOIN_ORDER_TRY(read_decimal(o, "total", "data", total));
    KUCOIN_ORDER_TRY(read_decimal(o, "available", "data", available));
    KUCOIN_ORDER_TRY(read_decimal(o, "hold", "data", hold));
    if (!total || !available || !hold) return fail(Errc::missing_field, "data.total, data.available and data.hold");
    b.total = *total;
    b.available = *available;
    b.hold = *hold;
    KUCOIN_ORDER_TRY(read_decimal_or_zero(o, "availableChange", "data", b.available_change, true));
    KUCOIN_ORDER_TRY(read_decimal_or_zero(o, "holdChange", "data", b.hold_change, true));
    KUCOIN_ORDER_TRY(read_string(o, "relationEvent", "data", b.relation_event));
    KUCOIN_ORDER_TRY(read_string(o, "relationEventId", "data", b.relation_event_id));
    KUCOIN_ORDER_TRY(read_int(o, "time", "data", b.time_ms));
    auto ctx = field(o, "relationContext", "data");
    if (!ctx) return Unexpected{std::move(ctx).error()};
    if (*ctx) {
      auto co = as_object(**ctx, "data.relationContext");
      if (!co) return Unexpected{std::move(co).error()};
      KUCOIN_ORDER_TRY(read_string(*co, "symbol", "data.relationContext", b.symbol));
      KUCOIN_ORDER_TRY(read_string(*co, "orderId", "data.relationContext", b.order_id));
    }
    return b;
  });
}

// ---------------------------------------------------------------------------------------- encoders

namespace {

void key(std::string& out, std::string_view k, bool& first) {
  if (!first) out += ',';
  first = false;
  append_json_string(out, k);
  out += ':';
}
void str_field(std::string& out, std::string_view k, std::string_view v, bool& first) {
  key(out, k, first);
  append_json_string(out, v);
}
template <class D>
void dec_field(std::string& out, std::string_view k, D d, bool& first) {
  key(out, k, first);
  out += '"';
  append_fixed(out, d.raw, d.decimals);
  out += '"';
}
template <class D>
void opt_dec_field(std::string& out, std::string_view k, const std::optional<D>& d, bool& first) {
  if (d) dec_field(out, k, *d, first);
}
void int_field(std::string& out, std::string_view k, std::int64_t v, bool& first) {
  key(out, k, first);
  append_int(out, v);
}
void bool_field(std::string& out, std::string_view k, bool v, bool& first) {
  key(out, k, first);
  out += v ? "true" : "false";
}

void append_details(const OrderDetails& d, std::string& out) {
  bool first = true;
  out += '{';
  str_field(out, "id", d.order_id, first);
  str_field(out, "clientOid", d.client_oid, first);
  str_field(out, "symbol", d.symbol, first);
  str_field(out, "opType", "DEAL", first);
  str_field(out, "type", to_string(d.type), first);
  str_field(out, "side", to_string(d.side), first);
  dec_field(out, "price", d.price, first);
  dec_field(out, "size", d.size, first);
  dec_field(out, "funds", d.funds, first);
  dec_field(out, "dealSize", d.deal_size, first);
  dec_field(out, "dealFunds", d.deal_funds, first);
  dec_field(out, "remainSize", d.remain_size, first);
  dec_field(out, "cancelledSize", d.canceled_size, first);
  dec_field(out, "fee", d.fee, first);
  str_field(out, "feeCurrency", d.fee_currency, first);
  str_field(out, "timeInForce", to_string(d.time_in_force), first);
  bool_field(out, "postOnly", d.post_only, first);
  bool_field(out, "hidden", false, first);
  bool_field(out, "iceberg", false, first);
  str_field(out, "tradeType", "TRADE", first);
  bool_field(out, "inOrderBook", d.in_order_book, first);
  bool_field(out, "active", d.active, first);
  int_field(out, "createdAt", d.created_at_ms, first);
  int_field(out, "lastUpdatedAt", d.last_updated_at_ms, first);
  out += '}';
}

constexpr std::string_view kOk = R"({"code":"200000","data":)";

}  // namespace

void encode_order_request(const OrderRequest& r, std::string& out) {
  bool first = true;
  out += '{';
  if (!r.client_oid.empty()) str_field(out, "clientOid", r.client_oid, first);
  str_field(out, "symbol", r.symbol, first);
  str_field(out, "side", to_string(r.side), first);
  str_field(out, "type", to_string(r.type), first);
  opt_dec_field(out, "price", r.price, first);
  opt_dec_field(out, "size", r.size, first);
  opt_dec_field(out, "funds", r.funds, first);
  if (r.time_in_force) str_field(out, "timeInForce", to_string(*r.time_in_force), first);
  if (r.post_only) bool_field(out, "postOnly", true, first);
  if (r.hidden) bool_field(out, "hidden", true, first);
  if (r.iceberg) bool_field(out, "iceberg", true, first);
  opt_dec_field(out, "visibleSize", r.visible_size, first);
  if (r.cancel_after_s) int_field(out, "cancelAfter", *r.cancel_after_s, first);
  if (!r.remark.empty()) str_field(out, "remark", r.remark, first);
  out += '}';
}

void encode_placed_order(const PlacedOrder& p, std::string& out) {
  bool first = true;
  out += kOk;
  out += '{';
  str_field(out, "orderId", p.order_id, first);
  str_field(out, "clientOid", p.client_oid, first);
  out += "}}";
}

void encode_canceled_order(const CanceledOrder& c, std::string& out) {
  bool first = true;
  out += kOk;
  out += '{';
  if (!c.order_id.empty()) str_field(out, "orderId", c.order_id, first);
  if (!c.client_oid.empty()) str_field(out, "clientOid", c.client_oid, first);
  out += "}}";
}

void encode_canceled_all(std::string& out) { out += R"({"code":"200000","data":"success"})"; }

void encode_order_details(const OrderDetails& order, std::string& out) {
  out += kOk;
  append_details(order, out);
  out += '}';
}

void encode_active_orders(const std::vector<OrderDetails>& orders, std::string& out) {
  out += kOk;
  out += '[';
  for (std::size_t i = 0; i < orders.size(); ++i) {
    if (i) out += ',';
    append_details(orders[i], out);
  }
  out += "]}";
}

void encode_hf_account_opened(bool opened, std::string& out) {
  out += kOk;
  out += opened ? "true}" : "false}";
}

void append_order_change_data(const OrderChange& c, std::string& out) {
  bool first = true;
  out += '{';
  str_field(out, "symbol", c.symbol, first);
  str_field(out, "orderType", to_string(c.order_type), first);
  str_field(out, "side", to_string(c.side), first);
  str_field(out, "orderId", c.order_id, first);
  if (!c.client_oid.empty()) str_field(out, "clientOid", c.client_oid, first);
  str_field(out, "type", to_string(c.type), first);
  str_field(out, "status", to_string(c.status), first);
  int_field(out, "orderTime", c.order_time_ms, first);
  opt_dec_field(out, "price", c.price, first);
  opt_dec_field(out, "size", c.size, first);
  opt_dec_field(out, "originSize", c.origin_size, first);
  opt_dec_field(out, "filledSize", c.filled_size, first);
  opt_dec_field(out, "remainSize", c.remain_size, first);
  opt_dec_field(out, "canceledSize", c.canceled_size, first);
  opt_dec_field(out, "oldSize", c.old_size, first);
  opt_dec_field(out, "remainFunds", c.remain_funds, first);
  opt_dec_field(out, "matchPrice", c.match_price, first);
  opt_dec_field(out, "matchSize", c.match_size, first);
  if (!c.trade_id.empty()) str_field(out, "tradeId", c.trade_id, first);
  if (!c.liquidity.empty()) str_field(out, "liquidity", c.liquidity, first);
  int_field(out, "ts", c.ts_ns, first);
  out += '}';
}

void append_balance_change_data(const BalanceChange& b, std::string& out) {
  bool first = true;
  out += '{';
  str_field(out, "accountId", b.account_id, first);
  str_field(out, "currency", b.currency, first);
  dec_field(out, "total", b.total, first);
  dec_field(out, "available", b.available, first);
  dec_field(out, "hold", b.hold, first);
  dec_field(out, "availableChange", b.available_change, first);
  dec_field(out, "holdChange", b.hold_change, first);
  if (!b.symbol.empty() || !b.order_id.empty()) {
    key(out, "relationContext", first);
    bool inner = true;
    out += '{';
    if (!b.symbol.empty()) str_field(out, "symbol", b.symbol, inner);
    if (!b.order_id.empty()) str_field(out, "orderId", b.order_id, inner);
    out += '}';
  }
  str_field(out, "relationEvent", b.relation_event, first);
  str_field(out, "relationEventId", b.relation_event_id, first);
  key(out, "time", first);
  out += '"';
  append_int(out, b.time_ms);  // a string on the wire (§8.2)
  out += '"';
  out += '}';
}

void encode_order_change_frame(const OrderChange& change, std::string_view user_id, std::string& out) {
  std::string data;
  append_order_change_data(change, data);
  DataMessage m;
  m.topic = channels::kTradeOrdersV2;
  m.channel = channels::kTradeOrdersV2;
  m.subject = "orderChange";
  m.data = data;
  m.user_id = user_id;
  m.channel_type = "private";
  encode_frame(m, out);
}

void encode_balance_change_frame(const BalanceChange& change, std::string_view user_id, std::string& out) {
  std::string data;
  append_balance_change_data(change, data);
  DataMessage m;
  m.topic = channels::kAccountBalance;
  m.channel = channels::kAccountBalance;
  m.subject = "account.balance";
  m.data = data;
  if (!change.relation_event_id.empty()) m.id = change.relation_event_id;
  m.user_id = user_id;
  m.channel_type = "private";
  encode_frame(m, out);
}

}  // namespace kucoin
