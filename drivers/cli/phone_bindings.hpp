#pragma once
// The agents' phone registrations a node had when it stopped, read back
// from its store at start (docs/telephony.md "Registration of agents'
// phones"): the registrar (drivers/sip) and the telephony actor take them
// up, so a phone that registered for an hour still rings after a restart.
#include <cstdint>
#include <string>
#include <vector>

#include "events/telephony/phone_binding.hpp"

namespace hotline::ports {
class event_store;
}

namespace hotline::cli {

struct recorded_phones {
  std::vector<events::telephony::phone_binding> running; ///< still within their lifetime
  std::vector<events::telephony::phone_binding> lapsed;  ///< expired while the node was down
};

/// Folds `phone-<agent>` for each of `agent_ids` (events/telephony/
/// phone_binding.hpp) and sorts the bindings left by `now_ns` (wall clock,
/// as the events were stamped). A stream that cannot be read or decoded
/// yields no binding for that agent and a warning in the log (its phone
/// registers again at its next refresh).
recorded_phones phone_bindings_of(const ports::event_store& store,
                                  const std::vector<std::string>& agent_ids, std::int64_t now_ns,
                                  const std::string& site);

} // namespace hotline::cli
