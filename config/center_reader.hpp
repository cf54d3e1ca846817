#pragma once
/// Internal to hotline_config: the center's sections of a configuration
/// ([site], [[tenants]], [[trunks]], [[queues]], [[agents]], [[agent_groups]],
/// [[entry_points]], [[flows]]: config/flow_reader.hpp) into
/// events::center_definition. Key names and defaults
/// are documented in docs/config.md; keep the two in step.
#include <map>
#include <string>
#include <vector>

#include "config/simulation.hpp"
#include "config/table_reader.hpp"
#include "events/center.hpp"

namespace hotline::config::detail {

/// Reads the center's sections of `root`. Agent groups are expanded into
/// `center.agents` after the explicit agents (their origin recorded in the
/// context's source_map); the `shift` of agents and groups goes to `shifts`.
/// Local problems (types, ranges, unknown keys, names) are reported;
/// references between sections are validate()'s job.
void read_center(table_reader& root, events::center_definition& center,
                 std::map<std::string, shift>& shifts);

} // namespace hotline::config::detail
