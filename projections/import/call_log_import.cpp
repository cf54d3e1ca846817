#include "projections/import/call_log_import.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <utility>

#include "events/codec.hpp"
#include "events/json_text.hpp"
#include "projections/csv.hpp"

namespace hotline::projections::import {

using events::errc;
using events::status;

namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;
constexpr std::int64_t day_ns = 86'400 * ns_per_s;

std::string upper(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  return out;
}

template <class T> bool to_int(std::string_view s, T& out) {
  s = trim_blanks(s);
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
  s = trim_blanks(s);
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
  s = trim_blanks(s);
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
    std::string n{trim_blanks(names[i])};
    if (i == 0 && n.size() >= 3 && n.compare(0, 3, "\xEF\xBB\xBF") == 0) n.erase(0, 3); // BOM
    h.index.emplace(n, i);
  }
  return h;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 120)
    return false; // the stream name holds it, file and line (200 bytes)
  for (unsigned char c : id)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

/// Years an int64 of ns since the epoch can hold whole (1677-09-21 to
/// 2262-04-11): a time outside them is refused, never wrapped around.
constexpr int first_year = 1678, last_year = 2261;

/// The year of an ISO 8601 / ymd_hms text, when it starts with 4 digits.
std::optional<int> year_of(std::string_view v) {
  int y = 0;
  if (v.size() < 4 || !to_int(v.substr(0, 4), y)) return std::nullopt;
  return y;
}

std::string out_of_range(std::string_view value) {
  return "'" + std::string{value} + "' is out of range (years " + std::to_string(first_year) +
         " to " + std::to_string(last_year) + ")";
}

/// Puts a call's stamps in life-cycle order (arrived <= queued <= connected
/// <= ended). The ACD's connect and end are trusted; a queue entry after the
/// connect (VRU/ACD clock skew) is pulled back to the connect, an arrival
/// after the queue entry or connect to it, an end before the connect up to
/// it. True when something moved.
bool clamp_life_cycle(call_record& c) {
  bool moved = false;
  auto at_most = [&](std::int64_t& t, std::int64_t limit) {
    if (t != not_set && limit != not_set && t > limit) {
      t = limit;
      moved = true;
    }
  };
  if (c.queued_ns != not_set && c.queued_ns < c.arrived_ns) { // queued before it arrived
    c.queued_ns = c.arrived_ns;
    moved = true;
  }
  at_most(c.queued_ns, c.connected_ns);
  at_most(c.arrived_ns, c.queued_ns);
  at_most(c.arrived_ns, c.connected_ns);
  at_most(c.queued_ns, c.ended_ns);
  if (c.connected_ns != not_set && c.ended_ns < c.connected_ns) {
    c.ended_ns = c.connected_ns;
    moved = true;
  }
  return moved;
}

/// Counts, per skip reason, and lists call ids on more than one row.
void finish(parse_result& res) {
  std::size_t last_line = 0;
  for (const auto& e : res.errors) // a row is counted once, under its first error
    if (std::exchange(last_line, e.line) != e.line) ++res.skipped_by_reason[e.reason];
  std::map<std::string_view, std::size_t> first; // call id -> index in res.repeated, or npos
  std::map<std::string_view, std::size_t> seen;  // call id -> first line
  for (const auto& c : res.calls) {
    auto [it, fresh] = seen.emplace(c.call_id, c.line);
    if (fresh) continue;
    auto r = first.find(c.call_id);
    if (r == first.end()) {
      r = first.emplace(c.call_id, res.repeated.size()).first;
      res.repeated.push_back({c.call_id, {it->second}});
    }
    res.repeated[r->second].lines.push_back(c.line);
  }
}

char detect_delimiter(std::string_view header_line) {
  const auto tabs = std::count(header_line.begin(), header_line.end(), '\t');
  const auto commas = std::count(header_line.begin(), header_line.end(), ',');
  return tabs > commas ? '\t' : ',';
}

/// A call.ended outcome a call log may record: any but the hand-offs
/// between sites (a log describes calls that ended where it was kept).
std::optional<events::call_outcome> known_outcome(std::string_view o) {
  auto outcome = events::from_wire<events::call_outcome>(o);
  if (!outcome || events::is_hand_off(*outcome)) return std::nullopt;
  return outcome;
}

} // namespace

std::optional<text_position> first_invalid_utf8(std::string_view text) {
  const auto at = events::invalid_utf8_at(text);
  if (!at) return std::nullopt;
  const auto before = text.substr(0, *at);
  const auto line_start = before.rfind('\n');
  const std::size_t column = line_start == std::string_view::npos ? *at + 1 : *at - line_start;
  return text_position{static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n')) + 1,
                       column, *at};
}

namespace {
/// Refuses text that is not UTF-8 before any row is read.
bool utf8_or_fatal(std::string_view csv, parse_result& res) {
  auto bad = first_invalid_utf8(csv);
  if (!bad) return true;
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(csv[bad->offset]));
  res.fatal = {errc::invalid_argument, "line " + std::to_string(bad->line) + ", column " +
                                           std::to_string(bad->column) + ": byte " + byte +
                                           " is not UTF-8; nothing was imported (convert the file, "
                                           "e.g. iconv -f LATIN1 -t UTF-8)"};
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
  if (!utf8_or_fatal(csv, res)) return res;
  const char delimiter = detect_delimiter(line); // the lab's monthly files are tab-separated
  const header h = read_header(line, delimiter);
  if (!h.find("date") || !(h.find("ser_start") || h.find("q_start") || h.find("vru_entry"))) {
    res.fatal = {errc::invalid_argument,
                 "line 1: not a Technion call log header (needs `date` and at least one of "
                 "`vru_entry`, `q_start`, `ser_start`)"};
    return res;
  }
  static const std::vector<std::string> known = {
      "vru+line",  "call_id",   "customer_id", "priority", "type",   "date",
      "vru_entry", "vru_exit",  "vru_time",    "q_start",  "q_exit", "q_time",
      "outcome",   "ser_start", "ser_exit",    "ser_time", "server"};

  while (lines.next(line)) {
    if (trim_blanks(line).empty()) continue;
    ++res.rows;
    const std::size_t n = lines.number();
    auto f = split_csv_line(line, delimiter);
    auto bad = [&](std::string reason, std::string why) {
      res.errors.push_back({n, std::move(why), std::move(reason)});
    };
    if (f.size() != h.columns) {
      bad("columns",
          "expected " + std::to_string(h.columns) + " columns, found " + std::to_string(f.size()));
      continue;
    }
    auto get = [&](std::string_view col) -> std::string {
      auto i = h.find(col);
      return i ? std::string{trim_blanks(f[*i])} : std::string{};
    };
    std::int64_t day = 0;
    if (!parse_yymmdd(get("date"), day)) {
      bad("date", "date '" + get("date") + "' is not YYMMDD");
      continue;
    }
    // H:MM:SS columns; 0:00:00 is how the data set writes "not recorded".
    bool ok = true;
    auto time_of = [&](std::string_view col) -> std::int64_t {
      auto v = get(col);
      if (v.empty()) return not_set;
      std::int64_t secs = 0;
      if (!parse_hms(v, secs)) {
        bad("time", std::string{col} + " '" + v + "' is not H:MM:SS");
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
        bad("duration", std::string{col} + " '" + v + "' is not a non-negative number of seconds");
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
      bad("outcome", "outcome '" + get("outcome") + "' is not AGENT, HANG or PHANTOM");
      continue;
    }
    // AGENT with NO_SERVER: answered, by an agent the log does not name.
    if (outcome == "AGENT" && ser_start == not_set) {
      bad("agent_without_ser_start", "outcome AGENT needs ser_start");
      continue;
    }
    if (q_start == not_set && q_time > 0 && q_exit != not_set) q_start = q_exit - q_time * ns_per_s;

    call_record c;
    c.line = n;
    auto vru_line = get("vru+line");
    c.call_id = get("call_id");
    if (c.call_id.empty())
      c.call_id = (vru_line.empty() ? std::string{"row"} : vru_line) + "-" + get("date") + "-L" +
                  std::to_string(n);
    if (!valid_id(c.call_id)) {
      bad("call_id", "call_id has control characters or is longer than 120 bytes");
      continue;
    }
    c.customer_id = get("customer_id");
    if (c.customer_id == "0") c.customer_id.clear();
    c.queue = get("type").empty() ? o.default_queue : get("type");
    if (auto p = get("priority"); !p.empty() && !to_int(p, c.priority)) {
      bad("priority", "priority '" + p + "' is not a number");
      continue;
    }
    c.dialed = vru_line;
    // Times come in order; one more than 12 h before its predecessor crossed
    // midnight (the data set has 1-second overlaps, e.g. ser_start < q_exit).
    std::int64_t last = not_set;
    auto chrono = [&](std::int64_t t) {
      if (t == not_set) return t;
      while (last != not_set && last - t > day_ns / 2)
        t += day_ns;
      last = std::max(last, t);
      return t;
    };
    vru_entry = chrono(vru_entry);
    vru_exit = chrono(vru_exit);
    q_start = chrono(q_start);
    q_exit = chrono(q_exit);
    ser_start = chrono(ser_start);
    ser_exit = chrono(ser_exit);
    // Technion times are wall-clock readings of the log's zone.
    if (o.to_utc) {
      bool in_range = true;
      for (auto* t : {&vru_entry, &vru_exit, &q_start, &q_exit, &ser_start, &ser_exit})
        if (*t != not_set && in_range) {
          auto u = o.to_utc(*t);
          if (u)
            *t = *u;
          else
            in_range = false;
        }
      if (!in_range) {
        bad("out_of_range", "date '" + get("date") + "' is out of range in the time zone");
        continue;
      }
    }
    c.arrived_ns = vru_entry != not_set  ? vru_entry
                   : q_start != not_set  ? q_start
                   : vru_exit != not_set ? vru_exit
                                         : ser_start;
    if (c.arrived_ns == not_set) {
      bad("no_time", "no time recorded (vru_entry, q_start or ser_start)");
      continue;
    }
    if (outcome == "AGENT") {
      c.queued_ns = q_start != not_set ? q_start : vru_exit != not_set ? vru_exit : ser_start;
      c.connected_ns = ser_start;
      c.ended_ns = ser_exit != not_set ? ser_exit : ser_start + ser_time * ns_per_s;
      c.agent = server;
      c.outcome = events::call_outcome::completed;
      if (server.empty()) ++res.no_agent;
    } else {
      c.queued_ns = q_start;
      c.ended_ns = q_exit != not_set ? q_exit : vru_exit != not_set ? vru_exit : c.arrived_ns;
      c.outcome = events::call_outcome::abandoned;
    }
    if (c.ended_ns < c.arrived_ns) {
      bad("ends_before_arrival", "the call ends before it arrives");
      continue;
    }
    if (clamp_life_cycle(c)) ++res.clamped;
    if (!vru_line.empty()) c.attached["vru_line"] = vru_line;
    if (auto t = get("type"); !t.empty()) c.attached["type"] = t;
    if (auto p = get("priority"); !p.empty()) c.attached["priority"] = p;
    for (const auto& [name, i] : h.index)
      if (std::find(known.begin(), known.end(), name) == known.end() && !trim_blanks(f[i]).empty())
        c.attached[name] = std::string{trim_blanks(f[i])};
    res.calls.push_back(std::move(c));
  }
  finish(res);
  return res;
}

// -- mapped CSV -------------------------------------------------------------------------

events::result<csv_map> parse_csv_map(const nlohmann::json& j) {
  static const std::vector<std::string> fields = {
      "call_id",  "caller",  "dialed", "customer_id", "queue", "agent",  "channel",
      "priority", "arrived", "queued", "connected",   "ended", "outcome"};
  try {
    csv_map m;
    if (!j.is_object()) return status{errc::invalid_argument, "the map must be a JSON object"};
    if (auto d = j.find("delimiter"); d != j.end()) {
      auto s = d->get<std::string>();
      if (s.size() != 1)
        return status{errc::invalid_argument, "map: delimiter must be one character"};
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
        auto outcome = known_outcome(target);
        if (!outcome)
          return status{errc::invalid_argument, "map: outcome '" + from + "' maps to '" + target +
                                                    "', which is not a call.ended outcome"};
        m.outcomes[from] = *outcome;
      }
    if (auto a = j.find("attach"); a != j.end()) m.attach = a->get<std::vector<std::string>>();
    if (auto d = j.find("defaults"); d != j.end())
      for (const auto& [field, v] : d->items())
        m.defaults[field] = v.get<std::string>();
    if (auto e = j.find("empty_queued"); e != j.end()) m.empty_queued = e->get<std::string>();
    if (m.empty_queued != "arrival" && m.empty_queued != "none")
      return status{errc::invalid_argument,
                    "map: empty_queued must be \"arrival\" (queued when it arrived) "
                    "or \"none\" (never queued), not \"" +
                        m.empty_queued + "\""};
    if (!m.columns.count("arrived") || !m.columns.count("ended"))
      return status{errc::invalid_argument, "map: columns `arrived` and `ended` are required"};
    return m;
  } catch (const std::exception& e) {
    return status{errc::invalid_argument, std::string{"map: "} + e.what()};
  }
}

parse_result parse_mapped_csv(std::string_view csv, const csv_map& m, const local_to_utc& to_utc) {
  parse_result res;
  line_reader lines{csv};
  std::string_view line;
  if (!lines.next(line)) {
    res.fatal = {errc::invalid_argument, "the file is empty (no header line)"};
    return res;
  }
  if (!utf8_or_fatal(csv, res)) return res;
  const header h = read_header(line, m.delimiter);
  for (const auto& [field, col] : m.columns)
    if (!h.find(col)) {
      res.fatal = {errc::invalid_argument,
                   "line 1: column '" + col + "' (for " + field + ") is not in the header"};
      return res;
    }
  for (const auto& col : m.attach)
    if (!h.find(col)) {
      res.fatal = {errc::invalid_argument,
                   "line 1: attached column '" + col + "' is not in the header"};
      return res;
    }
  while (lines.next(line)) {
    if (trim_blanks(line).empty()) continue;
    ++res.rows;
    const std::size_t n = lines.number();
    auto f = split_csv_line(line, m.delimiter);
    auto bad = [&](std::string reason, std::string why) {
      res.errors.push_back({n, std::move(why), std::move(reason)});
    };
    if (f.size() != h.columns) {
      bad("columns",
          "expected " + std::to_string(h.columns) + " columns, found " + std::to_string(f.size()));
      continue;
    }
    auto get = [&](const std::string& field) -> std::string {
      if (auto c = m.columns.find(field); c != m.columns.end()) {
        auto v = std::string{trim_blanks(f[*h.find(c->second)])};
        if (!v.empty()) return v;
      }
      auto d = m.defaults.find(field);
      return d == m.defaults.end() ? std::string{} : d->second;
    };
    bool ok = true;
    auto time_of = [&](const std::string& field) -> std::int64_t {
      if (!ok) return not_set; // one error per row
      auto v = get(field);
      if (v.empty()) return not_set;
      std::int64_t t = 0;
      bool parsed = false, local = false, in_range = true;
      const auto col = "column '" + m.columns.at(field) + "' (" + field + "): ";
      if (m.time_format == "iso8601" || m.time_format == "ymd_hms") {
        if (auto y = year_of(v); y && (*y < first_year || *y > last_year)) in_range = false;
        if (m.time_format == "iso8601") {
          parsed = events::parse_timestamp(v, t);
          if (!parsed && v.size() == 19) parsed = local = events::parse_timestamp(v + "Z", t);
        } else {
          if (v.size() == 19 && v[10] == ' ') v[10] = 'T';
          parsed = local = v.size() == 19 && events::parse_timestamp(v + "Z", t);
        }
      } else {
        const std::int64_t unit = m.time_format == "epoch_s" ? ns_per_s : 1'000'000;
        std::int64_t x = 0;
        parsed = to_int(v, x) && x >= 0;
        in_range = !parsed || !__builtin_mul_overflow(x, unit, &t);
      }
      if (parsed && in_range && local && to_utc) {
        auto u = to_utc(t);
        if (u)
          t = *u;
        else
          in_range = false;
      }
      if (!in_range) {
        bad("out_of_range", col + out_of_range(v));
        ok = false;
        return not_set;
      }
      if (!parsed) {
        bad("time", col + "'" + v + "' is not a " + m.time_format + " time");
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
    const auto channel = get("channel");
    c.arrived_ns = time_of("arrived");
    c.queued_ns = time_of("queued");
    c.connected_ns = time_of("connected");
    c.ended_ns = time_of("ended");
    if (!ok) continue;
    if (auto p = get("priority"); !p.empty() && !to_int(p, c.priority)) {
      bad("priority", "priority '" + p + "' is not a number");
      continue;
    }
    if (!valid_id(c.call_id)) {
      bad("call_id", "call_id has control characters or is longer than 120 bytes");
      continue;
    }
    if (c.arrived_ns == not_set || c.ended_ns == not_set) {
      bad("no_time", "arrived and ended times are required");
      continue;
    }
    if (c.ended_ns < c.arrived_ns) {
      bad("ends_before_arrival", "the call ends before it arrives");
      continue;
    }
    auto raw = get("outcome");
    if (auto o = m.outcomes.find(raw); o != m.outcomes.end())
      c.outcome = o->second;
    else if (auto known = known_outcome(raw))
      c.outcome = *known;
    else if (raw.empty())
      c.outcome = c.connected_ns != not_set ? events::call_outcome::completed
                                            : events::call_outcome::abandoned;
    else {
      bad("outcome", "outcome '" + raw + "' is not mapped (add it to `outcomes`)");
      continue;
    }
    if (c.connected_ns != not_set && c.agent.empty()) {
      bad("agent", "a connected call needs an agent");
      continue;
    }
    if (!channel.empty()) {
      auto known = events::from_wire<events::contact_channel>(channel);
      if (!known) {
        bad("channel", events::not_a_wire_name<events::contact_channel>(channel));
        continue;
      }
      c.channel = *known;
    }
    if (c.queued_ns == not_set && !c.queue.empty() && c.outcome != events::call_outcome::blocked &&
        m.empty_queued == "arrival")
      c.queued_ns = c.arrived_ns;
    if (clamp_life_cycle(c)) ++res.clamped;
    for (const auto& col : m.attach)
      if (auto v = trim_blanks(f[*h.find(col)]); !v.empty()) c.attached[col] = std::string{v};
    res.calls.push_back(std::move(c));
  }
  finish(res);
  return res;
}

// -- events ------------------------------------------------------------------------------

std::string imported_call_id(const call_record& c, const event_options& o) {
  return c.call_id + "@" + o.file + ":" + std::to_string(c.line);
}

std::vector<call_events> events_of(const std::vector<call_record>& calls, const event_options& o) {
  std::vector<std::size_t> order(calls.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return calls[a].arrived_ns < calls[b].arrived_ns;
  });
  std::vector<call_events> out;
  out.reserve(calls.size());
  const auto& codec = events::event_codec::standard();
  for (std::size_t ci : order) {
    const auto& c = calls[ci];
    const std::string id = imported_call_id(c, o);
    call_events ce{"call-" + id, {}};
    ce.events.reserve(8);
    auto add = [&](std::int64_t ts, const events::event& body) {
      events::event_meta meta{
          events::event_id::from_name(o.source + "/" + id + "/" + std::to_string(ce.events.size())),
          o.site,
          o.tenant,
          ts,
          events::event_id::from_name(o.source + "/" + id),
          {},
          events::principal::system("import")};
      ce.events.push_back(codec.propose(body, std::move(meta)));
    };
    events::call_arrived arrived;
    arrived.call_id = id;
    arrived.channel = c.channel;
    arrived.caller = c.caller;
    arrived.dialed = c.dialed;
    arrived.customer_id = c.customer_id;
    arrived.attached = c.attached;
    arrived.attached["log_call_id"] = c.call_id;
    add(c.arrived_ns, arrived);
    if (c.queued_ns != not_set)
      add(c.queued_ns, events::call_queued{id, c.queue, c.priority, 0, 0, "import"});
    const bool answered = c.connected_ns != not_set;
    const bool by_agent = answered && !c.agent.empty();
    if (answered) {
      std::int64_t wait = c.queued_ns == not_set ? 0 : (c.connected_ns - c.queued_ns) / 1'000'000;
      // the log only knows the offer that was taken
      if (by_agent) add(c.connected_ns, events::call_offered{id, c.queue, c.agent, 1, 0, "import"});
      add(c.connected_ns, events::call_connected{id, c.queue, c.agent, wait});
      if (by_agent) add(c.connected_ns, events::agent_call_started{c.agent, id, c.channel});
    }
    add(c.ended_ns, events::call_ended{id, c.outcome, "import", c.agent, c.queue});
    if (by_agent) {
      add(c.ended_ns, events::agent_call_ended{c.agent, id, 0});
      add(c.ended_ns, events::agent_logged_out{c.agent, "import"});
    }
    out.push_back(std::move(ce));
  }
  return out;
}

} // namespace hotline::projections::import
