#include "drivers/cli/help_style.hpp"

#include <cctype>
#include <map>
#include <sstream>

namespace hotline::cli {

namespace {

constexpr std::size_t help_width = 100;
constexpr std::size_t description_column = 30;
constexpr std::size_t subcommand_column = 14;

/// Labels by long option name; DIR/FILE exceptions by "command --option".
const std::map<std::string, std::string>& labels() {
  static const std::map<std::string, std::string> m{
      {"store", "DIR"},
      {"views", "DIR"},
      {"dir", "DIR"},
      {"out", "DIR"},
      {"rocksdb-log", "DIR"},
      {"config", "FILE"},
      {"report", "FILE"},
      {"html", "FILE"},
      {"forecast", "FILE"},
      {"map", "FILE"},
      {"key", "FILE"},
      {"public-key", "FILE"},
      {"anchor", "FILE"},
      {"file", "FILE"},
      {"kafka", "BROKERS"},
      {"topic", "TOPIC"},
      {"from", "TIME"},
      {"to", "TIME"},
      {"interval", "DURATION"},
      {"fcr-window", "DURATION"},
      {"tz", "ZONE"},
      {"timezone", "ZONE"},
      {"property", "KEY=VALUE"},
      {"customer", "ID"},
      {"call", "ID"},
      {"agent", "ID"},
      {"user", "ID"},
  };
  return m;
}

const std::map<std::string, std::string>& exceptions() {
  static const std::map<std::string, std::string> m{
      {"anchor --out", "FILE"}, // the anchor file (replay --out is a directory)
      {"read --from", "NUM"},   // store read: a position, not a time
  };
  return m;
}

bool is_number_type(const std::string& t) {
  return t == "INT" || t == "UINT" || t == "FLOAT" || t == "NUMBER";
}

std::string upper_name(std::string name) {
  for (auto& c : name)
    c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

/// The base of CLI11's type name, before any validator's ":desc".
std::string base_type(const CLI::Option* opt) {
  auto full = opt->get_type_name();
  return full.substr(0, full.find(':'));
}

void label(CLI::App& app) {
  for (auto* opt : app.get_options([](const CLI::Option*) { return true; })) {
    if (opt->get_type_size() == 0 || opt->get_type_name().empty()) continue; // a flag
    std::string name = opt->get_lnames().empty() ? opt->get_name() : opt->get_lnames().front();
    if (name == "help" || name == "help-all" || name == "version") continue;
    const auto base = base_type(opt);
    std::string l;
    if (auto e = exceptions().find(app.get_name() + " --" + name); e != exceptions().end())
      l = e->second;
    else if (is_number_type(base))
      l = "NUM";
    else if (auto it = labels().find(name); it != labels().end())
      l = it->second;
    else
      l = upper_name(name);
    if (opt->get_expected_min() == 0 && opt->get_expected_max() == 1)
      l = "[" + l + "]"; // the value may be left out
    opt->type_name(l);
  }
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
    label(*sub);
}

/// A line longer than help_width laid out over several, each continuation
/// under the line's text column: an option row's description column, else
/// the line's own indent.
std::string wrap_line(const std::string& line) {
  if (line.size() <= help_width) return line;
  // The continuation indent: the description column of an "  --opt X   text"
  // row, else the line's own leading spaces.
  std::size_t lead = line.find_first_not_of(' ');
  if (lead == std::string::npos) return line;
  std::size_t indent = lead;
  const auto gap = line.find("  ", lead);
  if (lead > 0 && gap != std::string::npos && gap < description_column + 10) { // "  name   text"
    const auto text = line.find_first_not_of(' ', gap);
    if (text != std::string::npos && text <= description_column + 10) indent = text;
  }
  if (indent > help_width / 2) indent = lead + 4;
  std::string out = line.substr(0, indent);
  std::size_t col = indent;
  std::istringstream words{line.substr(indent)};
  std::string w;
  bool first = true;
  while (words >> w) {
    if (!first && col + 1 + w.size() > help_width) {
      out += "\n" + std::string(indent, ' ');
      col = indent;
      first = true;
    }
    if (!first) {
      out += ' ';
      ++col;
    }
    out += w;
    col += w.size();
    first = false;
  }
  return out;
}

std::string wrap(const std::string& text) {
  std::string out;
  std::istringstream lines{text};
  std::string line;
  while (std::getline(lines, line))
    out += wrap_line(line) + "\n";
  if (!text.empty() && text.back() != '\n' && !out.empty()) out.pop_back();
  return out;
}

class formatter final : public CLI::Formatter {
public:
  formatter() { column_width(description_column); }

  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    return wrap(CLI::Formatter::make_help(app, std::move(name), mode));
  }

  /// A subcommand's row: names are short, so the description starts sooner.
  std::string make_subcommand(const CLI::App* sub) const override {
    std::ostringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true), sub->get_description(),
                             subcommand_column);
    return out.str();
  }

  /// CLI11's, without validators' descriptions that repeat the label
  /// ("FILE:FILE", "DIR:DIR").
  std::string make_option_opts(const CLI::Option* opt) const override {
    auto s = CLI::Formatter::make_option_opts(opt);
    for (const char* dup : {":FILE", ":DIR", ":PATH(existing)"}) {
      for (auto at = s.find(dup); at != std::string::npos; at = s.find(dup))
        s.erase(at, std::string{dup}.size());
    }
    // A choice speaks for itself: "--format {table,json}", not "--format FORMAT:{table,json}".
    if (auto brace = s.find(":{"); brace != std::string::npos && s.size() > 1 && s[0] == ' ')
      s.erase(1, brace);
    return s;
  }
};

} // namespace

std::shared_ptr<CLI::Formatter> help_formatter() {
  return std::make_shared<formatter>();
}

void label_options(CLI::App& app) {
  label(app);
}

} // namespace hotline::cli
