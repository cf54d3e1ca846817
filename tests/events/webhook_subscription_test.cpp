// The webhook subscription aggregate (events/webhooks/subscription.hpp) and
// its rules (webhook_rules.hpp): given/when/then, URL and type checks, the
// retry schedule.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "events/webhooks/subscription.hpp"
#include "events/webhooks/webhook_rules.hpp"

using namespace hotline::events;
using namespace hotline::events::webhooks;

namespace {

constexpr std::int64_t t0 = 1'795'392'000'000'000'000;
constexpr std::int64_t sec = 1'000'000'000;
const std::string secret(64, 'c');

struct subject {
  state s = initial_state("0123abcd");
  outcome<webhooks::event> when(const command& c) {
    auto out = decide(c, s);
    if (out)
      for (const auto& e : out.events())
        s = evolve(std::move(s), e, command_time(c));
    return out;
  }
  subject& given(const command& c) {
    auto out = when(c);
    REQUIRE_MESSAGE(out.accepted(), (out.accepted() ? "" : out.error().code));
    return *this;
  }
};

std::string types(const outcome<webhooks::event>& out) {
  REQUIRE_MESSAGE(out.accepted(), (out.accepted() ? "" : out.error().detail));
  std::string t;
  for (const auto& e : out.events())
    t += (t.empty() ? "" : " ") +
         std::string{std::visit([](const auto& x) { return x.type_name; }, e)};
  return t;
}

void then_rejected(const outcome<webhooks::event>& out, const std::string& code) {
  REQUIRE_FALSE(out.accepted());
  CHECK(out.error().code == code);
  CHECK_FALSE(out.error().detail.empty());
}

create_webhook create(std::string url = "https://crm.example.com/hooks",
                      std::vector<std::string> t = {"call.ended", "agent.*"}) {
  return create_webhook{"acme", std::move(url), std::move(t), secret, false, t0};
}

} // namespace

TEST_CASE("webhook: a subscription is created with its tenant, URL, types and secret") {
  subject w;
  CHECK(types(w.when(create())) == "webhook.subscribed");
  CHECK(w.s.st == webhook_status::active);
  CHECK(w.s.tenant == "acme");
  CHECK(w.s.url == "https://crm.example.com/hooks");
  CHECK(w.s.types == std::vector<std::string>{"call.ended", "agent.*"});
  CHECK(w.s.secret == secret);
  CHECK(w.s.created_ns == t0);
  CHECK(stream_name("0123abcd") == "webhook-0123abcd");
}

TEST_CASE("webhook: creating it again is a no-op, a different create a clash") {
  subject w;
  w.given(create());
  CHECK(types(w.when(create())) == "");
  then_rejected(w.when(create("https://other.example.com/")), "webhook_exists");
}

TEST_CASE("webhook: bad input to create is refused naming what is wrong") {
  subject w;
  then_rejected(w.when(create("ftp://crm.example.com/")), "invalid_url");
  then_rejected(w.when(create("https://user:pw@crm.example.com/")), "invalid_url");
  then_rejected(w.when(create("http://127.0.0.1:8080/")), "private_url");
  then_rejected(w.when(create("https://crm.example.com/", {})), "invalid_types");
  then_rejected(w.when(create("https://crm.example.com/", {"call.endd"})), "invalid_types");
  auto c = create();
  c.secret = "short";
  then_rejected(w.when(c), "invalid_secret");
  c = create();
  c.tenant.clear();
  then_rejected(w.when(c), "invalid_tenant");
  subject bad_id{initial_state("Bad Id!")};
  then_rejected(bad_id.when(create()), "invalid_webhook_id");
  CHECK(w.s.st == webhook_status::none);
}

TEST_CASE("webhook: a private target is allowed when the node allows it") {
  subject w;
  auto c = create("http://127.0.0.1:9000/in");
  c.allow_private = true;
  CHECK(types(w.when(c)) == "webhook.subscribed");
}

TEST_CASE("webhook: update replaces the URL and/or the types, an unchanged update is a no-op") {
  subject w;
  w.given(create());
  CHECK(types(w.when(update_webhook{"https://crm2.example.com/", std::nullopt, false, t0 + sec})) ==
        "webhook.updated");
  CHECK(w.s.url == "https://crm2.example.com/");
  CHECK(w.s.types == std::vector<std::string>{"call.ended", "agent.*"});
  CHECK(types(w.when(update_webhook{std::nullopt, std::vector<std::string>{"*"}, false, t0})) ==
        "webhook.updated");
  CHECK(w.s.types == std::vector<std::string>{"*"});
  CHECK(types(w.when(update_webhook{std::nullopt, std::vector<std::string>{"*"}, false, t0})) ==
        "");
  then_rejected(w.when(update_webhook{"http://10.1.2.3/", std::nullopt, false, t0}), "private_url");
  then_rejected(w.when(update_webhook{std::nullopt, std::vector<std::string>{"x.*"}, false, t0}),
                "invalid_types");
}

TEST_CASE("webhook: pause and resume, each repeated harmlessly") {
  subject w;
  w.given(create());
  CHECK(types(w.when(pause_webhook{"maintenance", t0})) == "webhook.paused");
  CHECK(w.s.st == webhook_status::paused);
  CHECK(w.s.pause_reason == "maintenance");
  CHECK(types(w.when(pause_webhook{"again", t0})) == "");
  CHECK(types(w.when(resume_webhook{t0})) == "webhook.resumed");
  CHECK(w.s.st == webhook_status::active);
  CHECK(types(w.when(resume_webhook{t0})) == "");
  then_rejected(w.when(pause_webhook{std::string(300, 'x'), t0}), "invalid_reason");
}

TEST_CASE("webhook: the circuit suspends an active subscription only, resume restarts it") {
  subject w;
  w.given(create());
  CHECK(types(w.when(suspend_webhook{"status 500", t0 - 3600 * sec, 42, t0})) ==
        "webhook.suspended");
  CHECK(w.s.st == webhook_status::suspended);
  CHECK(w.s.last_error == "status 500");
  CHECK(types(w.when(suspend_webhook{"status 500", t0, 42, t0})) == "");
  CHECK(types(w.when(resume_webhook{t0})) == "webhook.resumed");
  CHECK(w.s.last_error.empty());
  w.given(pause_webhook{"by hand", t0});
  CHECK(types(w.when(suspend_webhook{"timeout", t0, 43, t0})) == "");
  CHECK(w.s.st == webhook_status::paused);
}

TEST_CASE("webhook: delete is terminal, repeated harmlessly, and forgets the secret") {
  subject w;
  w.given(create());
  CHECK(types(w.when(delete_webhook{t0})) == "webhook.deleted");
  CHECK(is_terminal(w.s));
  CHECK(w.s.secret.empty());
  CHECK(types(w.when(delete_webhook{t0})) == "");
  then_rejected(w.when(pause_webhook{"", t0}), "no_such_webhook");
  then_rejected(w.when(update_webhook{"https://x.example.com/", std::nullopt, false, t0}),
                "no_such_webhook");
  then_rejected(w.when(create()), "webhook_exists");
}

TEST_CASE("webhook: commands on a subscription that does not exist are refused") {
  subject w;
  then_rejected(w.when(pause_webhook{"", t0}), "no_such_webhook");
  then_rejected(w.when(resume_webhook{t0}), "no_such_webhook");
  then_rejected(w.when(delete_webhook{t0}), "no_such_webhook");
  then_rejected(w.when(suspend_webhook{"", t0, 1, t0}), "no_such_webhook");
}

TEST_CASE("webhook URLs: what parses and what does not") {
  auto ok = [](std::string_view u) { return std::get<target_url>(parse_url(u)); };
  CHECK(ok("https://crm.example.com") == target_url{true, "crm.example.com", 443, "/"});
  CHECK(ok("http://Crm.Example.com:8080/a/b?x=1") ==
        target_url{false, "crm.example.com", 8080, "/a/b?x=1"});
  CHECK(ok("http://[::1]:81/h") == target_url{false, "::1", 81, "/h"});
  CHECK(ok("http://h.example?q") == target_url{false, "h.example", 80, "/?q"});
  CHECK(ok("http://[1:2:3:4:5:6:7:8]/") == target_url{false, "1:2:3:4:5:6:7:8", 80, "/"});
  CHECK(ok("http://[::ffff:8.8.8.8]/").host == "::ffff:8.8.8.8");
  CHECK(ok("http://8.8.8.8/").host == "8.8.8.8");
  CHECK(ok("http://web1.example.com/").host == "web1.example.com");
  for (std::string_view bad : {"",
                               "crm.example.com/x",
                               "HTTPS://x.example.com",
                               "ws://x.example.com",
                               "https://u@x.example.com/",
                               "https://u:p@x.example.com/",
                               "https://x.example.com/#f",
                               "https://x.example.com/a b",
                               "https://:80/",
                               "https://x.example.com:0/",
                               "https://x.example.com:70000/",
                               "https://x.example.com:/",
                               "https://[::1/",
                               "https://[nope]/",
                               "https://x_y.example.com/",
                               "https://.x.example.com/",
                               "https://a..b/",
                               "http://0177.0.0.1/",
                               "http://2130706433/",
                               "http://127.1/",
                               "http://1.2.3.04/",
                               "http://256.1.1.1/",
                               "https://[1::2::3]/",
                               "https://[1:2:3:4:5:6:7:8:9]/",
                               "https://[12345::1]/",
                               "https://[fe80::1%25eth0]/"}) {
    CAPTURE(bad);
    CHECK(std::holds_alternative<std::string>(parse_url(bad)));
  }
  CHECK(std::holds_alternative<std::string>(
      parse_url("https://x.example.com/" + std::string(3000, 'a'))));
}

TEST_CASE("webhook URLs: loopback, private, link-local and reserved hosts are private") {
  for (std::string_view h : {"localhost", "api.localhost", "127.0.0.1", "127.9.9.9", "10.0.0.1",
                             "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                             "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1",
                             "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"}) {
    CAPTURE(h);
    CHECK(is_private_host(h));
  }
  for (std::string_view h : {"crm.example.com", "8.8.8.8", "172.32.0.1", "100.128.0.1",
                             "2606:4700::1111", "::ffff:8.8.8.8"}) {
    CAPTURE(h);
    CHECK_FALSE(is_private_host(h));
  }
  CHECK(is_private_address("not an address"));
  CHECK(check_url("http://localhost:8080/", true) == std::nullopt);
  CHECK(check_url("http://localhost:8080/", false)->code == "private_url");
  CHECK(check_url("gopher://x", true)->code == "invalid_url");
}

TEST_CASE("webhook types: patterns select exact names, prefixes or everything") {
  CHECK(type_matches("*", "call.ended"));
  CHECK(type_matches("call.*", "call.ended"));
  CHECK_FALSE(type_matches("call.*", "callback.x"));
  CHECK_FALSE(type_matches("call.*", "agent.ready"));
  CHECK(type_matches("call.ended", "call.ended"));
  CHECK_FALSE(type_matches("call.ended", "call.ended2"));
  CHECK(matches_any({"agent.ready", "call.*"}, "call.queued"));
  CHECK_FALSE(matches_any({"agent.ready"}, "call.queued"));
  CHECK(deliverable("call.ended"));
  CHECK(deliverable("user.disabled"));
  CHECK_FALSE(deliverable("webhook.subscribed"));
  CHECK_FALSE(deliverable("session.opened"));
  CHECK_FALSE(deliverable("user.created"));
  CHECK_FALSE(deliverable("user.password_changed"));
  CHECK(std::find(known_types().begin(), known_types().end(), "call.ended") != known_types().end());
}

TEST_CASE("webhook types: a bad list is refused naming the pattern") {
  CHECK(check_types({"*"}) == std::nullopt);
  CHECK(check_types({"call.ended", "agent.*", "user.disabled"}) == std::nullopt);
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{},
                                             {"call.ended", "call.ended"},
                                             {"Call.Ended"},
                                             {"call.*.x"},
                                             {"*.ended"},
                                             {".*"},
                                             {"nope.*"},
                                             {"call.endd"},
                                             {"webhook.*"},
                                             {"session.opened"},
                                             {""},
                                             std::vector<std::string>(33, "x")}) {
    auto r = check_types(bad);
    REQUIRE(r.has_value());
    CHECK(r->code == "invalid_types");
  }
  CHECK(check_types({"nope.*"})->detail.find("nope.*") != std::string::npos);
}

TEST_CASE("webhook retries: exponential back-off from 1 s, capped at 1 h, with equal jitter") {
  CHECK(retry_delay_ns(1, 0.0) == sec / 2);
  CHECK(retry_delay_ns(1, 0.999999) <= sec);
  CHECK(retry_delay_ns(1, 0.999999) > sec / 2);
  CHECK(retry_delay_ns(2, 0.0) == sec);
  CHECK(retry_delay_ns(3, 0.0) == 2 * sec);
  CHECK(retry_delay_ns(4, 0.5) == 6 * sec);
  CHECK(retry_delay_ns(12, 0.0) == 1024 * sec);
  CHECK(retry_delay_ns(13, 0.0) == 1800 * sec); // 4096 s capped at 3600
  CHECK(retry_delay_ns(13, 1.0) == 3600 * sec);
  CHECK(retry_delay_ns(40, 0.0) == 1800 * sec);
  CHECK(retry_delay_ns(1000, 1.0) == 3600 * sec);
  // Retry-After: never sooner, never over the cap.
  CHECK(retry_delay_ns(1, 0.0, 30 * sec) == 30 * sec);
  CHECK(retry_delay_ns(1, 0.0, 7200 * sec) == 3600 * sec);
  CHECK(retry_delay_ns(20, 0.0, sec) == 1800 * sec);
  // Out-of-range jitter is clamped, not trusted.
  CHECK(retry_delay_ns(2, -5.0) == sec);
  CHECK(retry_delay_ns(2, 7.0) == 2 * sec);
}
