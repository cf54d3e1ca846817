// The admin page's tenants and their services (GET /api/tenants; POST
// /api/tenants/{id}/close|open {reason}): each tenant's queues, open or
// closed, and the whole service closed or opened at once with a reason.
import { api } from './lib/api.js';
import { t } from './lib/i18n.js';
import { showError, notice, el } from './lib/page.js';
import { showFormError, clearFormErrors } from './lib/forms.js';

const $ = (id) => document.getElementById(id);
let tenants = [];

/** 'open' (every queue), 'closed' (every queue), 'partly' or 'none' (no queue). */
export function serviceOf(tenant) {
  const qs = tenant.queues || [];
  if (qs.length === 0) return 'none';
  const open = qs.filter((q) => q.open).length;
  return open === qs.length ? 'open' : open === 0 ? 'closed' : 'partly';
}

const marks = { open: '✓', closed: '■', partly: '▲', none: '–' };

function render({ button, emptyRow }) {
  const body = $('tenants').tBodies[0];
  if (tenants.length === 0) { body.replaceChildren(emptyRow(5)); return; }
  body.replaceChildren(...tenants.map((tn) => {
    const tr = el('tr');
    tr.id = `tenant-${tn.id}`;
    const id = el('th', tn.id);
    id.scope = 'row';
    const qs = el('td', (tn.queues || []).map((q) => `${q.id} ${q.open ? `✓ ${t('admin.open')}`
      : `■ ${t('admin.closed')}${q.closed_reason ? ` (${q.closed_reason})` : ''}`}`).join(' · ') || t('admin.none'), 'queues');
    const service = serviceOf(tn);
    const state = el('td', `${marks[service]} ${t(`admin.service_${service}`)}`, 'service');
    state.dataset.service = service;
    const actions = el('td', null, 'actions');
    const go = (what) => async () => {
      const form = $('tenant-form');
      clearFormErrors(form);
      const reason = form.reason.value.trim();
      try {
        await api('POST', `/api/tenants/${encodeURIComponent(tn.id)}/${what}`, reason ? { reason } : {});
        notice(t(`admin.done_tenant_${what}`, { id: tn.id }));
        await refreshTenants();
      } catch (e) {
        if (e.status === 401) return showError(e);
        showFormError(form, e);
      }
    };
    actions.append(
      button(t('admin.close_service'), 'close', go('close'), `${t('admin.close_service')} ${tn.id}`),
      ' ',
      button(t('admin.open_service'), 'open', go('open'), `${t('admin.open_service')} ${tn.id}`));
    actions.querySelector('[data-action="close"]').disabled = service === 'closed' || service === 'none';
    actions.querySelector('[data-action="open"]').disabled = service === 'open' || service === 'none';
    tr.append(id, el('td', tn.name || ''), qs, state, actions);
    return tr;
  }));
}

let helpers = null;

/** Reads the tenants again and redraws them. */
export async function refreshTenants() {
  try {
    tenants = ((await api('GET', '/api/tenants')).tenants || []).sort((a, b) => a.id.localeCompare(b.id));
  } catch (e) {
    if (e.status === 401) return showError(e);
  }
  if (helpers) render(helpers);
}

export function startTenants(h) {
  helpers = h;
  return refreshTenants();
}

export function redrawTenants() {
  if (helpers) render(helpers);
}
