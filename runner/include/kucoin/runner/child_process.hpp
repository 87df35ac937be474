// A child process for the external-client runs: `/bin/sh -c COMMAND` in its own process group,
// with an environment of our choosing and its stdin, stdout and stderr on pipes the runner reads
// without blocking. The destructor ends it (SIGKILL to its group) and reaps it: a runner never
// leaves a client behind. POSIX only; I/O only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace kucoin::runner {

class ChildProcess {
 public:
  // Starts `command` with exactly `environment` ("NAME=value" entries). The error (empty on
  // success) never shows the environment, which holds secrets.
  static std::optional<ChildProcess> start(const std::string& command, const std::vector<std::string>& environment,
                                           std::string& error);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();

  // Waits up to `timeout` for output; appends what stdout and stderr had. False once both pipes
  // are at their end (the child closed them, usually by exiting).
  bool read(std::chrono::milliseconds timeout, std::string& out, std::string& err);
  // Writes a line to the child's stdin (ignored when it is closed or full).
  void write_line(const std::string& line);
  void close_stdin();
  // The exit status once the child has exited (without waiting): exit code, or 128 + signal.
  std::optional<int> poll_exit();
  // Sends `signal` to the child's process group.
  void signal_group(int signal);
  // The stop sequence: waits up to `grace` for the child to exit by itself (after close_stdin()),
  // then SIGTERM and up to `term_grace` more, then SIGKILL. Returns the exit status and whether it
  // had to be signalled.
  struct Stopped {
    int status = 0;
    bool terminated = false;  // SIGTERM was needed
    bool killed = false;      // SIGKILL was needed
  };
  Stopped stop(std::chrono::milliseconds grace, std::chrono::milliseconds term_grace, std::string& out,
               std::string& err);

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  std::optional<int> status_;
};

}  // namespace kucoin::runner
