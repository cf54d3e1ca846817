#pragma once
/// Internal to hotline_config: the `[[flows]]` sections (IVR flows, issue
/// 23) into events::ivr::flow. Key names, defaults and examples are in
/// docs/ivr.md; keep the two in step.
///
/// Besides each value on its own, reading checks what a flow needs from
/// files: every recorded prompt exists, per language, as a WAV file the
/// node can play (`<prompts>/<language>/<name>.wav`), and a lookup's CSV
/// table has the key column and every column it maps. Then each flow's
/// graph is checked (events/ivr/flow_check.hpp: unknown nodes, loops
/// without caller input, no way out, variables used before set,
/// unreachable nodes), every problem at the file:line:col of the key at
/// fault. References to queues and from entry points are validate()'s.
#include <vector>

#include "config/table_reader.hpp"
#include "events/ivr/flow.hpp"

namespace hotline::config::detail {

void read_flows(table_reader& root, std::vector<events::ivr::flow>& flows);

} // namespace hotline::config::detail
