#pragma once
/// When a waiting call should be offered to another site (the federation's
/// routing policy; pure, no clock: callers pass ages and times).
///
/// A call is offered to the best other site when
///  - no local agent could ever answer it (nobody logged in serves its
///    queue), or
///  - the best remote EWT beats the local EWT by at least `margin_ms`, and
///    the call is not about to be answered here: its position is beyond
///    `min_position` and its local EWT above `min_local_ewt_ms` (Avaya's
///    interflow-qpos), and it has waited at least `min_wait_ms`.
/// Only sites whose status is at most `max_status_age_ms` old, that serve
/// the queue and have a ready agent are candidates; a site that denied this
/// call recently (`deny_backoff_ms`) is skipped. The best site is the one
/// with the lowest EWT, then most ready agents, then the site id (stable).
/// Every decision comes with its explanation (recorded on the call).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "events/federation/site_status.hpp"

namespace hotline::events::federation {

struct interflow_policy {
  bool enabled = true;
  std::int64_t margin_ms = 30'000;
  std::int32_t min_position = 1;               ///< positions 1..min_position stay local
  std::int64_t min_local_ewt_ms = 0;           ///< local EWT at or below this: stay
  std::int64_t min_wait_ms = 0;                ///< wait at least this long locally first
  std::int64_t max_status_age_ms = 3'000;      ///< older statuses: the site is not routed to
  std::int64_t reservation_timeout_ms = 1'000; ///< offer unanswered this long: the call stays
  std::int64_t landing_timeout_ms = 5'000;     ///< accepted but not landed this long: queue again
  std::int64_t deny_backoff_ms = 10'000; ///< after a deny, do not ask that site again for this call
};

/// What the origin knows of one other site.
struct remote_site {
  std::string site;
  std::int64_t age_ms = 0; ///< now - when its status was measured
  const queue_status* queue =
      nullptr; ///< its status for the call's queue; null: it does not serve it
};

struct waiting_call {
  std::string call_id;
  std::string queue;
  std::int32_t position = 0; ///< 1-based
  std::int64_t waited_ms = 0;
  std::int64_t local_ewt_ms = -1; ///< -1: nobody here serves the queue
  std::int32_t local_agents = 0;  ///< logged-in members not paused
  bool offer_in_flight = false;   ///< a local agent rings, or a remote offer is pending
  std::map<std::string, std::int64_t> denied_ago_ms; ///< site -> how long ago it denied this call
};

struct interflow_decision {
  bool offer = false;
  std::string site;
  std::string reason; ///< why (recorded on call.interflow_offered), or why not
};

interflow_decision decide_interflow(const interflow_policy& policy, const waiting_call& call,
                                    const std::vector<remote_site>& sites);

} // namespace hotline::events::federation
