#include "projections/crm/crm_projection.hpp"

#include <algorithm>
#include <unordered_map>

#include "events/codec.hpp"
#include "events/vocabulary.hpp"
#include "projections/fold_support.hpp"

namespace hotline::projections::crm {

using events::errc;
using events::recorded_event;
using events::status;
using nlohmann::json;

namespace {

constexpr std::int64_t ns_per_ms = 1'000'000;
constexpr std::int64_t not_yet = -1;

json interaction_json(const interaction& i) {
  return {{"call_id", i.call_id},
          {"time", events::format_timestamp(i.time_ns)},
          {"time_ns", i.time_ns},
          {"channel", i.channel},
          {"direction", i.direction},
          {"caller", i.caller},
          {"dialed", i.dialed},
          {"queue", i.queue},
          {"agent", i.agent},
          {"wait_s", i.wait_ms / 1000.0},
          {"talk_s", i.talk_ms / 1000.0},
          {"hold_s", i.hold_ms / 1000.0},
          {"wait_ms", i.wait_ms},
          {"talk_ms", i.talk_ms},
          {"hold_ms", i.hold_ms},
          {"outcome", i.outcome},
          {"returning", i.returning},
          {"site", i.site},
          {"tenant", i.tenant},
          {"attached", i.attached},
          {"disposition", i.disposition},
          {"notes", i.notes}};
}

/// A call between call.arrived and call.ended.
struct open_call {
  interaction i;
  std::string customer_id;
  bool vip = false;
  std::int64_t first_queued_ns = not_yet, connected_ns = not_yet, hold_since_ns = not_yet;
  bool dirty = false, persisted = false;
  bool desk_done = false; ///< its agent's desk let it go before it ended (no after-call link)

  json to_json() const {
    return {{"interaction", interaction_json(i)},
            {"customer_id", customer_id},
            {"vip", vip},
            {"first_queued_ns", first_queued_ns},
            {"connected_ns", connected_ns},
            {"hold_since_ns", hold_since_ns},
            {"desk_done", desk_done}};
  }
};

template <class T> T get_or(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? fallback : it->get<T>();
}

interaction interaction_from_json(const json& j) {
  interaction i;
  i.call_id = j.at("call_id").get<std::string>();
  i.time_ns = j.at("time_ns").get<std::int64_t>();
  i.channel = j.at("channel").get<std::string>();
  i.direction = j.at("direction").get<std::string>();
  i.caller = j.at("caller").get<std::string>();
  i.dialed = j.at("dialed").get<std::string>();
  i.queue = j.at("queue").get<std::string>();
  i.agent = j.at("agent").get<std::string>();
  i.wait_ms = j.at("wait_ms").get<std::int64_t>();
  i.talk_ms = j.at("talk_ms").get<std::int64_t>();
  i.hold_ms = j.at("hold_ms").get<std::int64_t>();
  i.outcome = j.at("outcome").get<std::string>();
  i.returning = j.at("returning").get<bool>();
  i.site = get_or<std::string>(j, "site", "");
  i.tenant = get_or<std::string>(j, "tenant", "");
  i.attached = j.at("attached").get<std::map<std::string, std::string>>();
  i.disposition = get_or<std::string>(j, "disposition", ""); // absent before dispositions existed
  i.notes = get_or<std::string>(j, "notes", "");
  return i;
}

bool truthy(const std::map<std::string, std::string>& m, const char* key) {
  auto it = m.find(key);
  if (it == m.end()) return false;
  std::string v = it->second;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v == "1" || v == "true" || v == "yes";
}

} // namespace

std::string tenant_key(std::string_view tenant, std::string_view key) {
  std::string out{tenant};
  out.push_back('/');
  out.append(key);
  return out;
}

std::vector<std::string> tenant_list(std::string_view row) {
  std::vector<std::string> out;
  while (!row.empty()) { // each tenant ends with '\n'
    auto nl = row.find('\n');
    out.emplace_back(row.substr(0, nl));
    if (nl == std::string_view::npos) break;
    row.remove_prefix(nl + 1);
  }
  return out;
}

std::string customer_profile::familiar_agent() const {
  const std::pair<const std::string, agent_familiarity>* best = nullptr;
  for (const auto& kv : agents) {
    if (!best || kv.second.calls > best->second.calls ||
        (kv.second.calls == best->second.calls && kv.second.last_ns > best->second.last_ns))
      best = &kv;
  }
  return best ? best->first : std::string{};
}

json to_json(const customer_profile& p) {
  json agents = json::object();
  for (const auto& [a, f] : p.agents)
    agents[a] = {{"calls", f.calls}, {"last_ns", f.last_ns}};
  json list = json::array();
  for (const auto& i : p.interactions)
    list.push_back(interaction_json(i));
  return {{"key", p.key},
          {"tenant", p.tenant},
          {"customer_id", p.customer_id},
          {"numbers", p.numbers},
          {"first_seen", events::format_timestamp(p.first_seen_ns)},
          {"last_seen", events::format_timestamp(p.last_seen_ns)},
          {"first_seen_ns", p.first_seen_ns},
          {"last_seen_ns", p.last_seen_ns},
          {"contacts", p.contacts},
          {"returning", p.returning()},
          {"vip", p.vip},
          {"last_agent", p.last_agent},
          {"familiar_agent", p.familiar_agent()},
          {"agents", agents},
          {"open_tickets", p.open_tickets},
          {"interactions", list}};
}

events::result<customer_profile> profile_from_json(const json& j) {
  try {
    customer_profile p;
    p.key = j.at("key").get<std::string>();
    if (!j.contains("tenant"))
      return status{errc::corrupt_record,
                    "customer profile '" + p.key +
                        "' is not per tenant (written by an older hotline): "
                        "rebuild the views with `hotline replay --out NEW_DIR`"};
    p.tenant = j.at("tenant").get<std::string>();
    p.customer_id = j.at("customer_id").get<std::string>();
    p.numbers = j.at("numbers").get<std::vector<std::string>>();
    p.first_seen_ns = j.at("first_seen_ns").get<std::int64_t>();
    p.last_seen_ns = j.at("last_seen_ns").get<std::int64_t>();
    p.contacts = j.at("contacts").get<std::uint64_t>();
    p.vip = j.at("vip").get<bool>();
    p.last_agent = j.at("last_agent").get<std::string>();
    for (const auto& [a, f] : j.at("agents").items())
      p.agents[a] = {f.at("calls").get<std::uint64_t>(), f.at("last_ns").get<std::int64_t>()};
    for (const auto& i : j.at("interactions"))
      p.interactions.push_back(interaction_from_json(i));
    for (const auto& t : j.at("open_tickets"))
      p.open_tickets.push_back(t);
    return p;
  } catch (const std::exception& e) {
    return status{errc::corrupt_record, std::string{"customer profile: "} + e.what()};
  }
}

struct crm_projection::state {
  crm_options opt;
  const events::event_codec& codec = events::event_codec::standard();
  string_map<open_call> calls;
  struct profile_entry {
    customer_profile p;
    bool dirty = false;
  };
  string_map<profile_entry> profiles;
  string_map<std::string> callers; ///< tenant/number -> profile key (tenant/key)
  /// customer key / number -> its tenants, sorted (the `crm/tenants/` rows)
  string_map<std::vector<std::string>> customer_tenants, caller_tenants;
  std::vector<std::string> dirty_calls, dirty_profiles, dirty_callers, deletes;
  /// site/call id -> the profile (tenant/key) of a call that ended while its
  /// agent is in after-call work: a disposition set then finds it here.
  string_map<std::string> after_call;
  std::vector<std::pair<std::string, std::string>> after_call_puts;
  std::vector<std::string> dirty_customer_tenants, dirty_caller_tenants;

  static bool add_tenant(string_map<std::vector<std::string>>& index, const std::string& what,
                         const std::string& tenant, std::vector<std::string>& dirty) {
    auto& list = index[what];
    auto pos = std::lower_bound(list.begin(), list.end(), tenant);
    if (pos != list.end() && *pos == tenant) return false;
    list.insert(pos, tenant);
    dirty.push_back(what);
    return true;
  }

  /// Open calls are keyed by site and id: a call that moved between sites
  /// keeps its id, and a fold over several sites sees each site's part.
  open_call& call(const recorded_event& e, const std::string& call_id) {
    auto id = e.meta.site + "/" + call_id;
    auto it = calls.find(id);
    if (it == calls.end()) {
      it = calls.emplace(id, open_call{}).first;
      it->second.i.call_id = call_id;
    }
    if (!it->second.dirty) {
      it->second.dirty = true;
      dirty_calls.push_back(id);
    }
    return it->second;
  }

  void end_call(const std::string& call_id, const events::call_ended& p, const recorded_event& e) {
    const auto id = e.meta.site + "/" + call_id;
    auto& c = call(e, call_id);
    if (events::is_hand_off(p.outcome)) {
      // Handed to another site: the interaction is the one that site records.
      if (c.persisted) deletes.push_back("crm/call/" + id);
      calls.erase(id);
      return;
    }
    const std::int64_t ts = e.meta.timestamp_ns;
    if (c.i.time_ns == 0) c.i.time_ns = ts;
    if (c.hold_since_ns != not_yet) c.i.hold_ms += (ts - c.hold_since_ns) / ns_per_ms;
    if (c.connected_ns != not_yet)
      c.i.talk_ms = std::max<std::int64_t>(0, (ts - c.connected_ns) / ns_per_ms - c.i.hold_ms);
    if (c.connected_ns == not_yet && c.first_queued_ns != not_yet)
      c.i.wait_ms = (ts - c.first_queued_ns) / ns_per_ms;
    c.i.outcome = events::to_wire(p.outcome);
    if (!p.agent_id.empty()) c.i.agent = p.agent_id;
    if (c.i.queue.empty()) c.i.queue = p.queue;
    std::string key = !c.customer_id.empty() ? c.customer_id
                      : !c.i.caller.empty()  ? "caller:" + c.i.caller
                                             : std::string{};
    if (c.i.tenant.empty()) c.i.tenant = e.meta.tenant;
    if (!key.empty()) {
      const std::string pkey = tenant_key(c.i.tenant, key);
      auto& entry = profiles[pkey];
      auto& prof = entry.p;
      if (prof.key.empty()) {
        prof.key = key;
        prof.tenant = c.i.tenant;
        prof.customer_id = c.customer_id;
        prof.first_seen_ns = c.i.time_ns;
        add_tenant(customer_tenants, key, c.i.tenant, dirty_customer_tenants);
      }
      c.i.returning = prof.contacts > 0;
      ++prof.contacts;
      prof.last_seen_ns = std::max(prof.last_seen_ns, c.i.time_ns);
      prof.vip = prof.vip || c.vip;
      if (!c.i.caller.empty()) {
        auto pos = std::lower_bound(prof.numbers.begin(), prof.numbers.end(), c.i.caller);
        if (pos == prof.numbers.end() || *pos != c.i.caller) prof.numbers.insert(pos, c.i.caller);
        const std::string ckey = tenant_key(c.i.tenant, c.i.caller);
        auto& idx = callers[ckey];
        if (idx != pkey) {
          idx = pkey;
          dirty_callers.push_back(ckey);
        }
        add_tenant(caller_tenants, c.i.caller, c.i.tenant, dirty_caller_tenants);
      }
      if (!c.i.agent.empty() && c.connected_ns != not_yet) {
        prof.last_agent = c.i.agent;
        auto& f = prof.agents[c.i.agent];
        ++f.calls;
        f.last_ns = ts;
      }
      prof.interactions.push_back(c.i);
      if (prof.interactions.size() > opt.max_interactions)
        prof.interactions.erase(
            prof.interactions.begin(),
            prof.interactions.begin() +
                static_cast<std::ptrdiff_t>(prof.interactions.size() - opt.max_interactions));
      if (!entry.dirty) {
        entry.dirty = true;
        dirty_profiles.push_back(pkey);
      }
      // Answered, and its agent's desk still holds it: a disposition may follow.
      if (c.connected_ns != not_yet && !c.desk_done) {
        after_call[id] = pkey;
        after_call_puts.emplace_back("crm/after_call/" + id, pkey);
      }
    }
    if (c.persisted) deletes.push_back("crm/call/" + id);
    calls.erase(id);
  }

  /// The agent's desk let the call go: no disposition after this.
  void desk_done(const recorded_event& e, const std::string& call_id) {
    const auto id = e.meta.site + "/" + call_id;
    if (auto it = calls.find(id); it != calls.end()) {
      call(e, call_id).desk_done = true;
      return;
    }
    if (after_call.erase(id) > 0) {
      std::erase_if(after_call_puts,
                    [&](const auto& kv) { return kv.first == "crm/after_call/" + id; });
      deletes.push_back("crm/after_call/" + id);
    }
  }

  void disposition(const recorded_event& e, const events::agent_disposition_set& p) {
    const auto id = e.meta.site + "/" + p.call_id;
    if (calls.find(id) != calls.end()) {
      auto& c = call(e, p.call_id);
      c.i.disposition = p.code;
      c.i.notes = p.notes;
      return;
    }
    auto link = after_call.find(id);
    if (link == after_call.end()) return; // not a call this view follows (or long gone)
    auto prof = profiles.find(link->second);
    if (prof == profiles.end()) return;
    auto& list = prof->second.p.interactions;
    for (auto it = list.rbegin(); it != list.rend(); ++it)
      if (it->call_id == p.call_id && it->site == e.meta.site) {
        it->disposition = p.code;
        it->notes = p.notes;
        if (!prof->second.dirty) {
          prof->second.dirty = true;
          dirty_profiles.push_back(link->second);
        }
        return;
      }
  }

  void apply(const recorded_event& e, const events::event& payload) {
    const std::int64_t ts = e.meta.timestamp_ns;
    std::visit(overloaded{
                   [&](const events::call_arrived& p) {
                     auto& c = call(e, p.call_id);
                     c.i.time_ns = ts;
                     c.i.channel = events::to_wire(p.channel);
                     c.i.direction = events::to_wire(p.direction);
                     c.i.caller = p.caller;
                     c.i.dialed = p.dialed;
                     c.i.attached = p.attached;
                     c.i.site = e.meta.site;
                     c.i.tenant = e.meta.tenant;
                     c.customer_id = p.customer_id;
                     c.vip = c.vip || truthy(p.attached, "vip");
                   },
                   [&](const events::call_queued& p) {
                     auto& c = call(e, p.call_id);
                     if (c.first_queued_ns == not_yet) c.first_queued_ns = ts;
                     c.i.queue = p.queue;
                     c.vip = c.vip || p.priority >= opt.vip_priority;
                   },
                   [&](const events::call_connected& p) {
                     auto& c = call(e, p.call_id);
                     if (c.connected_ns == not_yet) {
                       c.connected_ns = ts;
                       c.i.wait_ms =
                           c.first_queued_ns == not_yet ? 0 : (ts - c.first_queued_ns) / ns_per_ms;
                     }
                     c.i.agent = p.agent_id;
                     if (!p.queue.empty()) c.i.queue = p.queue;
                   },
                   [&](const events::call_held& p) {
                     auto& c = call(e, p.call_id);
                     if (c.hold_since_ns == not_yet) c.hold_since_ns = ts;
                   },
                   [&](const events::call_resumed& p) {
                     auto& c = call(e, p.call_id);
                     if (c.hold_since_ns != not_yet) {
                       c.i.hold_ms += (ts - c.hold_since_ns) / ns_per_ms;
                       c.hold_since_ns = not_yet;
                     }
                   },
                   [&](const events::queue_call_joined& p) {
                     auto& c = call(e, p.call_id);
                     if (c.customer_id.empty()) c.customer_id = p.customer_id;
                     c.vip = c.vip || p.priority >= opt.vip_priority;
                   },
                   [&](const events::call_ended& p) { end_call(p.call_id, p, e); },
                   [&](const events::agent_disposition_set& p) { disposition(e, p); },
                   [&](const events::agent_wrap_up_ended& p) { desk_done(e, p.call_id); },
                   [&](const events::agent_call_ended& p) {
                     if (p.wrap_up_ms <= 0) desk_done(e, p.call_id);
                   },
                   [](const auto&) {},
               },
               payload);
  }
};

crm_projection::crm_projection(crm_options options) : s_(std::make_unique<state>()) {
  s_->opt = options;
}
crm_projection::~crm_projection() = default;
crm_projection::crm_projection(crm_projection&&) noexcept = default;
crm_projection& crm_projection::operator=(crm_projection&&) noexcept = default;

status crm_projection::apply(const recorded_event& e) {
  std::string_view t = e.type;
  if (!(t == "call.arrived" || t == "call.queued" || t == "call.connected" || t == "call.held" ||
        t == "call.resumed" || t == "call.ended" || t == "queue.call_joined" ||
        t == "agent.disposition_set" || t == "agent.wrap_up_ended" || t == "agent.call_ended"))
    return {};
  auto payload = s_->codec.decode(e);
  if (!payload) return payload.error();
  s_->apply(e, *payload);
  return {};
}

void crm_projection::collect(view_changes& out) {
  for (auto& k : s_->deletes)
    out.deletes.push_back(std::move(k));
  s_->deletes.clear();
  for (auto& kv : s_->after_call_puts)
    out.puts.push_back(std::move(kv));
  s_->after_call_puts.clear();
  for (const auto& id : s_->dirty_calls) {
    auto it = s_->calls.find(id);
    if (it == s_->calls.end() || !it->second.dirty) continue;
    it->second.dirty = false;
    it->second.persisted = true;
    out.puts.emplace_back("crm/call/" + id, it->second.to_json().dump(
                                                -1, ' ', false, json::error_handler_t::replace));
  }
  s_->dirty_calls.clear();
  for (const auto& key : s_->dirty_profiles) {
    auto it = s_->profiles.find(key);
    if (it == s_->profiles.end() || !it->second.dirty) continue;
    it->second.dirty = false;
    out.puts.emplace_back(
        "crm/customer/" + key,
        to_json(it->second.p).dump(-1, ' ', false, json::error_handler_t::replace));
  }
  s_->dirty_profiles.clear();
  for (const auto& number : s_->dirty_callers) {
    auto it = s_->callers.find(number);
    if (it != s_->callers.end()) out.puts.emplace_back("crm/caller/" + number, it->second);
  }
  s_->dirty_callers.clear();
  auto tenant_rows = [&](const char* prefix, const string_map<std::vector<std::string>>& index,
                         std::vector<std::string>& dirty) {
    std::sort(dirty.begin(), dirty.end());
    dirty.erase(std::unique(dirty.begin(), dirty.end()), dirty.end());
    for (const auto& what : dirty) {
      auto it = index.find(what);
      if (it == index.end()) continue;
      std::string row;
      for (const auto& t : it->second)
        (row += t).push_back('\n'); // "\n" alone: the tenant ""

      out.puts.emplace_back(prefix + what, std::move(row));
    }
    dirty.clear();
  };
  tenant_rows("crm/tenants/customer/", s_->customer_tenants, s_->dirty_customer_tenants);
  tenant_rows("crm/tenants/caller/", s_->caller_tenants, s_->dirty_caller_tenants);
}

status crm_projection::restore(std::string_view key, std::string_view value) {
  auto bad = [&](const std::string& why) {
    return status{errc::corrupt_record, "view row '" + std::string{key} + "': " + why};
  };
  if (key.starts_with("crm/caller/")) {
    s_->callers[std::string{key.substr(11)}] = std::string{value};
    return {};
  }
  if (key.starts_with("crm/tenants/customer/")) {
    s_->customer_tenants[std::string{key.substr(21)}] = tenant_list(value);
    return {};
  }
  if (key.starts_with("crm/tenants/caller/")) {
    s_->caller_tenants[std::string{key.substr(19)}] = tenant_list(value);
    return {};
  }
  if (key.starts_with("crm/after_call/")) {
    s_->after_call[std::string{key.substr(15)}] = std::string{value};
    return {};
  }
  auto j = json::parse(value, nullptr, false);
  if (j.is_discarded()) return bad("not JSON");
  try {
    if (key.starts_with("crm/customer/")) {
      auto p = profile_from_json(j);
      if (!p) return bad(p.error().detail());
      s_->profiles[std::string{key.substr(13)}].p = std::move(*p);
    } else if (key.starts_with("crm/call/")) {
      auto& c = s_->calls[std::string{key.substr(9)}];
      c.i = interaction_from_json(j.at("interaction"));
      c.customer_id = j.at("customer_id").get<std::string>();
      c.vip = j.at("vip").get<bool>();
      c.first_queued_ns = j.at("first_queued_ns").get<std::int64_t>();
      c.connected_ns = j.at("connected_ns").get<std::int64_t>();
      c.hold_since_ns = j.at("hold_since_ns").get<std::int64_t>();
      c.desk_done = get_or<bool>(j, "desk_done", false);
      c.persisted = true;
    } else {
      return bad("unknown CRM row");
    }
  } catch (const std::exception& e) {
    return bad(e.what());
  }
  return {};
}

const customer_profile* crm_projection::find_customer(std::string_view tenant,
                                                      std::string_view customer_id) const {
  auto it = s_->profiles.find(tenant_key(tenant, customer_id));
  return it == s_->profiles.end() ? nullptr : &it->second.p;
}

const customer_profile* crm_projection::find_caller(std::string_view tenant,
                                                    std::string_view number) const {
  auto it = s_->callers.find(tenant_key(tenant, number));
  if (it == s_->callers.end()) return nullptr;
  auto p = s_->profiles.find(it->second);
  return p == s_->profiles.end() ? nullptr : &p->second.p;
}

std::vector<std::string> crm_projection::tenants_of_customer(std::string_view customer_id) const {
  auto it = s_->customer_tenants.find(customer_id);
  return it == s_->customer_tenants.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> crm_projection::tenants_of_caller(std::string_view number) const {
  auto it = s_->caller_tenants.find(number);
  return it == s_->caller_tenants.end() ? std::vector<std::string>{} : it->second;
}

std::size_t crm_projection::customers() const noexcept {
  return s_->profiles.size();
}

} // namespace hotline::projections::crm
