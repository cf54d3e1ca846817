// The node API's agent station, audit verification and TLS, end to end
// (issue 21): a real `hotline node`, users made by `hotline users add`, and
// a client over real sockets. The audit chain is corrupted on disk between
// two runs of the node, and the API names the broken record; a node with
// a self-signed certificate (made by the openssl CLI) serves a client that
// trusts it and refuses one that does not.
#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include <nlohmann/json.hpp>

#include "drivers/views/rocksdb_view_store.hpp"
#include "projections/audit/audit_projection.hpp"
#include "tests/support/api_node.hpp"
#include "tests/support/center_toml.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using namespace std::chrono_literals;
using hotline::test::client_tls;
using hotline::test::header_list;
using hotline::test::http_reply;
using hotline::test::ws_client;
using json = nlohmann::json;
using testing::child_process;
using testing::run_capture;
using testing::temp_dir;

namespace {

/// One tenant, one queue, two agents people drive; no simulated traffic.
std::string write_config(const std::string& dir, const std::string& api_section = {}) {
  return hotline::test::center_toml{"moresite"}
      .tenant("acme")
      .trunk("pstn", 10)
      .queue("sales", "acme", "sales = 1")
      .agent("a1", "acme", "sales = 50", {"sales"})
      .agent("a2", "acme", "sales = 50", {"sales"})
      .entry("100", "acme", "sales")
      .raw(api_section)
      .write(dir);
}

using namespace hotline::test::api;

} // namespace

TEST_CASE("node API: an agent's station at login, shown live, and bad stations refused") {
  temp_dir dir;
  const auto config = write_config(dir.path());
  const auto store = dir.path() + "/store";
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  add_user(store, "--user ann --tenant acme --role agent --agent a2");
  auto node = start_node(config, store);
  auto alice = login(node.url, "alice");
  auto ann = login(node.url, "ann");

  CHECK(alice.post("/api/agents/a1/login", {{"station", "20 01"}}, 400)["detail"] ==
        "field 'station' has a character that is not allowed (printable ASCII without spaces, "
        "quotes, angle brackets or backslashes)");
  CHECK(alice.post("/api/agents/a1/login", {{"station", std::string(129, '1')}}, 400)["detail"] ==
        "field 'station' is longer than 128 characters");
  CHECK(alice.post("/api/agents/a1/login", {{"station", "sip:pbx.example.com"}}, 400)["detail"] ==
        "field 'station' is a SIP URI without user@host");
  CHECK(alice.post("/api/agents/a1/login", {{"station", "desk-7"}}, 400)["detail"] ==
        "field 'station' must be an extension (digits, a leading +, * #) or a sip: URI");
  CHECK(alice.post("/api/agents/a1/login", {{"station", 2001}}, 400)["detail"] ==
        "field 'station' must be a string");
  CHECK(alice.get("/api/agents/a1")["state"] == "logged_out");

  alice.post("/api/agents/a1/login", {{"station", "sip:2001@pbx.example.com"}});
  ann.post("/api/agents/a2/login", {{"station", "+49301234"}});
  // Live: the agent's own view shows where it sits.
  json a1;
  for (int i = 0; i < 50; ++i) {
    a1 = alice.get("/api/agents/a1");
    if (a1.value("station", "") != "") break;
    std::this_thread::sleep_for(100ms);
  }
  CHECK(a1["station"] == "sip:2001@pbx.example.com");
  // Another station while logged in is the decider's refusal.
  CHECK(alice.post("/api/agents/a1/login", {{"station", "2002"}}, 409)["error"] ==
        "already_logged_in");
  // The event carries it.
  auto events =
      alice.call("GET", "/api/audit?type=agent.logged_in"); // agents may not read the history
  CHECK(events.status == 403);
  node.stop();
  std::string out;
  REQUIRE(run_capture({HOTLINE_BIN, "store", "read", "--store", store, "--stream", "agent-a2"},
                      out) == 0);
  INFO(out);
  CHECK(out.find("+49301234") != std::string::npos);
}

TEST_CASE("node API: audit verify over the API, ok, then a corrupted record named") {
  temp_dir dir;
  const auto config = write_config(dir.path());
  const auto store = dir.path() + "/store";
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  add_user(store, "--user audrey --tenant acme --role auditor");
  add_user(store, "--user admin --tenant acme --role admin");
  add_user(store, "--user ops --role operator");
  {
    auto node = start_node(config, store);
    auto alice = login(node.url, "alice");
    auto audrey = login(node.url, "audrey");
    auto admin = login(node.url, "admin");
    auto ops = login(node.url, "ops");
    alice.post("/api/agents/a1/login", json::object());
    // Only auditors and operators verify.
    CHECK(alice.get("/api/audit/verify", 403)["error"] == "forbidden");
    CHECK(admin.get("/api/audit/verify", 403)["error"] == "forbidden");
    CHECK(client{node.url, {}}.get("/api/audit/verify", 401)["error"] == "unauthenticated");
    auto v = audrey.get("/api/audit/verify");
    INFO(v.dump());
    CHECK(v["ok"] == true);
    CHECK(v["records"].get<std::uint64_t>() > 4);
    CHECK(v["events_checked"] == true);
    CHECK(v["head_hash"].get<std::string>().size() == 64);
    CHECK_FALSE(v.contains("problem"));
    auto again = ops.get("/api/audit/verify");
    CHECK(again["ok"] == true);
    CHECK(again["records"].get<std::uint64_t>() >= v["records"].get<std::uint64_t>());
    // Each verification is itself in the history, with who asked.
    auto reads = audrey.get("/api/audit?type=audit.data_read&limit=1000");
    int verifies = 0;
    for (const auto& e : reads["events"])
      if (e.dump().find("/api/audit/verify") != std::string::npos) ++verifies;
    CHECK(verifies >= 1);
    node.stop();
  }
  // A record of the chain changed on disk while no node ran.
  {
    auto views = drivers::rocksdb_view_store::open(store + ".views", {false, false});
    REQUIRE(views.has_value());
    std::string key, row;
    REQUIRE((*views)
                ->scan(projections::audit::records_prefix,
                       [&](std::string_view k, std::string_view r) {
                         if (r.find("moresite") == std::string_view::npos) return true;
                         key = k;
                         row = r;
                         return false;
                       })
                .is_ok());
    REQUIRE_FALSE(key.empty());
    row.replace(row.find("moresite"), 8, "evilsite");
    REQUIRE((*views)->put_raw_for_testing(key, row).is_ok());
  }
  auto node = start_node(config, store);
  auto audrey = login(node.url, "audrey");
  auto v = audrey.get("/api/audit/verify");
  INFO(v.dump());
  CHECK(v["ok"] == false);
  REQUIRE(v.contains("problem"));
  CHECK(v["problem"]["record"].get<std::uint64_t>() >= 1);
  CHECK(v["problem"]["what"].get<std::string>().find("record") != std::string::npos);
  node.stop();
}

TEST_CASE("node API: the health snapshot and feed, for operators whole and for admins their "
          "tenant's part") {
  temp_dir dir;
  const auto config = write_config(dir.path());
  const auto store = dir.path() + "/store";
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  add_user(store, "--user admin --tenant acme --role admin");
  add_user(store, "--user audrey --tenant acme --role auditor");
  add_user(store, "--user ops --role operator");
  auto node = start_node(config, store);
  auto alice = login(node.url, "alice");
  auto admin = login(node.url, "admin");
  auto audrey = login(node.url, "audrey");
  auto ops = login(node.url, "ops");

  CHECK(alice.get("/api/health", 403)["error"] == "forbidden");
  CHECK(audrey.get("/api/health", 403)["error"] == "forbidden");
  CHECK(client{node.url, {}}.get("/api/health", 401)["error"] == "unauthenticated");
  auto h = ops.get("/api/health");
  INFO(h.dump());
  CHECK(h["node"]["site"] == "moresite");
  CHECK(h["node"]["store"]["position"].get<std::uint64_t>() > 0);
  CHECK(h["node"]["relay"].is_null());
  CHECK(h["node"]["sites"] == json::array());
  REQUIRE(h["node"]["trunks"].size() == 1);
  CHECK(h["node"]["trunks"][0] == json{{"id", "pstn"},
                                       {"channels", 10},
                                       {"busy", 0},
                                       {"free", 10},
                                       {"up", true},
                                       {"peers_down", json::array()}});
  CHECK(h["tenants"]["acme"]["agents"]["logged_out"] == 2);
  auto mine = admin.get("/api/health");
  CHECK_FALSE(mine.contains("node"));
  CHECK(mine["tenants"].size() == 1);
  CHECK(mine["tenants"]["acme"]["agents"]["logged_out"] == 2);

  // The feed: refused to the wrong roles, a snapshot, then a patch when an agent logs in.
  {
    ws_client no;
    CHECK_FALSE(no.connect(node.url, "/api/feed/health", {{"Cookie", alice.cookie}}));
    CHECK(no.handshake().status == 403);
    ws_client anon;
    CHECK_FALSE(anon.connect(node.url, "/api/feed/health"));
    CHECK(anon.handshake().status == 401);
  }
  ws_client feed;
  REQUIRE_MESSAGE(feed.connect(node.url, "/api/feed/health", {{"Cookie", admin.cookie}}),
                  feed.error());
  auto first = feed.receive(5s);
  REQUIRE(first);
  auto snap = json::parse(*first);
  CHECK(snap["type"] == "snapshot");
  CHECK(snap["seq"] == 1);
  CHECK(snap["health"]["tenants"]["acme"]["agents"]["logged_out"] == 2);
  CHECK_FALSE(snap["health"].contains("node"));
  alice.post("/api/agents/a1/login", json::object());
  json doc = snap["health"];
  bool saw_ready = false;
  std::uint64_t last_seq = 1;
  for (int i = 0; i < 10 && !saw_ready; ++i) {
    auto m = feed.receive(2s);
    if (!m) continue;
    auto d = json::parse(*m);
    CHECK(d["type"] == "delta");
    CHECK(d["seq"].get<std::uint64_t>() == last_seq + 1);
    last_seq = d["seq"];
    doc = doc.patch(d["patch"]);
    saw_ready = doc["tenants"]["acme"]["agents"].value("ready", 0) == 1;
  }
  CHECK(saw_ready);
  CHECK(doc == admin.get("/api/health"));
  // Nothing changes: nothing is sent.
  CHECK_FALSE(feed.receive(2500ms));
  feed.close();
  node.stop();
}

TEST_CASE("node API over TLS: a client that trusts the certificate drives an agent, one that "
          "does not is refused") {
  temp_dir dir;
  const auto cert = dir.path() + "/cert.pem";
  const auto key = dir.path() + "/key.pem";
  std::string out;
  REQUIRE_MESSAGE(run_capture({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                               "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                               "-addext", "subjectAltName=IP:127.0.0.1"},
                              out) == 0,
                  out);
  const auto config =
      write_config(dir.path(), "\n[api]\ntls_cert = \"" + cert + "\"\ntls_key = \"" + key + "\"\n");
  const auto store = dir.path() + "/store";
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  auto node = start_node(config, store);
  REQUIRE(node.url.rfind("https://", 0) == 0);

  client_tls trusted{cert, true};
  auto alice = login(node.url, "alice", &trusted);
  CHECK(alice.get("/api/me")["agent_id"] == "a1");
  alice.post("/api/agents/a1/login", {{"station", "2001"}});
  alice.post("/api/agents/a1/not-ready", {{"reason", "coffee"}});
  json a1;
  for (int i = 0; i < 50; ++i) {
    a1 = alice.get("/api/agents/a1");
    if (a1.value("reason", "") == "coffee") break;
    std::this_thread::sleep_for(100ms);
  }
  CHECK(a1["state"] == "not_ready");
  CHECK(a1["station"] == "2001");

  // The system's CAs do not know a self-signed certificate.
  client_tls system_cas{"", true};
  CHECK_THROWS_WITH_AS(hotline::test::request(node.url, "GET", "/healthz", {}, {}, &system_cas),
                       doctest::Contains("certificate verify failed"), std::runtime_error);
  // Plain HTTP to the TLS port gets no answer it could use.
  const auto plain = "http://" + node.url.substr(8);
  bool plain_worked = false;
  try {
    plain_worked = hotline::test::request(plain, "GET", "/healthz").status == 200;
  } catch (const std::runtime_error&) {
  }
  CHECK_FALSE(plain_worked);
  node.stop();
}

TEST_CASE("node API: a tenant's whole service closed and opened, queue by queue, by its admin") {
  temp_dir dir;
  const auto config = hotline::test::center_toml{"tenantsite"}
                          .tenant("acme")
                          .tenant("beta")
                          .trunk("pstn", 10)
                          .queue("sales", "acme", "sales = 1")
                          .queue("billing", "acme", "billing = 1")
                          .queue("help", "beta", "help = 1")
                          .agent("a1", "acme", "sales = 50", {"sales"})
                          .agent("b1", "beta", "help = 50", {"help"})
                          .entry("100", "acme", "sales")
                          .write(dir.path());
  const auto store = dir.path() + "/store";
  add_user(store, "--user admin --tenant acme --role admin");
  add_user(store, "--user betty --tenant beta --role admin");
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  add_user(store, "--user ops --role operator");
  {
    auto node = start_node(config, store);
    auto admin = login(node.url, "admin");
    auto betty = login(node.url, "betty");
    auto alice = login(node.url, "alice");
    auto ops = login(node.url, "ops");

    // Who may: another tenant's admin does not see acme (404), an agent may
    // not (403), an unknown tenant is 404, a bad reason is 400 naming it.
    CHECK(betty.post("/api/tenants/acme/close", json::object(), 404)["error"] == "not_found");
    CHECK(alice.post("/api/tenants/acme/close", json::object(), 403)["error"] == "forbidden");
    CHECK(admin.post("/api/tenants/nowhere/close", json::object(), 404)["detail"] ==
          "no tenant 'nowhere'");
    CHECK(admin.post("/api/tenants/acme/close", {{"reason", 5}}, 400)["error"] == "invalid_field");

    // Closed: both of acme's queues, none of beta's; closing again is harmless.
    auto closed = admin.post("/api/tenants/acme/close", {{"reason", "typhoon"}});
    CHECK(closed["queues"] == json::array({"billing", "sales"}));
    CHECK(admin.post("/api/tenants/acme/close", {{"reason", "typhoon"}})["status"] == "done");
    CHECK(eventually([&] {
      auto t = admin.get("/api/tenants")["tenants"];
      return t.size() == 1 && t[0]["id"] == "acme" && t[0]["queues"].size() == 2 &&
             t[0]["queues"][0]["open"] == false && t[0]["queues"][1]["open"] == false;
    }));
    CHECK(admin.get("/api/tenants")["tenants"][0]["queues"][0]["closed_reason"] == "typhoon");
    // The operator sees every tenant; beta's help is still open.
    auto all = ops.get("/api/tenants")["tenants"];
    REQUIRE(all.size() == 2);
    CHECK(all[1]["id"] == "beta");
    CHECK(all[1]["queues"][0]["open"] == true);
    // An agent of acme sees its tenant too (the queues it may read).
    CHECK(alice.get("/api/tenants")["tenants"].size() == 1);

    // The operator opens acme again.
    CHECK(ops.post("/api/tenants/acme/open", json::object())["queues"] ==
          json::array({"billing", "sales"}));
    CHECK(eventually([&] { return admin.get("/api/queues/sales")["closed"] == false; }));
    node.stop();
  }
  // Each queue recorded its own switch, authored by its user.
  std::string out;
  REQUIRE(run_capture({HOTLINE_BIN, "store", "read", "--store", store, "--stream", "queue-billing"},
                      out) == 0);
  INFO(out);
  CHECK(out.find("queue.closed") != std::string::npos);
  CHECK(out.find("queue.opened") != std::string::npos);
  CHECK(out.find("\"admin\"") != std::string::npos);
  CHECK(out.find("\"ops\"") != std::string::npos);
}
