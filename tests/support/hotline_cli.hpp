#pragma once
/// Running the hotline binary from a test as a user would, its stdout and
/// stderr together in one string. REQUIRES: the test target defines
/// HOTLINE_BIN (tests/CMakeLists.txt).
#include <chrono>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace hotline::testing {

/// `hotline ARGS`, ARGS being shell words ("kpi --store /tmp/s"). Returns the
/// exit status.
inline int hotline_cli(const std::string& args, std::string& out,
                       std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  out.clear();
  return run_capture({"/bin/sh", "-c", std::string{HOTLINE_BIN} + " " + args + " 2>&1"}, out,
                     timeout);
}

/// `hotline ARGV...`, each argument as it is (no shell words). Returns the
/// exit status.
inline int hotline_argv(std::vector<std::string> args, std::string& out,
                        std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  args.insert(args.begin(), {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", HOTLINE_BIN});
  out.clear();
  return run_capture(args, out, timeout);
}

} // namespace hotline::testing
