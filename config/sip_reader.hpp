#pragma once
/// Internal to hotline_config: the [sip] section, its [[sip.trunk]] and
/// [[sip.phone]] tables into sip_definition (docs/config.md lists the keys).
#include "config/sip.hpp"
#include "config/table_reader.hpp"
#include "events/center.hpp"

namespace hotline::config::detail {

/// Reads [sip] when present; trunk groups and agents are checked against `center`.
void read_sip(table_reader& root, const events::center_definition& center, sip_definition& sip);

} // namespace hotline::config::detail
