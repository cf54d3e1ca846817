// The audit trail: every event a record, chained; tampering is found and the
// first bad record named.
#include <doctest/doctest.h>

#include "projections/audit/audit_projection.hpp"
#include "tests/projections/event_builder.hpp"

using namespace hotline;
using namespace hotline::events;
using namespace hotline::projections::audit;
using hotline::testing::event_builder;

namespace {

using rows_t = std::map<std::string, std::string>;

rows_t audit_rows() {
  event_builder b;
  call_arrived a;
  a.call_id = "c1";
  a.caller = "+861";
  a.customer_id = "cust-1";
  b.call("c1", 0, a);
  b.call("c1", 1, call_queued{"c1", "sales", 0, 1, 0, "entry"});
  b.add("call-c1", 2,
        command_rejected{"call-c1", "answer_call", "not_offered", "a9 was not offered c1"},
        principal::user("sup1"));
  b.call("c1", 3, call_connected{"c1", "sales", "a1", 2000});
  b.agent("a1", 3, agent_call_started{"a1", "c1", contact_channel::voice});
  b.call("c1", 60, call_ended{"c1", call_outcome::completed, "agent_hangup", "a1", "sales"});
  b.agent("a1", 60, agent_call_ended{"a1", "c1", 0});
  audit_projection p;
  for (const auto& e : b.events)
    REQUIRE(p.apply(e).is_ok());
  projections::view_changes ch;
  p.collect(ch);
  rows_t rows;
  testing::apply_changes(rows, ch);
  return rows;
}

chain_verifier verify(const rows_t& rows) {
  chain_verifier v;
  for (const auto& [k, row] : rows)
    if (auto seq = seq_of_key(k)) v.next(*seq, row);
  std::optional<chain_head> head;
  if (auto it = rows.find(std::string{head_key}); it != rows.end()) {
    auto h = decode_head(it->second);
    REQUIRE(h.has_value());
    head = *h;
  }
  v.finish(head);
  return v;
}

std::vector<audit_record> query(const rows_t& rows, audit_query q) {
  audit_matcher m{std::move(q)};
  std::vector<audit_record> out;
  for (const auto& [k, row] : rows)
    if (seq_of_key(k)) {
      auto r = decode_row(row);
      REQUIRE(r.has_value());
      if (m.matches(r->first)) out.push_back(r->first);
    }
  return out;
}

} // namespace

TEST_CASE(
    "audit: every event, command.rejected included, is a record saying who, what, when, which") {
  auto rows = audit_rows();
  auto all = query(rows, {});
  REQUIRE(all.size() == 7);
  const auto& rej = all[2];
  CHECK(rej.seq == 3);
  CHECK(rej.type == "command.rejected");
  CHECK(rej.caused_by == principal::user("sup1"));
  CHECK(rej.call_id == "c1");
  CHECK(rej.customer_id == "cust-1");
  CHECK(rej.time_ns == testing::at(2));
  CHECK(rej.site == "site-a");
  CHECK(nlohmann::json::parse(rej.detail)["code"] == "not_offered");
  CHECK(all[4].agent_id == "a1");
  CHECK(all[4].customer_id == "cust-1"); // agent event of the customer's open call
  CHECK(verify(rows).ok());
  CHECK(verify(rows).checked() == 7);
}

TEST_CASE("audit: queries by user, type, agent, call, customer and time") {
  auto rows = audit_rows();
  auto by = [](std::string audit_query::*field, std::string value) {
    audit_query q;
    q.*field = std::move(value);
    return q;
  };
  CHECK(query(rows, by(&audit_query::user, "sup1")).size() == 1);
  CHECK(query(rows, by(&audit_query::type, "call.connected")).size() == 1);
  // connected, agent.call_started, call.ended, agent.call_ended
  CHECK(query(rows, by(&audit_query::agent_id, "a1")).size() == 4);
  CHECK(query(rows, by(&audit_query::call_id, "c1")).size() == 7);
  CHECK(query(rows, by(&audit_query::customer_id, "cust-1")).size() == 7);
  CHECK(query(rows, by(&audit_query::customer_id, "cust-2")).empty());
  audit_query window;
  window.from_ns = testing::at(2);
  window.to_ns = testing::at(4);
  CHECK(query(rows, window).size() == 3);
}

TEST_CASE("audit verify: a changed record is named") {
  auto rows = audit_rows();
  auto& row = rows.at(record_key(3));
  auto at = row.find("not_offered");
  REQUIRE(at != std::string::npos);
  row.replace(at, 11, "was_offered"); // same length: only the hash can tell
  auto v = verify(rows);
  CHECK_FALSE(v.ok());
  CHECK(v.first_bad() == 3u);
  CHECK(v.problem().find("record 3") != std::string::npos);
  CHECK(v.problem().find("changed") != std::string::npos);
}

TEST_CASE("audit verify: a changed and re-hashed record breaks the next link") {
  auto rows = audit_rows();
  auto rec = decode_row(rows.at(record_key(3)));
  auto prev = decode_row(rows.at(record_key(2)));
  REQUIRE(rec.has_value());
  REQUIRE(prev.has_value());
  rec->first.caused_by = principal::user("someone_else");
  rows[record_key(3)] =
      encode_row(rec->first, chain_hash(prev->second, canonical_bytes(rec->first)));
  auto v = verify(rows);
  CHECK(v.first_bad() == 4u);
}

TEST_CASE("audit verify: a removed record is named") {
  auto rows = audit_rows();
  rows.erase(record_key(4));
  auto v = verify(rows);
  CHECK(v.first_bad() == 4u);
  CHECK(v.problem().find("removed") != std::string::npos);
  // removing the newest record is caught by the head
  auto tail = audit_rows();
  tail.erase(record_key(7));
  v = verify(tail);
  CHECK(v.first_bad() == 7u);
  CHECK(v.problem().find("removed") != std::string::npos);
}

TEST_CASE("audit verify: reordered records are named") {
  auto rows = audit_rows();
  std::swap(rows.at(record_key(5)), rows.at(record_key(6)));
  auto v = verify(rows);
  CHECK(v.first_bad() == 5u);
  CHECK(v.problem().find("reordered") != std::string::npos);
}

TEST_CASE("audit: the canonical form is the documented netstring sequence") {
  audit_record r;
  r.seq = 1;
  r.position = 9;
  r.time_ns = 5;
  r.site = "s";
  r.caused_by = principal::user("u");
  r.type = "call.ended";
  r.detail = "{}";
  CHECK(canonical_bytes(r) ==
        "16:hotline.audit.v1,1:1,1:9,1:5,1:s,0:,4:user,1:u,10:call.ended,0:,0:,0:,0:,0:,2:{},");
  // hash_1 = SHA-256(32 zero bytes || canonical)
  CHECK(to_hex(chain_hash({}, "")) ==
        "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
}
