#pragma once
/// The federation actor: one per node, the node's side of multi-site
/// routing (docs/federation.md).
///
///  - Status: every `tick_ms` it asks each queue for a snapshot; it
///    publishes the site's status (per queue: agents logged in and ready,
///    calls waiting, EWT of a new call, recent service level) at least every
///    `status_interval_ms` and at once on a significant change. It keeps the
///    newest status of every other site with the time it heard it.
///  - Routing (origin): for every waiting call with no offer in flight it
///    runs the interflow policy (events/federation/interflow_policy.hpp)
///    over the fresh statuses; when it says so, the call is told to offer
///    itself to that site (the call records why, and stays queued). A site
///    gets at most as many offers in flight as it has ready agents.
///  - Failures: a call on its way to a site whose status grows older than
///    `max_status_age_ms` is told the site is lost (it queues here again).
///  - Remote side: an offer spawns a call actor that reserves an agent and
///    answers accept or deny; transfers, releases and withdrawals go to it.
///  - Replies to the origin side's calls are routed by offer id.
///
/// Messages:
///   link thread -> federation:  (inbound_atom, message), (site_status_atom, site_status)
///   call -> federation:         (fed_send_atom, message)            send to message.to_site
///                               (offer_done_atom, offer_id, site, reason)  forget an offer
///                               (moving_atom, offer_id, site)       the call left for `site`
///   federation -> call:         (interflow_atom, site, offer_id, reason), (remote_reply_atom,
///   message),
///                               (site_lost_atom, site)
///   anyone -> federation:       (sites_atom) => std::vector<site_view>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/acd.hpp"
#include "actors/ports/federation_link.hpp"

namespace hotline::actors {

struct federation_options {
  std::string site;
  ports::federation_link* link = nullptr; ///< REQUIRED; must outlive the actor
  std::int64_t status_interval_ms = 1'000;
  std::int64_t tick_ms = 50;
  std::set<std::string> peers; ///< sites routed to; empty: every site heard of
};

/// Another site as this node knows it.
struct site_view {
  events::federation::site_status status;
  std::int64_t age_ms = 0;
};

/// Where a federation link's thread delivers what it hears: to the
/// federation actor once `set` (what came before is kept and delivered
/// then, up to 100,000 messages); dropped after `set({})`.
/// The link is started before the actor exists (the actor needs the link),
/// hence this indirection. Thread-safe.
class federation_mailbox {
public:
  void set(caf::actor federation);
  /// Handlers for drivers::kafka_federation_bus::start; problems go to `on_problem`.
  ports::federation_handlers handlers(std::function<void(std::string)> on_problem);

private:
  struct shared;
  std::shared_ptr<shared> s_ = make_shared_state();
  static std::shared_ptr<shared> make_shared_state();
};

/// Spawns the federation actor of the node whose ACD `ctx` describes.
/// Set ctx->federation to the result before the ACD starts (calls read it).
/// It is spawned lazily and starts ticking on its first message: hand it
/// to its federation_mailbox (`set`) once start_acd returned, so that it
/// never reads the ACD's handle maps while they are being filled.
/// It is not linked to the ACD's root: stop it with an exit
/// message of its own.
caf::actor spawn_federation(caf::actor_system& sys, std::shared_ptr<const acd_context> ctx,
                            federation_options options);

} // namespace hotline::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<hotline::actors::site_view>)
