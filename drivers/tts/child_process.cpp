#include "drivers/tts/child_process.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace hotline::drivers::tts {

namespace {

constexpr std::size_t max_stderr = 4096;

/// Closes the fds it holds when it goes.
struct fd_pair {
  int fds[2] = {-1, -1};
  ~fd_pair() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
};

} // namespace

run_result run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  using clock = std::chrono::steady_clock;
  run_result out;
  const auto deadline = clock::now() + timeout;
  fd_pair err;
  if (::pipe2(err.fds, O_CLOEXEC) != 0) {
    out.error = std::string("pipe: ") + std::strerror(errno);
    return out;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    out.error = rc == ENOENT ? "not found" : std::strerror(rc);
    return out;
  }
  out.started = true;
  ::close(err.fds[1]);
  err.fds[1] = -1;

  int status = 0;
  bool reaped = false;
  bool eof = false;
  while (!reaped) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      out.timed_out = true;
      return out;
    }
    if (!eof) {
      pollfd p{err.fds[0], POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 50)));
      if (ready > 0) {
        char buf[512];
        const auto n = ::read(err.fds[0], buf, sizeof buf);
        if (n <= 0)
          eof = true;
        else if (out.stderr_text.size() < max_stderr)
          out.stderr_text.append(buf, static_cast<std::size_t>(n));
      }
    } else {
      ::usleep(2'000);
    }
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) reaped = true;
  }
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  // What it wrote last may still be in the pipe.
  char buf[512];
  for (ssize_t n;
       out.stderr_text.size() < max_stderr && (n = ::read(err.fds[0], buf, sizeof buf)) > 0;)
    out.stderr_text.append(buf, static_cast<std::size_t>(n));
  return out;
}

} // namespace hotline::drivers::tts
