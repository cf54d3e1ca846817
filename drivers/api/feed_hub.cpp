#include "drivers/api/feed_hub.hpp"

#include <algorithm>
#include <chrono>
#include <concepts>
#include <mutex>
#include <set>
#include <type_traits>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "drivers/api/http_server.hpp"
#include "drivers/log/log.hpp"
#include "events/catalog.hpp"
#include "events/codec.hpp"
#include "projections/crm/crm_projection.hpp"
#include "projections/federation/site_moves.hpp"
#include "projections/live/live_view.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;
using projections::live::live_view;

namespace {

bool has_role(const identity::principal_view& who, identity::role r) {
  return std::find(who.roles.begin(), who.roles.end(), r) != who.roles.end();
}

bool contains(const std::vector<std::string>& xs, const std::string& x) {
  return !x.empty() && std::find(xs.begin(), xs.end(), x) != xs.end();
}

/// Whether the hub decodes an event's payload (to know whom it is about).
bool decoded_kind(const std::string& type) {
  return type.starts_with("agent.") || type.starts_with("call.") || type.starts_with("queue.") ||
         type.starts_with("recording.");
}

/// The agent, queue and call an event is about: from its stream, its
/// payload and (for a call's events that name neither) the live view, or,
/// for a recording's, the agent and queue its `recording.started` named.
audience audience_of(const events::recorded_event& e, const events::event* payload,
                     const live_view& view, const recording_book& recordings) {
  audience a;
  a.tenant = e.meta.tenant;
  const auto cat = events::stream_category(e.stream);
  const std::string id{events::stream_entity(e.stream)};
  if (cat == "agent") a.agent_id = id;
  if (cat == "queue") a.queue = id;
  if (cat == "call") a.call_id = id;
  if (cat == "recording") {
    a.call_id = id;
    if (const auto* r = recordings.find(id)) {
      a.agent_id = r->agent_id;
      a.queue = r->queue;
    }
  }
  if (payload)
    std::visit(
        [&](const auto& p) {
          if constexpr (requires { p.agent_id; })
            if (a.agent_id.empty()) a.agent_id = p.agent_id;
          if constexpr (requires {
                          { p.queue } -> std::convertible_to<std::string>;
                        })
            if (a.queue.empty()) a.queue = p.queue;
          if constexpr (requires { p.call_id; })
            if (a.call_id.empty()) a.call_id = p.call_id;
        },
        *payload);
  if (!a.call_id.empty())
    if (const auto* c = view.find_call(a.call_id)) {
      if (a.agent_id.empty()) a.agent_id = c->agent_id;
      if (a.queue.empty()) a.queue = c->queue;
    }
  if (!a.agent_id.empty())
    if (const auto* ag = view.find_agent(a.agent_id)) a.agent_queues = ag->queues;
  return a;
}

} // namespace

const recording_book::entry* recording_book::find(const std::string& call_id) const {
  auto it = by_call_.find(call_id);
  return it == by_call_.end() ? nullptr : &it->second;
}

void recording_book::apply(const events::recorded_event& e, const events::event& payload) {
  const std::string call{events::stream_entity(e.stream)};
  if (const auto* s = std::get_if<events::recording_started>(&payload)) {
    if (!by_call_.count(call)) {
      order_.push_back(call);
      if (order_.size() > max_entries) {
        by_call_.erase(order_.front());
        order_.pop_front();
      }
    }
    by_call_[call] = {e.meta.tenant, s->agent_id, s->queue, "recording"};
    return;
  }
  auto it = by_call_.find(call);
  if (it == by_call_.end()) return;
  if (std::holds_alternative<events::recording_paused>(payload)) it->second.state = "paused";
  if (std::holds_alternative<events::recording_resumed>(payload)) it->second.state = "recording";
  if (std::holds_alternative<events::recording_stopped>(payload)) it->second.state = "stopped";
}

bool visible(const identity::principal_view& who, const audience& a) {
  if (has_role(who, identity::role::operator_)) return true;
  if (a.tenant != who.tenant) return false;
  if (has_role(who, identity::role::admin) || has_role(who, identity::role::auditor)) return true;
  if (has_role(who, identity::role::supervisor)) {
    if (contains(who.queues, a.queue)) return true;
    for (const auto& q : a.agent_queues)
      if (contains(who.queues, q)) return true;
  }
  if (has_role(who, identity::role::agent) && !who.agent_id.empty() && a.agent_id == who.agent_id)
    return true;
  return false;
}

class feed_session;

struct feed_hub::impl {
  ports::event_store& store;
  clock_fn now;
  feed_options opt;
  mutable std::mutex m;
  live_view view;
  projections::crm::crm_projection crm;
  recording_book recordings;
  projections::federation::site_moves moves;
  /// Sessions of users who are agents only, by their agent id: an event
  /// reaches only its own agent's (an event's fan-out does not scan every
  /// desktop); the others' sessions (supervisors, admins...) are scanned.
  std::unordered_map<std::string, std::vector<std::weak_ptr<feed_session>>> desks;
  std::vector<std::weak_ptr<feed_session>> sessions;
  std::size_t desk_sessions = 0;
  std::unique_ptr<ports::subscription> sub;
  std::uint64_t start_head = 0;
  std::atomic<bool>* caught_up = nullptr;
  std::string failure;
  counters stats;

  impl(ports::event_store& s, clock_fn n, feed_options o) : store(s), now(std::move(n)), opt(o) {}

  void on_event(const events::recorded_event& e);
  /// Under the lock.
  std::string snapshot_for(const identity::principal_view& who);
  std::string event_message(const events::recorded_event& e, const events::event* payload,
                            const audience& a, const identity::principal_view& who);
  void start_session(const std::shared_ptr<feed_session>& s, std::uint64_t since);
};

/// One WebSocket feed (the transport's ws_handler).
class feed_session final : public ws_handler, public std::enable_shared_from_this<feed_session> {
public:
  feed_session(std::weak_ptr<feed_hub::impl> hub, identity::principal_view who, std::uint64_t since)
      : hub_(std::move(hub)), who_(std::move(who)), since_(since) {}

  void on_open(std::shared_ptr<ws_connection> c) override {
    conn_ = std::move(c);
    if (auto h = hub_.lock()) h->start_session(shared_from_this(), since_);
  }
  void on_message(std::string) override {} // the feed is one-way; commands go over REST
  void on_overflow() override {
    auto h = hub_.lock();
    if (!h) return;
    std::lock_guard lock{h->m};
    ++h->stats.overflows;
    ++h->stats.snapshots;
    send(h->snapshot_for(who_)); // the queue was dropped: start again from now
  }
  void on_close() override { closed_ = true; }

  bool send(std::string text) { return conn_ && !closed_ && conn_->send(std::move(text)); }
  bool closed() const { return closed_; }
  const identity::principal_view& who() const { return who_; }

private:
  std::weak_ptr<feed_hub::impl> hub_;
  identity::principal_view who_;
  std::uint64_t since_;
  std::shared_ptr<ws_connection> conn_;
  std::atomic<bool> closed_{false};
};

std::string feed_hub::impl::snapshot_for(const identity::principal_view& who) {
  const auto t = now();
  nlohmann::json agents = nlohmann::json::array(), queues = nlohmann::json::array(),
                 calls = nlohmann::json::array();
  for (const auto& [id, a] : view.agents()) {
    audience aud{a.tenant, a.id, "", "", a.queues};
    if (visible(who, aud)) agents.push_back(live_view::to_json(a, t));
  }
  for (const auto& [id, q] : view.queues()) {
    audience aud{q.tenant, "", q.id, "", {}};
    if (visible(who, aud)) queues.push_back(live_view::to_json(q, view, t));
  }
  for (const auto& [id, c] : view.calls()) {
    audience aud{c.tenant, c.agent_id, c.queue, c.id, {}};
    if (const auto* ag = view.find_agent(c.agent_id)) aud.agent_queues = ag->queues;
    if (visible(who, aud)) calls.push_back(live_view::to_json(c));
  }
  // The recordings running now (recording or paused): the desktop's indicator after a reload.
  nlohmann::json running = nlohmann::json::array();
  for (const auto& [call, r] : recordings.all()) {
    if (r.state == "stopped") continue;
    audience aud{r.tenant, r.agent_id, r.queue, call, {}};
    if (const auto* ag = view.find_agent(r.agent_id)) aud.agent_queues = ag->queues;
    if (visible(who, aud))
      running.push_back(
          {{"call_id", call}, {"agent_id", r.agent_id}, {"queue", r.queue}, {"state", r.state}});
  }
  nlohmann::json j{{"seq", view.position()}, {"type", "snapshot"}, {"now_ns", t},
                   {"agents", agents},       {"queues", queues},   {"calls", calls},
                   {"recordings", running}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string feed_hub::impl::event_message(const events::recorded_event& e,
                                          const events::event* payload, const audience& a,
                                          const identity::principal_view& who) {
  // "t": when the hub took the event, steady-clock ns (one clock for every
  // process of a host): a client on the same host measures its delivery.
  const auto t = std::chrono::duration_cast<std::chrono::nanoseconds>(
                     std::chrono::steady_clock::now().time_since_epoch())
                     .count();
  std::string out = "{\"seq\":" + std::to_string(e.position) + ",\"t\":" + std::to_string(t) +
                    ",\"type\":\"event\",\"event\":";
  auto text = events::event_codec::standard().to_json_text(e);
  out += text ? *text : "null";
  // The screen pop (F12): an offer to this agent carries the call and the customer.
  if (payload && std::holds_alternative<events::agent_reserved>(*payload) &&
      who.agent_id == a.agent_id) {
    nlohmann::json pop;
    if (const auto* c = view.find_call(a.call_id)) {
      pop["call"] = live_view::to_json(*c);
      const auto* p = crm.find_customer(c->tenant, c->customer_id.empty() ? "caller:" + c->caller
                                                                          : c->customer_id);
      pop["customer"] = p ? projections::crm::to_json(*p) : nlohmann::json();
    }
    out += ",\"screen_pop\":" + pop.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  out += "}";
  return out;
}

void feed_hub::impl::on_event(const events::recorded_event& e) {
  std::lock_guard lock{m};
  std::optional<events::event> payload;
  if (decoded_kind(e.type)) {
    auto decoded = events::event_codec::standard().decode(e);
    if (!decoded) {
      failure = "position " + std::to_string(e.position) + " (" + e.stream +
                "): " + decoded.error().message();
      drivers::log::error("api", "feeds stopped: " + failure, e.meta.site);
      return;
    }
    payload = std::move(*decoded);
  }
  // A recording's start names its agent and queue: booked before its audience is read.
  if (payload && e.type.starts_with("recording.")) recordings.apply(e, *payload);
  if (payload) moves.apply(*payload);
  // Who it is about is read before the fold: a call's end removes it from the view.
  const auto aud = audience_of(e, payload ? &*payload : nullptr, view, recordings);
  // The screen pop wants the call as the offer finds it, so fold first for reservations.
  if (payload)
    view.apply(e, *payload);
  else
    (void)view.apply(e);
  (void)crm.apply(e);
  // Sends to the visible sessions of `list`; drops the closed ones.
  auto fan_out = [&](std::vector<std::weak_ptr<feed_session>>& list) {
    bool pruned = false;
    for (auto& w : list) {
      auto s = w.lock();
      if (!s || s->closed()) {
        pruned = true;
        continue;
      }
      if (!visible(s->who(), aud)) continue;
      if (s->send(event_message(e, payload ? &*payload : nullptr, aud, s->who())))
        ++stats.events_sent;
    }
    if (pruned)
      std::erase_if(list, [](const auto& w) {
        auto s = w.lock();
        return !s || s->closed();
      });
    return pruned;
  };
  bool pruned = fan_out(sessions);
  if (!aud.agent_id.empty())
    if (auto d = desks.find(aud.agent_id); d != desks.end()) {
      const auto before = d->second.size();
      if (fan_out(d->second)) {
        pruned = true;
        desk_sessions -= before - d->second.size();
        if (d->second.empty()) desks.erase(d);
      }
    }
  if (pruned) stats.sessions = sessions.size() + desk_sessions;
  if (caught_up && !caught_up->load() && e.position >= start_head) caught_up->store(true);
}

void feed_hub::impl::start_session(const std::shared_ptr<feed_session>& s, std::uint64_t since) {
  std::lock_guard lock{m};
  const auto at = view.position();
  if (since == 0 || since > at || at - since > opt.max_replay) {
    ++stats.snapshots;
    s->send(snapshot_for(s->who()));
  } else {
    // Resume: the visible events after `since`, read back from the store.
    ++stats.replays;
    auto st = store.visit_all(since + 1, at - since, [&](const events::recorded_event& e) {
      std::optional<events::event> payload;
      if (decoded_kind(e.type)) {
        auto d = events::event_codec::standard().decode(e);
        if (d) payload = std::move(*d);
      }
      const auto aud = audience_of(e, payload ? &*payload : nullptr, view, recordings);
      if (visible(s->who(), aud))
        s->send(event_message(e, payload ? &*payload : nullptr, aud, s->who()));
      return events::status{};
    });
    if (!st) {
      ++stats.snapshots;
      s->send(snapshot_for(s->who()));
    }
  }
  const auto& who = s->who();
  const bool desk_only =
      !who.agent_id.empty() && who.roles.size() == 1 && who.roles.count(identity::role::agent) == 1;
  if (desk_only) {
    desks[who.agent_id].push_back(s);
    ++desk_sessions;
  } else {
    sessions.push_back(s);
  }
  stats.sessions = sessions.size() + desk_sessions;
}

feed_hub::feed_hub(ports::event_store& store, const events::center_definition& center, clock_fn now,
                   feed_options o)
    : d_(std::make_shared<impl>(store, std::move(now), o)) {
  d_->view.define(center);
  d_->caught_up = &caught_up_;
}

feed_hub::~feed_hub() {
  if (d_->sub) d_->sub->stop();
}

void feed_hub::start() {
  d_->start_head = d_->store.head_position();
  if (d_->start_head == 0) caught_up_ = true;
  auto hub = d_;
  d_->sub =
      d_->store.subscribe_all(1, {[hub](const events::recorded_event& e) { hub->on_event(e); },
                                  [hub](ports::subscription_state st, const events::status& why) {
                                    if (st == ports::subscription_state::dropped && !why.is_ok()) {
                                      std::lock_guard lock{hub->m};
                                      hub->failure = why.message();
                                      drivers::log::error("api", "feeds stopped: " + why.message());
                                    }
                                  }});
}

std::uint64_t feed_hub::position() const {
  std::lock_guard lock{d_->m};
  return d_->view.position();
}

std::string feed_hub::failure() const {
  std::lock_guard lock{d_->m};
  return d_->failure;
}

void feed_hub::read(const std::function<void(const live_view&)>& f) const {
  std::lock_guard lock{d_->m};
  f(d_->view);
}

nlohmann::json feed_hub::customer(const std::string& tenant, const std::string& customer_id) const {
  std::lock_guard lock{d_->m};
  const auto* p = d_->crm.find_customer(tenant, customer_id);
  return p ? projections::crm::to_json(*p) : nlohmann::json();
}

std::shared_ptr<ws_handler> feed_hub::open_session(identity::principal_view who,
                                                   std::uint64_t since) {
  return std::make_shared<feed_session>(d_, std::move(who), since);
}

nlohmann::json feed_hub::site_moves() const {
  std::lock_guard lock{d_->m};
  return projections::federation::to_json(d_->moves);
}

feed_hub::counters feed_hub::stats() const {
  std::lock_guard lock{d_->m};
  return d_->stats;
}

} // namespace hotline::drivers::api
