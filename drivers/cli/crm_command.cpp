// hotline crm show: the customer profile a screen pop shows (F12, F15).
#include <iostream>

#include "drivers/cli/commands.hpp"
#include "drivers/cli/view_cli.hpp"
#include "projections/crm/crm_projection.hpp"

namespace hotline::cli {

namespace {

struct crm_args {
  std::string store, views, customer, caller;
  bool no_update = false, quiet = false;
};

void run_show(const crm_args& a) {
  if (a.customer.empty() == a.caller.empty()) return fail("give one of --customer ID or --caller NUMBER", 2);
  if (a.store.empty() && a.views.empty()) return fail("give --store DIR, or --views DIR (e.g. built by replay --kafka)", 2);
  projections::crm::crm_projection crm;
  // Views without a store (a federated view from several sites' topics) are read as they are.
  auto views = updated_view(a.store, a.views, a.no_update || a.store.empty(), a.quiet, crm);
  if (!views) return;
  std::string key = a.customer;
  if (!a.caller.empty()) {
    auto idx = views->get("crm/caller/" + a.caller);
    if (!idx) return fail(idx.error().message());
    if (!*idx) return fail("no customer has called from " + a.caller);
    key = **idx;
  }
  auto row = views->get("crm/customer/" + key);
  if (!row) return fail(row.error().message());
  if (!*row) return fail("no customer '" + key + "'");
  auto j = nlohmann::json::parse(**row, nullptr, false);
  if (j.is_discarded()) return fail("the profile row of '" + key + "' is not JSON");
  std::cout << j.dump(2) << "\n";
}

} // namespace

void add_crm_commands(CLI::App& app) {
  auto* crm = app.add_subcommand("crm", "Customer profiles built from events");
  crm->require_subcommand(1);
  auto a = std::make_shared<crm_args>();
  auto* show = crm->add_subcommand("show", "A customer's profile and interaction history, as JSON");
  show->add_option("--store", a->store, "The node's event store directory");
  show->add_option("--views", a->views,
                   "The view store (default: <store>.views, beside the store); alone, a view built by replay (e.g. over several sites' topics)");
  show->add_option("--customer", a->customer, "Customer id");
  show->add_option("--caller", a->caller, "Calling number");
  show->add_flag("--no-update", a->no_update, "Do not fold new events into the view first");
  show->add_flag("--quiet", a->quiet, "Only the profile");
  show->callback([a] { run_show(*a); });
}

} // namespace hotline::cli
