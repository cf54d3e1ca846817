#include "config/validate.hpp"

#include <algorithm>
#include <set>

#include "config/did_you_mean.hpp"
#include "config/limits.hpp"

namespace hotline::config {

namespace {

/// The distinct non-empty ids of `items`, in order.
template <class T, class Id> std::vector<std::string> ids_of(const std::vector<T>& items, Id id) {
  std::vector<std::string> ids;
  for (const auto& x : items)
    if (!id(x).empty() && std::find(ids.begin(), ids.end(), id(x)) == ids.end())
      ids.push_back(id(x));
  return ids;
}

class checker {
public:
  checker(const configuration& c, const source_map& where, diagnostics& out)
      : c_(c), where_(where), out_(out),
        tenant_ids_(ids_of(c.center.tenants, [](const auto& t) { return t.id; })),
        trunk_ids_(ids_of(c.center.trunks, [](const auto& t) { return t.id; })),
        queue_ids_(ids_of(c.center.queues, [](const auto& q) { return q.id; })),
        entry_ids_(ids_of(c.center.entry_points, [](const auto& e) { return e.dialed; })),
        flow_ids_(ids_of(c.center.flows, [](const auto& f) { return f.id; })) {}

  void run() {
    // Past a limit the rest is not checked: it is moot, and some checks grow
    // with queues x agents.
    if (!within_limits()) return;
    unique("tenants", c_.center.tenants, "tenant id");
    unique("trunks", c_.center.trunks, "trunk group id");
    unique("queues", c_.center.queues, "queue id");
    unique("agents", c_.center.agents, "agent id");
    unique_entries();
    unique("flows", c_.center.flows, "flow id");
    queues();
    agents();
    entry_points();
    flows();
    overflow_cycles();
    skill_coverage();
    simulation();
  }

private:
  void report(severity level, const std::string& key_path, std::string message) {
    auto p = where_.find(key_path);
    out_.push_back({level, p.file, p.line, p.column, key_path, std::move(message)});
  }
  void error(const std::string& path, std::string message) {
    report(severity::error, path, std::move(message));
  }
  void warning(const std::string& path, std::string message) {
    report(severity::warning, path, std::move(message));
  }

  std::string at(std::string_view collection, std::size_t i, std::string_view key) const {
    return where_.element_path(collection, i) + '.' + std::string(key);
  }
  /// The key that carries an agent's id: `id`, or `id_prefix` for a generated one.
  std::string agent_id_key(std::size_t i) const {
    const bool generated = where_.element_path("agents", i) != "agents[" + std::to_string(i) + ']';
    return at("agents", i, generated ? "id_prefix" : "id");
  }
  std::string position_text(const std::string& path) const {
    auto p = where_.find(path);
    if (p.file.empty()) return path; // built in code: the key path is all there is
    if (p.line == 0) return p.file;
    return p.file + ':' + std::to_string(p.line) + ':' + std::to_string(p.column);
  }

  /// The sizes a node starts and stops promptly with (limits.hpp).
  bool within_limits() {
    bool ok = true;
    const auto count = [&](std::string_view collection, std::size_t n, std::size_t max,
                           std::string_view noun) {
      if (n <= max) return;
      ok = false;
      error(where_.element_path(collection, max), std::to_string(n) + " " + std::string(noun) +
                                                      " are defined; a center has at most " +
                                                      std::to_string(max));
    };
    const auto& c = c_.center;
    count("tenants", c.tenants.size(), limits::max_tenants, "tenants");
    count("trunks", c.trunks.size(), limits::max_trunk_groups, "trunk groups");
    count("queues", c.queues.size(), limits::max_queues, "queues");
    count("agents", c.agents.size(), limits::max_agents, "agents");
    count("entry_points", c.entry_points.size(), limits::max_entry_points, "entry points");
    count("simulation.arrivals", c_.simulation.arrivals.size(), limits::max_arrival_profiles,
          "arrival profiles");
    std::int64_t channels = 0;
    for (std::size_t i = 0; i < c.trunks.size(); ++i) {
      channels += c.trunks[i].channels;
      if (channels > limits::max_channels) {
        ok = false;
        error(at("trunks", i, "channels"),
              "with this group the center would have " + std::to_string(channels) +
                  " trunk channels; a center has at most " + std::to_string(limits::max_channels) +
                  " (all groups together)");
        break;
      }
    }
    // Arrivals: each profile at its busiest, all profiles together.
    double per_hour = 0;
    for (std::size_t i = 0; i < c_.simulation.arrivals.size(); ++i) {
      const auto& a = c_.simulation.arrivals[i];
      const auto base = "simulation.arrivals[" + std::to_string(i) + "].";
      double peak = a.rate_per_hour;
      if (!a.counts.empty() && a.interval_ms > 0)
        peak = *std::max_element(a.counts.begin(), a.counts.end()) * 3'600'000.0 /
               static_cast<double>(a.interval_ms);
      per_hour += peak;
      if (per_hour > limits::max_rate_per_h) {
        ok = false;
        error(base + (a.counts.empty() ? "rate_per_h" : "counts_csv"),
              "with this profile simulated callers would arrive at up to " +
                  std::to_string(static_cast<std::int64_t>(per_hour)) + " per hour; at most " +
                  std::to_string(static_cast<std::int64_t>(limits::max_rate_per_h)) +
                  " are simulated (all profiles together)");
        break;
      }
    }
    return ok;
  }

  template <class T>
  void unique(std::string_view collection, const std::vector<T>& items, std::string_view noun) {
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i].id.empty()) continue;
      auto [it, fresh] = first.emplace(items[i].id, i);
      if (fresh) continue;
      const bool agents = collection == "agents";
      const auto here = agents ? agent_id_key(i) : at(collection, i, "id");
      const auto there = agents ? agent_id_key(it->second) : at(collection, it->second, "id");
      error(here, "duplicate " + std::string(noun) + " '" + items[i].id + "' (first defined at " +
                      position_text(there) + ")");
    }
  }

  void unique_entries() {
    std::map<std::string, std::size_t> first;
    const auto& entries = c_.center.entry_points;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].dialed.empty()) continue;
      auto [it, fresh] = first.emplace(entries[i].dialed, i);
      if (!fresh)
        error(at("entry_points", i, "dialed"),
              "duplicate dialed number '" + entries[i].dialed + "' (first defined at " +
                  position_text(at("entry_points", it->second, "dialed")) + ")");
    }
  }

  /// An id that must name one of `ids`; empty is fine (defaults or "none").
  void reference(const std::string& path, const std::string& value,
                 const std::vector<std::string>& ids, std::string_view noun,
                 std::string_view section) {
    if (value.empty() || std::find(ids.begin(), ids.end(), value) != ids.end()) return;
    if (ids.empty())
      error(path, "unknown " + std::string(noun) + " '" + value + "' (no " + std::string(section) +
                      " is defined)");
    else if (auto hint = did_you_mean(value, ids); !hint.empty())
      error(path, "unknown " + std::string(noun) + " '" + value + "'" + hint);
    else
      error(path, "unknown " + std::string(noun) + " '" + value + "' (expected one of " +
                      name_list(ids) + ")");
  }

  void tenant(const std::string& path, const std::string& value) {
    if (value.empty() && tenant_ids_.size() > 1)
      error(path, "missing tenant: several tenants are defined (expected one of " +
                      name_list(tenant_ids_) + ")");
    reference(path, value, tenant_ids_, "tenant", "[[tenants]]");
  }

  void queues() {
    const auto& qs = c_.center.queues;
    for (std::size_t i = 0; i < qs.size(); ++i) {
      const auto& q = qs[i];
      if (q.id.empty()) continue;
      tenant(at("queues", i, "tenant"), q.tenant);
      if (q.overflow == events::overflow_action::queue) {
        if (q.overflow_queue.empty())
          error(at("queues", i, "overflow"),
                "overflow = \"queue\" needs overflow_queue (the queue that takes the calls)");
        reference(at("queues", i, "overflow_queue"), q.overflow_queue, queue_ids_, "queue",
                  "[[queues]]");
      } else if (!q.overflow_queue.empty()) {
        warning(at("queues", i, "overflow_queue"),
                "overflow_queue '" + q.overflow_queue +
                    "' is ignored unless overflow = \"queue\" (it is \"" +
                    events::to_string(q.overflow) + "\")");
      }
      reference(at("queues", i, "outbound_trunk_group"), q.outbound_trunk_group, trunk_ids_,
                "trunk group", "[[trunks]]");
      if (const auto* t = c_.center.find_trunk(q.outbound_trunk_group);
          t && t->direction == events::trunk_direction::inbound)
        error(at("queues", i, "outbound_trunk_group"),
              "trunk group '" + t->id +
                  "' takes inbound calls only (direction = \"inbound\"): agents cannot "
                  "place calls on it; expected a group with direction \"outbound\" or \"both\"");
      for (std::size_t w = 0; w < q.widening.size(); ++w) {
        const auto& adds = q.widening[w].add_queues;
        for (std::size_t k = 0; k < adds.size(); ++k)
          reference(at("queues", i,
                       "widening[" + std::to_string(w) + "].add_queues[" + std::to_string(k) + "]"),
                    adds[k], queue_ids_, "queue", "[[queues]]");
      }
    }
  }

  void agents() {
    const auto& as = c_.center.agents;
    for (std::size_t i = 0; i < as.size(); ++i) {
      const auto& a = as[i];
      if (a.id.empty()) continue;
      tenant(at("agents", i, "tenant"), a.tenant);
      for (std::size_t k = 0; k < a.queues.size(); ++k)
        reference(at("agents", i, "queues[" + std::to_string(k) + "]"), a.queues[k], queue_ids_,
                  "queue", "[[queues]]");
    }
  }

  void entry_points() {
    const auto& es = c_.center.entry_points;
    for (std::size_t i = 0; i < es.size(); ++i) {
      const auto& e = es[i];
      if (e.dialed.empty()) continue;
      tenant(at("entry_points", i, "tenant"), e.tenant);
      reference(at("entry_points", i, "queue"), e.queue, queue_ids_, "queue", "[[queues]]");
      if (e.trunk_group.empty())
        error(at("entry_points", i, "trunk_group"),
              trunk_ids_.empty()
                  ? std::string("missing trunk_group: calls come in through a trunk group; define "
                                "[[trunks]]")
                  : "missing trunk_group: several trunk groups are defined (expected one of " +
                        name_list(trunk_ids_) + ")");
      reference(at("entry_points", i, "trunk_group"), e.trunk_group, trunk_ids_, "trunk group",
                "[[trunks]]");
      reference(at("entry_points", i, "flow"), e.flow, flow_ids_, "flow", "[[flows]]");
      if (const auto* f = c_.center.find_flow(e.flow);
          f && !e.tenant.empty() && !f->tenant.empty() && f->tenant != e.tenant)
        warning(at("entry_points", i, "flow"), "entry point of tenant '" + e.tenant +
                                                   "' runs flow '" + f->id + "' of tenant '" +
                                                   f->tenant + "'");
      const auto* q = c_.center.find_queue(e.queue);
      if (q && !e.tenant.empty() && !q->tenant.empty() && q->tenant != e.tenant)
        warning(at("entry_points", i, "queue"), "entry point of tenant '" + e.tenant +
                                                    "' routes into queue '" + q->id +
                                                    "' of tenant '" + q->tenant + "'");
    }
  }

  /// A flow's queue and callback nodes name queues of the center (the
  /// graph itself was checked when the flow was read: flow_reader).
  void flows() {
    const auto& fs = c_.center.flows;
    for (std::size_t i = 0; i < fs.size(); ++i) {
      const auto& f = fs[i];
      if (f.id.empty()) continue;
      tenant(at("flows", i, "tenant"), f.tenant);
      for (std::size_t j = 0; j < f.nodes.size(); ++j) {
        const auto& n = f.nodes[j];
        if (n.kind != events::ivr::node_kind::queue && n.kind != events::ivr::node_kind::callback)
          continue;
        const auto key = at("flows", i, "nodes[" + std::to_string(j) + "].queue");
        reference(key, n.target, queue_ids_, "queue", "[[queues]]");
        const auto* q = c_.center.find_queue(n.target);
        if (q && !f.tenant.empty() && !q->tenant.empty() && q->tenant != f.tenant)
          warning(key, "flow of tenant '" + f.tenant + "' hands calls to queue '" + q->id +
                           "' of tenant '" + q->tenant + "'");
        if (q) node_skills(f, n, *q, at("flows", i, "nodes[" + std::to_string(j) + "].skills"));
      }
    }
  }

  /// A queue node's skills route its calls (docs/acd.md § 6): a skill no
  /// agent serving the queue has at its level leaves such callers waiting
  /// until the queue's max_wait. `${language}` stands for each language
  /// of the flow; a name with another variable is known at run time only.
  void node_skills(const events::ivr::flow& f, const events::ivr::node& n,
                   const events::queue_definition& q, const std::string& key) {
    static const std::string language = "${language}";
    auto languages = f.languages;
    if (languages.empty()) languages.push_back(f.default_language());
    for (const auto& [skill, level] : n.skills) {
      std::vector<std::string> names{skill};
      if (const auto v = skill.find(language); v != std::string::npos) {
        names.clear();
        for (const auto& l : languages)
          names.push_back(std::string(skill).replace(v, language.size(), l));
      }
      std::string missing;
      for (const auto& name : names) {
        if (name.find("${") != std::string::npos) continue;
        const bool served =
            std::any_of(c_.center.agents.begin(), c_.center.agents.end(), [&](const auto& a) {
              auto it = a.skills.find(name);
              return it != a.skills.end() && it->second >= level &&
                     std::find(a.queues.begin(), a.queues.end(), q.id) != a.queues.end();
            });
        if (!served) missing += (missing.empty() ? "'" : ", '") + name + "'";
      }
      if (!missing.empty())
        warning(key + "." + skill, "flow '" + f.id + "' node '" + n.id + "' asks for skill " +
                                       missing + " at level " + std::to_string(level) +
                                       " or more, which no agent of queue '" + q.id +
                                       "' has: such callers wait until its max_wait");
    }
  }

  /// Each queue overflows to at most one other, so following the chain from
  /// every queue finds every loop; each is reported once, at its first queue.
  void overflow_cycles() {
    const auto& qs = c_.center.queues;
    auto next = [&](std::size_t i) -> std::size_t {
      if (qs[i].overflow != events::overflow_action::queue) return qs.size();
      for (std::size_t j = 0; j < qs.size(); ++j)
        if (!qs[j].id.empty() && qs[j].id == qs[i].overflow_queue) return j;
      return qs.size();
    };
    std::set<std::size_t> reported;
    for (std::size_t start = 0; start < qs.size(); ++start) {
      std::vector<std::size_t> chain;
      std::size_t i = start;
      while (i < qs.size() && std::find(chain.begin(), chain.end(), i) == chain.end()) {
        chain.push_back(i);
        i = next(i);
      }
      if (i >= qs.size()) continue;
      const auto loop_begin = std::find(chain.begin(), chain.end(), i);
      const std::size_t first = *std::min_element(loop_begin, chain.end());
      if (!reported.insert(first).second) continue;
      std::string text = qs[first].id;
      for (std::size_t j = next(first);; j = next(j)) {
        text += " -> " + qs[j].id;
        if (j == first) break;
      }
      error(at("queues", first, "overflow_queue"),
            "overflow cycle: " + text + " (a call would overflow for ever)");
    }
  }

  void skill_coverage() {
    const auto& as = c_.center.agents;
    const auto& qs = c_.center.queues;
    for (std::size_t i = 0; i < qs.size(); ++i) {
      const auto& q = qs[i];
      if (q.id.empty()) continue;
      bool each_covered = true;
      for (const auto& need : q.skills) {
        int best = 0;
        for (const auto& a : as)
          if (auto it = a.skills.find(need.skill); it != a.skills.end())
            best = std::max(best, it->second);
        const auto path = at("queues", i, "skills." + need.skill);
        if (best == 0)
          warning(path,
                  "queue '" + q.id + "' requires skill '" + need.skill + "' that no agent has");
        else if (best < need.min_level)
          warning(path, "queue '" + q.id + "' requires skill '" + need.skill + "' at level " +
                            std::to_string(need.min_level) + " or more; the best agent has " +
                            std::to_string(best));
        each_covered = each_covered && best >= need.min_level;
      }
      const auto qualified = [&](const events::agent_definition& a) {
        return std::all_of(q.skills.begin(), q.skills.end(), [&](const auto& need) {
          auto it = a.skills.find(need.skill);
          return it != a.skills.end() && it->second >= need.min_level;
        });
      };
      if (each_covered && q.skills.size() > 1 && std::none_of(as.begin(), as.end(), qualified))
        warning(at("queues", i, "skills"),
                "no agent has all the skills queue '" + q.id + "' requires together");
      const auto has_channel = [&](const events::agent_definition& a) {
        auto it = a.capacity.find(q.channel);
        return it != a.capacity.end() && it->second > 0;
      };
      if (!as.empty() && std::none_of(as.begin(), as.end(), has_channel))
        warning(at("queues", i, "channel"), "no agent has capacity for channel '" +
                                                std::string{events::to_wire(q.channel)} +
                                                "' that queue '" + q.id + "' serves");
      const auto lists = [&](const events::agent_definition& a) {
        return std::find(a.queues.begin(), a.queues.end(), q.id) != a.queues.end();
      };
      if (!as.empty() && std::none_of(as.begin(), as.end(), lists))
        warning(at("queues", i, "id"), "no agent lists queue '" + q.id +
                                           "' in its queues (it is served only by agents who "
                                           "log in to it by name)");
    }
  }

  /// An arrival profile's IVR choices and digits name nodes of its entry
  /// point's flow, of the kind that takes them.
  void ivr_callers(const std::string& base, const arrival_profile& a) {
    if (a.ivr.choices.empty() && a.ivr.digits.empty()) return;
    const auto* e = c_.center.find_entry(a.entry_point);
    const auto* f = e ? c_.center.find_flow(e->flow) : nullptr;
    if (!f) {
      if (e)
        warning(base.substr(0, base.size() - 1),
                "entry point " + a.entry_point +
                    " runs no flow: these callers' IVR answers are "
                    "never asked for");
      return;
    }
    std::vector<std::string> ids;
    for (const auto& n : f->nodes)
      ids.push_back(n.id);
    auto check = [&](const std::string& path, const std::string& id, bool choice) {
      const auto* n = f->find(id);
      if (!n) {
        auto hint = did_you_mean(id, ids);
        error(path, "unknown node '" + id + "' in flow '" + f->id + "'" +
                        (hint.empty() ? " (expected one of " + name_list(ids) + ")" : hint));
        return;
      }
      using k = events::ivr::node_kind;
      const bool fits =
          choice ? (n->kind == k::menu || n->kind == k::language) : n->kind == k::collect;
      if (!fits)
        error(path, "node '" + id + "' of flow '" + f->id + "' is a " +
                        events::ivr::to_string(n->kind) + " node: " +
                        (choice ? "choices are for menu and language nodes"
                                : "digits are for collect nodes"));
      else if (choice)
        for (const auto& [key, p] : a.ivr.choices.at(id))
          if (!n->choices.count(key))
            warning(path + "." + key, "node '" + id + "' offers no key '" + key +
                                          "': callers who press it make an invalid choice");
    };
    for (const auto& [id, keys] : a.ivr.choices)
      check(base + "choices." + id, id, true);
    for (const auto& [id, entries] : a.ivr.digits)
      check(base + "digits." + id, id, false);
  }

  void simulation() {
    const auto& sim = c_.simulation;
    for (std::size_t i = 0; i < sim.arrivals.size(); ++i) {
      const auto& a = sim.arrivals[i];
      const auto base = "simulation.arrivals[" + std::to_string(i) + "].";
      reference(base + "entry_point", a.entry_point, entry_ids_, "entry point", "[[entry_points]]");
      reference(base + "queue", a.queue, queue_ids_, "queue", "[[queues]]");
      ivr_callers(base + "ivr.", a);
    }
    for (const auto& [tenant_id, share] : sim.vip_share)
      reference("simulation.vip_share." + tenant_id, tenant_id, tenant_ids_, "tenant",
                "[[tenants]]");
    std::vector<std::string> agent_ids;
    for (const auto& a : c_.center.agents)
      agent_ids.push_back(a.id);
    for (const auto& id : sim.api_agents)
      reference("simulation.api_agents", id, agent_ids, "agent", "[[agents]]");
  }

  const configuration& c_;
  const source_map& where_;
  diagnostics& out_;
  std::vector<std::string> tenant_ids_, trunk_ids_, queue_ids_, entry_ids_, flow_ids_;
};

} // namespace

void validate(const configuration& config, const source_map& where, diagnostics& out) {
  checker(config, where, out).run();
}

} // namespace hotline::config
