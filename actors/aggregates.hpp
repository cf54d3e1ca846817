#pragma once
/// The deciders of events/acd/ seen through one shape, for `shell`.
#include "events/acd/agent.hpp"
#include "events/acd/call.hpp"
#include "events/acd/queue.hpp"
#include "events/acd/trunk_channel.hpp"

namespace hotline::actors {

#define HOTLINE_AGGREGATE(Name, Ns)                                                                \
  struct Name {                                                                                    \
    using state = Ns::state;                                                                       \
    using command = Ns::command;                                                                   \
    using event = Ns::event;                                                                       \
    static events::outcome<event> decide(const command& c, const state& s) {                       \
      return Ns::decide(c, s);                                                                     \
    }                                                                                              \
    static state evolve(state s, const event& e, std::int64_t at) {                                \
      return Ns::evolve(std::move(s), e, at);                                                      \
    }                                                                                              \
  };

HOTLINE_AGGREGATE(call_aggregate, events::acd::call)
HOTLINE_AGGREGATE(agent_aggregate, events::acd::agent)
HOTLINE_AGGREGATE(queue_aggregate, events::acd::queue)
HOTLINE_AGGREGATE(trunk_aggregate, events::acd::trunk)

#undef HOTLINE_AGGREGATE

} // namespace hotline::actors
