// The runtime configuration aggregate (events/acd/configuration.hpp): agents
// and queues created while a node runs, given/when/then, and how the
// stream lays itself over the file's center at a restart.
#include <doctest/doctest.h>

#include "events/acd/configuration.hpp"
#include <algorithm>

namespace conf = hotline::events::acd::configuration;
using namespace hotline::events;

namespace {

/// The file's center: tenants acme and beta, acme's sales (skill sales),
/// beta's help, agent a1 in sales, number 100 to sales, trunk pstn.
center_definition seed() {
  center_definition c;
  c.site.id = "north";
  c.tenants = {{"acme", "Acme", {}}, {"beta", "Beta", {}}};
  c.trunks = {{"pstn", 10, trunk_direction::both}};
  queue_definition sales;
  sales.id = "sales";
  sales.tenant = "acme";
  sales.skills = {{"sales", 1}};
  queue_definition help;
  help.id = "help";
  help.tenant = "beta";
  help.skills = {{"help", 1}};
  c.queues = {sales, help};
  agent_definition a1;
  a1.id = "a1";
  a1.tenant = "acme";
  a1.skills = {{"sales", 50}, {"english", 20}};
  a1.queues = {"sales"};
  c.agents = {a1};
  c.entry_points = {{"100", "acme", "sales", "pstn", 0}};
  return c;
}

agent_definition agent(std::string id, std::string tenant = "acme") {
  agent_definition a;
  a.id = std::move(id);
  a.tenant = std::move(tenant);
  a.name = "New Agent";
  a.skills = {{"sales", 40}};
  a.queues = {"sales"};
  return a;
}

queue_definition queue(std::string id, std::string tenant = "acme") {
  queue_definition q;
  q.id = std::move(id);
  q.tenant = std::move(tenant);
  q.name = "VIP";
  q.skills = {{"vip", 10}};
  q.ring_timeout_ms = 20'000;
  q.wrap_up_ms = 5'000;
  q.sl_threshold_s = 15;
  return q;
}

conf::define_queue define(queue_definition q, std::vector<std::string> numbers = {},
                          std::string trunk = {}) {
  return {std::move(q), std::move(numbers), std::move(trunk)};
}

/// The rejection of `cmd` on `s`: "code: detail".
std::string refusal(const conf::command& cmd, const conf::state& s) {
  auto out = conf::decide(cmd, s);
  REQUIRE_FALSE(out.accepted());
  return out.error().code + ": " + out.error().detail;
}

conf::event accepted(const conf::command& cmd, const conf::state& s) {
  auto out = conf::decide(cmd, s);
  INFO((out ? std::string{} : out.error().detail));
  REQUIRE(out.accepted());
  REQUIRE(out.events().size() == 1);
  return out.events().front();
}

} // namespace

TEST_CASE("configuration: a new agent is recorded with its whole definition") {
  auto s = conf::initial_state(seed());
  auto e = accepted(conf::define_agent{agent("a9")}, s);
  const auto& d = std::get<agent_defined>(e);
  CHECK(d.agent_id == "a9");
  CHECK(d.tenant == "acme");
  CHECK(d.name == "New Agent");
  CHECK(d.skills == std::map<std::string, int>{{"sales", 40}});
  CHECK(d.queues == std::vector<std::string>{"sales"});
  CHECK(d.wrap_up_ms == -1);
  s = conf::evolve(std::move(s), e);
  REQUIRE(s.center.find_agent("a9"));
  CHECK(s.center.find_agent("a9")->skills.at("sales") == 40);
  CHECK(s.created_agents.count("a9") == 1);
  // The same id again, whether the file's or the stream's: refused.
  CHECK(refusal(conf::define_agent{agent("a9")}, s) == "already_exists: agent 'a9' exists");
  CHECK(refusal(conf::define_agent{agent("a1")}, s) == "already_exists: agent 'a1' exists");
}

TEST_CASE("configuration: an agent's bad id, tenant, skills or queues name the field") {
  const auto s = conf::initial_state(seed());
  auto with = [](auto change) {
    auto a = agent("a9");
    change(a);
    return conf::command{conf::define_agent{a}};
  };
  CHECK(refusal(with([](auto& a) { a.id = ""; }), s) ==
        "invalid_field: field 'id': must be 1 to 64 characters (got 0)");
  CHECK(refusal(with([](auto& a) { a.id = "a 9"; }), s) ==
        "invalid_field: field 'id': 'a 9' may hold only letters, digits, '_', '-' and '.'");
  CHECK(refusal(with([](auto& a) { a.id = std::string(65, 'x'); }), s) ==
        "invalid_field: field 'id': must be 1 to 64 characters (got 65)");
  CHECK(refusal(with([](auto& a) { a.tenant = ""; }), s) ==
        "invalid_field: field 'tenant': required");
  CHECK(refusal(with([](auto& a) { a.tenant = "gamma"; }), s) ==
        "invalid_field: field 'tenant': no tenant 'gamma'");
  CHECK(refusal(with([](auto& a) { a.name = "tab\there"; }), s) ==
        "invalid_field: field 'name': no control characters");
  CHECK(refusal(with([](auto& a) {
                  a.skills = {{"sales", 0}};
                }),
                s) == "invalid_field: field 'skills': skill 'sales': level 0 is not within 1..100");
  CHECK(refusal(with([](auto& a) {
                  a.skills = {{"salse", 10}};
                }),
                s) ==
        "invalid_field: field 'skills.salse': no queue or agent of tenant 'acme' has skill "
        "'salse' (a queue's skills_required introduces a skill)");
  // beta's skill is not acme's.
  CHECK(refusal(with([](auto& a) {
                  a.skills = {{"help", 10}};
                }),
                s)
            .starts_with("invalid_field: field 'skills.help'"));
  CHECK(refusal(with([](auto& a) { a.queues = {"nowhere"}; }), s) ==
        "invalid_field: field 'queues': no queue 'nowhere'");
  // Another tenant's queue is as unknown as a missing one.
  CHECK(refusal(with([](auto& a) { a.queues = {"help"}; }), s) ==
        "invalid_field: field 'queues': no queue 'help'");
  CHECK(refusal(with([](auto& a) {
                  a.queues = {"sales", "sales"};
                }),
                s) == "invalid_field: field 'queues': queue 'sales' is listed twice");
  CHECK(refusal(with([](auto& a) { a.wrap_up_ms = -5; }), s) ==
        "invalid_field: field 'wrap_up_s': -0.005 s is not within 0..3600 s");
  // A skill an agent of the tenant has (english) is known; no queues is fine.
  accepted(with([](auto& a) {
             a.skills = {{"english", 5}};
             a.queues = {};
           }),
           s);
}

TEST_CASE("configuration: a new queue with its numbers, then agents may serve it") {
  auto s = conf::initial_state(seed());
  auto e = accepted(define(queue("vip"), {"200", "+4930200"}, "pstn"), s);
  const auto& d = std::get<queue_defined>(e);
  CHECK(d.queue_id == "vip");
  CHECK(d.skills == std::map<std::string, int>{{"vip", 10}});
  CHECK(d.ring_timeout_ms == 20'000);
  CHECK(d.service_level_ms == 15'000);
  CHECK(d.strategy == "longest_idle");
  CHECK(d.overflow == "none");
  CHECK(d.entry_points == std::vector<std::string>{"200", "+4930200"});
  s = conf::evolve(std::move(s), e);
  REQUIRE(s.center.find_queue("vip"));
  CHECK(s.center.find_queue("vip")->sl_threshold_s == 15);
  REQUIRE(s.center.find_entry("200"));
  CHECK(s.center.find_entry("200")->queue == "vip");
  CHECK(s.center.find_entry("200")->trunk_group == "pstn");
  CHECK(refusal(define(queue("vip")), s) == "already_exists: queue 'vip' exists");
  CHECK(refusal(define(queue("sales")), s) == "already_exists: queue 'sales' exists");
  // Its skill is known now, and the queue may be served.
  auto a = agent("a9");
  a.skills = {{"vip", 30}};
  a.queues = {"vip", "sales"};
  accepted(conf::define_agent{a}, s);
  // The definition survives the trip through the event.
  CHECK(conf::to_definition(d) == *s.center.find_queue("vip"));
}

TEST_CASE("configuration: a queue's bad fields are named") {
  const auto s = conf::initial_state(seed());
  auto with = [](auto change, std::vector<std::string> numbers = {}, std::string trunk = {}) {
    auto q = queue("vip");
    change(q);
    return conf::command{define(q, std::move(numbers), std::move(trunk))};
  };
  const auto same = [](queue_definition&) {};
  CHECK(refusal(with([](auto& q) { q.id = "v/1"; }), s).starts_with("invalid_field: field 'id'"));
  CHECK(refusal(with([](auto& q) { q.tenant = "gamma"; }), s) ==
        "invalid_field: field 'tenant': no tenant 'gamma'");
  CHECK(refusal(with([](auto& q) {
                  q.skills = {{"vip", 101}};
                }),
                s) ==
        "invalid_field: field 'skills_required': skill 'vip': level 101 is not within 1..100");
  CHECK(refusal(with([](auto& q) {
                  q.skills = {{"", 5}};
                }),
                s)
            .starts_with("invalid_field: field 'skills_required': skill ''"));
  CHECK(refusal(with([](auto& q) { q.ring_timeout_ms = 0; }), s) ==
        "invalid_field: field 'ring_timeout_s': 0 s is not within 1..600 s");
  CHECK(refusal(with([](auto& q) { q.ring_timeout_ms = 1'500'000; }), s) ==
        "invalid_field: field 'ring_timeout_s': 1500 s is not within 1..600 s");
  CHECK(refusal(with([](auto& q) { q.wrap_up_ms = -1; }), s) ==
        "invalid_field: field 'wrap_up_s': -0.001 s is not within 0..3600 s");
  CHECK(refusal(with([](auto& q) { q.sl_threshold_s = 0; }), s) ==
        "invalid_field: field 'service_level_s': must be within 1..3600 s");
  CHECK(refusal(with([](auto& q) { q.max_length = -1; }), s) ==
        "invalid_field: field 'max_length': must be 0..100000");
  CHECK(refusal(with([](auto& q) { q.overflow = overflow_action::queue; }), s) ==
        "invalid_field: field 'overflow_queue': required when overflow is 'queue'");
  CHECK(refusal(with([](auto& q) {
                  q.overflow = overflow_action::queue;
                  q.overflow_queue = "help";
                }),
                s) == "invalid_field: field 'overflow_queue': no queue 'help'");
  CHECK(refusal(with([](auto& q) {
                  q.overflow = overflow_action::queue;
                  q.overflow_queue = "vip";
                }),
                s) == "invalid_field: field 'overflow_queue': a queue cannot overflow to itself");
  CHECK(refusal(with([](auto& q) { q.overflow_queue = "sales"; }), s) ==
        "invalid_field: field 'overflow_queue': only with overflow 'queue'");
  CHECK(refusal(with([](auto& q) {
                  q.widening = {{60'000, 1, {}}};
                }),
                s)
            .starts_with("invalid_field: field 'widening'"));
  CHECK(refusal(with(same, {"12a"}), s) ==
        "invalid_field: field 'entry_points': '12a' is not a number (1..32 digits, '+', '*', '#')");
  CHECK(refusal(with(same, {"200", "200"}), s) ==
        "invalid_field: field 'entry_points': '200' is listed twice");
  CHECK(refusal(with(same, {"100"}), s) ==
        "already_exists: number '100' already goes to queue 'sales' (tenant 'acme')");
  CHECK(refusal(with(same, {"200"}, "isdn"), s) ==
        "invalid_field: field 'trunk_group': no trunk group 'isdn'");
  // Overflow into a queue of its own tenant is fine.
  accepted(with([](auto& q) {
             q.overflow = overflow_action::queue;
             q.overflow_queue = "sales";
             q.strategy = routing_strategy::round_robin;
           }),
           s);
}

TEST_CASE("configuration: at a restart the stream's definitions lie over the file's") {
  auto s = conf::initial_state(seed());
  auto a9 = accepted(conf::define_agent{agent("a9")}, s);
  s = conf::evolve(std::move(s), a9);
  auto vip = accepted(define(queue("vip"), {"200"}, "pstn"), s);
  // The file, edited meanwhile, now also defines a9 (differently) and
  // routes 200 elsewhere.
  auto file = seed();
  auto other = agent("a9");
  other.skills = {{"sales", 99}};
  file.agents.push_back(other);
  file.entry_points.push_back({"200", "acme", "sales", "pstn", 0});
  const auto warnings = conf::overlay(file, {a9, vip});
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0] == "agent 'a9' is in the file and was created at runtime: the runtime "
                       "definition (the store's) wins; change it through the API");
  CHECK(warnings[1] ==
        "number '200' goes to queue 'vip' as created at runtime, not to 'sales' as the file says");
  REQUIRE(file.find_agent("a9"));
  CHECK(file.find_agent("a9")->skills.at("sales") == 40); // the stream's
  CHECK(std::count_if(file.agents.begin(), file.agents.end(),
                      [](const auto& a) { return a.id == "a9"; }) == 1);
  REQUIRE(file.find_queue("vip"));
  CHECK(file.find_entry("200")->queue == "vip");
  // Without a clash there is nothing to say.
  auto plain = seed();
  CHECK(conf::overlay(plain, {a9, vip}).empty());
  CHECK(plain.find_agent("a9"));
}

TEST_CASE("configuration: a queue.defined missing optional keys takes their defaults") {
  // JSON written by hand (a replayed topic, a test): the defaults are the file's.
  auto j = nlohmann::json{{"queue_id", "vip"}, {"tenant", "acme"}};
  auto e = j.get<queue_defined>();
  auto q = conf::to_definition(e);
  CHECK(q.ring_timeout_ms == 15'000);
  CHECK(q.wrap_up_ms == 10'000);
  CHECK(q.sl_threshold_s == 20);
  CHECK(q.strategy == routing_strategy::longest_idle);
  CHECK(q.overflow == overflow_action::none);
  CHECK(conf::stream_name("north") == "config-north");
}
