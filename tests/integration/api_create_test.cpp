// Creating agents and queues at runtime through the node API (issue 21),
// end to end over real sockets: an admin creates a queue and two agents, a
// person logs one in and answers a simulated caller, transfers the call to
// the new queue, where the other new agent takes it; the node restarts and
// both are still there and work. Also who may (the role x tenant matrix)
// and malformed bodies (400 naming the field).
#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include <nlohmann/json.hpp>

#include "drivers/store/rocksdb_event_store.hpp"
#include "tests/support/api_node.hpp"
#include "tests/support/center_toml.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using namespace std::chrono_literals;
using json = nlohmann::json;
using testing::temp_dir;

namespace {

/// Two tenants; acme's sales gets a simulated caller every ~5 s, and its
/// one agent of the file (a1) is left to people, so callers wait.
std::string write_config(const std::string& dir) {
  return hotline::test::center_toml{"createsite"}
      .tenant("acme")
      .tenant("beta")
      .trunk("pstn", 50)
      .queue("sales", "acme", "sales = 1", "ring_timeout_s = 60")
      .queue("help", "beta", "help = 1")
      .agent("a1", "acme", "sales = 50", {"sales"})
      .agent("b1", "beta", "help = 50", {"help"})
      .entry("100", "acme", "sales")
      .traffic("100", 720, 7, {"a1", "b1"})
      .write(dir);
}

using namespace hotline::test::api;

/// `j` with `key` set to `value`.
json with(json j, const std::string& key, json value) {
  j[key] = std::move(value);
  return j;
}

/// The call ringing `agent` within 30 s ("" if none).
std::string ringing_call(const client& c, const std::string& agent) {
  for (int i = 0; i < 300; ++i) {
    auto a = c.get("/api/agents/" + agent);
    if (a["state"] == "ringing") return a["call_id"].get<std::string>();
    std::this_thread::sleep_for(100ms);
  }
  return {};
}

} // namespace

TEST_CASE("node API: an admin creates a queue and agents that take calls at once and survive a "
          "restart") {
  temp_dir dir;
  const auto config = write_config(dir.path());
  const auto store = dir.path() + "/store";
  add_user(store, "--user admin --tenant acme --role admin");
  add_user(store, "--user betty --tenant beta --role admin");
  add_user(store, "--user ops --role operator");
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  add_user(store, "--user sue --tenant acme --role supervisor --queue sales");
  add_user(store, "--user audrey --tenant acme --role auditor");
  auto node = start_node(config, store);
  const auto& url = node.url;
  auto admin = login(url, "admin");
  auto betty = login(url, "betty");
  auto ops = login(url, "ops");
  auto alice = login(url, "alice");
  auto sue = login(url, "sue");
  auto audrey = login(url, "audrey");

  const json vip_queue{{"id", "vip"},
                       {"name", "VIP line"},
                       {"skills_required", {{"vip", 1}}},
                       {"ring_timeout_s", 30},
                       {"wrap_up_s", 5},
                       {"service_level_s", 15},
                       {"entry_points", {"200"}},
                       {"trunk_group", "pstn"}};
  const json n1{
      {"id", "n1"}, {"name", "Wang Fang"}, {"skills", {{"sales", 40}}}, {"queues", {"sales"}}};

  // Who may: admins of the tenant and operators; others 403; another tenant 404.
  for (const auto* who : {&alice, &sue, &audrey}) {
    CHECK(who->post("/api/agents", n1, 403)["error"] == "forbidden");
    CHECK(who->post("/api/queues", vip_queue, 403)["error"] == "forbidden");
  }
  auto to_acme = n1;
  to_acme["tenant"] = "acme";
  CHECK(betty.post("/api/agents", to_acme, 404)["error"] == "not_found");
  CHECK(betty.post("/api/queues", with(vip_queue, "tenant", "acme"), 404)["error"] == "not_found");
  // An operator names the tenant.
  CHECK(ops.post("/api/queues", vip_queue, 400)["detail"].get<std::string>().starts_with(
      "field 'tenant' is required"));

  // Malformed bodies: 400 naming the field; a taken id 409.
  CHECK(admin.post("/api/agents", json::object(), 400)["detail"] == "field 'id' is required");
  CHECK(admin.post("/api/agents", {{"id", "n 1"}}, 400)["detail"] ==
        "field 'id': 'n 1' may hold only letters, digits, '_', '-' and '.'");
  CHECK(admin.post("/api/agents", {{"id", "n1"}, {"skills", {1, 2}}}, 400)["detail"] ==
        "field 'skills' must be an object of skill -> level (1..100)");
  CHECK(admin.post("/api/agents", {{"id", "n1"}, {"skills", {{"sales", 0}}}}, 400)["detail"] ==
        "field 'skills': skill 'sales': level 0 is not within 1..100");
  CHECK(admin.post("/api/agents", {{"id", "n1"}, {"skills", {{"slaes", 10}}}}, 400)["detail"]
            .get<std::string>()
            .starts_with("field 'skills.slaes': no queue or agent of tenant 'acme'"));
  CHECK(admin.post("/api/agents", {{"id", "n1"}, {"queues", {"help"}}}, 400)["detail"] ==
        "field 'queues': no queue 'help'"); // beta's
  CHECK(admin.post("/api/agents", {{"id", "n1"}, {"queues", "sales"}}, 400)["error"] ==
        "invalid_field");
  CHECK(admin.post("/api/agents", {{"id", "n1"}, {"team", "red"}}, 400)["detail"]
            .get<std::string>()
            .starts_with("field 'team'"));
  CHECK(admin.post("/api/agents", {{"id", "a1"}}, 409)["error"] == "already_exists");
  CHECK(admin.post("/api/queues", with(vip_queue, "ring_timeout_s", "long"), 400)["detail"] ==
        "field 'ring_timeout_s' must be a number of seconds");
  CHECK(admin.post("/api/queues", with(vip_queue, "ring_timeout_s", 0), 400)["detail"] ==
        "field 'ring_timeout_s': 0 s is not within 1..600 s");
  CHECK(admin.post("/api/queues", with(vip_queue, "strategy", "loudest"), 400)["detail"]
            .get<std::string>()
            .starts_with("field 'strategy' must be one of"));
  CHECK(admin.post("/api/queues", with(vip_queue, "overflow", "queue"), 400)["detail"] ==
        "field 'overflow_queue': required when overflow is 'queue'");
  CHECK(admin.post("/api/queues", with(vip_queue, "entry_points", {"100"}), 409)["error"] ==
        "already_exists");
  CHECK(admin.post("/api/queues", with(vip_queue, "id", "sales"), 409)["error"] ==
        "already_exists");
  auto bad = admin.call("POST", "/api/agents", "{\"id\": ");
  CHECK(bad.status == 400);

  // Created: the queue, then agents serving it.
  CHECK(admin.post("/api/queues", vip_queue, 201)["queue"] == "vip");
  CHECK(admin.post("/api/agents", n1, 201)["agent"] == "n1");
  CHECK(admin.post(
            "/api/agents",
            {{"id", "n2"}, {"name", "Li Ming"}, {"skills", {{"vip", 60}}}, {"queues", {"vip"}}},
            201)["agent"] == "n2");
  CHECK(admin.post("/api/agents", n1, 409)["error"] == "already_exists");
  // The live view learns them from their events, a moment after the answer.
  CHECK(eventually([&] { return admin.get("/api/queues/vip")["name"] == "VIP line"; }));
  CHECK(eventually([&] { return admin.get("/api/agents/n1")["name"] == "Wang Fang"; }));
  CHECK(betty.get("/api/agents/n1", 404)["error"] == "not_found");

  // A person for n1: the account names the new agent.
  CHECK(admin
            .call("POST", "/api/users",
                  json{{"username", "nina"},
                       {"password", password},
                       {"roles", {"agent"}},
                       {"agent_id", "n1"}}
                      .dump())
            .status == 200);
  auto nina = login(url, "nina");
  nina.post("/api/agents/n1/login", json::object());
  nina.post("/api/agents/n1/ready", json::object());
  admin.post("/api/agents/n2/login", json::object());
  admin.post("/api/agents/n2/ready", json::object());
  // A simulated caller of sales rings n1 (a1 is not logged in); n1 answers.
  const auto call = ringing_call(nina, "n1");
  REQUIRE_MESSAGE(!call.empty(), "no sales caller rang n1");
  nina.post("/api/agents/n1/calls/" + call + "/answer", json::object());
  CHECK(eventually([&] { return nina.get("/api/agents/n1")["state"] == "talking"; }));
  // Transferred to the new queue: its agent n2 rings.
  nina.post("/api/agents/n1/calls/" + call + "/transfer",
            {{"mode", "blind"}, {"target_kind", "queue"}, {"target", "vip"}});
  CHECK(ringing_call(admin, "n2") == call);
  admin.post("/api/agents/n2/calls/" + call + "/answer", json::object());
  CHECK(eventually([&] { return admin.get("/api/agents/n2")["state"] == "talking"; }));
  // The metrics know the queue.
  auto metrics = admin.call("GET", "/metrics");
  CHECK(metrics.body.find("queue=\"vip\"") != std::string::npos);
  node.stop();

  // Recorded on config-createsite, authored by the admin, in acme.
  {
    auto opened = drivers::rocksdb_event_store::open(store);
    REQUIRE(opened);
    auto evs = (*opened)->read_stream("config-createsite", 0, SIZE_MAX);
    REQUIRE(evs);
    REQUIRE(evs->size() == 3);
    CHECK((*evs)[0].type == "queue.defined");
    CHECK((*evs)[1].type == "agent.defined");
    for (const auto& e : *evs) {
      CHECK(e.meta.caused_by.id == "admin");
      CHECK(e.meta.tenant == "acme");
    }
  }

  // After a restart both are back from the store and work.
  auto again = start_node(config, store);
  auto admin2 = login(again.url, "admin");
  CHECK(admin2.get("/api/queues/vip")["name"] == "VIP line");
  CHECK(admin2.get("/api/agents/n1")["name"] == "Wang Fang");
  CHECK(admin2.post("/api/agents", n1, 409)["error"] == "already_exists");
  CHECK(admin2.post("/api/queues", vip_queue, 409)["error"] == "already_exists");
  auto nina2 = login(again.url, "nina");
  nina2.post("/api/agents/n1/login", json::object());
  nina2.post("/api/agents/n1/ready", json::object());
  CHECK_FALSE(ringing_call(nina2, "n1").empty());
  again.stop();
}
