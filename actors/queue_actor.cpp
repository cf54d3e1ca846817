// The queue actor's behaviour: one line per message, each a handler of
// actors/queue_actor_state.hpp (by concern: queue_matching.cpp,
// queue_members.cpp, queue_interflow.cpp).
#include "actors/queue_actor.hpp"

#include "actors/api_request.hpp"
#include "actors/queue_actor_state.hpp"

namespace hotline::actors {

namespace {

using namespace queue_flow;

/// Makes `def` the queue's newest definition for the calls and agents that
/// read it: the file's queues in `definitions`, the created ones in `added`.
void publish_definition(const acd_context& ctx, const events::queue_definition& def) {
  if (!ctx.definitions.publish(def)) ctx.added.publish_queue(def);
}

/// The administrator's change of the queue's parameters: recorded, then
/// applied at once (the next offer rings for the new time; calls and
/// agents read the newest definition: queue_definitions.hpp), members
/// re-read against new required skills, and waiting calls matched again.
void change_settings(queue_self self, caf::response_promise& rp, const std::string& user,
                     const events::acd::queue::settings_patch& patch, const std::string& reason) {
  auto& s = self->state;
  if (patch.overflow_queue && !patch.overflow_queue->empty()) {
    const auto* target = s.ctx->find_queue(*patch.overflow_queue);
    if (!target || target->tenant != s.def.tenant)
      return refuse_api(rp, "unknown_queue",
                        "overflow_queue: no queue '" + *patch.overflow_queue + "' on this node");
  }
  const auto t = s.ctx->store.clock->now_ns();
  const auto by = api_author(user, s.who);
  const auto corr = events::event_id::from_name("queue-correlation/" + s.def.id);
  auto refused = s.entity->exec(events::acd::queue::change_settings{patch, reason, t}, t,
                                "change_settings", s.def.tenant, by, corr);
  if (refused) return refuse_api(rp, refused->code, refused->detail);
  const auto& now_def = s.entity->state().definition;
  if (now_def != s.def) {
    const bool skills = now_def.skills != s.def.skills;
    // The site status's service level counts from now on with the new threshold.
    if (now_def.sl_threshold_s != s.def.sl_threshold_s) s.recent_sl.reset();
    s.def = now_def;
    publish_definition(*s.ctx, s.def);
    if (skills) redefine_members(s, s.def);
    schedule_rematch(self);
  }
  refuse_api(rp, {}, {});
}

caf::behavior queue_actor(queue_self self, std::shared_ptr<const acd_context> shared_ctx,
                          events::queue_definition def_in) {
  auto& st = self->state;
  st.ctx = std::move(shared_ctx);
  if (st.ctx->root) self->link_to(st.ctx->root);
  st.def = std::move(def_in);
  st.who = events::principal::system("acd");
  st.entity = std::make_unique<shell<events::acd::queue_decider>>(
      self, *st.ctx, events::acd::queue::stream_name(st.def.id),
      events::acd::queue::initial_state(st.def));
  st.entity->recover();
  // Runtime settings (queue.settings_changed) on the stream win over the
  // file: this actor, the calls and the agents read them from now on.
  if (st.entity->state().definition != st.def) {
    st.def = st.entity->state().definition;
    publish_definition(*st.ctx, st.def);
  }
  st.news = &st.ctx->board.news_of(st.def.id);
  return {
      [self](join_atom, const join_request& req) { return on_join(self, req); },
      [self](leave_atom, const std::string& call_id, const std::string& reason) {
        on_leave(self, call_id, reason);
      },
      [self](priority_atom, const std::string& call_id, std::int32_t priority) {
        on_priority(self, call_id, priority);
      },
      [self](offer_failed_atom, const std::string& call_id, const std::string& agent_id) {
        on_offer_failed(self, call_id, agent_id);
      },
      [self](reserve_failed_atom, const std::string& call_id, const std::string& agent_id,
             const std::string&) { on_reserve_failed(self, call_id, agent_id); },
      [self](agent_update_atom, const events::acd::candidate& c, std::uint64_t seen,
             std::uint64_t version) { on_agent_update(self, c, seen, version); },
      [self](news_atom) { on_news(self); },
      [self](position_atom, const std::string& call_id) { return on_position(self, call_id); },
      [self](recover_atom) { recover_calls(self); },
      [self](off_line_atom, const std::string& call_id) { on_off_line(self, call_id); },
      [self](retry_at_atom, const std::string& call_id, std::int64_t at_ns) {
        on_retry_at(self, call_id, at_ns);
      },
      [self](rejoin_atom, const std::string& call_id, const caf::actor& call) {
        on_rejoin(self, call_id, call);
      },
      [self](rematch_atom) { on_rematch(self); },
      [self](stats_atom) {
        catch_up(self->state);
        return std::make_tuple(
            static_cast<int>(events::acd::queue::in_order(self->state.entity->state()).size()),
            self->state.available);
      },
      [self](fed_snapshot_atom) { return federation_snapshot(self); },
      [self](reserve_remote_atom, const std::string& call_id, const caf::actor& call) {
        return on_reserve_remote(self, call_id, call);
      },
      [self](remote_reply_atom, const events::federation::message& m) { on_remote_reply(self, m); },
      // A request of the node API (drivers/api): an administrator closes
      // or opens the service, or changes its parameters (events/acd/queue.hpp),
      // recorded as theirs.
      [self](api_atom, const std::string& user, caf::message& inner) {
        auto rp = self->make_response_promise();
        auto& s = self->state;
        if (inner.match_elements<settings_atom, events::acd::queue::settings_patch, std::string>())
          return change_settings(self, rp, user,
                                 inner.get_as<events::acd::queue::settings_patch>(1),
                                 inner.get_as<std::string>(2));
        const bool closing = inner.match_elements<close_atom, std::string>();
        if (!closing && !inner.match_elements<open_atom, std::string>()) {
          refuse_api(rp, "unknown_command",
                     "queues take close, open and settings: " + to_string(inner));
          return;
        }
        const auto& reason = inner.get_as<std::string>(1);
        const auto t = s.ctx->store.clock->now_ns();
        const auto by = api_author(user, s.who);
        const auto corr = events::event_id::from_name("queue-correlation/" + s.def.id);
        auto refused = closing ? s.entity->exec(events::acd::queue::close{reason, t}, t, "close",
                                                s.def.tenant, by, corr)
                               : s.entity->exec(events::acd::queue::open{reason, t}, t, "open",
                                                s.def.tenant, by, corr);
        if (refused) return refuse_api(rp, refused->code, refused->detail);
        refuse_api(rp, {}, {});
      },
      [](deferred& d) { d.run(); },
  };
}

} // namespace

caf::actor spawn_queue(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                       const events::queue_definition& queue) {
  return sys.spawn(queue_actor, ctx, queue);
}

} // namespace hotline::actors
