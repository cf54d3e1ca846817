// The IVR session actor (actors/ivr_actor.hpp) with a call on the virtual
// clock: a caller (the in-memory caller side, memory_ivr_media) walks the
// entry point's flow before any queue, and leaves it by every way out —
// queued with the data it gave, contained, called back, voicemail,
// transferred, failed, or hanging up — with timers and late reports.
#include <doctest/doctest.h>

#include "acd_fixture.hpp"
#include "actors/ivr_actor.hpp"
#include "actors/ports/memory_ivr_media.hpp"
#include "events/ivr/session.hpp"

using namespace hotline;
using namespace hotline::actors;
namespace iv = hotline::events::ivr;
namespace cl = hotline::events::acd::call;

namespace {

iv::node node_of(std::string id, iv::node_kind kind) {
  iv::node n;
  n.id = std::move(id);
  n.kind = kind;
  return n;
}

/// welcome (play) -> main (menu: 1 order, 2 agent, 3 call_me, 4 vm, 5 out,
/// 6 lang, 9 bye; one retry, 5 s, no default) ; order (collect 5 digits) ->
/// find (lookup orders.csv) -> status (play text) -> bye (hangup); a number
/// not found -> agent (queue sales, priority 2, attaches order and status);
/// lang (language: 1 Cantonese, 2 English) -> speaker (queue sales, asking
/// for skill lang-${language} at level 1 besides the queue's).
iv::flow shop_flow() {
  iv::flow f;
  f.id = "shop";
  f.tenant = "acme";
  f.start = "welcome";
  f.languages = {"zh", "en", "yue"};
  auto welcome = node_of("welcome", iv::node_kind::play);
  welcome.prompt.name = "welcome";
  welcome.next = "main";
  auto main = node_of("main", iv::node_kind::menu);
  main.prompt.name = "main_menu";
  main.choices = {{"1", "order"}, {"2", "agent"}, {"3", "call_me"}, {"4", "vm"},
                  {"5", "out"},   {"6", "lang"},  {"9", "bye"}};
  main.retries = 1;
  auto order = node_of("order", iv::node_kind::collect);
  order.prompt.name = "enter_order";
  order.variable = "order";
  order.min_digits = 5;
  order.max_digits = 5;
  order.next = "find";
  order.fallback = "agent";
  auto find = node_of("find", iv::node_kind::lookup);
  find.table = "orders.csv";
  find.key = "${order}";
  find.key_column = "order";
  find.fields = {{"status", "order_status"}};
  find.next = "status";
  find.not_found = "agent";
  find.on_failure = "agent";
  auto status = node_of("status", iv::node_kind::play);
  status.prompt.text = "Order ${order}: ${order_status}";
  status.next = "bye";
  auto agent = node_of("agent", iv::node_kind::queue);
  agent.target = "sales";
  agent.priority = 2;
  agent.attach = {"order", "order_status"};
  auto call_me = node_of("call_me", iv::node_kind::callback);
  call_me.target = "sales";
  auto vm = node_of("vm", iv::node_kind::voicemail);
  vm.target = "sales";
  auto out = node_of("out", iv::node_kind::transfer);
  out.target = "+862112345678";
  auto lang = node_of("lang", iv::node_kind::language);
  lang.prompt.name = "pick_language";
  lang.choices = {{"1", "yue"}, {"2", "en"}};
  lang.next = "speaker";
  auto speaker = node_of("speaker", iv::node_kind::queue);
  speaker.target = "sales";
  speaker.skills = {{"lang-${language}", 1}};
  f.nodes = {welcome, main, order, find, status,  agent,
             call_me, vm,   out,   lang, speaker, node_of("bye", iv::node_kind::hangup)};
  return f;
}

/// The actor tests' center, with entry point 200 running the shop flow (no queue).
events::center_definition ivr_center() {
  auto c = acd_actor_test::two_queue_center();
  c.flows.push_back(shop_flow());
  events::entry_point e;
  e.dialed = "200";
  e.tenant = "acme";
  e.trunk_group = "pstn";
  e.flow = "shop";
  c.entry_points.push_back(e);
  return c;
}

struct fixture : acd_actor_test::fixture {
  ports::memory_ivr_media media;
  ports::memory_ivr_data data;

  /// `existing`: the store of a node that ran before (restart tests).
  explicit fixture(bool with_media = true, events::center_definition c = ivr_center(),
                   ports::memory_event_store* existing = nullptr)
      : acd_actor_test::fixture(std::move(c), existing, acd_actor_test::epoch, {}) {
    if (with_media) ctx->ivr_media = &media;
    ctx->ivr_data = &data;
    data.add("orders.csv", "order", "81234", {{"order", "81234"}, {"status", "shipped"}});
  }
  ~fixture() { // the caller's side goes first: sessions still running must not reach it
    ctx->ivr_media = nullptr;
    ctx->ivr_data = nullptr;
  }
  fixture(const fixture&) = delete;
  fixture& operator=(const fixture&) = delete;
  /// The caller's side does something; the actors react.
  void finish_prompt(const std::string& s = "c1") {
    REQUIRE(media.finish_prompt(s));
    rt.run_pending();
  }
  void press(const std::string& keys, const std::string& s = "c1") {
    REQUIRE(media.press(s, keys));
    rt.run_pending();
  }
  /// c1 dials 200 and hears the welcome prompt to its end: it is at the main menu.
  void at_main_menu() {
    dial("c1", "200");
    rt.run_pending();
    REQUIRE_MESSAGE(media.has("play c1 welcome step 1 prompt welcome"), commands());
    finish_prompt();
    REQUIRE_MESSAGE(media.has("play c1 main step 2 prompt main_menu"), commands());
  }
  std::string commands() const {
    std::string out;
    for (const auto& l : media.commands())
      out += l + "\n";
    return out;
  }
  std::vector<events::ivr_exited> exits() const { return payloads<events::ivr_exited>("ivr-c1"); }
};

} // namespace

TEST_CASE("ivr actor: order status found, played, and the call ends contained in the IVR") {
  fixture fx;
  fx.at_main_menu();
  CHECK(fx.media.has("open c1 call c1 flow shop"));
  fx.press("1"); // barge-in: chooses during the menu prompt
  fx.finish_prompt();
  fx.press("81234");
  CHECK_MESSAGE(fx.media.has("play c1 status step 10 text Order 81234: shipped"), fx.commands());
  fx.finish_prompt();
  CHECK(fx.media.has("close c1 contained"));
  CHECK(fx.has("ended c1 completed"));
  auto cs = fx.call_state("c1");
  CHECK(cs.end_reason == "completed_in_ivr");
  CHECK(cs.queue.empty()); // never queued
  CHECK(fx.types("ivr-c1") ==
        "ivr.entered ivr.prompt_played ivr.menu_chosen ivr.prompt_played ivr.input ivr.input "
        "ivr.input ivr.input ivr.input ivr.lookup_done ivr.prompt_played ivr.exited");
  REQUIRE(fx.exits().size() == 1);
  CHECK(fx.exits()[0].way == events::ivr_exit_way::contained);
  // The session's events are the call's business: same correlation.
  auto ivr = fx.stream("ivr-c1");
  auto call = fx.stream(cl::stream_name("c1"));
  CHECK(ivr.front().meta.correlation == call.front().meta.correlation);
}

TEST_CASE(
    "ivr actor: an unknown order goes to the queue with its priority and the digits attached") {
  fixture fx;
  fx.login("a1");
  fx.at(1);
  fx.at_main_menu();
  fx.press("1");
  fx.finish_prompt();
  fx.press("99999");
  CHECK(fx.media.has("close c1 queue"));
  fx.rt.run_pending();
  CHECK_MESSAGE(fx.has("queued c1 sales"), fx.describe());
  auto cs = fx.call_state("c1");
  CHECK(cs.attached.at("order") == "99999");
  CHECK(cs.attached.count("order_status") == 0); // unset: not attached
  CHECK(cs.priority == 2);
  auto attached = fx.payloads<events::call_data_attached>(cl::stream_name("c1"));
  REQUIRE(attached.size() == 1);
  CHECK(attached[0].source == "ivr shop/agent");
  auto queued = fx.payloads<events::call_queued>(cl::stream_name("c1"));
  REQUIRE(queued.size() == 1);
  CHECK(queued[0].reason == "ivr shop/agent");
  fx.at(5);
  CHECK(fx.has("ringing a1 c1"));
}

TEST_CASE("ivr actor: a caller who chose Cantonese is offered only to an agent with lang-yue, "
          "other callers of the queue as before") {
  auto c = ivr_center();
  for (auto& a : c.agents)
    if (a.id == "a2") a.skills["lang-yue"] = 1; // a1 and a3 speak no Cantonese
  fixture fx{true, c};
  fx.login("a1"); // idle longest: first for a call that asks for no skill
  fx.at(1);
  fx.login("a2");
  fx.at(2);
  fx.at_main_menu();
  fx.press("6");
  CHECK_MESSAGE(fx.media.has("play c1 lang step 3 prompt pick_language"), fx.commands());
  fx.press("1"); // Cantonese
  CHECK(fx.media.has("close c1 queue"));
  fx.rt.run_pending();
  CHECK_MESSAGE(fx.has("queued c1 sales"), fx.describe());
  REQUIRE(fx.exits().size() == 1);
  CHECK(fx.exits()[0].skills == std::map<std::string, int>{{"lang-yue", 1}});
  // The queue's stream records what the call asks for (a restart rebuilds it).
  auto joined = fx.payloads<events::queue_call_joined>("queue-sales");
  REQUIRE(joined.size() == 1);
  CHECK(joined[0].skills == std::map<std::string, int>{{"lang-yue", 1}});
  fx.at(5);
  CHECK_MESSAGE(fx.has("ringing a2 c1"), fx.describe());
  CHECK_FALSE(fx.has("ringing a1 c1"));
  auto offered = fx.payloads<events::call_offered>(cl::stream_name("c1"));
  REQUIRE(offered.size() == 1);
  CHECK(offered[0].agent_id == "a2");
  CHECK(offered[0].reason.find("with the call's skills lang-yue>=1") != std::string::npos);
  // A caller straight to the queue (entry point 100) asks for no skill: a1, as before.
  fx.dial("c2", "100");
  fx.at(6);
  CHECK_MESSAGE(fx.has("ringing a1 c2"), fx.describe());
  CHECK(fx.payloads<events::queue_call_joined>("queue-sales").at(1).skills.empty());
}

TEST_CASE("ivr actor: a Cantonese caller nobody speaks to waits, the next caller is served, and "
          "the queue's overflow takes it without the skill") {
  auto c = ivr_center(); // nobody has lang-yue
  for (auto& q : c.queues)
    if (q.id == "sales") {
      q.max_wait_ms = 60'000;
      q.overflow = events::overflow_action::queue;
      q.overflow_queue = "billing";
    }
  fixture fx{true, c};
  fx.login("a1");
  fx.login("a4"); // billing
  fx.at(1);
  fx.at_main_menu();
  fx.press("6");
  fx.press("1");
  fx.rt.run_pending();
  CHECK_MESSAGE(fx.has("queued c1 sales"), fx.describe());
  fx.dial("c2", "100");
  fx.at(30);
  CHECK_FALSE(fx.has("ringing a1 c1"));
  CHECK_MESSAGE(fx.has("ringing a1 c2"), fx.describe());
  CHECK(fx.call_state("c1").queue == "sales"); // still waiting there
  // max_wait: the queue's usual overflow; the skills stayed with the entry in sales.
  fx.at(70);
  CHECK_MESSAGE(fx.has("queued c1 billing"), fx.describe());
  for (const auto& j : fx.payloads<events::queue_call_joined>("queue-billing")) {
    CAPTURE(j.call_id); // c2 overflows there too (a1 never answers)
    CHECK(j.skills.empty());
  }
  CHECK_MESSAGE(fx.has("ringing a4 c1"), fx.describe());
}

TEST_CASE("ivr actor: after a node restart a waiting Cantonese caller still asks for lang-yue") {
  auto c = ivr_center();
  for (auto& a : c.agents)
    if (a.id == "a2") a.skills["lang-yue"] = 1;
  ports::memory_event_store store;
  {
    fixture before{true, c, &store}; // nobody logged in: the caller waits
    before.at_main_menu();
    before.press("6");
    before.press("1");
    before.rt.run_pending();
    REQUIRE_MESSAGE(before.has("queued c1 sales"), before.describe());
  } // the node stops; the caller's leg is kept outside the process
  acd_actor_test::fixture after{c, &store, acd_actor_test::epoch + 600 * acd_actor_test::sec,
                                cl::far_ends_kept{true, true}};
  after.at(1);
  REQUIRE(after.call_state("c1").at == cl::phase::queued);
  after.login("a1"); // idle longest, but speaks no Cantonese
  after.at(2);
  after.login("a2");
  after.at(3);
  CHECK_MESSAGE(after.has("ringing a2 c1"), after.describe());
  CHECK_FALSE(after.has("ringing a1 c1"));
}

TEST_CASE(
    "ivr actor: silence times out on the virtual clock, the menu repeats, then the flow fails") {
  fixture fx;
  fx.at_main_menu();
  fx.finish_prompt(); // the menu prompt ends: the 5 s wait starts
  CHECK(fx.media.has("listen c1 main step 3 5000ms"));
  fx.at(4);
  CHECK(fx.types("ivr-c1") == "ivr.entered ivr.prompt_played ivr.prompt_played");
  fx.at(6); // no key within 5 s: a failed try, the prompt again
  CHECK(fx.media.has("play c1 main step 4 prompt main_menu"));
  fx.finish_prompt();
  fx.at(12); // the one retry runs out: no default, the session fails
  CHECK(fx.media.has("close c1 failed"));
  CHECK(fx.has("ended c1 refused"));
  CHECK(fx.call_state("c1").end_reason == "ivr_failed");
}

TEST_CASE("ivr actor: a caller who hangs up in the IVR abandons there") {
  SUBCASE("the caller's side reports it") {
    fixture fx;
    fx.at_main_menu();
    REQUIRE(fx.media.hang_up("c1"));
    fx.rt.run_pending();
    CHECK(fx.has("ended c1 abandoned"));
    CHECK(fx.call_state("c1").end_reason == "abandoned_in_ivr");
    REQUIRE(fx.exits().size() == 1);
    CHECK(fx.exits()[0].way == events::ivr_exit_way::abandoned);
    CHECK(fx.exits()[0].node == "main");
  }
  SUBCASE("the call hears it (patience, telephony)") {
    fixture fx;
    fx.at_main_menu();
    caf::anon_send(fx.calls.at("c1"), abandon_atom::value);
    fx.rt.run_pending();
    CHECK(fx.has("ended c1 abandoned"));
    CHECK(fx.call_state("c1").end_reason == "abandoned_in_ivr");
    CHECK_FALSE(fx.media.is_open("c1"));
  }
}

TEST_CASE("ivr actor: a timer that lost to a key changes nothing") {
  fixture fx;
  fx.at_main_menu();
  fx.finish_prompt(); // waiting: a timer for step 3 is armed
  fx.press("2");      // the key wins: to the queue
  const auto after_key = fx.types("ivr-c1");
  fx.at(10); // the timer fires into a session that has ended
  CHECK(fx.types("ivr-c1") == after_key);
  REQUIRE(fx.exits().size() == 1);
  CHECK(fx.exits()[0].way == events::ivr_exit_way::queue);
}

TEST_CASE("ivr actor: a prompt cut by a key and reported late changes nothing") {
  fixture fx;
  fx.at_main_menu();
  fx.press("1"); // cuts main_menu (step 2): at the order node now
  const auto after_key = fx.types("ivr-c1");
  REQUIRE(fx.media.report("c1", ports::ivr_prompt_finished{2}));
  REQUIRE(fx.media.report("c1", ports::ivr_prompt_finished{1})); // the welcome's, again
  fx.rt.run_pending();
  CHECK(fx.types("ivr-c1") == after_key);
  CHECK(fx.rejections().empty());
}

TEST_CASE("ivr actor: after the session closed, the caller's side reports nothing") {
  fixture fx;
  fx.at_main_menu();
  fx.press("9");
  CHECK(fx.has("ended c1 completed"));
  CHECK_FALSE(fx.media.report("c1", ports::ivr_key{'1'}));
  CHECK_FALSE(fx.media.hang_up("c1"));
}

TEST_CASE("ivr actor: the other ways out use the call's own machinery") {
  SUBCASE("callback: queued, then off the line for a call back") {
    fixture fx;
    fx.at_main_menu();
    fx.press("3");
    fx.rt.run_pending();
    CHECK_MESSAGE(fx.has("queued c1 sales"), fx.describe());
    CHECK(fx.has("off line c1"));
    auto cs = fx.call_state("c1");
    CHECK(cs.callback);
    CHECK(cs.callback_number == "+861380000"); // the flow's ${caller}
  }
  SUBCASE("voicemail") {
    fixture fx;
    fx.at_main_menu();
    fx.press("4");
    CHECK(fx.has("ended c1 voicemail"));
    CHECK(fx.call_state("c1").end_reason == "ivr_voicemail");
  }
  SUBCASE("transfer") {
    fixture fx;
    fx.at_main_menu();
    fx.press("5");
    CHECK(fx.has("ended c1 transferred_out"));
    CHECK(fx.exits()[0].target == "+862112345678");
  }
  SUBCASE("hangup node") {
    fixture fx;
    fx.at_main_menu();
    fx.press("9");
    CHECK(fx.has("ended c1 completed"));
  }
}

TEST_CASE("ivr actor: a node that runs no flows sends the entry point's calls to its queue") {
  SUBCASE("a queue is named: straight there") {
    auto c = ivr_center();
    c.entry_points.back().queue = "billing";
    acd_actor_test::fixture fx{c};
    fx.dial("c1", "200");
    fx.rt.run_pending();
    CHECK(fx.has("queued c1 billing"));
    CHECK(fx.stream("ivr-c1").empty());
  }
  SUBCASE("no queue: refused") {
    fixture fx{false};
    fx.dial("c1", "200");
    fx.rt.run_pending();
    CHECK(fx.has("ended c1 refused"));
    CHECK(fx.call_state("c1").end_reason == "no_ivr");
  }
}

TEST_CASE("ivr actor: an hours node reads the flow's local time through the node's clock") {
  // Monday 2026-11-23 00:00 UTC is 08:00 in Shanghai; the line opens at 08:00 there.
  auto c = acd_actor_test::two_queue_center();
  iv::flow f;
  f.id = "hours";
  f.tenant = "acme";
  f.start = "open";
  f.languages = {"zh"};
  f.time_zone = "Asia/Shanghai";
  auto open = node_of("open", iv::node_kind::hours);
  open.week = {{0, 8 * 60, 9 * 60}};
  open.open = "bye";
  open.closed = "vm";
  auto vm = node_of("vm", iv::node_kind::voicemail);
  vm.target = "sales";
  f.nodes = {open, vm, node_of("bye", iv::node_kind::hangup)};
  c.flows.push_back(f);
  events::entry_point e;
  e.dialed = "300";
  e.tenant = "acme";
  e.trunk_group = "pstn";
  e.flow = "hours";
  c.entry_points.push_back(e);
  for (bool shanghai : {false, true}) {
    CAPTURE(shanghai);
    acd_actor_test::fixture fx{c};
    ports::memory_ivr_media media;
    fx.ctx->ivr_media = &media;
    if (shanghai)
      fx.ctx->local_wall = [](const std::string& zone, std::int64_t utc_ns) {
        return zone == "Asia/Shanghai" ? utc_ns + 8 * 3600 * acd_actor_test::sec : utc_ns;
      };
    fx.dial("c1", "300");
    fx.rt.run_pending();
    auto branched = fx.payloads<events::ivr_branched>("ivr-c1");
    REQUIRE(branched.size() == 1);
    CHECK(branched[0].rule == (shanghai ? "open" : "closed"));
    CHECK(fx.has(shanghai ? "ended c1 completed" : "ended c1 voicemail"));
    fx.ctx->ivr_media = nullptr;
  }
}

TEST_CASE("ivr actor: after a restart a session its call left open is closed, way failed at its "
          "node, and the call ends media_leg_lost") {
  ports::memory_event_store store;
  {
    acd_actor_test::fixture before{ivr_center(), &store, acd_actor_test::epoch, {}};
    ports::memory_ivr_media media;
    before.ctx->ivr_media = &media;
    before.dial("c1", "200");
    before.rt.run_pending();
    REQUIRE(media.has("play c1 welcome step 1 prompt welcome"));
    before.ctx->ivr_media = nullptr;
  } // the node stops with c1 in its flow
  acd_actor_test::fixture after{
      ivr_center(), &store, acd_actor_test::epoch + 600 * acd_actor_test::sec, {}};
  after.at(1);
  CHECK(after.call_state("c1").end_reason == "media_leg_lost");
  auto exits = after.payloads<events::ivr_exited>("ivr-c1");
  REQUIRE(exits.size() == 1);
  CHECK(exits[0].way == events::ivr_exit_way::failed);
  CHECK(exits[0].node == "welcome");
  // A second restart finds it closed: nothing more.
  acd_actor_test::fixture again{
      ivr_center(), &store, acd_actor_test::epoch + 1200 * acd_actor_test::sec, {}};
  again.at(1);
  CHECK(again.payloads<events::ivr_exited>("ivr-c1").size() == 1);
}
