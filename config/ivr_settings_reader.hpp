#pragma once
/// Internal to hotline_config: the [ivr] section into ivr_settings
/// (docs/config.md lists the keys).
#include "config/ivr_settings.hpp"
#include "config/table_reader.hpp"

namespace hotline::config::detail {

void read_ivr_settings(table_reader& root, ivr_settings& out);

} // namespace hotline::config::detail
