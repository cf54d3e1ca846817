#include "config/json.hpp"

namespace hotline::config {

namespace {

using json = nlohmann::ordered_json;

/// Milliseconds in a unit: whole numbers print as integers.
json in_unit(std::int64_t ms, std::int64_t unit_ms) {
  if (ms % unit_ms == 0) return ms / unit_ms;
  return static_cast<double>(ms) / static_cast<double>(unit_ms);
}
json seconds(std::int64_t ms) {
  return in_unit(ms, 1000);
}
json minutes(std::int64_t ms) {
  return in_unit(ms, 60'000);
}

json distribution(const duration_distribution& d) {
  json j{{"distribution", to_string(d.kind)}};
  switch (d.kind) {
  case distribution_kind::exponential:
    j["mean_s"] = seconds(d.mean_ms);
    break;
  case distribution_kind::lognormal:
    j["mean_s"] = seconds(d.mean_ms);
    j["sd_s"] = seconds(d.sd_ms);
    break;
  case distribution_kind::empirical: {
    json samples = json::array();
    for (auto s : d.samples_ms)
      samples.push_back(seconds(s));
    j["samples_s"] = samples;
    break;
  }
  case distribution_kind::none:
    break;
  }
  return j;
}

json shift_json(const shift& s) {
  json breaks = json::array();
  for (const auto& b : s.breaks)
    breaks.push_back({{"after_min", minutes(b.offset_ms)},
                      {"length_min", minutes(b.length_ms)},
                      {"reason", b.reason}});
  return {{"start", time_of_day_text(s.start_ms)},
          {"length_min", minutes(s.length_ms)},
          {"breaks", breaks}};
}

json queue_json(const events::queue_definition& q) {
  json skills = json::object();
  for (const auto& s : q.skills)
    skills[s.skill] = s.min_level;
  json widening = json::array();
  for (const auto& w : q.widening)
    widening.push_back({{"after_s", seconds(w.after_ms)},
                        {"min_level_delta", w.min_level_delta},
                        {"add_queues", w.add_queues}});
  return {{"id", q.id},
          {"tenant", q.tenant},
          {"name", q.name},
          {"channel", q.channel},
          {"skills", skills},
          {"strategy", events::to_string(q.strategy)},
          {"ring_timeout_s", seconds(q.ring_timeout_ms)},
          {"max_no_answer", q.max_no_answer},
          {"reject_delay_s", seconds(q.reject_delay_ms)},
          {"busy_delay_s", seconds(q.busy_delay_ms)},
          {"wrap_up_s", seconds(q.wrap_up_ms)},
          {"max_length", q.max_length},
          {"max_wait_s", seconds(q.max_wait_ms)},
          {"join_empty", events::to_string(q.join_empty)},
          {"leave_empty", events::to_string(q.leave_empty)},
          {"overflow", events::to_string(q.overflow)},
          {"overflow_queue", q.overflow_queue},
          {"announce_every_s", seconds(q.announce_every_ms)},
          {"widening", widening},
          {"callback_offer_after_s", seconds(q.callback_offer_after_ms)},
          {"callback_attempts", q.callback_attempts},
          {"callback_retry_s", seconds(q.callback_retry_ms)},
          {"preferred_agent_s", seconds(q.preferred_agent_ms)},
          {"outbound_trunk_group", q.outbound_trunk_group},
          {"sl_threshold_s", q.sl_threshold_s},
          {"vip_priority", q.vip_priority},
          {"dispositions", q.dispositions}};
}

json agent_json(const events::agent_definition& a, const simulation_definition& sim) {
  std::map<std::string, int> capacity; // by name, as the file has it
  for (const auto& [channel, n] : a.capacity)
    capacity.emplace(events::to_wire(channel), n);
  json j{
      {"id", a.id},         {"tenant", a.tenant},   {"name", a.name},
      {"skills", a.skills}, {"capacity", capacity}, {"voice_blocks_others", a.voice_blocks_others},
      {"queues", a.queues}, {"order", a.order},     {"supervisor", a.supervisor}};
  // -1 means "the queue's": an absent key, as in the file.
  if (a.wrap_up_ms >= 0) j["wrap_up_s"] = seconds(a.wrap_up_ms);
  if (auto it = sim.shifts.find(a.id); it != sim.shifts.end()) j["shift"] = shift_json(it->second);
  return j;
}

json arrival_json(const arrival_profile& a) {
  json j = json::object();
  if (!a.entry_point.empty()) j["entry_point"] = a.entry_point;
  if (!a.queue.empty()) j["queue"] = a.queue;
  if (a.counts_csv.empty()) {
    j["rate_per_h"] = a.rate_per_hour;
  } else {
    j["counts_csv"] = a.counts_csv;
    j["interval_min"] = minutes(a.interval_ms);
    j["counts_start"] = time_of_day_text(a.counts_start_ms);
    j["counts"] = a.counts;
  }
  j["handle_time"] = distribution(a.handle_time);
  j["patience"] = distribution(a.patience);
  j["callback_accept"] = a.callback_accept;
  j["callback_reach"] = a.callback_reach;
  j["direction"] = a.direction;
  return j;
}

} // namespace

nlohmann::ordered_json flow_json(const events::ivr::flow& f) {
  json nodes = json::array();
  for (const auto& n : f.nodes) {
    json j{{"id", n.id}, {"type", events::ivr::to_string(n.kind)}};
    for (const auto& e : events::ivr::edges_of(n))
      j[e.key] = e.to;
    if (!n.target.empty()) j["target"] = n.target;
    nodes.push_back(std::move(j));
  }
  return {{"id", f.id},
          {"tenant", f.tenant},
          {"start", f.start},
          {"languages", f.languages},
          {"time_zone", f.time_zone},
          {"prompts", f.prompts},
          {"inputs", f.inputs},
          {"nodes", nodes}};
}

json to_json(const configuration& config) {
  const auto& c = config.center;
  const auto& sim = config.simulation;
  json tenants = json::array(), trunks = json::array(), queues = json::array(),
       agents = json::array(), entries = json::array(), arrivals = json::array();
  for (const auto& t : c.tenants)
    tenants.push_back({{"id", t.id}, {"name", t.name}, {"vip_callers", t.vip_callers}});
  for (const auto& t : c.trunks)
    trunks.push_back({{"id", t.id}, {"channels", t.channels}, {"direction", t.direction}});
  for (const auto& q : c.queues)
    queues.push_back(queue_json(q));
  for (const auto& a : c.agents)
    agents.push_back(agent_json(a, sim));
  for (const auto& e : c.entry_points)
    entries.push_back({{"dialed", e.dialed},
                       {"tenant", e.tenant},
                       {"queue", e.queue},
                       {"trunk_group", e.trunk_group},
                       {"priority", e.priority},
                       {"flow", e.flow}});
  for (const auto& a : sim.arrivals)
    arrivals.push_back(arrival_json(a));
  json flows = json::array();
  for (const auto& f : c.flows)
    flows.push_back(flow_json(f));
  return {{"files", config.files},
          {"site", {{"id", c.site.id}, {"name", c.site.name}}},
          {"tenants", tenants},
          {"trunks", trunks},
          {"queues", queues},
          {"agents", agents},
          {"entry_points", entries},
          {"flows", flows},
          {"simulation",
           {{"seed", sim.seed},
            {"start", time_of_day_text(sim.start_ms)},
            {"end", time_of_day_text(sim.end_ms)},
            {"vip_share", sim.vip_share},
            {"arrivals", arrivals}}}};
}

json to_json(const diagnostic& d) {
  return {{"severity", to_string(d.level)},
          {"file", d.file},
          {"line", d.line},
          {"column", d.column},
          {"key", d.key},
          {"message", d.message}};
}

} // namespace hotline::config
