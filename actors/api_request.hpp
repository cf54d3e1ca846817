#pragma once
/// How an actor answers a node API request (actors/protocol.hpp: api_atom):
/// the handler of the message inside runs as if it had come alone, and the
/// API hears the refusal it recorded, or that it was done. `last_refusal`
/// is the actor's slot its deciders' refusals are kept in.
#include <optional>
#include <string>

#include <caf/all.hpp>

#include "actors/protocol.hpp"
#include "events/outcome.hpp"

namespace hotline::actors {

/// Answers the current request (api_atom, code, detail) without running anything.
inline void refuse_api(caf::response_promise& rp, std::string code, std::string detail) {
  rp.deliver(api_atom::value, std::move(code), std::move(detail));
}

/// Runs `inner` through `self`'s behaviour and answers through `rp`.
template <class Self>
void run_api(Self* self, caf::response_promise& rp, caf::message& inner,
             std::optional<events::rejection>& last_refusal) {
  last_refusal.reset();
  self->current_behavior()(inner);
  if (last_refusal)
    refuse_api(rp, last_refusal->code, last_refusal->detail);
  else
    refuse_api(rp, {}, {});
}

} // namespace hotline::actors
