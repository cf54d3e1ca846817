#pragma once
/// The lookup port: a lookup node's question to the enterprise's data (F5,
/// docs/ivr.md "lookup"). The session's variables go in; the variables
/// the node maps come out, or not_found, or failed with a reason. The IVR
/// session turns the answer into `lookup_result` (found / not found /
/// failed: its `on_failure` branch).
///
/// Adapters (drivers/lookup/): `csv_lookup` (a local table loaded with the
/// configuration) and `http_lookup` (the enterprise's system over HTTP,
/// with timeout, retries and a circuit breaker). `memory_lookup` below is
/// the fake.
///
/// Thread safety: `find` may be called from any thread, concurrently. It
/// blocks (an HTTP lookup for up to its timeout x tries): call it from a
/// worker, never from an actor's or a media thread.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "events/ivr/flow.hpp"
#include "events/ivr/session.hpp"

namespace hotline::ports {

using variables = std::map<std::string, std::string>;

enum class lookup_status : std::uint8_t {
  found,     ///< `values` holds the mapped variables
  not_found, ///< the source answered: no such key (an HTTP 404, no row)
  failed,    ///< the source could not answer (`reason`)
};
/// "found", "not_found", "failed".
const char* to_string(lookup_status s) noexcept;

struct lookup_answer {
  lookup_status status = lookup_status::failed;
  variables values;   ///< found: variable -> value
  std::string reason; ///< failed (and not_found): for people and the event
  std::chrono::milliseconds latency{0};
  std::int32_t tries = 0; ///< HTTP: requests sent (0: the circuit was open)
};

/// The session's `lookup_result` for `step` from a source's answer to
/// lookup node `n`: the decider maps its `fields` from the row itself
/// (source key -> value: a column, or a JSON pointer), so each mapped
/// variable goes back under its source key.
events::ivr::lookup_result to_session_result(const events::ivr::node& n, const lookup_answer& a,
                                             std::uint64_t step, std::int64_t now_ns);

class lookup_source;
/// Finds the source of lookup node `node` of flow `flow` (null: none, the
/// session's `ivr_data` answers instead). Called from any thread.
using lookup_finder =
    std::function<lookup_source*(const std::string& flow, const std::string& node)>;

class lookup_source {
public:
  virtual ~lookup_source() = default;
  /// Never throws: every failure is `failed` with a reason.
  virtual lookup_answer find(const variables& vars) = 0;
};

/// The fake: answers from a map of key -> values, the key being
/// `vars[key_variable]`; `fail_with` makes every answer failed.
class memory_lookup final : public lookup_source {
public:
  explicit memory_lookup(std::string key_variable) : key_variable_(std::move(key_variable)) {}
  void put(const std::string& key, variables values) {
    std::lock_guard lock(m_);
    rows_[key] = std::move(values);
  }
  void fail_with(std::string reason) {
    std::lock_guard lock(m_);
    failure_ = std::move(reason);
  }
  lookup_answer find(const variables& vars) override {
    std::lock_guard lock(m_);
    lookup_answer a;
    a.tries = 1;
    if (!failure_.empty()) {
      a.reason = failure_;
      return a;
    }
    auto k = vars.find(key_variable_);
    auto row = k == vars.end() ? rows_.end() : rows_.find(k->second);
    if (row == rows_.end()) {
      a.status = lookup_status::not_found;
      a.reason = "no such key";
      return a;
    }
    a.status = lookup_status::found;
    a.values = row->second;
    return a;
  }

private:
  std::mutex m_;
  std::string key_variable_;
  std::map<std::string, variables> rows_;
  std::string failure_;
};

/// Lookups and their latency for `/metrics`, by source kind ("csv",
/// "http") and status: `hotline_ivr_lookups_total{source,status}` and the
/// histogram `hotline_ivr_lookup_seconds{source}`. Labels are bounded (two
/// sources, three statuses), never a key or a flow's URL.
///
/// Thread safety: `record` and `text` may be called from any thread.
class lookup_metrics {
public:
  /// Upper bounds of the latency buckets, seconds.
  static constexpr std::array<double, 10> bounds{0.005, 0.01, 0.025, 0.05, 0.1,
                                                 0.25,  0.5,  1.0,   2.5,  5.0};
  enum class source_kind : std::uint8_t { csv, http };

  void record(source_kind source, const lookup_answer& a);
  /// The Prometheus text exposition (0.0.4) of these metrics: HELP, TYPE,
  /// the counters and the histogram. Appends to `out`.
  void text(std::string& out) const;

  std::uint64_t count(source_kind source, lookup_status status) const;

private:
  struct per_source {
    std::array<std::atomic<std::uint64_t>, 3> by_status{};
    std::array<std::atomic<std::uint64_t>, bounds.size()> buckets{}; ///< not cumulative
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_us{0};
  };
  std::array<per_source, 2> sources_{};
};

} // namespace hotline::ports
