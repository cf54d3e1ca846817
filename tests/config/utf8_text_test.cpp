// Config text that is not valid UTF-8 is refused at load (toml++ checks it),
// naming file, line and column: no invalid text reaches events from config.
#include <doctest/doctest.h>

#include "config/validate.hpp"
#include "tests/config/config_files.hpp"

using namespace hotline;
using namespace hotline::config;
using hotline::config::testing::config_files;
using hotline::config::testing::valid_center;

TEST_CASE("a config string that is not valid UTF-8 is an error naming file, line and column") {
  config_files files;
  files.write("c.toml", std::string(valid_center) + "\n[[tenants]]\nid = \"t\xff\"\n");
  auto loaded = files.load("c.toml");
  REQUIRE(loaded.problems.size() == 1);
  const auto& d = loaded.problems[0];
  CHECK(d.file == files.path("c.toml"));
  CHECK(d.line == 19);
  CHECK(d.message.find("utf-8") != std::string::npos);
}
