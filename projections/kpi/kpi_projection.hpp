#pragma once
/// The KPI projection (F18): the KPI fold (kpi_fold.hpp) as a view
/// projection — it folds recorded events, hands the changed rows to the
/// runner (kpi_rows.hpp) and restores itself from them. Counters per
/// reporting interval x group (totals, queue, agent, site, tenant), plus
/// live gauges. What each number means and why it lands in its row:
/// kpi_fold.hpp and docs/projections.md; the words (counters, dimensions,
/// options): kpi_vocabulary.hpp.
///
/// Rows (all under "kpi/"): `cell/<interval start, s, 12 digits>/<dim>/<key>`
/// (counters), `call/...`, `agent/<id>`, `cust/<key>`, `settle/<key>` (in-flight
/// fold state, deleted when no longer needed), `gauges`, `options`.
///
/// Thread safety: none; one thread folds (view_projection.hpp).
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "events/catalog.hpp"
#include "projections/kpi/kpi_vocabulary.hpp"
#include "projections/view_projection.hpp"

namespace hotline::projections::kpi {

struct kpi_fold;

class kpi_projection final : public view_projection {
public:
  explicit kpi_projection(kpi_options options = {});
  ~kpi_projection() override;
  kpi_projection(kpi_projection&&) noexcept;
  kpi_projection& operator=(kpi_projection&&) noexcept;

  std::string_view name() const noexcept override { return "kpi"; }
  events::status apply(const events::recorded_event& e) override;
  /// Folds an event whose payload the caller already decoded.
  void apply(const events::recorded_event& e, const events::event& payload);
  /// True when this projection reads the payload of events of `type`
  /// (others are folded from the envelope alone, without decoding).
  static bool reads_payload(std::string_view type) noexcept;

  void collect(view_changes& out) override;
  events::status restore(std::string_view key, std::string_view value) override;

  const kpi_options& options() const noexcept;
  /// All cells in (interval, dimension, key) order.
  std::vector<kpi_cell_view> cells() const;
  kpi_gauges gauges() const;
  /// Calls with in-flight state (for tests: finished calls are erased).
  std::size_t open_calls() const noexcept;

private:
  std::unique_ptr<kpi_fold> fold_;
};

} // namespace hotline::projections::kpi
