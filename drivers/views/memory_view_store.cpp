#include "drivers/views/memory_view_store.hpp"

#include <vector>

namespace hotline::drivers {

using events::errc;
using events::result;
using events::status;

status memory_view_store::commit(std::span<const view_commit> parts) {
  std::lock_guard lock{mu_};
  if (failing_commits_ > 0) {
    --failing_commits_;
    return {errc::io_error, "memory view store: committing: injected failure"};
  }
  for (const auto& part : parts) {
    if (part.changes) {
      for (const auto& k : part.changes->deletes)
        rows_.erase(k);
      for (const auto& [k, v] : part.changes->puts)
        rows_.insert_or_assign(k, v);
    }
    rows_.insert_or_assign(checkpoint_key(part.projection), checkpoint_value(part.position));
  }
  return {};
}

result<std::optional<std::uint64_t>>
memory_view_store::checkpoint(std::string_view projection) const {
  auto stored = get(checkpoint_key(projection));
  if (!*stored) return std::optional<std::uint64_t>{};
  auto position = parse_checkpoint_value(**stored);
  if (!position)
    return status{errc::corrupt_record, "memory view store: checkpoint of '" +
                                            std::string{projection} + "' is malformed"};
  return position;
}

result<std::optional<std::string>> memory_view_store::get(std::string_view key) const {
  std::lock_guard lock{mu_};
  auto it = rows_.find(key);
  if (it == rows_.end()) return std::optional<std::string>{};
  return std::optional<std::string>{it->second};
}

status memory_view_store::scan(std::string_view prefix, const row_visitor& fn) const {
  std::vector<std::pair<std::string, std::string>> snapshot;
  {
    std::lock_guard lock{mu_};
    for (auto it = rows_.lower_bound(prefix); it != rows_.end() && it->first.starts_with(prefix);
         ++it)
      snapshot.emplace_back(it->first, it->second);
  }
  for (const auto& [k, v] : snapshot)
    if (!fn(k, v)) break;
  return {};
}

void memory_view_store::put_raw_for_testing(std::string_view key, std::string_view value) {
  std::lock_guard lock{mu_};
  rows_.insert_or_assign(std::string{key}, std::string{value});
}

void memory_view_store::fail_next_commits(std::size_t count) {
  std::lock_guard lock{mu_};
  failing_commits_ = count;
}

} // namespace hotline::drivers
