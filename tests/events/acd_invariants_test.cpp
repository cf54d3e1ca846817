// Invariants over random command sequences (seeded std::mt19937): first
// each decider alone against arbitrary commands, then the four aggregates
// driven together the way the actors will drive them (decide, apply, tell
// the other aggregates), checking what must hold across all of them.
#include "acd_support.hpp"
#include "tests/support/agent_transitions.hpp"

#include <limits>
#include <random>
#include <set>

#include "events/acd/call_rules.hpp"
#include "events/acd/candidate.hpp"
#include "events/acd/ewt.hpp"
#include "events/acd/routing.hpp"
#include "events/acd/widening.hpp"
#include "events/codec.hpp"

using namespace acd_test;
namespace ag = hotline::events::acd::agent;
namespace cl = hotline::events::acd::call;
namespace qu = hotline::events::acd::queue;
namespace tr = hotline::events::acd::trunk;
using hotline::events::acd::candidate;

namespace {

template <class T> const T& any_of(std::mt19937& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}
int roll(std::mt19937& rng, int n) {
  return std::uniform_int_distribution<int>(0, n - 1)(rng);
}

/// The one table of allowed transitions (tests/support/agent_transitions.hpp).
bool legal(ag::status from, ag::status to) {
  return hotline::testing::legal_agent_transition(from, to);
}

ag::command random_agent_command(std::mt19937& rng, std::int64_t now) {
  static const std::vector<std::string> calls{"c1", "c2", "c3", "c4"};
  static const std::vector<contact_channel> channels{contact_channel::voice, contact_channel::voice,
                                                     contact_channel::chat, contact_channel::email};
  static const std::vector<std::string> reasons{"break", "lunch", "", "busy", "answered_elsewhere"};
  const auto& c = any_of(rng, calls);
  switch (roll(rng, 13)) {
  case 0:
    return ag::login{{}, roll(rng, 2) == 0, now};
  case 1:
    return ag::logout{"by_agent", now};
  case 2:
    return ag::set_ready{now};
  case 3:
    return ag::set_not_ready{any_of(rng, reasons), now};
  case 4: {
    ag::reserve r{c, "sales", any_of(rng, channels), now};
    r.placed = roll(rng, 3) == 0; // now and then a call the agent dials, paused or not
    return r;
  }
  case 5:
    return ag::answer{c, now};
  case 6:
    return ag::reject{c, now};
  case 7:
    return ag::ring_timeout{c, roll(rng, 4), now};
  case 8:
    return ag::cancel_reservation{c, any_of(rng, reasons), now};
  case 9:
    return ag::hold{c, now};
  case 10:
    return ag::resume{c, now};
  case 11:
    return ag::end_call{c, roll(rng, 2) * 5'000 - roll(rng, 20) / 19, now};
  default:
    return ag::end_wrap_up{c, now};
  }
}

} // namespace

TEST_CASE(
    "invariant: a voice-only agent never holds two calls and moves only along legal transitions") {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    std::mt19937 rng{seed};
    subject<agent_ops> a{ag::initial_state(voice_agent("a1"))};
    std::int64_t now = t0;
    for (int i = 0; i < 3000; ++i) {
      now += roll(rng, 5'000) * ms;
      const auto before = ag::status_of(a.s);
      const auto cmd = random_agent_command(rng, now);
      auto out = a.step(cmd);
      const auto after = ag::status_of(a.s);
      INFO("seed " << seed << " step " << i);
      REQUIRE(a.s.contacts.size() <= 1);
      REQUIRE(ag::contacts_on(a.s, contact_channel::chat) == 0);
      REQUIRE_MESSAGE(legal(before, after), ag::to_string(before)
                                                << " -> " << ag::to_string(after));
      if (before == ag::status::not_ready &&
          after == ag::status::ringing) { // only the agent's own dial
        const auto* r = std::get_if<ag::reserve>(&cmd);
        REQUIRE((r && r->placed));
      }
      if (!out) REQUIRE(after == before); // a refused command changes nothing
      if (a.s.presence == ag::presence_state::logged_out) REQUIRE(a.s.contacts.empty());
    }
  }
}

TEST_CASE("invariant: a blended agent stays within capacity and voice blocks the rest") {
  auto def = voice_agent("a1");
  def.capacity = {
      {contact_channel::voice, 1}, {contact_channel::chat, 3}, {contact_channel::email, 2}};
  for (std::uint32_t seed = 11; seed <= 15; ++seed) {
    std::mt19937 rng{seed};
    subject<agent_ops> a{ag::initial_state(def)};
    std::int64_t now = t0;
    for (int i = 0; i < 3000; ++i) {
      now += roll(rng, 5'000) * ms;
      const bool had_voice = ag::contacts_on(a.s, contact_channel::voice) > 0;
      auto out = a.step(random_agent_command(rng, now));
      INFO("seed " << seed << " step " << i);
      REQUIRE(ag::contacts_on(a.s, contact_channel::voice) <= 1);
      REQUIRE(ag::contacts_on(a.s, contact_channel::chat) <= 3);
      REQUIRE(ag::contacts_on(a.s, contact_channel::email) <= 2);
      if (out && had_voice)
        for (const auto& e : out.events())
          if (const auto* r = std::get_if<agent_reserved>(&e))
            REQUIRE(r->channel == contact_channel::voice);
    }
  }
}

TEST_CASE(
    "invariant: a call ends at most once, accepts nothing after, connects to one agent at a time") {
  static const std::vector<std::string> agents{"a1", "a2", "a3"};
  for (std::uint32_t seed = 21; seed <= 40; ++seed) {
    std::mt19937 rng{seed};
    subject<call_ops> c{cl::initial_state("c1")};
    std::int64_t now = t0;
    int ended = 0;
    for (int i = 0; i < 400; ++i) {
      now += roll(rng, 3'000) * ms;
      const auto& a = any_of(rng, agents);
      cl::command cmd;
      switch (roll(rng, 24)) {
      case 0: {
        cl::arrive x;
        x.call_id = "c1";
        x.direction = roll(rng, 5) ? call_direction::inbound : call_direction::outbound;
        x.now_ns = now;
        cmd = x;
        break;
      }
      case 1:
        cmd = cl::block{"pstn", now};
        break;
      case 2:
        cmd = cl::enqueue{roll(rng, 2) ? "sales" : "general", roll(rng, 2) * 10, 1, 0, "", now};
        break;
      case 3:
        cmd = cl::change_priority{roll(rng, 3) * 5, "", now};
        break;
      case 4:
        cmd = cl::announce{1, 0, now};
        break;
      case 5:
        // emplace, not assignment of a temporary: g++ 12 reports a
        // spurious -Wmaybe-uninitialized on the variant's move assignment
        cmd.emplace<cl::widen>(cl::widen{roll(rng, 3), 1, {}, now});
        break;
      case 6:
      case 7:
        cmd = cl::offer{a, 15'000, "", now};
        break;
      case 8:
        cmd = cl::end_offer{a, "no_answer", now};
        break;
      case 9:
      case 10:
        cmd = cl::connect{a, now};
        break;
      case 11:
        cmd = cl::hold{a, now};
        break;
      case 12:
        cmd = cl::resume{a, now};
        break;
      case 13:
        cmd = cl::transfer{
            roll(rng, 2) ? transfer_mode::blind : transfer_mode::consultative, a,
            any_of(rng, std::vector<transfer_target_kind>{transfer_target_kind::agent,
                                                          transfer_target_kind::queue,
                                                          transfer_target_kind::external}),
            any_of(rng, agents), now};
        break;
      case 14:
        cmd = cl::supervise{"sup",
                            any_of(rng, std::vector<supervision_mode>{supervision_mode::listen,
                                                                      supervision_mode::barge,
                                                                      supervision_mode::stop}),
                            now};
        break;
      case 15:
        cmd = cl::overflow{any_of(rng, std::vector<std::string>{"queue", "voicemail", "callback"}),
                           "general", "max_wait", now};
        break;
      case 16:
        cmd = cl::schedule_callback{"", now};
        break;
      case 17:
        cmd = cl::dial_callback{a, "pstn", now};
        break;
      case 18:
        cmd = cl::fail_callback{"no_answer", now};
        break;
      case 19:
        cmd = cl::abandon{"caller_hangup", now};
        break;
      case 20: // a consultation: ring, answer, complete or end it
        switch (roll(rng, 4)) {
        case 0:
          cmd = cl::consult{a, any_of(rng, agents), "transfer", 15'000, "", now};
          break;
        case 1:
          cmd = cl::start_consultation{any_of(rng, agents), now};
          break;
        case 2:
          cmd = cl::end_consultation{a, roll(rng, 2) ? "cancelled" : "target_hung_up", now};
          break;
        default:
          cmd = cl::transfer{transfer_mode::consultative, a, transfer_target_kind::agent,
                             any_of(rng, agents), now};
          break;
        }
        break;
      case 21: // an outbound call's far end (telephony)
        cmd = cl::far_end_ringing{now};
        break;
      case 22:
        cmd = cl::far_end_failed{any_of(rng, std::vector<std::string>{"busy", "no_answer"}), now};
        break;
      default:
        cmd = roll(rng, 4) ? cl::command{cl::hang_up{"caller", now}}
                           : cl::command{cl::finish{call_outcome::refused, "", now}};
        break;
      }
      const bool was_terminal = cl::is_terminal(c.s);
      const bool was_connected = cl::is_connected(c.s);
      const std::string was_agent = c.s.agent_id;
      auto out = c.step(cmd);
      INFO("seed " << seed << " step " << i);
      if (was_terminal) {
        REQUIRE_FALSE(out.accepted());
        REQUIRE(out.error().code == "already_ended");
        continue;
      }
      if (!out) continue;
      for (const auto& e : out.events()) {
        if (std::holds_alternative<call_ended>(e)) ++ended;
        if (const auto* k =
                std::get_if<call_connected>(&e)) // never a second agent on a live connection
          REQUIRE((!was_connected || k->agent_id == was_agent));
      }
      REQUIRE(ended <= 1);
      REQUIRE(cl::is_terminal(c.s) == (ended == 1));
      if (cl::is_connected(c.s)) REQUIRE_FALSE(c.s.agent_id.empty());
      // Offers ring a waiting call, or a connected one's consultation target (one at a time).
      if (!cl::is_waiting(c.s) && c.s.at != cl::phase::arrived)
        REQUIRE(c.s.offers.size() <= (cl::is_connected(c.s) ? 1u : 0u));
      // A consultation is a connected call's, with nothing else ringing.
      if (cl::in_consultation(c.s)) {
        REQUIRE(cl::is_connected(c.s));
        REQUIRE(c.s.offers.empty());
        REQUIRE(c.s.consultation != c.s.agent_id);
      }
    }
  }
}

namespace {

/// A restarted actor's state: its stream read back through the codec's
/// binary form and folded from the initial state.
template <class Ops>
typename Ops::state recover(typename Ops::state initial, const subject<Ops>& live) {
  const auto& codec = event_codec::standard();
  for (const auto& [e, at] : live.log) {
    auto proposed = codec.propose(e, {});
    auto decoded = codec.decode(proposed.type, proposed.version, proposed.payload);
    REQUIRE(decoded.has_value());
    initial = acd::fold_recorded<Ops>(std::move(initial), *decoded, at);
  }
  return initial;
}

/// The four aggregates of one small center, driven like the actors will.
struct center {
  queue_definition qdef;
  std::mt19937 rng;
  std::int64_t now = t0;
  std::map<std::string, subject<agent_ops>> agents;
  std::map<std::string, subject<call_ops>> calls;
  subject<queue_ops> queue;
  std::vector<subject<trunk_ops>> trunks;
  std::map<std::string, int> line_of; ///< call -> trunk channel (1-based)
  std::map<std::string, int> ended;   ///< call -> call.ended count
  std::set<std::string> live;         ///< calls not ended
  std::map<std::string, ag::status> last_status;
  acd::strategy_memory memory;
  int next_call = 1;
  int blocked = 0, connected = 0, matched_rounds = 0;

  center(queue_definition q, std::uint32_t seed) : qdef(q), rng(seed), queue(qu::initial_state(q)) {
    for (int i = 1; i <= 5; ++i) {
      auto def = voice_agent("a" + std::to_string(i), {{"billing", 1 + roll(rng, 9)}});
      def.order = roll(rng, 3);
      agents.emplace(def.id, subject<agent_ops>{ag::initial_state(def)});
      last_status[def.id] = ag::status::logged_out;
    }
    for (int n = 1; n <= 6; ++n)
      trunks.emplace_back(tr::initial_state("pstn", n));
  }

  std::vector<candidate> candidates() const {
    std::vector<candidate> out;
    for (const auto& [id, a] : agents)
      out.push_back(acd::make_candidate(a.s, qdef));
    return out;
  }

  template <class Cmd> void must(subject<agent_ops>& a, const Cmd& cmd) {
    auto out = a.step(cmd);
    REQUIRE_MESSAGE(out.accepted(), "agent " << a.s.definition.id << ": " << out.error().code
                                             << ": " << out.error().detail);
  }

  /// Decides a call command and tells the others what they must know.
  outcome<cl::event> call(const std::string& id, const cl::command& cmd) {
    auto& c = calls.at(id);
    auto out = c.step(cmd);
    if (!out) return out;
    for (const auto& e : out.events()) {
      if (const auto* oe = std::get_if<call_offer_ended>(&e)) {
        if (oe->reason == "answered_elsewhere" || oe->reason == "cancelled")
          agents.at(oe->agent_id).step(ag::cancel_reservation{id, oe->reason, now});
      } else if (std::holds_alternative<call_ended>(e)) {
        REQUIRE(++ended[id] == 1); // every call ends at most once
        live.erase(id);
        if (qu::find(queue.s, id)) queue.step(qu::leave{id, "ended", now});
        if (auto it = line_of.find(id); it != line_of.end()) {
          REQUIRE(trunks[it->second - 1].step(tr::release{id, now}).accepted());
          line_of.erase(it);
        }
      } else if (std::holds_alternative<call_connected>(e)) {
        ++connected;
        if (qu::find(queue.s, id)) queue.step(qu::leave{id, "connected", now});
      }
    }
    return out;
  }

  void must_call(const std::string& id, const cl::command& cmd) {
    auto out = call(id, cmd);
    REQUIRE_MESSAGE(out.accepted(),
                    "call " << id << ": " << out.error().code << ": " << out.error().detail);
  }

  void join_queue(const std::string& id, std::int32_t priority, const std::string& reason) {
    qu::join j;
    j.call_id = id;
    j.priority = priority;
    j.members = acd::summarize(qdef, candidates());
    j.now_ns = now;
    if (roll(rng, 6) == 0) {
      j.preferred_agent = "a" + std::to_string(1 + roll(rng, 5));
      j.preferred_until_ns = now + 10 * sec;
    }
    auto out = queue.step(j);
    if (!out) { // queue_full / queue_empty: to voicemail
      must_call(id, cl::overflow{"voicemail", "", out.error().code, now});
      return;
    }
    const int pos = qu::position(queue.s, id);
    auto ewt = acd::expected_wait_ms(pos, j.members.unpaused, 180'000);
    must_call(id, cl::enqueue{qdef.id, priority, pos, ewt.value_or(0), reason, now});
  }

  void arrive() {
    const std::string id = "c" + std::to_string(next_call++);
    calls.emplace(id, subject<call_ops>{cl::initial_state(id)});
    live.insert(id);
    cl::arrive a;
    a.call_id = id;
    a.caller = "+86" + id;
    a.trunk_group = "pstn";
    a.now_ns = now;
    must_call(id, a);
    std::vector<tr::state> group;
    for (const auto& t : trunks)
      group.push_back(t.s);
    auto line = tr::pick_free_channel(group, call_direction::inbound);
    if (!line) {
      ++blocked;
      must_call(id, cl::block{"pstn", now});
      return;
    }
    REQUIRE(trunks[*line - 1].step(tr::seize{id, call_direction::inbound, now}).accepted());
    line_of[id] = *line;
    join_queue(id, roll(rng, 4) == 0 ? qdef.vip_priority : 0, "10086");
  }

  /// Calls that need an agent now, as routing sees them.
  std::vector<acd::waiting_call> needing_agent() const {
    std::vector<acd::waiting_call> out;
    for (const auto& e : qu::in_order(queue.s)) {
      const auto& c = calls.at(e.call_id).s;
      if ((c.at == cl::phase::queued && c.offers.empty()) || c.at == cl::phase::callback_waiting)
        out.push_back(acd::make_waiting_call(e, now));
    }
    return out;
  }

  void match() {
    ++matched_rounds;
    auto m = acd::match_queue(qdef, needing_agent(), candidates(), memory, now, rng());
    memory = m.memory;
    for (const auto& as : m.assignments) {
      const bool callback = calls.at(as.call_id).s.at == cl::phase::callback_waiting;
      for (const auto& agent_id : as.agents) {
        // Routing said available: the agent's own decider must agree.
        must(agents.at(agent_id), ag::reserve{as.call_id, qdef.id, contact_channel::voice, now});
        if (callback) {
          // It keeps its place until connected: an agent who does not pick
          // up sends it back to waiting.
          must_call(as.call_id, cl::dial_callback{agent_id, "pstn", now});
        } else {
          must_call(as.call_id, cl::offer{agent_id, qdef.ring_timeout_ms, as.reason, now});
        }
      }
    }
    // No starvation: nobody still waiting has an eligible agent left free.
    const auto free_agents = candidates();
    for (const auto& w : needing_agent()) {
      const auto r = acd::effective_requirements(qdef, w.waited_ms);
      for (const auto& a : free_agents) {
        if (!w.preferred_agent.empty() && now < w.preferred_until_ns &&
            a.agent_id != w.preferred_agent)
          continue;
        const bool preferred = !w.preferred_agent.empty() && now < w.preferred_until_ns;
        const bool could =
            preferred ? (a.available && a.blocked_until_ns <= now && acd::level_of(a, r) >= 0 &&
                         std::all_of(r.skills.begin(), r.skills.end(),
                                     [&](const skill_requirement& s) {
                                       return a.skills.at(s.skill) >= s.min_level;
                                     }))
                      : acd::is_eligible(a, r, now);
        REQUIRE_MESSAGE(!could, "call " << w.call_id << " starves while " << a.agent_id
                                        << " is free and eligible");
      }
    }
  }

  /// A random (agent, call) pair with the agent ringing for the call.
  std::optional<std::pair<std::string, std::string>> ringing() {
    std::vector<std::pair<std::string, std::string>> all;
    for (const auto& [id, a] : agents)
      for (const auto& k : a.s.contacts)
        if (k.phase == ag::contact_phase::ringing) all.emplace_back(id, k.call_id);
    if (all.empty()) return std::nullopt;
    return any_of(rng, all);
  }

  std::optional<std::string> call_where(const std::function<bool(const cl::state&)>& pred) {
    std::vector<std::string> all;
    for (const auto& [id, c] : calls)
      if (pred(c.s)) all.push_back(id);
    if (all.empty()) return std::nullopt;
    return any_of(rng, all);
  }

  void answer() {
    auto r = ringing();
    if (!r) return;
    auto& [agent_id, call_id] = *r;
    must(agents.at(agent_id), ag::answer{call_id, now});
    must_call(call_id, cl::connect{agent_id, now});
  }

  /// The agent rejects, or the earliest ring deadline that is due fires.
  void miss(bool rejected) {
    std::optional<std::pair<std::string, std::string>> r;
    if (rejected) {
      r = ringing();
    } else {
      std::int64_t first = std::numeric_limits<std::int64_t>::max();
      // A waiting call's offers ring until their timeout (the call actor times each offer).
      for (const auto& e : qu::in_order(queue.s)) {
        const auto& c = calls.at(e.call_id).s;
        if (c.at != cl::phase::queued) continue;
        for (const auto& o : c.offers) {
          const auto at = o.offered_at_ns + o.ring_timeout_ms * ms;
          if (o.ring_timeout_ms > 0 && at <= now && at < first) {
            first = at;
            r.emplace(o.agent_id, e.call_id);
          }
        }
      }
      if (!r) { // a call back's agent rings with no offer (no ring timer above): time it out too
        auto cb =
            call_where([](const cl::state& c) { return c.at == cl::phase::callback_dialing; });
        if (cb) r.emplace(calls.at(*cb).s.callback_agent, *cb);
      }
    }
    if (!r) return;
    auto [agent_id, call_id] = *r;
    // (a call back's agent who does not pick up ends its offer alike: the call back waits again)
    if (rejected)
      must(agents.at(agent_id), ag::reject{call_id, now});
    else
      must(agents.at(agent_id), ag::ring_timeout{call_id, qdef.max_no_answer, now});
    must_call(call_id, cl::end_offer{agent_id, rejected ? "rejected" : "no_answer", now});
  }

  void hang_up() {
    auto id = call_where([](const cl::state& c) { return cl::is_connected(c); });
    if (!id) return;
    const std::string agent_id = calls.at(*id).s.agent_id;
    must_call(*id, cl::hang_up{roll(rng, 2) ? "caller" : "agent", now});
    must(agents.at(agent_id), ag::end_call{*id, roll(rng, 2) * 5'000, now});
  }

  void hold_or_resume() {
    auto id = call_where([](const cl::state& c) { return cl::is_connected(c); });
    if (!id) return;
    const std::string agent_id = calls.at(*id).s.agent_id;
    if (calls.at(*id).s.at == cl::phase::held) {
      must_call(*id, cl::resume{agent_id, now});
      must(agents.at(agent_id), ag::resume{*id, now});
    } else {
      must_call(*id, cl::hold{agent_id, now});
      must(agents.at(agent_id), ag::hold{*id, now});
    }
  }

  void transfer_to_queue() {
    auto id = call_where([](const cl::state& c) { return cl::is_connected(c); });
    if (!id) return;
    const std::string agent_id = calls.at(*id).s.agent_id;
    must_call(*id, cl::transfer{transfer_mode::blind, agent_id, transfer_target_kind::queue,
                                qdef.id, now});
    must(agents.at(agent_id), ag::end_call{*id, 0, now});
    join_queue(*id, calls.at(*id).s.priority, "transfer");
  }

  void end_wrap_up() {
    for (auto& [id, a] : agents)
      for (const auto& k : a.s.contacts)
        if (k.phase == ag::contact_phase::wrap_up && roll(rng, 2) == 0) {
          must(a, ag::end_wrap_up{k.call_id, now});
          return;
        }
  }

  void abandon() {
    auto id = call_where(
        [](const cl::state& c) { return c.at == cl::phase::queued || c.at == cl::phase::arrived; });
    if (id) must_call(*id, cl::abandon{"caller_hangup", now});
  }

  void callback() {
    auto id = call_where([](const cl::state& c) { return c.at == cl::phase::queued; });
    if (id) must_call(*id, cl::schedule_callback{"", now});
  }

  void widen() {
    for (const auto& e : qu::in_order(queue.s)) {
      const auto& c = calls.at(e.call_id).s;
      if (c.at == cl::phase::callback_dialing) continue; // not waiting while its agent rings
      const auto waited = (now - e.joined_at_ns) / ms;
      // The steps whose timer is due now (the call actor's timers: call_rules.hpp).
      for (const auto& t : acd::wait_timers(qdef, waited, c.widening_step)) {
        if (t.what != acd::wait_timer::kind::widen || t.after_ms > 0) continue;
        const auto& w = qdef.widening[t.step];
        must_call(e.call_id, cl::widen{t.step, w.min_level_delta, w.add_queues, now});
      }
    }
  }

  void presence() {
    auto& [id, a] = *std::next(agents.begin(), roll(rng, static_cast<int>(agents.size())));
    ag::command cmd;
    switch (roll(rng, 5)) {
    case 0:
      cmd = ag::login{{}, roll(rng, 3) != 0, now};
      break;
    case 1:
      cmd = ag::logout{"by_agent", now};
      break;
    case 2:
      cmd = ag::set_not_ready{"break", now};
      break;
    default:
      cmd = ag::set_ready{now};
      break;
    }
    auto out = a.step(cmd);
    if (!out) return;
    for (const auto& e : out.events()) // a logout drops ringing reservations: tell the calls
      if (const auto* re = std::get_if<agent_reservation_ended>(&e))
        must_call(re->call_id, cl::end_offer{id, "cancelled", now}); // a call back waits again
  }

  void poke_ended_call() {
    auto id = call_where([](const cl::state& c) { return cl::is_terminal(c); });
    if (!id) return;
    auto out = call(
        *id, any_of(rng, std::vector<cl::command>{
                             cl::hang_up{"caller", now}, cl::abandon{"caller_hangup", now},
                             cl::connect{"a1", now}, cl::finish{call_outcome::completed, "", now},
                             cl::offer{"a2", 1, "", now}, cl::enqueue{"sales", 0, 1, 0, "", now}}));
    REQUIRE_FALSE(out.accepted());
    REQUIRE(out.error().code == "already_ended");
  }

  void check() {
    std::map<std::string, std::vector<std::string>> holders; // call -> agents talking on it
    for (const auto& [id, a] : agents) {
      REQUIRE(ag::contacts_on(a.s, contact_channel::voice) <= 1);
      const auto st = ag::status_of(a.s);
      REQUIRE_MESSAGE(legal(last_status[id], st),
                      id << ": " << ag::to_string(last_status[id]) << " -> " << ag::to_string(st));
      last_status[id] = st;
      for (const auto& k : a.s.contacts) {
        const auto& c = calls.at(k.call_id).s;
        if (k.phase == ag::contact_phase::on_call || k.phase == ag::contact_phase::on_hold)
          holders[k.call_id].push_back(id);
        if (k.phase == ag::contact_phase::ringing)
          REQUIRE((cl::has_offer(c, id) ||
                   (c.at == cl::phase::callback_dialing && c.callback_agent == id)));
      }
    }
    for (const auto& [id, h] : holders)
      REQUIRE(live.count(id) == 1); // nobody talks on an ended call
    for (const auto& id : live) {
      const auto& c = calls.at(id);
      INFO("call " << id);
      REQUIRE_FALSE(cl::is_terminal(c.s));
      const auto& h = holders[id];
      REQUIRE(h.size() <= 1); // never connected to two agents
      if (cl::is_connected(c.s)) {
        REQUIRE(h.size() == 1);
        REQUIRE(h[0] == c.s.agent_id);
      } else {
        REQUIRE(h.empty());
      }
      // (a call back being dialed keeps its place until it is connected)
      REQUIRE((qu::find(queue.s, id) != nullptr) ==
              (cl::is_waiting(c.s) || c.s.at == cl::phase::callback_dialing));
      REQUIRE(line_of.count(id) == 1u);
    }
    REQUIRE(line_of.size() <= live.size());
    for (const auto& t : trunks)
      if (t.s.busy) REQUIRE(line_of.at(t.s.call_id) == t.s.channel);
  }

  void run(int steps) {
    for (int i = 0; i < steps; ++i) {
      now += roll(rng, 4'000) * ms;
      INFO("step " << i);
      switch (roll(rng, 17)) {
      case 0:
      case 1:
      case 2:
        arrive();
        break;
      case 3:
      case 4:
        match();
        break;
      case 5:
      case 6:
        answer();
        break;
      case 7:
        miss(roll(rng, 3) == 0);
        break;
      case 8:
      case 9:
        hang_up();
        break;
      case 10:
        end_wrap_up();
        break;
      case 11:
        abandon();
        break;
      case 12:
        presence();
        break;
      case 13:
        roll(rng, 3) ? hold_or_resume() : transfer_to_queue();
        break;
      case 14:
        roll(rng, 3) ? widen() : callback();
        break;
      case 15:
        miss(false); // deadlines that fell due
        break;
      default:
        poke_ended_call();
        break;
      }
      check();
    }
  }

  /// Every aggregate rebuilt from its stream equals the live one.
  void check_recovery() const {
    for (const auto& [id, a] : agents)
      CHECK(recover(ag::initial_state(a.s.definition), a) == a.s);
    for (const auto& [id, c] : calls)
      CHECK(recover(cl::initial_state(id), c) == c.s);
    CHECK(recover(qu::initial_state(qdef), queue) == queue.s);
    for (const auto& t : trunks)
      CHECK(recover(tr::initial_state("pstn", t.s.channel), t) == t.s);
  }
};

} // namespace

TEST_CASE("invariant: the whole center under random traffic, for every strategy") {
  const routing_strategy strategies[] = {
      routing_strategy::longest_idle, routing_strategy::round_robin,
      routing_strategy::fewest_calls, routing_strategy::least_talk_time,
      routing_strategy::top_down,     routing_strategy::random,
      routing_strategy::ring_all};
  std::uint32_t seed = 100;
  for (auto strategy : strategies) {
    for (int rep = 0; rep < 2; ++rep, ++seed) {
      auto q = make_queue("sales", {{"billing", 5}}, strategy);
      q.max_length = 6;
      q.max_no_answer = 2;
      q.reject_delay_ms = 3'000;
      q.widening = {{20'000, 2, {}}, {40'000, 2, {}}};
      center c{q, seed};
      for (auto& [id, a] : c.agents)
        a.step(ag::login{{}, true, t0});
      c.check();
      CAPTURE(hotline::events::to_string(strategy));
      CAPTURE(seed);
      c.run(3000);
      c.check_recovery();
      // The run exercised what it claims to.
      CHECK(c.connected > 20);
      CHECK(c.matched_rounds > 100);
    }
  }
}
