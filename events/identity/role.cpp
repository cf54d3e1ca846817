#include "events/identity/role.hpp"

namespace hotline::events::identity {

std::vector<std::string> role_names(const role_set& roles) {
  std::vector<std::string> out;
  out.reserve(roles.size());
  for (auto r : roles)
    out.emplace_back(to_wire(r));
  return out;
}

result<role_set> parse_roles(const std::vector<std::string>& names) {
  role_set out;
  for (const auto& n : names) {
    auto r = parse_wire<role>(n);
    if (!r) return r.error();
    out.insert(*r);
  }
  return out;
}

std::string describe(const role_set& roles) {
  if (roles.empty()) return "(none)";
  std::string out;
  for (auto r : roles) {
    if (!out.empty()) out += ", ";
    out += to_wire(r);
  }
  return out;
}

} // namespace hotline::events::identity
