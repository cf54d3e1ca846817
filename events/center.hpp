#pragma once
/// The contact center as the domain sees it: sites, tenants, trunk groups,
/// queues and agents. Plain data, filled from TOML by config/ (see
/// docs/config.md for every key and its default) or built in code by tests
/// and simulations. Deciders read these definitions; they never parse files.
///
/// Conventions: durations are milliseconds (`_ms`); 0 means "off" where a
/// field says so; skill levels are 1..100, higher is more proficient.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/ivr/flow.hpp"
#include "events/vocabulary.hpp"

namespace hotline::events {

/// How a queue picks among equally skilled eligible agents (F7).
enum class routing_strategy : std::uint8_t {
  longest_idle,    ///< the agent idle the longest (Default)
  round_robin,     ///< the next agent after the last one offered (remembered)
  fewest_calls,    ///< the agent who handled the fewest calls this session
  least_talk_time, ///< the agent with the least talk time this session
  top_down,        ///< always in configured agent order (`order`)
  random,          ///< uniformly random (seeded; the seed arrives with the command)
  ring_all,        ///< offer to every eligible agent at once; the first to answer wins
};
const char* to_string(routing_strategy s) noexcept;
bool parse_routing_strategy(std::string_view text, routing_strategy& out) noexcept;

struct skill_requirement {
  std::string skill;
  int min_level = 1;

  bool operator==(const skill_requirement&) const = default;
};

/// After `after_ms` of waiting, relax the call's requirements (like
/// Asterisk's penalty rules / FreeSWITCH tier rules / bullseye routing).
/// Steps are cumulative: every step whose `after_ms` has passed applies, so
/// min levels drop by the sum of their deltas and the added queues are the
/// union (events/acd/widening.hpp, docs/acd.md "Widening").
struct widening_step {
  std::int64_t after_ms = 0;
  int min_level_delta = 0;             ///< lower every min_level by this (never below 1)
  std::vector<std::string> add_queues; ///< also consider agents logged in to these queues

  bool operator==(const widening_step&) const = default;
};

/// What happens to a call nobody can answer.
enum class overflow_action : std::uint8_t { none, queue, voicemail, callback };
const char* to_string(overflow_action a) noexcept;
bool parse_overflow_action(std::string_view text, overflow_action& out) noexcept;

/// When a queue counts as "empty" for join/leave rules.
enum class empty_rule : std::uint8_t {
  never,        ///< never refuse or eject (Default)
  no_members,   ///< empty when no eligible agent is logged in
  no_available, ///< empty when no eligible agent is logged in and not paused (ready, busy or in
                ///< wrap-up count)
};
const char* to_string(empty_rule r) noexcept;
bool parse_empty_rule(std::string_view text, empty_rule& out) noexcept;

/// Whether calls are recorded (F14; docs/telephony.md "Recording"): a
/// queue's own setting, or its tenant's default.
enum class recording_policy : std::uint8_t {
  tenant, ///< a queue's: whatever its tenant says (Default for queues)
  never,  ///< no recording (Default for tenants)
  always, ///< every call bridged to an agent is recorded (stereo WAV)
};
const char* to_string(recording_policy p) noexcept;
bool parse_recording_policy(std::string_view text, recording_policy& out) noexcept;

struct queue_definition {
  std::string id; ///< stream `queue-<id>`
  std::string tenant;
  std::string name;
  contact_channel channel = contact_channel::voice;
  std::vector<skill_requirement> skills; ///< all required (AND)
  routing_strategy strategy = routing_strategy::longest_idle;
  std::int64_t ring_timeout_ms = 15'000; ///< offer rings this long before `no_answer`
  int max_no_answer =
      3; ///< consecutive misses before auto-pause (0: never); carried by agent::ring_timeout
  std::int64_t reject_delay_ms = 0; ///< after a reject, do not re-offer to that agent this long
  std::int64_t busy_delay_ms = 0;   ///< after `busy`, do not re-offer to that agent this long
  std::int64_t wrap_up_ms = 10'000; ///< after-call work (an agent's own setting wins)
  int max_length = 0;               ///< waiting calls at most (0: unlimited)
  std::int64_t max_wait_ms = 0;     ///< then overflow (0: unlimited)
  empty_rule join_empty = empty_rule::never;  ///< refuse joining when empty
  empty_rule leave_empty = empty_rule::never; ///< overflow waiting calls when it becomes empty
  overflow_action overflow = overflow_action::none; ///< on max_wait, max_length, empty
  std::string overflow_queue;                       ///< target for overflow_action::queue
  std::int64_t announce_every_ms = 0;               ///< position/EWT announcements (0: none)
  std::vector<widening_step> widening;              ///< in order of after_ms
  std::int64_t callback_offer_after_ms = 0; ///< offer virtual hold after this wait (0: never)
  int callback_attempts = 1; ///< dial-backs telephony may report failed before the call back ends
  std::int64_t callback_retry_ms =
      300'000; ///< after a failed dial-back, the next one not before this
  std::int64_t preferred_agent_ms =
      0; ///< how long a familiar/preferred agent is waited for (0: off)
  std::string
      outbound_trunk_group;   ///< where calls its agents place go out (F3); empty: no line modelled
  double sl_threshold_s = 20; ///< service-level threshold T for this queue's KPIs (seconds)
  std::int32_t vip_priority = 10; ///< priority given to VIP callers (F8)
  /// Disposition (wrap-up) codes its agents may set on a call; empty: any
  /// code (events/acd/agent.hpp: set_disposition).
  std::vector<std::string> dispositions;
  /// Recording of its calls (`record`); `tenant`: the tenant's default.
  recording_policy record{recording_policy::tenant};

  bool operator==(const queue_definition&) const = default;
};

struct agent_definition {
  std::string id; ///< stream `agent-<id>`
  std::string tenant;
  std::string name;
  std::map<std::string, int> skills; ///< skill -> level (1..100)
  /// Concurrent contacts per channel; a channel not listed is not served
  /// (a chat agent needs e.g. {"chat", 3}). Default: {"voice", 1}.
  std::map<contact_channel, int> capacity{{contact_channel::voice, 1}};
  bool voice_blocks_others = true; ///< on a voice call, take no chat/e-mail
  std::int64_t wrap_up_ms = -1;    ///< -1: use the queue's
  std::vector<std::string> queues; ///< queues served when logging in without a list
  int order = 0;                   ///< rank for top_down
  bool supervisor = false;         ///< may listen / whisper / barge (F13)

  bool operator==(const agent_definition&) const = default;
};

struct trunk_group_definition {
  std::string id; ///< streams `trunk-<id>.<n>`, n = 1..channels
  int channels = 30;
  trunk_direction direction = trunk_direction::both;

  bool operator==(const trunk_group_definition&) const = default;
};

struct tenant_definition {
  std::string id;
  std::string name;
  std::vector<std::string> vip_callers; ///< caller numbers treated as VIP (F8)
  /// Recording of the calls of its queues that say `tenant` (never `tenant` itself).
  recording_policy record{recording_policy::never};
};

/// A dialed number (DNIS) and where its calls go.
struct entry_point {
  std::string dialed;
  std::string tenant;
  std::string queue;
  std::string trunk_group;
  std::int32_t priority = 0;
  /// The IVR flow its callers walk first (events/ivr/flow.hpp; the IVR
  /// actor, actors/ivr_actor.hpp, runs it and its queue node names the
  /// queue); empty: straight to `queue`, which an entry point without a
  /// flow requires.
  std::string flow{};
};

struct site_definition {
  std::string id = "site-1";
  std::string name;
  /// An agent logged out with nothing on the desk for this long lets its
  /// actor go; the next message recovers it from its stream (0: never).
  std::int64_t passivate_idle_ms = 600'000;
};

struct center_definition {
  site_definition site;
  std::vector<tenant_definition> tenants;
  std::vector<trunk_group_definition> trunks;
  std::vector<queue_definition> queues;
  std::vector<agent_definition> agents;
  std::vector<entry_point> entry_points;
  std::vector<ivr::flow> flows; ///< IVR flows ([[flows]], docs/ivr.md)

  const ivr::flow* find_flow(std::string_view id) const;
  const queue_definition* find_queue(std::string_view id) const;
  const agent_definition* find_agent(std::string_view id) const;
  const trunk_group_definition* find_trunk(std::string_view id) const;
  const tenant_definition* find_tenant(std::string_view id) const;
  const entry_point* find_entry(std::string_view dialed) const;
};

} // namespace hotline::events
