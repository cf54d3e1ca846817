// Self-service lookups (drivers/lookup, docs/ivr.md "HTTP lookups")
// against a small HTTP server the test runs on a thread (plain sockets):
// it answers, is slow, returns garbage or 404, fails with 500; a port
// nobody listens on is a server that is down. What the IVR sees each time:
// found with the variables mapped by JSON pointer, not_found, or failed
// with the reason named; retries and the circuit breaker open, refuse
// without a request, and half-open to let one probe through.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "drivers/lookup/circuit_breaker.hpp"
#include "drivers/lookup/csv_lookup.hpp"
#include "drivers/lookup/flow_lookups.hpp"
#include "drivers/lookup/http_lookup.hpp"
#include "drivers/lookup/request_template.hpp"
#include "tests/support/process.hpp"

#include <fstream>

using namespace hotline;
using namespace std::chrono_literals;
namespace lk = hotline::drivers::lookup;
using ports::lookup_status;

namespace {

/// A one-request-per-connection HTTP/1.1 server on 127.0.0.1, by path:
///   /orders/<n>  200 {"order": {"status": "shipped", "eta": ..., "items": 3}}
///   /missing/... 404
///   /slow        waits 2 s, then 200
///   /garbage     200 with a body that is not JSON
///   /fail        500
///   /post        200 echoing the request body as {"got": <body>}
class test_server {
public:
  test_server() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    REQUIRE(::listen(fd_, 16) == 0);
    thread_ = std::thread([this] { run(); });
  }
  ~test_server() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
    for (auto& t : workers_)
      t.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int requests() const { return requests_.load(); }
  std::string last_request() const {
    std::lock_guard lock(m_);
    return last_;
  }

private:
  void run() {
    while (!stop_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      workers_.emplace_back([this, c] { serve(c); });
    }
  }
  void serve(int c) {
    std::string req;
    char buf[4096];
    std::size_t body_at = std::string::npos, length = 0;
    while (true) {
      const auto n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      req.append(buf, static_cast<std::size_t>(n));
      if (body_at == std::string::npos && (body_at = req.find("\r\n\r\n")) != std::string::npos) {
        body_at += 4;
        auto cl = req.find("Content-Length: ");
        if (cl == std::string::npos) cl = req.find("content-length: ");
        if (cl != std::string::npos && cl < body_at) length = std::stoul(req.substr(cl + 16));
      }
      if (body_at != std::string::npos && req.size() >= body_at + length) break;
    }
    ++requests_;
    {
      std::lock_guard lock(m_);
      last_ = req;
    }
    const auto target =
        req.substr(req.find(' ') + 1, req.find(' ', req.find(' ') + 1) - req.find(' ') - 1);
    int status = 200;
    std::string body;
    if (target.starts_with("/orders/")) {
      body = R"({"order": {"status": "shipped", "eta": "2026-12-08", "items": 3, "gift": null}})";
    } else if (target.starts_with("/missing/")) {
      status = 404;
      body = R"({"error": "no such order"})";
    } else if (target == "/slow") {
      for (int i = 0; i < 200 && !stop_; ++i)
        std::this_thread::sleep_for(10ms);
      body = R"({"order": {"status": "late"}})";
    } else if (target == "/garbage") {
      body = "<html>Service Unavailable</html>";
    } else if (target == "/fail") {
      status = 500;
      body = "oops";
    } else if (target == "/post") {
      body = R"({"got": )" + req.substr(body_at) + "}";
    } else {
      status = 404;
    }
    const std::string reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Error";
    const auto res =
        "HTTP/1.1 " + std::to_string(status) + " " + reason +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
    [[maybe_unused]] auto w = ::send(c, res.data(), res.size(), MSG_NOSIGNAL);
    ::close(c);
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  mutable std::mutex m_;
  std::string last_;
  std::thread thread_;
  std::vector<std::thread> workers_;
};

/// A port nothing listens on: bound, then closed.
std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

lk::http_lookup_options options(const std::string& url, int retries = 0,
                                std::int64_t timeout_ms = 2'000) {
  lk::http_lookup_options o;
  o.request.url = url;
  o.request.retries = retries;
  o.request.timeout_ms = timeout_ms;
  o.fields = {
      {"/order/status", "order_status"}, {"/order/eta", "order_eta"}, {"/order/items", "items"}};
  return o;
}

} // namespace

TEST_CASE("lookup http: an answer maps its JSON pointers into variables") {
  test_server server;
  ports::lookup_metrics metrics;
  auto o = options(server.url("/orders/${order}?lang=${language}"));
  o.fields["/order/gift"] = "gift";
  o.metrics = &metrics;
  lk::http_lookup lookup(o);
  auto a = lookup.find({{"order", "80001"}, {"language", "zh"}});
  INFO(a.reason);
  REQUIRE(a.status == lookup_status::found);
  CHECK(a.values == ports::variables{{"order_status", "shipped"},
                                     {"order_eta", "2026-12-08"},
                                     {"items", "3"},
                                     {"gift", ""}});
  CHECK(a.tries == 1);
  CHECK(server.last_request().starts_with("GET /orders/80001?lang=zh HTTP/1.1\r\n"));
  CHECK(metrics.count(ports::lookup_metrics::source_kind::http, lookup_status::found) == 1);
  std::string text;
  metrics.text(text);
  CHECK(text.find("hotline_ivr_lookups_total{source=\"http\",status=\"found\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("hotline_ivr_lookup_seconds_count{source=\"http\"} 1\n") != std::string::npos);
  // The exposition is what Prometheus accepts (package prometheus, as in the README).
  testing::temp_dir dir;
  {
    std::ofstream out(dir.path() + "/metrics.txt");
    out << text;
  }
  std::string check;
  const int rc = testing::run_capture(
      {"/bin/bash", "-c",
       "command -v promtool >/dev/null || { echo 'promtool is not installed (apt-get install "
       "prometheus)'; exit 1; }; promtool check metrics < " +
           dir.path() + "/metrics.txt 2>&1"},
      check);
  CHECK_MESSAGE(rc == 0, check);
}

TEST_CASE(
    "lookup http: a caller's input is URL-encoded and JSON-escaped, never reshaping the request") {
  test_server server;
  auto o = options(server.url("/orders/${order}"));
  lk::http_lookup get(o);
  REQUIRE(get.find({{"order", "1/../../admin?x=1#"}}).status == lookup_status::found);
  CHECK(
      server.last_request().starts_with("GET /orders/1%2F..%2F..%2Fadmin%3Fx%3D1%23 HTTP/1.1\r\n"));
  auto p = options(server.url("/post"));
  p.request.method = "POST";
  p.request.body = R"({"order": "${order}"})";
  p.fields = {{"/got/order", "echo"}};
  lk::http_lookup post(p);
  auto a = post.find({{"order", "8\", \"admin\": true, \"x\": \"\n"}});
  INFO(a.reason);
  REQUIRE(a.status == lookup_status::found);
  CHECK(a.values.at("echo") == "8\", \"admin\": true, \"x\": \"\n");
  CHECK(lk::url_encode("a b+ü") == "a%20b%2B%C3%BC");
}

TEST_CASE("lookup http: 404 is not_found, garbage JSON and a missing pointer are failed with the "
          "reason") {
  test_server server;
  lk::http_lookup missing(options(server.url("/missing/${order}"), 2));
  auto nf = missing.find({{"order", "9"}});
  CHECK(nf.status == lookup_status::not_found);
  CHECK(nf.tries == 1); // a 404 is an answer: not tried again
  lk::http_lookup garbage(options(server.url("/garbage"), 2));
  auto g = garbage.find({});
  CHECK(g.status == lookup_status::failed);
  CHECK(g.reason.starts_with("the response is not JSON: "));
  CHECK(g.tries == 1);
  auto o = options(server.url("/orders/1"));
  o.fields["/order/colour"] = "colour";
  lk::http_lookup partial(o);
  auto p = partial.find({});
  CHECK(p.status == lookup_status::failed);
  CHECK(p.reason == "the response has no /order/colour");
}

TEST_CASE("lookup http: a slow server times out and a server that is down refuses: failed, after "
          "the retries") {
  test_server server;
  lk::http_lookup slow(options(server.url("/slow"), 1, 150));
  auto s = slow.find({});
  CHECK(s.status == lookup_status::failed);
  CHECK(s.reason == "timeout (read the response) (2 tries)");
  CHECK(s.tries == 2);
  lk::http_lookup down(options("http://127.0.0.1:" + std::to_string(closed_port()) + "/o", 2));
  auto d = down.find({});
  CHECK(d.status == lookup_status::failed);
  CHECK(d.reason.find("Connection refused") != std::string::npos);
  CHECK(d.tries == 3);
  lk::http_lookup failing(options(server.url("/fail"), 1));
  auto f = failing.find({});
  CHECK(f.reason == "HTTP 500 (2 tries)");
}

TEST_CASE("lookup http: the circuit opens after failures, refuses without a request, half-opens "
          "for one probe") {
  test_server server;
  std::int64_t now = 0;
  auto o = options(server.url("/fail"));
  o.breaker = {.failures = 2, .open_for_ns = 30'000'000'000};
  o.now_ns = [&] { return now; };
  lk::http_lookup lookup(o);
  CHECK(lookup.find({}).status == lookup_status::failed);
  CHECK(lookup.breaker_state() == lk::circuit_breaker::state::closed);
  CHECK(lookup.find({}).status == lookup_status::failed);
  CHECK(lookup.breaker_state() == lk::circuit_breaker::state::open);
  const int sent = server.requests();
  auto refused = lookup.find({});
  CHECK(refused.status == lookup_status::failed);
  CHECK(refused.tries == 0);
  CHECK(refused.reason == "circuit open: 2 failed lookups in a row; no request sent");
  CHECK(server.requests() == sent);
  now += 30'000'000'000; // open_for passed
  CHECK(lookup.breaker_state() == lk::circuit_breaker::state::half_open);
  CHECK(lookup.find({}).tries == 1); // the probe goes out, fails: open again
  CHECK(server.requests() == sent + 1);
  CHECK(lookup.breaker_state() == lk::circuit_breaker::state::open);
  CHECK(lookup.find({}).tries == 0);
}

TEST_CASE("lookup http: a successful probe closes the circuit") {
  lk::circuit_breaker b({.failures = 3, .open_for_ns = 1'000});
  for (int i = 0; i < 3; ++i) {
    REQUIRE(b.allow(0));
    b.on_failure(0);
  }
  CHECK(b.at(999) == lk::circuit_breaker::state::open);
  CHECK_FALSE(b.allow(999));
  CHECK(b.allow(1'000));       // the probe
  CHECK_FALSE(b.allow(1'001)); // only one at a time
  b.on_success();
  CHECK(b.at(1'002) == lk::circuit_breaker::state::closed);
  CHECK(b.allow(1'002));
  CHECK(b.consecutive_failures() == 0);
}

TEST_CASE("lookup csv: the table answers found and not_found with the node's fields") {
  testing::temp_dir dir;
  {
    std::ofstream out(dir.path() + "/orders.csv");
    out << "order,status,eta\n80001,shipped,2026-12-08\n";
  }
  events::ivr::node n;
  n.kind = events::ivr::node_kind::lookup;
  n.table = dir.path() + "/orders.csv";
  n.key = "${order}";
  n.key_column = "order";
  n.fields = {{"status", "order_status"}};
  ports::lookup_metrics metrics;
  std::string why;
  auto csv = lk::csv_lookup::load(n, why, &metrics);
  REQUIRE_MESSAGE(csv, why);
  auto a = csv->find({{"order", "80001"}});
  CHECK(a.status == lookup_status::found);
  CHECK(a.values == ports::variables{{"order_status", "shipped"}});
  auto b = csv->find({{"order", "80009"}});
  CHECK(b.status == lookup_status::not_found);
  CHECK(b.reason == "no row with key '80009'");
  CHECK(metrics.count(ports::lookup_metrics::source_kind::csv, lookup_status::not_found) == 1);
  n.table = dir.path() + "/none.csv";
  CHECK_FALSE(lk::csv_lookup::load(n, why));
  CHECK(why.starts_with(dir.path() + "/none.csv: "));
}

TEST_CASE("lookup: a node's flows become one source per lookup node, a bad table named") {
  testing::temp_dir dir;
  {
    std::ofstream out(dir.path() + "/orders.csv");
    out << "order,status\n80001,shipped\n";
  }
  events::ivr::flow f;
  f.id = "orders";
  events::ivr::node csv;
  csv.id = "find";
  csv.kind = events::ivr::node_kind::lookup;
  csv.table = dir.path() + "/orders.csv";
  csv.key = "${order}";
  csv.key_column = "order";
  csv.fields = {{"status", "order_status"}};
  events::ivr::node http = csv;
  http.id = "ask";
  http.source = events::ivr::lookup_source::http;
  http.http.url = "http://127.0.0.1:1/orders/${order}";
  events::ivr::node broken = csv;
  broken.id = "broken";
  broken.table = dir.path() + "/none.csv";
  f.nodes = {csv, http, broken};
  std::vector<std::string> errors;
  auto all = lk::flow_lookups::build({f}, {}, nullptr, errors);
  CHECK(all.size() == 2);
  REQUIRE(all.find("orders", "find"));
  CHECK(all.find("orders", "find")->find({{"order", "80001"}}).values.at("order_status") ==
        "shipped");
  CHECK(dynamic_cast<lk::http_lookup*>(all.find("orders", "ask")));
  CHECK_FALSE(all.find("orders", "broken"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].starts_with("flow orders node broken: " + dir.path() + "/none.csv: "));
}

TEST_CASE("lookup: an answer becomes the session's lookup_result, keyed as the node maps it") {
  events::ivr::node n;
  n.fields = {{"/order/status", "order_status"}};
  ports::lookup_answer found;
  found.status = lookup_status::found;
  found.values = {{"order_status", "shipped"}};
  found.latency = 12ms;
  auto r = lk::to_session_result(n, found, 7, 99);
  CHECK(r.step == 7);
  CHECK(r.ok);
  CHECK(r.found);
  CHECK(r.row == std::map<std::string, std::string>{{"/order/status", "shipped"}});
  CHECK(r.latency_ms == 12);
  ports::lookup_answer failed;
  failed.reason = "timeout (connect)";
  auto f = lk::to_session_result(n, failed, 8, 99);
  CHECK_FALSE(f.ok);
  CHECK(f.error == "timeout (connect)");
  ports::lookup_answer missing;
  missing.status = lookup_status::not_found;
  auto m = lk::to_session_result(n, missing, 9, 99);
  CHECK(m.ok);
  CHECK_FALSE(m.found);
}
