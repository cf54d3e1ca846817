#pragma once
/// Checks that need a whole configuration: identities and references
/// between sections. Reading checks each value on its own (types, ranges,
/// names); this checks that they fit together.
///
/// Errors: duplicate ids (tenants, trunk groups, queues, agents, dialed
/// numbers); references to unknown tenants, queues and trunk groups; a
/// missing tenant or trunk group where several could be meant; overflow
/// chains that loop (`sales -> support -> sales`); `overflow = "queue"`
/// without a target; an entry point naming no flow, a flow's queue or
/// callback node naming no queue (docs/ivr.md).
/// Warnings: a queue's skill no agent has (at the required level), skills
/// no single agent combines, a channel no agent has capacity for, a queue no
/// agent lists, an entry point routing into another tenant's queue (or
/// flow), a flow handing calls to another tenant's queue, an
/// `overflow_queue` that is ignored.
#include "config/configuration.hpp"
#include "config/diagnostic.hpp"
#include "config/source_map.hpp"

namespace hotline::config {

/// Appends what it finds to `out`, located through `where` (an empty
/// source_map is fine for configurations built in code: no line numbers).
/// Items without an id (already reported by reading) are skipped.
void validate(const configuration& config, const source_map& where, diagnostics& out);

} // namespace hotline::config
