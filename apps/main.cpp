// kucoin-harness: the command line of the project.
#include <CLI/CLI.hpp>

#include <iostream>

#include "capture_tools.hpp"
#include "live_suite.hpp"
#include "load.hpp"
#include "record.hpp"
#include "serve.hpp"
#include "symbols.hpp"
#include "watch.hpp"
#include "synthetic_replay.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "kucoin-harness: a KuCoin client, a mock KuCoin server with faults, and the fault suite that checks one against "
      "the other"};
  app.require_subcommand(1);

  kucoin::apps::SyntheticReplayOptions replay;
  auto add_replay_options = [&](CLI::App* cmd) {
    cmd->add_option("--seed", replay.seed, "generator seed")->capture_default_str();
    cmd->add_option("--messages", replay.messages, "messages to generate")
        ->capture_default_str()
        ->check(CLI::Range(1, 50'000'000));
    cmd->add_option("--levels", replay.levels, "levels per side")
        ->capture_default_str()
        ->check(CLI::Range(1, 1'000'000));
    cmd->add_option("--snapshot-at", replay.snapshot_at, "market messages produced when the REST snapshot is taken")
        ->capture_default_str();
    cmd->add_option("--snapshot-arrives", replay.snapshot_arrives,
                    "frames the client has received when the snapshot arrives (fewer than --snapshot-at: snapshot "
                    "ahead of the socket)")
        ->capture_default_str();
  };
  kucoin::apps::LiveSuiteOptions live;
  auto* run = app.add_subcommand("run",
                                 "the main job: scenario files (scenarios/*.yaml): live books of several symbols "
                                 "through the embedded mock's faults, checked against its truth");
  run->add_option("FILE|DIR", live.paths, "scenario files or folders (default: the bundled suite, scenarios/)");
  live.scenarios_dir = KUCOIN_SCENARIOS_DIR;
  run->add_option("--scenarios", live.scenarios_dir, "the bundled suite's folder")->capture_default_str();
  run->add_option("--filter", live.filter, "run the scenarios whose name contains one of these")->delimiter(',');
  run->add_option("--shard", live.shard, "K/N: run the Kth of N shares of the scenarios (CI matrices)");
  run->add_option("--case", live.cases, "run only these scenarios, by exact name (see --list)")->delimiter(',');
  run->add_flag("--list", live.list, "list the scenarios and exit");
  run->add_option("--symbols", live.suite.symbols, "rename the scenarios' symbols, in order")
      ->delimiter(',')
      ->capture_default_str();
  run->add_option("--messages", live.suite.messages, "messages per symbol (overrides the scenarios')")
      ->capture_default_str()
      ->check(CLI::Range(1'100, 5'000'000));
  run->add_option("--levels", live.suite.levels, "levels per side (overrides the scenarios')")
      ->capture_default_str()
      ->check(CLI::Range(10, 100'000));
  run->add_option("--seed", live.suite.seed, "market seed (overrides the scenarios')");
  run->add_flag("--tls", live.suite.tls, "run over TLS (wss:// and https:// with the mock's generated CA)");
  run->add_flag("--verbose,-v", live.verbose, "print every book event (but updates) of every case");
  run->add_option("--junit", live.junit, "also write a JUnit XML report of the cases to this file (for CI)");
  run->add_option("--repeat", live.repeat,
                  "run each case N times with the same seed; a case fails unless every run's outcome trace is the same "
                  "(the first difference is printed)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  run->add_option("--trace", live.trace,
                  "write each case's outcome trace (JSON lines: snapshots served, faults, frames, book events, final "
                  "books) to this file, to diff runs across machines");
  run->add_option("--client", live.client,
                  "run this command (by /bin/sh -c) in place of our client for each case: it gets the mock's URL, key "
                  "and symbols in KH_* variables and reports its books as JSON lines on stdout (clients/README.md)");
  run->add_flag("--shrink", live.shrink,
                "for each failing scenario, search a smaller one that fails the same way (fewer messages, symbols, "
                "faults, levels) and write it as NAME_shrunk.yaml next to the --junit/--trace report (else here)");
  run->add_option("--shrink-runs", live.shrink_runs, "the most candidate runs --shrink makes per scenario")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  auto* synth = app.add_subcommand("replay-synthetic", "generate a seeded level2 stream, replay it, check the book");
  add_replay_options(synth);

  kucoin::apps::ServeOptions serve;
  auto* serve_cmd =
      app.add_subcommand("serve", "start the mock KuCoin server (REST and WebSocket) on loopback; Ctrl-C stops it");
  serve_cmd->add_option("--config", serve.config_file,
                        "YAML configuration (see mockserver/README.md); flags override it");
  serve_cmd->add_option("--scenario", serve.scenario,
                        "serve a scenario file's market, REST settings and faults (scenarios/README.md) by hand");
  serve_cmd->add_option("--host", serve.host, "IP address to listen on (default 127.0.0.1)");
  serve_cmd->add_option("--port", serve.port, "port (default 0: any free port, printed at start)")
      ->check(CLI::Range(0, 65535));
  serve_cmd->add_flag("--tls", serve.tls, "serve https:// (a CA and certificate are generated unless --cert/--key)");
  serve_cmd->add_option("--cert", serve.cert_file, "server certificate chain (PEM); implies --tls");
  serve_cmd->add_option("--key", serve.key_file, "server private key (PEM)");
  serve_cmd->add_option("--ca-out", serve.ca_out, "write the PEM certificate clients should trust to this file");
  serve_cmd->add_option("--api-key", serve.api_key, "an API key the mock accepts");
  serve_cmd->add_option("--api-secret", serve.api_secret, "its secret (prefer the YAML file: flags show in ps)");
  serve_cmd->add_option("--api-passphrase", serve.api_passphrase, "its passphrase");
  serve_cmd->add_option("--key-version", serve.key_version, "its KC-API-KEY-VERSION: 1, 2 or 3")->capture_default_str();
  serve_cmd->add_option("--clock-offset-ms", serve.clock_offset_ms, "server clock skew in ms (400002 scenarios)");
  serve_cmd->add_option("--symbols", serve.symbols, "symbols served (default BTC-USDT ETH-USDT)")->delimiter(',');
  serve_cmd
      ->add_option("--futures-symbols", serve.futures_symbols,
                   "also serve the KuCoin Futures host on its own port with these contracts (XBTUSDTM,ETHUSDTM): "
                   "a live futures market (--levels, --seed, --messages apply)")
      ->delimiter(',');
  serve_cmd->add_flag(
      "--live", serve.live,
      "stream level2, level2Depth5/50, ticker, level1, snapshot and match over WebSocket from one truth per "
      "symbol that REST snapshots, tickers and trades share");
  serve_cmd->add_option("--levels", serve.levels, "levels a side of each generated book (default 300, live 2000)")
      ->check(CLI::Range(std::size_t{10}, std::size_t{1'000'000}));
  serve_cmd->add_option("--seed", serve.seed, "seed of the generated market (default 42)")
      ->check(CLI::NonNegativeNumber);
  serve_cmd->add_option("--messages", serve.messages,
                        "live: messages per symbol, then the stream ends (default endless)");
  serve_cmd
      ->add_option("--pace", serve.pace,
                   "live: level2 frames per second per symbol (default 50; 0: as fast as the socket takes them)")
      ->check(CLI::NonNegativeNumber);
  serve_cmd->add_flag("--realism", serve.realism,
                      "values real KuCoin books have off the increments: sizes past baseIncrement, huge sizes, prices "
                      "finer than the tick");
  serve_cmd->add_option("--threads", serve.threads, "server threads (default 1)");
  serve_cmd->add_flag("--quiet", serve.quiet, "do not log requests on stderr");
  serve_cmd->add_option("--replay", serve.replay,
                        "serve a capture (kucoin-harness record): its books over REST and its level2 stream over "
                        "WebSocket");
  serve_cmd->add_option("--speed", serve.speed, "--replay: the recorded spacing of the frames divided by X, or max")
      ->capture_default_str();
  serve_cmd->add_option("--from", serve.from, "--replay: start at this sequence, or this far in (12.5s, 1500ms)");
  serve_cmd->add_flag("--loop", serve.loop, "--replay: start over at the end (the sequence moves on)");

  kucoin::apps::WatchOptions watch;
  auto* watch_cmd = app.add_subcommand(
      "watch", "live books from KuCoin or the mock: events as they happen and a status line per book every interval");
  watch_cmd->add_option("--url", watch.url, "REST base URL (KuCoin, or the mock's URL from `serve --live`)")
      ->capture_default_str();
  watch_cmd->add_option("--symbols", watch.symbols, "symbols")->delimiter(',')->capture_default_str();
  watch_cmd->add_option("--depth", watch.depth, "0: full level2 books; 5 or 50: level2Depth channels")
      ->capture_default_str();
  watch_cmd->add_option("--seconds", watch.seconds, "stop after this long (default: at Ctrl-C)");
  watch_cmd->add_option("--interval-ms", watch.interval_ms, "a status line per book this often")->capture_default_str();
  watch_cmd->add_option("--ca-file", watch.ca_file, "also trust this CA certificate (PEM), e.g. the mock's --ca-out");
  watch_cmd->add_flag("--events", watch.events, "print every book event (but updates)");
  watch_cmd->add_flag("--futures", watch.futures,
                      "KuCoin Futures: --url is the futures host (default https://api-futures.kucoin.com), --symbols "
                      "are contracts (default XBTUSDTM); sizes are lots");
  watch_cmd->add_option(
      "--dump", watch.dump,
      "when stopping, write every book to FILE as one JSON object (exact decimal strings, best first)");
  watch_cmd->footer(
      "Credentials (full signed snapshots) come from KUCOIN_API_KEY, KUCOIN_API_SECRET, KUCOIN_API_PASSPHRASE and\n"
      "KUCOIN_API_KEY_VERSION (default 2); without them snapshots are level2_100 (books exact in the top 100).");

  kucoin::apps::RecordOptions record;
  auto* record_cmd = app.add_subcommand(
      "record", "record a session (WebSocket frames, REST snapshots, lifecycle) to a capture file; Ctrl-C stops");
  record_cmd->add_option("--url", record.url, "REST base URL (KuCoin, or the mock)")->capture_default_str();
  record_cmd->add_option("--symbols", record.symbols, "symbols")->delimiter(',')->capture_default_str();
  record_cmd
      ->add_option("--topics", record.topics,
                   "level2 (full books: snapshots at start and on every resync), ticker, match, depth5, depth50, "
                   "level1, snapshot, or a channel")
      ->delimiter(',')
      ->capture_default_str();
  record_cmd->add_option("--out", record.out, "capture file (JSON lines; zstd when it ends in .zst)")->required();
  record_cmd->add_option("--seconds", record.seconds, "stop after this long (default: at Ctrl-C or SIGTERM)");
  record_cmd->add_option("--rotate-mb", record.rotate_mb,
                         "start a new file (with its own header and fresh snapshots) after this many MB");
  record_cmd->add_option("--rotate-minutes", record.rotate_minutes, "start a new file after this many minutes");
  record_cmd
      ->add_option("--zstd-level", record.zstd_level,
                   "compression level for .zst files: 1-19, or -1 to -100 (zstd's fast levels: faster, larger)")
      ->capture_default_str();
  record_cmd
      ->add_option("--zstd-workers", record.zstd_workers,
                   "threads of libzstd's own that compress .zst files (0: on the recorder's writer thread)")
      ->capture_default_str();
  record_cmd
      ->add_option("--max-queue-mb", record.max_queue_mb,
                   "frames read and not yet written, at most: past it the reading waits for the writer (0: no bound)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  record_cmd->add_option("--progress-ms", record.progress_ms, "a progress line this often (0: none)")
      ->capture_default_str();
  record_cmd->add_option("--ca-file", record.ca_file, "also trust this CA certificate (PEM), e.g. the mock's --ca-out");
  record_cmd->add_option("--note", record.note, "provenance text written into the capture's header");
  record_cmd->add_flag("--futures", record.futures,
                       "KuCoin Futures: --url is the futures host (default https://api-futures.kucoin.com), --symbols "
                       "contracts (default XBTUSDTM); level2 only");
  record_cmd->footer(
      "Credentials (full signed snapshots) come from KUCOIN_API_KEY, KUCOIN_API_SECRET, KUCOIN_API_PASSPHRASE and\n"
      "KUCOIN_API_KEY_VERSION; the capture never holds them (keys, signatures, passphrases and tokens are redacted).");

  kucoin::apps::ImportOptions import_opts;
  auto* import_cmd = app.add_subcommand(
      "import", "turn a frame log of another tool (JSON lines of recv_ns, kind, url, payload) into a capture");
  import_cmd->add_option("FRAMELOG", import_opts.frame_log, "the frame log (recordings/README.md#import)")->required();
  import_cmd->add_option("OUT", import_opts.out, "the capture to write (.zst: compressed)")->required();

  kucoin::apps::InspectOptions inspect;
  auto* inspect_cmd =
      app.add_subcommand("inspect", "what a capture holds: symbols, spans, message counts, gaps, resyncs, disconnects");
  inspect_cmd->add_option("FILE", inspect.file, "the capture (.jsonl or .jsonl.zst)")->required();

  kucoin::apps::ReplayOptions replay_capture;
  auto* replay_cmd = app.add_subcommand(
      "replay",
      "run a capture through our synchronizer offline: gaps, resyncs, crossed books, tickers that disagree with the "
      "book, the price ladder at a point; exit status 1 when a check fails");
  replay_cmd->add_option("FILE", replay_capture.file, "the capture")->required();
  replay_cmd->add_option("--symbol", replay_capture.symbol, "only this symbol (default: every symbol)");
  replay_cmd->add_option("--at", replay_capture.at,
                         "stop at this sequence of the (first) symbol's book, or this far into the capture (12.5s, "
                         "1500ms)");
  replay_cmd->add_option("--ladder", replay_capture.ladder, "levels a side printed")->capture_default_str();
  replay_cmd->add_option("--dump", replay_capture.dump, "write the books to FILE in the format of watch --dump");
  replay_cmd->add_flag("--quiet,-q", replay_capture.quiet, "print only failed checks, not every gap, resync and sync");

  kucoin::runner::LoadOptions load;
  auto* load_cmd = app.add_subcommand(
      "load",
      "many clients against the embedded mock (and --storm: every connection cut while bullet-public "
      "answers 429): books exact, memory, REST latency, the reconnects over time");
  load_cmd->add_option("--clients", load.clients, "clients, each with its own REST and WebSocket connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 5'000));
  load_cmd->add_option("--symbols", load.symbols, "symbols of the market")
      ->capture_default_str()
      ->check(CLI::Range(1, 500));
  load_cmd->add_option("--symbols-per-client", load.symbols_per_client, "symbols each client subscribes to")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  load_cmd->add_option("--messages", load.messages, "messages per symbol")
      ->capture_default_str()
      ->check(CLI::Range(100, 10'000'000));
  load_cmd->add_option("--pace", load.pace, "frames a second per symbol")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 100'000.0));
  load_cmd->add_option("--levels", load.levels, "levels per side")
      ->capture_default_str()
      ->check(CLI::Range(10, 100'000));
  load_cmd->add_option("--seed", load.seed, "market and jitter seed")->capture_default_str();
  load_cmd->add_option("--rate-window-ms", load.rate_window_ms, "the mock's rate-limit window (KuCoin: 30000)")
      ->capture_default_str()
      ->check(CLI::Range(100, 60'000));
  load_cmd->add_flag("--storm", load.storm,
                     "once every book synced: cut every connection while bullet-public answers 429");
  load_cmd->add_option("--storm-429", load.storm_429, "bullet-public requests answered 429 after the cut")
      ->capture_default_str()
      ->check(CLI::Range(0, 1'000'000));
  load_cmd->add_option("--storm-reset-ms", load.storm_reset_ms, "the gw-ratelimit-reset of those answers")
      ->capture_default_str()
      ->check(CLI::Range(1, 60'000));
  int load_deadline_s = 180;
  load_cmd->add_option("--deadline-s", load_deadline_s, "give up after this long")
      ->capture_default_str()
      ->check(CLI::Range(1, 86'400));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints the help, or the error with a hint
    return code == 0 ? 0 : 2;      // usage errors exit 2, as the commands' own checks do
  }
  for (auto* symbols : {&live.suite.symbols, &serve.symbols, &serve.futures_symbols, &watch.symbols, &record.symbols}) {
    if (const std::string bad = kucoin::apps::normalize_symbols(*symbols); !bad.empty()) {
      std::cerr << bad << '\n';
      return 2;
    }
  }
  if (run->parsed() && live.suite.symbols.empty()) {
    std::cerr << "--symbols: give at least one symbol\n";
    return 2;
  }
  if (serve_cmd->parsed()) return kucoin::apps::run_serve(serve, std::cout, std::cerr);
  if (load_cmd->parsed()) {
    if (load.symbols_per_client > load.symbols) {
      std::cerr << "--symbols-per-client: at most --symbols (" << load.symbols << ")\n";
      return 2;
    }
    load.deadline = std::chrono::seconds(load_deadline_s);
    return kucoin::apps::run_load_command(load, std::cout, std::cerr);
  }
  if (run->parsed()) {
    live.seed_given = run->count("--seed") > 0;
    live.symbols_given = run->count("--symbols") > 0;
    live.messages_given = run->count("--messages") > 0;
    live.levels_given = run->count("--levels") > 0;
    return kucoin::apps::run_live_suite(live, std::cout, std::cerr);
  }
  if (watch_cmd->parsed()) {
    if (watch.futures) {
      if (watch_cmd->count("--url") == 0) watch.url = "https://api-futures.kucoin.com";
      if (watch_cmd->count("--symbols") == 0) watch.symbols = {"XBTUSDTM"};
    }
    if (watch.symbols.empty()) {
      std::cerr << "--symbols: give at least one symbol\n";
      return 2;
    }
    return kucoin::apps::run_watch(watch, std::cout, std::cerr);
  }
  if (record_cmd->parsed()) {
    if (record.futures) {
      if (record_cmd->count("--url") == 0) record.url = "https://api-futures.kucoin.com";
      if (record_cmd->count("--symbols") == 0) record.symbols = {"XBTUSDTM"};
    }
    if (record.symbols.empty()) {
      std::cerr << "--symbols: give at least one symbol\n";
      return 2;
    }
    return kucoin::apps::run_record(record, std::cout, std::cerr);
  }
  if (import_cmd->parsed()) return kucoin::apps::run_import(import_opts, std::cout, std::cerr);
  if (inspect_cmd->parsed()) return kucoin::apps::run_inspect(inspect, std::cout, std::cerr);
  if (replay_cmd->parsed()) return kucoin::apps::run_replay(replay_capture, std::cout, std::cerr);
  if (synth->parsed()) return kucoin::apps::run_synthetic_replay(replay, std::cout);
  return 0;
}
