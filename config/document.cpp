#include "config/document.hpp"

#include <optional>

#include "config/input_file.hpp"
#include "config/key_parts.hpp"
#include "config/limits.hpp"

namespace hotline::config::detail {

namespace {

namespace fs = std::filesystem;

diagnostic error_at(const toml::source_region& where, std::string key, std::string message) {
  diagnostic d;
  d.file = where.path ? *where.path : std::string{};
  d.line = where.begin.line;
  d.column = where.begin.column;
  d.key = std::move(key);
  d.message = std::move(message);
  return d;
}

/// The element's identity ("id=sales"), or "" when it has none.
std::string identity_of(const toml::node& element, std::string_view array_path) {
  const auto* table = element.as_table();
  if (!table) return {};
  for (auto key : identity_keys(array_path))
    if (const auto* v = table->get_as<std::string>(key)) return std::string(key) + '=' + v->get();
  return {};
}

void merge_tables(toml::table& base, toml::table&& overlay, const std::string& path);

/// Merges two arrays of tables by identity; false when `overlay` is not such
/// an array (then it replaces `base`).
bool merge_keyed_arrays(toml::array& base, toml::array& overlay, const std::string& path) {
  if (identity_keys(path).empty()) return false;
  for (auto& element : overlay)
    if (identity_of(element, path).empty()) return false;

  // Only elements from earlier files are patched: two elements with one
  // identity in the same file stay two, so validation reports the duplicate.
  const std::size_t earlier = base.size();
  std::vector<bool> patched(earlier, false);
  for (auto& element : overlay) {
    const auto identity = identity_of(element, path);
    std::size_t match = earlier;
    for (std::size_t i = 0; i < earlier; ++i)
      if (!patched[i] && identity_of(*base.get(i), path) == identity) {
        match = i;
        break;
      }
    if (match < earlier && base.get(match)->is_table()) {
      patched[match] = true;
      merge_tables(*base.get(match)->as_table(), std::move(*element.as_table()), path);
    } else {
      base.push_back(std::move(*element.as_table()));
    }
  }
  return true;
}

void merge_tables(toml::table& base, toml::table&& overlay, const std::string& path) {
  for (auto&& [key, value] : overlay) {
    const std::string child =
        path.empty() ? std::string(key.str()) : path + '.' + std::string(key.str());
    if (auto* existing = base.get(key.str())) {
      if (existing->is_table() && value.is_table()) {
        merge_tables(*existing->as_table(), std::move(*value.as_table()), child);
        continue;
      }
      if (existing->is_array() && value.is_array() &&
          merge_keyed_arrays(*existing->as_array(), *value.as_array(), child))
        continue;
      base.erase(key.str());
    }
    // Moving keeps the node's source region; copying toml++ nodes drops it.
    base.insert(key, std::move(value));
  }
}

struct include_reader {
  diagnostics& out;
  std::vector<std::string> files;
  std::vector<fs::path> stack;          ///< canonical paths of the files being read
  std::vector<std::string> stack_names; ///< as displayed

  std::uintmax_t bytes_read = 0; ///< all files so far, against limits::max_total_bytes

  /// The text of `file`, or nullopt with the reason in `why`: only a regular
  /// file within the size limits is read (input_file.hpp).
  std::optional<std::string> slurp(const fs::path& file, std::string& why) {
    if (files.size() >= limits::max_files) {
      why = "a configuration reads at most " + std::to_string(limits::max_files) +
            " files (includes counted each time they are read)";
      return std::nullopt;
    }
    auto text = read_input_file(
        file, std::min(limits::max_file_bytes, limits::max_total_bytes - bytes_read), why);
    if (!text && why.rfind("is ", 0) == 0 && why.find(" bytes; ") != std::string::npos &&
        bytes_read > 0)
      why += " (" + std::to_string(bytes_read) + " bytes of other files were read before it; " +
             std::to_string(limits::max_total_bytes) + " in all)";
    if (text) bytes_read += text->size();
    return text;
  }

  /// Parses `file` (already known to be readable) and merges its includes
  /// under it; nullopt after reporting a syntax error.
  std::optional<toml::table> read(const std::string& shown, const std::string& text) {
    if (auto long_key = find_overlong_key(text, shown, limits::max_key_parts)) {
      out.push_back(std::move(*long_key));
      return std::nullopt;
    }
    toml::table own;
    try {
      own = toml::parse(text, shown);
    } catch (const toml::parse_error& e) {
      out.push_back(error_at(e.source(), {}, std::string(e.description())));
      return std::nullopt;
    }
    toml::table merged;
    if (auto* include = own.get("include")) {
      include_all(*include, shown, merged);
      own.erase("include");
    }
    merge_tables(merged, std::move(own), {});
    return merged;
  }

  void include_all(toml::node& include, const std::string& shown, toml::table& merged) {
    std::vector<const toml::node*> names;
    if (include.is_string()) {
      names.push_back(&include);
    } else if (auto* list = include.as_array()) {
      for (auto& n : *list)
        names.push_back(&n);
    } else {
      out.push_back(
          error_at(include.source(), "include", "expected a file name or an array of file names"));
      return;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto key =
          include.is_string() ? std::string("include") : "include[" + std::to_string(i) + "]";
      const auto* name = names[i]->as_string();
      if (!name || name->get().empty()) {
        out.push_back(
            error_at(names[i]->source(), key, "expected a file name (a non-empty string)"));
        continue;
      }
      const auto target = (fs::path(shown).parent_path() / name->get()).lexically_normal();
      if (auto child = include_one(target, names[i]->source(), key))
        merge_tables(merged, std::move(*child), {});
    }
  }

  std::optional<toml::table> include_one(const fs::path& target, const toml::source_region& at,
                                         const std::string& key) {
    std::error_code ec;
    const auto canonical = fs::weakly_canonical(target, ec);
    for (std::size_t i = 0; i < stack.size(); ++i)
      if (stack[i] == canonical) {
        std::string chain;
        for (std::size_t j = i; j < stack_names.size(); ++j)
          chain += stack_names[j] + " -> ";
        out.push_back(error_at(at, key, "include cycle: " + chain + target.string()));
        return std::nullopt;
      }
    std::string why;
    auto text = slurp(target, why);
    if (!text) {
      out.push_back(
          error_at(at, key, "cannot read included file '" + target.string() + "': " + why));
      return std::nullopt;
    }
    return enter(target, canonical, *text);
  }

  std::optional<toml::table> enter(const fs::path& shown, const fs::path& canonical,
                                   const std::string& text) {
    files.push_back(shown.string());
    stack.push_back(canonical);
    stack_names.push_back(shown.string());
    auto table = read(shown.string(), text);
    stack.pop_back();
    stack_names.pop_back();
    return table;
  }
};

} // namespace

std::vector<std::string_view> identity_keys(std::string_view array_path) {
  if (array_path == "tenants" || array_path == "trunks" || array_path == "queues" ||
      array_path == "agents")
    return {"id"};
  if (array_path == "agent_groups") return {"id_prefix"};
  if (array_path == "entry_points") return {"dialed"};
  if (array_path == "flows" || array_path == "flows.nodes") return {"id"};
  if (array_path == "simulation.arrivals") return {"entry_point", "queue"};
  return {};
}

merged_document read_document(const std::filesystem::path& file, diagnostics& out) {
  merged_document doc;
  include_reader reader{out, {}, {}, {}, 0};
  std::string why;
  auto text = reader.slurp(file, why);
  if (!text) {
    out.push_back({severity::error, file.string(), 0, 0, {}, "cannot read file: " + why});
    return doc;
  }
  std::error_code ec;
  if (auto root = reader.enter(file, fs::weakly_canonical(file, ec), *text))
    doc.root = std::move(*root);
  doc.files = std::move(reader.files);
  return doc;
}

} // namespace hotline::config::detail
