// The node's health for operators and admins (docs/api.md, "Health"):
// what the health feed samples every second, and `GET /api/health`. The
// WebSocket `/api/feed/health` is opened in node_api::on_upgrade.
#include <cmath>
#include <set>

#include <caf/all.hpp>

#include "actors/federation_actor.hpp"
#include "drivers/api/api_exchange.hpp"
#include "drivers/api/health_feed.hpp"
#include "events/federation/site_reachability.hpp"
#include "projections/live/live_view.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;

namespace {

/// The other sites as the federation actor sees them: none without a
/// federation; `error` says when the actor did not answer (within 500 ms).
std::vector<actors::site_view> federation_sites(node_api::impl& api, std::string& error) {
  std::vector<actors::site_view> out;
  if (!api.ctx->federation) return out;
  caf::scoped_actor asker{api.sys};
  asker->request(api.ctx->federation, std::chrono::milliseconds(500), actors::sites_atom::value)
      .receive([&](std::vector<actors::site_view>& seen) { out = std::move(seen); },
               [&](caf::error&) { error = "the federation actor did not answer"; });
  return out;
}

} // namespace

nlohmann::json node_api::impl::health_sample() {
  using clock_t = std::chrono::steady_clock;
  const auto head = store.head_position();
  const auto at = clock_t::now();
  double rate = 0;
  if (last_health_at != clock_t::time_point{} && at > last_health_at && head >= last_health_head)
    rate = double(head - last_health_head) /
           std::chrono::duration<double>(at - last_health_at).count();
  last_health_head = head;
  last_health_at = at;

  nlohmann::json node{{"site", ctx->store.site},
                      {"store",
                       {{"position", head},
                        {"appended_per_s", std::round(rate * 10) / 10},
                        {"feed_position", hub.position()}}}};
  if (opt.published_position) {
    const auto pub = opt.published_position();
    node["relay"] = {{"published", pub}, {"lag", head > pub ? head - pub : 0}};
  } else {
    node["relay"] = nullptr;
  }
  // The other sites as the federation actor sees them (no federation: none).
  auto sites = nlohmann::json::array();
  std::string sites_error;
  for (const auto& v : federation_sites(*this, sites_error)) {
    int ready = 0, waiting = 0;
    for (const auto& q : v.status.queues) {
      ready += q.agents_ready;
      waiting += q.calls_waiting;
    }
    sites.push_back({{"site", v.status.site},
                     {"age_s", v.age_ms / 1000},
                     {"fresh", v.age_ms <= ctx->interflow.max_status_age_ms},
                     {"queues", v.status.queues.size()},
                     {"agents_ready", ready},
                     {"calls_waiting", waiting}});
  }
  if (!sites_error.empty()) node["sites_error"] = sites_error;
  node["sites"] = sites;
  const auto feeds = hub.stats();
  nlohmann::json api_part{{"feed_sessions", feeds.sessions},
                          {"health_sessions", health ? health->sessions() : 0}};
  if (const auto* t = transport.load()) {
    const auto s = t->stats();
    api_part["connections_open"] = s.connections_open;
    api_part["websockets_open"] = s.websockets_open;
  }
  node["api"] = api_part;

  auto trunks = nlohmann::json::array();
  auto tenants = nlohmann::json::object();
  const auto now = now_ns();
  hub.read([&](const projections::live::live_view& v) {
    for (const auto& [id, t] : v.trunks()) {
      const auto busy = static_cast<int>(t.busy.size());
      auto down = nlohmann::json::array();
      for (const auto& [peer, why] : t.peers_down)
        down.push_back({{"peer", peer}, {"reason", why}});
      trunks.push_back({{"id", id},
                        {"channels", t.channels},
                        {"busy", busy},
                        {"free", t.channels > busy ? t.channels - busy : 0},
                        {"up", t.up()},
                        {"peers_down", down}});
    }
    for (const auto& [id, a] : v.agents()) {
      auto& n = tenants[a.tenant]["agents"][std::string{projections::live::to_string(a.activity)}];
      n = n.is_null() ? 1 : n.get<int>() + 1;
    }
    for (const auto& [id, q] : v.queues())
      tenants[q.tenant]["queues"].push_back({{"id", id},
                                             {"waiting", q.waiting.size()},
                                             {"oldest_wait_s", q.oldest_wait_ms(now) / 1000}});
  });
  node["trunks"] = trunks;
  return {{"node", node}, {"tenants", tenants}};
}

namespace {

/// GET /api/health: the last sample, as the user may see it.
void health(node_api::impl& api, const exchange_ptr& ex) {
  auto view = api.health ? api.health->snapshot(ex->who) : nlohmann::json{};
  if (!ex->who.roles.count(identity::role::operator_) &&
      !ex->who.roles.count(identity::role::admin))
    return ex->fail(403, "forbidden", "the node's health is for operators and admins");
  if (view.is_null()) return ex->fail(503, "starting", "no health sample yet");
  ex->reply(200, view);
}

/// GET /api/sites: the federation view (operators): each other site's
/// reachability and queues, and the calls moved to and from it.
void sites(node_api::impl& api, const exchange_ptr& ex) {
  if (!ex->who.roles.count(identity::role::operator_))
    return ex->fail(403, "forbidden", "the federation view is for operators");
  // Asking the federation actor waits for it: never on the I/O thread.
  api.checks.post([&api, ex] {
    namespace fed = events::federation;
    fed::reachability_limits limits;
    limits.max_status_age_ms = api.ctx->interflow.max_status_age_ms;
    std::string error;
    const auto seen = federation_sites(api, error);
    auto moves = api.hub.site_moves();
    auto out = nlohmann::json::array();
    std::set<std::string> listed;
    for (const auto& v : seen) {
      int ready = 0, waiting = 0, logged_in = 0;
      std::optional<double> worst_sl;
      auto queues = nlohmann::json::array();
      for (const auto& q : v.status.queues) {
        ready += q.agents_ready;
        waiting += q.calls_waiting;
        logged_in += q.agents_logged_in;
        if (q.service_level && (!worst_sl || *q.service_level < *worst_sl))
          worst_sl = q.service_level;
        queues.push_back({{"queue", q.queue},
                          {"agents_logged_in", q.agents_logged_in},
                          {"agents_ready", q.agents_ready},
                          {"calls_waiting", q.calls_waiting},
                          {"ewt_ms", q.ewt_ms < 0 ? nlohmann::json() : nlohmann::json(q.ewt_ms)},
                          {"service_level",
                           q.service_level ? nlohmann::json(*q.service_level) : nlohmann::json()}});
      }
      listed.insert(v.status.site);
      out.push_back(
          {{"site", v.status.site},
           {"state", fed::to_string(fed::reachability(v.age_ms, limits))},
           {"age_ms", v.age_ms},
           {"agents_logged_in", logged_in},
           {"agents_ready", ready},
           {"calls_waiting", waiting},
           {"service_level", worst_sl ? nlohmann::json(*worst_sl) : nlohmann::json()},
           {"queues", queues},
           {"moves", moves.contains(v.status.site) ? moves[v.status.site] : nlohmann::json()}});
    }
    // A site calls moved to or from but not heard of now (never, or forgotten): down.
    for (const auto& [site, counts] : moves.items()) {
      if (listed.count(site)) continue;
      out.push_back({{"site", site},
                     {"state", "down"},
                     {"age_ms", nullptr},
                     {"agents_logged_in", 0},
                     {"agents_ready", 0},
                     {"calls_waiting", 0},
                     {"service_level", nullptr},
                     {"queues", nlohmann::json::array()},
                     {"moves", counts}});
    }
    nlohmann::json body{{"site", api.ctx->store.site},
                        {"federation", static_cast<bool>(api.ctx->federation)},
                        {"max_status_age_ms", limits.max_status_age_ms},
                        {"down_after_ms", limits.down_after_ms},
                        {"sites", out}};
    if (!error.empty()) body["error"] = error;
    ex->reply(200, body);
  });
}

} // namespace

void add_health_routes(node_api::impl& api) {
  api.add("GET", "/api/sites",
          "The federation view: each other site's state (up, stale, down), agents, waiting, "
          "service level, and the calls moved to and from it",
          "operator", sites);
  api.add("GET", "/api/health",
          "The node's health: store, relay, sites, API sessions, trunks (operator); its "
          "tenant's agents and queues (admin). Live: WebSocket /api/feed/health",
          "operator; admin (its tenant)", health);
}

} // namespace hotline::drivers::api
