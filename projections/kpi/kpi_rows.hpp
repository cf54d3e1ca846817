#pragma once
/// The stored form of the KPI fold: the rows of the view store under
/// "kpi/" (docs/projections.md, "KPI rows"), written from a kpi_fold's
/// changes and read back into a fresh one.
///
///   kpi/cell/<interval start, s, 12 digits>/<dim>/<key>
///       version byte, counter count, one little-endian int64 per counter
///       (order of `enum counter`), then the not-ready reasons (count, then
///       length-prefixed name and int64 ms each). Rows written before a
///       counter was added hold fewer; the missing ones read 0.
///   kpi/call/<site>/<id>, kpi/agent/<id>, kpi/cust/<key>,
///   kpi/settle/<key>#<answered ns>, kpi/ivr/<site>/<session>
///       the fold's in-flight state, deleted when no longer needed.
///   kpi/gauges   the live gauges.
///   kpi/options  interval, T, S, FCR window, SL definition: a stored view
///                refuses to resume with other options.
///
/// Every value starts with a version byte (1). Bytes are a deterministic
/// function of the fold state (maps in sorted order), so a rebuilt view
/// equals the live one byte for byte.
#include <cstdint>
#include <string>
#include <string_view>

#include "events/status.hpp"
#include "projections/kpi/kpi_vocabulary.hpp"
#include "projections/view_projection.hpp"

namespace hotline::projections::kpi {

struct kpi_fold;

/// Key prefixes of the rows.
inline constexpr std::string_view cell_row_prefix = "kpi/cell/";
inline constexpr std::string_view call_row_prefix = "kpi/call/";
inline constexpr std::string_view agent_row_prefix = "kpi/agent/";
inline constexpr std::string_view customer_row_prefix = "kpi/cust/";
inline constexpr std::string_view settling_row_prefix = "kpi/settle/";
inline constexpr std::string_view ivr_row_prefix = "kpi/ivr/";

/// Sets `k` to the key of the cell of `group` in `d` at `interval_ns`
/// ("kpi/cell/000001704096000/queue/sales"); an interval before the epoch
/// is written as 0.
void append_cell_key(std::string& k, std::int64_t interval_ns, dimension d, std::string_view group);

/// Appends to `out` the rows of `f` that changed since the last collect
/// (puts) and those that ceased to exist (deletes), and marks `f` clean.
/// The options row is written once, the gauges row when its bytes change.
void collect_rows(kpi_fold& f, view_changes& out);

/// Loads one stored row into `f`. A row that does not parse is
/// `corrupt_record` naming the key; an options row that differs from
/// `f`'s options is `invalid_argument` (rebuild the view instead).
events::status restore_row(kpi_fold& f, std::string_view key, std::string_view value);

} // namespace hotline::projections::kpi
