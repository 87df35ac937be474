// The kucoin-harness tool as a child process for the integration tests that run it end to end
// (recording_test.cpp, futures_recording_test.cpp): its output read with poll against a deadline
// (no sleeping), signals, and shell commands. Needs KUCOIN_HARNESS_BIN.
#pragma once

#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#ifdef KUCOIN_HARNESS_BIN

namespace kucoin::testing {

using namespace std::chrono_literals;

inline std::string shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

// The tool as a child process; stdout read with poll (no sleeping).
struct Child {
  pid_t pid = -1;
  int out_fd = -1;
  std::string output;

  Child(std::vector<std::string> args, const std::vector<std::pair<std::string, std::string>>& env = {}) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid = fork();
    if (pid == 0) {
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      close(fds[0]);
      close(fds[1]);
      for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
      std::vector<char*> argv;
      static std::string bin = KUCOIN_HARNESS_BIN;
      argv.push_back(bin.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_fd = fds[0];
  }
  // Reads until `pred(output)` holds or the deadline passes.
  bool read_until(const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!pred(output)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{out_fd, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      const ssize_t n = read(out_fd, buf, sizeof buf);
      if (n <= 0) return false;
      output.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  int signal_and_wait(int sig) {
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    pid = -1;
    read_until([](const std::string&) { return false; }, 2s);  // the rest of the output, up to EOF
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ~Child() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    if (out_fd >= 0) close(out_fd);
  }
};

// The number after the last "recording: " in the recorder's output.
inline std::uint64_t last_progress_messages(const std::string& out) {
  const auto at = out.rfind("recording: ");
  if (at == std::string::npos) return 0;
  return std::strtoull(out.c_str() + at + 11, nullptr, 10);
}

inline std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace kucoin::testing

#endif
