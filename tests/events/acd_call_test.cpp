// The call decider (events/acd/call.hpp): given/when/then.
#include "acd_support.hpp"

using namespace acd_test;
namespace cl = hotline::events::acd::call;

namespace {

using call_subject = subject<call_ops>;

cl::arrive arrival(std::int64_t at = t0) {
  cl::arrive a;
  a.call_id = "c1";
  a.caller = "+8613800000001";
  a.dialed = "10086";
  a.customer_id = "cust-1";
  a.attached = {{"lang", "zh"}};
  a.trunk_group = "pstn";
  a.now_ns = at;
  return a;
}

call_subject arrived() {
  call_subject c{cl::initial_state("c1")};
  c.after({arrival()});
  return c;
}

call_subject queued() {
  auto c = arrived();
  c.after({cl::enqueue{"sales", 0, 1, 30'000, "10086", t0 + sec}});
  return c;
}

call_subject offered_to(const std::vector<std::string>& agents) {
  auto c = queued();
  for (const auto& a : agents)
    c.after({cl::offer{a, 15'000, "test", t0 + 2 * sec}});
  return c;
}

call_subject connected() {
  auto c = offered_to({"a1"});
  c.after({cl::connect{"a1", t0 + 5 * sec}});
  return c;
}

} // namespace

TEST_CASE("call: arrival records the caller and the call data") {
  call_subject c{cl::initial_state("c1")};
  then_events(c.step(arrival()), {call_arrived{"c1",
                                               contact_channel::voice,
                                               call_direction::inbound,
                                               "+8613800000001",
                                               "10086",
                                               "cust-1",
                                               {{"lang", "zh"}},
                                               "pstn"}});
  CHECK(cl::status_of(c.s) == cl::status::arrived);
  CHECK(c.s.attached.at("lang") == "zh");
  then_rejected(c.when(arrival()), "already_arrived");
}

TEST_CASE("call: nothing happens to a call before it arrives") {
  call_subject c{cl::initial_state("c1")};
  then_rejected(c.when(cl::enqueue{"sales", 0, 1, 0, "", t0}), "not_arrived");
  then_rejected(c.when(cl::connect{"a1", t0}), "not_arrived");
  auto wrong = arrival();
  wrong.call_id = "c2";
  then_rejected(c.when(wrong), "invalid_argument");
}

TEST_CASE("call: all trunk channels busy: the call ends blocked") {
  auto c = arrived();
  then_events(c.step(cl::block{"pstn", t0}),
              {call_ended{"c1", call_outcome::blocked, "all_channels_busy", "", ""}});
  CHECK(cl::is_terminal(c.s));
}

TEST_CASE("call: queued, offered, connected: the wait is measured from queuing") {
  auto c = queued();
  CHECK(cl::status_of(c.s) == cl::status::queued);
  CHECK(cl::waited_ms(c.s, t0 + 4 * sec) == 3'000);
  then_events(c.step(cl::offer{"a1", 15'000, "level 5, longest idle 42 s", t0 + 2 * sec}),
              {call_offered{"c1", "sales", "a1", 1, 15'000, "level 5, longest idle 42 s"}});
  CHECK(cl::status_of(c.s) == cl::status::offered);
  then_nothing(c.when(cl::offer{"a1", 15'000, "again", t0 + 3 * sec}));
  then_events(c.step(cl::connect{"a1", t0 + 5 * sec}),
              {call_connected{"c1", "sales", "a1", 4'000}});
  CHECK(cl::status_of(c.s) == cl::status::connected);
  CHECK(c.s.agent_id == "a1");
  then_nothing(c.when(cl::connect{"a1", t0 + 6 * sec}));
  then_rejected(c.when(cl::connect{"a2", t0 + 6 * sec}), "already_connected");
}

TEST_CASE("call: an agent cannot answer a call not offered to it") {
  auto c = offered_to({"a1"});
  then_rejected(c.when(cl::connect{"a2", t0 + 5 * sec}), "not_offered");
  auto q = queued();
  then_rejected(q.when(cl::connect{"a1", t0 + 5 * sec}), "not_offered");
}

TEST_CASE("call: ring-all: the first to answer wins, the other offers end answered_elsewhere") {
  auto c = offered_to({"a1", "a2", "a3"});
  CHECK(c.s.offers.size() == 3);
  CHECK(c.s.attempts == 3);
  then_events(c.step(cl::connect{"a2", t0 + 4 * sec}),
              {call_connected{"c1", "sales", "a2", 3'000},
               call_offer_ended{"c1", "a1", "answered_elsewhere"},
               call_offer_ended{"c1", "a3", "answered_elsewhere"}});
  CHECK(c.s.offers.empty());
  then_rejected(c.when(cl::connect{"a1", t0 + 5 * sec}), "already_connected");
}

TEST_CASE("call: an offer that ends keeps the call queued, the next offer counts as attempt 2") {
  auto c = offered_to({"a1"});
  then_events(c.step(cl::end_offer{"a1", "no_answer", t0 + 17 * sec}),
              {call_offer_ended{"c1", "a1", "no_answer"}});
  CHECK(cl::status_of(c.s) == cl::status::queued);
  then_nothing(c.when(cl::end_offer{"a1", "no_answer", t0 + 18 * sec}));
  then_events(c.step(cl::offer{"a2", 15'000, "next", t0 + 18 * sec}),
              {call_offered{"c1", "sales", "a2", 2, 15'000, "next"}});
}

TEST_CASE("call: hold and resume only by the connected agent") {
  auto c = connected();
  then_rejected(c.when(cl::hold{"a9", t0}), "not_your_call");
  then_events(c.step(cl::hold{"a1", t0 + 10 * sec}), {call_held{"c1", "a1"}});
  CHECK(cl::status_of(c.s) == cl::status::held);
  then_nothing(c.when(cl::hold{"a1", t0}));
  then_events(c.step(cl::resume{"a1", t0 + 20 * sec}), {call_resumed{"c1", "a1"}});
  then_nothing(c.when(cl::resume{"a1", t0}));
  auto q = queued();
  then_rejected(q.when(cl::hold{"a1", t0}), "not_connected");
}

TEST_CASE("call: hang-up ends it completed, exactly once") {
  auto c = connected();
  then_events(c.step(cl::hang_up{"agent", t0 + 60 * sec}),
              {call_ended{"c1", call_outcome::completed, "agent_hangup", "a1", "sales"}});
  CHECK(cl::is_terminal(c.s));
  then_rejected(c.when(cl::hang_up{"caller", t0 + 61 * sec}), "already_ended");
  then_rejected(c.when(cl::abandon{"caller_hangup", t0 + 61 * sec}), "already_ended");
  then_rejected(c.when(cl::finish{call_outcome::completed, "", t0 + 61 * sec}), "already_ended");
  then_rejected(c.when(arrival()), "already_ended");
  then_rejected(c.when(cl::hang_up{"nobody", t0}), "already_ended");
  auto q = queued();
  then_rejected(q.when(cl::hang_up{"caller", t0}), "not_connected");
  auto k = connected();
  then_rejected(k.when(cl::hang_up{"nobody", t0}), "invalid_argument");
  // A caller whose line vanished (no ACK, no BYE) is told apart from one who hung up.
  auto lost = connected();
  then_events(lost.step(cl::hang_up{"caller_lost", t0 + 60 * sec}),
              {call_ended{"c1", call_outcome::completed, "caller_lost", "a1", "sales"}});
}

TEST_CASE("call: abandon while waiting cancels the offers in flight") {
  auto c = offered_to({"a1", "a2"});
  then_events(c.step(cl::abandon{"caller_hangup", t0 + 9 * sec}),
              {call_offer_ended{"c1", "a1", "cancelled"}, call_offer_ended{"c1", "a2", "cancelled"},
               call_ended{"c1", call_outcome::abandoned, "caller_hangup", "", "sales"}});
  auto k = connected();
  then_rejected(k.when(cl::abandon{"caller_hangup", t0}), "already_connected");
  auto a = arrived(); // hung up in the IVR, before any queue
  then_types(a.step(cl::abandon{"caller_hangup", t0}), {"call.ended"});
}

TEST_CASE("call: priority, announcements and widening only while waiting") {
  auto c = queued();
  then_events(c.step(cl::change_priority{10, "vip", t0 + 2 * sec}),
              {call_priority_raised{"c1", "sales", 10, "vip"}});
  then_nothing(c.when(cl::change_priority{10, "vip", t0 + 2 * sec}));
  then_events(c.step(cl::announce{3, 45'000, t0 + 3 * sec}),
              {call_announced{"c1", "sales", 3, 45'000}});
  then_events(c.step(cl::widen{0, 10, {"general"}, t0 + 4 * sec}),
              {call_widened{"c1", "sales", 0, 10, {"general"}}});
  CHECK(c.s.widening_step == 0);
  then_nothing(c.when(cl::widen{0, 10, {"general"}, t0 + 5 * sec}));
  then_rejected(c.when(cl::widen{-1, 0, {}, t0}), "invalid_argument");
  auto k = connected();
  then_rejected(k.when(cl::change_priority{5, "", t0}), "not_waiting");
  then_rejected(k.when(cl::announce{1, 0, t0}), "not_waiting");
  then_rejected(k.when(cl::widen{1, 0, {}, t0}), "not_waiting");
  then_rejected(k.when(cl::enqueue{"x", 0, 1, 0, "", t0}), "not_waiting");
  then_rejected(c.when(cl::enqueue{"x", 0, 1, 0, "", t0}), "already_queued");
  then_rejected(c.when(cl::enqueue{"", 0, 1, 0, "", t0}), "invalid_argument");
}

TEST_CASE("call: overflow to another queue keeps the wait running") {
  auto c = offered_to({"a1"});
  then_events(c.step(cl::overflow{"queue", "general", "max_wait", t0 + 61 * sec}),
              {call_offer_ended{"c1", "a1", "cancelled"},
               call_overflowed{"c1", "sales", "queue", "general", "max_wait"}});
  CHECK(cl::status_of(c.s) == cl::status::arrived);
  c.after({cl::enqueue{"general", 0, 1, 0, "overflow from sales", t0 + 61 * sec},
           cl::offer{"a5", 15'000, "", t0 + 62 * sec}});
  then_events(c.step(cl::connect{"a5", t0 + 63 * sec}),
              {call_connected{"c1", "general", "a5", 62'000}});
  auto k = connected();
  then_rejected(k.when(cl::overflow{"queue", "general", "", t0}), "not_waiting");
  then_rejected(c.when(cl::overflow{"queue", "", "", t0}), "invalid_argument");
  then_rejected(c.when(cl::overflow{"none", "", "", t0}), "invalid_argument");
}

TEST_CASE("call: overflow to voicemail ends the call") {
  auto c = queued();
  then_events(c.step(cl::overflow{"voicemail", "", "no_agents", t0 + 5 * sec}),
              {call_overflowed{"c1", "sales", "voicemail", "", "no_agents"},
               call_ended{"c1", call_outcome::voicemail, "no_agents", "", "sales"}});
}

TEST_CASE("call: a callback keeps the place, is not an abandon, and ends callback_completed") {
  auto c = offered_to({"a1"});
  then_events(c.step(cl::schedule_callback{"", t0 + 30 * sec}),
              {call_offer_ended{"c1", "a1", "cancelled"},
               call_callback_scheduled{"c1", "sales", "+8613800000001"}});
  CHECK(cl::status_of(c.s) == cl::status::callback_waiting);
  CHECK(cl::is_waiting(c.s));
  CHECK_FALSE(cl::is_terminal(c.s));
  then_nothing(c.when(cl::schedule_callback{"", t0 + 31 * sec}));
  then_rejected(c.when(cl::abandon{"caller_hangup", t0 + 31 * sec}), "callback_pending");
  then_rejected(c.when(cl::offer{"a2", 15'000, "", t0 + 31 * sec}), "not_waiting");
  then_rejected(c.when(cl::dial_callback{"", "pstn", t0}), "invalid_argument");
  then_events(c.step(cl::dial_callback{"a2", "pstn", t0 + 300 * sec}),
              {call_callback_dialed{"c1", "pstn", "+8613800000001", "a2"}});
  then_rejected(c.when(cl::connect{"a3", t0 + 310 * sec}), "not_offered");
  then_events(c.step(cl::connect{"a2", t0 + 310 * sec}),
              {call_connected{"c1", "sales", "a2", 309'000}});
  then_events(c.step(cl::hang_up{"caller", t0 + 400 * sec}),
              {call_ended{"c1", call_outcome::callback_completed, "caller_hangup", "a2", "sales"}});
}

TEST_CASE(
    "call: a call back whose agent does not pick up waits again, and another agent may be dialed") {
  auto c = queued();
  c.after(
      {cl::schedule_callback{"", t0 + 2 * sec}, cl::dial_callback{"a2", "pstn", t0 + 100 * sec}});
  then_nothing(c.when(cl::end_offer{"a3", "no_answer", t0 + 110 * sec})); // not its agent
  then_events(c.step(cl::end_offer{"a2", "no_answer", t0 + 115 * sec}),
              {call_offer_ended{"c1", "a2", "no_answer"}});
  CHECK(cl::status_of(c.s) == cl::status::callback_waiting);
  CHECK(c.s.callback_agent.empty());
  then_nothing(c.when(cl::end_offer{"a2", "no_answer", t0 + 116 * sec})); // already over
  then_rejected(c.when(cl::connect{"a2", t0 + 116 * sec}), "not_offered");
  then_events(c.step(cl::dial_callback{"a1", "pstn", t0 + 120 * sec}),
              {call_callback_dialed{"c1", "pstn", "+8613800000001", "a1"}});
  then_events(c.step(cl::connect{"a1", t0 + 130 * sec}),
              {call_connected{"c1", "sales", "a1", 129'000}});
}

TEST_CASE("call: a dial-back telephony reports failed is retried while the queue's attempts allow, "
          "then ends") {
  auto c = queued();
  c.after(
      {cl::schedule_callback{"", t0 + 2 * sec}, cl::dial_callback{"a2", "pstn", t0 + 100 * sec}});
  then_rejected(c.when(cl::fail_callback{"customer_no_answer", t0 + 120 * sec, 3, -1}),
                "invalid_argument");
  then_events(c.step(cl::fail_callback{"customer_no_answer", t0 + 120 * sec, 3, 300'000}),
              {call_callback_retried{"c1", "sales", "customer_no_answer", 1, t0 + 420 * sec}});
  CHECK(cl::status_of(c.s) == cl::status::callback_waiting);
  CHECK(c.s.callback_agent.empty());
  CHECK(c.s.callback_retry_at_ns == t0 + 420 * sec);
  then_events(c.step(cl::dial_callback{"a1", "pstn", t0 + 420 * sec}),
              {call_callback_dialed{"c1", "pstn", "+8613800000001", "a1"}});
  then_events(c.step(cl::fail_callback{"customer_busy", t0 + 430 * sec, 3, 300'000}),
              {call_callback_retried{"c1", "sales", "customer_busy", 2, t0 + 730 * sec}});
  // The third failure uses up the three attempts (also while waiting, not dialed).
  then_events(
      c.step(cl::fail_callback{"cancelled_by_operator", t0 + 500 * sec, 3, 300'000}),
      {call_ended{"c1", call_outcome::callback_failed, "cancelled_by_operator", "", "sales"}});
}

TEST_CASE("call: a callback nobody answers ends callback_failed") {
  auto c = queued();
  c.after({cl::schedule_callback{"+86100", t0 + 2 * sec},
           cl::dial_callback{"a2", "pstn", t0 + 100 * sec}});
  CHECK(c.s.callback_number == "+86100");
  then_events(c.step(cl::fail_callback{"no_answer", t0 + 130 * sec}),
              {call_ended{"c1", call_outcome::callback_failed, "no_answer", "", "sales"}});
  auto k = connected();
  then_rejected(k.when(cl::fail_callback{"no_answer", t0}), "not_waiting");
  then_rejected(k.when(cl::dial_callback{"a1", "pstn", t0}), "not_waiting");
  then_rejected(k.when(cl::schedule_callback{"", t0}), "not_waiting");
}

TEST_CASE("call: overflow to callback schedules the call back") {
  auto c = queued();
  then_types(c.step(cl::overflow{"callback", "", "max_wait", t0 + 5 * sec}),
             {"call.overflowed", "call.callback_scheduled"});
  CHECK(cl::status_of(c.s) == cl::status::callback_waiting);
  CHECK(c.s.queue == "sales");
}

TEST_CASE("call: supervision only while connected") {
  auto q = queued();
  then_rejected(q.when(cl::supervise{"sup1", supervision_mode::listen, t0}), "not_connected");
  auto c = connected();
  then_events(c.step(cl::supervise{"sup1", supervision_mode::listen, t0 + 10 * sec}),
              {call_supervised{"c1", "sup1", supervision_mode::listen}});
  then_nothing(c.when(cl::supervise{"sup1", supervision_mode::listen, t0 + 11 * sec}));
  then_events(c.step(cl::supervise{"sup1", supervision_mode::whisper, t0 + 12 * sec}),
              {call_supervised{"c1", "sup1", supervision_mode::whisper}});
  then_events(c.step(cl::supervise{"sup1", supervision_mode::barge, t0 + 13 * sec}),
              {call_supervised{"c1", "sup1", supervision_mode::barge}});
  then_events(c.step(cl::supervise{"sup1", supervision_mode::stop, t0 + 14 * sec}),
              {call_supervised{"c1", "sup1", supervision_mode::stop}});
  then_rejected(c.when(cl::supervise{"sup1", supervision_mode::stop, t0 + 15 * sec}),
                "not_supervising");
  then_rejected(c.when(cl::supervise{"sup1", not_a_name<supervision_mode>(), t0}),
                "invalid_argument");
  c.after({cl::hang_up{"caller", t0 + 20 * sec}});
  then_rejected(c.when(cl::supervise{"sup1", supervision_mode::listen, t0 + 21 * sec}),
                "already_ended");
}

TEST_CASE("call: blind transfer to a queue: the call waits again with its data") {
  auto c = connected();
  then_rejected(
      c.when(cl::transfer{transfer_mode::blind, "a9", transfer_target_kind::queue, "billing", t0}),
      "not_your_call");
  then_events(
      c.step(cl::transfer{transfer_mode::blind, "a1", transfer_target_kind::queue, "billing",
                          t0 + 30 * sec}),
      {call_transferred{"c1", transfer_mode::blind, "a1", transfer_target_kind::queue, "billing"}});
  CHECK(cl::status_of(c.s) == cl::status::arrived);
  CHECK(c.s.attached.at("lang") == "zh");
  c.after({cl::enqueue{"billing", 0, 1, 0, "transfer", t0 + 30 * sec},
           cl::offer{"a4", 15'000, "", t0 + 31 * sec}});
  then_events(c.step(cl::connect{"a4", t0 + 40 * sec}),
              {call_connected{"c1", "billing", "a4", 10'000}});
}

TEST_CASE("call: blind transfer to an agent rings that agent") {
  auto c = connected();
  c.after(
      {cl::transfer{transfer_mode::blind, "a1", transfer_target_kind::agent, "a7", t0 + 30 * sec}});
  then_rejected(c.when(cl::connect{"a7", t0 + 31 * sec}), "not_offered");
  c.after({cl::offer{"a7", 15'000, "transfer from a1", t0 + 30 * sec}});
  then_types(c.step(cl::connect{"a7", t0 + 33 * sec}), {"call.connected"});
  CHECK(c.s.agent_id == "a7");
}

TEST_CASE("call: consultative transfer hands the connected call to the consulted agent") {
  auto c = connected();
  c.after({cl::hold{"a1", t0 + 20 * sec}});
  // Only a consultation in progress makes a consultative transfer.
  then_rejected(c.when(cl::transfer{transfer_mode::consultative, "a1", transfer_target_kind::agent,
                                    "a2", t0 + 21 * sec}),
                "no_consultation");
  c.after({cl::consult{"a1", "a2", "transfer", 15'000, "", t0 + 21 * sec}});
  then_rejected(c.when(cl::transfer{transfer_mode::consultative, "a1", transfer_target_kind::agent,
                                    "a2", t0 + 22 * sec}),
                "no_consultation");
  c.after({cl::start_consultation{"a2", t0 + 25 * sec}});
  then_events(c.step(cl::transfer{transfer_mode::consultative, "a1", transfer_target_kind::agent,
                                  "a2", t0 + 50 * sec}),
              {call_transferred{"c1", transfer_mode::consultative, "a1",
                                transfer_target_kind::agent, "a2"}});
  CHECK(cl::status_of(c.s) == cl::status::connected);
  CHECK(c.s.agent_id == "a2");
  then_rejected(c.when(cl::hold{"a1", t0}), "not_your_call");
  then_types(c.step(cl::hang_up{"agent", t0 + 90 * sec}), {"call.ended"});
  CHECK(c.s.agent_id == "a2");
}

TEST_CASE("call: transfer outside the site ends the call transferred_out") {
  auto c = connected();
  then_events(
      c.step(cl::transfer{transfer_mode::blind, "a1", transfer_target_kind::site, "site-2",
                          t0 + 30 * sec}),
      {call_transferred{"c1", transfer_mode::blind, "a1", transfer_target_kind::site, "site-2"},
       call_ended{"c1", call_outcome::transferred_out, "site:site-2", "a1", "sales"}});
  auto k = connected();
  then_rejected(k.when(cl::transfer{not_a_name<transfer_mode>(), "a1", transfer_target_kind::agent,
                                    "a2", t0}),
                "invalid_argument");
  then_rejected(k.when(cl::transfer{transfer_mode::blind, "a1", not_a_name<transfer_target_kind>(),
                                    "a2", t0}),
                "invalid_argument");
  then_rejected(
      k.when(cl::transfer{transfer_mode::blind, "a1", transfer_target_kind::agent, "", t0}),
      "invalid_argument");
  then_rejected(
      k.when(cl::transfer{transfer_mode::blind, "a1", transfer_target_kind::agent, "a1", t0}),
      "invalid_argument");
}

TEST_CASE("call: conference adds a party once") {
  auto c = connected();
  then_events(c.step(cl::conference{"a1", "+8613900000000", t0}),
              {call_conferenced{"c1", "a1", "+8613900000000"}});
  then_nothing(c.when(cl::conference{"a1", "+8613900000000", t0}));
  then_rejected(c.when(cl::conference{"a1", "", t0}), "invalid_argument");
  auto q = queued();
  then_rejected(q.when(cl::conference{"a1", "x", t0}), "not_connected");
}

TEST_CASE("call: an outbound call is connected by the agent who placed it") {
  call_subject c{cl::initial_state("c1")};
  auto a = arrival();
  a.direction = call_direction::outbound;
  c.after({a});
  then_events(c.step(cl::connect{"a3", t0 + 5 * sec}), {call_connected{"c1", "", "a3", 0}});
  a.direction = not_a_name<call_direction>();
  call_subject d{cl::initial_state("c1")};
  then_rejected(d.when(a), "invalid_argument");
}

TEST_CASE("call: finish ends it with a known outcome only") {
  auto c = arrived();
  then_rejected(c.when(cl::finish{not_a_name<call_outcome>(), "", t0}), "invalid_argument");
  then_events(c.step(cl::finish{call_outcome::completed, "self_service", t0 + 40 * sec}),
              {call_ended{"c1", call_outcome::completed, "self_service", "", ""}});
}

TEST_CASE("call: stream name") {
  CHECK(cl::stream_name("42") == "call-42");
}

TEST_CASE("call: a transfer records its reason") {
  auto c = connected();
  cl::transfer t{transfer_mode::blind, "a1", transfer_target_kind::queue, "billing", t0 + 30 * sec};
  t.reason = "billing question";
  then_events(c.step(t),
              {call_transferred{"c1", transfer_mode::blind, "a1", transfer_target_kind::queue,
                                "billing", "billing question"}});
}

TEST_CASE("call: consult rings a second agent while the call stays with its agent") {
  auto c = connected();
  then_rejected(c.when(cl::consult{"a9", "a2", "transfer", 15'000, "", t0}), "not_your_call");
  then_rejected(c.when(cl::consult{"a1", "a1", "transfer", 15'000, "", t0}), "invalid_argument");
  then_rejected(c.when(cl::consult{"a1", "a2", "gossip", 15'000, "", t0}), "invalid_argument");
  then_events(c.step(cl::consult{"a1", "a2", "transfer", 15'000, "card lost", t0 + 20 * sec}),
              {call_offered{"c1", "sales", "a2", 2, 15'000, "consultation from a1: card lost"}});
  CHECK(cl::status_of(c.s) == cl::status::connected);
  CHECK(c.s.agent_id == "a1");
  then_nothing(c.when(cl::consult{"a1", "a2", "transfer", 15'000, "", t0 + 21 * sec}));
  then_rejected(c.when(cl::consult{"a1", "a3", "transfer", 15'000, "", t0 + 21 * sec}),
                "consult_pending");
  // The target answers: a consultation (the two agents talk), then the
  // consultative transfer completes it.
  then_events(c.step(cl::start_consultation{"a2", t0 + 24 * sec}),
              {call_consultation_started{"c1", "a1", "a2"}});
  CHECK(c.s.offers.empty());
  then_events(c.step(cl::transfer{transfer_mode::consultative, "a1", transfer_target_kind::agent,
                                  "a2", t0 + 25 * sec}),
              {call_transferred{"c1", transfer_mode::consultative, "a1",
                                transfer_target_kind::agent, "a2"}});
  CHECK(c.s.agent_id == "a2");
  CHECK(c.s.offers.empty());
}

TEST_CASE("call: a consultation nobody answers leaves the call with its agent") {
  auto c = connected();
  c.after({cl::consult{"a1", "a2", "transfer", 15'000, "", t0 + 20 * sec}});
  then_events(c.step(cl::end_offer{"a2", "no_answer", t0 + 35 * sec}),
              {call_offer_ended{"c1", "a2", "no_answer"}});
  CHECK(cl::status_of(c.s) == cl::status::connected);
  CHECK(c.s.agent_id == "a1");
  then_types(c.step(cl::hold{"a1", t0 + 36 * sec}), {"call.held"});
}

TEST_CASE("call: hanging up or transferring ends a consultation still ringing") {
  auto c = connected();
  c.after({cl::consult{"a1", "a2", "transfer", 15'000, "", t0 + 20 * sec}});
  then_types(c.step(cl::hang_up{"caller", t0 + 22 * sec}), {"call.offer_ended", "call.ended"});
  auto k = connected();
  k.after({cl::consult{"a1", "a2", "transfer", 15'000, "", t0 + 20 * sec}});
  then_events(
      k.step(cl::transfer{transfer_mode::blind, "a1", transfer_target_kind::queue, "billing",
                          t0 + 22 * sec}),
      {call_offer_ended{"c1", "a2", "cancelled"},
       call_transferred{"c1", transfer_mode::blind, "a1", transfer_target_kind::queue, "billing"}});
}

namespace {

/// a1 talks with the caller and consults a2, who answered.
call_subject consulting() {
  auto c = connected();
  c.after({cl::consult{"a1", "a2", "transfer", 15'000, "card lost", t0 + 20 * sec},
           cl::start_consultation{"a2", t0 + 24 * sec}});
  return c;
}

} // namespace

TEST_CASE("call: a consultation starts when its target answers and the call stays with its agent") {
  auto c = connected();
  then_rejected(c.when(cl::start_consultation{"a2", t0 + 21 * sec}), "not_offered");
  then_rejected(c.when(cl::start_consultation{"", t0 + 21 * sec}), "invalid_argument");
  c.after({cl::consult{"a1", "a2", "transfer", 15'000, "", t0 + 20 * sec}});
  then_events(c.step(cl::start_consultation{"a2", t0 + 24 * sec}),
              {call_consultation_started{"c1", "a1", "a2"}});
  CHECK(cl::in_consultation(c.s));
  CHECK(c.s.consultation == "a2");
  CHECK(c.s.agent_id == "a1");
  CHECK(c.s.offers.empty());
  CHECK(cl::status_of(c.s) == cl::status::connected);
  then_nothing(c.when(cl::start_consultation{"a2", t0 + 25 * sec})); // a retry
  auto q = queued();
  then_rejected(q.when(cl::start_consultation{"a2", t0}), "not_connected");
}

TEST_CASE("call: during a consultation what makes no sense is refused") {
  auto c = consulting();
  then_rejected(c.when(cl::consult{"a1", "a3", "transfer", 15'000, "", t0 + 30 * sec}),
                "in_consultation");
  then_rejected(c.when(cl::consult{"a1", "a3", "conference", 15'000, "", t0 + 30 * sec}),
                "in_consultation");
  then_rejected(c.when(cl::transfer{transfer_mode::blind, "a1", transfer_target_kind::queue,
                                    "billing", t0 + 30 * sec}),
                "in_consultation");
  then_rejected(c.when(cl::transfer{transfer_mode::blind, "a1", transfer_target_kind::agent, "a2",
                                    t0 + 30 * sec}),
                "in_consultation");
  then_rejected(c.when(cl::transfer{transfer_mode::consultative, "a1", transfer_target_kind::agent,
                                    "a3", t0 + 30 * sec}),
                "in_consultation");
  then_rejected(c.when(cl::transfer{transfer_mode::blind, "a1", transfer_target_kind::external,
                                    "+861000", t0 + 30 * sec}),
                "in_consultation");
  then_rejected(c.when(cl::conference{"a1", "+8613900000000", t0 + 30 * sec}), "in_consultation");
  then_rejected(c.when(cl::hold{"a1", t0 + 30 * sec}), "in_consultation");
  then_rejected(c.when(cl::resume{"a1", t0 + 30 * sec}), "in_consultation");
  then_rejected(c.when(cl::start_consultation{"a3", t0 + 30 * sec}), "in_consultation");
  // Only the call's agent completes it; the target cannot take the call itself.
  then_rejected(c.when(cl::transfer{transfer_mode::consultative, "a2", transfer_target_kind::agent,
                                    "a2", t0 + 30 * sec}),
                "not_your_call");
  // A supervisor may still listen.
  then_types(c.step(cl::supervise{"sup", supervision_mode::listen, t0 + 30 * sec}),
             {"call.supervised"});
}

TEST_CASE("call: completing a consultation hands the caller to the target") {
  auto c = consulting();
  then_events(c.step(cl::transfer{transfer_mode::consultative, "a1", transfer_target_kind::agent,
                                  "a2", t0 + 60 * sec}),
              {call_transferred{"c1", transfer_mode::consultative, "a1",
                                transfer_target_kind::agent, "a2"}});
  CHECK_FALSE(cl::in_consultation(c.s));
  CHECK(c.s.agent_id == "a2");
  CHECK(c.s.transfers == 1);
  then_rejected(c.when(cl::end_consultation{"a1", "cancelled", t0 + 61 * sec}), "no_consultation");
  // a2 may consult in turn.
  then_types(c.step(cl::consult{"a2", "a3", "transfer", 15'000, "", t0 + 62 * sec}),
             {"call.offered"});
}

TEST_CASE("call: cancelling a consultation or its target hanging up gives the caller back") {
  auto c = consulting();
  then_rejected(c.when(cl::end_consultation{"a2", "cancelled", t0 + 40 * sec}), "not_your_call");
  then_rejected(c.when(cl::end_consultation{"a1", "target_hung_up", t0 + 40 * sec}),
                "not_your_call");
  then_rejected(c.when(cl::end_consultation{"a1", "bored", t0 + 40 * sec}), "invalid_argument");
  then_events(c.step(cl::end_consultation{"a1", "cancelled", t0 + 40 * sec}),
              {call_consultation_ended{"c1", "a2", "cancelled"}});
  CHECK_FALSE(cl::in_consultation(c.s));
  CHECK(c.s.agent_id == "a1");
  CHECK(cl::status_of(c.s) == cl::status::connected);
  then_rejected(c.when(cl::end_consultation{"a1", "cancelled", t0 + 41 * sec}), "no_consultation");
  then_types(c.step(cl::hold{"a1", t0 + 42 * sec}), {"call.held"});

  auto k = consulting();
  then_events(k.step(cl::end_consultation{"a2", "target_hung_up", t0 + 40 * sec}),
              {call_consultation_ended{"c1", "a2", "target_hung_up"}});
  CHECK(k.s.agent_id == "a1");
  then_rejected(k.when(cl::transfer{transfer_mode::consultative, "a1", transfer_target_kind::agent,
                                    "a2", t0 + 41 * sec}),
                "no_consultation");
}

TEST_CASE("call: the call ending during a consultation ends the consultation first") {
  auto c = consulting();
  then_events(c.step(cl::hang_up{"caller", t0 + 40 * sec}),
              {call_consultation_ended{"c1", "a2", "call_ended"},
               call_ended{"c1", call_outcome::completed, "caller_hangup", "a1", "sales"}});
  CHECK_FALSE(cl::in_consultation(c.s));
  auto f = consulting();
  then_types(f.step(cl::finish{call_outcome::refused, "", t0 + 40 * sec}),
             {"call.consultation_ended", "call.ended"});
  auto r = consulting();
  then_types(r.step(cl::recover_after_restart{{}, t0 + 40 * sec}),
             {"call.consultation_ended", "call.ended"});
}

TEST_CASE("call: an invited agent joins the conference on answer, and parties leave") {
  auto c = connected();
  c.after({cl::consult{"a1", "a2", "conference", 15'000, "", t0 + 20 * sec}});
  CHECK(c.s.offers.size() == 1);
  then_events(c.step(cl::conference{"a1", "a2", t0 + 24 * sec}),
              {call_conferenced{"c1", "a1", "a2"}});
  CHECK(c.s.offers.empty());
  then_rejected(c.when(cl::consult{"a1", "a2", "conference", 15'000, "", t0}), "in_conference");
  then_rejected(c.when(cl::transfer{transfer_mode::consultative, "a1", transfer_target_kind::agent,
                                    "a2", t0}),
                "in_conference");
  then_rejected(c.when(cl::conference{"a1", "a1", t0}), "invalid_argument");
  c.after({cl::conference{"a1", "+8613900000000", t0 + 30 * sec}});
  then_events(c.step(cl::leave_conference{"a2", "hung_up", t0 + 40 * sec}),
              {call_conference_left{"c1", "a2", "hung_up"}});
  then_rejected(c.when(cl::leave_conference{"a2", "hung_up", t0 + 41 * sec}), "not_in_conference");
  CHECK(c.s.conference_parties == std::vector<std::string>{"+8613900000000"});
  // A transfer lets every party go.
  then_events(
      c.step(cl::transfer{transfer_mode::blind, "a1", transfer_target_kind::queue, "billing",
                          t0 + 50 * sec}),
      {call_transferred{"c1", transfer_mode::blind, "a1", transfer_target_kind::queue, "billing"},
       call_conference_left{"c1", "+8613900000000", "transferred"}});
  CHECK(c.s.conference_parties.empty());
}

// -- outbound calls through a trunk: the far end's outcomes (docs/telephony.md) --

namespace {
/// An agent's outbound call, its line seized, still dialing the far end.
call_subject dialing() {
  call_subject c{cl::initial_state("c1")};
  auto a = arrival();
  a.direction = call_direction::outbound;
  a.dialed = "5550100";
  c.after({a});
  return c;
}
} // namespace

TEST_CASE("call: the far end rings once, then its answer connects the agent who dials") {
  auto c = dialing();
  then_events(c.step(cl::far_end_ringing{t0 + sec}), {call_far_end_ringing{"c1", "5550100"}});
  CHECK(c.s.far_end_ringing);
  then_nothing(c.when(cl::far_end_ringing{t0 + 2 * sec})); // a second 180/183
  then_events(c.step(cl::connect{"a3", t0 + 9 * sec}), {call_connected{"c1", "", "a3", 0}});
  then_rejected(c.when(cl::far_end_ringing{t0 + 10 * sec}), "not_dialing");
  then_rejected(c.when(cl::far_end_failed{"busy", t0 + 10 * sec}), "not_dialing");
}

TEST_CASE("call: each far-end failure ends the outbound call not_connected with its result") {
  for (const char* result :
       {"busy", "rejected", "no_answer", "unreachable", "cancelled", "agent_unreachable"}) {
    CAPTURE(result);
    auto c = dialing();
    if (std::string{result} != "unreachable") c.step(cl::far_end_ringing{t0});
    then_events(c.step(cl::far_end_failed{result, t0 + 30 * sec}),
                {call_ended{"c1", call_outcome::not_connected, result, "", ""}});
    CHECK(cl::is_terminal(c.s));
    CHECK(to_wire(c.s.outcome) == "not_connected");
    then_rejected(c.when(cl::far_end_failed{result, t0 + 31 * sec}), "already_ended");
  }
}

TEST_CASE("call: far-end results are refused for an unknown result or a call not dialing out") {
  auto c = dialing();
  then_rejected(c.when(cl::far_end_failed{"", t0}), "invalid_argument");
  then_rejected(c.when(cl::far_end_failed{"congested", t0}), "invalid_argument");
  auto inbound = arrived();
  then_rejected(inbound.when(cl::far_end_ringing{t0}), "not_dialing");
  then_rejected(inbound.when(cl::far_end_failed{"busy", t0}), "not_dialing");
}

TEST_CASE("call: an outbound call whose trunk peer is down ends blocked, reason trunk_down") {
  auto c = dialing();
  then_rejected(c.when(cl::block{"pstn", t0, "flooded"}), "invalid_argument");
  then_events(c.step(cl::block{"pstn", t0, "trunk_down"}),
              {call_ended{"c1", call_outcome::blocked, "trunk_down", "", ""}});
}
