// Invariants of the running ACD: the real call, agent, queue and trunk
// actors on the virtual clock, driven by seeded random sequences of what the
// outside world does (callers arriving, hanging up and abandoning; agents
// logging in and out, going ready and not ready, answering, rejecting,
// hanging up, transferring and conferencing; a supervisor listening in).
// The invariants are checked over the resulting event store, folded through
// the codec and the deciders' evolve:
//   - an agent never holds two voice calls;
//   - every agent state transition is one docs/acd.md allows;
//   - whenever the node is idle, a call is connected to exactly the agent
//     whose desk has it, and no other agent has it on call (conference
//     parties apart);
//   - every call ends exactly once, and nothing happens to it after;
//   - no waiting call is starved while an eligible agent stays ready.
// (tests/events/acd_invariants_test.cpp checks the same over the deciders alone.)
#include "acd_fixture.hpp"
#include "tests/support/agent_transitions.hpp"

#include <random>
#include <set>

using namespace acd_actor_test;

namespace {

/// The one table of allowed transitions (tests/support/agent_transitions.hpp).
bool legal(ag::status from, ag::status to) {
  return hotline::testing::legal_agent_transition(from, to);
}

events::center_definition random_center() {
  auto c = two_queue_center(6);
  for (auto& a : c.agents)
    if (a.id == "a3") { // serves both queues
      a.queues.push_back("billing");
      a.skills["billing"] = 3;
    }
  c.queues[0].max_no_answer = 2; // sales auto-pauses after two misses
  return c;
}

/// A point where the node had nothing left to do: the store's head then, and the time.
struct checkpoint {
  std::uint64_t position = 0;
  std::int64_t at_ns = 0;
};

/// What the outside world does, at random; hints from the observer make
/// most commands meaningful (answer a phone that rings), the rest are noise
/// the actors must refuse.
class driver {
public:
  driver(fixture& f, std::uint32_t seed) : f_(f), rng_(seed) {}

  int roll(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  template <class T> const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(roll(static_cast<int>(v.size())))];
  }

  /// Reads the observer's notifications since the last call.
  void listen() {
    for (; seen_ < f_.seen.size(); ++seen_) {
      std::istringstream in{f_.seen[seen_]};
      std::string what, x, y;
      in >> what >> x >> y;
      if (what == "ringing") {
        ringing_.insert({x, y});
        latest_ring_ = {x, y};
      } else if (what == "talking") {
        talking_[x] = y;
        erase_rings(x);
      } else if (what == "ended") {
        live_.erase(x);
        talking_.erase(x);
        erase_rings(x);
      }
    }
  }

  void step() {
    listen();
    const auto agent = pick(agents_);
    const auto call = random_call();
    const int r = roll(100);
    if (r < 8) {
      auto id = "k" + std::to_string(++calls_);
      std::map<std::string, std::string> data{{"account", std::to_string(roll(1000))}, {"seq", id}};
      f_.call(id, data);
      live_.insert(id);
    } else if (r < 34) { // answer (mostly a phone that rings)
      auto [a, c] = ring_or(agent, call);
      f_.answer(a, c);
    } else if (r < 38) {
      auto [a, c] = ring_or(agent, call);
      caf::anon_send(f_.agent(a), reject_atom::value, c);
    } else if (r < 45) {
      if (live(call)) caf::anon_send(f_.calls.at(call), hangup_atom::value, std::string{"caller"});
    } else if (r < 50) {
      auto [c, a] = talk_or(agent, call);
      caf::anon_send(f_.agent(a), hangup_atom::value, c);
    } else if (r < 55) {
      if (live(call)) caf::anon_send(f_.calls.at(call), abandon_atom::value);
    } else if (r < 61) {
      caf::anon_send(f_.agent(agent), ready_atom::value);
    } else if (r < 65) {
      caf::anon_send(f_.agent(agent), not_ready_atom::value,
                     std::string{roll(2) ? "break" : "lunch"});
    } else if (r < 69) {
      f_.login(agent);
    } else if (r < 72) {
      caf::anon_send(f_.agent(agent), logout_atom::value, std::string{"by_agent"});
    } else if (r < 86) { // transfers, mostly by the agent on the call
      auto [c, a] = talk_or(agent, call);
      if (!live(c)) return;
      if (roll(3) == 0) { // a consultation in progress (if any) completes or is cancelled
        caf::anon_send(f_.calls.at(c), consult_end_atom::value, a,
                       std::string{roll(3) ? "complete" : "cancel"});
        return;
      }
      using mode = hotline::events::transfer_mode;
      using kind = hotline::events::transfer_target_kind;
      static const std::vector<mode> modes{mode::blind, mode::blind, mode::consultative};
      transfer_request t{a, pick(modes), kind::agent, pick(agents_), "random", ""};
      switch (roll(5)) {
      case 0:
        t = {a, mode::blind, kind::queue, roll(2) ? "sales" : "billing", "random", ""};
        break;
      case 1:
        t.fallback_queue = "billing";
        break;
      case 2:
        if (roll(4) == 0) t = {a, mode::blind, kind::external, "+4930123456", "", ""};
        break;
      default:
        break;
      }
      f_.transfer(c, t);
    } else if (r < 92) {
      auto [c, a] = talk_or(agent, call);
      if (!live(c)) return;
      if (roll(3) == 0)
        caf::anon_send(f_.calls.at(c), conference_atom::value,
                       conference_request{a, "external", "+8613900000000", ""});
      else
        caf::anon_send(f_.calls.at(c), conference_atom::value,
                       conference_request{a, "agent", pick(agents_), ""});
    } else if (r < 95) {
      if (live(call))
        caf::anon_send(f_.calls.at(call), conf_leave_atom::value, pick(agents_),
                       std::string{"removed"});
    } else {
      using mode = hotline::events::supervision_mode;
      static const std::vector<mode> modes{mode::listen, mode::whisper, mode::barge, mode::stop};
      if (live(call))
        caf::anon_send(f_.calls.at(call), supervise_atom::value,
                       std::string{roll(4) ? "sup" : "a1"}, pick(modes));
    }
  }

  /// Every caller still on the line hangs up (or abandons), until all calls ended.
  void drain(std::int64_t& now_ns, std::vector<checkpoint>& points) {
    for (int round = 0; round < 20 && (listen(), !live_.empty()); ++round) {
      for (const auto& c : live_) {
        caf::anon_send(f_.calls.at(c), hangup_atom::value, std::string{"caller"});
        caf::anon_send(f_.calls.at(c), abandon_atom::value);
      }
      now_ns += 30 * sec;
      f_.rt.run_until(now_ns);
      points.push_back({f_.store.head_position(), now_ns});
    }
    now_ns += 60 * sec; // after-call work ends
    f_.rt.run_until(now_ns);
    points.push_back({f_.store.head_position(), now_ns});
    listen();
  }

  int calls() const { return calls_; }
  const std::set<std::string>& live_calls() const { return live_; }

private:
  bool live(const std::string& c) const { return live_.count(c) > 0; }
  std::string random_call() {
    if (live_.empty()) return "k0";
    auto it = live_.begin();
    std::advance(it, roll(static_cast<int>(live_.size())));
    return *it;
  }
  void erase_rings(const std::string& call) {
    for (auto it = ringing_.begin(); it != ringing_.end();)
      it = it->second == call ? ringing_.erase(it) : std::next(it);
  }
  /// (agent, call): a phone that rang, 4 times out of 5; else the given pair.
  std::pair<std::string, std::string> ring_or(const std::string& a, const std::string& c) {
    if (ringing_.empty() || roll(5) == 0) return {a, c};
    if (roll(2) == 0 && ringing_.erase(latest_ring_))
      return latest_ring_; // people answer what just rang
    auto it = ringing_.begin();
    std::advance(it, roll(static_cast<int>(ringing_.size())));
    auto p = *it;
    ringing_.erase(it);
    return p;
  }
  /// (call, agent): a call and its agent, 4 times out of 5; else the given pair.
  std::pair<std::string, std::string> talk_or(const std::string& a, const std::string& c) {
    if (talking_.empty() || roll(5) == 0) return {c, a};
    auto it = talking_.begin();
    std::advance(it, roll(static_cast<int>(talking_.size())));
    return *it;
  }

  fixture& f_;
  std::mt19937 rng_;
  std::size_t seen_ = 0;
  int calls_ = 0;
  const std::vector<std::string> agents_{"a1", "a2", "a3", "a4"};
  std::set<std::string> live_;
  std::set<std::pair<std::string, std::string>> ringing_; ///< (agent, call)
  std::pair<std::string, std::string> latest_ring_;
  std::map<std::string, std::string> talking_; ///< call -> agent
};

/// A stream as JSON lines, for failure messages.
std::string history(const fixture& f, const std::string& stream) {
  std::string out;
  for (const auto& e : f.stream(stream)) {
    auto text = events::event_codec::standard().to_json_text(e);
    out += "  " + (text ? *text : e.type) + "\n";
  }
  return out;
}

/// Everything the fold counted, so a run that exercised nothing is noticed.
struct tally {
  int calls = 0, connected = 0, transferred = 0, consulted = 0, conferenced = 0, supervised = 0,
      abandoned = 0, fallbacks = 0, checkpoints = 0, consult_offers = 0;
};

/// Folds the store in global order and checks the invariants; `points` are
/// the idle moments of the run, in order.
void check_invariants(const fixture& f, const std::vector<checkpoint>& points, tally& t) {
  const auto& codec = events::event_codec::standard();
  auto all = f.store.read_all(1, SIZE_MAX);
  REQUIRE(all.has_value());
  std::map<std::string, ag::state> agents;
  for (const auto& a : f.ctx->center.agents)
    agents.emplace(a.id, ag::initial_state(a));
  std::map<std::string, cl::state> calls;
  std::map<std::string, int> ends;
  // (call, agent) -> since when the call waited while the agent was ready and idle
  std::map<std::pair<std::string, std::string>, std::int64_t> starving;
  const std::int64_t patience_ns =
      12 * sec; // a ring period of hold-back after a miss, and some slack

  std::set<std::string> reported; // each broken call once
  auto at_checkpoint = [&](const checkpoint& cp) {
    ++t.checkpoints;
    std::map<std::string, std::set<std::string>> on_call; // call -> agents with it on call or hold
    for (const auto& [id, a] : agents)
      for (const auto& k : a.contacts) {
        if (k.phase == ag::contact_phase::on_call || k.phase == ag::contact_phase::on_hold)
          on_call[k.call_id].insert(id);
        if (k.phase != ag::contact_phase::ringing) continue;
        // A phone rings only for a live call that offers itself to that agent.
        auto c = calls.find(k.call_id);
        INFO("agent " << id << " rings for " << k.call_id << " at +" << (cp.at_ns - epoch) / sec
                      << " s");
        CHECK_MESSAGE((c != calls.end() && cl::has_offer(c->second, id)),
                      "a phone rings for a call that does not offer itself");
      }
    for (const auto& [id, c] : calls) {
      std::set<std::string> owners = on_call[id];
      for (const auto& p : c.conference_parties)
        owners.erase(p);
      owners.erase(c.consultation); // the agent consulted talks on the call too, until it ends
      const char* broken = nullptr;
      if (owners.size() > 1)
        broken = "a call connected to two agents";
      else if (cl::is_connected(c) && owners != std::set<std::string>{c.agent_id})
        broken = "the call's agent does not have it on the desk";
      else if (!cl::is_connected(c) && !on_call[id].empty())
        broken = "an agent talks on a call that is not connected";
      if (broken && reported.insert(id).second) {
        std::string who;
        for (const auto& a : on_call[id])
          who += a + " ";
        FAIL_CHECK(std::string{broken} << ": call " << id << " ("
                                       << std::string{cl::to_string(cl::status_of(c))} << ", agent "
                                       << c.agent_id << ") at +" << (cp.at_ns - epoch) / sec
                                       << " s; on call: " << who << "\n"
                                       << history(f, "call-" + id));
      }
    }
    // Starvation: a waiting call nobody rings while an agent of its queue sits ready and idle.
    std::set<std::pair<std::string, std::string>> now_starving;
    for (const auto& [id, c] : calls) {
      if (cl::status_of(c) != cl::status::queued) continue;
      for (const auto& [aid, a] : agents)
        if (a.presence == ag::presence_state::ready && a.contacts.empty() &&
            std::find(a.queues.begin(), a.queues.end(), c.queue) != a.queues.end())
          now_starving.insert({id, aid});
    }
    for (auto it = starving.begin(); it != starving.end();)
      it = now_starving.count(it->first) ? std::next(it) : starving.erase(it);
    for (const auto& p : now_starving) {
      auto since = starving.emplace(p, cp.at_ns).first->second;
      CHECK_MESSAGE(cp.at_ns - since <= patience_ns, "call " << p.first << " starves while "
                                                             << p.second << " is ready, for "
                                                             << (cp.at_ns - since) / sec << " s");
    }
  };

  auto cp = points.begin();
  for (const auto& rec : *all) {
    while (cp != points.end() && cp->position < rec.position)
      at_checkpoint(*cp++);
    auto ev = codec.decode(rec);
    REQUIRE_MESSAGE(ev.has_value(), rec.stream);
    const auto category = events::stream_category(rec.stream);
    const auto id = std::string{events::stream_entity(rec.stream)};
    if (category == "agent") {
      auto& a = agents.at(id);
      auto before = ag::status_of(a);
      a = ag::evolve(std::move(a), *events::narrow<ag::event>(*ev), rec.meta.timestamp_ns);
      auto after = ag::status_of(a);
      INFO("agent " << id << " at position " << rec.position << ": " << rec.type);
      CHECK_MESSAGE(ag::contacts_on(a, hotline::events::contact_channel::voice) <= 1,
                    "an agent holds two voice calls");
      CHECK_MESSAGE(legal(before, after), ag::to_string(before) << " -> " << ag::to_string(after));
    } else if (category == "call") {
      auto [it, fresh] = calls.emplace(id, cl::initial_state(id));
      if (fresh) ++t.calls;
      INFO("call " << id << " at position " << rec.position << ": " << rec.type);
      CHECK_MESSAGE(!cl::is_terminal(it->second), "an event after the call ended");
      it->second =
          cl::evolve(std::move(it->second), *events::narrow<cl::event>(*ev), rec.meta.timestamp_ns);
      std::visit(
          [&](const auto& p) {
            using P = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<P, events::call_ended>) {
              ++ends[id];
              if (p.outcome == hotline::events::call_outcome::abandoned) ++t.abandoned;
            } else if constexpr (std::is_same_v<P, events::call_connected>) {
              ++t.connected;
            } else if constexpr (std::is_same_v<P, events::call_transferred>) {
              ++t.transferred;
              if (p.mode == hotline::events::transfer_mode::consultative) ++t.consulted;
            } else if constexpr (std::is_same_v<P, events::call_conferenced>) {
              ++t.conferenced;
            } else if constexpr (std::is_same_v<P, events::call_supervised>) {
              ++t.supervised;
            } else if constexpr (std::is_same_v<P, events::call_offered>) {
              if (p.reason.starts_with("consultation")) ++t.consult_offers;

            } else if constexpr (std::is_same_v<P, events::call_queued>) {
              if (p.reason.starts_with("transfer fallback")) ++t.fallbacks;
            }
          },
          *ev);
    }
  }
  while (cp != points.end())
    at_checkpoint(*cp++);
  for (const auto& [id, c] : calls) {
    INFO("call " << id);
    CHECK_MESSAGE(ends[id] == 1, "the call ended " << ends[id] << " times");
  }
}

} // namespace

TEST_CASE("invariants hold for the running ACD under random outside commands, transfers included") {
  tally total;
  for (std::uint32_t seed = 1; seed <= 12; ++seed) {
    INFO("seed " << seed);
    fixture f{random_center()};
    driver d{f, seed};
    std::vector<checkpoint> points;
    std::int64_t now = epoch;
    for (auto a : {"a1", "a2", "a3", "a4"})
      f.login(a);
    for (int i = 0; i < 600; ++i) {
      now += d.roll(3'000) * 1'000'000LL;
      d.step();
      f.rt.run_until(now);
      points.push_back({f.store.head_position(), now});
    }
    d.drain(now, points);
    REQUIRE_MESSAGE(d.live_calls().empty(), "calls still live after the drain");
    tally t;
    check_invariants(f, points, t);
    CHECK(t.calls == d.calls());
    total.calls += t.calls;
    total.connected += t.connected;
    total.transferred += t.transferred;
    total.consulted += t.consulted;
    total.consult_offers += t.consult_offers;
    total.conferenced += t.conferenced;
    total.supervised += t.supervised;
    total.abandoned += t.abandoned;
    total.fallbacks += t.fallbacks;
    total.checkpoints += t.checkpoints;
  }
  // The runs did what they are meant to exercise.
  MESSAGE("calls " << total.calls << ", connected " << total.connected << ", transferred "
                   << total.transferred << " (consultative " << total.consulted << " of "
                   << total.consult_offers << " consultations), fallbacks " << total.fallbacks
                   << ", conferenced " << total.conferenced << ", supervised " << total.supervised
                   << ", abandoned " << total.abandoned);
  CHECK(total.calls > 300);
  CHECK(total.connected > 200);
  CHECK(total.transferred > 50);
  CHECK(total.consult_offers > 20);
  CHECK(total.consulted >= 2); // most consultations ring out or are refused: the targets are busy
  CHECK(total.fallbacks > 0);
  CHECK(total.conferenced > 10);
  CHECK(total.supervised > 10);
  CHECK(total.abandoned > 50);
}
