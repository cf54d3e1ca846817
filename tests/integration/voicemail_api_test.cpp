// Voicemail through the node API (F6, docs/api.md "Voicemail"): messages
// left in a node's store (as the telephony side leaves them through the
// voicemail box) are listed per mailbox to those who may hear them, played
// after their SHA-256 is checked (every play recorded and audited), and
// marked handled; a file changed on disk is not played. A real `hotline
// node` over real sockets.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "drivers/api/voicemail_box.hpp"
#include "drivers/sip/voicemail_recorder.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "tests/support/api_node.hpp"
#include "tests/support/center_toml.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using json = nlohmann::json;
using namespace hotline::test::api;
using testing::temp_dir;

namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Records `ms` of a tone as message `id` and leaves it in `mailbox`.
std::string leave(drivers::api::voicemail_box& box, const std::string& dir, const std::string& id,
                  const std::string& mailbox, std::int64_t at_ns) {
  drivers::sip::voicemail_recorder rec(drivers::sip::voicemail_recorder::path_for(dir, id));
  const auto tone = drivers::sip::voicemail_recorder::beep(700, 600);
  rec.append(tone.data(), tone.size());
  auto done = rec.finish();
  REQUIRE(done.error.empty());
  auto left = box.execute(id,
                          events::voicemail::leave{"call-" + id, "+8613800000000", mailbox, "acme",
                                                   done.path, done.duration_ms, done.sha256},
                          events::principal::system("ivr"), at_ns);
  REQUIRE(std::holds_alternative<drivers::api::voicemail_entry>(left));
  return done.path;
}

/// The call back `call_id` ends `outcome` with `agent`, as the call actor
/// appends it.
void end_call(ports::event_store& store, const std::string& call_id, events::call_outcome outcome,
              const std::string& agent, std::int64_t at_ns) {
  const events::event_meta meta{events::event_id::from_name("ended/" + call_id),
                                "vmsite",
                                "acme",
                                at_ns,
                                events::event_id::from_name("correlation/" + call_id),
                                events::event_id::from_name("hang_up/" + call_id),
                                events::principal::agent(agent)};
  REQUIRE(store.append(
      "call-" + call_id, ports::expected_revision::any(),
      {events::event_codec::standard().propose(
          events::event{events::call_ended{call_id, outcome, "agent_hangup", agent, "billing"}},
          meta)}));
}

/// How many voicemail.handled events the store holds.
int handled_events(const std::string& store) {
  auto opened = drivers::rocksdb_event_store::open(store);
  REQUIRE(opened);
  auto all = (*opened)->read_all(1, SIZE_MAX);
  REQUIRE(all);
  int n = 0;
  for (const auto& e : *all)
    n += e.type == events::voicemail_handled::type_name ? 1 : 0;
  return n;
}

} // namespace

TEST_CASE(
    "node API: voicemail listed by mailbox, played with its hash checked and audited, handled") {
  temp_dir dir;
  const auto config = hotline::test::center_toml{"vmsite"}
                          .tenant("acme")
                          .tenant("beta")
                          .trunk("pstn", 10)
                          .queue("billing", "acme", "billing = 1")
                          .queue("sales", "acme", "sales = 1")
                          .queue("help", "beta", "help = 1")
                          .agent("a1", "acme", "billing = 50", {"billing"})
                          .agent("a2", "acme", "sales = 50", {"sales"})
                          .agent("sup1", "acme", "", {}, "supervisor = true")
                          .agent("b1", "beta", "help = 50", {"help"})
                          .entry("100", "acme", "billing")
                          .write(dir.path());
  const auto store = dir.path() + "/store";
  add_user(store, "--user admin --tenant acme --role admin");
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  add_user(store, "--user ann --tenant acme --role agent --agent a2");
  add_user(store, "--user sue --tenant acme --role supervisor --agent sup1 --queue billing");
  add_user(store, "--user bob --tenant beta --role agent --agent b1");
  std::string billing_file, sales_file;
  {
    auto opened = drivers::rocksdb_event_store::open(store);
    REQUIRE(opened);
    drivers::api::voicemail_box box(**opened, "vmsite");
    REQUIRE(box.recover());
    billing_file = leave(box, dir.path(), "m1", "billing", 1'000'000'000);
    sales_file = leave(box, dir.path(), "m2", "sales", 2'000'000'000);
  }
  auto node = start_node(config, store);
  const auto& url = node.url;
  auto admin = login(url, "admin");
  auto alice = login(url, "alice");
  auto ann = login(url, "ann");
  auto sue = login(url, "sue");
  auto bob = login(url, "bob");

  // Listing: each sees the mailboxes of its queues; the admin sees all.
  CHECK(admin.get("/api/voicemail")["messages"].size() == 2);
  auto mine = alice.get("/api/voicemail")["messages"];
  REQUIRE(mine.size() == 1);
  CHECK(mine[0]["id"] == "m1");
  CHECK(mine[0]["mailbox"] == "billing");
  CHECK(mine[0]["status"] == "new");
  CHECK(mine[0]["duration_ms"] == 700);
  CHECK(sue.get("/api/voicemail?mailbox=billing")["messages"].size() == 1);
  CHECK(sue.get("/api/voicemail?mailbox=sales", 403)["error"] == "forbidden");
  CHECK(bob.get("/api/voicemail")["messages"].empty());

  // Playing: the WAV as it was recorded; another tenant's message is 404,
  // another queue's 403.
  auto played = alice.call("GET", "/api/voicemail/m1/audio");
  CHECK(played.status == 200);
  CHECK(played.header("content-type") == "audio/wav");
  CHECK(played.body == file_bytes(billing_file));
  CHECK(ann.get("/api/voicemail/m1/audio", 403)["error"] == "forbidden");
  CHECK(bob.get("/api/voicemail/m1/audio", 404)["error"] == "not_found");
  CHECK(admin.get("/api/voicemail/m9/audio", 404)["error"] == "not_found");
  CHECK(sue.call("GET", "/api/voicemail/m1/audio").status == 200);
  auto after = admin.get("/api/voicemail?mailbox=billing")["messages"][0];
  CHECK(after["status"] == "listened");
  CHECK(after["listens"] == 2);

  // Handling: once; the way is checked.
  CHECK(alice.post("/api/voicemail/m1/handled", {{"how", "deleted"}}, 400)["error"] ==
        "invalid_field");
  auto handled = alice.post("/api/voicemail/m1/handled", {{"how", "called_back"}, {"note", "ok"}});
  CHECK(handled["status"] == "handled");
  CHECK(handled["handled_by"] == "alice");
  CHECK(sue.post("/api/voicemail/m1/handled", {{"how", "resolved"}}, 409)["error"] ==
        "already_handled");

  // A file changed on disk is not played.
  {
    std::ofstream out(sales_file, std::ios::binary | std::ios::app);
    out << "x";
  }
  CHECK(ann.get("/api/voicemail/m2/audio", 409)["error"] == "recording_changed");

  // /metrics counts the messages by tenant, mailbox and status.
  auto metrics = admin.call("GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("hotline_voicemail_messages{tenant=\"acme\",mailbox=\"billing\","
                          "status=\"handled\"} 1") != std::string::npos);
  CHECK(metrics.body.find("hotline_voicemail_messages{tenant=\"acme\",mailbox=\"sales\","
                          "status=\"new\"} 1") != std::string::npos);

  node.stop();

  // The store: both plays as voicemail.listened, each audited as a read.
  auto opened = drivers::rocksdb_event_store::open(store);
  REQUIRE(opened);
  auto all = (*opened)->read_all(1, SIZE_MAX);
  REQUIRE(all);
  int listened = 0, audited = 0, handled_events = 0;
  for (const auto& e : *all) {
    auto p = events::event_codec::standard().decode(e);
    REQUIRE(p);
    if (std::holds_alternative<events::voicemail_listened>(*p)) ++listened;
    if (std::holds_alternative<events::voicemail_handled>(*p)) ++handled_events;
    if (auto* r = std::get_if<events::data_read>(&*p); r && r->subject_kind == "voicemail")
      ++audited;
  }
  CHECK(listened == 2);
  CHECK(audited == 2);
  CHECK(handled_events == 1);
}

TEST_CASE("node API: a voicemail whose call back completed is handled by the agent who called "
          "back, one whose call back failed stays new, once across restarts") {
  temp_dir dir;
  const auto config = hotline::test::center_toml{"vmsite"}
                          .tenant("acme")
                          .trunk("pstn", 10)
                          .queue("billing", "acme", "billing = 1")
                          .agent("a1", "acme", "billing = 50", {"billing"})
                          .entry("100", "acme", "billing")
                          .write(dir.path());
  const auto store = dir.path() + "/store";
  add_user(store, "--user admin --tenant acme --role admin");
  add_user(store, "--user alice --tenant acme --role agent --agent a1");
  {
    // Two messages became call backs (calls call-m1, call-m2); a1 called
    // the first back and talked, the second's dial-backs all failed. The
    // node was down meanwhile: its box catches up when it starts.
    auto opened = drivers::rocksdb_event_store::open(store);
    REQUIRE(opened);
    drivers::api::voicemail_box box(**opened, "vmsite");
    REQUIRE(box.recover());
    leave(box, dir.path(), "m1", "billing", 1'000'000'000);
    leave(box, dir.path(), "m2", "billing", 2'000'000'000);
    end_call(**opened, "call-m1", events::call_outcome::callback_completed, "a1", 5'000'000'000);
    end_call(**opened, "call-m2", events::call_outcome::callback_failed, "", 6'000'000'000);
  }
  for (int run = 0; run < 2; ++run) { // the second start replays the same store
    auto node = start_node(config, store);
    auto admin = login(node.url, "admin");
    auto alice = login(node.url, "alice");
    auto messages = admin.get("/api/voicemail?mailbox=billing")["messages"];
    INFO(messages.dump());
    REQUIRE(messages.size() == 2);
    CHECK(messages[0]["id"] == "m1");
    CHECK(messages[0]["status"] == "handled");
    CHECK(messages[0]["handled_by"] == "a1");
    CHECK(messages[0]["handled_how"] == "called_back");
    CHECK(messages[1]["id"] == "m2");
    CHECK(messages[1]["status"] == "new");
    // Marked already: a hand mark by another user is refused, not a second mark.
    CHECK(alice.post("/api/voicemail/m1/handled", {{"how", "resolved"}}, 409)["error"] ==
          "already_handled");
    auto metrics = admin.call("GET", "/metrics");
    REQUIRE(metrics.status == 200);
    CHECK(metrics.body.find("hotline_voicemail_messages{tenant=\"acme\",mailbox=\"billing\","
                            "status=\"handled\"} 1") != std::string::npos);
    // The KPI fold sees the mark.
    auto kpi = admin.get("/api/kpi");
    CHECK(kpi["totals"]["voicemails_left"] == 2);
    CHECK(kpi["totals"]["voicemails_handled"] == 1);
    node.stop();
    CHECK(handled_events(store) == 1);
  }
}
