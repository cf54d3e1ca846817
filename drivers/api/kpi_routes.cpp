// GET /api/kpi: the KPI report (docs/projections.md, "KPI JSON") of one
// tenant over a chosen range, interval and grouping, for the web's KPI page
// and any client. The same fold and report as `hotline kpi`
// (projections/kpi), over the tenant's events only.
#include "drivers/api/api_exchange.hpp"
#include "projections/kpi/kpi_projection.hpp"
#include "projections/kpi/kpi_report.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;
namespace kpi = projections::kpi;

namespace {

/// The query parameter `name`, or "" when absent.
std::string query(const exchange_ptr& ex, const char* name) {
  auto it = ex->req.query.find(name);
  return it == ex->req.query.end() ? std::string{} : it->second;
}

/// GET /api/kpi?from=&to=&interval_s=&by=&tenant=: the report of the
/// tenant's events with from <= time < to. Folded on the API's worker for
/// slow reads (it reads the whole store), never on the I/O thread.
void kpi_report(node_api::impl& api, const exchange_ptr& ex) {
  std::string tenant = ex->who.tenant;
  if (auto t = query(ex, "tenant"); !t.empty()) tenant = t;
  if (tenant.empty())
    return ex->fail(400, "missing_field", "query parameter 'tenant' is required for operators");
  identity::resource r;
  r.tenant = tenant;
  if (!api.allowed(ex, identity::action::audit_read, r)) return;

  kpi::report_request req;
  if (auto by = query(ex, "by"); !by.empty()) {
    kpi::dimension d{};
    if (!kpi::parse_dimension(by, d) || d == kpi::dimension::site || d == kpi::dimension::tenant)
      return ex->fail(400, "invalid_field",
                      "query parameter 'by' must be total, queue or agent (got '" + by + "')");
    req.by = d;
  }
  kpi::kpi_options opt;
  if (auto text = query(ex, "interval_s"); !text.empty()) {
    std::int64_t s = 0;
    try {
      std::size_t used = 0;
      s = std::stoll(text, &used);
      if (used != text.size()) s = 0;
    } catch (const std::exception&) {
      s = 0;
    }
    if (s < 60 || s > 86'400 || s % 60 != 0)
      return ex->fail(
          400, "invalid_field",
          "query parameter 'interval_s' must be whole minutes from 60 to 86400 s (got '" + text +
              "')");
    opt.interval_ms = s * 1000;
  }
  auto instant = [&](const char* name, std::int64_t fallback) -> std::optional<std::int64_t> {
    const auto text = query(ex, name);
    if (text.empty()) return fallback;
    std::int64_t ns = 0;
    if (events::parse_timestamp(text, ns)) return ns;
    ex->fail(400, "invalid_field",
             std::string{"query parameter '"} + name +
                 "' must be an RFC 3339 UTC time like 2026-12-06T09:00:00Z (got '" + text + "')");
    return std::nullopt;
  };
  const auto from = instant("from", 0);
  if (!from) return;
  const auto to = instant("to", INT64_MAX);
  if (!to) return;
  if (*to <= *from)
    return ex->fail(400, "invalid_field", "query parameter 'to' must be after 'from'");

  api.checks.post([&api, ex, tenant, req, opt, from = *from, to = *to] {
    kpi::kpi_projection fold{opt};
    std::uint64_t events = 0;
    for (std::uint64_t pos = 1;;) {
      auto batch = api.store.read_all(pos, 8192);
      if (!batch) return ex->fail(500, "store_error", batch.error().message());
      if (batch->empty()) break;
      for (const auto& e : *batch) {
        if (e.meta.tenant != tenant || e.meta.timestamp_ns < from || e.meta.timestamp_ns >= to)
          continue;
        ++events;
        if (auto st = fold.apply(e); !st) return ex->fail(500, "store_error", st.message());
      }
      pos = batch->back().position + 1;
    }
    auto out = kpi::build_report(fold, req);
    out["tenant"] = tenant;
    out["events"] = events;
    ex->reply(200, out);
  });
}

} // namespace

void add_kpi_routes(node_api::impl& api) {
  api.add("GET", "/api/kpi",
          "The tenant's KPI report over a range (?from=&to= RFC 3339, interval_s, by=total|queue|"
          "agent; tenant= for operators): offered, answered, abandoned, SL, ASA, AHT… in total, "
          "by group and per interval",
          "auditor; admin; operator", kpi_report);
}

} // namespace hotline::drivers::api
