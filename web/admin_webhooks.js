// The admin page's webhooks (GET/POST /api/webhooks, POST
// /api/webhooks/{id}/delete): the tenant's subscriptions, a new one (its
// signing secret is shown once), and deleting one.
import { api } from './lib/api.js';
import { t } from './lib/i18n.js';
import { showError, notice, el } from './lib/page.js';
import { showFormError, clearFormErrors, parseList } from './lib/forms.js';

const $ = (id) => document.getElementById(id);
let hooks = [];
let helpers = null;

function render() {
  const { button, emptyRow } = helpers;
  const body = $('webhooks').tBodies[0];
  if (hooks.length === 0) { body.replaceChildren(emptyRow(5)); return; }
  body.replaceChildren(...hooks.map((w) => {
    const tr = el('tr');
    tr.id = `webhook-${w.id}`;
    const id = el('th', w.id);
    id.scope = 'row';
    const status = el('td', `${w.status}${w.last_error ? ` · ${w.last_error}` : ''}`, 'status');
    const actions = el('td', null, 'actions');
    actions.append(button(t('admin.delete'), 'delete', async () => {
      try {
        await api('POST', `/api/webhooks/${encodeURIComponent(w.id)}/delete`, {});
        notice(t('admin.done_webhook_deleted', { id: w.id }));
        await refreshWebhooks();
      } catch (e) {
        showError(e);
      }
    }, `${t('admin.delete')} ${w.url}`));
    tr.append(id, el('td', w.url, 'url'), el('td', (w.types || []).join(', '), 'types'), status, actions);
    return tr;
  }));
}

export async function refreshWebhooks() {
  try {
    hooks = ((await api('GET', '/api/webhooks')).webhooks || []).sort((a, b) => a.created_seq - b.created_seq);
  } catch (e) {
    if (e.status === 401) return showError(e);
    hooks = [];
  }
  render();
}

export function startWebhooks(h) {
  helpers = h;
  $('webhook-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    clearFormErrors(f);
    const body = { url: f.url.value.trim(), types: parseList(f.types.value) };
    if (f.tenant && f.tenant.value.trim()) body.tenant = f.tenant.value.trim();
    try {
      const w = await api('POST', '/api/webhooks', body);
      const secret = $('webhook-secret');
      secret.textContent = t('admin.webhook_secret', { id: w.id, secret: w.secret || '' });
      secret.hidden = false;
      f.url.value = '';
      f.types.value = '';
      await refreshWebhooks();
    } catch (e) {
      if (e.status === 401) return showError(e);
      showFormError(f, e);
    }
  });
  return refreshWebhooks();
}

export function redrawWebhooks() { if (helpers) render(); }
