#include "events/ivr/flow.hpp"

#include <array>

namespace hotline::events::ivr {

namespace {

constexpr std::array<const char*, 12> kind_names{"play",      "menu",     "collect",  "language",
                                                 "lookup",    "branch",   "hours",    "queue",
                                                 "voicemail", "callback", "transfer", "hangup"};

} // namespace

const char* to_string(node_kind k) noexcept {
  const auto i = static_cast<std::size_t>(k);
  return i < kind_names.size() ? kind_names[i] : "?";
}

bool parse_node_kind(std::string_view text, node_kind& out) noexcept {
  for (std::size_t i = 0; i < kind_names.size(); ++i)
    if (text == kind_names[i]) {
      out = static_cast<node_kind>(i);
      return true;
    }
  return false;
}

const std::vector<std::string>& node_kind_names() {
  static const std::vector<std::string> names(kind_names.begin(), kind_names.end());
  return names;
}

const node* flow::find(std::string_view id) const {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

const std::string& flow::default_language() const {
  static const std::string zh = "zh";
  return languages.empty() ? zh : languages.front();
}

const std::vector<std::string>& builtin_variables() {
  static const std::vector<std::string> names{"caller", "dialed", "tenant", "vip", "language"};
  return names;
}

std::string render(std::string_view text, const std::map<std::string, std::string>& vars) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      const auto close = text.find('}', i + 2);
      if (close == std::string_view::npos) break; // unclosed: the rest stays as written
      const auto name = std::string(text.substr(i + 2, close - i - 2));
      if (auto it = vars.find(name); it != vars.end()) out += it->second;
      i = close + 1;
      continue;
    }
    out += text[i++];
  }
  out.append(text.substr(i));
  return out;
}

std::vector<std::string> referenced_variables(std::string_view text) {
  std::vector<std::string> names;
  for (auto at = text.find("${"); at != std::string_view::npos; at = text.find("${", at + 2)) {
    const auto close = text.find('}', at + 2);
    if (close == std::string_view::npos) break;
    names.emplace_back(text.substr(at + 2, close - at - 2));
  }
  return names;
}

bool luhn_valid(std::string_view digits) noexcept {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it < '0' || *it > '9') return false;
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool is_exit(node_kind k) noexcept {
  switch (k) {
  case node_kind::queue:
  case node_kind::voicemail:
  case node_kind::callback:
  case node_kind::transfer:
  case node_kind::hangup:
    return true;
  default:
    return false;
  }
}

std::vector<edge> edges_of(const node& n) {
  std::vector<edge> out;
  const auto add = [&](const std::string& to, bool silent, std::string key) {
    if (!to.empty()) out.push_back({to, silent, std::move(key)});
  };
  switch (n.kind) {
  case node_kind::play:
    add(n.next, true, "next");
    break;
  case node_kind::menu:
    for (const auto& [key, to] : n.choices)
      add(to, false, "choices." + key);
    add(n.fallback, true, "default");
    break;
  case node_kind::language:
    add(n.next, true, "next"); // a silent caller keeps the flow's language and goes on
    break;
  case node_kind::collect:
    add(n.next, false, "next");
    add(n.fallback, true, "default");
    break;
  case node_kind::lookup:
    add(n.next, true, "next");
    add(n.not_found, true, "not_found");
    add(n.on_failure, true, "on_failure");
    break;
  case node_kind::branch:
    for (std::size_t i = 0; i < n.cases.size(); ++i)
      add(n.cases[i].next, true, "cases[" + std::to_string(i) + "].next");
    add(n.otherwise, true, "else");
    break;
  case node_kind::hours:
    add(n.open, true, "open");
    add(n.closed, true, "closed");
    break;
  default:
    break;
  }
  return out;
}

} // namespace hotline::events::ivr
