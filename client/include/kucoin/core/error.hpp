// Typed errors of the pure layers (decimal, codec, book, synchronizer).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace kucoin {

enum class Errc : std::uint8_t {
  ok = 0,
  parse_error,          // not JSON, truncated JSON, trailing garbage
  missing_field,        // a required field is absent
  wrong_type,           // a field has the wrong JSON type
  bad_number,           // a number string is not a plain non-negative decimal
  number_too_long,      // more digits than any KuCoin value has
  precision_exceeded,   // more fractional digits than an exact decimal keeps (18), or than asked for
  out_of_range,         // does not fit the fixed-point integer
  protocol_violation,   // well-formed JSON that breaks KuCoin's rules (e.g. sequenceStart > sequenceEnd)
  unexpected_message,   // a valid frame of another kind than the decoder was asked for
  api_error,            // a KuCoin envelope whose code is not "200000"
  buffer_overflow,      // a bounded buffer dropped data
  invariant_violation,  // crossed/locked book, non-positive size
  invalid_argument,     // a caller passed something unusable
};

std::string_view to_string(Errc code) noexcept;

// A number that no exact representation here holds (more than 18 significant digits or decimals,
// an absurdly long number): retrying the same data cannot help.
constexpr bool is_unrepresentable_number(Errc c) noexcept {
  return c == Errc::precision_exceeded || c == Errc::out_of_range || c == Errc::number_too_long;
}

// A stream's data that could not be read (truncated or malformed JSON, a missing field, broken
// sequence rules, a crossed book, a dropped buffer): the book it feeds must be rebuilt from a fresh
// snapshot. Not for numbers no exact decimal holds (retrying the same data cannot help: the book
// stops) nor for a caller's invalid argument or an API error.
constexpr bool needs_resync(Errc c) noexcept {
  switch (c) {
    case Errc::parse_error:
    case Errc::missing_field:
    case Errc::wrong_type:
    case Errc::bad_number:
    case Errc::protocol_violation:
    case Errc::unexpected_message:
    case Errc::buffer_overflow:
    case Errc::invariant_violation: return true;
    default: return false;
  }
}

struct Error {
  Errc code = Errc::ok;
  std::string message;  // what went wrong and where, for people; never contains secrets

  std::string describe() const;  // "<code>: <message>"
};

inline std::ostream& operator<<(std::ostream& os, const Error& e) { return os << e.describe(); }
inline bool needs_resync(const Error& e) noexcept { return needs_resync(e.code); }

}  // namespace kucoin
