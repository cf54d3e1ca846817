#include "config/node_reader.hpp"

#include <set>

namespace hotline::config::detail {

void read_node(table_reader& root, const std::string& site, node_definition& node) {
  root.with_table("node", [&](table_reader& r) {
    r.read("store", node.store_dir);
    r.read("traffic", node.traffic);
  });
  root.with_table("kafka", [&](table_reader& r) {
    r.read("bootstrap", node.kafka_bootstrap);
    r.read_id("events_topic", node.events_topic);
  });
  if (node.events_topic.empty()) node.events_topic = "hotline." + site + ".events";
  root.with_table("federation", [&](table_reader& r) {
    node.federation = true;
    auto& p = node.policy;
    r.read("enabled", p.enabled);
    r.read_id("status_topic", node.status_topic);
    r.read_id("inbox_topic", node.inbox_topic);
    r.read_duration_s("status_interval_s", node.status_interval_ms);
    r.read_seconds("margin_s", p.margin_ms, table_reader::zero::allowed);
    r.read("min_position", p.min_position, 0, 1'000'000, "a position (0 or more)");
    r.read_seconds("min_local_ewt_s", p.min_local_ewt_ms, table_reader::zero::allowed);
    r.read_seconds("min_wait_s", p.min_wait_ms, table_reader::zero::allowed);
    r.read_duration_s("max_status_age_s", p.max_status_age_ms);
    r.read_duration_s("reservation_timeout_s", p.reservation_timeout_ms);
    r.read_duration_s("landing_timeout_s", p.landing_timeout_ms);
    r.read_seconds("deny_backoff_s", p.deny_backoff_ms, table_reader::zero::allowed);
    std::set<std::string> seen;
    r.each_table("peers", [&](table_reader& pr, std::size_t) {
      peer_definition peer;
      if (pr.require("site", "the peer's site id")) pr.read_id("site", peer.site);
      pr.read_id("inbox_topic", peer.inbox_topic);
      pr.read_id("events_topic", peer.events_topic);
      if (peer.site == site)
        pr.error("site", "'" + site + "' is this node's own site");
      else if (!peer.site.empty() && !seen.insert(peer.site).second)
        pr.error("site", "peer '" + peer.site + "' is listed twice");
      if (peer.inbox_topic.empty()) peer.inbox_topic = "hotline." + peer.site + ".federation";
      if (peer.events_topic.empty()) peer.events_topic = "hotline." + peer.site + ".events";
      node.peers.push_back(std::move(peer));
    });
  });
  if (node.inbox_topic.empty()) node.inbox_topic = "hotline." + site + ".federation";
  root.with_table("api", [&](table_reader& r) {
    auto& api = node.api;
    r.read_id("listen", api.listen);
    r.read("tls_cert", api.tls_cert);
    r.read("tls_key", api.tls_key);
    r.read("allow_plain_remote", api.allow_plain_remote);
    r.read_duration_s("session_ttl_s", api.session_ttl_ms);
    r.read("webhook_allow_private", api.webhook_allow_private);
    if (api.tls_cert.empty() != api.tls_key.empty())
      r.error(api.tls_cert.empty() ? "tls_key" : "tls_cert",
              "TLS needs both tls_cert and tls_key (PEM files)");
  });
}

} // namespace hotline::config::detail
