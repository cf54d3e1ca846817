#pragma once
/// A local data table for the IVR's self-service lookups (F5; docs/ivr.md
/// "lookup"): a CSV file whose first line names the columns, loaded whole,
/// rows found by one key column. The configuration check reads it to prove
/// the columns a flow names exist; the node (a later slice) answers a
/// lookup node's `lookup_result` from it.
///
/// CSV as RFC 4180 writes it: fields separated by commas, a field may be
/// in double quotes (then it may hold commas, and `""` is one quote); CRLF
/// or LF line ends; blank lines are skipped. Every row has as many fields
/// as the header. A key found twice is an error (which row would answer?).
///
/// Thread safety: a loaded table is immutable; `find` is safe from any thread.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hotline::config {

class lookup_table {
public:
  /// The table in `file`, keyed by `key_column`; nullopt with `why` set
  /// ("line 4: 3 fields, the header has 2", "no column 'order' (columns:
  /// a, b)") and `line` the CSV line at fault (0: the file as a whole).
  static std::optional<lookup_table> load(const std::filesystem::path& file,
                                          const std::string& key_column, std::string& why,
                                          std::uint32_t& line);

  const std::vector<std::string>& columns() const noexcept { return columns_; }
  bool has_column(const std::string& name) const;
  std::size_t size() const noexcept { return rows_.size(); }

  /// The row whose key column holds `key` (column -> value), or nullopt.
  std::optional<std::map<std::string, std::string>> find(const std::string& key) const;

private:
  std::vector<std::string> columns_;
  std::size_t key_index_ = 0;
  std::map<std::string, std::vector<std::string>> rows_;
};

/// The fields of one CSV line (no line end); false when a quote is not closed.
bool split_csv_line(const std::string& line, std::vector<std::string>& fields);

} // namespace hotline::config
