// Trunk groups (F1): one actor per channel (a thin shell around the trunk
// channel decider) and one per group that hunts for a free channel. A call
// that finds every channel busy is blocked (呼损).
#include "actors/trunk_actor.hpp"
#include "actors/call_actor.hpp"
#include "actors/refusal.hpp"
#include "actors/shell.hpp"
#include "events/acd/deciders.hpp"

namespace hotline::actors {

namespace {

namespace trunk = events::acd::trunk;

struct channel_state {
  std::unique_ptr<shell<events::acd::trunk_decider>> entity;
};

caf::behavior channel_actor(caf::stateful_actor<channel_state>* self,
                            std::shared_ptr<const acd_context> ctx,
                            events::trunk_group_definition group, int channel) {
  self->state.entity = std::make_unique<shell<events::acd::trunk_decider>>(
      self, *ctx, trunk::stream_name(group.id, channel), trunk::initial_state(group, channel));
  self->state.entity->recover();
  auto sys = events::principal::system("trunk");
  return {
      // `tenant`: the calling tenant's, recorded on the channel's events
      // (a trunk group may carry several tenants' calls).
      [=](seize_atom, const std::string& call_id, events::call_direction direction,
          const std::string& tenant) -> caf::result<seized_atom, int> {
        auto rp = self->make_response_promise<seized_atom, int>();
        auto now = ctx->store.clock->now_ns();
        auto refused =
            self->state.entity->exec(trunk::seize{call_id, direction, now}, now, "seize", tenant,
                                     sys, call_correlation(call_id), [rp, channel]() mutable {
                                       rp.deliver(seized_atom::value, channel);
                                     });
        if (refused) rp.deliver(refusal(refused->code));
        return rp;
      },
      [=](release_atom, const std::string& call_id, const std::string& tenant) {
        auto now = ctx->store.clock->now_ns();
        self->state.entity->exec(trunk::release{call_id, now}, now, "release", tenant, sys,
                                 call_correlation(call_id));
      },
      [=](caf::get_atom) { return self->state.entity->state().busy; },
      [](deferred& d) { d.run(); },
  };
}

struct group_state {
  /// The group's peer health (stream trunk-<group>): no outbound seizure while down.
  std::unique_ptr<shell<events::acd::trunk_health_decider>> health;
  std::vector<caf::actor> channels;
  std::vector<std::string> found_on_lines; ///< calls holding a channel when the group recovered
  std::vector<trunk::state> mirror;        ///< what the group knows of its channels (busy or not)
};

caf::behavior group_actor(caf::stateful_actor<group_state>* self,
                          std::shared_ptr<const acd_context> ctx,
                          events::trunk_group_definition group) {
  if (ctx->root) self->link_to(ctx->root);
  self->state.health = std::make_unique<shell<events::acd::trunk_health_decider>>(
      self, *ctx, events::acd::trunk_health::stream_name(group.id),
      events::acd::trunk_health::initial_state(group.id));
  self->state.health->recover();
  for (int n = 1; n <= group.channels; ++n) {
    self->state.channels.push_back(self->spawn<caf::linked>(channel_actor, ctx, group, n));
    // The group's view of the channel, recovered from the same stream.
    auto mirror = trunk::initial_state(group, n);
    entity_log log{ctx->store, trunk::stream_name(group.id, n), {}};
    log.recover([&](const events::event& e, std::int64_t at) {
      if (auto ev = events::narrow<trunk::event>(e))
        mirror = trunk::evolve(std::move(mirror), *ev, at);
    });
    if (mirror.busy) self->state.found_on_lines.push_back(mirror.call_id);
    self->state.mirror.push_back(std::move(mirror));
  }
  return {
      [=](seize_atom, const std::string& call_id, events::call_direction direction,
          const std::string& tenant) -> caf::result<seized_atom, int> {
        // A peer that stopped answering its keepalive gets no new outbound call.
        if (direction == events::call_direction::outbound &&
            !events::acd::trunk_health::takes_outbound(self->state.health->state()))
          return refusal("trunk_down");
        auto n = trunk::pick_free_channel(self->state.mirror, direction);
        if (!n) return refusal(trunk::all_channels_busy);
        auto& m = self->state.mirror[static_cast<std::size_t>(*n - 1)];
        m.busy = true;
        m.call_id = call_id;
        auto rp = self->make_response_promise<seized_atom, int>();
        self->request(self->state.channels[static_cast<std::size_t>(*n - 1)], caf::infinite,
                      seize_atom::value, call_id, direction, tenant)
            .then([rp](seized_atom, int ch) mutable { rp.deliver(seized_atom::value, ch); },
                  [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
        return rp;
      },
      [=](release_atom, const std::string& call_id, int channel, const std::string& tenant) {
        if (channel == 0) // the caller does not know it (recovered call): find it
          for (const auto& m : self->state.mirror)
            if (m.busy && m.call_id == call_id) channel = m.channel;
        if (channel < 1 || channel > static_cast<int>(self->state.mirror.size())) return;
        auto& m = self->state.mirror[static_cast<std::size_t>(channel - 1)];
        if (m.call_id == call_id) {
          m.busy = false;
          m.call_id.clear();
        }
        self->send(self->state.channels[static_cast<std::size_t>(channel - 1)], release_atom::value,
                   call_id, tenant);
      },
      // After a node restart: the call on each seized channel gets its
      // actor back (if its queue or agent did not bring it back already),
      // which ends it and releases the channel unless it waits on.
      [=](recover_atom) {
        for (const auto& call_id : std::exchange(self->state.found_on_lines, {})) {
          call_request req;
          req.call_id = call_id;
          req.recover = true;
          spawn_call(self->home_system(), ctx, req);
        }
      },
      // The SIP adapter's keepalive verdict on the group's peer (telephony actor).
      [=](peer_health_atom, const std::string& peer, bool up, const std::string& reason) {
        namespace th = events::acd::trunk_health;
        const auto now = ctx->store.clock->now_ns();
        auto cmd = up ? th::command{th::mark_up{peer, now}}
                      : th::command{th::mark_down{peer, reason, now}};
        self->state.health->exec(cmd, now, up ? "mark_up" : "mark_down", "",
                                 events::principal::system("sip"),
                                 events::event_id::from_name("trunk-" + group.id + "/" + peer));
      },
      [](deferred& d) { d.run(); },
      [=](stats_atom) {
        int busy = 0;
        for (const auto& m : self->state.mirror)
          busy += m.busy ? 1 : 0;
        return busy;
      },
  };
}

} // namespace

caf::actor spawn_trunk_group(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                             const events::trunk_group_definition& group) {
  return sys.spawn(group_actor, ctx, group);
}

} // namespace hotline::actors
