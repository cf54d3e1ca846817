// Dispositions and the runtime settings of queues and trunk groups through
// the node API's requests (issue 21): what the agent, queue and trunk group
// actors record, refuse and apply, and what holds across a restart.
#include "acd_fixture.hpp"

using namespace acd_actor_test;

namespace {

/// Sends API requests as user `user` and keeps the answers ("ok" or "refused CODE").
struct api_client {
  fixture& f;
  std::string user = "admin-ann";
  std::shared_ptr<std::vector<std::string>> answers = std::make_shared<std::vector<std::string>>();

  void ask(caf::actor target, caf::message inner) {
    auto out = answers;
    f.rt.system().spawn([out, target, inner, user = user](caf::event_based_actor* self) {
      self->request(target, caf::infinite, api_atom::value, user, inner)
          .then([out](api_atom, const std::string& code, const std::string&) {
            out->push_back(code.empty() ? "ok" : "refused " + code);
          });
    });
  }
  void dispose(const std::string& agent, const std::string& call, const std::string& code,
               const std::string& notes = "") {
    ask(f.agent(agent), caf::make_message(disposition_atom::value, call, code, notes));
  }
  void settings(const std::string& queue, events::acd::queue::settings_patch p) {
    ask(f.ctx->queues.at(queue),
        caf::make_message(settings_atom::value, std::move(p), std::string{"storm"}));
  }
  void channels(const std::string& group, int n) {
    ask(f.ctx->trunks.at(group),
        caf::make_message(channels_atom::value, n, std::string{"maintenance"}));
  }
  std::string last() const { return answers->empty() ? "none" : answers->back(); }
};

events::acd::queue::settings_patch ring_and_wrap(std::int64_t ring_s, std::int64_t wrap_s) {
  events::acd::queue::settings_patch p;
  p.ring_timeout_ms = ring_s * 1000;
  p.wrap_up_ms = wrap_s * 1000;
  return p;
}

} // namespace

TEST_CASE("dispositions: set while talking and in after-call work, not after, as the user's") {
  auto center = two_queue_center();
  center.queues[0].dispositions = {"sale", "no_sale"}; // sales lists its codes
  fixture f{center};
  api_client api{f};
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  api.dispose("a1", "c1", "sale", "wants the blue one");
  f.at(4);
  CHECK(api.last() == "ok");
  // a code sales does not list
  api.dispose("a1", "c1", "maybe");
  f.at(5);
  CHECK(api.last() == "refused unknown_disposition");
  f.to_agent("a1", hangup_atom::value, std::string{"c1"});
  f.at(6);
  REQUIRE(f.status("a1") == "wrap_up");
  api.dispose("a1", "c1", "no_sale", "changed mind");
  f.at(7);
  CHECK(api.last() == "ok");
  auto set = f.payloads<events::agent_disposition_set>("agent-a1");
  REQUIRE(set.size() == 2);
  CHECK(set[0].code == "sale");
  CHECK(set[0].notes == "wants the blue one");
  CHECK(set[1].code == "no_sale");
  for (const auto& e : f.stream("agent-a1"))
    if (e.type == "agent.disposition_set")
      CHECK(e.meta.caused_by == events::principal::user("admin-ann"));
  // after-call work ends 5 s after the hang-up: the call is off the desk
  f.at(12);
  REQUIRE(f.status("a1") == "ready");
  api.dispose("a1", "c1", "sale");
  f.at(13);
  CHECK(api.last() == "refused not_on_desk");
  api.dispose("a1", "c1", "");
  f.at(14);
  CHECK(api.last() == "refused not_on_desk"); // the desk check comes first through the API
  CHECK(f.payloads<events::agent_disposition_set>("agent-a1").size() == 2);
}

TEST_CASE("dispositions: any code on a queue without a list, bad text refused by the decider") {
  fixture f;
  api_client api{f};
  f.login("a4");
  f.at(1);
  f.call("c1"); // sales: a4 serves billing only
  f.login("a1");
  f.at(2);
  f.answer("a1", "c1");
  f.at(3);
  api.dispose("a1", "c1", "whatever the agent says");
  f.at(4);
  CHECK(api.last() == "ok");
  api.dispose("a1", "c1", std::string(65, 'x'));
  f.at(5);
  CHECK(api.last() == "refused invalid_argument");
  api.dispose("a1", "c1", "ok", std::string(4001, 'n'));
  f.at(6);
  CHECK(api.last() == "refused invalid_argument");
  CHECK(f.payloads<events::agent_disposition_set>("agent-a1").size() == 1);
}

TEST_CASE("queue settings: the next offer rings for the new time, the next wrap-up lasts the new "
          "one, recorded as the user's") {
  fixture f; // sales: rings 10 s, wrap-up 5 s
  api_client api{f};
  f.login("a1");
  f.at(1);
  api.settings("sales", ring_and_wrap(3, 1));
  f.at(2);
  REQUIRE(api.last() == "ok");
  auto changed = f.payloads<events::queue_settings_changed>("queue-sales");
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].old_values ==
        std::map<std::string, int>{{"ring_timeout_ms", 10'000}, {"wrap_up_ms", 5'000}});
  CHECK(changed[0].new_values ==
        std::map<std::string, int>{{"ring_timeout_ms", 3'000}, {"wrap_up_ms", 1'000}});
  CHECK(f.stream("queue-sales").back().meta.caused_by == events::principal::user("admin-ann"));
  CHECK(f.ctx->find_queue("sales")->ring_timeout_ms == 3'000);
  f.call("c1");
  f.at(3);
  REQUIRE(f.has("ringing a1 c1"));
  f.at(4);
  CHECK_FALSE(f.has("ring stopped a1 c1 no_answer"));
  f.at(6); // 3 s, not 10
  CHECK(f.has("ring stopped a1 c1 no_answer"));
  f.login("a2");
  f.at(7);
  REQUIRE(f.has("ringing a2 c1"));
  f.answer("a2", "c1");
  f.at(8);
  f.to_agent("a2", hangup_atom::value, std::string{"c1"});
  f.at(9);
  auto ended = f.payloads<events::agent_call_ended>("agent-a2");
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].wrap_up_ms == 1'000);
  f.at(11);
  CHECK(f.status("a2") == "ready");
}

TEST_CASE("queue settings: new required skills change who is offered calls at once") {
  fixture f;
  api_client api{f};
  f.login("a1"); // sales 5
  f.at(1);
  events::acd::queue::settings_patch p;
  p.skills = std::vector<events::skill_requirement>{{"french", 10}};
  api.settings("sales", p);
  f.at(2);
  REQUIRE(api.last() == "ok");
  f.call("c1");
  f.at(4);
  CHECK_FALSE(f.has("ringing a1 c1")); // a1 speaks no French
  p.skills = std::vector<events::skill_requirement>{{"sales", 3}};
  api.settings("sales", p);
  f.at(5);
  CHECK(api.last() == "ok");
  CHECK(f.has("ringing a1 c1")); // the waiting call is offered at once
}

TEST_CASE("queue settings: bad values are refused and nothing is recorded") {
  fixture f;
  api_client api{f};
  const auto before = f.stream("queue-sales").size();
  events::acd::queue::settings_patch p;
  p.max_length = -1;
  api.settings("sales", p);
  f.at(1);
  CHECK(api.last() == "refused invalid_argument");
  p = {};
  p.overflow = events::overflow_action::queue;
  p.overflow_queue = "nowhere";
  api.settings("sales", p);
  f.at(2);
  CHECK(api.last() == "refused unknown_queue");
  p.overflow_queue = "sales";
  api.settings("sales", p);
  f.at(3);
  CHECK(api.last() == "refused invalid_argument");
  CHECK(f.stream("queue-sales").size() == before);
  // the same values again: done, nothing recorded
  api.settings("sales", ring_and_wrap(10, 5));
  f.at(4);
  CHECK(api.last() == "ok");
  CHECK(f.stream("queue-sales").size() == before);
}

TEST_CASE("queue settings: after a restart the stream's settings win over the file") {
  ports::memory_event_store store;
  {
    fixture before{two_queue_center(4), &store, epoch, {}};
    api_client api{before};
    auto p = ring_and_wrap(4, 2);
    p.overflow = events::overflow_action::voicemail;
    api.settings("sales", p);
    before.at(1);
    REQUIRE(api.last() == "ok");
  }
  fixture after{two_queue_center(4), &store, epoch + 60 * sec, {}};
  after.at(1);
  const auto* q = after.ctx->find_queue("sales");
  REQUIRE(q != nullptr);
  CHECK(q->ring_timeout_ms == 4'000);
  CHECK(q->wrap_up_ms == 2'000);
  CHECK(q->overflow == events::overflow_action::voicemail);
  CHECK(after.ctx->find_queue("billing")->ring_timeout_ms == 10'000); // untouched
  after.login("a1");
  after.at(2);
  after.connect("c1", "a1", 3);
  after.to_agent("a1", hangup_atom::value, std::string{"c1"});
  after.at(5);
  auto ended = after.payloads<events::agent_call_ended>("agent-a1");
  REQUIRE_FALSE(ended.empty());
  CHECK(ended.back().wrap_up_ms == 2'000);
}

TEST_CASE(
    "trunk channels: lowered below the lines in use, calls go on and seizures wait for room") {
  fixture f{two_queue_center(3)};
  api_client api{f};
  auto c1 = f.call("c1");
  auto c2 = f.call("c2");
  f.at(1);
  REQUIRE(f.has("queued c1 sales"));
  REQUIRE(f.has("queued c2 sales"));
  api.channels("pstn", 1);
  f.at(2);
  REQUIRE(api.last() == "ok");
  auto changed = f.payloads<events::trunk_channels_changed>("trunkgroup-pstn");
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].old_channels == 3);
  CHECK(changed[0].new_channels == 1);
  CHECK(f.stream("trunkgroup-pstn").back().meta.caused_by == events::principal::user("admin-ann"));
  CHECK(f.stream("trunkgroup-pstn").back().meta.tenant == "acme"); // its only tenant's calls
  // two calls on the lines go on; a third is blocked though a line is free
  f.call("c3");
  f.at(3);
  CHECK(f.has("ended c3 blocked"));
  CHECK_FALSE(f.has("ended c1 blocked"));
  caf::anon_send(c1, abandon_atom::value);
  f.at(4);
  f.call("c4"); // one line busy, the limit is one: still no room
  f.at(5);
  CHECK(f.has("ended c4 blocked"));
  caf::anon_send(c2, abandon_atom::value);
  f.at(6);
  f.call("c5");
  f.at(7);
  CHECK(f.has("queued c5 sales"));
  CHECK(f.types("trunk-pstn.1").ends_with("trunk.seized")); // the lowest line, within the limit
  // raised past the group's lines: new ones start
  api.channels("pstn", 5);
  f.at(8);
  REQUIRE(api.last() == "ok");
  for (auto id : {"c6", "c7", "c8", "c9"})
    f.call(id);
  f.at(9);
  for (auto id : {"c6", "c7", "c8", "c9"})
    CHECK(f.has(std::string{"queued "} + id + " sales"));
  CHECK(f.types("trunk-pstn.5") == "trunk.seized");
  f.call("c10");
  f.at(10);
  CHECK(f.has("ended c10 blocked"));
}

TEST_CASE("trunk channels: bad numbers are refused, the limit holds across a restart") {
  ports::memory_event_store store;
  {
    fixture before{two_queue_center(3), &store, epoch, {}};
    api_client api{before};
    api.channels("pstn", 0);
    before.at(1);
    CHECK(api.last() == "refused invalid_argument");
    api.channels("pstn", 10'001);
    before.at(2);
    CHECK(api.last() == "refused invalid_argument");
    CHECK(before.stream("trunkgroup-pstn").empty());
    api.channels("pstn", 1);
    before.at(3);
    CHECK(api.last() == "ok");
    api.ask(before.ctx->trunks.at("pstn"), caf::make_message(ready_atom::value));
    before.at(4);
    CHECK(api.last() == "refused unknown_command");
  }
  fixture after{two_queue_center(3), &store, epoch + 60 * sec, {}};
  after.call("c1");
  after.call("c2");
  after.at(1);
  CHECK(after.has("queued c1 sales"));
  CHECK(after.has("ended c2 blocked"));
}
