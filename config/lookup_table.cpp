#include "config/lookup_table.hpp"

#include <algorithm>
#include <sstream>

#include "config/did_you_mean.hpp"
#include "config/input_file.hpp"

namespace hotline::config {

namespace {

/// Tables are read whole into memory: 64 MiB is far above a demo's order
/// list and well below what would slow a node's start.
constexpr std::uintmax_t max_table_bytes = 64u << 20;

} // namespace

bool split_csv_line(const std::string& line, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else {
      field += c;
    }
  }
  fields.push_back(std::move(field));
  return !quoted;
}

std::optional<lookup_table> lookup_table::load(const std::filesystem::path& file,
                                               const std::string& key_column, std::string& why,
                                               std::uint32_t& line) {
  line = 0;
  auto text = read_input_file(file, max_table_bytes, why);
  if (!text) return std::nullopt;
  lookup_table t;
  std::istringstream in(*text);
  std::string raw;
  std::vector<std::string> fields;
  std::uint32_t number = 0;
  bool header = true;
  while (std::getline(in, raw)) {
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    if (raw.empty()) continue;
    if (!split_csv_line(raw, fields)) {
      line = number;
      why = "a quoted field is not closed";
      return std::nullopt;
    }
    if (header) {
      header = false;
      t.columns_ = fields;
      auto it = std::find(t.columns_.begin(), t.columns_.end(), key_column);
      if (it == t.columns_.end()) {
        line = number;
        why = "no column '" + key_column + "'" + did_you_mean(key_column, t.columns_) +
              " (columns: " + name_list(t.columns_) + ")";
        return std::nullopt;
      }
      t.key_index_ = static_cast<std::size_t>(it - t.columns_.begin());
      continue;
    }
    if (fields.size() != t.columns_.size()) {
      line = number;
      why = std::to_string(fields.size()) + (fields.size() == 1 ? " field" : " fields") +
            ", the header has " + std::to_string(t.columns_.size());
      return std::nullopt;
    }
    auto key = fields[t.key_index_];
    if (!t.rows_.emplace(key, fields).second) {
      line = number;
      why = "key '" + key + "' is in the table twice";
      return std::nullopt;
    }
  }
  if (header) {
    why = "the file is empty (expected a header line naming the columns)";
    return std::nullopt;
  }
  return t;
}

bool lookup_table::has_column(const std::string& name) const {
  return std::find(columns_.begin(), columns_.end(), name) != columns_.end();
}

std::optional<std::map<std::string, std::string>> lookup_table::find(const std::string& key) const {
  auto it = rows_.find(key);
  if (it == rows_.end()) return std::nullopt;
  std::map<std::string, std::string> row;
  for (std::size_t i = 0; i < columns_.size(); ++i)
    row[columns_[i]] = it->second[i];
  return row;
}

} // namespace hotline::config
