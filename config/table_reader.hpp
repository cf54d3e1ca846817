#pragma once
/// Internal to hotline_config: typed, path-aware reading of one TOML table.
///
/// Every read names a key; the reader remembers it as known, records where
/// its value was written (source_map) and, when the value is not what the
/// key expects, appends an error that names the file, line, column, key path
/// and expectation. A read that fails leaves the output untouched, so the
/// default stays and reading goes on: all problems are collected, not just
/// the first. Tables handed to a callback are finished (unknown keys
/// reported, with a did-you-mean) when the callback returns.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config/diagnostic.hpp"
#include "config/source_map.hpp"
#include "events/wire_enum.hpp"

namespace hotline::config::detail {

struct read_context {
  diagnostics& out;
  source_map& sources;
};

class table_reader {
public:
  /// `path` is the key path of `table` (empty for the root).
  table_reader(const toml::table& table, std::string path, read_context& ctx);

  const std::string& path() const noexcept { return path_; }
  /// `path.key` (or `key` at the root).
  std::string child(std::string_view key) const;
  read_context& context() const noexcept { return *ctx_; }

  /// The value at `key` or nullptr; marks `key` as known either way.
  const toml::node* get(std::string_view key);
  bool has(std::string_view key) const { return table_.contains(key); }

  /// Reports `key` missing (at this table's position) unless present.
  bool require(std::string_view key, std::string_view expected);

  bool read(std::string_view key, std::string& out);    ///< any string
  bool read_id(std::string_view key, std::string& out); ///< non-empty string without spaces
  bool read(std::string_view key, bool& out);
  /// An integer in [min, max]; `expected` completes "expected ...".
  bool read(std::string_view key, int& out, std::int64_t min, std::int64_t max,
            std::string_view expected);
  bool read(std::string_view key, std::uint64_t& out, std::string_view expected);
  /// A number (integer or float) in [min, max].
  bool read(std::string_view key, double& out, double min, double max, std::string_view expected);

  enum class zero : std::uint8_t { refused, allowed };
  /// Whole seconds, stored as milliseconds.
  bool read_seconds(std::string_view key, std::int64_t& out_ms, zero rule);
  /// Whole minutes, stored as milliseconds.
  bool read_minutes(std::string_view key, std::int64_t& out_ms, zero rule);
  /// A positive number of seconds, fractions allowed, as milliseconds.
  bool read_duration_s(std::string_view key, std::int64_t& out_ms);
  /// "HH:MM" as milliseconds since midnight; "24:00" only with `allow_24`.
  bool read_clock(std::string_view key, std::int64_t& out_ms, bool allow_24 = false);
  bool read(std::string_view key, std::vector<std::string>& out); ///< array of ids
  /// A table of name -> integer in [min, max] (skills, capacity). When
  /// `names` is not empty, each name must be one of them.
  bool read(std::string_view key, std::map<std::string, int>& out, int min, int max,
            std::string_view expected, const std::vector<std::string>& names = {});

  /// One of `names`; `noun` names the thing in messages ("unknown strategy
  /// 'fastest' (expected one of ...)"). read_choice() also parses it into an
  /// enum with events' parse functions.
  bool read_one_of(std::string_view key, std::string& out, const std::vector<std::string>& names,
                   std::string_view noun);
  template <class E>
  bool read_choice(std::string_view key, E& out, bool (*parse)(std::string_view, E&) noexcept,
                   const std::vector<std::string>& names, std::string_view noun) {
    std::string text;
    return read_one_of(key, text, names, noun) && parse(text, out);
  }
  /// read_one_of for a wire enum (events/wire_enum.hpp): one of its names.
  template <events::wire_enum E>
  bool read_choice(std::string_view key, E& out, std::string_view noun) {
    std::string text;
    if (!read_one_of(key, text, events::wire_name_list<E>(), noun)) return false;
    out = *events::from_wire<E>(text);
    return true;
  }
  /// A table of name -> integer in [min, max] whose names are those of a
  /// wire enum (capacity per channel): read(key, map, ...) with its names.
  template <events::wire_enum E>
  bool read(std::string_view key, std::map<E, int>& out, int min, int max,
            std::string_view expected) {
    std::map<std::string, int> by_name;
    if (!read(key, by_name, min, max, expected, events::wire_name_list<E>())) return false;
    out.clear();
    for (const auto& [name, value] : by_name)
      out.emplace(*events::from_wire<E>(name), value);
    return true;
  }

  /// Calls `fn` with the sub-table at `key` when present.
  void with_table(std::string_view key, const std::function<void(table_reader&)>& fn);
  /// Calls `fn` for each table of the array of tables at `key`, paths `key[i]`.
  void each_table(std::string_view key,
                  const std::function<void(table_reader&, std::size_t index)>& fn);

  /// Reports a problem with the value at `key` (or with this table when the
  /// key is absent or empty).
  void error(std::string_view key, std::string message);
  void warning(std::string_view key, std::string message);
  /// Reports a problem at a node of this table that is not a direct value
  /// (e.g. an element of an array), under the given full key path.
  void error_at(const toml::node& node, std::string key_path, std::string message);

  /// Marks every key of the table as known (a table whose kind could not be
  /// read: its keys would only add noise to the error that says so).
  void accept_all();

  /// Reports every key that was never asked for. Called by with_table and
  /// each_table; the owner of a root reader calls it once.
  void finish();

  /// A short description of a value for "got ..." ("-5", "\"fastest\"", "a table").
  static std::string describe(const toml::node& node);

private:
  bool read_whole(std::string_view key, std::int64_t& out_ms, std::int64_t unit_ms,
                  std::string_view unit, zero rule);
  void report(severity level, const toml::source_region& where, std::string key_path,
              std::string message);
  void expected(std::string_view key, const toml::node& got, std::string_view what);

  const toml::table& table_;
  std::string path_;
  read_context* ctx_;
  std::vector<std::string> known_;
};

/// A source_position from a toml++ region.
source_position position_of(const toml::source_region& region);

} // namespace hotline::config::detail
