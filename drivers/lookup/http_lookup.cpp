#include "drivers/lookup/http_lookup.hpp"

#include <chrono>
#include <variant>

#include <nlohmann/json.hpp>

#include "drivers/http_client/http_client.hpp"
#include "drivers/lookup/request_template.hpp"
#include "events/webhooks/webhook_rules.hpp"

namespace hotline::drivers::lookup {

namespace {

using ports::lookup_answer;
using ports::lookup_status;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool retryable(const http::http_reply& r) {
  return r.status == 0 || r.status == 429 || r.status >= 500;
}

std::string value_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return {};
  return v.dump();
}

} // namespace

http_lookup::http_lookup(http_lookup_options opts)
    : opts_(std::move(opts)), breaker_(opts_.breaker) {
  if (!opts_.now_ns) opts_.now_ns = steady_ns;
}

http_lookup_options http_lookup::options_of(const events::ivr::node& n) {
  http_lookup_options o;
  o.request = n.http;
  o.fields = n.fields;
  return o;
}

circuit_breaker::state http_lookup::breaker_state() const {
  std::lock_guard lock(m_);
  return breaker_.at(opts_.now_ns());
}

ports::lookup_answer http_lookup::find(const ports::variables& vars) {
  const auto started = std::chrono::steady_clock::now();
  lookup_answer a;
  bool allowed = false;
  {
    std::lock_guard lock(m_);
    allowed = breaker_.allow(opts_.now_ns());
    if (!allowed)
      a.reason = "circuit open: " + std::to_string(breaker_.consecutive_failures()) +
                 " failed lookups in a row; no request sent";
  }
  if (allowed) {
    a = ask(vars);
    std::lock_guard lock(m_);
    if (a.status == lookup_status::failed)
      breaker_.on_failure(opts_.now_ns());
    else
      breaker_.on_success();
  }
  a.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (opts_.metrics) opts_.metrics->record(ports::lookup_metrics::source_kind::http, a);
  return a;
}

ports::lookup_answer http_lookup::ask(const ports::variables& vars) {
  lookup_answer a;
  const auto& t = opts_.request;
  const auto url = fill_url(t.url, vars);
  auto parsed = events::webhooks::parse_url(url);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    a.reason = "bad URL " + url + ": " + *why;
    return a;
  }
  http::http_call c;
  c.user_agent = "hotline-ivr-lookup";
  c.method = t.method;
  c.url = std::get<events::webhooks::target_url>(parsed);
  if (t.method == "POST") c.body = fill_json(t.body.empty() ? "{}" : t.body, vars);
  c.timeout = std::chrono::milliseconds(t.timeout_ms);
  http::http_reply r;
  for (int attempt = 0; attempt <= t.retries; ++attempt) {
    ++a.tries;
    r = http::http_exchange(c);
    if (r.body_too_large) { // a status, but no body to read the fields from
      r.status = 0;
      r.error = "the response is larger than 1 MiB";
    }
    if (!retryable(r)) break;
  }
  if (r.status == 404) {
    a.status = lookup_status::not_found;
    a.reason = "HTTP 404";
    return a;
  }
  if (r.status == 0) {
    a.reason = r.error + " (" + std::to_string(a.tries) + (a.tries == 1 ? " try)" : " tries)");
    return a;
  }
  if (r.status < 200 || r.status >= 300) {
    a.reason = "HTTP " + std::to_string(r.status) + " (" + std::to_string(a.tries) +
               (a.tries == 1 ? " try)" : " tries)");
    return a;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(r.body);
  } catch (const nlohmann::json::parse_error& e) {
    a.reason = std::string("the response is not JSON: ") + e.what();
    return a;
  }
  ports::variables values;
  for (const auto& [pointer, variable] : opts_.fields) {
    try {
      const nlohmann::json::json_pointer p(pointer);
      if (!doc.contains(p)) {
        a.reason = "the response has no " + (pointer.empty() ? std::string("document") : pointer);
        return a;
      }
      values[variable] = value_text(doc.at(p));
    } catch (const nlohmann::json::exception& e) {
      a.reason = "cannot read " + pointer + " in the response: " + e.what();
      return a;
    }
  }
  a.status = lookup_status::found;
  a.values = std::move(values);
  return a;
}

} // namespace hotline::drivers::lookup
