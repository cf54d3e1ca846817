#include "actors/ports/memory_event_store.hpp"

#include <cstring>
#include <vector>

#include "actors/ports/append_check.hpp"

namespace hotline::ports {

/// One stored event. Everything a `recorded_event` holds, by number where
/// the value is shared: stream, type, site, tenant and the principal's id.
struct memory_event_store::record {
  events::event_id id;
  events::event_id correlation;
  events::event_id causation;
  std::int64_t timestamp_ns = 0;
  std::uint64_t revision = 0;
  const char* payload = nullptr;
  std::uint32_t payload_size = 0;
  std::uint32_t stream = 0;
  std::uint32_t type = 0;
  std::uint32_t site = 0;
  std::uint32_t tenant = 0;
  std::uint32_t caused_by = 0;
  std::uint16_t version = 1;
  events::principal::kind role = events::principal::kind::system;
};

struct memory_event_store::stream_entry {
  std::string name;
  std::vector<std::uint64_t> positions; ///< revision -> position
  /// Built when an append first needs to find ids in the stream, then kept
  /// up to date (append_check.hpp).
  std::unique_ptr<id_index> ids;
};

/// Interned strings: the same text always gets the same number.
class memory_event_store::strings {
public:
  std::uint32_t intern(const std::string& text) {
    auto it = numbers_.find(text);
    if (it != numbers_.end()) return it->second;
    auto n = static_cast<std::uint32_t>(texts_.size());
    texts_.push_back(text);
    numbers_.emplace(texts_.back(), n);
    return n;
  }
  const std::string& text(std::uint32_t n) const { return texts_[n]; }

private:
  std::deque<std::string> texts_; ///< stable: `numbers_` keys are views of them
  std::unordered_map<std::string_view, std::uint32_t> numbers_;
};

/// Payload bytes, copied into 4 MiB chunks that are never moved or freed
/// before the store is (a larger payload gets a chunk of its own).
class memory_event_store::payload_chunks {
public:
  const char* keep(std::string_view bytes) {
    if (bytes.empty()) return nullptr;
    if (bytes.size() > chunk_size / 4) {
      auto& own = large_.emplace_back(std::make_unique<char[]>(bytes.size()));
      std::memcpy(own.get(), bytes.data(), bytes.size());
      return own.get();
    }
    if (chunks_.empty() || bytes.size() > chunk_size - used_) {
      chunks_.push_back(std::make_unique<char[]>(chunk_size));
      used_ = 0;
    }
    char* at = chunks_.back().get() + used_;
    std::memcpy(at, bytes.data(), bytes.size());
    used_ += bytes.size();
    return at;
  }

private:
  static constexpr std::size_t chunk_size = 4u << 20;
  std::vector<std::unique_ptr<char[]>> chunks_; ///< the last one is being filled
  std::size_t used_ = 0;
  std::vector<std::unique_ptr<char[]>> large_;
};

memory_event_store::memory_event_store()
    : strings_(std::make_unique<strings>()), payloads_(std::make_unique<payload_chunks>()) {}
memory_event_store::~memory_event_store() = default;

recorded_event memory_event_store::rebuild(const record& r) const {
  recorded_event e;
  e.stream = streams_[r.stream].name;
  e.revision = r.revision;
  e.position = streams_[r.stream].positions[r.revision];
  e.meta.id = r.id;
  e.meta.site = strings_->text(r.site);
  e.meta.tenant = strings_->text(r.tenant);
  e.meta.timestamp_ns = r.timestamp_ns;
  e.meta.correlation = r.correlation;
  e.meta.causation = r.causation;
  e.meta.caused_by = {r.role, strings_->text(r.caused_by)};
  e.type = strings_->text(r.type);
  e.version = r.version;
  e.payload.assign(r.payload ? r.payload : "", r.payload_size);
  return e;
}

void memory_event_store::append_async(std::string stream, expected_revision expected,
                                      std::vector<proposed_event> events, append_callback done) {
  if (!events::is_valid_stream_name(stream)) {
    done(status{errc::invalid_argument, "invalid stream name '" + stream + "'"});
    return;
  }
  result<append_result> outcome = append_result{};
  {
    std::lock_guard lock{mu_};
    auto found = stream_numbers_.find(stream);
    stream_entry* entry = found == stream_numbers_.end() ? nullptr : &streams_[found->second];
    std::optional<std::uint64_t> current;
    if (entry && !entry->positions.empty()) current = entry->positions.size() - 1;
    auto check = check_append(
        stream, expected, current, events,
        [&](std::uint64_t rev) -> std::optional<std::pair<events::event_id, std::uint64_t>> {
          if (!entry || rev >= entry->positions.size()) return std::nullopt;
          auto pos = entry->positions[rev];
          return std::pair{all_[pos - 1].id, pos};
        },
        [&](const std::vector<proposed_event>& proposed) {
          if (!entry->ids) {
            entry->ids = std::make_unique<id_index>();
            for (std::uint64_t rev = 0; rev < entry->positions.size(); ++rev) {
              const auto pos = entry->positions[rev];
              entry->ids->try_emplace(all_[pos - 1].id, rev, pos);
            }
          }
          std::vector<stored_event> out;
          out.reserve(proposed.size());
          for (const auto& e : proposed) {
            auto it = entry->ids->find(e.meta.id);
            out.push_back(it == entry->ids->end() ? stored_event{} : stored_event{it->second});
          }
          return out;
        });
    if (check.outcome == append_check::verdict::refuse) {
      outcome = check.error;
    } else if (check.outcome == append_check::verdict::already_written) {
      outcome = check.previous;
    } else {
      std::uint32_t number = 0;
      if (entry) {
        number = found->second;
      } else {
        // A new stream's index starts with room for a call's share of events.
        number = static_cast<std::uint32_t>(streams_.size());
        entry = &streams_.emplace_back(stream_entry{std::move(stream), {}, nullptr});
        entry->positions.reserve(8);
        stream_numbers_.emplace(entry->name, number);
      }
      auto& index = entry->positions;
      append_result r;
      for (auto& e : events) {
        record rec;
        rec.id = e.meta.id;
        rec.correlation = e.meta.correlation;
        rec.causation = e.meta.causation;
        rec.timestamp_ns = e.meta.timestamp_ns;
        rec.revision = index.size();
        rec.payload = payloads_->keep(e.payload);
        rec.payload_size = static_cast<std::uint32_t>(e.payload.size());
        rec.stream = number;
        rec.type = strings_->intern(e.type);
        rec.site = strings_->intern(e.meta.site);
        rec.tenant = strings_->intern(e.meta.tenant);
        rec.caused_by = strings_->intern(e.meta.caused_by.id);
        rec.version = e.version;
        rec.role = e.meta.caused_by.role;
        all_.push_back(rec);
        const auto position = static_cast<std::uint64_t>(all_.size());
        index.push_back(position);
        if (entry->ids) entry->ids->try_emplace(e.meta.id, rec.revision, position);
        if (r.first_position == 0) r.first_position = position;
        r.last_position = position;
      }
      if (!index.empty()) r.last_revision = index.size() - 1;
      outcome = r;
    }
  }
  appended_.notify_all();
  done(std::move(outcome));
}

result<std::vector<recorded_event>> memory_event_store::read_stream(std::string_view stream,
                                                                    std::uint64_t from_revision,
                                                                    std::size_t max_count) const {
  std::lock_guard lock{mu_};
  std::vector<recorded_event> out;
  auto it = stream_numbers_.find(stream);
  if (it == stream_numbers_.end()) return out;
  const auto& positions = streams_[it->second].positions;
  for (auto rev = from_revision; rev < positions.size() && out.size() < max_count; ++rev)
    out.push_back(rebuild(all_[positions[rev] - 1]));
  return out;
}

result<std::vector<recorded_event>> memory_event_store::read_all(std::uint64_t from_position,
                                                                 std::size_t max_count) const {
  std::lock_guard lock{mu_};
  std::vector<recorded_event> out;
  for (auto pos = std::max<std::uint64_t>(from_position, 1);
       pos <= all_.size() && out.size() < max_count; ++pos)
    out.push_back(rebuild(all_[pos - 1]));
  return out;
}

result<std::optional<std::uint64_t>>
memory_event_store::stream_revision(std::string_view stream) const {
  std::lock_guard lock{mu_};
  auto it = stream_numbers_.find(stream);
  if (it == stream_numbers_.end() || streams_[it->second].positions.empty())
    return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>{streams_[it->second].positions.size() - 1};
}

std::uint64_t memory_event_store::head_position() const {
  std::lock_guard lock{mu_};
  return all_.size();
}

std::uint64_t memory_event_store::wait_for_append(std::uint64_t after,
                                                  std::chrono::milliseconds timeout) const {
  std::unique_lock lock{mu_};
  appended_.wait_for(lock, timeout, [&] { return all_.size() > after; });
  return all_.size();
}

status memory_event_store::put_checkpoint(std::string_view name, std::uint64_t position) {
  std::lock_guard lock{mu_};
  checkpoints_[std::string{name}] = position;
  return {};
}

result<std::optional<std::uint64_t>>
memory_event_store::get_checkpoint(std::string_view name) const {
  std::lock_guard lock{mu_};
  auto it = checkpoints_.find(name);
  if (it == checkpoints_.end()) return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>{it->second};
}

} // namespace hotline::ports
