// CRC-32C: the published check value, and agreement with the bit-by-bit
// definition at every length around the 8-byte steps of the fast path.
#include <doctest/doctest.h>

#include <string>

#include "events/checksum.hpp"

namespace {

std::uint32_t bitwise_crc32c(std::string_view bytes) {
  std::uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82f63b78u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xffffffffu;
}

} // namespace

TEST_CASE("crc32c: the check value of \"123456789\" is 0xE3069283") {
  CHECK(hotline::events::crc32c("123456789") == 0xE3069283u);
  CHECK(hotline::events::crc32c("") == 0u);
}

TEST_CASE("crc32c: equals the bitwise definition at every length up to 64 bytes") {
  std::string s;
  for (int i = 0; i < 64; ++i) {
    CAPTURE(i);
    CHECK(hotline::events::crc32c(s) == bitwise_crc32c(s));
    s.push_back(static_cast<char>(i * 37 + 11));
  }
}
