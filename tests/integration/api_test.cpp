// The node API end to end (issue 21): a real `hotline node` with simulated
// callers, users made by `hotline users add`, and a client over real
// sockets: log in, the role × tenant rules, bad input, an agent driven
// through the API taking a simulated caller's call while its feed shows
// the offer with the screen pop, a supervisor's barge, the feed resumed
// after a dropped connection, /metrics checked by promtool, the OpenAPI
// document checked against the routes. Afterwards the store says who did
// what.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <set>
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
using hotline::test::header_list;
using hotline::test::http_reply;
using hotline::test::ws_client;
using json = nlohmann::json;
using testing::child_process;
using testing::run_capture;
using testing::temp_dir;

namespace {

/// Two tenants. acme's queue `sales` is served by a1 only, whom people
/// drive through the API; callers arrive every few seconds and wait long.
std::string write_config(const std::string& dir) {
  return hotline::test::center_toml{"apisite"}
      .tenant("acme")
      .tenant("beta")
      .trunk("pstn", 50)
      .queue("sales", "acme", "sales = 1", "ring_timeout_s = 30\nwrap_up_s = 60")
      .queue("help", "beta", "help = 1")
      .agent("a1", "acme", "sales = 50", {"sales"})
      .agent("a2", "acme", "other = 50", {})
      .agent("sup1", "acme", "", {}, "supervisor = true")
      .agent("b1", "beta", "help = 50", {"help"})
      .entry("100", "acme", "sales")
      .traffic("100", 720, 5, {"a1", "a2", "sup1", "b1"})
      .write(dir);
}

using namespace hotline::test::api;

/// Reads feed messages until `pred` holds for one (returned) or 20 s pass.
std::optional<json> wait_for(ws_client& ws, std::vector<json>& seen,
                             const std::function<bool(const json&)>& pred) {
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < until) {
    auto m = ws.receive(1s);
    if (!m) {
      if (!ws.is_open()) return std::nullopt;
      continue;
    }
    auto j = json::parse(*m, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    seen.push_back(j);
    if (pred(j)) return j;
  }
  return std::nullopt;
}

bool is_event(const json& m, const std::string& type) {
  return m.value("type", "") == "event" && m["event"].value("type", "") == type;
}

} // namespace

TEST_CASE("node API: users, roles, an agent's call end to end, a barge, feeds that resume") {
  temp_dir dir;
  const auto config = write_config(dir.path());
  const auto store = dir.path() + "/store";
  add_user(store, "--user admin --tenant acme --role admin");
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  add_user(store, "--user ann --tenant acme --role agent --agent a2");
  add_user(store, "--user sue --tenant acme --role supervisor --agent sup1 --queue sales");
  add_user(store, "--user audrey --tenant acme --role auditor");
  add_user(store, "--user bob --tenant beta --role agent --agent b1");
  auto node = start_node(config, store);
  const auto& url = node.url;

  // Probes and the public documents need no login.
  client anon{url, {}};
  CHECK(anon.get("/healthz")["status"] == "ok");
  for (int i = 0; i < 100 && anon.call("GET", "/readyz").status != 200; ++i)
    std::this_thread::sleep_for(100ms);
  CHECK(anon.call("GET", "/readyz").status == 200);
  CHECK(anon.get("/api/me", 401)["error"] == "unauthenticated");
  // Nobody's body is read before the sender is known.
  CHECK(anon.call("POST", "/api/agents/a1/not-ready", "{\"reason\": ").status == 401);

  // Logging in: a wrong password and an unknown user look the same.
  CHECK(anon.post("/api/login", {{"username", "alice"}, {"password", "wrong wrong wrong"}},
                  401)["error"] == "invalid_credentials");
  CHECK(anon.post("/api/login", {{"username", "nobody"}, {"password", password}}, 401)["error"] ==
        "invalid_credentials");
  CHECK(anon.post("/api/login", {{"username", "alice"}}, 400)["detail"] ==
        "field 'password' is required");
  auto alice = login(url, "alice");
  auto me = alice.get("/api/me");
  CHECK(me["tenant"] == "acme");
  CHECK(me["agent_id"] == "a1");
  auto sue = login(url, "sue");
  auto audrey = login(url, "audrey");
  auto bob = login(url, "bob");
  auto ann = login(url, "ann");

  // Bad input: clear 400s naming what is wrong; sizes and types bounded.
  {
    auto r = alice.call("POST", "/api/agents/a1/not-ready", "{\"reason\": ");
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"] == "malformed_json");
    CHECK(alice.post("/api/agents/a1/not-ready", json{{"reason", 5}}, 400)["detail"] ==
          "field 'reason' must be a string");
    CHECK(alice.post("/api/agents/a1/login", json{{"queues", {"nowhere"}}}, 400)["detail"] ==
          "field 'queues': no queue 'nowhere'");
    auto big = alice.call("POST", "/api/agents/a1/not-ready",
                          json{{"reason", std::string(2 * 1024 * 1024, 'x')}}.dump());
    CHECK(big.status == 413);
    auto text =
        alice.call("POST", "/api/agents/a1/ready", "ready", {{"Content-Type", "text/plain"}});
    CHECK(text.status == 415);
    CHECK(alice.get("/api/nothing/here", 404)["error"] == "not_found");
    CHECK(alice.call("DELETE", "/api/me").status == 405);
  }

  // Who may do what: another agent (404), another tenant (404), a role that may not (403).
  CHECK(alice.post("/api/agents/a2/ready", json::object(), 404)["error"] == "not_found");
  CHECK(alice.post("/api/agents/b1/ready", json::object(), 404)["error"] == "not_found");
  CHECK(bob.get("/api/queues/sales", 404)["error"] == "not_found");
  CHECK(audrey.post("/api/agents/a1/ready", json::object(), 403)["error"] == "forbidden");
  CHECK(ann.get("/api/audit", 403)["error"] == "forbidden");
  CHECK(bob.get("/api/customers/anyone", 403)["error"] == "forbidden");
  CHECK(sue.post("/api/agents/b1/force", {{"state", "ready"}}, 404)["error"] == "not_found");
  {
    auto queues = bob.get("/api/queues")["queues"];
    REQUIRE(queues.size() == 1);
    CHECK(queues[0]["id"] == "help");
  }

  // alice's desktop feed: a snapshot first, then her own events.
  ws_client feed;
  REQUIRE_MESSAGE(feed.connect(url, "/api/feed", {{"Cookie", alice.cookie}}), feed.error());
  std::vector<json> seen;
  auto snapshot = wait_for(feed, seen, [](const json& m) { return m["type"] == "snapshot"; });
  REQUIRE(snapshot);
  REQUIRE((*snapshot)["agents"].size() == 1); // herself only
  CHECK((*snapshot)["agents"][0]["id"] == "a1");
  {
    ws_client nobody;
    CHECK_FALSE(nobody.connect(url, "/api/feed"));
    CHECK(nobody.handshake().status == 401);
  }

  // alice logs in and goes ready; a caller (simulated) is offered to her
  // with the screen pop; she answers; sue barges; alice holds, resumes,
  // hangs up and ends her wrap-up.
  alice.post("/api/agents/a1/login", json::object());
  alice.post("/api/agents/a1/ready", json::object());
  CHECK(alice.post("/api/agents/a1/ready", json::object(), 200)["status"] == "done");
  auto offer = wait_for(feed, seen, [](const json& m) { return is_event(m, "agent.reserved"); });
  REQUIRE_MESSAGE(offer, "no offer reached alice's feed");
  const std::string call_id = (*offer)["event"]["data"]["call_id"];
  REQUIRE((*offer).contains("screen_pop"));
  INFO("the offer: " << offer->dump());
  CHECK((*offer)["screen_pop"]["call"]["id"] == call_id);
  CHECK((*offer)["screen_pop"]["call"]["queue"] == "sales");
  const auto offered_seq = (*offer)["seq"].get<std::uint64_t>();

  alice.post("/api/agents/a1/calls/" + call_id + "/answer", json::object());
  CHECK(wait_for(feed, seen, [](const json& m) { return is_event(m, "agent.call_started"); }));
  // The feed is alice's: no other agent's events.
  for (const auto& m : seen)
    if (m["type"] == "event" && m["event"]["stream"].get<std::string>().rfind("agent-", 0) == 0)
      CHECK(m["event"]["stream"] == "agent-a1");

  // A supervisor of the queue sees the call and barges; an agent may not.
  CHECK(ann.post("/api/agents/a1/calls/" + call_id + "/supervise", {{"mode", "barge"}},
                 404)["error"] == "not_found");
  CHECK(sue.post("/api/agents/a1/calls/" + call_id + "/supervise", {{"mode", "shout"}},
                 400)["error"] == "invalid_field");
  sue.post("/api/agents/a1/calls/" + call_id + "/supervise", {{"mode", "barge"}});
  {
    auto agents = sue.get("/api/agents")["agents"];
    std::set<std::string> ids;
    for (const auto& a : agents)
      ids.insert(a["id"]);
    CHECK(ids == std::set<std::string>{"a1"}); // the agents of her queues only
    auto q = sue.get("/api/queues/sales");
    CHECK(q["agents"]["talking"] == 1);
  }
  // She leaves the call; leaving twice is refused, naming why.
  sue.post("/api/agents/a1/calls/" + call_id + "/supervise", {{"mode", "stop"}});
  CHECK(sue.post("/api/agents/a1/calls/" + call_id + "/supervise", {{"mode", "stop"}},
                 409)["error"] == "not_supervising");

  // Recording (this node has no telephony: nothing is recorded): the agent on the
  // call and a supervisor of its queue may ask, and hear why not; another agent may not.
  const auto recording = "/api/agents/a1/calls/" + call_id + "/recording/";
  CHECK(alice.post(recording + "pause", json::object(), 409)["error"] == "not_recorded");
  CHECK(sue.post(recording + "resume", json::object(), 409)["error"] == "not_recorded");
  CHECK(ann.post(recording + "pause", json::object(), 404)["error"] == "not_found");

  alice.post("/api/agents/a1/calls/" + call_id + "/hold", json::object());
  CHECK(alice.post("/api/agents/a1/calls/" + call_id + "/wrap-up-done", json::object(),
                   409)["error"] == "not_in_wrap_up");
  alice.post("/api/agents/a1/calls/" + call_id + "/resume", json::object());
  CHECK(alice.post("/api/agents/a1/calls/nosuchcall/hangup", json::object(), 409)["error"] ==
        "not_on_desk");
  alice.post("/api/agents/a1/not-ready", {{"reason", "after this call"}});
  alice.post("/api/agents/a1/calls/" + call_id + "/hangup", json::object());
  auto ended = wait_for(feed, seen, [](const json& m) { return is_event(m, "agent.call_ended"); });
  REQUIRE(ended);
  const auto last_seq = (*ended)["seq"].get<std::uint64_t>();

  // The connection drops; what happens meanwhile is read back on resume.
  feed.close();
  alice.post("/api/agents/a1/calls/" + call_id + "/wrap-up-done", json::object());
  ws_client again;
  REQUIRE(again.connect(url, "/api/feed?since=" + std::to_string(last_seq),
                        {{"Cookie", alice.cookie}}));
  std::vector<json> resumed;
  auto wrap =
      wait_for(again, resumed, [](const json& m) { return is_event(m, "agent.wrap_up_ended"); });
  REQUIRE(wrap);
  std::uint64_t prev = last_seq;
  for (const auto& m : resumed) {
    CHECK(m["type"] == "event");                 // a resume, not a snapshot
    CHECK(m["seq"].get<std::uint64_t>() > prev); // in order, nothing twice
    prev = m["seq"].get<std::uint64_t>();
  }
  CHECK(offered_seq < last_seq);
  {
    ws_client bad;
    CHECK_FALSE(bad.connect(url, "/api/feed?since=later", {{"Cookie", alice.cookie}}));
    CHECK(bad.handshake().status == 400);
  }

  // An auditor reads a customer (audited) and the history.
  auto pop_customer = (*offer)["screen_pop"]["call"]["customer_id"].get<std::string>();
  audrey.get("/api/customers/" + (pop_customer.empty() ? std::string{"nobody"} : pop_customer),
             pop_customer.empty() ? 404 : 200);
  auto history = audrey.get("/api/audit?stream=call-" + call_id + "&limit=50");
  CHECK(history["events"].size() >= 4);
  for (const auto& e : history["events"])
    CHECK(e["tenant"] == "acme");

  // /metrics passes promtool; the OpenAPI document lists routes that exist.
  {
    auto m = anon.call("GET", "/metrics");
    CHECK(m.status == 200);
    CHECK(m.header("content-type").find("text/plain; version=0.0.4") == 0);
    CHECK(m.body.find("hotline_queue_waiting{tenant=\"acme\",queue=\"sales\"}") !=
          std::string::npos);
    CHECK(m.body.find("hotline_trunk_up{trunk=\"pstn\"} 1\n") != std::string::npos);
    std::ofstream(dir.path() + "/metrics.txt") << m.body;
    std::string out;
    CHECK_MESSAGE(run_capture({"/bin/bash", "-c",
                               "promtool check metrics < " + dir.path() + "/metrics.txt 2>&1"},
                              out) == 0,
                  out);
    auto doc = anon.get("/api/openapi.json");
    auto prober = login(url, "alice"); // the probe calls POST /api/logout too
    CHECK(doc["openapi"] == "3.0.3");
    int routes = 0;
    for (auto& [path, ops] : doc["paths"].items())
      for (auto& [method, op] : ops.items()) {
        ++routes;
        std::string concrete = path;
        for (auto at = concrete.find('{'); at != std::string::npos; at = concrete.find('{'))
          concrete.replace(at, concrete.find('}', at) - at + 1, "x");
        std::string upper = method;
        for (auto& ch : upper)
          ch = char(std::toupper(ch));
        auto r = prober.call(upper, concrete, upper == "POST" ? "{}" : "");
        auto body = json::parse(r.body, nullptr, false);
        INFO(upper << " " << concrete << " -> " << r.status << " " << r.body);
        CHECK(r.status != 405);
        if (r.status == 404 && body.is_object())
          CHECK(body["detail"].get<std::string>().rfind("no route", 0) != 0);
      }
    CHECK(routes >= 30);
    // docs/api.md names every route of the document: the path itself, or
    // its parent with the last segment in the same row ("`POST
    // /api/agents/{id}/calls/{call}/hold`, `resume`").
    std::ifstream md{std::string{HOTLINE_SOURCE_DIR} + "/docs/api.md"};
    REQUIRE(md);
    std::vector<std::string> rows;
    for (std::string line; std::getline(md, line);)
      if (line.rfind("| `", 0) == 0) rows.push_back(line);
    for (auto& [path, ops] : doc["paths"].items()) {
      const auto slash = path.rfind('/');
      const auto parent = path.substr(0, slash + 1), last = "`" + path.substr(slash + 1) + "`";
      bool named = false;
      for (const auto& row : rows)
        named = named || row.find(path + "`") != std::string::npos ||
                row.find(path + ",") != std::string::npos ||
                row.find(path + "?") != std::string::npos ||
                (row.find(parent) != std::string::npos && row.find(last) != std::string::npos);
      CHECK_MESSAGE(named, path << " is not in docs/api.md's route table");
    }
  }

  // Logging out revokes the session at once: the cookie replayed is refused.
  alice.post("/api/logout", json::object());
  CHECK(alice.get("/api/me", 401)["error"] == "unauthenticated");
  {
    ws_client after;
    CHECK_FALSE(after.connect(url, "/api/feed", {{"Cookie", alice.cookie}}));
  }
  // A bearer token for a client, then its use.
  auto token = sue.post("/api/tokens", {{"label", "wallboard"}, {"ttl_s", 600}})["token"];
  auto with_bearer = hotline::test::request(
      url, "GET", "/api/queues", {}, {{"Authorization", "Bearer " + token.get<std::string>()}});
  CHECK(with_bearer.status == 200);
  CHECK(sue.post("/api/tokens", {{"label", "x"}, {"ttl_s", 10'000'000}}, 400)["error"] ==
        "invalid_field");

  node.p->signal(SIGINT);
  CHECK(node.p->wait() == 0);

  // The store, the source of truth: who did what.
  auto opened = drivers::rocksdb_event_store::open(store);
  REQUIRE(opened);
  auto all = (*opened)->read_all(1, SIZE_MAX);
  REQUIRE(all);
  const auto& codec = events::event_codec::standard();
  bool barge = false, stopped = false, read_audited = false, login_by_alice = false, logout = false;
  for (const auto& e : *all) {
    auto p = codec.decode(e);
    REQUIRE(p);
    if (auto* s = std::get_if<events::call_supervised>(&*p); s && s->call_id == call_id) {
      // Recorded as sue's, who barged through the API.
      const bool by_sue =
          s->supervisor_id == "sup1" && e.meta.caused_by == events::principal::user("sue");
      barge = barge || (by_sue && s->mode == events::supervision_mode::barge);
      stopped = stopped || (by_sue && barge && s->mode == events::supervision_mode::stop);
    }
    if (e.stream == "agent-a1" && e.type == "agent.logged_in")
      CHECK(e.meta.caused_by == events::principal::user("alice"));
    if (std::get_if<events::data_read>(&*p))
      read_audited = e.meta.caused_by == events::principal::user("audrey");
    if (e.stream == "user-alice" && e.type == "session.opened")
      login_by_alice = e.meta.caused_by == events::principal::user("alice");
    if (e.stream == "user-alice" && e.type == "session.closed") logout = true;
  }
  CHECK(barge);
  CHECK(stopped);
  CHECK(read_audited);
  CHECK(login_by_alice);
  CHECK(logout);
}

TEST_CASE("hotline demo --api-listen: the demo center live, with demo accounts that log in") {
  temp_dir dir;
  child_process p{
      {HOTLINE_BIN, "demo", "--api-listen", "127.0.0.1:0", "--dir", dir.path() + "/demo"}};
  std::map<std::string, std::string> passwords;
  std::string url, pages;
  for (int i = 0; i < 40 && url.empty(); ++i) {
    auto line = p.read_line(60s);
    REQUIRE_MESSAGE(line.has_value(), "the live demo stopped before its API came up");
    std::istringstream in{*line};
    std::string name, password;
    if (line->rfind("  ", 0) == 0 && (in >> name >> password) && password.size() == 20)
      passwords[name] = password;
    if (auto at = line->find("the web pages are at "); at != std::string::npos) {
      pages = line->substr(at + 21);
      pages = pages.substr(0, pages.find(' '));
    }
    if (auto at = line->find("the node API is on "); at != std::string::npos) {
      url = line->substr(at + 19);
      url = url.substr(0, url.find(' '));
    }
  }
  REQUIRE(!url.empty());
  // The demo says where its web pages are (docs/web.md): the login page.
  CHECK(pages == url + "/");
  auto login_page = hotline::test::request(url, "GET", "/");
  CHECK(login_page.status == 200);
  CHECK(login_page.header("content-type") == "text/html; charset=utf-8");
  REQUIRE(passwords.count("agent") == 1);
  CHECK(passwords.count("admin") == 1);
  CHECK(passwords.count("supervisor") == 1);
  CHECK(passwords.count("auditor") == 1);
  client c{url, {}};
  auto r = c.call("POST", "/api/login",
                  json{{"username", "agent"}, {"password", passwords["agent"]}}.dump());
  REQUIRE(r.status == 200);
  c.cookie = r.header("set-cookie").substr(0, r.header("set-cookie").find(';'));
  auto me = c.get("/api/me");
  REQUIRE(me["roles"] == json::array({"agent"}));
  const std::string agent = me["agent_id"];
  c.post("/api/agents/" + agent + "/login", json::object());
  c.post("/api/agents/" + agent + "/ready", json::object());
  // Ready, or already offered a simulated caller.
  CHECK(eventually([&] {
    const auto st = c.get("/api/agents/" + agent)["state"];
    return st != "logged_out" && st != "not_ready";
  }));
  p.signal(SIGINT);
  CHECK(p.wait() == 0);
}

TEST_CASE("node API: runtime configuration reroutes calls without a restart, audited") {
  temp_dir dir;
  const auto config = write_config(dir.path());
  const auto store = dir.path() + "/store";
  add_user(store, "--user admin --tenant acme --role admin");
  add_user(store, "--user betty --tenant beta --role admin");
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  add_user(store, "--user ann --tenant acme --role agent --agent a2");
  add_user(store, "--user sue --tenant acme --role supervisor --agent sup1 --queue sales");
  auto node = start_node(config, store);
  const auto& url = node.url;
  auto admin = login(url, "admin");
  auto betty = login(url, "betty");
  auto alice = login(url, "alice");
  auto ann = login(url, "ann");
  auto sue = login(url, "sue");

  // Who may: an agent changes nobody's skills, not even its own (403);
  // another agent or tenant is 404; a supervisor only within its queues.
  CHECK(alice.post("/api/agents/a1/skills", {{"skills", {{"sales", 99}}}}, 403)["error"] ==
        "forbidden");
  CHECK(alice.post("/api/agents/a2/skills", {{"skills", {{"sales", 99}}}}, 404)["error"] ==
        "not_found");
  CHECK(betty.post("/api/agents/a2/queues", {{"queues", {"help"}}}, 404)["error"] == "not_found");
  CHECK(betty.post("/api/queues/sales/close", json::object(), 404)["error"] == "not_found");
  CHECK(sue.post("/api/queues/sales/close", json::object(), 403)["error"] == "forbidden");
  CHECK(sue.call("POST", "/api/agents/a2/skills", json{{"skills", {{"sales", 5}}}}.dump()).status !=
        200); // a2 serves none of sue's queues

  // Bad input: 400 naming the field.
  CHECK(admin.post("/api/agents/a2/skills", json::object(), 400)["detail"] ==
        "field 'skills' is required");
  CHECK(admin.post("/api/agents/a2/skills", {{"skills", {1, 2}}}, 400)["detail"] ==
        "field 'skills' must be an object of skill -> level (1..100)");
  CHECK(admin.post("/api/agents/a2/skills", {{"skills", {{"sales", "high"}}}}, 400)["detail"] ==
        "field 'skills.sales' must be an integer level 1..100");
  CHECK(admin.post("/api/agents/a2/skills", {{"skills", {{"sales", 0}}}}, 400)["detail"] ==
        "field 'skills': skill 'sales': level 0 is not within 1..100");
  CHECK(admin.post("/api/agents/a2/queues", {{"queues", json::array()}}, 400)["error"] ==
        "invalid_field");
  CHECK(admin.post("/api/agents/a2/queues", {{"queues", {"help"}}}, 400)["detail"] ==
        "field 'queues': no queue 'help'"); // beta's: as unknown as a missing one
  CHECK(admin.post("/api/agents/zz/skills", {{"skills", {{"sales", 5}}}}, 404)["error"] ==
        "not_found");
  CHECK(admin.post("/api/queues/nowhere/open", json::object(), 404)["error"] == "not_found");

  // a2 (skills: other) is moved into sales and logs in; callers keep
  // arriving, but without the sales skill it is offered none.
  admin.post("/api/agents/a2/queues", {{"queues", {"sales"}}, {"reason", "busy day"}});
  ann.post("/api/agents/a2/login", json::object());
  ann.post("/api/agents/a2/ready", json::object());
  auto state_of = [&](const std::string& id) {
    return admin.get("/api/agents/" + id)["state"].get<std::string>();
  };
  CHECK(
      eventually([&] { return admin.get("/api/agents/a2")["queues"] == json::array({"sales"}); }));
  for (int i = 0; i < 30; ++i) { // callers arrive every ~5 s: some wait now
    if (admin.get("/api/queues/sales")["waiting"].get<int>() > 0) break;
    std::this_thread::sleep_for(500ms);
  }
  REQUIRE(admin.get("/api/queues/sales")["waiting"].get<int>() > 0);
  CHECK(state_of("a2") == "ready");
  // Given the skill by sue (a2 now serves her queue): the next offer is a2's.
  sue.post("/api/agents/a2/skills", {{"skills", {{"other", 50}, {"sales", 40}}}});
  std::string st;
  for (int i = 0; i < 100 && st != "ringing"; ++i) {
    st = state_of("a2");
    if (st != "ringing") std::this_thread::sleep_for(100ms);
  }
  CHECK(st == "ringing");
  CHECK(eventually([&] { return admin.get("/api/agents/a2")["skills"]["sales"] == 40; }));

  // The admin closes sales: the queue says so, and new callers are refused
  // at the door (sales has no overflow rule) until it opens again.
  admin.post("/api/queues/sales/close", {{"reason", "typhoon"}});
  CHECK(eventually([&] { return admin.get("/api/queues/sales")["closed"] == true; }));
  auto q = admin.get("/api/queues/sales");
  CHECK(q["closed_reason"] == "typhoon");
  const auto offered = q["offered"].get<std::uint64_t>();
  std::this_thread::sleep_for(6s); // at least one caller more arrives
  CHECK(admin.get("/api/queues/sales")["offered"].get<std::uint64_t>() == offered);
  admin.post("/api/queues/sales/open", json::object());
  CHECK(eventually([&] { return admin.get("/api/queues/sales")["closed"] == false; }));

  node.p->signal(SIGINT);
  CHECK(node.p->wait() == 0);

  // Every change is an event of its object's stream, authored by its user;
  // a restarted node keeps them (the stream wins over the file).
  {
    auto opened = drivers::rocksdb_event_store::open(store);
    REQUIRE(opened);
    auto all = (*opened)->read_all(1, SIZE_MAX);
    REQUIRE(all);
    std::map<std::string, std::string> author;
    for (const auto& e : *all)
      if (e.type == "agent.skills_changed" || e.type == "agent.queues_changed" ||
          e.type == "queue.closed" || e.type == "queue.opened")
        author[e.type] = e.meta.caused_by.id;
    CHECK(author["agent.skills_changed"] == "sue");
    CHECK(author["agent.queues_changed"] == "admin");
    CHECK(author["queue.closed"] == "admin");
    CHECK(author["queue.opened"] == "admin");
  }
  auto again = start_node(config, store);
  auto admin2 = login(again.url, "admin");
  auto a2_after = admin2.get("/api/agents/a2");
  CHECK(a2_after["skills"]["sales"] == 40);
  CHECK(a2_after["defined_queues"] == json::array({"sales"}));
  again.p->signal(SIGINT);
  CHECK(again.p->wait() == 0);
}
