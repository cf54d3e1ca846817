#include "drivers/store/append_check.hpp"

namespace hotline::drivers {

append_check check_append(std::string_view stream, expected_revision expected,
                          std::optional<std::uint64_t> current,
                          const std::vector<proposed_event>& events,
                          const stored_lookup& stored_at) {
  if (expected.accepts(current)) return {};
  using kind = expected_revision::kind;
  if (!events.empty() && current &&
      (expected.k == kind::exact || expected.k == kind::no_stream)) {
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
  return {append_check::verdict::refuse,
          status{errc::wrong_expected_revision,
                 "stream '" + std::string{stream} + "': expected " + expected.to_string() +
                     ", but it is at " +
                     (current ? "revision " + std::to_string(*current) : std::string{"no stream"})},
          {}};
}

} // namespace hotline::drivers
