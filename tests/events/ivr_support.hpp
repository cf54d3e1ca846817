#pragma once
// Test support for the IVR session decider: flows built in code and a
// session kit that decides, evolves and records (given / when / then).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "events/ivr/session.hpp"

namespace hotline::testing::ivr {

using namespace hotline::events;
using namespace hotline::events::ivr;
using hotline::events::ivr::event; // not the catalog's variant

inline node make(std::string id, node_kind kind) {
  node n;
  n.id = std::move(id);
  n.kind = kind;
  return n;
}
inline node play(std::string id, std::string prompt, std::string next) {
  auto n = make(std::move(id), node_kind::play);
  n.prompt.name = std::move(prompt);
  n.next = std::move(next);
  return n;
}
inline node say(std::string id, std::string text, std::string next) {
  auto n = make(std::move(id), node_kind::play);
  n.prompt.text = std::move(text);
  n.next = std::move(next);
  return n;
}
inline node menu(std::string id, std::map<std::string, std::string> choices,
                 std::string fallback = {}) {
  auto n = make(std::move(id), node_kind::menu);
  n.prompt.name = "menu";
  n.invalid_prompt.name = "invalid";
  n.choices = std::move(choices);
  n.fallback = std::move(fallback);
  return n;
}
inline node collect(std::string id, std::string variable, std::string next,
                    std::string fallback = {}) {
  auto n = make(std::move(id), node_kind::collect);
  n.prompt.name = "enter";
  n.variable = std::move(variable);
  n.next = std::move(next);
  n.fallback = std::move(fallback);
  return n;
}
inline node exit_to(std::string id, node_kind kind, std::string target = {}) {
  auto n = make(std::move(id), kind);
  n.target = std::move(target);
  return n;
}

inline std::shared_ptr<const flow> make_flow(std::vector<node> nodes, std::string start = {}) {
  auto f = std::make_shared<flow>();
  f->id = "f1";
  f->tenant = "acme";
  f->languages = {"zh", "en"};
  f->start = start.empty() ? nodes.front().id : std::move(start);
  f->nodes = std::move(nodes);
  return f;
}

/// One session: commands in, events and state out.
class session_kit {
public:
  explicit session_kit(std::shared_ptr<const flow> f) : flow_(f), state_(initial_state(f)) {}

  /// Enters with a caller and a local time (Monday 10:00 by default).
  std::vector<event> enter(std::int32_t weekday = 0, std::int32_t minute = 600,
                           std::string date = "2026-12-07",
                           std::map<std::string, std::string> data = {}, bool vip = false) {
    events::ivr::enter c;
    c.session_id = "s1";
    c.call_id = "c1";
    c.tenant = "acme";
    c.caller = "13800000000";
    c.dialed = "4008100100";
    c.vip = vip;
    c.data = std::move(data);
    c.weekday = weekday;
    c.minute_of_day = minute;
    c.date = std::move(date);
    return accept(c);
  }
  std::vector<event> press(char key) { return accept(digit{key, 0}); }
  std::vector<event> keys(std::string_view ks) {
    std::vector<event> all;
    for (char k : ks)
      for (auto& e : press(k))
        all.push_back(std::move(e));
    return all;
  }
  std::vector<event> played() { return accept(prompt_done{state_.step, 0}); }
  std::vector<event> silence() { return accept(timeout{state_.step, 0}); }
  std::vector<event> answer(bool found, std::map<std::string, std::string> row = {}) {
    lookup_result r;
    r.step = state_.step;
    r.found = found;
    r.row = std::move(row);
    r.latency_ms = 12;
    return accept(r);
  }
  std::vector<event> lookup_fails(std::string why) {
    lookup_result r;
    r.step = state_.step;
    r.ok = false;
    r.error = std::move(why);
    return accept(r);
  }

  /// Decides and applies; fails the test on a rejection.
  std::vector<event> accept(const command& c) {
    auto out = decide(c, state_);
    REQUIRE_MESSAGE(out.accepted(),
                    (out.accepted() ? "" : out.error().code + ": " + out.error().detail));
    for (const auto& e : out.events()) {
      state_ = evolve(std::move(state_), e);
      history_.push_back(e);
    }
    return out.events();
  }
  /// The rejection a command gets (the state stays).
  rejection refused(const command& c) {
    auto out = decide(c, state_);
    REQUIRE_FALSE(out.accepted());
    return out.error();
  }

  const state& now() const { return state_; }
  action next() const { return pending(state_); }
  const std::vector<event>& history() const { return history_; }

  /// Recovery: folding the recorded events gives the same state.
  state replayed() const {
    auto s = initial_state(flow_);
    for (const auto& e : history_)
      s = evolve(std::move(s), e);
    return s;
  }

private:
  std::shared_ptr<const flow> flow_;
  state state_;
  std::vector<event> history_;
};

template <class E> const E& as(const event& e) {
  REQUIRE(std::holds_alternative<E>(e));
  return std::get<E>(e);
}
inline const ivr_exited& exited(const std::vector<event>& es) {
  REQUIRE_FALSE(es.empty());
  return as<ivr_exited>(es.back());
}

} // namespace hotline::testing::ivr
