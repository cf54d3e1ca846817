// The IVR flows of the node (docs/api.md, "IVR flows"; docs/ivr.md): what
// the admin page shows and validates. The checks are `hotline config
// check`'s own: the node's configuration file is read again
// (config/load.hpp, which runs config/flow_reader and
// events/ivr/flow_check) and the diagnostics about flows are returned as
// that command prints them. An API embedded without the file
// (api_options::config_file empty) gets the graph checks of
// events/ivr/flow_check alone.
#include "config/json.hpp"
#include "config/load.hpp"
#include "drivers/api/api_exchange.hpp"
#include "events/ivr/flow_check.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;

namespace {

/// The index of the flow a diagnostic's key is about ("flows[2].nodes[0].next" -> 2).
std::optional<std::size_t> flow_index(const std::string& key) {
  if (key.rfind("flows[", 0) != 0) return std::nullopt;
  const auto end = key.find(']');
  if (end == std::string::npos) return std::nullopt;
  try {
    return std::stoul(key.substr(6, end - 6));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

nlohmann::json diagnostic_json(const config::diagnostic& d) {
  return {{"severity", config::to_string(d.level)},
          {"file", d.file},
          {"line", d.line},
          {"column", d.column},
          {"key", d.key},
          {"message", d.message},
          {"text", config::format(d)}};
}

/// The graph checks alone, shaped as config check's diagnostics (no file).
std::vector<config::diagnostic> graph_problems(const events::ivr::flow& f, std::size_t index) {
  std::vector<config::diagnostic> out;
  for (const auto& p : events::ivr::check_flow(f)) {
    config::diagnostic d;
    d.level = p.error ? config::severity::error : config::severity::warning;
    d.key = "flows[" + std::to_string(index) + "]";
    if (p.node >= 0) d.key += ".nodes[" + std::to_string(p.node) + "]";
    if (!p.key.empty()) d.key += "." + p.key;
    d.message = p.message;
    out.push_back(std::move(d));
  }
  return out;
}

/// GET /api/flows: the flows the node runs that the user may see, each with its checks.
void list_flows(node_api::impl& api, const exchange_ptr& ex) {
  const bool everything =
      identity::authorize(ex->who, identity::action::platform, {}) == identity::decision::allow;
  identity::resource mine;
  mine.tenant = ex->who.tenant;
  if (!everything && !api.allowed(ex, identity::action::configure, mine)) return;
  // Reading the file again (prompts, tables) touches the disk: off the I/O thread.
  api.checks.post([&api, ex, everything] {
    const auto& running = api.ctx->center.flows;
    std::map<std::string, std::vector<config::diagnostic>> by_flow; // flow id -> problems
    std::map<std::string, bool> file_differs;                       // flow id -> changed on disk
    std::vector<config::diagnostic> general; // about the file as a whole (errors with no key)
    const auto& file = api.opt.config_file;
    if (!file.empty()) {
      const auto loaded =
          api.opt.check_config ? api.opt.check_config(file) : config::load_file(file);
      const auto& on_disk = loaded.config.center.flows;
      for (const auto& d : loaded.problems) {
        if (auto i = flow_index(d.key); i && *i < on_disk.size())
          by_flow[on_disk[*i].id].push_back(d);
        else if (d.key.empty() && d.level == config::severity::error)
          general.push_back(d);
      }
      for (const auto& f : running) {
        auto same = std::find_if(on_disk.begin(), on_disk.end(),
                                 [&](const auto& g) { return g.id == f.id; });
        file_differs[f.id] = same == on_disk.end() || !(*same == f);
      }
    } else {
      for (std::size_t i = 0; i < running.size(); ++i)
        by_flow[running[i].id] = graph_problems(running[i], i);
    }
    auto flows = nlohmann::json::array();
    std::size_t errors = 0, warnings = 0;
    for (const auto& f : running) {
      if (!everything && f.tenant != ex->who.tenant) continue;
      nlohmann::json j = config::flow_json(f);
      auto problems = nlohmann::json::array();
      for (const auto& d : by_flow[f.id]) {
        (d.level == config::severity::error ? errors : warnings) += 1;
        problems.push_back(diagnostic_json(d));
      }
      j["diagnostics"] = problems;
      if (!file.empty()) j["file_differs"] = file_differs[f.id];
      flows.push_back(std::move(j));
    }
    auto file_problems = nlohmann::json::array();
    for (const auto& d : general)
      file_problems.push_back(diagnostic_json(d));
    ex->reply(200, {{"flows", flows},
                    {"checked", file.empty() ? "graph" : "file"},
                    {"config_file", file},
                    {"errors", errors},
                    {"warnings", warnings},
                    {"file_problems", file_problems}});
  });
}

} // namespace

void add_flow_routes(node_api::impl& api) {
  api.add("GET", "/api/flows",
          "The IVR flows the node runs (nodes and edges), each with the diagnostics `hotline "
          "config check` gives it now",
          "admin (its tenant); operator", list_flows);
}

} // namespace hotline::drivers::api
