// The load client of `hotline bench api` (bench/ws_load.hpp) against the
// baseline echo server (bench/ws_echo.hpp): sessions open, messages and
// latencies are counted, and failures say why.
#include <doctest/doctest.h>

#include <thread>

#include "bench/ws_echo.hpp"
#include "bench/ws_load.hpp"

namespace bench = hotline::bench;
namespace api = hotline::drivers::api;
using namespace std::chrono_literals;

namespace {
/// Polls `f` until it holds or 5 s pass.
template <class F> bool eventually(F f) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!f() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  return f();
}

std::unique_ptr<bench::ws_echo_server> echo_server() {
  api::server_options o;
  o.listen = "127.0.0.1:0";
  auto s = bench::ws_echo_server::start(o);
  if (auto* e = std::get_if<std::string>(&s)) FAIL("echo server: " << *e);
  return std::move(std::get<std::unique_ptr<bench::ws_echo_server>>(s));
}
} // namespace

TEST_CASE("ws load: the latency histogram's percentiles and the t field") {
  bench::latency_histogram h;
  CHECK(h.percentile_ms(0.99) == 0);
  for (int i = 0; i < 99; ++i)
    h.add(1ms);
  h.add(50ms);
  CHECK(h.count() == 100);
  CHECK(h.percentile_ms(0.5) == doctest::Approx(1.01));
  CHECK(h.percentile_ms(0.99) == doctest::Approx(1.01));
  CHECK(h.percentile_ms(1.0) == doctest::Approx(50.01));
  CHECK(h.max_ms() == doctest::Approx(50.0));
  h.add(-5ms); // a clock skew never goes below 0
  CHECK(h.percentile_ms(0.0) == doctest::Approx(0.01));
  h.clear();
  CHECK(h.count() == 0);

  CHECK(bench::message_time_ns(R"({"seq":1,"t":123})") == 123);
  CHECK(bench::message_time_ns(R"({"t": 5,"x":2})") == 5);
  CHECK_FALSE(bench::message_time_ns(R"({"x":1})").has_value());
  CHECK_FALSE(bench::message_time_ns(R"({"t":"soon"})").has_value());
  CHECK(bench::raise_fd_limit() >= 1024);
}

TEST_CASE("ws load: round trips through the echo server are all counted") {
  auto server = echo_server();
  bench::ws_load_stats s;
  REQUIRE_MESSAGE(bench::measure_echo_round_trip(server->url(), 20, 10, 20s, s), s.first_error);
  CHECK(s.sessions_open == 20);
  CHECK(s.messages == 200);
  CHECK(s.latency_samples == 200);
  CHECK(s.messages_without_t == 0);
  CHECK(s.p50_ms > 0);
  CHECK(s.p99_ms >= s.p50_ms);
  CHECK(s.max_ms < 20'000);
}

TEST_CASE("ws load: sessions send and count, with and without a t field") {
  auto server = echo_server();
  bench::ws_load_options o;
  o.url = server->url();
  o.target = "/feed?x=1";
  o.sessions = 50;
  o.max_connecting = 8;
  o.headers = {{"Cookie", "sid=bench"}};
  bench::ws_load load{o};
  const auto c = load.connect();
  CHECK(c.sessions_open == 50);
  CHECK(c.sessions_failed == 0);
  // The server counts a WebSocket once its 101 is written, just after the client sees it.
  CHECK(eventually([&] { return server->server().stats().websockets_open == 50; }));
  for (std::size_t i = 0; i < 50; ++i) {
    CHECK(load.send(i, R"({"t":)" + std::to_string(bench::steady_now_ns()) + "}"));
    CHECK(load.send(i, "no time here"));
  }
  CHECK_FALSE(load.send(50, "out of range"));
  CHECK(load.wait_for_messages(100, 10s));
  const auto s = load.stats(true);
  CHECK(s.messages == 100);
  CHECK(s.messages_without_t == 50);
  CHECK(s.latency_samples == 50);
  CHECK(load.stats().messages == 0);
  load.close();
  CHECK(load.stats().sessions_open == 0);
}

TEST_CASE("ws load: a bad URL or a closed port fails every session, saying why") {
  bench::ws_load_options o;
  o.url = "ftp://127.0.0.1:1";
  o.sessions = 3;
  auto bad = bench::ws_load{o}.connect();
  CHECK(bad.sessions_failed == 3);
  CHECK(bad.first_error.find("does not start with http://") != std::string::npos);

  std::string closed_url;
  {
    auto server = echo_server();
    closed_url = server->url();
  }
  o.url = closed_url;
  o.connect_timeout = 5s;
  auto refused = bench::ws_load{o}.connect();
  CHECK(refused.sessions_open == 0);
  CHECK(refused.sessions_failed == 3);
  CHECK(refused.first_error.find("connect: ") == 0);

  o.sessions = 0;
  CHECK(bench::ws_load{o}.connect().first_error.find("sessions: 0") == 0);
}
