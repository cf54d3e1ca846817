// hotline staff: how many agents a queue needs (Erlang C, or Erlang A with a
// patience), for one arrival rate or per interval of a forecast file with a
// shift plan. The formulas live in projections/staffing; this file only
// reads flags and the forecast file and prints. See docs/staffing.md.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/cli/commands.hpp"
#include "drivers/cli/output.hpp"
#include "projections/staffing/forecast.hpp"
#include "projections/staffing/shift_plan.hpp"
#include "projections/staffing/solver.hpp"

namespace hotline::cli {

namespace {

namespace st = projections::staffing;
using nlohmann::json;

struct staff_args {
  double rate_per_hour = 0;
  double aht_s = 0;
  int agents = 0;
  double target_sl = 0;
  double target_answer_s = 20;
  double target_asa_s = 0;
  double max_occupancy = 0.85;
  double shrinkage = 0.30;
  double patience_s = 0;
  std::string forecast;
  int interval_min = 0;
  double shift_hours = 8;
  int break_min = 30;
  int break_window_min = 60;
  int start_step_min = 0;
  int break_after_min = 0;
  bool json = false;

  CLI::Option* rate_opt = nullptr;
  CLI::Option* aht_opt = nullptr;
  CLI::Option* agents_opt = nullptr;
  CLI::Option* sl_opt = nullptr;
  CLI::Option* asa_opt = nullptr;
  CLI::Option* patience_opt = nullptr;
  CLI::Option* forecast_opt = nullptr;
  CLI::Option* interval_opt = nullptr;
  CLI::Option* break_after_opt = nullptr;
  std::vector<CLI::Option*> plan_opts; // only meaningful with --forecast
};

/// Bad usage or input: message on stderr, exit status 2.
void usage_error(const std::string& message) {
  complain() << message << "\n";
  exit_code() = 2;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string fixed(double v, int decimals) {
  if (std::isinf(v)) return "inf";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string percent(double v) {
  return fixed(100 * v, 1) + "%";
}

/// JSON has no infinity: an infinite quantity is null (see "stable").
json number_or_null(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}

/// Every flag's range, named by the flag. Returns false after reporting.
bool check_flags(const staff_args& a) {
  const bool forecast = a.forecast_opt->count() > 0;
  const bool target = a.sl_opt->count() > 0 || a.asa_opt->count() > 0;
  if (forecast) {
    if (a.rate_opt->count()) {
      usage_error("--rate-per-hour conflicts with --forecast: the forecast gives the calls "
                  "of every interval");
      return false;
    }
    if (a.agents_opt->count()) {
      usage_error("--agents conflicts with --forecast: give a target (--target-sl or "
                  "--target-asa-s) to staff every interval");
      return false;
    }
    if (!target) {
      usage_error("--forecast needs a target: --target-sl X [--target-answer-s T] and/or "
                  "--target-asa-s A");
      return false;
    }
  } else {
    for (auto* opt : a.plan_opts)
      if (opt->count()) {
        usage_error(opt->get_name() + " only applies with --forecast FILE.csv");
        return false;
      }
    if (!a.rate_opt->count() || !a.aht_opt->count()) {
      usage_error("give --rate-per-hour R and --aht-s S (or --forecast FILE.csv)");
      return false;
    }
    if (a.agents_opt->count() && target) {
      usage_error("--agents evaluates a given staffing and cannot be combined with "
                  "--target-sl/--target-asa-s, which solve for the agents");
      return false;
    }
    if (!a.agents_opt->count() && !target) {
      usage_error("give --agents N to evaluate a staffing, or a target to solve for: "
                  "--target-sl X [--target-answer-s T] and/or --target-asa-s A");
      return false;
    }
  }

  struct rule {
    bool given;
    bool ok;
    const char* flag;
    const char* requirement;
    double value;
  };
  const rule rules[] = {
      {a.rate_opt->count() > 0, std::isfinite(a.rate_per_hour) && a.rate_per_hour >= 0,
       "--rate-per-hour", "a number of calls per hour >= 0", a.rate_per_hour},
      {a.aht_opt->count() > 0, std::isfinite(a.aht_s) && a.aht_s > 0, "--aht-s",
       "a number of seconds > 0", a.aht_s},
      {a.agents_opt->count() > 0, a.agents >= 0, "--agents", "an agent count >= 0",
       static_cast<double>(a.agents)},
      {a.sl_opt->count() > 0, a.target_sl > 0 && a.target_sl < 1, "--target-sl",
       "a fraction > 0 and < 1 (0.8 for 80%)", a.target_sl},
      {true, std::isfinite(a.target_answer_s) && a.target_answer_s >= 0, "--target-answer-s",
       "a number of seconds >= 0", a.target_answer_s},
      {a.asa_opt->count() > 0, std::isfinite(a.target_asa_s) && a.target_asa_s > 0,
       "--target-asa-s", "a number of seconds > 0", a.target_asa_s},
      {true, a.max_occupancy > 0 && a.max_occupancy <= 1, "--max-occupancy",
       "a fraction > 0 and <= 1 (0.85 for 85%)", a.max_occupancy},
      {true, a.shrinkage >= 0 && a.shrinkage < 1, "--shrinkage",
       "a fraction >= 0 and < 1 (0.3 for 30%)", a.shrinkage},
      {a.patience_opt->count() > 0, !std::isnan(a.patience_s) && a.patience_s > 0, "--patience-s",
       "a mean patience in seconds > 0", a.patience_s},
      {a.interval_opt->count() > 0, a.interval_min >= 1 && a.interval_min <= 1440, "--interval-min",
       "1-1440 minutes", static_cast<double>(a.interval_min)},
      {true,
       std::isfinite(a.shift_hours) && a.shift_hours > 0 && a.shift_hours <= 24 &&
           std::abs(a.shift_hours * 60 - std::round(a.shift_hours * 60)) < 1e-9,
       "--shift-hours", "hours > 0 and <= 24, a whole number of minutes", a.shift_hours},
      {true, a.break_min >= 0, "--break-min", "minutes >= 0", static_cast<double>(a.break_min)},
      {true, a.break_window_min >= 0, "--break-window-min", "minutes >= 0",
       static_cast<double>(a.break_window_min)},
      {true, a.start_step_min >= 0, "--start-step-min", "minutes >= 0",
       static_cast<double>(a.start_step_min)},
      {a.break_after_opt->count() > 0, a.break_after_min >= 0, "--break-after-min", "minutes >= 0",
       static_cast<double>(a.break_after_min)},
  };
  for (const auto& r : rules)
    if (r.given && !r.ok) {
      usage_error(std::string(r.flag) + " must be " + r.requirement + ", got " + num(r.value));
      return false;
    }
  return true;
}

st::staffing_problem problem_from(const staff_args& a) {
  st::staffing_problem p;
  p.arrival_rate_per_s = a.rate_per_hour / 3600.0;
  p.aht_s = a.aht_s;
  if (a.patience_opt->count()) p.patience_s = a.patience_s;
  if (a.sl_opt->count()) p.target.service_level = a.target_sl;
  if (a.asa_opt->count()) p.target.asa_s = a.target_asa_s;
  p.target.answer_within_s = a.target_answer_s;
  p.target.max_occupancy = a.max_occupancy;
  p.shrinkage = a.shrinkage;
  return p;
}

/// A domain error: invalid input is exit 2, anything else exit 1.
void report(const events::status& s) {
  complain() << s.detail() << "\n";
  exit_code() = s.code() == events::errc::invalid_argument ? 2 : 1;
}

json inputs_json(const staff_args& a) {
  json in;
  if (a.forecast_opt->count())
    in["forecast"] = a.forecast;
  else
    in["rate_per_hour"] = a.rate_per_hour;
  in["aht_s"] = a.aht_opt->count() ? json(a.aht_s) : json(nullptr);
  in["patience_s"] = a.patience_opt->count() ? json(a.patience_s) : json(nullptr);
  if (a.agents_opt->count()) in["agents"] = a.agents;
  in["target_sl"] = a.sl_opt->count() ? json(a.target_sl) : json(nullptr);
  in["target_answer_s"] = a.target_answer_s;
  in["target_asa_s"] = a.asa_opt->count() ? json(a.target_asa_s) : json(nullptr);
  in["max_occupancy"] = a.max_occupancy;
  in["shrinkage"] = a.shrinkage;
  return in;
}

/// The metric fields every staffing answer prints.
void put_metrics(json& j, const st::staffing& s) {
  const auto& m = s.metrics;
  j["agents"] = s.agents;
  j["positions"] = s.positions;
  j["service_level"] = m.service_level;
  j["asa_s"] = number_or_null(m.asa_s);
  j["mean_wait_s"] = number_or_null(m.mean_wait_s);
  j["p_wait"] = m.p_wait;
  j["occupancy"] = m.occupancy;
  j["p_abandon"] = m.p_abandon;
  j["traffic_erlangs"] = m.traffic_erlangs;
  j["rho"] = number_or_null(m.rho);
  j["stable"] = m.stable;
}

/// Names of the conditions that decided a solved staffing.
std::vector<std::string> binding_names(const st::binding_conditions& b) {
  std::vector<std::string> names;
  if (b.stability) names.push_back("stability");
  if (b.service_level) names.push_back("service_level");
  if (b.asa) names.push_back("asa");
  if (b.occupancy) names.push_back("occupancy");
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names)
    s += (s.empty() ? "" : ", ") + n;
  return s;
}

std::string model_name(const staff_args& a) {
  return a.patience_opt->count() ? "Erlang A (M/M/c+M, mean patience " + num(a.patience_s) + " s)"
                                 : "Erlang C (M/M/c, no abandonment)";
}

std::string target_text(const st::staffing_target& t) {
  std::string s;
  if (t.service_level)
    s += percent(*t.service_level) + " answered within " + num(t.answer_within_s) + " s, ";
  if (t.asa_s) s += "ASA <= " + num(*t.asa_s) + " s, ";
  return s + "occupancy <= " + percent(t.max_occupancy);
}

void run_single(const staff_args& a) {
  const auto p = problem_from(a);
  const bool evaluate = a.agents_opt->count() > 0;
  auto s = evaluate ? st::evaluate_staffing(p, a.agents) : st::solve_staffing(p);
  if (!s) return report(s.error());
  const auto& m = s->metrics;

  if (a.json) {
    json j;
    j["model"] = st::to_string(m.model);
    put_metrics(j, *s);
    j["answer_within_s"] = a.target_answer_s;
    if (evaluate)
      j["within_max_occupancy"] = m.stable && m.occupancy <= a.max_occupancy;
    else
      j["binding"] = binding_names(s->binding);
    j["inputs"] = inputs_json(a);
    std::cout << j.dump(2) << "\n";
    return;
  }
  auto row = [](const std::string& label, const std::string& value) {
    std::printf("  %-18s %s\n", label.c_str(), value.c_str());
  };
  std::printf("%s\n", model_name(a).c_str());
  row("offered traffic", fixed(m.traffic_erlangs, 2) + " erlangs (" + num(a.rate_per_hour) +
                             " calls/h x " + num(a.aht_s) + " s)");
  const auto decided = joined(binding_names(s->binding));
  row("agents", std::to_string(s->agents) +
                    (evaluate ? " (given)"
                              : " (smallest meeting " + target_text(p.target) +
                                    (decided.empty() ? "" : "; decided by " + decided) + ")"));
  row("positions",
      std::to_string(s->positions) + " (after " + percent(a.shrinkage) + " shrinkage)");
  if (!m.stable) row("UNSTABLE", "offered traffic >= agents: the queue grows without bound");
  row("service level",
      percent(m.service_level) + " answered within " + num(a.target_answer_s) + " s");
  row("ASA", fixed(m.asa_s, 1) + " s (answered calls)");
  if (m.model == st::queue_model::erlang_a)
    row("mean wait", fixed(m.mean_wait_s, 1) + " s (all calls, until answer or hang-up)");
  row("P(wait)", percent(m.p_wait));
  row("occupancy",
      percent(m.occupancy) +
          (m.occupancy > a.max_occupancy ? " (above max " + percent(a.max_occupancy) + ")" : ""));
  if (m.model == st::queue_model::erlang_a) row("abandoned", percent(m.p_abandon));
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return !in.bad();
}

void run_forecast(const staff_args& a) {
  std::string text;
  if (!read_file(a.forecast, text)) return usage_error("--forecast: cannot read " + a.forecast);
  st::forecast_options fo;
  if (a.interval_opt->count()) fo.interval_min = a.interval_min;
  auto f = st::parse_forecast(text, a.forecast, fo);
  if (!f) return report(f.error());

  st::shift_rules rules;
  rules.interval_min = f->interval_min;
  rules.shift_min = static_cast<int>(std::lround(a.shift_hours * 60));
  rules.break_min = a.break_min;
  rules.break_window_min = a.break_window_min;
  rules.start_step_min = a.start_step_min;
  if (a.break_after_opt->count()) rules.break_after_min = a.break_after_min;
  if (auto ok = st::check_rules(rules); !ok)
    return usage_error(ok.detail() +
                       " (see --interval-min, --shift-hours, --break-min, --break-after-min, "
                       "--start-step-min)");

  const auto p = problem_from(a);
  auto staffed =
      st::staff_forecast(*f, p, a.aht_opt->count() ? std::optional(a.aht_s) : std::nullopt);
  if (!staffed) return report(staffed.error());
  std::vector<int> required;
  for (const auto& s : *staffed)
    required.push_back(s.need.positions);
  auto plan = st::plan_shifts(required, rules);
  if (!plan) return report(plan.error());

  if (a.json) {
    json j;
    j["model"] = a.patience_opt->count() ? "erlang_a" : "erlang_c";
    j["interval_min"] = f->interval_min;
    j["answer_within_s"] = a.target_answer_s;
    json rows = json::array();
    for (std::size_t i = 0; i < staffed->size(); ++i) {
      const auto& s = (*staffed)[i];
      const auto& c = plan->intervals[i];
      json r;
      r["start"] = f->rows[s.row].start;
      r["line"] = f->rows[s.row].line;
      r["calls"] = f->rows[s.row].calls;
      r["rate_per_hour"] = s.arrival_rate_per_s * 3600;
      r["aht_s"] = s.aht_s;
      put_metrics(r, s.need);
      r["required"] = c.required;
      r["scheduled"] = c.scheduled;
      r["on_break"] = c.on_break;
      r["over"] = c.over;
      r["under"] = c.under;
      rows.push_back(r);
    }
    j["intervals"] = rows;
    json shifts = json::array();
    for (const auto& g : plan->shifts)
      shifts.push_back(
          {{"start", st::format_minute(*f, f->rows[0].start_min + long(g.start) * f->interval_min)},
           {"break_start", g.break_start < 0 ? json(nullptr)
                                             : json(st::format_minute(
                                                   *f, f->rows[0].start_min +
                                                           long(g.break_start) * f->interval_min))},
           {"count", g.count}});
    j["shift_plan"] = {
        {"shift_hours", a.shift_hours},
        {"break_min", rules.break_min},
        {"break_window_min", rules.break_window_min},
        {"start_step_min", rules.start_step_min == 0 ? f->interval_min : rules.start_step_min},
        {"shifts", shifts},
        {"total_shifts", plan->total_shifts},
        {"lower_bound", plan->lower_bound},
        {"paid_hours", plan->total_shifts * a.shift_hours},
        {"uncovered_intervals", plan->uncovered_intervals}};
    j["inputs"] = inputs_json(a);
    std::cout << j.dump(2) << "\n";
    return;
  }

  std::printf("%s; %s; %d-min intervals; positions after %s shrinkage\n", model_name(a).c_str(),
              target_text(p.target).c_str(), f->interval_min, percent(a.shrinkage).c_str());
  std::printf("%-16s %7s %6s %6s %9s %7s %7s %6s %7s %9s %5s %5s\n", "interval", "calls", "aht_s",
              "agents", "positions", "SL", "ASA_s", "occ", "abandon", "scheduled", "over", "under");
  for (std::size_t i = 0; i < staffed->size(); ++i) {
    const auto& s = (*staffed)[i];
    const auto& m = s.need.metrics;
    const auto& c = plan->intervals[i];
    std::printf("%-16s %7s %6s %6d %9d %7s %7s %6s %7s %9d %5d %5d\n", f->rows[s.row].start.c_str(),
                fixed(f->rows[s.row].calls, 1).c_str(), fixed(s.aht_s, 0).c_str(), s.need.agents,
                s.need.positions, percent(m.service_level).c_str(), fixed(m.asa_s, 1).c_str(),
                percent(m.occupancy).c_str(), percent(m.p_abandon).c_str(), c.scheduled, c.over,
                c.under);
  }
  std::printf("\nshift plan: %s h shifts, %s\n", num(a.shift_hours).c_str(),
              rules.break_min == 0 ? "no break"
                                   : (std::to_string(rules.break_min) + "-min break (window " +
                                      std::to_string(rules.break_window_min) + " min)")
                                         .c_str());
  std::printf("  %-16s %-16s %6s\n", "start", "break", "agents");
  for (const auto& g : plan->shifts) {
    const auto at = [&](int index) {
      return st::format_minute(*f, f->rows[0].start_min + long(index) * f->interval_min);
    };
    std::printf("  %-16s %-16s %6d\n", at(g.start).c_str(),
                g.break_start < 0 ? "-" : at(g.break_start).c_str(), g.count);
  }
  std::printf("  total %d shifts (%s paid hours), lower bound %d, intervals short %d\n",
              plan->total_shifts, num(plan->total_shifts * a.shift_hours).c_str(),
              plan->lower_bound, plan->uncovered_intervals);
}

void run_staff(const staff_args& a) {
  if (!check_flags(a)) return;
  if (a.forecast_opt->count())
    run_forecast(a);
  else
    run_single(a);
}

} // namespace

void add_staff_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "staff", "Agents needed for a queue (Erlang C or A), or a shift plan from a forecast");
  auto a = std::make_shared<staff_args>();
  a->rate_opt = cmd->add_option("--rate-per-hour", a->rate_per_hour,
                                "Calls offered per hour (>= 0); not with --forecast");
  a->aht_opt = cmd->add_option("--aht-s", a->aht_s,
                               "Mean handle time in seconds (talk + hold + wrap-up); with "
                               "--forecast, the default for rows without aht_s");
  a->agents_opt = cmd->add_option("--agents", a->agents,
                                  "Evaluate this many agents instead of solving for a target");
  a->sl_opt = cmd->add_option("--target-sl", a->target_sl,
                              "Target service level: fraction of offered calls answered within "
                              "--target-answer-s, e.g. 0.8");
  cmd->add_option("--target-answer-s", a->target_answer_s,
                  "Service-level threshold T in seconds (used by the target and the reported "
                  "service level)")
      ->capture_default_str();
  a->asa_opt = cmd->add_option("--target-asa-s", a->target_asa_s,
                               "Target ASA: mean wait of answered calls at most this (s); "
                               "may be combined with --target-sl");
  cmd->add_option("--max-occupancy", a->max_occupancy,
                  "Solve for at most this agent occupancy (0-1], so agents are not run flat "
                  "out")
      ->capture_default_str();
  cmd->add_option("--shrinkage", a->shrinkage,
                  "Share of paid time not on the phones (absence, training, unplanned breaks); "
                  "positions = ceil(agents / (1 - shrinkage))")
      ->capture_default_str();
  a->patience_opt = cmd->add_option("--patience-s", a->patience_s,
                                    "Mean caller patience in seconds (exponential): switches "
                                    "to Erlang A with abandonment");
  a->forecast_opt = cmd->add_option("--forecast", a->forecast,
                                    "CSV with interval_start,calls[,aht_s]: staff every "
                                    "interval and plan shifts");
  a->interval_opt = cmd->add_option("--interval-min", a->interval_min,
                                    "Forecast interval length in minutes (default: inferred "
                                    "from the first two rows, 30 for a single row)");
  a->plan_opts.push_back(a->interval_opt);
  a->plan_opts.push_back(
      cmd->add_option("--shift-hours", a->shift_hours, "Shift length in hours, break included")
          ->capture_default_str());
  a->plan_opts.push_back(cmd->add_option("--break-min", a->break_min,
                                         "Break per shift in minutes, placed mid-shift (0: none)")
                             ->capture_default_str());
  a->break_after_opt = cmd->add_option("--break-after-min", a->break_after_min,
                                       "Nominal break start, minutes after shift start "
                                       "(default: mid-shift)");
  a->plan_opts.push_back(a->break_after_opt);
  a->plan_opts.push_back(cmd->add_option("--break-window-min", a->break_window_min,
                                         "Breaks may move up to half this earlier or later "
                                         "than nominal to stagger them (0: fixed)")
                             ->capture_default_str());
  a->plan_opts.push_back(cmd->add_option("--start-step-min", a->start_step_min,
                                         "Shifts may start every this many minutes (default 0: "
                                         "every interval)")
                             ->capture_default_str());
  cmd->add_flag("--json", a->json, "Print JSON instead of a table");
  cmd->footer("Erlang C, or Erlang A with --patience-s; per interval with a shift plan from\n"
              "--forecast (see docs/staffing.md).\n\n"
              "Examples:\n"
              "  hotline staff --rate-per-hour 360 --aht-s 240 --target-sl 0.8 "
              "--target-answer-s 20\n"
              "  hotline staff --rate-per-hour 360 --aht-s 240 --agents 29 --patience-s 120\n"
              "  hotline staff --forecast day.csv --aht-s 240 --target-sl 0.8 --json");
  cmd->callback([a] { run_staff(*a); });
}

} // namespace hotline::cli
