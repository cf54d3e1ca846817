// Queue limits (issue 18.2): a queue of a configuration file has a
// maximum wait and a maximum length by default (docs/config.md), so a
// caller nobody serves is not kept for ever; 0 still asks for no limit.
#include <doctest/doctest.h>

#include "config/configuration.hpp"
#include "config/load.hpp"
#include "tests/config/config_files.hpp"

using namespace hotline::config;
using hotline::config::testing::config_files;
using hotline::config::testing::listing;
using hotline::config::testing::only;

namespace {
const char* center = R"(
[[trunks]]
id = "pstn"
[[queues]]
id = "sales"
[[queues]]
id = "unbounded"
max_wait_s = 0
max_length = 0
[[queues]]
id = "small"
max_wait_s = 60
max_length = 5
[[agents]]
id = "ann"
queues = ["sales", "unbounded", "small"]
[[entry_points]]
dialed = "100"
queue = "sales"
)";
}

TEST_CASE("queue limits: an hour and 1,000 callers by default, 0 for none, or what the file says") {
  config_files files;
  files.write("q.toml", center);
  auto loaded = files.load("q.toml");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  const auto& q = loaded.config.center.queues;
  CHECK(q[0].max_wait_ms == 3'600'000);
  CHECK(q[0].max_length == 1'000);
  CHECK(q[0].max_wait_ms == default_queue_max_wait_ms);
  CHECK(q[0].max_length == default_queue_max_length);
  CHECK(q[1].max_wait_ms == 0);
  CHECK(q[1].max_length == 0);
  CHECK(q[2].max_wait_ms == 60'000);
  CHECK(q[2].max_length == 5);
}

TEST_CASE("queue limits: a negative maximum length is refused with its place") {
  config_files files;
  files.write("q.toml", std::string{center} + "[[queues]]\nid = \"bad\"\nmax_length = -3\n");
  auto loaded = files.load("q.toml");
  CHECK_FALSE(loaded.ok());
  CHECK(only(loaded.problems, "queues[3].max_length").message.find("non-negative") !=
        std::string::npos);
}
