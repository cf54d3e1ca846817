// The HTTP/1.1 + WebSocket transport (drivers/api/http_server.hpp) over real
// sockets on 127.0.0.1 (port 0), with the Beast test client
// (tests/support/http_client.hpp) and a tiny handler: what a client sees for
// good requests, bad bytes, slow and greedy peers, WebSockets, TLS.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "drivers/api/http_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace api = hotline::drivers::api;
namespace test = hotline::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

/// Polls `f` until it holds or 5 s pass.
template <class F> bool eventually(F f) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return f();
}

/// A WebSocket handler that echoes every message and records what happened.
struct echo_ws : api::ws_handler {
  std::mutex m;
  std::shared_ptr<api::ws_connection> conn;
  std::vector<std::string> messages;
  std::atomic<int> opens{0}, closes{0}, overflows{0};
  bool echo = true;

  void on_open(std::shared_ptr<api::ws_connection> c) override {
    std::lock_guard lock{m};
    conn = std::move(c);
    ++opens;
  }
  void on_message(std::string text) override {
    std::lock_guard lock{m};
    messages.push_back(text);
    if (echo) conn->send("echo:" + text);
  }
  void on_overflow() override { ++overflows; }
  void on_close() override { ++closes; }
  std::shared_ptr<api::ws_connection> connection() {
    std::lock_guard lock{m};
    return conn;
  }
};

/// Routes by path; answers with what it saw as JSON.
struct test_handler : api::request_handler {
  std::mutex m;
  std::vector<api::reply_fn> held; // "/hold": never answered (until the test says)
  std::vector<std::thread> later;
  std::shared_ptr<echo_ws> ws = std::make_shared<echo_ws>();
  std::atomic<int> upgrades{0};

  ~test_handler() override {
    for (auto& t : later)
      t.join();
  }

  static api::http_response seen(const api::http_request& r) {
    json j;
    j["method"] = r.method;
    j["target"] = r.target;
    j["path"] = r.path;
    j["query"] = r.query;
    j["headers"] = r.headers;
    j["body"] = r.body;
    j["remote"] = r.remote;
    j["tls"] = r.tls;
    j["sid"] = r.cookie("sid");
    j["agent"] = r.header("x-agent");
    return {200, "application/json", {}, j.dump()};
  }

  void on_request(api::http_request r, api::reply_fn reply) override {
    if (r.path == "/hold") {
      std::lock_guard lock{m};
      held.push_back(std::move(reply));
      return;
    }
    if (r.path == "/drop") return; // reply destroyed without a call
    if (r.path == "/throw") throw std::runtime_error("boom");
    if (r.path == "/later") {
      std::lock_guard lock{m};
      later.emplace_back([reply, r] {
        std::this_thread::sleep_for(20ms);
        reply(seen(r));
      });
      return;
    }
    if (r.path == "/twice") {
      reply({201, "text/plain", {}, "first"});
      reply({202, "text/plain", {}, "second"});
      return;
    }
    if (r.path == "/inject") {
      reply({200, "text/plain", {{"X-Evil", "a\r\nSet-Cookie: evil=1"}}, "x"});
      return;
    }
    if (r.path == "/status") {
      reply({std::stoi(r.query.at("code")), "text/plain", {}, "body"});
      return;
    }
    if (r.path == "/cookies") {
      reply({200,
             "text/plain",
             {{"Set-Cookie", "sid=1; HttpOnly; SameSite=Strict"},
              {"Set-Cookie", "theme=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT"},
              {"Cache-Control", "max-age=60"}},
             "ok"});
      return;
    }
    if (r.path == "/close") {
      reply({200, "text/plain", {{"Connection", "close"}}, "bye"});
      return;
    }
    reply(seen(r));
  }

  std::shared_ptr<api::ws_handler> on_upgrade(const api::http_request& r,
                                              api::http_response& refusal) override {
    ++upgrades;
    if (r.path == "/ws") return ws;
    if (r.path == "/ws-throw") throw std::runtime_error("upgrade boom");
    if (r.path == "/ws-ok-status") {
      refusal.status = 200; // a refusal cannot be a success
      return nullptr;
    }
    refusal.status = 401;
    refusal.body = R"({"error":"unauthorized"})";
    return nullptr;
  }
};

api::server_options loopback() {
  api::server_options o;
  o.listen = "127.0.0.1:0";
  return o;
}

std::unique_ptr<api::http_server> start(api::server_options o, api::request_handler& h) {
  auto s = api::http_server::start(std::move(o), h);
  if (auto* e = std::get_if<std::string>(&s)) FAIL("start: " << *e);
  return std::move(std::get<std::unique_ptr<api::http_server>>(s));
}

std::string start_error(api::server_options o, api::request_handler& h) {
  auto s = api::http_server::start(std::move(o), h);
  if (auto* e = std::get_if<std::string>(&s)) return *e;
  return "(started)";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("http server: method, path, query, headers, cookies and body reach the handler") {
  test_handler h;
  auto server = start(loopback(), h);
  CHECK(server->url() == "http://127.0.0.1:" + std::to_string(server->port()));

  const auto r =
      test::request(server->url(), "POST", "/api/a%20b?x=1&y=caf%C3%A9&z=a+b", R"({"k":1})",
                    {{"X-Agent", "a1"},
                     {"Cookie", "sid=s3cr3t; lang=zh"},
                     {"X-Multi", "one"},
                     {"X-Multi", "two"},
                     {"Content-Type", "application/json"}});
  REQUIRE(r.status == 200);
  const auto j = json::parse(r.body);
  CHECK(j["method"] == "POST");
  CHECK(j["target"] == "/api/a%20b?x=1&y=caf%C3%A9&z=a+b");
  CHECK(j["path"] == "/api/a b");
  CHECK(j["query"]["x"] == "1");
  CHECK(j["query"]["y"] == "caf\xc3\xa9");
  CHECK(j["query"]["z"] == "a b");
  CHECK(j["headers"]["x-multi"] == "one, two");
  CHECK(j["headers"]["content-type"] == "application/json");
  CHECK(j["sid"] == "s3cr3t");
  CHECK(j["agent"] == "a1");
  CHECK(j["body"] == R"({"k":1})");
  CHECK(j["tls"] == false);
  CHECK(contains(j["remote"].get<std::string>(), "127.0.0.1:"));

  // What the server adds to every response, and what it never adds.
  CHECK(r.header("content-length") == std::to_string(r.body.size()));
  CHECK(r.header("cache-control") == "no-store");
  CHECK(r.header("x-content-type-options") == "nosniff");
  CHECK(r.header("referrer-policy") == "no-referrer");
  const auto cross =
      test::request(server->url(), "GET", "/x", {}, {{"Origin", "https://evil.example"}});
  for (const auto& [name, value] : cross.headers)
    CHECK_FALSE(name.rfind("access-control-", 0) == 0);

  // The path is decoded, not normalised: routes match it exactly.
  CHECK(json::parse(test::request(server->url(), "GET", "/a/../b%2Fc").body)["path"] ==
        "/a/../b/c");

  // Other methods arrive as sent; HEAD gets the length and no body.
  CHECK(json::parse(test::request(server->url(), "DELETE", "/thing/7").body)["method"] == "DELETE");
  const auto get = test::request(server->url(), "GET", "/cookies");
  const auto head = test::request(server->url(), "HEAD", "/cookies");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.header("content-length") == std::to_string(get.body.size()));

  // Repeated Set-Cookie stays whole; a handler's Cache-Control is kept.
  const auto c = test::request(server->url(), "GET", "/cookies");
  CHECK(c.header("set-cookie") == "sid=1; HttpOnly; SameSite=Strict\n"
                                  "theme=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT");
  CHECK(c.header("cache-control") == "max-age=60");
  CHECK(c.header("content-type") == "text/plain");
  CHECK(server->stats().requests == 7);
}

TEST_CASE("http server: keep-alive serves two requests on one connection") {
  test_handler h;
  auto server = start(loopback(), h);
  test::http_connection c;
  c.connect(server->url());
  const auto a = c.request("GET", "/one");
  const auto b = c.request("POST", "/two", "body");
  CHECK(a.status == 200);
  CHECK(b.status == 200);
  CHECK_FALSE(c.closed());
  CHECK(json::parse(a.body)["remote"] == json::parse(b.body)["remote"]);
  CHECK(server->stats().connections_accepted == 1);
  CHECK(server->stats().connections_open == 1);

  // "Connection: close" from the handler ends it.
  CHECK(c.request("GET", "/close").body == "bye");
  CHECK(c.closed());
  CHECK(eventually([&] { return server->stats().connections_open == 0; }));
}

TEST_CASE("http server: a body over the limit is 413 naming the limit, at the limit is served") {
  test_handler h;
  auto o = loopback();
  o.max_body_bytes = 1000;
  auto server = start(o, h);
  CHECK(test::request(server->url(), "POST", "/b", std::string(1000, 'x')).status == 200);
  const auto r = test::request(server->url(), "POST", "/b", std::string(1001, 'x'));
  CHECK(r.status == 413);
  const auto j = json::parse(r.body);
  CHECK(j["error"] == "body_too_large");
  CHECK(contains(j["detail"], "limit of 1000 bytes"));
  CHECK(r.header("connection") == "close");

  // Chunked: the limit holds while the body streams in.
  const auto chunked = test::raw_exchange(
      "127.0.0.1", server->port(),
      "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3e8\r\n" +
          std::string(1000, 'y') + "\r\n10\r\n" + std::string(16, 'z') + "\r\n0\r\n\r\n");
  CHECK(chunked.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(server->stats().rejected_too_large == 2);
}

TEST_CASE("http server: headers over the limit are 431") {
  test_handler h;
  auto o = loopback();
  o.max_header_bytes = 2048;
  auto server = start(o, h);
  CHECK(test::request(server->url(), "GET", "/h", {}, {{"X-Big", std::string(1500, 'a')}}).status ==
        200);
  const auto r = test::request(server->url(), "GET", "/h", {}, {{"X-Big", std::string(4000, 'a')}});
  CHECK(r.status == 431);
  CHECK(json::parse(r.body)["error"] == "header_too_large");
  CHECK(server->stats().rejected_too_large == 1);
}

TEST_CASE("http server: malformed bytes get 400 and the server still serves") {
  test_handler h;
  auto server = start(loopback(), h);
  const std::vector<std::string> garbage = {
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", // a TLS hello to a plain port
      "GET\r\n\r\n",
      "GET / HTTP/1.1\r\nHost x\r\n\r\n",
      "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "GET / HTTP/1.1\r\n\r\n",                            // no Host
      "GET http://elsewhere/ HTTP/1.1\r\nHost: x\r\n\r\n", // not origin form
      "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /?q=%0 HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  for (const auto& bytes : garbage) {
    CAPTURE(bytes);
    const auto out = test::raw_exchange("127.0.0.1", server->port(), bytes);
    CHECK(out.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(contains(out, R"("error":"malformed_request")"));
    CHECK(contains(out, "Connection: close"));
  }
  CHECK(server->stats().rejected_malformed == garbage.size());

  // Random bytes never crash it; whatever comes back is a 400 or nothing.
  std::mt19937 rng{21};
  for (int i = 0; i < 50; ++i) {
    std::string bytes(1 + rng() % 300, '\0');
    for (auto& b : bytes)
      b = static_cast<char>(rng());
    bytes += "\r\n\r\n";
    const auto out = test::raw_exchange("127.0.0.1", server->port(), bytes, 2s);
    CHECK((out.empty() || out.rfind("HTTP/1.1 400", 0) == 0));
  }
  CHECK(test::request(server->url(), "GET", "/still-here").status == 200);
  CHECK(h.upgrades == 0);
}

TEST_CASE("http server: HTTP/1.0, Expect 100-continue and pipelined requests") {
  test_handler h;
  auto server = start(loopback(), h);
  const auto old = test::raw_exchange("127.0.0.1", server->port(), "GET /old HTTP/1.0\r\n\r\n");
  CHECK(old.rfind("HTTP/1.0 200", 0) == 0);
  CHECK(contains(old, R"("path":"/old")"));

  const auto expect = test::raw_exchange(
      "127.0.0.1", server->port(),
      "POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n"
      "Connection: close\r\n\r\nbody");
  CHECK(expect.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200", 0) == 0);
  CHECK(contains(expect, R"("body":"body")"));

  const auto two = test::raw_exchange("127.0.0.1", server->port(),
                                      "GET /p1 HTTP/1.1\r\nHost: x\r\n\r\n"
                                      "GET /p2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto first = two.find(R"("path":"/p1")"), second = two.find(R"("path":"/p2")");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(first < second);
}

TEST_CASE("http server: a request that stalls is closed after read_timeout") {
  test_handler h;
  auto o = loopback();
  o.read_timeout = 300ms;
  auto server = start(o, h);

  auto t0 = std::chrono::steady_clock::now();
  const auto partial =
      test::raw_exchange("127.0.0.1", server->port(), "GET /slow HTTP/1.1\r\nHost: x\r\n", 5s);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(partial.rfind("HTTP/1.1 408", 0) == 0);
  CHECK(contains(partial, "request_timeout"));
  CHECK(took < 3s);

  // A body that never completes, too.
  const auto body =
      test::raw_exchange("127.0.0.1", server->port(),
                         "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", 5s);
  CHECK(body.rfind("HTTP/1.1 408", 0) == 0);

  // Nothing at all: closed without a word.
  t0 = std::chrono::steady_clock::now();
  CHECK(test::raw_exchange("127.0.0.1", server->port(), "", 5s).empty());
  CHECK(std::chrono::steady_clock::now() - t0 < 3s);
  CHECK(server->stats().timeouts == 2);
  CHECK(test::request(server->url(), "GET", "/ok").status == 200);
}

TEST_CASE("http server: an idle keep-alive connection closes after idle_timeout") {
  test_handler h;
  auto o = loopback();
  o.idle_timeout = 200ms;
  auto server = start(o, h);
  test::http_connection c;
  c.connect(server->url());
  CHECK(c.request("GET", "/a").status == 200);
  CHECK(eventually([&] { return server->stats().connections_open == 0; }));
  CHECK_THROWS_AS(c.request("GET", "/b"), std::runtime_error);
}

TEST_CASE("http server: replies from other threads, dropped, late, twice, invalid or thrown") {
  test_handler h;
  auto o = loopback();
  o.reply_timeout = 300ms;
  auto server = start(o, h);
  const auto url = server->url();

  CHECK(json::parse(test::request(url, "GET", "/later?n=1").body)["query"]["n"] == "1");

  const auto dropped = test::request(url, "GET", "/drop");
  CHECK(dropped.status == 500);
  CHECK(json::parse(dropped.body)["error"] == "internal_error");

  const auto thrown = test::request(url, "GET", "/throw");
  CHECK(thrown.status == 500);
  CHECK(contains(thrown.body, "boom"));

  const auto twice = test::request(url, "GET", "/twice");
  CHECK(twice.status == 201);
  CHECK(twice.body == "first");

  const auto injected = test::request(url, "GET", "/inject");
  CHECK(injected.status == 500);
  CHECK(injected.header("set-cookie").empty());
  CHECK(injected.header("x-evil").empty());
  CHECK(test::request(url, "GET", "/status?code=99").status == 500);
  CHECK(test::request(url, "GET", "/status?code=600").status == 500);
  const auto no_content = test::request(url, "GET", "/status?code=204");
  CHECK(no_content.status == 204);
  CHECK(no_content.body.empty());
  CHECK(test::request(url, "GET", "/status?code=418").status == 418);

  // Never answered: 504 after reply_timeout; the late reply is then ignored.
  const auto t0 = std::chrono::steady_clock::now();
  const auto held = test::request(url, "GET", "/hold");
  CHECK(held.status == 504);
  CHECK(json::parse(held.body)["error"] == "reply_timeout");
  CHECK(std::chrono::steady_clock::now() - t0 < 3s);
  {
    std::lock_guard lock{h.m};
    REQUIRE(h.held.size() == 1);
    h.held[0]({200, "text/plain", {}, "too late"});
  }
  CHECK(server->stats().timeouts == 1);
  CHECK(test::request(url, "GET", "/fine").status == 200);
}

TEST_CASE("http server: a request held by the handler is closed at stop, its reply then ignored") {
  test_handler h;
  auto server = start(loopback(), h);
  std::atomic<bool> failed{false};
  std::thread client{[&] {
    try {
      test::request(server->url(), "GET", "/hold");
    } catch (const std::runtime_error&) {
      failed = true;
    }
  }};
  REQUIRE(eventually([&] {
    std::lock_guard lock{h.m};
    return h.held.size() == 1;
  }));
  server->stop();
  client.join();
  CHECK(failed);
  server->stop(); // idempotent
  std::lock_guard lock{h.m};
  h.held[0]({200, "text/plain", {}, "after stop"}); // harmless
  server.reset();
  h.held[0]({200, "text/plain", {}, "after destruction"}); // harmless too
}

TEST_CASE("http server: over max_connections a connection gets 503 and is closed") {
  test_handler h;
  auto o = loopback();
  o.max_connections = 2;
  auto server = start(o, h);
  auto a = std::make_unique<test::http_connection>();
  test::http_connection b;
  a->connect(server->url());
  b.connect(server->url());
  CHECK(a->request("GET", "/a").status == 200);
  CHECK(b.request("GET", "/b").status == 200);
  const auto busy = test::request(server->url(), "GET", "/c");
  CHECK(busy.status == 503);
  CHECK(busy.header("retry-after") == "1");
  CHECK(json::parse(busy.body)["error"] == "server_busy");
  CHECK(server->stats().rejected_busy == 1);
  CHECK(server->stats().connections_open == 2);

  a.reset();
  b.request("GET", "/close");
  CHECK(eventually([&] { return server->stats().connections_open == 0; }));
  CHECK(test::request(server->url(), "GET", "/d").status == 200);
}

TEST_CASE("http server: concurrent clients on two I/O threads") {
  test_handler h;
  auto o = loopback();
  o.io_threads = 2;
  auto server = start(o, h);
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&, t] {
      test::http_connection c;
      c.connect(server->url());
      for (int i = 0; i < 25; ++i) {
        const auto path = "/t" + std::to_string(t) + "/" + std::to_string(i);
        const auto r = c.request("GET", i % 5 == 0 ? "/later" : path);
        if (r.status == 200) ++ok;
      }
    });
  for (auto& c : clients)
    c.join();
  CHECK(ok == 100);
  CHECK(server->stats().requests == 100);
}

TEST_CASE("http server: WebSocket echo, refusal, binary and oversized frames") {
  test_handler h;
  auto o = loopback();
  o.ws_max_message_bytes = 1024;
  auto server = start(o, h);

  test::ws_client ws;
  REQUIRE_MESSAGE(ws.connect(server->url(), "/ws", {{"Cookie", "sid=1"}}), ws.error());
  CHECK(ws.handshake().status == 101);
  CHECK(ws.send("hello"));
  CHECK(ws.receive(5s) == "echo:hello");
  CHECK(ws.send(std::string(1024, 'm')));
  CHECK(ws.receive(5s) == "echo:" + std::string(1024, 'm'));
  CHECK(server->stats().websockets_open == 1);
  CHECK(h.ws->opens == 1);
  ws.close();
  CHECK(eventually([&] { return h.ws->closes == 1; }));
  CHECK(eventually([&] { return server->stats().websockets_open == 0; }));

  // Refused by the handler: its status and body, and no socket.
  test::ws_client refused;
  CHECK_FALSE(refused.connect(server->url(), "/secret"));
  CHECK(refused.handshake().status == 401);
  CHECK(refused.handshake().body == R"({"error":"unauthorized"})");
  test::ws_client thrown, not_a_refusal;
  CHECK_FALSE(thrown.connect(server->url(), "/ws-throw"));
  CHECK(thrown.handshake().status == 500);
  CHECK_FALSE(not_a_refusal.connect(server->url(), "/ws-ok-status"));
  CHECK(not_a_refusal.handshake().status == 403);

  // A frame over ws_max_message_bytes: closed with 1009.
  h.ws = std::make_shared<echo_ws>();
  test::ws_client big;
  REQUIRE(big.connect(server->url(), "/ws"));
  big.send(std::string(1025, 'b'));
  CHECK_FALSE(big.receive(5s).has_value());
  CHECK(big.close_code() == 1009);
  CHECK(eventually([&] { return h.ws->closes == 1; }));
  CHECK(h.ws->messages.empty());

  // Binary frames: closed with 1003.
  h.ws = std::make_shared<echo_ws>();
  test::ws_client binary;
  REQUIRE(binary.connect(server->url(), "/ws"));
  binary.send_binary("\x01\x02");
  CHECK_FALSE(binary.receive(5s).has_value());
  CHECK(binary.close_code() == 1003);
  CHECK(eventually([&] { return h.ws->closes == 1; }));
}

TEST_CASE("http server: the application closes a WebSocket with its code, after what it queued") {
  test_handler h;
  h.ws->echo = false;
  auto server = start(loopback(), h);
  test::ws_client ws;
  REQUIRE(ws.connect(server->url(), "/ws"));
  REQUIRE(eventually([&] { return h.ws->connection() != nullptr; }));
  auto conn = h.ws->connection();
  CHECK(conn->send("last words"));
  conn->close(4001, "session revoked");
  CHECK_FALSE(conn->send("too late"));
  CHECK(ws.receive(5s) == "last words");
  CHECK_FALSE(ws.receive(5s).has_value());
  CHECK(ws.close_code() == 4001);
  CHECK(eventually([&] { return h.ws->closes == 1; }));
  CHECK(conn->pending_bytes() == 0);
}

TEST_CASE("http server: a WebSocket peer that does not read overflows a bounded queue") {
  test_handler h;
  h.ws->echo = false;
  auto o = loopback();
  o.ws_max_pending_bytes = 64 * 1024;
  auto server = start(o, h);
  test::ws_client ws;
  REQUIRE(ws.connect(server->url(), "/ws"));
  REQUIRE(eventually([&] { return h.ws->connection() != nullptr; }));
  auto conn = h.ws->connection();

  // The client never reads: the kernel's buffers fill, then the queue.
  const std::string frame(4096, 'f');
  int sent = 0;
  bool refused = false, bounded = true;
  for (int i = 0; i < 100'000 && !refused; ++i) {
    if (conn->send(frame))
      ++sent;
    else
      refused = true;
    // The bound, the frame first in line and the one being written.
    bounded = bounded && conn->pending_bytes() <= o.ws_max_pending_bytes + 2 * frame.size();
  }
  CHECK(refused);
  CHECK(bounded);
  CHECK(sent > 0);
  CHECK(eventually([&] { return h.ws->overflows == 1; }));
  // The queue was dropped (only the frame being written may remain).
  CHECK(conn->pending_bytes() <= frame.size());
  // A frame larger than the whole bound (a large tenant's snapshot) is
  // queued when it is first in line; the frames behind it are bounded, and
  // cannot push it out before it is written.
  REQUIRE(conn->send(std::string(o.ws_max_pending_bytes * 2, 'x')));
  int behind = 0;
  while (conn->send(frame))
    ++behind;
  CHECK(behind <= static_cast<int>(o.ws_max_pending_bytes / frame.size()) + 1);
  CHECK(eventually([&] { return h.ws->overflows == 2; }));
  CHECK(h.ws->closes == 0);
}

TEST_CASE("http server: stop closes WebSockets with 1001 and on_close runs once") {
  test_handler h;
  auto server = start(loopback(), h);
  test::ws_client ws;
  REQUIRE(ws.connect(server->url(), "/ws"));
  ws.send("ping");
  CHECK(ws.receive(5s) == "echo:ping");
  auto conn = h.ws->connection();
  // The client reads (as a browser does), so it answers the server's close at once.
  std::optional<std::string> got = "unset";
  std::thread reader{[&] { got = ws.receive(5s); }};
  std::this_thread::sleep_for(50ms);
  const auto t0 = std::chrono::steady_clock::now();
  server->stop();
  CHECK(std::chrono::steady_clock::now() - t0 < 1500ms);
  CHECK(h.ws->closes == 1);
  reader.join();
  CHECK_FALSE(got.has_value());
  CHECK(ws.close_code() == 1001);
  CHECK_FALSE(conn->send("after stop"));
  server.reset();
  CHECK_FALSE(conn->send("after destruction"));
  conn->close(1000, "no-op");
  CHECK(h.ws->closes == 1);
  CHECK(h.ws->overflows == 0);
}

TEST_CASE("http server: stop with a stalled WebSocket still ends within ws_close_timeout") {
  test_handler h;
  h.ws->echo = false;
  auto o = loopback();
  o.ws_close_timeout = 300ms;
  o.ws_max_pending_bytes = 1 << 20;
  auto server = start(o, h);
  test::ws_client ws;
  REQUIRE(ws.connect(server->url(), "/ws"));
  REQUIRE(eventually([&] { return h.ws->connection() != nullptr; }));
  auto conn = h.ws->connection();
  const std::string frame(64 * 1024, 's');
  for (int i = 0; i < 1000 && conn->send(frame); ++i) {
  }
  const auto t0 = std::chrono::steady_clock::now();
  server->stop();
  CHECK(std::chrono::steady_clock::now() - t0 < 2500ms);
  CHECK(h.ws->closes == 1);
}

TEST_CASE("http server: plain HTTP on a non-loopback address is refused unless allowed") {
  test_handler h;
  auto o = loopback();
  o.listen = "0.0.0.0:0";
  const auto e = start_error(o, h);
  CHECK(contains(e, "listen: plain HTTP on the non-loopback address 0.0.0.0 is refused"));
  o.allow_plain_remote = true;
  auto server = start(o, h);
  CHECK(server->url() == "http://127.0.0.1:" + std::to_string(server->port()));
  CHECK(test::request(server->url(), "GET", "/any").status == 200);
}

TEST_CASE("http server: IPv6 loopback") {
  test_handler h;
  auto o = loopback();
  o.listen = "[::1]:0";
  auto s = api::http_server::start(o, h);
  if (auto* e = std::get_if<std::string>(&s)) {
    // Only a machine without IPv6 on lo may refuse it, and it must say so.
    CHECK(contains(*e, "listen: cannot"));
    MESSAGE("no IPv6 loopback here: " << *e);
    return;
  }
  auto& server = std::get<std::unique_ptr<api::http_server>>(s);
  CHECK(server->url() == "http://[::1]:" + std::to_string(server->port()));
  const auto r = test::request(server->url(), "GET", "/v6");
  CHECK(r.status == 200);
  CHECK(json::parse(r.body)["remote"].get<std::string>().rfind("[::1]:", 0) == 0);
}

TEST_CASE("http server: bad options are refused naming the option") {
  test_handler h;
  auto o = loopback();
  o.listen = "127.0.0.1";
  CHECK(start_error(o, h) == "listen: '127.0.0.1' has no port (expected host:port)");
  o.listen = "127.0.0.1:70000";
  CHECK(contains(start_error(o, h), "listen: '127.0.0.1:70000': port '70000'"));
  o.listen = "no-such-host.invalid:80";
  CHECK(contains(start_error(o, h), "listen: cannot resolve 'no-such-host.invalid'"));

  auto first = start(loopback(), h);
  o.listen = "127.0.0.1:" + std::to_string(first->port());
  const auto in_use = start_error(o, h);
  CHECK(contains(in_use, "listen: cannot bind 127.0.0.1:" + std::to_string(first->port())));
  CHECK(contains(in_use, "in use"));

  o = loopback();
  o.io_threads = 0;
  CHECK(start_error(o, h) == "io_threads: 0 is not from 1 to 64");
  o = loopback();
  o.read_timeout = 0ms;
  CHECK(contains(start_error(o, h), "must be positive"));
  o = loopback();
  o.max_connections = 0;
  CHECK(contains(start_error(o, h), "max_connections"));
}

// TLS ------------------------------------------------------------------------

namespace {

/// A self-signed certificate for 127.0.0.1 (and its key), made with the
/// openssl program in a temporary directory.
struct self_signed {
  hotline::testing::temp_dir dir;
  std::string cert = dir.path() + "/cert.pem";
  std::string key = dir.path() + "/key.pem";

  self_signed() { make(cert, key); }
  void make(const std::string& c, const std::string& k) const {
    std::string out;
    const int rc = hotline::testing::run_capture(
        {HOTLINE_OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1", "-addext",
         "subjectAltName=IP:127.0.0.1", "-days", "1", "-keyout", k, "-out", c},
        out);
    REQUIRE_MESSAGE(rc == 0, "openssl req failed (" << HOTLINE_OPENSSL << "): " << out);
  }
};

void write_file(const std::string& path, const std::string& text) {
  std::ofstream{path} << text;
}

} // namespace

TEST_CASE("http server: HTTPS and WSS with a certificate the client trusts") {
  self_signed tls;
  test_handler h;
  auto o = loopback();
  o.tls_cert = tls.cert;
  o.tls_key = tls.key;
  o.listen = "0.0.0.0:0"; // TLS may listen on any address
  auto server = start(o, h);
  CHECK(server->url() == "https://127.0.0.1:" + std::to_string(server->port()));

  const test::client_tls trust{tls.cert, true};
  const auto r = test::request(server->url(), "GET", "/secure?a=1", {}, {}, &trust);
  CHECK(r.status == 200);
  CHECK(json::parse(r.body)["tls"] == true);

  test::http_connection c;
  c.connect(server->url(), &trust);
  CHECK(c.request("GET", "/1").status == 200);
  CHECK(c.request("GET", "/2").status == 200);

  test::ws_client ws;
  REQUIRE_MESSAGE(ws.connect(server->url(), "/ws", {}, &trust), ws.error());
  CHECK(ws.send("over tls"));
  CHECK(ws.receive(5s) == "echo:over tls");
  ws.close();

  // Refusals over TLS are whole too.
  const auto big = test::request(server->url(), "POST", "/b",
                                 std::string(o.max_body_bytes + 1, 'x'), {}, &trust);
  CHECK(big.status == 413);
}

TEST_CASE(
    "http server: a client that does not trust the certificate fails, and so does plain HTTP") {
  self_signed tls;
  test_handler h;
  auto o = loopback();
  o.tls_cert = tls.cert;
  o.tls_key = tls.key;
  auto server = start(o, h);

  const test::client_tls system_cas{"", true};
  try {
    test::request(server->url(), "GET", "/x", {}, {}, &system_cas);
    FAIL("a certificate no CA signed was accepted");
  } catch (const std::runtime_error& e) {
    CHECK(contains(e.what(), "TLS handshake"));
    CHECK(contains(e.what(), "certificate verify failed"));
  }
  test::ws_client ws;
  CHECK_FALSE(ws.connect(server->url(), "/ws", {}, &system_cas));

  // A certificate for another name fails even when trusted as a CA.
  self_signed other;
  {
    auto o2 = loopback();
    o2.tls_cert = other.cert;
    o2.tls_key = other.key;
    auto s2 = start(o2, h);
    const test::client_tls trust_other{other.cert, true};
    const auto url_by_name = "https://localhost:" + std::to_string(s2->port());
    try {
      test::request(url_by_name, "GET", "/x", {}, {}, &trust_other);
      FAIL("a certificate for 127.0.0.1 was accepted for localhost");
    } catch (const std::runtime_error& e) {
      CHECK(contains(e.what(), "TLS handshake"));
    }
  }

  const auto plain_url = "http://127.0.0.1:" + std::to_string(server->port());
  CHECK_THROWS_AS(test::request(plain_url, "GET", "/x"), std::runtime_error);
  CHECK(server->stats().requests == 0);
  const test::client_tls trust{tls.cert, true};
  CHECK(test::request(server->url(), "GET", "/x", {}, {}, &trust).status == 200);
}

TEST_CASE("http server: missing, garbage or mismatched TLS files are refused naming the file") {
  self_signed tls;
  test_handler h;
  auto o = loopback();
  o.tls_cert = tls.cert;
  o.tls_key = tls.dir.path() + "/missing.pem";
  auto e = start_error(o, h);
  CHECK(contains(e, "tls_key: cannot read '" + o.tls_key + "'"));

  const auto garbage = tls.dir.path() + "/garbage.pem";
  write_file(garbage,
             "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");
  o.tls_key = garbage;
  e = start_error(o, h);
  CHECK(contains(e, "tls_key: '" + garbage + "' is not an unencrypted PEM private key"));

  o.tls_key = tls.key;
  o.tls_cert = garbage;
  e = start_error(o, h);
  CHECK(contains(e, "tls_cert: '" + garbage + "' is not a PEM certificate chain"));

  const auto cert2 = tls.dir.path() + "/cert2.pem", key2 = tls.dir.path() + "/key2.pem";
  tls.make(cert2, key2);
  o.tls_cert = tls.cert;
  o.tls_key = key2;
  e = start_error(o, h);
  CHECK(contains(e, "tls_key: '" + key2 + "' does not match the certificate of tls_cert '" +
                        tls.cert + "'"));

  o.tls_key.clear();
  CHECK(contains(start_error(o, h), "only tls_cert is set"));
}
