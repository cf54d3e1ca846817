#pragma once
/// A loaded configuration: the center as the domain sees it plus what only
/// the traffic simulator uses.
#include <cstdint>
#include <string>
#include <vector>

#include "config/ivr_settings.hpp"
#include "config/node.hpp"
#include "config/simulation.hpp"
#include "config/sip.hpp"
#include "events/center.hpp"

namespace hotline::config {

/// The limits a queue of a configuration file has when it does not set
/// them (docs/config.md): a caller waits at most an hour, and at most 1,000
/// callers wait, before the queue's `overflow` action applies. A queue
/// without limits kept waiting calls forever when nobody was left to
/// answer or abandon them (issue 18.2); `0` still asks for no limit.
/// (A center built in code keeps queue_definition's own 0 = unlimited.)
inline constexpr std::int64_t default_queue_max_wait_ms = 3'600'000;
inline constexpr int default_queue_max_length = 1'000;

struct configuration {
  events::center_definition center; ///< agent groups already expanded into agents
  simulation_definition simulation;
  node_definition node;           ///< [node], [kafka], [federation]: `hotline node`
  sip_definition sip;             ///< [sip]: telephony (drivers/sip)
  ivr_settings ivr;               ///< [ivr]: speech, lookups, voicemail (drivers/tts, lookup)
  std::vector<std::string> files; ///< the file loaded, then every file it included (load order)
};

} // namespace hotline::config
