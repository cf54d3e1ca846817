#include "drivers/store/store_repair.hpp"

#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>

#include <stdlib.h>
#include <sys/stat.h>

#include "drivers/rocksdb/store_directory.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "drivers/store/wal_scan.hpp"

namespace hotline::drivers {

namespace {

namespace fs = std::filesystem;
using events::errc;
using events::status;

/// A scratch copy of a store, removed when it goes out of scope.
struct scratch_copy {
  std::string path;
  ~scratch_copy() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

status copy_store_files(const std::string& from, const std::string& to) {
  std::error_code ec;
  for (fs::directory_iterator it{from, ec}, end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const auto name = it->path().filename().string();
    if (name == "LOCK" || name.rfind("LOG", 0) == 0) continue;
    const auto target = fs::path{to} / name;
    std::error_code link_ec;
    const bool immutable = name.size() > 4 && name.substr(name.size() - 4) == ".sst";
    if (immutable) fs::create_hard_link(it->path(), target, link_ec);
    if (!immutable || link_ec) {
      std::error_code copy_ec;
      fs::copy_file(it->path(), target, copy_ec);
      if (copy_ec)
        return {errc::io_error, "copying " + it->path().string() + ": " + copy_ec.message()};
    }
  }
  if (ec) return {errc::io_error, "listing " + from + ": " + ec.message()};
  return {};
}

std::string utc_stamp() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

/// Opens `dir` recovering up to the damage; reports the head and the
/// checkpoints named in `names`.
status recover_into(const std::string& dir, repair_plan& plan,
                    const std::vector<std::string>& names) {
  rocksdb_store_options o;
  o.create_if_missing = false;
  o.drop_after_damage = true;
  o.warn = [](const std::string&) {};
  auto opened = rocksdb_event_store::open(dir, o);
  if (!opened) return opened.error();
  plan.head_after = (*opened)->head_position();
  for (const auto& name : names) {
    auto cp = (*opened)->get_checkpoint(name);
    if (!cp) return cp.error();
    for (auto& [n, values] : plan.checkpoints)
      if (n == name) values.second = cp->value_or(0);
  }
  return {};
}

} // namespace

std::string repair_plan::text() const {
  if (!damaged) return "store " + directory + ": no damage found; nothing to repair";
  if (!fixable)
    return "store " + directory + " is damaged outside its WAL: " + damage +
           "\nstore repair only drops damaged WAL records; restore the store from a copy, or "
           "rebuild it "
           "from its Kafka topic (hotline replay --kafka)";
  std::string t = "store " + directory + ": " + damage + "\n";
  t += "A repair keeps every event up to position " + std::to_string(head_after) + " and drops:\n";
  t += "  - " + damaged_file + " from offset " + std::to_string(damaged_offset) + " to its end (" +
       std::to_string(damaged_file_size - damaged_offset) + " bytes: the damaged write batch and " +
       std::to_string(batches_after) + " intact write batch" + (batches_after == 1 ? "" : "es") +
       " after it, later WAL files included)\n";
  if (!later_files.empty()) {
    t += "  - " + std::to_string(later_files.size()) + " later WAL file" +
         (later_files.size() == 1 ? "" : "s") + ":";
    for (const auto& f : later_files)
      t += " " + f;
    t += "\n";
  }
  if (damaged_batch_events.first != 0)
    t += "  - the damaged batch, which appears to hold events at positions " +
         std::to_string(damaged_batch_events.first) + " to " +
         std::to_string(damaged_batch_events.second) + " (" +
         std::to_string(damaged_batch_events.second - damaged_batch_events.first + 1) +
         " events; read ignoring its checksum)\n";
  else
    t += "  - the damaged batch (its content cannot be read)\n";
  if (events_dropped > 0)
    t += "  - events at positions " + std::to_string(first_event_dropped) + " to " +
         std::to_string(last_event_seen) + " in intact batches after it (" +
         std::to_string(events_dropped) + " events)\n";
  else
    t += "  - no event in the intact batches after it\n";
  const auto last = std::max(last_event_seen, damaged_batch_events.second);
  if (last > head_after)
    t += "In all the store would go from " + std::to_string(last) + " events to " +
         std::to_string(head_after) + " (" + std::to_string(last - head_after) + " events lost).\n";
  for (const auto& [name, values] : checkpoints)
    if (values.first != values.second)
      t += "  - checkpoint " + name + ": " + std::to_string(values.first) + " -> " +
           std::to_string(values.second) + "\n";
  return t;
}

events::result<repair_plan> plan_repair(const std::string& directory) {
  if (auto st = is_store(directory); !st) return st;
  repair_plan plan;
  plan.directory = directory;
  auto files = wal::wal_files(directory);
  if (!files) return files.error();
  std::size_t bad = files->size();
  for (std::size_t i = 0; i < files->size(); ++i) {
    auto r = wal::scan_file((*files)[i]);
    if (!r) return r.error();
    if (!r->damaged) continue;
    bad = i;
    plan.damaged = plan.fixable = true;
    plan.damaged_file = r->name;
    plan.damaged_offset = r->damaged->offset;
    plan.damaged_file_size = r->size;
    if (auto damaged = wal::read_damaged_record((*files)[i], r->damaged->record_offset);
        !damaged.empty()) {
      auto b = wal::summarize_batch(damaged);
      if (b.readable && b.events > 0) plan.damaged_batch_events = {b.first_event, b.last_event};
    }
    plan.damage = "WAL file " + r->name + " is damaged at offset " +
                  std::to_string(r->damaged->offset) + " (write batch " +
                  std::to_string(r->damaged->record_index + 1) +
                  " of the file: " + r->damaged->what + ")";
    break;
  }
  if (!plan.damaged) {
    rocksdb_store_options o;
    o.read_only = true;
    o.warn = [](const std::string&) {};
    auto opened = rocksdb_event_store::open(directory, o);
    if (!opened && opened.error().code() == errc::corrupt_record) {
      plan.damaged = true;
      plan.damage = opened.error().detail();
    } else if (!opened) {
      return opened.error();
    }
    return plan;
  }
  // What the dropped part names (best effort: it is not trusted).
  std::map<std::string, std::uint64_t> dropped_checkpoints;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> dropped_events; // (first, last) per batch
  auto note = [&](const wal::record& rec) {
    auto b = wal::summarize_batch(rec.payload);
    if (!b.readable) return;
    ++plan.batches_after;
    if (b.events > 0) {
      dropped_events.emplace_back(b.first_event, b.last_event);
      plan.last_event_seen = std::max(plan.last_event_seen, b.last_event);
    }
    for (const auto& [name, pos] : b.checkpoints)
      dropped_checkpoints[name] = pos;
  };
  if (auto st = wal::scan_after_damage((*files)[bad], plan.damaged_offset, note); !st) return st;
  for (std::size_t i = bad + 1; i < files->size(); ++i) {
    plan.later_files.push_back(fs::path{(*files)[i]}.filename().string());
    auto r = wal::scan_file((*files)[i], note);
    if (!r) return r.error();
    if (r->damaged)
      if (auto st = wal::scan_after_damage((*files)[i], r->damaged->offset, note); !st) return st;
  }
  std::vector<std::string> names;
  for (const auto& [name, pos] : dropped_checkpoints) {
    names.push_back(name);
    plan.checkpoints.push_back({name, {pos, 0}});
  }

  // The outcome, from a scratch copy.
  scratch_copy copy;
  {
    auto base = (fs::temp_directory_path() / "hotline-repair-XXXXXX").string();
    if (!::mkdtemp(base.data()))
      return status{errc::io_error,
                    std::string{"creating a scratch copy: "} + std::strerror(errno)};
    copy.path = base;
  }
  if (auto st = copy_store_files(directory, copy.path); !st) return st;
  if (auto st = recover_into(copy.path, plan, names); !st)
    return status{st.code(), "store " + directory + ": a repair would fail: " + st.detail()};
  for (const auto& [first, last] : dropped_events)
    if (last > plan.head_after) {
      const auto from = std::max(first, plan.head_after + 1);
      plan.events_dropped += last - from + 1;
      if (plan.first_event_dropped == 0 || from < plan.first_event_dropped)
        plan.first_event_dropped = from;
    }
  return plan;
}

events::result<repair_outcome> repair(const std::string& directory) {
  auto plan = plan_repair(directory);
  if (!plan) return plan.error();
  repair_outcome out{std::move(*plan), {}};
  if (!out.plan.damaged || !out.plan.fixable) return out;
  // Keep the bytes a repair drops.
  out.saved_to = (fs::path{directory} / ("repair-" + utc_stamp())).string();
  if (::mkdir(out.saved_to.c_str(), 0700) != 0)
    return status{errc::io_error, "creating " + out.saved_to + ": " + std::strerror(errno)};
  std::vector<std::string> dropped{out.plan.damaged_file};
  dropped.insert(dropped.end(), out.plan.later_files.begin(), out.plan.later_files.end());
  for (const auto& name : dropped) {
    std::error_code ec;
    const auto target = fs::path{out.saved_to} / name;
    fs::copy_file(fs::path{directory} / name, target, ec);
    if (ec)
      return status{errc::io_error, "saving " + name + " to " + out.saved_to + ": " + ec.message()};
    ::chmod(target.c_str(), 0600);
  }
  std::vector<std::string> names;
  for (const auto& [name, values] : out.plan.checkpoints)
    names.push_back(name);
  repair_plan done = out.plan;
  if (auto st = recover_into(directory, done, names); !st) return st;
  rocksdb_store_options o;
  o.create_if_missing = false;
  o.warn = [](const std::string&) {};
  auto opened = rocksdb_event_store::open(directory, o);
  if (!opened) return opened.error();
  const auto report = "repaired at " + utc_stamp() + ": " + out.plan.text() +
                      "the dropped WAL files were saved in " + out.saved_to;
  if (auto st = (*opened)->record_repair(report); !st) return st;
  out.plan = done;
  return out;
}

} // namespace hotline::drivers
