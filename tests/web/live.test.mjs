// The browser's fold of the feed (web/lib/live.js), the thresholds and the
// dictionaries, without a browser: node --test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveView } from '../../web/lib/live.js';
import { levels, thresholds } from '../../web/lib/thresholds.js';
import { dictionaries, t } from '../../web/lib/i18n.js';
import { fieldOf, parseSkills, skillsText, parseList, numberOr } from '../../web/lib/forms.js';
import { formatMetric, chartPoints, reportCsv } from '../../web/lib/kpi_view.js';

const S = 1e9;
let seq = 100;
const ev = (type, data, s, tenant = 'acme') => ({ seq: ++seq, type: 'event', event: { type, data, tenant, time_ns: s * S } });

function snapshot() {
  const v = new LiveView();
  v.loadSnapshot({
    seq: 100, type: 'snapshot', now_ns: 10 * S,
    agents: [{ id: 'a1', tenant: 'acme', state: 'logged_out', since_ns: 0, queues: ['sales'], answered: 0, talk_ms: 0 }],
    queues: [{ id: 'sales', tenant: 'acme', calls: [], offered: 0, answered: 0, abandoned: 0, service_level: 1,
      asa_ms: 0, service_level_ms: 20000, answered_in_sl: 0, wait_ms_sum: 0 }],
    calls: [],
  }, 10 * 1000);
  return v;
}

test('live view: an agent day from the feed, login to wrap-up, and the queue figures', () => {
  seq = 100;
  const v = snapshot();
  v.apply(ev('agent.logged_in', { agent_id: 'a1', queues: ['sales'] }, 11));
  assert.equal(v.agents.get('a1').state, 'not_ready');
  v.apply(ev('agent.ready', { agent_id: 'a1' }, 12));
  v.apply(ev('call.arrived', { call_id: 'c1', caller: '+861', attached: { order: '42' } }, 13));
  v.apply(ev('call.queued', { call_id: 'c1', queue: 'sales' }, 13));
  v.apply(ev('queue.call_joined', { queue: 'sales', call_id: 'c1' }, 13));
  assert.equal(v.queueFigures('sales', 18 * S).waiting, 1);
  assert.equal(v.queueFigures('sales', 18 * S).oldestWaitMs, 5000);
  v.apply(ev('agent.reserved', { agent_id: 'a1', call_id: 'c1', queue: 'sales' }, 14));
  assert.equal(v.agents.get('a1').state, 'ringing');
  v.apply(ev('agent.call_started', { agent_id: 'a1', call_id: 'c1' }, 15));
  v.apply(ev('call.connected', { call_id: 'c1', queue: 'sales', agent_id: 'a1', wait_ms: 25000 }, 15));
  v.apply(ev('agent.call_held', { agent_id: 'a1', call_id: 'c1', on_hold: true }, 16));
  assert.equal(v.agents.get('a1').state, 'on_hold');
  v.apply(ev('agent.call_held', { agent_id: 'a1', call_id: 'c1', on_hold: false }, 17));
  v.apply(ev('agent.call_ended', { agent_id: 'a1', call_id: 'c1', wrap_up_ms: 30000 }, 75));
  v.apply(ev('call.ended', { call_id: 'c1', outcome: 'completed', queue: 'sales', agent_id: 'a1' }, 75));
  const a = v.agents.get('a1');
  assert.equal(a.state, 'wrap_up');
  assert.equal(a.wrapUpMs, 30000);
  assert.equal(a.talkMs, 58000); // from talking (17 s) to the end
  assert.equal(a.answered, 1);
  const f = v.queueFigures('sales', 80 * S);
  assert.deepEqual([f.waiting, f.offered, f.answered, f.asaMs, f.serviceLevel], [0, 1, 1, 25000, 0]);
  assert.deepEqual(f.agents, { wrap_up: 1 });
  v.apply(ev('agent.wrap_up_ended', { agent_id: 'a1', call_id: 'c1' }, 80));
  assert.equal(v.agents.get('a1').state, 'ready'); // ready underneath
  assert.equal(v.calls.size, 0);
});

test('live view: a consultation keeps the call with its agent, names the target, and completes or ends', () => {
  seq = 100;
  const v = snapshot();
  v.apply(ev('call.arrived', { call_id: 'c1', caller: '+861' }, 11));
  v.apply(ev('call.connected', { call_id: 'c1', queue: '', agent_id: 'a1', wait_ms: 0 }, 12));
  // a1 consults a2: the offer rings a2, the call stays a1's.
  v.apply(ev('call.offered', { call_id: 'c1', agent_id: 'a2', reason: 'consultation from a1' }, 13));
  assert.equal(v.calls.get('c1').state, 'talking');
  assert.equal(v.calls.get('c1').agentId, 'a1');
  v.apply(ev('call.consultation_started', { call_id: 'c1', from_agent: 'a1', target_agent: 'a2' }, 14));
  assert.equal(v.calls.get('c1').consultWith, 'a2');
  v.apply(ev('call.consultation_ended', { call_id: 'c1', target_agent: 'a2', reason: 'cancelled' }, 15));
  assert.equal(v.calls.get('c1').consultWith, '');
  assert.equal(v.calls.get('c1').agentId, 'a1');
  v.apply(ev('call.offered', { call_id: 'c1', agent_id: 'a2', reason: 'consultation from a1' }, 16));
  v.apply(ev('call.consultation_started', { call_id: 'c1', from_agent: 'a1', target_agent: 'a2' }, 17));
  v.apply(ev('call.transferred', { call_id: 'c1', mode: 'consultative', from_agent: 'a1', target_kind: 'agent', target: 'a2' }, 18));
  assert.equal(v.calls.get('c1').consultWith, '');
  assert.equal(v.calls.get('c1').agentId, 'a2');
  assert.equal(v.calls.get('c1').state, 'talking');
});

test('live view: an event at or before the last seq is not folded twice', () => {
  seq = 100;
  const v = snapshot();
  const m = ev('queue.call_joined', { queue: 'sales', call_id: 'c9' }, 11);
  assert.equal(v.apply(m), true);
  assert.equal(v.apply(m), false);
  assert.equal(v.apply({ ...m, seq: 50 }), false);
  assert.equal(v.queueFigures('sales').offered, 1);
});

test('live view: an abandon counts, not-ready underneath a call comes back, unknown events are skipped', () => {
  seq = 100;
  const v = snapshot();
  v.apply(ev('agent.logged_in', { agent_id: 'a1', queues: ['sales'] }, 11));
  v.apply(ev('agent.ready', { agent_id: 'a1' }, 11));
  v.apply(ev('agent.reserved', { agent_id: 'a1', call_id: 'c2', queue: 'sales' }, 12));
  v.apply(ev('agent.not_ready', { agent_id: 'a1', reason: 'lunch' }, 12));
  assert.equal(v.agents.get('a1').state, 'ringing');
  v.apply(ev('agent.reservation_ended', { agent_id: 'a1', call_id: 'c2', reason: 'no_answer' }, 13));
  assert.equal(v.agents.get('a1').state, 'not_ready');
  assert.equal(v.agents.get('a1').reason, 'lunch');
  v.apply(ev('queue.call_joined', { queue: 'sales', call_id: 'c3' }, 14));
  v.apply(ev('call.ended', { call_id: 'c3', outcome: 'abandoned', queue: 'sales' }, 20));
  v.apply(ev('webhook.ping', {}, 21));
  v.apply({ seq: ++seq, type: 'event', event: null });
  const f = v.queueFigures('sales');
  assert.equal(f.abandoned, 1);
  assert.equal(f.waiting, 0);
});

test('live view: a snapshot without the newer fields still gives figures', () => {
  const v = new LiveView();
  v.loadSnapshot({ seq: 5, queues: [{ id: 'q', answered: 4, service_level: 0.5, asa_ms: 1000, calls: [{ call_id: 'x', waited_ms: 3000 }] }] }, 0);
  const f = v.queueFigures('q', v.nowNs(0));
  assert.equal(f.serviceLevel, 0.5);
  assert.equal(f.asaMs, 1000);
  assert.equal(f.oldestWaitMs, 3000);
});

test('thresholds: the worst figure colours the tile, each level has a word', () => {
  const base = { waiting: 0, oldestWaitMs: 0, answered: 0, serviceLevel: 1, offered: 0, abandoned: 0 };
  assert.equal(levels(base).tile, 'ok');
  assert.equal(levels({ ...base, waiting: thresholds.waiting.warn }).tile, 'warn');
  assert.equal(levels({ ...base, waiting: 1, oldestWaitMs: thresholds.oldestWaitMs.alarm }).tile, 'alarm');
  assert.equal(levels({ ...base, answered: 10, serviceLevel: 0.7 }).sl, 'warn');
  assert.equal(levels({ ...base, answered: 10, serviceLevel: 0.5 }).sl, 'alarm');
  assert.equal(levels({ ...base, offered: 10, abandoned: 1 }).abandoned, 'alarm');
  for (const l of ['ok', 'warn', 'alarm']) {
    assert.ok(dictionaries.en[`level.${l}`]);
    assert.ok(dictionaries.zh[`level.${l}`]);
  }
});

test('i18n: both dictionaries have the same keys, every placeholder in both', () => {
  const en = Object.keys(dictionaries.en).sort();
  const zh = Object.keys(dictionaries.zh).sort();
  assert.deepEqual(zh, en);
  for (const k of en) {
    const ph = (s) => (s.match(/\{\w+\}/g) || []).sort().join();
    assert.equal(ph(dictionaries.zh[k]), ph(dictionaries.en[k]), k);
  }
  assert.equal(t('agent.in_state', { time: '1:00' }), 'for 1:00');
});

test('i18n: every data-i18n key of the pages is in the dictionaries', async () => {
  const { readFile, readdir } = await import('node:fs/promises');
  const dir = new URL('../../web/', import.meta.url);
  const names = (await readdir(dir)).filter((n) => n.endsWith('.html') || n.endsWith('.js'));
  let seen = 0;
  for (const n of names) {
    const text = await readFile(new URL(n, dir), 'utf8');
    for (const m of text.matchAll(/data-i18n(?:-label|-title)?="([^"]+)"/g)) {
      seen++;
      assert.ok(dictionaries.en[m[1]], `${n}: ${m[1]}`);
    }
    for (const m of text.matchAll(/\bt\('([a-z_.]+)'/g)) assert.ok(dictionaries.en[m[1]], `${n}: ${m[1]}`);
  }
  assert.ok(seen > 50);
});

test('live view: a snapshot taken during a call knows where the agent goes after it', () => {
  seq = 100;
  const v = new LiveView();
  v.loadSnapshot({ seq: 100, now_ns: 10 * S, agents: [
    { id: 'a1', tenant: 'acme', state: 'talking', since_ns: 5 * S, call_id: 'c1', queues: ['sales'], presence: 'ready', presence_reason: '' },
    { id: 'a2', tenant: 'acme', state: 'talking', since_ns: 5 * S, call_id: 'c2', queues: ['sales'], presence: 'not_ready', presence_reason: 'lunch' },
  ] }, 10 * 1000);
  v.apply(ev('agent.call_ended', { agent_id: 'a1', call_id: 'c1', wrap_up_ms: 0 }, 20));
  v.apply(ev('agent.call_ended', { agent_id: 'a2', call_id: 'c2', wrap_up_ms: 0 }, 20));
  assert.equal(v.agents.get('a1').state, 'ready');
  assert.deepEqual([v.agents.get('a2').state, v.agents.get('a2').reason], ['not_ready', 'lunch']);
  assert.equal(v.agents.get('a1').talkMs, 15000);
});

test('live view: every queue\'s agents by state in one pass match the figures queue by queue', () => {
  seq = 100;
  const v = snapshot();
  v.apply(ev('agent.logged_in', { agent_id: 'a1', queues: ['sales'] }, 11));
  v.apply(ev('agent.ready', { agent_id: 'a1' }, 11));
  v.apply(ev('agent.logged_in', { agent_id: 'a2', queues: ['sales', 'help'] }, 11));
  v.apply(ev('agent.logged_in', { agent_id: 'a3', queues: ['help'] }, 11));
  v.apply(ev('agent.logged_out', { agent_id: 'a3' }, 12));
  v.apply(ev('queue.call_joined', { queue: 'help', call_id: 'c1' }, 12));
  const byQueue = v.agentsByQueue();
  assert.deepEqual(byQueue.get('sales'), { ready: 1, not_ready: 1 });
  assert.deepEqual(byQueue.get('help'), { not_ready: 1 });
  for (const id of v.queues.keys())
    assert.deepEqual(v.queueFigures(id, 20 * S, byQueue), v.queueFigures(id, 20 * S));
});

test('live view: a disposition belongs to the call on the desk, through wrap-up, and clears with it', () => {
  seq = 100;
  const v = snapshot();
  v.apply(ev('agent.logged_in', { agent_id: 'a1', queues: ['sales'] }, 11));
  v.apply(ev('agent.ready', { agent_id: 'a1' }, 11));
  v.apply(ev('agent.reserved', { agent_id: 'a1', call_id: 'c1', queue: 'sales' }, 12));
  v.apply(ev('agent.call_started', { agent_id: 'a1', call_id: 'c1' }, 13));
  v.apply(ev('agent.disposition_set', { agent_id: 'a1', call_id: 'c1', code: 'sale', notes: 'n' }, 14));
  assert.deepEqual([v.agents.get('a1').disposition, v.agents.get('a1').notes], ['sale', 'n']);
  v.apply(ev('agent.disposition_set', { agent_id: 'a1', call_id: 'other', code: 'x', notes: '' }, 14));
  assert.equal(v.agents.get('a1').disposition, 'sale'); // not the call on its desk
  v.apply(ev('agent.call_ended', { agent_id: 'a1', call_id: 'c1', wrap_up_ms: 5000 }, 15));
  v.apply(ev('agent.disposition_set', { agent_id: 'a1', call_id: 'c1', code: 'no_sale', notes: '' }, 16));
  assert.equal(v.agents.get('a1').disposition, 'no_sale'); // the newest, in after-call work
  v.apply(ev('agent.wrap_up_ended', { agent_id: 'a1', call_id: 'c1' }, 17));
  assert.deepEqual([v.agents.get('a1').state, v.agents.get('a1').disposition], ['ready', '']);
  v.apply(ev('agent.skills_changed', { agent_id: 'a1', skills: { sales: 60 } }, 18));
  assert.deepEqual(v.agents.get('a1').skills, { sales: 60 });
});

test('forms: the field a refusal names, skills and lists as people type them', () => {
  assert.equal(fieldOf({ code: 'invalid_field', detail: "field 'skills.vip' must be an integer level 1..100" }), 'skills');
  assert.equal(fieldOf({ code: 'invalid_field', detail: "field 'ring_timeout_s' must be from 1 to 600 s (got 0)" }),
    'ring_timeout_s');
  assert.equal(fieldOf({ code: 'invalid_field', detail: "query parameter 'after' must be a whole number" }), 'after');
  assert.equal(fieldOf({ code: 'invalid_roles', detail: 'role agent needs the agent id the user acts as' }), 'roles');
  assert.equal(fieldOf({ code: 'already_exists', detail: "queue 'vip' exists" }), '');
  assert.deepEqual(parseSkills('sales=50, vip: 20\nchat=x'), { sales: 50, vip: 20, chat: 'x' });
  assert.deepEqual(parseSkills(' '), {});
  assert.equal(skillsText({ sales: 50, vip: 20 }), 'sales=50, vip=20');
  assert.deepEqual(parseSkills(skillsText({ a: 1, b: 100 })), { a: 1, b: 100 });
  assert.deepEqual(parseList('sales, vip  help;x'), ['sales', 'vip', 'help', 'x']);
  assert.deepEqual([numberOr(''), numberOr(' 12 '), numberOr('-3'), numberOr('many')], [undefined, 12, -3, 'many']);
});

test('kpi view: figures for people, the points of a chart, the CSV of a report', () => {
  assert.equal(formatMetric('service_level', 0.8123), '81.2%');
  assert.equal(formatMetric('asa_s', 12.345), '12.3 s');
  assert.equal(formatMetric('offered', 42), '42');
  assert.equal(formatMetric('service_level', null), '–');
  const report = {
    by: 'queue',
    totals: { answered: 3, offered: 4, service_level: 0.5 },
    groups: { queue: { sales: { answered: 3, offered: 4, service_level: null }, 'a,b': { answered: 0, offered: 0, service_level: null } } },
    intervals: [
      { start: '2026-12-06T09:00:00Z', label: '09:00', totals: { answered: 1, offered: 2, service_level: null }, groups: {} },
      { start: '2026-12-06T09:15:00Z', label: '09:15', totals: { answered: 2, offered: 2, service_level: 1 }, groups: {} },
    ],
  };
  assert.deepEqual(chartPoints(report, 'service_level'), [{ label: '09:00', value: null }, { label: '09:15', value: 1 }]);
  const csv = reportCsv(report).trim().split('\n');
  assert.equal(csv[0], 'interval,dimension,key,answered,offered,service_level');
  assert.equal(csv[1], 'all,total,*,3,4,0.5');
  assert.ok(csv.includes('all,queue,sales,3,4,'));
  assert.ok(csv.includes('all,queue,"a,b",0,0,')); // a comma is quoted
  assert.ok(csv.includes('2026-12-06T09:15:00Z,total,*,2,2,1'));
});
