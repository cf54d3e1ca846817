#include "projections/live/live_view.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "events/catalog.hpp"
#include "projections/fold_support.hpp"

namespace hotline::projections::live {

namespace {

constexpr std::int64_t ns_per_ms = 1'000'000;

bool wanted(std::string_view t) {
  return t.starts_with("agent.") || t.starts_with("call.") || t.starts_with("trunk.") ||
         t == "queue.call_joined" || t == "queue.call_left" || t == "queue.defined" ||
         t == "queue.closed" || t == "queue.opened" || t == "queue.settings_changed" ||
         t == "ivr.entered" || t == "ivr.exited";
}

} // namespace

std::string_view to_string(agent_activity a) noexcept {
  switch (a) {
  case agent_activity::logged_out:
    return "logged_out";
  case agent_activity::ready:
    return "ready";
  case agent_activity::not_ready:
    return "not_ready";
  case agent_activity::ringing:
    return "ringing";
  case agent_activity::talking:
    return "talking";
  case agent_activity::on_hold:
    return "on_hold";
  case agent_activity::wrap_up:
    return "wrap_up";
  }
  return "unknown";
}

std::int64_t queue_live::oldest_wait_ms(std::int64_t now_ns) const {
  std::int64_t oldest = 0;
  for (const auto& w : waiting)
    oldest = std::max(oldest, (now_ns - w.since_ns) / ns_per_ms);
  return oldest;
}

void live_view::define(const events::center_definition& center) {
  for (const auto& q : center.queues) {
    auto& l = queue(q.id, q.tenant);
    l.name = q.name;
    l.service_level_ms = static_cast<std::int64_t>(q.sl_threshold_s * 1000);
    l.vip_priority = q.vip_priority;
  }
  for (const auto& t : center.trunks) {
    auto& l = trunks_[t.id];
    l.id = t.id;
    l.channels = t.channels;
  }
  for (const auto& a : center.agents) {
    auto& l = agent(a.id, a.tenant);
    l.name = a.name;
    l.skills = a.skills;
    l.defined_queues = a.queues;
    if (l.activity == agent_activity::logged_out) l.queues = a.queues;
  }
}

agent_live& live_view::agent(const std::string& id, const std::string& tenant) {
  auto [it, fresh] = agents_.try_emplace(id);
  if (fresh) it->second.id = id;
  if (it->second.tenant.empty()) it->second.tenant = tenant;
  return it->second;
}

queue_live& live_view::queue(const std::string& id, const std::string& tenant) {
  auto [it, fresh] = queues_.try_emplace(id);
  if (fresh) it->second.id = id;
  if (it->second.tenant.empty()) it->second.tenant = tenant;
  return it->second;
}

void live_view::leave_queue(const std::string& q, const std::string& call_id) {
  auto it = queues_.find(q);
  if (it == queues_.end()) return;
  auto& w = it->second.waiting;
  w.erase(std::remove_if(w.begin(), w.end(),
                         [&](const waiting_call& c) { return c.call_id == call_id; }),
          w.end());
}

const agent_live* live_view::find_agent(std::string_view id) const {
  auto it = agents_.find(std::string{id});
  return it == agents_.end() ? nullptr : &it->second;
}
const queue_live* live_view::find_queue(std::string_view id) const {
  auto it = queues_.find(std::string{id});
  return it == queues_.end() ? nullptr : &it->second;
}
const call_live* live_view::find_call(std::string_view id) const {
  auto it = calls_.find(std::string{id});
  return it == calls_.end() ? nullptr : &it->second;
}

events::status live_view::apply(const events::recorded_event& e) {
  if (!wanted(e.type)) {
    position_ = e.position;
    return {};
  }
  auto payload = events::event_codec::standard().decode(e);
  if (!payload) return payload.error();
  apply(e, *payload);
  return {};
}

void live_view::apply(const events::recorded_event& e, const events::event& payload) {
  position_ = e.position;
  const std::int64_t ts = e.meta.timestamp_ns;
  const std::string& tenant = e.meta.tenant;
  auto set = [&](agent_live& a, agent_activity act) {
    if (a.activity != act) a.since_ns = ts;
    a.activity = act;
  };
  // Where an agent goes when its desk empties: its presence underneath.
  auto settle = [&](agent_live& a) {
    a.call_id.clear();
    a.disposition.clear();
    a.notes.clear();
    set(a, a.ready_flag ? agent_activity::ready : agent_activity::not_ready);
    a.reason = a.ready_flag ? "" : a.presence_reason;
  };
  auto busy = [](const agent_live& a) {
    return a.activity == agent_activity::ringing || a.activity == agent_activity::talking ||
           a.activity == agent_activity::on_hold || a.activity == agent_activity::wrap_up;
  };
  std::visit(
      overloaded{
          [&](const events::agent_logged_in& p) {
            auto& a = agent(p.agent_id, tenant);
            a.queues = p.queues;
            a.station = p.station;
            a.ready_flag = false;
            a.presence_reason = "logged_in";
            if (!busy(a)) {
              set(a, agent_activity::not_ready);
              a.reason = "logged_in";
            }
          },
          [&](const events::agent_logged_out& p) {
            auto& a = agent(p.agent_id, tenant);
            a.ready_flag = false;
            a.call_id.clear();
            a.station.clear();
            a.reason = p.reason;
            set(a, agent_activity::logged_out);
          },
          [&](const events::agent_ready& p) {
            auto& a = agent(p.agent_id, tenant);
            a.ready_flag = true;
            a.presence_reason.clear();
            if (!busy(a)) {
              set(a, agent_activity::ready);
              a.reason.clear();
            }
          },
          [&](const events::agent_not_ready& p) {
            auto& a = agent(p.agent_id, tenant);
            a.ready_flag = false;
            a.presence_reason = p.reason;
            if (!busy(a)) {
              set(a, agent_activity::not_ready);
              a.reason = p.reason;
            }
          },
          [&](const events::agent_reserved& p) {
            auto& a = agent(p.agent_id, tenant);
            if (a.activity == agent_activity::talking || a.activity == agent_activity::on_hold)
              return; // a second contact (chat) rings beside the call
            if (a.call_id != p.call_id) {
              a.disposition.clear();
              a.notes.clear();
            }
            a.call_id = p.call_id;
            set(a, agent_activity::ringing);
            // A free agent is reserved before the call records call.queued.
            if (auto it = calls_.find(p.call_id); it != calls_.end() && it->second.queue.empty())
              it->second.queue = p.queue;
          },
          [&](const events::agent_reservation_ended& p) {
            auto& a = agent(p.agent_id, tenant);
            if (a.activity == agent_activity::ringing && a.call_id == p.call_id) settle(a);
          },
          [&](const events::agent_call_started& p) {
            auto& a = agent(p.agent_id, tenant);
            if (a.call_id != p.call_id) {
              a.disposition.clear();
              a.notes.clear();
            }
            a.call_id = p.call_id;
            ++a.answered;
            set(a, agent_activity::talking);
          },
          [&](const events::agent_call_held& p) {
            auto& a = agent(p.agent_id, tenant);
            if (a.call_id == p.call_id)
              set(a, p.on_hold ? agent_activity::on_hold : agent_activity::talking);
          },
          [&](const events::agent_call_ended& p) {
            auto& a = agent(p.agent_id, tenant);
            if (a.call_id != p.call_id) return;
            a.talk_ms += (ts - a.since_ns) / ns_per_ms;
            a.wrap_up_ms = p.wrap_up_ms;
            if (p.wrap_up_ms > 0)
              set(a, agent_activity::wrap_up);
            else
              settle(a);
          },
          [&](const events::agent_wrap_up_ended& p) {
            auto& a = agent(p.agent_id, tenant);
            if (a.call_id == p.call_id && a.activity == agent_activity::wrap_up) settle(a);
          },
          [&](const events::call_arrived& p) {
            auto& c = calls_[p.call_id];
            c.id = p.call_id;
            c.tenant = tenant;
            c.caller = p.caller;
            c.dialed = p.dialed;
            c.customer_id = p.customer_id;
            c.attached = p.attached;
            c.state = "arrived";
            c.since_ns = ts;
          },
          [&](const events::call_data_attached& p) {
            auto it = calls_.find(p.call_id);
            if (it == calls_.end()) return;
            for (const auto& [k, v] : p.data)
              it->second.attached[k] = v;
          },
          [&](const events::call_queued& p) {
            auto& c = calls_[p.call_id];
            c.id = p.call_id;
            if (c.tenant.empty()) c.tenant = tenant;
            c.queue = p.queue;
            c.state = "queued";
            if (const auto* q = find_queue(p.queue);
                q && p.priority > 0 && p.priority >= q->vip_priority)
              c.vip = true;
            c.since_ns = ts;
          },
          [&](const events::queue_call_joined& p) {
            auto& q = queue(p.queue, tenant);
            ++q.offered;
            q.waiting.push_back({p.call_id, ts, p.priority});
            if (auto it = calls_.find(p.call_id); it != calls_.end()) it->second.queue = p.queue;
          },
          [&](const events::queue_call_left& p) { leave_queue(p.queue, p.call_id); },
          [&](const events::queue_closed& p) {
            auto& q = queue(p.queue, tenant);
            q.closed = true;
            q.closed_reason = p.reason;
          },
          [&](const events::queue_opened& p) {
            auto& q = queue(p.queue, tenant);
            q.closed = false;
            q.closed_reason.clear();
          },
          [&](const events::agent_skills_changed& p) {
            agent(p.agent_id, tenant).skills = p.skills;
          },
          // Created at runtime (config-<site>): known from now on, like the file's.
          [&](const events::agent_defined& p) {
            auto& a = agent(p.agent_id, p.tenant);
            a.name = p.name;
            a.skills = p.skills;
            a.defined_queues = p.queues;
            if (a.activity == agent_activity::logged_out) a.queues = p.queues;
          },
          [&](const events::queue_defined& p) {
            auto& q = queue(p.queue_id, p.tenant);
            q.name = p.name;
            q.service_level_ms = p.service_level_ms;
          },
          [&](const events::agent_disposition_set& p) {
            auto& a = agent(p.agent_id, tenant);
            if (a.call_id != p.call_id) return; // not the call on its desk now
            a.disposition = p.code;
            a.notes = p.notes;
          },
          [&](const events::agent_queues_changed& p) {
            auto& a = agent(p.agent_id, tenant);
            a.defined_queues = p.queues;
            a.queues = p.queues; // logged in: the session's; logged out: the next login's
          },
          [&](const events::call_offered& p) {
            auto it = calls_.find(p.call_id);
            if (it == calls_.end()) return;
            // A connected call rings a second agent (a consultation, an
            // invitation): it stays with its agent.
            if (it->second.state == "talking" || it->second.state == "on_hold") return;
            it->second.state = "ringing";
            it->second.agent_id = p.agent_id;
          },
          [&](const events::call_offer_ended& p) {
            auto it = calls_.find(p.call_id);
            if (it != calls_.end() && it->second.state == "ringing") it->second.state = "queued";
          },
          [&](const events::call_connected& p) {
            auto it = calls_.find(p.call_id);
            if (it == calls_.end()) return;
            auto& c = it->second;
            c.state = "talking";
            c.agent_id = p.agent_id;
            if (!p.queue.empty()) {
              auto& q = queue(p.queue, tenant);
              ++q.answered;
              q.wait_ms_sum += p.wait_ms;
              if (p.wait_ms <= q.service_level_ms) ++q.answered_in_sl;
              leave_queue(p.queue, p.call_id);
            }
          },
          [&](const events::call_consultation_started& p) {
            if (auto it = calls_.find(p.call_id); it != calls_.end())
              it->second.consult_with = p.target_agent;
          },
          [&](const events::call_consultation_ended& p) {
            if (auto it = calls_.find(p.call_id); it != calls_.end())
              it->second.consult_with.clear();
          },
          [&](const events::call_transferred& p) {
            auto it = calls_.find(p.call_id);
            if (it == calls_.end()) return;
            auto& c = it->second;
            c.consult_with.clear();
            if (p.mode == events::transfer_mode::consultative &&
                p.target_kind == events::transfer_target_kind::agent) {
              c.agent_id = p.target;
              c.state = "talking";
            } else {
              c.agent_id.clear();
              c.state = "arrived";
            }
          },
          [&](const events::call_held& p) {
            if (auto it = calls_.find(p.call_id); it != calls_.end()) it->second.state = "on_hold";
          },
          [&](const events::call_resumed& p) {
            if (auto it = calls_.find(p.call_id); it != calls_.end()) it->second.state = "talking";
          },
          [&](const events::call_ended& p) {
            ++ended_[std::string{events::to_wire(p.outcome)}];
            auto it = calls_.find(p.call_id);
            std::string q = !p.queue.empty() ? p.queue : it != calls_.end() ? it->second.queue : "";
            if (!q.empty()) {
              if (p.outcome == events::call_outcome::abandoned) ++queue(q, tenant).abandoned;
              leave_queue(q, p.call_id);
            }
            if (it != calls_.end()) calls_.erase(it);
          },
          [&](const events::ivr_entered& p) {
            if (!ivr_sessions_.emplace(p.session_id, p.flow).second) return;
            auto& f = ivr_flows_[p.flow];
            f.tenant = tenant;
            ++f.entered;
            ++f.in_flow;
          },
          [&](const events::ivr_exited& p) {
            auto it = ivr_sessions_.find(p.session_id);
            if (it == ivr_sessions_.end()) return;
            auto& f = ivr_flows_[it->second];
            ++f.exited[std::string{events::to_wire(p.way)}];
            if (f.in_flow > 0) --f.in_flow;
            ivr_sessions_.erase(it);
          },
          [&](const events::trunk_seized& p) {
            auto& t = trunks_[p.trunk_group];
            t.id = p.trunk_group;
            t.busy[p.channel] = p.call_id;
          },
          [&](const events::queue_settings_changed& p) {
            auto& q = queue(p.queue, tenant);
            if (auto sl = p.new_values.find("sl_threshold_ms"); sl != p.new_values.end())
              q.service_level_ms = sl->second;
          },
          [&](const events::trunk_channels_changed& p) {
            auto& t = trunks_[p.trunk_group];
            t.id = p.trunk_group;
            t.channels = p.new_channels;
          },
          [&](const events::trunk_released& p) {
            auto& t = trunks_[p.trunk_group];
            t.id = p.trunk_group;
            t.busy.erase(p.channel);
          },
          [&](const events::trunk_peer_down& p) {
            auto& t = trunks_[p.trunk_group];
            t.id = p.trunk_group;
            t.peers_down[p.peer] = p.reason;
          },
          [&](const events::trunk_peer_up& p) {
            auto& t = trunks_[p.trunk_group];
            t.id = p.trunk_group;
            t.peers_down.erase(p.peer);
          },
          [](const auto&) {},
      },
      payload);
}

nlohmann::json live_view::to_json(const agent_live& a, std::int64_t now_ns) {
  return {{"id", a.id},
          {"tenant", a.tenant},
          {"name", a.name},
          {"state", to_string(a.activity)},
          {"reason", a.reason},
          {"since_ns", a.since_ns},
          {"in_state_ms", a.since_ns > 0 ? (now_ns - a.since_ns) / ns_per_ms : 0},
          {"queues", a.queues},
          {"skills", a.skills},
          {"defined_queues", a.defined_queues},
          {"station", a.station},
          {"call_id", a.call_id},
          {"disposition", a.disposition},
          {"notes", a.notes},
          {"answered", a.answered},
          {"talk_ms", a.talk_ms},
          {"wrap_up_ms", a.wrap_up_ms},
          {"presence", a.ready_flag ? "ready" : "not_ready"},
          {"presence_reason", a.presence_reason}};
}

nlohmann::json live_view::to_json(const queue_live& q, const live_view& v, std::int64_t now_ns) {
  std::map<std::string, int> by_state;
  for (const auto& [id, a] : v.agents_)
    if (std::find(a.queues.begin(), a.queues.end(), q.id) != a.queues.end() &&
        a.activity != agent_activity::logged_out)
      ++by_state[std::string{to_string(a.activity)}];
  auto waiting = nlohmann::json::array();
  for (const auto& w : q.waiting)
    waiting.push_back({{"call_id", w.call_id},
                       {"waited_ms", (now_ns - w.since_ns) / ns_per_ms},
                       {"priority", w.priority}});
  return {{"id", q.id},
          {"tenant", q.tenant},
          {"name", q.name},
          {"closed", q.closed},
          {"closed_reason", q.closed_reason},
          {"waiting", q.waiting.size()},
          {"oldest_wait_ms", q.oldest_wait_ms(now_ns)},
          {"calls", waiting},
          {"offered", q.offered},
          {"answered", q.answered},
          {"abandoned", q.abandoned},
          {"service_level", q.answered == 0 ? 1.0 : double(q.answered_in_sl) / double(q.answered)},
          {"asa_ms", q.answered == 0 ? 0 : q.wait_ms_sum / std::int64_t(q.answered)},
          {"service_level_ms", q.service_level_ms},
          {"answered_in_sl", q.answered_in_sl},
          {"wait_ms_sum", q.wait_ms_sum},
          {"agents", by_state}};
}

nlohmann::json live_view::to_json(const call_live& c) {
  return {{"id", c.id},
          {"tenant", c.tenant},
          {"queue", c.queue},
          {"agent_id", c.agent_id},
          {"caller", c.caller},
          {"customer_id", c.customer_id},
          {"dialed", c.dialed},
          {"state", c.state},
          {"since_ns", c.since_ns},
          {"attached", c.attached},
          {"vip", c.vip},
          {"consult_with", c.consult_with}};
}

} // namespace hotline::projections::live
