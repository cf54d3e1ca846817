#pragma once
/// A view projection: a pure fold over recorded events whose state is a set
/// of key/value rows (STYLE.md rule 7).
///
/// Contract every projection keeps, so that a view rebuilt from position 0
/// has exactly the bytes of the live one:
///  - `apply` is a function of the event sequence only: no clock, no random
///    source, no dependence on when `collect` was called. Housekeeping that
///    must happen "now and then" is keyed on the event's position.
///  - `collect` emits every row whose bytes changed since the previous
///    `collect` (puts), and every row that ceased to exist (deletes); a row's
///    bytes are a deterministic function of the fold state.
///  - every row key starts with `name()` followed by '/'.
///  - `restore` (one call per stored row under the prefix, in key order, then
///    `finish_restore`) brings a fresh projection to the state it had when
///    those rows were collected, so a runner can resume from its checkpoint.
/// The driver writes the rows of one `collect` and the checkpoint in one
/// atomic batch (drivers/views/view_store.hpp).
///
/// Thread safety: none; one thread folds.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/envelope.hpp"
#include "events/status.hpp"

namespace hotline::projections {

/// The rows a `collect` produced. Deletes are applied before puts.
struct view_changes {
  std::vector<std::pair<std::string, std::string>> puts;
  std::vector<std::string> deletes;

  bool empty() const noexcept { return puts.empty() && deletes.empty(); }
  void clear() {
    puts.clear();
    deletes.clear();
  }
};

class view_projection {
public:
  virtual ~view_projection() = default;

  /// The key prefix and checkpoint name ("kpi", "crm", "audit").
  virtual std::string_view name() const noexcept = 0;

  /// Folds one event. A payload the codec cannot decode is returned as its
  /// status (`corrupt_record`, `unknown_event_type`) and leaves the state
  /// unchanged; the caller decides whether to stop or skip.
  virtual events::status apply(const events::recorded_event& e) = 0;

  /// Appends the changed rows since the last collect to `out`.
  virtual void collect(view_changes& out) = 0;

  /// Loads one stored row (key includes the prefix). A row that does not
  /// parse is a `corrupt_record` naming the key.
  virtual events::status restore(std::string_view key, std::string_view value) = 0;
  /// Called after the last `restore`.
  virtual events::status finish_restore() { return {}; }
};

} // namespace hotline::projections
