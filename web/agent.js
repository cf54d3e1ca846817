// The agent desktop: the agent's state, the offer with its screen pop, the
// call's controls, dialling out and the day's figures. Everything shown
// comes from the live feed (snapshot, then events by seq); the buttons are
// the API's commands, whose effects come back on the feed.
import { api } from './lib/api.js';
import { Feed } from './lib/feed.js';
import { LiveView } from './lib/live.js';
import { t, duration, onLanguageChange, errorText } from './lib/i18n.js';
import { startPage, showError, clearError, feedStatus, notice, el, sessionEnded } from './lib/page.js';

const $ = (id) => document.getElementById(id);
const me = await startPage();
const agentId = me.agent_id;
const base = `/api/agents/${encodeURIComponent(agentId)}`;
const live = new LiveView();
const pops = new Map(); // call id -> screen pop of its offer
let feedState = 'connecting';

/** Runs an API command; refusals show in the alert line. */
async function command(path, body) {
  try {
    const r = await api('POST', path, body);
    clearError();
    return r;
  } catch (e) {
    showError(e);
    return null;
  }
}

function myAgent() {
  return live.agents.get(agentId) || { state: 'logged_out', reason: '', sinceNs: 0, callId: '', answered: 0,
    talkMs: 0, wrapUpMs: 0, queues: [] };
}

function callPath(suffix) {
  return `${base}/calls/${encodeURIComponent(myAgent().callId)}/${suffix}`;
}

// -- the screen pop ---------------------------------------------------------------

function field(dl, label, value) {
  dl.append(el('dt', label), el('dd', value));
}

function renderPop(target, callId) {
  const pop = pops.get(callId) || {};
  const c = pop.call || live.calls.get(callId) || {};
  const cust = pop.customer || null;
  const box = [];
  const dl = el('dl', null, 'facts');
  field(dl, t('pop.caller'), c.caller || '');
  field(dl, t('pop.queue'), c.queue || '');
  const who = el('dd');
  who.append(el('span', c.customer_id || c.customerId || t('pop.unknown_customer')));
  if (c.vip || (cust && cust.vip)) {
    const vip = el('span', `★ ${t('pop.vip')}`, 'vip');
    vip.id = 'pop-vip';
    who.append(' ', vip);
  }
  dl.append(el('dt', t('pop.customer')), who);
  // The CRM keeps a profile from a customer's first finished contact: none yet is a first contact.
  const pop_contacts = cust ? cust.contacts || 0 : 0;
  const seen = el('dd', pop_contacts > 0 ? t('pop.returning', { n: pop_contacts }) : t('pop.new'));
  seen.id = pop_contacts > 0 ? 'pop-returning' : 'pop-new';
  dl.append(el('dt', ''), seen);
  if (cust && cust.last_agent) field(dl, t('pop.last_agent'), cust.last_agent);
  box.push(dl);
  const attached = c.attached || {};
  box.push(el('h3', t('pop.attached')));
  const keys = Object.keys(attached);
  if (keys.length === 0) box.push(el('p', t('pop.none'), 'muted'));
  else {
    const a = el('dl', null, 'facts attached');
    for (const k of keys) field(a, k, attached[k]);
    box.push(a);
  }
  box.push(el('h3', t('pop.history')));
  const history = cust && Array.isArray(cust.interactions) ? cust.interactions.filter((i) => i.call_id !== callId) : [];
  if (history.length === 0) box.push(el('p', t('pop.no_history'), 'muted'));
  else {
    const ol = el('ol', null, 'history');
    for (const i of history.slice(-5).reverse()) {
      const when = i.time_ns ? new Date(i.time_ns / 1e6).toLocaleString() : '';
      ol.append(el('li', [when, i.queue, i.agent, i.outcome].filter(Boolean).join(' · ')));
    }
    box.push(ol);
  }
  box.push(el('h3', t('pop.open_items')));
  const open = cust && Array.isArray(cust.open_tickets) ? cust.open_tickets : [];
  if (open.length === 0) box.push(el('p', t('pop.none'), 'muted'));
  else {
    const ul = el('ul');
    for (const o of open) ul.append(el('li', typeof o === 'string' ? o : JSON.stringify(o)));
    box.push(ul);
  }
  target.replaceChildren(...box);
}

// -- the disposition ----------------------------------------------------------------

// A queue's disposition codes (GET /api/queues/{id}/settings): [] takes any code.
const dispositionLists = new Map(); // queue id -> string[] (or a pending promise)

async function dispositionsOf(queue) {
  if (!queue) return [];
  if (!dispositionLists.has(queue)) {
    dispositionLists.set(queue, api('GET', `/api/queues/${encodeURIComponent(queue)}/settings`)
      .then((s) => (Array.isArray(s.dispositions) ? s.dispositions : []))
      .catch(() => []));
  }
  return dispositionLists.get(queue);
}

/** Sets the code control for the call: a list when its queue has one, free text otherwise. */
async function prepareDisposition(callId, queue) {
  const form = $('disposition');
  form.dataset.call = callId;
  $('disp-error').hidden = true;
  $('disp-notes').value = '';
  $('disp-text').value = '';
  const codes = await dispositionsOf(queue);
  if (form.dataset.call !== callId) return; // another call came meanwhile
  const select = $('disp-select');
  select.replaceChildren(el('option', t('disp.choose')), ...codes.map((c) => { const o = el('option', c); o.value = c; return o; }));
  select.firstElementChild.value = '';
  select.hidden = codes.length === 0;
  $('disp-text').hidden = codes.length > 0;
  $('disp-code-label').htmlFor = codes.length > 0 ? 'disp-select' : 'disp-text';
  form.dataset.list = codes.length > 0 ? '1' : '';
}

$('disposition').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const useList = form.dataset.list === '1';
  const control = useList ? $('disp-select') : $('disp-text');
  const code = control.value.trim();
  const error = $('disp-error');
  if (!code) {
    error.textContent = t('disp.need_code');
    error.hidden = false;
    control.focus();
    return;
  }
  try {
    await api('POST', `${base}/calls/${encodeURIComponent(form.dataset.call || '')}/disposition`,
      { code, notes: $('disp-notes').value });
    error.hidden = true;
    notice(t('disp.saved', { code }));
  } catch (e) {
    if (e.status === 401) return showError(e);
    // The refusal beside the control it is about: the notes, or the code.
    error.textContent = errorText(e);
    error.hidden = false;
    (/field 'notes'/.test(e.detail || '') ? $('disp-notes') : control).focus();
  }
});

// -- drawing -----------------------------------------------------------------------

let lastOfferShown = '';

function render() {
  const a = myAgent();
  const now = live.nowNs();
  const state = $('state');
  state.dataset.state = a.state;
  state.textContent = t(`state.${a.state}`) +
    (a.state === 'not_ready' && a.reason ? ` · ${t(`reason.${a.reason}`) !== `reason.${a.reason}` ? t(`reason.${a.reason}`) : a.reason}` : '');
  $('in-state').textContent = a.sinceNs ? t('agent.in_state', { time: duration(live.inStateMs(a, now)) }) : '';
  const wrap = $('wrap-up');
  if (a.state === 'wrap_up' && a.wrapUpMs > 0) {
    const left = a.sinceNs / 1e6 + a.wrapUpMs - now / 1e6;
    wrap.textContent = t('agent.wrap_up_left', { time: duration(left) });
    wrap.hidden = false;
  } else wrap.hidden = true;

  const out = a.state === 'logged_out';
  $('sign-in').disabled = !out;
  $('sign-out').disabled = out;
  // Ready and not ready are the agent's presence, also underneath a call.
  $('ready').disabled = out || a.readyFlag;
  $('not-ready').disabled = out || (!a.readyFlag && a.presenceReason === $('reason').value);

  const ringing = a.state === 'ringing' && a.callId;
  $('offer').hidden = !ringing;
  if (ringing && lastOfferShown !== a.callId) {
    lastOfferShown = a.callId;
    renderPop($('pop'), a.callId);
    $('accept').focus();
  }
  if (!ringing) lastOfferShown = '';

  const inCall = a.state === 'talking' || a.state === 'on_hold';
  // In wrap-up the call has ended (gone from the live view): its offer still says who it was.
  const c = a.callId ? live.calls.get(a.callId) || (pops.get(a.callId) || {}).call : null;
  $('call-line').textContent = inCall || a.state === 'wrap_up'
    ? [t(`state.${a.state}`), c && c.caller, a.callId].filter(Boolean).join(' · ')
    : t('call.none');
  $('call-line').dataset.state = a.state;
  if ((inCall || a.state === 'wrap_up') && $('call-pop').dataset.call !== a.callId) {
    $('call-pop').dataset.call = a.callId;
    renderPop($('call-pop'), a.callId);
  } else if (!inCall && a.state !== 'wrap_up') {
    $('call-pop').dataset.call = '';
    $('call-pop').replaceChildren();
  }
  // Disposition and notes: while the call is answered and in its after-call work.
  const answered = inCall || a.state === 'wrap_up';
  if (answered && $('disposition').dataset.call !== a.callId) prepareDisposition(a.callId, c && c.queue);
  $('disp-go').disabled = !answered;
  $('disp-current').textContent = answered && a.disposition
    ? t('disp.current', { code: a.disposition }) : t('disp.none');
  // The call's recording: a mark in words and a symbol, and pause/resume (e.g. while a card number is read).
  const rec = inCall ? live.recordingOf(a.callId) : '';
  const recLine = $('rec');
  recLine.dataset.state = rec;
  recLine.hidden = !(rec === 'recording' || rec === 'paused');
  recLine.textContent = rec === 'recording' ? `● ${t('rec.on')}` : rec === 'paused' ? `❚❚ ${t('rec.paused')}` : '';
  $('rec-pause').disabled = rec !== 'recording';
  $('rec-resume').disabled = rec !== 'paused';
  $('hold').disabled = a.state !== 'talking';
  $('resume').disabled = a.state !== 'on_hold';
  $('hangup').disabled = !inCall;
  $('wrap-up-done').disabled = a.state !== 'wrap_up';
  // A consultation (a consultative transfer's target answered): the agent
  // who consults completes or cancels it; the consulted agent sees who.
  const consulting = inCall && c && c.consultWith ? c : null;
  const mine = consulting && consulting.agentId === a.id;
  $('consultation').hidden = !consulting;
  $('consult-line').textContent = !consulting ? ''
    : mine ? t('call.consulting', { agent: consulting.consultWith })
      : t('call.consulted_by', { agent: consulting.agentId });
  $('consult-complete').disabled = !mine;
  $('consult-cancel').disabled = !mine;
  $('consult-complete').hidden = consulting && !mine;
  $('consult-cancel').hidden = consulting && !mine;
  $('transfer-go').disabled = !inCall;
  $('conf-go').disabled = !inCall;
  $('dial-go').disabled = out || inCall || a.state === 'ringing';

  $('stat-answered').textContent = String(a.answered);
  $('stat-talk').textContent = duration(a.talkMs);
  $('stat-aht').textContent = duration(a.answered ? a.talkMs / a.answered : 0);
  feedStatus(feedState);

  const dq = $('dial-queue');
  const queues = a.queues || [];
  if (dq.dataset.queues !== queues.join(',')) {
    dq.dataset.queues = queues.join(',');
    dq.replaceChildren(el('option', ''), ...queues.map((q) => { const o = el('option', q); o.value = q; return o; }));
  }
}

let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; render(); });
}

// -- the buttons ---------------------------------------------------------------------

$('sign-in').addEventListener('click', () => command(`${base}/login`, {}));
$('sign-out').addEventListener('click', () => command(`${base}/logout`, { reason: 'by_agent' }));
$('ready').addEventListener('click', () => command(`${base}/ready`));
$('not-ready').addEventListener('click', () => command(`${base}/not-ready`, { reason: $('reason').value }));
$('reason').addEventListener('change', schedule);
$('accept').addEventListener('click', () => command(callPath('answer')));
$('reject').addEventListener('click', () => command(callPath('reject')));
$('hold').addEventListener('click', () => command(callPath('hold')));
$('resume').addEventListener('click', () => command(callPath('resume')));
$('hangup').addEventListener('click', () => command(callPath('hangup')));
$('wrap-up-done').addEventListener('click', () => command(callPath('wrap-up-done')));
$('rec-pause').addEventListener('click', () => command(callPath('recording/pause')));
$('rec-resume').addEventListener('click', () => command(callPath('recording/resume')));
$('consult-complete').addEventListener('click', () => command(callPath('consultation/complete')));
$('consult-cancel').addEventListener('click', () => command(callPath('consultation/cancel')));
$('transfer').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const f = ev.target;
  if (!f.target.value.trim()) { f.target.focus(); return; }
  command(callPath('transfer'), { mode: f.mode.value, target_kind: f.target_kind.value, target: f.target.value.trim() });
});
$('conference').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const f = ev.target;
  if (!f.party.value.trim()) { f.party.focus(); return; }
  command(callPath('conference'), { party_kind: f.party_kind.value, party: f.party.value.trim() });
});
$('dial').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  if (!f.number.value.trim()) { f.number.focus(); return; }
  const body = { number: f.number.value.trim() };
  if (f.queue.value) body.queue = f.queue.value;
  if (await command(`${base}/dial`, body)) f.number.value = '';
});

// Alt+letter shortcuts (by key position, so they work with any keyboard layout).
const shortcuts = { KeyR: 'ready', KeyN: 'not-ready', KeyA: 'accept', KeyJ: 'reject', KeyE: 'hangup',
  KeyW: 'wrap-up-done' };
document.addEventListener('keydown', (ev) => {
  if (!ev.altKey || ev.ctrlKey || ev.metaKey) return;
  let id = shortcuts[ev.code];
  if (ev.code === 'KeyH') id = myAgent().state === 'on_hold' ? 'resume' : 'hold';
  if (ev.code === 'KeyP') id = live.recordingOf(myAgent().callId) === 'paused' ? 'rec-resume' : 'rec-pause';
  if (ev.code === 'KeyD') { ev.preventDefault(); $('dial-number').focus(); return; }
  if (!id) return;
  ev.preventDefault();
  const b = $(id);
  if (!b.disabled && !b.closest('[hidden]')) b.click();
});

// -- the feed ------------------------------------------------------------------------

const feed = new Feed({
  onSnapshot(msg) { live.loadSnapshot(msg); schedule(); },
  onEvent(msg) {
    if (msg.screen_pop && msg.event && msg.event.data) {
      pops.set(msg.event.data.call_id, msg.screen_pop);
      if (pops.size > 20) pops.delete(pops.keys().next().value); // the oldest offer
    }
    live.apply(msg);
    schedule();
  },
  onStatus(s) { feedState = s; schedule(); },
  async checkSession() { try { await api('GET', '/api/me'); return true; } catch (e) { return e.status !== 401; } },
  onUnauthenticated: sessionEnded,
});
feed.start();
// The tenant's queues as suggestions for a transfer's target.
api('GET', '/api/queues').then((r) => {
  $('queue-names').replaceChildren(...(r.queues || []).map((q) => { const o = el('option'); o.value = q.id; return o; }));
}).catch(() => { /* suggestions only */ });
setInterval(schedule, 1000); // the clocks: time in state, wrap-up countdown
onLanguageChange(() => {
  lastOfferShown = '';
  $('call-pop').dataset.call = '';
  const first = $('disp-select').firstElementChild;
  if (first) first.textContent = t('disp.choose');
  schedule();
});
window.hotline = { live, feed }; // for the browser tests and the curious
