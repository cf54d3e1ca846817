// hotline's one log (drivers/log/log.hpp): the two formats of a line, and
// what they do with text that would break a line or a JSON parser.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "drivers/log/log.hpp"

namespace hlog = hotline::drivers::log;

namespace {
constexpr std::int64_t t0 = 1'796'000'000'123; // 2026-11-30T00:53:20.123Z
}

TEST_CASE("log: a text line has time, level, component, site and message") {
  CHECK(hlog::render(hlog::format::text, t0, hlog::level::info, "node", "ACD up: 3 queues",
                     "north") == "2026-11-30T00:53:20.123Z INFO  node [north] ACD up: 3 queues");
  CHECK(hlog::render(hlog::format::text, t0, hlog::level::warning, "rocksdb", "store /s: slow") ==
        "2026-11-30T00:53:20.123Z WARN  rocksdb store /s: slow");
  CHECK(hlog::render(hlog::format::text, t0, hlog::level::error, "kafka", "x")
            .find(" ERROR kafka x") != std::string::npos);
}

TEST_CASE("log: a message with newlines and control characters stays on one text line") {
  const auto line = hlog::render(hlog::format::text, t0, hlog::level::error, "store",
                                 "two\nlines\r\tand\x01 more");
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\r') == std::string::npos);
  CHECK(line.find('\x01') == std::string::npos);
  CHECK(line.find("two lines  and  more") != std::string::npos);
}

TEST_CASE("log: a JSON line parses back to its fields, whatever the message holds") {
  const std::string message =
      "quote \" backslash \\ newline \n tab \t bell \x07 utf-8 \xe5\x91\xbc\xe5\x8f\xab";
  const auto line =
      hlog::render(hlog::format::json, t0, hlog::level::warning, "federation", message, "south");
  CHECK(line.find('\n') == std::string::npos);
  const auto j = nlohmann::json::parse(line);
  CHECK(j.at("time") == "2026-11-30T00:53:20.123Z");
  CHECK(j.at("level") == "warning");
  CHECK(j.at("component") == "federation");
  CHECK(j.at("site") == "south");
  CHECK(j.at("message") == message);
  // A byte that is not UTF-8 cannot break the line's JSON: it becomes U+FFFD.
  const auto bad = nlohmann::json::parse(hlog::render(hlog::format::json, t0, hlog::level::error,
                                                      "kafka", std::string{"broker \xff said"}));
  CHECK(bad.at("message") == "broker \xEF\xBF\xBD said");
  // No site: no field.
  CHECK_FALSE(
      nlohmann::json::parse(hlog::render(hlog::format::json, t0, hlog::level::info, "relay", "m"))
          .contains("site"));
}

TEST_CASE("log: format names") {
  CHECK(hlog::parse_format("text") == hlog::format::text);
  CHECK(hlog::parse_format("json") == hlog::format::json);
  CHECK_FALSE(hlog::parse_format("JSON").has_value());
  CHECK_FALSE(hlog::parse_format("").has_value());
}
