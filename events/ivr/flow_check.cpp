#include "events/ivr/flow_check.hpp"

#include <algorithm>
#include <deque>
#include <iterator>
#include <map>
#include <set>

namespace hotline::events::ivr {

namespace {

struct arc {
  std::size_t to = 0;
  bool silent = true;
  std::string key;
};

using var_set = std::set<std::string>;

/// The TOML key that holds a node's target, by kind.
std::string target_key(node_kind k) {
  switch (k) {
  case node_kind::voicemail:
    return "mailbox";
  case node_kind::transfer:
    return "number";
  default:
    return "queue";
  }
}

class checker {
public:
  explicit checker(const flow& f) : f_(f), arcs_(f.nodes.size()) {}

  std::vector<flow_problem> run() {
    ids();
    references();
    if (start_ == npos) return std::move(out_);
    reach();
    silent_loops();
    variables();
    return std::move(out_);
  }

private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  void error(std::size_t node, std::string key, std::string message, std::string unknown = {}) {
    out_.push_back({true, node == npos ? -1 : static_cast<std::int32_t>(node), std::move(key),
                    std::move(message), std::move(unknown)});
  }
  void warning(std::size_t node, std::string key, std::string message) {
    out_.push_back(
        {false, static_cast<std::int32_t>(node), std::move(key), std::move(message), {}});
  }
  const std::string& name(std::size_t i) const { return f_.nodes[i].id; }

  void ids() {
    for (std::size_t i = 0; i < f_.nodes.size(); ++i) {
      const auto& id = f_.nodes[i].id;
      if (id.empty()) continue; // reported by reading
      auto [it, fresh] = index_.emplace(id, i);
      if (!fresh)
        error(i, "id",
              "node id '" + id + "' is used twice (first by nodes[" + std::to_string(it->second) +
                  "])");
    }
  }

  void references() {
    if (f_.start.empty())
      error(npos, "start", "a flow needs a start node");
    else if (auto it = index_.find(f_.start); it == index_.end())
      error(npos, "start", "unknown node '" + f_.start + "'", f_.start);
    else
      start_ = it->second;
    for (std::size_t i = 0; i < f_.nodes.size(); ++i)
      for (auto& e : edges_of(f_.nodes[i])) {
        auto it = index_.find(e.to);
        if (it == index_.end())
          error(i, e.key, "unknown node '" + e.to + "'", e.to);
        else
          arcs_[i].push_back({it->second, e.silent, std::move(e.key)});
      }
  }

  void reach() {
    reached_.assign(f_.nodes.size(), false);
    std::deque<std::size_t> todo{start_};
    reached_[start_] = true;
    while (!todo.empty()) {
      const auto i = todo.front();
      todo.pop_front();
      for (const auto& a : arcs_[i])
        if (!reached_[a.to]) {
          reached_[a.to] = true;
          todo.push_back(a.to);
        }
    }
    for (std::size_t i = 0; i < f_.nodes.size(); ++i)
      if (!reached_[i] && !f_.nodes[i].id.empty() && index_.at(f_.nodes[i].id) == i)
        warning(i, "id",
                "node '" + name(i) + "' is never reached from the start ('" + f_.start + "')");
  }

  /// Depth-first over silent arcs; a back arc closes a loop.
  void silent_loops() {
    color_.assign(f_.nodes.size(), 0);
    for (std::size_t i = 0; i < f_.nodes.size(); ++i)
      if (reached_[i] && color_[i] == 0) visit(i);
  }
  void visit(std::size_t i) {
    color_[i] = 1;
    path_.push_back(i);
    for (const auto& a : arcs_[i]) {
      if (!a.silent) continue;
      if (color_[a.to] == 1) {
        auto from = std::find(path_.begin(), path_.end(), a.to);
        std::string loop;
        for (auto it = from; it != path_.end(); ++it)
          loop += name(*it) + " -> ";
        loop += name(a.to);
        error(i, a.key,
              "loop with no caller input: " + loop +
                  " (a caller who presses nothing would go round for ever; give the loop a way "
                  "out)");
      } else if (color_[a.to] == 0) {
        visit(a.to);
      }
    }
    path_.pop_back();
    color_[i] = 2;
  }

  /// What taking arc `key` out of node `n` sets.
  static var_set gen(const node& n, const std::string& key) {
    var_set s;
    if (n.kind == node_kind::collect && key == "next" && !n.variable.empty()) s.insert(n.variable);
    if (n.kind == node_kind::lookup && key == "next")
      for (const auto& [column, variable] : n.fields)
        s.insert(variable);
    return s;
  }

  void variables() {
    var_set known(builtin_variables().begin(), builtin_variables().end());
    known.insert(f_.inputs.begin(), f_.inputs.end());
    var_set all = known;
    for (const auto& n : f_.nodes)
      for (const auto& e : edges_of(n)) {
        auto g = gen(n, e.key);
        all.insert(g.begin(), g.end());
      }
    // Must-be-set analysis: what every way from the start has set on
    // arriving at each node (the top value, `all`, until a way is known).
    std::vector<var_set> in(f_.nodes.size(), all);
    in[start_] = known;
    for (bool changed = true; changed;) {
      changed = false;
      std::vector<var_set> next(f_.nodes.size(), all);
      next[start_] = known;
      for (std::size_t i = 0; i < f_.nodes.size(); ++i) {
        if (!reached_[i]) continue;
        for (const auto& a : arcs_[i]) {
          var_set out = in[i];
          auto g = gen(f_.nodes[i], a.key);
          out.insert(g.begin(), g.end());
          var_set meet;
          std::set_intersection(next[a.to].begin(), next[a.to].end(), out.begin(), out.end(),
                                std::inserter(meet, meet.begin()));
          next[a.to] = std::move(meet);
        }
      }
      for (std::size_t i = 0; i < f_.nodes.size(); ++i)
        if (reached_[i] && next[i] != in[i]) {
          in[i] = std::move(next[i]);
          changed = true;
        }
    }
    for (std::size_t i = 0; i < f_.nodes.size(); ++i) {
      if (!reached_[i]) continue;
      std::set<std::string> told; // one message per variable and key
      for (const auto& [key, var] : variable_uses(f_.nodes[i])) {
        if (!told.insert(key + '\n' + var).second) continue;
        if (!all.count(var))
          error(i, key,
                "variable '" + var +
                    "' is never set (a collect node's variable, a lookup's fields or the flow's "
                    "inputs set variables)");
        else if (!in[i].count(var) && key != "attach") // attaching an unset one is harmless
          error(i, key,
                "variable '" + var +
                    "' may be used before it is set: a way from the start "
                    "reaches node '" +
                    name(i) + "' without setting it");
      }
    }
  }

  const flow& f_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::vector<arc>> arcs_;
  std::size_t start_ = npos;
  std::vector<bool> reached_;
  std::vector<int> color_;
  std::vector<std::size_t> path_;
  std::vector<flow_problem> out_;
};

} // namespace

std::vector<std::pair<std::string, std::string>> variable_uses(const node& n) {
  std::vector<std::pair<std::string, std::string>> uses;
  const auto in_text = [&](const std::string& key, const std::string& text) {
    for (auto& v : referenced_variables(text))
      uses.emplace_back(key, std::move(v));
  };
  in_text("text", n.prompt.text);
  in_text("prompt", n.prompt.name);
  in_text("invalid_text", n.invalid_prompt.text);
  in_text("key", n.key);
  in_text("url", n.http.url);
  in_text("body", n.http.body);
  for (std::size_t i = 0; i < n.cases.size(); ++i)
    if (!n.cases[i].variable.empty())
      uses.emplace_back("cases[" + std::to_string(i) + "].variable", n.cases[i].variable);
  in_text(target_key(n.kind), n.target);
  for (const auto& [skill, level] : n.skills)
    in_text("skills", skill);
  for (const auto& a : n.attach)
    uses.emplace_back("attach", a);
  if (n.kind == node_kind::callback) in_text("number", n.callback_number);
  return uses;
}

std::vector<flow_problem> check_flow(const flow& f) {
  return checker{f}.run();
}

} // namespace hotline::events::ivr
