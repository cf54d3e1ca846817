#pragma once
/// What only the traffic simulator needs, beside the center itself: how
/// callers arrive, how long they talk and wait, how agents' shifts run.
/// Plain data, filled from the `[simulation]` section and the `shift` keys of
/// agents and agent groups (see docs/config.md); durations are milliseconds,
/// like events/center.hpp. A real node ignores all of it.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "events/vocabulary.hpp"

namespace hotline::config {

/// The shape of a random duration (handle time, patience).
enum class distribution_kind : std::uint8_t {
  exponential, ///< mean_ms
  lognormal,   ///< mean_ms and sd_ms of the distribution itself (not of its log)
  empirical,   ///< drawn uniformly from samples_ms
  none,        ///< never happens (patience only: callers wait for ever)
};
const char* to_string(distribution_kind k) noexcept;
bool parse_distribution_kind(std::string_view text, distribution_kind& out) noexcept;

/// "HH:MM" for a time of day given in milliseconds since midnight (seconds
/// dropped); how the files write it. REQUIRES: 0 <= ms <= 24 h.
std::string time_of_day_text(std::int64_t ms);

struct duration_distribution {
  distribution_kind kind = distribution_kind::exponential;
  std::int64_t mean_ms = 0;             ///< exponential, lognormal
  std::int64_t sd_ms = 0;               ///< lognormal
  std::vector<std::int64_t> samples_ms; ///< empirical; never empty for it
};

/// How simulated callers answer an IVR flow (docs/ivr.md "In the
/// simulator"): at a menu or language node they press a key drawn from
/// `choices` (the probabilities of a node may sum to less than 1: the rest
/// is silence, which the flow times out); at a collect node they key an
/// entry drawn uniformly from `digits` (then the terminator, unless the
/// entry fills the node's `max_digits`); they hang up once `patience` has
/// run out in the flow. A node named in neither gets silence.
struct ivr_caller_profile {
  /// menu or language node -> key -> probability (0..1, summing to at most 1)
  std::map<std::string, std::map<std::string, double>> choices;
  /// collect node -> entries, drawn uniformly (some valid, some not)
  std::map<std::string, std::vector<std::string>> digits;
  std::int64_t think_ms = 2'000;  ///< from the node's prompt ending to the first key. Default: 2 s
  std::int64_t key_gap_ms = 300;  ///< between the keys of an entry. Default: 0.3 s
  duration_distribution patience; ///< time in the flow before hanging up. Default: none (never)

  ivr_caller_profile() { patience.kind = distribution_kind::none; }
};

/// Callers arriving at one entry point (through its trunk group, so they can
/// be blocked) or straight into one queue (chat, e-mail, web callback).
/// Exactly one of `entry_point` and `queue` is set. Arrivals are Poisson: at
/// `rate_per_hour`, or, when `counts` is not empty, at counts[i] per
/// `interval_ms` during [counts_start_ms + i*interval_ms, +interval_ms) and
/// none outside the counted intervals.
struct arrival_profile {
  std::string entry_point; ///< an entry_point's `dialed`
  std::string queue;       ///< a queue id
  double rate_per_hour = 0;
  std::string counts_csv; ///< where `counts` were read from (for display)
  std::vector<double> counts;
  std::int64_t interval_ms = 0;      ///< length of one counted interval
  std::int64_t counts_start_ms = 0;  ///< time of day of counts[0]; Default: the simulation's start
  duration_distribution handle_time; ///< talk time (after-call work is the queue's/agent's wrap-up)
  duration_distribution patience;    ///< how long a caller waits before hanging up
  double callback_accept = 0;        ///< probability to accept a callback offer (0..1)
  /// Probability that a caller who left the line for a call back picks up
  /// each time it is dialed back (0..1); otherwise the dial-back fails
  /// (`callback_failed`, "customer_no_answer") and the queue's callback_attempts decide.
  double callback_reach = 1;
  /// `outbound`: agents of `queue` place these calls (F3), at this rate,
  /// each to a customer, when the agent picked is ready; no patience.
  events::call_direction direction = events::call_direction::inbound;
  /// How these callers answer the entry point's IVR flow ([simulation.arrivals.ivr]).
  /// Default: silence at every node, patience for ever
  ivr_caller_profile ivr;
};

/// A scheduled pause inside a shift, taken as not-ready with `reason`.
struct shift_break {
  std::int64_t offset_ms = 0; ///< from the shift's start
  std::int64_t length_ms = 0;
  std::string reason = "break";
};

/// When an agent is logged in. A shift may cross midnight.
/// Invariant (checked by loading): breaks are in order, do not overlap and
/// end within the shift.
struct shift {
  std::int64_t start_ms = 0; ///< time of day, from midnight
  std::int64_t length_ms = 0;
  std::vector<shift_break> breaks;
};

struct simulation_definition {
  std::uint64_t seed = 1;                ///< the random source's seed; same seed, same run
  std::int64_t start_ms = 8 * 3'600'000; ///< time of day the run starts. Default: 08:00
  std::int64_t end_ms = 18 * 3'600'000;  ///< time of day it ends (after start). Default: 18:00
  std::vector<arrival_profile> arrivals;
  std::map<std::string, double> vip_share; ///< tenant id -> share of its callers who are VIP (0..1)
  std::map<std::string, shift> shifts; ///< agent id -> shift; agents without one work the whole run
  /// Agents people drive through the node API (docs/api.md): the simulated
  /// traffic neither logs them in nor answers their phone, so an agent is
  /// driven by exactly one of the two. Default: none
  std::vector<std::string> api_agents;
};

} // namespace hotline::config
