#pragma once
/// What a decider answers to a command: the events it decided (possibly
/// none: a harmless no-op, which makes retries safe) or a `rejection` that
/// says why the command is refused. Deciders never throw; an actor turns a
/// rejection into a reply (and a `command.rejected` audit record) and keeps
/// running.
///
///   auto out = agent::decide(cmd, state);
///   if (!out) return reply(out.error());          // rejection{code, detail}
///   for (const auto& e : out.events()) append(e);  // then evolve with each
#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace hotline::events {

/// A refused command. `code` is a stable snake_case name that callers may
/// branch on ("not_offered", "already_ended"; docs/acd.md lists them all);
/// `detail` is for people and names the entities involved.
struct rejection {
  std::string code;
  std::string detail;

  bool operator==(const rejection&) const = default;
};

/// The events decided for a command, or the rejection. An accepted outcome
/// with no events means "nothing to do" (e.g. a repeated command).
template <class Event> class outcome {
public:
  /// Accepted with these events (in append order).
  outcome(std::vector<Event> events) : v_(std::move(events)) {}
  /// Accepted with one event.
  outcome(Event e) : v_(std::vector<Event>{std::move(e)}) {}
  /// Refused.
  outcome(rejection r) : v_(std::move(r)) {}

  /// Accepted, nothing to append.
  static outcome nothing() { return outcome{std::vector<Event>{}}; }

  bool accepted() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return accepted(); }

  /// REQUIRES: accepted()
  const std::vector<Event>& events() const& {
    assert(accepted());
    return std::get<0>(v_);
  }
  /// REQUIRES: accepted()
  std::vector<Event>&& events() && {
    assert(accepted());
    return std::get<0>(std::move(v_));
  }
  /// REQUIRES: !accepted()
  const rejection& error() const {
    assert(!accepted());
    return std::get<1>(v_);
  }

private:
  std::variant<std::vector<Event>, rejection> v_;
};

} // namespace hotline::events
