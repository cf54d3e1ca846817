// `hotline demo --sip-listen` (issue 22): a caller from sipp reaches the
// simulated center live; a simulated agent answers; the demo's agent
// account registers a phone with the SIP password the demo printed.
#include <doctest/doctest.h>

#include <csignal>
#include <map>
#include <sstream>

#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "tests/support/process.hpp"
#include "tests/support/udp_port.hpp"

using namespace hotline;
using namespace std::chrono_literals;
using hotline::test::free_media_port;
using hotline::test::free_udp_port;
using testing::child_process;
using testing::temp_dir;

namespace {

const std::string scenarios = std::string(HOTLINE_SOURCE_DIR) + "/tests/fixtures/sip/";

int sipp(std::vector<std::string> args) {
  std::vector<std::string> argv{"sipp"};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const char* a : {"-m", "1", "-timeout", "60s", "-timeout_error", "-nostdin"})
    argv.push_back(a);
  std::string out;
  const int rc = testing::run_capture(argv, out, 90s);
  if (rc != 0) MESSAGE("sipp exited " << rc << ":\n" << out);
  return rc;
}

} // namespace

TEST_CASE("hotline demo --sip-listen: a sipp caller reaches a simulated agent, a phone registers") {
  std::string out;
  REQUIRE_MESSAGE(testing::run_capture({"sh", "-c", "command -v sipp"}, out, 10s) == 0,
                  "sipp is not installed: apt-get install sip-tester");
  temp_dir dir;
  const int port = free_udp_port();
  const auto listen = "127.0.0.1:" + std::to_string(port);
  child_process demo{{"sh", "-c", "exec \"$0\" \"$@\" 2>&1", HOTLINE_BIN, "demo", "--sip-listen",
                      listen, "--dir", dir.path() + "/demo"}};
  std::string number, sip_password, log;
  for (int i = 0; i < 60; ++i) {
    auto line = demo.read_line(60s);
    REQUIRE_MESSAGE(line.has_value(), "the demo stopped before its ACD came up:\n" << log);
    log += *line + "\n";
    if (auto at = line->find("): call "); at != std::string::npos && number.empty()) {
      number = line->substr(at + 8);
      number = number.substr(0, number.find(','));
    }
    if (auto at = line->find("SIP password "); at != std::string::npos)
      sip_password = line->substr(at + 13);
    if (line->find("ACD up") != std::string::npos) break;
  }
  REQUIRE_MESSAGE(!number.empty(), log);
  REQUIRE_MESSAGE(sip_password.size() == 20, log);
  CHECK(log.find("SIP on " + listen) != std::string::npos);
  // Waiting callers hear their position in the words of Debian's Asterisk pack.
  CHECK_MESSAGE(log.find("announcements /usr/share/asterisk/sounds/en") != std::string::npos, log);

  // The demo's agent account registers its softphone with the printed password.
  CHECK(sipp({"-sf", scenarios + "phone_registers.xml", "-s", "agent", "-au", "agent", "-ap",
              sip_password, listen, "-i", "127.0.0.1", "-p", std::to_string(free_udp_port())}) ==
        0);
  // A caller on this machine dials the first number: music while queued,
  // then a simulated agent answers; the caller hangs up after a second.
  CHECK(sipp({"-sf", scenarios + "caller_hangs_up.xml", "-s", number, listen, "-i", "127.0.0.1",
              "-p", std::to_string(free_udp_port()), "-mp", std::to_string(free_media_port())}) ==
        0);
  demo.signal(SIGINT);
  CHECK(demo.wait() == 0);

  // The store: the SIP call completed with an agent of the simulated day,
  // and the phone's registration for the demo's agent.
  auto opened = drivers::rocksdb_event_store::open(dir.path() + "/demo/store");
  REQUIRE(opened);
  auto all = (*opened)->read_all(1, SIZE_MAX);
  REQUIRE(all);
  const auto& codec = events::event_codec::standard();
  std::string outcome, agent, registered;
  for (const auto& e : *all) {
    auto p = codec.decode(e);
    REQUIRE(p);
    if (auto* c = std::get_if<events::call_ended>(&*p); c && c->call_id.rfind("sip-", 0) == 0) {
      outcome = std::string{events::to_wire(c->outcome)};
      agent = c->agent_id;
    }
    if (auto* r = std::get_if<events::phone_registered>(&*p)) registered = r->agent_id;
  }
  CHECK(outcome == "completed");
  CHECK(!agent.empty());
  CHECK(agent != registered); // a simulated agent, not the person's
  CHECK(!registered.empty());
}
