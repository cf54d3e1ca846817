#include "drivers/sim/simulator.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include <caf/all.hpp>

#include "actors/acd.hpp"
#include "actors/call_actor.hpp"
#include "actors/simulation_runtime.hpp"
#include "drivers/sim/ivr_tables.hpp"
#include "drivers/sim/live_traffic.hpp"
#include "drivers/sim/random.hpp"
#include "drivers/sim/simulated_ivr_callers.hpp"

namespace hotline::drivers::sim {

namespace {

using namespace hotline::actors;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using replay_atom = caf::atom_constant<caf::atom("replay")>;

constexpr std::int64_t ns_per_ms = 1'000'000;
constexpr std::int64_t ms_per_day = 86'400'000;

duration_distribution to_sampler(const config::duration_distribution& d) {
  switch (d.kind) {
  case config::distribution_kind::exponential:
    return duration_distribution::exponential(d.mean_ms / 1000.0);
  case config::distribution_kind::lognormal:
    return duration_distribution::lognormal(d.mean_ms / 1000.0, d.sd_ms / 1000.0);
  case config::distribution_kind::empirical: {
    std::vector<double> s;
    for (auto ms : d.samples_ms)
      s.push_back(ms / 1000.0);
    return duration_distribution::empirical(std::move(s));
  }
  case config::distribution_kind::none:
    return duration_distribution::none();
  }
  return duration_distribution::none();
}

struct source {
  const config::arrival_profile* def;
  arrival_profile arrivals;
  double origin_s; ///< virtual seconds since the run's start at which the profile's t=0 falls
  duration_distribution handle, patience;
  std::string tenant;
  std::vector<std::string> dialers{}; ///< outbound: the agents serving its queue
};

struct live_call {
  caf::actor actor;
  double handle_s = 0;
  double callback_accept = 0; ///< its profile's: the chance it takes a call back when offered one
  double callback_reach = 1;  ///< its profile's: the chance it picks up each time it is called back
  bool talking = false;
  bool called_back = false; ///< took a call back: off the line, its patience no longer runs
  /// Its patience in the queue, when it starts only once the call is queued
  /// (a caller who walks an IVR flow first); negative: already running.
  double queue_patience_s = -1;
};

struct world_state {
  std::vector<source> sources;
  std::unordered_map<std::string, live_call> calls;
  std::uint64_t next_call = 0;
  std::size_t next_recorded = 0; ///< index of the next recorded arrival to replay
  std::uint64_t arrivals = 0, ended = 0;
};

struct world_params {
  const config::configuration* cfg;
  std::shared_ptr<acd_context> ctx;
  const simulation_options* opts;
  std::uint64_t seed;
  std::int64_t start_ns;
  std::int64_t end_ns;
  world_state* out;
  const time_source* clock;
  std::shared_ptr<world_state> keep; ///< owns `out` when nobody else does (live traffic)
  /// The callers' side of IVR flows (null: the node runs no flows).
  simulated_ivr_callers* ivr = nullptr;
};

caf::behavior world(caf::event_based_actor* self, world_params p) {
  auto rng_ptr = std::make_shared<rng>(p.seed);
  // The agents' dialing and the callers' choices draw from their own
  // source: adding an outbound profile or a callback_accept leaves the
  // callers' day (arrivals, handle times, patience) as it was.
  auto choices = std::make_shared<rng>(p.seed ^ 0x9e3779b97f4a7c15ULL);
  auto& st = *p.out;
  const auto& center = p.cfg->center;
  const auto& simdef = p.cfg->simulation;
  auto start_tod_ms = (p.start_ns - p.opts->day_epoch_ns) / ns_per_ms;
  auto run_s = static_cast<double>(p.end_ns - p.start_ns) / 1e9;
  auto now_s = [p] { return static_cast<double>(p.clock->now_ns() - p.start_ns) / 1e9; };
  auto after = [](double s) {
    return std::chrono::nanoseconds(static_cast<std::int64_t>(std::max(0.0, s) * 1e9));
  };

  // Arrival sources (none when replaying recorded arrivals).
  const auto* recorded = p.opts->recorded_arrivals ? &*p.opts->recorded_arrivals : nullptr;
  for (const auto& a : simdef.arrivals) {
    if (recorded) break;
    source src{&a,
               arrival_profile::constant(a.rate_per_hour),
               0,
               to_sampler(a.handle_time),
               to_sampler(a.patience),
               ""};
    if (!a.counts.empty()) {
      src.arrivals = arrival_profile::from_counts(a.counts, a.interval_ms / 1000.0);
      src.origin_s = static_cast<double>(a.counts_start_ms - start_tod_ms) / 1000.0;
    }
    if (const auto* e = center.find_entry(a.entry_point))
      src.tenant = e->tenant;
    else if (const auto* q = center.find_queue(a.queue))
      src.tenant = q->tenant;
    if (a.direction == events::call_direction::outbound)
      for (const auto& ag : center.agents)
        if (std::find(ag.queues.begin(), ag.queues.end(), a.queue) != ag.queues.end())
          src.dialers.push_back(ag.id);
    st.sources.push_back(std::move(src));
  }
  auto schedule_arrival = [=](std::size_t i) {
    auto& src = p.out->sources[i];
    auto& r = src.def->direction == events::call_direction::outbound ? *choices : *rng_ptr;
    double t = now_s() - src.origin_s;
    double next = src.arrivals.next_after(std::max(t, 0.0), r);
    if (t < 0) next = src.arrivals.next_after(0.0, r);
    double at = next + src.origin_s;
    if (std::isinf(at) || at > run_s) return;
    self->delayed_send(self, after(at - now_s()), arrive_atom::value, i);
  };
  for (std::size_t i = 0; i < st.sources.size(); ++i)
    schedule_arrival(i);
  // Recorded arrivals: one pending at a time, like the sources.
  auto schedule_replay = [=] {
    if (p.out->next_recorded >= recorded->size()) return;
    auto at_ns = (*recorded)[p.out->next_recorded].at_ns;
    if (at_ns > p.end_ns) return;
    self->delayed_send(
        self, std::chrono::nanoseconds(std::max<std::int64_t>(0, at_ns - p.clock->now_ns())),
        replay_atom::value);
  };
  if (recorded) schedule_replay();

  // Agents the file defines; any other (created at runtime through the
  // node API) is a person's.
  auto file_agents = std::make_shared<std::unordered_set<std::string>>();
  for (const auto& a : center.agents)
    file_agents->insert(a.id);
  // Shifts: login, breaks, logout, in virtual time.
  const auto people = [&simdef](const std::string& id) {
    return std::find(simdef.api_agents.begin(), simdef.api_agents.end(), id) !=
           simdef.api_agents.end();
  };
  for (const auto& a : center.agents) {
    if (people(a.id)) continue; // driven through the node API
    auto shift = simdef.shifts.find(a.id);
    if (shift == simdef.shifts.end()) {
      self->send(self, login_atom::value, a.id);
      continue;
    }
    // The shift occurrence that overlaps the run (it may have started the day before).
    for (std::int64_t day : {-ms_per_day, std::int64_t{0}}) {
      double begin = static_cast<double>(shift->second.start_ms + day - start_tod_ms) / 1000.0;
      double end = begin + shift->second.length_ms / 1000.0;
      if (end <= 0 || begin >= run_s) continue;
      self->delayed_send(self, after(begin), login_atom::value, a.id);
      for (const auto& b : shift->second.breaks) {
        double b0 = begin + b.offset_ms / 1000.0;
        if (b0 < 0 || b0 >= run_s) continue;
        self->delayed_send(self, after(b0), not_ready_atom::value, a.id, b.reason);
        self->delayed_send(self, after(b0 + b.length_ms / 1000.0), ready_atom::value, a.id);
      }
      if (end < run_s) self->delayed_send(self, after(end), logout_atom::value, a.id);
    }
  }
  if (p.opts->progress_every_s > 0)
    self->delayed_send(self, after(p.opts->progress_every_s), tick_atom::value);

  auto agent = [p](const std::string& id) { return p.ctx->agents.at(id); };
  // A caller enters the ACD: its call actor, its patience timer.
  // A caller enters the ACD: its call actor, its patience timer. A caller
  // of an entry point with a flow walks it first (answering per `ivr`): its
  // patience in the queue starts when it is queued.
  auto admit = [=](const call_request& req, double handle_s, double patience_s,
                   double callback_accept, double callback_reach,
                   const config::ivr_caller_profile* ivr = nullptr) {
    live_call c;
    c.handle_s = handle_s;
    c.callback_accept = callback_accept;
    c.callback_reach = callback_reach;
    const auto* entry = req.dialed.empty() ? nullptr : p.cfg->center.find_entry(req.dialed);
    const bool walks_flow = p.ivr && entry && !entry->flow.empty();
    if (walks_flow) {
      p.ivr->expect(req.call_id, ivr);
      c.queue_patience_s = patience_s;
    }
    c.actor = spawn_call(self->home_system(), p.ctx, req);
    p.out->calls.emplace(req.call_id, std::move(c));
    ++p.out->arrivals;
    if (!walks_flow && !std::isinf(patience_s))
      self->delayed_send(self, after(patience_s), abandon_atom::value, req.call_id);
  };
  return {
      [=](arrive_atom, std::size_t i) {
        auto& s = *p.out;
        auto& src = s.sources[i];
        auto& r = src.def->direction == events::call_direction::outbound ? *choices : *rng_ptr;
        call_request req;
        req.call_id = (p.opts->call_id_prefix.empty() ? "s" + std::to_string(p.seed) + "-"
                                                      : p.opts->call_id_prefix) +
                      std::to_string(++s.next_call);
        if (src.def->direction == events::call_direction::outbound) {
          // An agent of the queue dials a customer, if it is ready when asked
          // (a busy or paused agent lets this one go).
          schedule_arrival(i);
          if (src.dialers.empty()) return;
          const auto& who = src.dialers[r.below(src.dialers.size())];
          req.placed_by = who;
          req.queue = src.def->queue;
          req.caller = who;
          auto customer = r.below(std::max<std::uint64_t>(2000, s.arrivals + 2000));
          req.customer_id = "cust-" + std::to_string(customer);
          req.dialed = "+86139" + std::to_string(10'000'000 + customer); // the customer's number
          double handle = std::max(1.0, src.handle.sample(r));
          self->request(agent(who), caf::infinite, caf::get_atom::value)
              .then([=](const std::string& status) {
                if (status == "ready")
                  admit(req, handle, std::numeric_limits<double>::infinity(), 0.0, 1.0);
              });
          return;
        }
        if (!src.def->entry_point.empty())
          req.dialed = src.def->entry_point;
        else
          req.queue = src.def->queue;
        if (const auto* q = center.find_queue(req.queue)) req.channel = q->channel;
        auto customer = r.below(std::max<std::uint64_t>(2000, s.arrivals + 2000));
        req.customer_id = "cust-" + std::to_string(customer);
        req.caller = "+86139" + std::to_string(10'000'000 + customer);
        if (auto share = simdef.vip_share.find(src.tenant);
            share != simdef.vip_share.end() && r.chance(share->second))
          if (const auto* t = center.find_tenant(src.tenant); t && !t->vip_callers.empty())
            req.caller = t->vip_callers[r.below(t->vip_callers.size())];
        double handle = std::max(1.0, src.handle.sample(r));
        double patience = src.patience.sample(r);
        admit(req, handle, patience, src.def->callback_accept, src.def->callback_reach,
              &src.def->ivr);
        schedule_arrival(i);
      },
      [=](replay_atom) {
        const auto& a = (*recorded)[p.out->next_recorded++];
        call_request req;
        req.call_id = a.call_id.empty() ? "r" + std::to_string(p.out->next_recorded) : a.call_id;
        req.channel = a.channel;
        req.caller = a.caller;
        req.customer_id = a.customer_id;
        if (!a.dialed.empty())
          req.dialed = a.dialed;
        else
          req.queue = a.queue;
        admit(req, std::max(0.0, a.handle_time_s), a.patience_s, 0.0,
              1.0); // a recorded day: nobody was offered one
        schedule_replay();
      },
      [=](abandon_atom, const std::string& call_id) {
        auto it = p.out->calls.find(call_id);
        if (it != p.out->calls.end() && !it->second.talking && !it->second.called_back)
          self->send(it->second.actor, abandon_atom::value);
      },
      [=](ringing_atom, const std::string& agent_id, const std::string& call_id) {
        // A call back rings its agent as the customer is dialed. A customer
        // who does not pick up (its profile's `callback_reach`) fails this
        // dial-back; the queue's callback_attempts say whether it is tried
        // again. The agent does not answer a call nobody is on.
        if (auto it = p.out->calls.find(call_id);
            it != p.out->calls.end() && it->second.called_back && it->second.callback_reach < 1 &&
            !choices->chance(it->second.callback_reach)) {
          self->delayed_send(it->second.actor, after(p.opts->answer_delay_s),
                             callback_failed_atom::value, std::string{"customer_no_answer"});
          return;
        }
        // A person answers (or not) through the node API: an agent of
        // api_agents, or one created at runtime (the simulation's file does
        // not know it, so nothing here drives it).
        if (people(agent_id) || !file_agents->count(agent_id)) return;
        self->delayed_send(self, after(p.opts->answer_delay_s), answer_atom::value, agent_id,
                           call_id);
      },
      [=](answer_atom, const std::string& agent_id, const std::string& call_id) {
        if (p.out->calls.count(call_id)) self->send(agent(agent_id), answer_atom::value, call_id);
      },
      [=](queued_atom, const std::string& call_id, const std::string& queue) {
        // A caller out of its IVR flow: its patience in the queue starts now.
        if (auto it = p.out->calls.find(call_id); it != p.out->calls.end()) {
          const double patience = std::exchange(it->second.queue_patience_s, -1);
          if (patience >= 0 && !std::isinf(patience))
            self->delayed_send(self, after(patience), abandon_atom::value, call_id);
          return;
        }
        // A call that came from another site (interflow): its caller talks
        // as long as this queue's callers do.
        live_call c;
        c.actor = caf::actor_cast<caf::actor>(self->current_sender());
        c.handle_s = 180;
        for (auto& src : p.out->sources)
          if (src.def->queue == queue ||
              (center.find_entry(src.def->entry_point) &&
               center.find_entry(src.def->entry_point)->queue == queue)) {
            c.handle_s = std::max(1.0, src.handle.sample(*rng_ptr));
            break;
          }
        p.out->calls.emplace(call_id, std::move(c));
      },
      [=](talking_atom, const std::string& call_id, const std::string&) {
        auto it = p.out->calls.find(call_id);
        if (it == p.out->calls.end()) return;
        it->second.talking = true;
        self->delayed_send(self, after(it->second.handle_s), hangup_atom::value, call_id);
      },
      [=](hangup_atom, const std::string& call_id) {
        auto it = p.out->calls.find(call_id);
        if (it != p.out->calls.end())
          self->send(it->second.actor, hangup_atom::value, std::string{"caller"});
      },
      [=](ended_atom, const std::string& call_id, events::call_outcome) {
        p.out->calls.erase(call_id);
        ++p.out->ended;
      },
      [=](rejected_atom, const std::string&, const std::string&) {},
      // Its agents have no phone to stop ringing.
      [=](ring_stopped_atom, const std::string&, const std::string&, const std::string&) {},
      // Its callers hear no music: a hold changes nothing for them.
      [=](held_atom, const std::string&, const std::string&, bool) {},
      [=](announce_atom, const std::string&, int, std::int64_t) {},
      // Nor do its parties: a transfer or a conference carries no media here.
      [=](party_atom, const std::string&, const party_change&) {},
      // Off the line for a call back (its choice, or the queue's overflow): its patience stops.
      [=](off_line_atom, const std::string& call_id) {
        if (auto it = p.out->calls.find(call_id); it != p.out->calls.end())
          it->second.called_back = true;
      },
      // Offered a call back, a caller takes it with its profile's
      // `callback_accept` chance: it leaves the line (its patience stops)
      // and is called back on its own number when its place comes up.
      [=](callback_offered_atom, const std::string& call_id, const std::string&) {
        auto it = p.out->calls.find(call_id);
        if (it == p.out->calls.end() || it->second.talking || it->second.called_back) return;
        if (!choices->chance(it->second.callback_accept)) return;
        it->second.called_back = true;
        self->send(it->second.actor, callback_atom::value, std::string{});
      },
      [=](caf::ok_atom) {}, // live traffic's start signal (see live_traffic.hpp)
      [=](login_atom, const std::string& id) {
        self->send(agent(id), login_atom::value, std::vector<std::string>{});
      },
      [=](logout_atom, const std::string& id) {
        self->send(agent(id), logout_atom::value, std::string{"shift_end"});
      },
      [=](not_ready_atom, const std::string& id, const std::string& reason) {
        self->send(agent(id), not_ready_atom::value, reason);
      },
      [=](ready_atom, const std::string& id) { self->send(agent(id), ready_atom::value); },
      [=](tick_atom) {
        if (p.opts->on_progress) p.opts->on_progress(p.clock->now_ns());
        self->delayed_send(self, after(p.opts->progress_every_s), tick_atom::value);
      },
  };
}

} // namespace

caf::actor spawn_live_traffic(caf::actor_system& sys, const config::configuration& cfg,
                              std::shared_ptr<actors::acd_context> ctx,
                              const simulation_options& opts, std::int64_t start_ns,
                              std::int64_t end_ns, const actors::time_source* clock) {
  auto ws = std::make_shared<world_state>();
  world_params params{
      &cfg,     std::move(ctx), &opts,    opts.seed_given ? opts.seed : cfg.simulation.seed,
      start_ns, end_ns,         ws.get(), clock,
      ws};
  return sys.spawn<caf::lazy_init>(world, params);
}

events::result<simulation_summary> run_simulation(const config::configuration& cfg,
                                                  ports::event_store& store,
                                                  const simulation_options& opts) {
  const auto& simdef = cfg.simulation;
  std::int64_t start_ns = opts.day_epoch_ns + simdef.start_ms * ns_per_ms;
  std::int64_t end_ns = opts.hours > 0 ? start_ns + static_cast<std::int64_t>(opts.hours * 3600e9)
                                       : opts.day_epoch_ns + simdef.end_ms * ns_per_ms;
  if (end_ns <= start_ns)
    return events::status{events::errc::invalid_argument, "the simulation ends before it starts"};
  auto wall0 = std::chrono::steady_clock::now();
  simulation_summary sum;
  sum.start_ns = start_ns;
  sum.end_ns = end_ns;
  std::uint64_t head0 = store.head_position();
  world_state ws;
  {
    actors::simulation_runtime rt{start_ns};
    auto ctx = std::make_shared<acd_context>();
    ctx->center = cfg.center;
    ctx->store = {&store, &rt, cfg.center.site.id, true};
    const auto seed = opts.seed_given ? opts.seed : simdef.seed;
    // IVR flows: simulated callers answer them, lookups read the CSV tables.
    std::shared_ptr<ivr_tables> tables;
    std::unique_ptr<simulated_ivr_callers> callers;
    if (!cfg.center.flows.empty()) {
      auto loaded = ivr_tables::load(cfg.center);
      if (!loaded) return loaded.error();
      tables = std::move(*loaded);
      callers = std::make_unique<simulated_ivr_callers>(rt.system(), ctx->center,
                                                        seed ^ 0x2545f4914f6cdd1dULL);
      ctx->ivr_media = callers.get();
      ctx->ivr_data = tables.get();
      ctx->local_wall = opts.local_wall;
    }
    world_params params{&cfg, ctx, &opts, seed, start_ns, end_ns, &ws, &rt, nullptr, callers.get()};
    // The world is the ACD's observer; it reads the agents' handles only
    // when handling messages, after start_acd has filled them.
    auto w = rt.system().spawn(world, params);
    ctx->observer = w;
    start_acd(rt.system(), ctx);
    sum.messages += rt.run_pending();
    sum.messages += rt.run_until(end_ns);
    auto dir = ctx->agents.stats();
    sum.agents_passivated = dir.passivated;
    sum.agents_recovered = dir.recovered;
    stop_acd(ctx);
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
    if (callers) callers->stop();
    rt.run_pending();
  }
  sum.arrivals = ws.arrivals;
  sum.ended = ws.ended;
  sum.events = store.head_position() - head0;
  sum.virtual_seconds = static_cast<double>(end_ns - start_ns) / 1e9;
  sum.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return sum;
}

} // namespace hotline::drivers::sim
