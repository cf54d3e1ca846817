#include "events/federation/site_status.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace hotline::events::federation {

const queue_status* site_status::find(std::string_view queue) const noexcept {
  for (const auto& q : queues)
    if (q.queue == queue) return &q;
  return nullptr;
}

bool significant_change(const site_status& before, const site_status& after) noexcept {
  if (before.queues.size() != after.queues.size()) return true;
  for (const auto& a : after.queues) {
    const auto* b = before.find(a.queue);
    if (!b) return true;
    if ((a.agents_ready > 0) != (b->agents_ready > 0)) return true;
    if ((a.calls_waiting > 0) != (b->calls_waiting > 0)) return true;
    if ((a.ewt_ms < 0) != (b->ewt_ms < 0)) return true;
    auto d = std::llabs(a.ewt_ms - b->ewt_ms);
    if (d >= 5'000 && d * 4 > std::max(a.ewt_ms, b->ewt_ms)) return true;
  }
  return false;
}

recent_service_level::recent_service_level(std::int64_t threshold_ms, std::int64_t short_abandon_ms,
                                           std::size_t window)
    : threshold_ms_(threshold_ms), short_abandon_ms_(short_abandon_ms),
      window_(std::max<std::size_t>(1, window)) {}

void recent_service_level::record(const queue_exit& e) {
  exits_.push_back(e);
  if (exits_.size() > window_) exits_.pop_front();
}

std::optional<double> recent_service_level::value() const noexcept {
  std::int64_t within = 0, net_offered = 0;
  for (const auto& e : exits_) {
    if (e.abandoned && e.wait_ms < short_abandon_ms_) continue; // short abandons are not offered
    ++net_offered;
    if (e.answered && e.wait_ms <= threshold_ms_) ++within;
  }
  if (net_offered == 0) return std::nullopt;
  return static_cast<double>(within) / static_cast<double>(net_offered);
}

std::string to_json(const site_status& s) {
  nlohmann::json j;
  j["version"] = site_status_version;
  j["site"] = s.site;
  j["seq"] = s.seq;
  j["at_ns"] = s.at_ns;
  j["queues"] = nlohmann::json::array();
  for (const auto& q : s.queues)
    j["queues"].push_back(
        {{"queue", q.queue},
         {"agents_logged_in", q.agents_logged_in},
         {"agents_ready", q.agents_ready},
         {"calls_waiting", q.calls_waiting},
         {"ewt_ms", q.ewt_ms < 0 ? nlohmann::json(nullptr) : nlohmann::json(q.ewt_ms)},
         {"service_level",
          q.service_level ? nlohmann::json(*q.service_level) : nlohmann::json(nullptr)},
         {"sl_threshold_ms", q.sl_threshold_ms}});
  return j.dump();
}

namespace {

template <class T>
bool take(const nlohmann::json& j, const char* key, T& out, std::string& err,
          const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) {
    err = where + key + ": missing";
    return false;
  }
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) {
      err = where + key + ": not a string";
      return false;
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!it->is_number()) {
      err = where + key + ": not a number";
      return false;
    }
  } else {
    if (!it->is_number_integer()) {
      err = where + key + ": not an integer";
      return false;
    }
  }
  out = it->get<T>();
  return true;
}

/// `key` may be null (unknown): then `out` keeps its "unknown" value.
template <class T>
bool take_or_null(const nlohmann::json& j, const char* key, T& out, std::string& err,
                  const std::string& where) {
  auto it = j.find(key);
  if (it != j.end() && it->is_null()) return true;
  return take(j, key, out, err, where);
}

} // namespace

result<site_status> site_status_from_json(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return status{errc::malformed_json, "site status: not a JSON object"};
  site_status s;
  std::string err;
  std::int64_t version = 1; // version 1 records have no `version`
  if (j.contains("version") && !take(j, "version", version, err, "site status: "))
    return status{errc::malformed_json, err};
  if (version < 1 || version > site_status_version)
    return status{errc::malformed_json, "site status: version " + std::to_string(version) +
                                            " is not one this build reads (1.." +
                                            std::to_string(site_status_version) + ")"};
  if (!take(j, "site", s.site, err, "site status: ") ||
      !take(j, "seq", s.seq, err, "site status: ") ||
      !take(j, "at_ns", s.at_ns, err, "site status: "))
    return status{errc::malformed_json, err};
  if (s.site.empty()) return status{errc::malformed_json, "site status: site: empty"};
  auto qs = j.find("queues");
  if (qs == j.end() || !qs->is_array())
    return status{errc::malformed_json, "site status: queues: not an array"};
  for (std::size_t i = 0; i < qs->size(); ++i) {
    const auto& qj = (*qs)[i];
    auto where = "site status " + s.site + ": queues[" + std::to_string(i) + "].";
    if (!qj.is_object()) return status{errc::malformed_json, where + ": not an object"};
    queue_status q;
    if (!take(qj, "queue", q.queue, err, where) ||
        !take(qj, "agents_logged_in", q.agents_logged_in, err, where) ||
        !take(qj, "agents_ready", q.agents_ready, err, where) ||
        !take(qj, "calls_waiting", q.calls_waiting, err, where) ||
        !take_or_null(qj, "ewt_ms", q.ewt_ms, err, where))
      return status{errc::malformed_json, err};
    if (q.ewt_ms < 0) q.ewt_ms = -1;
    double sl = 0;
    bool sl_null = qj.contains("service_level") && qj["service_level"].is_null();
    if (!sl_null && !take(qj, "service_level", sl, err, where))
      return status{errc::malformed_json, err};
    if (!sl_null) {
      if (!(sl >= 0.0 && sl <= 1.0))
        return status{errc::malformed_json,
                      where + "service_level: " + std::to_string(sl) + " is not within 0..1"};
      q.service_level = sl;
    }
    if (!take(qj, "sl_threshold_ms", q.sl_threshold_ms, err, where))
      return status{errc::malformed_json, err};
    s.queues.push_back(std::move(q));
  }
  return s;
}

} // namespace hotline::events::federation
