// The node API's core: routing, authentication, rate limits, answers, the
// bridges to the actors, the health probes, /metrics and the OpenAPI
// document. The routes themselves are in session_routes.cpp,
// agent_routes.cpp, read_routes.cpp and admin_routes.cpp.
#include "drivers/api/node_api.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "actors/audit_record.hpp"
#include "actors/identity_actor.hpp"
#include "drivers/api/api_exchange.hpp"
#include "drivers/api/metrics_text.hpp"
#include "drivers/api/openapi.hpp"
#include "drivers/api/passwords.hpp"
#include "drivers/log/log.hpp"
#include "events/codec.hpp"
#include "projections/live/live_view.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in{path};
  while (std::getline(in, part, '/'))
    if (!part.empty()) out.push_back(part);
  return out;
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// The session cookie or the bearer token of a request; empty when none.
std::string credential_of(const http_request& req) {
  auto auth = req.header("authorization");
  if (auth.size() > 7 && (auth.rfind("Bearer ", 0) == 0 || auth.rfind("bearer ", 0) == 0))
    return auth.substr(7);
  return req.cookie("hotline_session");
}

/// A command's body: JSON objects only (a browser cannot send that
/// cross-site without a CORS preflight, which is closed). False when it
/// answered 415 or 400 itself.
bool parse_body(const exchange_ptr& ex) {
  const auto& m = ex->req.method;
  if (m != "POST" && m != "PUT" && m != "PATCH") return true;
  auto type = ex->req.header("content-type");
  if (ex->req.body.empty() && type.empty()) return true;
  if (type.rfind("application/json", 0) != 0) {
    ex->fail(415, "unsupported_media_type", "the body must be application/json");
    return false;
  }
  if (ex->req.body.empty()) return true;
  auto j = nlohmann::json::parse(ex->req.body, nullptr, false);
  if (j.is_discarded()) {
    ex->fail(400, "malformed_json", "the body is not valid JSON");
    return false;
  }
  if (!j.is_object()) {
    ex->fail(400, "malformed_json", "the body must be a JSON object");
    return false;
  }
  ex->body = std::move(j);
  return true;
}

} // namespace

// -- exchange -------------------------------------------------------------------

void exchange::reply(int status, const nlohmann::json& j,
                     std::vector<std::pair<std::string, std::string>> headers) {
  http_response r;
  r.status = status;
  r.body = dump(j);
  r.headers = std::move(headers);
  if (reply_to) reply_to(std::move(r));
  reply_to = nullptr;
}

void exchange::fail(int status, const std::string& code, const std::string& detail,
                    std::vector<std::pair<std::string, std::string>> headers) {
  reply(status, {{"error", code}, {"detail", detail}}, std::move(headers));
}

// -- rate limits and the worker ---------------------------------------------------

double rate_limiter::take(const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock{m_};
  if (buckets_.size() > 100'000) buckets_.clear(); // bounded: a flood of keys forgets them all
  auto [it, fresh] = buckets_.try_emplace(key, bucket{burst_, now});
  auto& b = it->second;
  if (!fresh) {
    b.tokens =
        std::min(burst_, b.tokens + std::chrono::duration<double>(now - b.at).count() * per_s_);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return (1 - b.tokens) / per_s_;
}

worker::worker()
    : t_([this] {
        for (;;) {
          std::function<void()> job;
          {
            std::unique_lock lock{m_};
            cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
            if (jobs_.empty()) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
          }
          job();
        }
      }) {}

worker::~worker() {
  {
    std::lock_guard lock{m_};
    stop_ = true;
  }
  cv_.notify_all();
  t_.join();
}

void worker::post(std::function<void()> job) {
  {
    std::lock_guard lock{m_};
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

// -- field helpers ------------------------------------------------------------------

std::optional<std::string> string_field(const exchange_ptr& ex, const char* name, bool required,
                                        std::size_t max_len) {
  auto it = ex->body.find(name);
  if (it == ex->body.end() || it->is_null()) {
    if (required) ex->fail(400, "missing_field", std::string{"field '"} + name + "' is required");
    return required ? std::nullopt : std::optional<std::string>{""};
  }
  if (!it->is_string()) {
    ex->fail(400, "invalid_field", std::string{"field '"} + name + "' must be a string");
    return std::nullopt;
  }
  auto v = it->get<std::string>();
  if (v.size() > max_len) {
    ex->fail(400, "invalid_field",
             std::string{"field '"} + name + "' is longer than " + std::to_string(max_len) +
                 " characters");
    return std::nullopt;
  }
  return v;
}

std::optional<std::vector<std::string>> strings_field(const exchange_ptr& ex, const char* name,
                                                      bool required) {
  auto it = ex->body.find(name);
  if (it == ex->body.end() || it->is_null()) {
    if (required) ex->fail(400, "missing_field", std::string{"field '"} + name + "' is required");
    return required ? std::nullopt
                    : std::optional<std::vector<std::string>>{std::vector<std::string>{}};
  }
  std::vector<std::string> out;
  if (it->is_array() && it->size() <= 1000)
    for (const auto& x : *it) {
      if (!x.is_string() || x.get<std::string>().size() > 256) {
        out.clear();
        break;
      }
      out.push_back(x.get<std::string>());
    }
  if (!it->is_array() || out.size() != it->size()) {
    ex->fail(400, "invalid_field",
             std::string{"field '"} + name + "' must be an array of at most 1000 strings");
    return std::nullopt;
  }
  return out;
}

void answer_refusal(const exchange_ptr& ex, const std::string& code, const std::string& detail) {
  if (code == "unknown_command") return ex->fail(400, code, detail);
  if (code == "unavailable") return ex->fail(503, code, detail);
  ex->fail(409, code, detail);
}

std::function<void(std::string, std::string)> done_or_refusal(const exchange_ptr& ex) {
  return [ex](std::string code, std::string detail) {
    if (!code.empty()) return answer_refusal(ex, code, detail);
    ex->reply(200, {{"status", "done"}});
  };
}

// -- impl -----------------------------------------------------------------------------

node_api::impl::impl(caf::actor_system& s, std::shared_ptr<actors::acd_context> c,
                     ports::event_store& st, caf::actor id, const actors::time_source& cl,
                     feed_hub& h, api_options o)
    : sys(s), ctx(std::move(c)), store(st), identity(std::move(id)), clock(cl), hub(h), opt(o),
      per_user(o.requests_per_s, o.burst),
      per_address_login(o.logins_per_min_per_address / 60.0, o.logins_per_min_per_address) {}

void node_api::impl::add(std::string method, std::string path, std::string summary,
                         std::string roles, std::function<void(impl&, const exchange_ptr&)> run,
                         bool authenticated) {
  route r;
  r.parts = split_path(path);
  r.info = {std::move(method), std::move(path), std::move(summary), std::move(roles),
            authenticated};
  r.run = std::move(run);
  routes.push_back(std::move(r));
}

void node_api::impl::observe(int status, std::chrono::steady_clock::duration took) {
  const double s = std::chrono::duration<double>(took).count();
  std::lock_guard lock{metrics_m};
  ++requests;
  ++by_status[status];
  latency_sum += s;
  std::size_t i = 0;
  while (i < latency_bounds.size() && s > latency_bounds[i])
    ++i;
  ++latency_counts[i];
}

void node_api::impl::ask_acd(caf::actor target, const exchange_ptr& ex, caf::message inner,
                             std::function<void(std::string, std::string)> done) {
  if (!target) return done("unavailable", "the actor is not running");
  const auto timeout = opt.actor_timeout;
  sys.spawn([target, user = ex->who.username, inner, done, timeout](caf::event_based_actor* self) {
    self->request(target, timeout, actors::api_atom::value, user, inner)
        .then([done](actors::api_atom, const std::string& code,
                     const std::string& detail) { done(code, detail); },
              [done](caf::error& e) {
                done("unavailable", "no answer from the actor: " + caf::to_string(e));
              });
  });
}

void node_api::impl::ask_identity(caf::message msg, std::function<void(caf::message)> done) {
  // The identity actor answers with one of several shapes (ok or refused):
  // a plain send, whose answer comes back as a message the default handler
  // takes whatever its shape, and a timeout.
  const auto timeout = opt.actor_timeout;
  auto target = identity;
  sys.spawn([target, msg, done, timeout](caf::event_based_actor* self) -> caf::behavior {
    self->set_default_handler(
        [done](caf::scheduled_actor* s, caf::message_view& v) -> caf::result<caf::message> {
          done(v.move_content_to_message());
          s->quit();
          return caf::message{};
        });
    self->send(target, msg);
    return {caf::after(timeout) >> [self, done] {
      done(caf::message{});
      self->quit();
    }};
  });
}

bool node_api::impl::allowed(const exchange_ptr& ex, identity::action what,
                             const identity::resource& res) {
  switch (identity::authorize(ex->who, what, res)) {
  case identity::decision::allow:
    return true;
  case identity::decision::forbidden:
    ex->fail(403, "forbidden",
             "your roles may not " + std::string{events::to_wire(what)} + " here");
    return false;
  case identity::decision::not_found:
    break;
  }
  ex->fail(404, "not_found", "no such object");
  return false;
}

std::optional<identity::resource> node_api::impl::agent_resource(const exchange_ptr& ex,
                                                                 const std::string& agent_id) {
  const auto* def = ctx->find_agent(agent_id);
  if (!def) {
    ex->fail(404, "not_found", "no agent '" + agent_id + "'");
    return std::nullopt;
  }
  identity::resource r;
  r.tenant = def->tenant;
  r.agent_id = def->id;
  r.agent_queues = def->queues;
  hub.read([&](const projections::live::live_view& v) {
    if (const auto* a = v.find_agent(agent_id); a && !a->queues.empty()) r.agent_queues = a->queues;
  });
  return r;
}

void node_api::impl::audit_read(const exchange_ptr& ex, const std::string& kind,
                                const std::string& subject) {
  static std::atomic<std::uint64_t> counter{0};
  const auto now = now_ns();
  const auto& site = ctx->store.site;
  actors::append_audit_record(
      ctx->store,
      site + "/read/" + ex->who.username + "/" + std::to_string(now) + "/" +
          std::to_string(counter++),
      events::data_read{kind, subject, ex->route}, ex->who.tenant,
      events::principal::user(ex->who.username), now, {}, [site](const events::status& why) {
        drivers::log::error("api", "audit of a read not stored: " + why.message(), site);
      });
}

void node_api::impl::dispatch(const exchange_ptr& ex) {
  const auto parts = split_path(ex->req.path);
  const route* found = nullptr;
  bool path_known = false;
  for (const auto& r : routes) {
    if (r.parts.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (std::size_t i = 0; i < parts.size() && match; ++i) {
      const auto& p = r.parts[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}')
        params[p.substr(1, p.size() - 2)] = parts[i];
      else
        match = p == parts[i];
    }
    if (!match) continue;
    path_known = true;
    if (r.info.method != ex->req.method) continue;
    found = &r;
    ex->params = std::move(params);
    break;
  }
  if (!found) {
    // The web pages own every path outside /api/ that no route has (docs/web.md).
    if (!path_known && !ex->req.path.starts_with("/api/")) {
      if (ex->reply_to) ex->reply_to(site.serve(ex->req));
      ex->reply_to = nullptr;
      return;
    }
    if (path_known)
      return ex->fail(405, "method_not_allowed",
                      ex->req.method + " is not allowed on " + ex->req.path);
    return ex->fail(404, "not_found", "no route " + ex->req.method + " " + ex->req.path);
  }
  ex->route = found->info.method + " " + found->info.path;
  const auto run = found->run;
  // The body is read only once the sender is known (and not rate limited).
  if (!found->info.authenticated) {
    if (parse_body(ex)) run(*this, ex);
    return;
  }
  const auto credential = credential_of(ex->req);
  if (credential.empty())
    return ex->fail(401, "unauthenticated", "log in (POST /api/login) or send a bearer token",
                    {{"WWW-Authenticate", "Bearer"}});
  ex->token_sha256 = token_sha256_hex(credential);
  ask_identity(caf::make_message(actors::authenticate_atom::value, ex->token_sha256, now_ns()),
               [this, ex, run](caf::message m) {
                 if (!m.match_elements<caf::ok_atom, identity::principal_view>())
                   return ex->fail(401, "unauthenticated",
                                   "the session or token is unknown, expired or revoked",
                                   {{"WWW-Authenticate", "Bearer"}});
                 ex->who = m.get_as<identity::principal_view>(1);
                 if (auto wait = per_user.take(ex->who.username, std::chrono::steady_clock::now());
                     wait > 0)
                   return ex->fail(429, "rate_limited", "too many requests",
                                   {{"Retry-After", std::to_string(int(std::ceil(wait)))}});
                 if (parse_body(ex)) run(*this, ex);
               });
}

// -- node_api ---------------------------------------------------------------------------

namespace {

void add_ops_routes(node_api::impl& api) {
  api.add(
      "GET", "/healthz", "Liveness: the process answers", "anyone",
      [](node_api::impl&, const exchange_ptr& ex) {
        ex->reply(200, {{"status", "ok"}});
      },
      false);
  api.add(
      "GET", "/readyz", "Readiness: the ACD is up and the feeds caught up with the store", "anyone",
      [](node_api::impl& api, const exchange_ptr& ex) {
        const auto failure = api.hub.failure();
        if (!failure.empty()) return ex->fail(503, "feeds_stopped", failure);
        if (!api.ready.load()) return ex->fail(503, "starting", "the ACD is starting");
        if (!api.hub.caught_up())
          return ex->fail(503, "catching_up",
                          "the feeds are at position " + std::to_string(api.hub.position()) +
                              " of " + std::to_string(api.store.head_position()));
        ex->reply(200, {{"status", "ready"}, {"position", api.hub.position()}});
      },
      false);
  api.add(
      "GET", "/metrics", "Prometheus metrics (text exposition format 0.0.4)", "anyone",
      [](node_api::impl& api, const exchange_ptr& ex) {
        http_response r;
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        r.body = metrics_text(api);
        if (ex->reply_to) ex->reply_to(std::move(r));
        ex->reply_to = nullptr;
      },
      false);
  api.add(
      "GET", "/api/openapi.json", "This API as an OpenAPI 3 document", "anyone",
      [](node_api::impl& api, const exchange_ptr& ex) {
        std::vector<route_info> infos;
        for (const auto& r : api.routes)
          infos.push_back(r.info);
        ex->reply(200, nlohmann::json::parse(openapi_document(infos)));
      },
      false);
}

} // namespace

node_api::node_api(caf::actor_system& sys, std::shared_ptr<actors::acd_context> ctx,
                   ports::event_store& store, caf::actor identity, const actors::time_source& clock,
                   feed_hub& hub, api_options o)
    : d_(std::make_unique<impl>(sys, std::move(ctx), store, std::move(identity), clock, hub, o)) {
  add_ops_routes(*d_);
  add_session_routes(*d_);
  add_agent_routes(*d_);
  add_read_routes(*d_);
  add_admin_routes(*d_);
  add_config_routes(*d_);
  add_create_routes(*d_);
  add_settings_routes(*d_);
  add_kpi_routes(*d_);
  add_recording_routes(*d_);
  add_flow_routes(*d_);
  add_health_routes(*d_);
  d_->health = std::make_unique<health_feed>([d = d_.get()] { return d->health_sample(); });
  d_->health->start();
  add_voicemail_routes(*d_);
  d_->voicemail = std::make_unique<voicemail_box>(store, d_->ctx ? d_->ctx->store.site : "");
  if (auto st = d_->voicemail->recover(); !st) {
    drivers::log::error("api", "voicemail unavailable: " + st.message());
    d_->voicemail.reset();
  } else {
    d_->voicemail->watch(); // a completed call back marks its message
  }
  add_webhook_routes(*d_);
  d_->webhooks = std::make_unique<webhook_registry>(store, d_->ctx ? d_->ctx->store.site : "");
  if (auto st = d_->webhooks->recover(); !st) {
    d_->webhooks_failure = st.message();
    drivers::log::error("api", "webhooks stopped: " + st.message());
    d_->webhooks.reset();
    return;
  }
  auto wo = d_->opt.webhooks;
  if (!wo.now_ns) wo.now_ns = [&clock] { return clock.now_ns(); };
  d_->deliveries = std::make_unique<webhook_dispatcher>(store, *d_->webhooks, std::move(wo));
  d_->deliveries->start();
}

voicemail_box* node_api::voicemail() {
  return d_->voicemail.get();
}

node_api::~node_api() {
  // Deliveries stop first: their threads use the registry and the store.
  if (d_->deliveries) d_->deliveries->stop();
}

void node_api::on_request(http_request req, reply_fn reply) {
  auto ex = std::make_shared<exchange>();
  ex->req = std::move(req);
  auto* d = d_.get();
  const auto started = ex->started;
  ex->reply_to = [d, started, reply = std::move(reply)](http_response r) {
    d->observe(r.status, std::chrono::steady_clock::now() - started);
    reply(std::move(r));
  };
  d_->dispatch(ex);
}

std::shared_ptr<ws_handler> node_api::on_upgrade(const http_request& req, http_response& refusal) {
  auto fail = [&](int status, const std::string& code, const std::string& detail) {
    refusal.status = status;
    refusal.body = dump({{"error", code}, {"detail", detail}});
    return nullptr;
  };
  const bool health = req.path == "/api/feed/health";
  if (req.path != "/api/feed" && !health)
    return fail(404, "not_found", "WebSocket feeds are at /api/feed and /api/feed/health");
  std::uint64_t since = 0;
  if (auto it = req.query.find("since"); it != req.query.end()) {
    try {
      std::size_t used = 0;
      since = std::stoull(it->second, &used);
      if (used != it->second.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      return fail(400, "invalid_field", "query parameter 'since' must be a sequence number");
    }
  }
  const auto credential = credential_of(req);
  if (credential.empty())
    return fail(401, "unauthenticated", "log in (POST /api/login) or send a bearer token");
  // The one place the I/O thread waits for an actor: an upgrade is answered at once.
  caf::scoped_actor asker{d_->sys};
  std::optional<events::identity::principal_view> who;
  asker->send(d_->identity, actors::authenticate_atom::value, token_sha256_hex(credential),
              d_->now_ns());
  asker->receive([&](caf::ok_atom, const events::identity::principal_view& p) { who = p; },
                 [&](actors::refused_atom, const std::string&, const std::string&) {},
                 caf::after(d_->opt.actor_timeout) >> [] {});
  if (!who) return fail(401, "unauthenticated", "the session or token is unknown or expired");
  if (health) {
    if (!who->roles.count(identity::role::operator_) && !who->roles.count(identity::role::admin))
      return fail(403, "forbidden", "the health feed is for operators and admins");
    return d_->health->open_session(std::move(*who));
  }
  return d_->hub.open_session(std::move(*who), since);
}

void node_api::set_ready(bool ready) {
  d_->ready = ready;
}
void node_api::set_transport(const http_server* server) {
  d_->transport = server;
}

std::vector<route_info> node_api::routes() const {
  std::vector<route_info> out;
  for (const auto& r : d_->routes)
    out.push_back(r.info);
  return out;
}

std::string node_api::openapi() const {
  return openapi_document(routes());
}

} // namespace hotline::drivers::api
