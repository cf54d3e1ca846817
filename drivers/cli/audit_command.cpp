// hotline audit query|verify: who did what, when, to which call, agent or
// customer (D6), from the node's tamper-evident audit chain.
//
// The chain lives in the node's view store (default `<store>/views`, rows
// `audit/...`). Both commands first bring it up to date from the event store
// (the audit projection, from its checkpoint), unless --no-update or the
// store is held by a running node, in which case they read the chain as of
// its checkpoint.
#include <cstdio>
#include <iostream>
#include <limits>

#include "drivers/cli/commands.hpp"
#include "drivers/cli/view_cli.hpp"
#include "projections/audit/audit_projection.hpp"
#include "projections/csv.hpp"

namespace hotline::cli {

namespace {

namespace pa = projections::audit;
using projections::csv_field;

struct audit_args {
  std::string store, views, call, agent, customer, user, type, from, to, format = "table";
  bool no_update = false, quiet = false;
};

std::unique_ptr<drivers::view_store> updated_views(const audit_args& a) {
  pa::audit_projection audit;
  return updated_view(a.store, a.views, a.no_update, a.quiet, audit);
}

nlohmann::json record_json(const pa::audit_record& r, const pa::digest& h) {
  auto detail = nlohmann::json::parse(r.detail, nullptr, false);
  return {{"seq", r.seq},
          {"position", r.position},
          {"time", events::format_timestamp(r.time_ns)},
          {"time_ns", r.time_ns},
          {"site", r.site},
          {"tenant", r.tenant},
          {"caused_by", {{"role", events::to_string(r.caused_by.role)}, {"id", r.caused_by.id}}},
          {"type", r.type},
          {"stream", r.stream},
          {"call_id", r.call_id},
          {"agent_id", r.agent_id},
          {"customer_id", r.customer_id},
          {"queue", r.queue},
          {"detail", detail.is_discarded() ? nlohmann::json(r.detail) : detail},
          {"hash", pa::to_hex(h)}};
}

void run_query(const audit_args& a) {
  pa::audit_query q;
  q.call_id = a.call;
  q.agent_id = a.agent;
  q.customer_id = a.customer;
  q.user = a.user;
  q.type = a.type;
  if (!a.from.empty() && !parse_time_arg(a.from, q.from_ns)) return fail("--from '" + a.from + "' is not a time", 2);
  if (!a.to.empty() && !parse_time_arg(a.to, q.to_ns)) return fail("--to '" + a.to + "' is not a time", 2);
  auto views = updated_views(a);
  if (!views) return;
  pa::audit_matcher match{q};
  std::size_t n = 0;
  nlohmann::json list = nlohmann::json::array();
  if (a.format == "table")
    std::printf("%8s  %-24s  %-18s  %-24s  %-12s  %-10s  %-12s  %-10s  %s\n", "seq", "time", "who",
                "type", "call", "agent", "customer", "queue", "site");
  if (a.format == "csv")
    std::cout << "seq,position,time,site,tenant,role,who,type,stream,call_id,agent_id,customer_id,queue,detail,hash\n";
  events::status bad;
  auto st = views->scan(pa::records_prefix, [&](std::string_view key, std::string_view row) {
    auto rec = pa::decode_row(row);
    if (!rec) {
      bad = {rec.error().code(), "row " + std::string{key} + ": " + rec.error().detail() +
                                     " (run `hotline audit verify`)"};
      return false;
    }
    const auto& [r, h] = *rec;
    if (!match.matches(r)) return true;
    ++n;
    const std::string who = std::string{events::to_string(r.caused_by.role)} + ":" + r.caused_by.id;
    if (a.format == "json") {
      list.push_back(record_json(r, h));
    } else if (a.format == "csv") {
      std::cout << r.seq << "," << r.position << "," << events::format_timestamp(r.time_ns) << ","
                << csv_field(r.site) << "," << csv_field(r.tenant) << ","
                << events::to_string(r.caused_by.role) << "," << csv_field(r.caused_by.id) << ","
                << r.type << "," << csv_field(r.stream) << "," << csv_field(r.call_id) << ","
                << csv_field(r.agent_id) << "," << csv_field(r.customer_id) << ","
                << csv_field(r.queue) << "," << csv_field(r.detail) << "," << pa::to_hex(h) << "\n";
    } else {
      std::printf("%8llu  %-24.24s  %-18.18s  %-24.24s  %-12.12s  %-10.10s  %-12.12s  %-10.10s  %s\n",
                  static_cast<unsigned long long>(r.seq), events::format_timestamp(r.time_ns).substr(0, 23).c_str(),
                  who.c_str(), r.type.c_str(), r.call_id.c_str(), r.agent_id.c_str(),
                  r.customer_id.c_str(), r.queue.c_str(), r.site.c_str());
    }
    return true;
  });
  if (!st) return fail(st.message());
  if (!bad) return fail(bad.message());
  if (a.format == "json") std::cout << list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  if (!a.quiet && a.format == "table") std::cerr << n << " records\n";
}

void run_verify(const audit_args& a) {
  auto views = updated_views(a);
  if (!views) return;
  pa::chain_verifier v;
  auto st = views->scan(pa::records_prefix, [&](std::string_view key, std::string_view row) {
    auto seq = pa::seq_of_key(key);
    v.next(seq ? *seq : 0, row);
    return v.ok();
  });
  if (!st) return fail(st.message());
  std::optional<pa::chain_head> head;
  auto head_row = views->get(pa::head_key);
  if (!head_row) return fail(head_row.error().message());
  if (*head_row) {
    auto h = pa::decode_head(**head_row);
    if (!h) {
      std::cout << "audit chain BROKEN: the head row is malformed\n";
      exit_code() = 1;
      return;
    }
    head = *h;
  }
  if (v.ok()) v.finish(head);
  if (!v.ok()) {
    std::cout << "audit chain BROKEN at record " << *v.first_bad() << ": " << v.problem() << "\n"
              << "records before it verify (" << v.checked() << ")\n";
    exit_code() = 1;
    return;
  }
  auto cp = views->checkpoint("audit");
  std::cout << "audit chain ok: " << v.checked() << " records, head hash " << v.last_hash_hex()
            << ", events up to position " << (cp && *cp ? **cp : 0) << "\n";
}

void add_common(CLI::App* cmd, audit_args& a) {
  cmd->add_option("--store", a.store, "The node's event store directory")->required();
  cmd->add_option("--views", a.views, "The view store holding the audit chain (default: <store>/views)");
  cmd->add_flag("--no-update", a.no_update, "Do not fold new events into the chain first");
  cmd->add_flag("--quiet", a.quiet, "Only the answer");
}

} // namespace

void add_audit_commands(CLI::App& app) {
  auto* audit = app.add_subcommand("audit", "Query and verify the tamper-evident audit trail");
  audit->require_subcommand(1);
  auto a = std::make_shared<audit_args>();

  auto* query = audit->add_subcommand("query", "Audit records matching every filter given, oldest first");
  add_common(query, *a);
  query->add_option("--call", a->call, "Records of this call id");
  query->add_option("--agent", a->agent, "Records naming this agent id");
  query->add_option("--customer", a->customer, "Records of this customer (and of their calls)");
  query->add_option("--user", a->user, "Records caused by this principal id (user, agent or component)");
  query->add_option("--type", a->type, "Records of this event type (e.g. command.rejected)");
  query->add_option("--from", a->from, "At or after this time (UTC)");
  query->add_option("--to", a->to, "Before this time (UTC)");
  query->add_option("--format", a->format, "Output")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  query->callback([a] { run_query(*a); });

  auto* verify = audit->add_subcommand(
      "verify", "Check the hash chain; exit 1 naming the first changed, removed or reordered record");
  add_common(verify, *a);
  verify->callback([a] { run_verify(*a); });
}

} // namespace hotline::cli
