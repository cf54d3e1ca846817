#pragma once
/// The wall clock of IVR flows' time zones for the simulator
/// (simulation_options::local_wall, acd_context::local_wall: what `hours`
/// nodes read): each flow's `time_zone` located once through
/// drivers/time_zone. A zone the database lacks (`hotline config check`
/// reports it) and a flow with none read as UTC.
#include <cstdint>
#include <functional>
#include <string>

#include "config/configuration.hpp"

namespace hotline::cli {

/// Thread-safe: the zones are located here, the function only reads them.
std::function<std::int64_t(const std::string& zone, std::int64_t utc_ns)>
flow_clock(const config::configuration& cfg);

} // namespace hotline::cli
