// Text from Kafka is checked at the boundary: a relay-topic record whose
// value is not valid UTF-8 is a dead letter named by topic, partition and
// offset for `replay --kafka` and `kpi --kafka`, never a crash; the good
// records around it are folded.
#include <doctest/doctest.h>

#include <fstream>

#include "events/codec.hpp"
#include "tests/support/kafka_mock.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using namespace std::chrono_literals;

namespace {

/// Runs argv (no argument needs quoting) with stderr folded into stdout.
int run(const std::vector<std::string>& argv, std::string& out) {
  out.clear();
  std::string line;
  for (const auto& a : argv)
    line += a + " ";
  return testing::run_capture({"/bin/sh", "-c", line + "2>&1"}, out, 120s);
}

/// The JSON form of call.arrived at `position`, as the relay publishes it.
std::string event_json(std::uint64_t position, const std::string& call_id) {
  const auto& codec = events::event_codec::standard();
  events::call_arrived a;
  a.call_id = call_id;
  a.caller = "+100";
  auto p = codec.propose(events::event{a}, {events::event_id::from_name(call_id),
                                            "s1",
                                            "t1",
                                            1'704'067'200'000'000'000,
                                            {},
                                            {},
                                            events::principal::system("test")});
  events::recorded_event e{"call-" + call_id, 0, position, p.meta, p.type, p.version, p.payload};
  auto text = codec.to_json_text(e);
  REQUIRE(text.has_value());
  return *text;
}

} // namespace

TEST_CASE("replay --kafka and kpi --kafka: a record that is not valid UTF-8 is a dead letter with "
          "its offset") {
  const std::string topic = "hotline.s1.events";
  testing::kafka_mock mock{{topic + ":1"}};
  testing::temp_dir dir;
  std::string bad = event_json(2, "c2");
  const auto at = bad.find("+100");
  REQUIRE(at != std::string::npos);
  bad[at + 1] = '\xff'; // inside the caller's number
  const std::string file = dir.path() + "/records";
  {
    std::ofstream out{file, std::ios::binary};
    out << event_json(1, "c1") << "\n" << bad << "\n" << event_json(3, "c3") << "\n";
  }
  std::string out;
  REQUIRE_MESSAGE(
      run({"kcat", "-b", mock.bootstrap, "-P", "-t", topic, "-p", "0", "-l", file}, out) == 0, out);

  CHECK_MESSAGE(run({HOTLINE_BIN, "replay", "--kafka", mock.bootstrap, "--topic", topic, "--out",
                     dir.path() + "/views", "--kafka-timeout", "60"},
                    out) == 0,
                out);
  const std::string named = "topic " + topic +
                            " partition 0 offset 1: the value is not valid UTF-8 (byte " +
                            std::to_string(at + 1) + " of ";
  CHECK_MESSAGE(out.find(named) != std::string::npos, out);
  CHECK(out.find("hotline replay: dead letter: ") != std::string::npos);
  CHECK(out.find("2 events, 0 duplicates dropped, 1 dead letters") != std::string::npos);

  CHECK_MESSAGE(
      run({HOTLINE_BIN, "kpi", "--kafka", mock.bootstrap, "--topic", topic, "--format", "json"},
          out) == 0,
      out);
  CHECK(out.find(named) != std::string::npos);
}
