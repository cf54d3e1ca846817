// The web pages in a real browser (docs/web.md): Debian's chromium driven by
// playwright-core against a real `hotline node` with simulated callers
// (center.toml). Run by run.sh (ctest `web_pages`); screenshots of each page
// go to $WEB_SCREENSHOTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import * as support from './support.mjs';

const bin = process.env.HOTLINE_BIN;
const shots = process.env.WEB_SCREENSHOTS || tmpdir();
const here = new URL('.', import.meta.url).pathname;
const { until, password } = support;

let dir, node, url, browser;
let customerOfCall = ''; // the customer of the agent's first call (the auditor reads its history)
const pageErrors = []; // uncaught errors in the pages: none expected

const addUser = (store, args) => support.addUser(bin, store, args);
/** A user's API session from the test itself (checks beside the browser). */
const session = (user) => support.session(url, user);
/** A fresh browser context (its own cookies and storage) signed in as `user` through the login page. */
const signIn = (user, expectPath) => support.signIn(browser, url, user, expectPath, pageErrors);

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
  ({ proc: node, url } = await support.startNode(bin, join(here, 'center.toml'), store));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

after(async () => {
  if (browser) await browser.close();
  await support.stopNode(node); // SIGINT, SIGKILL after 15 s: a node that hangs must not hang the test
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
  customerOfCall = await page.evaluate(() => {
    const l = window.hotline.live;
    return l.calls.get(l.agents.get('a1').callId).customerId;
  });
  // The disposition during the call: a code of the queue's list (center.toml) and notes.
  await page.waitForSelector('#disp-select:not([hidden]) option[value="sale"]', { state: 'attached' });
  assert.equal(await page.isVisible('#disp-text'), false); // a list, not free text
  await page.selectOption('#disp-select', 'sale');
  await page.fill('#disp-notes', 'wants the premium plan');
  await page.click('#disp-go');
  await until(page, () => document.getElementById('disp-current').textContent === 'Recorded: sale');
  await page.screenshot({ path: join(shots, 'agent-disposition.png'), fullPage: true });
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
  // In the after-call work the disposition may change: the newest is the call's.
  await page.selectOption('#disp-select', 'no_sale');
  await page.fill('#disp-notes', 'changed their mind');
  await page.click('#disp-go');
  await until(page, () => document.getElementById('disp-current').textContent === 'Recorded: no_sale');
  // Not ready during the wrap-up: where the agent goes once it is done (no next offer).
  await page.click('#not-ready');
  await page.click('#wrap-up-done');
  await waitState(page, 'not_ready');
  assert.equal(await page.textContent('#stat-answered'), '1');
  // Once the desk is clear the node refuses a disposition: its 409 shows beside the control.
  assert.equal(await page.isDisabled('#disp-go'), true);
  await page.evaluate(() => { document.getElementById('disp-go').disabled = false; document.getElementById('disposition').requestSubmit(); });
  await page.waitForSelector('#disp-error:not([hidden])');
  assert.match(await page.textContent('#disp-error'), /not_on_desk/);
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

/** The text of `selector`, trimmed. */
const text = async (page, selector) => (await page.textContent(selector)).trim();

/** Re-reads the admin page's lists until `selector` is there (a creation is folded shortly after its 201). */
async function untilListed(page, selector) {
  await until(page, async (sel) => { await window.hotline.refresh(); return !!document.querySelector(sel); }, selector);
}

test('an admin creates a queue and an agent, changes a skill, and sees each refusal beside its field', async () => {
  const page = await signIn('admin', '/supervisor.html');
  // The header links the pages of the admin's roles.
  assert.deepEqual(await page.$$eval('#pages a', (as) => as.map((a) => a.getAttribute('href'))),
    ['/supervisor.html', '/admin.html', '/audit.html', '/kpi.html']);
  await page.click('#pages a[href="/admin.html"]');
  await page.waitForURL('**/admin.html');
  await page.waitForSelector('#queue-sales');
  await page.waitForSelector('#user-alice');

  // A queue: a bad ring timeout first (400 beside its field), then a good one.
  await page.fill('#n-id', 'vip');
  await page.fill('#n-name', 'VIP line');
  await page.fill('#n-skills', 'vip=1');
  await page.fill('#n-ring', '0');
  await page.fill('#n-entry', '300');
  await page.click('#queue-go');
  await page.waitForSelector('#queue-form .field-error[data-for="ring_timeout_s"]');
  assert.match(await text(page, '#queue-form .field-error'), /invalid_field.*ring_timeout_s/);
  assert.equal(await page.getAttribute('#n-ring', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'n-ring'); // the focus is on the field
  await page.screenshot({ path: join(shots, 'admin-error.png'), fullPage: true });
  await page.locator('section[aria-labelledby="queues-h"]').screenshot({ path: join(shots, 'admin-queue-error.png') });
  await page.fill('#n-ring', '20');
  await page.click('#queue-go');
  await page.waitForSelector('#notice:not([hidden])');
  assert.equal(await page.locator('#queue-form .field-error').count(), 0);
  await untilListed(page, '#queue-vip');
  // The same id again: 409 already_exists under the form.
  await page.fill('#n-id', 'vip');
  await page.click('#queue-go');
  await page.waitForSelector('#queue-form .field-error[data-code="already_exists"]');

  // An agent of the new queue.
  await page.fill('#a-id', 'n1');
  await page.fill('#a-name', 'Wang Fang');
  await page.fill('#a-skills', 'vip=60');
  await page.fill('#a-queues', 'vip');
  await page.click('#agent-go');
  await page.waitForSelector('#notice:not([hidden])');
  await untilListed(page, '#agent-n1');
  assert.match(await text(page, '#agent-n1 td.skills'), /vip=60/);

  // Its skill: 150 is out of range (400 beside the skills), 80 is taken.
  await page.click('#agent-n1 button[data-action="skills"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 's-skills');
  await page.fill('#s-skills', 'vip=150');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#skills-form .field-error[data-for="skills"]');
  assert.match(await text(page, '#skills-form .field-error'), /invalid_field.*skills.*vip.*1\.\.100/);
  await page.fill('#s-skills', 'vip=80');
  await page.keyboard.press('Enter');
  await until(page, async () => { await window.hotline.refresh();
    return /vip=80/.test(document.querySelector('#agent-n1 td.skills').textContent); });

  // A queue's settings: the list of disposition codes is shown; a bad value is refused beside it.
  await page.click('#queue-sales button[data-action="settings"]');
  await page.waitForSelector('#settings-form:not([hidden])');
  assert.equal(await text(page, '#q-dispositions'), 'sale, no_sale, callback');
  await page.fill('#q-maxlen', 'many');
  await page.click('#settings-go');
  await page.waitForSelector('#settings-form .field-error[data-for="max_length"]');
  await page.fill('#q-maxlen', '50');
  await page.fill('#q-reason', 'a bigger room');
  await page.click('#settings-go');
  await page.waitForSelector('#notice:not([hidden])');
  assert.equal(await page.locator('#settings-form .field-error').count(), 0);

  // Close and open the new queue from its row.
  await page.click('#queue-vip button[data-action="close"]');
  await until(page, async () => { await window.hotline.refresh();
    return document.querySelector('#queue-vip [data-closed]').dataset.closed === 'true'; });
  await page.click('#queue-vip button[data-action="open"]');
  await until(page, async () => { await window.hotline.refresh();
    return document.querySelector('#queue-vip [data-closed]').dataset.closed === 'false'; });

  // A trunk group's channels: the platform's shared group is refused (403), acme's own is not.
  await page.fill('#t-id', 'pstn');
  await page.click('#trunk-load-go');
  await page.waitForSelector('#trunk-load .field-error[data-code="forbidden"]');
  await page.fill('#t-id', 'acme-out');
  await page.click('#trunk-load-go');
  await page.waitForSelector('#trunk-form:not([hidden])');
  assert.match(await text(page, '#trunk-now'), /acme-out: 10 channels/);
  await page.fill('#t-channels', '0');
  await page.click('#trunk-go');
  await page.waitForSelector('#trunk-form .field-error[data-for="channels"]');
  await page.fill('#t-channels', '4');
  await page.click('#trunk-go');
  await until(page, () => /acme-out: 4 channels/.test(document.getElementById('trunk-now').textContent));

  // A user: a weak password is refused beside it; then made, disabled, enabled.
  await page.fill('#u-username', 'carol');
  await page.fill('#u-display', 'Carol');
  await page.fill('#u-password', 'short');
  await page.click('#user-go');
  await page.waitForSelector('#user-form .field-error[data-for="password"]');
  await page.fill('#u-password', password);
  await page.click('#user-go');
  // Role agent without the agent it acts as: the decider's 409 shows beside the roles.
  await page.waitForSelector('#user-form .field-error[data-for="roles"][data-code="invalid_roles"]');
  await page.fill('#u-agent', 'n1');
  await page.click('#user-go');
  await untilListed(page, '#user-carol');
  await page.click('#user-carol button[data-action="disable"]');
  await until(page, async () => { await window.hotline.refresh();
    return document.querySelector('#user-carol [data-disabled]').dataset.disabled === 'true'; });
  await page.click('#user-carol button[data-action="enable"]');
  await until(page, async () => { await window.hotline.refresh();
    return document.querySelector('#user-carol [data-disabled]').dataset.disabled === 'false'; });
  await page.screenshot({ path: join(shots, 'admin.png'), fullPage: true });

  // From the supervisor's seat: move the new agent into sales too.
  await page.click('#pages a[href="/supervisor.html"]');
  await page.waitForSelector('#agent-n1 button[data-action="edit"]');
  await page.focus('#agent-n1 button[data-action="edit"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#agent-edit:not([hidden])');
  await page.check('#move-queues input[data-queue="sales"]');
  await page.click('#move-go');
  await page.waitForSelector('#notice:not([hidden])');
  await until(page, () => /sales/.test(document.querySelector('#agent-n1').textContent));
  await page.screenshot({ path: join(shots, 'supervisor-edit.png'), fullPage: true });
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('#agent-edit'), false);
  await page.context().close();
});

test("a supervisor changes an agent's skills from the seat; a bad level is refused beside the field", async () => {
  const sue = await signIn('sue', '/supervisor.html');
  // A supervisor has no admin or audit page.
  assert.deepEqual(await sue.$$eval('#pages a', (as) => as.map((a) => a.getAttribute('href'))), ['/supervisor.html']);
  await sue.click('#agent-a1 button[data-action="edit"]');
  await sue.waitForSelector('#agent-edit:not([hidden])');
  assert.match(await sue.inputValue('#skills-text'), /sales=50/);
  await sue.fill('#skills-text', 'sales=0');
  await sue.click('#skills-go');
  await sue.waitForSelector('#skills-form .field-error[data-for="skills"]');
  await sue.fill('#skills-text', 'sales=60');
  await sue.click('#skills-go');
  await sue.waitForSelector('#notice:not([hidden])');
  const api = await session('sue');
  assert.equal((await api('GET', '/api/agents/a1')).json.skills.sales, 60);
  await sue.context().close();
});

test("an auditor searches the trail, finds the admin's change and the barge, verifies the chain, reads a customer", async () => {
  const page = await signIn('audrey', '/supervisor.html');
  await page.click('#pages a[href="/audit.html"]');
  await page.waitForURL('**/audit.html');
  // The admin's queue.
  await page.fill('#f-type', 'queue.defined');
  await page.click('#search-go');
  await page.waitForSelector('#results tbody tr[data-type="queue.defined"]');
  assert.match(await text(page, '#results tbody tr[data-type="queue.defined"] td.author'), /^admin/);
  assert.match(await text(page, '#results tbody tr[data-type="queue.defined"] td.data'), /queue_id=vip/);
  // The supervisor's barge.
  await page.fill('#f-type', 'call.supervised');
  await page.click('#search-go');
  await page.waitForSelector('#results tbody tr[data-type="call.supervised"]');
  const barges = await page.$$eval('#results tbody tr', (rows) => rows.map((r) => r.textContent));
  assert.ok(barges.some((r) => /sue/.test(r) && /mode=barge/.test(r)), barges.join('\n'));
  // A bad position is refused beside its field.
  await page.fill('#f-after', 'abc');
  await page.click('#search-go');
  await page.waitForSelector('#search .field-error[data-for="after"]');
  // Paging through everything, 50 at a time: the next page starts after the last position.
  await page.fill('#f-type', '');
  await page.fill('#f-after', '');
  await page.selectOption('#f-limit', '50');
  await page.click('#search-go');
  await until(page, () => document.querySelectorAll('#results tbody tr[data-position]').length === 50);
  const lastOfFirst = Number(await page.getAttribute('#results tbody tr:last-child', 'data-position'));
  await page.click('#next');
  await until(page, (n) => {
    const first = document.querySelector('#results tbody tr[data-position]');
    return first && Number(first.dataset.position) > n;
  }, lastOfFirst);
  assert.equal(await page.isDisabled('#prev'), false);
  await page.click('#prev');
  await until(page, (n) => Number(document.querySelector('#results tbody tr:last-child').dataset.position) === n, lastOfFirst);
  // The chain verifies.
  await page.click('#verify-go');
  await page.waitForSelector('#verdict[data-ok="true"]', { timeout: 30000 });
  assert.match(await text(page, '#verdict'), /^✓ The chain verifies: [0-9]+ records/);
  // The customer of the agent's first call: its history has the disposition, and the read is recorded.
  assert.ok(customerOfCall, 'the agent test saw a customer');
  await page.fill('#c-id', customerOfCall);
  await page.click('#customer-go');
  await page.waitForSelector('#interactions');
  assert.match(await text(page, '#profile .recorded'), /recorded in the audit trail as audrey/);
  assert.match(await text(page, '#interactions'), /no_sale/);
  assert.match(await text(page, '#interactions'), /changed their mind/);
  await page.screenshot({ path: join(shots, 'audit-customer.png'), fullPage: true });
  await page.locator('section[aria-labelledby="customer-h"]').screenshot({ path: join(shots, 'audit-customer-history.png') });
  await page.fill('#f-type', 'audit.data_read');
  await page.click('#search-go');
  await until(page, (c) => [...document.querySelectorAll('#results tbody tr')].some(
    (r) => /audrey/.test(r.textContent) && r.textContent.includes(`subject=${c}`)), customerOfCall);
  await page.screenshot({ path: join(shots, 'audit.png') });
  // Chinese labels on the new page too.
  await page.selectOption('#lang', 'zh');
  assert.equal(await text(page, '#verify-h'), '校验哈希链');
  assert.match(await text(page, '#verdict'), /^✓ 哈希链校验通过/); // what was drawn is redrawn
  await page.screenshot({ path: join(shots, 'audit-zh.png'), fullPage: true });
  await page.selectOption('#lang', 'en');
  await page.context().close();
});

test('an auditor reads the KPI report by queue, charts a figure per interval and exports it as CSV', async () => {
  const page = await signIn('audrey', '/supervisor.html');
  await page.click('#pages a[href="/kpi.html"]');
  await page.waitForURL('**/kpi.html');
  await page.click('#k-go'); // by queue, 15 min, everything
  await page.waitForSelector('#kpi-queue-sales');
  const shown = Number(await text(page, '#kpi-queue-sales td[data-metric="offered"]'));
  const api = await session('audrey');
  const r = (await api('GET', '/api/kpi?by=queue&interval_s=900')).json;
  assert.ok(shown > 0);
  assert.ok(shown <= r.groups.queue.sales.offered && r.groups.queue.sales.offered - shown <= 2); // callers keep coming
  assert.equal(await page.locator('#kpi-queue-help').count(), 0); // beta's queue is not acme's report
  assert.equal(r.tenant, 'acme');
  assert.ok(await page.locator('#chart svg rect.bar').count() >= 1);
  await page.selectOption('#k-metric', 'answered');
  assert.match(await page.textContent('#chart svg title'), /Answered per interval/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#k-csv')]);
  const csv = readFileSync(await download.path(), 'utf8').split('\n');
  assert.match(csv[0], /^interval,dimension,key,.*\boffered\b/);
  assert.ok(csv.some((l) => l.startsWith('all,queue,sales,')), csv.slice(0, 5).join('\n'));
  await page.screenshot({ path: join(shots, 'kpi.png'), fullPage: true });
  // A range that ends before it starts is refused beside its end.
  await page.fill('#k-from', '2030-01-02T00:00');
  await page.fill('#k-to', '2030-01-01T00:00');
  await page.click('#k-go');
  await page.waitForSelector('#query .field-error[data-for="to"]');
  // Another tenant's admin gets its own report only; an agent gets none.
  const betty = await session('betty');
  const beta = (await betty('GET', '/api/kpi?by=queue')).json;
  assert.equal(beta.tenant, 'beta');
  for (const q of Object.keys((beta.groups && beta.groups.queue) || {})) assert.equal(q, 'help', JSON.stringify(beta.groups));
  assert.equal((await betty('GET', '/api/kpi?tenant=acme')).status, 404);
  assert.equal((await (await session('alice'))('GET', '/api/kpi')).status, 403);
  await page.context().close();
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
  // Nothing of acme on beta's admin and audit pages.
  await betty.goto(`${url}/admin.html`);
  await betty.waitForSelector('#queue-help');
  const adminText = await betty.$$eval('#users, #agents, #queues', (ts) => ts.map((x) => x.textContent).join(' '));
  for (const acme of ['sales', 'vip', 'alice', 'Zhao Lei', '(n1)', 'carol']) assert.ok(!adminText.includes(acme), `${acme} in ${adminText}`);
  await betty.goto(`${url}/audit.html`);
  await betty.click('#search-go');
  await betty.waitForSelector('#results tbody tr');
  const auditText = await betty.textContent('#results');
  for (const acme of ['sales', 'queue_id=vip', 'agent_id=a1', 'alice', 'Zhao Lei']) assert.ok(!auditText.includes(acme), acme);
  assert.equal(await betty.isDisabled('#verify-go'), true); // an admin may not verify the platform's chain
  const bob = await signIn('bob', '/agent.html');
  assert.deepEqual(await bob.evaluate(() => [...window.hotline.live.agents.keys()]), ['b1']);
  // Another tenant's agent through the API from the page's session: 404.
  const status = await bob.evaluate(async () => (await fetch('/api/agents/a1')).status);
  assert.equal(status, 404);
  await betty.context().close();
  await bob.context().close();
});
