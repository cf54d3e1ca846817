// Runtime settings of queues and trunk groups (events/acd/queue.hpp:
// change_settings, events/acd/trunk_group.hpp): given/when/then.
#include "acd_support.hpp"

#include "events/acd/deciders.hpp"
#include "events/acd/trunk_group.hpp"

using namespace acd_test;
namespace qu = hotline::events::acd::queue;
namespace tg = hotline::events::acd::trunk_group;
namespace tr = hotline::events::acd::trunk;

namespace {

using queue_subject = subject<queue_ops>;

qu::change_settings settings(qu::settings_patch p, std::string reason = "storm") {
  return qu::change_settings{std::move(p), std::move(reason), t0};
}

std::string problem(const qu::settings_patch& p) {
  auto bad = qu::check_settings(p);
  return bad ? bad->field + " " + bad->detail : "none";
}

} // namespace

TEST_CASE("queue settings: the parameters that changed are recorded with old and new values") {
  auto def = make_queue("sales", {{"sales", 10}});
  def.ring_timeout_ms = 15'000;
  def.wrap_up_ms = 10'000;
  queue_subject q{qu::initial_state(def)};
  qu::settings_patch p;
  p.ring_timeout_ms = 20'000;
  p.wrap_up_ms = 10'000; // the same: not listed
  p.sl_threshold_ms = 30'000;
  p.overflow = overflow_action::voicemail;
  p.skills = std::vector<skill_requirement>{{"sales", 30}, {"french", 5}};
  auto out = q.step(settings(p));
  REQUIRE(out);
  REQUIRE(out.events().size() == 1);
  const auto& e = std::get<queue_settings_changed>(out.events()[0]);
  CHECK(e.queue == "sales");
  CHECK(e.old_values ==
        std::map<std::string, int>{{"ring_timeout_ms", 15'000}, {"sl_threshold_ms", 20'000}});
  CHECK(e.new_values ==
        std::map<std::string, int>{{"ring_timeout_ms", 20'000}, {"sl_threshold_ms", 30'000}});
  CHECK(e.old_texts == std::map<std::string, std::string>{{"overflow", "none"}});
  CHECK(e.new_texts == std::map<std::string, std::string>{{"overflow", "voicemail"}});
  CHECK(e.skills_changed);
  CHECK(e.old_skills == std::map<std::string, int>{{"sales", 10}});
  CHECK(e.new_skills == std::map<std::string, int>{{"french", 5}, {"sales", 30}});
  CHECK(e.reason == "storm");
  // evolve: the state's definition has the new values
  CHECK(q.s.definition.ring_timeout_ms == 20'000);
  CHECK(q.s.definition.sl_threshold_s == 30.0);
  CHECK(q.s.definition.overflow == overflow_action::voicemail);
  CHECK(q.s.definition.skills.size() == 2);
  // the same again: nothing
  then_nothing(q.when(settings(p)));
}

TEST_CASE("queue settings: the waiting list is untouched and max_length applies at once") {
  queue_subject q{qu::initial_state(make_queue("sales"))};
  qu::join j;
  j.call_id = "c1";
  j.members = {1, 1};
  j.now_ns = t0;
  q.after({j});
  qu::settings_patch p;
  p.max_length = 1;
  then_types(q.step(settings(p)), {"queue.settings_changed"});
  CHECK(qu::position(q.s, "c1") == 1);
  j.call_id = "c2";
  then_rejected(q.when(j), "queue_full");
}

TEST_CASE("queue settings: each field out of bounds is refused naming it and the bound") {
  auto with = [](auto set) {
    qu::settings_patch p;
    set(p);
    return problem(p);
  };
  CHECK(with([](auto& p) { p.ring_timeout_ms = 0; }) ==
        "ring_timeout_s must be from 1 to 600 s (got 0)");
  CHECK(with([](auto& p) { p.ring_timeout_ms = 601'000; }) ==
        "ring_timeout_s must be from 1 to 600 s (got 601)");
  CHECK(with([](auto& p) { p.wrap_up_ms = -1'000; }) ==
        "wrap_up_s must be from 0 to 3600 s (got -1)");
  CHECK(with([](auto& p) { p.max_wait_ms = 86'401'000; }) ==
        "max_wait_s must be from 0 to 86400 s (got 86401)");
  CHECK(with([](auto& p) { p.sl_threshold_ms = 0; }) ==
        "service_level_s must be from 1 to 86400 s (got 0)");
  CHECK(with([](auto& p) { p.max_length = -1; }) ==
        "max_length must be from 0 to 1000000 (got -1)");
  CHECK(with([](auto& p) { p.max_no_answer = 101; }) ==
        "max_no_answer must be from 0 to 100 (got 101)");
  CHECK(with([](auto& p) { p.vip_priority = 2'000'000; }) ==
        "vip_priority must be from -1000000 to 1000000 (got 2000000)");
  CHECK(with([](auto& p) {
          p.skills = std::vector<skill_requirement>{{"sales", 0}};
        }) == "skills skill 'sales': minimum level 0 is not within 1..100");
  CHECK(with([](auto& p) {
          p.skills = std::vector<skill_requirement>{{"bad name", 5}};
        }) == "skills skill 'bad name': names are 1..64 letters, digits, '_', '-' or '.'");
  CHECK(with([](auto& p) {
          p.ring_timeout_ms = 1'000;
          p.max_length = 0;
        }) == "none");
  // the decider refuses the same, naming the field first
  queue_subject q{qu::initial_state(make_queue("sales"))};
  qu::settings_patch p;
  p.max_no_answer = -5;
  auto out = q.when(settings(p));
  then_rejected(out, "invalid_argument");
  CHECK(out.error().detail == "max_no_answer must be from 0 to 100 (got -5)");
}

TEST_CASE("queue settings: overflow to a queue needs another queue to go to") {
  queue_subject q{qu::initial_state(make_queue("sales"))};
  qu::settings_patch p;
  p.overflow = overflow_action::queue;
  auto out = q.when(settings(p));
  then_rejected(out, "invalid_argument");
  CHECK(out.error().detail.starts_with("overflow_queue must name the queue"));
  p.overflow_queue = "sales";
  then_rejected(q.when(settings(p)), "invalid_argument");
  p.overflow_queue = "billing";
  then_types(q.step(settings(p)), {"queue.settings_changed"});
  CHECK(q.s.definition.overflow_queue == "billing");
}

TEST_CASE("queue settings: recovery folds the changes over the configured definition") {
  auto def = make_queue("sales");
  queue_settings_changed e;
  e.queue = "sales";
  e.new_values = {{"wrap_up_ms", 2'000}, {"max_wait_ms", 60'000}, {"unknown_from_v9", 1}};
  e.new_texts = {{"overflow", "callback"}};
  auto s = qu::evolve(qu::initial_state(def), e, t0);
  CHECK(s.definition.wrap_up_ms == 2'000);
  CHECK(s.definition.max_wait_ms == 60'000);
  CHECK(s.definition.overflow == overflow_action::callback);
  CHECK(s.definition.skills == def.skills); // skills_changed false: kept
}

TEST_CASE("trunk group: channels change at runtime, validated, the same again is nothing") {
  trunk_group_definition g{"pstn", 4, trunk_direction::both};
  auto s = tg::initial_state(g);
  CHECK(s.channels == 4);
  auto out = tg::decide(tg::set_channels{2, "maintenance", t0}, s);
  REQUIRE(out);
  REQUIRE(out.events().size() == 1);
  const auto& e = std::get<trunk_channels_changed>(out.events()[0]);
  CHECK(e.trunk_group == "pstn");
  CHECK(e.old_channels == 4);
  CHECK(e.new_channels == 2);
  CHECK(e.reason == "maintenance");
  s = tg::evolve(s, out.events()[0], t0);
  CHECK(s.channels == 2);
  auto same = tg::decide(tg::set_channels{2, "", t0}, s);
  REQUIRE(same);
  CHECK(same.events().empty());
  for (int bad : {0, -3, 10'001}) {
    auto r = tg::decide(tg::set_channels{bad, "", t0}, s);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "invalid_argument");
  }
  CHECK(*tg::check_channels(0) == "must be from 1 to 10000 (got 0)");
  CHECK(tg::stream_name("pstn") == "trunkgroup-pstn");
}

TEST_CASE("trunk group: below a lowered limit busy lines finish, new seizures wait for room") {
  std::vector<tr::state> lines;
  for (int n = 1; n <= 4; ++n)
    lines.push_back(tr::initial_state("pstn", n));
  auto busy = [&](int n, bool b) { lines[static_cast<std::size_t>(n - 1)].busy = b; };
  CHECK(tg::pick_channel(lines, call_direction::inbound, 4) == 1);
  busy(3, true);
  busy(4, true);
  // limit 2: two lines (3 and 4) are busy: no room, although 1 and 2 are free
  CHECK(tg::pick_channel(lines, call_direction::inbound, 2) == std::nullopt);
  busy(4, false);
  // one busy line (3, above the limit): room for one, on a line within the limit
  CHECK(tg::pick_channel(lines, call_direction::inbound, 2) == 1);
  busy(1, true);
  CHECK(tg::pick_channel(lines, call_direction::inbound, 2) == std::nullopt);
  // raised: lines within the new limit
  CHECK(tg::pick_channel(lines, call_direction::inbound, 4) == 2);
}

TEST_CASE("trunk group: the tenant of a group is the one whose calls use it, else the platform's") {
  center_definition c;
  c.trunks.push_back({"pstn", 4, trunk_direction::both});
  c.trunks.push_back({"shared", 4, trunk_direction::both});
  c.entry_points.push_back({"100", "acme", "sales", "pstn", 0});
  c.entry_points.push_back({"101", "acme", "billing", "pstn", 0});
  c.entry_points.push_back({"200", "acme", "sales", "shared", 0});
  c.entry_points.push_back({"300", "globex", "help", "shared", 0});
  CHECK(tg::tenant_of(c, "pstn") == "acme");
  CHECK(tg::tenant_of(c, "shared").empty());
  CHECK(tg::tenant_of(c, "unused").empty());
}
