#include "drivers/views/view_store.hpp"

namespace hotline::drivers {

std::string checkpoint_key(std::string_view projection) {
  return "checkpoint/" + std::string{projection};
}

std::string checkpoint_value(std::uint64_t position) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, position >>= 8)
    out[static_cast<std::size_t>(i)] = static_cast<char>(position & 0xff);
  return out;
}

std::optional<std::uint64_t> parse_checkpoint_value(std::string_view stored) noexcept {
  if (stored.size() != 8) return std::nullopt;
  std::uint64_t v = 0;
  for (unsigned char c : stored)
    v = (v << 8) | c;
  return v;
}

events::result<std::vector<std::pair<std::string, std::string>>> view_store::dump() const {
  std::vector<std::pair<std::string, std::string>> out;
  auto st = scan("", [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return true;
  });
  if (!st) return st;
  return out;
}

} // namespace hotline::drivers
