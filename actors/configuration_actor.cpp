#include "actors/configuration_actor.hpp"

#include "actors/api_request.hpp"
#include "actors/shell.hpp"

namespace hotline::actors {

namespace {

namespace conf = events::acd::configuration;

/// The configuration aggregate in the shape shell.hpp runs.
struct configuration_decider {
  using state = conf::state;
  using command = conf::command;
  using event = conf::event;
  static events::outcome<event> decide(const command& c, const state& s) {
    return conf::decide(c, s);
  }
  static state evolve(state s, const event& e, std::int64_t) {
    return conf::evolve(std::move(s), e);
  }
};

struct configuration_state {
  /// Held like every ACD actor holds it (the shell keeps references into
  /// it); the cycle with the context's handle ends when the actor exits.
  std::shared_ptr<acd_context> ctx;
  std::unique_ptr<shell<configuration_decider>> entity;
  events::principal who = events::principal::system("acd");
  static inline const char* name = "configuration";
};

using configuration_self = caf::stateful_actor<configuration_state>*;

const std::string& tenant_of(const conf::command& c) {
  if (const auto* a = std::get_if<conf::define_agent>(&c)) return a->agent.tenant;
  return std::get<conf::define_queue>(c).queue.tenant;
}

/// Decides `cmd` as `who`; once the event is sequenced, the object's
/// actor starts, and only then does `rp` (if any) hear it was done.
void define(configuration_self self, const conf::command& cmd, const events::principal& who,
            std::optional<caf::response_promise> rp) {
  const auto& ctx = self->state.ctx;
  const auto t = ctx->store.clock->now_ns();
  const auto name =
      std::holds_alternative<conf::define_agent>(cmd) ? "define_agent" : "define_queue";
  const auto corr = events::event_id::from_name("config-correlation/" + ctx->store.site);
  auto& sys = self->system();
  auto refused =
      self->state.entity->exec(cmd, t, name, tenant_of(cmd), who, corr, [&sys, ctx, cmd, rp] {
        if (const auto* a = std::get_if<conf::define_agent>(&cmd)) {
          start_created_agent(sys, ctx, a->agent);
        } else {
          const auto& q = std::get<conf::define_queue>(cmd);
          start_created_queue(
              sys, ctx, q.queue,
              conf::entry_points_of(conf::to_event(q.queue, q.entry_points, q.trunk_group)));
        }
        if (rp) {
          auto promise = *rp;
          refuse_api(promise, {}, {});
        }
      });
  if (refused && rp) {
    auto promise = *rp;
    refuse_api(promise, refused->code, refused->detail);
  }
}

caf::behavior configuration_actor(configuration_self self, std::shared_ptr<acd_context> ctx) {
  auto& st = self->state;
  st.ctx = ctx;
  if (ctx->root) self->link_to(ctx->root);
  st.entity = std::make_unique<shell<configuration_decider>>(
      self, *ctx, conf::stream_name(ctx->store.site), conf::initial_state(ctx->center));
  st.entity->recover();
  return {
      // Without the API (tests, tools): authored by the ACD, no answer.
      [self](define_atom, const conf::command& cmd) {
        define(self, cmd, self->state.who, std::nullopt);
      },
      [self](api_atom, const std::string& user, caf::message& inner) {
        auto rp = self->make_response_promise();
        if (!inner.match_elements<define_atom, conf::command>())
          return refuse_api(rp, "unknown_command",
                            "the configuration takes define: " + to_string(inner));
        const auto who = api_author(user, self->state.who);
        define(self, inner.get_as<conf::command>(1), who, rp);
      },
      [](deferred& d) { d.run(); },
  };
}

} // namespace

caf::actor spawn_configuration(caf::actor_system& sys, const std::shared_ptr<acd_context>& ctx) {
  return sys.spawn(configuration_actor, ctx);
}

} // namespace hotline::actors
