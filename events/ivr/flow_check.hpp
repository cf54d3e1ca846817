#pragma once
/// The checks on a flow's graph that need no file and no center: what
/// `hotline config check` reports about a flow besides reading errors
/// (config/flow_reader locates each problem at file:line:col; docs/ivr.md
/// "Checks"). Pure, so the randomized session test can keep only the flows
/// a configuration would accept.
///
/// Errors: duplicate node ids; a start or a reference naming no node; a
/// loop a caller who presses nothing would go round for ever (a cycle of
/// edges taken without a key: play, lookup, branch and hours edges, the
/// language node's `next`, menu and collect `default`s); a variable that
/// is never set, or may be used before it is set on some way from the start.
///
/// Why no separate "no way out" check: a silent caller follows only silent
/// edges, and where none leaves a node (a menu or collect without
/// `default`) the session ends there (way `failed`). So without a silent
/// loop every node can reach an end, and a loop no exit can be reached
/// from is always a silent loop: one check reports both.
/// Warnings: a node never reached from the start.
#include <cstdint>
#include <string>
#include <vector>

#include "events/ivr/flow.hpp"

namespace hotline::events::ivr {

struct flow_problem {
  bool error = true;
  std::int32_t node = -1; ///< index into flow::nodes; -1: the flow itself
  std::string key;        ///< the node's (or flow's) key the problem is at: "next", "start"
  std::string message;
  std::string unknown; ///< for an unknown node reference: the name (for a did-you-mean)
};

std::vector<flow_problem> check_flow(const flow& f);

/// Where node `n` uses variables: (key, variable) pairs in key order.
std::vector<std::pair<std::string, std::string>> variable_uses(const node& n);

} // namespace hotline::events::ivr
