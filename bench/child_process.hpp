#pragma once
/// The benchmarks' child processes (bench sip, bench web): a program
/// started in a folder with its output in a log file, stopped with a signal,
/// its CPU time read; SIGKILLed and reaped on destruction when still
/// running. Not thread-safe: one owner.
#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace hotline::bench {

/// A child process started in `dir` with stdout and stderr into `log`;
/// SIGKILLed and reaped on destruction when still running.
/// `argv[0]` is looked up on PATH. Throws std::runtime_error when fork fails.
class child {
public:
  child(const std::vector<std::string>& argv, const std::string& dir, const std::string& log);
  ~child();
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  /// Waits up to `timeout`; the exit status (128+signal), or nullopt if it still runs.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);
  /// `sig`, then waits up to `timeout`, then SIGKILL: the exit status.
  int stop(int sig, std::chrono::milliseconds timeout);
  /// User + system CPU seconds: from /proc while it runs, from wait4 once reaped.
  double cpu_seconds();
  /// The last `n` lines of its log.
  std::string log_tail(std::size_t n = 15) const;
  const std::string& log() const { return log_; }

private:
  void reap(int st, const rusage& ru);
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = -1;
  double cpu_s_ = 0;
  std::string log_;
};

/// Whether the file at `path` contains `what` (false when it cannot be read).
bool file_contains(const std::string& path, const std::string& what);
/// Whether `name` is a program on PATH.
bool program_exists(const std::string& name);

} // namespace hotline::bench
