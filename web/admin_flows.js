// The admin page's IVR flows (GET /api/flows): each flow the node runs as a
// table of its nodes and where each leads, with the diagnostics of `hotline
// config check` beside the node they are about. *Validate* asks again: the
// node reads its configuration file anew.
import { api } from './lib/api.js';
import { t } from './lib/i18n.js';
import { showError, el } from './lib/page.js';

const $ = (id) => document.getElementById(id);
let last = null;

/** The node index a diagnostic's key names ("flows[0].nodes[2].next" → 2), or -1 (the flow itself). */
export function nodeOf(key) {
  const m = /^flows\[\d+\]\.nodes\[(\d+)\]/.exec(key || '');
  return m ? Number(m[1]) : -1;
}

/** Where a node leads, as "key → node" parts (every field but id and type). */
export function edgesOf(node) {
  return Object.keys(node).filter((k) => k !== 'id' && k !== 'type')
    .map((k) => `${k} → ${typeof node[k] === 'object' ? JSON.stringify(node[k]) : node[k]}`);
}

function problemLine(d) {
  const p = el('li', `${d.severity === 'error' ? '■' : '▲'} ${t(`admin.severity_${d.severity}`)}: ${d.text || d.message}`,
    `problem ${d.severity}`);
  p.dataset.severity = d.severity;
  return p;
}

function renderFlow(f) {
  const box = el('article', null, 'flow');
  box.id = `flow-${f.id}`;
  box.setAttribute('aria-labelledby', `flow-${f.id}-h`);
  const h = el('h3', `${f.id} · ${f.tenant}`);
  h.id = `flow-${f.id}-h`;
  box.append(h, el('p', t('admin.flow_facts', { start: f.start, languages: (f.languages || []).join(', ') }), 'muted'));
  if (f.file_differs) box.append(el('p', `▲ ${t('admin.flow_differs')}`, 'note'));
  const flowProblems = (f.diagnostics || []).filter((d) => nodeOf(d.key) < 0);
  const verdict = el('p', null, 'flow-verdict');
  const errors = (f.diagnostics || []).filter((d) => d.severity === 'error').length;
  const warnings = (f.diagnostics || []).length - errors;
  verdict.dataset.errors = String(errors);
  verdict.dataset.warnings = String(warnings);
  verdict.textContent = errors + warnings === 0 ? `✓ ${t('admin.flow_ok')}` : t('admin.flow_problems', { errors, warnings });
  box.append(verdict);
  if (flowProblems.length) {
    const ul = el('ul', null, 'problems');
    ul.append(...flowProblems.map(problemLine));
    box.append(ul);
  }
  const table = el('table', null, 'grid flow-nodes');
  const cap = el('caption', t('admin.flow_nodes', { id: f.id }), 'sr-only');
  const head = el('tr');
  for (const k of ['admin.node', 'admin.node_type', 'admin.node_edges', 'admin.node_problems']) {
    const th = el('th', t(k));
    th.scope = 'col';
    head.append(th);
  }
  const thead = el('thead');
  thead.append(head);
  const body = el('tbody');
  (f.nodes || []).forEach((n, i) => {
    const tr = el('tr');
    tr.dataset.node = n.id;
    const id = el('th', n.id === f.start ? `▶ ${n.id}` : n.id);
    id.scope = 'row';
    const edges = el('td', edgesOf(n).join(' · ') || '–', 'edges');
    const mine = (f.diagnostics || []).filter((d) => nodeOf(d.key) === i);
    const probs = el('td', null, 'problems');
    if (mine.length) { const ul = el('ul'); ul.append(...mine.map(problemLine)); probs.append(ul); } else probs.textContent = '–';
    tr.append(id, el('td', n.type), edges, probs);
    body.append(tr);
  });
  table.append(cap, thead, body);
  box.append(table);
  return box;
}

function render() {
  if (!last) return;
  const list = last.flows || [];
  const summary = $('flows-summary');
  summary.dataset.errors = String(last.errors || 0);
  summary.dataset.warnings = String(last.warnings || 0);
  summary.textContent = list.length === 0 ? t('admin.no_flows')
    : t(last.checked === 'file' ? 'admin.flows_checked_file' : 'admin.flows_checked_graph',
      { n: list.length, errors: last.errors || 0, warnings: last.warnings || 0, file: last.config_file || '' });
  const boxes = list.map(renderFlow);
  for (const d of last.file_problems || []) boxes.unshift(el('p', `■ ${d.text || d.message}`, 'error'));
  $('flows').replaceChildren(...boxes);
}

/** Reads the flows and their checks again. */
export async function checkFlows() {
  $('flows-check').disabled = true;
  try {
    last = await api('GET', '/api/flows');
    render();
  } catch (e) {
    showError(e);
  } finally {
    $('flows-check').disabled = false;
  }
}

export function startFlows() {
  $('flows-check').addEventListener('click', checkFlows);
  return checkFlows();
}

export function redrawFlows() { render(); }
