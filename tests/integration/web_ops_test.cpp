// What the web pages' operations need from a real node (docs/web.md,
// docs/api.md): a call's recording played through GET /api/recordings
// (byte ranges, the SHA-256 check, every read audited) and its events on
// the feeds of those allowed to see them; the session's expiry in
// GET /api/me; the IVR flows with `hotline config check`'s diagnostics
// (GET /api/flows); the federation view of a node without a federation
// (GET /api/sites). Recordings are written into the store before the node
// starts, as the node records them (tests/support/recording_events.hpp):
// this node has no telephony.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "drivers/store/rocksdb_event_store.hpp"
#include "tests/support/api_node.hpp"
#include "tests/support/center_toml.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/recording_events.hpp"

using namespace hotline;
using namespace std::chrono_literals;
using namespace hotline::test::api;
using hotline::test::ws_client;
using json = nlohmann::json;
using testing::temp_dir;

namespace {

std::string write_config(const std::string& dir, const std::string& extra = {}) {
  return hotline::test::center_toml{"opsite"}
      .tenant("acme")
      .tenant("beta")
      .trunk("pstn", 10)
      .queue("sales", "acme", "sales = 1")
      .queue("help", "beta", "help = 1")
      .agent("a1", "acme", "sales = 50", {"sales"})
      .agent("a2", "acme", "other = 50", {})
      .agent("sup1", "acme", "", {}, "supervisor = true")
      .agent("b1", "beta", "help = 50", {"help"})
      .entry("100", "acme", "sales")
      .entry("200", "beta", "help")
      .raw("[api]\nsession_ttl_s = 120\n" + extra)
      .write(dir);
}

/// The feed's events about recordings, as "type call", until 1.5 s pass without a message.
std::multiset<std::string> recording_events(ws_client& ws, json* snapshot = nullptr) {
  std::multiset<std::string> out;
  while (auto m = ws.receive(1500ms)) {
    auto j = json::parse(*m, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    if (j.value("type", "") == "snapshot" && snapshot) *snapshot = j;
    if (j.value("type", "") != "event") continue;
    const auto type = j["event"].value("type", "");
    if (type.rfind("recording.", 0) == 0)
      out.insert(type + " " + j["event"]["data"].value("call_id", ""));
  }
  return out;
}

std::multiset<std::string> whole(const std::string& call) {
  return {"recording.started " + call, "recording.paused " + call, "recording.resumed " + call,
          "recording.stopped " + call};
}

} // namespace

TEST_CASE("node API: recordings played with ranges, refused when tampered, audited, and on the "
          "desks that may see them") {
  temp_dir dir;
  const auto config = write_config(dir.path());
  const auto store = dir.path() + "/store";
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  add_user(store, "--user ann --tenant acme --role agent --agent a2");
  add_user(store, "--user sue --tenant acme --role supervisor --agent sup1 --queue sales");
  add_user(store, "--user audrey --tenant acme --role auditor");
  add_user(store, "--user betty --tenant beta --role admin");
  add_user(store, "--user olga --role operator");
  const auto file = [&](const std::string& call) { return dir.path() + "/" + call + ".wav"; };
  std::uint64_t before = 0;
  {
    auto opened = drivers::rocksdb_event_store::open(store);
    REQUIRE(opened);
    before = (*opened)->head_position();
    using hotline::test::recording_spec;
    for (const auto& [r, ms] : std::vector<std::pair<recording_spec, int>>{
             {{"acme", "c1", "a1", "sales", file("c1")}, 1500},
             {{"acme", "c2", "a2", "", file("c2"), std::string(64, '0')}, 500}, // tampered
             {{"acme", "c3", "a1", "sales", file("c3"), "", false}, 500},       // still running
             {{"beta", "c9", "b1", "help", file("c9")}, 500}}) {
      hotline::test::write_test_wav(r.file, ms);
      REQUIRE(hotline::test::append_recording(**opened, r));
    }
  }
  auto node = start_node(config, store);
  auto audrey = login(node.url, "audrey");
  auto alice = login(node.url, "alice");
  auto ann = login(node.url, "ann");
  auto sue = login(node.url, "sue");
  auto betty = login(node.url, "betty");
  auto olga = login(node.url, "olga");

  // The whole file, as written, with its hash.
  std::ifstream in{file("c1"), std::ios::binary};
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  auto whole_file = audrey.call("GET", "/api/recordings/c1");
  CHECK(whole_file.status == 200);
  CHECK(whole_file.header("content-type") == "audio/wav");
  CHECK(whole_file.header("accept-ranges") == "bytes");
  CHECK(whole_file.header("x-recording-sha256") == hotline::test::sha256_of_file(file("c1")));
  CHECK(whole_file.body == bytes);
  // Byte ranges: the header, the last bytes; beyond the end is 416.
  auto head = audrey.call("GET", "/api/recordings/c1", {}, {{"Range", "bytes=0-43"}});
  CHECK(head.status == 206);
  CHECK(head.header("content-range") == "bytes 0-43/" + std::to_string(bytes.size()));
  CHECK(head.body == bytes.substr(0, 44));
  auto tail = audrey.call("GET", "/api/recordings/c1", {}, {{"Range", "bytes=-4"}});
  CHECK(tail.status == 206);
  CHECK(tail.body == bytes.substr(bytes.size() - 4));
  // A range that is not one byte range (several, or backwards) gets the whole file.
  for (const auto* ignored : {"bytes=0-1,4-5", "bytes=9-3", "items=0-1"}) {
    auto r = audrey.call("GET", "/api/recordings/c1", {}, {{"Range", ignored}});
    CHECK_MESSAGE(r.status == 200, ignored);
    CHECK(r.body.size() == bytes.size());
  }
  // The OpenAPI document says what the route answers.
  auto doc = json::parse(audrey.call("GET", "/api/openapi.json").body);
  CHECK(doc["paths"]["/api/recordings/{call}"]["get"]["responses"]["200"]["content"].contains(
      "audio/wav"));
  auto beyond = audrey.call("GET", "/api/recordings/c1", {}, {{"Range", "bytes=99999999-"}});
  CHECK(beyond.status == 416);
  CHECK(beyond.header("content-range") == "bytes */" + std::to_string(bytes.size()));

  // Refusals: a file whose hash differs, one still being written, none, another tenant's, roles.
  auto tampered = audrey.get("/api/recordings/c2", 409);
  CHECK(tampered["error"] == "recording_tampered");
  CHECK(tampered["detail"].get<std::string>().find("SHA-256") != std::string::npos);
  CHECK(audrey.get("/api/recordings/c3", 409)["error"] == "recording_in_progress");
  CHECK(audrey.get("/api/recordings/nothing", 404)["error"] == "not_found");
  CHECK(audrey.get("/api/recordings/c9", 404)["error"] == "not_found");
  CHECK(betty.call("GET", "/api/recordings/c9").status == 200); // beta's admin, beta's call
  CHECK(olga.call("GET", "/api/recordings/c1").status == 200);  // an operator: any tenant
  CHECK(alice.get("/api/recordings/c1", 403)["error"] == "forbidden");
  CHECK(sue.get("/api/recordings/c1", 403)["error"] == "forbidden");
  // A file changed after it was played once: refused from then on.
  std::ofstream{file("c1"), std::ios::binary | std::ios::app} << "x";
  CHECK(audrey.get("/api/recordings/c1", 409)["error"] == "recording_tampered");

  // Every read is audited: who, which recording, by which route.
  json reads;
  CHECK(eventually([&] {
    reads = audrey.get("/api/audit?type=audit.data_read&limit=1000")["events"];
    int n = 0;
    for (const auto& e : reads)
      n += e["data"].value("subject", "") == "c1" && e["caused_by"].value("id", "") == "audrey";
    return n >= 8; // whole, two ranges, three ignored ranges, 416, and the tampered one
  }));
  for (const auto& e : reads)
    if (e["data"].value("subject", "") == "c1") {
      CHECK(e["data"]["subject_kind"] == "recording");
      CHECK(e["data"]["via"] == "GET /api/recordings/{call}");
    }

  // The feeds: a recording's events reach its agent, its queue's supervisor, the tenant's
  // auditor; not another agent, not another tenant.
  const auto since = "/api/feed?since=" + std::to_string(before);
  std::map<std::string, std::multiset<std::string>> seen;
  for (const auto& [name, who] :
       std::vector<std::pair<std::string, const client*>>{{"alice", &alice},
                                                          {"ann", &ann},
                                                          {"sue", &sue},
                                                          {"audrey", &audrey},
                                                          {"betty", &betty}}) {
    ws_client ws;
    REQUIRE(ws.connect(node.url, since, {{"Cookie", who->cookie}}));
    seen[name] = recording_events(ws);
  }
  auto with = [](std::multiset<std::string> a, const std::multiset<std::string>& b) {
    a.insert(b.begin(), b.end());
    return a;
  };
  const std::multiset<std::string> c3_so_far{"recording.started c3", "recording.paused c3",
                                             "recording.resumed c3"};
  CHECK(seen["alice"] == with(whole("c1"), c3_so_far));
  CHECK(seen["ann"] == whole("c2"));
  CHECK(seen["sue"] == with(whole("c1"), c3_so_far)); // c2 has no queue of hers
  CHECK(seen["audrey"] == with(with(whole("c1"), whole("c2")), c3_so_far));
  CHECK(seen["betty"] == whole("c9"));
  // A snapshot lists the recordings running now: the desktop's indicator after a reload.
  ws_client fresh;
  REQUIRE(fresh.connect(node.url, "/api/feed", {{"Cookie", alice.cookie}}));
  json snapshot;
  recording_events(fresh, &snapshot);
  REQUIRE(snapshot.is_object());
  CHECK(snapshot["recordings"] ==
        json::array(
            {{{"call_id", "c3"}, {"agent_id", "a1"}, {"queue", "sales"}, {"state", "recording"}}}));

  // The session's expiry, for the pages' warning ([api] session_ttl_s = 120).
  auto me = alice.get("/api/me");
  CHECK(me["expires_in_s"].get<std::int64_t>() > 60);
  CHECK(me["expires_in_s"].get<std::int64_t>() <= 120);
  CHECK(me["expires_ns"].get<std::int64_t>() > 0);
  node.stop();
}

TEST_CASE("node API: the IVR flows with config check's diagnostics, and the federation view of a "
          "node without one") {
  temp_dir dir;
  const std::string flow = R"(
[[flows]]
id = "welcome"
tenant = "acme"
start = "hello"

[[flows.nodes]]
id = "hello"
type = "play"
text = "Welcome to acme"
next = "menu"

[[flows.nodes]]
id = "menu"
type = "menu"
text = "Press 1 for sales"
choices = { 1 = "sales" }
default = "sales"

[[flows.nodes]]
id = "sales"
type = "queue"
queue = "sales"

[[flows.nodes]]
id = "orphan"
type = "hangup"
)";
  const auto config = write_config(dir.path(), flow);
  const auto store = dir.path() + "/store";
  add_user(store, "--user admin --tenant acme --role admin");
  add_user(store, "--user betty --tenant beta --role admin");
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  add_user(store, "--user olga --role operator");
  std::string check_out;
  testing::run_capture({HOTLINE_BIN, "config", "check", config}, check_out);
  auto node = start_node(config, store);
  auto admin = login(node.url, "admin");

  auto flows = admin.get("/api/flows");
  CHECK(flows["checked"] == "file");
  CHECK(flows["config_file"] == config);
  REQUIRE(flows["flows"].size() == 1);
  const auto& f = flows["flows"][0];
  CHECK(f["id"] == "welcome");
  CHECK(f["start"] == "hello");
  CHECK(f["file_differs"] == false);
  REQUIRE(f["nodes"].size() == 4);
  CHECK(f["nodes"][0]["id"] == "hello");
  CHECK(f["nodes"][0]["type"] == "play");
  CHECK(f["nodes"][0]["next"] == "menu");
  CHECK(f["nodes"][2]["type"] == "queue");
  // The unreachable node: config check's warning, with its place in the file, word for word.
  REQUIRE(f["diagnostics"].size() == 1);
  const auto& d = f["diagnostics"][0];
  CHECK(d["severity"] == "warning");
  CHECK(d["key"].get<std::string>().rfind("flows[0].nodes[3]", 0) == 0);
  CHECK(d["line"].get<int>() > 0);
  CHECK(d["message"].get<std::string>().find("orphan") != std::string::npos);
  INFO(check_out);
  CHECK(check_out.find(d["text"].get<std::string>()) != std::string::npos);
  CHECK(flows["warnings"] == 1);
  CHECK(flows["errors"] == 0);
  // Another tenant's admin sees none of acme's flows; an agent may not look; an operator sees all.
  CHECK(login(node.url, "betty").get("/api/flows")["flows"].empty());
  CHECK(login(node.url, "alice").get("/api/flows", 403)["error"] == "forbidden");
  auto olga = login(node.url, "olga");
  CHECK(olga.get("/api/flows")["flows"].size() == 1);

  // An edit of the file after the start: the checks are the file's, and the flow is marked.
  {
    std::ifstream in{config};
    std::string text{std::istreambuf_iterator<char>(in), {}};
    text.replace(text.find("id = \"orphan\"\ntype = \"hangup\""), 29,
                 "id = \"orphan\"\ntype = \"play\"\ntext = \"x\"\nnext = \"nowhere\"");
    // A time zone only config check itself checks (drivers/time_zone, not config/).
    text.replace(text.find("start = \"hello\""), 15,
                 "start = \"hello\"\ntime_zone = \"Mars/Olympus\"");
    std::ofstream{config} << text;
  }
  auto edited = admin.get("/api/flows");
  REQUIRE(edited["flows"].size() == 1);
  CHECK(edited["flows"][0]["file_differs"] == true);
  CHECK(edited["errors"].get<int>() >= 2);
  std::set<std::string> keys;
  for (const auto& p : edited["flows"][0]["diagnostics"])
    keys.insert(p["key"].get<std::string>());
  CHECK(keys.count("flows[0].time_zone") == 1);
  CHECK(keys.count("flows[0].nodes[3].next") == 1);

  // The federation view: operators only; this node has no federation.
  auto sites = olga.get("/api/sites");
  CHECK(sites["site"] == "opsite");
  CHECK(sites["federation"] == false);
  CHECK(sites["sites"].empty());
  CHECK(admin.get("/api/sites", 403)["error"] == "forbidden");
  node.stop();
}
