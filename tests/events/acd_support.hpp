#pragma once
// Test support for the ACD deciders: given(history) / when(command) /
// then(events or rejection), with events compared through their JSON form
// (payload structs have no operator==, and JSON diffs read well on failure).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "events/acd/agent.hpp"
#include "events/acd/call.hpp"
#include "events/acd/deciders.hpp"
#include "events/acd/queue.hpp"
#include "events/acd/trunk_channel.hpp"
#include "events/center.hpp"

namespace acd_test {

using namespace hotline::events;

inline constexpr std::int64_t ms = 1'000'000;
inline constexpr std::int64_t sec = 1'000 * ms;
/// A fixed, realistic epoch time so that "0" never means "now".
inline constexpr std::int64_t t0 = 1'800'000'000LL * sec;

/// A value of a vocabulary enum that is none of its names (as a command
/// built from a number might carry one): the deciders refuse it.
template <class E> constexpr E not_a_name() {
  return static_cast<E>(99);
}

template <class Variant> std::string describe(const Variant& e) {
  return std::visit(
      [](const auto& x) {
        return std::string{std::decay_t<decltype(x)>::type_name} + " " + nlohmann::json(x).dump();
      },
      e);
}

/// One line per event, so that a failed comparison prints readably.
template <class Variant> std::string describe_all(const std::vector<Variant>& events) {
  std::string out;
  for (const auto& e : events)
    out += "\n  " + describe(e);
  return out;
}

template <class Variant> std::vector<std::string> types_of(const std::vector<Variant>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    out.push_back(std::visit(
        [](const auto& x) { return std::string{std::decay_t<decltype(x)>::type_name}; }, e));
  return out;
}

template <class Command> std::int64_t now_of(const Command& c) {
  return acd::command_time(c);
}

using agent_ops = acd::agent_decider;
using call_ops = acd::call_decider;
using queue_ops = acd::queue_decider;
using trunk_ops = acd::trunk_decider;

/// An aggregate under test: its state after a history, and the steps that
/// drive it like an actor would (decide, append = evolve at the command's time).
template <class Ops> struct subject {
  using state = typename Ops::state;
  using command = typename Ops::command;
  using event = typename Ops::event;

  state s;
  /// Every event applied, as the store would hold it: catalog payload and time.
  std::vector<std::pair<hotline::events::event, std::int64_t>> log;

  explicit subject(state initial) : s(std::move(initial)) {}

  /// given: events that already happened at `at`.
  subject& given(const std::vector<event>& history, std::int64_t at = t0) {
    apply(history, at);
    return *this;
  }

  /// given: commands that must be accepted (their events are applied).
  subject& after(const std::vector<command>& commands) {
    for (const auto& c : commands) {
      auto out = Ops::decide(c, s);
      if (!out)
        FAIL_CHECK("setup command refused: " << out.error().code << ": " << out.error().detail);
      else
        apply(out.events(), now_of(c));
    }
    return *this;
  }

  /// when: decide only.
  outcome<event> when(const command& c) const { return Ops::decide(c, s); }

  /// when: decide and, if accepted, apply the events.
  outcome<event> step(const command& c) {
    auto out = Ops::decide(c, s);
    if (out) apply(out.events(), now_of(c));
    return out;
  }

  void apply(const std::vector<event>& events, std::int64_t at) {
    for (const auto& e : events) {
      s = Ops::evolve(std::move(s), e, at);
      log.emplace_back(widen<hotline::events::event>(e), at);
    }
  }
};

/// then: exactly these events.
template <class Event>
void then_events(const outcome<Event>& out, const std::vector<Event>& expected) {
  if (!out) {
    FAIL_CHECK("refused: " << out.error().code << ": " << out.error().detail);
    return;
  }
  CHECK(describe_all(out.events()) == describe_all(expected));
}

/// then: these event types, in order.
template <class Event>
void then_types(const outcome<Event>& out, const std::vector<std::string>& expected) {
  if (!out) {
    FAIL_CHECK("refused: " << out.error().code << ": " << out.error().detail);
    return;
  }
  auto joined = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
      s += x + " ";
    return s;
  };
  CHECK(joined(types_of(out.events())) == joined(expected));
}

/// then: refused with `code`.
template <class Event> void then_rejected(const outcome<Event>& out, const std::string& code) {
  REQUIRE_MESSAGE(!out.accepted(), "expected rejection "
                                       << code << ", got "
                                       << (out ? types_of(out.events()).size() : 0) << " event(s)");
  CHECK(out.error().code == code);
  CHECK_FALSE(out.error().detail.empty());
}

/// then: accepted with no events (a harmless repeat).
template <class Event> void then_nothing(const outcome<Event>& out) {
  if (!out) {
    FAIL_CHECK("refused: " << out.error().code << ": " << out.error().detail);
    return;
  }
  CHECK(out.events().empty());
}

inline agent_definition voice_agent(std::string id, std::map<std::string, int> skills = {},
                                    std::vector<std::string> queues = {"sales"}) {
  agent_definition a;
  a.id = std::move(id);
  a.skills = std::move(skills);
  a.queues = std::move(queues);
  return a;
}

inline queue_definition make_queue(std::string id, std::vector<skill_requirement> skills = {},
                                   routing_strategy strategy = routing_strategy::longest_idle) {
  queue_definition q;
  q.id = std::move(id);
  q.skills = std::move(skills);
  q.strategy = strategy;
  return q;
}

} // namespace acd_test
