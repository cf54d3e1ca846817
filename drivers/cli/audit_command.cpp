// hotline audit query|verify: who did what, when, to which call, agent or
// customer (D6), from the node's tamper-evident audit chain.
//
// The chain lives in the node's view store (default `<store>.views`, rows
// `audit/...`). Both commands first bring it up to date from the event store
// (the audit projection, from its checkpoint), unless --no-update or the
// store is held by a running node, in which case they read the chain as of
// its checkpoint.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <vector>

#include "drivers/cli/commands.hpp"
#include "drivers/cli/view_cli.hpp"
#include "drivers/views/audit_verify.hpp"
#include "events/audit_events.hpp"
#include "projections/audit/audit_anchor.hpp"
#include "projections/audit/audit_projection.hpp"
#include "projections/csv.hpp"

namespace hotline::cli {

namespace {

namespace pa = projections::audit;
using projections::csv_field;

struct audit_args {
  std::string store, views, call, agent, customer, user, type, from, to, format = "table";
  std::string key, out, public_key;
  std::vector<std::string> anchors;
  bool no_update = false, quiet = false, no_events = false;
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

/// Why a command was refused ("answer_call: not_offered (detail)"); empty
/// for records that are not refusals.
std::string refusal_reason(const pa::audit_record& r) {
  if (r.type != events::command_rejected::type_name) return {};
  auto d = nlohmann::json::parse(r.detail, nullptr, false);
  if (!d.is_object()) return r.detail;
  std::string out = d.value("command", std::string{}) + ": " + d.value("code", std::string{});
  if (auto why = d.value("detail", std::string{}); !why.empty()) out += " (" + why + ")";
  return out;
}

/// Left-aligned columns two spaces apart, the first right-aligned (seq).
void print_columns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string pad(width[i] - row[i].size(), ' ');
      line += i == 0 ? pad + row[i] : row[i] + (i + 1 < row.size() ? pad : "");
      if (i + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    std::cout << line << "\n";
  }
}

void run_query(const audit_args& a) {
  pa::audit_query q;
  q.call_id = a.call;
  q.agent_id = a.agent;
  q.customer_id = a.customer;
  q.user = a.user;
  q.type = a.type;
  if (std::string why; !parse_time_range_args(a.from, a.to, q.from_ns, q.to_ns, why))
    return fail(why, 2);
  auto views = updated_views(a);
  if (!views) return;
  pa::audit_matcher match{q};
  std::size_t n = 0;
  nlohmann::json list = nlohmann::json::array();
  // table: rows are gathered first so each column is as wide as its
  // longest value (names are never cut); a refusal says why
  std::vector<std::vector<std::string>> table{
      {"seq", "time", "who", "type", "call", "agent", "customer", "queue", "site", "reason"}};
  if (a.format == "csv")
    std::cout << "seq,position,time,site,tenant,role,who,type,stream,call_id,agent_id,customer_id,"
                 "queue,detail,hash\n";
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
      table.push_back({std::to_string(r.seq), events::format_timestamp(r.time_ns).substr(0, 23),
                       who, r.type, r.call_id, r.agent_id, r.customer_id, r.queue, r.site,
                       refusal_reason(r)});
    }
    return true;
  });
  if (!st) return fail(st.message());
  if (!bad) return fail(bad.message());
  if (a.format == "json")
    std::cout << list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  if (a.format == "table") print_columns(table);
  if (!a.quiet && a.format == "table") std::cerr << n << " records\n";
}

using finding = drivers::audit_finding;

void broken(const finding& f, const std::string& context) {
  std::cout << "audit trail BROKEN"
            << (f.position ? " at position " + std::to_string(f.position) : std::string{}) << ": "
            << f.what << "\n";
  if (!context.empty()) std::cout << context << "\n";
  exit_code() = 1;
}

bool read_text_file(const std::string& path, std::string& out, std::size_t limit = 1 << 20) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{});
  return in.good() || in.eof() ? out.size() <= limit : false;
}

void run_verify(const audit_args& a) {
  if (!a.anchors.empty() && a.public_key.empty())
    return fail("--anchor needs --public-key FILE", 2);
  struct anchor_check {
    std::string file;
    pa::audit_anchor anchor;
    std::optional<pa::digest> hash; ///< the chain's hash at anchor.seq
    std::uint64_t position = 0;     ///< the chain's position at anchor.seq
  };
  std::vector<anchor_check> anchors;
  if (!a.anchors.empty()) {
    std::string pub;
    if (!read_text_file(a.public_key, pub))
      return fail("cannot read the public key " + a.public_key, 2);
    for (const auto& file : a.anchors) {
      std::string text;
      if (!read_text_file(file, text)) return fail("cannot read the anchor " + file, 2);
      auto an = pa::decode_anchor(text);
      if (!an) return fail(file + ": " + an.error().detail(), 2);
      if (auto st = pa::verify_anchor(*an, pub); !st) {
        if (st.code() == events::errc::invalid_argument)
          return fail(a.public_key + ": " + st.detail(), 2);
        broken({0, file + ": " + st.detail()}, "");
        return;
      }
      anchors.push_back({file, std::move(*an), std::nullopt, 0});
    }
    std::sort(anchors.begin(), anchors.end(), [](const anchor_check& x, const anchor_check& y) {
      return x.anchor.seq < y.anchor.seq;
    });
  }

  auto views = updated_views(a);
  if (!views) return;
  pa::chain_verifier v;
  v.on_record = [&](const pa::audit_record& r, const pa::digest& h) {
    for (auto& an : anchors)
      if (an.anchor.seq == r.seq) {
        an.hash = h;
        an.position = r.position;
      }
  };
  if (auto st = drivers::walk_audit_chain(*views, v); !st) {
    if (st.code() == events::errc::corrupt_record) return broken({0, st.detail()}, "");
    return fail(st.message());
  }

  // Anchors first: a chain rebuilt over edited events verifies by itself,
  // only a head kept elsewhere tells. The earliest anchor that fails is
  // reported; the one before it (if any) bounds where history changed.
  const anchor_check* last_good = nullptr;
  for (const auto& an : anchors) {
    const auto& x = an.anchor;
    const std::string taken =
        " (anchor " + an.file + ", taken " + events::format_timestamp(x.time_ns) + ")";
    std::string since = last_good ? "; the history up to record " +
                                        std::to_string(last_good->anchor.seq) + " (position " +
                                        std::to_string(last_good->anchor.position) +
                                        ") still matches its anchor"
                                  : "";
    if (!an.hash) {
      const std::uint64_t have = v.ok() ? v.checked() : (v.first_bad() ? *v.first_bad() - 1 : 0);
      if (have < x.seq)
        return broken({have + 1, "record " + std::to_string(have + 1) +
                                     " is missing: the anchored chain had " +
                                     std::to_string(x.seq) + " records up to position " +
                                     std::to_string(x.position) + ", " + std::to_string(have) +
                                     " verify now" + taken + ": history removed or broken" + since},
                      "");
    } else if (pa::to_hex(*an.hash) != x.head || an.position != x.position) {
      return broken({x.position, "the chain's record " + std::to_string(x.seq) +
                                     " differs from its anchor" + taken +
                                     ": the history at or before position " +
                                     std::to_string(x.position) + " was rewritten" + since},
                    "");
    }
    last_good = &an;
  }
  if (!v.ok()) {
    std::cout << "audit chain BROKEN at record " << *v.first_bad() << ": " << v.problem() << "\n"
              << "records before it verify (" << v.checked() << ")\n";
    exit_code() = 1;
    return;
  }
  auto cp = views->checkpoint("audit");
  const std::uint64_t checkpoint = cp && *cp ? **cp : 0;
  std::string events_note = "not checked against the events (--no-events)";
  if (!a.no_events) {
    auto store = open_event_store(a.store);
    if (!store) {
      complain()
          << "cannot check the chain against the events; --no-events checks the chain alone\n";
      return;
    }
    std::uint64_t unaudited = 0;
    if (auto bad =
            drivers::check_audit_against_events(*store, *views, checkpoint, v.checked(), unaudited))
      return broken(*bad,
                    "the chain verifies by itself (" + std::to_string(v.checked()) + " records)");
    events_note = "matching the events up to position " + std::to_string(checkpoint);
    if (unaudited > 0)
      events_note += " (" + std::to_string(unaudited) + " later events not in the chain yet)";
  }
  std::cout << "audit chain ok: " << v.checked() << " records, head hash " << v.last_hash_hex()
            << ", events up to position " << checkpoint << ", " << events_note;
  if (!anchors.empty())
    std::cout << ", " << anchors.size() << " anchor" << (anchors.size() == 1 ? "" : "s")
              << " matched (the last at record " << anchors.back().anchor.seq << ")";
  std::cout << "\n";
}

/// `audit anchor`: the chain's head, verified, signed into a file kept
/// elsewhere.
void run_anchor(const audit_args& a) {
  std::string key;
  if (!read_text_file(a.key, key)) return fail("cannot read the private key " + a.key, 2);
  auto views = updated_views(a);
  if (!views) return;
  pa::chain_verifier v;
  pa::audit_record last;
  v.on_record = [&](const pa::audit_record& r, const pa::digest&) { last = r; };
  auto st = views->scan(pa::records_prefix, [&](std::string_view k, std::string_view row) {
    auto seq = pa::seq_of_key(k);
    v.next(seq ? *seq : 0, row);
    return v.ok();
  });
  if (!st) return fail(st.message());
  auto head_row = views->get(pa::head_key);
  if (!head_row) return fail(head_row.error().message());
  std::optional<pa::chain_head> head;
  if (*head_row)
    if (auto h = pa::decode_head(**head_row)) head = *h;
  if (v.ok()) v.finish(head);
  if (!v.ok())
    return fail("not anchoring a broken chain: record " + std::to_string(*v.first_bad()) + ": " +
                v.problem() + " (run `hotline audit verify`)");
  if (v.checked() == 0) return fail("the audit chain is empty: nothing to anchor");
  pa::audit_anchor an;
  an.site = last.site;
  an.seq = last.seq;
  an.position = last.position;
  an.head = v.last_hash_hex();
  an.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  if (auto s = pa::sign_anchor(an, key); !s) return fail(a.key + ": " + s.detail(), 2);
  const std::string tmp = a.out + ".tmp";
  {
    std::ofstream out{tmp, std::ios::binary | std::ios::trunc};
    out << pa::encode_anchor(an);
    out.flush();
    if (!out) return fail("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), a.out.c_str()) != 0) return fail("cannot write " + a.out);
  if (!a.quiet)
    std::cout << "anchored record " << an.seq << " (position " << an.position << ", head "
              << an.head << ") in " << a.out << "\n";
}

void add_common(CLI::App* cmd, audit_args& a) {
  cmd->add_option("--store", a.store, "The node's event store directory")->required();
  cmd->add_option(
      "--views", a.views,
      "The view store holding the audit chain (default: <store>.views, beside the store)");
  cmd->add_flag("--no-update", a.no_update, "Do not fold new events into the chain first");
  add_quiet_flag(cmd, a.quiet);
}

} // namespace

void add_audit_commands(CLI::App& app) {
  auto* audit =
      app.add_subcommand("audit", "Query, verify and anchor the tamper-evident audit trail");
  audit->footer("Query and verify the tamper-evident audit trail\n\nExample:\n  hotline audit "
                "verify --store var/north");
  audit->require_subcommand(1);
  auto a = std::make_shared<audit_args>();

  auto* query =
      audit->add_subcommand("query", "Audit records matching every filter given, oldest first");
  query->footer(
      "Example:\n  hotline audit query --store var/north --call north-7f3a --format json");
  add_common(query, *a);
  query->add_option("--call", a->call, "Records of this call id");
  query->add_option("--agent", a->agent, "Records naming this agent id");
  query->add_option("--customer", a->customer, "Records of this customer (and of their calls)");
  query->add_option("--user", a->user,
                    "Records caused by this principal id (user, agent or component)");
  query->add_option("--type", a->type, "Records of this event type (e.g. command.rejected)");
  query->add_option("--from", a->from, "At or after this time (UTC)");
  query->add_option("--to", a->to, "Before this time (UTC)");
  query->add_option("--format", a->format, "Output")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  query->callback([a] { run_query(*a); });

  auto* verify =
      audit->add_subcommand("verify", "Check the hash chain against the events and signed anchors");
  verify->footer(
      "Check the hash chain, against the events and against signed anchors; exit 1 naming the "
      "first changed, removed or reordered record or event\n\nExample:\n  hotline audit verify "
      "--store var/north --anchor 2026-12-01.anchor --public-key anchor.pub");
  add_common(verify, *a);
  verify->add_option(
      "--anchor", a->anchors,
      "A signed anchor (from `audit anchor`) the chain must still match; several narrow down "
      "where history changed");
  verify->add_option("--public-key", a->public_key,
                     "PEM Ed25519 public key that signed the anchors");
  verify->add_flag(
      "--no-events", a->no_events,
      "Check the chain by itself only, not against the event store (a view built elsewhere)");
  verify->callback([a] { run_verify(*a); });

  auto* anchor =
      audit->add_subcommand("anchor", "Sign the verified chain head into a file kept off the node");
  anchor->footer("Sign the verified chain head into FILE, to keep outside the node for `audit "
                 "verify --anchor` (key: openssl genpkey -algorithm ed25519 -out anchor.key; "
                 "public half: openssl pkey -in anchor.key -pubout -out anchor.pub)\n\nExample:\n  "
                 "hotline audit anchor --store var/north --key anchor.key --out 2026-12-01.anchor");
  add_common(anchor, *a);
  anchor->add_option("--key", a->key, "PEM Ed25519 private key (kept off the node)")->required();
  anchor->add_option("--out", a->out, "The anchor file to write")->required();
  anchor->callback([a] { run_anchor(*a); });
}

} // namespace hotline::cli
