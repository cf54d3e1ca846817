#include "config/table_reader.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "config/did_you_mean.hpp"

namespace hotline::config::detail {

namespace {

std::string format_number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

} // namespace

source_position position_of(const toml::source_region& region) {
  return {region.path ? *region.path : std::string{}, region.begin.line, region.begin.column};
}

table_reader::table_reader(const toml::table& table, std::string path, read_context& ctx)
    : table_(table), path_(std::move(path)), ctx_(&ctx) {
  ctx_->sources.record(path_, position_of(table_.source()));
}

std::string table_reader::child(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + '.' + std::string(key);
}

const toml::node* table_reader::get(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  const auto* node = table_.get(key);
  if (node) ctx_->sources.record(child(key), position_of(node->source()));
  return node;
}

std::string table_reader::describe(const toml::node& node) {
  switch (node.type()) {
  case toml::node_type::string: {
    auto s = node.as_string()->get();
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return '"' + s + '"';
  }
  case toml::node_type::integer:
    return std::to_string(node.as_integer()->get());
  case toml::node_type::floating_point:
    return format_number(node.as_floating_point()->get());
  case toml::node_type::boolean:
    return node.as_boolean()->get() ? "true" : "false";
  case toml::node_type::table:
    return "a table";
  case toml::node_type::array:
    return "an array";
  case toml::node_type::date:
    return "a date";
  case toml::node_type::time:
    return "a time";
  case toml::node_type::date_time:
    return "a date-time";
  default:
    return "nothing";
  }
}

void table_reader::report(severity level, const toml::source_region& where, std::string key_path,
                          std::string message) {
  auto pos = position_of(where);
  if (pos.file.empty()) pos = ctx_->sources.find(key_path);
  ctx_->out.push_back(
      {level, pos.file, pos.line, pos.column, std::move(key_path), std::move(message)});
}

void table_reader::error(std::string_view key, std::string message) {
  const auto* node = key.empty() ? nullptr : table_.get(key);
  report(severity::error, node ? node->source() : table_.source(), key.empty() ? path_ : child(key),
         std::move(message));
}

void table_reader::warning(std::string_view key, std::string message) {
  const auto* node = key.empty() ? nullptr : table_.get(key);
  report(severity::warning, node ? node->source() : table_.source(),
         key.empty() ? path_ : child(key), std::move(message));
}

void table_reader::error_at(const toml::node& node, std::string key_path, std::string message) {
  report(severity::error, node.source(), std::move(key_path), std::move(message));
}

void table_reader::expected(std::string_view key, const toml::node& got, std::string_view what) {
  error(key, "expected " + std::string(what) + ", got " + describe(got));
}

bool table_reader::require(std::string_view key, std::string_view what) {
  if (get(key)) return true;
  error_at(table_, child(key),
           "missing required key '" + std::string(key) + "' (expected " + std::string(what) + ")");
  return false;
}

bool table_reader::read(std::string_view key, std::string& out) {
  const auto* node = get(key);
  if (!node) return false;
  if (const auto* s = node->as_string()) {
    out = s->get();
    return true;
  }
  expected(key, *node, "a string");
  return false;
}

bool table_reader::read_id(std::string_view key, std::string& out) {
  const auto* node = get(key);
  if (!node) return false;
  const auto* s = node->as_string();
  if (!s || s->get().empty() ||
      std::any_of(s->get().begin(), s->get().end(), [](unsigned char c) { return c <= ' '; })) {
    expected(key, *node, "a non-empty name without spaces");
    return false;
  }
  out = s->get();
  return true;
}

bool table_reader::read(std::string_view key, bool& out) {
  const auto* node = get(key);
  if (!node) return false;
  if (const auto* b = node->as_boolean()) {
    out = b->get();
    return true;
  }
  expected(key, *node, "true or false");
  return false;
}

bool table_reader::read(std::string_view key, int& out, std::int64_t min, std::int64_t max,
                        std::string_view what) {
  const auto* node = get(key);
  if (!node) return false;
  const auto* i = node->as_integer();
  if (!i || i->get() < min || i->get() > max) {
    expected(key, *node, what);
    return false;
  }
  out = static_cast<int>(i->get());
  return true;
}

bool table_reader::read(std::string_view key, std::uint64_t& out, std::string_view what) {
  const auto* node = get(key);
  if (!node) return false;
  const auto* i = node->as_integer();
  if (!i || i->get() < 0) {
    expected(key, *node, what);
    return false;
  }
  out = static_cast<std::uint64_t>(i->get());
  return true;
}

bool table_reader::read(std::string_view key, double& out, double min, double max,
                        std::string_view what) {
  const auto* node = get(key);
  if (!node) return false;
  double v = 0;
  if (const auto* i = node->as_integer())
    v = static_cast<double>(i->get());
  else if (const auto* f = node->as_floating_point())
    v = f->get();
  else {
    expected(key, *node, what);
    return false;
  }
  if (!std::isfinite(v) || v < min || v > max) {
    expected(key, *node, what);
    return false;
  }
  out = v;
  return true;
}

bool table_reader::read_whole(std::string_view key, std::int64_t& out_ms, std::int64_t unit_ms,
                              std::string_view unit, zero rule) {
  const auto* node = get(key);
  if (!node) return false;
  const auto* i = node->as_integer();
  const std::int64_t limit = INT64_MAX / unit_ms;
  const bool ok = i && i->get() <= limit && (rule == zero::allowed ? i->get() >= 0 : i->get() > 0);
  if (!ok) {
    expected(key, *node,
             rule == zero::allowed
                 ? "a non-negative integer number of " + std::string(unit) + " (0: off)"
                 : "a positive integer number of " + std::string(unit));
    return false;
  }
  out_ms = i->get() * unit_ms;
  return true;
}

bool table_reader::read_seconds(std::string_view key, std::int64_t& out_ms, zero rule) {
  return read_whole(key, out_ms, 1000, "seconds", rule);
}

bool table_reader::read_minutes(std::string_view key, std::int64_t& out_ms, zero rule) {
  return read_whole(key, out_ms, 60'000, "minutes", rule);
}

bool table_reader::read_duration_s(std::string_view key, std::int64_t& out_ms) {
  double seconds = 0;
  if (!read(key, seconds, 0, 1e12, "a positive number of seconds")) return false;
  if (seconds <= 0) {
    expected(key, *table_.get(key), "a positive number of seconds");
    return false;
  }
  out_ms = std::llround(seconds * 1000);
  return true;
}

bool table_reader::read_clock(std::string_view key, std::int64_t& out_ms, bool allow_24) {
  const auto* node = get(key);
  if (!node) return false;
  const auto* s = node->as_string();
  const std::string what = allow_24 ? "a time of day \"HH:MM\" from 00:00 to 24:00"
                                    : "a time of day \"HH:MM\" from 00:00 to 23:59";
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!s || s->get().size() != 5 || s->get()[2] != ':' || !digit(s->get()[0]) ||
      !digit(s->get()[1]) || !digit(s->get()[3]) || !digit(s->get()[4])) {
    expected(key, *node, what);
    return false;
  }
  const auto& t = s->get();
  const int hours = (t[0] - '0') * 10 + (t[1] - '0');
  const int minutes = (t[3] - '0') * 10 + (t[4] - '0');
  const bool ok = minutes < 60 && (hours < 24 || (allow_24 && hours == 24 && minutes == 0));
  if (!ok) {
    expected(key, *node, what);
    return false;
  }
  out_ms = (hours * 60LL + minutes) * 60'000;
  return true;
}

bool table_reader::read(std::string_view key, std::vector<std::string>& out) {
  const auto* node = get(key);
  if (!node) return false;
  const auto* list = node->as_array();
  if (!list) {
    expected(key, *node, "an array of names");
    return false;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto* s = list->get(i)->as_string();
    if (!s || s->get().empty()) {
      error_at(*list->get(i), child(key) + '[' + std::to_string(i) + ']',
               "expected a non-empty name, got " + describe(*list->get(i)));
      ok = false;
      continue;
    }
    values.push_back(s->get());
  }
  if (ok) out = std::move(values);
  return ok;
}

bool table_reader::read(std::string_view key, std::map<std::string, int>& out, int min, int max,
                        std::string_view what, const std::vector<std::string>& names) {
  const auto* node = get(key);
  if (!node) return false;
  const auto* table = node->as_table();
  if (!table) {
    expected(key, *node, "a table such as { name = " + std::to_string(max) + " }");
    return false;
  }
  std::map<std::string, int> values;
  bool ok = true;
  for (auto&& [name, value] : *table) {
    const auto path = child(key) + '.' + std::string(name.str());
    ctx_->sources.record(path, position_of(value.source()));
    if (!names.empty() && std::find(names.begin(), names.end(), name.str()) == names.end()) {
      report(severity::error, name.source(), path,
             "unknown " + std::string(key) + " name '" + std::string(name.str()) +
                 "' (expected one of " + name_list(names) + ")" + did_you_mean(name.str(), names));
      ok = false;
      continue;
    }
    const auto* i = value.as_integer();
    if (!i || i->get() < min || i->get() > max) {
      error_at(value, path, "expected " + std::string(what) + ", got " + describe(value));
      ok = false;
      continue;
    }
    values.emplace(std::string(name.str()), static_cast<int>(i->get()));
  }
  if (ok) out = std::move(values);
  return ok;
}

bool table_reader::read_one_of(std::string_view key, std::string& out,
                               const std::vector<std::string>& names, std::string_view noun) {
  const auto* node = get(key);
  if (!node) return false;
  const auto* s = node->as_string();
  if (!s) {
    expected(key, *node, "one of " + name_list(names));
    return false;
  }
  if (std::find(names.begin(), names.end(), s->get()) == names.end()) {
    error(key, "unknown " + std::string(noun) + " '" + s->get() + "' (expected one of " +
                   name_list(names) + ")" + did_you_mean(s->get(), names));
    return false;
  }
  out = s->get();
  return true;
}

void table_reader::with_table(std::string_view key, const std::function<void(table_reader&)>& fn) {
  const auto* node = get(key);
  if (!node) return;
  const auto* table = node->as_table();
  if (!table) {
    expected(key, *node, "a table");
    return;
  }
  table_reader sub(*table, child(key), *ctx_);
  fn(sub);
  sub.finish();
}

void table_reader::each_table(std::string_view key,
                              const std::function<void(table_reader&, std::size_t)>& fn) {
  const auto* node = get(key);
  if (!node) return;
  const auto* list = node->as_array();
  if (!list) {
    expected(key, *node, "an array of tables ([[" + child(key) + "]])");
    return;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto path = child(key) + '[' + std::to_string(i) + ']';
    const auto* table = list->get(i)->as_table();
    if (!table) {
      error_at(*list->get(i), path, "expected a table, got " + describe(*list->get(i)));
      continue;
    }
    table_reader sub(*table, path, *ctx_);
    fn(sub, i);
    sub.finish();
  }
}

void table_reader::accept_all() {
  for (auto&& [key, value] : table_)
    known_.emplace_back(key.str());
}

void table_reader::finish() {
  for (auto&& [key, value] : table_) {
    if (std::find(known_.begin(), known_.end(), key.str()) != known_.end()) continue;
    report(severity::error, key.source(), child(key.str()),
           "unknown key '" + std::string(key.str()) + "'" + did_you_mean(key.str(), known_));
  }
}

} // namespace hotline::config::detail
