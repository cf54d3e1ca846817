// `hotline node` with simulated traffic, stopped (kill -9, or SIGINT) and
// started again on the same store (issues 18.2 and 18.5). Checked in the
// store, the source of truth:
//  - every call alive when the node stopped ends exactly once, outcome
//    node_restart with the reason of what the restart cut, and its trunk
//    channel is released; the callers of the new run are answered, and no
//    agent is paused for not answering a ghost;
//  - two runs on one store within one wall-clock second share no call id.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using namespace std::chrono_literals;
using testing::child_process;
using testing::temp_dir;

namespace {

/// One queue, two agents, 30 lines, callers (`rate_per_h`) who wait long and
/// talk a few seconds: callers wait in the queue at any moment. Rings time
/// out after 3 s (a simulated agent picks up after 2 s), and 2 unanswered
/// rings in a row pause an agent.
std::string write_config(const std::string& dir, int rate_per_h) {
  auto path = dir + "/center.toml";
  std::ofstream f{path};
  f << R"([site]
id = "restart"

[[tenants]]
id = "acme"
name = "Acme"

[[trunks]]
id = "pstn"
channels = 30

[[queues]]
id = "sales"
skills = { sales = 1 }
ring_timeout_s = 3
max_no_answer = 2
wrap_up_s = 1

[[agents]]
id = "a1"
skills = { sales = 50 }
queues = ["sales"]

[[agents]]
id = "a2"
skills = { sales = 50 }
queues = ["sales"]

[[entry_points]]
dialed = "100"
queue = "sales"

[node]
traffic = true

[simulation]
seed = 11
handle_time = { distribution = "exponential", mean_s = 3 }
patience = { distribution = "exponential", mean_s = 900 }
  [[simulation.arrivals]]
  entry_point = "100"
  rate_per_h = )"
    << rate_per_h << "\n";
  return path;
}

std::unique_ptr<child_process> start_node(const std::string& config, const std::string& store) {
  auto p = std::make_unique<child_process>(
      std::vector<std::string>{HOTLINE_BIN, "node", "--config", config, "--store", store});
  for (int i = 0; i < 20; ++i) {
    auto line = p->read_line(20s);
    REQUIRE_MESSAGE(line.has_value(), "the node stopped before its ACD came up");
    if (line->find("ACD up") != std::string::npos) return p;
  }
  FAIL("the node never said 'ACD up'");
  return p;
}

struct call_facts {
  std::uint64_t arrived_at = 0; ///< position of call.arrived (0: none)
  std::uint64_t first_position = 0;
  int ended = 0;
  std::string outcome, reason;
  bool connected = false;
};

struct store_facts {
  std::uint64_t head = 0;
  std::map<std::string, call_facts> calls;
  std::map<std::string, std::uint64_t> seized; ///< call id -> position of its (last) trunk.seized
  std::map<std::string, std::uint64_t>
      released; ///< call id -> position of its (last) trunk.released
  std::map<std::string, std::uint64_t> seized_first; ///< call id -> first trunk.seized
  std::vector<std::uint64_t> auto_paused;            ///< positions of agent.not_ready auto_pause
};

store_facts read_store(const std::string& dir) {
  auto store = drivers::rocksdb_event_store::open(dir);
  REQUIRE_MESSAGE(store, (store ? "" : store.error().message()));
  store_facts out;
  out.head = (*store)->head_position();
  auto all = (*store)->read_all(1, SIZE_MAX);
  REQUIRE(all);
  const auto& codec = events::event_codec::standard();
  for (const auto& e : *all) {
    auto payload = codec.decode(e);
    REQUIRE(payload);
    if (events::stream_category(e.stream) == "call") {
      auto& c = out.calls[std::string{events::stream_entity(e.stream)}];
      if (c.first_position == 0) c.first_position = e.position;
      if (std::get_if<events::call_arrived>(&*payload)) c.arrived_at = e.position;
      if (std::get_if<events::call_connected>(&*payload)) c.connected = true;
      if (const auto* x = std::get_if<events::call_ended>(&*payload)) {
        ++c.ended;
        c.outcome = std::string{events::to_wire(x->outcome)};
        c.reason = x->reason;
      }
    } else if (const auto* s = std::get_if<events::trunk_seized>(&*payload)) {
      out.seized[s->call_id] = e.position;
      out.seized_first.try_emplace(s->call_id, e.position);
    } else if (const auto* r = std::get_if<events::trunk_released>(&*payload)) {
      out.released[r->call_id] = e.position;
    } else if (const auto* n = std::get_if<events::agent_not_ready>(&*payload)) {
      if (n->reason == "auto_pause") out.auto_paused.push_back(e.position);
    }
  }
  return out;
}

} // namespace

TEST_CASE("node restart: calls alive at a kill -9 or a SIGINT end once with their reason, free "
          "their lines, and new callers are answered") {
  for (int how : {SIGKILL, SIGINT}) {
    CAPTURE(how);
    temp_dir dir;
    auto config = write_config(dir.path(), 7200);
    auto store = dir.path() + "/store";
    {
      auto node = start_node(config, store);
      std::this_thread::sleep_for(5s); // callers queue up behind two agents
      node->signal(how);
      node->wait();
    }
    auto stopped = read_store(store);
    std::set<std::string> alive;
    for (const auto& [id, c] : stopped.calls)
      if (c.arrived_at && c.ended == 0) alive.insert(id);
    REQUIRE_MESSAGE(alive.size() >= 3,
                    "only " << alive.size() << " calls alive when the node stopped");
    {
      auto node = start_node(config, store);
      std::this_thread::sleep_for(12s);
      node->signal(SIGINT);
      CHECK(node->wait() == 0);
    }
    auto after = read_store(store);
    for (const auto& id : alive) {
      CAPTURE(id);
      const auto& c = after.calls.at(id);
      CHECK(c.ended == 1);
      CHECK(c.outcome == "node_restart");
      CHECK((c.reason == "far_end_lost" || c.reason == "media_leg_lost"));
      if (stopped.seized.count(id) &&
          !stopped.released.count(id)) { // it held a line when the node stopped
        REQUIRE(after.released.count(id));
        CHECK(after.released.at(id) > stopped.head);
      }
    }
    int new_calls = 0, answered = 0;
    for (const auto& [id, c] : after.calls)
      if (c.first_position > stopped.head && c.arrived_at) {
        ++new_calls;
        answered += c.connected ? 1 : 0;
      }
    CHECK(new_calls > 0);
    CHECK_MESSAGE(answered > 0,
                  answered << " of " << new_calls << " new callers answered after the restart");
    int paused_after = 0;
    for (auto p : after.auto_paused)
      paused_after += p > stopped.head ? 1 : 0;
    CHECK_MESSAGE(paused_after == 0, paused_after << " auto-pauses after the restart");
  }
}

// Issue 18.5 was two runs within one second: call ids were
// `<site>-<start second>-N`. Call ids now carry a run id (drivers/sim/run_id.hpp:
// the start millisecond and 74 random bits; run_id_test covers two runs in
// one millisecond), so the runs here follow each other as closely as this
// machine allows, and the test no longer depends on fitting them into one
// second (it did not, on a loaded machine).
TEST_CASE("node restart: two runs back to back on one store reuse no call id") {
  bool callers_in_both = false;
  for (int attempt = 0; attempt < 5 && !callers_in_both; ++attempt) {
    temp_dir dir;
    auto config = write_config(dir.path(), 36'000);
    auto store = dir.path() + "/store";
    auto run = [&] {
      auto node = start_node(config, store);
      std::this_thread::sleep_for(400ms);
      node->signal(SIGINT);
      REQUIRE(node->wait() == 0);
    };
    run();
    auto first = read_store(store);
    run();
    auto both = read_store(store);
    // Calls the second run started (arrived or seized a line after the first run's head)...
    std::set<std::string> started;
    for (const auto& [id, c] : both.calls)
      if (c.arrived_at > first.head) started.insert(id);
    for (const auto& [id, p] : both.seized)
      if (p > first.head) started.insert(id);
    if (started.empty() || first.calls.empty()) continue; // no caller in one of the runs: again
    callers_in_both = true;
    // ... none of which the first run knew.
    for (const auto& id : started) {
      CAPTURE(id);
      CHECK(first.calls.count(id) == 0);
      CHECK(both.calls[id].first_position > first.head);
      if (both.seized_first.count(id)) CHECK(both.seized_first.at(id) > first.head);
    }
  }
  CHECK_MESSAGE(callers_in_both, "never got callers in both runs in 5 attempts");
}
