#include "drivers/api/openapi.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace hotline::drivers::api {

namespace {

nlohmann::json error_response(const char* what) {
  return {
      {"description", what},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/error"}}}}}}}};
}

std::string operation_id(const route_info& r) {
  std::string id;
  for (char c : r.method + r.path)
    id += std::isalnum(static_cast<unsigned char>(c)) ? char(std::tolower(c)) : '_';
  return id;
}

} // namespace

std::string openapi_document(const std::vector<route_info>& routes) {
  nlohmann::json paths = nlohmann::json::object();
  for (const auto& r : routes) {
    nlohmann::json op{{"summary", r.summary},
                      {"description", "Roles: " + r.roles},
                      {"operationId", operation_id(r)}};
    nlohmann::json params = nlohmann::json::array();
    for (std::size_t at = r.path.find('{'); at != std::string::npos;
         at = r.path.find('{', at + 1)) {
      auto end = r.path.find('}', at);
      params.push_back({{"name", r.path.substr(at + 1, end - at - 1)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (r.method == "POST")
      op["requestBody"] = {{"required", false},
                           {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    const auto body_schema = r.content_type == "application/json"
                                 ? nlohmann::json{{"type", "object"}}
                                 : nlohmann::json{{"type", "string"}, {"format", "binary"}};
    nlohmann::json responses{
        {"200",
         {{"description", "done"}, {"content", {{r.content_type, {{"schema", body_schema}}}}}}},
        {"400", error_response("malformed request: the detail names the field")},
        {"429", error_response("rate limited (Retry-After)")}};
    if (r.authenticated) {
      op["security"] = nlohmann::json::array(
          {{{"session", nlohmann::json::array()}}, {{"bearer", nlohmann::json::array()}}});
      responses["401"] = error_response("no valid session or token");
      responses["403"] = error_response("your roles may not do this");
      responses["404"] = error_response("no such object in your tenant");
      responses["409"] = error_response("refused in the object's state (the decider's code)");
    }
    op["responses"] = responses;
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    paths[r.path][method] = op;
  }
  nlohmann::json doc{
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "hotline node API"},
        {"version", "1"},
        {"description", "Agents, supervisors, admins, auditors and operators of one hotline node. "
                        "Live feeds: WebSocket GET /api/feed?since=SEQ (docs/api.md)."}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "hotline_session"}}},
          {"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas",
         {{"error",
           {{"type", "object"},
            {"required", {"error", "detail"}},
            {"properties",
             {{"error", {{"type", "string"}}}, {"detail", {{"type", "string"}}}}}}}}}}}};
  return doc.dump(2);
}

} // namespace hotline::drivers::api
