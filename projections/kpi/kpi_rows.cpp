#include "projections/kpi/kpi_rows.hpp"

#include <algorithm>
#include <charconv>

#include "projections/kpi/kpi_fold.hpp"
#include "projections/row_codec.hpp"

namespace hotline::projections::kpi {

using events::errc;
using events::status;

namespace {

constexpr std::uint8_t row_version = 1;

/// The row codec bound to one fold.
struct rows {
  kpi_fold& f;

  void write_attribution(row_writer& w, const attribution& a) const {
    w.i64(a.interval_ns);
    w.str(f.names.name(a.site));
    w.str(f.names.name(a.tenant));
    w.str(f.names.name(a.queue));
    w.str(f.names.name(a.agent));
  }

  void read_attribution(row_reader& r, attribution& a) {
    a.interval_ns = r.i64();
    a.site = f.names.id(r.str());
    a.tenant = f.names.id(r.str());
    a.queue = f.names.id(r.str());
    a.agent = f.names.id(r.str());
  }

  static std::string encode(const kpi_counters& c) {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.u8(counter_count);
    for (auto x : c.v)
      w.i64(x);
    w.u64(c.not_ready_by_reason_ms.size());
    for (const auto& [reason, ms] : c.not_ready_by_reason_ms) {
      w.str(reason);
      w.i64(ms);
    }
    return out;
  }

  std::string encode(const call_state& c) const {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.i64(c.first_queued_ns);
    w.i64(c.queue_entry_ns);
    w.str(c.customer);
    w.u8(c.answered);
    w.u8(static_cast<std::uint8_t>((c.waiting ? 1 : 0) | (c.interflowed_in ? 2 : 0) |
                                   (c.outbound ? 4 : 0)));
    write_attribution(w, c.at);
    return out;
  }

  std::string encode(const agent_st& a) const {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.u8(static_cast<std::uint8_t>(a.st));
    w.i64(a.since_ns);
    w.str(a.reason);
    w.str(f.names.name(a.site));
    w.str(f.names.name(a.tenant));
    w.u8(a.has_leg);
    w.str(a.has_leg ? a.leg_call : std::string{});
    write_attribution(w, a.has_leg ? a.leg : attribution{});
    w.i64(a.has_leg ? a.talk_ms : 0);
    w.i64(a.has_leg ? a.hold_ms : 0);
    w.i64(a.has_leg ? a.leg_since_ns : 0);
    w.i64(a.has_leg ? a.wrap_since_ns : 0);
    w.u8(a.observed); // added 2026-12: rows written before end here
    return out;
  }

  std::string encode(const customer_st& c) const {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.i64(c.answered_ns);
    write_attribution(w, c.at);
    w.u8(c.repeated); // added 2026-12: rows written before end here
    return out;
  }

  std::string encode(const ivr_session_st& s) const {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.i64(s.interval_ns);
    w.i64(s.entered_ns);
    w.str(f.names.name(s.site));
    w.str(f.names.name(s.tenant));
    w.str(f.names.name(s.flow));
    return out;
  }

  std::string encode_gauges() const {
    auto g = f.gauges();
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.i64(g.as_of_ns);
    w.i64(g.calls_waiting);
    w.i64(g.oldest_wait_ms);
    w.u64(g.agents_by_state.size());
    for (const auto& [s, n] : g.agents_by_state) {
      w.str(s);
      w.i64(n);
    }
    return out;
  }

  std::string encode_options() const {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.i64(f.opt.interval_ms);
    w.i64(f.opt.sl_threshold_ms);
    w.i64(f.opt.short_abandon_ms);
    w.i64(f.opt.fcr_window_ms);
    w.u8(static_cast<std::uint8_t>(f.opt.sl));
    return out;
  }

  template <class Map>
  void collect_entities(Map& map, std::vector<std::string>& dirty, std::string_view prefix,
                        view_changes& out) {
    for (auto& id : dirty) {
      auto it = map.find(id);
      if (it == map.end() || !it->second.dirty) continue;
      it->second.dirty = false;
      it->second.persisted = true;
      out.puts.emplace_back(std::string{prefix} + id, encode(it->second));
    }
    dirty.clear();
  }

  void collect(view_changes& out) {
    for (auto& k : f.deletes)
      out.deletes.push_back(std::move(k));
    f.deletes.clear();
    if (!f.options_written) {
      out.puts.emplace_back("kpi/options", encode_options());
      f.options_written = true;
    }
    for (cell* c : f.dirty_cells) {
      c->dirty = false;
      out.puts.emplace_back(c->key, encode(c->c));
    }
    f.dirty_cells.clear();
    collect_entities(f.calls, f.dirty_calls, call_row_prefix, out);
    collect_entities(f.agents, f.dirty_agents, agent_row_prefix, out);
    collect_entities(f.customers, f.dirty_customers, customer_row_prefix, out);
    collect_entities(f.settling, f.dirty_settling, settling_row_prefix, out);
    collect_entities(f.ivr_sessions, f.dirty_ivr, ivr_row_prefix, out);
    auto g = encode_gauges();
    if (g != f.last_gauges) {
      out.puts.emplace_back("kpi/gauges", g);
      f.last_gauges = std::move(g);
    }
  }

  status bad_row(std::string_view key, std::string_view why) const {
    return {errc::corrupt_record, "view row '" + std::string{key} + "': " + std::string{why}};
  }

  status restore(std::string_view key, std::string_view value) {
    auto take = [&](std::string_view prefix) { return key.starts_with(prefix); };
    row_reader r{value};
    if (r.u8() != row_version) return bad_row(key, "unknown row version");
    if (take(cell_row_prefix)) {
      auto rest = key.substr(cell_row_prefix.size());
      auto s1 = rest.find('/');
      auto s2 = s1 == std::string_view::npos ? s1 : rest.find('/', s1 + 1);
      dimension d;
      std::int64_t secs = 0;
      if (s2 == std::string_view::npos ||
          std::from_chars(rest.data(), rest.data() + s1, secs).ec != std::errc{} ||
          !parse_dimension(rest.substr(s1 + 1, s2 - s1 - 1), d))
        return bad_row(key, "malformed cell key");
      cell* c = f.get_cell(secs * ns_per_s, d, f.names.id(rest.substr(s2 + 1)));
      if (!c || c->key != key) return bad_row(key, "malformed cell key");
      // Rows written before a counter was added hold fewer (new ones read 0).
      auto stored = r.u8();
      if (stored > counter_count) return bad_row(key, "unexpected number of counters");
      c->c.v.fill(0);
      for (std::size_t i = 0; i < stored; ++i)
        c->c.v[i] = r.i64();
      auto n = r.u64();
      c->c.not_ready_by_reason_ms.clear();
      for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
        auto reason = r.str();
        c->c.not_ready_by_reason_ms[reason] = r.i64();
      }
    } else if (take(call_row_prefix)) {
      auto& c = f.calls[std::string{key.substr(call_row_prefix.size())}];
      c.first_queued_ns = r.i64();
      c.queue_entry_ns = r.i64();
      c.customer = r.str();
      c.answered = r.u8() != 0;
      auto flags = r.u8();
      c.waiting = (flags & 1) != 0;
      c.interflowed_in = (flags & 2) != 0;
      c.outbound = (flags & 4) != 0;
      read_attribution(r, c.at);
      f.resolve(c.at);
      c.persisted = true;
    } else if (take(agent_row_prefix)) {
      const auto id = key.substr(agent_row_prefix.size());
      auto& a = f.agents[std::string{id}];
      a.self = f.names.id(id);
      a.st = static_cast<agent_state>(r.u8());
      a.since_ns = r.i64();
      a.reason = r.str();
      a.site = f.names.id(r.str());
      a.tenant = f.names.id(r.str());
      a.has_leg = r.u8() != 0;
      a.leg_call = r.str();
      read_attribution(r, a.leg);
      if (a.has_leg) f.resolve(a.leg);
      a.talk_ms = r.i64();
      a.hold_ms = r.i64();
      a.leg_since_ns = r.i64();
      a.wrap_since_ns = r.i64();
      // a row written before `observed` existed: count its idle time as before
      a.observed = r.done() || r.u8() != 0;
      if (a.st > agent_state::wrap_up) return bad_row(key, "unknown agent state");
      a.persisted = true;
    } else if (take(customer_row_prefix) || take(settling_row_prefix)) {
      const bool settles = take(settling_row_prefix);
      std::string id{key.substr(settles ? settling_row_prefix.size() : customer_row_prefix.size())};
      auto& c = (settles ? f.settling : f.customers)[id];
      c.answered_ns = r.i64();
      f.customer_expiry.push_back({c.answered_ns, id, settles});
      std::push_heap(f.customer_expiry.begin(), f.customer_expiry.end(), later_expiry{});
      read_attribution(r, c.at);
      f.resolve(c.at);
      c.repeated = !r.done() && r.u8() != 0;
      c.persisted = true;
    } else if (take(ivr_row_prefix)) {
      auto& s = f.ivr_sessions[std::string{key.substr(ivr_row_prefix.size())}];
      s.interval_ns = r.i64();
      s.entered_ns = r.i64();
      s.site = f.names.id(r.str());
      s.tenant = f.names.id(r.str());
      s.flow = f.names.id(r.str());
      s.persisted = true;
    } else if (key == "kpi/gauges") {
      f.last_gauges.assign(value);
      f.as_of_ns = r.i64();
      r.i64();
      r.i64();
      for (auto n = r.u64(); n > 0 && r.ok(); --n) {
        r.str();
        r.i64();
      }
    } else if (key == "kpi/options") {
      kpi_options o;
      o.interval_ms = r.i64();
      o.sl_threshold_ms = r.i64();
      o.short_abandon_ms = r.i64();
      o.fcr_window_ms = r.i64();
      o.sl = static_cast<sl_definition>(r.u8());
      if (r.done() && !(o == f.opt))
        return {errc::invalid_argument,
                "the stored KPI view was built with other options (interval, thresholds, SL "
                "definition); rebuild it into a fresh directory"};
      f.options_written = true;
    } else {
      return bad_row(key, "unknown KPI row");
    }
    if (!r.done()) return bad_row(key, "truncated or malformed value");
    return {};
  }
};

} // namespace

void append_cell_key(std::string& k, std::int64_t interval_ns, dimension d,
                     std::string_view group) {
  k.assign(cell_row_prefix);
  char buf[24];
  auto secs = floor_div(interval_ns, ns_per_s);
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, secs < 0 ? 0 : secs);
  (void)ec;
  auto len = static_cast<std::size_t>(end - buf);
  if (len < 12) k.append(12 - len, '0');
  k.append(buf, len);
  k.push_back('/');
  k.append(to_string(d));
  k.push_back('/');
  k.append(group);
}

void collect_rows(kpi_fold& f, view_changes& out) {
  rows{f}.collect(out);
}

status restore_row(kpi_fold& f, std::string_view key, std::string_view value) {
  return rows{f}.restore(key, value);
}

} // namespace hotline::projections::kpi
