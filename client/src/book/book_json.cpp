#include "kucoin/book/book_json.hpp"

#include <limits>

#include "kucoin/core/decimal.hpp"

namespace kucoin {

void append_book_json(std::string& out, const BookView& v) {
  out += R"({"sequence":)";
  append_int(out, v.sequence);
  out += R"(,"exact_depth":)";
  if (v.exact_depth == std::numeric_limits<std::size_t>::max()) {
    out += "null";
  } else {
    append_int(out, static_cast<std::int64_t>(v.exact_depth));
  }
  for (Side side : {Side::bid, Side::ask}) {
    out += side == Side::bid ? R"(,"bids":[)" : R"(,"asks":[)";
    bool first = true;
    if (v.book != nullptr) {
      v.book->for_each(side, [&](const L2Level& l) {
        if (!first) out += ',';
        first = false;
        out += "[\"";
        append_decimal(out, l.price);
        out += "\",\"";
        append_decimal(out, l.size);
        out += "\"]";
        return true;
      });
    }
    out += ']';
  }
  out += '}';
}

}  // namespace kucoin
