#include "events/ivr/session.hpp"

#include <algorithm>
#include <cstdio>
#include <regex>
#include <type_traits>

namespace hotline::events::ivr {

namespace {

bool has_own_prompt(node_kind k) noexcept {
  return k == node_kind::play || k == node_kind::menu || k == node_kind::collect ||
         k == node_kind::language;
}

bool takes_keys(node_kind k) noexcept {
  return k == node_kind::menu || k == node_kind::collect || k == node_kind::language;
}

/// The session at the start of node `id` (evolve's half of every move).
void arrive(state& s, const std::string& id) {
  s.attempts = 0;
  s.digits.clear();
  if (id.empty()) { // nowhere to go: the exit that follows names the node it failed at
    s.at = phase::passing;
    return;
  }
  s.node = id;
  const node* n = s.definition->find(id);
  if (!n) {
    s.at = phase::passing; // decide ends the session there (way failed)
    return;
  }
  if (n->kind == node_kind::play)
    s.at = phase::prompting;
  else if (has_own_prompt(n->kind))
    s.at = n->prompt.empty() ? phase::waiting : phase::prompting;
  else if (n->kind == node_kind::lookup)
    s.at = phase::looking_up;
  else
    s.at = phase::passing;
}

/// After a failed try that stays at the node: the invalid-input prompt
/// (for a wrong entry, when the node has one), else the prompt again.
void retry(state& s, const node& n, ivr_input_result why) {
  s.digits.clear();
  if (why != ivr_input_result::no_input && !n.invalid_prompt.empty())
    s.at = phase::reprompting;
  else
    s.at = n.prompt.empty() ? phase::waiting : phase::prompting;
}

bool matches(const branch_case& c, const std::map<std::string, std::string>& vars) {
  const auto it = vars.find(c.variable);
  const std::string value = it == vars.end() ? std::string{} : it->second;
  switch (c.op) {
  case branch_case::test::equals:
    return !c.values.empty() && value == c.values.front();
  case branch_case::test::not_equals:
    return !c.values.empty() && value != c.values.front();
  case branch_case::test::one_of:
    return std::find(c.values.begin(), c.values.end(), value) != c.values.end();
  case branch_case::test::is_set:
    return value.empty() != c.set;
  }
  return false;
}

/// Whole-entry match; a pattern that does not compile (only in a flow
/// built in code: the configuration check compiles every pattern) refuses.
bool pattern_accepts(const std::string& pattern, const std::string& entry) {
  try {
    return std::regex_match(entry, std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error&) {
    return false;
  }
}

/// Builds one command's events, evolving a working copy as it goes so each
/// next decision sees the state the previous event made.
class builder {
public:
  explicit builder(const state& s) : s_(s) {}

  void emit(event e) {
    s_ = evolve(std::move(s_), e);
    events_.push_back(std::move(e));
  }
  const state& now() const { return s_; }
  const node* current() const { return s_.definition->find(s_.node); }
  std::vector<event> take() && { return std::move(events_); }

  /// Runs the nodes that decide at once (branch, hours, exits) until the
  /// session waits for something or ends. A flow built in code may loop
  /// through them; more passes than nodes end the session (failed).
  void settle() {
    std::size_t passes = 0;
    while (s_.at == phase::passing) {
      const node* n = current();
      const bool decides_now =
          n && (n->kind == node_kind::branch || n->kind == node_kind::hours || is_exit(n->kind));
      if (!decides_now || ++passes > s_.definition->nodes.size() + 1)
        return end(ivr_exit_way::failed);
      switch (n->kind) {
      case node_kind::branch:
        branch(*n);
        break;
      case node_kind::hours:
        hours(*n);
        break;
      default:
        leave(*n);
        break;
      }
    }
  }

  /// The session ends here without an exit node (hangup, failure).
  void end(ivr_exit_way way) {
    ivr_exited e;
    e.session_id = s_.session_id;
    e.node = s_.node;
    e.way = way;
    emit(std::move(e));
  }

  /// Moves on to `next` after a node's own event, or ends (failed) when
  /// there is nowhere to go.
  void go(const std::string& next) {
    if (next.empty()) return end(ivr_exit_way::failed);
    settle();
  }

  /// A failed try at the current node: stay for another, or leave by the
  /// fallback (a language node: by `next`), or end.
  void fail(const node& n, ivr_input_result why, std::string digits) {
    const auto attempt = s_.attempts + 1;
    std::string next = n.id;
    if (attempt > n.retries) next = n.kind == node_kind::language ? n.next : n.fallback;
    emit(ivr_input{s_.session_id, n.id, std::move(digits), why, attempt, next});
    if (next != n.id || attempt > n.retries) go(next);
  }

  /// A collect node's entry is complete: check it.
  void complete(const node& n, std::string entry) {
    if (static_cast<std::int32_t>(entry.size()) < n.min_digits) {
      const auto why = entry.empty() ? ivr_input_result::no_input : ivr_input_result::too_short;
      return fail(n, why, std::move(entry));
    }
    const bool ok = n.validation == validation_kind::luhn      ? luhn_valid(entry)
                    : n.validation == validation_kind::pattern ? pattern_accepts(n.pattern, entry)
                                                               : true;
    if (!ok) return fail(n, ivr_input_result::rejected, std::move(entry));
    emit(ivr_input{s_.session_id, n.id, std::move(entry), ivr_input_result::accepted, 0, n.next});
    go(n.next);
  }

private:
  void branch(const node& n) {
    std::string rule = "else";
    std::string next = n.otherwise;
    for (std::size_t i = 0; i < n.cases.size(); ++i)
      if (matches(n.cases[i], s_.variables)) {
        rule = "case " + std::to_string(i);
        next = n.cases[i].next;
        break;
      }
    if (next.empty()) return end(ivr_exit_way::failed);
    emit(ivr_branched{s_.session_id, n.id, std::move(rule), std::move(next)});
  }

  void hours(const node& n) {
    std::string rule = "closed";
    if (std::find(n.holidays.begin(), n.holidays.end(), s_.date) != n.holidays.end())
      rule = "holiday";
    else
      for (const auto& o : n.week)
        if (o.weekday == s_.weekday && o.open_min <= s_.minute_of_day &&
            s_.minute_of_day < o.close_min)
          rule = "open";
    const auto& next = rule == "open" ? n.open : n.closed;
    if (next.empty()) return end(ivr_exit_way::failed);
    emit(ivr_branched{s_.session_id, n.id, rule, next});
  }

  void leave(const node& n) {
    ivr_exited e;
    e.session_id = s_.session_id;
    e.node = n.id;
    e.target = render(n.target, s_.variables);
    for (const auto& name : n.attach)
      if (auto it = s_.variables.find(name); it != s_.variables.end())
        e.attached[name] = it->second;
    switch (n.kind) {
    case node_kind::queue:
      e.way = ivr_exit_way::queue;
      e.priority = n.priority;
      for (const auto& [skill, level] : n.skills)
        e.skills[render(skill, s_.variables)] = level;
      break;
    case node_kind::voicemail:
      e.way = ivr_exit_way::voicemail;
      break;
    case node_kind::callback:
      e.way = ivr_exit_way::callback;
      e.attached["callback_number"] = render(n.callback_number, s_.variables);
      break;
    case node_kind::transfer:
      e.way = ivr_exit_way::transfer;
      break;
    default:
      e.way = ivr_exit_way::contained;
      break;
    }
    emit(std::move(e));
  }

  state s_;
  std::vector<event> events_;
};

outcome<event> on_enter(const enter& c, const state& s) {
  if (s.at != phase::idle)
    return rejection{"already_entered", "IVR session '" + s.session_id + "' has already started"};
  const auto& f = *s.definition;
  std::map<std::string, std::string> vars;
  for (const auto& name : f.inputs)
    vars[name] = "";
  for (const auto& [k, v] : c.data)
    vars[k] = v;
  vars["caller"] = c.caller;
  vars["dialed"] = c.dialed;
  vars["tenant"] = c.tenant;
  vars["vip"] = c.vip ? "true" : "false";
  const bool offered =
      std::find(f.languages.begin(), f.languages.end(), c.language) != f.languages.end();
  vars["language"] = offered ? c.language : f.default_language();
  builder b{s};
  b.emit(ivr_entered{c.session_id, c.call_id, f.id, std::move(vars), c.weekday, c.minute_of_day,
                     c.date, f.start});
  b.go(f.start);
  return std::move(b).take();
}

outcome<event> on_digit(const digit& c, const state& s) {
  static constexpr std::string_view keys = "0123456789*#";
  if (keys.find(c.key) == std::string_view::npos)
    return rejection{"invalid_argument",
                     std::string("'") + c.key + "' is not a telephone key (0-9, * or #)"};
  if (s.at == phase::idle) return rejection{"not_entered", "the IVR session has not started"};
  if (s.at == phase::ended)
    return rejection{"session_ended", "IVR session '" + s.session_id + "' has ended"};
  builder b{s};
  const node* n = b.current();
  if (!n || !takes_keys(n->kind) || s.at == phase::looking_up) return outcome<event>::nothing();
  const std::string key(1, c.key);
  if (n->kind == node_kind::menu) {
    auto it = n->choices.find(key);
    if (it == n->choices.end()) {
      b.fail(*n, ivr_input_result::invalid, key);
    } else {
      b.emit(ivr_menu_chosen{s.session_id, n->id, key, "", it->second});
      b.go(it->second);
    }
  } else if (n->kind == node_kind::language) {
    auto it = n->choices.find(key);
    if (it == n->choices.end()) {
      b.fail(*n, ivr_input_result::invalid, key);
    } else {
      b.emit(ivr_menu_chosen{s.session_id, n->id, key, it->second, n->next});
      b.go(n->next);
    }
  } else { // collect
    if (!n->terminator.empty() && key == n->terminator) {
      b.complete(*n, s.digits);
    } else {
      std::string entry = s.digits + key;
      if (static_cast<std::int32_t>(entry.size()) >= n->max_digits)
        b.complete(*n, std::move(entry));
      else
        b.emit(ivr_input{s.session_id, n->id, std::move(entry), ivr_input_result::partial,
                         s.attempts, n->id});
    }
  }
  return std::move(b).take();
}

outcome<event> on_timeout(const timeout& c, const state& s) {
  if (s.at == phase::idle) return rejection{"not_entered", "the IVR session has not started"};
  if (c.step != s.step || s.at != phase::waiting) return outcome<event>::nothing();
  builder b{s};
  const node* n = b.current();
  if (!n || !takes_keys(n->kind)) return outcome<event>::nothing();
  if (n->kind == node_kind::collect && !s.digits.empty())
    b.complete(*n, s.digits);
  else
    b.fail(*n, ivr_input_result::no_input, s.digits);
  return std::move(b).take();
}

outcome<event> on_prompt_done(const prompt_done& c, const state& s) {
  if (s.at == phase::idle) return rejection{"not_entered", "the IVR session has not started"};
  if (c.step != s.step || (s.at != phase::prompting && s.at != phase::reprompting))
    return outcome<event>::nothing();
  builder b{s};
  const node* n = b.current();
  if (!n) return outcome<event>::nothing();
  const auto& p = s.at == phase::reprompting ? n->invalid_prompt : n->prompt;
  const auto language = s.variables.count("language") ? s.variables.at("language") : "";
  const std::string next = n->kind == node_kind::play ? n->next : n->id;
  b.emit(
      ivr_prompt_played{s.session_id, n->id, p.name, render(p.text, s.variables), language, next});
  if (n->kind == node_kind::play) b.go(next);
  return std::move(b).take();
}

outcome<event> on_lookup(const lookup_result& c, const state& s) {
  if (s.at == phase::idle) return rejection{"not_entered", "the IVR session has not started"};
  if (c.step != s.step || s.at != phase::looking_up) return outcome<event>::nothing();
  builder b{s};
  const node* n = b.current();
  if (!n) return outcome<event>::nothing();
  const auto key = render(n->key, s.variables);
  if (!c.ok) {
    b.emit(ivr_lookup_failed{s.session_id, n->id, key, c.error, c.latency_ms, n->on_failure});
    b.go(n->on_failure);
  } else if (!c.found) {
    const auto& next = n->not_found.empty() ? n->on_failure : n->not_found;
    b.emit(ivr_lookup_done{s.session_id, n->id, key, false, {}, c.latency_ms, next});
    b.go(next);
  } else {
    std::map<std::string, std::string> values;
    for (const auto& [column, variable] : n->fields)
      if (auto it = c.row.find(column); it != c.row.end()) values[variable] = it->second;
    b.emit(
        ivr_lookup_done{s.session_id, n->id, key, true, std::move(values), c.latency_ms, n->next});
    b.go(n->next);
  }
  return std::move(b).take();
}

outcome<event> on_hangup(const hangup&, const state& s) {
  if (s.at == phase::idle) return rejection{"not_entered", "the IVR session has not started"};
  if (s.at == phase::ended) return outcome<event>::nothing();
  builder b{s};
  b.end(ivr_exit_way::abandoned);
  return std::move(b).take();
}

outcome<event> on_interrupted(const interrupted&, const state& s) {
  if (s.at == phase::idle || s.at == phase::ended) return outcome<event>::nothing();
  builder b{s};
  b.end(ivr_exit_way::failed);
  return std::move(b).take();
}

} // namespace

local_clock clock_at(std::int64_t local_wall_ns) {
  constexpr std::int64_t ns_per_day = 86'400'000'000'000;
  std::int64_t days = local_wall_ns / ns_per_day;
  std::int64_t rest = local_wall_ns % ns_per_day;
  if (rest < 0) {
    rest += ns_per_day;
    --days;
  }
  local_clock c;
  c.weekday = static_cast<std::int32_t>(((days + 3) % 7 + 7) % 7); // 1970-01-01 was a Thursday
  c.minute_of_day = static_cast<std::int32_t>(rest / 60'000'000'000);
  // Days to the civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
  const std::int64_t z = days + 719'468;
  const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const std::int64_t doe = z - era * 146'097;
  const std::int64_t yoe = (doe - doe / 1'460 + doe / 36'524 - doe / 146'096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char text[64]; // room for any int64 year, which the compiler cannot rule out
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d));
  c.date = text;
  return c;
}

std::string stream_name(const std::string& session_id) {
  return "ivr-" + session_id;
}

state initial_state(std::shared_ptr<const flow> definition) {
  state s;
  s.definition = std::move(definition);
  return s;
}

outcome<event> decide(const command& cmd, const state& s) {
  return std::visit(
      [&](const auto& c) -> outcome<event> {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, enter>)
          return on_enter(c, s);
        else if constexpr (std::is_same_v<C, digit>)
          return on_digit(c, s);
        else if constexpr (std::is_same_v<C, timeout>)
          return on_timeout(c, s);
        else if constexpr (std::is_same_v<C, prompt_done>)
          return on_prompt_done(c, s);
        else if constexpr (std::is_same_v<C, lookup_result>)
          return on_lookup(c, s);
        else if constexpr (std::is_same_v<C, hangup>)
          return on_hangup(c, s);
        else
          return on_interrupted(c, s);
      },
      cmd);
}

state evolve(state s, const event& e) {
  ++s.step;
  std::visit(
      [&](const auto& x) {
        using E = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<E, ivr_entered>) {
          s.session_id = x.session_id;
          s.variables = x.variables;
          s.weekday = x.weekday;
          s.minute_of_day = x.minute_of_day;
          s.date = x.date;
          arrive(s, x.next);
        } else if constexpr (std::is_same_v<E, ivr_prompt_played>) {
          const node* n = s.definition->find(x.node);
          if (n && n->kind != node_kind::play && x.next == x.node)
            s.at = s.at == phase::reprompting && !n->prompt.empty() ? phase::prompting
                                                                    : phase::waiting;
          else
            arrive(s, x.next);
        } else if constexpr (std::is_same_v<E, ivr_input>) {
          const node* n = s.definition->find(x.node);
          if (x.result == ivr_input_result::partial) {
            s.digits = x.digits;
            s.at = phase::waiting;
          } else if (x.result == ivr_input_result::accepted) {
            if (n && !n->variable.empty()) s.variables[n->variable] = x.digits;
            arrive(s, x.next);
          } else {
            s.attempts = x.attempt;
            if (n && x.next == x.node && x.attempt <= n->retries)
              retry(s, *n, x.result);
            else
              arrive(s, x.next);
          }
        } else if constexpr (std::is_same_v<E, ivr_menu_chosen>) {
          if (!x.language.empty()) s.variables["language"] = x.language;
          arrive(s, x.next);
        } else if constexpr (std::is_same_v<E, ivr_branched>) {
          arrive(s, x.next);
        } else if constexpr (std::is_same_v<E, ivr_lookup_done>) {
          for (const auto& [k, v] : x.values)
            s.variables[k] = v;
          arrive(s, x.next);
        } else if constexpr (std::is_same_v<E, ivr_lookup_failed>) {
          arrive(s, x.next);
        } else { // ivr_exited
          s.at = phase::ended;
          s.node = x.node;
          s.way = x.way;
        }
      },
      e);
  return s;
}

action pending(const state& s) {
  action a;
  a.node = s.node;
  a.step = s.step;
  const node* n = s.definition ? s.definition->find(s.node) : nullptr;
  if (!n) return a;
  const auto lang = s.variables.find("language");
  a.language = lang == s.variables.end() ? std::string{} : lang->second;
  switch (s.at) {
  case phase::prompting:
  case phase::reprompting: {
    const auto& p = s.at == phase::reprompting ? n->invalid_prompt : n->prompt;
    a.what = action::kind::play;
    a.prompt = {p.name, render(p.text, s.variables)};
    a.interruptible = takes_keys(n->kind);
    break;
  }
  case phase::waiting:
    a.what = action::kind::wait;
    a.timeout_ms = n->timeout_ms;
    break;
  case phase::looking_up:
    a.what = action::kind::lookup;
    a.table = n->table;
    a.key_column = n->key_column;
    a.key = render(n->key, s.variables);
    break;
  default:
    break;
  }
  return a;
}

} // namespace hotline::events::ivr
