// The supervisor's seat and the wallboard: queue tiles (waiting, oldest
// wait, SL, ASA, abandoned, agents by state) with thresholds said in colour,
// word and symbol; the agents with their state and call; listen, whisper,
// barge and forced states. Driven by the live feed; the wallboard mode is
// the same page full screen, tiles only (`?wallboard=1` or Alt+B).
import { api } from './lib/api.js';
import { Feed } from './lib/feed.js';
import { LiveView } from './lib/live.js';
import { levels, symbols } from './lib/thresholds.js';
import { t, duration, onLanguageChange } from './lib/i18n.js';
import { startPage, showError, clearError, notice, feedStatus, el, sessionEnded } from './lib/page.js';
import { showFormError, clearFormErrors, parseSkills, skillsText } from './lib/forms.js';
import { startSites, redrawSites } from './sites.js';

const $ = (id) => document.getElementById(id);
const me = await startPage();
const live = new LiveView();
const mayAct = (me.roles || []).some((r) => r === 'supervisor' || r === 'admin' || r === 'operator');
let feedState = 'connecting';

async function command(path, body, done) {
  try {
    await api('POST', path, body);
    clearError();
    if (done) notice(done);
  } catch (e) {
    showError(e);
  }
}

// -- tiles ---------------------------------------------------------------------------

function figure(label, value, level, key) {
  const box = el('div', null, `figure level-${level}`);
  box.dataset.key = key;
  box.dataset.level = level;
  box.append(el('span', label, 'label'), el('span', value, 'value'));
  if (level !== 'ok') {
    const mark = el('span', `${symbols[level]} ${t(`level.${level}`)}`, 'mark');
    box.append(mark);
  }
  return box;
}

function tile(id, f = live.queueFigures(id), lv = levels(f)) {
  const box = el('article', null, `tile level-${lv.tile}`);
  box.id = `tile-${id}`;
  box.dataset.queue = id;
  box.dataset.level = lv.tile;
  box.setAttribute('aria-labelledby', `tile-${id}-h`);
  const head = el('h3');
  head.id = `tile-${id}-h`;
  head.append(el('span', f.name || id, 'name'));
  const status = el('span', `${symbols[lv.tile]} ${t(`level.${lv.tile}`)}`, `status level-${lv.tile}`);
  status.dataset.level = lv.tile;
  head.append(status);
  if (f.closed) head.append(el('span', t('tile.closed'), 'closed'));
  box.append(head);
  const figs = el('div', null, 'figures');
  figs.append(
    figure(t('tile.waiting'), f.waiting, lv.waiting, 'waiting'),
    figure(t('tile.oldest'), duration(f.oldestWaitMs), lv.oldest, 'oldest'),
    figure(t('tile.sl'), `${Math.round(f.serviceLevel * 100)}%`, lv.sl, 'sl'),
    figure(t('tile.asa'), duration(f.asaMs), 'ok', 'asa'),
    figure(t('tile.abandoned'), f.abandoned, lv.abandoned, 'abandoned'),
    figure(t('tile.answered'), f.answered, 'ok', 'answered'),
  );
  box.append(figs);
  const states = el('p', null, 'by-state');
  const order = ['ready', 'ringing', 'talking', 'on_hold', 'wrap_up', 'not_ready'];
  for (const s of order) {
    const n = f.agents[s] || 0;
    const chip = el('span', `${t(`state.${s}`)} ${n}`, 'chip');
    chip.dataset.state = s;
    states.append(chip);
  }
  box.append(el('h4', t('tile.agents'), 'sr-only'), states);
  return box;
}

// Tiles are kept by queue and rebuilt only when what they show changes (a
// wallboard of 100 queues redraws the few an event touched, not all).
const drawnTiles = new Map(); // queue id -> { box, sig }

function tileSignature(f, lv) {
  return JSON.stringify([f.name, f.closed, f.waiting, duration(f.oldestWaitMs), Math.round(f.serviceLevel * 100),
    duration(f.asaMs), f.abandoned, f.answered, f.agents, lv]);
}

function renderTiles() {
  const ids = [...live.queues.keys()].sort();
  const host = $('tiles');
  if (ids.length === 0) {
    drawnTiles.clear();
    host.replaceChildren(el('p', t('sup.no_queues'), 'muted'));
    return;
  }
  const now = live.nowNs();
  const byQueue = live.agentsByQueue();
  const boxes = [];
  for (const id of ids) {
    const f = live.queueFigures(id, now, byQueue);
    const lv = levels(f);
    const sig = tileSignature(f, lv);
    const drawn = drawnTiles.get(id);
    if (drawn && drawn.sig === sig) {
      boxes.push(drawn.box);
      continue;
    }
    const box = tile(id, f, lv);
    if (drawn && drawn.box.parentNode === host) drawn.box.replaceWith(box);
    drawnTiles.set(id, { box, sig });
    boxes.push(box);
  }
  for (const id of [...drawnTiles.keys()]) if (!live.queues.has(id)) drawnTiles.delete(id);
  // A queue added or gone (or the first draw): the whole list in order.
  const same = host.children.length === boxes.length && boxes.every((b, i) => host.children[i] === b);
  if (!same) host.replaceChildren(...boxes);
}

// -- agents --------------------------------------------------------------------------

function actionButton(label, onClick, disabled) {
  const b = el('button', label);
  b.type = 'button';
  b.disabled = !!disabled;
  b.addEventListener('click', onClick);
  return b;
}

function agentRow(a) {
  const tr = el('tr');
  tr.id = `agent-${a.id}`;
  tr.dataset.state = a.state;
  const name = el('th', a.name ? `${a.name} (${a.id})` : a.id);
  name.scope = 'row';
  const state = el('td');
  const badge = el('span', t(`state.${a.state}`) + (a.state === 'not_ready' && a.reason ? ` · ${a.reason}` : ''), 'badge');
  badge.dataset.state = a.state;
  state.append(badge);
  const call = a.callId ? live.calls.get(a.callId) : null;
  tr.append(name, state, el('td', a.state === 'logged_out' ? '' : duration(live.inStateMs(a)), 'time'),
    el('td', a.callId ? `${a.callId}${call && call.caller ? ` · ${call.caller}` : ''}` : '', 'call'),
    el('td', (a.queues || []).join(', ')));
  const cell = el('td', null, 'actions');
  const acts = el('div', null, 'acts');
  cell.append(acts);
  if (mayAct) {
    const onCall = a.callId && (a.state === 'talking' || a.state === 'on_hold');
    const who = a.name || a.id;
    for (const mode of ['listen', 'whisper', 'barge']) {
      const b = actionButton(t(`sup.${mode}`), () => command(
        `/api/agents/${encodeURIComponent(a.id)}/calls/${encodeURIComponent(a.callId)}/supervise`, { mode },
        t('sup.done_supervise', { agent: who, mode: t(`sup.${mode}`) })), !onCall);
      b.dataset.action = mode;
      b.setAttribute('aria-label', `${t(`sup.${mode}`)}: ${who}`);
      acts.append(b);
    }
    const force = [['ready', 'sup.force_ready'], ['not_ready', 'sup.force_not_ready'], ['logged_out', 'sup.force_logout']];
    for (const [s, key] of force) {
      const b = actionButton(t(key), () => command(`/api/agents/${encodeURIComponent(a.id)}/force`,
        { state: s, reason: s === 'not_ready' ? 'supervisor' : undefined },
        t('sup.done_force', { agent: who, state: t(`state.${s}`) })), a.state === 'logged_out' || a.state === s);
      b.dataset.action = `force-${s}`;
      b.setAttribute('aria-label', `${t(key)}: ${who}`);
      acts.append(b);
    }
    const edit = actionButton(t('edit.open'), () => openEditor(a.id), false);
    edit.dataset.action = 'edit';
    edit.setAttribute('aria-label', `${t('edit.open')}: ${who}`);
    edit.setAttribute('aria-controls', 'agent-edit');
    acts.append(edit);
  }
  tr.append(cell);
  return tr;
}

// -- moving an agent between queues, changing its skills ----------------------------

let editing = ''; // the agent id in the editor

function openEditor(id) {
  const a = live.agents.get(id);
  if (!a) return;
  editing = id;
  $('edit-agent').textContent = a.name ? `${a.name} (${a.id})` : a.id;
  clearFormErrors($('move-form'));
  clearFormErrors($('skills-form'));
  // The queues this seat sees, and the agent's own (which may be beyond it).
  const ids = [...new Set([...live.queues.keys(), ...(a.queues || [])])].sort();
  $('move-queues').replaceChildren(...ids.map((q) => {
    const label = el('label', null, 'check');
    const box = el('input');
    box.type = 'checkbox';
    box.value = q;
    box.checked = (a.queues || []).includes(q);
    box.dataset.queue = q;
    const name = live.queues.get(q) ? live.queues.get(q).name : '';
    label.append(box, ` ${name ? `${name} (${q})` : q}`);
    return label;
  }));
  $('skills-text').value = skillsText(a.skills);
  $('move-reason').value = '';
  $('skills-reason').value = '';
  $('agent-edit').hidden = false;
  const first = $('move-queues').querySelector('input');
  (first || $('skills-text')).focus();
}

function closeEditor() {
  $('agent-edit').hidden = true;
  const back = document.querySelector(`#agent-${CSS.escape(editing)} [data-action="edit"]`);
  editing = '';
  if (back) back.focus();
}

$('edit-close').addEventListener('click', closeEditor);
$('agent-edit').addEventListener('keydown', (ev) => { if (ev.key === 'Escape') closeEditor(); });

async function editCommand(form, path, body, done) {
  clearFormErrors(form);
  try {
    await api('POST', path, body);
    clearError();
    notice(done);
  } catch (e) {
    if (e.status === 401) return showError(e);
    showFormError(form, e);
  }
}

$('move-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const queues = [...$('move-queues').querySelectorAll('input:checked')].map((b) => b.value);
  const body = { queues };
  if ($('move-reason').value.trim()) body.reason = $('move-reason').value.trim();
  editCommand(ev.target, `/api/agents/${encodeURIComponent(editing)}/queues`, body,
    t('edit.moved', { agent: editing, queues: queues.join(', ') }));
});

$('skills-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const body = { skills: parseSkills($('skills-text').value) };
  if ($('skills-reason').value.trim()) body.reason = $('skills-reason').value.trim();
  editCommand(ev.target, `/api/agents/${encodeURIComponent(editing)}/skills`, body,
    t('edit.skills_saved', { agent: editing }));
});

// Rows are kept by agent and rebuilt only when what they show changes (the
// clock cell is updated in place), so a button keeps its focus and a click
// is never lost to a redraw.
const rows = new Map(); // agent id -> { tr, sig }
let emptyRow = null;

function rowSignature(a) {
  const call = a.callId ? live.calls.get(a.callId) : null;
  return JSON.stringify([a.state, a.reason, a.callId, call ? call.caller : '', a.queues, a.name, mayAct]);
}

function renderAgents() {
  const agents = [...live.agents.values()].sort((x, y) => x.id.localeCompare(y.id));
  const body = $('agents').tBodies[0];
  if (agents.length === 0) {
    if (!emptyRow) {
      emptyRow = el('tr');
      const td = el('td', t('sup.no_agents'), 'muted');
      td.colSpan = 6;
      emptyRow.append(td);
    }
    rows.clear();
    body.replaceChildren(emptyRow);
    return;
  }
  if (emptyRow) { emptyRow.remove(); emptyRow = null; }
  // A row rebuilt under the keyboard's focus gives it back to the same action.
  const focused = document.activeElement;
  const keep = focused && focused.dataset && focused.dataset.action && focused.closest('#agents tr')
    ? [focused.closest('tr').id, focused.dataset.action] : null;
  const seen = new Set();
  let at = body.firstElementChild;
  for (const a of agents) {
    seen.add(a.id);
    const sig = rowSignature(a);
    let r = rows.get(a.id);
    if (!r || r.sig !== sig) {
      const tr = agentRow(a);
      if (r) {
        if (r.tr === at) at = tr;
        r.tr.replaceWith(tr);
      }
      r = { tr, sig };
      rows.set(a.id, r);
    } else {
      r.tr.querySelector('td.time').textContent = a.state === 'logged_out' ? '' : duration(live.inStateMs(a));
    }
    if (r.tr !== at) body.insertBefore(r.tr, at); // only moves a row that is out of place
    else at = at.nextElementSibling;
  }
  for (const [id, r] of rows) if (!seen.has(id)) { r.tr.remove(); rows.delete(id); }
  if (keep && !document.activeElement?.closest?.('#agents')) {
    const b = document.querySelector(`#${CSS.escape(keep[0])} [data-action="${keep[1]}"]`);
    if (b) b.focus();
  }
}

function render() {
  renderTiles();
  if (!document.body.classList.contains('wallboard')) renderAgents();
  feedStatus(feedState);
}

// At most one redraw per frame however many events arrive, and at most
// four a second: a wall screen read from across the room needs no more, and
// a busy center (100 queues, 1,000 agents, 100 events a second) otherwise
// keeps the page's thread busy redrawing (hotline bench web).
const minRedrawMs = 250;
let pending = false;
let lastRedraw = -Infinity;
function schedule() {
  if (pending) return;
  pending = true;
  const wait = Math.max(0, lastRedraw + minRedrawMs - performance.now());
  setTimeout(() => requestAnimationFrame(() => {
    pending = false;
    lastRedraw = performance.now();
    render();
  }), wait);
}

// -- wallboard -----------------------------------------------------------------------

function setWallboard(on) {
  document.body.classList.toggle('wallboard', on);
  const b = $('wallboard');
  b.setAttribute('aria-pressed', String(on));
  b.querySelector('span').textContent = t(on ? 'sup.exit_wallboard' : 'sup.wallboard');
  b.querySelector('span').dataset.i18n = on ? 'sup.exit_wallboard' : 'sup.wallboard';
  if (on && document.documentElement.requestFullscreen && !document.fullscreenElement)
    document.documentElement.requestFullscreen().catch(() => { /* refused (no gesture, a test): the layout stays */ });
  if (!on && document.fullscreenElement) document.exitFullscreen().catch(() => {});
  const u = new URL(location.href);
  if (on) u.searchParams.set('wallboard', '1'); else u.searchParams.delete('wallboard');
  history.replaceState(null, '', u);
  schedule();
}
$('wallboard').addEventListener('click', () => setWallboard(!document.body.classList.contains('wallboard')));
document.addEventListener('keydown', (ev) => {
  if (ev.altKey && ev.code === 'KeyB') { ev.preventDefault(); $('wallboard').click(); }
});
if (new URLSearchParams(location.search).get('wallboard') === '1') setWallboard(true);

// -- the feed ------------------------------------------------------------------------

const feed = new Feed({
  onSnapshot(msg) { live.loadSnapshot(msg); schedule(); },
  onEvent(msg) { live.apply(msg); schedule(); },
  onStatus(s) { feedState = s; schedule(); },
  async checkSession() { try { await api('GET', '/api/me'); return true; } catch (e) { return e.status !== 401; } },
  onUnauthenticated: sessionEnded,
});
feed.start();
setInterval(schedule, 1000); // ages: oldest wait, time in state
onLanguageChange(() => {
  rows.clear();
  drawnTiles.clear();
  $('agents').tBodies[0].replaceChildren();
  emptyRow = null;
  schedule();
  redrawSites();
});
startSites(me); // the federation view, for operators
window.hotline = { live, feed };
