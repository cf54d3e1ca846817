#pragma once
/// The configuration's lookup tables (config/lookup_table.hpp) as the IVR
/// data port (actors/ports/ivr_data.hpp): every CSV table a lookup node of
/// the center names, loaded once, keyed by (file, key column). The
/// simulator uses it; a node running flows over telephony will too.
///
/// Thread safety: `lookup` may be called from any thread (the tables are
/// immutable once loaded).
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "actors/ports/ivr_data.hpp"
#include "config/lookup_table.hpp"
#include "events/center.hpp"
#include "events/status.hpp"

namespace hotline::drivers::sim {

class ivr_tables final : public ports::ivr_data {
public:
  /// Loads every table of `center`'s lookup nodes. An error names the
  /// flow, the node, the file and why ("flow acme-orders node find:
  /// orders.csv: line 4: 3 fields, the header has 2").
  static events::result<std::shared_ptr<ivr_tables>> load(const events::center_definition& center);

  /// A table not loaded answers ok = false ("no table ...").
  ports::ivr_lookup_answer lookup(const ports::ivr_lookup_query& q) override;

  std::size_t size() const noexcept { return tables_.size(); }

private:
  std::map<std::pair<std::string, std::string>, config::lookup_table> tables_;
};

} // namespace hotline::drivers::sim
