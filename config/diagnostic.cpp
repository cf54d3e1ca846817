#include "config/diagnostic.hpp"

#include <algorithm>

namespace hotline::config {

const char* to_string(severity s) noexcept {
  return s == severity::error ? "error" : "warning";
}

std::string format(const diagnostic& d) {
  std::string out = d.file.empty() ? std::string("hotline") : d.file;
  if (d.line != 0) {
    out += ':' + std::to_string(d.line);
    if (d.column != 0) out += ':' + std::to_string(d.column);
  }
  out += ": ";
  out += to_string(d.level);
  out += ": ";
  if (!d.key.empty()) out += d.key + ": ";
  out += d.message;
  return out;
}

bool has_errors(const diagnostics& list) noexcept {
  return count(list, severity::error) > 0;
}

std::size_t count(const diagnostics& list, severity level) noexcept {
  return static_cast<std::size_t>(std::count_if(
      list.begin(), list.end(), [&](const diagnostic& d) { return d.level == level; }));
}

void remove_repeats(diagnostics& list) {
  diagnostics kept;
  kept.reserve(list.size());
  for (auto& d : list)
    if (std::find(kept.begin(), kept.end(), d) == kept.end()) kept.push_back(std::move(d));
  list = std::move(kept);
}

} // namespace hotline::config
