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
