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
#include "events/catalog.hpp"
#include "events/variant_cast.hpp"

namespace hotline::events::acd {

struct agent_decider {
  using state = agent::state;
  using command = agent::command;
  using event = agent::event;
  static constexpr std::string_view category = "agent";
  static outcome<event> decide(const command& c, const state& s) { return agent::decide(c, s); }
  static state evolve(state s, const event& e, std::int64_t at_ns) {
    return agent::evolve(std::move(s), e, at_ns);
  }
  static bool is_terminal(const state& s) { return agent::is_terminal(s); }
  static std::string stream_of(const state& s) { return agent::stream_name(s.definition.id); }
};

struct call_decider {
  using state = call::state;
  using command = call::command;
  using event = call::event;
  static constexpr std::string_view category = "call";
  static outcome<event> decide(const command& c, const state& s) { return call::decide(c, s); }
  static state evolve(state s, const event& e, std::int64_t at_ns) {
    return call::evolve(std::move(s), e, at_ns);
  }
  static bool is_terminal(const state& s) { return call::is_terminal(s); }
  static std::string stream_of(const state& s) { return call::stream_name(s.call_id); }
};

struct queue_decider {
  using state = queue::state;
  using command = queue::command;
  using event = queue::event;
  static constexpr std::string_view category = "queue";
  static outcome<event> decide(const command& c, const state& s) { return queue::decide(c, s); }
  static state evolve(state s, const event& e, std::int64_t at_ns) {
    return queue::evolve(std::move(s), e, at_ns);
  }
  static bool is_terminal(const state& s) { return queue::is_terminal(s); }
  static std::string stream_of(const state& s) { return queue::stream_name(s.definition.id); }
};

struct trunk_decider {
  using state = trunk::state;
  using command = trunk::command;
  using event = trunk::event;
  static constexpr std::string_view category = "trunk";
  static outcome<event> decide(const command& c, const state& s) { return trunk::decide(c, s); }
  static state evolve(state s, const event& e, std::int64_t at_ns) {
    return trunk::evolve(std::move(s), e, at_ns);
  }
  static bool is_terminal(const state& s) { return trunk::is_terminal(s); }
  static std::string stream_of(const state& s) { return trunk::stream_name(s.group, s.channel); }
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
