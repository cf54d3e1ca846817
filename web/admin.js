// The administrator's page: users and roles, agents and their skills,
// queues (create, settings, open/close) and trunk groups' channels. Every
// control is one API command (docs/api.md); a 400 or 409 shows beside the
// field it names (lib/forms.js). Lists are re-read after each change.
import { api } from './lib/api.js';
import { t, onLanguageChange } from './lib/i18n.js';
import { startPage, showError, clearError, notice, el } from './lib/page.js';
import { showFormError, clearFormErrors, parseSkills, skillsText, parseList, numberOr } from './lib/forms.js';
import { startTenants, refreshTenants, redrawTenants } from './admin_tenants.js';
import { startFlows, redrawFlows } from './admin_flows.js';
import { startWebhooks, redrawWebhooks } from './admin_webhooks.js';

const $ = (id) => document.getElementById(id);
const me = await startPage();
const roles = new Set(me.roles || []);
if (!roles.has('admin') && !roles.has('operator')) {
  showError({ code: 'forbidden', detail: t('admin.not_allowed') });
  $('main').hidden = true;
}
const operator = roles.has('operator');
for (const f of document.querySelectorAll('.operator-only')) f.hidden = !operator;
const ROLES = ['agent', 'supervisor', 'auditor', 'admin', 'operator'];

let users = [];
let agents = [];
let queues = [];

/** Posts `body` to `path` for `form`; a refusal goes beside its field. Resolves to the answer or null. */
async function submit(form, method, path, body, done) {
  clearFormErrors(form);
  try {
    const r = await api(method, path, body);
    clearError();
    if (done) notice(done);
    return r || {};
  } catch (e) {
    if (e.status === 401) { showError(e); return null; }
    showFormError(form, e);
    return null;
  }
}

/** A command from a table row (no form): its refusal shows in the alert line. */
async function rowCommand(path, body, done) {
  try {
    await api('POST', path, body);
    clearError();
    notice(done);
    refreshSoon();
  } catch (e) {
    showError(e);
  }
}

function button(label, action, onClick, aria) {
  const b = el('button', label);
  b.type = 'button';
  b.dataset.action = action;
  if (aria) b.setAttribute('aria-label', aria);
  b.addEventListener('click', onClick);
  return b;
}

function roleChecks(box, prefix, checked) {
  box.replaceChildren(el('span', t('form.roles'), 'group-label'), ...ROLES.map((r) => {
    const label = el('label', null, 'check');
    const c = el('input');
    c.type = 'checkbox';
    c.value = r;
    c.id = `${prefix}-${r}`;
    c.checked = checked.includes(r);
    label.append(c, ` ${t(`role.${r}`)}`);
    return label;
  }));
}
const checkedRoles = (box) => [...box.querySelectorAll('input:checked')].map((c) => c.value);

// -- users ---------------------------------------------------------------------------

function renderUsers() {
  const body = $('users').tBodies[0];
  if (users.length === 0) { body.replaceChildren(emptyRow(7)); return; }
  body.replaceChildren(...users.map((u) => {
    const tr = el('tr');
    tr.id = `user-${u.username}`;
    const name = el('th', u.username);
    name.scope = 'row';
    const status = el('td', u.disabled ? `⛔ ${t('admin.disabled')}` : `✓ ${t('admin.enabled')}`);
    status.dataset.disabled = String(u.disabled);
    const acts = el('td', null, 'actions');
    const box = el('div', null, 'acts');
    acts.append(box);
    if (u.username !== me.username) {
      box.append(u.disabled
        ? button(t('admin.enable'), 'enable', () => rowCommand(`/api/users/${encodeURIComponent(u.username)}/enable`,
          undefined, t('admin.done_enable', { user: u.username })), `${t('admin.enable')}: ${u.username}`)
        : button(t('admin.disable'), 'disable', () => rowCommand(`/api/users/${encodeURIComponent(u.username)}/disable`,
          { reason: `disabled by ${me.username}` }, t('admin.done_disable', { user: u.username })),
        `${t('admin.disable')}: ${u.username}`));
    }
    box.append(button(t('admin.edit_roles'), 'roles', () => openRoles(u), `${t('admin.edit_roles')}: ${u.username}`));
    tr.append(name, el('td', u.display_name || ''), el('td', (u.roles || []).map((r) => t(`role.${r}`)).join(', ')),
      el('td', u.agent_id || ''), el('td', (u.queues || []).join(', ')), status, acts);
    return tr;
  }));
}

let rolesOf = '';
function openRoles(u) {
  rolesOf = u.username;
  const f = $('roles-form');
  clearFormErrors(f);
  $('roles-user').textContent = u.username;
  roleChecks($('r-roles'), 'r-role', u.roles || []);
  $('r-agent').value = u.agent_id || '';
  $('r-queues').value = (u.queues || []).join(', ');
  f.hidden = false;
  $('r-roles').querySelector('input').focus();
}
$('roles-cancel').addEventListener('click', () => { $('roles-form').hidden = true; focusRow('user', rolesOf, 'roles'); });
$('roles-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const body = { roles: checkedRoles($('r-roles')), agent_id: $('r-agent').value.trim(), queues: parseList($('r-queues').value) };
  if (await submit(ev.target, 'POST', `/api/users/${encodeURIComponent(rolesOf)}/roles`, body,
    t('admin.done_roles', { user: rolesOf }))) {
    ev.target.hidden = true;
    refreshSoon();
  }
});

$('user-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const body = { username: f.username.value.trim(), password: f.password.value, roles: checkedRoles($('u-roles')),
    display_name: f.display_name.value.trim(), agent_id: f.agent_id.value.trim(), queues: parseList(f.queues.value) };
  if (operator && f.tenant.value.trim()) body.tenant = f.tenant.value.trim();
  if (await submit(f, 'POST', '/api/users', body, t('admin.done_user', { user: body.username }))) {
    f.reset();
    roleChecks($('u-roles'), 'u-role', []);
    refreshSoon();
  }
});

// -- agents --------------------------------------------------------------------------

function renderAgents() {
  const body = $('agents').tBodies[0];
  if (agents.length === 0) { body.replaceChildren(emptyRow(5)); return; }
  body.replaceChildren(...agents.map((a) => {
    const tr = el('tr');
    tr.id = `agent-${a.id}`;
    const name = el('th', a.name ? `${a.name} (${a.id})` : a.id);
    name.scope = 'row';
    const skills = el('td', skillsText(a.skills), 'skills');
    const acts = el('td', null, 'actions');
    acts.append(button(t('admin.edit_skills'), 'skills', () => openSkills(a), `${t('admin.edit_skills')}: ${a.id}`));
    tr.append(name, el('td', t(`state.${a.state}`)), skills,
      el('td', (a.defined_queues && a.defined_queues.length ? a.defined_queues : a.queues || []).join(', ')), acts);
    return tr;
  }));
}

let skillsOf = '';
function openSkills(a) {
  skillsOf = a.id;
  const f = $('skills-form');
  clearFormErrors(f);
  $('skills-agent').textContent = a.name ? `${a.name} (${a.id})` : a.id;
  $('s-skills').value = skillsText(a.skills);
  $('s-reason').value = '';
  f.hidden = false;
  $('s-skills').focus();
}
$('skills-cancel').addEventListener('click', () => { $('skills-form').hidden = true; focusRow('agent', skillsOf, 'skills'); });
$('skills-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const body = { skills: parseSkills($('s-skills').value) };
  if ($('s-reason').value.trim()) body.reason = $('s-reason').value.trim();
  if (await submit(ev.target, 'POST', `/api/agents/${encodeURIComponent(skillsOf)}/skills`, body,
    t('edit.skills_saved', { agent: skillsOf }))) {
    ev.target.hidden = true;
    refreshSoon();
  }
});

$('agent-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const body = { id: f.elements.namedItem('id').value.trim(), name: f.elements.namedItem('name').value.trim(), skills: parseSkills(f.skills.value),
    queues: parseList(f.queues.value), supervisor: f.supervisor.checked };
  const wrap = numberOr(f.wrap_up_s.value);
  if (wrap !== undefined) body.wrap_up_s = wrap;
  if (operator && f.tenant.value.trim()) body.tenant = f.tenant.value.trim();
  if (await submit(f, 'POST', '/api/agents', body, t('admin.done_agent', { id: body.id }))) {
    f.reset();
    refreshSoon();
  }
});

// -- queues --------------------------------------------------------------------------

function renderQueues() {
  const body = $('queues').tBodies[0];
  if (queues.length === 0) { body.replaceChildren(emptyRow(4)); return; }
  body.replaceChildren(...queues.map((q) => {
    const tr = el('tr');
    tr.id = `queue-${q.id}`;
    const name = el('th', q.name ? `${q.name} (${q.id})` : q.id);
    name.scope = 'row';
    const status = el('td', q.closed ? `■ ${t('tile.closed')}` : `✓ ${t('admin.open')}`);
    status.dataset.closed = String(!!q.closed);
    const acts = el('td', null, 'actions');
    const box = el('div', null, 'acts');
    acts.append(box);
    const path = `/api/queues/${encodeURIComponent(q.id)}`;
    box.append(button(t('admin.settings'), 'settings', () => openSettings(q), `${t('admin.settings')}: ${q.id}`));
    box.append(q.closed
      ? button(t('admin.open_queue'), 'open', () => rowCommand(`${path}/open`, { reason: `opened by ${me.username}` },
        t('admin.done_open', { queue: q.id })), `${t('admin.open_queue')}: ${q.id}`)
      : button(t('admin.close_queue'), 'close', () => rowCommand(`${path}/close`, { reason: `closed by ${me.username}` },
        t('admin.done_close', { queue: q.id })), `${t('admin.close_queue')}: ${q.id}`));
    tr.append(name, status, el('td', String(q.waiting ?? 0)), acts);
    return tr;
  }));
}

let settingsOf = '';
const settingFields = ['ring_timeout_s', 'wrap_up_s', 'max_wait_s', 'service_level_s', 'max_length', 'max_no_answer',
  'vip_priority'];
async function openSettings(q) {
  const f = $('settings-form');
  clearFormErrors(f);
  try {
    const s = await api('GET', `/api/queues/${encodeURIComponent(q.id)}/settings`);
    settingsOf = q.id;
    $('settings-queue').textContent = q.name ? `${q.name} (${q.id})` : q.id;
    for (const k of settingFields) f[k].value = String(s[k] ?? '');
    f.overflow.value = s.overflow || 'none';
    f.overflow_queue.value = s.overflow_queue || '';
    f.skills.value = skillsText(s.skills);
    f.reason.value = '';
    $('q-dispositions').dataset.codes = (s.dispositions || []).join(', ');
    $('q-dispositions').textContent = $('q-dispositions').dataset.codes || t('admin.any_code');
    f.hidden = false;
    f.ring_timeout_s.focus();
  } catch (e) {
    showError(e);
  }
}
$('settings-cancel').addEventListener('click', () => { $('settings-form').hidden = true; focusRow('queue', settingsOf, 'settings'); });
$('settings-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const body = {};
  for (const k of settingFields) {
    const v = numberOr(f[k].value);
    if (v !== undefined) body[k] = v;
  }
  body.overflow = f.overflow.value;
  if (f.overflow_queue.value.trim() || f.overflow.value === 'queue') body.overflow_queue = f.overflow_queue.value.trim();
  body.skills = parseSkills(f.skills.value);
  if (f.reason.value.trim()) body.reason = f.reason.value.trim();
  if (await submit(f, 'POST', `/api/queues/${encodeURIComponent(settingsOf)}/settings`, body,
    t('admin.done_settings', { queue: settingsOf }))) refreshSoon();
});

$('queue-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const body = { id: f.elements.namedItem('id').value.trim(), name: f.elements.namedItem('name').value.trim(), skills_required: parseSkills(f.skills_required.value),
    strategy: f.strategy.value, entry_points: parseList(f.entry_points.value) };
  for (const k of ['ring_timeout_s', 'wrap_up_s', 'service_level_s']) {
    const v = numberOr(f[k].value);
    if (v !== undefined) body[k] = v;
  }
  if (f.trunk_group.value.trim()) body.trunk_group = f.trunk_group.value.trim();
  if (operator && f.tenant.value.trim()) body.tenant = f.tenant.value.trim();
  if (await submit(f, 'POST', '/api/queues', body, t('admin.done_queue', { id: body.id }))) {
    f.reset();
    refreshSoon();
  }
});

// -- trunk groups --------------------------------------------------------------------

let trunkOf = '';
let trunkShown = null; // the last settings read
function trunkLine() {
  if (trunkShown) $('trunk-now').textContent = t('admin.trunk_now', trunkShown);
}
function showTrunk(s) {
  trunkOf = s.id;
  trunkShown = { id: s.id, channels: s.channels, busy: s.busy };
  trunkLine();
  $('t-channels').value = String(s.channels);
  $('trunk-form').hidden = false;
}
$('trunk-load').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const id = ev.target.elements.namedItem('id').value.trim();
  if (!id) return ev.target.elements.namedItem('id').focus();
  const s = await submit(ev.target, 'GET', `/api/trunks/${encodeURIComponent(id)}/settings`);
  if (s) { showTrunk(s); $('t-channels').focus(); } else $('trunk-form').hidden = true;
});
$('trunk-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const body = { channels: numberOr(f.channels.value) };
  if (f.reason.value.trim()) body.reason = f.reason.value.trim();
  if (await submit(f, 'POST', `/api/trunks/${encodeURIComponent(trunkOf)}/settings`, body,
    t('admin.done_channels', { id: trunkOf }))) {
    try { showTrunk(await api('GET', `/api/trunks/${encodeURIComponent(trunkOf)}/settings`)); } catch { /* shown on the next load */ }
  }
});

// -- lists ---------------------------------------------------------------------------

function emptyRow(span) {
  const tr = el('tr');
  const td = el('td', t('admin.none'), 'muted');
  td.colSpan = span;
  tr.append(td);
  return tr;
}

function focusRow(kind, id, action) {
  const b = document.querySelector(`#${CSS.escape(`${kind}-${id}`)} [data-action="${action}"]`);
  if (b) b.focus();
}

async function refresh() {
  const [u, a, q] = await Promise.allSettled([api('GET', '/api/users'), api('GET', '/api/agents'), api('GET', '/api/queues')]);
  for (const r of [u, a, q]) if (r.status === 'rejected' && r.reason.status === 401) return showError(r.reason);
  if (u.status === 'fulfilled') users = (u.value.users || []).sort((x, y) => x.username.localeCompare(y.username));
  if (a.status === 'fulfilled') agents = (a.value.agents || []).sort((x, y) => x.id.localeCompare(y.id));
  if (q.status === 'fulfilled') queues = (q.value.queues || []).sort((x, y) => x.id.localeCompare(y.id));
  const keep = document.activeElement && document.activeElement.closest('tr[id]')
    ? [document.activeElement.closest('tr').id, document.activeElement.dataset.action] : null;
  renderUsers();
  renderAgents();
  renderQueues();
  if (keep) {
    const b = document.querySelector(`#${CSS.escape(keep[0])} [data-action="${keep[1]}"]`)
      || document.querySelector(`#${CSS.escape(keep[0])} button`);
    if (b) b.focus();
  }
  document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
}

// A change is sequenced before the live view folds it: read again now and a moment later.
function refreshSoon() {
  refresh();
  refreshTenants();
  setTimeout(refresh, 700);
}

roleChecks($('u-roles'), 'u-role', ['agent']);
onLanguageChange(() => {
  roleChecks($('u-roles'), 'u-role', checkedRoles($('u-roles')));
  if (!$('roles-form').hidden) roleChecks($('r-roles'), 'r-role', checkedRoles($('r-roles')));
  renderUsers();
  renderAgents();
  renderQueues();
  redrawTenants();
  redrawFlows();
  redrawWebhooks();
  trunkLine();
  const codes = $('q-dispositions');
  if (codes.dataset.codes !== undefined) codes.textContent = codes.dataset.codes || t('admin.any_code');
});
await refresh();
// Tenants and their services, IVR flows, webhooks (one module each).
await Promise.all([startTenants({ button, emptyRow }), startFlows(), startWebhooks({ button, emptyRow })]);
window.hotline = { refresh, refreshTenants };
