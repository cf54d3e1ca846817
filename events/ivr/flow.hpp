#pragma once
/// An IVR flow as the domain sees it: plain data, read from TOML by
/// config/flow_reader (docs/ivr.md lists every key) or built in code by
/// tests. The session decider (events/ivr/session.hpp) walks it; the
/// graph check (events/ivr/flow_check.hpp, run by `hotline config check`)
/// proves, before a node runs it, that every reference resolves and that a
/// silent caller always leaves.
///
/// A flow is a graph of nodes named by id. Nodes that wait for the caller:
/// `menu`, `language`, `collect`; nodes that wait for the world: `play`
/// (the prompt ends), `lookup` (the data answers); nodes that decide at
/// once: `branch`, `hours`; and the exits: `queue`, `voicemail`,
/// `callback`, `transfer`, `hangup`.
///
/// Text fields may hold `${variable}`: the session's variables filled in
/// when the node runs (an unknown one becomes ""; the check refuses a
/// variable not certainly set on every way to the node).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::events::ivr {

enum class node_kind : std::uint8_t {
  play,
  menu,
  collect,
  language,
  lookup,
  branch,
  hours,
  queue,
  voicemail,
  callback,
  transfer,
  hangup,
};
/// "play", "menu", ...; "?" for a value that is not an enumerator.
const char* to_string(node_kind k) noexcept;
bool parse_node_kind(std::string_view text, node_kind& out) noexcept;
/// Every node kind's name, in declaration order (for messages).
const std::vector<std::string>& node_kind_names();

/// What a node says to the caller: a recorded prompt by name (resolved per
/// language by the telephony side: `<prompts>/<language>/<name>.wav`) or a
/// text to speak. Both empty: silence.
struct prompt_ref {
  std::string name;
  std::string text;

  bool empty() const noexcept { return name.empty() && text.empty(); }
  bool operator==(const prompt_ref&) const = default;
};

/// How a collect node checks a complete entry.
enum class validation_kind : std::uint8_t {
  none,    ///< any entry of the right length (Default)
  luhn,    ///< the Luhn checksum (card and serial numbers)
  pattern, ///< the whole entry matches `pattern` (ECMAScript regex)
};

/// Where a lookup node's data comes from.
enum class lookup_source : std::uint8_t {
  csv,  ///< a local CSV table, loaded with the configuration (Default)
  http, ///< the enterprise's system over HTTP (drivers/lookup/http_lookup.hpp)
};

/// An HTTP lookup's request (source = "http"). `url` and `body` may hold
/// `${variable}`: filled at run time, URL-encoded in the url and
/// JSON-escaped in the body (a caller's digits never change the request's
/// shape).
struct http_request_template {
  std::string url;                 ///< http:// or https://
  std::string method = "GET";      ///< "GET" or "POST". Default: GET
  std::string body;                ///< POST: a JSON body (template). Default: empty
  std::int64_t timeout_ms = 2'000; ///< each try, connect to last byte. Default: 2 s
  std::int32_t retries = 1;        ///< tries after a failed one (never after a 404). Default: 1

  bool operator==(const http_request_template&) const = default;
};

/// One condition of a branch node: `variable` compared as text. Exactly
/// one test applies: `equals`, `not_equals`, `one_of`, or `is_set` (the
/// variable is not empty, or with false: is empty).
struct branch_case {
  std::string variable;
  enum class test : std::uint8_t { equals, not_equals, one_of, is_set } op = test::equals;
  std::vector<std::string> values; ///< one for equals/not_equals; the list for one_of
  bool set = true;                 ///< for is_set
  std::string next;

  bool operator==(const branch_case&) const = default;
};

/// Opening hours on one weekday: [open_min, close_min) minutes of the day.
struct opening {
  std::int32_t weekday = 0; ///< 0 = Monday .. 6 = Sunday
  std::int32_t open_min = 0;
  std::int32_t close_min = 0;

  bool operator==(const opening&) const = default;
};

struct node {
  std::string id;
  node_kind kind = node_kind::hangup;

  prompt_ref prompt;               ///< play, menu, collect, language; optional elsewhere
  std::string next;                ///< play, collect (valid entry), language, lookup (found)
  prompt_ref invalid_prompt;       ///< menu, collect, language: after a wrong entry (optional)
  std::int64_t timeout_ms = 5'000; ///< menu, collect, language: waiting for a key
  std::int32_t retries = 2;        ///< menu, collect, language: tries after the first
  /// menu, collect: where to go when the tries run out (empty: the session
  /// ends, way `failed`); language: ignored (the flow's language stays).
  std::string fallback;

  /// menu: key -> node; language: key -> language code.
  std::map<std::string, std::string> choices;

  // collect
  std::string variable; ///< the variable the entry is stored in
  std::int32_t min_digits = 1;
  std::int32_t max_digits = 20;
  std::string terminator = "#"; ///< "" for none: the entry ends at max_digits or the timeout
  validation_kind validation = validation_kind::none;
  std::string pattern;

  // lookup: a local table (config/lookup_table reads it) or HTTP
  lookup_source source = lookup_source::csv;
  std::string table;          ///< csv: the CSV file, resolved (absolute or cwd-relative)
  std::string key;            ///< csv: the key to look up, e.g. "${order_number}"
  std::string key_column;     ///< csv: the column the key is matched against
  http_request_template http; ///< http: the request
  /// csv: column -> variable set from it; http: JSON pointer into the
  /// response ("/order/status") -> variable.
  std::map<std::string, std::string> fields;
  std::string not_found;  ///< empty: same as on_failure
  std::string on_failure; ///< empty: the session ends, way `failed`

  // branch
  std::vector<branch_case> cases;
  std::string otherwise;

  // hours
  std::vector<opening> week;
  std::vector<std::string> holidays; ///< "YYYY-MM-DD": closed all day
  std::string open;                  ///< next when open
  std::string closed;                ///< next when closed (or a holiday)

  // queue, callback: the queue; voicemail: the mailbox; transfer: the number
  std::string target;
  std::int32_t priority = 0;                 ///< queue
  std::map<std::string, int> skills;         ///< queue: skill (may hold ${language}) -> level
  std::vector<std::string> attach;           ///< queue, callback, voicemail: variables handed on
  std::string callback_number = "${caller}"; ///< callback: the number to call back

  bool operator==(const node&) const = default;
};

struct flow {
  std::string id;
  std::string tenant;
  std::string start;                  ///< the first node
  std::vector<std::string> languages; ///< the first is the default (Default: {"zh"})
  std::string time_zone;              ///< IANA zone of `hours` nodes, for the edge that converts
  std::string prompts;                ///< directory of recorded prompts, resolved
  std::vector<std::string> inputs;    ///< variables the call brings (may be empty at run time)
  std::vector<node> nodes;

  /// The node named `id`, or nullptr.
  const node* find(std::string_view id) const;
  const std::string& default_language() const;

  bool operator==(const flow&) const = default;
};

/// Variables every session has from its start: `caller`, `dialed`,
/// `tenant`, `vip` ("true"/"false"), `language`.
const std::vector<std::string>& builtin_variables();

/// `text` with every `${name}` replaced by `vars[name]` ("" when unset). A
/// `$` not followed by `{`, or a `${` never closed, stays as written.
std::string render(std::string_view text, const std::map<std::string, std::string>& vars);

/// The names `${...}` in `text` refers to, in order, repeats kept.
std::vector<std::string> referenced_variables(std::string_view text);

/// The Luhn checksum of a string of decimal digits (false for any other
/// character, and for the empty string).
bool luhn_valid(std::string_view digits) noexcept;

/// An edge of the flow graph: from a node to `to`, and whether a caller
/// who presses nothing can take it (the check's "silent" graph: a cycle of
/// silent edges is a loop the session could run for ever).
struct edge {
  std::string to;
  bool silent = true;
  std::string key; ///< the node's key that names `to` ("next", "choices.1", "cases[0].next")
};

/// Every edge out of `n` (exits have none). A menu's choices are not
/// silent; its fallback is (a silent caller runs out of tries).
std::vector<edge> edges_of(const node& n);

/// True for the nodes that end the session.
bool is_exit(node_kind k) noexcept;

} // namespace hotline::events::ivr
