#include "config/center_reader.hpp"

#include <algorithm>
#include <cstdio>

#include "config/configuration.hpp"
#include "config/flow_reader.hpp"
#include "config/limits.hpp"
#include "config/simulation_reader.hpp"
#include "events/acd/agent.hpp"

namespace hotline::config::detail {

namespace {

using zero = table_reader::zero;

/// Every name an events enum prints, in declaration order. Derived from
/// events' own to_string so a value added there is accepted here at once.
template <class E> std::vector<std::string> enum_names() {
  std::vector<std::string> names;
  for (int i = 0; i < 256; ++i) {
    const std::string name = events::to_string(static_cast<E>(i));
    if (name == "?") break;
    names.push_back(name);
  }
  return names;
}

const std::vector<std::string> strategy_names = enum_names<events::routing_strategy>();
const std::vector<std::string> overflow_names = enum_names<events::overflow_action>();
const std::vector<std::string> empty_rule_names = enum_names<events::empty_rule>();
const std::vector<std::string> queue_record_names = enum_names<events::recording_policy>();
/// A tenant's default cannot defer to itself.
const std::vector<std::string> tenant_record_names = {"never", "always"};

constexpr std::int64_t max_count = 1'000'000;

void read_site(table_reader& r, events::site_definition& site) {
  r.read_id("id", site.id);
  r.read("name", site.name);
  r.read_seconds("passivate_idle_s", site.passivate_idle_ms, zero::allowed);
}

void read_tenant(table_reader& r, events::tenant_definition& t) {
  if (r.require("id", "a tenant id")) r.read_id("id", t.id);
  r.read("name", t.name);
  r.read("vip_callers", t.vip_callers);
  r.read_choice("record", t.record, &events::parse_recording_policy, tenant_record_names,
                "recording policy");
}

void read_trunk(table_reader& r, events::trunk_group_definition& t) {
  if (r.require("id", "a trunk group id")) r.read_id("id", t.id);
  r.read("channels", t.channels, 1, limits::max_channels,
         "a number of channels from 1 to " + std::to_string(limits::max_channels));
  r.read_choice("direction", t.direction, "direction");
}

void read_widening(table_reader& r, events::widening_step& w) {
  if (r.require("after_s", "a positive integer number of seconds"))
    r.read_seconds("after_s", w.after_ms, zero::refused);
  r.read("min_level_delta", w.min_level_delta, 0, 99, "an integer from 0 to 99");
  r.read("add_queues", w.add_queues);
}

/// `dispositions = ["sale", "no_sale", ...]`: the wrap-up codes the queue's
/// agents may set, each by the rule of events/acd/agent.hpp, none twice.
void read_dispositions(table_reader& r, std::vector<std::string>& out) {
  const auto* node = r.get("dispositions");
  if (!node) return;
  const auto* list = node->as_array();
  if (!list)
    return r.error("dispositions",
                   "expected an array of disposition codes, got " + table_reader::describe(*node));
  std::vector<std::string> codes;
  bool ok = true;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& item = *list->get(i);
    const auto path = r.child("dispositions") + '[' + std::to_string(i) + ']';
    const auto* text = item.as_string();
    if (!text) {
      r.error_at(item, path,
                 "expected a disposition code (a string), got " + table_reader::describe(item));
      ok = false;
      continue;
    }
    if (auto why = events::acd::agent::check_disposition_code(text->get())) {
      r.error_at(item, path, "disposition code '" + text->get() + "' " + *why);
      ok = false;
      continue;
    }
    if (std::find(codes.begin(), codes.end(), text->get()) != codes.end()) {
      r.error_at(item, path, "disposition code '" + text->get() + "' is listed twice");
      ok = false;
      continue;
    }
    codes.push_back(text->get());
  }
  if (ok) out = std::move(codes);
}

void read_queue(table_reader& r, events::queue_definition& q) {
  q.max_wait_ms = default_queue_max_wait_ms; // unless the file says otherwise
  q.max_length = default_queue_max_length;
  if (r.require("id", "a queue id")) r.read_id("id", q.id);
  r.read_id("tenant", q.tenant);
  r.read("name", q.name);
  r.read_choice("channel", q.channel, "channel");
  std::map<std::string, int> skills;
  if (r.read("skills", skills, 1, 100, "a minimum skill level from 1 to 100")) {
    q.skills.clear();
    for (const auto& [skill, level] : skills)
      q.skills.push_back({skill, level});
  }
  r.read_choice("strategy", q.strategy, &events::parse_routing_strategy, strategy_names,
                "strategy");
  r.read_seconds("ring_timeout_s", q.ring_timeout_ms, zero::refused);
  r.read("max_no_answer", q.max_no_answer, 0, max_count, "a non-negative integer (0: never)");
  r.read_seconds("reject_delay_s", q.reject_delay_ms, zero::allowed);
  r.read_seconds("busy_delay_s", q.busy_delay_ms, zero::allowed);
  r.read_seconds("wrap_up_s", q.wrap_up_ms, zero::allowed);
  r.read("max_length", q.max_length, 0, max_count, "a non-negative integer (0: unlimited)");
  r.read_seconds("max_wait_s", q.max_wait_ms, zero::allowed);
  r.read_choice("join_empty", q.join_empty, &events::parse_empty_rule, empty_rule_names,
                "empty rule");
  r.read_choice("leave_empty", q.leave_empty, &events::parse_empty_rule, empty_rule_names,
                "empty rule");
  r.read_choice("record", q.record, &events::parse_recording_policy, queue_record_names,
                "recording policy");
  r.read_choice("overflow", q.overflow, &events::parse_overflow_action, overflow_names,
                "overflow action");
  r.read_id("overflow_queue", q.overflow_queue);
  r.read_seconds("announce_every_s", q.announce_every_ms, zero::allowed);
  r.each_table("widening", [&](table_reader& w, std::size_t i) {
    events::widening_step step;
    read_widening(w, step);
    if (i > 0 && step.after_ms <= q.widening.back().after_ms && w.has("after_s"))
      w.error("after_s", "expected steps in increasing order of after_s: this step (" +
                             std::to_string(step.after_ms / 1000) +
                             " s) does not come after the previous one (" +
                             std::to_string(q.widening.back().after_ms / 1000) + " s)");
    q.widening.push_back(std::move(step));
  });
  r.read_seconds("callback_offer_after_s", q.callback_offer_after_ms, zero::allowed);
  r.read("callback_attempts", q.callback_attempts, 1, max_count, "a positive integer");
  r.read_seconds("callback_retry_s", q.callback_retry_ms, zero::allowed);
  r.read_seconds("preferred_agent_s", q.preferred_agent_ms, zero::allowed);
  r.read_id("outbound_trunk_group", q.outbound_trunk_group);
  r.read("sl_threshold_s", q.sl_threshold_s, 1, 86400, "a number of seconds from 1 to 86400");
  r.read("vip_priority", q.vip_priority, INT32_MIN, INT32_MAX, "an integer");
  read_dispositions(r, q.dispositions);
}

/// The settings an agent and an agent group share. `shift` is filled when
/// the table has a valid one (returns true).
bool read_agent_settings(table_reader& r, events::agent_definition& a, shift& s) {
  r.read_id("tenant", a.tenant);
  r.read("name", a.name);
  r.read("skills", a.skills, 1, 100, "a skill level from 1 to 100");
  r.read("capacity", a.capacity, 0, 100, "a number of concurrent contacts from 0 to 100");
  r.read("voice_blocks_others", a.voice_blocks_others);
  r.read_seconds("wrap_up_s", a.wrap_up_ms, zero::allowed);
  r.read("queues", a.queues);
  r.read("order", a.order, INT32_MIN, INT32_MAX, "an integer");
  r.read("supervisor", a.supervisor);
  bool has_shift = false;
  r.with_table("shift", [&](table_reader& t) { has_shift = read_shift(t, s); });
  return has_shift;
}

void read_agent(table_reader& r, events::center_definition& center,
                std::map<std::string, shift>& shifts) {
  events::agent_definition a;
  if (r.require("id", "an agent id")) r.read_id("id", a.id);
  shift s;
  const bool has_shift = read_agent_settings(r, a, s);
  if (has_shift && !a.id.empty()) shifts[a.id] = std::move(s);
  center.agents.push_back(std::move(a));
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

/// `[[agent_groups]]`: `count` agents `id_prefix` + number, sharing settings.
void read_agent_group(table_reader& r, events::center_definition& center,
                      std::map<std::string, shift>& shifts) {
  std::string prefix;
  int count = 0, first = 1, digits = 2;
  std::int64_t stagger_ms = 0;
  bool ok = r.require("id_prefix", "a prefix for the generated agent ids") &&
            r.read_id("id_prefix", prefix);
  ok = r.require("count", "a positive number of agents") &&
       r.read("count", count, 1, static_cast<std::int64_t>(limits::max_agents),
              "a number of agents from 1 to " + std::to_string(limits::max_agents)) &&
       ok;
  r.read("first_number", first, 0, 1'000'000'000, "a non-negative integer");
  r.read("digits", digits, 1, 9, "a number of digits from 1 to 9");
  r.read_minutes("break_stagger_min", stagger_ms, zero::allowed);
  events::agent_definition model;
  shift model_shift;
  const bool has_shift = read_agent_settings(r, model, model_shift);
  if (!ok) return;
  if (center.agents.size() + static_cast<std::size_t>(count) > limits::max_agents) {
    r.error("count", "with this group the center would have " +
                         std::to_string(center.agents.size() + static_cast<std::size_t>(count)) +
                         " agents; a center has at most " + std::to_string(limits::max_agents));
    return; // not generated: the limit also bounds the memory reading takes
  }

  if (has_shift && stagger_ms > 0 && !model_shift.breaks.empty()) {
    const auto& last = model_shift.breaks.back();
    const auto latest_end = last.offset_ms + last.length_ms + (count - 1) * stagger_ms;
    if (latest_end > model_shift.length_ms)
      r.error("break_stagger_min",
              "with " + std::to_string(count) + " agents the last agent's last break would end " +
                  std::to_string(latest_end / 60'000) + " min into a " +
                  std::to_string(model_shift.length_ms / 60'000) + " min shift");
  }
  for (int k = 0; k < count; ++k) {
    char number[16];
    std::snprintf(number, sizeof number, "%0*d", digits, first + k);
    events::agent_definition a = model;
    a.id = prefix + number;
    a.name = replace_all(model.name, "{n}", number);
    a.order = model.order + k;
    r.context().sources.set_origin("agents", center.agents.size(), r.path());
    if (has_shift) {
      shift s = model_shift;
      for (auto& b : s.breaks)
        b.offset_ms += k * stagger_ms;
      shifts[a.id] = std::move(s);
    }
    center.agents.push_back(std::move(a));
  }
}

void read_entry(table_reader& r, events::entry_point& e) {
  if (r.require("dialed", "the dialed number")) r.read_id("dialed", e.dialed);
  r.read_id("tenant", e.tenant);
  r.read_id("flow", e.flow);
  // A flow's queue nodes say where its callers go: then `queue` is optional.
  if (!e.flow.empty() || r.require("queue", "a queue id (or a flow)")) r.read_id("queue", e.queue);
  r.read_id("trunk_group", e.trunk_group);
  r.read("priority", e.priority, INT32_MIN, INT32_MAX, "an integer");
}

} // namespace

void read_center(table_reader& root, events::center_definition& center,
                 std::map<std::string, shift>& shifts) {
  root.with_table("site", [&](table_reader& r) { read_site(r, center.site); });
  root.each_table("tenants", [&](table_reader& r, std::size_t) {
    read_tenant(r, center.tenants.emplace_back());
  });
  root.each_table(
      "trunks", [&](table_reader& r, std::size_t) { read_trunk(r, center.trunks.emplace_back()); });
  root.each_table(
      "queues", [&](table_reader& r, std::size_t) { read_queue(r, center.queues.emplace_back()); });
  root.each_table("agents", [&](table_reader& r, std::size_t) { read_agent(r, center, shifts); });
  root.each_table("agent_groups",
                  [&](table_reader& r, std::size_t) { read_agent_group(r, center, shifts); });
  root.each_table("entry_points", [&](table_reader& r, std::size_t) {
    read_entry(r, center.entry_points.emplace_back());
  });
  read_flows(root, center.flows);
}

} // namespace hotline::config::detail
