// The IVR session actor (actors/ivr_actor.hpp): a session is born with its
// call (nothing to recover, except to close one a restart left open);
// decide, append, evolve, then carry out what the session waits for.
#include "actors/ivr_actor.hpp"

#include <chrono>

#include "actors/entity_log.hpp"
#include "events/ivr/session.hpp"
#include "events/variant_cast.hpp"

namespace hotline::actors {

namespace ivr = events::ivr;

namespace {

struct ivr_state {
  std::shared_ptr<const acd_context> ctx;
  ivr_request req;
  ivr::state session;
  std::unique_ptr<entity_log> log;
  events::event_id corr;
  events::principal who;
  bool reported = false; ///< the call heard the exit
};

using ivr_self = caf::stateful_actor<ivr_state>*;

std::int64_t now_of(ivr_self self) {
  return self->state.ctx->store.clock->now_ns();
}

void drive(ivr_self self);

/// The session's exit, told to the call once it is on record; then the actor quits.
void report_exit(ivr_self self, const events::ivr_exited& e) {
  auto& s = self->state;
  if (std::exchange(s.reported, true)) return;
  ivr_exit x{e.session_id, s.req.flow->id, e.node,   e.way,
             e.target,     e.priority,     e.skills, e.attached};
  if (s.ctx->ivr_media && !s.req.recovering) s.ctx->ivr_media->close(s.req.session_id, e.way);
  if (s.req.call) self->send(s.req.call, ivr_exit_atom::value, std::move(x));
  self->quit();
}

/// The one loop (actors/shell.hpp, with the events kept for the exit):
/// decide, evolve, append; a refusal is audited and changes nothing.
void exec(ivr_self self, const ivr::command& cmd, const char* name) {
  auto& s = self->state;
  const auto now = now_of(self);
  auto out = ivr::decide(cmd, s.session);
  if (!out) {
    audit_rejection(*s.ctx, s.log->stream(), name, out.error().code, out.error().detail,
                    s.req.tenant, s.who, now);
    return;
  }
  if (out.events().empty()) return;
  std::vector<events::event> wide;
  std::optional<events::ivr_exited> exited;
  for (const auto& e : out.events()) {
    s.session = ivr::evolve(std::move(s.session), e);
    if (const auto* x = std::get_if<events::ivr_exited>(&e)) exited = *x;
    wide.push_back(events::widen<events::event>(e));
  }
  s.log->append(std::move(wide), now, s.req.tenant, s.who, s.corr, [self, exited] {
    if (exited)
      report_exit(self, *exited);
    else
      drive(self);
  });
}

/// Carries out what the session waits for now.
void drive(ivr_self self) {
  auto& s = self->state;
  const auto a = ivr::pending(s.session);
  using k = ivr::action::kind;
  switch (a.what) {
  case k::play:
    if (s.ctx->ivr_media)
      s.ctx->ivr_media->play(s.req.session_id,
                             ports::ivr_prompt{a.node, a.step, a.prompt.name, a.prompt.text,
                                               a.language, s.req.flow->prompts, a.interruptible});
    break;
  case k::wait:
    if (s.ctx->ivr_media)
      s.ctx->ivr_media->listen(s.req.session_id, ports::ivr_listen{a.node, a.step, a.timeout_ms});
    self->delayed_send(self, std::chrono::milliseconds(a.timeout_ms), ivr_timeout_atom::value,
                       a.step);
    break;
  case k::lookup: {
    const auto* n = s.req.flow->find(a.node);
    if (auto* source =
            s.ctx->lookup_sources && n ? s.ctx->lookup_sources(s.req.flow->id, a.node) : nullptr) {
      // It may block (HTTP): on a thread of its own; the answer comes back as a message.
      self->home_system().spawn<caf::detached>([me = caf::actor_cast<caf::actor>(self), ctx = s.ctx,
                                                source, node = *n, vars = s.session.variables,
                                                step = a.step](caf::blocking_actor*) {
        auto answer = source->find(vars);
        caf::anon_send(me, ivr_lookup_atom::value,
                       ports::to_session_result(node, answer, step, ctx->store.clock->now_ns()));
      });
      break;
    }
    const auto t0 = now_of(self);
    auto answer = s.ctx->ivr_data
                      ? s.ctx->ivr_data->lookup({a.table, a.key_column, a.key})
                      : ports::ivr_lookup_answer{false, false, {}, "no lookup data on this node"};
    ivr::lookup_result r{a.step,
                         answer.ok,
                         answer.found,
                         std::move(answer.row),
                         std::move(answer.error),
                         (now_of(self) - t0) / 1'000'000,
                         now_of(self)};
    exec(self, std::move(r), "lookup_result");
    break;
  }
  case k::nothing:
    break;
  }
}

/// The caller's side reports into the actor's mailbox.
ports::ivr_media_sink sink_for(caf::actor me) {
  return [me](ports::ivr_media_event e) {
    if (const auto* p = std::get_if<ports::ivr_prompt_finished>(&e))
      caf::anon_send(me, ivr_played_atom::value, p->step);
    else if (const auto* k = std::get_if<ports::ivr_key>(&e))
      caf::anon_send(me, ivr_key_atom::value, std::string(1, k->digit));
    else
      caf::anon_send(me, hangup_atom::value);
  };
}

void enter(ivr_self self) {
  auto& s = self->state;
  const auto& r = s.req;
  const auto now = now_of(self);
  const auto local = s.ctx->local_wall ? s.ctx->local_wall(r.flow->time_zone, now) : now;
  const auto clock = ivr::clock_at(local);
  if (s.ctx->ivr_media)
    s.ctx->ivr_media->open({r.session_id, r.call_id, r.flow->id, r.caller, r.dialed, r.tenant},
                           sink_for(caf::actor_cast<caf::actor>(self)));
  exec(self,
       ivr::enter{r.session_id, r.call_id, r.tenant, r.caller, r.dialed, r.vip, r.data, "",
                  clock.weekday, clock.minute_of_day, clock.date, now},
       "enter");
}

caf::behavior ivr_actor(ivr_self self, std::shared_ptr<const acd_context> ctx, ivr_request req) {
  auto& s = self->state;
  s.ctx = std::move(ctx);
  s.req = std::move(req);
  s.session = ivr::initial_state(s.req.flow);
  s.corr = call_correlation(s.req.call_id);
  s.who = events::principal::system("ivr");
  if (s.ctx->root) s.ctx->registered->track(self, s.ctx->root, s.ctx->registered);
  s.log = std::make_unique<entity_log>(
      s.ctx->store, ivr::stream_name(s.req.session_id),
      [h = caf::actor_cast<caf::actor>(self)](std::function<void()> f) {
        caf::anon_send(h, deferred{std::move(f)});
      },
      [self](const events::status& st) {
        self->quit(caf::make_error(caf::sec::runtime_error, st.message()));
      });
  if (s.req.recovering) {
    auto st = s.log->recover([self](const events::event& wide, std::int64_t) {
      if (auto e = events::narrow<ivr::event>(wide))
        self->state.session = ivr::evolve(std::move(self->state.session), *e);
    });
    if (!st) {
      self->quit(caf::make_error(caf::sec::runtime_error, st.message()));
      return {};
    }
    if (s.session.at == ivr::phase::idle || s.session.at == ivr::phase::ended) {
      self->quit();
      return {};
    }
    exec(self, ivr::interrupted{now_of(self)}, "interrupted");
  } else {
    enter(self);
  }
  return {
      [self](ivr_played_atom, std::uint64_t step) {
        exec(self, ivr::prompt_done{step, now_of(self)}, "prompt_done");
      },
      [self](ivr_key_atom, const std::string& key) {
        if (key.size() == 1) exec(self, ivr::digit{key[0], now_of(self)}, "digit");
      },
      [self](ivr_timeout_atom, std::uint64_t step) {
        exec(self, ivr::timeout{step, now_of(self)}, "timeout");
      },
      [self](hangup_atom) { exec(self, ivr::hangup{now_of(self)}, "hangup"); },
      [self](ivr_lookup_atom, ivr::lookup_result& r) {
        r.now_ns = now_of(self);
        exec(self, std::move(r), "lookup_result");
      },
      [](deferred& d) { d.run(); },
  };
}

} // namespace

caf::actor spawn_ivr(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                     ivr_request req) {
  return sys.spawn(ivr_actor, ctx, std::move(req));
}

} // namespace hotline::actors
