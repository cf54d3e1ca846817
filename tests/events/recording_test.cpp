// A call's recording (events/recording/recording.hpp): given what happened,
// when a command comes, then these events or this refusal; and the policy
// rule (events/recording/recording_policy.hpp).
#include <doctest/doctest.h>

#include "events/recording/recording.hpp"
#include "events/recording/recording_policy.hpp"

using namespace hotline::events;
namespace rec = hotline::events::recording;

namespace {

constexpr std::int64_t t0 = 1'700'000'000'000'000'000;
constexpr std::int64_t sec = 1'000'000'000;

/// The state after `cmds` (each accepted) at their own times.
struct subject {
  rec::state s = rec::initial_state("c1");
  std::vector<rec::event> step(const rec::command& c, std::int64_t at) {
    auto out = rec::decide(c, s);
    REQUIRE_MESSAGE(out.accepted(), (out.accepted() ? "" : out.error().code));
    for (const auto& e : out.events())
      s = rec::evolve(s, e, at);
    return out.events();
  }
  std::string refused(const rec::command& c) {
    auto out = rec::decide(c, s);
    return out.accepted() ? std::string{"accepted"} : out.error().code;
  }
};

rec::start start_cmd(std::int64_t at) {
  return rec::start{"sales", "a1", "/rec/c1.wav", "always", at};
}

} // namespace

TEST_CASE("recording: started, paused, resumed, stopped, with the offsets of each span") {
  subject r;
  auto started = r.step(start_cmd(t0), t0);
  REQUIRE(started.size() == 1);
  const auto& go = std::get<recording_started>(started[0]);
  CHECK(go.call_id == "c1");
  CHECK(go.queue == "sales");
  CHECK(go.agent_id == "a1");
  CHECK(go.file == "/rec/c1.wav");
  CHECK(go.policy == "always");
  CHECK(rec::is_active(r.s));
  auto paused = r.step(rec::pause{t0 + 10 * sec}, t0 + 10 * sec);
  CHECK(std::get<recording_paused>(paused.at(0)).offset_ms == 10'000);
  CHECK(r.s.at == rec::phase::paused);
  auto resumed = r.step(rec::resume{t0 + 14 * sec}, t0 + 14 * sec);
  CHECK(std::get<recording_resumed>(resumed.at(0)).offset_ms == 14'000);
  CHECK(std::get<recording_resumed>(resumed.at(0)).paused_ms == 4'000);
  auto stopped =
      r.step(rec::stop{"call_ended", 30'000, 480'044, "ab12", 2, "", t0 + 30 * sec}, t0 + 30 * sec);
  const auto& st = std::get<recording_stopped>(stopped.at(0));
  CHECK(st.file == "/rec/c1.wav");
  CHECK(st.reason == "call_ended");
  CHECK(st.duration_ms == 30'000);
  CHECK(st.bytes == 480'044);
  CHECK(st.sha256 == "ab12");
  CHECK(st.paused_ms == 4'000);
  CHECK(st.pauses == 1);
  CHECK(st.dropped_frames == 2);
  CHECK(rec::is_terminal(r.s));
}

TEST_CASE("recording: a stop while paused closes the open span") {
  subject r;
  r.step(start_cmd(t0), t0);
  r.step(rec::pause{t0 + 5 * sec}, t0 + 5 * sec);
  auto stopped =
      r.step(rec::stop{"leg_ended", 8'000, 128'044, "ff", 0, "", t0 + 8 * sec}, t0 + 8 * sec);
  CHECK(std::get<recording_stopped>(stopped.at(0)).paused_ms == 3'000);
  CHECK(std::get<recording_stopped>(stopped.at(0)).reason == "leg_ended");
}

TEST_CASE("recording: bad states are refused with their codes, and repeats are no-ops") {
  subject r;
  CHECK(r.refused(rec::pause{t0}) == "not_recorded");
  CHECK(r.refused(rec::resume{t0}) == "not_recorded");
  CHECK(r.refused(rec::stop{"call_ended", 0, 0, "", 0, "", t0}) == "not_recorded");
  CHECK(rec::decide(rec::start{"sales", "a1", "", "always", t0}, r.s).error().code ==
        "invalid_argument");
  r.step(start_cmd(t0), t0);
  CHECK(r.step(start_cmd(t0 + sec), t0 + sec).empty()); // a retried start
  CHECK(r.refused(rec::resume{t0 + sec}) == "not_paused");
  r.step(rec::pause{t0 + 2 * sec}, t0 + 2 * sec);
  CHECK(r.refused(rec::pause{t0 + 3 * sec}) == "already_paused");
  r.step(rec::stop{"call_ended", 4'000, 64'044, "00", 0, "", t0 + 4 * sec}, t0 + 4 * sec);
  CHECK(r.step(rec::stop{"call_ended", 4'000, 64'044, "00", 0, "", t0 + 5 * sec}, t0 + 5 * sec)
            .empty()); // reported twice: recorded once
  CHECK(r.refused(rec::pause{t0 + 6 * sec}) == "not_recorded");
  CHECK(r.refused(start_cmd(t0 + 6 * sec)) == "already_stopped");
}

TEST_CASE("recording: a file error is recorded as such") {
  subject r;
  r.step(start_cmd(t0), t0);
  auto stopped = r.step(
      rec::stop{"call_ended", 0, 0, "", 0, "/rec/c1.wav: Permission denied", t0 + sec}, t0 + sec);
  CHECK(std::get<recording_stopped>(stopped.at(0)).error == "/rec/c1.wav: Permission denied");
  CHECK(std::get<recording_stopped>(stopped.at(0)).sha256.empty());
}

TEST_CASE("recording: stream and file names") {
  CHECK(rec::stream_name("sip-L7") == "recording-sip-L7");
  CHECK(rec::file_name("sip-s1-42-L7") == "sip-s1-42-L7.wav");
  CHECK(rec::file_name("../../etc/passwd") == "_.._.._etc_passwd.wav"); // stays in its directory
  CHECK(rec::file_name("") == "_.wav");
}

TEST_CASE("recording policy: the queue's own wins, `tenant` takes the tenant's, else never") {
  queue_definition q;
  tenant_definition t;
  CHECK(rec::policy_for(nullptr, &t) == recording_policy::never); // no queue (outbound)
  CHECK(rec::policy_for(&q, nullptr) == recording_policy::never); // tenant unknown
  CHECK(rec::policy_for(&q, &t) == recording_policy::never);      // tenants default to never
  t.record = recording_policy::always;
  CHECK(rec::policy_for(&q, &t) == recording_policy::always);
  q.record = recording_policy::never;
  CHECK(rec::policy_for(&q, &t) == recording_policy::never);
  t.record = recording_policy::never;
  q.record = recording_policy::always;
  CHECK(rec::policy_for(&q, &t) == recording_policy::always);
  recording_policy p{};
  CHECK(parse_recording_policy("always", p));
  CHECK(p == recording_policy::always);
  CHECK_FALSE(parse_recording_policy("sometimes", p));
  CHECK(std::string{to_string(recording_policy::tenant)} == "tenant");
}
