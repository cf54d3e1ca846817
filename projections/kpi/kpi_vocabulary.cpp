#include "projections/kpi/kpi_vocabulary.hpp"

#include <algorithm>

namespace hotline::projections::kpi {

std::string_view to_string(sl_definition d) noexcept {
  switch (d) {
  case sl_definition::answered:
    return "answered";
  case sl_definition::offered_net:
    return "offered_net";
  case sl_definition::offered:
    return "offered";
  }
  return "?";
}

std::string_view formula(sl_definition d) noexcept {
  switch (d) {
  case sl_definition::answered:
    return "answered_within_t/answered";
  case sl_definition::offered_net:
    return "answered_within_t/(offered-short_abandoned)";
  case sl_definition::offered:
    return "(answered_within_t+abandoned_within_t)/offered";
  }
  return "?";
}

bool parse_sl_definition(std::string_view text, sl_definition& out) noexcept {
  for (auto d : {sl_definition::answered, sl_definition::offered_net, sl_definition::offered})
    if (text == to_string(d) || text == formula(d)) {
      out = d;
      return true;
    }
  return false;
}

std::string_view to_string(dimension d) noexcept {
  switch (d) {
  case dimension::total:
    return "total";
  case dimension::queue:
    return "queue";
  case dimension::agent:
    return "agent";
  case dimension::site:
    return "site";
  case dimension::tenant:
    return "tenant";
  case dimension::flow:
    return "flow";
  case dimension::ivr_node:
    return "ivr_node";
  case dimension::ivr_choice:
    return "ivr_choice";
  }
  return "?";
}

bool parse_dimension(std::string_view text, dimension& out) noexcept {
  for (auto d : {dimension::total, dimension::queue, dimension::agent, dimension::site,
                 dimension::tenant, dimension::flow, dimension::ivr_node, dimension::ivr_choice})
    if (text == to_string(d)) {
      out = d;
      return true;
    }
  return false;
}

std::string_view to_string(counter c) noexcept {
  static constexpr std::string_view names[counter_count] = {"arrived",
                                                            "offered",
                                                            "answered",
                                                            "answered_within_t",
                                                            "wait_answered_ms",
                                                            "abandoned",
                                                            "short_abandoned",
                                                            "abandoned_within_t",
                                                            "abandon_wait_ms",
                                                            "longest_wait_ms",
                                                            "blocked",
                                                            "refused",
                                                            "overflowed",
                                                            "callbacks",
                                                            "voicemail",
                                                            "ivr_contained",
                                                            "ivr_abandoned",
                                                            "transferred",
                                                            "repeat_contacts",
                                                            "handled",
                                                            "talk_ms",
                                                            "hold_ms",
                                                            "acw_ms",
                                                            "ready_ms",
                                                            "not_ready_ms",
                                                            "ringing_ms",
                                                            "on_call_ms",
                                                            "on_hold_ms",
                                                            "wrap_up_ms",
                                                            "interflowed",
                                                            "outbound",
                                                            "callbacks_completed",
                                                            "callbacks_failed",
                                                            "callback_retries",
                                                            "fcr_resolved",
                                                            "fcr_no_customer",
                                                            "unobserved_busy_ms",
                                                            "fcr_repeated",
                                                            "ivr_entered",
                                                            "ivr_to_queue",
                                                            "ivr_to_other",
                                                            "ivr_failed",
                                                            "ivr_exited",
                                                            "ivr_time_ms",
                                                            "ivr_visits",
                                                            "ivr_chosen",
                                                            "ivr_lookups",
                                                            "ivr_lookups_found",
                                                            "ivr_lookups_failed",
                                                            "ivr_lookup_ms",
                                                            "voicemails_left",
                                                            "voicemails_handled"};
  return c < counter_count ? names[c] : "?";
}

std::string_view to_string(agent_state s) noexcept {
  switch (s) {
  case agent_state::logged_out:
    return "logged_out";
  case agent_state::not_ready:
    return "not_ready";
  case agent_state::ready:
    return "ready";
  case agent_state::ringing:
    return "ringing";
  case agent_state::on_call:
    return "on_call";
  case agent_state::on_hold:
    return "on_hold";
  case agent_state::wrap_up:
    return "wrap_up";
  }
  return "?";
}

void kpi_counters::merge(const kpi_counters& o) {
  for (std::size_t i = 0; i < counter_count; ++i)
    v[i] = i == longest_wait_ms ? std::max(v[i], o.v[i]) : v[i] + o.v[i];
  for (const auto& [reason, ms] : o.not_ready_by_reason_ms)
    not_ready_by_reason_ms[reason] += ms;
}

} // namespace hotline::projections::kpi
