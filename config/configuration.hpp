#pragma once
/// A loaded configuration: the center as the domain sees it plus what only
/// the traffic simulator uses.
#include <string>
#include <vector>

#include "config/node.hpp"
#include "config/simulation.hpp"
#include "events/center.hpp"

namespace hotline::config {

struct configuration {
  events::center_definition center; ///< agent groups already expanded into agents
  simulation_definition simulation;
  node_definition node;             ///< [node], [kafka], [federation]: `hotline node`
  std::vector<std::string> files; ///< the file loaded, then every file it included (load order)
};

} // namespace hotline::config
