// The IVR session decider (events/ivr/session.hpp): given a flow, when the
// caller presses keys, stays silent, hears prompts end or a lookup answers,
// then these events, and this state — which replaying the events rebuilds.
#include "tests/events/ivr_support.hpp"

using namespace hotline::testing::ivr;

namespace {

std::vector<std::string> types(const std::vector<event>& es) {
  std::vector<std::string> out;
  for (const auto& e : es)
    std::visit([&](const auto& x) { out.emplace_back(std::decay_t<decltype(x)>::type_name); }, e);
  return out;
}
using names = std::vector<std::string>;

/// welcome (play) -> main (menu: 1 orders, 2 agent, default agent) ...
std::shared_ptr<const flow> shop_flow(std::string main_fallback = "agent") {
  auto q = exit_to("agent", node_kind::queue, "acme-billing");
  q.priority = 3;
  q.skills = {{"${language}", 1}};
  q.attach = {"order"};
  return make_flow({play("welcome", "welcome", "main"),
                    menu("main", {{"1", "order"}, {"2", "agent"}}, std::move(main_fallback)),
                    collect("order", "order", "agent", "agent"), q,
                    exit_to("bye", node_kind::hangup)});
}

} // namespace

TEST_CASE("ivr play: enter plays the welcome prompt, keys do not cut it, its end moves on") {
  session_kit s{shop_flow()};
  auto entered = s.enter();
  CHECK(types(entered) == names{"ivr.entered"});
  const auto& e = as<ivr_entered>(entered[0]);
  CHECK(e.flow == "f1");
  CHECK(e.next == "welcome");
  CHECK(e.variables.at("caller") == "13800000000");
  CHECK(e.variables.at("language") == "zh");
  CHECK(e.variables.at("vip") == "false");
  auto a = s.next();
  CHECK(a.what == action::kind::play);
  CHECK(a.prompt.name == "welcome");
  CHECK(a.language == "zh");
  CHECK_FALSE(a.interruptible);

  CHECK(s.press('1').empty()); // no barge-in on a play node
  auto played = s.played();
  CHECK(types(played) == names{"ivr.prompt_played"});
  CHECK(as<ivr_prompt_played>(played[0]).next == "main");
  CHECK(s.now().node == "main");
  CHECK(s.next().what == action::kind::play);
  CHECK(s.next().interruptible);
  CHECK(s.replayed() == s.now());
}

TEST_CASE("ivr menu: a key during the menu prompt chooses at once") {
  session_kit s{shop_flow()};
  s.enter();
  s.played();
  auto chosen = s.press('1');
  CHECK(types(chosen) == names{"ivr.menu_chosen"});
  CHECK(as<ivr_menu_chosen>(chosen[0]).digit == "1");
  CHECK(as<ivr_menu_chosen>(chosen[0]).next == "order");
  CHECK(s.now().node == "order");
  CHECK(s.replayed() == s.now());
}

TEST_CASE("ivr menu: a wrong key plays the invalid prompt, then the menu again, then waits") {
  session_kit s{shop_flow()};
  s.enter();
  s.played();
  auto wrong = s.press('7');
  REQUIRE(types(wrong) == names{"ivr.input"});
  const auto& in = as<ivr_input>(wrong[0]);
  CHECK(in.result == ivr_input_result::invalid);
  CHECK(in.digits == "7");
  CHECK(in.attempt == 1);
  CHECK(in.next == "main");
  CHECK(s.next().prompt.name == "invalid");
  s.played();
  CHECK(s.next().prompt.name == "menu");
  s.played();
  CHECK(s.next().what == action::kind::wait);
  CHECK(s.next().timeout_ms == 5'000);
  CHECK(s.replayed() == s.now());
}

TEST_CASE("ivr menu: silence retries the prompt, and after the retries the default is taken") {
  session_kit s{shop_flow()};
  s.enter();
  s.played(); // welcome
  for (int attempt = 1; attempt <= 2; ++attempt) {
    s.played(); // the menu prompt
    auto quiet = s.silence();
    REQUIRE(types(quiet) == names{"ivr.input"});
    CHECK(as<ivr_input>(quiet[0]).result == ivr_input_result::no_input);
    CHECK(as<ivr_input>(quiet[0]).attempt == attempt);
    CHECK(s.next().prompt.name == "menu"); // no input: the menu again, not the invalid prompt
  }
  s.played();
  auto last = s.silence();
  CHECK(types(last) == names{"ivr.input", "ivr.exited"});
  CHECK(as<ivr_input>(last[0]).next == "agent");
  CHECK(exited(last).way == ivr_exit_way::queue);
  CHECK(is_terminal(s.now()));
  CHECK(s.replayed() == s.now());
}

TEST_CASE("ivr menu: without a default, running out of tries ends the session as failed") {
  session_kit s{shop_flow("")};
  s.enter();
  s.played();
  s.played();
  s.press('8');
  s.played(); // invalid prompt
  s.press('9');
  s.played();
  auto last = s.press('0');
  CHECK(types(last) == names{"ivr.input", "ivr.exited"});
  CHECK(exited(last).way == ivr_exit_way::failed);
  CHECK(exited(last).node == "main");
}

TEST_CASE("ivr stale reports: a prompt end or timer overtaken by a key changes nothing") {
  session_kit s{shop_flow()};
  s.enter();
  s.played();
  const auto step = s.now().step;
  s.press('7'); // invalid: the invalid prompt starts, a new step
  CHECK(s.accept(timeout{step, 0}).empty());
  CHECK(s.accept(prompt_done{step, 0}).empty());
  CHECK(s.accept(timeout{s.now().step, 0}).empty()); // a prompt plays: no timer runs
  CHECK(s.now().attempts == 1);
}

TEST_CASE("ivr collect: digits gather until the terminator, and the entry is handed to the queue") {
  session_kit s{shop_flow()};
  s.enter();
  s.played();
  s.press('1');
  auto partial = s.keys("12345");
  CHECK(partial.size() == 5);
  CHECK(as<ivr_input>(partial.back()).result == ivr_input_result::partial);
  CHECK(as<ivr_input>(partial.back()).digits == "12345");
  CHECK(s.now().digits == "12345");
  CHECK(s.replayed() == s.now());
  auto done = s.press('#');
  CHECK(types(done) == names{"ivr.input", "ivr.exited"});
  CHECK(as<ivr_input>(done[0]).result == ivr_input_result::accepted);
  const auto& out = exited(done);
  CHECK(out.way == ivr_exit_way::queue);
  CHECK(out.target == "acme-billing");
  CHECK(out.priority == 3);
  CHECK(out.skills == std::map<std::string, int>{{"zh", 1}});
  CHECK(out.attached == std::map<std::string, std::string>{{"order", "12345"}});
  CHECK(s.now().variables.at("order") == "12345");
  CHECK(s.replayed() == s.now());
}

TEST_CASE("ivr collect: the entry ends by itself at max_digits, and a timeout ends a long enough "
          "entry") {
  auto c = collect("card", "card", "bye");
  c.min_digits = 4;
  c.max_digits = 6;
  session_kit s{make_flow({c, exit_to("bye", node_kind::hangup)})};
  s.enter();
  s.played();
  auto full = s.keys("123456");
  CHECK(as<ivr_input>(full[5]).result == ivr_input_result::accepted);
  CHECK(exited(full).way == ivr_exit_way::contained);

  session_kit t{make_flow({c, exit_to("bye", node_kind::hangup)})};
  t.enter();
  t.played();
  t.keys("1234");
  auto timed = t.silence();
  CHECK(as<ivr_input>(timed[0]).result == ivr_input_result::accepted);
  CHECK(as<ivr_input>(timed[0]).digits == "1234");
}

TEST_CASE("ivr collect: a short entry, a failed Luhn check and a pattern miss are retried") {
  auto c = collect("card", "card", "bye", "agent");
  c.min_digits = 4;
  c.validation = validation_kind::luhn;
  c.retries = 3;
  session_kit s{
      make_flow({c, exit_to("bye", node_kind::hangup), exit_to("agent", node_kind::queue, "q")})};
  s.enter();
  s.played();
  auto short_entry = s.keys("12#");
  CHECK(as<ivr_input>(short_entry.back()).result == ivr_input_result::too_short);
  s.played();                             // the prompt again (this collect has no invalid prompt)
  auto bad = s.keys("4539148803436468#"); // one digit off a valid number
  CHECK(as<ivr_input>(bad.back()).result == ivr_input_result::rejected);
  CHECK(as<ivr_input>(bad.back()).attempt == 2);
  s.played();
  auto good = s.keys("4539148803436467#");
  CHECK(as<ivr_input>(good[good.size() - 2]).result == ivr_input_result::accepted);
  CHECK(exited(good).way == ivr_exit_way::contained);
  CHECK(s.replayed() == s.now());

  auto p = collect("order", "order", "bye", "agent");
  p.validation = validation_kind::pattern;
  p.pattern = "8[0-9]{5}";
  session_kit t{
      make_flow({p, exit_to("bye", node_kind::hangup), exit_to("agent", node_kind::queue, "q")})};
  t.enter();
  t.played();
  CHECK(as<ivr_input>(t.keys("712345#").back()).result == ivr_input_result::rejected);
  t.played();
  CHECK(exited(t.keys("812345#")).way == ivr_exit_way::contained);
}

TEST_CASE("ivr collect: silence with no digits is no input, and the default follows the retries") {
  auto c = collect("order", "order", "bye", "agent");
  c.retries = 0;
  session_kit s{
      make_flow({c, exit_to("bye", node_kind::hangup), exit_to("agent", node_kind::queue, "q")})};
  s.enter();
  s.played();
  auto quiet = s.silence();
  CHECK(as<ivr_input>(quiet[0]).result == ivr_input_result::no_input);
  CHECK(exited(quiet).way == ivr_exit_way::queue);
  CHECK(exited(quiet).attached.empty());
}

TEST_CASE("ivr luhn: the checksum of card and serial numbers") {
  CHECK(luhn_valid("79927398713"));
  CHECK(luhn_valid("4539148803436467"));
  CHECK_FALSE(luhn_valid("79927398710"));
  CHECK_FALSE(luhn_valid(""));
  CHECK_FALSE(luhn_valid("7992*398713"));
}

TEST_CASE("ivr language: the key picks the language that later prompts and the queue skill use") {
  auto lang = make(std::string("lang"), node_kind::language);
  lang.prompt.name = "choose";
  lang.choices = {{"1", "zh"}, {"2", "en"}};
  lang.next = "hello";
  auto q = exit_to("agent", node_kind::queue, "q");
  q.skills = {{"lang-${language}", 5}};
  session_kit s{make_flow({lang, play("hello", "hello", "agent"), q})};
  s.enter();
  auto chosen = s.press('2'); // during the prompt
  CHECK(types(chosen) == names{"ivr.menu_chosen"});
  CHECK(as<ivr_menu_chosen>(chosen[0]).language == "en");
  CHECK(s.next().language == "en");
  CHECK(s.next().prompt.name == "hello");
  auto out = s.played();
  CHECK(as<ivr_prompt_played>(out[0]).language == "en");
  CHECK(exited(out).skills == std::map<std::string, int>{{"lang-en", 5}});
  CHECK(s.replayed() == s.now());

  session_kit quiet{make_flow({lang, play("hello", "hello", "agent"), q})};
  quiet.enter();
  for (int i = 0; i < 3; ++i) {
    quiet.played();
    quiet.silence();
  }
  CHECK(quiet.now().node == "hello"); // out of tries: on, in the flow's default language
  CHECK(quiet.next().language == "zh");
}

TEST_CASE("ivr lookup: found values become variables a spoken prompt reads out") {
  auto look = make(std::string("find"), node_kind::lookup);
  look.table = "orders.csv";
  look.key = "${order}";
  look.key_column = "order";
  look.fields = {{"status", "order_status"}};
  look.next = "status";
  look.not_found = "unknown";
  look.on_failure = "agent";
  auto f = make_flow({collect("order", "order", "find"), look,
                      say("status", "Order ${order} is ${order_status}", "bye"),
                      say("unknown", "No order ${order}", "agent"),
                      exit_to("bye", node_kind::hangup), exit_to("agent", node_kind::queue, "q")});
  session_kit s{f};
  s.enter();
  s.played();
  s.keys("8001#");
  auto a = s.next();
  CHECK(a.what == action::kind::lookup);
  CHECK(a.key == "8001");
  CHECK(a.table == "orders.csv");
  CHECK(a.key_column == "order");
  auto found = s.answer(true, {{"order", "8001"}, {"status", "shipped"}});
  CHECK(types(found) == names{"ivr.lookup_done"});
  CHECK(as<ivr_lookup_done>(found[0]).values ==
        std::map<std::string, std::string>{{"order_status", "shipped"}});
  CHECK(as<ivr_lookup_done>(found[0]).latency_ms == 12);
  CHECK(s.next().prompt.text == "Order 8001 is shipped");
  auto spoken = s.played();
  CHECK(as<ivr_prompt_played>(spoken[0]).text == "Order 8001 is shipped");
  CHECK(exited(spoken).way == ivr_exit_way::contained);
  CHECK(s.replayed() == s.now());

  session_kit missing{f};
  missing.enter();
  missing.played();
  missing.keys("9#");
  auto nf = missing.answer(false);
  CHECK(as<ivr_lookup_done>(nf[0]).found == false);
  CHECK(missing.now().node == "unknown");

  session_kit down{f};
  down.enter();
  down.played();
  down.keys("9#");
  CHECK(down.press('1').empty()); // keys wait while the lookup runs
  auto failed = down.lookup_fails("table unavailable");
  CHECK(types(failed) == names{"ivr.lookup_failed", "ivr.exited"});
  CHECK(as<ivr_lookup_failed>(failed[0]).error == "table unavailable");
  CHECK(exited(failed).way == ivr_exit_way::queue);
}

TEST_CASE("ivr lookup: without on_failure a failed lookup ends the session as failed") {
  auto look = make(std::string("find"), node_kind::lookup);
  look.key = "${caller}";
  look.next = "bye";
  session_kit s{make_flow({look, exit_to("bye", node_kind::hangup)})};
  s.enter();
  CHECK(exited(s.lookup_fails("timeout")).way == ivr_exit_way::failed);
}

TEST_CASE("ivr branch: the first matching case wins, else the else node") {
  auto b = make(std::string("b"), node_kind::branch);
  branch_case vip{"vip", branch_case::test::equals, {"true"}, true, "vipq"};
  branch_case tier{"tier", branch_case::test::one_of, {"gold", "platinum"}, true, "vipq"};
  branch_case known{"customer", branch_case::test::is_set, {}, true, "known"};
  b.cases = {vip, tier, known};
  b.otherwise = "rest";
  auto f = make_flow({b, exit_to("vipq", node_kind::queue, "vip"),
                      exit_to("known", node_kind::queue, "known"),
                      exit_to("rest", node_kind::queue, "rest")});
  f = [&] {
    auto copy = std::make_shared<flow>(*f);
    copy->inputs = {"tier", "customer"};
    return std::shared_ptr<const flow>(copy);
  }();
  session_kit a{f};
  auto out = a.enter(0, 600, "2026-12-07", {}, true);
  CHECK(types(out) == names{"ivr.entered", "ivr.branched", "ivr.exited"});
  CHECK(as<ivr_branched>(out[1]).rule == "case 0");
  CHECK(exited(out).target == "vip");
  session_kit b2{f};
  CHECK(exited(b2.enter(0, 600, "2026-12-07", {{"tier", "gold"}})).target == "vip");
  session_kit c{f};
  out = c.enter(0, 600, "2026-12-07", {{"customer", "cust-9"}});
  CHECK(as<ivr_branched>(out[1]).rule == "case 2");
  CHECK(exited(out).target == "known");
  session_kit d{f};
  out = d.enter();
  CHECK(as<ivr_branched>(out[1]).rule == "else");
  CHECK(exited(out).target == "rest");
  CHECK(d.replayed() == d.now());
}

TEST_CASE("ivr hours: open on a weekday within the hours, closed outside and on a holiday") {
  auto h = make(std::string("hours"), node_kind::hours);
  h.week = {{0, 9 * 60, 18 * 60}, {5, 10 * 60, 16 * 60}}; // Mon 09-18, Sat 10-16
  h.holidays = {"2026-10-01"};
  h.open = "agent";
  h.closed = "vm";
  auto vm = exit_to("vm", node_kind::voicemail, "acme-billing");
  auto f = make_flow({h, exit_to("agent", node_kind::queue, "q"), vm});
  const auto rule = [&](std::int32_t day, std::int32_t minute, std::string date) {
    session_kit s{f};
    auto out = s.enter(day, minute, std::move(date));
    return std::pair{as<ivr_branched>(out[1]).rule, exited(out).way};
  };
  CHECK(rule(0, 9 * 60, "2026-12-07") == std::pair{std::string("open"), ivr_exit_way::queue});
  CHECK(rule(0, 18 * 60, "2026-12-07") ==
        std::pair{std::string("closed"), ivr_exit_way::voicemail});
  CHECK(rule(5, 12 * 60, "2026-12-12").first == "open");
  CHECK(rule(6, 12 * 60, "2026-12-13").first == "closed");
  CHECK(rule(3, 10 * 60, "2026-10-01") ==
        std::pair{std::string("holiday"), ivr_exit_way::voicemail});
}

TEST_CASE("ivr exits: voicemail, callback, transfer and hangup say where the caller went") {
  auto vm = exit_to("vm", node_kind::voicemail, "box-${tenant}");
  vm.attach = {"caller"};
  session_kit a{make_flow({vm})};
  auto out = exited(a.enter());
  CHECK(out.way == ivr_exit_way::voicemail);
  CHECK(out.target == "box-acme");
  CHECK(out.attached.at("caller") == "13800000000");

  session_kit b{make_flow({exit_to("cb", node_kind::callback, "acme-billing")})};
  out = exited(b.enter());
  CHECK(out.way == ivr_exit_way::callback);
  CHECK(out.target == "acme-billing");
  CHECK(out.attached.at("callback_number") == "13800000000");

  session_kit c{make_flow({exit_to("tr", node_kind::transfer, "+86 10 1234 5678")})};
  out = exited(c.enter());
  CHECK(out.way == ivr_exit_way::transfer);
  CHECK(out.target == "+86 10 1234 5678");

  session_kit d{make_flow({exit_to("end", node_kind::hangup)})};
  CHECK(exited(d.enter()).way == ivr_exit_way::contained);
}

TEST_CASE("ivr hangup: the caller hanging up abandons the session at the node it is at, once") {
  session_kit s{shop_flow()};
  s.enter();
  s.played();
  auto gone = s.accept(hangup{0});
  CHECK(types(gone) == names{"ivr.exited"});
  CHECK(exited(gone).way == ivr_exit_way::abandoned);
  CHECK(exited(gone).node == "main");
  CHECK(s.accept(hangup{0}).empty());
  CHECK(s.accept(timeout{s.now().step, 0}).empty());
  CHECK(s.refused(digit{'1', 0}).code == "session_ended");
  CHECK(s.replayed() == s.now());
}

TEST_CASE("ivr rejections: not entered, entered twice, a key that is not a key") {
  session_kit s{shop_flow()};
  CHECK(s.refused(digit{'1', 0}).code == "not_entered");
  CHECK(s.refused(hangup{0}).code == "not_entered");
  s.enter();
  CHECK(s.refused(hotline::events::ivr::enter{}).code == "already_entered");
  CHECK(s.refused(digit{'A', 0}).code == "invalid_argument");
}

TEST_CASE("ivr flows built in code: a reference to no node ends the session as failed") {
  session_kit s{make_flow({play("p", "p", "nowhere")})};
  s.enter();
  auto out = s.played();
  CHECK(exited(out).way == ivr_exit_way::failed);
  CHECK(exited(out).node == "nowhere");
}

TEST_CASE("ivr render: ${variables} filled in, unknown ones empty, unclosed text kept") {
  const std::map<std::string, std::string> vars{{"a", "1"}, {"b", "two"}};
  CHECK(render("x${a}y${b}z", vars) == "x1ytwoz");
  CHECK(render("${missing}!", vars) == "!");
  CHECK(render("cost $5 ${a", vars) == "cost $5 ${a");
  CHECK(referenced_variables("${a} and ${b}") == std::vector<std::string>{"a", "b"});
}

TEST_CASE("ivr clock: a local wall time read as weekday, minute of the day and date") {
  CHECK(clock_at(0) == local_clock{3, 0, "1970-01-01"}); // a Thursday
  // 2026-12-07 10:30 local (a Monday): 20'794 days after the epoch
  const std::int64_t monday = 20'794LL * 86'400'000'000'000 + 630LL * 60'000'000'000;
  CHECK(clock_at(monday) == local_clock{0, 630, "2026-12-07"});
  CHECK(clock_at(monday + 6LL * 86'400'000'000'000) == local_clock{6, 630, "2026-12-13"});
  CHECK(clock_at(-1) == local_clock{2, 1439, "1969-12-31"});
  CHECK(clock_at(19'782LL * 86'400'000'000'000) == local_clock{3, 0, "2024-02-29"});
}

TEST_CASE("ivr interrupted: a session still running ends failed at its node, one idle or ended "
          "is left alone") {
  session_kit s{shop_flow()};
  CHECK(s.accept(interrupted{0}).empty()); // not entered
  s.enter();
  auto out = s.accept(interrupted{0});
  REQUIRE(out.size() == 1);
  CHECK(as<ivr_exited>(out[0]).way == ivr_exit_way::failed);
  CHECK(as<ivr_exited>(out[0]).node == "welcome");
  CHECK(s.accept(interrupted{0}).empty());
  CHECK(s.replayed() == s.now());
}
