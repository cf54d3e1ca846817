#include "actors/observer_fanout.hpp"

#include <map>

#include <caf/all.hpp>

#include "actors/protocol.hpp"
#include "events/vocabulary.hpp"

namespace hotline::actors {

namespace {

struct fanout_state {
  std::vector<observer_route> routes;
  caf::actor fallback;
  std::map<std::string, caf::actor> claimed; ///< outbound calls a dialer carries

  const caf::actor& of(const std::string& call_id) const {
    if (auto it = claimed.find(call_id); it != claimed.end()) return it->second;
    for (const auto& r : routes)
      if (call_id.compare(0, r.call_id_prefix.size(), r.call_id_prefix) == 0) return r.observer;
    return fallback;
  }
};

caf::behavior fanout(caf::stateful_actor<fanout_state>* self, std::vector<observer_route> routes,
                     caf::actor fallback) {
  self->state.routes = std::move(routes);
  self->state.fallback = std::move(fallback);
  // Delegating keeps the sender; an invalid destination drops the message.
  auto to = [self](const std::string& call_id, auto&&... xs) {
    const auto& dest = self->state.of(call_id);
    if (dest) self->delegate(dest, std::forward<decltype(xs)>(xs)...);
  };
  return {
      [=](ringing_atom a, const std::string& agent, const std::string& call) {
        to(call, a, agent, call);
      },
      [=](ring_stopped_atom a, const std::string& agent, const std::string& call,
          const std::string& why) { to(call, a, agent, call, why); },
      [=](queued_atom a, const std::string& call, const std::string& queue) {
        to(call, a, call, queue);
      },
      [=](talking_atom a, const std::string& call, const std::string& agent) {
        to(call, a, call, agent);
      },
      [=](ended_atom a, const std::string& call, events::call_outcome o) {
        to(call, a, call, o);
        self->state.claimed.erase(call);
      },
      [=](dial_atom a, const std::string& call, const std::string& agent, const std::string& number,
          const std::string& trunk) {
        for (const auto& r : self->state.routes)
          if (r.dials_out) {
            self->state.claimed[call] = r.observer;
            break;
          }
        to(call, a, call, agent, number, trunk);
      },
      // A call back goes to the dialer that started its call (by prefix);
      // one no dialer started (simulated, API) hears "no_phone" and rings
      // its agent as without telephony.
      [=](dial_back_atom a, const std::string& call, const std::string& agent,
          const std::string& number, const std::string& trunk) {
        for (const auto& r : self->state.routes) {
          if (call.compare(0, r.call_id_prefix.size(), r.call_id_prefix) != 0) continue;
          if (!r.dials_out) break;
          self->delegate(r.observer, a, call, agent, number, trunk);
          return;
        }
        self->send(caf::actor_cast<caf::actor>(self->current_sender()), far_end_atom::value,
                   std::string{"no_phone"});
      },
      // The dialer does not carry that call after all (its agent has no phone).
      [=](release_atom, const std::string& call) { self->state.claimed.erase(call); },
      [=](callback_offered_atom a, const std::string& call, const std::string& queue) {
        to(call, a, call, queue);
      },
      [=](off_line_atom a, const std::string& call) { to(call, a, call); },
      [=](held_atom a, const std::string& call, const std::string& agent, bool on) {
        to(call, a, call, agent, on);
      },
      [=](announce_atom a, const std::string& call, int position, std::int64_t ewt_ms) {
        to(call, a, call, position, ewt_ms);
      },
      [=](party_atom a, const std::string& call, const party_change& p) { to(call, a, call, p); },
      [=](rejected_atom a, const std::string& stream, const std::string& code) {
        for (const auto& r : self->state.routes)
          self->send(r.observer, a, stream, code);
        if (self->state.fallback) self->send(self->state.fallback, a, stream, code);
      },
  };
}

} // namespace

caf::actor spawn_observer_fanout(caf::actor_system& sys, std::vector<observer_route> routes,
                                 caf::actor fallback) {
  return sys.spawn(fanout, std::move(routes), std::move(fallback));
}

} // namespace hotline::actors
