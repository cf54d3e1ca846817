#pragma once
// A node's ACD on the virtual clock with the in-memory store, for the actor
// tests: what callers, agents and supervisors do, what the observer hears,
// and the folded state of calls and agents.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/acd.hpp"
#include "actors/call_actor.hpp"
#include "actors/ports/memory_event_store.hpp"
#include "actors/simulation_runtime.hpp"
#include "events/acd/deciders.hpp"
#include "events/codec.hpp"
#include "events/variant_cast.hpp"

namespace acd_actor_test {

using namespace hotline;
using namespace hotline::actors;
namespace ag = hotline::events::acd::agent;
namespace cl = hotline::events::acd::call;

inline constexpr std::int64_t epoch = 1'795'392'000'000'000'000;
inline constexpr std::int64_t sec = 1'000'000'000;

/// Two queues (sales: a1 a2 a3, billing: a4), a supervisor `sup`, a trunk
/// group of `channels` lines, entry point 100 -> sales. Rings time out after
/// 10 s; after-call work lasts 5 s.
inline events::center_definition two_queue_center(int channels = 4) {
  events::center_definition c;
  c.tenants.push_back({"acme", "Acme", {"+vip"}});
  c.trunks.push_back({"pstn", channels, events::trunk_direction::both});
  for (auto id : {"sales", "billing"}) {
    events::queue_definition q;
    q.id = id;
    q.tenant = "acme";
    q.skills = {{id, 1}};
    q.ring_timeout_ms = 10'000;
    q.wrap_up_ms = 5'000;
    c.queues.push_back(q);
  }
  auto agent = [&](const char* id, std::vector<std::string> queues, bool supervisor = false) {
    events::agent_definition a;
    a.id = id;
    a.tenant = "acme";
    for (const auto& q : queues)
      a.skills[q] = 5;
    a.queues = std::move(queues);
    a.supervisor = supervisor;
    c.agents.push_back(a);
  };
  agent("a1", {"sales"});
  agent("a2", {"sales"});
  agent("a3", {"sales"});
  agent("a4", {"billing"});
  agent("sup", {}, true);
  c.entry_points.push_back({"100", "acme", "sales", "pstn", 0});
  return c;
}

struct fixture {
  std::int64_t start = epoch; ///< the node's start on the virtual clock; `at` counts from it
  simulation_runtime rt{start};
  ports::memory_event_store own_store;
  ports::memory_event_store& store;
  std::vector<std::string> seen;    ///< observer notifications, in order
  std::vector<std::string> parties; ///< party_atom notifications: "call kind agent"
  std::shared_ptr<acd_context> ctx = std::make_shared<acd_context>();
  std::map<std::string, caf::actor> calls;

  explicit fixture(events::center_definition c = two_queue_center())
      : fixture(std::move(c), nullptr, epoch, {}) {}
  /// A node restarted on `existing` (the store of a node that stopped) at
  /// `start_ns`, whose edge keeps the far ends `keeps` says.
  fixture(events::center_definition c, ports::memory_event_store* existing, std::int64_t start_ns,
          cl::far_ends_kept keeps)
      : start(start_ns), store(existing ? *existing : own_store) {
    ctx->restart_keeps = keeps;
    ctx->center = std::move(c);
    ctx->store = {&store, &rt, "site-1", true};
    ctx->observer = rt.system().spawn([this](caf::event_based_actor*) -> caf::behavior {
      return {
          [this](ringing_atom, const std::string& a, const std::string& c) {
            seen.push_back("ringing " + a + " " + c);
          },
          [this](queued_atom, const std::string& c, const std::string& q) {
            seen.push_back("queued " + c + " " + q);
          },
          [this](talking_atom, const std::string& c, const std::string& a) {
            seen.push_back("talking " + c + " " + a);
          },
          [this](ended_atom, const std::string& c, events::call_outcome o) {
            seen.push_back("ended " + c + " " + std::string{events::to_wire(o)});
          },
          [this](rejected_atom, const std::string& s, const std::string& code) {
            seen.push_back("rejected " + s + " " + code);
          },
          [this](callback_offered_atom, const std::string& c, const std::string& q) {
            seen.push_back("callback offered " + c + " " + q);
          },
          [this](off_line_atom, const std::string& c) { seen.push_back("off line " + c); },
          [this](held_atom, const std::string& c, const std::string& a, bool on) {
            seen.push_back((on ? "held " : "resumed ") + c + " " + a);
          },
          [this](announce_atom, const std::string& c, int position, std::int64_t ewt_ms) {
            seen.push_back("announced " + c + " " + std::to_string(position) + " " +
                           std::to_string(ewt_ms));
          },
          // Kept apart from `seen`: tests of the media parties read `parties`.
          [this](party_atom, const std::string& c, const party_change& p) {
            parties.push_back(c + " " + std::to_string(static_cast<int>(p.what)) + " " + p.agent);
          },
          [this](ring_stopped_atom, const std::string& a, const std::string& c,
                 const std::string& why) {
            seen.push_back("ring stopped " + a + " " + c + " " + why);
          },
      };
    });
    start_acd(rt.system(), ctx);
    rt.run_pending();
  }
  ~fixture() {
    stop_acd(ctx);
    caf::anon_send_exit(ctx->observer, caf::exit_reason::user_shutdown);
    rt.run_pending();
  }
  fixture(const fixture&) = delete;
  fixture& operator=(const fixture&) = delete;

  bool has(const std::string& line) const {
    return std::find(seen.begin(), seen.end(), line) != seen.end();
  }
  void at(std::int64_t t_s) { rt.run_until(start + t_s * sec); }
  caf::actor agent(const std::string& id) const { return ctx->agents.at(id); }
  void login(const std::string& a) {
    caf::anon_send(agent(a), login_atom::value, std::vector<std::string>{});
  }
  void answer(const std::string& a, const std::string& call_id) {
    caf::anon_send(agent(a), answer_atom::value, call_id);
  }
  caf::actor call(const std::string& id, std::map<std::string, std::string> attached = {}) {
    call_request r;
    r.call_id = id;
    r.caller = "+861380000";
    r.dialed = "100";
    r.attached = std::move(attached);
    return calls[id] = spawn_call(rt.system(), ctx, r);
  }
  /// A call to entry point `dialed`, for the familiar agent `preferred` if any.
  caf::actor dial(const std::string& id, const std::string& dialed,
                  const std::string& caller = "+861380000", const std::string& preferred = {}) {
    call_request r;
    r.call_id = id;
    r.caller = caller;
    r.dialed = dialed;
    r.preferred_agent = preferred;
    return calls[id] = spawn_call(rt.system(), ctx, r);
  }
  /// Agent `agent` dials `number` from its desktop (an outbound call).
  caf::actor place(const std::string& id, const std::string& agent, const std::string& number) {
    call_request r;
    r.call_id = id;
    r.caller = agent;
    r.dialed = number;
    r.placed_by = agent;
    return calls[id] = spawn_call(rt.system(), ctx, r);
  }
  /// What an agent's desktop sends (answer, reject, ready, ...).
  template <class... Ts> void to_agent(const std::string& agent, Ts... xs) {
    caf::anon_send(ctx->agents.at(agent), xs...);
  }
  /// How many times the observer heard `line`.
  int count(const std::string& line) const {
    return static_cast<int>(std::count(seen.begin(), seen.end(), line));
  }
  void transfer(const std::string& call_id, transfer_request r) {
    caf::anon_send(calls.at(call_id), transfer_atom::value, std::move(r));
  }

  std::vector<events::recorded_event> stream(const std::string& name) const {
    auto evs = store.read_stream(name, 0, SIZE_MAX);
    REQUIRE(evs.has_value());
    return *evs;
  }
  /// The event types of a stream, space separated (readable in failures).
  std::string types(const std::string& name) const {
    std::string out;
    for (const auto& e : stream(name))
      out += (out.empty() ? "" : " ") + e.type;
    return out;
  }
  template <class T> std::vector<T> payloads(const std::string& name) const {
    std::vector<T> out;
    for (const auto& e : stream(name)) {
      auto ev = events::event_codec::standard().decode(e);
      REQUIRE(ev.has_value());
      if (const auto* p = std::get_if<T>(&*ev)) out.push_back(*p);
    }
    return out;
  }
  /// The call and agent aggregates as their streams say, through the codec.
  cl::state call_state(const std::string& call_id) const {
    auto s = cl::initial_state(call_id);
    for (const auto& e : stream(cl::stream_name(call_id)))
      if (auto n = events::narrow<cl::event>(*events::event_codec::standard().decode(e)))
        s = cl::evolve(std::move(s), *n, e.meta.timestamp_ns);
    return s;
  }
  ag::state agent_state(const std::string& agent_id) const {
    auto s = ag::initial_state(*ctx->find_agent(agent_id)); // the file's or created
    for (const auto& e : stream(ag::stream_name(agent_id)))
      if (auto n = events::narrow<ag::event>(*events::event_codec::standard().decode(e)))
        s = ag::evolve(std::move(s), *n, e.meta.timestamp_ns);
    return s;
  }
  std::string status(const std::string& agent_id) const {
    return ag::to_string(ag::status_of(agent_state(agent_id)));
  }
  std::vector<events::command_rejected> rejections() const {
    return payloads<events::command_rejected>("audit-site-1");
  }
  /// `call_id` arrives and is answered by `agent_id` (who must be the one rung).
  void connect(const std::string& call_id, const std::string& agent_id, std::int64_t t_s,
               std::map<std::string, std::string> attached = {}) {
    call(call_id, std::move(attached));
    at(t_s);
    REQUIRE_MESSAGE(has("ringing " + agent_id + " " + call_id), describe());
    answer(agent_id, call_id);
    at(t_s + 1);
    REQUIRE_MESSAGE(has("talking " + call_id + " " + agent_id), describe());
  }
  std::string describe() const {
    std::string out;
    for (const auto& l : seen)
      out += l + "\n";
    return out;
  }
};

} // namespace acd_actor_test
