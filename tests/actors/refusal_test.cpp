// Refusals between actors (actors/refusal.hpp): the code travels typed in
// the error and is read back as it was sent, through a request's reply.
#include <doctest/doctest.h>

#include <chrono>

#include <caf/all.hpp>

#include "actors/refusal.hpp"

using hotline::actors::refusal;
using hotline::actors::refusal_code;

namespace {
struct quiet_config : caf::actor_system_config {
  quiet_config() {
    set("scheduler.max-threads", 2);
    set("logger.console-verbosity", caf::atom("quiet"));
  }
};
} // namespace

TEST_CASE("refusal: a refusal's code reads back, other errors carry none") {
  CHECK(refusal_code(refusal("queue_full")) == "queue_full");
  CHECK(refusal_code(refusal("")).empty());
  CHECK(refusal_code(caf::make_error(caf::sec::request_timeout)).empty());
  CHECK(refusal_code(caf::make_error(caf::sec::runtime_error)).empty()); // no code in it
  CHECK(refusal_code(caf::error{}).empty());
}

TEST_CASE("refusal: the code arrives as sent through a request's error reply") {
  quiet_config cfg;
  caf::actor_system sys{cfg};
  auto queue = sys.spawn([]() -> caf::behavior {
    return {[](caf::get_atom) -> caf::result<int> { return refusal("local_calls_waiting"); }};
  });
  caf::scoped_actor self{sys};
  std::string code = "none";
  self->request(queue, std::chrono::seconds(10), caf::get_atom::value)
      .receive([&](int) { code = "answered"; }, [&](caf::error& e) { code = refusal_code(e); });
  CHECK(code == "local_calls_waiting");
  caf::anon_send_exit(queue, caf::exit_reason::user_shutdown);
}
