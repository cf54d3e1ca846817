#pragma once
/// How an actor answers a node API request (actors/protocol.hpp: api_atom):
/// the handler of the message inside runs as if it had come alone, and the
/// API hears the refusal it recorded, or that it was done. `last_refusal`
/// is the actor's slot its deciders' refusals are kept in; `who` is the
/// actor's author slot (the principal its events are recorded with): while
/// the handler runs it names the API's user, so that what a person did
/// through the API is recorded as theirs (principal::user) in the events
/// and the audit trail.
#include <optional>
#include <string>

#include <caf/all.hpp>

#include "actors/protocol.hpp"
#include "events/envelope.hpp"
#include "events/outcome.hpp"

namespace hotline::actors {

/// Answers the current request (api_atom, code, detail) without running anything.
inline void refuse_api(caf::response_promise& rp, std::string code, std::string detail) {
  rp.deliver(api_atom::value, std::move(code), std::move(detail));
}

/// The author of what an API request of `user` causes: the person
/// (principal::user), or `otherwise` (the actor's own) when the request
/// names no user.
inline events::principal api_author(const std::string& user, const events::principal& otherwise) {
  return user.empty() ? otherwise : events::principal::user(user);
}

/// Runs `inner` through `self`'s behaviour and answers through `rp`.
template <class Self>
void run_api(Self* self, caf::response_promise& rp, caf::message& inner,
             std::optional<events::rejection>& last_refusal, events::principal& who,
             const std::string& user) {
  last_refusal.reset();
  auto saved = who;
  who = api_author(user, saved);
  self->current_behavior()(inner);
  who = std::move(saved);
  if (last_refusal)
    refuse_api(rp, last_refusal->code, last_refusal->detail);
  else
    refuse_api(rp, {}, {});
}

} // namespace hotline::actors
