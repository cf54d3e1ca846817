// The web pages in a real browser (docs/web.md): Debian's chromium driven by
// playwright-core against a real `hotline node` with simulated callers
// (center.toml). Run by run.sh (ctest `web_pages`); screenshots of each page
// go to $WEB_SCREENSHOTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const bin = process.env.HOTLINE_BIN;
const shots = process.env.WEB_SCREENSHOTS || tmpdir();
const password = 'correct horse battery staple';
const here = new URL('.', import.meta.url).pathname;

let dir, node, url, browser;
const pageErrors = []; // uncaught errors in the pages: none expected

function addUser(store, args) {
  execFileSync('bash', ['-c', `echo '${password}' | "${bin}" users add --store "${store}" --password-stdin ${args}`],
    { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts the node and resolves to its API's URL (its "API on URL" line). */
function startNode(config, store) {
  return new Promise((resolve, reject) => {
    node = spawn(bin, ['node', '--config', config, '--store', store, '--api-listen', '127.0.0.1:0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => reject(new Error('the node never said "API on"')), 30000);
    const lines = createInterface({ input: node.stderr });
    const out = createInterface({ input: node.stdout });
    const look = (line) => {
      const at = line.indexOf('API on ');
      if (at >= 0) {
        clearTimeout(timer);
        resolve(line.slice(at + 7).split(' ')[0]);
      }
    };
    lines.on('line', look);
    out.on('line', look);
    node.on('exit', (code) => reject(new Error(`the node stopped (${code}) before its API came up`)));
  });
}

/** A user's API session from the test itself (checks beside the browser). */
async function session(user) {
  const r = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password }) });
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  return async (method, path, body) => {
    const res = await fetch(`${url}${path}`, { method, headers: { Cookie: cookie,
      ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, json: await res.json().catch(() => null) };
  };
}

/** A fresh browser context (its own cookies and storage) signed in as `user` through the login page. */
async function signIn(user, expectPath) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${user}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) pageErrors.push(`${user}: ${m.text()}`);
  });
  await page.goto(`${url}/`);
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('#login-submit');
  await page.waitForURL(`**${expectPath}`);
  await page.waitForSelector('#feed-status[data-state="live"]');
  return page;
}

/**
 * Polls `fn(arg)` in the page until it is truthy (page.waitForFunction
 * evaluates strings, which the pages' CSP forbids: page.evaluate does not).
 */
async function until(page, fn, arg, timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${fn}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stateOf = (page) => page.getAttribute('#state', 'data-state');
async function waitState(page, state, timeout = 10000) {
  await page.waitForSelector(`#state[data-state="${state}"]`, { timeout });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hotline-web-'));
  const store = join(dir, 'store');
  addUser(store, '--user admin --tenant acme --role admin');
  addUser(store, '--user alice --tenant acme --role agent --agent a1');
  addUser(store, '--user sue --tenant acme --role supervisor --agent sup1 --queue sales');
  addUser(store, '--user audrey --tenant acme --role auditor');
  addUser(store, '--user bob --tenant beta --role agent --agent b1');
  addUser(store, '--user betty --tenant beta --role admin');
  url = await startNode(join(here, 'center.toml'), store);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

after(async () => {
  if (browser) await browser.close();
  if (node && node.exitCode === null) {
    const stopped = new Promise((r) => node.on('exit', r));
    node.kill('SIGINT');
    const late = setTimeout(() => node.kill('SIGKILL'), 15000); // a node that hangs must not hang the test
    await stopped;
    clearTimeout(late);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(pageErrors, []);
});

test('the node serves the pages with their types, the CSP and no way out of web/', async () => {
  const index = await fetch(`${url}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.match(index.headers.get('content-security-policy'), /script-src 'self'/);
  const etag = index.headers.get('etag');
  assert.ok(etag);
  assert.equal((await fetch(`${url}/`, { headers: { 'If-None-Match': etag } })).status, 304);
  assert.match((await fetch(`${url}/lib/live.js`)).headers.get('content-type'), /^text\/javascript/);
  assert.match((await fetch(`${url}/hotline.css`)).headers.get('content-type'), /^text\/css/);
  // (fetch normalises dot segments itself: the raw ones are tests/integration/web_static_test.cpp's)
  for (const bad of ['/nothing.html', '/..%2f..%2fetc%2fpasswd', '/lib%2f..%2findex.html', '/lib/'])
    assert.equal((await fetch(`${url}${bad}`)).status, 404, bad);
  assert.equal((await fetch(`${url}/api/nothing`)).status, 404);
});

test('a bad password shows the error, the language switch relabels the page and is remembered', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await ctx.newPage();
  await page.goto(`${url}/`);
  await page.fill('#username', 'alice');
  await page.fill('#password', 'not the password at all');
  await page.click('#login-submit');
  await page.waitForSelector('#login-error:not([hidden])');
  assert.equal(await page.textContent('#login-error'), 'Wrong user name or password.');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password');
  await page.screenshot({ path: join(shots, 'login-error.png') });
  await page.selectOption('#lang', 'zh');
  assert.equal(await page.textContent('#login-submit'), '登录');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.reload();
  assert.equal(await page.textContent('#login-submit'), '登录'); // remembered
  await page.fill('#username', 'audrey');
  await page.fill('#password', password);
  await page.click('#login-submit');
  await page.waitForURL('**/supervisor.html');
  await page.waitForSelector('#feed-status[data-state="live"]');
  assert.equal(await page.textContent('#queues-h'), '队列');
  await page.screenshot({ path: join(shots, 'supervisor-zh.png') });
  await page.click('#logout');
  await page.waitForURL(`${url}/`);
  await ctx.close();
});

test('an agent signs in, goes ready, gets an offer with the screen pop, accepts, holds, resumes, hangs up, wraps up', async () => {
  const page = await signIn('alice', '/agent.html');
  assert.equal(await stateOf(page), 'logged_out');
  await page.screenshot({ path: join(shots, 'agent-signed-out.png') });
  // Signing in makes the agent ready at once (agent.logged_in, agent.ready).
  await page.click('#sign-in');
  await page.waitForSelector('#state[data-state="ready"], #state[data-state="ringing"]');
  // Callers arrive every few seconds: an offer rings with its screen pop.
  await page.waitForSelector('#offer:not([hidden])', { timeout: 30000 });
  const pop = await page.textContent('#pop');
  assert.match(pop, /Caller/);
  assert.match(pop, /\+86|139/);
  assert.match(pop, /Sales|sales/);
  assert.match(pop, /cust-/);
  assert.equal(await page.locator('#pop-new, #pop-returning').count(), 1); // first or returning contact
  // A caller of acme's VIP list (center.toml) is marked VIP, and only such a caller.
  const caller = await page.evaluate(() => window.hotline.live.calls.get(window.hotline.live.agents.get('a1').callId).caller);
  assert.equal(await page.locator('#pop-vip').count(), ['13900000001', '13900000002'].includes(caller) ? 1 : 0, caller);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'accept'); // ready for Enter
  await page.screenshot({ path: join(shots, 'agent-offer.png') });
  await page.keyboard.press('Enter');
  await waitState(page, 'talking');
  assert.match(await page.textContent('#call-pop'), /Caller/);
  await page.click('#hold');
  await waitState(page, 'on_hold');
  await page.keyboard.press('Alt+H'); // resume
  await waitState(page, 'talking');
  await page.screenshot({ path: join(shots, 'agent-talking.png') });
  await page.click('#hangup');
  await waitState(page, 'wrap_up');
  await page.waitForSelector('#wrap-up:not([hidden])');
  assert.match(await page.textContent('#wrap-up'), /Wrap-up ends in [0-9]:[0-9]{2}/);
  await page.screenshot({ path: join(shots, 'agent-wrap-up.png') });
  // Not ready during the wrap-up: where the agent goes once it is done (no next offer).
  await page.click('#not-ready');
  await page.click('#wrap-up-done');
  await waitState(page, 'not_ready');
  assert.equal(await page.textContent('#stat-answered'), '1');
  // A refusal shows in the alert line, naming the field.
  await page.fill('#dial-number', 'abc');
  await page.click('#dial-go');
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /invalid_field.*number/);
  // Ready again by its shortcut: ready, or already ringing with the next caller.
  await page.keyboard.press('Alt+R');
  await page.waitForSelector('#state[data-state="ready"], #state[data-state="ringing"]');
  await page.context().close();
});

test('a supervisor sees the queue tile change with the events, barges, and the barge is in the audit trail', async () => {
  const alice = await signIn('alice', '/agent.html');
  const sue = await signIn('sue', '/supervisor.html');
  await sue.waitForSelector('#tile-sales');
  const offered = async () => sue.evaluate(() => window.hotline.live.queueFigures('sales').offered);
  const before = await offered();
  // The tile follows the feed: the next caller changes it (callers arrive every ~4 s).
  const t0 = Date.now();
  await until(sue, (n) => window.hotline.live.queueFigures('sales').offered > n, before, 40000);
  assert.ok(Date.now() - t0 < 40000);
  // Within a second of the event reaching the page, the tile shows it.
  await until(sue, () => {
    const f = window.hotline.live.queueFigures('sales');
    const shown = document.querySelector('#tile-sales .figure[data-key="waiting"] .value');
    return shown && shown.textContent === String(f.waiting);
  }, null, 1000);
  // The browser's fold agrees with the node's.
  const api = await session('sue');
  const q = (await api('GET', '/api/queues/sales')).json;
  const mine = await sue.evaluate(() => window.hotline.live.queueFigures('sales'));
  assert.equal(mine.offered, q.offered);
  assert.equal(mine.answered, q.answered);
  assert.equal(mine.abandoned, q.abandoned);
  // Colour is never alone: the tile's level is in words and a symbol too.
  const level = await sue.getAttribute('#tile-sales', 'data-level');
  const status = await sue.textContent('#tile-sales .status');
  assert.match(status, { ok: /✓ OK/, warn: /▲ Warning/, alarm: /■ Alarm/ }[level]);
  await sue.screenshot({ path: join(shots, 'supervisor.png'), fullPage: true });

  // a1 takes a call; the supervisor barges from its row.
  if ((await stateOf(alice)) === 'logged_out') await alice.click('#sign-in');
  await alice.waitForSelector('#state:not([data-state="logged_out"])');
  if (!['ready', 'ringing'].includes(await stateOf(alice))) await alice.click('#ready');
  await alice.waitForSelector('#offer:not([hidden])', { timeout: 30000 });
  await alice.click('#accept');
  await waitState(alice, 'talking');
  const barge = '#agent-a1 button[data-action="barge"]';
  await sue.waitForSelector(`${barge}:not([disabled])`);
  await sue.focus(barge);
  await sue.keyboard.press('Enter'); // keyboard only
  await sue.waitForSelector('#notice:not([hidden])');
  assert.match(await sue.textContent('#notice'), /Barge/);
  const callId = await alice.evaluate(() => window.hotline.live.agents.get('a1').callId);
  const auditor = await session('audrey');
  let found = null;
  for (let i = 0; i < 50 && !found; i++) {
    const page = (await auditor('GET', '/api/audit?type=call.supervised&limit=1000')).json;
    found = page.events.find((e) => e.data.call_id === callId && e.data.mode === 'barge');
    if (!found) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(found, 'the barge is in the audit trail');
  assert.equal(found.caused_by.id, 'sue');
  assert.equal(found.data.supervisor_id, 'sup1');
  await sue.screenshot({ path: join(shots, 'supervisor-barge.png'), fullPage: true });

  // A dropped feed resumes from its last seq (?since=): no new snapshot,
  // nothing twice, and the figures still agree with the node's.
  const seqBefore = await sue.evaluate(() => window.hotline.feed.lastSeq);
  await sue.evaluate(() => window.hotline.feed.drop());
  await until(sue, () => window.hotline.feed.counts.opened === 2, null, 10000);
  await until(sue, (s) => window.hotline.feed.lastSeq > s, seqBefore, 40000);
  const counts = await sue.evaluate(() => window.hotline.feed.counts);
  assert.equal(counts.snapshots, 1);
  assert.equal(counts.duplicates, 0);
  const after = await sue.evaluate(() => window.hotline.live.queueFigures('sales'));
  const q2 = (await api('GET', '/api/queues/sales')).json;
  assert.ok(Math.abs(after.offered - q2.offered) <= 1); // a caller may arrive between the two reads

  // Force state from the row; the wallboard mode.
  // Forced not ready during the wrap-up: a1 stays out of the next offer.
  await alice.click('#hangup');
  await waitState(alice, 'wrap_up');
  await sue.click('#agent-a1 button[data-action="force-not_ready"]');
  await sue.waitForSelector('#notice:not([hidden])');
  await alice.click('#wrap-up-done');
  await waitState(alice, 'not_ready');
  await sue.click('#wallboard');
  await sue.waitForSelector('body.wallboard');
  assert.equal(await sue.isVisible('#agents-section'), false);
  await sue.screenshot({ path: join(shots, 'wallboard.png'), fullPage: true });
  await sue.keyboard.press('Alt+B');
  await sue.waitForSelector('body:not(.wallboard)');
  await alice.context().close();
  await sue.context().close();
});

test('a user of one tenant sees nothing of another', async () => {
  const betty = await signIn('betty', '/supervisor.html');
  await betty.waitForSelector('#tile-help');
  assert.equal(await betty.isVisible('#tile-sales'), false);
  const seen = await betty.evaluate(() => ({
    queues: [...window.hotline.live.queues.keys()], agents: [...window.hotline.live.agents.keys()],
    tenants: [...new Set([...window.hotline.live.agents.values()].map((a) => a.tenant))],
  }));
  assert.deepEqual(seen.queues, ['help']);
  assert.deepEqual(seen.agents, ['b1']);
  assert.deepEqual(seen.tenants, ['beta']);
  assert.equal(await betty.locator('#agent-a1').count(), 0);
  await betty.screenshot({ path: join(shots, 'supervisor-other-tenant.png'), fullPage: true });
  const bob = await signIn('bob', '/agent.html');
  assert.deepEqual(await bob.evaluate(() => [...window.hotline.live.agents.keys()]), ['b1']);
  // Another tenant's agent through the API from the page's session: 404.
  const status = await bob.evaluate(async () => (await fetch('/api/agents/a1')).status);
  assert.equal(status, 404);
  await betty.context().close();
  await bob.context().close();
});
