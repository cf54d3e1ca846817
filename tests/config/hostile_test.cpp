// Hostile configuration files (issue 18.7): each gives a clear error and
// exit status 2 from the real `hotline config check`, never a crash, a hang
// or an acceptance. The files are generated here. run_capture's timeout is
// a hang guard only: a hang is killed and fails the test instead of
// blocking CI.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <string>

#include <sys/stat.h>

#include "tests/config/config_files.hpp"
#include "tests/support/process.hpp"

using hotline::config::testing::config_files;
using hotline::testing::child_process;
using hotline::testing::run_capture;

namespace {

const std::string minimal = std::string(HOTLINE_CONFIG_DIR) + "/minimal.toml";
constexpr auto hang_guard = std::chrono::seconds(60);

/// `config check FILE`'s output; CHECKs exit status 2 (not a crash: 139, not
/// a hang killed by the guard: 137).
std::string check_refused(const std::string& file) {
  std::string out;
  CHECK(run_capture({HOTLINE_BIN, "config", "check", file}, out, hang_guard) == 2);
  return out;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

} // namespace

TEST_CASE("config check: a dotted key of 40,000 parts is an error at its position, not a crash") {
  config_files files;
  const auto file = files.write("dotted.toml", "# a key\n  a" + repeat(".b", 39'999) + " = 1\n");
  const auto out = check_refused(file);
  CHECK_MESSAGE(has(out, file +
                             ":2:3: error: a.b.b...: a dotted key or table header of 40000 parts; "
                             "at most 32 are allowed\n"),
                out);
}

TEST_CASE("config check: a table header of 40,000 parts is refused too") {
  config_files files;
  const auto file =
      files.write("header.toml", "[site]\nid = \"x\"\n[a" + repeat(".\"b\"", 39'999) + "]\n");
  const auto out = check_refused(file);
  CHECK_MESSAGE(
      has(out, file + ":3:2: error: a.\"b\".\"b\"...: a dotted key or table header of 40000 parts"),
      out);
}

TEST_CASE("config check: dots in strings, comments and numbers are not key parts") {
  config_files files;
  const auto file = files.write(
      "dots.toml", "include = \"" + minimal + "\"\n# " + repeat("a.", 100) + "\n[site]\nname = \"" +
                       repeat("x.", 100) +
                       "\"\n[simulation]\nhandle_time = { distribution = \"empirical\", "
                       "samples_s = [1.5, 2.5, 3.25] }\n");
  std::string out;
  CHECK_MESSAGE(run_capture({HOTLINE_BIN, "config", "check", file}, out, hang_guard) == 0, out);
}

TEST_CASE("config check: including /dev/zero or /dev/urandom is refused without reading it") {
  for (const std::string device : {"/dev/zero", "/dev/urandom"}) {
    config_files files;
    const auto file = files.write("dev.toml", "include = [\"" + device + "\"]\n");
    const auto out = check_refused(file);
    CHECK_MESSAGE(has(out, file + ":1:12: error: include[0]: cannot read included file '" + device +
                               "': is not a regular file (a character device)\n"),
                  out);
  }
}

TEST_CASE("config check: a FIFO, included or given, is refused without blocking on it") {
  config_files files;
  const auto fifo = files.path("pipe.toml");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto file = files.write("main.toml", "include = \"pipe.toml\"\n");
  auto out = check_refused(file);
  CHECK_MESSAGE(has(out, file + ":1:11: error: include: cannot read included file '" + fifo +
                             "': is not a regular file (a FIFO)\n"),
                out);
  out = check_refused(fifo);
  CHECK_MESSAGE(has(out, fifo + ": error: cannot read file: is not a regular file (a FIFO)\n"),
                out);
}

TEST_CASE("config check: an oversized file is refused with its size and the limit") {
  config_files files;
  const auto file = files.write("huge.toml", repeat("# " + std::string(98, 'x') + "\n", 90'000));
  const auto out = check_refused(file);
  CHECK_MESSAGE(
      has(out, file + ": error: cannot read file: is 9090000 bytes; at most 8388608 are read\n"),
      out);
}

TEST_CASE("config check: one file included over and over is stopped at the file limit") {
  config_files files;
  files.write("leaf.toml", "[site]\nname = \"x\"\n");
  std::string list;
  for (int i = 0; i < 30; ++i)
    list += "\"leaf.toml\", ";
  files.write("mid.toml", "include = [" + list + "]\n");
  const auto file = files.write("top.toml", "include = [" + repeat("\"mid.toml\", ", 30) + "]\n");
  const auto out = check_refused(file);
  CHECK_MESSAGE(has(out, "cannot read included file '" + files.path("leaf.toml") +
                             "': a configuration reads at most 64 files"),
                out);
}

TEST_CASE("config check: deep nesting of arrays and inline tables is an error") {
  config_files files;
  auto file = files.write("arrays.toml", "a = " + repeat("[", 5000) + repeat("]", 5000) + "\n");
  auto out = check_refused(file);
  CHECK_MESSAGE(has(out, file + ":1:"), out);
  CHECK_MESSAGE(has(out, "nested"), out);
  file = files.write("tables.toml", "a = " + repeat("{b=", 5000) + "1" + repeat("}", 5000) + "\n");
  out = check_refused(file);
  CHECK_MESSAGE(has(out, "nested"), out);
}

TEST_CASE("config check: counts beyond what a node handles are errors naming the limit") {
  config_files files;
  struct hostile {
    std::string text, expected;
  };
  const hostile cases[] = {
      {"[[trunks]]\nid = \"pstn\"\nchannels = 1000000\n",
       ":4:12: error: trunks[0].channels: expected a number of channels from 1 to 10000, got "
       "1000000"},
      {"[[trunks]]\nid = \"t1\"\nchannels = 6000\n[[trunks]]\nid = \"t2\"\nchannels = 6000\n",
       ":7:12: error: trunks[2].channels: with this group the center would have 12010 trunk "
       "channels; a "
       "center has at most 10000 (all groups together)"},
      {"[[simulation.arrivals]]\nentry_point = \"100\"\nrate_per_h = 99999999\n",
       ":4:14: error: simulation.arrivals[0].rate_per_h: expected a number of arrivals per hour "
       "from 0 to "
       "100000, got 99999999"},
      {"[[simulation.arrivals]]\nqueue = \"support\"\nrate_per_h = 99999\n",
       ":4:14: error: simulation.arrivals[1].rate_per_h: with this profile simulated callers would "
       "arrive "
       "at up to 100039 per hour; at most 100000 are simulated (all profiles together)"},
      {"[[agent_groups]]\nid_prefix = \"a\"\ncount = 100000\nqueues = [\"support\"]\n",
       ":4:9: error: agent_groups[0].count: expected a number of agents from 1 to 10000, got "
       "100000"},
      {"[[agent_groups]]\nid_prefix = \"a\"\ncount = 9999\ndigits = 5\nqueues = [\"support\"]\n",
       ":4:9: error: agent_groups[0].count: with this group the center would have 10002 agents; a "
       "center has "
       "at most 10000"},
      {[] {
         std::string qs;
         for (int i = 0; i < 1001; ++i)
           qs += "[[queues]]\nid = \"q" + std::to_string(i) + "\"\n";
         return qs;
       }(),
       ":2000:1: error: queues[1000]: 1002 queues are defined; a center has at most 1000"},
  };
  for (const auto& c : cases) {
    const auto file = files.write("counts.toml", "include = \"" + minimal + "\"\n" + c.text);
    const auto out = check_refused(file);
    CHECK_MESSAGE(has(out, file + c.expected), out.substr(0, 2000));
  }
}

TEST_CASE(
    "node: a center of a million trunk channels is refused instead of starting a million actors") {
  config_files files;
  const auto file =
      files.write("big.toml", "include = \"" + minimal +
                                  "\"\n[node]\ntraffic = false\n[[trunks]]\nid = \"pstn\"\n"
                                  "channels = 1000000\n");
  hotline::testing::temp_dir store;
  std::string out;
  CHECK(run_capture({HOTLINE_BIN, "node", "--config", file, "--store", store.path() + "/s"}, out,
                    hang_guard) == 2);
}

// It found a hang: agents spawned at start-up register with the ACD's
// registry on their first run, which can come after the stop; they lived on
// and the node never exited (actors/actor_registry.hpp).
TEST_CASE("node: SIGINT during the start-up of the largest center allowed stops it") {
  // 10,000 channels, 10,000 agents, 1,000 queues: every count at its limit.
  std::string text = "[site]\nid = \"big\"\n[node]\ntraffic = false\n[[trunks]]\nid = \"pstn\"\n"
                     "channels = 10000\n";
  for (int i = 0; i < 1000; ++i)
    text += "[[queues]]\nid = \"q" + std::to_string(i) + "\"\n";
  text +=
      "[[agent_groups]]\nid_prefix = \"a\"\ncount = 10000\ndigits = 5\nqueues = [\"q0\", \"q1\"]\n"
      "[[entry_points]]\ndialed = \"100\"\nqueue = \"q0\"\n";
  config_files files;
  const auto file = files.write("big.toml", text);
  hotline::testing::temp_dir store;
  child_process node({HOTLINE_BIN, "node", "--config", file, "--store", store.path() + "/s"});
  const auto first = node.read_line(hang_guard); // "[big] store ...": start-up is under way
  REQUIRE(first);
  CHECK(first->find(" node [big] store ") != std::string::npos);
  node.signal(SIGINT);
  std::string rest;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (auto line = node.read_line(std::chrono::duration_cast<std::chrono::milliseconds>(
             deadline - std::chrono::steady_clock::now())))
    rest += *line + "\n";
  const bool hung = std::chrono::steady_clock::now() >= deadline;
  if (hung) node.signal(SIGKILL); // hang guard, not a speed assertion
  CHECK_FALSE(hung);
  CHECK(node.wait() == 0);
  CHECK_MESSAGE(rest.find("stopped") != std::string::npos, rest);
}
