// The node API's requests to the actors (actors/protocol.hpp, api_atom):
// the same handlers as the messages alone, and an answer that says whether
// the decider refused.
#include "acd_fixture.hpp"

using namespace acd_actor_test;

namespace {

/// Sends API requests and keeps the answers, as the node API's bridge does.
struct api_client {
  fixture& f;
  std::shared_ptr<std::vector<std::string>> answers = std::make_shared<std::vector<std::string>>();

  void ask(caf::actor target, caf::message inner) {
    auto out = answers;
    f.rt.system().spawn([out, target, inner](caf::event_based_actor* self) {
      self->request(target, caf::infinite, api_atom::value, std::string{"api-user"}, inner)
          .then([out](api_atom, const std::string& code, const std::string&) {
            out->push_back(code.empty() ? "ok" : "refused " + code);
          });
    });
  }
  void agent(const std::string& id, caf::message inner) { ask(f.agent(id), std::move(inner)); }
  void desk(const std::string& id, const std::string& call_id, caf::message inner) {
    ask(f.agent(id), caf::make_message(desk_atom::value, call_id, std::move(inner)));
  }
  std::string last() const { return answers->empty() ? "none" : answers->back(); }
};

} // namespace

TEST_CASE("API requests to an agent: accepted commands answer ok, refused ones their code") {
  fixture f;
  api_client api{f};
  api.agent("a1", caf::make_message(login_atom::value, std::vector<std::string>{}));
  f.at(1);
  CHECK(api.last() == "ok");
  CHECK(f.status("a1") == "ready");
  api.agent("a1", caf::make_message(not_ready_atom::value, std::string{"lunch"}));
  f.at(2);
  CHECK(api.last() == "ok");
  CHECK(f.status("a1") == "not_ready");
  // The decider refuses a pause without a reason: the API hears its code.
  api.agent("a1", caf::make_message(not_ready_atom::value, std::string{}));
  f.at(3);
  CHECK(api.last() == "refused missing_reason");
  // A call that is not on the desk.
  api.agent("a1", caf::make_message(answer_atom::value, std::string{"c9"}));
  f.at(4);
  CHECK(api.last() == "refused not_on_desk");
  // Internal messages are not API commands.
  api.agent("a1", caf::make_message(ring_timeout_atom::value, std::string{"c9"}, 3));
  f.at(5);
  CHECK(api.last() == "refused unknown_command");
  CHECK(api.answers->size() == 5);
}

TEST_CASE("API requests through the desk: answer, hold, resume and hang up a call") {
  fixture f;
  api_client api{f};
  f.login("a1");
  f.at(1);
  f.call("c1");
  f.at(2);
  REQUIRE(f.has("ringing a1 c1"));
  api.agent("a1", caf::make_message(answer_atom::value, std::string{"c1"}));
  f.at(3);
  CHECK(api.last() == "ok");
  CHECK(f.has("talking c1 a1"));
  api.desk("a1", "c1", caf::make_message(hold_atom::value, std::string{"a1"}));
  f.at(4);
  CHECK(api.last() == "ok");
  CHECK(f.status("a1") == "on_hold");
  // Wrap-up cannot end while the call goes on: the agent decider refuses.
  api.agent("a1", caf::make_message(wrap_up_done_atom::value, std::string{"c1"}));
  f.at(5);
  CHECK(api.last() == "refused not_in_wrap_up");
  api.desk("a1", "c1", caf::make_message(resume_atom::value, std::string{"a1"}));
  f.at(6);
  CHECK(api.last() == "ok");
  // The call takes only what a person asks of it.
  api.desk("a1", "c1", caf::make_message(abandon_atom::value));
  f.at(7);
  CHECK(api.last() == "refused unknown_command");
  // Another agent's call is not on this desk.
  api.desk("a2", "c1", caf::make_message(hold_atom::value, std::string{"a2"}));
  f.at(8);
  CHECK(api.last() == "refused not_on_desk");
  api.agent("a1", caf::make_message(hangup_atom::value, std::string{"c1"}));
  f.at(9);
  CHECK(api.last() == "ok");
  CHECK(f.has("ended c1 completed"));
  CHECK(f.status("a1") == "wrap_up");
  api.agent("a1", caf::make_message(wrap_up_done_atom::value, std::string{"c1"}));
  f.at(10);
  CHECK(api.last() == "ok");
  CHECK(f.status("a1") == "ready");
}

TEST_CASE("API requests through the desk: a transfer to an unknown queue is refused with the "
          "rule's code") {
  fixture f;
  api_client api{f};
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  transfer_request r{
      "a1", events::transfer_mode::blind, events::transfer_target_kind::queue, "nowhere", "", ""};
  api.desk("a1", "c1", caf::make_message(transfer_atom::value, r));
  f.at(4);
  CHECK(api.last().rfind("refused ", 0) == 0);
  CHECK(f.status("a1") == "on_call");
}
