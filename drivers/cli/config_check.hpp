#pragma once
/// `hotline config check`'s checks of a configuration file: config::load_file
/// and those config/ may not make itself (an IVR flow's time zone, through
/// drivers/time_zone). Shared by the command and the node API's
/// `GET /api/flows` (api_options::check_config), so both report the same.
#include <string>

#include "config/load.hpp"

namespace hotline::cli {

config::load_outcome check_config_file(const std::string& file);

} // namespace hotline::cli
