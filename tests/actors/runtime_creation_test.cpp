// Agents and queues created at runtime (issue 21) through the configuration
// actor: reachable at once from an entry point and a transfer, recorded as
// the user's on config-<site>, refused when their id is taken, and back
// after a restart from the store alone.
#include "acd_fixture.hpp"
#include "actors/configuration_actor.hpp"

using namespace acd_actor_test;
namespace conf = hotline::events::acd::configuration;

namespace {

/// Sends configuration requests as user `user` and keeps the answers.
struct creator {
  fixture& f;
  std::string user = "admin-ann";
  std::shared_ptr<std::vector<std::string>> answers = std::make_shared<std::vector<std::string>>();

  void ask(conf::command cmd) {
    auto out = answers;
    auto target = f.ctx->configuration;
    f.rt.system().spawn([out, target, cmd, user = user](caf::event_based_actor* self) {
      self->request(target, caf::infinite, api_atom::value, user,
                    caf::make_message(define_atom::value, cmd))
          .then([out](api_atom, const std::string& code, const std::string& detail) {
            out->push_back(code.empty() ? "ok" : "refused " + code + ": " + detail);
          });
    });
  }
  void queue(const std::string& id, std::vector<std::string> numbers) {
    events::queue_definition q;
    q.id = id;
    q.tenant = "acme";
    q.name = "VIP line";
    q.skills = {{"vip", 1}};
    q.ring_timeout_ms = 10'000;
    q.wrap_up_ms = 5'000;
    ask(conf::define_queue{q, std::move(numbers), "pstn"});
  }
  void agent(const std::string& id, std::vector<std::string> queues) {
    events::agent_definition a;
    a.id = id;
    a.tenant = "acme";
    a.name = "Wang Fang";
    a.skills = {{"vip", 50}};
    a.queues = std::move(queues);
    ask(conf::define_agent{a});
  }
  std::string last() const { return answers->empty() ? "none" : answers->back(); }
};

transfer_request to_queue(const std::string& from, const std::string& queue) {
  return {from, events::transfer_mode::blind, events::transfer_target_kind::queue, queue, "", ""};
}

} // namespace

TEST_CASE("runtime creation: a new queue and agent take calls at once, recorded as the user's") {
  fixture f;
  creator admin{f};
  admin.queue("vip", {"200"});
  f.at(1);
  CHECK(admin.last() == "ok");
  REQUIRE(f.ctx->find_queue("vip"));
  REQUIRE(f.ctx->queue_actor("vip"));
  REQUIRE(f.ctx->find_entry("200"));
  // The agent's skill (vip) is known now that a queue requires it.
  admin.agent("a9", {"vip"});
  f.at(2);
  CHECK(admin.last() == "ok");
  REQUIRE(f.ctx->find_agent("a9"));
  REQUIRE(f.ctx->agents.contains("a9"));
  f.login("a9");
  f.at(3);
  CHECK(f.status("a9") == "ready");
  // A caller dials the new number: the new agent rings.
  f.dial("c1", "200");
  f.at(4);
  CHECK_MESSAGE(f.has("queued c1 vip"), f.describe());
  CHECK_MESSAGE(f.has("ringing a9 c1"), f.describe());
  f.answer("a9", "c1");
  f.at(5);
  CHECK(f.has("talking c1 a9"));
  // Both definitions are on config-site-1, authored by the user, with their tenant.
  auto evs = f.stream("config-site-1");
  REQUIRE(evs.size() == 2);
  CHECK(evs[0].type == "queue.defined");
  CHECK(evs[1].type == "agent.defined");
  for (const auto& e : evs) {
    CHECK(e.meta.caused_by == events::principal::user("admin-ann"));
    CHECK(e.meta.tenant == "acme");
  }
}

TEST_CASE("runtime creation: a call transferred to a created queue reaches its agent") {
  fixture f;
  creator admin{f};
  admin.queue("vip", {});
  admin.agent("a9", {"vip"});
  f.at(1);
  f.login("a1");
  f.login("a9");
  f.at(2);
  f.connect("c1", "a1", 3);
  f.transfer("c1", to_queue("a1", "vip"));
  f.at(5);
  CHECK_MESSAGE(f.has("queued c1 vip"), f.describe());
  CHECK_MESSAGE(f.has("ringing a9 c1"), f.describe());
}

TEST_CASE("runtime creation: a taken id or a bad definition is refused and audited") {
  fixture f;
  creator admin{f};
  admin.agent("a1", {"sales"});
  f.at(1);
  CHECK(admin.last() == "refused already_exists: agent 'a1' exists");
  admin.queue("sales", {});
  f.at(2);
  CHECK(admin.last() == "refused already_exists: queue 'sales' exists");
  admin.agent("a9", {"nowhere"});
  f.at(3);
  CHECK(admin.last().starts_with("refused invalid_field: field 'skills.vip'"));
  admin.queue("vip", {"100"});
  f.at(4);
  CHECK(admin.last() ==
        "refused already_exists: number '100' already goes to queue 'sales' (tenant 'acme')");
  CHECK(f.stream("config-site-1").empty());
  auto rejected = f.rejections();
  REQUIRE(rejected.size() == 4);
  CHECK(rejected[0].target_stream == "config-site-1");
  CHECK(rejected[0].command == "define_agent");
  CHECK(rejected[0].code == "already_exists");
  CHECK(f.ctx->find_agent("a9") == nullptr);
}

TEST_CASE("runtime creation: after a restart the created agent and queue are back from the store") {
  ports::memory_event_store kept;
  {
    fixture f{two_queue_center(), &kept, epoch, {}};
    creator admin{f};
    admin.queue("vip", {"200"});
    admin.agent("a9", {"vip"});
    f.at(1);
    CHECK(admin.last() == "ok");
  }
  // The file does not know them; the stream does.
  fixture again{two_queue_center(), &kept, epoch + 60 * sec, {}};
  CHECK(again.ctx->configuration_warnings.empty());
  REQUIRE(again.ctx->find_queue("vip"));
  REQUIRE(again.ctx->find_agent("a9"));
  again.login("a9");
  again.at(1);
  again.dial("c2", "200");
  again.at(2);
  CHECK_MESSAGE(again.has("ringing a9 c2"), again.describe());
  // The recovered configuration still refuses the taken ids.
  creator admin{again};
  admin.agent("a9", {"vip"});
  again.at(3);
  CHECK(admin.last() == "refused already_exists: agent 'a9' exists");
}

TEST_CASE("runtime creation: a file definition with a created id gives way to the stream's") {
  ports::memory_event_store kept;
  {
    fixture f{two_queue_center(), &kept, epoch, {}};
    creator admin{f};
    admin.queue("vip", {});
    admin.agent("a9", {"vip"});
    f.at(1);
  }
  auto edited = two_queue_center();
  events::agent_definition a9;
  a9.id = "a9";
  a9.tenant = "acme";
  a9.skills = {{"sales", 7}};
  a9.queues = {"sales"};
  edited.agents.push_back(a9);
  fixture again{edited, &kept, epoch + 60 * sec, {}};
  REQUIRE(again.ctx->configuration_warnings.size() == 1);
  CHECK(again.ctx->configuration_warnings[0].starts_with("agent 'a9' is in the file"));
  REQUIRE(again.ctx->find_agent("a9"));
  CHECK(again.ctx->find_agent("a9")->queues == std::vector<std::string>{"vip"});
}

TEST_CASE("runtime creation: a created queue's settings reach its calls and agents, and hold "
          "after a restart") {
  ports::memory_event_store kept;
  events::acd::queue::settings_patch p;
  p.wrap_up_ms = 1'000;
  p.ring_timeout_ms = 4'000;
  {
    fixture f{two_queue_center(), &kept, epoch, {}};
    creator admin{f};
    admin.queue("vip", {"200"});
    f.at(1);
    REQUIRE(admin.last() == "ok");
    auto out = admin.answers;
    const caf::actor target = *f.ctx->queue_actor("vip");
    f.rt.system().spawn([out, target, p](caf::event_based_actor* self) {
      self->request(target, caf::infinite, api_atom::value, std::string{"admin-ann"},
                    caf::make_message(settings_atom::value, p, std::string{"storm"}))
          .then([out](api_atom, const std::string& code, const std::string&) {
            out->push_back(code.empty() ? "ok" : "refused " + code);
          });
    });
    f.at(2);
    CHECK(admin.last() == "ok");
    // What calls (wrap-up, overflow at joining) and agents (wrap-up) read.
    const auto* q = f.ctx->find_queue("vip");
    REQUIRE(q);
    CHECK(q->wrap_up_ms == 1'000);
    CHECK(q->ring_timeout_ms == 4'000);
  }
  fixture again{two_queue_center(), &kept, epoch + 60 * sec, {}};
  const auto* q = again.ctx->find_queue("vip");
  REQUIRE(q);
  CHECK(q->wrap_up_ms == 1'000);
  CHECK(q->ring_timeout_ms == 4'000);
}
