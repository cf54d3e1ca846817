// Every kind of configuration error names the file, the line and column, the
// key path, and what was expected; all errors are reported, not just the first.
#include <doctest/doctest.h>

#include "config/validate.hpp"
#include "tests/config/config_files.hpp"

using namespace hotline;
using namespace hotline::config;
using hotline::config::testing::config_files;
using hotline::config::testing::listing;
using hotline::config::testing::only;
using hotline::config::testing::valid_center;

namespace {

/// Loads `valid_center` followed by `tail`; the tail's first line is line 17.
load_outcome load_with(config_files& files, const std::string& tail) {
  files.write("c.toml", std::string(valid_center) + tail);
  return files.load("c.toml");
}

} // namespace

TEST_CASE("the shared valid center is valid, and the tail starts on line 17") {
  config_files files;
  auto clean = load_with(files, "");
  INFO(listing(clean.problems));
  CHECK(clean.problems.empty());
  auto loaded = load_with(files, "\n[[queues]]\nid = 5\n");
  CHECK(only(loaded.problems, "queues[1].id").line == 19);
}

TEST_CASE("a TOML syntax error gives file:line:col and no key") {
  config_files files;
  files.write("bad.toml", "[[queues]]\nid = \"sales\"\nring_timeout_s = = 5\n");
  auto loaded = files.load("bad.toml");
  REQUIRE(loaded.problems.size() == 1);
  const auto& d = loaded.problems[0];
  CHECK(d.file == files.path("bad.toml"));
  CHECK(d.line == 3);
  CHECK(d.column > 0);
  CHECK(d.key.empty());
  CHECK(format(d).find(files.path("bad.toml") + ":3:") == 0);
}

TEST_CASE("an unreadable file is one error naming it") {
  auto loaded = load_file("/nonexistent/hotline.toml");
  REQUIRE(loaded.problems.size() == 1);
  CHECK(format(loaded.problems[0]) ==
        "/nonexistent/hotline.toml: error: cannot read file: No such file or directory");
}

TEST_CASE("a negative number of seconds says what a timer expects") {
  config_files files;
  auto loaded = load_with(files, R"(
[[queues]]
id = "support"
ring_timeout_s = -5
max_wait_s = -1
ring_timeout_s_typo = 1
)");
  auto d = only(loaded.problems, "queues[1].ring_timeout_s");
  CHECK(d.level == severity::error);
  CHECK(d.file == files.path("c.toml"));
  CHECK(d.line == 20);
  CHECK(d.column == 18);
  CHECK(d.message == "expected a positive integer number of seconds, got -5");
  CHECK(format(d) == files.path("c.toml") +
                         ":20:18: error: queues[1].ring_timeout_s: expected a positive integer "
                         "number of seconds, got -5");
  CHECK(only(loaded.problems, "queues[1].max_wait_s").message ==
        "expected a non-negative integer number of seconds (0: off), got -1");
}

TEST_CASE("a value of the wrong type says what was expected and what was found") {
  config_files files;
  auto loaded = load_with(files, R"(
[[queues]]
id = "support"
ring_timeout_s = "15"
max_length = 2.5
skills = ["english"]
)");
  CHECK(only(loaded.problems, "queues[1].ring_timeout_s").message ==
        "expected a positive integer number of seconds, got \"15\"");
  CHECK(only(loaded.problems, "queues[1].max_length").message ==
        "expected a non-negative integer (0: unlimited), got 2.5");
  CHECK(only(loaded.problems, "queues[1].skills").message ==
        "expected a table such as { name = 100 }, got an array");
}

TEST_CASE("an unknown strategy lists the known ones") {
  config_files files;
  auto loaded = load_with(files, "\n[[queues]]\nid = \"support\"\nstrategy = \"fastest\"\n");
  auto d = only(loaded.problems, "queues[1].strategy");
  CHECK(d.line == 20);
  CHECK(d.column == 12);
  CHECK(d.message == "unknown strategy 'fastest' (expected one of longest_idle, round_robin, "
                     "fewest_calls, least_talk_time, top_down, random, ring_all)");
  auto typo = load_with(files, "\n[[queues]]\nid = \"support\"\nstrategy = \"round_robbin\"\n");
  CHECK(only(typo.problems, "queues[1].strategy").message.find("(did you mean 'round_robin'?)") !=
        std::string::npos);
}

TEST_CASE("an unknown key is an error at the key, with a suggestion when one is close") {
  config_files files;
  auto loaded = load_with(files, R"(
[[queues]]
id = "support"
ring_timout_s = 5
colour = "blue"

[queue_defaults]
x = 1
)");
  auto typo = only(loaded.problems, "queues[1].ring_timout_s");
  CHECK(typo.line == 20);
  CHECK(typo.column == 1);
  CHECK(typo.message == "unknown key 'ring_timout_s' (did you mean 'ring_timeout_s'?)");
  CHECK(only(loaded.problems, "queues[1].colour").message == "unknown key 'colour'");
  auto top = only(loaded.problems, "queue_defaults");
  CHECK(top.line == 23);
  CHECK_FALSE(loaded.ok());
}

TEST_CASE("a missing required key is reported at its table") {
  config_files files;
  auto loaded = load_with(files, "\n[[queues]]\nname = \"no id\"\n");
  auto d = only(loaded.problems, "queues[1].id");
  CHECK(d.line == 18);
  CHECK(d.message == "missing required key 'id' (expected a queue id)");
}

TEST_CASE("duplicate ids name where the first one is") {
  config_files files;
  auto loaded = load_with(files, R"(
[[agents]]
id = "ann"
queues = ["sales"]

[[entry_points]]
dialed = "100"
queue = "sales"
)");
  auto agent = only(loaded.problems, "agents[1].id");
  CHECK(agent.line == 19);
  CHECK(agent.message ==
        "duplicate agent id 'ann' (first defined at " + files.path("c.toml") + ":10:6)");
  auto entry = only(loaded.problems, "entry_points[1].dialed");
  CHECK(entry.line == 23);
  CHECK(entry.message.find("duplicate dialed number '100'") == 0);
}

TEST_CASE("a generated agent id that clashes is reported at the group's id_prefix") {
  config_files files;
  auto loaded = load_with(files, R"(
[[agents]]
id = "a02"
[[agent_groups]]
id_prefix = "a"
count = 3
)");
  auto d = only(loaded.problems, "agent_groups[0].id_prefix");
  CHECK(d.line == 21);
  CHECK(d.message.find("duplicate agent id 'a02'") == 0);
}

TEST_CASE("references to unknown queues, tenants and trunk groups are errors") {
  config_files files;
  auto loaded = load_with(files, R"(
[[tenants]]
id = "acme"

[[queues]]
id = "support"
tenant = "acmee"
overflow = "queue"
overflow_queue = "nowhere"

[[entry_points]]
dialed = "200"
queue = "suport"
trunk_group = "isdn"
)");
  CHECK(only(loaded.problems, "queues[1].tenant").message ==
        "unknown tenant 'acmee' (did you mean 'acme'?)");
  CHECK(only(loaded.problems, "queues[1].overflow_queue").message ==
        "unknown queue 'nowhere' (expected one of sales, support)");
  auto queue = only(loaded.problems, "entry_points[1].queue");
  CHECK(queue.line == 29);
  CHECK(queue.message == "unknown queue 'suport' (did you mean 'support'?)");
  CHECK(only(loaded.problems, "entry_points[1].trunk_group").message ==
        "unknown trunk group 'isdn' (expected one of pstn)");
}

TEST_CASE("a call back needs at least one attempt, and a retry spacing of zero or more seconds") {
  config_files files;
  auto loaded = load_with(files, R"(
[[queues]]
id = "support"
callback_attempts = 0
callback_retry_s = -60
)");
  CHECK(only(loaded.problems, "queues[1].callback_attempts").message ==
        "expected a positive integer, got 0");
  CHECK(only(loaded.problems, "queues[1].callback_retry_s").message ==
        "expected a non-negative integer number of seconds (0: off), got -60");
}

TEST_CASE("a queue's outbound trunk group must exist and place calls") {
  config_files files;
  auto loaded = load_with(files, R"(
[[trunks]]
id = "did"
direction = "inbound"

[[queues]]
id = "support"
outbound_trunk_group = "did"

[[queues]]
id = "collections"
outbound_trunk_group = "psnt"
)");
  CHECK(only(loaded.problems, "queues[1].outbound_trunk_group").message ==
        "trunk group 'did' takes inbound calls only (direction = \"inbound\"): agents cannot place "
        "calls on it; "
        "expected a group with direction \"outbound\" or \"both\"");
  CHECK(only(loaded.problems, "queues[2].outbound_trunk_group").message ==
        "unknown trunk group 'psnt' (did you mean 'pstn'?)");
  auto fine = load_with(files, "\n[[queues]]\nid = \"support\"\noutbound_trunk_group = \"pstn\"\n");
  INFO(listing(fine.problems));
  CHECK(count(fine.problems, severity::error) == 0); // pstn carries both directions
}

TEST_CASE("with several tenants or trunk groups, leaving one out is an error") {
  config_files files;
  auto loaded = load_with(files, R"(
[[tenants]]
id = "acme"
[[tenants]]
id = "bank"
[[trunks]]
id = "isdn"
)");
  CHECK(only(loaded.problems, "queues[0].tenant").message ==
        "missing tenant: several tenants are defined (expected one of acme, bank)");
  CHECK(only(loaded.problems, "entry_points[0].trunk_group").message ==
        "missing trunk_group: several trunk groups are defined (expected one of pstn, isdn)");
}

TEST_CASE("an overflow cycle is reported once, with its path") {
  config_files files;
  auto loaded = load_with(files, R"(
[[queues]]
id = "a"
overflow = "queue"
overflow_queue = "b"
[[queues]]
id = "b"
overflow = "queue"
overflow_queue = "c"
[[queues]]
id = "c"
overflow = "queue"
overflow_queue = "a"
[[queues]]
id = "self"
overflow = "queue"
overflow_queue = "self"
[[queues]]
id = "into-loop"
overflow = "queue"
overflow_queue = "a"
)");
  auto cycle = only(loaded.problems, "queues[1].overflow_queue");
  CHECK(cycle.line == 21);
  CHECK(cycle.message == "overflow cycle: a -> b -> c -> a (a call would overflow for ever)");
  CHECK(only(loaded.problems, "queues[4].overflow_queue").message ==
        "overflow cycle: self -> self (a call would overflow for ever)");
  for (const char* key :
       {"queues[2].overflow_queue", "queues[3].overflow_queue", "queues[5].overflow_queue"})
    for (const auto& d : loaded.problems)
      CHECK(d.key != key);
}

TEST_CASE("overflow settings that do not fit together") {
  config_files files;
  auto loaded = load_with(files, R"(
[[queues]]
id = "x"
overflow = "queue"
[[queues]]
id = "y"
overflow = "voicemail"
overflow_queue = "sales"
)");
  CHECK(only(loaded.problems, "queues[1].overflow").message ==
        "overflow = \"queue\" needs overflow_queue (the queue that takes the calls)");
  auto ignored = only(loaded.problems, "queues[2].overflow_queue");
  CHECK(ignored.level == severity::warning);
  CHECK(ignored.message ==
        "overflow_queue 'sales' is ignored unless overflow = \"queue\" (it is \"voicemail\")");
}

TEST_CASE("a skill no agent has is a warning, and the configuration stays usable") {
  config_files files;
  auto loaded = load_with(files, R"(
[[queues]]
id = "paris"
skills = { french = 1 }
[[queues]]
id = "experts"
skills = { english = 90 }
[[queues]]
id = "combo"
skills = { english = 10, billing = 10 }
[[agents]]
id = "bill"
skills = { billing = 30 }
queues = ["paris", "experts", "combo"]
)");
  INFO(listing(loaded.problems));
  CHECK(loaded.ok());
  auto french = only(loaded.problems, "queues[1].skills.french");
  CHECK(french.level == severity::warning);
  CHECK(french.line == 20);
  CHECK(french.message == "queue 'paris' requires skill 'french' that no agent has");
  CHECK(only(loaded.problems, "queues[2].skills.english").message ==
        "queue 'experts' requires skill 'english' at level 90 or more; the best agent has 50");
  CHECK(only(loaded.problems, "queues[3].skills").message ==
        "no agent has all the skills queue 'combo' requires together");
}

TEST_CASE("levels, capacities and channels are checked") {
  config_files files;
  auto loaded = load_with(files, R"(
[[agents]]
id = "zed"
skills = { english = 0, billing = 101 }
capacity = { vioce = 1, chat = -1 }
queues = ["sales"]
[[queues]]
id = "fax"
channel = "pigeon"
)");
  CHECK(only(loaded.problems, "agents[1].skills.english").message ==
        "expected a skill level from 1 to 100, got 0");
  CHECK(only(loaded.problems, "agents[1].skills.billing").message ==
        "expected a skill level from 1 to 100, got 101");
  auto vioce = only(loaded.problems, "agents[1].capacity.vioce");
  CHECK(vioce.line == 21);
  CHECK(vioce.column == 14);
  CHECK(vioce.message == "unknown capacity name 'vioce' (expected one of voice, chat, email, sms, "
                         "fax, callback) (did you mean 'voice'?)");
  CHECK(only(loaded.problems, "agents[1].capacity.chat").message ==
        "expected a number of concurrent contacts from 0 to 100, got -1");
  CHECK(only(loaded.problems, "queues[1].channel").message.find("unknown channel 'pigeon'") == 0);
}

TEST_CASE("shifts: time of day, breaks in order and inside the shift") {
  config_files files;
  auto loaded = load_with(files, R"(
[[agents]]
id = "a"
shift = { start = "8:00", length_min = 480 }
[[agents]]
id = "b"
shift = { start = "25:00", length_min = 0 }
[[agents]]
id = "c"
shift = { start = "08:00", length_min = 240, breaks = [
  { after_min = 60, length_min = 30 },
  { after_min = 80, length_min = 15 },
  { after_min = 230, length_min = 15, reason = "lunch" } ] }
[[agent_groups]]
id_prefix = "g"
count = 10
break_stagger_min = 30
shift = { start = "08:00", length_min = 240, breaks = [ { after_min = 60, length_min = 15 } ] }
)");
  CHECK(only(loaded.problems, "agents[1].shift.start").message ==
        "expected a time of day \"HH:MM\" from 00:00 to 23:59, got \"8:00\"");
  CHECK(only(loaded.problems, "agents[2].shift.start").message ==
        "expected a time of day \"HH:MM\" from 00:00 to 23:59, got \"25:00\"");
  CHECK(only(loaded.problems, "agents[2].shift.length_min").message ==
        "expected a positive integer number of minutes, got 0");
  auto overlap = only(loaded.problems, "agents[3].shift.breaks[1].after_min");
  CHECK(overlap.line == 28);
  CHECK(overlap.message == "this break starts 80 min into the shift, before the previous one ends "
                           "(90 min); list breaks in order, without overlap");
  CHECK(only(loaded.problems, "agents[3].shift.breaks[2].after_min").message ==
        "this break ends 245 min into the shift, after its end (240 min)");
  CHECK(only(loaded.problems, "agent_groups[0].break_stagger_min").message ==
        "with 10 agents the last agent's last break would end 345 min into a 240 min shift");
}

TEST_CASE("simulation: distributions, arrivals and shares") {
  config_files files;
  files.write("counts.csv", "interval_start,calls\n08:00,10\n08:15,many\n08:30,-3\n");
  auto loaded = load_with(files, R"(
[simulation]
start = "10:00"
end = "09:00"
handle_time = { distribution = "lognormal", mean_s = 200 }
patience = { distribution = "lognormal", mean_s = 60, sd_s = 10 }
callback_accept = 1.5
vip_share = { acme = 0.1, sales = 2 }
  [[simulation.arrivals]]
  entry_point = "100"
  queue = "sales"
  rate_per_h = 5
  callback_reach = -0.1
  [[simulation.arrivals]]
  entry_point = "999"
  counts_csv = "counts.csv"
  interval_min = 15
  handle_time = { distribution = "exponential", mean_s = 60, samples_s = [1] }
  [[simulation.arrivals]]
  queue = "sales"
)");
  CHECK(only(loaded.problems, "simulation.end").message ==
        "expected a time after start (10:00), got \"09:00\"");
  CHECK(only(loaded.problems, "simulation.handle_time").message ==
        "distribution = \"lognormal\" needs sd_s (a positive number of seconds)");
  CHECK(only(loaded.problems, "simulation.patience.distribution").message ==
        "unknown patience distribution 'lognormal' (expected one of exponential, empirical, none)");
  CHECK(only(loaded.problems, "simulation.callback_accept").message ==
        "expected a probability from 0 to 1, got 1.5");
  CHECK(only(loaded.problems, "simulation.arrivals[0].callback_reach").message ==
        "expected a probability from 0 to 1, got -0.1");
  CHECK(only(loaded.problems, "simulation.vip_share.sales").message ==
        "expected a share from 0 to 1, got 2");
  CHECK(only(loaded.problems, "simulation.vip_share.acme").message ==
        "unknown tenant 'acme' (no [[tenants]] is defined)");
  CHECK(only(loaded.problems, "simulation.arrivals[0].queue").message ==
        "give entry_point or queue, not both");
  CHECK(only(loaded.problems, "simulation.arrivals[1].entry_point").message ==
        "unknown entry point '999' (expected one of 100)");
  CHECK(only(loaded.problems, "simulation.arrivals[1].handle_time.samples_s").message ==
        "samples_s does not apply to distribution = \"exponential\"");
  std::vector<diagnostic> csv;
  for (const auto& d : loaded.problems)
    if (d.key == "simulation.arrivals[1].counts_csv") csv.push_back(d);
  // The forecast parser stops at the first problem of a file.
  REQUIRE(csv.size() == 1);
  CHECK(csv[0].file == files.path("counts.csv"));
  CHECK(csv[0].line == 3);
  CHECK(csv[0].message == "column 2 (calls): \"many\" is not a number");
  CHECK(only(loaded.problems, "simulation.arrivals[2]").message ==
        "an arrival profile needs rate_per_h or counts_csv (with interval_min)");
}

TEST_CASE("simulation: an outbound profile names a queue and no caller settings") {
  config_files files;
  auto loaded = load_with(files, R"(
[simulation]
  [[simulation.arrivals]]
  entry_point = "100"
  direction = "outbound"
  rate_per_h = 5
  [[simulation.arrivals]]
  queue = "sales"
  direction = "outbound"
  rate_per_h = 5
  patience = { distribution = "exponential", mean_s = 60 }
  callback_reach = 0.5
  [[simulation.arrivals]]
  queue = "sales"
  direction = "sideways"
  rate_per_h = 5
)");
  CHECK(only(loaded.problems, "simulation.arrivals[0].entry_point").message ==
        "an outbound profile's calls are placed by the agents of a queue: give queue, not "
        "entry_point");
  CHECK(only(loaded.problems, "simulation.arrivals[1].patience").message ==
        "patience applies to callers who wait; an outbound profile's calls wait for nobody");
  CHECK(only(loaded.problems, "simulation.arrivals[1].callback_reach").message ==
        "callback_reach applies to callers who wait; an outbound profile's calls wait for nobody");
  CHECK(only(loaded.problems, "simulation.arrivals[2].direction").message.find("sideways") !=
        std::string::npos);
}

TEST_CASE("every error is collected, not just the first") {
  config_files files;
  auto loaded = load_with(files, R"(
[[queues]]
id = "a"
ring_timeout_s = 0
strategy = "nope"
wrap_up_s = -1
[[trunks]]
id = "pstn"
channels = -2
)");
  CHECK(count(loaded.problems, severity::error) == 4 + 1); // + the duplicate trunk id
  // In file order, like a compiler.
  for (std::size_t i = 1; i < loaded.problems.size(); ++i)
    CHECK(loaded.problems[i - 1].line <= loaded.problems[i].line);
}

TEST_CASE("validate() works on a center built in code, without positions") {
  configuration c;
  c.center.queues.push_back({});
  c.center.queues[0].id = "q";
  c.center.queues.push_back(c.center.queues[0]);
  diagnostics out;
  validate(c, source_map{}, out);
  auto d = only(out, "queues[1].id");
  CHECK(d.line == 0);
  CHECK(d.message == "duplicate queue id 'q' (first defined at queues[0].id)");
}

TEST_CASE("a queue's disposition codes are read, and a bad one is an error at its place") {
  config_files files;
  auto good = load_with(files, R"(
[[queues]]
id = "support"
dispositions = ["sale", "no_sale", "call back"]
)");
  INFO(listing(good.problems));
  REQUIRE(good.ok()); // a warning may say no agent lists the queue
  CHECK(good.config.center.find_queue("support")->dispositions ==
        std::vector<std::string>{"sale", "no_sale", "call back"});
  CHECK(good.config.center.find_queue("sales")->dispositions.empty()); // any code

  auto bad = load_with(files, R"(
[[queues]]
id = "support"
dispositions = ["sale", "", "sale", 5, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]
)");
  const auto empty = only(bad.problems, "queues[1].dispositions[1]");
  CHECK(empty.line == 20);
  CHECK(empty.column == 25);
  CHECK(empty.message == "disposition code '' must not be empty");
  CHECK(only(bad.problems, "queues[1].dispositions[2]").message ==
        "disposition code 'sale' is listed twice");
  CHECK(only(bad.problems, "queues[1].dispositions[3]").message ==
        "expected a disposition code (a string), got 5");
  CHECK(only(bad.problems, "queues[1].dispositions[4]")
            .message.ends_with("at most 64 characters (got 65)"));
  auto not_a_list = load_with(files, "\n[[queues]]\nid = \"support\"\ndispositions = \"sale\"\n");
  CHECK(only(not_a_list.problems, "queues[1].dispositions").message ==
        "expected an array of disposition codes, got \"sale\"");
}
