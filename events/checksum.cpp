#include "events/checksum.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace hotline::events {
namespace {

/// Slicing-by-8 tables: tables[0] is the classic byte table; tables[k][b] is
/// the CRC of byte b followed by k zero bytes.
constexpr std::array<std::array<std::uint32_t, 256>, 8> make_tables() {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? 0x82f63b78u ^ (c >> 1) : c >> 1;
    t[0][i] = c;
  }
  for (std::size_t k = 1; k < 8; ++k)
    for (std::size_t i = 0; i < 256; ++i)
      t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
  return t;
}

constexpr auto tables = make_tables();

std::uint32_t portable(std::uint32_t c, const unsigned char* p, std::size_t n) noexcept {
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    w ^= c; // little-endian: the CRC folds into the first four bytes
    c = tables[7][w & 0xff] ^ tables[6][(w >> 8) & 0xff] ^ tables[5][(w >> 16) & 0xff] ^
        tables[4][(w >> 24) & 0xff] ^ tables[3][(w >> 32) & 0xff] ^ tables[2][(w >> 40) & 0xff] ^
        tables[1][(w >> 48) & 0xff] ^ tables[0][w >> 56];
  }
  for (; n > 0; --n, ++p)
    c = tables[0][(c ^ *p) & 0xff] ^ (c >> 8);
  return c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t hardware(std::uint32_t c, const unsigned char* p,
                                                         std::size_t n) noexcept {
  std::uint64_t c64 = c;
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    c64 = _mm_crc32_u64(c64, w);
  }
  auto c32 = static_cast<std::uint32_t>(c64);
  for (; n > 0; --n, ++p)
    c32 = _mm_crc32_u8(c32, *p);
  return c32;
}

const bool have_sse42 = __builtin_cpu_supports("sse4.2");
#endif

} // namespace

// The records are a few hundred bytes and every read checks one: the
// bytewise table cost about 1 µs per record, most of a store read. The CPU
// instruction (SSE4.2) or slicing-by-8 give the same values much faster.
std::uint32_t crc32c(std::string_view bytes) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
#if defined(__x86_64__)
  if (have_sse42) return hardware(0xffffffffu, p, bytes.size()) ^ 0xffffffffu;
#endif
  return portable(0xffffffffu, p, bytes.size()) ^ 0xffffffffu;
}

std::uint32_t crc32c_portable(std::string_view bytes) noexcept {
  return portable(0xffffffffu, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) ^
         0xffffffffu;
}

} // namespace hotline::events
