#include "kucoin/core/error.hpp"

namespace kucoin {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::ok: return "ok";
    case Errc::parse_error: return "parse_error";
    case Errc::missing_field: return "missing_field";
    case Errc::wrong_type: return "wrong_type";
    case Errc::bad_number: return "bad_number";
    case Errc::number_too_long: return "number_too_long";
    case Errc::precision_exceeded: return "precision_exceeded";
    case Errc::out_of_range: return "out_of_range";
    case Errc::protocol_violation: return "protocol_violation";
    case Errc::unexpected_message: return "unexpected_message";
    case Errc::api_error: return "api_error";
    case Errc::buffer_overflow: return "buffer_overflow";
    case Errc::invariant_violation: return "invariant_violation";
    case Errc::invalid_argument: return "invalid_argument";
  }
  return "unknown";
}

std::string Error::describe() const {
  std::string out{to_string(code)};
  if (!message.empty()) {
    out += ": ";
    out += message;
  }
  return out;
}

}  // namespace kucoin
