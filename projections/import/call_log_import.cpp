#include "projections/import/call_log_import.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>

#include "events/codec.hpp"
#include "projections/csv.hpp"

namespace hotline::projections::import {

using events::errc;
using events::status;

namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;
constexpr std::int64_t day_ns = 86'400 * ns_per_s;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string upper(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

template <class T>
bool to_int(std::string_view s, T& out) {
  s = trim(s);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && !s.empty();
}

/// Iterates the lines of a text with their 1-based numbers.
class line_reader {
public:
  explicit line_reader(std::string_view text) : text_(text) {}
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    auto nl = text_.find('\n', pos_);
    if (nl == std::string_view::npos) nl = text_.size();
    line = text_.substr(pos_, nl - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = nl + 1;
    ++number_;
    return true;
  }
  std::size_t number() const { return number_; }

private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t number_ = 0;
};

/// YYMMDD (Technion) -> midnight UTC in ns.
bool parse_yymmdd(std::string_view s, std::int64_t& out) {
  s = trim(s);
  int v = 0;
  if (s.size() != 6 || !to_int(s, v)) return false;
  int yy = v / 10000, mm = v / 100 % 100, dd = v % 100;
  int year = yy >= 70 ? 1900 + yy : 2000 + yy;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT00:00:00Z", year, mm, dd);
  return events::parse_timestamp(buf, out);
}

/// H:MM:SS -> seconds of the day.
bool parse_hms(std::string_view s, std::int64_t& secs) {
  s = trim(s);
  auto c1 = s.find(':');
  auto c2 = c1 == std::string_view::npos ? c1 : s.find(':', c1 + 1);
  int h, m, sec;
  if (c2 == std::string_view::npos || !to_int(s.substr(0, c1), h) ||
      !to_int(s.substr(c1 + 1, c2 - c1 - 1), m) || !to_int(s.substr(c2 + 1), sec) || h < 0 ||
      h > 47 || m < 0 || m > 59 || sec < 0 || sec > 60 || c2 - c1 != 3 || s.size() - c2 != 3)
    return false;
  secs = h * 3600 + m * 60 + sec;
  return true;
}

struct header {
  std::map<std::string, std::size_t, std::less<>> index;
  std::size_t columns = 0;
  std::optional<std::size_t> find(std::string_view name) const {
    auto it = index.find(name);
    if (it == index.end()) return std::nullopt;
    return it->second;
  }
};

header read_header(std::string_view line, char delimiter) {
  header h;
  auto names = split_csv_line(line, delimiter);
  h.columns = names.size();
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string n{trim(names[i])};
    if (i == 0 && n.size() >= 3 && n.compare(0, 3, "\xEF\xBB\xBF") == 0) n.erase(0, 3); // BOM
    h.index.emplace(n, i);
  }
  return h;
}

bool valid_id(std::string_view id) {
  if (id.empty()) return false;
  for (unsigned char c : id)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

bool known_outcome(std::string_view o) {
  for (auto k : {"completed", "abandoned", "blocked", "voicemail", "callback_completed",
                 "callback_failed", "transferred_out", "refused", "node_restart"})
    if (o == k) return true;
  return false;
}

} // namespace

// -- Technion -------------------------------------------------------------------------

parse_result parse_technion(std::string_view csv, const technion_options& o) {
  parse_result res;
  line_reader lines{csv};
  std::string_view line;
  if (!lines.next(line)) {
    res.fatal = {errc::invalid_argument, "the file is empty (no header line)"};
    return res;
  }
  const header h = read_header(line, ',');
  if (!h.find("date") || !(h.find("ser_start") || h.find("q_start") || h.find("vru_entry"))) {
    res.fatal = {errc::invalid_argument,
                 "line 1: not a Technion call log header (needs `date` and at least one of "
                 "`vru_entry`, `q_start`, `ser_start`)"};
    return res;
  }
  static const std::vector<std::string> known = {
      "vru+line", "call_id", "customer_id", "priority", "type", "date", "vru_entry", "vru_exit",
      "vru_time", "q_start", "q_exit", "q_time", "outcome", "ser_start", "ser_exit", "ser_time",
      "server"};

  while (lines.next(line)) {
    if (trim(line).empty()) continue;
    ++res.rows;
    const std::size_t n = lines.number();
    auto f = split_csv_line(line, ',');
    auto bad = [&](std::string why) { res.errors.push_back({n, std::move(why)}); };
    if (f.size() != h.columns) {
      bad("expected " + std::to_string(h.columns) + " columns, found " + std::to_string(f.size()));
      continue;
    }
    auto get = [&](std::string_view col) -> std::string {
      auto i = h.find(col);
      return i ? std::string{trim(f[*i])} : std::string{};
    };
    std::int64_t day = 0;
    if (!parse_yymmdd(get("date"), day)) {
      bad("date '" + get("date") + "' is not YYMMDD");
      continue;
    }
    // H:MM:SS columns; 0:00:00 is how the data set writes "not recorded".
    bool ok = true;
    auto time_of = [&](std::string_view col) -> std::int64_t {
      auto v = get(col);
      if (v.empty()) return not_set;
      std::int64_t secs = 0;
      if (!parse_hms(v, secs)) {
        bad(std::string{col} + " '" + v + "' is not H:MM:SS");
        ok = false;
        return not_set;
      }
      return secs == 0 ? not_set : day + secs * ns_per_s;
    };
    auto seconds_of = [&](std::string_view col) -> std::int64_t {
      auto v = get(col);
      std::int64_t s = 0;
      if (v.empty()) return 0;
      if (!to_int(v, s) || s < 0) {
        bad(std::string{col} + " '" + v + "' is not a non-negative number of seconds");
        ok = false;
      }
      return s;
    };
    std::int64_t vru_entry = time_of("vru_entry"), vru_exit = time_of("vru_exit");
    std::int64_t q_start = time_of("q_start"), q_exit = time_of("q_exit");
    std::int64_t ser_start = time_of("ser_start"), ser_exit = time_of("ser_exit");
    std::int64_t q_time = seconds_of("q_time"), ser_time = seconds_of("ser_time");
    seconds_of("vru_time");
    if (!ok) continue;

    std::string server = get("server");
    if (upper(server) == "NO_SERVER") server.clear();
    std::string outcome = upper(get("outcome"));
    if (outcome.empty()) outcome = !server.empty() && ser_start != not_set ? "AGENT" : "HANG";
    if (outcome == "PHANTOM") {
      ++res.ignored;
      continue;
    }
    if (outcome != "AGENT" && outcome != "HANG") {
      bad("outcome '" + get("outcome") + "' is not AGENT, HANG or PHANTOM");
      continue;
    }
    if (outcome == "AGENT" && (server.empty() || ser_start == not_set)) {
      bad("outcome AGENT needs a server and ser_start");
      continue;
    }
    if (q_start == not_set && q_time > 0 && q_exit != not_set) q_start = q_exit - q_time * ns_per_s;

    call_record c;
    c.line = n;
    auto vru_line = get("vru+line");
    c.call_id = get("call_id");
    if (c.call_id.empty())
      c.call_id = (vru_line.empty() ? std::string{"row"} : vru_line) + "-" + get("date") + "-L" + std::to_string(n);
    if (!valid_id(c.call_id)) {
      bad("call_id has control characters");
      continue;
    }
    c.customer_id = get("customer_id");
    if (c.customer_id == "0") c.customer_id.clear();
    c.queue = get("type").empty() ? o.default_queue : get("type");
    if (auto p = get("priority"); !p.empty() && !to_int(p, c.priority)) {
      bad("priority '" + p + "' is not a number");
      continue;
    }
    c.dialed = vru_line;
    // Times come in order; one more than 12 h before its predecessor crossed
    // midnight (the data set has 1-second overlaps, e.g. ser_start < q_exit).
    std::int64_t last = not_set;
    auto chrono = [&](std::int64_t t) {
      if (t == not_set) return t;
      while (last != not_set && last - t > day_ns / 2) t += day_ns;
      last = std::max(last, t);
      return t;
    };
    vru_entry = chrono(vru_entry);
    vru_exit = chrono(vru_exit);
    q_start = chrono(q_start);
    q_exit = chrono(q_exit);
    ser_start = chrono(ser_start);
    ser_exit = chrono(ser_exit);
    c.arrived_ns = vru_entry != not_set ? vru_entry
                   : q_start != not_set ? q_start
                   : vru_exit != not_set ? vru_exit
                                         : ser_start;
    if (c.arrived_ns == not_set) {
      bad("no time recorded (vru_entry, q_start or ser_start)");
      continue;
    }
    if (outcome == "AGENT") {
      c.queued_ns = q_start != not_set ? q_start : vru_exit != not_set ? vru_exit : ser_start;
      c.connected_ns = ser_start;
      c.ended_ns = ser_exit != not_set ? ser_exit : ser_start + ser_time * ns_per_s;
      c.agent = server;
      c.outcome = "completed";
    } else {
      c.queued_ns = q_start;
      c.ended_ns = q_exit != not_set ? q_exit : vru_exit != not_set ? vru_exit : c.arrived_ns;
      c.outcome = "abandoned";
    }
    if (c.queued_ns != not_set && c.queued_ns < c.arrived_ns) c.queued_ns = c.arrived_ns;
    if (c.ended_ns < c.arrived_ns) {
      bad("the call ends before it arrives");
      continue;
    }
    if (!vru_line.empty()) c.attached["vru_line"] = vru_line;
    if (auto t = get("type"); !t.empty()) c.attached["type"] = t;
    if (auto p = get("priority"); !p.empty()) c.attached["priority"] = p;
    for (const auto& [name, i] : h.index)
      if (std::find(known.begin(), known.end(), name) == known.end() && !trim(f[i]).empty())
        c.attached[name] = std::string{trim(f[i])};
    res.calls.push_back(std::move(c));
  }
  return res;
}

// -- mapped CSV -------------------------------------------------------------------------

events::result<csv_map> parse_csv_map(const nlohmann::json& j) {
  static const std::vector<std::string> fields = {
      "call_id", "caller", "dialed", "customer_id", "queue", "agent", "channel", "priority",
      "arrived", "queued", "connected", "ended", "outcome"};
  try {
    csv_map m;
    if (!j.is_object()) return status{errc::invalid_argument, "the map must be a JSON object"};
    if (auto d = j.find("delimiter"); d != j.end()) {
      auto s = d->get<std::string>();
      if (s.size() != 1) return status{errc::invalid_argument, "map: delimiter must be one character"};
      m.delimiter = s[0];
    }
    if (auto t = j.find("time_format"); t != j.end()) m.time_format = t->get<std::string>();
    if (m.time_format != "iso8601" && m.time_format != "epoch_s" && m.time_format != "epoch_ms" &&
        m.time_format != "ymd_hms")
      return status{errc::invalid_argument,
                    "map: time_format must be iso8601, epoch_s, epoch_ms or ymd_hms"};
    if (!j.contains("columns") || !j["columns"].is_object())
      return status{errc::invalid_argument, "map: `columns` (field -> column name) is required"};
    for (const auto& [field, col] : j["columns"].items()) {
      if (std::find(fields.begin(), fields.end(), field) == fields.end())
        return status{errc::invalid_argument, "map: unknown field '" + field + "' in columns"};
      m.columns[field] = col.get<std::string>();
    }
    if (auto o = j.find("outcomes"); o != j.end())
      for (const auto& [from, to] : o->items()) {
        auto target = to.get<std::string>();
        if (!known_outcome(target))
          return status{errc::invalid_argument, "map: outcome '" + from + "' maps to '" + target +
                                                    "', which is not a call.ended outcome"};
        m.outcomes[from] = target;
      }
    if (auto a = j.find("attach"); a != j.end()) m.attach = a->get<std::vector<std::string>>();
    if (auto d = j.find("defaults"); d != j.end())
      for (const auto& [field, v] : d->items()) m.defaults[field] = v.get<std::string>();
    if (!m.columns.count("arrived") || !m.columns.count("ended"))
      return status{errc::invalid_argument, "map: columns `arrived` and `ended` are required"};
    return m;
  } catch (const std::exception& e) {
    return status{errc::invalid_argument, std::string{"map: "} + e.what()};
  }
}

parse_result parse_mapped_csv(std::string_view csv, const csv_map& m) {
  parse_result res;
  line_reader lines{csv};
  std::string_view line;
  if (!lines.next(line)) {
    res.fatal = {errc::invalid_argument, "the file is empty (no header line)"};
    return res;
  }
  const header h = read_header(line, m.delimiter);
  for (const auto& [field, col] : m.columns)
    if (!h.find(col)) {
      res.fatal = {errc::invalid_argument, "line 1: column '" + col + "' (for " + field + ") is not in the header"};
      return res;
    }
  for (const auto& col : m.attach)
    if (!h.find(col)) {
      res.fatal = {errc::invalid_argument, "line 1: attached column '" + col + "' is not in the header"};
      return res;
    }
  while (lines.next(line)) {
    if (trim(line).empty()) continue;
    ++res.rows;
    const std::size_t n = lines.number();
    auto f = split_csv_line(line, m.delimiter);
    auto bad = [&](std::string why) { res.errors.push_back({n, std::move(why)}); };
    if (f.size() != h.columns) {
      bad("expected " + std::to_string(h.columns) + " columns, found " + std::to_string(f.size()));
      continue;
    }
    auto get = [&](const std::string& field) -> std::string {
      if (auto c = m.columns.find(field); c != m.columns.end()) {
        auto v = std::string{trim(f[*h.find(c->second)])};
        if (!v.empty()) return v;
      }
      auto d = m.defaults.find(field);
      return d == m.defaults.end() ? std::string{} : d->second;
    };
    bool ok = true;
    auto time_of = [&](const std::string& field) -> std::int64_t {
      auto v = get(field);
      if (v.empty()) return not_set;
      std::int64_t t = 0;
      bool parsed = false;
      if (m.time_format == "iso8601") {
        parsed = events::parse_timestamp(v, t) || (v.size() == 19 && events::parse_timestamp(v + "Z", t));
      } else if (m.time_format == "ymd_hms") {
        if (v.size() == 19 && v[10] == ' ') v[10] = 'T';
        parsed = v.size() == 19 && events::parse_timestamp(v + "Z", t);
      } else {
        std::int64_t x = 0;
        parsed = to_int(v, x) && x >= 0;
        t = m.time_format == "epoch_s" ? x * ns_per_s : x * 1'000'000;
      }
      if (!parsed) {
        bad(field + " '" + v + "' is not a " + m.time_format + " time");
        ok = false;
        return not_set;
      }
      return t;
    };
    call_record c;
    c.line = n;
    c.call_id = get("call_id");
    if (c.call_id.empty()) c.call_id = "L" + std::to_string(n);
    c.caller = get("caller");
    c.dialed = get("dialed");
    c.customer_id = get("customer_id");
    c.queue = get("queue");
    c.agent = get("agent");
    if (auto ch = get("channel"); !ch.empty()) c.channel = ch;
    c.arrived_ns = time_of("arrived");
    c.queued_ns = time_of("queued");
    c.connected_ns = time_of("connected");
    c.ended_ns = time_of("ended");
    if (!ok) continue;
    if (auto p = get("priority"); !p.empty() && !to_int(p, c.priority)) {
      bad("priority '" + p + "' is not a number");
      continue;
    }
    if (!valid_id(c.call_id)) {
      bad("call_id has control characters");
      continue;
    }
    if (c.arrived_ns == not_set || c.ended_ns == not_set) {
      bad("arrived and ended times are required");
      continue;
    }
    if (c.ended_ns < c.arrived_ns) {
      bad("the call ends before it arrives");
      continue;
    }
    auto raw = get("outcome");
    if (auto o = m.outcomes.find(raw); o != m.outcomes.end()) c.outcome = o->second;
    else if (known_outcome(raw)) c.outcome = raw;
    else if (raw.empty()) c.outcome = c.connected_ns != not_set ? "completed" : "abandoned";
    else {
      bad("outcome '" + raw + "' is not mapped (add it to `outcomes`)");
      continue;
    }
    if (c.connected_ns != not_set && c.agent.empty()) {
      bad("a connected call needs an agent");
      continue;
    }
    if (c.queued_ns == not_set && !c.queue.empty() && c.outcome != "blocked")
      c.queued_ns = c.arrived_ns;
    for (const auto& col : m.attach)
      if (auto v = trim(f[*h.find(col)]); !v.empty()) c.attached[col] = std::string{v};
    res.calls.push_back(std::move(c));
  }
  return res;
}

// -- events ------------------------------------------------------------------------------

std::vector<stream_event> events_of(const std::vector<call_record>& calls, const event_options& o) {
  struct timed {
    std::int64_t ts;
    std::size_t call, index;
    stream_event e;
  };
  std::vector<timed> all;
  all.reserve(calls.size() * 6);
  const auto& codec = events::event_codec::standard();
  for (std::size_t ci = 0; ci < calls.size(); ++ci) {
    const auto& c = calls[ci];
    std::size_t index = 0;
    auto add = [&](std::int64_t ts, std::string stream, const events::event& body) {
      events::event_meta meta{
          events::event_id::from_name(o.source + "/" + c.call_id + "/" + std::to_string(index)),
          o.site, o.tenant, ts, events::event_id::from_name(o.source + "/" + c.call_id), {},
          events::principal::system("import")};
      all.push_back({ts, ci, index++, {std::move(stream), codec.propose(body, std::move(meta))}});
    };
    const std::string call_stream = "call-" + c.call_id;
    const std::string agent_stream = "agent-" + c.agent;
    events::call_arrived arrived;
    arrived.call_id = c.call_id;
    arrived.channel = c.channel;
    arrived.caller = c.caller;
    arrived.dialed = c.dialed;
    arrived.customer_id = c.customer_id;
    arrived.attached = c.attached;
    add(c.arrived_ns, call_stream, arrived);
    if (c.queued_ns != not_set)
      add(c.queued_ns, call_stream, events::call_queued{c.call_id, c.queue, c.priority, 0, 0, "import"});
    const bool connected = c.connected_ns != not_set && !c.agent.empty();
    if (connected) {
      std::int64_t wait = c.queued_ns == not_set ? 0 : (c.connected_ns - c.queued_ns) / 1'000'000;
      // the log only knows the offer that was taken
      add(c.connected_ns, call_stream, events::call_offered{c.call_id, c.queue, c.agent, 1, 0, "import"});
      add(c.connected_ns, call_stream, events::call_connected{c.call_id, c.queue, c.agent, wait});
      add(c.connected_ns, agent_stream, events::agent_call_started{c.agent, c.call_id, c.channel});
    }
    add(c.ended_ns, call_stream,
        events::call_ended{c.call_id, c.outcome, "import", connected ? c.agent : "", c.queue});
    if (connected) {
      add(c.ended_ns, agent_stream, events::agent_call_ended{c.agent, c.call_id, 0});
      add(c.ended_ns, agent_stream, events::agent_logged_out{c.agent, "import"});
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const timed& a, const timed& b) {
    if (a.ts != b.ts) return a.ts < b.ts;
    if (a.call != b.call) return a.call < b.call;
    return a.index < b.index;
  });
  std::vector<stream_event> out;
  out.reserve(all.size());
  for (auto& t : all) out.push_back(std::move(t.e));
  return out;
}

} // namespace hotline::projections::import
