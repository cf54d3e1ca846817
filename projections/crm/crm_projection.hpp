#pragma once
/// The CRM view (F12 screen pop, F15 profiles, F10 familiar agent): one
/// profile per customer, every interaction in it, found by customer id or by
/// calling number in O(1) (in memory) or O(log n) (a view-store point read
/// of `crm/customer/<key>` / `crm/caller/<number>`).
///
/// Identity: a customer is per tenant (two tenants' `cust-950` are two
/// customers). A call with a customer id belongs to that customer of the
/// call's tenant (the tenant on its call.arrived); a call without one belongs
/// to the pseudo-customer `caller:<number>` (its key) of that tenant. The
/// caller index, per tenant, points at the profile the number was last seen
/// with.
///
/// An interaction is written when its call ends (call.ended): time of
/// arrival, channel, direction, caller, queue, last agent, wait (first queue
/// entry to first connect), talk (connected time minus hold), hold, outcome,
/// attached data, and whether the customer had been seen before.
/// VIP: attached data `vip` = 1/true/yes, or queued with priority >=
/// `vip_priority`. The familiar agent is the one who handled the most of the
/// customer's calls (ties: the more recent, then the smaller id).
/// No ticket events exist yet: `open_tickets` is always an empty list.
///
/// Dispositions (agent.disposition_set): the code and notes an agent set
/// on the call, the newest winning. Set while the call is in flight, they
/// are part of its interaction when it ends; set during after-call work
/// (the call has ended, the agent's wrap-up has not), they update that
/// interaction in place: the call stays linked to its customer until the
/// agent's desk lets it go (agent.wrap_up_ended, or agent.call_ended
/// without wrap-up), in row `after_call/<site>/<id>` (the profile's key).
///
/// Rows (under "crm/"): `customer/<tenant>/<key>` (profile JSON),
/// `caller/<tenant>/<number>` (key), `tenants/customer/<key>` and
/// `tenants/caller/<number>` (the tenants having that customer or number,
/// each followed by a line break, sorted: how a lookup without a tenant finds them),
/// `call/<site>/<id>` (in-flight call JSON, deleted when the call ends),
/// `after_call/<site>/<id>` (a call ended while its agent is in after-call
/// work: its profile's tenant/key, deleted when the wrap-up ends).
/// Tenant ids must not contain '/' or a line break.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "projections/view_projection.hpp"

namespace hotline::projections::crm {

struct crm_options {
  std::int32_t vip_priority = 10;      ///< Default: 10 (queue_definition::vip_priority's default)
  std::size_t max_interactions = 1000; ///< kept per profile, most recent. Default: 1000

  bool operator==(const crm_options&) const = default;
};

struct interaction {
  std::string call_id;
  std::int64_t time_ns = 0; ///< arrival
  std::string channel, direction, caller, dialed, queue, agent, outcome, site, tenant;
  std::int64_t wait_ms = 0, talk_ms = 0, hold_ms = 0;
  bool returning = false; ///< the customer had contacted us before this call
  std::map<std::string, std::string> attached;
  std::string disposition; ///< the agent's wrap-up code ("" when none was set)
  std::string notes;       ///< the agent's notes with it

  bool operator==(const interaction&) const = default;
};

struct agent_familiarity {
  std::uint64_t calls = 0;
  std::int64_t last_ns = 0;
  bool operator==(const agent_familiarity&) const = default;
};

struct customer_profile {
  std::string tenant;               ///< whose customer this is ("" when events name no tenant)
  std::string key;                  ///< customer id, or "caller:<number>"
  std::string customer_id;          ///< empty for caller pseudo-customers
  std::vector<std::string> numbers; ///< calling numbers seen, sorted
  std::int64_t first_seen_ns = 0, last_seen_ns = 0;
  std::uint64_t contacts = 0; ///< interactions ever (also those no longer kept)
  bool vip = false;
  std::string last_agent;
  std::map<std::string, agent_familiarity> agents;
  std::vector<interaction> interactions;    ///< oldest first
  std::vector<nlohmann::json> open_tickets; ///< placeholder until ticket events exist

  bool returning() const noexcept { return contacts > 1; }
  /// Most calls handled; ties: the more recent, then the smaller id. Empty if none.
  std::string familiar_agent() const;
  bool operator==(const customer_profile&) const = default;
};

nlohmann::json to_json(const customer_profile& p);
/// The view-store key suffix of a tenant's profile / caller index row.
std::string tenant_key(std::string_view tenant, std::string_view key);
/// Reads a `crm/tenants/...` row.
std::vector<std::string> tenant_list(std::string_view row);
events::result<customer_profile> profile_from_json(const nlohmann::json& j);

class crm_projection final : public view_projection {
public:
  explicit crm_projection(crm_options options = {});
  ~crm_projection() override;
  crm_projection(crm_projection&&) noexcept;
  crm_projection& operator=(crm_projection&&) noexcept;

  std::string_view name() const noexcept override { return "crm"; }
  events::status apply(const events::recorded_event& e) override;
  void collect(view_changes& out) override;
  events::status restore(std::string_view key, std::string_view value) override;

  /// O(1) lookups of a tenant's customer; nullptr when unknown.
  const customer_profile* find_customer(std::string_view tenant,
                                        std::string_view customer_id) const;
  const customer_profile* find_caller(std::string_view tenant, std::string_view number) const;
  /// The tenants having this customer id / calling number, sorted.
  std::vector<std::string> tenants_of_customer(std::string_view customer_id) const;
  std::vector<std::string> tenants_of_caller(std::string_view number) const;
  std::size_t customers() const noexcept;

  struct state;

private:
  std::unique_ptr<state> s_;
};

} // namespace hotline::projections::crm
