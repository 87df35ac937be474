#include "kucoin/mock/fault_plan.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace kucoin::mock {

namespace {

using K = Fault::Kind;

constexpr std::array<std::pair<K, std::string_view>, 17> kNames{{
    {K::drop, "drop"},
    {K::duplicate, "duplicate"},
    {K::reorder, "reorder"},
    {K::sequence_jump, "sequence_jump"},
    {K::sequence_reset, "sequence_reset"},
    {K::stall, "stall"},
    {K::disconnect, "disconnect"},
    {K::token_expiry, "token_expiry"},
    {K::network_stall, "network_stall"},
    {K::handover, "handover"},
    {K::rest_answer, "rest_answer"},
    {K::no_welcome, "no_welcome"},
    {K::no_pong, "no_pong"},
    {K::close_after, "close_after"},
    {K::refuse_upgrade, "refuse_upgrade"},
    {K::slow_reader, "slow_reader"},
    {K::network, "network"},
}};

StreamFault::Kind stream_kind(K k) noexcept {
  switch (k) {
    case K::duplicate: return StreamFault::Kind::duplicate;
    case K::reorder: return StreamFault::Kind::reorder;
    case K::sequence_jump: return StreamFault::Kind::sequence_jump;
    case K::sequence_reset: return StreamFault::Kind::sequence_reset;
    case K::stall: return StreamFault::Kind::stall;
    case K::disconnect: return StreamFault::Kind::disconnect;
    case K::token_expiry: return StreamFault::Kind::token_expiry;
    case K::network_stall: return StreamFault::Kind::network_stall;
    case K::handover: return StreamFault::Kind::handover;
    default: return StreamFault::Kind::drop;
  }
}

}  // namespace

std::string_view to_string(Fault::Kind k) noexcept {
  for (const auto& [kind, name] : kNames) {
    if (kind == k) return name;
  }
  return "?";
}

std::optional<Fault::Kind> parse_fault_kind(std::string_view name) noexcept {
  for (const auto& [kind, n] : kNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

std::vector<std::string> fault_kind_names() {
  std::vector<std::string> v;
  for (const auto& [kind, name] : kNames) {
    if (!name.empty()) v.emplace_back(name);
  }
  return v;
}

bool is_stream_kind(Fault::Kind k) noexcept { return k <= K::handover; }

std::int64_t stream_message_at(std::int64_t time_ms, double pace) noexcept {
  const double rate = pace > 0 ? pace : kNominalStreamRate;
  return static_cast<std::int64_t>(
             std::floor(static_cast<double>(std::max<std::int64_t>(0, time_ms)) * rate / 1000.0)) +
         1;
}

std::vector<StreamFault> FaultPlan::stream_faults(double pace) const {
  std::vector<StreamFault> out;
  for (const Fault& f : faults) {
    if (!is_stream_kind(f.kind)) continue;
    StreamFault s;
    s.kind = stream_kind(f.kind);
    s.symbol = f.symbol;
    s.at = f.at;
    if (f.at_time_ms >= 0) s.at = Trigger{Trigger::Kind::message, stream_message_at(f.at_time_ms, pace)};
    s.count = f.kind == K::stall || f.kind == K::network_stall ? f.ms : f.count;
    s.amount = f.amount;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<RestFault> FaultPlan::rest_faults() const {
  std::vector<RestFault> out;
  for (const Fault& f : faults) {
    if (f.kind == K::rest_answer) out.push_back(f.rest);
  }
  return out;
}

WsFaults FaultPlan::ws_faults(WsFaults w) const {
  for (const Fault& f : faults) {
    switch (f.kind) {
      case K::no_welcome:
        w.no_welcome = true;
        w.no_welcome_count = f.count > 0 ? static_cast<int>(f.count) : -1;
        break;
      case K::no_pong: w.no_pong = true; break;
      case K::close_after:
        if (f.count > 0) w.close_after_frames = f.count;
        if (f.ms > 0) w.close_after_ms = f.ms;
        break;
      case K::refuse_upgrade:
        w.refuse_upgrade_status = f.status;
        w.refuse_upgrade_count = static_cast<int>(f.count);
        break;
      case K::slow_reader: w.slow_reader_backlog = static_cast<std::size_t>(std::max<std::int64_t>(1, f.count)); break;
      default: break;
    }
  }
  return w;
}

NetworkPlan FaultPlan::network() const {
  NetworkPlan p;
  p.seed = seed;
  bool handed_over = false;
  for (const Fault& f : faults) {
    if (f.kind == K::network) p.conditions = f.network;
    if (f.kind == K::network_stall || f.kind == K::handover) p.events = true;
    if (f.kind == K::handover) {
      p.after_handover = f.network;
      handed_over = true;
    }
  }
  if (!handed_over) p.after_handover = p.conditions;
  return p;
}

std::size_t FaultPlan::count(bool (*pred)(Fault::Kind)) const {
  std::size_t n = 0;
  for (const Fault& f : faults) n += pred(f.kind) ? 1U : 0U;
  return n;
}

}  // namespace kucoin::mock
