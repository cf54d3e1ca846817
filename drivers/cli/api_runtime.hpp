#pragma once
// The node API as `hotline node` and `hotline demo --api-listen` run it:
// the identity actor, the feed hub, the routes and the HTTP server, started
// after the ACD and stopped before it (docs/api.md).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "config/node.hpp"

namespace hotline::actors {
struct acd_context;
class time_source;
} // namespace hotline::actors
namespace hotline::drivers::api {
class voicemail_box;
}
namespace hotline::ports {
class event_store;
class lookup_metrics;
} // namespace hotline::ports

namespace hotline::cli {

struct api_start {
  std::string listen;              ///< host:port (the CLI's --api-listen or [api] listen)
  config::api_definition settings; ///< TLS files, plain remote, session life
  std::function<std::uint64_t()> published_position; ///< the relay's, for /metrics (may be empty)
  /// The node's audit view store (`<store>.views`), verified by
  /// `GET /api/audit/verify`; empty: that route is 503.
  std::string views_dir;
  /// The node's configuration file (`GET /api/flows` checks it again); empty: none.
  std::string config_file;
  /// The IVR's lookups for /metrics (drivers/cli/ivr_runtime.hpp); null: none.
  const ports::lookup_metrics* lookup_metrics = nullptr;
};

class api_runtime {
public:
  /// Starts the API over the running ACD `ctx`; an error names what failed.
  static std::variant<std::unique_ptr<api_runtime>, std::string>
  start(caf::actor_system& sys, std::shared_ptr<actors::acd_context> ctx, ports::event_store& store,
        const actors::time_source& clock, const api_start& how);
  ~api_runtime(); ///< stops: the server first (no request runs after), then the actors
  std::string url() const;
  /// The identity actor (the demo creates its accounts through it).
  const caf::actor& identity() const;
  /// The API's voicemail box (the one writer of voicemail streams while it runs); may be null.
  drivers::api::voicemail_box* voicemail() const;

  struct impl;

private:
  explicit api_runtime(std::unique_ptr<impl> d);
  std::unique_ptr<impl> d_;
};

} // namespace hotline::cli
