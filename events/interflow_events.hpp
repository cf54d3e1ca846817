#pragma once
/// Events of a call's `call-<id>` stream when the call moves between sites
/// (multi-site federation, docs/federation.md). Both sites' events carry
/// the call's correlation id, so the whole path can be followed across the
/// sites' topics.
///
///   origin: call.queued ... call.interflow_offered --> (remote reserves an agent)
///           call.interflow_denied          (deny, timeout: the call just stays)
///           call.interflowed               (accepted: left the local queue)
///           call.ended(interflowed)        (landed at the remote site: a hand-off)
///           call.interflow_returned        (the remote site was lost: queued here again)
///   remote: call.arrived (attached interflow.origin / interflow.offer) ... as any call
#include "events/event_type.hpp"

namespace hotline::events {

/// The call was offered to another site; it stays queued here meanwhile.
struct call_interflow_offered {
  static constexpr std::string_view type_name = "call.interflow_offered";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue; ///< the local queue it waits in
  std::string site;  ///< the site asked
  std::string offer_id;
  std::string reason; ///< the routing policy's explanation (EWTs compared, margin)
};
HOTLINE_EVENT_FIELDS(call_interflow_offered, call_id, queue, site, offer_id, reason)

/// The remote site said no (or did not answer in time): the call stays.
struct call_interflow_denied {
  static constexpr std::string_view type_name = "call.interflow_denied";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string site;
  std::string offer_id;
  std::string reason; ///< no_agent | timeout | unknown_queue | ...
};
HOTLINE_EVENT_FIELDS(call_interflow_denied, call_id, site, offer_id, reason)

/// The remote site reserved an agent; the call left the local queue and
/// moves there with its attached data and CRM context.
struct call_interflowed {
  static constexpr std::string_view type_name = "call.interflowed";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue; ///< the local queue it left
  std::string site;  ///< where it goes
  std::string offer_id;
  std::string agent_id; ///< the remote agent reserved for it
};
HOTLINE_EVENT_FIELDS(call_interflowed, call_id, queue, site, offer_id, agent_id)

/// The move failed after the call left the local queue (the remote site
/// went silent, or did not confirm the landing in time): the call is
/// queued here again.
struct call_interflow_returned {
  static constexpr std::string_view type_name = "call.interflow_returned";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string site;
  std::string offer_id;
  std::string reason; ///< site_lost | landing_timeout | withdrawn
};
HOTLINE_EVENT_FIELDS(call_interflow_returned, call_id, site, offer_id, reason)

} // namespace hotline::events
