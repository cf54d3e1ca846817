// The KPI fold's IVR part (kpi_fold.hpp; docs/ivr.md "KPIs"): sessions
// entered, their ways out by flow and by exit node, time in the IVR, the
// path through the menus (callers who reached each node), menu choices and
// lookups. A session's numbers land in the interval it entered. Voicemail
// messages left and handled count in the interval of their event.
#include "projections/kpi/kpi_fold.hpp"

#include "projections/kpi/kpi_rows.hpp"

namespace hotline::projections::kpi {

using events::recorded_event;

ivr_session_st* kpi_fold::ivr_for(std::string_view session_id, const recorded_event& e) {
  auto it = ivr_sessions.find(call_key(session_id, e));
  return it == ivr_sessions.end() ? nullptr : &it->second;
}

void kpi_fold::bump_ivr(const ivr_session_st& s, counter k, bool call_level, std::int64_t by) {
  bump(get_cell(s.interval_ns, dimension::flow, s.flow), k, by);
  if (!call_level) return;
  bump(get_cell(s.interval_ns, dimension::total, star), k, by);
  bump(get_cell(s.interval_ns, dimension::site, s.site), k, by);
  bump(get_cell(s.interval_ns, dimension::tenant, s.tenant), k, by);
}

cell* kpi_fold::ivr_cell(const ivr_session_st& s, dimension d, std::string_view node,
                         std::string_view key) {
  std::string name = names.name(s.flow);
  name.append(1, '/').append(node);
  if (!key.empty()) name.append(1, '/').append(key);
  return get_cell(s.interval_ns, d, names.id(name));
}

void kpi_fold::ivr_moved(std::string_view session_id, const recorded_event& e,
                         std::string_view node, std::string_view next) {
  if (next.empty() || next == node) return; // the end, or a retry at the same node
  if (auto* s = ivr_for(session_id, e)) bump(ivr_cell(*s, dimension::ivr_node, next), ivr_visits);
}

void kpi_fold::on(const recorded_event& e, const events::ivr_entered& p) {
  auto [it, added] = ivr_sessions.try_emplace(call_key(p.session_id, e));
  if (!added) return; // folded twice
  auto& s = it->second;
  s.interval_ns = interval_of(e.meta.timestamp_ns);
  s.entered_ns = e.meta.timestamp_ns;
  s.site = names.id(e.meta.site, last_site);
  s.tenant = names.id(e.meta.tenant, last_tenant);
  s.flow = names.id(p.flow);
  touch(dirty_ivr, it->first, s);
  bump_ivr(s, ivr_entered, true);
  if (!p.next.empty()) bump(ivr_cell(s, dimension::ivr_node, p.next), ivr_visits);
}

void kpi_fold::on(const recorded_event& e, const events::ivr_prompt_played& p) {
  ivr_moved(p.session_id, e, p.node, p.next);
}

void kpi_fold::on(const recorded_event& e, const events::ivr_input& p) {
  ivr_moved(p.session_id, e, p.node, p.next);
}

void kpi_fold::on(const recorded_event& e, const events::ivr_menu_chosen& p) {
  if (auto* s = ivr_for(p.session_id, e))
    bump(ivr_cell(*s, dimension::ivr_choice, p.node, p.digit), ivr_chosen);
  ivr_moved(p.session_id, e, p.node, p.next);
}

void kpi_fold::on(const recorded_event& e, const events::ivr_branched& p) {
  ivr_moved(p.session_id, e, p.node, p.next);
}

void kpi_fold::on(const recorded_event& e, const events::ivr_lookup_done& p) {
  if (auto* s = ivr_for(p.session_id, e)) {
    cell* node = ivr_cell(*s, dimension::ivr_node, p.node);
    const std::pair<counter, std::int64_t> adds[] = {
        {ivr_lookups, 1}, {ivr_lookup_ms, p.latency_ms}, {ivr_lookups_found, p.found ? 1 : 0}};
    for (auto [k, by] : adds) {
      if (by == 0) continue;
      bump_ivr(*s, k, true, by);
      bump(node, k, by);
    }
  }
  ivr_moved(p.session_id, e, p.node, p.next);
}

void kpi_fold::on(const recorded_event& e, const events::ivr_lookup_failed& p) {
  if (auto* s = ivr_for(p.session_id, e)) {
    cell* node = ivr_cell(*s, dimension::ivr_node, p.node);
    const std::pair<counter, std::int64_t> adds[] = {
        {ivr_lookups, 1}, {ivr_lookups_failed, 1}, {ivr_lookup_ms, p.latency_ms}};
    for (auto [k, by] : adds) {
      if (by == 0) continue;
      bump_ivr(*s, k, true, by);
      bump(node, k, by);
    }
  }
  ivr_moved(p.session_id, e, p.node, p.next);
}

void kpi_fold::on(const recorded_event& e, const events::ivr_exited& p) {
  auto it = ivr_sessions.find(call_key(p.session_id, e));
  if (it == ivr_sessions.end()) return;
  const auto& s = it->second;
  using w = events::ivr_exit_way;
  counter k = ivr_failed;
  switch (p.way) {
  case w::contained:
    k = ivr_contained;
    break;
  case w::abandoned:
    k = ivr_abandoned;
    break;
  case w::queue:
    k = ivr_to_queue;
    break;
  case w::voicemail:
  case w::callback:
  case w::transfer:
    k = ivr_to_other;
    break;
  case w::failed:
    break;
  }
  // Calls that ended contained or abandoned in the IVR count in totals,
  // site and tenant from call.ended (the same calls); the other ways out
  // count there from here.
  bump_ivr(s, k, k != ivr_contained && k != ivr_abandoned);
  bump(ivr_cell(s, dimension::ivr_node, p.node), k);
  bump_ivr(s, ivr_exited, true);
  bump_ivr(s, ivr_time_ms, true, ms_between(s.entered_ns, e.meta.timestamp_ns));
  if (s.persisted) deletes.push_back(std::string{ivr_row_prefix} + it->first);
  ivr_sessions.erase(it);
}

void kpi_fold::bump_voicemail(const recorded_event& e, const std::string& mailbox, counter k) {
  const auto at = interval_of(e.meta.timestamp_ns);
  bump(get_cell(at, dimension::total, star), k);
  bump(get_cell(at, dimension::site, names.id(e.meta.site, last_site)), k);
  bump(get_cell(at, dimension::tenant, names.id(e.meta.tenant, last_tenant)), k);
  if (!mailbox.empty()) bump(get_cell(at, dimension::queue, names.id(mailbox)), k);
}

void kpi_fold::on(const recorded_event& e, const events::voicemail_left& p) {
  bump_voicemail(e, p.mailbox, voicemails_left);
}

void kpi_fold::on(const recorded_event& e, const events::voicemail_handled&) {
  // The mailbox is in the message's voicemail.left, not here: totals, site and tenant.
  bump_voicemail(e, {}, voicemails_handled);
}

} // namespace hotline::projections::kpi
