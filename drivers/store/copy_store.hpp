#pragma once
/// Copies every event of one store into another, empty one, keeping streams,
/// revisions, ids and global positions (e.g. a simulation run from memory
/// into a RocksDB node store).
#include "actors/ports/event_store.hpp"

namespace hotline::drivers {

/// REQUIRES: `to` is empty. Returns the number of events copied.
events::result<std::uint64_t> copy_store(const ports::event_store& from, ports::event_store& to);

} // namespace hotline::drivers
