// hotline node: one site of a contact center as a long-running process: its
// RocksDB store, the ACD actors on the wall clock, a live CRM view, the Kafka
// relay, and the federation with the other sites (docs/federation.md).
// Stops cleanly on SIGINT/SIGTERM.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <random>
#include <set>

#include <caf/all.hpp>

#include "actors/acd.hpp"
#include "actors/coarse_clock.hpp"
#include "actors/federation_actor.hpp"
#include "actors/observer_fanout.hpp"
#include "actors/telephony_actor.hpp"
#include "config/load.hpp"
#include "drivers/cli/api_runtime.hpp"
#include "drivers/cli/commands.hpp"
#include "drivers/cli/ivr_runtime.hpp"
#include "drivers/cli/numbers.hpp"
#include "drivers/cli/phone_bindings.hpp"
#include "drivers/cli/stop_signals.hpp"
#include "drivers/cli/users.hpp"
#include "drivers/cli/view_cli.hpp"
#include "drivers/kafka/kafka_federation_bus.hpp"
#include "drivers/kafka/kafka_relay.hpp"
#include "drivers/log/log.hpp"
#include "drivers/sim/live_traffic.hpp"
#include "drivers/sim/run_id.hpp"
#include "drivers/sip/sip_stack.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "projections/crm/crm_projection.hpp"

namespace hotline::cli {

namespace {

struct node_args {
  std::string config;
  std::string store;
  std::string kafka;
  double hours = 0;
  double traffic_for_s = 0;
  bool no_traffic = false;
  std::uint64_t seed = 0;
  bool quiet = false;
  std::string log_format = "text";
  std::string rocksdb_log;
  std::string api_listen;
  // The demo's live mode (run_live_node): traffic on whatever the file
  // says, these agents left to people, and word once the API is up.
  bool force_traffic = false;
  bool day_starts_now = false; ///< the live demo: the simulated day starts at its start time now
  std::vector<std::string> api_agents;
  std::function<void(const std::string& url)> on_api_up;
  bool webhook_allow_private = false; ///< the demo: webhooks to a receiver on this machine
  std::string sip_listen; ///< --sip-listen: overrides [sip] listen, and turns telephony on
};

/// The telephony port as the telephony actor sees it from its spawn on:
/// the SIP stack starts after the actor (its events go to the actor), so
/// the actor holds this and the stack is plugged in once it listens. No
/// command can come before: the actor only acts on the stack's events.
class late_telephony final : public ports::telephony {
public:
  void plug(ports::telephony* real) { real_.store(real); }
  void answer(const ports::leg_id& leg) override {
    if (auto* t = real_.load()) t->answer(leg);
  }
  void reject(const ports::leg_id& leg, ports::reject_cause cause,
              std::int32_t retry_after_s) override {
    if (auto* t = real_.load()) t->reject(leg, cause, retry_after_s);
  }
  ports::leg_id ring(const ports::ring_request& r) override {
    auto* t = real_.load();
    return t ? t->ring(r) : ports::leg_id{"unplugged"};
  }
  void bridge(const ports::leg_id& a, const ports::leg_id& b) override {
    if (auto* t = real_.load()) t->bridge(a, b);
  }
  void announce(const ports::leg_id& leg, std::vector<std::string> prompts) override {
    if (auto* t = real_.load()) t->announce(leg, std::move(prompts));
  }
  void record_message(const ports::message_request& r) override {
    if (auto* t = real_.load()) t->record_message(r);
  }
  void stop_message(const std::string& message) override {
    if (auto* t = real_.load()) t->stop_message(message);
  }
  void play_prompt(const ports::leg_id& leg, const std::string& wav_path,
                   std::uint64_t tag) override {
    if (auto* t = real_.load()) t->play_prompt(leg, wav_path, tag);
  }
  void play(const ports::leg_id& leg, ports::media_kind what) override {
    if (auto* t = real_.load()) t->play(leg, what);
  }
  void hang_up(const ports::leg_id& leg, ports::hangup_cause cause) override {
    if (auto* t = real_.load()) t->hang_up(leg, cause);
  }
  void mix(const ports::mix_request& m) override {
    if (auto* t = real_.load()) t->mix(m);
  }
  void transfer_result(const ports::leg_id& leg, ports::transfer_outcome outcome) override {
    if (auto* t = real_.load()) t->transfer_result(leg, outcome);
  }
  void start_recording(const ports::recording_request& r) override {
    if (auto* t = real_.load()) t->start_recording(r);
  }
  void pause_recording(const std::string& recording) override {
    if (auto* t = real_.load()) t->pause_recording(recording);
  }
  void resume_recording(const std::string& recording) override {
    if (auto* t = real_.load()) t->resume_recording(recording);
  }
  void stop_recording(const std::string& recording) override {
    if (auto* t = real_.load()) t->stop_recording(recording);
  }

private:
  std::atomic<ports::telephony*> real_{nullptr};
};

/// The node's own lines: hotline's log, component `node` (drivers/log/log.hpp).
void say(const node_args&, const std::string& site, const std::string& line) {
  drivers::log::info("node", line, site);
}

/// A node that cannot start: an error log line, and the exit status.
void refuse(const std::string& site, const std::string& why, int code = 1) {
  drivers::log::error("node", why, site);
  exit_code() = code;
}

/// The CRM view kept live in the node, for the context a call carries when
/// it moves to another site. Folded on the store subscription's thread.
class live_crm {
public:
  explicit live_crm(ports::event_store& store)
      : sub_(store.subscribe_all(1, {[this](const events::recorded_event& e) {
                                       std::lock_guard lock{m_};
                                       (void)crm_.apply(e);
                                     },
                                     {}})) {}
  ~live_crm() { sub_.reset(); }

  std::map<std::string, std::string> context(const std::string& tenant,
                                             const std::string& customer_id) {
    std::lock_guard lock{m_};
    std::map<std::string, std::string> out;
    const auto* p = crm_.find_customer(tenant, customer_id); // a customer is per tenant
    if (!p) return out;
    out["crm.contacts"] = std::to_string(p->contacts);
    out["crm.vip"] = p->vip ? "true" : "false";
    if (!p->last_agent.empty()) out["crm.last_agent"] = p->last_agent;
    if (auto f = p->familiar_agent(); !f.empty()) out["crm.familiar_agent"] = f;
    if (!p->interactions.empty()) {
      const auto& last = p->interactions.back();
      out["crm.last_outcome"] = last.outcome;
      out["crm.last_queue"] = last.queue;
      out["crm.last_site"] = last.site;
    }
    return out;
  }

private:
  std::mutex m_;
  projections::crm::crm_projection crm_;
  std::unique_ptr<ports::subscription> sub_;
};

void run_node(const node_args& a) {
  configure_log(a.log_format, a.quiet);
  auto loaded = config::load_file(a.config);
  for (const auto& d : loaded.problems)
    drivers::log::write(d.level == config::severity::error ? drivers::log::level::error
                                                           : drivers::log::level::warning,
                        "config", config::format(d));
  if (!loaded.ok()) {
    exit_code() = 2;
    return;
  }
  auto cfg = std::move(loaded.config);
  if (a.force_traffic) cfg.node.traffic = true;
  for (const auto& id : a.api_agents)
    cfg.simulation.api_agents.push_back(id);
  const auto& node = cfg.node;
  const auto site = cfg.center.site.id;
  if (!a.sip_listen.empty()) {
    std::string why;
    if (!config::parse_host_port(a.sip_listen, cfg.sip.listen, why))
      return refuse(site, "--sip-listen: " + why, 2);
    cfg.sip.enabled = true;
  }
  auto store_dir = a.store.empty() ? node.store_dir : a.store;
  if (store_dir.empty()) return refuse(site, "no store: give --store DIR or [node] store", 2);
  auto bootstrap = a.kafka.empty() ? node.kafka_bootstrap : a.kafka;
  if (node.federation && bootstrap.empty())
    return refuse(site, "[federation] needs Kafka: give --kafka BROKERS or [kafka] bootstrap", 2);

  auto signals = block_stop_signals(); // before any thread starts
  drivers::rocksdb_store_options store_options;
  store_options.info_log_dir = a.rocksdb_log;
  auto opened = drivers::rocksdb_event_store::open(store_dir, store_options);
  if (!opened) return refuse(site, opened.error().message());
  auto& store = **opened;
  say(a, site, "store " + store_dir + " (" + std::to_string(store.head_position()) + " events)");
  // A stop asked for during start-up is honoured between its steps.
  const auto stop_now = [&] { return stop_signal_within(signals, std::chrono::milliseconds(0)); };
  if (stop_now())
    return say(a, site,
               "stopped during start-up: " + std::to_string(store.head_position()) + " events in " +
                   store_dir);

  std::unique_ptr<drivers::kafka_relay> relay;
  if (!bootstrap.empty()) {
    drivers::kafka_relay_options ro;
    ro.bootstrap_servers = bootstrap;
    ro.site = site;
    ro.topic = node.events_topic;
    relay = std::make_unique<drivers::kafka_relay>(store, ro);
    if (auto st = relay->start(); !st) return refuse(site, "kafka relay: " + st.message());
    say(a, site, "relay publishing to " + relay->topic() + " on " + bootstrap);
    if (stop_now()) {
      if (auto st = relay->stop(); !st) drivers::log::error("relay", st.message(), site);
      return say(a, site,
                 "stopped during start-up: " + std::to_string(store.head_position()) +
                     " events in " + store_dir);
    }
  }
  live_crm crm{store};

  caf::actor_system_config sys_cfg;
  actors::install_coarse_clock(sys_cfg);
  caf::actor_system sys{sys_cfg};
  actors::wall_clock clock;
  auto ctx = std::make_shared<actors::acd_context>();
  ctx->center = cfg.center;
  ctx->store = {&store, &clock, site, false};
  ctx->interflow = node.policy;
  ctx->crm_context = [&crm](const std::string& tenant, const std::string& customer) {
    return crm.context(tenant, customer);
  };

  // The federation: the bus's thread hands what it hears to the actor.
  actors::federation_mailbox mailbox;
  std::unique_ptr<drivers::kafka_federation_bus> bus;
  if (node.federation) {
    drivers::kafka_federation_options fo;
    fo.bootstrap_servers = bootstrap;
    fo.site = site;
    fo.status_topic = node.status_topic;
    fo.inbox_topic = node.inbox_topic;
    for (const auto& p : node.peers)
      fo.peer_inboxes[p.site] = p.inbox_topic;
    auto started =
        drivers::kafka_federation_bus::start(fo, mailbox.handlers([site](std::string what) {
          drivers::log::warning("federation", what, site);
        }));
    if (!started) return refuse(site, started.error().message());
    bus = std::move(*started);
    actors::federation_options ao;
    ao.site = site;
    ao.link = bus.get();
    ao.status_interval_ms = node.status_interval_ms;
    for (const auto& p : node.peers)
      ao.peers.insert(p.site);
    ctx->federation = actors::spawn_federation(sys, ctx, ao);
    say(a, site,
        "federation: inbox " + node.inbox_topic + ", status " + node.status_topic + ", " +
            std::to_string(node.peers.size()) + " peers");
  }

  // Simulated callers and agents on the wall clock.
  drivers::sim::simulation_options so;
  if (a.seed != 0) {
    so.seed = a.seed;
    so.seed_given = true;
  }
  so.progress_every_s = 0;
  auto t0 = clock.now_ns();
  so.day_epoch_ns = a.day_starts_now
                        // The live demo: its day begins now, at the simulation's start
                        // (its agents' shifts have begun whatever the hour).
                        ? t0 - cfg.simulation.start_ms * 1'000'000
                        : t0 - t0 % (86'400LL * 1'000'000'000);
  std::random_device
      entropy; // unique across restarts, even within one second (drivers/sim/run_id.hpp)
  so.call_id_prefix = drivers::sim::call_id_prefix(site, drivers::sim::run_id(t0, entropy));
  caf::actor traffic;
  bool with_traffic = node.traffic && !a.no_traffic;
  if (with_traffic) {
    auto end = a.traffic_for_s > 0 ? t0 + static_cast<std::int64_t>(a.traffic_for_s * 1e9)
               : a.hours > 0       ? t0 + static_cast<std::int64_t>(a.hours * 3600e9)
                                   : t0 + 3650LL * 86'400'000'000'000;
    traffic = drivers::sim::spawn_live_traffic(sys, cfg, ctx, so, t0, end, &clock);
    ctx->observer = traffic;
    // The simulated callers and call-back customers live in this process:
    // after a restart nobody is at the far end of the calls it recovers.
    ctx->restart_keeps = {false, false};
  }
  // Telephony (drivers/sip): its calls' notifications go to the telephony
  // actor, every other call's to the simulated traffic (observer_fanout.hpp).
  late_telephony telephony_port;
  std::unique_ptr<drivers::sip::sip_stack> sip;
  caf::actor telephony;
  std::unique_ptr<ivr_runtime> ivr; // the flows' prompts, lookups and callers over SIP
  std::vector<events::telephony::phone_binding> to_restore; // the registrar's, from the store
  if (cfg.sip.enabled) {
    actors::telephony_options to;
    to.call_id_prefix = "sip-" + so.call_id_prefix;
    for (const auto& p : cfg.sip.phones)
      to.phones[p.agent] = p.contact;
    to.retry_after_s = cfg.sip.retry_after_s;
    to.music_on_hold = !cfg.sip.music_on_hold_pcm.empty();
    to.announcements = !cfg.sip.announcement_pcm.empty();
    to.log = [site](const std::string& line) { drivers::log::info("telephony", line, site); };
    if (!cfg.center.flows.empty()) {
      // IVR flows for SIP callers (docs/ivr.md "Over SIP").
      ivr = std::make_unique<ivr_runtime>(cfg, store, store_dir, to.call_id_prefix, site,
                                          ctx->ivr_media);
      to.ivr_prompts = ivr->resolver();
      ivr->voicemail_options(to);
      ctx->ivr_media = &ivr->media();
      ctx->lookup_sources = ivr->finder();
    }
    if (with_traffic) {
      // The simulator's agents take real callers too (telephony_actor.hpp):
      // every agent without a static phone that no person drives, talking
      // for the first arrival profile's mean handle time.
      const auto& people = cfg.simulation.api_agents;
      for (const auto& ag : cfg.center.agents)
        if (!to.phones.count(ag.id) &&
            std::find(people.begin(), people.end(), ag.id) == people.end())
          to.simulated_agents.insert(ag.id);
      if (!cfg.simulation.arrivals.empty()) {
        const auto& h = cfg.simulation.arrivals.front().handle_time;
        std::int64_t mean_ms = h.mean_ms;
        if (!h.samples_ms.empty()) {
          std::int64_t sum = 0;
          for (auto x : h.samples_ms)
            sum += x;
          mean_ms = sum / static_cast<std::int64_t>(h.samples_ms.size());
        }
        if (mean_ms > 0) to.simulated_talk = std::chrono::milliseconds(mean_ms);
      }
    }
    // Outbound calls (docs/telephony.md): through the peer of the group whose line they seize.
    for (const auto& t : cfg.sip.trunks) {
      to.trunk_peers[t.group] = t.peer.text();
      if (const auto* g = cfg.center.find_trunk(t.group);
          g && events::carries(g->direction, events::call_direction::outbound))
        ctx->far_end_dialing = true;
    }
    to.outbound_ring_timeout_s = cfg.sip.outbound_ring_timeout_s;
    ctx->default_outbound_trunk = cfg.sip.outbound_trunk;
    // Recordings (docs/telephony.md "Recording"): [sip] recordings_dir, else beside the store.
    to.recordings_dir = cfg.sip.recordings_dir.empty()
                            ? (std::filesystem::path(store_dir) / "recordings").string()
                            : cfg.sip.recordings_dir;
    {
      std::error_code ec;
      std::filesystem::create_directories(to.recordings_dir, ec);
      if (ec) {
        drivers::log::warning("sip",
                              "recordings directory " + to.recordings_dir + ": " + ec.message() +
                                  ": calls are not recorded",
                              site);
        to.recordings_dir.clear();
      } else {
        // Recordings are personal data: the node's user only.
        std::filesystem::permissions(to.recordings_dir,
                                     std::filesystem::perms::owner_all |
                                         std::filesystem::perms::group_read |
                                         std::filesystem::perms::group_exec,
                                     ec);
      }
    }
    // Phones registered before the node stopped ring there still (until
    // their bindings' lifetimes end): the stack and the actor both take them.
    {
      std::vector<std::string> agent_ids;
      for (const auto& ag : cfg.center.agents)
        agent_ids.push_back(ag.id);
      auto phones = phone_bindings_of(store, agent_ids, clock.now_ns(), site);
      to_restore = phones.running;
      to.restored_phones = std::move(phones.running);
      to.lapsed_phones = std::move(phones.lapsed);
    }
    telephony = actors::spawn_telephony(sys, ctx, &telephony_port, to);
    ctx->telephony = telephony;
    if (ivr) ivr->media().attach(telephony);
    ctx->observer = actors::spawn_observer_fanout(
        sys, {{to.call_id_prefix, telephony, ctx->far_end_dialing}}, traffic);
    // A caller who was on the line when the node died is gone with its dialog.
    ctx->restart_keeps = {false, false};
  }
  actors::start_acd(sys, ctx);
  for (const auto& w : ctx->configuration_warnings) // agents and queues created at runtime
    drivers::log::warning("config", w, site);
  if (telephony) {
    auto started =
        drivers::sip::sip_stack::start(cfg.sip, site, actors::telephony_sink_for(telephony),
                                       sip_users_of(store, site), to_restore);
    if (!started) {
      caf::anon_send_exit(telephony, caf::exit_reason::user_shutdown);
      if (traffic) caf::anon_send_exit(traffic, caf::exit_reason::user_shutdown);
      if (ctx->federation) caf::anon_send_exit(ctx->federation, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(ctx->observer, caf::exit_reason::user_shutdown);
      actors::stop_acd(ctx);
      sys.await_all_actors_done();
      bus.reset();
      if (relay)
        if (auto st = relay->stop(); !st) drivers::log::error("relay", st.message(), site);
      return refuse(site, started.error().message());
    }
    sip = std::move(*started);
    telephony_port.plug(sip.get());
    caf::anon_send(telephony, caf::ok_atom::value); // logs the agents with a phone in
  }
  mailbox.set(
      ctx->federation); // after the ACD's handles are filled: offers spawn calls that use them
  if (traffic)
    caf::anon_send(traffic,
                   caf::ok_atom::value); // starts it, now that the ACD's handles are filled
  // The node API (docs/api.md), once the ACD's handles are filled.
  std::unique_ptr<api_runtime> api;
  if (auto listen = a.api_listen.empty() ? node.api.listen : a.api_listen; !listen.empty()) {
    api_start how{listen, node.api, {}, default_views_dir(store_dir), a.config};
    if (a.webhook_allow_private) how.settings.webhook_allow_private = true;
    if (ivr) how.lookup_metrics = &ivr->lookup_metrics();
    if (relay) how.published_position = [&relay] { return relay->published_position(); };
    auto started = api_runtime::start(sys, ctx, store, clock, how);
    if (auto* err = std::get_if<std::string>(&started)) {
      refuse(site, *err);
      mailbox.set({});
      sip.reset();
      if (telephony) caf::anon_send_exit(telephony, caf::exit_reason::user_shutdown);
      if (traffic) caf::anon_send_exit(traffic, caf::exit_reason::user_shutdown);
      if (ctx->federation) caf::anon_send_exit(ctx->federation, caf::exit_reason::user_shutdown);
      if (ctx->observer) caf::anon_send_exit(ctx->observer, caf::exit_reason::user_shutdown);
      actors::stop_acd(ctx);
      sys.await_all_actors_done();
      bus.reset();
      if (relay)
        if (auto st = relay->stop(); !st) drivers::log::error("relay", st.message(), site);
      return;
    }
    api = std::move(std::get<0>(started));
    if (ivr) ivr->use_box(api->voicemail()); // one writer of the voicemail streams
    say(a, site, "API on " + api->url() + " (docs/api.md)");
    if (a.on_api_up) a.on_api_up(api->url());
  }
  say(a, site,
      "ACD up: " + std::to_string(ctx->queues.size()) + " queues, " +
          std::to_string(ctx->agents.size()) + " agents" +
          (with_traffic ? ", simulated traffic on" : "") +
          (sip ? ", SIP on " + cfg.sip.listen.text() : ""));

  auto started_at = std::chrono::steady_clock::now();
  auto last_report = started_at;
  bool relay_refused = false;
  while (!stop_signal_within(signals, std::chrono::milliseconds(500))) {
    if (relay && !relay_refused && relay->status().state == drivers::relay_state::diverged) {
      relay_refused = true; // the node serves on, the relay publishes nothing (kafka_relay.hpp)
      drivers::log::error("relay", "refused to publish: " + relay->status().last_error.message(),
                          site);
    }
    auto now = std::chrono::steady_clock::now();
    if (a.hours > 0 && now - started_at >= std::chrono::duration<double>(a.hours * 3600)) break;
    if (now - last_report >= std::chrono::seconds(10)) {
      last_report = now;
      std::string line = std::to_string(store.head_position()) + " events";
      if (relay) line += ", published " + std::to_string(relay->published_position());
      if (sip) line += ", SIP legs " + std::to_string(sip->legs());
      if (bus) {
        line += ", federation sent " + std::to_string(bus->sent()) + " received " +
                std::to_string(bus->received());
        // The other sites as this node sees them, with the age of their status.
        caf::scoped_actor asker{sys};
        asker->request(ctx->federation, std::chrono::seconds(1), actors::sites_atom::value)
            .receive(
                [&](std::vector<actors::site_view>& sites) {
                  for (const auto& v : sites)
                    line += "; " + v.status.site + " " + std::to_string(v.age_ms) + " ms old";
                },
                [&](caf::error&) {});
      }
      say(a, site, line);
    }
  }
  say(a, site, "stopping");
  if (ivr) ivr->use_box(nullptr);
  api.reset(); // no request reaches the actors once they stop
  mailbox.set({});
  // Telephony stops first (the actor, then the stack, which hangs its
  // calls up): no command is in flight when the stack goes.
  if (telephony) {
    caf::anon_send_exit(telephony, caf::exit_reason::user_shutdown);
    caf::scoped_actor waiter{sys};
    waiter->wait_for(telephony);
  }
  telephony_port.plug(nullptr);
  sip.reset();
  if (cfg.sip.enabled) caf::anon_send_exit(ctx->observer, caf::exit_reason::user_shutdown);
  if (traffic) caf::anon_send_exit(traffic, caf::exit_reason::user_shutdown);
  if (ctx->federation)
    caf::anon_send_exit(ctx->federation,
                        caf::exit_reason::user_shutdown); // spawned before the ACD's root
  actors::stop_acd(ctx);
  sys.await_all_actors_done();
  bus.reset();
  if (relay) {
    // Publish what the node stored before it goes, as long as the brokers
    // keep taking events (a loaded machine may take a while; an unreachable
    // cluster takes none, and the node does not wait for it): at most 60 s,
    // giving up after 5 s without progress. What is still behind is
    // published from the checkpoint by the next run, and said so.
    const auto head = store.head_position();
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    auto st = relay->wait_until_published(head, std::chrono::seconds(5));
    for (auto before = relay->published_position();
         !st && std::chrono::steady_clock::now() < give_up;) {
      st = relay->wait_until_published(head, std::chrono::seconds(5));
      const auto now_at = relay->published_position();
      if (now_at == before) break; // no progress in 5 s
      before = now_at;
    }
    if (!st)
      drivers::log::warning(
          "relay",
          "stopping with events " + std::to_string(relay->published_position() + 1) + ".." +
              std::to_string(head) +
              " not yet published; the next run of the node (or hotline relay) publishes them "
              "from the store's checkpoint",
          site);
    if (auto st = relay->stop(); !st) drivers::log::error("relay", st.message(), site);
  }
  say(a, site, "stopped: " + std::to_string(store.head_position()) + " events in " + store_dir);
}

} // namespace

void run_live_node(const std::string& config, const std::string& store,
                   const std::string& api_listen, const std::string& sip_listen,
                   std::vector<std::string> api_agents,
                   std::function<void(const std::string& url)> on_api_up) {
  node_args a;
  a.config = config;
  a.store = store;
  a.api_listen = api_listen;
  a.sip_listen = sip_listen;
  a.force_traffic = true;
  a.day_starts_now = true;
  a.api_agents = std::move(api_agents);
  a.on_api_up = std::move(on_api_up);
  a.webhook_allow_private = true; // the demo runs on loopback: let its webhooks reach it too
  run_node(a);
}

void add_node_command(CLI::App& app) {
  auto a = std::make_shared<node_args>();
  auto* cmd = app.add_subcommand(
      "node", "Run one site: store, ACD, Kafka relay and federation, until SIGINT/SIGTERM");
  cmd->footer(
      "Run one site of a contact center: store, ACD actors on the wall clock, Kafka relay and the "
      "federation with the other sites, until SIGINT/SIGTERM\n\nExample:\n  hotline node --config "
      "config/sites/north.toml --store var/north --kafka 127.0.0.1:9092");
  cmd->add_option("--config", a->config,
                  "Center + [node], [kafka], [federation] TOML (see config/sites/)")
      ->required();
  cmd->add_option("--store", a->store, "Event store directory (default: [node] store)");
  cmd->add_option("--kafka", a->kafka,
                  "Kafka bootstrap servers HOST:PORT,... (default: [kafka] bootstrap)");
  cmd->add_option("--hours", a->hours,
                  "Stop after this many (wall-clock) hours (default: run until signalled)")
      ->check(number_in(0, 87'600, "a number of hours"));
  cmd->add_option("--traffic-for", a->traffic_for_s,
                  "Simulated callers arrive for this many seconds only (the node keeps running and "
                  "serving them)")
      ->check(number_in(0, 315'360'000, "a number of seconds"));
  cmd->add_option("--sip-listen", a->sip_listen,
                  "Take SIP calls on UDP IPV4:PORT (overrides [sip] listen; turns telephony on)");
  cmd->add_flag("--no-traffic", a->no_traffic,
                "Do not run the simulated callers and agents even if [node] traffic = true");
  cmd->add_option("--seed", a->seed,
                  "Random seed of the simulated traffic (default: the configuration's)");
  add_quiet_flag(cmd, a->quiet);
  add_log_format_option(cmd, a->log_format);
  cmd->add_option(
      "--rocksdb-log", a->rocksdb_log,
      "Keep RocksDB's own info log (LOG files) in DIR (default: none; its warnings go to the log)");
  cmd->add_option("--api-listen", a->api_listen,
                  "Serve the node API (HTTP/WebSocket) on HOST:PORT (default: [api] listen; "
                  "docs/api.md)");
  cmd->callback([a] { run_node(*a); });
}

} // namespace hotline::cli
