// The relay's value pages: a value stays intact until its report releases
// it, in whatever order reports come; pages are reused, never leaked.
#include <doctest/doctest.h>

#include <string>

#include "drivers/kafka/value_pages.hpp"

using hotline::drivers::value_pages;

TEST_CASE("value pages keep every value until released, in any order") {
  value_pages pages;
  std::vector<std::pair<const char*, std::string>> placed;
  // About 5 pages of values of varying size.
  for (std::uint64_t pos = 1; pos <= 12000; ++pos) {
    std::string v(300 + pos % 200, static_cast<char>('a' + pos % 26));
    placed.emplace_back(pages.place(pos, v), v);
  }
  CHECK(pages.pending() == 12000);
  // Release the even positions first, then the odd ones; the odd values
  // must still read back intact until they are released.
  for (std::uint64_t pos = 2; pos <= 12000; pos += 2)
    pages.release(pos);
  CHECK(pages.pending() == 6000);
  for (std::uint64_t pos = 1; pos <= 12000; pos += 2) {
    const auto& [at, v] = placed[pos - 1];
    REQUIRE(std::string(at, v.size()) == v);
    pages.release(pos);
  }
  CHECK(pages.pending() == 0);
  pages.release(5); // a stale report is ignored
  CHECK(pages.pending() == 0);
}

TEST_CASE("a value larger than a page gets a page of its own, and reset forgets everything") {
  value_pages pages;
  std::string big(value_pages::page_size + 10, 'x');
  const char* at = pages.place(1, big);
  const char* small = pages.place(2, "small");
  CHECK(std::string(at, big.size()) == big);
  CHECK(std::string(small, 5) == "small");
  CHECK(pages.pending() == 2);
  pages.reset();
  CHECK(pages.pending() == 0);
}
