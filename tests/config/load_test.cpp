// Loading: the shipped examples, defaults, units, agent groups, includes.
#include <doctest/doctest.h>

#include "config/load.hpp"
#include "tests/config/config_files.hpp"

using namespace hotline;
using namespace hotline::config;
using hotline::config::testing::config_files;
using hotline::config::testing::listing;
using hotline::config::testing::only;
using hotline::config::testing::valid_center;

namespace {
const std::string shipped = HOTLINE_CONFIG_DIR;
}

TEST_CASE("config/demo.toml loads with no error and no warning") {
  auto loaded = load_file(shipped + "/demo.toml");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.problems.empty());
  const auto& c = loaded.config.center;
  CHECK(c.site.id == "site-1");
  CHECK(c.tenants.size() == 2);
  CHECK(c.queues.size() == 8);
  CHECK(c.agents.size() == 40);
  CHECK(c.entry_points.size() == 8);
  // Acme's self-service line runs the bilingual order flow, its callers answer it.
  REQUIRE(c.flows.size() == 1);
  CHECK(c.find_entry("4008100500")->flow == "acme-orders");
  CHECK(c.flows[0].languages == std::vector<std::string>{"zh", "en"});
  int inbound = 0;
  for (const auto& t : c.trunks)
    if (t.direction != events::trunk_direction::outbound) inbound += t.channels;
  CHECK(inbound < 40 + 1); // blocking must be possible at the peak
  CHECK(loaded.config.simulation.shifts.size() == 40);
  CHECK(loaded.config.simulation.vip_share.at("bright-bank") == doctest::Approx(0.08));
  for (const auto& t : c.tenants)
    CHECK_FALSE(t.vip_callers.empty());
  const auto& arrivals = loaded.config.simulation.arrivals;
  REQUIRE(arrivals.size() == 10);
  CHECK(arrivals[7].ivr.choices.at("lang").at("2") == doctest::Approx(0.25));
  CHECK(arrivals[7].ivr.digits.at("order_zh").size() == 10);
  CHECK(arrivals[8].direction == events::call_direction::outbound); // billing agents' follow-ups
  CHECK(c.find_queue("acme-billing")->outbound_trunk_group == "acme-out");
  CHECK(arrivals[0].counts.size() == 17); // 08:00-16:30 in 30-minute intervals
  CHECK(arrivals[0].interval_ms == 30 * 60'000);
}

TEST_CASE("config/minimal.toml loads with no error and no warning") {
  auto loaded = load_file(shipped + "/minimal.toml");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.problems.empty());
  CHECK(loaded.config.center.queues.size() == 1);
  CHECK(loaded.config.center.agents.size() == 3);
  CHECK(loaded.config.files == std::vector<std::string>{shipped + "/minimal.toml"});
}

TEST_CASE("keys left out take the documented defaults") {
  config_files files;
  files.write("c.toml", std::string(valid_center) + R"(
[simulation]
  [[simulation.arrivals]]
  entry_point = "100"
  rate_per_h = 10
)");
  auto loaded = files.load("c.toml");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  const auto& c = loaded.config.center;
  CHECK(c.site.id == "site-1");
  CHECK(c.site.passivate_idle_ms == 600'000);
  const auto& q = c.queues.at(0);
  CHECK(q.channel == events::contact_channel::voice);
  CHECK(q.strategy == events::routing_strategy::longest_idle);
  CHECK(q.ring_timeout_ms == 15'000);
  CHECK(q.wrap_up_ms == 10'000);
  CHECK(q.max_no_answer == 3);
  CHECK(q.overflow == events::overflow_action::none);
  CHECK(q.sl_threshold_s == 20);
  CHECK(q.vip_priority == 10);
  const auto& a = c.agents.at(0);
  CHECK(a.capacity == std::map<events::contact_channel, int>{{events::contact_channel::voice, 1}});
  CHECK(a.wrap_up_ms == -1);
  CHECK(a.voice_blocks_others);
  CHECK(c.trunks.at(0).channels == 30);
  CHECK(c.trunks.at(0).direction == events::trunk_direction::both);
  CHECK(c.entry_points.at(0).trunk_group == "pstn"); // the only trunk group
  const auto& sim = loaded.config.simulation;
  CHECK(sim.seed == 1);
  CHECK(sim.start_ms == 8 * 3'600'000);
  CHECK(sim.end_ms == 18 * 3'600'000);
  const auto& arrival = sim.arrivals.at(0);
  CHECK(arrival.handle_time.kind == distribution_kind::exponential);
  CHECK(arrival.handle_time.mean_ms == 180'000);
  CHECK(arrival.patience.kind == distribution_kind::none);
  CHECK(arrival.callback_accept == 0);
  CHECK(arrival.callback_reach == 1);
  CHECK(sim.shifts.empty());
}

TEST_CASE("a single tenant is every item's tenant, and an entry point takes its queue's") {
  config_files files;
  files.write("one.toml", std::string(valid_center) + "[[tenants]]\nid = \"acme\"\n");
  auto one = files.load("one.toml");
  INFO(listing(one.problems));
  REQUIRE(one.ok());
  CHECK(one.config.center.queues[0].tenant == "acme");
  CHECK(one.config.center.agents[0].tenant == "acme");
  CHECK(one.config.center.entry_points[0].tenant == "acme");

  files.write("two.toml", R"(
[[tenants]]
id = "acme"
[[tenants]]
id = "bank"
[[trunks]]
id = "pstn"
[[queues]]
id = "cards"
tenant = "bank"
[[agents]]
id = "ann"
tenant = "bank"
queues = ["cards"]
[[entry_points]]
dialed = "200"
queue = "cards"
)");
  auto two = files.load("two.toml");
  INFO(listing(two.problems));
  REQUIRE(two.ok());
  CHECK(two.config.center.entry_points[0].tenant == "bank");
}

TEST_CASE("seconds and minutes in the file become milliseconds") {
  config_files files;
  files.write("u.toml", R"(
[site]
passivate_idle_s = 90
[[trunks]]
id = "pstn"
[[queues]]
id = "sales"
ring_timeout_s = 20
wrap_up_s = 0
max_wait_s = 300
reject_delay_s = 2
busy_delay_s = 3
announce_every_s = 45
callback_offer_after_s = 90
callback_attempts = 3
callback_retry_s = 600
preferred_agent_s = 30
  [[queues.widening]]
  after_s = 30
  min_level_delta = 10
  [[queues.widening]]
  after_s = 60
  add_queues = ["sales"]
[[agents]]
id = "ann"
wrap_up_s = 5
queues = ["sales"]
shift = { start = "07:30", length_min = 480, breaks = [ { after_min = 120, length_min = 15 } ] }
[[entry_points]]
dialed = "100"
queue = "sales"
[simulation]
start = "07:30"
end = "24:00"
handle_time = { distribution = "lognormal", mean_s = 200.5, sd_s = 60 }
patience = { distribution = "empirical", samples_s = [10, 20.25] }
  [[simulation.arrivals]]
  entry_point = "100"
  rate_per_h = 12.5
)");
  auto loaded = files.load("u.toml");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  const auto& q = loaded.config.center.queues[0];
  CHECK(loaded.config.center.site.passivate_idle_ms == 90'000);
  CHECK(q.ring_timeout_ms == 20'000);
  CHECK(q.wrap_up_ms == 0);
  CHECK(q.max_wait_ms == 300'000);
  CHECK(q.reject_delay_ms == 2'000);
  CHECK(q.busy_delay_ms == 3'000);
  CHECK(q.announce_every_ms == 45'000);
  CHECK(q.callback_offer_after_ms == 90'000);
  CHECK(q.callback_attempts == 3);
  CHECK(q.callback_retry_ms == 600'000);
  CHECK(q.preferred_agent_ms == 30'000);
  REQUIRE(q.widening.size() == 2);
  CHECK(q.widening[0].after_ms == 30'000);
  CHECK(q.widening[0].min_level_delta == 10);
  CHECK(q.widening[1].after_ms == 60'000);
  CHECK(q.widening[1].add_queues == std::vector<std::string>{"sales"});
  CHECK(loaded.config.center.agents[0].wrap_up_ms == 5'000);
  const auto& s = loaded.config.simulation.shifts.at("ann");
  CHECK(s.start_ms == (7 * 60 + 30) * 60'000);
  CHECK(s.length_ms == 480 * 60'000);
  REQUIRE(s.breaks.size() == 1);
  CHECK(s.breaks[0].offset_ms == 120 * 60'000);
  CHECK(s.breaks[0].length_ms == 15 * 60'000);
  CHECK(s.breaks[0].reason == "break");
  const auto& sim = loaded.config.simulation;
  CHECK(sim.start_ms == (7 * 60 + 30) * 60'000);
  CHECK(sim.end_ms == 24 * 3'600'000);
  const auto& a = sim.arrivals.at(0);
  CHECK(a.rate_per_hour == doctest::Approx(12.5));
  CHECK(a.handle_time.kind == distribution_kind::lognormal);
  CHECK(a.handle_time.mean_ms == 200'500);
  CHECK(a.handle_time.sd_ms == 60'000);
  CHECK(a.patience.kind == distribution_kind::empirical);
  CHECK(a.patience.samples_ms == std::vector<std::int64_t>{10'000, 20'250});
}

TEST_CASE("arrival counts come from a CSV relative to the file that names it") {
  config_files files;
  files.write("data/counts.csv",
              "interval_start,calls\n08:00,12\n08:15,  20.5\n\n# lunch\n08:30,0\n");
  files.write("sub/c.toml", std::string(valid_center) + R"(
[simulation]
  [[simulation.arrivals]]
  entry_point = "100"
  counts_csv = "../data/counts.csv"
  interval_min = 15
  counts_start = "08:00"
)");
  auto loaded = files.load("sub/c.toml");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  const auto& a = loaded.config.simulation.arrivals.at(0);
  CHECK(a.counts == std::vector<double>{12, 20.5, 0});
  CHECK(a.interval_ms == 15 * 60'000);
  CHECK(a.counts_start_ms == 8 * 3'600'000);
}

TEST_CASE("a counts file is a forecast file: its interval and start come from its rows") {
  config_files files;
  // The same file `hotline staff --forecast` reads, aht_s column included.
  files.write("day.csv", "interval_start,calls,aht_s\n09:00,4,\n09:30,6,200\n");
  files.write("c.toml", std::string(valid_center) + R"(
[simulation]
  [[simulation.arrivals]]
  entry_point = "100"
  counts_csv = "day.csv"
)");
  auto loaded = files.load("c.toml");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  const auto& a = loaded.config.simulation.arrivals.at(0);
  CHECK(a.counts == std::vector<double>{4, 6});
  CHECK(a.interval_ms == 30 * 60'000);
  CHECK(a.counts_start_ms == 9 * 3'600'000);
  REQUIRE(loaded.problems.size() == 1); // aht_s is the staffing's, not the simulator's
  CHECK(loaded.problems[0].level == severity::warning);

  files.write("d.toml", std::string(valid_center) + R"(
[simulation]
  [[simulation.arrivals]]
  entry_point = "100"
  counts_csv = "day.csv"
  interval_min = 15
  counts_start = "08:00"
)");
  auto wrong = files.load("d.toml");
  CHECK_FALSE(wrong.ok());
  CHECK(listing(wrong.problems).find("\"09:30\" is 30 min after line 2's \"09:00\"") !=
        std::string::npos);
}

TEST_CASE("an agent group expands into numbered agents sharing its settings") {
  config_files files;
  files.write("g.toml", R"(
[[trunks]]
id = "pstn"
[[queues]]
id = "sales"
skills = { english = 10 }
[[entry_points]]
dialed = "100"
queue = "sales"
[[agents]]
id = "boss"
queues = ["sales"]
[[agent_groups]]
id_prefix = "a"
count = 3
name = "Sales {n}"
skills = { english = 40, billing = 7 }
capacity = { voice = 1, chat = 3 }
queues = ["sales"]
order = 10
break_stagger_min = 10
shift = { start = "08:00", length_min = 480, breaks = [ { after_min = 120, length_min = 15, reason = "coffee" } ] }
[[agent_groups]]
id_prefix = "b-"
count = 2
first_number = 9
digits = 1
queues = ["sales"]
)");
  auto loaded = files.load("g.toml");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  const auto& agents = loaded.config.center.agents;
  REQUIRE(agents.size() == 6);
  CHECK(agents[0].id == "boss"); // explicit agents first
  CHECK(agents[1].id == "a01");
  CHECK(agents[3].id == "a03");
  CHECK(agents[4].id == "b-9");
  CHECK(agents[5].id == "b-10");
  CHECK(agents[2].name == "Sales 02");
  CHECK(agents[2].skills == std::map<std::string, int>{{"billing", 7}, {"english", 40}});
  CHECK(agents[2].capacity ==
        std::map<events::contact_channel, int>{{events::contact_channel::chat, 3},
                                               {events::contact_channel::voice, 1}});
  CHECK(agents[1].order == 10);
  CHECK(agents[3].order == 12);
  const auto& shifts = loaded.config.simulation.shifts;
  CHECK(shifts.size() == 3);
  CHECK(shifts.at("a01").breaks.at(0).offset_ms == 120 * 60'000);
  CHECK(shifts.at("a03").breaks.at(0).offset_ms == 140 * 60'000); // staggered
  CHECK(shifts.at("a03").breaks.at(0).reason == "coffee");
}

TEST_CASE("a problem in an agent group is reported once, at the group") {
  config_files files;
  files.write("g.toml", std::string(valid_center) + R"(
[[agent_groups]]
id_prefix = "a"
count = 5
queues = ["salse"]
)");
  auto loaded = files.load("g.toml");
  auto d = only(loaded.problems, "agent_groups[0].queues[0]");
  CHECK(d.line == 21);
  CHECK(d.message == "unknown queue 'salse' (did you mean 'sales'?)");
}

TEST_CASE("an include is read first and the including file patches it by id") {
  config_files files;
  files.write("shared/center.toml", R"(
[site]
id = "site-1"
name = "Base"

[[trunks]]
id = "pstn"
channels = 20

[[queues]]
id = "sales"
ring_timeout_s = 15
skills = { english = 10 }
  [[queues.widening]]
  after_s = 30
  min_level_delta = 5

[[queues]]
id = "support"

[[agents]]
id = "ann"
skills = { english = 50 }
queues = ["sales", "support"]

[[entry_points]]
dialed = "100"
queue = "sales"

[simulation]
seed = 7
  [[simulation.arrivals]]
  entry_point = "100"
  rate_per_h = 60
)");
  files.write("what-if.toml", R"(
include = ["shared/center.toml"]

[site]
name = "More trunks"

[[trunks]]
id = "pstn"
channels = 40

[[queues]]
id = "sales"
ring_timeout_s = 20
  [[queues.widening]]
  after_s = 10

[[agents]]
id = "bob"
skills = { english = 60 }
queues = ["sales"]

[simulation]
  [[simulation.arrivals]]
  entry_point = "100"
  rate_per_h = 90
)");
  auto loaded = files.load("what-if.toml");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  const auto& c = loaded.config.center;
  CHECK(loaded.config.files ==
        std::vector<std::string>{files.path("what-if.toml"), files.path("shared/center.toml")});
  CHECK(c.site.id == "site-1");
  CHECK(c.site.name == "More trunks");
  REQUIRE(c.trunks.size() == 1);
  CHECK(c.trunks[0].channels == 40);
  REQUIRE(c.queues.size() == 2);
  CHECK(c.queues[0].ring_timeout_ms == 20'000);       // patched
  CHECK(c.queues[0].skills.at(0).skill == "english"); // kept from the base
  REQUIRE(c.queues[0].widening.size() == 1);          // an unkeyed array is replaced
  CHECK(c.queues[0].widening[0].after_ms == 10'000);
  CHECK(c.queues[0].widening[0].min_level_delta == 0);
  REQUIRE(c.agents.size() == 2); // a new id is appended
  CHECK(c.agents[1].id == "bob");
  CHECK(loaded.config.simulation.seed == 7);
  REQUIRE(loaded.config.simulation.arrivals.size() == 1);
  CHECK(loaded.config.simulation.arrivals[0].rate_per_hour == 90);
}

TEST_CASE("a problem in an included file names that file and its line") {
  config_files files;
  files.write("base.toml", std::string(valid_center) + R"(
[[queues]]
id = "support"
ring_timeout_s = -5
)");
  files.write("main.toml", "include = \"base.toml\"\n");
  auto loaded = files.load("main.toml");
  auto d = only(loaded.problems, "queues[1].ring_timeout_s");
  CHECK(d.file == files.path("base.toml"));
  CHECK(d.line == 20);
  CHECK(d.column == 18);
}

TEST_CASE("two elements with one id in the same file stay two, so the duplicate is reported") {
  config_files files;
  files.write("base.toml", valid_center);
  files.write("main.toml", R"(include = ["base.toml"]
[[queues]]
id = "sales"
[[queues]]
id = "sales"
)");
  auto loaded = files.load("main.toml");
  auto d = only(loaded.problems, "queues[1].id");
  CHECK(d.file == files.path("main.toml"));
  CHECK(d.line == 5);
  CHECK(d.message.find("duplicate queue id 'sales' (first defined at " + files.path("main.toml") +
                       ":3:") == 0);
}

TEST_CASE("include cycles are reported where they close, with the chain") {
  config_files files;
  files.write("a.toml", "include = [\"b.toml\"]\n");
  files.write("b.toml", "# b\ninclude = [\"a.toml\"]\n");
  auto loaded = files.load("a.toml");
  REQUIRE_FALSE(loaded.ok());
  auto d = only(loaded.problems, "include[0]");
  CHECK(d.file == files.path("b.toml"));
  CHECK(d.line == 2);
  CHECK(d.column == 12);
  CHECK(d.message == "include cycle: " + files.path("a.toml") + " -> " + files.path("b.toml") +
                         " -> " + files.path("a.toml"));

  files.write("self.toml", "include = \"./self.toml\"\n");
  auto self = files.load("self.toml");
  CHECK(only(self.problems, "include").message.find("include cycle") == 0);
}

TEST_CASE("the same file included twice without a cycle is fine") {
  config_files files;
  files.write("common.toml", valid_center);
  files.write("x.toml", "include = [\"common.toml\"]\n");
  files.write("main.toml", "include = [\"common.toml\", \"x.toml\"]\n");
  auto loaded = files.load("main.toml");
  INFO(listing(loaded.problems));
  CHECK(loaded.ok());
  CHECK(loaded.config.center.queues.size() == 1);
}

TEST_CASE("a missing include is an error at the include, not a crash") {
  config_files files;
  files.write("main.toml", "\ninclude = [\"base.toml\", \"gone.toml\"]\n");
  files.write("base.toml", valid_center);
  auto loaded = files.load("main.toml");
  auto d = only(loaded.problems, "include[1]");
  CHECK(d.line == 2);
  CHECK(d.column == 25);
  CHECK(d.message ==
        "cannot read included file '" + files.path("gone.toml") + "': No such file or directory");
}
