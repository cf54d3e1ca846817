// Recordings on the audit page (F14): a call's `recording-<call>` stream,
// or every recording of the tenant, from the audit trail (GET /api/audit),
// and each one played in the browser from GET /api/recordings/{call}. The
// node checks the file against its recorded SHA-256 before it sends a byte
// (409 recording_tampered otherwise) and records every read under the
// reader's name (audit.data_read).
import { api } from './lib/api.js';
import { t, duration } from './lib/i18n.js';
import { showError, el } from './lib/page.js';
import { showFormError, clearFormErrors } from './lib/forms.js';

const $ = (id) => document.getElementById(id);
let found = []; // recordings, oldest first

/**
 * Folds `recording.*` events (the API's JSON form) into one line per call:
 * {call, agent, queue, started, state, durationMs, pauses, pausedMs, sha256, error}.
 */
export function foldRecordings(events) {
  const byCall = new Map();
  for (const e of events) {
    const d = e.data || {};
    const call = d.call_id || (e.stream || '').replace(/^recording-/, '');
    if (!call) continue;
    let r = byCall.get(call);
    if (!r) {
      r = { call, agent: '', queue: '', started: '', state: 'recording', durationMs: 0, pauses: 0, pausedMs: 0, sha256: '', error: '' };
      byCall.set(call, r);
    }
    if (e.type === 'recording.started') { r.agent = d.agent_id || ''; r.queue = d.queue || ''; r.started = e.time || ''; }
    if (e.type === 'recording.paused' && r.state !== 'stopped') r.state = 'paused';
    if (e.type === 'recording.resumed' && r.state !== 'stopped') r.state = 'recording';
    if (e.type === 'recording.stopped') {
      r.state = d.error ? 'failed' : 'stopped';
      r.durationMs = d.duration_ms || 0;
      r.pauses = d.pauses || 0;
      r.pausedMs = d.paused_ms || 0;
      r.sha256 = d.sha256 || '';
      r.error = d.error || '';
    }
  }
  return [...byCall.values()];
}

async function auditPages(params) {
  // One page is enough for a call's stream; for every recording, two types from the start.
  const q = new URLSearchParams({ limit: '1000', ...params });
  return (await api('GET', `/api/audit?${q}`)).events || [];
}

function render() {
  const body = $('rec-list').tBodies[0];
  if (found.length === 0) {
    const tr = el('tr');
    const td = el('td', t('rec.none'), 'muted');
    td.colSpan = 8;
    tr.append(td);
    body.replaceChildren(tr);
    return;
  }
  body.replaceChildren(...found.map((r) => {
    const tr = el('tr');
    tr.id = `rec-${r.call}`;
    tr.dataset.state = r.state;
    const call = el('th', r.call);
    call.scope = 'row';
    const status = el('td', r.state === 'failed' ? `■ ${t('rec.failed')}: ${r.error}` : t(`rec.state_${r.state}`), 'status');
    const actions = el('td', null, 'actions');
    const play = el('button', `▶ ${t('rec.play')}`);
    play.type = 'button';
    play.dataset.action = 'play';
    play.setAttribute('aria-label', `${t('rec.play')} ${r.call}`);
    play.disabled = r.state !== 'stopped';
    play.addEventListener('click', () => playRecording(r));
    actions.append(play);
    tr.append(call, el('td', r.agent), el('td', r.queue), el('td', r.started),
      el('td', r.state === 'stopped' ? duration(r.durationMs) : '–'),
      el('td', r.pauses ? t('rec.pauses', { n: r.pauses, time: duration(r.pausedMs) }) : '0'), status, actions);
    return tr;
  }));
}

/** Why the node would not play it: the same GET, one byte, for its JSON refusal. */
async function refusalOf(call) {
  try {
    const r = await fetch(`/api/recordings/${encodeURIComponent(call)}`, { headers: { Range: 'bytes=0-0' }, credentials: 'same-origin' });
    if (r.ok) return null;
    const j = await r.json().catch(() => ({}));
    return { status: r.status, code: j.error || `http_${r.status}`, detail: j.detail || '' };
  } catch (e) {
    return { status: 0, code: 'network', detail: String(e) };
  }
}

function playRecording(r) {
  const player = $('player');
  const audio = $('audio');
  const error = $('player-error');
  error.hidden = true;
  player.hidden = false;
  player.dataset.call = r.call;
  $('player-line').textContent = t('rec.playing', { call: r.call, sha: r.sha256.slice(0, 16) });
  audio.onerror = async () => {
    const why = await refusalOf(r.call);
    if (why && why.status === 401) return showError(why);
    error.textContent = why ? `${why.code}: ${why.detail}` : t('rec.cannot_play');
    error.dataset.code = why ? why.code : '';
    error.hidden = false;
  };
  audio.src = `/api/recordings/${encodeURIComponent(r.call)}`;
  audio.play().catch(() => { /* a refused file reports through onerror */ });
}

async function find(ev) {
  ev.preventDefault();
  const form = $('recordings');
  clearFormErrors(form);
  const call = form.call.value.trim();
  try {
    const events = call
      ? await auditPages({ stream: `recording-${call}` })
      : [...await auditPages({ type: 'recording.started' }), ...await auditPages({ type: 'recording.stopped' })];
    found = foldRecordings(events.sort((a, b) => a.position - b.position));
    render();
  } catch (e) {
    if (e.status === 401) return showError(e);
    showFormError(form, e);
  }
}

export function startRecordings() {
  $('recordings').addEventListener('submit', find);
}

export function redrawRecordings() { if (found.length) render(); }
