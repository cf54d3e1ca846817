#include "actors/ports/append_check.hpp"

namespace hotline::ports {

bool needs_id_lookup(expected_revision expected, std::optional<std::uint64_t> current,
                     const std::vector<proposed_event>& events) noexcept {
  using kind = expected_revision::kind;
  if (events.empty() || !current) return false; // nothing stored to repeat
  return !(expected.accepts(current) &&
           (expected.k == kind::exact || expected.k == kind::no_stream));
}

append_check check_append(std::string_view stream, expected_revision expected,
                          std::optional<std::uint64_t> current,
                          const std::vector<proposed_event>& events, const stored_lookup& stored_at,
                          const id_lookup& find_ids) {
  const bool accepted = expected.accepts(current);
  if (!needs_id_lookup(expected, current, events)) {
    if (accepted) return {};
  } else {
    using kind = expected_revision::kind;
    // A retry of an exact/no_stream append: its ids at the revisions it asked for.
    if (!accepted && (expected.k == kind::exact || expected.k == kind::no_stream)) {
      std::uint64_t first = expected.k == kind::exact ? expected.revision + 1 : 0;
      if (*current >= first + events.size() - 1) {
        append_check retry{append_check::verdict::already_written, {}, {}};
        for (std::size_t i = 0; i < events.size(); ++i) {
          auto stored = stored_at(first + i);
          if (!stored || stored->first != events[i].meta.id) {
            retry.outcome = append_check::verdict::refuse;
            break;
          }
          if (i == 0) retry.previous.first_position = stored->second;
          retry.previous.last_position = stored->second;
        }
        if (retry.outcome == append_check::verdict::already_written) {
          retry.previous.last_revision = first + events.size() - 1;
          return retry;
        }
      }
    }
    // Any other kind of expectation: wherever the ids are stored.
    const auto found = find_ids(events);
    std::size_t stored = 0, first_stored = events.size(), first_new = events.size();
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (found[i]) {
        ++stored;
        if (first_stored == events.size()) first_stored = i;
      } else if (first_new == events.size()) {
        first_new = i;
      }
    }
    if (stored == events.size()) {
      append_check retry{append_check::verdict::already_written, {}, {}};
      retry.previous.first_position = found.front()->second;
      retry.previous.last_position = found.back()->second;
      std::uint64_t last = 0;
      for (const auto& f : found)
        last = std::max(last, f->first);
      retry.previous.last_revision = last;
      return retry;
    }
    if (stored > 0)
      return {append_check::verdict::refuse,
              status{errc::invalid_argument, "stream '" + std::string{stream} + "': event " +
                                                 events[first_stored].meta.id.to_string() +
                                                 " (number " + std::to_string(first_stored + 1) +
                                                 " of the append) is already stored at revision " +
                                                 std::to_string(found[first_stored]->first) +
                                                 " but event " +
                                                 events[first_new].meta.id.to_string() +
                                                 " (number " + std::to_string(first_new + 1) +
                                                 ") is not: an append partly stored already is "
                                                 "refused whole; nothing was written"},
              {}};
    if (accepted) return {};
  }
  return {append_check::verdict::refuse,
          status{errc::wrong_expected_revision,
                 "stream '" + std::string{stream} + "': expected " + expected.to_string() +
                     ", but it is at " +
                     (current ? "revision " + std::to_string(*current) : std::string{"no stream"})},
          {}};
}

} // namespace hotline::ports
