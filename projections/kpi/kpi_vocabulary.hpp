#pragma once
/// The KPI vocabulary (F18): what the KPI fold counts and how a report
/// names it — the service-level definitions, the fold's options (interval,
/// thresholds), the report groupings (dimensions), the raw counters of one
/// cell and their names, the agent states the fold tracks, and the shapes
/// of what a fold answers (cells, gauges). Definitions of every metric:
/// docs/projections.md.
///
/// Plain values only: the fold (kpi_fold.hpp), the stored rows
/// (kpi_rows.hpp), the projection (kpi_projection.hpp) and the report
/// (kpi_report.hpp) all speak it; it depends on none of them.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace hotline::projections::kpi {

/// Which service-level formula a report uses. Every report names it.
enum class sl_definition : std::uint8_t {
  answered,    ///< answered_within_t / answered
  offered_net, ///< answered_within_t / (offered - short_abandoned)   (Default)
  offered,     ///< (answered_within_t + abandoned_within_t) / offered
};
/// "answered" | "offered_net" | "offered".
std::string_view to_string(sl_definition d) noexcept;
/// The formula in words, e.g. "answered_within_t/(offered-short_abandoned)".
std::string_view formula(sl_definition d) noexcept;
bool parse_sl_definition(std::string_view text, sl_definition& out) noexcept;

struct kpi_options {
  std::int64_t interval_ms = 15 * 60 * 1000; ///< Default: 15 min. REQUIRES: a multiple of 1000
  std::int64_t sl_threshold_ms = 20'000;     ///< T. Default: 20 s (answered within T: wait <= T)
  std::int64_t short_abandon_ms = 5'000;     ///< S. Default: 5 s (short: wait < S)
  std::int64_t fcr_window_ms = 24LL * 3600 * 1000; ///< repeat-contact window. Default: 24 h
  sl_definition sl = sl_definition::offered_net;   ///< Default: offered_net

  bool operator==(const kpi_options&) const = default;
};

/// The report groupings. `total` has the single key "*". The IVR's (docs/ivr.md
/// "KPIs"): `flow` (key: the flow id), `ivr_node` ("flow/node": callers who
/// reached the node, the ways out there, its lookups) and `ivr_choice`
/// ("flow/node/key": how often a menu or language key was chosen).
enum class dimension : std::uint8_t {
  total,
  queue,
  agent,
  site,
  tenant,
  flow,
  ivr_node,
  ivr_choice
};
/// True for the IVR's groupings (flow, ivr_node, ivr_choice).
constexpr bool is_ivr(dimension d) noexcept {
  return d == dimension::flow || d == dimension::ivr_node || d == dimension::ivr_choice;
}
std::string_view to_string(dimension d) noexcept;
bool parse_dimension(std::string_view text, dimension& out) noexcept;

/// Raw additive counters of one cell (durations in ms). Derived metrics
/// (rates, averages) are computed from these at report time.
enum counter : std::uint8_t {
  arrived,  ///< inbound calls that arrived (any outcome); outbound ones count in `outbound` only
  offered,  ///< calls that joined a queue
  answered, ///< calls connected to an agent
  answered_within_t,  ///< ... with wait <= T
  wait_answered_ms,   ///< sum of waits of answered calls (ASA numerator)
  abandoned,          ///< queued, not answered, caller hung up, wait >= S
  short_abandoned,    ///< ... wait < S (counted apart, not in `abandoned`)
  abandoned_within_t, ///< abandons (short or not) with wait <= T
  abandon_wait_ms,    ///< sum of waits of abandons (short and not)
  longest_wait_ms,    ///< max wait of an answered or abandoned call (a max, not a sum)
  blocked,            ///< call.ended blocked (all trunk channels busy, 呼损), inbound or outbound
  refused,            ///< call.ended refused (queue refused the call)
  overflowed,         ///< call.overflowed out of this queue
  callbacks,          ///< call.callback_scheduled (virtual hold)
  voicemail,          ///< call.ended voicemail
  ivr_contained,      ///< ended completed without ever queueing (self-service)
  ivr_abandoned,      ///< abandoned before reaching a queue
  transferred,        ///< call.transferred
  repeat_contacts, ///< answered calls followed by another call of the same customer within the FCR
                   ///< window
  handled,         ///< agent legs finished (agent.call_ended)
  talk_ms,
  hold_ms,
  acw_ms,   ///< after-call work (wrap-up) measured from the agent stream
  ready_ms, ///< agent time by state ...
  not_ready_ms,
  ringing_ms,
  on_call_ms,
  on_hold_ms,
  wrap_up_ms,
  interflowed, ///< call.interflowed: left this site's queue for another site (multi-site)
  outbound,    ///< calls agents placed (call.arrived outbound): attempts at the site and tenant,
               ///< connected ones at the agent
  callbacks_completed, ///< call.ended callback_completed: the customer was called back and talked
                       ///< to an agent
  callbacks_failed,    ///< call.ended callback_failed: the last allowed dial-back failed (or an
                       ///< operator cancelled it)
  callback_retries,    ///< call.callback_retried: a failed dial-back that will be tried again
  fcr_resolved, ///< answered calls whose whole FCR window passed (within the data) with no repeat
                ///< contact
  fcr_no_customer,    ///< answered calls with neither customer id nor calling number: FCR cannot be
                      ///< known
  unobserved_busy_ms, ///< ringing/on-call/hold/wrap-up time of agents no availability event was
                      ///< seen for (not in occupancy)
  fcr_repeated, ///< answered calls with a repeat contact whose whole FCR window passed within the
                ///< data
  // IVR sessions (ivr.* events; docs/ivr.md "KPIs"). A session's numbers land in
  // the interval it entered. `ivr_contained` and `ivr_abandoned` above count
  // calls in totals, site and tenant (from call.ended), ways out of sessions
  // in flow and ivr_node rows (from ivr.exited).
  ivr_entered,        ///< sessions that entered a flow (totals, site, tenant, flow)
  ivr_to_queue,       ///< sessions that left for a queue (flow, ivr_node: the exit node)
  ivr_to_other,       ///< ... for voicemail, a call back or a transfer (flow, ivr_node)
  ivr_failed,         ///< ... because the flow gave up (flow, ivr_node)
  ivr_exited,         ///< sessions ended, any way (totals, site, tenant, flow)
  ivr_time_ms,        ///< their time from entering to leaving the flow
  ivr_visits,         ///< callers who reached the node (ivr_node; a retry is no new visit)
  ivr_chosen,         ///< the key was chosen at the menu or language node (ivr_choice)
  ivr_lookups,        ///< self-service lookups run (totals, site, tenant, flow, ivr_node)
  ivr_lookups_found,  ///< ... that found the key
  ivr_lookups_failed, ///< ... whose source could not answer
  ivr_lookup_ms,      ///< their latency, summed
  // Voicemail (voicemail.* events; docs/ivr.md "KPIs"): in the interval of
  // the event, by totals, site, tenant and queue (the mailbox).
  voicemails_left,    ///< voicemail.left: messages callers left
  voicemails_handled, ///< voicemail.handled: messages whose business is done
  counter_count
};
std::string_view to_string(counter c) noexcept;

struct kpi_counters {
  std::array<std::int64_t, counter_count> v{};
  std::map<std::string, std::int64_t, std::less<>> not_ready_by_reason_ms;

  std::int64_t operator[](counter c) const noexcept { return v[c]; }
  /// Adds `o` (longest_wait_ms: takes the max).
  void merge(const kpi_counters& o);
  bool operator==(const kpi_counters&) const = default;
};

/// Agent states the fold tracks.
enum class agent_state : std::uint8_t {
  logged_out,
  not_ready,
  ready,
  ringing,
  on_call,
  on_hold,
  wrap_up
};
std::string_view to_string(agent_state s) noexcept;

/// The live gauges, as of the newest event folded (docs/projections.md,
/// "Live gauges").
struct kpi_gauges {
  std::int64_t as_of_ns = 0;       ///< timestamp of the newest event folded
  std::int64_t calls_waiting = 0;  ///< queued, not yet answered or ended
  std::int64_t oldest_wait_ms = 0; ///< as_of - entry into its queue of the longest-waiting call
  std::map<std::string, std::int64_t> agents_by_state; ///< logged-in agents per state name
};

/// One cell of a fold: the counters of one interval x dimension x group.
/// `key` and `counters` point into the projection that made it: valid while
/// that projection lives.
struct kpi_cell_view {
  std::int64_t interval_start_ns;
  dimension dim;
  std::string_view key;
  const kpi_counters* counters;
  /// Answered calls of this row whose FCR window runs past the newest event
  /// folded (censored: neither resolved nor repeated yet). Derived from the
  /// in-flight candidates, not stored in the row.
  std::int64_t fcr_censored = 0;
};

} // namespace hotline::projections::kpi
