// Two sites on one virtual clock, their federation actors joined by an
// in-memory link: the cross-site protocol end to end (offer, hold, accept,
// transfer, landing), and what happens when a site goes silent mid-move.
#include <doctest/doctest.h>

#include <caf/all.hpp>

#include "actors/acd.hpp"
#include "actors/call_actor.hpp"
#include "actors/federation_actor.hpp"
#include "actors/ports/memory_event_store.hpp"
#include "actors/simulation_runtime.hpp"
#include "events/codec.hpp"

using namespace hotline;
using namespace hotline::actors;
namespace fed = events::federation;

namespace {

constexpr std::int64_t epoch = 1'795'392'000'000'000'000;
constexpr std::int64_t sec = 1'000'000'000;

events::center_definition site_center(const std::string& site,
                                      const std::vector<std::string>& agents) {
  events::center_definition c;
  c.site.id = site;
  c.tenants.push_back({"acme", "Acme", {}});
  events::queue_definition q;
  q.id = "sales";
  q.tenant = "acme";
  q.skills = {{"sales", 1}};
  q.ring_timeout_ms = 10'000;
  c.queues.push_back(q);
  for (const auto& id : agents) {
    events::agent_definition a;
    a.id = id;
    a.tenant = "acme";
    a.skills = {{"sales", 5}};
    a.queues = {"sales"};
    c.agents.push_back(a);
  }
  c.entry_points.push_back({"100", "acme", "sales", "", 0});
  return c;
}

struct two_sites;

/// The in-memory federation link of one site.
struct memory_link final : ports::federation_link {
  two_sites* net = nullptr;
  std::string site;
  void send(const fed::message& m) override;
  void publish(const fed::site_status& s) override;
};

struct site {
  std::string id;
  ports::memory_event_store store;
  std::shared_ptr<acd_context> ctx = std::make_shared<acd_context>();
  memory_link link;
  federation_mailbox mailbox;
  ports::federation_handlers handlers;
  std::vector<std::string> seen;
  std::vector<fed::message> sent; ///< every message this site sent

  bool has(const std::string& s) const {
    return std::find(seen.begin(), seen.end(), s) != seen.end();
  }
  std::string types(const std::string& stream) {
    std::string out;
    auto evs = store.read_stream(stream, 0, SIZE_MAX); // keep the result alive while iterating
    for (const auto& e : *evs)
      out += (out.empty() ? "" : " ") + e.type;
    return out;
  }
  std::vector<events::recorded_event> events_of(const std::string& stream) {
    return *store.read_stream(stream, 0, SIZE_MAX);
  }
};

struct two_sites {
  simulation_runtime rt{epoch};
  std::map<std::string, std::unique_ptr<site>> sites;
  /// Drops a message (true) on its way: a lossy or dead network.
  std::function<bool(const std::string& from, const fed::message&)> drop_message =
      [](auto&, auto&) { return false; };
  std::set<std::string> silent; ///< sites whose statuses no longer arrive

  two_sites() {
    add("north", {"n1"});
    add("south", {"s1"});
    for (auto& [id, s] : sites) {
      start_acd(rt.system(), s->ctx);
      s->mailbox.set(s->ctx->federation);
    }
    rt.run_pending();
  }
  ~two_sites() {
    for (auto& [id, s] : sites) {
      s->mailbox.set({});
      caf::anon_send_exit(s->ctx->federation, caf::exit_reason::user_shutdown);
      stop_acd(s->ctx);
      caf::anon_send_exit(s->ctx->observer, caf::exit_reason::user_shutdown);
    }
    rt.run_pending();
  }
  void add(const std::string& id, std::vector<std::string> agents) {
    auto s = std::make_unique<site>();
    s->id = id;
    s->ctx->center = site_center(id, agents);
    s->ctx->store = {&s->store, &rt, id, true};
    s->ctx->interflow.margin_ms = 0;
    s->ctx->interflow.max_status_age_ms = 3'000;
    s->ctx->interflow.reservation_timeout_ms = 1'000;
    s->ctx->interflow.landing_timeout_ms = 3'000;
    // What the CRM knows of a customer travels with the call.
    s->ctx->crm_context = [](const std::string&, const std::string& customer) {
      return std::map<std::string, std::string>{{"crm.contacts", "3"}, {"crm.customer", customer}};
    };
    s->link.net = this;
    s->link.site = id;
    s->handlers = s->mailbox.handlers([](std::string what) { FAIL_CHECK(what); });
    auto* raw = s.get();
    s->ctx->observer = rt.system().spawn([raw](caf::event_based_actor*) -> caf::behavior {
      auto& seen = raw->seen;
      return {
          [&seen](ringing_atom, const std::string& a, const std::string& c) {
            seen.push_back("ringing " + a + " " + c);
          },
          [&seen](queued_atom, const std::string& c, const std::string& q) {
            seen.push_back("queued " + c + " " + q);
          },
          [&seen](talking_atom, const std::string& c, const std::string& a) {
            seen.push_back("talking " + c + " " + a);
          },
          [&seen](ended_atom, const std::string& c, events::call_outcome o) {
            seen.push_back("ended " + c + " " + std::string{events::to_wire(o)});
          },
          [&seen](rejected_atom, const std::string& s, const std::string& code) {
            seen.push_back("rejected " + s + " " + code);
          },
          [](ring_stopped_atom, const std::string&, const std::string&, const std::string&) {},
          [](held_atom, const std::string&, const std::string&, bool) {},
          [](announce_atom, const std::string&, int, std::int64_t) {},
          [](party_atom, const std::string&, const party_change&) {},
      };
    });
    federation_options o;
    o.site = id;
    o.link = &s->link;
    s->ctx->federation = spawn_federation(rt.system(), s->ctx, o);
    sites[id] = std::move(s);
  }
  site& operator[](const std::string& id) { return *sites.at(id); }
  void at(double t_s) { rt.run_until(epoch + static_cast<std::int64_t>(t_s * sec)); }
  void login(const std::string& site_id, const std::string& agent) {
    caf::anon_send((*this)[site_id].ctx->agents.at(agent), login_atom::value,
                   std::vector<std::string>{});
  }
  caf::actor call(const std::string& site_id, const std::string& id) {
    call_request r;
    r.call_id = id;
    r.caller = "+861380000";
    r.customer_id = "cust-7";
    r.dialed = "100";
    r.attached = {{"order", "A-42"}};
    return spawn_call(rt.system(), (*this)[site_id].ctx, r);
  }
};

void memory_link::send(const fed::message& m) {
  net->sites.at(site)->sent.push_back(m);
  if (net->drop_message(site, m)) return;
  if (auto it = net->sites.find(m.to_site); it != net->sites.end())
    it->second->handlers.on_message(m);
}

void memory_link::publish(const fed::site_status& s) {
  if (net->silent.count(site)) return;
  for (auto& [id, other] : net->sites)
    if (id != site) other->handlers.on_status(s);
}

} // namespace

TEST_CASE("federation: a call no local agent can take moves to the site with a ready agent, with "
          "its data and CRM context") {
  two_sites net;
  net.login("south", "s1"); // north's n1 never logs in
  net.at(1);
  auto c = net.call("north", "c1");
  net.at(3);
  auto& north = net["north"];
  auto& south = net["south"];
  CHECK(north.types("call-c1") ==
        "call.arrived call.queued call.interflow_offered call.interflowed call.ended");
  CHECK(north.has("ended c1 interflowed"));
  CHECK(south.has("ringing s1 c1"));
  CHECK(south.types("call-c1") == "call.arrived call.queued call.offered");
  // The agent was held before the call landed, then rang.
  CHECK(south.types("agent-s1") == "agent.logged_in agent.ready agent.reserved");
  // One correlation id on both sites; the call data and where it came from travel along.
  auto n_events = north.events_of("call-c1");
  auto s_events = south.events_of("call-c1");
  for (const auto& e : s_events)
    CHECK(e.meta.correlation == n_events.front().meta.correlation);
  auto arrived = events::event_codec::standard().decode(s_events.front());
  REQUIRE(arrived);
  const auto& a = std::get<events::call_arrived>(*arrived);
  CHECK(a.attached.at("order") == "A-42");
  CHECK(a.attached.at("interflow.origin") == "north");
  CHECK(a.customer_id == "cust-7");
  CHECK(a.attached.at("crm.contacts") == "3");
  CHECK(a.attached.at("crm.customer") == "cust-7");
  // Answered and completed there: the one terminal outcome.
  caf::anon_send(south.ctx->agents.at("s1"), answer_atom::value, std::string{"c1"});
  net.at(4);
  CHECK(south.has("talking c1 s1"));
  caf::anon_send(south.ctx->agents.at("s1"), hangup_atom::value, std::string{"c1"});
  net.at(5);
  CHECK(south.has("ended c1 completed"));
  // The offer's reason explains the decision.
  auto offered = events::event_codec::standard().decode(n_events[2]);
  REQUIRE(offered);
  CHECK(std::get<events::call_interflow_offered>(*offered).reason.find(
            "no local agent serves queue sales") != std::string::npos);
}

TEST_CASE(
    "federation: a site that goes silent after accepting: the call queues again at its origin") {
  two_sites net;
  net.login("south", "s1");
  // South lands the call but its "landed" never arrives, and then it falls silent.
  net.drop_message = [&](const std::string& from, const fed::message& m) {
    if (from == "south" && m.kind == fed::message_kind::landed) {
      net.silent.insert("south");
      return true;
    }
    return false;
  };
  net.at(1);
  net.call("north", "c1");
  net.at(8);
  auto& north = net["north"];
  auto& south = net["south"];
  auto types = north.types("call-c1");
  CHECK(types.find("call.interflowed call.interflow_returned call.queued") != std::string::npos);
  CHECK(types.find("call.ended") == std::string::npos); // waits here again
  // The origin told south to drop its copy: one owner.
  CHECK(south.types("call-c1").find("call.ended") != std::string::npos);
  CHECK(south.has("ended c1 interflow_withdrawn"));
  bool withdrew = false;
  for (const auto& m : north.sent)
    withdrew = withdrew || m.kind == fed::message_kind::withdraw;
  CHECK(withdrew);
  // And nothing more is offered to the silent site.
  auto offers = 0;
  for (const auto& m : north.sent)
    offers += m.kind == fed::message_kind::offer;
  CHECK(offers == 1);
}

TEST_CASE(
    "federation: offers for an unknown queue, expired offers and stray transfers are refused") {
  two_sites net;
  net.at(1);
  auto& south = net["south"];
  auto offer = [&](const std::string& id, const std::string& queue, std::int64_t expires) {
    fed::message m;
    m.kind = fed::message_kind::offer;
    m.offer_id = id;
    m.call_id = "x-" + id;
    m.from_site = "north";
    m.to_site = "south";
    m.queue = queue;
    m.expires_at_ns = expires;
    south.handlers.on_message(m);
  };
  offer("o1", "nosuch", epoch + 10 * sec);
  offer("o2", "sales", epoch);            // already expired at t = 1 s
  offer("o3", "sales", epoch + 10 * sec); // nobody logged in: no agent
  fed::message stray;
  stray.kind = fed::message_kind::transfer;
  stray.offer_id = "o9";
  stray.call_id = "x-o9";
  stray.from_site = "north";
  stray.to_site = "south";
  stray.queue = "sales";
  south.handlers.on_message(stray);
  net.at(2);
  std::map<std::string, std::string> answer;
  for (const auto& m : south.sent)
    answer[m.offer_id] = std::string{fed::to_string(m.kind)} + " " + m.reason;
  CHECK(answer["o1"] == "deny unknown_queue");
  CHECK(answer["o2"] == "deny expired");
  CHECK(answer["o3"] == "deny no_agent");
  CHECK(answer["o9"] == "bounce no_reservation");
}
