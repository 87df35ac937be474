#include "kucoin/capture/record.hpp"

#include <array>

namespace kucoin::capture {

namespace {

constexpr std::array<std::pair<RecordKind, std::string_view>, 10> kKinds = {{
    {RecordKind::ws_in, "ws_in"},
    {RecordKind::ws_out, "ws_out"},
    {RecordKind::http_request, "http_request"},
    {RecordKind::http_response, "http_response"},
    {RecordKind::connect, "connect"},
    {RecordKind::welcome, "welcome"},
    {RecordKind::disconnect, "disconnect"},
    {RecordKind::token_fetched, "token_fetched"},
    {RecordKind::gap, "gap"},
    {RecordKind::resync, "resync"},
}};

}  // namespace

std::string_view to_string(RecordKind k) noexcept {
  for (const auto& [kind, text] : kKinds) {
    if (kind == k) return text;
  }
  return "unknown";
}

std::optional<RecordKind> record_kind_from(std::string_view text) noexcept {
  for (const auto& [kind, name] : kKinds) {
    if (name == text) return kind;
  }
  return std::nullopt;
}

std::string_view to_string(Direction d) noexcept {
  switch (d) {
    case Direction::in: return "in";
    case Direction::out: return "out";
    case Direction::local: return "local";
  }
  return "local";
}

std::optional<Direction> direction_from(std::string_view text) noexcept {
  if (text == "in") return Direction::in;
  if (text == "out") return Direction::out;
  if (text == "local") return Direction::local;
  return std::nullopt;
}

Direction direction_of(RecordKind k) noexcept {
  switch (k) {
    case RecordKind::ws_in:
    case RecordKind::http_response:
    case RecordKind::welcome: return Direction::in;
    case RecordKind::ws_out:
    case RecordKind::http_request: return Direction::out;
    default: return Direction::local;
  }
}

}  // namespace kucoin::capture
