// Webhook delivery (drivers/api/webhook_dispatcher.hpp) over the in-memory
// store, to a real HTTP receiver in this process: signature, tenant and
// type filter, at-least-once with retries in order, pause, restart from
// the cursor, the circuit, the delivery log; the signer's known vector and
// the client's SSRF check.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <thread>

#include "actors/ports/memory_event_store.hpp"
#include "drivers/api/webhook_client.hpp"
#include "drivers/api/webhook_dispatcher.hpp"
#include "drivers/api/webhook_registry.hpp"
#include "drivers/api/webhook_signer.hpp"
#include "events/codec.hpp"
#include "tests/support/process.hpp"
#include "tests/support/webhook_receiver.hpp"

using namespace hotline;
using namespace hotline::drivers::api;
namespace wh = hotline::events::webhooks;
using namespace std::chrono_literals;

namespace {

const std::string secret(64, 'a');
std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Appends a call.ended of `call` for `tenant` (its own stream).
std::uint64_t end_call(ports::event_store& store, const std::string& tenant,
                       const std::string& call) {
  events::event_meta meta;
  meta.id = events::event_id::from_name("test/" + call);
  meta.site = "site-1";
  meta.tenant = tenant;
  meta.timestamp_ns = now_ns();
  auto r = store.append(
      "call-" + call, ports::expected_revision::any(),
      {events::event_codec::standard().propose(
          events::call_ended{call, events::call_outcome::completed, "", "", ""}, meta)});
  REQUIRE(r.has_value());
  return r->last_position;
}

/// Appends an agent.ready of `agent` for `tenant`.
std::uint64_t agent_ready(ports::event_store& store, const std::string& tenant,
                          const std::string& agent) {
  events::event_meta meta;
  meta.id = events::event_id::from_name("test/ready/" + agent + std::to_string(now_ns()));
  meta.site = "site-1";
  meta.tenant = tenant;
  meta.timestamp_ns = now_ns();
  auto r =
      store.append("agent-" + agent, ports::expected_revision::any(),
                   {events::event_codec::standard().propose(events::agent_ready{agent}, meta)});
  REQUIRE(r.has_value());
  return r->last_position;
}

webhook_options fast_options() {
  webhook_options o;
  o.allow_private = true;
  o.timeout = 2s;
  return o;
}

std::string subscribe(webhook_registry& reg, const std::string& url,
                      std::vector<std::string> types = {"call.ended"}) {
  const auto id = new_webhook_id();
  auto r =
      reg.execute(id, wh::create_webhook{"acme", url, std::move(types), secret, true, now_ns()},
                  events::principal::user("root"));
  REQUIRE(std::holds_alternative<webhook_entry>(r));
  return id;
}

std::string call_of(const http_request& req) {
  return nlohmann::json::parse(req.body).at("data").at("call_id").get<std::string>();
}

} // namespace

TEST_CASE("webhook signer: HMAC-SHA256 over timestamp.body, as openssl dgst -hmac computes it") {
  // printf '%s.%s' 1700000000 '{"type":"call.ended"}' | openssl dgst -sha256 -hmac whsec-test-key
  CHECK(webhook_signature("whsec-test-key", "1700000000", R"({"type":"call.ended"})") ==
        "sha256=ca9e44ef3a8264f8342b86743e0c45f10d5c8c71a9e33bcf6c466771f6188305");
  CHECK(webhook_signature("other-key", "1700000000", R"({"type":"call.ended"})") !=
        webhook_signature("whsec-test-key", "1700000000", R"({"type":"call.ended"})"));
  const auto s = new_webhook_secret();
  CHECK(wh::is_valid_secret(s));
  CHECK(s != new_webhook_secret());
  CHECK(wh::is_valid_webhook_id(new_webhook_id()));
  for (int i = 0; i < 100; ++i) {
    const double u = random_unit();
    CHECK((u >= 0.0 && u < 1.0));
  }
}

TEST_CASE("webhook client: private targets are refused unless allowed, and errors are named") {
  test::webhook_receiver rx;
  webhook_request req;
  req.url = std::get<wh::target_url>(wh::parse_url(rx.url()));
  req.body = "{}";
  req.timeout = 2s;
  auto refused = post_webhook(req);
  CHECK(refused.status == 0);
  CHECK(refused.error.find("private address") != std::string::npos);
  CHECK(rx.count() == 0);
  req.allow_private = true;
  auto ok = post_webhook(req);
  CHECK(ok.status == 200);
  CHECK(ok.delivered());
  rx.script({503}, "7");
  auto busy = post_webhook(req);
  CHECK(busy.status == 503);
  CHECK(busy.retry_after_ns == 7'000'000'000);
  const auto port = rx.port();
  rx.stop();
  auto down = post_webhook(req);
  CHECK(down.status == 0);
  CHECK(down.error.find("connect") != std::string::npos);
  (void)port;
}

TEST_CASE("webhook client: https checks the receiver's certificate unless told not to") {
  hotline::testing::temp_dir dir;
  const auto cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
  std::string out;
  REQUIRE_MESSAGE(
      hotline::testing::run_capture({HOTLINE_OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                     "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
                                     "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                                     "-days", "1", "-keyout", key, "-out", cert},
                                    out) == 0,
      out);
  test::webhook_receiver rx{0, cert, key};
  webhook_request req;
  req.url = std::get<wh::target_url>(wh::parse_url(rx.url()));
  REQUIRE(req.url.tls);
  req.body = "{}";
  req.timeout = 5s;
  req.allow_private = true;
  auto untrusted = post_webhook(req); // a self-signed certificate the system does not trust
  CHECK(untrusted.status == 0);
  CHECK(untrusted.error.find("TLS handshake") != std::string::npos);
  CHECK(rx.count() == 0);
  req.ca_file = cert;
  auto trusted = post_webhook(req);
  INFO(trusted.error);
  CHECK(trusted.status == 200);
  req.ca_file.clear();
  req.verify_peer = false;
  CHECK(post_webhook(req).status == 200);
  CHECK(rx.count() == 2);
}

TEST_CASE("webhook delivery: signed, the tenant's selected events only, in store order") {
  ports::memory_event_store store;
  test::webhook_receiver rx;
  webhook_registry reg{store, "site-1"};
  REQUIRE(reg.recover().is_ok());
  webhook_dispatcher d{store, reg, fast_options()};
  d.start();
  const auto id = subscribe(reg, rx.url(), {"call.ended"});
  end_call(store, "globex", "g1");  // another tenant
  agent_ready(store, "acme", "a1"); // a type not selected
  const auto p1 = end_call(store, "acme", "c1");
  const auto p2 = end_call(store, "acme", "c2");
  REQUIRE(rx.wait_for(2));
  std::this_thread::sleep_for(300ms);
  const auto got = rx.received();
  REQUIRE(got.size() == 2);
  CHECK(call_of(got[0]) == "c1");
  CHECK(call_of(got[1]) == "c2");
  const auto& req = got[0];
  CHECK(req.method == "POST");
  CHECK(req.path == "/hook");
  CHECK(req.header("content-type") == "application/json");
  CHECK(req.header("x-hotline-event") == "call.ended");
  CHECK(req.header("x-hotline-delivery") == id + "-" + std::to_string(p1));
  CHECK(got[1].header("x-hotline-delivery") == id + "-" + std::to_string(p2));
  const auto ts = req.header("x-hotline-timestamp");
  CHECK(std::abs(std::stoll(ts) - now_ns() / 1'000'000'000) < 60);
  CHECK(req.header("x-hotline-signature") == webhook_signature(secret, ts, req.body));
  // The body is the event's JSON, as the store's readers and the feed write it.
  auto j = nlohmann::json::parse(req.body);
  CHECK(j.at("type") == "call.ended");
  CHECK(j.at("tenant") == "acme");
  CHECK(j.at("position") == p1);
  // The log: newest first.
  auto log = d.deliveries(id, 10);
  REQUIRE(log.size() == 2);
  CHECK(log[0].seq == p2);
  CHECK(log[0].status == 200);
  CHECK(log[1].seq == p1);
  CHECK(d.cursor(id) >= p2);
  auto m = d.metrics();
  CHECK(m.attempts[{"acme", "delivered"}] == 2);
}

TEST_CASE("webhook delivery: 500 twice then 200 delivers the event again, and keeps the order") {
  ports::memory_event_store store;
  test::webhook_receiver rx;
  rx.script({500, 500});
  webhook_registry reg{store, "site-1"};
  REQUIRE(reg.recover().is_ok());
  webhook_dispatcher d{store, reg, fast_options()};
  d.start();
  const auto id = subscribe(reg, rx.url());
  const auto p1 = end_call(store, "acme", "c1");
  end_call(store, "acme", "c2");
  REQUIRE(rx.wait_for(4, 20s));
  std::this_thread::sleep_for(300ms);
  const auto got = rx.received();
  REQUIRE(got.size() == 4);
  CHECK(call_of(got[0]) == "c1");
  CHECK(call_of(got[1]) == "c1");
  CHECK(call_of(got[2]) == "c1");
  CHECK(call_of(got[3]) == "c2");
  // Every attempt at one event carries the same delivery id (receivers dedupe on it).
  CHECK(got[0].header("x-hotline-delivery") == got[2].header("x-hotline-delivery"));
  auto log = d.deliveries(id, 100);
  REQUIRE(log.size() == 4);
  CHECK(log[1].seq == p1);
  CHECK(log[1].attempt == 3);
  CHECK(log[1].status == 200);
  CHECK(log[3].attempt == 1);
  CHECK(log[3].status == 500);
  auto m = d.metrics();
  CHECK(m.attempts[{"acme", "failed"}] == 2);
  CHECK(m.attempts[{"acme", "delivered"}] == 2);
}

TEST_CASE("webhook delivery: a paused subscription gets nothing until resumed") {
  ports::memory_event_store store;
  test::webhook_receiver rx;
  webhook_registry reg{store, "site-1"};
  REQUIRE(reg.recover().is_ok());
  webhook_dispatcher d{store, reg, fast_options()};
  d.start();
  const auto id = subscribe(reg, rx.url());
  REQUIRE(std::holds_alternative<webhook_entry>(reg.execute(
      id, wh::pause_webhook{"maintenance", now_ns()}, events::principal::user("root"))));
  end_call(store, "acme", "c1");
  std::this_thread::sleep_for(1500ms);
  CHECK(rx.count() == 0);
  REQUIRE(std::holds_alternative<webhook_entry>(
      reg.execute(id, wh::resume_webhook{now_ns()}, events::principal::user("root"))));
  REQUIRE(rx.wait_for(1));
  CHECK(call_of(rx.received()[0]) == "c1");
}

TEST_CASE("webhook delivery: after a restart it resumes from its cursor, nothing lost") {
  ports::memory_event_store store;
  test::webhook_receiver rx;
  std::string id;
  {
    webhook_registry reg{store, "site-1"};
    REQUIRE(reg.recover().is_ok());
    webhook_dispatcher d{store, reg, fast_options()};
    d.start();
    id = subscribe(reg, rx.url());
    end_call(store, "acme", "c1");
    REQUIRE(rx.wait_for(1));
    std::this_thread::sleep_for(200ms);
    rx.stop(); // the receiver goes down
    end_call(store, "acme", "c2");
    std::this_thread::sleep_for(300ms);
    d.stop(); // the node stops with c2 undelivered
  }
  const auto port = rx.port();
  end_call(store, "acme", "c3"); // while the node is down
  rx.listen(port);
  webhook_registry reg{store, "site-1"};
  REQUIRE(reg.recover().is_ok());
  REQUIRE(reg.find(id));
  webhook_dispatcher d{store, reg, fast_options()};
  d.start();
  REQUIRE(rx.wait_for(3, 20s));
  std::this_thread::sleep_for(300ms);
  const auto got = rx.received();
  REQUIRE(got.size() == 3); // c1 once (it was acknowledged), then c2 and c3
  CHECK(call_of(got[0]) == "c1");
  CHECK(call_of(got[1]) == "c2");
  CHECK(call_of(got[2]) == "c3");
}

TEST_CASE("webhook delivery: failing past suspend_after opens the circuit (webhook.suspended)") {
  ports::memory_event_store store;
  test::webhook_receiver rx;
  rx.otherwise(500);
  webhook_registry reg{store, "site-1"};
  REQUIRE(reg.recover().is_ok());
  auto o = fast_options();
  o.suspend_after = 1ms;
  o.log_size = 3;
  webhook_dispatcher d{store, reg, o};
  d.start();
  const auto id = subscribe(reg, rx.url());
  const auto p = end_call(store, "acme", "c1");
  for (int i = 0; i < 100 && reg.find(id)->s.st != wh::webhook_status::suspended; ++i)
    std::this_thread::sleep_for(100ms);
  REQUIRE(reg.find(id)->s.st == wh::webhook_status::suspended);
  CHECK(reg.find(id)->s.last_error == "status 500");
  auto stream = store.read_stream(wh::stream_name(id), 0, SIZE_MAX);
  REQUIRE(stream.has_value());
  REQUIRE(stream->back().type == "webhook.suspended");
  auto e = events::event_codec::standard().decode(stream->back());
  REQUIRE(e.has_value());
  CHECK(std::get<events::webhook_suspended>(*e).stuck_at_seq == p);
  CHECK(stream->back().meta.caused_by == events::principal::system("webhooks"));
  const auto attempts = rx.count();
  std::this_thread::sleep_for(1200ms);
  CHECK(rx.count() == attempts); // suspended: no more attempts
  // A resume tries again (and the receiver is fine now).
  rx.otherwise(200);
  REQUIRE(std::holds_alternative<webhook_entry>(
      reg.execute(id, wh::resume_webhook{now_ns()}, events::principal::user("root"))));
  REQUIRE(rx.wait_for(attempts + 1));
  std::this_thread::sleep_for(200ms);
  // The log is bounded.
  CHECK(d.deliveries(id, 100).size() == 3);
  CHECK(d.deliveries(id, 100).front().status == 200);
}

TEST_CASE("webhook registry: commands are events of webhook-<id>, recovered after a restart") {
  ports::memory_event_store store;
  std::string id;
  {
    webhook_registry reg{store, "site-1"};
    REQUIRE(reg.recover().is_ok());
    id = subscribe(reg, "https://crm.example.com/hooks", {"call.*"});
    auto bad = reg.execute(id, wh::update_webhook{"ftp://x", std::nullopt, false, now_ns()},
                           events::principal::user("root"));
    REQUIRE(std::holds_alternative<events::rejection>(bad));
    CHECK(std::get<events::rejection>(bad).code == "invalid_url");
    REQUIRE(std::holds_alternative<webhook_entry>(
        reg.execute(id, wh::pause_webhook{"x", now_ns()}, events::principal::user("root"))));
  }
  auto stream = store.read_stream(wh::stream_name(id), 0, SIZE_MAX);
  REQUIRE(stream.has_value());
  REQUIRE(stream->size() == 2);
  CHECK(stream->front().type == "webhook.subscribed");
  CHECK(stream->front().meta.tenant == "acme");
  CHECK(stream->front().meta.caused_by == events::principal::user("root"));
  webhook_registry again{store, "site-1"};
  REQUIRE(again.recover().is_ok());
  auto e = again.find(id);
  REQUIRE(e);
  CHECK(e->s.st == wh::webhook_status::paused);
  CHECK(e->s.secret == secret);
  CHECK(e->created_position == stream->front().position);
  CHECK(again.list("acme").size() == 1);
  CHECK(again.list("globex").empty());
  REQUIRE(std::holds_alternative<webhook_entry>(
      again.execute(id, wh::delete_webhook{now_ns()}, events::principal::user("root"))));
  CHECK(again.list("acme").empty());
  CHECK(again.find(id)->s.st == wh::webhook_status::deleted);
}
