// Helpers of the browser tests (tests/web/*.test.mjs): a real `hotline
// node` started on a store, users made by `hotline users add`, API sessions
// from the test itself, browser contexts signed in through the login page.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';

export const password = 'correct horse battery staple';

/** `hotline users add --store STORE --password-stdin ARGS` (no node may run on STORE). */
export function addUser(bin, store, args) {
  execFileSync('bash', ['-c', `echo '${password}' | "${bin}" users add --store "${store}" --password-stdin ${args}`],
    { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts `hotline node`; resolves to { proc, url } once it says "API on URL". */
export function startNode(bin, config, store) {
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, ['node', '--config', config, '--store', store, '--api-listen', '127.0.0.1:0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => reject(new Error('the node never said "API on"')), 30000);
    const look = (line) => {
      const at = line.indexOf('API on ');
      if (at >= 0) {
        clearTimeout(timer);
        resolve({ proc, url: line.slice(at + 7).split(' ')[0] });
      }
    };
    createInterface({ input: proc.stderr }).on('line', look);
    createInterface({ input: proc.stdout }).on('line', look);
    proc.on('exit', (code) => reject(new Error(`the node stopped (${code}) before its API came up`)));
  });
}

/** SIGINT, then SIGKILL after 15 s: a node that hangs must not hang the test. */
export async function stopNode(proc) {
  if (!proc || proc.exitCode !== null) return;
  const stopped = new Promise((r) => proc.on('exit', r));
  proc.kill('SIGINT');
  const late = setTimeout(() => proc.kill('SIGKILL'), 15000);
  await stopped;
  clearTimeout(late);
}

/** A user's API session from the test itself: (method, path, body) → { status, json }. */
export async function session(url, user) {
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

/**
 * A fresh browser context signed in as `user` through the login page, on
 * `expectPath`; uncaught page errors and CSP refusals go to `errors`.
 */
export async function signIn(browser, url, user, expectPath, errors, { feed = true } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(`${user}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) errors.push(`${user}: ${m.text()}`);
  });
  await page.goto(`${url}/`);
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('#login-submit');
  await page.waitForURL(`**${expectPath}`);
  if (feed) await page.waitForSelector('#feed-status[data-state="live"]');
  return page;
}

/** Polls `fn(arg)` in the page until truthy (the pages' CSP forbids waitForFunction's strings). */
export async function until(page, fn, arg, timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${fn}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
