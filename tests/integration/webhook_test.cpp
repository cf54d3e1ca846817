// Webhooks end to end (F23): a real `hotline node`, a real HTTP receiver in
// this process (the API's own server, tests/support/webhook_receiver.hpp),
// and the API over real sockets: subscribe, an agent's state changes
// driven through the API arrive signed, 500s are retried in order, a
// paused subscription gets nothing, another tenant's events never arrive,
// nothing is lost across a receiver outage and a node restart, bad input
// is a 400 naming the field, the roles and tenants rule who sees what.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "drivers/api/webhook_signer.hpp"
#include "tests/support/api_node.hpp"
#include "tests/support/center_toml.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/webhook_receiver.hpp"

using namespace hotline;
using namespace std::chrono_literals;
using hotline::test::header_list;
using hotline::test::http_reply;
using hotline::test::webhook_receiver;
using json = nlohmann::json;
using testing::child_process;
using testing::run_capture;
using testing::temp_dir;

namespace {

std::string write_config(const std::string& dir) {
  return hotline::test::center_toml{"hooksite"}
      .tenant("acme")
      .tenant("beta")
      .trunk("pstn", 10)
      .queue("sales", "acme", "sales = 1")
      .queue("help", "beta", "help = 1")
      .agent("a1", "acme", "sales = 50", {"sales"})
      .agent("b1", "beta", "help = 50", {"help"})
      .entry("100", "acme", "sales")
      .raw("[api]\nwebhook_allow_private = true")
      .write(dir);
}

using namespace hotline::test::api;

json body_of(const drivers::api::http_request& r) {
  return json::parse(r.body);
}

/// Every request `rx` got, checked: signed with `secret`, of tenant `tenant`.
void check_signed(const webhook_receiver& rx, const std::string& secret,
                  const std::string& tenant) {
  for (const auto& r : rx.received()) {
    INFO(r.body);
    const auto ts = r.header("x-hotline-timestamp");
    CHECK(r.header("x-hotline-signature") == drivers::api::webhook_signature(secret, ts, r.body));
    const auto j = body_of(r);
    if (j.value("type", "") != "webhook.ping") CHECK(j.at("tenant") == tenant);
  }
}

/// The event types `rx` received, in order (pings left out).
std::vector<std::string> types_of(const webhook_receiver& rx) {
  std::vector<std::string> out;
  for (const auto& r : rx.received())
    if (r.header("x-hotline-event") != "webhook.ping") out.push_back(r.header("x-hotline-event"));
  return out;
}

/// Waits until `rx` has `n` requests and nothing more arrives for a moment.
void settle(webhook_receiver& rx, std::size_t n) {
  REQUIRE_MESSAGE(rx.wait_for(n, 30s), "only " << rx.count() << " of " << n << " arrived");
  std::this_thread::sleep_for(500ms);
}

} // namespace

TEST_CASE("webhooks: subscribe, signed deliveries, retries in order, pause, tenants, a restart") {
  temp_dir dir;
  const auto config = write_config(dir.path());
  const auto store = dir.path() + "/store";
  add_user(store, "--user admin --tenant acme --role admin");
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  add_user(store, "--user boss --tenant beta --role admin");
  add_user(store, "--user bob --tenant beta --role agent --agent b1");
  auto node = start_node(config, store);
  webhook_receiver rx, rx_beta;
  auto admin = login(node.url, "admin");
  auto alice = login(node.url, "alice");
  auto boss = login(node.url, "boss");
  auto bob = login(node.url, "bob");

  // Bad input: a 400 naming the field.
  CHECK(admin.post("/api/webhooks", {{"types", {"agent.*"}}}, 400)["detail"] ==
        "field 'url' is required");
  CHECK(admin.post("/api/webhooks", {{"url", rx.url()}}, 400)["detail"] ==
        "field 'types' is required");
  for (const std::string bad_url : {"ftp://127.0.0.1/x", "http://u:p@127.0.0.1/x", "127.0.0.1:80/x",
                                    "http://127.0.0.1:99999/"}) {
    auto j = admin.post("/api/webhooks", {{"url", bad_url}, {"types", {"agent.*"}}}, 400);
    CHECK(j["error"] == "invalid_field");
    CHECK(j["detail"].get<std::string>().rfind("field 'url': ", 0) == 0);
  }
  for (const auto& bad_types :
       {json::array(), json::array({"agent.redy"}), json::array({"webhook.*"}), json::array({5})}) {
    auto j = admin.post("/api/webhooks", {{"url", rx.url()}, {"types", bad_types}}, 400);
    CHECK(j["detail"].get<std::string>().rfind("field 'types'", 0) == 0);
  }
  CHECK(admin.post("/api/webhooks", {{"url", 5}, {"types", {"*"}}}, 400)["detail"] ==
        "field 'url' must be a string");

  // Who may: an agent 403; another tenant's admin 404.
  CHECK(alice.get("/api/webhooks", 403)["error"] == "forbidden");
  alice.post("/api/webhooks", {{"url", rx.url()}, {"types", {"*"}}}, 403);

  auto created = admin.post("/api/webhooks", {{"url", rx.url()}, {"types", {"agent.*"}}}, 201);
  const std::string id = created["id"];
  const std::string secret = created["secret"];
  CHECK(secret.size() == 64);
  CHECK(created["status"] == "active");
  CHECK(created["tenant"] == "acme");
  auto shown = admin.get("/api/webhooks/" + id);
  CHECK(shown["url"] == rx.url());
  CHECK_FALSE(shown.contains("secret")); // shown once, at creation
  CHECK(admin.get("/api/webhooks")["webhooks"].size() == 1);
  CHECK(boss.get("/api/webhooks/" + id, 404)["error"] == "not_found");
  boss.post("/api/webhooks/" + id + "/pause", json::object(), 404);
  CHECK(boss.get("/api/webhooks")["webhooks"].empty());
  auto beta_hook =
      boss.post("/api/webhooks", {{"url", rx_beta.url()}, {"types", {"agent.*"}}}, 201);

  // An agent's state changes, driven through the API, arrive signed
  // (logging in makes the agent ready: two events).
  alice.post("/api/agents/a1/login", json::object());
  bob.post("/api/agents/b1/login", json::object());
  settle(rx, 2);
  settle(rx_beta, 2);
  CHECK(types_of(rx) == std::vector<std::string>{"agent.logged_in", "agent.ready"});
  check_signed(rx, secret, "acme"); // never beta's events
  check_signed(rx_beta, beta_hook["secret"], "beta");
  CHECK(body_of(rx.received()[0])["data"]["agent_id"] == "a1");

  // 500 twice, then 200: the event is delivered again, and the next waits its turn.
  rx.script({500, 500});
  alice.post("/api/agents/a1/not-ready", {{"reason", "lunch"}});
  alice.post("/api/agents/a1/ready", json::object());
  settle(rx, 6);
  CHECK(types_of(rx) == std::vector<std::string>{"agent.logged_in", "agent.ready",
                                                 "agent.not_ready", "agent.not_ready",
                                                 "agent.not_ready", "agent.ready"});
  check_signed(rx, secret, "acme");
  {
    auto log = admin.get("/api/webhooks/" + id + "/deliveries?limit=3")["deliveries"];
    REQUIRE(log.size() == 3);
    CHECK(log[0]["type"] == "agent.ready"); // newest first
    CHECK(log[1]["type"] == "agent.not_ready");
    CHECK(log[1]["status"] == 200);
    CHECK(log[1]["attempt"] == 3);
    CHECK(log[2]["status"] == 500);
    CHECK(admin.get("/api/webhooks/" + id + "/deliveries?limit=0", 400)["detail"] ==
          "query parameter 'limit' must be a whole number from 1 to 100");
  }
  // A ping, on demand.
  auto ping = admin.post("/api/webhooks/" + id + "/test", json::object());
  CHECK(ping["delivered"] == true);
  settle(rx, 7);
  CHECK(rx.received().back().header("x-hotline-event") == "webhook.ping");
  check_signed(rx, secret, "acme");

  // Paused: nothing arrives; resumed: what happened meanwhile follows.
  CHECK(admin.post("/api/webhooks/" + id + "/pause", {{"reason", "maintenance"}})["status"] ==
        "paused");
  alice.post("/api/agents/a1/not-ready", {{"reason", "break"}});
  std::this_thread::sleep_for(1500ms);
  CHECK(rx.count() == 7);
  CHECK(admin.post("/api/webhooks/" + id + "/resume", json::object())["status"] == "active");
  settle(rx, 8);
  CHECK(types_of(rx).back() == "agent.not_ready");

  // Updating the types: only agent.not_ready from now on.
  CHECK(admin.post("/api/webhooks/" + id + "/update", {{"types", {"agent.not_ready"}}})["types"] ==
        json::array({"agent.not_ready"}));
  admin.post("/api/webhooks/" + id + "/update", json::object(), 400);
  admin.post("/api/webhooks/" + id + "/update", {{"url", "gopher://x"}}, 400);

  // The receiver goes down, events happen, the node restarts: nothing is lost.
  const auto port = rx.port();
  rx.stop();
  alice.post("/api/agents/a1/ready", json::object()); // not selected any more
  alice.post("/api/agents/a1/not-ready", {{"reason", "meeting"}});
  alice.post("/api/agents/a1/ready", json::object());
  alice.post("/api/agents/a1/not-ready", {{"reason", "training"}});
  std::this_thread::sleep_for(1s);
  node.p->signal(SIGINT);
  CHECK(node.p->wait() == 0);
  rx.listen(port);
  node = start_node(config, store);
  admin.url = node.url;
  settle(rx, 10);
  {
    auto got = rx.received();
    REQUIRE(got.size() >= 10); // (a restart may add agent events of its own)
    CHECK(body_of(got[8])["data"]["reason"] == "meeting");
    CHECK(body_of(got[9])["data"]["reason"] == "training");
    CHECK(body_of(got[8])["position"].get<std::uint64_t>() <
          body_of(got[9])["position"].get<std::uint64_t>());
  }
  check_signed(rx, secret, "acme");

  // Metrics: by tenant and result, never an id.
  {
    auto m = admin.call("GET", "/metrics");
    REQUIRE(m.status == 200);
    CHECK(m.body.find("hotline_webhook_deliveries_total{tenant=\"acme\",result=\"delivered\"}") !=
          std::string::npos);
    CHECK(m.body.find("hotline_webhook_lag_events{tenant=\"acme\"}") != std::string::npos);
    CHECK(m.body.find(id) == std::string::npos);
    std::ofstream(dir.path() + "/metrics.txt") << m.body;
    std::string out;
    CHECK_MESSAGE(run_capture({"/bin/bash", "-c",
                               "promtool check metrics < " + dir.path() + "/metrics.txt 2>&1"},
                              out) == 0,
                  out);
  }

  // Deleted: gone.
  CHECK(admin.post("/api/webhooks/" + id + "/delete", json::object())["status"] == "deleted");
  admin.get("/api/webhooks/" + id, 404);
  CHECK(admin.get("/api/webhooks")["webhooks"].empty());
  node.p->signal(SIGINT);
  CHECK(node.p->wait() == 0);
}
