// The voicemail box (drivers/api/voicemail_box.hpp) over the in-memory
// store: a message left by the telephony side is listed by mailbox, its
// file checked against the SHA-256 recorded, every play and the handling
// recorded on the message's stream, and a node that restarts finds them
// all again (recover folds the same state).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "actors/ports/memory_event_store.hpp"
#include "drivers/api/voicemail_box.hpp"
#include "drivers/sip/voicemail_recorder.hpp"
#include "events/codec.hpp"
#include "projections/kpi/kpi_projection.hpp"
#include "projections/kpi/kpi_report.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using drivers::api::voicemail_box;
using drivers::api::voicemail_entry;
namespace vm = events::voicemail;

namespace {

vm::leave recorded(const std::string& dir, const std::string& id, const std::string& mailbox) {
  drivers::sip::voicemail_recorder rec(drivers::sip::voicemail_recorder::path_for(dir, id));
  const auto beep = drivers::sip::voicemail_recorder::beep(500);
  rec.append(beep.data(), beep.size());
  auto done = rec.finish();
  REQUIRE(done.error.empty());
  return {"call-" + id, "+8613800000000", mailbox,    "acme",
          done.path,    done.duration_ms, done.sha256};
}

const auto system_author = events::principal::system("ivr");

/// Call `call_id` (the one that left a message) ends `outcome` with `agent`:
/// appended to its stream as the call actor does; its position.
std::uint64_t end_call(ports::event_store& store, const std::string& call_id,
                       events::call_outcome outcome, const std::string& agent, std::int64_t at_ns) {
  const events::event_meta meta{events::event_id::from_name("ended/" + call_id),
                                "sh",
                                "acme",
                                at_ns,
                                events::event_id::from_name("correlation/" + call_id),
                                events::event_id::from_name("hang_up/" + call_id),
                                events::principal::agent(agent)};
  auto appended = store.append(
      "call-" + call_id, ports::expected_revision::any(),
      {events::event_codec::standard().propose(
          events::event{events::call_ended{call_id, outcome, "agent_hangup", agent, "billing"}},
          meta)});
  REQUIRE(appended);
  return appended->first_position;
}

/// Message `id` left by call `call_id` (its call back) in mailbox billing.
void leave(voicemail_box& box, const std::string& dir, const std::string& id,
           const std::string& call_id, std::int64_t at_ns) {
  auto cmd = recorded(dir, id, "billing");
  cmd.call_id = call_id;
  REQUIRE(std::holds_alternative<voicemail_entry>(box.execute(id, cmd, system_author, at_ns)));
}

std::vector<events::recorded_event> all_events(const ports::event_store& store) {
  auto all = store.read_all(1, SIZE_MAX);
  REQUIRE(all);
  return *all;
}

std::size_t events_of(const ports::event_store& store, const std::string& id) {
  auto stream = store.read_stream(vm::stream_name(id), 0, SIZE_MAX);
  REQUIRE(stream);
  return stream->size();
}

} // namespace

TEST_CASE(
    "voicemail box: left, listed by mailbox, played, handled, and found again after a restart") {
  testing::temp_dir dir;
  ports::memory_event_store store;
  voicemail_box box(store, "sh");
  REQUIRE(std::holds_alternative<voicemail_entry>(
      box.execute("m1", recorded(dir.path(), "m1", "billing"), system_author, 1'000)));
  REQUIRE(std::holds_alternative<voicemail_entry>(
      box.execute("m2", recorded(dir.path(), "m2", "sales"), system_author, 2'000)));
  CHECK(box.list("acme", "billing").size() == 1);
  CHECK(box.list("acme", "").size() == 2);
  CHECK(box.list("globex", "").empty());
  auto m1 = *box.find("m1");
  CHECK(voicemail_box::verify_file(m1).empty());
  CHECK(m1.s.left.duration_ms == 500);

  auto heard = box.execute("m1", vm::listen{"sue"}, events::principal::user("sue"), 3'000);
  REQUIRE(std::holds_alternative<voicemail_entry>(heard));
  CHECK(std::get<voicemail_entry>(heard).s.listens == 1);
  auto handled = box.execute("m1", vm::handle{"sue", "called_back", "ok"},
                             events::principal::user("sue"), 4'000);
  REQUIRE(std::holds_alternative<voicemail_entry>(handled));
  auto twice =
      box.execute("m1", vm::handle{"ann", "resolved", ""}, events::principal::user("ann"), 5'000);
  REQUIRE(std::holds_alternative<events::rejection>(twice));
  CHECK(std::get<events::rejection>(twice).code == "already_handled");
  auto missing = box.execute("m9", vm::listen{"sue"}, events::principal::user("sue"), 5'000);
  CHECK(std::get<events::rejection>(missing).code == "not_found");

  auto stream = store.read_stream(vm::stream_name("m1"), 0, 100);
  REQUIRE(stream);
  CHECK(stream->size() == 3); // left, listened, handled

  voicemail_box restarted(store, "sh");
  REQUIRE(restarted.recover());
  auto again = restarted.find("m1");
  REQUIRE(again);
  const auto before = box.find("m1")->s;
  CHECK(again->s.at == before.at);
  CHECK(again->s.listens == before.listens);
  CHECK(again->s.handled_by == "sue");
  CHECK(again->s.left.sha256 == before.left.sha256);
  CHECK(again->s.left.file == before.left.file);
  CHECK(again->left_at_ns == 1'000);
  CHECK(restarted.list("acme", "").size() == 2);
}

TEST_CASE("voicemail box: a file changed after it was left is refused before anyone hears it") {
  testing::temp_dir dir;
  ports::memory_event_store store;
  voicemail_box box(store, "sh");
  auto leave = recorded(dir.path(), "m1", "billing");
  REQUIRE(std::holds_alternative<voicemail_entry>(box.execute("m1", leave, system_author, 1)));
  {
    std::ofstream out(leave.file, std::ios::binary | std::ios::app);
    out << "tampered";
  }
  const auto why = voicemail_box::verify_file(*box.find("m1"));
  CHECK(why.starts_with("the recording " + leave.file + " changed since it was left (SHA-256 "));
  std::filesystem::remove(leave.file);
  CHECK(voicemail_box::verify_file(*box.find("m1")) ==
        "the recording " + leave.file + " cannot be read");
}

TEST_CASE("voicemail box: a completed call back marks its message handled by the agent who called "
          "back, a failed one leaves it open, one marked by hand is not marked twice") {
  testing::temp_dir dir;
  ports::memory_event_store store;
  voicemail_box box(store, "sh");
  leave(box, dir.path(), "m1", "c1", 1'000);
  leave(box, dir.path(), "m2", "c2", 2'000);
  leave(box, dir.path(), "m3", "c3", 3'000);
  REQUIRE(std::holds_alternative<voicemail_entry>(
      box.execute("m3", vm::handle{"sue", "resolved", "sorted by mail"},
                  events::principal::user("sue"), 4'000)));
  end_call(store, "c1", events::call_outcome::callback_completed, "a1", 5'000);
  end_call(store, "c2", events::call_outcome::callback_failed, "", 6'000);
  end_call(store, "c3", events::call_outcome::callback_completed, "a2", 7'000);
  for (const auto& rec : all_events(store))
    box.observe(rec);

  const auto m1 = *box.find("m1");
  CHECK(m1.s.at == vm::phase::handled);
  CHECK(m1.s.handled_by == "a1");
  CHECK(m1.s.handled_how == "called_back");
  auto stream = store.read_stream(vm::stream_name("m1"), 0, SIZE_MAX);
  REQUIRE(stream);
  REQUIRE(stream->size() == 2);
  const auto& mark = stream->back();
  CHECK(mark.type == "voicemail.handled");
  CHECK(mark.meta.caused_by == events::principal::agent("a1"));
  CHECK(mark.meta.timestamp_ns == 5'000); // when the call back completed
  auto decoded = events::event_codec::standard().decode(mark);
  REQUIRE(decoded);
  CHECK(std::get<events::voicemail_handled>(*decoded).note == "the call back c1 completed");

  CHECK(box.find("m2")->s.at == vm::phase::fresh); // callback_failed: still to do
  CHECK(box.find("m3")->s.handled_by == "sue");    // marked by hand first
  CHECK(events_of(store, "m3") == 2);

  for (const auto& rec : all_events(store)) // the same call ends again: nothing more
    box.observe(rec);
  CHECK(events_of(store, "m1") == 2);

  voicemail_box restarted(store, "sh"); // a replay of the store marks nothing twice
  REQUIRE(restarted.recover());
  CHECK(restarted.find("m1")->s.handled_by == "a1");
  CHECK(restarted.find("m2")->s.at == vm::phase::fresh);
  CHECK(events_of(store, "m1") == 2);
  CHECK(events_of(store, "m2") == 1);
  CHECK(events_of(store, "m3") == 2);

  projections::kpi::kpi_projection kpi; // the KPI fold sees the mark
  for (const auto& rec : all_events(store))
    REQUIRE(kpi.apply(rec).is_ok());
  auto report = projections::kpi::build_report(kpi);
  CHECK(report["totals"]["voicemails_left"] == 3);
  CHECK(report["totals"]["voicemails_handled"] == 2); // m1 by its call back, m3 by hand
}

TEST_CASE("voicemail box: a call back that completed while no box ran is marked at recovery, "
          "once") {
  testing::temp_dir dir;
  ports::memory_event_store store;
  {
    voicemail_box box(store, "sh");
    leave(box, dir.path(), "m1", "c1", 1'000);
  }
  end_call(store, "c1", events::call_outcome::callback_completed, "a1", 5'000);
  voicemail_box restarted(store, "sh");
  REQUIRE(restarted.recover());
  CHECK(restarted.find("m1")->s.handled_by == "a1");
  CHECK(restarted.find("m1")->s.handled_how == "called_back");
  CHECK(events_of(store, "m1") == 2);
  voicemail_box again(store, "sh");
  REQUIRE(again.recover());
  CHECK(again.find("m1")->s.handled_by == "a1");
  CHECK(events_of(store, "m1") == 2);
}

TEST_CASE("voicemail box: watching the store, a call back completing marks its message") {
  testing::temp_dir dir;
  ports::memory_event_store store;
  voicemail_box box(store, "sh");
  REQUIRE(box.recover());
  box.watch();
  leave(box, dir.path(), "m1", "c1", 1'000);
  const auto ended = end_call(store, "c1", events::call_outcome::callback_completed, "a1", 5'000);
  // The mark is the next event the store commits (the box is its only
  // other writer); wait for it, then read it.
  REQUIRE(store.wait_for_append(ended, std::chrono::seconds(30)) > ended);
  auto stream = store.read_stream(vm::stream_name("m1"), 0, SIZE_MAX);
  REQUIRE(stream);
  REQUIRE(stream->size() == 2);
  CHECK(stream->back().type == "voicemail.handled");
  CHECK(stream->back().meta.caused_by == events::principal::agent("a1"));
}
