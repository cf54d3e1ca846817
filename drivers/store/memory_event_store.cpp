#include "drivers/store/memory_event_store.hpp"

#include "drivers/store/append_check.hpp"

namespace hotline::drivers {

void memory_event_store::append_async(std::string stream, expected_revision expected,
                                      std::vector<proposed_event> events, append_callback done) {
  if (!events::is_valid_stream_name(stream)) {
    done(status{errc::invalid_argument, "invalid stream name '" + stream + "'"});
    return;
  }
  result<append_result> outcome = append_result{};
  {
    std::lock_guard lock{mu_};
    auto it = streams_.find(stream);
    std::optional<std::uint64_t> current;
    if (it != streams_.end() && !it->second.empty()) current = it->second.size() - 1;
    auto check = check_append(stream, expected, current, events,
                              [&](std::uint64_t rev) -> std::optional<std::pair<events::event_id, std::uint64_t>> {
                                if (it == streams_.end() || rev >= it->second.size()) return std::nullopt;
                                auto pos = it->second[rev];
                                return std::pair{all_[pos - 1].meta.id, pos};
                              });
    if (check.outcome == append_check::verdict::refuse) {
      outcome = check.error;
    } else if (check.outcome == append_check::verdict::already_written) {
      outcome = check.previous;
    } else {
      // One hash lookup for an existing stream (the iterator above); a new
      // stream's index starts with room for a call's share of events.
      if (it == streams_.end()) {
        it = streams_.try_emplace(stream).first;
        it->second.reserve(8);
      }
      auto& index = it->second;
      append_result r;
      for (auto& e : events) {
        recorded_event rec{stream, index.size(), all_.size() + 1, std::move(e.meta),
                           std::move(e.type), e.version, std::move(e.payload)};
        index.push_back(rec.position);
        if (r.first_position == 0) r.first_position = rec.position;
        r.last_position = rec.position;
        all_.push_back(std::move(rec));
      }
      if (!index.empty()) r.last_revision = index.size() - 1;
      outcome = r;
    }
  }
  appended_.notify_all();
  done(std::move(outcome));
}

result<std::vector<recorded_event>>
memory_event_store::read_stream(std::string_view stream, std::uint64_t from_revision,
                                std::size_t max_count) const {
  std::lock_guard lock{mu_};
  std::vector<recorded_event> out;
  auto it = streams_.find(std::string{stream});
  if (it == streams_.end()) return out;
  for (auto rev = from_revision; rev < it->second.size() && out.size() < max_count; ++rev)
    out.push_back(all_[it->second[rev] - 1]);
  return out;
}

result<std::vector<recorded_event>> memory_event_store::read_all(std::uint64_t from_position,
                                                                 std::size_t max_count) const {
  std::lock_guard lock{mu_};
  std::vector<recorded_event> out;
  for (auto pos = std::max<std::uint64_t>(from_position, 1);
       pos <= all_.size() && out.size() < max_count; ++pos)
    out.push_back(all_[pos - 1]);
  return out;
}

result<std::optional<std::uint64_t>>
memory_event_store::stream_revision(std::string_view stream) const {
  std::lock_guard lock{mu_};
  auto it = streams_.find(std::string{stream});
  if (it == streams_.end() || it->second.empty()) return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>{it->second.size() - 1};
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

} // namespace hotline::drivers
