#include "actors/acd.hpp"
#include "actors/audit_record.hpp"

#include <algorithm>

#include "actors/agent_actor.hpp"
#include "actors/configuration_actor.hpp"
#include "actors/queue_actor.hpp"
#include "actors/trunk_actor.hpp"
#include "events/acd/configuration.hpp"
#include "events/codec.hpp"
#include "events/variant_cast.hpp"

namespace hotline::actors {

const events::tenant_definition* acd_context::tenant_of_queue(const std::string& queue) const {
  const auto* q = find_queue(queue);
  return q ? center.find_tenant(q->tenant) : nullptr;
}

const events::queue_definition* acd_context::find_queue(std::string_view id) const {
  // The newest definitions (runtime settings) first, then the file's, then
  // the queues created at runtime (runtime_catalog.hpp).
  if (!definitions.empty())
    if (const auto* q = definitions.find(id)) return q;
  if (queue_index.empty()) {
    if (const auto* q = center.find_queue(id)) return q;
    return added.find_queue(id);
  }
  auto it = queue_index.find(id);
  return it == queue_index.end() ? added.find_queue(id) : it->second;
}

const events::agent_definition* acd_context::find_agent(std::string_view id) const {
  if (agent_index.empty()) {
    if (const auto* a = center.find_agent(id)) return a;
    return added.find_agent(id);
  }
  auto it = agent_index.find(id);
  return it == agent_index.end() ? added.find_agent(id) : it->second;
}

const caf::actor* acd_context::queue_actor(std::string_view id) const {
  if (auto it = queues.find(id); it != queues.end()) return &it->second;
  return added.queue_actor(id);
}

std::vector<std::pair<std::string, caf::actor>> acd_context::queue_actors() const {
  std::vector<std::pair<std::string, caf::actor>> out{queues.begin(), queues.end()};
  for (auto& q : added.queue_actors())
    out.push_back(std::move(q));
  return out;
}

const events::entry_point* acd_context::find_entry(std::string_view dialed) const {
  if (const auto* e = center.find_entry(dialed)) return e;
  return added.find_entry(dialed);
}

namespace {

/// The store's `config-<site>` over the file's center (events/acd/configuration.hpp).
void overlay_created(acd_context& ctx) {
  if (!ctx.store.store) return;
  namespace conf = events::acd::configuration;
  const auto stream = conf::stream_name(ctx.store.site);
  auto recs = ctx.store.store->read_stream(stream);
  if (!recs) {
    ctx.configuration_warnings.push_back("cannot read " + stream + ": " + recs.error().message());
    return;
  }
  std::vector<conf::event> evs;
  for (const auto& rec : *recs) {
    auto ev = events::event_codec::standard().decode(rec);
    if (!ev) {
      ctx.configuration_warnings.push_back(stream + " revision " + std::to_string(rec.revision) +
                                           ": " + ev.error().message());
      continue;
    }
    if (auto mine = events::narrow<conf::event>(*ev)) evs.push_back(std::move(*mine));
  }
  for (auto& w : conf::overlay(ctx.center, evs))
    ctx.configuration_warnings.push_back(std::move(w));
}

} // namespace

void start_acd(caf::actor_system& sys, const std::shared_ptr<acd_context>& ctx) {
  overlay_created(*ctx);
  // First definition wins on a duplicate id, as with center_definition::find_*.
  for (const auto& q : ctx->center.queues) {
    ctx->queue_index.emplace(q.id, &q);
    ctx->definitions.add(q);
  }
  for (const auto& q : ctx->center.queues)
    for (const auto& step : q.widening)
      for (const auto& added : step.add_queues) {
        auto& into =
            ctx->widened_into[ctx->queue_index.count(added) ? ctx->queue_index.find(added)->first
                                                            : std::string_view{}];
        if (std::find(into.begin(), into.end(), &q) == into.end()) into.push_back(&q);
      }
  for (const auto& a : ctx->center.agents)
    ctx->agent_index.emplace(a.id, &a);
  ctx->root = sys.spawn([live = ctx->registered](caf::event_based_actor* self) -> caf::behavior {
    self->attach_functor([live](const caf::error& reason) { live->stop_all(reason); });
    return {[](caf::get_atom) {}};
  });
  for (const auto& t : ctx->center.trunks)
    ctx->trunks[t.id] = spawn_trunk_group(sys, ctx, t);
  for (const auto& q : ctx->center.queues)
    ctx->queues[q.id] = spawn_queue(sys, ctx, q);
  // A passivated agent comes back from its stream on its next message. The
  // spawner holds the context weakly: the context owns the directory.
  ctx->agents.set_spawner(
      [&sys, weak = std::weak_ptr<const acd_context>{ctx}](const std::string& id) -> caf::actor {
        auto c = weak.lock();
        const auto* def = c ? c->find_agent(id) : nullptr;
        return def ? spawn_agent(sys, c, *def) : caf::actor{};
      });
  for (const auto& a : ctx->center.agents)
    if (!ctx->agents.contains(a.id)) ctx->agents.add(a.id, spawn_agent(sys, ctx, a));
  // Every handle is known now: recovered queues, agents and trunk groups
  // bring back their calls. Sent here, before start_acd returns: each is
  // the first message its actor handles after recovery, before any new
  // call can reach it (queues first: a call a queue lists comes back
  // knowing it when the queue's message is handled first; recovered_calls.hpp).
  for (auto& [id, q] : ctx->queues)
    caf::anon_send(q, recover_atom::value);
  for (auto& a : ctx->agents.live())
    caf::anon_send(a, recover_atom::value);
  for (auto& [id, t] : ctx->trunks)
    caf::anon_send(t, recover_atom::value);
  ctx->configuration = spawn_configuration(sys, ctx);
}

caf::actor start_created_queue(caf::actor_system& sys, const std::shared_ptr<acd_context>& ctx,
                               events::queue_definition def,
                               std::vector<events::entry_point> entries) {
  const auto& stored = ctx->added.add_queue(std::move(def), std::move(entries));
  auto q = spawn_queue(sys, ctx, stored);
  ctx->added.set_queue_actor(stored.id, q);
  caf::anon_send(q, recover_atom::value);
  return q;
}

caf::actor start_created_agent(caf::actor_system& sys, const std::shared_ptr<acd_context>& ctx,
                               events::agent_definition def) {
  const auto& stored = ctx->added.add_agent(std::move(def));
  auto a = spawn_agent(sys, ctx, stored);
  ctx->agents.add(stored.id, a);
  caf::anon_send(a, recover_atom::value);
  return a;
}

void stop_acd(const std::shared_ptr<acd_context>& ctx) {
  caf::anon_send_exit(ctx->root, caf::exit_reason::user_shutdown);
}

void append_audit_record(const persistence& p, const std::string& name, events::event payload,
                         const std::string& tenant, events::principal who, std::int64_t now_ns,
                         events::event_id correlation,
                         std::function<void(const events::status&)> on_error) {
  const auto now_ms = now_ns / 1'000'000;
  std::vector<events::proposed_event> evs;
  evs.push_back(events::event_codec::standard().propose(
      payload, {events::event_id::uuid_v7(now_ms, events::event_id::from_name(name)), p.site,
                tenant, now_ns, correlation,
                events::event_id::uuid_v7(now_ms, events::event_id::from_name(name + "/command")),
                std::move(who)}));
  p.store->append_async("audit-" + p.site, ports::expected_revision::any(), std::move(evs),
                        [on_error = std::move(on_error)](events::result<ports::append_result> r) {
                          if (!r && on_error) on_error(r.error());
                        });
}

void audit_rejection(const acd_context& ctx, const std::string& stream, const std::string& command,
                     const std::string& code, const std::string& detail, const std::string& tenant,
                     events::principal who, std::int64_t now_ns) {
  static std::atomic<std::uint64_t> counter{0};
  // The refused command gets an id (the record's causation); the record's
  // correlation is the flow of the entity refused (a call's, an agent's).
  const auto name = ctx.store.site + "/rejected/" + stream + "/" + std::to_string(now_ns) + "/" +
                    std::to_string(counter++);
  const auto entity = std::string{events::stream_entity(stream)};
  const auto category = events::stream_category(stream);
  const auto correlation = category == "call"    ? call_correlation(entity)
                           : category == "agent" ? agent_correlation(entity)
                                                 : events::event_id{};
  append_audit_record(ctx.store, name, events::command_rejected{stream, command, code, detail},
                      tenant, std::move(who), now_ns, correlation);
  if (ctx.observer) caf::anon_send(ctx.observer, rejected_atom::value, stream, code);
}

} // namespace hotline::actors
