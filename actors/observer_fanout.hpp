#pragma once
/// Several observers on one node: the ACD has one `ctx->observer`, but a
/// node may run real telephony beside simulated traffic (`hotline demo
/// --sip-listen`). The fan-out is that observer: each notification about a
/// call goes to whoever started the call, told apart by the call id's
/// prefix (telephony names its calls "sip-…", the simulator "<site>-…");
/// a call no route claims (one that moved here from another site) goes to
/// the fallback. Notifications without a call id (rejected_atom) go to
/// every observer.
///
/// An agent's outbound call (dial_atom) goes to the route that dials out
/// (`dials_out`; the first such), which then hears every notification of
/// that call until it ends, whatever its id: the call was not started by
/// telephony, but telephony carries it. (release_atom, call_id) from the
/// dialer gives such a call back (its agent has no phone).
///
/// A call back (dial_back_atom) goes to the route of its call id if that
/// route dials out; otherwise (a simulated or API call, a call moved here)
/// the fan-out answers the call itself (far_end_atom "no_phone"): its agent
/// is rung as without telephony.
///
/// The original sender is kept (messages are delegated), so an observer
/// that answers the call actor which told it something still can.
#include <string>
#include <vector>

#include <caf/actor.hpp> // observer_route holds one by value

namespace hotline::actors {

struct observer_route {
  std::string call_id_prefix; ///< non-empty
  caf::actor observer;
  bool dials_out = false; ///< it places agents' outbound calls (dial_atom)
};

/// Routes are tried in order; the first whose prefix starts the call id wins.
/// `fallback` may be invalid (such notifications are dropped).
caf::actor spawn_observer_fanout(caf::actor_system& sys, std::vector<observer_route> routes,
                                 caf::actor fallback);

} // namespace hotline::actors
