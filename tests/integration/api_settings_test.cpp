// The node API's dispositions and runtime settings end to end (issue 21): a
// real `hotline node` with simulated callers, users made by `hotline users
// add`, clients over real sockets. An agent sets the disposition and notes
// of a caller's call while talking and in after-call work (seen live, on its
// feed and in the customer's history), an admin changes the queue's ring
// time-out and wrap-up and the trunk group's channels at runtime; the role
// × tenant rules and bad input are answered with 403/404/400 naming the
// field; the store says who did what, and a restarted node keeps the
// settings.
#include <doctest/doctest.h>

#include <csignal>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "tests/support/api_node.hpp"
#include "tests/support/center_toml.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using namespace std::chrono_literals;
using hotline::test::ws_client;
using json = nlohmann::json;
using testing::run_capture;
using testing::temp_dir;

namespace {

/// acme's `sales` (its disposition codes listed) is served by a1, whom
/// alice drives; beta's `help` is another tenant's. Callers arrive every
/// few seconds and wait long.
std::string write_config(const std::string& dir) {
  return hotline::test::center_toml{"setsite"}
      .tenant("acme")
      .tenant("beta")
      .trunk("pstn", 50)
      .queue("sales", "acme", "sales = 1",
             "ring_timeout_s = 30\nwrap_up_s = 60\ndispositions = [\"sale\", \"no_sale\", "
             "\"call_back\"]")
      .queue("help", "beta", "help = 1")
      .agent("a1", "acme", "sales = 50", {"sales"})
      .agent("a2", "acme", "other = 50", {})
      .agent("sup1", "acme", "", {}, "supervisor = true")
      .agent("b1", "beta", "help = 50", {"help"})
      .entry("100", "acme", "sales")
      .traffic("100", 720, 7, {"a1", "a2", "sup1", "b1"})
      .write(dir);
}

using namespace hotline::test::api;

/// Every event of the store, through `hotline store read` (the node may run).
std::vector<json> read_store(const std::string& store, const std::string& stream = {}) {
  std::vector<std::string> argv{HOTLINE_BIN, "store", "read", "--store", store};
  if (!stream.empty()) {
    argv.push_back("--stream");
    argv.push_back(stream);
  }
  std::string out;
  REQUIRE(run_capture(argv, out) == 0);
  std::vector<json> events;
  std::istringstream lines{out};
  for (std::string line; std::getline(lines, line);) {
    auto j = json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object()) events.push_back(j);
  }
  return events;
}

} // namespace

TEST_CASE("node API: dispositions and notes, queue settings and trunk channels at runtime") {
  temp_dir dir;
  const auto config = write_config(dir.path());
  const auto store = dir.path() + "/store";
  add_user(store, "--user admin --tenant acme --role admin");
  add_user(store, "--user betty --tenant beta --role admin");
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  add_user(store, "--user ann --tenant acme --role agent --agent a2");
  add_user(store, "--user sue --tenant acme --role supervisor --agent sup1 --queue sales");
  add_user(store, "--user op --role operator");
  auto node = start_node(config, store);
  const auto& url = node.url;
  auto admin = login(url, "admin");
  auto betty = login(url, "betty");
  auto alice = login(url, "alice");
  auto ann = login(url, "ann");
  auto sue = login(url, "sue");
  auto op = login(url, "op");

  // -- queue settings --------------------------------------------------------
  const json ring5{{"ring_timeout_s", 5}};
  CHECK(alice.post("/api/queues/sales/settings", ring5, 403)["error"] == "forbidden");
  CHECK(sue.post("/api/queues/sales/settings", ring5, 403)["error"] == "forbidden");
  CHECK(betty.post("/api/queues/sales/settings", ring5, 404)["error"] == "not_found");
  CHECK(admin.post("/api/queues/nowhere/settings", ring5, 404)["error"] == "not_found");
  CHECK(admin.post("/api/queues/sales/settings", json::object(), 400)["error"] == "missing_field");
  CHECK(admin.post("/api/queues/sales/settings", {{"ring_timeout_s", "5"}}, 400)["detail"] ==
        "field 'ring_timeout_s' must be an integer");
  CHECK(admin.post("/api/queues/sales/settings", {{"ring_timeout_s", 0}}, 400)["detail"] ==
        "field 'ring_timeout_s' must be from 1 to 600 s (got 0)");
  CHECK(admin.post("/api/queues/sales/settings", {{"max_length", -1}}, 400)["detail"] ==
        "field 'max_length' must be from 0 to 1000000 (got -1)");
  CHECK(admin.post("/api/queues/sales/settings", {{"colour", "red"}}, 400)["detail"]
            .get<std::string>()
            .starts_with("field 'colour' is not a queue setting"));
  CHECK(admin.post("/api/queues/sales/settings", {{"overflow", "sideways"}}, 400)["detail"] ==
        "field 'overflow' must be one of: none, queue, voicemail, callback");
  CHECK(admin.post("/api/queues/sales/settings", {{"overflow_queue", "help"}}, 400)["detail"] ==
        "field 'overflow_queue': no queue 'help'"); // beta's: as unknown as a missing one
  CHECK(admin.post("/api/queues/sales/settings", {{"overflow", "queue"}}, 400)["detail"] ==
        "field 'overflow_queue' must name the queue that takes the calls (overflow = queue)");
  CHECK(admin.post("/api/queues/sales/settings", {{"skills", {{"sales", 0}}}}, 400)["detail"] ==
        "field 'skills' skill 'sales': minimum level 0 is not within 1..100");
  CHECK(admin.post("/api/queues/sales/settings",
                   {{"ring_timeout_s", 5}, {"wrap_up_s", 120}, {"reason", "storm"}})["status"] ==
        "done");
  auto settings = alice.get("/api/queues/sales/settings"); // any user of the tenant reads them
  CHECK(settings["ring_timeout_s"] == 5);
  CHECK(settings["wrap_up_s"] == 120);
  CHECK(settings["dispositions"] == json::array({"sale", "no_sale", "call_back"}));
  CHECK(betty.get("/api/queues/sales/settings", 404)["error"] == "not_found");

  // -- trunk channels ---------------------------------------------------------
  const json ten{{"channels", 10}};
  CHECK(alice.post("/api/trunks/pstn/settings", ten, 403)["error"] == "forbidden");
  CHECK(sue.post("/api/trunks/pstn/settings", ten, 403)["error"] == "forbidden");
  CHECK(betty.post("/api/trunks/pstn/settings", ten, 404)["error"] == "not_found");
  CHECK(admin.post("/api/trunks/nowhere/settings", ten, 404)["error"] == "not_found");
  CHECK(admin.post("/api/trunks/pstn/settings", json::object(), 400)["detail"] ==
        "field 'channels' is required");
  CHECK(admin.post("/api/trunks/pstn/settings", {{"channels", "ten"}}, 400)["detail"] ==
        "field 'channels' must be an integer");
  CHECK(admin.post("/api/trunks/pstn/settings", {{"channels", 0}}, 400)["detail"] ==
        "field 'channels' must be from 1 to 10000 (got 0)");
  CHECK(admin.post("/api/trunks/pstn/settings",
                   {{"channels", 10}, {"reason", "maintenance"}})["status"] == "done");
  // Read right after the change: the group's actor answers, not the live view.
  const auto trunk = admin.get("/api/trunks/pstn/settings");
  CHECK(trunk["channels"] == 10);
  CHECK(trunk["busy"] == 0);
  CHECK(eventually([&] {
    const auto health = op.get("/api/health"); // kept: the loop reads into it
    for (const auto& t : health["node"]["trunks"])
      if (t["id"] == "pstn") return t["channels"] == 10;
    return false;
  }));

  // -- dispositions ----------------------------------------------------------
  ws_client feed;
  REQUIRE_MESSAGE(feed.connect(url, "/api/feed", {{"Cookie", alice.cookie}}), feed.error());
  alice.post("/api/agents/a1/login", json::object());
  alice.post("/api/agents/a1/ready", json::object());
  auto a1 = [&] { return alice.get("/api/agents/a1"); };
  std::string call;
  REQUIRE(eventually([&] {
    auto j = a1();
    if (j["state"] != "ringing") return false;
    call = j["call_id"].get<std::string>();
    return true;
  }));
  // The offer rings for the new 5 s, not the file's 30 s.
  const auto rang = std::chrono::steady_clock::now();
  while (a1()["state"] == "ringing" && a1()["call_id"] == call &&
         std::chrono::steady_clock::now() - rang < 20s)
    std::this_thread::sleep_for(100ms);
  CHECK(std::chrono::steady_clock::now() - rang < 12s);
  // The next offer is answered.
  REQUIRE(eventually([&] {
    auto j = a1();
    if (j["state"] != "ringing") return false;
    call = j["call_id"].get<std::string>();
    return true;
  }));
  const auto disp = "/api/agents/a1/calls/" + call + "/disposition";
  CHECK(alice.post(disp, {{"code", "sale"}}, 409)["error"] == "not_answered");
  alice.post("/api/agents/a1/calls/" + call + "/answer", json::object());
  CHECK(eventually([&] { return a1()["state"] == "talking"; }));

  // who may: the agent itself and an admin; another agent or tenant 404, a supervisor 403
  CHECK(ann.post(disp, {{"code", "sale"}}, 404)["error"] == "not_found");
  CHECK(betty.post(disp, {{"code", "sale"}}, 404)["error"] == "not_found");
  CHECK(sue.post(disp, {{"code", "sale"}}, 403)["error"] == "forbidden");
  // bad input: 400 naming the field
  CHECK(alice.post(disp, json::object(), 400)["detail"] == "field 'code' is required");
  CHECK(alice.post(disp, {{"code", 5}}, 400)["detail"] == "field 'code' must be a string");
  CHECK(alice.post(disp, {{"code", "  "}}, 400)["detail"] == "field 'code' must not be empty");
  CHECK(alice.post(disp, {{"code", std::string(65, 'x')}}, 400)["detail"] ==
        "field 'code' must be at most 64 characters (got 65)");
  CHECK(alice.post(disp, {{"code", "sale"}, {"notes", std::string(4001, 'n')}}, 400)["detail"] ==
        "field 'notes' must be at most 4000 characters (got 4001)");
  CHECK(alice.post(disp, {{"code", "maybe"}}, 400)["detail"] ==
        "field 'code': disposition code 'maybe' is not one of queue sales's: sale, no_sale, "
        "call_back");
  CHECK(alice.post("/api/agents/a1/calls/nocall/disposition", {{"code", "sale"}}, 409)["error"] ==
        "not_on_desk");

  CHECK(alice.post(disp, {{"code", "sale"}, {"notes", "wants the blue one"}})["status"] == "done");
  CHECK(eventually([&] { return a1()["disposition"] == "sale"; }));
  CHECK(a1()["notes"] == "wants the blue one");
  // after-call work: still on the desk
  alice.post("/api/agents/a1/calls/" + call + "/hangup", json::object());
  CHECK(eventually([&] { return a1()["state"] == "wrap_up"; }));
  CHECK(alice.post(disp, {{"code", "no_sale"}, {"notes", "changed mind\nsecond line"}})["status"] ==
        "done");
  CHECK(admin.post(disp, {{"code", "no_sale"}, {"notes", "changed mind\nsecond line"}})["status"] ==
        "done"); // an admin may too: recorded again
  CHECK(eventually([&] { return a1()["disposition"] == "no_sale"; }));
  // the feed carries it (it is an event)
  bool on_feed = false;
  for (int i = 0; i < 200 && !on_feed; ++i) {
    auto m = feed.receive(100ms);
    if (!m) continue;
    auto j = json::parse(*m, nullptr, false);
    on_feed = j.value("type", "") == "event" &&
              j["event"].value("type", "") == "agent.disposition_set" &&
              j["event"]["data"]["code"] == "sale";
  }
  CHECK(on_feed);
  // The customer's history shows it.
  std::string customer;
  for (const auto& e : read_store(store, "call-" + call))
    if (e["type"] == "call.arrived") customer = e["data"]["customer_id"].get<std::string>();
  REQUIRE_FALSE(customer.empty());
  CHECK(eventually([&] {
    auto p = admin.get("/api/customers/" + customer);
    for (const auto& i : p["interactions"])
      if (i["call_id"] == call) return i["disposition"] == "no_sale";
    return false;
  }));
  // once the desk lets the call go, no more
  alice.post("/api/agents/a1/calls/" + call + "/wrap-up-done", json::object());
  CHECK(eventually([&] { return a1()["state"] != "wrap_up"; }));
  CHECK(alice.post(disp, {{"code", "sale"}}, 409)["error"] == "not_on_desk");
  node.stop();

  // Every change is an event of its object's stream, authored by its user.
  std::map<std::string, std::vector<std::string>> authors;
  for (const auto& e : read_store(store)) {
    const auto type = e["type"].get<std::string>();
    if (type == "queue.settings_changed" || type == "trunk.channels_changed" ||
        type == "agent.disposition_set")
      authors[type].push_back(e["caused_by"].dump());
    if (type == "agent.call_ended" && e["data"]["call_id"] == call)
      CHECK(e["data"]["wrap_up_ms"] == 120000); // the new wrap-up time
  }
  REQUIRE(authors["queue.settings_changed"].size() == 1);
  CHECK(authors["queue.settings_changed"][0].find("admin") != std::string::npos);
  REQUIRE(authors["trunk.channels_changed"].size() == 1);
  CHECK(authors["trunk.channels_changed"][0].find("admin") != std::string::npos);
  REQUIRE(authors["agent.disposition_set"].size() == 3);
  CHECK(authors["agent.disposition_set"][0].find("alice") != std::string::npos);
  CHECK(authors["agent.disposition_set"][2].find("admin") != std::string::npos);
  // The CRM rebuilt from the store has the disposition too.
  std::string profile;
  REQUIRE(run_capture({HOTLINE_BIN, "crm", "show", "--store", store, "--customer", customer,
                       "--tenant", "acme"},
                      profile) == 0);
  CHECK(profile.find("changed mind") != std::string::npos);

  // A restarted node keeps the settings (the stream wins over the file).
  auto again = start_node(config, store);
  auto admin2 = login(again.url, "admin");
  auto after = admin2.get("/api/queues/sales/settings");
  CHECK(after["ring_timeout_s"] == 5);
  CHECK(after["wrap_up_s"] == 120);
  CHECK(admin2.get("/api/trunks/pstn/settings")["channels"] == 10);
  again.stop();
}
