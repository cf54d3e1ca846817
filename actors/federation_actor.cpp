#include "actors/federation_actor.hpp"
#include "actors/call_actor.hpp"

#include <algorithm>
#include <mutex>

namespace hotline::actors {

namespace {

namespace fed = events::federation;

struct known_site {
  fed::site_status status;
  std::int64_t heard_ns = 0;
};

struct offer_out {
  caf::actor call;
  std::string site;
  std::string call_id;
};

struct federation_state {
  std::map<std::string, known_site> sites;
  fed::site_status last_published;
  std::int64_t last_publish_ns = 0;
  std::uint64_t seq = 0;
  std::uint64_t offers = 0;
  bool snapshotting = false;
  std::map<std::string, offer_out> outgoing;  ///< offer id -> asking call (pending answer)
  std::map<std::string, offer_out> moving;    ///< offer id -> call on its way to a site
  std::map<std::string, caf::actor> incoming; ///< offer id -> the call actor holding an agent here
  std::map<std::string, std::map<std::string, std::int64_t>> denied; ///< call id -> site -> when
};

caf::behavior federation_actor(caf::stateful_actor<federation_state>* self,
                               std::shared_ptr<const acd_context> ctx, federation_options opt) {
  auto now = [ctx] { return ctx->store.clock->now_ns(); };
  const auto& policy = ctx->interflow;
  auto age_ms = [=](const known_site& k) {
    auto t = now();
    return std::max(t - k.heard_ns, t - k.status.at_ns) / 1'000'000;
  };
  auto send = [=](fed::message m) {
    m.from_site = opt.site;
    m.sent_at_ns = now();
    opt.link->send(m);
  };
  // Answers `m` on this site's behalf (the call it concerns is not here to).
  auto answer = [=](const fed::message& m, fed::message_kind kind, std::string reason) {
    fed::message r = m;
    r.kind = kind;
    r.to_site = m.from_site;
    r.reason = std::move(reason);
    send(std::move(r));
  };

  auto finish_tick = [=](std::shared_ptr<std::vector<queue_snapshot>> snaps) {
    auto& s = self->state;
    s.snapshotting = false;
    auto t = now();
    // 1. Our status.
    fed::site_status mine{opt.site, 0, t, {}};
    std::sort(snaps->begin(), snaps->end(), [](const queue_snapshot& a, const queue_snapshot& b) {
      return a.status.queue < b.status.queue;
    });
    for (const auto& q : *snaps)
      mine.queues.push_back(q.status);
    if (t - s.last_publish_ns >= opt.status_interval_ms * 1'000'000 ||
        fed::significant_change(s.last_published, mine)) {
      mine.seq = ++s.seq;
      opt.link->publish(mine);
      s.last_published = mine;
      s.last_publish_ns = t;
    }
    // 2. Calls on their way to a site that went silent come back.
    for (auto it = s.moving.begin(); it != s.moving.end();) {
      auto site = s.sites.find(it->second.site);
      if (site == s.sites.end() || age_ms(site->second) > policy.max_status_age_ms) {
        self->send(it->second.call, site_lost_atom::value, it->second.site);
        it = s.moving.erase(it);
      } else {
        ++it;
      }
    }
    // Denials older than the back-off no longer matter (the call may be long gone).
    for (auto it = s.denied.begin(); it != s.denied.end();) {
      std::erase_if(it->second, [&](const auto& kv) {
        return (t - kv.second) / 1'000'000 >= policy.deny_backoff_ms;
      });
      it = it->second.empty() ? s.denied.erase(it) : std::next(it);
    }
    // 3. Routing: offers to other sites.
    if (!policy.enabled || s.sites.empty()) return;
    std::map<std::string, int> budget; // ready agents not yet asked for
    for (const auto& [id, k] : s.sites) {
      if (!opt.peers.empty() && !opt.peers.count(id)) continue;
      int ready = 0;
      for (const auto& q : k.status.queues)
        ready += q.agents_ready;
      budget[id] = ready;
    }
    std::set<std::string> busy_calls;
    for (const auto& [oid, o] : s.outgoing) {
      busy_calls.insert(o.call_id);
      --budget[o.site];
    }
    for (const auto& [oid, o] : s.moving)
      busy_calls.insert(o.call_id);
    for (const auto& q : *snaps) {
      std::vector<fed::remote_site> remotes;
      for (const auto& [id, k] : s.sites)
        if (budget.count(id) && budget[id] > 0)
          remotes.push_back({id, age_ms(k), k.status.find(q.status.queue)});
      if (remotes.empty()) continue;
      for (const auto& c : q.calls) {
        if (c.offering || busy_calls.count(c.call_id)) continue;
        fed::waiting_call w;
        w.call_id = c.call_id;
        w.queue = q.status.queue;
        w.position = c.position;
        w.waited_ms = c.waited_ms;
        w.local_ewt_ms = c.ewt_ms;
        w.local_agents = q.status.agents_logged_in;
        if (auto d = s.denied.find(c.call_id); d != s.denied.end())
          for (const auto& [site, at] : d->second)
            w.denied_ago_ms[site] = (t - at) / 1'000'000;
        auto decision = fed::decide_interflow(policy, w, remotes);
        if (!decision.offer) continue;
        auto offer_id = opt.site + "-" + c.call_id + "-" + std::to_string(++s.offers);
        s.outgoing[offer_id] = {c.call, decision.site, c.call_id};
        self->send(c.call, interflow_atom::value, decision.site, offer_id, decision.reason);
        if (--budget[decision.site] <= 0)
          std::erase_if(remotes,
                        [&](const fed::remote_site& r) { return r.site == decision.site; });
        if (remotes.empty()) break;
      }
    }
  };

  return {
      [=](fed_tick_atom) {
        self->delayed_send(self, std::chrono::milliseconds(opt.tick_ms), fed_tick_atom::value);
        auto& s = self->state;
        if (s.snapshotting) return;
        s.snapshotting = true;
        auto snaps = std::make_shared<std::vector<queue_snapshot>>();
        const auto queues = ctx->queue_actors();
        auto pending = std::make_shared<std::size_t>(queues.size());
        if (*pending == 0) {
          finish_tick(snaps);
          return;
        }
        for (const auto& [id, q] : queues)
          self->request(q, std::chrono::seconds(2), fed_snapshot_atom::value)
              .then(
                  [=](queue_snapshot& snap) {
                    snaps->push_back(std::move(snap));
                    if (--*pending == 0) finish_tick(snaps);
                  },
                  [=](caf::error&) {
                    if (--*pending == 0) finish_tick(snaps);
                  });
      },
      [=](site_status_atom, fed::site_status& st) {
        if (st.site == opt.site) return;
        auto& k = self->state.sites[st.site];
        if (st.at_ns < k.status.at_ns) return; // an older one (replayed history)
        k.status = std::move(st);
        k.heard_ns = now();
      },
      [=](inbound_atom, fed::message& m) {
        auto& s = self->state;
        using k = fed::message_kind;
        switch (m.kind) {
        case k::offer: {
          if (m.expires_at_ns != 0 && m.expires_at_ns < now()) {
            answer(m, k::deny, "expired");
            return;
          }
          if (s.incoming.count(m.offer_id)) return; // a duplicate
          call_request req;
          req.call_id = m.call_id;
          req.channel = m.channel;
          req.caller = m.caller;
          req.customer_id = m.customer_id;
          req.queue = m.queue;
          req.interflow_offer = std::make_shared<const fed::message>(m);
          s.incoming[m.offer_id] = spawn_call(self->home_system(), ctx, std::move(req));
          return;
        }
        case k::transfer:
        case k::release:
        case k::withdraw: {
          auto it = s.incoming.find(m.offer_id);
          if (it != s.incoming.end()) {
            self->send(it->second, remote_reply_atom::value, std::move(m));
          } else if (m.kind == k::withdraw) {
            // Landed before this node restarted: the call waits in one of our queues.
            for (const auto& [id, q] : ctx->queue_actors())
              self->send(q, remote_reply_atom::value, m);
          } else if (m.kind == k::transfer) {
            answer(m, k::bounce, "no_reservation");
          }
          return;
        }
        case k::accept:
        case k::deny:
        case k::landed:
        case k::bounce: {
          if (auto it = s.outgoing.find(m.offer_id); it != s.outgoing.end()) {
            if (m.kind == k::deny) s.denied[it->second.call_id][m.from_site] = now();
            self->send(it->second.call, remote_reply_atom::value, std::move(m));
          } else if (auto mv = s.moving.find(m.offer_id); mv != s.moving.end()) {
            self->send(mv->second.call, remote_reply_atom::value, std::move(m));
          } else if (m.kind == k::accept) {
            // Nobody asks any more (the call ended, or this node restarted): free the agent.
            answer(m, k::release, "unknown_offer");
          }
          return;
        }
        }
      },
      [=](fed_send_atom, fed::message& m) { send(std::move(m)); },
      [=](offer_done_atom, const std::string& offer_id, const std::string& site,
          const std::string& reason) {
        auto& s = self->state;
        if (auto it = s.outgoing.find(offer_id); it != s.outgoing.end()) {
          if (reason == "timeout") s.denied[it->second.call_id][site] = now();
          if (reason == "call_ended" || reason == "landed") s.denied.erase(it->second.call_id);
          s.outgoing.erase(it);
        }
        if (auto it = s.moving.find(offer_id); it != s.moving.end()) {
          if (reason == "landed" || reason == "call_ended") s.denied.erase(it->second.call_id);
          s.moving.erase(it);
        }
        s.incoming.erase(offer_id);
      },
      [=](moving_atom, const std::string& offer_id, const std::string& site) {
        auto& s = self->state;
        auto it = s.outgoing.find(offer_id);
        offer_out o = it != s.outgoing.end() ? it->second : offer_out{};
        if (it != s.outgoing.end()) s.outgoing.erase(it);
        o.call = caf::actor_cast<caf::actor>(self->current_sender());
        o.site = site;
        s.moving[offer_id] = std::move(o);
      },
      [=](sites_atom) {
        std::vector<site_view> out;
        for (const auto& [id, k] : self->state.sites)
          out.push_back({k.status, age_ms(k)});
        return out;
      },
  };
}

} // namespace

struct federation_mailbox::shared {
  std::mutex m;
  caf::actor target;
  bool closed = false;
  /// What arrived before the actor was set: kept (a consumed inbox message
  /// is committed, it would not come again), up to a bound.
  std::vector<caf::message> early;
  static constexpr std::size_t max_early = 100'000;

  void deliver(caf::message msg) {
    std::lock_guard lock{m};
    if (target)
      caf::anon_send(target, std::move(msg));
    else if (!closed && early.size() < max_early)
      early.push_back(std::move(msg));
  }
};

std::shared_ptr<federation_mailbox::shared> federation_mailbox::make_shared_state() {
  return std::make_shared<shared>();
}

void federation_mailbox::set(caf::actor federation) {
  std::lock_guard lock{s_->m};
  s_->closed = !federation;
  s_->target = std::move(federation);
  if (s_->target) {
    caf::anon_send(s_->target, fed_tick_atom::value); // starts it (spawned lazily)
    for (auto& msg : s_->early)
      caf::anon_send(s_->target, std::move(msg));
  }
  s_->early.clear();
}

ports::federation_handlers
federation_mailbox::handlers(std::function<void(std::string)> on_problem) {
  ports::federation_handlers h;
  h.on_message = [s = s_](events::federation::message m) {
    s->deliver(caf::make_message(inbound_atom::value, std::move(m)));
  };
  h.on_status = [s = s_](events::federation::site_status st) {
    s->deliver(caf::make_message(site_status_atom::value, std::move(st)));
  };
  h.on_problem = std::move(on_problem);
  return h;
}

caf::actor spawn_federation(caf::actor_system& sys, std::shared_ptr<const acd_context> ctx,
                            federation_options options) {
  return sys.spawn<caf::lazy_init>(federation_actor, std::move(ctx), std::move(options));
}

} // namespace hotline::actors
