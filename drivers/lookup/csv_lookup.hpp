#pragma once
/// A lookup node's `source = "csv"`: the lookup port
/// (actors/ports/lookup.hpp) over a local table (config/lookup_table.hpp),
/// loaded once. `find` renders the node's `key` with the variables, finds
/// the row and maps the node's `fields` (column -> variable); no row →
/// not_found. Never failed once loaded (the table is in memory).
///
/// Thread safety: `find` may be called from any thread (the table is
/// immutable).
#include <map>
#include <memory>
#include <string>

#include "actors/ports/lookup.hpp"
#include "config/lookup_table.hpp"
#include "events/ivr/flow.hpp"

namespace hotline::drivers::lookup {

class csv_lookup final : public ports::lookup_source {
public:
  /// The node's table, or null with `why` set ("orders.csv:4: ...").
  static std::unique_ptr<csv_lookup> load(const events::ivr::node& n, std::string& why,
                                          ports::lookup_metrics* metrics = nullptr);

  ports::lookup_answer find(const ports::variables& vars) override;

private:
  csv_lookup(config::lookup_table t, std::string key, std::map<std::string, std::string> fields,
             ports::lookup_metrics* metrics)
      : table_(std::move(t)), key_(std::move(key)), fields_(std::move(fields)), metrics_(metrics) {}

  config::lookup_table table_;
  std::string key_;
  std::map<std::string, std::string> fields_;
  ports::lookup_metrics* metrics_;
};

} // namespace hotline::drivers::lookup
