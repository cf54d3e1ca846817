#pragma once
/// Running a program (a TTS engine) with a deadline, without a shell:
/// `argv` goes to the program as it is (posix_spawnp), so no character of
/// a text to speak is ever interpreted by a shell. Its stdin and stdout are
/// /dev/null; its stderr is captured (the first 4 KiB) for the error
/// message. At the deadline the program is killed (SIGKILL) and reaped.
#include <chrono>
#include <string>
#include <vector>

namespace hotline::drivers::tts {

struct run_result {
  bool started = false;   ///< false: the program could not be run (`error`)
  bool timed_out = false; ///< killed at the deadline
  int exit_code = -1;     ///< when it exited by itself (-1: by a signal)
  std::string error;      ///< why it did not start ("not found", ...)
  std::string stderr_text;

  bool succeeded() const noexcept { return started && !timed_out && exit_code == 0; }
};

/// REQUIRES: !argv.empty(). `argv[0]` is looked up in PATH unless it has a '/'.
run_result run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

} // namespace hotline::drivers::tts
