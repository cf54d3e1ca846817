// hotline crm show: the customer profile a screen pop shows (F12, F15).
#include <algorithm>
#include <iostream>

#include "drivers/cli/commands.hpp"
#include "drivers/cli/view_cli.hpp"
#include "projections/crm/crm_projection.hpp"

namespace hotline::cli {

namespace {

struct crm_args {
  std::string store, views, customer, caller, tenant;
  bool tenant_given = false;
  bool no_update = false, quiet = false;
};

void run_show(const crm_args& a) {
  if (a.customer.empty() == a.caller.empty())
    return fail("give one of --customer ID or --caller NUMBER", 2);
  if (a.store.empty() && a.views.empty())
    return fail("give --store DIR, or --views DIR (e.g. built by replay --kafka)", 2);
  projections::crm::crm_projection crm;
  // Views without a store (a federated view from several sites' topics) are read as they are.
  auto views = updated_view(a.store, a.views, a.no_update || a.store.empty(), a.quiet, crm);
  if (!views) return;
  namespace pc = projections::crm;
  // A customer is per tenant: find whose, and insist on --tenant when several have it.
  const bool by_caller = !a.caller.empty();
  const std::string what =
      by_caller ? "calling number " + a.caller : "customer '" + a.customer + "'";
  auto listed =
      views->get(std::string{by_caller ? "crm/tenants/caller/" : "crm/tenants/customer/"} +
                 (by_caller ? a.caller : a.customer));
  if (!listed) return fail(listed.error().message());
  const auto tenants = *listed ? pc::tenant_list(**listed) : std::vector<std::string>{};
  if (tenants.empty())
    return fail(by_caller ? "no customer has called from " + a.caller
                          : "no customer '" + a.customer + "'");
  auto names = [&] {
    std::string s;
    for (const auto& t : tenants)
      s += (s.empty() ? "" : ", ") + (t.empty() ? std::string{"\"\" (none)"} : t);
    return s;
  };
  std::string tenant;
  if (a.tenant_given) {
    if (std::find(tenants.begin(), tenants.end(), a.tenant) == tenants.end())
      return fail(what + " is not known in tenant '" + a.tenant +
                  "' (tenants having it: " + names() + ")");
    tenant = a.tenant;
  } else if (tenants.size() > 1) {
    return fail(what + " exists in several tenants (" + names() + "): give --tenant", 2);
  } else {
    tenant = tenants.front();
  }
  std::string key = pc::tenant_key(tenant, a.customer);
  if (by_caller) {
    auto idx = views->get("crm/caller/" + pc::tenant_key(tenant, a.caller));
    if (!idx) return fail(idx.error().message());
    if (!*idx)
      return fail("no customer has called from " + a.caller + " in tenant '" + tenant + "'");
    key = **idx;
  }
  auto row = views->get("crm/customer/" + key);
  if (!row) return fail(row.error().message());
  if (!*row) return fail("no customer '" + key + "'");
  auto j = nlohmann::json::parse(**row, nullptr, false);
  if (j.is_discarded()) return fail("the profile row of '" + key + "' is not JSON");
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

} // namespace

void add_crm_commands(CLI::App& app) {
  auto* crm = app.add_subcommand("crm", "Customer profiles built from events");
  crm->footer("Example:\n  hotline crm show --store var/north --customer cust-17 --tenant acme");
  crm->require_subcommand(1);
  auto a = std::make_shared<crm_args>();
  auto* show = crm->add_subcommand("show", "A customer's profile and interaction history, as JSON");
  show->footer("Example:\n  hotline crm show --store var/north --caller +33140000017");
  show->add_option("--store", a->store, "The node's event store directory");
  show->add_option("--views", a->views,
                   "The view store (default: <store>.views, beside the store); alone, a view built "
                   "by replay (e.g. over several sites' topics)");
  show->add_option("--customer", a->customer, "Customer id");
  show->add_option("--caller", a->caller, "Calling number");
  show->add_option(
          "--tenant", a->tenant,
          "The tenant whose customer (a customer id is per tenant); required when several have it")
      ->each([a](const std::string&) { a->tenant_given = true; });
  show->add_flag("--no-update", a->no_update, "Do not fold new events into the view first");
  add_quiet_flag(show, a->quiet);
  show->callback([a] { run_show(*a); });
}

} // namespace hotline::cli
