// The browser side of `hotline bench web` (bench/web_bench.cpp, which
// builds this file into the binary, writes it next to the run and starts it
// with node): Debian's chromium driven by playwright-core against a running
// node. Prints one JSON object on stdout; progress goes to stderr.
//
// Environment: BENCH_URL (the node API), BENCH_ADMIN / BENCH_AGENT (users,
// one password BENCH_PASSWORD), BENCH_AGENT_ID, BENCH_QUEUES (tiles
// expected), BENCH_SECONDS (the wallboard's measured window), BENCH_LOADS
// (page loads per page), NODE_MODULES (where playwright-core is), CHROMIUM.
//
// What is measured, in the browser's own clocks (performance APIs):
//  - *_load_ms: navigation start to interactive: the feed live and its
//    snapshot drawn (the agent's state shown; every queue's tile present).
//    Median of BENCH_LOADS loads in one browser context (the assets cached,
//    as a desk's browser has them); *_cold_load_ms is the first.
//  - baseline_load_ms: the same for the login page of the same server (no
//    script work, no feed): what any page of this server costs here.
//  - tile_update_ms: the event's decision (its time_ns, the node's wall
//    clock; one host) to the wallboard's tiles redrawn with it (a
//    MutationObserver on the tiles, after the page's frame-batched render).
//  - event_to_page_ms: the same event to its arrival in the page (the feed
//    handler): the baseline of the tile update (the transport alone).
//  - wallboard_cpu_ratio: the renderer main thread's task time (the CDP
//    Performance domain's TaskDuration) over the window's wall time: 1.0 is
//    one core busy.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const env = (name, fallback) => {
  const v = process.env[name];
  if (v === undefined || v === '') {
    if (fallback !== undefined) return fallback;
    throw new Error(`${name} is not set`);
  }
  return v;
};
const url = env('BENCH_URL');
const password = env('BENCH_PASSWORD');
const queues = Number(env('BENCH_QUEUES'));
const seconds = Number(env('BENCH_SECONDS', '20'));
const loads = Number(env('BENCH_LOADS', '5'));
const agentId = env('BENCH_AGENT_ID');
const require = createRequire(join(env('NODE_MODULES'), '..', 'bench.cjs'));
const { chromium } = require('playwright-core');

const log = (m) => process.stderr.write(`bench web: ${m}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : 0;
};
const round = (x) => Math.round(x * 100) / 100;

async function cookieOf(user) {
  const r = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password }) });
  if (r.status !== 200) throw new Error(`login of ${user}: ${r.status} ${await r.text()}`);
  const [pair] = r.headers.get('set-cookie').split(';');
  const at = pair.indexOf('=');
  return { name: pair.slice(0, at), value: pair.slice(at + 1), url };
}

/** Polls `fn(arg)` in the page (the pages' CSP forbids page.waitForFunction's strings). */
async function until(page, fn, arg, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    // During the navigation the page's context may be replaced: try again.
    const v = await page.evaluate(fn, arg).catch(() => 0);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${fn}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Loads `path` `loads` times in `ctx`; each: ms from navigation start to `ready(page)`. */
async function timeLoads(ctx, path, ready) {
  const out = [];
  for (let i = 0; i < loads; ++i) {
    const page = await ctx.newPage();
    await page.goto(`${url}${path}`, { waitUntil: 'commit' });
    out.push(await until(page, ready.fn, ready.arg));
    await page.close();
  }
  return out;
}

const browser = await chromium.launch({ executablePath: env('CHROMIUM', '/usr/bin/chromium'),
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  const viewport = { width: 1920, height: 1080 };
  // The login page: the server's floor.
  const plain = await browser.newContext({ viewport });
  const baseline = await timeLoads(plain, '/', {
    fn: () => (document.getElementById('username') ? performance.now() : 0) });
  await plain.close();

  const desk = await browser.newContext({ viewport });
  await desk.addCookies([await cookieOf(env('BENCH_AGENT'))]);
  const desktop = await timeLoads(desk, '/agent.html', {
    fn: () => {
      const live = document.querySelector('#feed-status[data-state="live"]');
      const state = document.getElementById('state');
      return live && state && state.dataset.state ? performance.now() : 0;
    } });
  await desk.close();
  log(`desktop loads ${desktop.map(round).join(', ')} ms`);

  const wall = await browser.newContext({ viewport });
  await wall.addCookies([await cookieOf(env('BENCH_ADMIN'))]);
  const tilesReady = {
    fn: (n) => {
      const live = document.querySelector('#feed-status[data-state="live"]');
      return live && document.querySelectorAll('#tiles .tile').length >= n ? performance.now() : 0;
    },
    arg: queues };
  const wallboard = await timeLoads(wall, '/supervisor.html?wallboard=1', tilesReady);
  log(`wallboard loads ${wallboard.map(round).join(', ')} ms`);

  // The measured window: one wallboard open while the day runs.
  const page = await wall.newPage();
  await page.goto(`${url}/supervisor.html?wallboard=1`, { waitUntil: 'commit' });
  await until(page, tilesReady.fn, tilesReady.arg);
  await page.evaluate(() => {
    const b = { pending: [], tile: [], arrival: [], events: 0 };
    window.__bench = b;
    const clock = () => performance.timeOrigin + performance.now();
    const h = window.hotline.feed.h;
    const onEvent = h.onEvent;
    h.onEvent = (msg) => {
      const decided = msg.event && msg.event.time_ns ? msg.event.time_ns / 1e6 : 0;
      if (decided) {
        b.events += 1;
        b.arrival.push(clock() - decided);
        b.pending.push(decided);
      }
      onEvent(msg);
    };
    new MutationObserver(() => {
      const now = clock();
      for (const d of b.pending) b.tile.push(now - d);
      b.pending = [];
    }).observe(document.getElementById('tiles'), { childList: true, subtree: true, characterData: true });
  });
  const cdp = await wall.newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics
    .find((m) => m.name === 'TaskDuration').value;
  const task0 = await task();
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const task1 = await task();
  const wallS = (Date.now() - t0) / 1000;
  const b = await page.evaluate(() => {
    const x = window.__bench;
    return { tile: x.tile, arrival: x.arrival, events: x.events };
  });
  const tiles = await page.evaluate(() => document.querySelectorAll('#tiles .tile').length);
  await wall.close();

  const out = {
    baseline_load_ms: round(median(baseline)),
    desktop_load_ms: round(median(desktop)),
    desktop_cold_load_ms: round(desktop[0]),
    wallboard_load_ms: round(median(wallboard)),
    wallboard_cold_load_ms: round(wallboard[0]),
    tiles,
    events_to_wallboard: b.events,
    events_to_wallboard_per_s: round(b.events / wallS),
    tile_updates_measured: b.tile.length,
    tile_update_p50_ms: round(pct(b.tile, 50)),
    tile_update_p99_ms: round(pct(b.tile, 99)),
    tile_update_max_ms: round(Math.max(0, ...b.tile)),
    event_to_page_p50_ms: round(pct(b.arrival, 50)),
    event_to_page_p99_ms: round(pct(b.arrival, 99)),
    wallboard_cpu_ratio: round((task1 - task0) / wallS),
    window_s: round(wallS),
    agent_id: agentId,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await browser.close();
}
