#include "config/simulation_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "config/counts_csv.hpp"
#include "config/did_you_mean.hpp"
#include "config/limits.hpp"

namespace hotline::config::detail {

namespace {

using zero = table_reader::zero;

/// "HH:MM" of a time of day in ms after midnight.
std::string clock_text(std::int64_t ms) {
  const auto minutes = ms / 60'000;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(minutes / 60 % 24),
                static_cast<int>(minutes % 60));
  return buf;
}

/// Reads `{ distribution = "...", mean_s, sd_s, samples_s }`; `kinds` are
/// the distributions this use allows. Keys that do not fit the kind are errors.
void read_distribution(table_reader& r, duration_distribution& out,
                       const std::vector<std::string>& kinds, std::string_view noun) {
  duration_distribution d;
  const bool has_kind = r.require("distribution", "one of " + name_list(kinds));
  bool ok =
      has_kind && r.read_choice("distribution", d.kind, &parse_distribution_kind, kinds, noun);
  const bool has_mean = r.read_duration_s("mean_s", d.mean_ms);
  const bool has_sd = r.read_duration_s("sd_s", d.sd_ms);
  bool has_samples = false;
  if (const auto* node = r.get("samples_s")) {
    const auto* list = node->as_array();
    if (!list || list->empty()) {
      r.error("samples_s",
              "expected a non-empty array of seconds, got " + table_reader::describe(*node));
      ok = false;
    } else {
      has_samples = true;
      for (std::size_t i = 0; i < list->size(); ++i) {
        const auto& item = *list->get(i);
        const auto v = item.value<double>();
        if (!v || *v < 0 || item.is_boolean()) {
          r.error_at(item, r.child("samples_s") + '[' + std::to_string(i) + ']',
                     "expected a non-negative number of seconds, got " +
                         table_reader::describe(item));
          has_samples = ok = false;
          continue;
        }
        d.samples_ms.push_back(std::llround(*v * 1000));
      }
    }
  }
  if (!ok) return;

  auto needs = [&](bool present, std::string_view key, std::string_view what) {
    if (!present && !r.has(key))
      r.error("", "distribution = \"" + std::string(to_string(d.kind)) + "\" needs " +
                      std::string(key) + " (" + std::string(what) + ")");
    ok = ok && present;
  };
  auto refuses = [&](std::string_view key) {
    if (!r.has(key)) return;
    r.error(key,
            std::string(key) + " does not apply to distribution = \"" + to_string(d.kind) + "\"");
    ok = false;
  };
  switch (d.kind) {
  case distribution_kind::exponential:
    needs(has_mean, "mean_s", "a positive number of seconds");
    refuses("sd_s");
    refuses("samples_s");
    break;
  case distribution_kind::lognormal:
    needs(has_mean, "mean_s", "a positive number of seconds");
    needs(has_sd, "sd_s", "a positive number of seconds");
    refuses("samples_s");
    break;
  case distribution_kind::empirical:
    needs(has_samples, "samples_s", "a non-empty array of seconds");
    refuses("mean_s");
    refuses("sd_s");
    break;
  case distribution_kind::none:
    refuses("mean_s");
    refuses("sd_s");
    refuses("samples_s");
    break;
  }
  if (ok) out = std::move(d);
}

const std::vector<std::string> handle_kinds = {"exponential", "lognormal", "empirical"};
const std::vector<std::string> patience_kinds = {"exponential", "empirical", "none"};

/// `[simulation.arrivals.ivr]`: how these callers answer the flow.
void read_ivr_callers(table_reader& r, ivr_caller_profile& p) {
  r.read_duration_s("think_s", p.think_ms);
  r.read_duration_s("key_gap_s", p.key_gap_ms);
  r.with_table("patience", [&](table_reader& t) {
    read_distribution(t, p.patience, patience_kinds, "IVR patience distribution");
  });
  const auto is_key = [](std::string_view k) {
    return k.size() == 1 && ((k[0] >= '0' && k[0] <= '9') || k[0] == '*' || k[0] == '#');
  };
  if (const auto* node = r.get("choices")) {
    const auto* nodes = node->as_table();
    if (!nodes) {
      r.error("choices", "expected a table of flow node = { key = probability }, got " +
                             table_reader::describe(*node));
    } else {
      for (auto&& [name, value] : *nodes) {
        const auto path = r.child("choices") + '.' + std::string(name.str());
        r.context().sources.record(path, position_of(value.source()));
        const auto* keys = value.as_table();
        if (!keys) {
          r.error_at(value, path,
                     "expected a table of key = probability (e.g. { 1 = 0.6, 2 = 0.3 }), got " +
                         table_reader::describe(value));
          continue;
        }
        auto& out = p.choices[std::string(name.str())];
        double sum = 0;
        for (auto&& [key, prob] : *keys) {
          const auto kpath = path + '.' + std::string(key.str());
          r.context().sources.record(kpath, position_of(prob.source()));
          const auto v = prob.value<double>();
          if (!is_key(key.str()))
            r.error_at(prob, kpath,
                       "'" + std::string(key.str()) + "' is not a telephone key (0-9, * or #)");
          else if (!v || prob.is_boolean() || *v < 0 || *v > 1)
            r.error_at(prob, kpath,
                       "expected a probability from 0 to 1, got " + table_reader::describe(prob));
          else {
            out[std::string(key.str())] = *v;
            sum += *v;
          }
        }
        if (sum > 1 + 1e-9)
          r.error_at(value, path,
                     "the probabilities sum to " + std::to_string(sum) +
                         ", more than 1 (what is left below 1 is the chance of silence)");
      }
    }
  }
  if (const auto* node = r.get("digits")) {
    const auto* nodes = node->as_table();
    if (!nodes) {
      r.error("digits", "expected a table of collect node = [\"entry\", ...], got " +
                            table_reader::describe(*node));
    } else {
      for (auto&& [name, value] : *nodes) {
        const auto path = r.child("digits") + '.' + std::string(name.str());
        r.context().sources.record(path, position_of(value.source()));
        const auto* list = value.as_array();
        std::vector<std::string> entries;
        bool ok = list && !list->empty();
        for (std::size_t i = 0; ok && i < list->size(); ++i) {
          const auto v = list->get(i)->value<std::string>();
          ok = v && !v->empty() && std::all_of(v->begin(), v->end(), [&](char c) {
                 return is_key({&c, 1});
               });
          if (ok) entries.push_back(*v);
        }
        if (!ok) {
          r.error_at(
              value, path,
              "expected a non-empty array of key strings (e.g. [\"81234\", \"99999\"]), got " +
                  table_reader::describe(value));
          continue;
        }
        p.digits[std::string(name.str())] = std::move(entries);
      }
    }
  }
}

void read_arrival(table_reader& r, arrival_profile& a, const simulation_definition& sim) {
  r.read_id("entry_point", a.entry_point);
  r.read_id("queue", a.queue);
  if (!r.has("entry_point") && !r.has("queue"))
    r.error("", "an arrival profile needs entry_point (callers dial in through a trunk) or "
                "queue (contacts go straight into a queue)");
  else if (r.has("entry_point") && r.has("queue"))
    r.error("queue", "give entry_point or queue, not both");
  r.read_choice("direction", a.direction, "direction");
  if (a.direction == events::call_direction::outbound) {
    if (r.has("entry_point"))
      r.error("entry_point",
              "an outbound profile's calls are placed by the agents of a queue: give queue, not "
              "entry_point");
    for (const char* key : {"patience", "callback_accept", "callback_reach"})
      if (r.has(key))
        r.error(key,
                std::string(key) +
                    " applies to callers who wait; an outbound profile's calls wait for nobody");
  }

  r.read("rate_per_h", a.rate_per_hour, 0, limits::max_rate_per_h,
         "a number of arrivals per hour from 0 to " +
             std::to_string(static_cast<std::int64_t>(limits::max_rate_per_h)));
  std::string csv;
  const bool has_csv = r.read("counts_csv", csv);
  r.read_minutes("interval_min", a.interval_ms, zero::refused);
  a.counts_start_ms = sim.start_ms;
  r.read_clock("counts_start", a.counts_start_ms);
  if (r.has("rate_per_h") && r.has("counts_csv"))
    r.error("counts_csv", "give rate_per_h or counts_csv, not both");
  else if (!r.has("rate_per_h") && !r.has("counts_csv"))
    r.error("", "an arrival profile needs rate_per_h or counts_csv (with interval_min)");
  for (const char* key : {"interval_min", "counts_start"})
    if (r.has(key) && !r.has("counts_csv"))
      r.error(key, std::string(key) + " applies only with counts_csv");

  if (has_csv) {
    // Relative to the file that names it, like `include`.
    const auto* node = r.get("counts_csv");
    const auto written_in = node->source().path ? *node->source().path : std::string{};
    const auto path = (std::filesystem::path(written_in).parent_path() / csv).lexically_normal();
    a.counts_csv = path.string();
    std::optional<int> interval_min;
    if (r.has("interval_min") && a.interval_ms > 0)
      interval_min = static_cast<int>(a.interval_ms / 60'000);
    if (auto file = read_counts_csv(path, r.child("counts_csv"), position_of(node->source()),
                                    interval_min, r.context().out)) {
      a.counts = std::move(file->counts);
      a.interval_ms = file->interval_ms;
      // The file says when its counts start; counts_start may repeat it.
      if (!r.has("counts_start"))
        a.counts_start_ms = file->first_start_ms;
      else if (a.counts_start_ms != file->first_start_ms)
        r.error("counts_start", "the counts file's first interval_start is " +
                                    clock_text(file->first_start_ms) + ", not " +
                                    clock_text(a.counts_start_ms));
    }
  }
  r.with_table("handle_time", [&](table_reader& t) {
    read_distribution(t, a.handle_time, handle_kinds, "handle time distribution");
  });
  r.with_table("patience", [&](table_reader& t) {
    read_distribution(t, a.patience, patience_kinds, "patience distribution");
  });
  r.read("callback_accept", a.callback_accept, 0, 1, "a probability from 0 to 1");
  r.read("callback_reach", a.callback_reach, 0, 1, "a probability from 0 to 1");
  r.with_table("ivr", [&](table_reader& t) { read_ivr_callers(t, a.ivr); });
}

} // namespace

bool read_shift(table_reader& r, shift& out) {
  shift s;
  bool ok = r.require("start", "a time of day \"HH:MM\"") && r.read_clock("start", s.start_ms);
  ok = r.require("length_min", "a positive integer number of minutes") &&
       r.read_minutes("length_min", s.length_ms, zero::refused) && ok;
  if (ok && s.length_ms > 24 * 3'600'000) {
    r.error("length_min", "expected a shift of at most 24 hours (1440 min), got " +
                              std::to_string(s.length_ms / 60'000));
    ok = false;
  }
  const bool length_ok = ok;
  r.each_table("breaks", [&](table_reader& b, std::size_t i) {
    shift_break br;
    bool good = b.require("after_min", "minutes from the shift's start") &&
                b.read_minutes("after_min", br.offset_ms, zero::allowed);
    good = b.require("length_min", "a positive integer number of minutes") &&
           b.read_minutes("length_min", br.length_ms, zero::refused) && good;
    good = (b.read_id("reason", br.reason) || !b.has("reason")) && good;
    if (good && i > 0 && !s.breaks.empty()) {
      const auto& prev = s.breaks.back();
      if (br.offset_ms < prev.offset_ms + prev.length_ms) {
        b.error("after_min", "this break starts " + std::to_string(br.offset_ms / 60'000) +
                                 " min into the shift, before the previous one ends (" +
                                 std::to_string((prev.offset_ms + prev.length_ms) / 60'000) +
                                 " min); list breaks in order, without overlap");
        good = false;
      }
    }
    if (good && length_ok && br.offset_ms + br.length_ms > s.length_ms) {
      b.error("after_min", "this break ends " +
                               std::to_string((br.offset_ms + br.length_ms) / 60'000) +
                               " min into the shift, after its end (" +
                               std::to_string(s.length_ms / 60'000) + " min)");
      good = false;
    }
    ok = ok && good;
    if (good) s.breaks.push_back(std::move(br));
  });
  if (ok) out = std::move(s);
  return ok;
}

void read_simulation(table_reader& root, simulation_definition& sim) {
  root.with_table("simulation", [&](table_reader& r) {
    r.read("seed", sim.seed, "a non-negative integer");
    r.read_clock("start", sim.start_ms);
    if (r.read_clock("end", sim.end_ms, true) && sim.end_ms <= sim.start_ms)
      r.error("end", "expected a time after start (" + time_of_day_text(sim.start_ms) +
                         "), got \"" + time_of_day_text(sim.end_ms) + "\"");

    // Defaults for every arrival profile that does not set its own.
    arrival_profile defaults;
    defaults.handle_time = {distribution_kind::exponential, 180'000, 0, {}};
    defaults.patience = {distribution_kind::none, 0, 0, {}};
    r.with_table("handle_time", [&](table_reader& t) {
      read_distribution(t, defaults.handle_time, handle_kinds, "handle time distribution");
    });
    r.with_table("patience", [&](table_reader& t) {
      read_distribution(t, defaults.patience, patience_kinds, "patience distribution");
    });
    r.read("callback_accept", defaults.callback_accept, 0, 1, "a probability from 0 to 1");
    r.read("callback_reach", defaults.callback_reach, 0, 1, "a probability from 0 to 1");

    if (const auto* node = r.get("vip_share")) {
      if (const auto* shares = node->as_table()) {
        for (auto&& [tenant, value] : *shares) {
          const auto path = r.child("vip_share") + '.' + std::string(tenant.str());
          r.context().sources.record(path, position_of(value.source()));
          const auto v = value.value<double>();
          if (!v || value.is_boolean() || *v < 0 || *v > 1) {
            r.error_at(value, path,
                       "expected a share from 0 to 1, got " + table_reader::describe(value));
            continue;
          }
          sim.vip_share[std::string(tenant.str())] = *v;
        }
      } else {
        r.error("vip_share",
                "expected a table of tenant = share, got " + table_reader::describe(*node));
      }
    }
    r.read("api_agents", sim.api_agents);
    r.each_table("arrivals", [&](table_reader& a, std::size_t) {
      arrival_profile p = defaults;
      read_arrival(a, p, sim);
      sim.arrivals.push_back(std::move(p));
    });
  });
}

} // namespace hotline::config::detail
