// The pure parts of the pages added for recordings, the session's end, the
// admin's tenants and flows, and the federation view (docs/web.md), under
// `node --test` (ctest web_units).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveView } from '../../web/lib/live.js';
import { warnLeadS, sessionPlan, leftText } from '../../web/lib/session.js';
import { foldRecordings } from '../../web/recordings.js';
import { nodeOf, edgesOf } from '../../web/admin_flows.js';
import { serviceOf } from '../../web/admin_tenants.js';
import { slText } from '../../web/sites.js';

const S = 1e9;
const ev = (seq, type, data) => ({ seq, type: 'event', event: { type, data, tenant: 'acme', time_ns: seq * S, stream: `recording-${data.call_id}` } });

test('live view: a call\'s recording follows its events, and a snapshot lists the running ones', () => {
  const v = new LiveView();
  v.loadSnapshot({ seq: 10, now_ns: 10 * S, agents: [], queues: [], calls: [],
    recordings: [{ call_id: 'c0', agent_id: 'a1', queue: 'sales', state: 'paused' }] }, 10_000);
  assert.equal(v.recordingOf('c0'), 'paused');
  assert.equal(v.recordingOf('c1'), '');
  assert.equal(v.recordingOf(''), '');
  v.apply(ev(11, 'recording.started', { call_id: 'c1', agent_id: 'a1', queue: 'sales', file: '/r/c1.wav' }));
  assert.equal(v.recordingOf('c1'), 'recording');
  v.apply(ev(12, 'recording.paused', { call_id: 'c1', offset_ms: 1000 }));
  assert.equal(v.recordingOf('c1'), 'paused');
  v.apply(ev(13, 'recording.resumed', { call_id: 'c1', offset_ms: 3000, paused_ms: 2000 }));
  assert.equal(v.recordingOf('c1'), 'recording');
  v.apply(ev(14, 'recording.stopped', { call_id: 'c1' }));
  assert.equal(v.recordingOf('c1'), 'stopped');
  assert.equal(v.apply(ev(14, 'recording.paused', { call_id: 'c1' })), false); // a repeat changes nothing
  assert.equal(v.recordingOf('c1'), 'stopped');
});

test('session: the warning lead from the address, the plan, the time left', () => {
  assert.equal(warnLeadS(''), 300);
  assert.equal(warnLeadS('?session_warn_s=20'), 20);
  assert.equal(warnLeadS('?session_warn_s=0'), 0);
  for (const bad of ['?session_warn_s=', '?session_warn_s=-3', '?session_warn_s=soon']) assert.equal(warnLeadS(bad), 300, bad);
  assert.deepEqual(sessionPlan(3600, 300), { warnInMs: 3_300_000, endInMs: 3_600_000 });
  assert.deepEqual(sessionPlan(100, 300), { warnInMs: 0, endInMs: 100_000 }); // shorter than the lead: warn at once
  assert.deepEqual(sessionPlan(0, 300), { warnInMs: 0, endInMs: 0 });
  assert.equal(sessionPlan(undefined, 300), null); // the node did not say: nothing planned
  assert.equal(leftText(61_000), '1:01');
  assert.equal(leftText(500), '0:01');
  assert.equal(leftText(-5), '0:00');
});

test('recordings: events fold into one line per call', () => {
  const e = (position, type, data) => ({ position, type, stream: `recording-${data.call_id}`, time: `t${position}`, data });
  const lines = foldRecordings([
    e(1, 'recording.started', { call_id: 'c1', agent_id: 'a1', queue: 'sales', file: 'c1.wav' }),
    e(2, 'recording.started', { call_id: 'c2', agent_id: 'a2', queue: 'sales', file: 'c2.wav' }),
    e(3, 'recording.paused', { call_id: 'c1', offset_ms: 10 }),
    e(4, 'recording.resumed', { call_id: 'c1', offset_ms: 20, paused_ms: 10 }),
    e(5, 'recording.stopped', { call_id: 'c1', duration_ms: 5000, pauses: 1, paused_ms: 10, sha256: 'ab', error: '' }),
    e(6, 'recording.stopped', { call_id: 'c3', error: 'disk full' }),
  ]);
  assert.deepEqual(lines.map((r) => [r.call, r.state]), [['c1', 'stopped'], ['c2', 'recording'], ['c3', 'failed']]);
  assert.deepEqual([lines[0].agent, lines[0].queue, lines[0].durationMs, lines[0].pauses, lines[0].sha256], ['a1', 'sales', 5000, 1, 'ab']);
  assert.equal(lines[2].error, 'disk full');
});

test('admin: a flow diagnostic\'s node, a node\'s edges, a tenant\'s service', () => {
  assert.equal(nodeOf('flows[0].nodes[2].next'), 2);
  assert.equal(nodeOf('flows[1].start'), -1);
  assert.equal(nodeOf(''), -1);
  assert.deepEqual(edgesOf({ id: 'm', type: 'menu', choices: { 1: 'a' }, default: 'b' }), ['choices → {"1":"a"}', 'default → b']);
  assert.equal(serviceOf({ queues: [] }), 'none');
  assert.equal(serviceOf({ queues: [{ open: true }, { open: true }] }), 'open');
  assert.equal(serviceOf({ queues: [{ open: false }, { open: false }] }), 'closed');
  assert.equal(serviceOf({ queues: [{ open: true }, { open: false }] }), 'partly');
});

test('sites: a service level for people', () => {
  assert.equal(slText(0.853), '85 %');
  assert.equal(slText(0), '0 %');
  assert.equal(slText(null), '–');
});
