// The reading tools pointed at a broker that is not there (a closed loopback
// port): they give up after --timeout with one clear message naming the
// brokers, and librdkafka's own log lines do not reach the terminal.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/process.hpp"

using namespace std::chrono_literals;

namespace {

/// A loopback port nobody listens on: bound, read back, closed.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

/// Runs `args` with stderr folded into stdout.
int run_both(const std::string& args, std::string& out) {
  return hotline::testing::run_capture(
      {"/bin/sh", "-c", std::string{HOTLINE_BIN} + " " + args + " 2>&1"}, out, 60s);
}

void check_one_clear_failure(const std::string& args, const std::string& brokers) {
  CAPTURE(args);
  std::string out;
  const int rc = run_both(args, out);
  CHECK(rc == 1);
  CHECK_MESSAGE(out.find("cannot reach the Kafka brokers " + brokers + " within 2 s") !=
                    std::string::npos,
                out);
  // No raw librdkafka line (`%3|1700000000.123|FAIL|rdkafka#consumer-1| ...`).
  CHECK_MESSAGE(out.find("%3|") == std::string::npos, out);
  CHECK_MESSAGE(out.find("|FAIL|") == std::string::npos, out);
  std::size_t lines = 0;
  for (char c : out)
    lines += c == '\n';
  CHECK_MESSAGE(lines <= 2, out);
}

} // namespace

TEST_CASE("kpi, replay and sites on an unreachable broker fail after --timeout with one message "
          "naming it") {
  const std::string brokers = "127.0.0.1:" + std::to_string(closed_port());
  hotline::testing::temp_dir dir;
  check_one_clear_failure("kpi --kafka " + brokers + " --topic hotline.s1.events --timeout 2",
                          brokers);
  check_one_clear_failure("replay --kafka " + brokers +
                              " --topic hotline.s1.events --timeout 2 --out " + dir.path() +
                              "/views",
                          brokers);
  check_one_clear_failure("sites --kafka " + brokers + " --timeout 2", brokers);
}
