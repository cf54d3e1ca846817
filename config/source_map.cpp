#include "config/source_map.hpp"

namespace hotline::config {

namespace {

/// `a.b[2].c` -> `a.b[2]` -> `a.b` -> `a` -> ``; npos past the root.
std::string_view parent_path(std::string_view path) {
  auto cut = path.find_last_of(".[");
  return cut == std::string_view::npos ? std::string_view{} : path.substr(0, cut);
}

std::string indexed(std::string_view collection, std::size_t index) {
  return std::string(collection) + '[' + std::to_string(index) + ']';
}

} // namespace

void source_map::record(std::string key_path, source_position where) {
  if (where.file.empty()) return; // built in code: an ancestor knows more
  positions_.insert_or_assign(std::move(key_path), std::move(where));
}

source_position source_map::find(std::string_view key_path) const {
  for (std::string_view p = key_path;; p = parent_path(p)) {
    if (auto it = positions_.find(p); it != positions_.end()) return it->second;
    if (p.empty()) break;
  }
  return {main_file_, 0, 0};
}

void source_map::set_origin(std::string_view collection, std::size_t index,
                            std::string origin_path) {
  origins_.insert_or_assign(indexed(collection, index), std::move(origin_path));
}

std::string source_map::element_path(std::string_view collection, std::size_t index) const {
  auto path = indexed(collection, index);
  if (auto it = origins_.find(path); it != origins_.end()) return it->second;
  return path;
}

} // namespace hotline::config
