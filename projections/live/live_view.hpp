#pragma once
/// The live view of a node: every agent's state, every queue's waiting
/// callers and today's counters, every call in flight. It is what a
/// supervisor's seat, an agent's desktop and `/metrics` show *now*, folded
/// from the node's events in store order, so a snapshot taken after the
/// event at position P is exactly the state at P (the live feeds send a
/// snapshot at P, then every event after P: docs/api.md).
///
/// A fold like the others (projections/): no clock, no I/O. Counters are
/// since the view started folding (a node folds its whole store at start:
/// since the store began). Agents and queues the center defines are known
/// from the start (`define`); those created at runtime from their
/// `agent.defined` / `queue.defined` (config-<site>); others appear when
/// their first event does.
///
/// Thread safety: none; the owner serialises `apply` and the reads.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "events/center.hpp"
#include "events/codec.hpp"
#include "events/envelope.hpp"

namespace hotline::projections::live {

/// What an agent is doing, as a supervisor reads it.
enum class agent_activity : std::uint8_t {
  logged_out,
  ready,
  not_ready,
  ringing, ///< an offer rings its phone
  talking, ///< on a call (or a conference)
  on_hold, ///< its caller is on hold
  wrap_up, ///< after-call work
};
std::string_view to_string(agent_activity a) noexcept;

struct agent_live {
  std::string id, tenant, name;
  agent_activity activity = agent_activity::logged_out;
  std::string reason;                ///< not-ready reason
  std::int64_t since_ns = 0;         ///< when `activity` began
  std::vector<std::string> queues;   ///< served (logged in to), else the defined ones
  std::string station;               ///< the phone it logged in at ("" when not said)
  std::string call_id;               ///< the call on its desk (ringing, talking, held, wrap-up)
  std::string disposition;           ///< of `call_id`, as the agent set it last ("" when not yet)
  std::string notes;                 ///< of `call_id`, with the disposition
  bool ready_flag = false;           ///< ready underneath a call (back to ready after it)
  std::string presence_reason;       ///< the not-ready reason underneath a call
  std::uint64_t answered = 0;        ///< calls it answered
  std::int64_t wrap_up_ms = 0;       ///< the after-call work granted by its last call's end
  std::int64_t talk_ms = 0;          ///< summed talk time of its ended calls
  std::map<std::string, int> skills; ///< skill -> level: defined, then runtime changes
  std::vector<std::string> defined_queues; ///< served when logging in without a list
};

/// A trunk group's channels: defined, and seized now (trunk.seized until
/// trunk.released); and its SIP peer's health (trunk.peer_down until
/// trunk.peer_up).
struct trunk_live {
  std::string id;
  int channels = 0;                              ///< defined, then changed at runtime
  std::map<std::int32_t, std::string> busy;      ///< channel -> the call holding it
  std::map<std::string, std::string> peers_down; ///< peer -> why (trunk.peer_down)
  /// No peer of the group is down (it takes outbound calls).
  bool up() const { return peers_down.empty(); }
};

struct waiting_call {
  std::string call_id;
  std::int64_t since_ns = 0;
  std::int32_t priority = 0;
};

struct queue_live {
  std::string id, tenant, name;
  std::int64_t service_level_ms = 20'000; ///< the queue's SL threshold (definition, then runtime)
  std::int32_t vip_priority = 10;         ///< the priority its VIP callers get (its definition)
  std::vector<waiting_call> waiting;      ///< in arrival order
  std::uint64_t offered = 0;              ///< calls that joined
  std::uint64_t answered = 0;             ///< connected to an agent from this queue
  std::uint64_t answered_in_sl = 0;       ///< answered within service_level_ms
  std::uint64_t abandoned = 0;            ///< ended abandoned while in this queue
  std::int64_t wait_ms_sum = 0;           ///< summed waits of the answered (ASA = sum / answered)
  bool closed = false;                    ///< an administrator closed the service (queue.closed)
  std::string closed_reason;
  std::int64_t oldest_wait_ms(std::int64_t now_ns) const;
};

struct call_live {
  std::string id, tenant, queue, agent_id, caller, customer_id, dialed;
  std::string state; ///< arrived | queued | ringing | talking | on_hold
  std::int64_t since_ns = 0;
  std::map<std::string, std::string> attached;
  bool vip = false; ///< queued at its queue's VIP priority or above (F8: a VIP caller)
  std::string
      consult_with; ///< the agent `agent_id` consults (call.consultation_started); empty: none
};

/// One IVR flow's sessions since the view started (ivr.entered, ivr.exited).
struct ivr_flow_live {
  std::string tenant;
  std::uint64_t entered = 0;
  std::uint64_t in_flow = 0;                   ///< callers in it now
  std::map<std::string, std::uint64_t> exited; ///< by way (contained, queue, abandoned, ...)
};

class live_view {
public:
  /// The defined agents and queues, known before any event.
  void define(const events::center_definition& center);

  /// Folds one recorded event. Events it does not use are skipped; an
  /// event that does not decode is an error (the store is corrupt) and
  /// changes nothing.
  events::status apply(const events::recorded_event& e);
  /// The same with the payload already decoded.
  void apply(const events::recorded_event& e, const events::event& payload);

  std::uint64_t position() const { return position_; } ///< the last folded event's

  const std::map<std::string, agent_live>& agents() const { return agents_; }
  const std::map<std::string, queue_live>& queues() const { return queues_; }
  const std::map<std::string, call_live>& calls() const { return calls_; }
  const std::map<std::string, trunk_live>& trunks() const { return trunks_; }
  const agent_live* find_agent(std::string_view id) const;
  const queue_live* find_queue(std::string_view id) const;
  const call_live* find_call(std::string_view id) const;
  /// Calls that ended since the view started, by outcome name.
  const std::map<std::string, std::uint64_t>& ended_by_outcome() const { return ended_; }
  /// IVR flows by id: sessions entered, in the flow now, and ended by way.
  const std::map<std::string, ivr_flow_live>& ivr_flows() const { return ivr_flows_; }

  /// JSON forms (the API's snapshots and reads). `now_ns` for ages.
  static nlohmann::json to_json(const agent_live& a, std::int64_t now_ns);
  static nlohmann::json to_json(const queue_live& q, const live_view& v, std::int64_t now_ns);
  static nlohmann::json to_json(const call_live& c);

private:
  agent_live& agent(const std::string& id, const std::string& tenant);
  queue_live& queue(const std::string& id, const std::string& tenant);
  void leave_queue(const std::string& queue, const std::string& call_id);

  std::map<std::string, agent_live> agents_;
  std::map<std::string, queue_live> queues_;
  std::map<std::string, call_live> calls_;
  std::map<std::string, trunk_live> trunks_;
  std::map<std::string, std::uint64_t> ended_;
  std::map<std::string, ivr_flow_live> ivr_flows_;
  std::map<std::string, std::string> ivr_sessions_; ///< session -> flow, until it exits
  std::uint64_t position_ = 0;
};

} // namespace hotline::projections::live
