// The pages' operations in a real browser (docs/web.md): the desktop's
// recording mark and pause/resume, recordings played on the audit page,
// the admin's tenants, IVR flows and webhooks, the operators' federation
// view, and a session that ends. Debian's chromium driven by
// playwright-core against real `hotline node`s (ops.toml). Run by run.sh
// (ctest `web_pages_ops`); screenshots go to $WEB_SCREENSHOTS.
//
// The node has no telephony, so no call of it is recorded: recordings are
// written into its store before it starts (recording_fixture, as the node
// records them): the desktop's snapshot names the one still running, and
// the mark on a live call is driven by recording events folded into the
// page. That the node delivers a recording's events to the agent's desk is
// tests/integration/web_ops_test.cpp's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { addUser, startNode, stopNode, session, signIn, until } from './support.mjs';

const bin = process.env.HOTLINE_BIN;
const fixture = process.env.RECORDING_FIXTURE;
const shots = process.env.WEB_SCREENSHOTS || tmpdir();
const here = new URL('.', import.meta.url).pathname;

let dir, node, url, browser;
const pageErrors = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hotline-web-ops-'));
  const store = join(dir, 'store');
  for (const u of ['--user admin --tenant acme --role admin', '--user alice --tenant acme --role agent --agent a1',
    '--user sue --tenant acme --role supervisor --agent sup1 --queue sales', '--user audrey --tenant acme --role auditor',
    '--user olga --role operator'])
    addUser(bin, store, u);
  // Three recordings of acme: complete, tampered with (its hash differs), still running.
  for (const [call, mode] of [['rec-ok', 'ok'], ['rec-bad', 'tampered'], ['rec-run', 'running']])
    execFileSync(fixture, [store, 'acme', call, 'a1', 'sales', join(dir, `${call}.wav`), mode]);
  ({ proc: node, url } = await startNode(bin, join(here, 'ops.toml'), store));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required'] });
});

after(async () => {
  if (browser) await browser.close();
  await stopNode(node);
  if (dir) rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(pageErrors, []);
});

/** Folds a recording event into the desktop's live view, as the feed would deliver it. */
async function recordingEvent(page, type, callId) {
  await page.evaluate(([type, callId]) => {
    const live = window.hotline.live;
    live.apply({ seq: live.seq + 0.5, type: 'event',
      event: { type, stream: `recording-${callId}`, tenant: 'acme', time_ns: live.nowNs(),
        data: { call_id: callId, agent_id: 'a1', queue: 'sales' } } });
  }, [type, callId]);
}

test('the desktop marks a recorded call and pauses and resumes it by button and shortcut', async () => {
  const page = await signIn(browser, url, 'alice', '/agent.html', pageErrors);
  // The node's snapshot names the recordings running on this desk (rec-run, from the store).
  assert.equal(await page.evaluate(() => window.hotline.live.recordingOf('rec-run')), 'recording');
  assert.equal(await page.evaluate(() => window.hotline.live.recordingOf('rec-ok')), '');
  await page.click('#sign-in');
  await page.waitForSelector('#offer:not([hidden])', { timeout: 30000 });
  await page.click('#accept');
  await page.waitForSelector('#state[data-state="talking"]');
  // Not recorded: no mark, nothing to pause.
  assert.equal(await page.isHidden('#rec'), true);
  assert.equal(await page.isDisabled('#rec-pause'), true);
  const callId = await page.evaluate(() => window.hotline.live.agents.get('a1').callId);
  await recordingEvent(page, 'recording.started', callId);
  await page.waitForSelector('#rec[data-state="recording"]:not([hidden])');
  assert.equal((await page.textContent('#rec')).trim(), '● Recording');
  assert.equal(await page.isDisabled('#rec-pause'), false);
  assert.equal(await page.isDisabled('#rec-resume'), true);
  await page.screenshot({ path: join(shots, 'agent-recording.png') });
  // Alt+P posts the pause to the node's route; this node records nothing, so it answers 409 not_recorded.
  await page.keyboard.press('Alt+P');
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /not_recorded/);
  await recordingEvent(page, 'recording.paused', callId);
  await page.waitForSelector('#rec[data-state="paused"]');
  assert.equal((await page.textContent('#rec')).trim(), '❚❚ Recording paused');
  assert.equal(await page.isDisabled('#rec-resume'), false);
  assert.equal(await page.isDisabled('#rec-pause'), true);
  await page.screenshot({ path: join(shots, 'agent-recording-paused.png') });
  await page.evaluate(() => { document.getElementById('error').hidden = true; });
  await page.click('#rec-resume');
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /not_recorded/);
  await recordingEvent(page, 'recording.resumed', callId);
  await page.waitForSelector('#rec[data-state="recording"]');
  // Once the call is over the mark goes.
  await page.click('#hangup');
  await page.waitForSelector('#state[data-state="wrap_up"]');
  await page.waitForSelector('#rec', { state: 'hidden' });
  await page.click('#not-ready');
  await page.click('#wrap-up-done');
  await page.waitForSelector('#state[data-state="not_ready"]');
  await page.context().close();
});

test("an auditor plays a call's recording in the browser, is refused a tampered one, and finds the playback audited", async () => {
  const page = await signIn(browser, url, 'audrey', '/supervisor.html', pageErrors);
  await page.goto(`${url}/audit.html`);
  await page.click('#rec-go'); // every recording
  await page.waitForSelector('#rec-rec-ok');
  assert.equal(await page.getAttribute('#rec-rec-ok', 'data-state'), 'stopped');
  assert.equal(await page.getAttribute('#rec-rec-run', 'data-state'), 'recording');
  assert.equal(await page.isDisabled('#rec-rec-run button[data-action="play"]'), true);
  assert.match(await page.textContent('#rec-rec-ok'), /a1/);
  // Play: the browser loads the WAV (2 s) from GET /api/recordings/rec-ok.
  await page.click('#rec-rec-ok button[data-action="play"]');
  await until(page, () => {
    const a = document.getElementById('audio');
    return a.readyState >= 1 && Math.abs(a.duration - 2) < 0.1;
  });
  assert.match(await page.textContent('#player-line'), /rec-ok/);
  assert.equal(await page.isHidden('#player-error'), true);
  await page.screenshot({ path: join(shots, 'audit-recording.png'), fullPage: true });
  await page.locator('section[aria-labelledby="rec-h"]').screenshot({ path: join(shots, 'audit-recordings.png') });
  // A file whose hash differs from recording.stopped's is refused; the page says why.
  await page.click('#rec-rec-bad button[data-action="play"]');
  await page.waitForSelector('#player-error:not([hidden])');
  assert.match(await page.textContent('#player-error'), /recording_tampered/);
  // One call's stream by its id.
  await page.fill('#r-call', 'rec-run');
  await page.click('#rec-go');
  await until(page, () => document.querySelectorAll('#rec-list tbody tr').length === 1 && !!document.getElementById('rec-rec-run'));
  // Each playback is in the audit trail, under the auditor's name, with the route.
  await page.fill('#f-type', 'audit.data_read');
  await page.click('#search-go');
  await until(page, () => [...document.querySelectorAll('#results tbody tr')].some(
    (r) => /audrey/.test(r.textContent) && /subject=rec-ok/.test(r.textContent) && /recording/.test(r.textContent)));
  const api = await session(url, 'audrey');
  const reads = (await api('GET', '/api/audit?type=audit.data_read&limit=1000')).json.events
    .filter((e) => e.data.subject === 'rec-ok' && e.caused_by.id === 'audrey');
  assert.ok(reads.length >= 1);
  assert.equal(reads[0].data.via, 'GET /api/recordings/{call}');
  // An agent may not play recordings.
  assert.equal((await (await session(url, 'alice'))('GET', '/api/recordings/rec-ok')).status, 403);
  await page.context().close();
});

test("an admin closes and opens a tenant's service, reads and validates the IVR flows, and manages webhooks", async () => {
  const page = await signIn(browser, url, 'admin', '/supervisor.html', pageErrors);
  await page.goto(`${url}/admin.html`);
  await page.waitForSelector('#tenant-acme');
  assert.equal(await page.getAttribute('#tenant-acme td.service', 'data-service'), 'open');
  assert.equal(await page.locator('#tenant-beta').count(), 0); // another tenant's
  // Close acme's whole service with a reason, then open it.
  await page.fill('#tn-reason', 'fire drill');
  await page.click('#tenant-acme button[data-action="close"]');
  await until(page, async () => { await window.hotline.refreshTenants();
    return document.querySelector('#tenant-acme td.service').dataset.service === 'closed'; });
  assert.match(await page.textContent('#tenant-acme td.queues'), /sales ■ Closed \(fire drill\)/);
  await page.locator('section[aria-labelledby="tenants-h"]').screenshot({ path: join(shots, 'admin-tenants.png') });
  await page.click('#tenant-acme button[data-action="open"]');
  await until(page, async () => { await window.hotline.refreshTenants();
    return document.querySelector('#tenant-acme td.service').dataset.service === 'open'; });
  // The flow, node by node, with config check's warning beside the node it is about.
  await page.waitForSelector('#flow-welcome');
  assert.deepEqual(await page.$$eval('#flow-welcome tbody tr', (rows) => rows.map((r) => r.dataset.node)),
    ['hello', 'menu', 'sales', 'orphan']);
  assert.match(await page.textContent('#flow-welcome tr[data-node="hello"] td.edges'), /next → menu/);
  assert.match(await page.textContent('#flow-welcome tr[data-node="orphan"] td.problems'),
    /▲ warning: .*ops\.toml:[0-9]+:[0-9]+: warning: flows\[0\]\.nodes\[3\]\.id: node 'orphan' is never reached/);
  assert.equal(await page.getAttribute('#flows-summary', 'data-warnings'), '1');
  assert.match(await page.textContent('#flows-summary'), /1 flows checked as hotline config check does/);
  const before = await page.evaluate(() => document.getElementById('flows').firstElementChild);
  await page.click('#flows-check');
  await until(page, (old) => document.getElementById('flows').firstElementChild !== old, before);
  await page.locator('section[aria-labelledby="flows-h"]').screenshot({ path: join(shots, 'admin-flows.png') });
  // Webhooks: a refused URL beside its field, one subscribed (its secret shown once), then deleted.
  await page.fill('#w-url', 'ftp://example.com/x');
  await page.fill('#w-types', 'call.ended');
  await page.click('#webhook-go');
  await page.waitForSelector('#webhook-form .field-error[data-for="url"]');
  await page.fill('#w-url', 'https://hooks.example.com/hotline');
  await page.click('#webhook-go');
  await page.waitForSelector('#webhook-secret:not([hidden])');
  assert.match(await page.textContent('#webhook-secret'), /signing secret, shown this once: \S{16,}/);
  await page.waitForSelector('#webhooks tbody tr[id^="webhook-"]');
  assert.match(await page.textContent('#webhooks tbody'), /hooks\.example\.com.*call\.ended/s);
  await page.locator('section[aria-labelledby="webhooks-h"]').screenshot({ path: join(shots, 'admin-webhooks.png') });
  await page.click('#webhooks tbody tr[id^="webhook-"] button[data-action="delete"]');
  await until(page, () => document.querySelectorAll('#webhooks tbody tr[id^="webhook-"]').length === 0);
  await page.context().close();
});

test('an operator sees the federation view on the seat; a supervisor does not', async () => {
  const olga = await signIn(browser, url, 'olga', '/supervisor.html', pageErrors);
  await olga.waitForSelector('#sites-section:not([hidden])');
  await until(olga, () => Number(document.getElementById('sites-section').dataset.loaded || 0) >= 1);
  assert.equal((await olga.textContent('#sites-site')).trim(), 'opsite');
  assert.match(await olga.textContent('#sites-line'), /no federation/);
  assert.match(await olga.textContent('#sites tbody'), /No other site heard of yet/);
  await olga.locator('#sites-section').screenshot({ path: join(shots, 'supervisor-sites.png') });
  // The wallboard keeps to the tiles.
  await olga.click('#wallboard');
  await olga.waitForSelector('body.wallboard');
  assert.equal(await olga.isVisible('#sites-section'), false);
  await olga.context().close();
  const sue = await signIn(browser, url, 'sue', '/supervisor.html', pageErrors);
  assert.equal(await sue.isHidden('#sites-section'), true);
  await sue.context().close();
});

test('a session that ends: a warning before, then the login page says so', async () => {
  // A node of its own whose sessions last 15 s; the page warns 10 s before the end.
  const short = join(dir, 'short.toml');
  writeFileSync(short, `${readFileSync(join(here, 'ops.toml'), 'utf8')}\n[api]\nsession_ttl_s = 15\n`);
  const store = join(dir, 'short-store');
  addUser(bin, store, '--user alice --tenant acme --role agent --agent a1');
  const { proc, url: shortUrl } = await startNode(bin, short, store);
  try {
    const page = await signIn(browser, shortUrl, 'alice', '/agent.html', pageErrors);
    const me = await page.evaluate(async () => (await fetch('/api/me')).json());
    assert.ok(me.expires_in_s > 0 && me.expires_in_s <= 15, JSON.stringify(me));
    await page.goto(`${shortUrl}/agent.html?session_warn_s=10`);
    await page.waitForSelector('#session-warning:not([hidden])', { timeout: 15000 });
    assert.match(await page.textContent('#session-warning'), /Your session ends in 0:[01][0-9]\. Sign in again to keep working\./);
    assert.equal(await page.getAttribute('#session-warning', 'role'), 'alert');
    await page.screenshot({ path: join(shots, 'session-warning.png') });
    await page.waitForURL(`${shortUrl}/?expired=1`, { timeout: 20000 });
    await page.waitForSelector('#login-expired:not([hidden])');
    assert.equal((await page.textContent('#login-expired')).trim(), 'Your session ended: sign in again.');
    await page.screenshot({ path: join(shots, 'session-ended.png') });
    await page.context().close();
    // *Sign in again* before the end signs out, for a fresh session from the login page.
    const again = await signIn(browser, shortUrl, 'alice', '/agent.html', pageErrors);
    await again.goto(`${shortUrl}/agent.html?session_warn_s=60`); // warned at once
    await again.waitForSelector('#session-warning:not([hidden])');
    await again.click('#session-again');
    await again.waitForURL(`${shortUrl}/`);
    assert.equal(await again.evaluate(async () => (await fetch('/api/me')).status), 401);
    assert.equal(await again.isHidden('#login-expired'), true);
    await again.context().close();
  } finally {
    await stopNode(proc);
  }
});
