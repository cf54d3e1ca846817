// The IVR's local lookup tables (config/lookup_table.hpp): a CSV file with
// a header, rows found by one key column; each problem names its line.
#include <doctest/doctest.h>

#include "config/lookup_table.hpp"
#include "tests/config/config_files.hpp"

using hotline::config::lookup_table;
using hotline::config::split_csv_line;
using hotline::config::testing::config_files;

namespace {

struct loaded {
  std::optional<lookup_table> table;
  std::string why;
  std::uint32_t line = 0;
};

loaded load(const std::string& text, const std::string& key = "order") {
  config_files files;
  const auto path = files.write("t.csv", text);
  loaded l;
  l.table = lookup_table::load(path, key, l.why, l.line);
  return l;
}

} // namespace

TEST_CASE("lookup table: rows are found by the key column, quoted fields and CRLF included") {
  auto l = load("order,status,note\r\n80001,shipped,\"left Shanghai, on time\"\r\n\r\n"
                "80002,packing,\"say \"\"soon\"\"\"\r\n");
  INFO(l.why);
  REQUIRE(l.table);
  CHECK(l.table->size() == 2);
  CHECK(l.table->columns() == std::vector<std::string>{"order", "status", "note"});
  auto row = l.table->find("80001");
  REQUIRE(row);
  CHECK(row->at("status") == "shipped");
  CHECK(row->at("note") == "left Shanghai, on time");
  CHECK(l.table->find("80002")->at("note") == "say \"soon\"");
  CHECK_FALSE(l.table->find("99999"));
}

TEST_CASE("lookup table: a missing key column, a short row, a repeated key, an open quote") {
  auto a = load("id,status\n1,ok\n");
  CHECK_FALSE(a.table);
  CHECK(a.line == 1);
  CHECK(a.why == "no column 'order' (columns: id, status)");

  auto b = load("order,status\n1,ok\n2\n");
  CHECK(b.line == 3);
  CHECK(b.why == "1 field, the header has 2");

  auto c = load("order,status\n1,ok\n1,late\n");
  CHECK(c.line == 3);
  CHECK(c.why == "key '1' is in the table twice");

  auto d = load("order,status\n1,\"ok\n");
  CHECK(d.line == 2);
  CHECK(d.why == "a quoted field is not closed");

  auto e = load("");
  CHECK(e.line == 0);
  CHECK(e.why == "the file is empty (expected a header line naming the columns)");
}

TEST_CASE("lookup table: splitting one CSV line") {
  std::vector<std::string> f;
  CHECK(split_csv_line("a,,\"b,c\"", f));
  CHECK(f == std::vector<std::string>{"a", "", "b,c"});
  CHECK_FALSE(split_csv_line("\"open", f));
}
