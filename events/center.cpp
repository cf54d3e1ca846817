#include "events/center.hpp"

#include <algorithm>

namespace hotline::events {

namespace {

template <class E, std::size_t N>
bool parse_enum(std::string_view text, E& out, const std::pair<const char*, E> (&names)[N]) {
  for (const auto& [name, value] : names)
    if (text == name) {
      out = value;
      return true;
    }
  return false;
}

template <class E, std::size_t N>
const char* enum_name(E value, const std::pair<const char*, E> (&names)[N]) {
  for (const auto& [name, v] : names)
    if (v == value) return name;
  return "?";
}

constexpr std::pair<const char*, routing_strategy> strategy_names[] = {
    {"longest_idle", routing_strategy::longest_idle},
    {"round_robin", routing_strategy::round_robin},
    {"fewest_calls", routing_strategy::fewest_calls},
    {"least_talk_time", routing_strategy::least_talk_time},
    {"top_down", routing_strategy::top_down},
    {"random", routing_strategy::random},
    {"ring_all", routing_strategy::ring_all}};

constexpr std::pair<const char*, overflow_action> overflow_names[] = {
    {"none", overflow_action::none},
    {"queue", overflow_action::queue},
    {"voicemail", overflow_action::voicemail},
    {"callback", overflow_action::callback}};

constexpr std::pair<const char*, empty_rule> empty_names[] = {
    {"never", empty_rule::never},
    {"no_members", empty_rule::no_members},
    {"no_available", empty_rule::no_available}};

template <class T> const T* find_by_id(const std::vector<T>& items, std::string_view id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
  return it == items.end() ? nullptr : &*it;
}

} // namespace

const char* to_string(routing_strategy s) noexcept {
  return enum_name(s, strategy_names);
}
bool parse_routing_strategy(std::string_view t, routing_strategy& out) noexcept {
  return parse_enum(t, out, strategy_names);
}
const char* to_string(overflow_action a) noexcept {
  return enum_name(a, overflow_names);
}
bool parse_overflow_action(std::string_view t, overflow_action& out) noexcept {
  return parse_enum(t, out, overflow_names);
}
const char* to_string(empty_rule r) noexcept {
  return enum_name(r, empty_names);
}
bool parse_empty_rule(std::string_view t, empty_rule& out) noexcept {
  return parse_enum(t, out, empty_names);
}

namespace {
constexpr std::pair<const char*, recording_policy> recording_names[] = {
    {"tenant", recording_policy::tenant},
    {"never", recording_policy::never},
    {"always", recording_policy::always}};
} // namespace

const char* to_string(recording_policy p) noexcept {
  return enum_name(p, recording_names);
}
bool parse_recording_policy(std::string_view t, recording_policy& out) noexcept {
  return parse_enum(t, out, recording_names);
}

const queue_definition* center_definition::find_queue(std::string_view id) const {
  return find_by_id(queues, id);
}
const agent_definition* center_definition::find_agent(std::string_view id) const {
  return find_by_id(agents, id);
}
const trunk_group_definition* center_definition::find_trunk(std::string_view id) const {
  return find_by_id(trunks, id);
}
const tenant_definition* center_definition::find_tenant(std::string_view id) const {
  return find_by_id(tenants, id);
}
const entry_point* center_definition::find_entry(std::string_view dialed) const {
  auto it = std::find_if(entry_points.begin(), entry_points.end(),
                         [&](const entry_point& e) { return e.dialed == dialed; });
  return it == entry_points.end() ? nullptr : &*it;
}

const ivr::flow* center_definition::find_flow(std::string_view id) const {
  auto it =
      std::find_if(flows.begin(), flows.end(), [&](const ivr::flow& f) { return f.id == id; });
  return it == flows.end() ? nullptr : &*it;
}

} // namespace hotline::events
