// IVR flows in the configuration ([[flows]], docs/ivr.md): a good flow
// loads into events::ivr::flow; each problem `hotline config check` finds
// in one is reported at the file, line and column of the key at fault,
// with a message that says what is wrong.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "config/json.hpp"
#include "tests/config/config_files.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using namespace hotline::config;
using hotline::config::testing::config_files;
using hotline::config::testing::listing;
using hotline::config::testing::only;
using hotline::config::testing::valid_center;

namespace {

/// A playable prompt: RIFF WAVE, 8 kHz mono 16-bit PCM, four samples.
std::string tiny_wav() {
  std::string w = "RIFF";
  const auto u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      w += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  const auto u16 = [&](std::uint16_t v) {
    w += static_cast<char>(v & 0xff);
    w += static_cast<char>(v >> 8);
  };
  u32(36 + 8);
  w += "WAVEfmt ";
  u32(16);
  u16(1);     // PCM
  u16(1);     // mono
  u32(8000);  // samples per second
  u32(16000); // bytes per second
  u16(2);     // block
  u16(16);    // bits
  w += "data";
  u32(8);
  w += std::string(8, '\0');
  return w;
}

/// The recorded prompts the flows below name, in both languages.
void write_prompts(config_files& files) {
  for (const auto* lang : {"zh", "en"})
    for (const auto* name : {"welcome", "menu", "invalid", "enter_order"})
      files.write(std::string("prompts/") + lang + "/" + name + ".wav", tiny_wav());
  files.write("orders.csv", "order,status,eta\n80001,shipped,2026-12-08\n80002,packing,\n");
}

/// A good bilingual order-status flow; `replace` edits it (first match).
std::string order_flow(const std::string& from = {}, const std::string& to = {}) {
  std::string text = R"(
[[entry_points]]
dialed = "200"
queue = "sales"
flow = "orders"

[[flows]]
id = "orders"
start = "welcome"
languages = ["zh", "en"]
prompts = "prompts"
time_zone = "Asia/Shanghai"

[[flows.nodes]]
id = "welcome"
type = "play"
prompt = "welcome"
next = "hours"

[[flows.nodes]]
id = "hours"
type = "hours"
week = ["mon-fri 09:00-18:00", "sat 10:00-16:00"]
holidays = ["2026-10-01"]
open = "main"
closed = "closed"

[[flows.nodes]]
id = "main"
type = "menu"
prompt = "menu"
invalid_prompt = "invalid"
choices = { 1 = "order", 0 = "agent" }
timeout_s = 5
retries = 2
default = "agent"

[[flows.nodes]]
id = "order"
type = "collect"
prompt = "enter_order"
variable = "order"
min_digits = 5
max_digits = 5
pattern = "8[0-9]{4}"
next = "find"
default = "agent"

[[flows.nodes]]
id = "find"
type = "lookup"
source = "csv"
table = "orders.csv"
key = "${order}"
key_column = "order"
fields = { status = "order_status" }
next = "status"
not_found = "agent"
on_failure = "agent"

[[flows.nodes]]
id = "status"
type = "play"
text = "Order ${order}: ${order_status}"
next = "bye"

[[flows.nodes]]
id = "bye"
type = "hangup"

[[flows.nodes]]
id = "agent"
type = "queue"
queue = "sales"
priority = 2
skills = { english = 1 }
attach = ["order"]

[[flows.nodes]]
id = "closed"
type = "voicemail"
mailbox = "sales"
)";
  if (!from.empty()) {
    const auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "the flow has no '" << from << "'");
    text.replace(at, from.size(), to);
  }
  return text;
}

struct loaded_flow {
  load_outcome outcome;
  std::string text; ///< the whole file, for positions
};

loaded_flow load_flow(config_files& files, const std::string& tail) {
  write_prompts(files);
  const auto text = std::string(valid_center) + tail;
  files.write("c.toml", text);
  return {files.load("c.toml"), text};
}

/// 1-based line and column of the first `needle` in `text`.
std::pair<std::uint32_t, std::uint32_t> where(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  REQUIRE_MESSAGE(at != std::string::npos, "no '" << needle << "' in the file");
  const auto line_start = text.rfind('\n', at);
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  const auto column = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  return {static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(column)};
}

/// The only diagnostic at `key`, checked to sit at `needle` with `message`.
void expect(const loaded_flow& l, config_files& files, const std::string& key,
            const std::string& needle, const std::string& message,
            severity level = severity::error) {
  const auto d = only(l.outcome.problems, key);
  const auto [line, column] = where(l.text, needle);
  CHECK(d.file == files.path("c.toml"));
  CHECK(d.line == line);
  CHECK(d.column == column);
  CHECK(d.level == level);
  CHECK(d.message == message);
}

} // namespace

TEST_CASE("ivr config: a bilingual order-status flow loads clean, with its nodes and files") {
  config_files files;
  auto l = load_flow(files, order_flow());
  INFO(listing(l.outcome.problems));
  REQUIRE(l.outcome.problems.empty());
  const auto& c = l.outcome.config.center;
  REQUIRE(c.flows.size() == 1);
  const auto& f = c.flows[0];
  CHECK(f.tenant.empty()); // the valid center has no tenants
  CHECK(f.languages == std::vector<std::string>{"zh", "en"});
  CHECK(f.prompts == files.path("prompts"));
  CHECK(f.time_zone == "Asia/Shanghai");
  REQUIRE(f.nodes.size() == 9);
  const auto* hours = f.find("hours");
  REQUIRE(hours);
  REQUIRE(hours->week.size() == 6); // five weekdays and Saturday
  CHECK(hours->week[5].weekday == 5);
  CHECK(hours->week[5].open_min == 600);
  CHECK(hours->week[5].close_min == 960);
  const auto* order = f.find("order");
  CHECK(order->validation == events::ivr::validation_kind::pattern);
  CHECK(f.find("main")->choices.at("1") == "order");
  CHECK(f.find("main")->timeout_ms == 5'000);
  CHECK(f.find("find")->table == files.path("orders.csv"));
  CHECK(f.find("agent")->skills == std::map<std::string, int>{{"english", 1}});
  CHECK(c.find_entry("200")->flow == "orders");
  // `hotline config show` prints it
  const auto j = to_json(l.outcome.config);
  CHECK(j["entry_points"][1]["flow"] == "orders");
  CHECK(j["flows"][0]["start"] == "welcome");
  CHECK(j["flows"][0]["nodes"][2]["type"] == "menu");
  CHECK(j["flows"][0]["nodes"][2]["choices.1"] == "order");
  CHECK(j["flows"][0]["nodes"][2]["default"] == "agent");
  CHECK(j["flows"][0]["nodes"][7]["target"] == "sales");
}

TEST_CASE("ivr config: an unknown node type names the types") {
  config_files files;
  auto l = load_flow(files, order_flow("type = \"play\"", "type = \"playy\""));
  expect(l, files, "flows[0].nodes[0].type", "\"playy\"",
         "unknown node type 'playy' (expected one of play, menu, collect, language, lookup, "
         "branch, hours, queue, voicemail, callback, transfer, hangup) (did you mean 'play'?)");
}

TEST_CASE("ivr config: a reference to no node suggests the one meant") {
  config_files files;
  auto l = load_flow(files, order_flow("open = \"main\"", "open = \"mian\""));
  expect(l, files, "flows[0].nodes[1].open", "\"mian\"",
         "unknown node 'mian' (did you mean 'main'?)");
}

TEST_CASE("ivr config: a node nothing leads to is a warning") {
  config_files files;
  auto l = load_flow(files, order_flow() + R"(
[[flows.nodes]]
id = "orphan"
type = "hangup"
)");
  expect(l, files, "flows[0].nodes[9].id", "\"orphan\"",
         "node 'orphan' is never reached from the start ('welcome')", severity::warning);
}

TEST_CASE("ivr config: a loop without caller input is an error at the edge that closes it") {
  config_files files;
  // main's default sends a silent caller back to the welcome, which leads to main again
  auto l = load_flow(files, order_flow("default = \"agent\"", "default = \"welcome\""));
  expect(l, files, "flows[0].nodes[2].default", "\"welcome\"\n\n[[flows.nodes]]\nid = \"order\"",
         "loop with no caller input: welcome -> hours -> main -> welcome (a caller who presses "
         "nothing would go round for ever; give the loop a way out)");
}

TEST_CASE("ivr config: a missing prompt file names the file and the language") {
  config_files files;
  auto l = load_flow(files, order_flow("prompt = \"welcome\"", "prompt = \"hello\""));
  const auto zh = files.path("prompts/zh/hello.wav");
  const auto en = files.path("prompts/en/hello.wav");
  std::vector<diagnostic> found;
  for (const auto& d : l.outcome.problems)
    if (d.key == "flows[0].nodes[0].prompt") found.push_back(d);
  INFO(listing(l.outcome.problems));
  REQUIRE(found.size() == 2);
  const auto [line, column] = where(l.text, "\"hello\"");
  CHECK(found[0].line == line);
  CHECK(found[0].column == column);
  CHECK(found[0].message == "missing prompt file " + zh + " (prompt 'hello', language zh)");
  CHECK(found[1].message == "missing prompt file " + en + " (prompt 'hello', language en)");
}

TEST_CASE("ivr config: a variable used before it is set") {
  config_files files;
  // the voicemail branch (closed) reads the order nobody entered on that way
  auto l = load_flow(files, order_flow("mailbox = \"sales\"", "mailbox = \"box-${order}\""));
  expect(l, files, "flows[0].nodes[8].mailbox", "\"box-${order}\"",
         "variable 'order' may be used before it is set: a way from the start reaches node "
         "'closed' without setting it");
}

TEST_CASE("ivr config: a queue node naming no queue, and an entry point naming no flow") {
  config_files files;
  auto l =
      load_flow(files, order_flow("queue = \"sales\"\npriority", "queue = \"sale\"\npriority"));
  expect(l, files, "flows[0].nodes[7].queue", "\"sale\"",
         "unknown queue 'sale' (did you mean 'sales'?)");
  config_files other;
  auto m = load_flow(other, order_flow("flow = \"orders\"", "flow = \"order\""));
  expect(m, other, "entry_points[1].flow", "\"order\"",
         "unknown flow 'order' (did you mean 'orders'?)");
}

TEST_CASE("ivr config: a queue node asking for a skill no agent of its queue has is a warning") {
  config_files files;
  // ann (sales) has english 50 and no language skill.
  auto l = load_flow(files, order_flow("skills = { english = 1 }",
                                       "skills = { english = 60, \"lang-${language}\" = 1 }"));
  INFO(listing(l.outcome.problems));
  CHECK(l.outcome.ok());
  expect(l, files, "flows[0].nodes[7].skills.english", "60, \"lang",
         "flow 'orders' node 'agent' asks for skill 'english' at level 60 or more, which no "
         "agent of queue 'sales' has: such callers wait until its max_wait",
         severity::warning);
  CHECK(only(l.outcome.problems, "flows[0].nodes[7].skills.lang-${language}").message ==
        "flow 'orders' node 'agent' asks for skill 'lang-zh', 'lang-en' at level 1 or more, "
        "which no agent of queue 'sales' has: such callers wait until its max_wait");
  // The skills at the levels ann has: nothing to say.
  config_files clean;
  auto m = load_flow(clean, order_flow("skills = { english = 1 }", "skills = { english = 50 }"));
  CHECK(m.outcome.problems.empty());
}

/// The order flow with its lookup asking an HTTP service instead of the table.
std::string http_flow(const std::string& keys) {
  return order_flow(R"(source = "csv"
table = "orders.csv"
key = "${order}"
key_column = "order"
fields = { status = "order_status" })",
                    keys);
}

TEST_CASE("ivr config: an http lookup reads its url, method, body, timeout, retries and pointers") {
  config_files files;
  auto l = load_flow(files, http_flow(R"(source = "http"
url = "https://erp.example.com/orders/${order}?lang=${language}"
method = "POST"
body = '{"order": "${order}", "caller": "${caller}"}'
timeout_ms = 800
retries = 2
fields = { "/order/status" = "order_status", "/order/eta" = "order_eta" })"));
  INFO(listing(l.outcome.problems));
  REQUIRE(l.outcome.problems.empty());
  const auto* n = l.outcome.config.center.flows.at(0).find("find");
  REQUIRE(n);
  CHECK(n->source == events::ivr::lookup_source::http);
  CHECK(n->http.url == "https://erp.example.com/orders/${order}?lang=${language}");
  CHECK(n->http.method == "POST");
  CHECK(n->http.body == R"({"order": "${order}", "caller": "${caller}"})");
  CHECK(n->http.timeout_ms == 800);
  CHECK(n->http.retries == 2);
  CHECK(n->fields.at("/order/status") == "order_status");
  CHECK(n->table.empty());
}

TEST_CASE("ivr config: http lookup values are checked where they are written") {
  const std::string good_fields = R"(
fields = { "/status" = "order_status" })";
  {
    config_files files;
    auto l = load_flow(files,
                       http_flow("source = \"http\"\nurl = \"ftp://erp/${order}\"" + good_fields));
    expect(l, files, "flows[0].nodes[4].url", "\"ftp://",
           "\"ftp://erp/\" is not a lookup URL: must start with http:// or https://");
  }
  {
    config_files files;
    auto l = load_flow(
        files, http_flow("source = \"http\"\nurl = \"http://${order}.erp/o\"" + good_fields));
    expect(l, files, "flows[0].nodes[4].url", "\"http://${order}",
           "the scheme and host of a lookup URL may not hold ${variables}");
  }
  {
    config_files files;
    auto l = load_flow(files, http_flow("source = \"http\"\nurl = \"http://erp/o/${order}\"\n"
                                        "method = \"PUT\"" +
                                        good_fields));
    expect(l, files, "flows[0].nodes[4].method", "\"PUT\"",
           "unknown HTTP method 'PUT' (expected one of GET, POST)");
  }
  {
    config_files files;
    auto l = load_flow(files, http_flow("source = \"http\"\nurl = \"http://erp/o\"\n"
                                        "method = \"POST\"\nbody = '{\"order\": ${order}}'" +
                                        good_fields));
    expect(l, files, "flows[0].nodes[4].body", "'{",
           "not a JSON document (with each ${variable} read as empty): {\"order\": ${order}}");
  }
  {
    config_files files;
    auto l = load_flow(files, http_flow("source = \"http\"\nurl = \"http://erp/o/${order}\"\n"
                                        "timeout_ms = 0" +
                                        good_fields));
    expect(l, files, "flows[0].nodes[4].timeout_ms", "0\n",
           "expected a timeout in milliseconds from 1 to 60000, got 0");
  }
  {
    config_files files;
    auto l = load_flow(files, http_flow("source = \"http\"\nurl = \"http://erp/o/${order}\"\n"
                                        "fields = { \"status\" = \"order_status\" }"));
    expect(l, files, "flows[0].nodes[4].fields.status", "\"order_status\" }",
           "'status' is not a JSON pointer (RFC 6901: \"/order/status\", or \"\" for the "
           "whole document)");
  }
  {
    config_files files;
    auto l = load_flow(
        files, http_flow("source = \"http\"\nurl = \"http://erp/o/${ordr}\"" + good_fields));
    CHECK(listing(l.outcome.problems).find("ordr") != std::string::npos);
  }
  {
    config_files files;
    auto l = load_flow(files, order_flow("source = \"csv\"", "source = \"ldap\""));
    expect(l, files, "flows[0].nodes[4].source", "\"ldap\"",
           "unknown lookup source 'ldap' (expected one of csv, http)");
  }
}

TEST_CASE(
    "ivr config: a prompt with a recording and a text speaks where the recording is missing") {
  config_files files;
  // "goodbye" is recorded in no language: its text is spoken instead.
  auto l =
      load_flow(files, order_flow("type = \"hangup\"", "type = \"play\"\nprompt = \"goodbye\"\n"
                                                       "text = \"Goodbye\"\nnext = \"agent\""));
  INFO(listing(l.outcome.problems));
  CHECK(listing(l.outcome.problems).find("missing prompt file") == std::string::npos);
  config_files other;
  auto m =
      load_flow(other, order_flow("type = \"hangup\"", "type = \"play\"\nprompt = \"goodbye\"\n"
                                                       "next = \"agent\""));
  CHECK(listing(m.outcome.problems).find("missing prompt file") != std::string::npos);
}

TEST_CASE("ivr config: a lookup field naming no column of the table") {
  config_files files;
  auto l = load_flow(files, order_flow("status = \"order_status\"", "stauts = \"order_status\""));
  expect(l, files, "flows[0].nodes[4].fields", "{ stauts",
         "table " + files.path("orders.csv") +
             " has no column 'stauts' (did you mean 'status'?) (columns: order, status, eta)");
}

TEST_CASE("ivr config: collect checks: a bad pattern, Luhn with a pattern, max below min") {
  config_files files;
  auto l = load_flow(files, order_flow("pattern = \"8[0-9]{4}\"", "pattern = \"8[0-9\""));
  const auto d = only(l.outcome.problems, "flows[0].nodes[3].pattern");
  CHECK(d.message.starts_with("not a valid regular expression (ECMAScript): "));
  CHECK(d.line == where(l.text, "\"8[0-9\"").first);

  config_files both;
  auto m = load_flow(both, order_flow("pattern = ", "validate = \"luhn\"\npattern = "));
  expect(m, both, "flows[0].nodes[3].pattern", "\"8[0-9]{4}\"",
         "give validate = \"luhn\" or a pattern, not both");

  config_files sizes;
  auto n = load_flow(sizes, order_flow("max_digits = 5", "max_digits = 3"));
  expect(n, sizes, "flows[0].nodes[3].max_digits", "3\npattern",
         "max_digits (3) is below min_digits (5)");
}

TEST_CASE("ivr config: hours, menu keys and unknown keys of a node type") {
  config_files files;
  auto l = load_flow(files, order_flow("\"sat 10:00-16:00\"", "\"sat 16:00-10:00\""));
  expect(l, files, "flows[0].nodes[1].week[1]", "\"sat 16:00-10:00\"",
         "'16:00-10:00' closes before it opens (a night shift is two ranges: \"mon 22:00-24:00\" "
         "and \"tue 00:00-06:00\")");

  config_files keys;
  auto m = load_flow(keys, order_flow("0 = \"agent\"", "x = \"agent\""));
  expect(m, keys, "flows[0].nodes[2].choices.x", "\"agent\" }",
         "'x' is not a telephone key (expected one of 0-9, * or #)");

  config_files unknown;
  auto n = load_flow(unknown, order_flow("id = \"bye\"\ntype = \"hangup\"",
                                         "id = \"bye\"\ntype = \"hangup\"\nchoices = 3"));
  expect(n, unknown, "flows[0].nodes[6].choices", "choices = 3", "unknown key 'choices'");
}

TEST_CASE("ivr config: the CSV table itself: a missing key column names the columns") {
  config_files files;
  auto l = load_flow(files, order_flow("key_column = \"order\"", "key_column = \"ordr\""));
  expect(l, files, "flows[0].nodes[4].table", "\"orders.csv\"",
         files.path("orders.csv") +
             ":1: no column 'ordr' (did you mean 'order'?) (columns: order, status, eta)");
}

TEST_CASE("ivr config: hotline config check counts the flows, and names a time zone it lacks") {
  config_files files;
  load_flow(files, order_flow());
  std::string out;
  CHECK(hotline::testing::run_capture({HOTLINE_BIN, "config", "check", files.path("c.toml")},
                                      out) == 0);
  CHECK(out.find(": ok (") != std::string::npos);
  CHECK(out.find(", 1 IVR flow)") != std::string::npos);

  config_files typo;
  auto m = load_flow(typo, order_flow("Asia/Shanghai", "Asia/Shangai"));
  out.clear();
  CHECK(hotline::testing::run_capture({HOTLINE_BIN, "config", "check", typo.path("c.toml")}, out) ==
        2);
  const auto [line, column] = where(m.text, "\"Asia/Shangai\"");
  INFO(out);
  CHECK(out.find(typo.path("c.toml") + ":" + std::to_string(line) + ":" + std::to_string(column) +
                 ": error: flows[0].time_zone: unknown time zone 'Asia/Shangai' (did you mean "
                 "'Asia/Shanghai'?)") != std::string::npos);
}

TEST_CASE("ivr config: language, branch cases, callback and transfer nodes read as written") {
  config_files files;
  auto l = load_flow(files, order_flow() + R"(
[[flows]]
id = "front"
start = "lang"
languages = ["zh", "en"]
inputs = ["tier"]

[[flows.nodes]]
id = "lang"
type = "language"
text = "普通话请按1, for English press 2"
choices = { 1 = "zh", 2 = "en" }
next = "route"

[[flows.nodes]]
id = "route"
type = "branch"
else = "call_me"

[[flows.nodes.cases]]
variable = "vip"
equals = "true"
next = "desk"

[[flows.nodes.cases]]
variable = "tier"
one_of = ["gold", "platinum"]
next = "desk"

[[flows.nodes]]
id = "desk"
type = "transfer"
number = "+862112345678"

[[flows.nodes]]
id = "call_me"
type = "callback"
queue = "sales"
attach = ["tier"]
)");
  INFO(listing(l.outcome.problems));
  REQUIRE(l.outcome.problems.empty());
  const auto* f = l.outcome.config.center.find_flow("front");
  REQUIRE(f);
  CHECK(f->inputs == std::vector<std::string>{"tier"});
  CHECK(f->find("lang")->choices.at("2") == "en");
  CHECK(f->find("lang")->prompt.text == "普通话请按1, for English press 2");
  const auto& cases = f->find("route")->cases;
  REQUIRE(cases.size() == 2);
  CHECK(cases[0].op == events::ivr::branch_case::test::equals);
  CHECK(cases[0].values == std::vector<std::string>{"true"});
  CHECK(cases[1].op == events::ivr::branch_case::test::one_of);
  CHECK(cases[1].values == std::vector<std::string>{"gold", "platinum"});
  CHECK(f->find("route")->otherwise == "call_me");
  CHECK(f->find("desk")->target == "+862112345678");
  CHECK(f->find("call_me")->target == "sales");
  CHECK(f->find("call_me")->callback_number == "${caller}");
}

TEST_CASE("ivr config: a branch case needs exactly one test, and a language the flow offers") {
  config_files files;
  auto l = load_flow(files, order_flow() + R"(
[[flows]]
id = "front"
start = "lang"

[[flows.nodes]]
id = "lang"
type = "language"
text = "1 or 2"
choices = { 1 = "zh", 2 = "fr" }
next = "route"

[[flows.nodes]]
id = "route"
type = "branch"
else = "bye"

[[flows.nodes.cases]]
variable = "vip"
equals = "true"
is_set = true
next = "bye"

[[flows.nodes]]
id = "bye"
type = "hangup"
)");
  expect(l, files, "flows[1].nodes[0].choices.2", "\"fr\"",
         "language 'fr' is not one of the flow's languages (zh)");
  expect(l, files, "flows[1].nodes[1].cases[0]", "[[flows.nodes.cases]]",
         "a case needs exactly one test: equals, not_equals, one_of, is_set");
}

TEST_CASE("ivr config: an entry point with a flow needs no queue") {
  config_files files;
  auto l =
      load_flow(files, order_flow("queue = \"sales\"\nflow = \"orders\"", "flow = \"orders\""));
  INFO(listing(l.outcome.problems));
  CHECK(l.outcome.problems.empty());
  const auto* e = l.outcome.config.center.find_entry("200");
  REQUIRE(e);
  CHECK(e->queue.empty());
  CHECK(e->flow == "orders");
  // without a flow it still does
  auto bare = load_flow(files, R"(
[[entry_points]]
dialed = "300"
)");
  CHECK(only(bare.outcome.problems, "entry_points[1].queue").message ==
        "missing required key 'queue' (expected a queue id (or a flow))");
}

namespace {

/// The order flow with simulated callers of entry point 200; `ivr` is the
/// body of their [simulation.arrivals.ivr] table.
std::string with_callers(const std::string& ivr) {
  return order_flow() + R"(
[simulation]
[[simulation.arrivals]]
entry_point = "200"
rate_per_h = 60
[simulation.arrivals.ivr]
)" + ivr;
}

} // namespace

TEST_CASE("ivr config: simulated callers' choices, digits and patience in the flow") {
  config_files files;
  auto l = load_flow(files, with_callers(R"(think_s = 1.5
key_gap_s = 0.2
patience = { distribution = "exponential", mean_s = 60 }
choices.main = { 1 = 0.7, 0 = 0.2 }
digits.order = ["80001", "80002", "89999"]
)"));
  INFO(listing(l.outcome.problems));
  REQUIRE(l.outcome.problems.empty());
  const auto& p = l.outcome.config.simulation.arrivals.at(0).ivr;
  CHECK(p.think_ms == 1'500);
  CHECK(p.key_gap_ms == 200);
  CHECK(p.patience.kind == distribution_kind::exponential);
  CHECK(p.patience.mean_ms == 60'000);
  CHECK(p.choices.at("main") == std::map<std::string, double>{{"0", 0.2}, {"1", 0.7}});
  CHECK(p.digits.at("order") == std::vector<std::string>{"80001", "80002", "89999"});
}

TEST_CASE("ivr config: simulated callers' choices that cannot be") {
  config_files files;
  SUBCASE("probabilities over 1") {
    auto l = load_flow(files, with_callers("choices.main = { 1 = 0.7, 0 = 0.6 }\n"));
    expect(l, files, "simulation.arrivals[0].ivr.choices.main", "{ 1 = 0.7",
           "the probabilities sum to 1.300000, more than 1 (what is left below 1 is the chance "
           "of silence)");
  }
  SUBCASE("not a telephone key") {
    auto l = load_flow(files, with_callers("choices.main = { A = 0.5 }\n"));
    expect(l, files, "simulation.arrivals[0].ivr.choices.main.A", "0.5 }",
           "'A' is not a telephone key (0-9, * or #)");
  }
  SUBCASE("a node the flow does not have") {
    auto l = load_flow(files, with_callers("choices.mian = { 1 = 0.5 }\n"));
    expect(l, files, "simulation.arrivals[0].ivr.choices.mian", "{ 1 = 0.5 }",
           "unknown node 'mian' in flow 'orders' (did you mean 'main'?)");
  }
  SUBCASE("digits for a menu") {
    auto l = load_flow(files, with_callers("digits.main = [\"12345\"]\n"));
    expect(l, files, "simulation.arrivals[0].ivr.digits.main", "[\"12345\"]",
           "node 'main' of flow 'orders' is a menu node: digits are for collect nodes");
  }
  SUBCASE("a key the menu does not offer is a warning") {
    auto l = load_flow(files, with_callers("choices.main = { 7 = 0.1 }\n"));
    expect(l, files, "simulation.arrivals[0].ivr.choices.main.7", "0.1 }",
           "node 'main' offers no key '7': callers who press it make an invalid choice",
           severity::warning);
  }
}

TEST_CASE(
    "ivr config: hotline config check warns when a flow has text to speak and no TTS engine") {
  config_files files;
  auto l = load_flow(files, order_flow() + "\n[ivr]\ntts_engine = \"no-such-tts-engine\"\n");
  std::string out;
  CHECK(hotline::testing::run_capture({HOTLINE_BIN, "config", "check", files.path("c.toml")},
                                      out) == 0);
  INFO(out);
  const auto [line, column] = where(l.text, "\"orders\"\nstart");
  CHECK(out.find(files.path("c.toml") + ":" + std::to_string(line) + ":" + std::to_string(column) +
                 ": warning: flows[0].id: flow 'orders' has text prompts to speak, but the TTS "
                 "engine 'no-such-tts-engine' is not installed (Debian package espeak-ng; [ivr] "
                 "tts_engine): they would be silent") != std::string::npos);
}

TEST_CASE("ivr config: the [ivr] section reads its keys, paths relative to the file") {
  config_files files;
  auto l = load_flow(files, order_flow() + R"(
[ivr]
tts_cache = "cache/tts"
tts_timeout_ms = 5000
dynamic_tts_budget_ms = 800
lookup_breaker_failures = 3
lookup_breaker_open_s = 10
voicemail_dir = "vm"
voicemail_max_s = 90
)");
  INFO(listing(l.outcome.problems));
  REQUIRE(l.outcome.problems.empty());
  const auto& s = l.outcome.config.ivr;
  CHECK(s.tts_engine == "espeak-ng");
  CHECK(s.tts_cache == files.path("cache/tts"));
  CHECK(s.tts_timeout_ms == 5'000);
  CHECK(s.dynamic_tts_budget_ms == 800);
  CHECK(s.lookup_breaker_failures == 3);
  CHECK(s.lookup_breaker_open_ms == 10'000);
  CHECK(s.voicemail_dir == files.path("vm"));
  CHECK(s.voicemail_max_ms == 90'000);

  config_files bad;
  auto m = load_flow(bad, order_flow() + "\n[ivr]\ndynamic_tts_budget_ms = 5 # too short\n");
  expect(m, bad, "ivr.dynamic_tts_budget_ms", "5 # too short",
         "expected milliseconds from 10 to 60000, got 5");
}
