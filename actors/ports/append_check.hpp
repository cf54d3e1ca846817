#pragma once
/// The one rule both store implementations apply to an append before
/// writing it (the contract is in event_store.hpp, "Idempotence"): meet the
/// expected revision, or be recognised as a retry of events already stored
/// in the stream (then nothing is written), or be refused.
#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actors/ports/event_store.hpp"

namespace hotline::ports {

struct append_check {
  enum class verdict { write, already_written, refuse };
  verdict outcome = verdict::write;
  status error;           ///< for refuse
  append_result previous; ///< for already_written
};

/// `stored_at(revision)` gives the id and position of the stream's event at
/// that revision (nullopt if there is none).
using stored_lookup =
    std::function<std::optional<std::pair<events::event_id, std::uint64_t>>(std::uint64_t)>;

/// Where an event id is stored in the stream: (revision, position).
using stored_event = std::optional<std::pair<std::uint64_t, std::uint64_t>>;
/// `find_ids(events)` says, for each event, where an event with its id is
/// stored in the stream. Called only when the expected revision does not
/// settle the append by itself (see `needs_id_lookup`).
using id_lookup = std::function<std::vector<stored_event>(const std::vector<proposed_event>&)>;

/// Every event id of a stream -> (revision, position): what a store builds
/// for a stream the first time an append needs `find_ids` there, and keeps
/// up to date while it keeps it.
struct event_id_hash {
  std::size_t operator()(const events::event_id& id) const noexcept {
    return static_cast<std::size_t>(id.hi ^ (id.lo * 0x9E3779B97F4A7C15ull));
  }
};
using id_index =
    std::unordered_map<events::event_id, std::pair<std::uint64_t, std::uint64_t>, event_id_hash>;

/// Whether an append must have its event ids looked up in the stream: the
/// stream exists, and the append is not one whose `exact`/`no_stream`
/// expectation is met (those are decided from the stream as read; the cheap
/// path every actor append takes).
bool needs_id_lookup(expected_revision expected, std::optional<std::uint64_t> current,
                     const std::vector<proposed_event>& events) noexcept;

append_check check_append(std::string_view stream, expected_revision expected,
                          std::optional<std::uint64_t> current,
                          const std::vector<proposed_event>& events, const stored_lookup& stored_at,
                          const id_lookup& find_ids);

} // namespace hotline::ports
