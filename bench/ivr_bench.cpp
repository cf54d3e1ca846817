// hotline bench ivr (issue 23): concurrent IVR sessions driven by DTMF on
// the wall clock, and the time from a caller's last digit to the first
// audio of the next prompt.
//
// In one process, a node's pieces: the event store on RocksDB in a
// temporary directory, the real IVR session actors (actors/ivr_actor.hpp:
// spawn_ivr) appending every session event through its group commit, the
// CSV tables the node reads lookups from (drivers/sim/ivr_tables.hpp, a
// generated table of --rows orders), and the speech adapter with its disk
// cache (drivers/tts). The caller side is bench/ivr_bench_media.hpp:
// --sessions callers at once, each walking the flow (language menu, main
// menu, a five-digit order number, the lookup, the order's status spoken
// with its ${variables}, hang-up); a caller who leaves is replaced by a new
// session, for --seconds.
//
// Phases, in one process, store and actor system:
//  1. baseline: the same callers on a flow with no lookup whose prompts are
//     all recordings (files that exist);
//  2. the flow with the lookup, every prompt a text spoken by TTS: the
//     static ones rendered ahead (prerender_flow, as the node does at its
//     start), the status texts of the --orders order numbers the callers
//     type rendered once before the phase (a cache hit, as for any text a
//     caller heard before);
//  3. dynamic TTS apart: --tts-renders texts never said before (distinct
//     order numbers) rendered through espeak-ng into an empty cache by
//     --tts-workers threads at once, each to its first frame.
#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/coarse_clock.hpp"
#include "actors/ivr_actor.hpp"
#include "actors/time_source.hpp"
#include "bench/bench_system.hpp"
#include "bench/bench_util.hpp"
#include "bench/benches.hpp"
#include "bench/ivr_bench_media.hpp"
#include "config/wav.hpp"
#include "drivers/sim/ivr_tables.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "drivers/tts/espeak_speech.hpp"
#include "drivers/tts/prompt_audio.hpp"
#include "events/ivr/flow_check.hpp"

namespace hotline::bench {

namespace {

namespace iv = events::ivr;
using json = nlohmann::json;

struct ivr_bench_args {
  int sessions = 1'000;
  double seconds = 10;
  int prompt_ms = 300;
  int think_ms = 100;
  int digit_gap_ms = 50;
  int rows = 10'000;
  int orders = 20;
  int tts_renders = 60;
  int tts_workers = 2;
  int threads = 2;
  std::string scheduler = "stealing";
  std::string sync = "batch";
  std::string dir;
};

const char* const statuses[] = {"shipped", "packed", "delivered", "returned"};

/// The k-th order number the callers type: five digits, spread over the table.
std::string order_number(int k, int rows) {
  return std::to_string(10'000 + (static_cast<long long>(k) * 7'919) % rows);
}

iv::node node_of(std::string id, iv::node_kind kind, std::string name, std::string text) {
  iv::node n;
  n.id = std::move(id);
  n.kind = kind;
  n.prompt = {std::move(name), std::move(text)};
  return n;
}

/// language (1 Mandarin, 2 English) -> main (1 order status, 2 an agent) ->
/// order (five digits) -> `after_order`; agent: queue sales; bye: hang up.
/// `spoken`: prompts are texts (TTS); otherwise recordings by name.
std::vector<iv::node> menus(bool spoken, const std::string& after_order) {
  auto say = [&](const char* name, const char* text) {
    return std::make_pair(std::string{spoken ? "" : name}, std::string{spoken ? text : ""});
  };
  auto [ln, lt] = say("lang", "For Mandarin press 1. For English press 2.");
  auto lang = node_of("lang", iv::node_kind::language, ln, lt);
  lang.choices = {{"1", "zh"}, {"2", "en"}};
  lang.next = "main";
  auto [mn, mt] = say("main_menu", "For the status of an order press 1. For an agent press 2.");
  auto main = node_of("main", iv::node_kind::menu, mn, mt);
  main.choices = {{"1", "order"}, {"2", "agent"}};
  main.fallback = "agent";
  auto [on, ot] = say("enter_order", "Please enter your five digit order number.");
  auto order = node_of("order", iv::node_kind::collect, on, ot);
  order.variable = "order";
  order.min_digits = 5;
  order.max_digits = 5;
  order.next = after_order;
  order.fallback = "agent";
  auto agent = node_of("agent", iv::node_kind::queue, "", "");
  agent.target = "sales";
  return {lang, main, order, agent, node_of("bye", iv::node_kind::hangup, "", "")};
}

iv::flow base_flow(std::string id, const std::string& prompts) {
  iv::flow f;
  f.id = std::move(id);
  f.tenant = "acme";
  f.start = "lang";
  f.languages = {"zh", "en"};
  f.prompts = prompts;
  return f;
}

/// The flow measured: the menus, then the lookup and the order's status.
/// Without TTS (espeak-ng missing) its prompts are recordings too.
iv::flow lookup_flow(const std::string& prompts, const std::string& table, bool spoken) {
  auto f = base_flow("orders", prompts);
  f.nodes = menus(spoken, "find");
  auto find = node_of("find", iv::node_kind::lookup, "", "");
  find.table = table;
  find.key = "${order}";
  find.key_column = "order";
  find.fields = {{"status", "order_status"}};
  find.next = "status";
  find.not_found = "agent";
  find.on_failure = "agent";
  auto status = node_of("status", iv::node_kind::play, spoken ? "" : "status",
                        spoken ? "Order ${order}: ${order_status}." : "");
  status.next = "bye";
  f.nodes.push_back(find);
  f.nodes.push_back(status);
  return f;
}

/// The baseline: the same menus and entry, no lookup, a recorded prompt.
iv::flow baseline_flow(const std::string& prompts) {
  auto f = base_flow("orders-baseline", prompts);
  f.nodes = menus(false, "thanks");
  auto thanks = node_of("thanks", iv::node_kind::play, "thanks", "");
  thanks.next = "bye";
  f.nodes.push_back(thanks);
  return f;
}

void check(const iv::flow& f) {
  for (const auto& p : iv::check_flow(f))
    if (p.error) throw std::runtime_error("bench flow " + f.id + ": " + p.key + ": " + p.message);
}

/// One second of a 440 Hz square wave, 8 kHz mono, for each name in each language.
void write_recordings(const std::string& prompts, const std::vector<std::string>& names) {
  std::vector<std::int16_t> tone(8'000);
  for (std::size_t i = 0; i < tone.size(); ++i)
    tone[i] = static_cast<std::int16_t>(8'000 * ((i * 440 * 2 / 8'000) % 2 == 0 ? 1 : -1));
  for (const char* lang : {"zh", "en"}) {
    std::filesystem::create_directories(std::filesystem::path(prompts) / lang);
    for (const auto& n : names) {
      std::string why;
      if (!config::write_wav_pcm16_mono(std::filesystem::path(prompts) / lang / (n + ".wav"), 8'000,
                                        tone, why))
        throw std::runtime_error(why);
    }
  }
}

void write_table(const std::string& file, int rows) {
  std::ofstream out{file};
  out << "order,status,eta\n";
  for (int i = 0; i < rows; ++i)
    out << 10'000 + i << "," << statuses[i % 4] << "," << 1 + i % 7 << " days\n";
  if (!out) throw std::runtime_error("cannot write " + file);
}

using latency = percentile_figures; // milliseconds here

json to_json(const latency& l) {
  return {{"samples", l.samples}, {"p50_ms", l.p50}, {"p99_ms", l.p99}, {"max_ms", l.max}};
}

using ivr_config = bench_system_config;

/// What the callers type: half choose Mandarin, all ask for an order's
/// status, the order drawn from the --orders numbers by the session's number.
bench_ivr_media::script_fn script(int orders, int rows) {
  return [orders, rows](const std::string& session, const std::string& node) -> std::string {
    const auto n = std::stoll(session.substr(session.find('-') + 1));
    if (node == "lang") return n % 2 == 0 ? "1" : "2";
    if (node == "main") return "1";
    if (node == "order") return order_number(static_cast<int>(n % orders), rows);
    return {};
  };
}

/// One phase: --sessions callers at once on `flow` for --seconds.
json run_sessions(caf::actor_system& sys, const std::shared_ptr<const actors::acd_context>& ctx,
                  bench_ivr_media& media, drivers::rocksdb_event_store& store,
                  std::shared_ptr<const iv::flow> flow, const std::string& prefix,
                  const ivr_bench_args& a, std::vector<double>& to_audio) {
  auto exits = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](actors::ivr_exit_atom, const actors::ivr_exit&) {}};
  });
  // Shared with the jobs the media side may still run after this returns.
  struct phase_state {
    std::atomic<bool> running{true};
    std::atomic<std::uint64_t> spawned{0}, next{0};
  };
  auto st = std::make_shared<phase_state>();
  auto start = [st, sys = &sys, ctx, flow, exits, prefix] {
    if (!st->running) return;
    actors::ivr_request r;
    r.session_id = prefix + "-" + std::to_string(st->next++);
    r.call_id = r.session_id;
    r.flow = flow;
    r.tenant = "acme";
    r.caller = "+8613800000000";
    r.dialed = "4000";
    r.call = exits;
    ++st->spawned;
    actors::spawn_ivr(*sys, ctx, std::move(r));
  };
  media.on_closed([start](const std::string&) { start(); });
  media.take_samples();
  const auto closed0 = media.closed();
  const auto exits0 = media.exits();
  const auto entries0 = media.entries();
  const auto head0 = store.head_position();
  const auto cpu0 = process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  // Callers arrive spread over one prompt and one think time, not all in one instant.
  const auto ramp = std::chrono::milliseconds(a.prompt_ms + a.think_ms);
  for (int i = 0; i < a.sessions; ++i)
    media.post_at(t0 + ramp * i / a.sessions, start);
  std::this_thread::sleep_for(
      std::max<std::chrono::duration<double>>(std::chrono::duration<double>(a.seconds), ramp));
  st->running = false;
  const auto ended = media.closed() - closed0;
  // How the sessions that ended within the phase left (the callers hung up
  // at its end are `abandoned` after it).
  json ways = json::object();
  for (const auto& [way, n] : media.exits()) {
    const auto before = exits0.count(way) ? exits0.at(way) : 0;
    if (n > before) ways[way] = n - before;
  }
  const auto entries = media.entries() - entries0;
  const double secs = seconds_since(t0);
  const double cpu = process_cpu_seconds() - cpu0;
  const auto head1 = store.head_position();
  // The callers still in a flow hang up; wait for every session to close.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (media.closed() - closed0 < st->spawned && std::chrono::steady_clock::now() < deadline) {
    media.hang_up_all();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto left = st->spawned - (media.closed() - closed0);
  media.on_closed({});
  caf::anon_send_exit(exits, caf::exit_reason::user_shutdown);
  if (left > 0)
    throw std::runtime_error(std::to_string(left) + " sessions of " + prefix +
                             " never closed after their callers hung up");

  auto samples = media.take_samples();
  std::vector<double> play_ms;
  std::map<std::string, std::vector<double>> by_node;
  std::uint64_t unresolved = 0, spoken = 0;
  for (const auto& s : samples) {
    to_audio.push_back(s.to_audio_ms);
    play_ms.push_back(s.to_play_ms);
    by_node[s.node].push_back(s.to_audio_ms);
    unresolved += s.resolved ? 0 : 1;
    spoken += s.spoken ? 1 : 0;
  }
  json nodes = json::object();
  for (auto& [node, ms] : by_node)
    nodes[node] = to_json(percentiles(std::move(ms)));
  return {{"flow", flow->id},
          {"wall_s", secs},
          {"sessions_started", st->spawned.load()},
          {"sessions_completed", ended},
          {"exits", ways},
          {"entries", entries},
          {"next_prompt", to_json(percentiles(to_audio))},
          {"to_play_call", to_json(percentiles(std::move(play_ms)))},
          {"next_prompt_by_node", nodes},
          {"prompts_spoken", spoken},
          {"prompts_without_audio", unresolved},
          {"events", head1 - head0},
          {"events_per_s", static_cast<double>(head1 - head0) / secs},
          {"cpu_s", cpu},
          {"cpu_ms_per_session", ended > 0 ? cpu * 1e3 / static_cast<double>(ended) : 0.0},
          {"cpu_us_per_entry", entries > 0 ? cpu * 1e6 / static_cast<double>(entries) : 0.0}};
}

/// `count` texts never said before, spoken by `workers` threads at once
/// into an empty cache: each from the request to its first frame.
json dynamic_tts(const iv::flow& f, const std::string& cache, const ivr_bench_args& a) {
  drivers::tts::espeak_options o;
  o.cache_dir = cache;
  drivers::tts::espeak_speech tts{o};
  const auto* status = f.find("status");
  std::vector<double> all, zh, en;
  std::vector<std::string> errors;
  std::mutex m;
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int w = 0; w < std::max(1, a.tts_workers); ++w)
    pool.emplace_back([&] {
      for (int k; (k = next++) < a.tts_renders;) {
        const std::string lang = k % 2 == 0 ? "zh" : "en";
        const std::map<std::string, std::string> vars{{"order", std::to_string(50'000 + k)},
                                                      {"order_status", statuses[k % 4]}};
        const auto t0 = std::chrono::steady_clock::now();
        auto audio = drivers::tts::resolve_prompt(f, status->prompt, lang, vars, tts,
                                                  std::chrono::milliseconds(10'000));
        std::string why = audio.error;
        const bool ok = !audio.path.empty() && read_first_frame(audio.path, why);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        std::lock_guard lock{m};
        if (!ok) {
          if (errors.size() < 5) errors.push_back(why);
          continue;
        }
        all.push_back(ms);
        (lang == "zh" ? zh : en).push_back(ms);
      }
    });
  for (auto& t : pool)
    t.join();
  const auto l = percentiles(all);
  json out = {{"renders", a.tts_renders},
              {"workers", a.tts_workers},
              {"engine_runs", tts.engine_runs()},
              {"failed", a.tts_renders - static_cast<int>(all.size())},
              {"all", to_json(l)},
              {"zh", to_json(percentiles(zh))},
              {"en", to_json(percentiles(en))}};
  if (!errors.empty()) out["errors"] = errors;
  return out;
}

void run(const ivr_bench_args& a) {
  if (a.sessions < 1) throw std::runtime_error("--sessions: at least 1");
  if (a.seconds <= 0) throw std::runtime_error("--seconds: more than 0");
  if (a.rows < 1 || a.rows > 90'000) throw std::runtime_error("--rows: 1 to 90000");
  if (a.orders < 1 || a.orders > a.rows) throw std::runtime_error("--orders: 1 to --rows");
  if (a.prompt_ms < 0 || a.think_ms < 0 || a.digit_gap_ms < 0)
    throw std::runtime_error("--prompt-ms, --think-ms, --digit-gap-ms: 0 or more");
  drivers::sync_policy sync;
  if (!drivers::parse_sync_policy(a.sync, sync))
    throw std::runtime_error("--sync: none | batch | always");
  if (a.scheduler != "sharing" && a.scheduler != "stealing")
    throw std::runtime_error("--scheduler: sharing | stealing");

  scratch_dir dir{a.dir};
  const auto prompts = dir.path() + "/prompts";
  const auto table = dir.path() + "/orders.csv";
  write_table(table, a.rows);
  const bool have_tts = drivers::tts::program_available("espeak-ng");
  write_recordings(prompts, {"lang", "main_menu", "enter_order", "thanks", "status"});
  auto measured = std::make_shared<const iv::flow>(lookup_flow(prompts, table, have_tts));
  auto baseline = std::make_shared<const iv::flow>(baseline_flow(prompts));
  check(*measured);
  check(*baseline);

  json out = {{"bench", "ivr"},
              {"sessions", a.sessions},
              {"seconds_per_phase", a.seconds},
              {"prompt_ms", a.prompt_ms},
              {"think_ms", a.think_ms},
              {"digit_gap_ms", a.digit_gap_ms},
              {"table_rows", a.rows},
              {"orders_typed", a.orders},
              {"scheduler_threads", a.threads},
              {"scheduler", a.scheduler},
              {"sync", a.sync},
              {"loadavg_at_start", loadavg()},
              {"prompt_audio", have_tts
                                   ? "the measured flow's prompts are TTS texts from the cache; "
                                     "the baseline's are recordings"
                                   : "espeak-ng is not installed: both flows play recordings"}};

  // The speech adapter and the prompts ahead of time, as a node starts.
  drivers::tts::espeak_options tts_opts;
  tts_opts.cache_dir = dir.path() + "/tts-cache";
  drivers::tts::espeak_speech tts{tts_opts};
  if (have_tts) {
    const auto t0 = std::chrono::steady_clock::now();
    auto pre = drivers::tts::prerender_flow(*measured, tts);
    if (!pre.errors.empty()) throw std::runtime_error("prerender: " + pre.errors.front());
    // The status of each order the callers type, in each language: heard before.
    int warmed = 0;
    const auto* status = measured->find("status");
    for (int k = 0; k < a.orders; ++k)
      for (const auto& lang : measured->languages) {
        const auto n = order_number(k, a.rows);
        const std::map<std::string, std::string> vars{
            {"order", n}, {"order_status", statuses[(std::stoi(n) - 10'000) % 4]}};
        auto r = drivers::tts::resolve_prompt(*measured, status->prompt, lang, vars, tts,
                                              std::chrono::milliseconds(10'000));
        if (r.path.empty()) throw std::runtime_error("warming the status texts: " + r.error);
        ++warmed;
      }
    out["prerendered"] = {{"static_texts", pre.rendered + pre.cached},
                          {"status_texts", warmed},
                          {"seconds", seconds_since(t0)}};
  }

  events::center_definition center;
  center.tenants.push_back({"acme", "Acme", {}});
  center.flows.push_back(*measured);
  auto tables = drivers::sim::ivr_tables::load(center);
  if (!tables) throw std::runtime_error(tables.error().message());

  drivers::rocksdb_store_options opts;
  opts.sync = sync;
  auto opened = drivers::rocksdb_event_store::open(dir.path() + "/store", opts);
  if (!opened) throw std::runtime_error(opened.error().message());
  auto& store = **opened;

  ivr_caller_options callers;
  callers.prompt = std::chrono::milliseconds(a.prompt_ms);
  callers.think = std::chrono::milliseconds(a.think_ms);
  callers.digit_gap = std::chrono::milliseconds(a.digit_gap_ms);
  bench_ivr_media media{callers, tts, script(a.orders, a.rows)};
  media.add_flow(measured);
  media.add_flow(baseline);
  media.start_thread();
  actors::wall_clock clock;
  std::vector<double> base_ms, next_ms;
  {
    ivr_config cfg{a.threads, a.scheduler};
    caf::actor_system sys{cfg};
    auto ctx = std::make_shared<actors::acd_context>();
    ctx->center = center;
    ctx->store = {&store, &clock, "site-1", false};
    ctx->ivr_media = &media;
    ctx->ivr_data = tables->get();
    std::cerr << "bench ivr: baseline, " << a.sessions << " sessions for " << a.seconds << " s\n";
    out["baseline"] = run_sessions(sys, ctx, media, store, baseline, "b", a, base_ms);
    std::cerr << "bench ivr: lookup flow, " << a.sessions << " sessions for " << a.seconds
              << " s\n";
    out["measured"] = run_sessions(sys, ctx, media, store, measured, "m", a, next_ms);
    // The callers' pending jobs hold actor handles: with them alive the
    // actor system's shutdown waited for ever. Every session is closed.
    media.stop_thread();
  }

  const auto next = percentiles(next_ms);
  const auto base = percentiles(base_ms);
  out["digits"] = next.samples;
  out["next_prompt_p50_ms"] = next.p50;
  out["next_prompt_p99_ms"] = next.p99;
  out["baseline_p50_ms"] = base.p50;
  out["baseline_p99_ms"] = base.p99;
  out["ratio_to_baseline"] = base.p99 > 0 ? next.p99 / base.p99 : 0.0;
  out["target_p99_ms"] = 100;
  out["meets_target"] = next.samples > 0 && next.p99 <= 100 &&
                        out["measured"]["prompts_without_audio"].get<std::uint64_t>() == 0;
  out["cpu_ms_per_session"] = out["measured"]["cpu_ms_per_session"];
  out["baseline_cpu_ms_per_session"] = out["baseline"]["cpu_ms_per_session"];
  const auto errors = media.errors();
  if (!errors.empty()) out["prompt_errors"] = errors;

  if (have_tts) {
    std::cerr << "bench ivr: dynamic TTS, " << a.tts_renders << " texts\n";
    auto d = dynamic_tts(*measured, dir.path() + "/tts-dynamic", a);
    out["dynamic_tts_p50_ms"] = d["all"]["p50_ms"];
    out["dynamic_tts_p99_ms"] = d["all"]["p99_ms"];
    out["dynamic_tts"] = d;
  } else {
    out["dynamic_tts_p50_ms"] = nullptr;
    out["dynamic_tts_p99_ms"] = nullptr;
    out["dynamic_tts_error"] = "espeak-ng is not installed (apt-get install espeak-ng)";
  }
  out["resident_bytes"] = resident_bytes();
  std::cout << out.dump(2) << "\n";
}

} // namespace

void add_ivr_bench(CLI::App& bench) {
  auto a = std::make_shared<ivr_bench_args>();
  auto* cmd = bench.add_subcommand(
      "ivr", "IVR sessions driven by DTMF: last digit -> first audio of the next prompt");
  cmd->footer(
      "Real IVR session actors on a RocksDB store, --sessions callers at once walking a flow "
      "with menus, an order number, a CSV lookup and its status spoken; p50/p99 from a "
      "caller's last digit to the next prompt's first 20 ms of audio (target p99 <= 100 ms at "
      "1,000 sessions); baseline in the same run: the same callers on a flow with no lookup "
      "and recorded prompts; dynamic TTS (texts not in the cache) apart\n\nExample:\n  "
      "hotline bench ivr --sessions 1000 --seconds 10");
  cmd->add_option("--sessions", a->sessions, "Callers in a flow at once")->capture_default_str();
  cmd->add_option("--seconds", a->seconds, "Length of each phase (baseline, lookup flow)")
      ->capture_default_str();
  cmd->add_option("--prompt-ms", a->prompt_ms, "How long each prompt plays")->capture_default_str();
  cmd->add_option("--think-ms", a->think_ms, "From the end of a prompt to the first key")
      ->capture_default_str();
  cmd->add_option("--digit-gap-ms", a->digit_gap_ms, "Between the keys of an order number")
      ->capture_default_str();
  cmd->add_option("--rows", a->rows, "Orders in the generated CSV table")->capture_default_str();
  cmd->add_option("--orders", a->orders,
                  "Distinct order numbers the callers type (their status texts are cached)")
      ->capture_default_str();
  cmd->add_option("--tts-renders", a->tts_renders, "Dynamic texts spoken into an empty cache")
      ->capture_default_str();
  cmd->add_option("--tts-workers", a->tts_workers, "Threads speaking them at once")
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "CAF scheduler threads")->capture_default_str();
  cmd->add_option("--scheduler", a->scheduler, "CAF scheduler policy: sharing | stealing")
      ->capture_default_str();
  cmd->add_option("--sync", a->sync, "Store sync policy: none | batch | always")
      ->capture_default_str();
  cmd->add_option("--dir", a->dir, "Where to create the scratch directory (default: temp dir)");
  cmd->callback([a] {
    try {
      run(*a);
    } catch (const std::exception& e) {
      std::cerr << "hotline bench ivr: " << e.what() << "\n";
      throw CLI::RuntimeError(1);
    }
  });
}

} // namespace hotline::bench
