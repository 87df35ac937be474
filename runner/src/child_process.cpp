#include "kucoin/runner/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kucoin::runner {

namespace {

using Clock = std::chrono::steady_clock;

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

bool drain(int& fd, std::string& to) {
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      to.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) {
      close_fd(fd);
      return false;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
    close_fd(fd);
    return false;
  }
}

}  // namespace

std::optional<ChildProcess> ChildProcess::start(const std::string& command, const std::vector<std::string>& environment,
                                                std::string& error) {
  // A client that closes its stdin early must not kill the runner with SIGPIPE on our next write.
  ::signal(SIGPIPE, SIG_IGN);
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return std::nullopt;
  }
  // Everything the child needs is prepared before fork: after it only async-signal-safe calls.
  std::vector<char*> envp;
  for (const auto& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  const pid_t pid = ::fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
    return std::nullopt;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::signal(SIGPIPE, SIG_DFL);
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::execve("/bin/sh", const_cast<char* const*>(argv), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here: no race with a signal sent before the child ran setpgid
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  ChildProcess c;
  c.pid_ = pid;
  c.in_ = in[1];
  c.out_ = out[0];
  c.err_ = err[0];
  for (int fd : {c.in_, c.out_, c.err_}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return c;
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : pid_(o.pid_), in_(o.in_), out_(o.out_), err_(o.err_), status_(o.status_) {
  o.pid_ = -1;
  o.in_ = o.out_ = o.err_ = -1;
}

ChildProcess::~ChildProcess() {
  close_fd(in_);
  close_fd(out_);
  close_fd(err_);
  if (pid_ > 0 && !status_) {
    ::kill(-pid_, SIGKILL);
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {}
  }
}

bool ChildProcess::read(std::chrono::milliseconds timeout, std::string& out, std::string& err) {
  pollfd fds[2];
  nfds_t n = 0;
  if (out_ >= 0) fds[n++] = pollfd{out_, POLLIN, 0};
  if (err_ >= 0) fds[n++] = pollfd{err_, POLLIN, 0};
  if (n == 0) return false;
  const int r = ::poll(fds, n, static_cast<int>(timeout.count()));
  if (r <= 0) return true;
  if (out_ >= 0) drain(out_, out);
  if (err_ >= 0) drain(err_, err);
  return out_ >= 0 || err_ >= 0;
}

void ChildProcess::write_line(const std::string& line) {
  if (in_ < 0) return;
  const std::string s = line + "\n";
  const ssize_t n = ::write(in_, s.data(), s.size());
  if (n < 0 && errno != EAGAIN && errno != EINTR) close_fd(in_);
}

void ChildProcess::close_stdin() { close_fd(in_); }

std::optional<int> ChildProcess::poll_exit() {
  if (status_ || pid_ <= 0) return status_;
  int st = 0;
  const pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return status_;
}

void ChildProcess::signal_group(int sig) {
  if (pid_ > 0 && !status_) ::kill(-pid_, sig);
}

ChildProcess::Stopped ChildProcess::stop(std::chrono::milliseconds grace, std::chrono::milliseconds term_grace,
                                         std::string& out, std::string& err) {
  Stopped s;
  auto wait_for = [&](std::chrono::milliseconds d) {
    const auto until = Clock::now() + d;
    while (!poll_exit() && Clock::now() < until) {
      if (!read(std::chrono::milliseconds(10), out, err)) ::usleep(5'000);
    }
    return poll_exit().has_value();
  };
  close_stdin();
  if (!wait_for(grace)) {
    s.terminated = true;
    signal_group(SIGTERM);
    if (!wait_for(term_grace)) {
      s.killed = true;
      signal_group(SIGKILL);
      wait_for(std::chrono::milliseconds(2'000));
    }
  }
  // The group may hold children of the shell that outlived it: none survives the run.
  if (pid_ > 0) ::kill(-pid_, SIGKILL);
  read(std::chrono::milliseconds(0), out, err);
  s.status = status_.value_or(-1);
  return s;
}

}  // namespace kucoin::runner
