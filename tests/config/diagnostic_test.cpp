// The small pieces: gcc-like formatting and spelling suggestions.
#include <doctest/doctest.h>

#include "config/diagnostic.hpp"
#include "config/did_you_mean.hpp"

using namespace hotline::config;

TEST_CASE("a diagnostic prints like a compiler's, leaving out what is unknown") {
  diagnostic d{severity::error,
               "demo.toml",
               12,
               5,
               "queues[2].ring_timeout_s",
               "expected a positive integer number of seconds, got -5"};
  CHECK(format(d) == "demo.toml:12:5: error: queues[2].ring_timeout_s: expected a positive "
                     "integer number of seconds, got -5");
  d.level = severity::warning;
  d.key.clear();
  d.column = 0;
  CHECK(format(d) ==
        "demo.toml:12: warning: expected a positive integer number of seconds, got -5");
  d.line = 0;
  CHECK(format(d) == "demo.toml: warning: expected a positive integer number of seconds, got -5");
}

TEST_CASE("repeats are removed, order kept") {
  diagnostics list{{severity::error, "f", 1, 1, "k", "a"},
                   {severity::error, "f", 2, 1, "k", "b"},
                   {severity::error, "f", 1, 1, "k", "a"}};
  remove_repeats(list);
  REQUIRE(list.size() == 2);
  CHECK(list[1].message == "b");
  CHECK(count(list, severity::error) == 2);
  CHECK(has_errors(list));
  CHECK_FALSE(has_errors({{severity::warning, "f", 1, 1, "k", "w"}}));
}

TEST_CASE("did you mean: typos are caught, unrelated words are not") {
  const std::vector<std::string> keys = {"ring_timeout_s", "strategy", "skills", "wrap_up_s"};
  CHECK(closest_match("ring_timout_s", keys) == "ring_timeout_s"); // deletion
  CHECK(closest_match("stratgey", keys) == "strategy");            // transposition
  CHECK(closest_match("Skills", keys) == "skills");                // case
  CHECK(closest_match("wrapup_s", keys) == "wrap_up_s");
  CHECK(closest_match("colour", keys).empty());
  CHECK(closest_match("x", keys).empty());
  CHECK(did_you_mean("skils", keys) == " (did you mean 'skills'?)");
  CHECK(did_you_mean("zzz", keys).empty());
}
