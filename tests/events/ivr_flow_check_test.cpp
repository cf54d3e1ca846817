// The graph checks on a flow (events/ivr/flow_check.hpp): each problem at
// the node and key at fault. (Their file:line:col: tests/config/ivr_config_test.cpp.)
#include "tests/events/ivr_support.hpp"

#include "events/ivr/flow_check.hpp"

using namespace hotline::testing::ivr;

namespace {

std::string listing(const std::vector<flow_problem>& ps) {
  std::string text;
  for (const auto& p : ps)
    text += std::string(p.error ? "error " : "warning ") + std::to_string(p.node) + " " + p.key +
            ": " + p.message + "\n";
  return text;
}

} // namespace

TEST_CASE("ivr check: a well-formed flow has no problem") {
  auto f = make_flow(
      {play("welcome", "welcome", "main"), menu("main", {{"1", "order"}, {"9", "main"}}, "agent"),
       collect("order", "order", "say", "agent"), say("say", "You entered ${order}", "main"),
       exit_to("agent", node_kind::queue, "q")});
  auto problems = check_flow(*f);
  INFO(listing(problems));
  CHECK(problems.empty());
}

TEST_CASE("ivr check: unknown start and unknown references name the missing node") {
  auto f = make_flow({play("welcome", "welcome", "mian"), menu("main", {{"1", "gone"}})}, "strat");
  auto problems = check_flow(*f);
  INFO(listing(problems));
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].node == -1);
  CHECK(problems[0].key == "start");
  CHECK(problems[0].message == "unknown node 'strat'");
  CHECK(problems[1].node == 0);
  CHECK(problems[1].key == "next");
  CHECK(problems[1].unknown == "mian");
  CHECK(problems[2].key == "choices.1");
}

TEST_CASE("ivr check: a duplicate node id and an unreachable node") {
  auto f = make_flow({play("a", "a", "end"), play("a", "a", "end"), play("lost", "x", "end"),
                      exit_to("end", node_kind::hangup)});
  auto problems = check_flow(*f);
  INFO(listing(problems));
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].error);
  CHECK(problems[0].node == 1);
  CHECK(problems[0].message == "node id 'a' is used twice (first by nodes[0])");
  CHECK_FALSE(problems[1].error);
  CHECK(problems[1].node == 2);
  CHECK(problems[1].message == "node 'lost' is never reached from the start ('a')");
}

TEST_CASE("ivr check: a loop a silent caller goes round for ever is an error, a menu loop is not") {
  // play -> menu whose default goes back to the play: silent loop
  auto f = make_flow(
      {play("p", "p", "m"), menu("m", {{"1", "end"}}, "p"), exit_to("end", node_kind::hangup)});
  auto problems = check_flow(*f);
  INFO(listing(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].node == 1);
  CHECK(problems[0].key == "default");
  CHECK(problems[0].message.starts_with("loop with no caller input: p -> m -> p"));

  // a key leads back: the caller chose it, and silence still leaves
  auto g = make_flow({play("p", "p", "m"), menu("m", {{"1", "end"}, {"9", "p"}}, "end"),
                      exit_to("end", node_kind::hangup)});
  CHECK(check_flow(*g).empty());

  // two menus sending each other their silent callers: no exit either
  auto h = make_flow({menu("a", {{"1", "b"}}, "b"), menu("b", {{"1", "a"}}, "a")});
  problems = check_flow(*h);
  INFO(listing(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message.starts_with("loop with no caller input: a -> b -> a"));
}

TEST_CASE("ivr check: a variable used before it is set, and one never set") {
  // `order` is set only on the collect's valid way; the default skips it
  auto f = make_flow({collect("order", "order", "say", "say"),
                      say("say", "Order ${order}, ${nobody}", "end"),
                      exit_to("end", node_kind::hangup)});
  auto problems = check_flow(*f);
  INFO(listing(problems));
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].node == 1);
  CHECK(problems[0].key == "text");
  CHECK(problems[0].message == "variable 'order' may be used before it is set: a way from the "
                               "start reaches node 'say' without setting it");
  CHECK(problems[1].message.starts_with("variable 'nobody' is never set"));

  // on every way: fine; a flow input: fine
  auto g = make_flow({collect("order", "order", "say", "agent"),
                      say("say", "Order ${order} for ${customer}", "end"),
                      exit_to("end", node_kind::hangup), exit_to("agent", node_kind::queue, "q")});
  auto copy = std::make_shared<flow>(*g);
  copy->inputs = {"customer"};
  CHECK(check_flow(*copy).empty());
}
