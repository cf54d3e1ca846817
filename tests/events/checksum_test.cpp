// CRC-32C: the stored records' checksum. The fast forms must keep the exact
// values the bytewise definition gives, or every stored record would read
// as corrupt.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "events/checksum.hpp"

using hotline::events::crc32c;
using hotline::events::crc32c_portable;

namespace {

/// The definition, one bit at a time (reflected polynomial 0x82F63B78).
std::uint32_t reference(std::string_view bytes) {
  std::uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? 0x82f63b78u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xffffffffu;
}

} // namespace

TEST_CASE("crc32c gives the published check values") {
  CHECK(crc32c("") == 0u);
  CHECK(crc32c("123456789") == 0xE3069283u); // the standard check value
  std::string zeros(32, '\0'), ones(32, '\xff'), ascending;
  for (int i = 0; i < 32; ++i)
    ascending.push_back(static_cast<char>(i));
  CHECK(crc32c(zeros) == 0x8A9136AAu); // RFC 3720, B.4
  CHECK(crc32c(ones) == 0x62A8AB43u);
  CHECK(crc32c(ascending) == 0x46DD794Eu);
}

TEST_CASE("crc32c agrees with the bitwise definition at every length and alignment") {
  std::mt19937 rng{42};
  std::string buf(600, '\0');
  for (auto& c : buf)
    c = static_cast<char>(rng());
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t len = 0; len + offset <= buf.size(); len += (len < 40 ? 1 : 37)) {
      std::string_view v{buf.data() + offset, len};
      auto want = reference(v);
      CHECK(crc32c(v) == want);
      CHECK(crc32c_portable(v) == want);
    }
  }
}
