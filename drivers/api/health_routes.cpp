// The node's health for operators and admins (docs/api.md, "Health"):
// what the health feed samples every second, and `GET /api/health`. The
// WebSocket `/api/feed/health` is opened in node_api::on_upgrade.
#include <cmath>

#include <caf/all.hpp>

#include "actors/federation_actor.hpp"
#include "drivers/api/api_exchange.hpp"
#include "drivers/api/health_feed.hpp"
#include "projections/live/live_view.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;

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
  if (ctx->federation) {
    caf::scoped_actor asker{sys};
    asker->request(ctx->federation, std::chrono::milliseconds(500), actors::sites_atom::value)
        .receive(
            [&](std::vector<actors::site_view>& seen) {
              for (const auto& v : seen) {
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
            },
            [&](caf::error&) { node["sites_error"] = "the federation actor did not answer"; });
  }
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

} // namespace

void add_health_routes(node_api::impl& api) {
  api.add("GET", "/api/health",
          "The node's health: store, relay, sites, API sessions, trunks (operator); its "
          "tenant's agents and queues (admin). Live: WebSocket /api/feed/health",
          "operator; admin (its tenant)", health);
}

} // namespace hotline::drivers::api
