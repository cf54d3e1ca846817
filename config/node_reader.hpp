#pragma once
/// Internal to hotline_config: the [node], [kafka] and [federation]
/// sections into node_definition (docs/config.md lists the keys).
#include "config/node.hpp"
#include "config/table_reader.hpp"

namespace hotline::config::detail {

/// Reads the sections when present; `site` names the default topics.
void read_node(table_reader& root, const std::string& site, node_definition& node);

} // namespace hotline::config::detail
