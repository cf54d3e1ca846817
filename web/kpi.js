// The KPI page: the tenant's report (GET /api/kpi, the fold of `hotline
// kpi`) over a chosen range, interval and grouping; the figures by group,
// a bar chart of one figure per interval (SVG drawn here, no library), and
// the report as CSV. The node's numbers are shown as they came.
import { api } from './lib/api.js';
import { t, onLanguageChange } from './lib/i18n.js';
import { startPage, showError, clearError, el } from './lib/page.js';
import { showFormError, clearFormErrors } from './lib/forms.js';
import { reportCsv, chartPoints, formatMetric } from './lib/kpi_view.js';

const $ = (id) => document.getElementById(id);
const me = await startPage();
const roles = new Set(me.roles || []);
if (!['auditor', 'admin', 'operator'].some((r) => roles.has(r))) {
  showError({ code: 'forbidden', detail: t('audit.not_allowed') });
  $('main').hidden = true;
}

let report = null;
const columns = ['offered', 'answered', 'abandoned', 'service_level', 'asa_s', 'aht_s', 'abandon_rate'];

/** A datetime-local value as the API's UTC instant ("2026-12-06T09:00:00Z"), or ''. */
function utc(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function renderGroups() {
  const body = $('groups').tBodies[0];
  if (!report) return;
  const row = (label, m, id) => {
    const tr = el('tr');
    if (id) tr.id = id;
    const th = el('th', label);
    th.scope = 'row';
    tr.append(th, ...columns.map((c) => {
      const td = el('td', formatMetric(c, m[c]));
      td.dataset.metric = c;
      return td;
    }));
    return tr;
  };
  const rows = [row(t('kpi.total'), report.totals || {}, 'kpi-total')];
  const by = report.by && report.by !== 'total' ? report.by : '';
  const groups = by && report.groups ? report.groups[by] || {} : {};
  for (const key of Object.keys(groups).sort()) rows.push(row(key, groups[key], `kpi-${by}-${key}`));
  body.replaceChildren(...rows);
  $('k-line').textContent = t('kpi.line', { from: report.from || '–', to: report.to || '–', events: report.events ?? 0,
    interval: Math.round((report.interval_s || 0) / 60), sl: report.service_level_formula || '' });
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function renderChart() {
  const box = $('chart');
  if (!report) return;
  const metric = $('k-metric').value;
  const points = chartPoints(report, metric);
  if (points.length === 0) { box.replaceChildren(el('p', t('kpi.no_data'), 'muted')); return; }
  const w = 900;
  const h = 260;
  const pad = { l: 48, r: 10, t: 10, b: 40 };
  const max = Math.max(...points.map((p) => p.value ?? 0), metric === 'service_level' ? 1 : 1e-9);
  const bw = Math.min(60, (w - pad.l - pad.r) / points.length); // a few intervals stay bars, not walls
  const chart = svg('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', class: 'bars' });
  chart.setAttribute('aria-labelledby', 'chart-title');
  const title = svg('title', { id: 'chart-title' });
  title.textContent = t('kpi.chart_title', { metric: t(`kpi.m.${metric}`), n: points.length });
  chart.append(title);
  chart.append(svg('line', { x1: pad.l, y1: h - pad.b, x2: w - pad.r, y2: h - pad.b, class: 'axis' }));
  for (const frac of [0, 0.5, 1]) {
    const y = h - pad.b - frac * (h - pad.t - pad.b);
    const label = svg('text', { x: pad.l - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' });
    label.textContent = formatMetric(metric, max * frac);
    chart.append(label, svg('line', { x1: pad.l, y1: y, x2: w - pad.r, y2: y, class: 'grid-line' }));
  }
  points.forEach((p, i) => {
    const v = p.value ?? 0;
    const bh = (v / max) * (h - pad.t - pad.b);
    const bar = svg('rect', { x: pad.l + i * bw + 1, y: h - pad.b - bh, width: Math.max(1, bw - 2), height: bh,
      class: p.value === null ? 'bar none' : 'bar' });
    bar.dataset.label = p.label;
    bar.dataset.value = p.value === null ? '' : String(p.value);
    const tip = svg('title');
    tip.textContent = `${p.label}: ${formatMetric(metric, p.value)}`;
    bar.append(tip);
    chart.append(bar);
  });
  const first = svg('text', { x: pad.l, y: h - pad.b + 16, class: 'tick' });
  first.textContent = points[0].label;
  const last = svg('text', { x: pad.l + points.length * bw, y: h - pad.b + 32, 'text-anchor': 'end', class: 'tick' });
  last.textContent = points[points.length - 1].label;
  chart.append(first);
  if (points.length > 1) chart.append(last);
  box.replaceChildren(chart);
}

$('query').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  clearFormErrors(f);
  const q = new URLSearchParams({ interval_s: f.interval_s.value, by: f.by.value });
  if (f.from.value) q.set('from', utc(f.from.value));
  if (f.to.value) q.set('to', utc(f.to.value));
  $('k-go').disabled = true;
  try {
    report = await api('GET', `/api/kpi?${q}`);
    clearError();
    $('k-csv').disabled = false;
    renderGroups();
    renderChart();
  } catch (e) {
    if (e.status === 401) showError(e); else showFormError(f, e);
  } finally {
    $('k-go').disabled = false;
  }
});

$('k-metric').addEventListener('change', renderChart);

$('k-csv').addEventListener('click', () => {
  if (!report) return;
  const blob = new Blob([reportCsv(report)], { type: 'text/csv' });
  const a = el('a');
  a.href = URL.createObjectURL(blob);
  a.download = `kpi-${me.tenant || 'all'}-${(report.by || 'total')}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
});

onLanguageChange(() => { renderGroups(); renderChart(); });
window.hotline = {};
