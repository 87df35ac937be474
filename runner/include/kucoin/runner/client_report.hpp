// The external-client protocol's reports (clients/README.md): what a client under test
// writes on its standard output, one JSON object a line, and how a reported book is compared with
// the mock's truth. Pure: no I/O.
//
//   {"type":"book","symbol":"BTC-USDT","sequence":123,"exact_depth":null,
//    "bids":[["29999.6","1.70001689"],...],"asks":[...]}
//   {"type":"event","symbol":"BTC-USDT","event":"resync","cause":"gap","detail":"..."}
//   {"type":"log","message":"..."}
//
// A book is the object of `watch --dump` (book_json.hpp) plus "type" and "symbol": bids and asks
// best first, prices and sizes as exact decimal strings, exact_depth the levels per side the
// client knows exact (null: the whole book). Empty lines are ignored; anything else is an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kucoin/protocol/l2_messages.hpp"

namespace kucoin::runner {

struct ReportedBook {
  std::string symbol;
  std::int64_t sequence = 0;
  std::optional<std::size_t> exact_depth;  // nullopt: every level is exact
  std::vector<L2Level> bids, asks;         // best first
};

struct ReportedEvent {
  std::string symbol;  // may be empty (an event of the connection)
  std::string event;   // "resync", "synced", "reconnect", ... (free text for people)
  std::string cause;
  std::string detail;
};

struct ClientReport {
  enum class Kind : std::uint8_t { none, book, event, log } kind = Kind::none;  // none: an empty line
  ReportedBook book;
  ReportedEvent event;
  std::string message;  // log
};

// One line of the client's standard output (without its newline). The error names the key or
// level that is wrong ("bids[3][0]: a decimal string expected, got 29999.6").
struct ParsedReport {
  ClientReport report;
  std::string error;  // empty: parsed
};
ParsedReport parse_client_report(std::string_view line);

// Why a reported book is not the truth (the truth at the report's sequence, full depth, KuCoin
// order: bids descending, asks ascending); empty when it is. With exact_depth only that many
// levels a side are compared (the report may hold more). A crossed report is never equal.
std::string compare_report(const ReportedBook& report, const L2Snapshot& truth);

// The first `max` characters of a line for a message, non-printable bytes as '?'.
std::string excerpt(std::string_view line, std::size_t max = 120);

}  // namespace kucoin::runner
