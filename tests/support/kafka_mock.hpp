#pragma once
/// `hotline kafka-mock` as its own process, for integration tests: started
/// with the topics given, its bootstrap list read from its first line of
/// output; SIGTERM on destruction, and it must exit cleanly.
#include <doctest/doctest.h>

#include <csignal>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace hotline::testing {

/// `hotline kafka-mock` in a child process; SIGTERM on destruction.
struct kafka_mock {
  child_process proc;
  std::string bootstrap;

  explicit kafka_mock(const std::vector<std::string>& topics)
      : proc([&] {
          std::vector<std::string> argv{HOTLINE_BIN, "kafka-mock", "--brokers", "3"};
          for (const auto& t : topics) {
            argv.push_back("--topic");
            argv.push_back(t);
          }
          return argv;
        }()) {
    auto line = proc.read_line(std::chrono::seconds(10));
    REQUIRE_MESSAGE(line.has_value(), "hotline kafka-mock printed no bootstrap line");
    bootstrap = *line;
    REQUIRE(bootstrap.find("127.0.0.1:") == 0);
  }
  ~kafka_mock() {
    proc.signal(SIGTERM);
    CHECK(proc.wait() == 0); // a clean exit on SIGTERM
  }
};

} // namespace hotline::testing
