#pragma once
/// Appending one audit record to the node's `audit-<site>` stream: a
/// refused command (audit_rejection, actors/acd.hpp), a read of customer
/// data through the node API (`audit.data_read`). The record's id is a
/// version 7 UUID named after `name` (unique per record), its causation
/// the id named `name + "/command"`; the append does not wait, and a store
/// that refuses it is reported through `on_error` (may be empty).
#include <cstdint>
#include <functional>
#include <string>

#include "actors/entity_log.hpp"
#include "events/catalog.hpp"

namespace hotline::actors {

void append_audit_record(const persistence& p, const std::string& name, events::event payload,
                         const std::string& tenant, events::principal who, std::int64_t now_ns,
                         events::event_id correlation,
                         std::function<void(const events::status&)> on_error = {});

} // namespace hotline::actors
