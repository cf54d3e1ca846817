#pragma once
/// A child process for multi-process tests: spawn with arguments, read its
/// stdout line by line, signal it, wait for it. POSIX only.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace hotline::testing {

class child_process {
public:
  /// Starts `argv[0]` (a path) with its stdout on a pipe; stderr is inherited.
  explicit child_process(std::vector<std::string> argv);
  ~child_process(); ///< SIGKILLs and reaps a child still running
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  /// The next stdout line (without '\n'), or nullopt on EOF or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  void signal(int sig);
  /// Waits for exit; the exit status (or 128+signal).
  int wait();

private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  bool reaped_ = false;
  int status_ = 0;
};

/// Runs a command to completion, capturing stdout. Returns the exit status.
int run_capture(const std::vector<std::string>& argv, std::string& out,
                std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// A fresh empty directory under the system temp dir, removed on destruction.
class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

} // namespace hotline::testing
