#pragma once
/// The four ACD aggregates as types, so that one generic actor (and one test
/// harness) serves them all:
///
///   template <class D> void handle(const typename D::command& cmd) {
///     auto out = D::decide(cmd, state_);
///     if (!out) return reply(out.error());
///     append(D::stream_of(state_), widen<events::event>(each event), command_time(cmd));
///     for (const auto& e : out.events())
///       state_ = D::evolve(std::move(state_), e, command_time(cmd));
///   }
///
/// Recovery folds the recorded payloads with `fold_recorded<D>`, which skips
/// events of other aggregates.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "events/acd/agent.hpp"
#include "events/acd/call.hpp"
#include "events/acd/queue.hpp"
#include "events/acd/trunk_channel.hpp"
#include "events/acd/trunk_group.hpp"
#include "events/acd/trunk_health.hpp"
#include "events/catalog.hpp"
#include "events/variant_cast.hpp"

namespace hotline::events::acd {

namespace detail {
// Unqualified calls: argument-dependent lookup finds each aggregate's own
// functions (events::acd::call::decide for a call::state, ...).
template <class C, class S> auto decide_of(const C& c, const S& s) {
  return decide(c, s);
}
template <class S, class E> S evolve_of(S s, const E& e, std::int64_t at_ns) {
  return evolve(std::move(s), e, at_ns);
}
template <class S> bool is_terminal_of(const S& s) {
  return is_terminal(s);
}
} // namespace detail

/// What every aggregate's decider type has: its types and its decide,
/// evolve and is_terminal. The four below add only their category and how
/// a state names its stream.
template <class State, class Command, class Event> struct decider_of {
  using state = State;
  using command = Command;
  using event = Event;
  static outcome<event> decide(const command& c, const state& s) { return detail::decide_of(c, s); }
  static state evolve(state s, const event& e, std::int64_t at_ns) {
    return detail::evolve_of(std::move(s), e, at_ns);
  }
  static bool is_terminal(const state& s) { return detail::is_terminal_of(s); }
};

struct agent_decider : decider_of<agent::state, agent::command, agent::event> {
  static constexpr std::string_view category = "agent";
  static std::string stream_of(const state& s) { return agent::stream_name(s.definition.id); }
};

struct call_decider : decider_of<call::state, call::command, call::event> {
  static constexpr std::string_view category = "call";
  static std::string stream_of(const state& s) { return call::stream_name(s.call_id); }
};

struct queue_decider : decider_of<queue::state, queue::command, queue::event> {
  static constexpr std::string_view category = "queue";
  static std::string stream_of(const state& s) { return queue::stream_name(s.definition.id); }
};

struct trunk_decider : decider_of<trunk::state, trunk::command, trunk::event> {
  static constexpr std::string_view category = "trunk";
  static std::string stream_of(const state& s) { return trunk::stream_name(s.group, s.channel); }
};

struct trunk_health_decider
    : decider_of<trunk_health::state, trunk_health::command, trunk_health::event> {
  static constexpr std::string_view category = "trunk";
  static std::string stream_of(const state& s) { return trunk_health::stream_name(s.group); }
};

struct trunk_group_decider
    : decider_of<trunk_group::state, trunk_group::command, trunk_group::event> {
  static constexpr std::string_view category = "trunkgroup";
  static std::string stream_of(const state& s) { return trunk_group::stream_name(s.group); }
};

/// The `now_ns` every command carries: the time to stamp its events with.
template <class Command> std::int64_t command_time(const Command& c) {
  return std::visit([](const auto& x) -> std::int64_t { return x.now_ns; }, c);
}

/// Applies a recorded catalog event recorded at `at_ns` (its envelope
/// time); events of other aggregates leave the state as it is.
template <class D>
typename D::state fold_recorded(typename D::state s, const events::event& e, std::int64_t at_ns) {
  if (auto mine = narrow<typename D::event>(e)) return D::evolve(std::move(s), *mine, at_ns);
  return s;
}

} // namespace hotline::events::acd
