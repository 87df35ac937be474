// Any client under test: `kucoin-harness run --client "COMMAND ..."` runs each case of the suite
// with the user's program in place of our MarketDataClient. The runner starts the embedded mock
// as for our own client (same market, faults and snapshot plan), starts the program with the
// mock's URL, API key and symbols in its environment, and checks every book the program reports
// on its standard output against the mock's truth at the report's sequence
// (LiveMarket::truth_at). The protocol: clients/README.md.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "kucoin/runner/live_books.hpp"

namespace kucoin::runner {

// The environment variables a client under test gets (besides the runner's own environment).
inline constexpr const char* kEnvRestUrl = "KH_REST_URL";               // http://127.0.0.1:PORT or https://...
inline constexpr const char* kEnvApiKey = "KH_API_KEY";                 // unset: public snapshots only
inline constexpr const char* kEnvApiSecret = "KH_API_SECRET";           //
inline constexpr const char* kEnvApiPassphrase = "KH_API_PASSPHRASE";   // plain text (sign it for key version 2)
inline constexpr const char* kEnvApiKeyVersion = "KH_API_KEY_VERSION";  // "2"
inline constexpr const char* kEnvCaFile = "KH_CA_FILE";                 // TLS only: the mock's CA (PEM)
inline constexpr const char* kEnvSymbols = "KH_SYMBOLS";                // BTC-USDT,ETH-USDT,...
inline constexpr const char* kEnvCase = "KH_CASE";                      // the case's name (for logs)

struct ExternalClientOptions {
  std::string command;  // run by /bin/sh -c, once per case
  // After the books reached the truth's end the runner writes "stop" on the program's stdin and
  // closes it; SIGTERM (to its process group) after `stop_grace`, SIGKILL `term_grace` later.
  std::chrono::milliseconds stop_grace{2'000};
  std::chrono::milliseconds term_grace{1'000};
  // Once the mock has produced every message of every symbol, the books must reach the end within
  // this long (a client stuck behind, say at a sequence that restarted lower, fails fast).
  std::chrono::milliseconds settle{5'000};
  std::size_t stderr_tail = 2'000;  // bytes of the program's stderr kept for a failure message
};

// Runs one case with the external program. Never throws for a failing run; never waits past the
// deadline plus the stop graces. The outcome's books, events and failure as for run_live_case;
// resync expectations (counts and causes) are not checked: the program's reports are the proof.
LiveOutcome run_external_case(const LiveCase& c, const ExternalClientOptions& o,
                              std::chrono::milliseconds deadline = std::chrono::seconds(30));

}  // namespace kucoin::runner
