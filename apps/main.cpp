// kucoin-harness: the command line of the project.
#include <CLI/CLI.hpp>

#include <iostream>

#include "synthetic_replay.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kucoin-harness: KuCoin client, mock server, scenarios, recordings and benchmarks"};
  app.require_subcommand(1);

  kucoin::apps::SyntheticReplayOptions replay;
  auto add_replay_options = [&](CLI::App* cmd) {
    cmd->add_option("--seed", replay.seed, "generator seed")->capture_default_str();
    cmd->add_option("--messages", replay.messages, "messages to generate")->capture_default_str()->check(CLI::Range(1, 50'000'000));
    cmd->add_option("--levels", replay.levels, "levels per side")->capture_default_str()->check(CLI::Range(1, 1'000'000));
    cmd->add_option("--snapshot-at", replay.snapshot_at, "market messages produced when the REST snapshot is taken")->capture_default_str();
    cmd->add_option("--snapshot-arrives", replay.snapshot_arrives,
                    "frames the client has received when the snapshot arrives (fewer than --snapshot-at: snapshot ahead of the socket)")
        ->capture_default_str();
  };
  auto* run = app.add_subcommand("run", "the main job: replay a generated level2 stream through the synchronizer");
  add_replay_options(run);
  auto* synth = app.add_subcommand("replay-synthetic", "generate a seeded level2 stream, replay it, check the book");
  add_replay_options(synth);

  CLI11_PARSE(app, argc, argv);
  if (run->parsed() || synth->parsed()) return kucoin::apps::run_synthetic_replay(replay, std::cout);
  return 0;
}
