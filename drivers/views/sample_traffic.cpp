#include "drivers/views/sample_traffic.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <vector>

#include "events/codec.hpp"

namespace hotline::drivers {

using events::proposed_event;

namespace {

using namespace hotline::events;

/// splitmix64: small, fast, deterministic on every platform.
struct rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
  double exp(double mean) { return mean <= 0 ? 0 : -mean * std::log(1.0 - uniform()); }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
};

std::int64_t ns(double seconds) {
  return static_cast<std::int64_t>(seconds * 1e9);
}

struct pending {
  std::int64_t ts;
  std::uint64_t seq;
  std::string stream;
  proposed_event e;
};

struct later {
  bool operator()(const pending& a, const pending& b) const {
    return a.ts != b.ts ? a.ts > b.ts : a.seq > b.seq;
  }
};

class generator {
public:
  generator(const traffic_options& o, std::uint64_t max,
            const std::function<bool(const std::string&, proposed_event&&)>& emit)
      : o_(o), max_(max), emit_(emit), r_{o.seed} {}

  std::uint64_t run() {
    std::priority_queue<std::pair<std::int64_t, int>, std::vector<std::pair<std::int64_t, int>>,
                        std::greater<>>
        free_agents;
    for (int i = 0; i < std::max(o_.agents, 1); ++i) {
      auto id = agent_id(i);
      std::string tenant = "t" + std::to_string(i % std::max(o_.tenants, 1));
      push(o_.start_ns, "agent-" + id, tenant, principal::agent(id), agent_logged_in{id, {}, {}});
      push(o_.start_ns, "agent-" + id, tenant, principal::agent(id), agent_ready{id});
      free_agents.push({o_.start_ns, i});
    }
    double t = 0;
    for (std::uint64_t n = 0; !stopped_; ++n) {
      t += r_.exp(3600.0 / std::max(o_.calls_per_hour, 1e-6));
      const std::int64_t t_a = o_.start_ns + ns(t);
      flush(t_a);
      if (stopped_) break;
      one_call(n, t_a, free_agents);
    }
    return emitted_;
  }

private:
  static std::string agent_id(int i) { return "a" + std::to_string(i); }

  template <class T>
  void push(std::int64_t ts, std::string stream, const std::string& tenant, principal who, T body) {
    event_meta meta{
        event_id::from_name("traffic-" + std::to_string(o_.seed) + "-" + std::to_string(seq_)),
        o_.site,
        tenant,
        ts,
        {},
        {},
        std::move(who)};
    heap_.push_back({ts, seq_++, std::move(stream),
                     event_codec::standard().propose(event{std::move(body)}, std::move(meta))});
    std::push_heap(heap_.begin(), heap_.end(), later{});
  }

  void flush(std::int64_t until) {
    while (!heap_.empty() && heap_.front().ts <= until && !stopped_) {
      std::pop_heap(heap_.begin(), heap_.end(), later{});
      auto p = std::move(heap_.back());
      heap_.pop_back();
      if (!emit_(p.stream, std::move(p.e)) || ++emitted_ >= max_) stopped_ = true;
    }
  }

  template <class Heap> void one_call(std::uint64_t n, std::int64_t t_a, Heap& free_agents) {
    const std::string id = "c" + std::to_string(n);
    const std::string stream = "call-" + id;
    const int qi = static_cast<int>(r_.below(static_cast<std::uint64_t>(std::max(o_.queues, 1))));
    const std::string queue = "q" + std::to_string(qi);
    const std::string tenant = "t" + std::to_string(qi % std::max(o_.tenants, 1));
    const principal acd = principal::system("acd");
    call_arrived arrived;
    arrived.call_id = id;
    arrived.dialed = "400" + std::to_string(qi);
    if (r_.uniform() < 0.7) {
      auto c = r_.below(static_cast<std::uint64_t>(std::max(o_.customers, 1)));
      arrived.customer_id = "cust-" + std::to_string(c);
      arrived.caller = "+86139" + std::to_string(10'000'000 + c);
    } else {
      arrived.caller = "+86137" + std::to_string(10'000'000 + r_.below(90'000'000));
    }
    arrived.trunk_group = "pstn";
    if (r_.uniform() < o_.blocked_probability) {
      push(t_a, stream, tenant, acd, arrived);
      push(t_a, stream, tenant, acd,
           call_ended{id, call_outcome::blocked, "all_channels_busy", "", queue});
      return;
    }
    const std::string trunk = "trunk-pstn." + std::to_string(n % 120 + 1);
    push(t_a, trunk, tenant, acd,
         trunk_seized{"pstn", static_cast<std::int32_t>(n % 120 + 1), id, call_direction::inbound});
    push(t_a, stream, tenant, acd, arrived);
    const std::int64_t t_q = t_a + ns(r_.exp(o_.mean_ivr_s));
    push(t_q, stream, tenant, acd, call_queued{id, queue, 0, 1, 0, "entry"});
    push(t_q, "queue-" + queue, tenant, acd,
         queue_call_joined{queue, id, 0, n, arrived.customer_id, "", 0, {}});

    const std::int64_t patience = ns(r_.exp(o_.mean_patience_s));
    auto [free_at, agent] = free_agents.top();
    const std::int64_t start = std::max(t_q, free_at);
    if (start - t_q > patience) {
      const std::int64_t t_x = t_q + patience;
      push(t_x, "queue-" + queue, tenant, acd, queue_call_left{queue, id, "abandoned"});
      push(t_x, stream, tenant, acd,
           call_ended{id, call_outcome::abandoned, "caller_hangup", "", queue});
      push(t_x, trunk, tenant, acd,
           trunk_released{"pstn", static_cast<std::int32_t>(n % 120 + 1), id});
      return;
    }
    free_agents.pop();
    const std::string a = agent_id(agent);
    const std::string as = "agent-" + a;
    const principal who = principal::agent(a);
    const std::int64_t t_c = start + ns(1 + r_.exp(2));
    push(start, stream, tenant, acd, call_offered{id, queue, a, 1, 15000, "longest idle"});
    push(start, as, tenant, acd, agent_reserved{a, id, queue, contact_channel::voice});
    push(t_c, stream, tenant, acd, call_connected{id, queue, a, (t_c - t_q) / 1'000'000});
    push(t_c, "queue-" + queue, tenant, acd, queue_call_left{queue, id, "connected"});
    push(t_c, as, tenant, who, agent_call_started{a, id, contact_channel::voice});
    const double talk = 5 + r_.exp(o_.mean_talk_s);
    double hold = 0;
    if (r_.uniform() < o_.hold_probability) {
      hold = 5 + r_.exp(30);
      const std::int64_t h = t_c + ns(talk / 3);
      push(h, as, tenant, who, agent_call_held{a, id, true});
      push(h, stream, tenant, who, call_held{id, a});
      push(h + ns(hold), as, tenant, who, agent_call_held{a, id, false});
      push(h + ns(hold), stream, tenant, who, call_resumed{id, a});
    }
    const std::int64_t t_e = t_c + ns(talk + hold);
    const std::int64_t wrap = o_.mean_wrap_s > 0 ? ns(1 + r_.exp(o_.mean_wrap_s)) : 0;
    push(t_e, stream, tenant, who,
         call_ended{id, call_outcome::completed, "agent_hangup", a, queue});
    push(t_e, trunk, tenant, acd,
         trunk_released{"pstn", static_cast<std::int32_t>(n % 120 + 1), id});
    push(t_e, as, tenant, who, agent_call_ended{a, id, wrap / 1'000'000});
    std::int64_t t_free = t_e + wrap;
    if (wrap > 0) push(t_free, as, tenant, who, agent_wrap_up_ended{a, id});
    if (r_.uniform() < o_.break_probability) {
      push(t_free, as, tenant, who, agent_not_ready{a, "break"});
      t_free += ns(300);
    }
    push(t_free, as, tenant, who, agent_ready{a});
    free_agents.push({t_free, agent});
  }

  const traffic_options& o_;
  std::uint64_t max_;
  const std::function<bool(const std::string&, proposed_event&&)>& emit_;
  rng r_;
  std::vector<pending> heap_;
  std::uint64_t seq_ = 0;
  std::uint64_t emitted_ = 0;
  bool stopped_ = false;
};

} // namespace

std::uint64_t generate_traffic(
    const traffic_options& options, std::uint64_t max_events,
    const std::function<bool(const std::string& stream, events::proposed_event&& e)>& emit) {
  if (max_events == 0) return 0;
  generator g{options, max_events, emit};
  return g.run();
}

} // namespace hotline::drivers
