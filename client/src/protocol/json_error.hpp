// Internal: simdjson errors as the project's typed errors (shared by the JSON decoders).
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "kucoin/core/error.hpp"

namespace kucoin::detail {

inline Errc errc_of(simdjson::error_code e) noexcept {
  switch (e) {
    case simdjson::INCORRECT_TYPE: return Errc::wrong_type;
    case simdjson::NO_SUCH_FIELD: return Errc::missing_field;
    case simdjson::NUMBER_OUT_OF_RANGE: return Errc::out_of_range;
    case simdjson::NUMBER_ERROR: return Errc::bad_number;
    default: return Errc::parse_error;
  }
}

// "<where>: <simdjson's description>"
inline Error json_error(simdjson::error_code e, std::string_view where) {
  Error err{errc_of(e), std::string(where)};
  err.message += ": ";
  err.message += simdjson::error_message(e);
  return err;
}

}  // namespace kucoin::detail
