// The federation view on the supervisor's seat, for operators (GET
// /api/sites, docs/federation.md): each other site's state in words and a
// symbol (up, stale, down), its agents free, callers waiting and service
// level (its worst queue's), and the calls moved to and from it. Read every
// two seconds: site statuses are not events of this node's store.
import { api } from './lib/api.js';
import { t, duration } from './lib/i18n.js';
import { el } from './lib/page.js';

const $ = (id) => document.getElementById(id);
const marks = { up: '✓', stale: '▲', down: '■' };
let last = null;

/** "85 %" of a 0..1 service level, "–" when unknown (no call left the site's queues yet). */
export function slText(sl) {
  return typeof sl === 'number' ? `${Math.round(sl * 100)} %` : '–';
}

function cell(text, cls) {
  const td = el('td', text, cls);
  return td;
}

function render() {
  if (!last) return;
  $('sites-site').textContent = last.site || '';
  const body = $('sites').tBodies[0];
  const line = $('sites-line');
  if (!last.federation) line.textContent = t('sites.none');
  else if (last.error) line.textContent = `${t('sites.error')}: ${last.error}`;
  else line.textContent = t('sites.line', { n: (last.sites || []).length, age: duration(last.max_status_age_ms || 0) });
  const rows = (last.sites || []).map((s) => {
    const tr = el('tr', null, `site state-${s.state}`);
    tr.id = `site-${s.site}`;
    tr.dataset.state = s.state;
    const name = el('th', s.site);
    name.scope = 'row';
    const m = s.moves || {};
    tr.append(name,
      cell(`${marks[s.state] || ''} ${t(`sites.${s.state}`)}`, 'state'),
      cell(s.age_ms === null || s.age_ms === undefined ? '–' : duration(s.age_ms), 'age'),
      cell(String(s.agents_ready), 'free'),
      cell(String(s.calls_waiting), 'waiting'),
      cell(slText(s.service_level), 'sl'),
      cell(String(m.sent || 0), 'sent'),
      cell(String(m.received || 0), 'received'),
      cell(String(m.returned || 0), 'returned'));
    return tr;
  });
  if (rows.length === 0) {
    const tr = el('tr');
    const td = el('td', t('sites.no_sites'), 'muted');
    td.colSpan = 9;
    tr.append(td);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

async function load() {
  try {
    last = await api('GET', '/api/sites');
    render();
    $('sites-section').dataset.loaded = String(Number($('sites-section').dataset.loaded || 0) + 1);
  } catch (e) {
    $('sites-line').textContent = `${t('sites.error')}: ${e.code}`;
  }
}

/** Shows the panel to operators and keeps it fresh. */
export function startSites(me) {
  if (!(me.roles || []).includes('operator')) return;
  $('sites-section').hidden = false;
  load();
  setInterval(load, 2000);
}

export function redrawSites() { render(); }
