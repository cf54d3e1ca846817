#pragma once
/// The one rule both store implementations apply to an append before
/// writing it: meet the expected revision, or be recognised as a retry of an
/// append already stored (same event ids at the same revisions), or be
/// refused with `wrong_expected_revision`.
#include <functional>
#include <optional>
#include <utility>

#include "drivers/store/event_store.hpp"

namespace hotline::drivers {

struct append_check {
  enum class verdict { write, already_written, refuse };
  verdict outcome = verdict::write;
  status error;          ///< for refuse
  append_result previous; ///< for already_written
};

/// `stored_at(revision)` gives the id and position of the stream's event at
/// that revision (nullopt if there is none).
using stored_lookup =
    std::function<std::optional<std::pair<events::event_id, std::uint64_t>>(std::uint64_t)>;

append_check check_append(std::string_view stream, expected_revision expected,
                          std::optional<std::uint64_t> current,
                          const std::vector<proposed_event>& events,
                          const stored_lookup& stored_at);

} // namespace hotline::drivers
