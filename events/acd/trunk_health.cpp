#include "events/acd/trunk_health.hpp"

namespace hotline::events::acd::trunk_health {

std::string stream_name(const std::string& group) {
  return "trunk-" + group;
}

state initial_state(std::string group) {
  state s;
  s.group = std::move(group);
  return s;
}

namespace {

using result = outcome<event>;

result decide_one(const mark_down& c, const state& s) {
  if (c.peer.empty()) return rejection{"invalid_argument", "trunk " + s.group + ": no peer named"};
  if (c.reason.empty())
    return rejection{"invalid_argument",
                     "trunk " + s.group + ": peer " + c.peer + " marked down without a reason"};
  if (s.down.count(c.peer)) return result::nothing();
  return event{trunk_peer_down{s.group, c.peer, c.reason}};
}

result decide_one(const mark_up& c, const state& s) {
  if (c.peer.empty()) return rejection{"invalid_argument", "trunk " + s.group + ": no peer named"};
  if (!s.down.count(c.peer)) return result::nothing();
  return event{trunk_peer_up{s.group, c.peer}};
}

} // namespace

outcome<event> decide(const command& cmd, const state& s) {
  return std::visit([&](const auto& c) { return decide_one(c, s); }, cmd);
}

state evolve(state s, const event& e, std::int64_t) {
  std::visit(
      [&](const auto& ev) {
        using E = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<E, trunk_peer_down>)
          s.down[ev.peer] = ev.reason;
        else
          s.down.erase(ev.peer);
      },
      e);
  return s;
}

} // namespace hotline::events::acd::trunk_health
