// Runtime configuration through the node API's requests (issue 21): an
// agent's skills and queues and a queue's service switch change routing at
// once, are recorded as the user's, and hold across a restart.
#include "acd_fixture.hpp"

using namespace acd_actor_test;

namespace {

/// Sends API requests as user `user` and keeps the answers.
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
  void skills(const std::string& agent, std::map<std::string, int> s) {
    ask(f.agent(agent), caf::make_message(skills_atom::value, std::move(s), std::string{"coach"}));
  }
  void queues(const std::string& agent, std::vector<std::string> q) {
    ask(f.agent(agent), caf::make_message(queues_atom::value, std::move(q), std::string{"move"}));
  }
  template <class Atom> void queue(const std::string& id, Atom atom) {
    ask(f.ctx->queues.at(id), caf::make_message(atom, std::string{"storm"}));
  }
  std::string last() const { return answers->empty() ? "none" : answers->back(); }
};

events::principal author_of_last(const fixture& f, const std::string& stream) {
  auto evs = f.stream(stream);
  REQUIRE_FALSE(evs.empty());
  return evs.back().meta.caused_by;
}

} // namespace

TEST_CASE("runtime config: a skill change reroutes the next call, recorded as the user's") {
  fixture f;
  api_client api{f};
  // a4 serves billing only: a sales caller waits for nobody.
  f.login("a4");
  f.at(1);
  f.call("c1");
  f.at(3);
  CHECK_FALSE(f.has("ringing a4 c1"));
  // Moved into sales too, but without the sales skill: still not a member.
  api.queues("a4", {"billing", "sales"});
  f.at(4);
  CHECK(api.last() == "ok");
  CHECK(f.agent_state("a4").queues == std::vector<std::string>{"billing", "sales"});
  CHECK_FALSE(f.has("ringing a4 c1"));
  // Given the skill: the waiting call is offered to it at once.
  api.skills("a4", {{"billing", 5}, {"sales", 3}});
  f.at(5);
  CHECK(api.last() == "ok");
  CHECK(f.has("ringing a4 c1"));
  auto by = author_of_last(f, "agent-a4");
  // The last event is the reservation (the ACD's); the change before it is the user's.
  auto evs = f.stream("agent-a4");
  bool found = false;
  for (const auto& e : evs)
    if (e.type == "agent.skills_changed") {
      found = true;
      CHECK(e.meta.caused_by == events::principal::user("admin-ann"));
    }
  CHECK(found);
  CHECK(by.role != events::principal::kind::user);
}

TEST_CASE("runtime config: an agent moved out of a queue gets none of its calls") {
  fixture f;
  api_client api{f};
  f.login("a1");
  f.at(1);
  api.queues("a1", {"billing"});
  f.at(2);
  CHECK(api.last() == "ok");
  f.call("c1"); // sales
  f.at(4);
  CHECK_FALSE(f.has("ringing a1 c1"));
  // Bad input: refused with the decider's code, nothing recorded.
  const auto before = f.stream("agent-a1").size();
  api.queues("a1", {});
  f.at(5);
  CHECK(api.last() == "refused invalid_argument");
  api.queues("a1", {"nowhere"});
  f.at(6);
  CHECK(api.last() == "refused unknown_queue");
  api.skills("a1", {{"sales", 101}});
  f.at(7);
  CHECK(api.last() == "refused invalid_argument");
  CHECK(f.stream("agent-a1").size() == before);
  // Back into sales: the waiting call rings it.
  api.queues("a1", {"sales"});
  f.at(8);
  CHECK(f.has("ringing a1 c1"));
}

TEST_CASE("runtime config: a closed service refuses new callers, keeps the waiting, reopens") {
  fixture f;
  api_client api{f};
  f.call("c1"); // waits: nobody logged in
  f.at(1);
  api.queue("sales", close_atom::value);
  f.at(2);
  CHECK(api.last() == "ok");
  CHECK(author_of_last(f, "queue-sales") == events::principal::user("admin-ann"));
  f.call("c2");
  f.at(3);
  CHECK(f.has("ended c2 refused"));
  // The caller already waiting is answered.
  f.login("a1");
  f.at(4);
  CHECK(f.has("ringing a1 c1"));
  api.queue("sales", open_atom::value);
  f.at(5);
  CHECK(api.last() == "ok");
  f.call("c3");
  f.at(6);
  CHECK_FALSE(f.has("ended c3 refused"));
  // Anything else is not a queue's API command.
  api.ask(f.ctx->queues.at("sales"), caf::make_message(ready_atom::value));
  f.at(7);
  CHECK(api.last() == "refused unknown_command");
}

TEST_CASE("runtime config: changes hold across a node restart (the stream wins over the file)") {
  ports::memory_event_store store;
  {
    fixture before{two_queue_center(4), &store, epoch, {}};
    api_client api{before};
    api.skills("a2", {{"sales", 9}, {"french", 40}});
    api.queues("a2", {"sales", "billing"});
    api.queue("billing", close_atom::value);
    before.at(1);
    CHECK(api.answers->size() == 3);
  }
  fixture after{two_queue_center(4), &store, epoch + 60 * sec, {}};
  after.login("a2");
  after.at(1);
  const auto a2 = after.agent_state("a2");
  CHECK(a2.definition.skills == std::map<std::string, int>{{"french", 40}, {"sales", 9}});
  CHECK(a2.queues == std::vector<std::string>{"sales", "billing"});
  after.call("c1"); // sales: a2 serves it
  after.at(2);
  CHECK(after.has("ringing a2 c1"));
}
