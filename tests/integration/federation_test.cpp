// Three sites as three `hotline node` processes on loopback, federated over
// `hotline kafka-mock` (its own process), each with simulated traffic; the
// north site gets most of the callers and has no billing agents at all.
// Checked from the nodes' own stores (the source of truth) and topics:
//  - calls interflow from north to the idle sites;
//  - no call is connected twice; across the federation every call has
//    exactly one owner (one site where it is still open or ended with a
//    terminal outcome) and at most one terminal outcome; every hand-off
//    (call.ended interflowed) has its landing at the target site;
//  - after `kill -9` of one node the others stop offering calls to it
//    within the configured status age, and the calls it had accepted are
//    accounted for (landed in its store, or queued again at their origin);
//  - north's federation view (GET /api/sites, the operators' Sites panel)
//    shows east up and south no longer up, and the calls it sent to each.
#include <doctest/doctest.h>

#include <csignal>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "drivers/kafka/topic_reader.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "events/acd/call.hpp"
#include "events/codec.hpp"
#include "events/variant_cast.hpp"
#include "tests/support/api_node.hpp"
#include "tests/support/kafka_mock.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using namespace std::chrono_literals;
using testing::child_process;
using testing::kafka_mock;
using testing::temp_dir;

namespace {

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct node_process {
  std::string site;
  std::string store;
  std::unique_ptr<child_process> proc;
  std::string api_url; ///< with `api`: "http://127.0.0.1:PORT"

  node_process(const std::string& site_id, const std::string& dir, const std::string& bootstrap,
               double traffic_for_s, bool api = false)
      : site(site_id), store(dir + "/" + site_id) {
    std::vector<std::string> argv{
        HOTLINE_BIN,     "node",
        "--config",      std::string{HOTLINE_CONFIG_DIR} + "/sites/" + site + ".toml",
        "--store",       store,
        "--kafka",       bootstrap,
        "--traffic-for", std::to_string(traffic_for_s)};
    if (api) {
      argv.push_back("--api-listen");
      argv.push_back("127.0.0.1:0");
    }
    proc = std::make_unique<child_process>(argv);
    bool acd_up = false;
    for (int i = 0; i < 40; ++i) {
      auto line = proc->read_line(10s);
      REQUIRE_MESSAGE(line.has_value(), "node " << site << " stopped before its ACD came up");
      if (line->find("ACD up") != std::string::npos) acd_up = true;
      if (auto at = line->find("API on "); at != std::string::npos) {
        api_url = line->substr(at + 7);
        api_url = api_url.substr(0, api_url.find(' '));
      }
      if (acd_up && (!api || !api_url.empty())) return;
    }
    FAIL("node " << site << " never said 'ACD up'" << (api ? " and 'API on'" : ""));
  }
};

/// What one site's store says about each call.
struct call_at_site {
  std::vector<std::string> types;
  std::optional<events::call_outcome> outcome; ///< call.ended outcome, if it ended
  std::string interflow_offer;                 ///< landed here: the offer it came with
  std::vector<std::string> handoffs;           ///< offers it left with (call.interflowed)
  std::vector<std::string> handoff_sites;      ///< and the sites they went to
  std::vector<std::string> returned; ///< reasons it was queued again (call.interflow_returned)
  int connected = 0;
};

using site_calls = std::map<std::string, call_at_site>; // call id -> ...

struct offer_seen {
  std::string site;
  std::int64_t at_ns;
};

site_calls read_site(const std::string& dir, std::vector<offer_seen>* offers) {
  auto store = drivers::rocksdb_event_store::open(dir);
  REQUIRE_MESSAGE(store, (store ? "" : store.error().message()));
  auto all = (*store)->read_all(1, SIZE_MAX);
  REQUIRE(all);
  const auto& codec = events::event_codec::standard();
  site_calls out;
  for (const auto& e : *all) {
    if (events::stream_category(e.stream) != "call") continue;
    auto id = std::string{events::stream_entity(e.stream)};
    auto& c = out[id];
    c.types.push_back(e.type);
    auto payload = codec.decode(e);
    REQUIRE(payload);
    if (const auto* a = std::get_if<events::call_arrived>(&*payload)) {
      if (auto o = a->attached.find("interflow.offer"); o != a->attached.end())
        c.interflow_offer = o->second;
    } else if (const auto* x = std::get_if<events::call_ended>(&*payload)) {
      c.outcome = x->outcome;
    } else if (std::get_if<events::call_connected>(&*payload)) {
      ++c.connected;
    } else if (const auto* f = std::get_if<events::call_interflowed>(&*payload)) {
      c.handoffs.push_back(f->offer_id);
      c.handoff_sites.push_back(f->site);
    } else if (const auto* r = std::get_if<events::call_interflow_returned>(&*payload)) {
      c.returned.push_back(r->reason);
    } else if (const auto* o = std::get_if<events::call_interflow_offered>(&*payload)) {
      if (offers) offers->push_back({o->site, e.meta.timestamp_ns});
    }
  }
  return out;
}

} // namespace

TEST_CASE("federation: three nodes over kafka-mock interflow calls, lose one, and account for "
          "every call") {
  temp_dir dir;
  kafka_mock kafka({});
  const double traffic_s = 24;
  std::map<std::string, std::unique_ptr<node_process>> nodes;
  // North's operator watches the federation view through its API.
  hotline::test::api::add_user(dir.path() + "/north", "--user olga --role operator");
  for (const auto* site : {"north", "south", "east"})
    nodes[site] = std::make_unique<node_process>(site, dir.path(), kafka.bootstrap, traffic_s,
                                                 std::string{site} == "north");

  // Traffic runs; then south dies without a chance to say goodbye.
  std::this_thread::sleep_for(12s);
  auto killed_at = wall_ns();
  nodes["south"]->proc->signal(SIGKILL);
  nodes["south"]->proc->wait();
  // The others notice within max_status_age_s (3 s in config/sites) and go on.
  std::this_thread::sleep_for(std::chrono::seconds(static_cast<int>(traffic_s) - 12 + 4));

  // `hotline sites` shows the survivors fresh and south old.
  {
    std::string out;
    REQUIRE(testing::run_capture({HOTLINE_BIN, "sites", "--kafka", kafka.bootstrap}, out) == 0);
    CHECK(out.find("north") != std::string::npos);
    CHECK(out.find("east") != std::string::npos);
    CHECK(out.find("south") != std::string::npos);
  }
  // North's federation view: east up, south not (killed), and the calls north sent to each.
  nlohmann::json view;
  {
    auto olga = hotline::test::api::login(nodes["north"]->api_url, "olga");
    view = olga.get("/api/sites");
  }
  std::map<std::string, nlohmann::json> seen_sites;
  for (const auto& s : view["sites"])
    seen_sites[s["site"].get<std::string>()] = s;
  CHECK(view["site"] == "north");
  CHECK(view["federation"] == true);
  REQUIRE(seen_sites.count("east"));
  REQUIRE(seen_sites.count("south"));
  CHECK(seen_sites["east"]["state"] == "up");
  CHECK(seen_sites["south"]["state"] != "up");
  CHECK(seen_sites["east"]["agents_logged_in"].get<int>() > 0);
  for (const auto* site : {"north", "east"}) {
    nodes[site]->proc->signal(SIGTERM);
    CHECK_MESSAGE(nodes[site]->proc->wait() == 0, "node " << site << " did not stop cleanly");
  }

  std::vector<offer_seen> offers;
  std::map<std::string, site_calls> sites;
  for (const auto* site : {"north", "south", "east"})
    sites[site] = read_site(nodes[site]->store, &offers);

  // 1. North's callers went to the idle sites, before and after the kill.
  int handoffs = 0;
  std::map<std::string, std::string> landed_at; // offer -> site
  for (const auto& [site, calls] : sites)
    for (const auto& [id, c] : calls) {
      handoffs += static_cast<int>(c.handoffs.size());
      if (!c.interflow_offer.empty()) landed_at[c.interflow_offer] = site;
    }
  MESSAGE("hand-offs: " << handoffs << ", landings: " << landed_at.size()
                        << ", offers: " << offers.size());
  CHECK(handoffs > 0);
  int landed_south = 0, landed_east = 0;
  for (const auto& [offer, site] : landed_at)
    (site == "south" ? landed_south : landed_east)++;
  CHECK(landed_south > 0);
  CHECK(landed_east > 0);
  // The view counted north's call.interflowed per site up to when it was read.
  std::map<std::string, int> sent_in_store;
  for (const auto& [id, c] : sites["north"])
    for (const auto& to : c.handoff_sites)
      ++sent_in_store[to];
  for (const auto* to : {"east", "south"}) {
    const auto& moves = seen_sites[to]["moves"];
    const int sent = moves.is_object() ? moves.value("sent", 0) : 0;
    CHECK_MESSAGE(sent > 0, "north's view shows no call sent to " << to << ": " << view.dump());
    CHECK(sent <= sent_in_store[to]);
  }

  // 2. Nobody offers anything to south once its status is older than 3 s (+ one 200 ms tick, + 1 s
  // slack).
  for (const auto& o : offers)
    if (o.site == "south")
      CHECK_MESSAGE(o.at_ns <= killed_at + 4'200'000'000LL, "an offer to the dead site "
                                                                << (o.at_ns - killed_at) / 1'000'000
                                                                << " ms after the kill");

  // 3. Every call: connected at most once, one owner, at most one terminal outcome;
  //    every hand-off landed somewhere.
  std::set<std::string> ids;
  for (const auto& [site, calls] : sites)
    for (const auto& [id, c] : calls)
      ids.insert(id);
  int returned = 0;
  for (const auto& id : ids) {
    int connected = 0, terminal = 0, owners = 0;
    std::string where;
    for (const auto& [site, calls] : sites) {
      auto it = calls.find(id);
      if (it == calls.end()) continue;
      const auto& c = it->second;
      connected += c.connected;
      returned += static_cast<int>(c.returned.size());
      bool handed_off = c.outcome && events::is_hand_off(*c.outcome);
      if (c.outcome && !handed_off) ++terminal;
      if (!handed_off) {
        ++owners;
        where += " " + site;
      }
      if (c.outcome == events::call_outcome::interflowed)
        for (const auto& offer : c.handoffs)
          if (offer == c.handoffs.back())
            CHECK_MESSAGE(landed_at.count(offer), "call " << id << " left " << site
                                                          << " with offer " << offer
                                                          << " but landed nowhere");
    }
    CHECK_MESSAGE(connected <= 1, "call " << id << " was connected " << connected << " times");
    CHECK_MESSAGE(terminal <= 1, "call " << id << " has " << terminal << " terminal outcomes");
    CHECK_MESSAGE(owners == 1,
                  "call " << id << " is held by" << (where.empty() ? " no site" : where));
  }
  MESSAGE(ids.size() << " calls; " << returned
                     << " queued again at their origin after a failed move");

  // 4. The events are on Kafka too: north's topic carries its interflow decisions.
  drivers::topic_reader_options tr;
  tr.bootstrap_servers = kafka.bootstrap;
  tr.topic = "hotline.north.events";
  auto north_topic = drivers::read_topic(tr);
  REQUIRE(north_topic);
  int offered_on_topic = 0;
  for (const auto& r : *north_topic)
    offered_on_topic += r.event.type == "call.interflow_offered";
  CHECK(offered_on_topic > 0);

  // 5. Federated views over the three sites' topics: KPIs per site and
  //    global, and a customer's history wherever the call was handled.
  int north_handoffs = 0;
  std::string moved_call;
  for (const auto& [id, c] : sites["north"]) {
    north_handoffs += static_cast<int>(c.handoffs.size());
    if (c.outcome == events::call_outcome::interflowed && sites["east"].count(id) &&
        sites["east"][id].outcome && !events::is_hand_off(*sites["east"][id].outcome))
      moved_call = id; // moved to east and ended there
  }
  std::vector<std::string> topics_args;
  for (const auto* site : {"north", "south", "east"}) {
    topics_args.push_back("--topic");
    topics_args.push_back(std::string{"hotline."} + site + ".events");
  }
  std::vector<std::string> kpi{HOTLINE_BIN, "kpi",  "--kafka",        kafka.bootstrap,
                               "--format",  "json", "--no-intervals", "--quiet"};
  kpi.insert(kpi.end(), topics_args.begin(), topics_args.end());
  std::string kpi_out;
  REQUIRE(testing::run_capture(kpi, kpi_out) == 0);
  auto report = nlohmann::json::parse(kpi_out);
  const auto& by_site = report["groups"]["site"];
  CHECK(by_site.contains("north"));
  CHECK(by_site.contains("east"));
  CHECK(by_site["north"]["interflowed"] == north_handoffs);
  CHECK(report["totals"]["answered"].get<int>() > 0);
  REQUIRE_FALSE(moved_call.empty());
  std::vector<std::string> replay{HOTLINE_BIN,     "replay",       "--kafka",
                                  kafka.bootstrap, "--projection", "crm",
                                  "--quiet",       "--out",        dir.path() + "/federated-views"};
  replay.insert(replay.end(), topics_args.begin(), topics_args.end());
  std::string ignored;
  REQUIRE(testing::run_capture(replay, ignored) == 0);
  // The moved call's customer, as the origin knew it.
  std::string customer;
  {
    auto store = drivers::rocksdb_event_store::open(nodes["north"]->store);
    REQUIRE(store);
    auto evs = (*store)->read_stream("call-" + moved_call, 0, 1);
    REQUIRE(evs);
    REQUIRE_FALSE(evs->empty());
    auto p = events::event_codec::standard().decode(evs->front());
    REQUIRE(p);
    customer = std::get<events::call_arrived>(*p).customer_id;
  }
  std::string profile_out;
  REQUIRE(testing::run_capture({HOTLINE_BIN, "crm", "show", "--views",
                                dir.path() + "/federated-views", "--customer", customer, "--quiet"},
                               profile_out) == 0);
  auto profile = nlohmann::json::parse(profile_out);
  bool handled_at_east = false;
  for (const auto& i : profile["interactions"])
    handled_at_east = handled_at_east || (i["call_id"] == moved_call && i["site"] == "east");
  CHECK_MESSAGE(handled_at_east, "customer " << customer << "'s history lacks call " << moved_call
                                             << " at east: " << profile_out);
}
