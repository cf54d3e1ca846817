#pragma once
// Test support: a center configuration (TOML) for tests that start a real
// `hotline node`, written piece by piece so each test states only what its
// center has:
//
//   center_toml{"apisite"}.tenant("acme").trunk("pstn", 50)
//       .queue("sales", "acme", "sales = 1").agent("a1", "acme", "sales = 50", {"sales"})
//       .entry("100", "acme", "sales").write(dir);
//
// `extra` arguments are TOML lines added to the table as they are
// ("ring_timeout_s = 30"); `raw` appends whole sections ([node], [api], …).
#include <fstream>
#include <string>
#include <vector>

namespace hotline::test {

class center_toml {
public:
  explicit center_toml(const std::string& site) { text_ = "[site]\nid = \"" + site + "\"\n"; }

  center_toml& tenant(const std::string& id) {
    text_ += "\n[[tenants]]\nid = \"" + id + "\"\n";
    return *this;
  }
  center_toml& trunk(const std::string& id, int channels) {
    text_ += "\n[[trunks]]\nid = \"" + id + "\"\nchannels = " + std::to_string(channels) + "\n";
    return *this;
  }
  /// `skills`: the inside of the inline table ("sales = 1").
  center_toml& queue(const std::string& id, const std::string& tenant, const std::string& skills,
                     const std::string& extra = {}) {
    text_ += "\n[[queues]]\nid = \"" + id + "\"\ntenant = \"" + tenant + "\"\nskills = { " +
             skills + " }\n" + lines(extra);
    return *this;
  }
  /// `skills`: the inside of the inline table ("sales = 50"), or empty for none.
  center_toml& agent(const std::string& id, const std::string& tenant, const std::string& skills,
                     const std::vector<std::string>& queues, const std::string& extra = {}) {
    text_ += "\n[[agents]]\nid = \"" + id + "\"\ntenant = \"" + tenant + "\"\n";
    if (!skills.empty()) text_ += "skills = { " + skills + " }\n";
    text_ += "queues = " + list(queues) + "\n" + lines(extra);
    return *this;
  }
  center_toml& entry(const std::string& dialed, const std::string& tenant,
                     const std::string& queue) {
    text_ += "\n[[entry_points]]\ndialed = \"" + dialed + "\"\ntenant = \"" + tenant +
             "\"\nqueue = \"" + queue + "\"\n";
    return *this;
  }
  /// Simulated callers to `dialed` at `rate_per_h` (`[node] traffic`), who
  /// wait long and talk long; `api_agents` are left to people.
  center_toml& traffic(const std::string& dialed, int rate_per_h, int seed,
                       const std::vector<std::string>& api_agents) {
    text_ += "\n[node]\ntraffic = true\n\n[simulation]\nseed = " + std::to_string(seed) +
             "\napi_agents = " + list(api_agents) +
             "\nhandle_time = { distribution = \"exponential\", mean_s = 600 }\n"
             "patience = { distribution = \"exponential\", mean_s = 3600 }\n"
             "  [[simulation.arrivals]]\n  entry_point = \"" +
             dialed + "\"\n  rate_per_h = " + std::to_string(rate_per_h) + "\n";
    return *this;
  }
  center_toml& raw(const std::string& toml) {
    text_ += "\n" + toml + (toml.empty() || toml.back() == '\n' ? "" : "\n");
    return *this;
  }

  const std::string& text() const { return text_; }
  /// Writes `DIR/center.toml`; its path.
  std::string write(const std::string& dir) const {
    const auto path = dir + "/center.toml";
    std::ofstream{path} << text_;
    return path;
  }

private:
  static std::string lines(const std::string& extra) {
    return extra.empty() || extra.back() == '\n' ? extra : extra + "\n";
  }
  static std::string list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
      out += (i ? ", \"" : "\"") + items[i] + "\"";
    return out + "]";
  }

  std::string text_;
};

} // namespace hotline::test
