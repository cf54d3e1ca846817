#include "events/event_id.hpp"

#include <cstring>

namespace hotline::events {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::uint64_t mix(std::uint64_t x) {
  // splitmix64 finaliser: spreads FNV's weak low bits over the whole word.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

} // namespace

void event_id::write_text(char* out) const noexcept {
  char hex[32];
  for (int i = 0; i < 8; ++i) { // a byte (two digits) at a time, most significant first
    const auto h = static_cast<unsigned>(hi >> (56 - 8 * i)) & 0xff;
    const auto l = static_cast<unsigned>(lo >> (56 - 8 * i)) & 0xff;
    hex[2 * i] = hex_digits[h >> 4];
    hex[2 * i + 1] = hex_digits[h & 0xf];
    hex[16 + 2 * i] = hex_digits[l >> 4];
    hex[16 + 2 * i + 1] = hex_digits[l & 0xf];
  }
  // 8-4-4-4-12
  std::memcpy(out, hex, 8);
  out[8] = '-';
  std::memcpy(out + 9, hex + 8, 4);
  out[13] = '-';
  std::memcpy(out + 14, hex + 12, 4);
  out[18] = '-';
  std::memcpy(out + 19, hex + 16, 4);
  out[23] = '-';
  std::memcpy(out + 24, hex + 20, 12);
}

std::string event_id::to_string() const {
  std::string out(text_size, '\0');
  write_text(out.data());
  return out;
}

std::optional<event_id> event_id::parse(std::string_view text) {
  event_id id;
  int digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '-') {
      if (text.size() != 36 || (i != 8 && i != 13 && i != 18 && i != 23)) return std::nullopt;
      continue;
    }
    int v = hex_value(c);
    if (v < 0 || digits >= 32) return std::nullopt;
    std::uint64_t& word = digits < 16 ? id.hi : id.lo;
    word = (word << 4) | static_cast<std::uint64_t>(v);
    ++digits;
  }
  if (digits != 32) return std::nullopt;
  return id;
}

event_id event_id::from_name(std::string_view name) noexcept {
  std::uint64_t h1 = 0xcbf29ce484222325ULL;
  std::uint64_t h2 = 0x84222325cbf29ce4ULL;
  for (unsigned char c : name) {
    h1 = (h1 ^ c) * 0x100000001b3ULL;
    h2 = (h2 ^ c) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
  }
  return {mix(h1), mix(h2 ^ h1)};
}

event_id event_id::uuid_v7(std::int64_t unix_ms, event_id entropy) noexcept {
  const auto ms = static_cast<std::uint64_t>(unix_ms < 0 ? 0 : unix_ms) & 0xffff'ffff'ffffULL;
  event_id id;
  id.hi = (ms << 16) | (0x7ULL << 12) | (entropy.hi & 0xfffULL);
  id.lo = (0b10ULL << 62) | (entropy.lo & 0x3fff'ffff'ffff'ffffULL);
  return id;
}

} // namespace hotline::events
