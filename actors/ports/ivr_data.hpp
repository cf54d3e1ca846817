#pragma once
/// The IVR data port: where a `lookup` node's self-service data comes from
/// (F5; docs/ivr.md "lookup"). Today a local CSV table the configuration
/// loaded (config/lookup_tables.hpp, wrapped by the composition root);
/// an HTTP source later. The in-memory fake below serves tests.
///
/// Contract: `lookup` answers at once (the tables are in memory); an
/// answer says whether the source could answer (`ok`), and if it could,
/// whether the key was found and the row as column -> value.
///
/// Thread safety: `lookup` may be called from any thread.
#include <map>
#include <string>
#include <utility>

namespace hotline::ports {

struct ivr_lookup_query {
  std::string table;      ///< the table's file, as the flow names it (resolved)
  std::string key_column; ///< the column the key is matched against
  std::string key;
};

struct ivr_lookup_answer {
  bool ok = true; ///< false: the source could not answer (`error` says why)
  bool found = false;
  std::map<std::string, std::string> row; ///< column -> value, when found
  std::string error;
};

class ivr_data {
public:
  virtual ~ivr_data() = default;
  virtual ivr_lookup_answer lookup(const ivr_lookup_query& q) = 0;
};

/// Rows added by hand; a table never given answers "no table '<table>'"
/// (ok false). Not thread-safe: fill it before the actors run.
class memory_ivr_data final : public ivr_data {
public:
  /// Adds (or replaces) the row of `key` in `table`, matched by `key_column`.
  void add(const std::string& table, const std::string& key_column, const std::string& key,
           std::map<std::string, std::string> row) {
    tables_[table].first = key_column;
    tables_[table].second[key] = std::move(row);
  }
  ivr_lookup_answer lookup(const ivr_lookup_query& q) override {
    auto t = tables_.find(q.table);
    if (t == tables_.end() || t->second.first != q.key_column)
      return {false, false, {}, "no table '" + q.table + "' keyed by '" + q.key_column + "'"};
    auto r = t->second.second.find(q.key);
    if (r == t->second.second.end()) return {true, false, {}, {}};
    return {true, true, r->second, {}};
  }

private:
  /// table -> (key column, key -> row)
  std::map<std::string,
           std::pair<std::string, std::map<std::string, std::map<std::string, std::string>>>>
      tables_;
};

} // namespace hotline::ports
