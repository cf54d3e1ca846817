#include "drivers/api/metrics_text.hpp"

#include <cstdio>
#include <map>
#include <tuple>

#include "drivers/api/voicemail_box.hpp"

#include "projections/live/live_view.hpp"

namespace hotline::drivers::api {

namespace {

std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += {'\\', c};
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

struct writer {
  std::string out;
  void family(const char* name, const char* type, const char* help) {
    out += std::string{"# HELP "} + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void sample(const std::string& name, const std::string& labels, double v) {
    out += name;
    if (!labels.empty()) out += "{" + labels + "}";
    out += " " + number(v) + "\n";
  }
};

std::string tq(const std::string& tenant, const std::string& queue) {
  return "tenant=\"" + escape(tenant) + "\",queue=\"" + escape(queue) + "\"";
}

} // namespace

std::string metrics_text(node_api::impl& api) {
  writer w;
  const auto now = api.now_ns();
  w.family("hotline_store_head_position", "gauge", "Position of the last event in the store");
  w.sample("hotline_store_head_position", "", double(api.store.head_position()));
  w.family("hotline_feed_lag_events", "gauge",
           "Events stored but not yet folded into the live view and the feeds");
  const auto head = api.store.head_position();
  const auto at = api.hub.position();
  w.sample("hotline_feed_lag_events", "", double(head > at ? head - at : 0));
  if (api.opt.published_position) {
    const auto pub = api.opt.published_position();
    w.family("hotline_relay_lag_events", "gauge", "Events stored but not yet published to Kafka");
    w.sample("hotline_relay_lag_events", "", double(head > pub ? head - pub : 0));
  }
  api.hub.read([&](const projections::live::live_view& v) {
    w.family("hotline_queue_waiting", "gauge", "Callers waiting in the queue now");
    for (const auto& [id, q] : v.queues())
      w.sample("hotline_queue_waiting", tq(q.tenant, id), double(q.waiting.size()));
    w.family("hotline_queue_oldest_wait_seconds", "gauge", "Wait of the longest-waiting caller");
    for (const auto& [id, q] : v.queues())
      w.sample("hotline_queue_oldest_wait_seconds", tq(q.tenant, id),
               double(q.oldest_wait_ms(now)) / 1000.0);
    w.family("hotline_queue_offered_total", "counter", "Calls that joined the queue");
    for (const auto& [id, q] : v.queues())
      w.sample("hotline_queue_offered_total", tq(q.tenant, id), double(q.offered));
    w.family("hotline_queue_answered_total", "counter", "Calls answered from the queue");
    for (const auto& [id, q] : v.queues())
      w.sample("hotline_queue_answered_total", tq(q.tenant, id), double(q.answered));
    w.family("hotline_queue_answered_in_sl_total", "counter",
             "Calls answered within the queue's service-level threshold");
    for (const auto& [id, q] : v.queues())
      w.sample("hotline_queue_answered_in_sl_total", tq(q.tenant, id), double(q.answered_in_sl));
    w.family("hotline_queue_abandoned_total", "counter", "Callers who hung up while waiting");
    for (const auto& [id, q] : v.queues())
      w.sample("hotline_queue_abandoned_total", tq(q.tenant, id), double(q.abandoned));
    w.family("hotline_agents", "gauge", "Agents by state");
    std::map<std::pair<std::string, std::string>, int> by_state;
    for (const auto& [id, a] : v.agents())
      ++by_state[{a.tenant, std::string{projections::live::to_string(a.activity)}}];
    for (const auto& [k, n] : by_state)
      w.sample("hotline_agents",
               "tenant=\"" + escape(k.first) + "\",state=\"" + escape(k.second) + "\"", n);
    w.family("hotline_trunk_up", "gauge",
             "1 while the trunk group's SIP peer answers its keepalive (OPTIONS), 0 while it is "
             "down (trunk.peer_down; new outbound calls skip it)");
    for (const auto& [id, t] : v.trunks())
      w.sample("hotline_trunk_up", "trunk=\"" + escape(id) + "\"", t.up() ? 1 : 0);
    w.family("hotline_calls_ended_total", "counter", "Calls ended, by outcome (state)");
    for (const auto& [outcome, n] : v.ended_by_outcome())
      w.sample("hotline_calls_ended_total", "state=\"" + escape(outcome) + "\"", double(n));
    // IVR flows (docs/ivr.md "KPIs"): containment is
    // exited{way="contained"} / entered.
    auto tf = [](const std::string& tenant, const std::string& flow) {
      return "tenant=\"" + escape(tenant) + "\",flow=\"" + escape(flow) + "\"";
    };
    w.family("hotline_ivr_entered_total", "counter", "Callers who entered the IVR flow");
    for (const auto& [id, f] : v.ivr_flows())
      w.sample("hotline_ivr_entered_total", tf(f.tenant, id), double(f.entered));
    w.family("hotline_ivr_sessions", "gauge", "Callers in the IVR flow now");
    for (const auto& [id, f] : v.ivr_flows())
      w.sample("hotline_ivr_sessions", tf(f.tenant, id), double(f.in_flow));
    w.family("hotline_ivr_exited_total", "counter",
             "IVR sessions ended, by way out (contained: the business ended in the IVR)");
    for (const auto& [id, f] : v.ivr_flows())
      for (const auto& [way, n] : f.exited)
        w.sample("hotline_ivr_exited_total", tf(f.tenant, id) + ",way=\"" + escape(way) + "\"",
                 double(n));
  });
  const auto feeds = api.hub.stats();
  w.family("hotline_feed_sessions", "gauge", "Open WebSocket feed sessions");
  w.sample("hotline_feed_sessions", "", double(feeds.sessions));
  w.family("hotline_feed_snapshots_total", "counter",
           "Snapshots sent (new sessions, resumes too far behind, slow consumers)");
  w.sample("hotline_feed_snapshots_total", "", double(feeds.snapshots));
  w.family("hotline_feed_overflows_total", "counter",
           "Feeds whose client fell behind (queue dropped, snapshot sent)");
  w.sample("hotline_feed_overflows_total", "", double(feeds.overflows));
  if (api.deliveries) {
    const auto hooks = api.deliveries->metrics();
    w.family("hotline_webhook_deliveries_total", "counter",
             "Webhook delivery attempts by tenant and result (delivered: a 2xx; failed: "
             "anything else, retried)");
    for (const auto& [k, n] : hooks.attempts)
      w.sample("hotline_webhook_deliveries_total",
               "tenant=\"" + escape(k.first) + "\",result=\"" + escape(k.second) + "\"", double(n));
    w.family("hotline_webhook_lag_events", "gauge",
             "Store events after the cursor of the tenant's most lagging active webhook");
    for (const auto& [tenant, n] : hooks.lag_events)
      w.sample("hotline_webhook_lag_events", "tenant=\"" + escape(tenant) + "\"", double(n));
  }
  if (api.opt.lookup_metrics) api.opt.lookup_metrics->text(w.out);
  if (api.voicemail) { // messages callers left (docs/ivr.md "Voicemail"), a gauge by status
    std::map<std::tuple<std::string, std::string, std::string>, int> by;
    for (const auto& e : api.voicemail->list("*", ""))
      ++by[{e.s.left.tenant, e.s.left.mailbox, std::string{events::voicemail::to_string(e.s.at)}}];
    w.family("hotline_voicemail_messages", "gauge",
             "Voicemail messages by tenant, mailbox (a queue) and status (new, listened, "
             "handled)");
    for (const auto& [k, n] : by)
      w.sample("hotline_voicemail_messages",
               "tenant=\"" + escape(std::get<0>(k)) + "\",mailbox=\"" + escape(std::get<1>(k)) +
                   "\",status=\"" + escape(std::get<2>(k)) + "\"",
               double(n));
  }
  std::lock_guard lock{api.metrics_m};
  w.family("hotline_api_request_duration_seconds", "histogram",
           "API request latency, arrival to answer");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < api.latency_bounds.size(); ++i) {
    cumulative += api.latency_counts[i];
    w.sample("hotline_api_request_duration_seconds_bucket",
             "le=\"" + number(api.latency_bounds[i]) + "\"", double(cumulative));
  }
  cumulative += api.latency_counts.back();
  w.sample("hotline_api_request_duration_seconds_bucket", "le=\"+Inf\"", double(cumulative));
  w.sample("hotline_api_request_duration_seconds_sum", "", api.latency_sum);
  w.sample("hotline_api_request_duration_seconds_count", "", double(api.requests));
  return w.out;
}

} // namespace hotline::drivers::api
