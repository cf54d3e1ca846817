#pragma once
/// Inside the node API (node_api.cpp and the route files): one request on
/// its way through authentication to its route, the helpers routes use to
/// answer, and the route table. Not a public header.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/acd.hpp"
#include "actors/time_source.hpp"
#include "drivers/api/health_feed.hpp"
#include "drivers/api/node_api.hpp"
#include "drivers/api/static_site.hpp"
#include "drivers/api/voicemail_box.hpp"
#include "drivers/api/webhook_dispatcher.hpp"
#include "drivers/api/webhook_registry.hpp"
#include "events/identity/access_rules.hpp"
#include "projections/identity/directory.hpp"

namespace hotline::drivers::api {

using account_t = projections::identity::account;

/// One request: what came in, who sent it, and how to answer.
struct exchange {
  http_request req;
  reply_fn reply_to;
  std::map<std::string, std::string> params; ///< `{name}` parts of the route's path
  events::identity::principal_view who;
  std::string token_sha256; ///< the session or token that authenticated it
  nlohmann::json body = nlohmann::json::object();
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string route; ///< "POST /api/agents/{id}/ready"

  void reply(int status, const nlohmann::json& j,
             std::vector<std::pair<std::string, std::string>> headers = {});
  void fail(int status, const std::string& code, const std::string& detail,
            std::vector<std::pair<std::string, std::string>> headers = {});
  const std::string& param(const std::string& name) const { return params.at(name); }
};
using exchange_ptr = std::shared_ptr<exchange>;

/// A token bucket per key (user or client address).
class rate_limiter {
public:
  rate_limiter(double per_s, double burst) : per_s_(per_s), burst_(burst) {}
  /// 0 when allowed now, else the seconds to wait.
  double take(const std::string& key, std::chrono::steady_clock::time_point now);

private:
  struct bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex m_;
  std::map<std::string, bucket> buckets_;
  double per_s_, burst_;
};

/// One worker thread for slow pure work (password hashing): the I/O thread never waits on it.
class worker {
public:
  worker();
  ~worker();
  void post(std::function<void()> job);

private:
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::thread t_;
};

struct route {
  route_info info;
  std::vector<std::string> parts; ///< the path split at '/'; "{x}" captures
  std::function<void(node_api::impl&, const exchange_ptr&)> run;
};

struct node_api::impl {
  caf::actor_system& sys;
  std::shared_ptr<actors::acd_context> ctx;
  ports::event_store& store;
  caf::actor identity;
  const actors::time_source& clock;
  feed_hub& hub;
  api_options opt;
  std::vector<route> routes;
  /// The web pages (web/, built in): what answers a path outside /api/ that no route has.
  static_site site{embedded_web_files()};
  rate_limiter per_user;
  rate_limiter per_address_login;
  worker hashing;
  worker checks; ///< slow reads of the whole store (audit verify), one at a time
  std::atomic<bool> ready{false};
  std::atomic<const http_server*> transport{nullptr};
  /// API latency histogram (seconds) and counts, for /metrics.
  std::mutex metrics_m;
  std::vector<double> latency_bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                     0.05,   0.1,   0.25,   0.5,   1,    2.5};
  std::vector<std::uint64_t> latency_counts = std::vector<std::uint64_t>(13, 0);
  double latency_sum = 0;
  std::uint64_t requests = 0;
  std::map<int, std::uint64_t> by_status;
  /// Webhooks (webhook_registry.hpp, webhook_dispatcher.hpp): null when the
  /// registry could not be recovered (`webhooks_failure` says why).
  std::unique_ptr<webhook_registry> webhooks;
  /// Voicemail messages (voicemail_box.hpp): null when the store could not
  /// be folded (the routes answer 503).
  std::unique_ptr<voicemail_box> voicemail;
  std::unique_ptr<webhook_dispatcher> deliveries;
  std::string webhooks_failure;
  /// Webhook commands (they wait for the store) and test pings (they wait
  /// for the receiver), each on a thread of its own: never the I/O thread.
  /// Declared last: their threads stop before what they use is destroyed.
  worker webhook_jobs;
  worker webhook_pings;

  /// The health sampler's memory (append rate) and the feed; `health` is
  /// the last member so that its ticker stops before anything it reads goes.
  std::uint64_t last_health_head = 0;
  std::chrono::steady_clock::time_point last_health_at{};
  std::unique_ptr<health_feed> health;

  impl(caf::actor_system& s, std::shared_ptr<actors::acd_context> c, ports::event_store& st,
       caf::actor id, const actors::time_source& cl, feed_hub& h, api_options o);

  std::int64_t now_ns() const { return clock.now_ns(); }
  void add(std::string method, std::string path, std::string summary, std::string roles,
           std::function<void(impl&, const exchange_ptr&)> run, bool authenticated = true);
  void dispatch(const exchange_ptr& ex);
  void observe(int status, std::chrono::steady_clock::duration took);

  /// Asks `target` (an agent, call or queue actor) to run `inner` as an API
  /// request of `ex`'s user (the author of the events it causes);
  /// `done(code, detail)`: code empty when done.
  void ask_acd(caf::actor target, const exchange_ptr& ex, caf::message inner,
               std::function<void(std::string, std::string)> done);
  /// Sends `msg` to the identity actor; `done` gets its reply (an empty
  /// message when it did not answer in time).
  void ask_identity(caf::message msg, std::function<void(caf::message)> done);

  /// Checks `who` may do `what` to `res`; answers 403/404 itself when not.
  bool allowed(const exchange_ptr& ex, events::identity::action what,
               const events::identity::resource& res);
  /// The resource an agent is (its tenant and queues); null after a 404.
  std::optional<events::identity::resource> agent_resource(const exchange_ptr& ex,
                                                           const std::string& agent_id);
  /// The node's health document (health_feed.hpp); on the feed's ticker thread.
  nlohmann::json health_sample();
  /// Records that `ex`'s user read customer data (audit.data_read).
  void audit_read(const exchange_ptr& ex, const std::string& kind, const std::string& subject);
};

/// Body field helpers: each answers 400 naming the field and returns nullopt.
std::optional<std::string> string_field(const exchange_ptr& ex, const char* name, bool required,
                                        std::size_t max_len = 256);
std::optional<std::vector<std::string>> strings_field(const exchange_ptr& ex, const char* name,
                                                      bool required);

/// A refusal from an actor as the HTTP answer: 409 with the decider's code
/// (400 for unknown_command, 503 when the actor did not answer).
void answer_refusal(const exchange_ptr& ex, const std::string& code, const std::string& detail);
/// The usual `done` of `ask_acd`: 200 `{"status": "done"}`, or the refusal
/// as answer_refusal gives it.
std::function<void(std::string, std::string)> done_or_refusal(const exchange_ptr& ex);

void add_session_routes(node_api::impl& api);
void add_agent_routes(node_api::impl& api);
void add_read_routes(node_api::impl& api);
void add_admin_routes(node_api::impl& api);
void add_config_routes(node_api::impl& api);
/// api4: POST /api/agents, POST /api/queues (create_routes.cpp).
void add_create_routes(node_api::impl& api);
void add_health_routes(node_api::impl& api);
void add_webhook_routes(node_api::impl& api);
/// Dispositions, queue settings and trunk channels (settings_routes.cpp).
void add_settings_routes(node_api::impl& api);
/// GET /api/kpi: the tenant's KPI report over a range (kpi_routes.cpp).
void add_kpi_routes(node_api::impl& api);
/// GET /api/recordings/{call}: a call's recording, verified and audited (recording_routes.cpp).
void add_recording_routes(node_api::impl& api);
/// GET /api/flows: the IVR flows and their checks (flow_routes.cpp).
void add_flow_routes(node_api::impl& api);
/// GET /api/voicemail, .../{id}/audio, POST .../{id}/handled (voicemail_routes.cpp).
void add_voicemail_routes(node_api::impl& api);

/// Most webhook subscriptions one tenant may have (each has a delivery thread).
inline constexpr std::size_t max_webhooks_per_tenant = 20;

} // namespace hotline::drivers::api
