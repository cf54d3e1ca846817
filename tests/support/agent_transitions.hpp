#pragma once
/// The agent state transitions docs/acd.md allows ("Agent", its state
/// diagram), as seen on a voice-only desk: the one table both invariant
/// tests check every transition against (tests/events/acd_invariants_test.cpp
/// on the deciders, tests/actors/acd_invariants_test.cpp on the actors).
#include "events/acd/agent.hpp"

namespace hotline::testing {

inline bool legal_agent_transition(events::acd::agent::status from, events::acd::agent::status to) {
  using S = events::acd::agent::status;
  if (from == to) return true;
  switch (from) {
  case S::logged_out:
    return to == S::ready || to == S::not_ready;
  case S::ready:
    return to == S::not_ready || to == S::ringing || to == S::logged_out;
  case S::not_ready: // ringing: a call the agent places itself (reserve with `placed`)
    return to == S::ready || to == S::ringing || to == S::logged_out;
  case S::ringing: // logged_out: a logout ends the ringing reservations
    return to == S::on_call || to == S::ready || to == S::not_ready || to == S::logged_out;
  case S::on_call:
    return to == S::on_hold || to == S::wrap_up || to == S::ready || to == S::not_ready;
  case S::on_hold:
    return to == S::on_call || to == S::wrap_up || to == S::ready || to == S::not_ready;
  case S::wrap_up: // logged_out: a logout ends the wrap-up first
    return to == S::ready || to == S::not_ready || to == S::logged_out;
  }
  return false;
}

} // namespace hotline::testing
