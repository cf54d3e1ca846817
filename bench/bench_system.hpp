#pragma once
/// The actor system the in-process benchmarks run the node's actors on:
/// `threads` scheduler threads with `policy` ("stealing" or "sharing"),
/// CAF's logger quiet, and the node's coarse clock (actors/coarse_clock.hpp).
#include <string>

#include <caf/all.hpp>

#include "actors/coarse_clock.hpp"

namespace hotline::bench {

struct bench_system_config : caf::actor_system_config {
  bench_system_config(int threads, const std::string& policy) {
    set("scheduler.max-threads", threads);
    set("scheduler.policy", caf::atom_from_string(policy));
    set("logger.file-verbosity", caf::atom("quiet"));
    set("logger.console-verbosity", caf::atom("quiet"));
    actors::install_coarse_clock(*this);
  }
};

} // namespace hotline::bench
