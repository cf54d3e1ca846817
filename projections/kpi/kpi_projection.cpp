#include "projections/kpi/kpi_projection.hpp"

#include "projections/kpi/kpi_fold.hpp"
#include "projections/kpi/kpi_rows.hpp"

namespace hotline::projections::kpi {

kpi_projection::kpi_projection(kpi_options options) : fold_(std::make_unique<kpi_fold>(options)) {}
kpi_projection::~kpi_projection() = default;
kpi_projection::kpi_projection(kpi_projection&&) noexcept = default;
kpi_projection& kpi_projection::operator=(kpi_projection&&) noexcept = default;

const kpi_options& kpi_projection::options() const noexcept {
  return fold_->opt;
}

bool kpi_projection::reads_payload(std::string_view type) noexcept {
  return kpi_fold::reads_payload(type);
}

events::status kpi_projection::apply(const events::recorded_event& e) {
  return fold_->apply(e);
}

void kpi_projection::apply(const events::recorded_event& e, const events::event& payload) {
  fold_->on_envelope(e);
  fold_->apply(e, payload);
}

void kpi_projection::collect(view_changes& out) {
  collect_rows(*fold_, out);
}

events::status kpi_projection::restore(std::string_view key, std::string_view value) {
  return restore_row(*fold_, key, value);
}

std::vector<kpi_cell_view> kpi_projection::cells() const {
  return fold_->cell_views();
}

kpi_gauges kpi_projection::gauges() const {
  return fold_->gauges();
}

std::size_t kpi_projection::open_calls() const noexcept {
  return fold_->calls.size();
}

} // namespace hotline::projections::kpi
