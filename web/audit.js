// The auditor's page: the audit trail searched by type and stream, page by
// page (GET /api/audit), the chain verified (GET /api/audit/verify), and a
// customer's history (GET /api/customers/{id}), each such read recorded by
// the node. What the node sends is shown as text, never as HTML.
import { api } from './lib/api.js';
import { t, onLanguageChange } from './lib/i18n.js';
import { startPage, showError, clearError, el } from './lib/page.js';
import { showFormError, clearFormErrors } from './lib/forms.js';
import { startRecordings, redrawRecordings } from './recordings.js';

const $ = (id) => document.getElementById(id);
const me = await startPage();
const roles = new Set(me.roles || []);
if (!['auditor', 'admin', 'operator'].some((r) => roles.has(r))) {
  showError({ code: 'forbidden', detail: t('audit.not_allowed') });
  $('main').hidden = true;
}
for (const f of document.querySelectorAll('.operator-only')) f.hidden = !roles.has('operator');
// The chain covers every tenant: only auditors and operators may verify it.
const mayVerify = roles.has('auditor') || roles.has('operator');
if (!mayVerify) {
  $('verify-go').disabled = true;
  $('verdict').textContent = t('audit.verify_not_yours');
  $('verdict').hidden = false;
}

// -- search and paging ---------------------------------------------------------------

let query = null; // {type, stream, limit}
const pages = []; // the `after` of each page shown, the last one is the current page
let nextAfter = 0;
let last = null; // the last answer

function summary(e) {
  const d = e.data || {};
  // Credentials never show, even hashed; long data is cut (the API has all of it).
  const keys = Object.keys(d).filter((k) => !/hash|secret|token/.test(k));
  const all = keys.map((k) => `${k}=${typeof d[k] === 'object' ? JSON.stringify(d[k]) : d[k]}`).join(' · ');
  return all.length > 400 ? `${all.slice(0, 400)}…` : all;
}

function author(e) {
  const c = e.caused_by || {};
  if (!c.kind && !c.id) return '';
  return c.id ? `${c.id}${c.kind && c.kind !== 'user' ? ` (${c.kind})` : ''}` : c.kind;
}

function renderResults() {
  const body = $('results').tBodies[0];
  if (!last) return;
  const events = last.events || [];
  if (events.length === 0) {
    const tr = el('tr');
    const td = el('td', t('audit.no_events'), 'muted');
    td.colSpan = 6;
    tr.append(td);
    body.replaceChildren(tr);
  } else {
    body.replaceChildren(...events.map((e) => {
      const tr = el('tr');
      tr.dataset.position = String(e.position);
      tr.dataset.type = e.type;
      const pos = el('th', String(e.position));
      pos.scope = 'row';
      tr.append(pos, el('td', e.time || ''), el('td', e.type), el('td', e.stream), el('td', author(e), 'author'),
        el('td', summary(e), 'data'));
      return tr;
    }));
  }
  const after = pages[pages.length - 1];
  $('page-line').textContent = t('audit.page_line', { n: events.length, after, next: nextAfter });
  $('prev').disabled = pages.length <= 1;
  // The node scans a bounded stretch per page: only an empty page that did not move is the end.
  $('next').disabled = events.length === 0 && nextAfter <= after;
}

async function load(after) {
  const form = $('search');
  clearFormErrors(form);
  const q = new URLSearchParams({ after: String(after), limit: query.limit });
  if (query.type) q.set('type', query.type);
  if (query.stream) q.set('stream', query.stream);
  try {
    last = await api('GET', `/api/audit?${q}`);
    clearError();
    nextAfter = last.next_after ?? after;
    return true;
  } catch (e) {
    if (e.status === 401) showError(e); else showFormError(form, e);
    return false;
  }
}

$('search').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  query = { type: f.type.value.trim(), stream: f.stream.value.trim(), limit: f.limit.value };
  // The position as typed: the node names a bad one (400 beside the field).
  const after = f.after.value.trim() || '0';
  pages.length = 0;
  pages.push(after);
  if (await load(after)) renderResults();
});
$('next').addEventListener('click', async () => {
  if (await load(nextAfter)) { pages.push(String(nextAfter)); renderResults(); }
});
$('prev').addEventListener('click', async () => {
  if (pages.length <= 1) return;
  const back = pages[pages.length - 2];
  if (await load(back)) { pages.pop(); renderResults(); }
});

// -- verify --------------------------------------------------------------------------

let verdict = null; // the last answer of the check

function renderVerdict() {
  if (!verdict) return;
  const v = $('verdict');
  const r = verdict;
  v.dataset.ok = String(!!r.ok);
  v.textContent = r.ok
    ? `✓ ${t('audit.verified', { records: r.records, head: (r.head_hash || '').slice(0, 16), checkpoint: r.checkpoint })}`
    : `■ ${t('audit.broken', { records: r.records, what: (r.problem && r.problem.what) || '' })}`;
}

$('verify').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const v = $('verdict');
  clearFormErrors(ev.target);
  $('verify-go').disabled = true;
  v.hidden = false;
  v.dataset.ok = '';
  v.textContent = t('audit.verifying');
  verdict = null;
  try {
    verdict = await api('GET', '/api/audit/verify');
    renderVerdict();
  } catch (e) {
    v.hidden = true;
    if (e.status === 401) showError(e); else showFormError(ev.target, e);
  } finally {
    $('verify-go').disabled = !mayVerify;
  }
});

// -- a customer's history ------------------------------------------------------------

function fact(dl, label, value) { dl.append(el('dt', label), el('dd', value)); }

function renderProfile(p) {
  const box = [];
  box.push(el('p', t('audit.read_recorded', { user: me.username }), 'note recorded'));
  const dl = el('dl', null, 'facts');
  fact(dl, t('audit.customer_id'), p.customer_id);
  fact(dl, t('audit.numbers'), (p.numbers || []).join(', '));
  fact(dl, t('audit.contacts'), String(p.contacts ?? 0));
  fact(dl, t('audit.first_seen'), p.first_seen || '');
  fact(dl, t('audit.last_seen'), p.last_seen || '');
  fact(dl, t('pop.vip'), p.vip ? `★ ${t('audit.yes')}` : t('audit.no'));
  fact(dl, t('pop.last_agent'), p.last_agent || '');
  box.push(dl);
  box.push(el('h3', t('pop.history')));
  const list = p.interactions || [];
  if (list.length === 0) box.push(el('p', t('pop.no_history'), 'muted'));
  else {
    const table = el('table', null, 'grid');
    table.id = 'interactions';
    const head = el('tr');
    for (const k of ['audit.time', 'pop.queue', 'col.agent', 'audit.outcome', 'audit.talk', 'disp.code', 'disp.notes']) {
      const th = el('th', t(k));
      th.scope = 'col';
      head.append(th);
    }
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    for (const i of list.slice().reverse()) {
      const tr = el('tr');
      tr.dataset.call = i.call_id;
      tr.append(el('td', i.time || ''), el('td', i.queue || ''), el('td', i.agent || ''), el('td', i.outcome || ''),
        el('td', `${Math.round(i.talk_s || 0)} s`), el('td', i.disposition || ''), el('td', i.notes || ''));
      tbody.append(tr);
    }
    table.append(thead, tbody);
    box.push(table);
  }
  $('profile').replaceChildren(...box);
}

let shown = null;
$('customer').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const id = f.elements.namedItem('id').value.trim();
  if (!id) return f.elements.namedItem('id').focus();
  clearFormErrors(f);
  const tenant = roles.has('operator') && f.tenant.value.trim() ? `?tenant=${encodeURIComponent(f.tenant.value.trim())}` : '';
  try {
    shown = await api('GET', `/api/customers/${encodeURIComponent(id)}${tenant}`);
    clearError();
    renderProfile(shown);
  } catch (e) {
    shown = null;
    $('profile').replaceChildren();
    if (e.status === 401) return showError(e);
    // Not found is recorded too: say so beside the field.
    showFormError(f, e);
    if (e.status === 404) $('profile').replaceChildren(el('p', t('audit.read_recorded', { user: me.username }), 'note recorded'));
  }
});

onLanguageChange(() => {
  renderResults();
  if (shown) renderProfile(shown);
  if (!mayVerify) $('verdict').textContent = t('audit.verify_not_yours');
  renderVerdict();
  redrawRecordings();
});
startRecordings();
window.hotline = {};
