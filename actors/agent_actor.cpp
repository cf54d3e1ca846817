#include "actors/agent_actor.hpp"
#include "actors/call_actor.hpp"

#include <algorithm>
#include <optional>

#include "actors/api_request.hpp"
#include "actors/shell.hpp"
#include "events/acd/deciders.hpp"

namespace hotline::actors {

namespace {

namespace agent = events::acd::agent;

struct agent_actor_state {
  std::shared_ptr<const acd_context> ctx;
  // Owned here once; handlers capture pointers (a by-value capture copied
  // the definition's skills and queues into every continuation).
  events::agent_definition def;
  events::principal who;
  std::string tenant;
  std::unique_ptr<shell<events::acd::agent_decider>> entity;
  std::map<std::string, caf::actor> calls;      ///< call id -> call actor (reserved or on the desk)
  std::map<std::string, caf::actor> offered_by; ///< call id -> queue actor that reserved us
  /// Calls that rang us as a second leg, not a queue offer: call id -> kind
  /// (transfer | consult | conference). A conference party and a consultation
  /// target keep their entry while on the call (a consultation target's
  /// hang-up is the call's to judge: the consultation ends, or, completed
  /// since, the call); a blind transfer's target becomes the call's agent.
  std::map<std::string, std::string> legs;
  /// The queues that hold this agent's whole snapshot (set at the last
  /// whole push): while they are the agent's queues, a change sends the
  /// changing part only.
  std::optional<std::vector<std::string>> pushed_queues;
  /// One of `pushed_queues` (same order): where it is and what it last heard.
  struct push_target {
    const caf::actor* queue = nullptr; ///< ctx->queue_actor; null: no such queue here
    const events::queue_definition* def = nullptr;
    availability_board::slot* slot = nullptr; ///< this agent's status for the queue, on the board
    events::acd::candidate_status sent;
    events::acd::candidate_status next; ///< push's scratch
    bool tell = false;                  ///< push's scratch: send `next`
  };
  std::vector<push_target> targets;
  /// Queues this agent does not serve where callers wait for it as their
  /// familiar agent (follow_atom): they get its snapshots too, for a while.
  std::vector<std::string> followed_by;
  std::atomic<std::uint64_t>* withdrawals = nullptr; ///< this agent's count in the directory
  /// The last command the decider refused (the node API's requests report it).
  std::optional<events::rejection> last_refusal;
  bool idle_timer = false;       ///< a passivate_atom for this idle period is on its way
  std::uint64_t idle_period = 0; ///< which idle period (a timer of an earlier one is stale)
};

/// Nothing keeps this agent's actor in memory: logged out, nothing on the
/// desk, and no queue follows it (who follows lives only in the actor: a
/// passivated agent would come back without telling them).
bool idle(const agent_actor_state& st) {
  const auto& s = st.entity->state();
  return s.presence == events::acd::agent::presence_state::logged_out && s.contacts.empty() &&
         st.calls.empty() && st.legs.empty() && st.followed_by.empty();
}

caf::behavior agent_actor(caf::stateful_actor<agent_actor_state>* self,
                          std::shared_ptr<const acd_context> shared_ctx,
                          events::agent_definition def_in) {
  auto& st = self->state;
  st.ctx = std::move(shared_ctx);
  const acd_context* const ctx = st.ctx.get();
  if (ctx->root)
    ctx->registered->track(self, ctx->root, ctx->registered); // not a link: see actor_registry.hpp
  st.def = std::move(def_in);
  st.who = events::principal::agent(st.def.id);
  st.tenant = st.def.tenant;
  const events::agent_definition* const def = &st.def;
  st.entity = std::make_unique<shell<events::acd::agent_decider>>(
      self, *ctx, agent::stream_name(def->id), agent::initial_state(*def));
  st.entity->recover();
  // Runtime changes (agent.skills_changed / queues_changed) on the stream
  // win over the configured definition.
  st.def.skills = st.entity->state().definition.skills;
  st.def.queues = st.entity->state().definition.queues;
  const events::principal* const who = &st.who;
  const std::string* const tenant = &st.tenant;
  auto now = [ctx] { return ctx->store.clock->now_ns(); };

  // The routing snapshot, for each queue served: whole (a message) when
  // the queues served changed, else its changing part, posted on the
  // availability board (availability_board.hpp) and that only when routing
  // can use it. A queue offers an agent nothing while the agent is
  // unavailable, so an unavailable agent's changes (ringing, talking,
  // wrap-up: counters and times) wait for the change that makes it
  // available again, which carries them all. Becoming unavailable (taking
  // a call) is not posted either: the agent bumps its withdrawal count
  // (agent_directory.hpp), which every queue reads before it routes, and
  // the next post carries the new count. Logging in or out, pausing and
  // an available agent's every change are posted. A post costs a message
  // (news_atom) only to a queue that asked for word: callers wait there.
  // Looked up when first used, not at spawn: the directory adds the agent after spawning it.
  auto withdrawals_slot = [=]() -> std::atomic<std::uint64_t>* {
    auto*& slot = self->state.withdrawals;
    if (!slot) slot = ctx->agents.withdrawals(def->id);
    return slot;
  };
  auto withdrawal_count = [=]() -> std::uint64_t {
    auto* slot = withdrawals_slot();
    return slot ? slot->load(std::memory_order_relaxed) : 0;
  };
  auto push = [=] {
    const auto& s = self->state.entity->state();
    auto* const withdrawals = withdrawals_slot();
    auto& pushed = self->state.pushed_queues;
    auto& targets = self->state.targets;
    if (!pushed || *pushed != s.queues) {
      // The queues served, then those whose widening adds one of them.
      std::vector<std::string> to;
      to.reserve(s.queues.size());
      for (const auto& q : s.queues)
        if (std::find(to.begin(), to.end(), q) == to.end()) to.push_back(q);
      for (const auto& q : s.queues)
        if (auto w = ctx->widened_into.find(q); w != ctx->widened_into.end())
          for (const auto* wq : w->second)
            if (std::find(to.begin(), to.end(), wq->id) == to.end()) to.push_back(wq->id);
      for (const auto& q : self->state.followed_by)
        if (std::find(to.begin(), to.end(), q) == to.end()) to.push_back(q);
      targets.assign(to.size(), {});
      const auto count = withdrawal_count();
      for (std::size_t i = 0; i < to.size(); ++i) {
        const auto* qa = ctx->queue_actor(to[i]);
        auto qd = ctx->find_queue(to[i]);
        if (!qa || !qd) continue;
        targets[i].queue = qa;
        targets[i].def = qd;
        targets[i].slot = &ctx->board.at(def->id, to[i]);
        auto c = events::acd::make_candidate(s, *qd);
        targets[i].sent = c;
        const auto version = availability_board::post(*targets[i].slot, c, count, false).version;
        self->send(*qa, agent_update_atom::value, std::move(c), count, version);
      }
      pushed = s.queues;
      return;
    }
    // What to tell each queue; a withdrawal, if any, is counted before
    // anything is posted, so every post carries the count it is current at.
    bool withdrawn = false;
    // Queues alike in what the status reads (channel, reject and busy
    // delays) share one: it is made once, not once per queue served.
    const events::queue_definition* made_for = nullptr;
    const events::acd::candidate_status* made = nullptr;
    for (auto& t : targets) {
      t.tell = false;
      if (!t.queue) continue;
      if (made && t.def->channel == made_for->channel &&
          t.def->reject_delay_ms == made_for->reject_delay_ms &&
          t.def->busy_delay_ms == made_for->busy_delay_ms) {
        t.next = *made;
      } else {
        t.next = events::acd::make_candidate_status(s, *t.def);
        made_for = t.def;
        made = &t.next;
      }
      const auto& c = t.next;
      if (c.available || c.logged_in != t.sent.logged_in || c.paused != t.sent.paused ||
          (t.sent.available && !withdrawals)) {
        t.tell = true;
        t.sent = c;
      } else if (t.sent.available) {
        withdrawn = true; // the queue learns it from the count
        t.sent = c;
      }
    }
    std::uint64_t count = 0;
    if (withdrawals)
      count = withdrawn ? withdrawals->fetch_add(1, std::memory_order_release) + 1
                        : withdrawals->load(std::memory_order_relaxed);
    for (const auto& t : targets)
      if (t.tell && availability_board::post(*t.slot, t.next, count).tell)
        self->send(*t.queue, news_atom::value);
  };
  // Passivation (agent_directory.hpp): once idle, a timer; when it fires
  // and the agent is still idle, nobody looked it up, its mailbox is empty
  // and its appends are on disk, the actor quits.
  const auto idle_after = std::chrono::milliseconds(ctx->center.site.passivate_idle_ms);
  auto arm_if_idle = [=] {
    auto& st = self->state;
    if (idle_after.count() <= 0) return;
    if (!idle(st)) {
      st.idle_timer = false; // busy: a pending timer is stale
      return;
    }
    if (st.idle_timer) return;
    st.idle_timer = true;
    ctx->agents.arm(def->id);
    self->delayed_send(self, idle_after, passivate_atom::value, ++st.idle_period);
  };
  auto exec = [=](const agent::command& cmd, const std::string& name, events::event_id corr,
                  std::function<void()> then = {}) {
    auto refused = self->state.entity->exec(cmd, now(), name, *tenant, *who,
                                            corr.is_nil() ? agent_correlation(def->id) : corr,
                                            [push, arm_if_idle, then = std::move(then)] {
                                              if (then) then();
                                              push();
                                              arm_if_idle();
                                            });
    if (refused) self->state.last_refusal = refused;
    return refused;
  };
  // This agent let go of a call ringing it (rejected, busy, logged out):
  // the call hears it (a transfer or conference leg, as a leg).
  auto tell_call_let_go = [=](const std::string& call_id, const std::string& reason) {
    auto c = self->state.calls.find(call_id);
    if (c == self->state.calls.end()) return;
    if (self->state.legs.erase(call_id) > 0)
      self->send(c->second, leg_reject_atom::value, def->id, reason);
    else
      self->send(c->second, reject_atom::value, def->id, reason);
    self->state.calls.erase(c);
  };
  // The phone rang for a call and the ACD took the offer back: whoever
  // rings it (telephony) stops.
  auto stop_ringing = [=](const std::string& call_id, const std::string& reason) {
    self->state.entity->send_durable(ctx->observer, ring_stopped_atom::value, def->id, call_id,
                                     reason);
  };
  // A ringing reservation ends without an answer (the call or a queue withdrew it).
  auto cancel_ringing = [=](const std::string& call_id, const std::string& reason) {
    self->state.calls.erase(call_id);
    self->state.legs.erase(call_id);
    exec(agent::cancel_reservation{call_id, reason, now()}, "cancel_reservation",
         call_correlation(call_id), [=] { stop_ringing(call_id, reason); });
  };
  // The queues that hold this agent's snapshot now (before a change that may drop some).
  auto pushed_ids = [=] {
    std::vector<std::string> ids;
    for (const auto& t : self->state.targets)
      if (t.def) ids.push_back(t.def->id);
    return ids;
  };
  // Each of `queues` gets the agent's whole snapshot as it is now.
  auto tell_whole = [=](const std::vector<std::string>& queues) {
    const auto count = withdrawal_count();
    for (const auto& q : queues) {
      const auto* qa = ctx->queue_actor(q);
      auto qd = ctx->find_queue(q);
      if (!qa || !qd) continue;
      auto c = events::acd::make_candidate(self->state.entity->state(), *qd);
      const auto version =
          availability_board::post(ctx->board.at(def->id, q), c, count, false).version;
      self->send(*qa, agent_update_atom::value, std::move(c), count, version);
    }
  };
  arm_if_idle(); // recovered idle (at start, or brought back by a lookup that sends nothing)

  return {
      [=](recover_atom) {
        // Contacts on the desk when the node stopped.
        auto contacts = self->state.entity->state().contacts;
        for (const auto& c : contacts) {
          switch (c.phase) {
          case agent::contact_phase::ringing:
            exec(agent::cancel_reservation{c.call_id, "node_restart", now()}, "cancel_reservation",
                 call_correlation(c.call_id));
            break;
          case agent::contact_phase::on_call:
          case agent::contact_phase::on_hold: {
            // The call's actor ends it (node_restart) and releases us.
            call_request req;
            req.call_id = c.call_id;
            req.recover = true;
            self->state.calls[c.call_id] = spawn_call(self->home_system(), self->state.ctx, req);
            break;
          }
          case agent::contact_phase::wrap_up:
            exec(agent::end_wrap_up{c.call_id, now()}, "end_wrap_up", call_correlation(c.call_id));
            break;
          }
        }
        push();
      },
      [=](login_atom, const std::vector<std::string>& queues) {
        exec(agent::login{queues, true, now()}, "login", {});
      },
      [=](login_atom, const std::vector<std::string>& queues, const std::string& station) {
        exec(agent::login{queues, true, now(), station}, "login", {});
      },
      [=](logout_atom, const std::string& reason) {
        // Queues it leaves (and those it was widened into) must hear it is
        // gone: their ids before the queues list empties.
        auto before = pushed_ids();
        // Calls ringing here lose their offer now, not at their ring timeout.
        std::vector<std::string> ringing;
        for (const auto& k : self->state.entity->state().contacts)
          if (k.phase == agent::contact_phase::ringing) ringing.push_back(k.call_id);
        exec(agent::logout{reason, now()}, "logout", {}, [=] {
          for (const auto& call_id : ringing) {
            tell_call_let_go(call_id, "logged_out");
            stop_ringing(call_id, "logged_out");
          }
          tell_whole(before);
        });
      },
      // Runtime configuration (issue 21): a supervisor's or an
      // administrator's change of the skills or of the queues served. Every
      // queue served then gets the whole new snapshot (a whole push), and a
      // queue the agent left learns that it is no member any more.
      [=](skills_atom, std::map<std::string, int>& skills, const std::string& reason) {
        exec(agent::set_skills{std::move(skills), reason, now()}, "set_skills", {}, [=] {
          self->state.def.skills = self->state.entity->state().definition.skills;
          self->state.pushed_queues.reset(); // the same queues, each a whole snapshot
        });
      },
      [=](queues_atom, std::vector<std::string>& queues, const std::string& reason) {
        for (const auto& q : queues)
          if (!ctx->find_queue(q)) {
            self->state.last_refusal =
                events::rejection{"unknown_queue", "no queue '" + q + "' on this node"};
            return;
          }
        auto before = pushed_ids();
        exec(agent::set_queues{std::move(queues), reason, now()}, "set_queues", {}, [=] {
          self->state.def.queues = self->state.entity->state().definition.queues;
          self->state.pushed_queues.reset();
          const auto& now_served = self->state.entity->state().queues;
          std::vector<std::string> left;
          for (const auto& q : before)
            if (std::find(now_served.begin(), now_served.end(), q) == now_served.end())
              left.push_back(q);
          tell_whole(left); // no member there any more
        });
      },
      // The disposition (wrap-up code) and notes of a call on the desk,
      // checked against the codes of the queue the call came from.
      [=](disposition_atom, const std::string& call_id, const std::string& code,
          const std::string& notes) {
        std::vector<std::string> allowed;
        if (const auto* k = agent::find_contact(self->state.entity->state(), call_id))
          if (const auto* q = ctx->find_queue(k->queue)) allowed = q->dispositions;
        exec(agent::set_disposition{call_id, code, notes, std::move(allowed), now()},
             "set_disposition", call_correlation(call_id));
      },
      [=](ready_atom) { exec(agent::set_ready{now()}, "set_ready", {}); },
      // A queue this agent does not serve holds callers who prefer it
      // (their familiar agent, F10): it gets this agent's snapshots too
      // until it says the preferences ended. A whole push goes out now.
      [=](follow_atom, const std::string& queue_id, bool on) {
        auto& by = self->state.followed_by;
        auto it = std::find(by.begin(), by.end(), queue_id);
        if (on == (it != by.end())) return;
        if (on)
          by.push_back(queue_id);
        else
          by.erase(it);
        self->state.pushed_queues.reset();
        push();
        arm_if_idle(); // the last follower gone: a logged-out agent may passivate
      },
      [=](not_ready_atom, const std::string& reason) {
        exec(agent::set_not_ready{reason, now()}, "set_not_ready", {});
      },
      [=](reserve_atom, const reserve_request& req) {
        auto refused =
            exec(agent::reserve{req.call_id, req.queue, req.channel, now(), req.placed}, "reserve",
                 call_correlation(req.call_id), [=] {
                   self->state.calls[req.call_id] = req.call;
                   self->state.offered_by[req.call_id] = req.queue_actor;
                   self->send(req.call, offer_atom::value,
                              offer_info{def->id, req.ring_timeout_ms, req.reason,
                                         caf::actor_cast<caf::actor>(self), req.hold});
                   if (!req.hold && !req.placed) // the phone rings once the reservation is on disk
                     self->state.entity->send_durable(ctx->observer, ringing_atom::value, def->id,
                                                      req.call_id);
                 });
        if (refused) {
          self->send(req.queue_actor, reserve_failed_atom::value, req.call_id, def->id,
                     refused->code);
          push();
        }
      },
      [=](ring_atom, const std::string& call_id) {
        // A held reservation's call landed: now the phone rings.
        if (self->state.calls.count(call_id))
          self->state.entity->send_durable(ctx->observer, ringing_atom::value, def->id, call_id);
      },
      [=](answer_atom, const std::string& call_id) {
        // Answering a call already on the desk is a no-op: tell nobody.
        if (const auto* k = agent::find_contact(self->state.entity->state(), call_id);
            k && (k->phase == agent::contact_phase::on_call ||
                  k->phase == agent::contact_phase::on_hold))
          return;
        exec(agent::answer{call_id, now()}, "answer", call_correlation(call_id), [=] {
          auto c = self->state.calls.find(call_id);
          if (c == self->state.calls.end()) return;
          auto leg = self->state.legs.find(call_id);
          if (leg == self->state.legs.end()) {
            self->send(c->second, connected_atom::value, def->id);
            return;
          }
          self->send(c->second, leg_answer_atom::value, def->id);
          // A conference party and a consultation target stay legs: their
          // hang-up leaves the conference / ends the consultation, not the call.
          if (leg->second != "conference" && leg->second != "consult") self->state.legs.erase(leg);
        });
      },
      [=](reject_atom, const std::string& call_id) {
        exec(agent::reject{call_id, now()}, "reject", call_correlation(call_id),
             [=] { tell_call_let_go(call_id, "rejected"); });
      },
      // The agent's phone answered an offer with busy (a device already in
      // use, do-not-disturb): the reservation ends "busy", which starts the
      // queue's busy delay for this agent, and the call moves on.
      [=](busy_atom, const std::string& call_id) {
        const auto* k = agent::find_contact(self->state.entity->state(), call_id);
        if (!k || k->phase != agent::contact_phase::ringing) return;
        exec(agent::cancel_reservation{call_id, "busy", now()}, "cancel_reservation",
             call_correlation(call_id), [=] { tell_call_let_go(call_id, "busy"); });
      },
      [=](ring_timeout_atom, const std::string& call_id, int max_no_answer) {
        self->state.calls.erase(call_id);
        self->state.legs.erase(call_id);
        exec(agent::ring_timeout{call_id, max_no_answer, now()}, "ring_timeout",
             call_correlation(call_id), [=] { stop_ringing(call_id, "no_answer"); });
      },
      // The call withdraws an offer, or ended: a ringing reservation is
      // cancelled. If the agent answered as the caller hung up (the answer
      // crossed the call's end), the call is gone: the agent ends it and
      // goes to after-call work. A cancel for a call no longer on the desk
      // changes nothing (the queue may also have said it).
      [=](cancel_atom, const std::string& call_id, const std::string& reason) {
        const auto* k = agent::find_contact(self->state.entity->state(), call_id);
        if (!k) return;
        if (k->phase == agent::contact_phase::on_call ||
            k->phase == agent::contact_phase::on_hold) {
          const auto* q = ctx->find_queue(k->queue);
          const std::int64_t wrap = q ? events::acd::agent::effective_wrap_up_ms(*def, *q) : 0;
          self->send(self, end_call_atom::value, call_id, wrap);
          return;
        }
        if (k->phase == agent::contact_phase::ringing) cancel_ringing(call_id, reason);
      },
      // A queue's word that a call left while this agent's reservation for
      // it was on its way: only that queue's ringing reservation goes.
      [=](cancel_atom, const std::string& call_id, const std::string& reason,
          const std::string& queue_id) {
        const auto* k = agent::find_contact(self->state.entity->state(), call_id);
        if (k && k->phase == agent::contact_phase::ringing && k->queue == queue_id)
          cancel_ringing(call_id, reason);
      },
      [=](hangup_atom, const std::string& call_id) {
        auto c = self->state.calls.find(call_id);
        if (c == self->state.calls.end()) return;
        // A conference party hanging up leaves the conference; the call goes on.
        auto leg = self->state.legs.find(call_id);
        if (leg != self->state.legs.end() && leg->second == "conference")
          self->send(c->second, conf_leave_atom::value, def->id, std::string{"hung_up"});
        else if (leg != self->state.legs.end() && leg->second == "consult")
          self->send(c->second, consult_end_atom::value, def->id, std::string{"target_hung_up"});
        else
          self->send(c->second, hangup_atom::value, std::string{"agent"});
      },
      [=](end_call_atom, const std::string& call_id, std::int64_t wrap_up_ms) {
        self->state.calls.erase(call_id);
        self->state.legs.erase(call_id);
        exec(agent::end_call{call_id, wrap_up_ms, now()}, "end_call", call_correlation(call_id),
             [=] {
               if (wrap_up_ms > 0)
                 self->delayed_send(self, std::chrono::milliseconds(wrap_up_ms),
                                    wrap_up_done_atom::value, call_id);
             });
      },
      // The call put its caller on hold, or took it back (the call decided it).
      [=](hold_atom, const std::string& call_id) {
        exec(agent::hold{call_id, now()}, "hold", call_correlation(call_id));
      },
      [=](resume_atom, const std::string& call_id) {
        exec(agent::resume{call_id, now()}, "resume", call_correlation(call_id));
      },
      [=](wrap_up_done_atom, const std::string& call_id) {
        exec(agent::end_wrap_up{call_id, now()}, "end_wrap_up", call_correlation(call_id));
      },
      // A call rings us for a transfer, a consultation or a conference. The
      // reservation is the same as a queue's; a refusal goes back to the call.
      [=](leg_atom, const leg_request& req) {
        auto refused = exec(agent::reserve{req.call_id, req.queue, req.channel, now()}, "reserve",
                            call_correlation(req.call_id), [=] {
                              self->state.calls[req.call_id] = req.call;
                              self->state.legs[req.call_id] = req.kind;
                              self->state.entity->send_durable(ctx->observer, ringing_atom::value,
                                                               def->id, req.call_id);
                            });
        if (refused) self->send(req.call, leg_refused_atom::value, def->id, refused->code);
      },
      [=](caf::get_atom) {
        return std::string{agent::to_string(agent::status_of(self->state.entity->state()))};
      },
      [=](passivate_atom, std::uint64_t period) {
        auto& st = self->state;
        if (!st.idle_timer || period != st.idle_period) return; // stale: busy since
        st.idle_timer = false;
        if (!idle(st)) return; // busy again: armed anew when idle
        if (st.entity->settled() && ctx->agents.try_passivate(def->id, self->address(), [self] {
              return self->mailbox().empty();
            })) {
          self->quit();
          return;
        }
        arm_if_idle(); // looked up, mail waiting, or an append in flight: another period
      },
      // A request of the node API (drivers/api): the handler of the message
      // inside runs as if it had come alone, and the API hears whether the
      // decider refused it. A command for a call goes to the call on the
      // desk, which answers the API itself.
      [=](api_atom, const std::string& user, caf::message& inner) {
        auto rp = self->make_response_promise();
        const auto& desk = self->state.entity->state();
        if (inner.match_elements<desk_atom, std::string, caf::message>()) {
          const auto& call_id = inner.get_as<std::string>(1);
          auto c = self->state.calls.find(call_id);
          if (c == self->state.calls.end() || !agent::find_contact(desk, call_id)) {
            refuse_api(rp, "not_on_desk",
                       "call " + call_id + " is not on agent " + def->id + "'s desk");
            return;
          }
          rp.delegate(c->second, api_atom::value, user, inner.get_as<caf::message>(2));
          return;
        }
        const bool own =
            inner.match_elements<login_atom, std::vector<std::string>>() ||
            inner.match_elements<login_atom, std::vector<std::string>, std::string>() ||
            inner.match_elements<logout_atom, std::string>() ||
            inner.match_elements<ready_atom>() ||
            inner.match_elements<not_ready_atom, std::string>() ||
            inner.match_elements<skills_atom, std::map<std::string, int>, std::string>() ||
            inner.match_elements<queues_atom, std::vector<std::string>, std::string>();
        const bool on_call =
            inner.match_elements<answer_atom, std::string>() ||
            inner.match_elements<disposition_atom, std::string, std::string, std::string>() ||
            inner.match_elements<reject_atom, std::string>() ||
            inner.match_elements<hangup_atom, std::string>() ||
            inner.match_elements<wrap_up_done_atom, std::string>();
        if (!own && !on_call) {
          refuse_api(rp, "unknown_command",
                     "agents take login, logout, ready, not_ready, skills, queues, answer, "
                     "reject, hangup, wrap_up_done, disposition and desk commands: " +
                         to_string(inner));
          return;
        }
        if (on_call && !agent::find_contact(desk, inner.get_as<std::string>(1))) {
          refuse_api(rp, "not_on_desk",
                     "call " + inner.get_as<std::string>(1) + " is not on agent " + def->id +
                         "'s desk");
          return;
        }
        run_api(self, rp, inner, self->state.last_refusal, self->state.who, user);
      },
      [](deferred& d) { d.run(); },
  };
}

} // namespace

caf::actor spawn_agent(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                       const events::agent_definition& agent) {
  return sys.spawn(agent_actor, ctx, agent);
}

} // namespace hotline::actors
