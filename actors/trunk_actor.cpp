// Trunk groups (F1): one actor per channel (a thin shell around the trunk
// channel decider) and one per group that hunts for a free channel. A call
// that finds every channel busy is blocked (呼损).
#include "actors/trunk_actor.hpp"
#include "actors/api_request.hpp"
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
  /// The group aggregate (events/acd/trunk_group.hpp): how many channels
  /// may be seized at once, the file's number or the stream's latest change.
  std::unique_ptr<shell<events::acd::trunk_group_decider>> limit;
  std::optional<events::rejection> last_refusal; ///< for the node API's requests
  events::principal who = events::principal::system("trunk");
};

/// Spawns channel actors (and their mirrors, recovered from their streams)
/// up to channel `n`: at start, and when the limit is raised past them.
void add_channels(caf::stateful_actor<group_state>* self,
                  const std::shared_ptr<const acd_context>& ctx,
                  const events::trunk_group_definition& group, int n) {
  auto& st = self->state;
  for (int k = static_cast<int>(st.channels.size()) + 1; k <= n; ++k) {
    st.channels.push_back(self->spawn<caf::linked>(channel_actor, ctx, group, k));
    // The group's view of the channel, recovered from the same stream.
    auto mirror = trunk::initial_state(group, k);
    entity_log log{ctx->store, trunk::stream_name(group.id, k), {}};
    log.recover([&](const events::event& e, std::int64_t at) {
      if (auto ev = events::narrow<trunk::event>(e))
        mirror = trunk::evolve(std::move(mirror), *ev, at);
    });
    if (mirror.busy) st.found_on_lines.push_back(mirror.call_id);
    st.mirror.push_back(std::move(mirror));
  }
}

caf::behavior group_actor(caf::stateful_actor<group_state>* self,
                          std::shared_ptr<const acd_context> ctx,
                          events::trunk_group_definition group) {
  if (ctx->root) self->link_to(ctx->root);
  self->state.health = std::make_unique<shell<events::acd::trunk_health_decider>>(
      self, *ctx, events::acd::trunk_health::stream_name(group.id),
      events::acd::trunk_health::initial_state(group.id));
  self->state.health->recover();
  // Runtime changes of the channels (trunk.channels_changed) win over the file.
  self->state.limit = std::make_unique<shell<events::acd::trunk_group_decider>>(
      self, *ctx, events::acd::trunk_group::stream_name(group.id),
      events::acd::trunk_group::initial_state(group));
  self->state.limit->recover();
  auto limit = [self] { return self->state.limit->state().channels; };
  const auto tenant = events::acd::trunk_group::tenant_of(ctx->center, group.id);
  add_channels(self, ctx, group, std::max(group.channels, limit()));
  return {
      [=](seize_atom, const std::string& call_id, events::call_direction direction,
          const std::string& tenant) -> caf::result<seized_atom, int> {
        // A peer that stopped answering its keepalive gets no new outbound call.
        if (direction == events::call_direction::outbound &&
            !events::acd::trunk_health::takes_outbound(self->state.health->state()))
          return refusal("trunk_down");
        auto n = events::acd::trunk_group::pick_channel(self->state.mirror, direction, limit());
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
      // An administrator changes how many channels may be seized at once.
      // Raised past the channels there are, new ones start; lowered, the
      // calls on the lines above go on and seizures wait for room.
      [=](channels_atom, int channels, const std::string& reason) {
        auto& st = self->state;
        const auto now = ctx->store.clock->now_ns();
        auto refused = st.limit->exec(
            events::acd::trunk_group::set_channels{channels, reason, now}, now, "set_channels",
            tenant, st.who, events::event_id::from_name("trunkgroup-correlation/" + group.id));
        if (refused) {
          st.last_refusal = refused;
          return;
        }
        add_channels(self, ctx, group, limit());
      },
      [=](caf::get_atom, channels_atom) { return limit(); },
      // A request of the node API (drivers/api): the channels changed, recorded as the user's.
      [=](api_atom, const std::string& user, caf::message& inner) {
        auto rp = self->make_response_promise();
        if (!inner.match_elements<channels_atom, int, std::string>())
          return refuse_api(rp, "unknown_command",
                            "trunk groups take channels: " + to_string(inner));
        run_api(self, rp, inner, self->state.last_refusal, self->state.who, user);
      },
      [](deferred& d) { d.run(); },
  };
}

} // namespace

caf::actor spawn_trunk_group(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                             const events::trunk_group_definition& group) {
  return sys.spawn(group_actor, ctx, group);
}

} // namespace hotline::actors
