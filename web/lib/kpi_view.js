// The KPI report (GET /api/kpi, docs/projections.md "KPI JSON") as the KPI
// page shows it: figures formatted, the points of one figure per interval,
// and the CSV export. Pure: no DOM, tested by tests/web/live.test.mjs.

/** A metric for people: ratios as %, seconds with "s", counts as they are; null as "–". */
export function formatMetric(name, v) {
  if (v === null || v === undefined) return '–';
  if (name === 'service_level' || name.endsWith('_rate') || name === 'occupancy') return `${(v * 100).toFixed(1)}%`;
  if (name.endsWith('_s')) return `${Number(v).toFixed(1)} s`;
  return String(Math.round(v * 1000) / 1000);
}

/** [{label, value}] of `metric` per interval, in the report's order (value null when the report says so). */
export function chartPoints(report, metric) {
  return (report.intervals || []).map((i) => ({
    label: i.label || i.start || '',
    value: i.totals && typeof i.totals[metric] === 'number' ? i.totals[metric] : null,
  }));
}

function cell(v) {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One line per (interval or "all", dimension, key) with every metric of the
 * report, like `hotline kpi --format csv`: interval, dimension, key, then the
 * metrics' names in the order of the totals. A null is an empty field.
 */
export function reportCsv(report) {
  const names = Object.keys(report.totals || {}).filter((k) => typeof report.totals[k] !== 'object' || report.totals[k] === null);
  const lines = [['interval', 'dimension', 'key', ...names].join(',')];
  const add = (interval, groups, totals) => {
    lines.push([interval, 'total', '*', ...names.map((n) => cell(totals[n]))].join(','));
    for (const [dim, byKey] of Object.entries(groups || {}))
      for (const key of Object.keys(byKey).sort())
        lines.push([cell(interval), dim, cell(key), ...names.map((n) => cell(byKey[key][n]))].join(','));
  };
  add('all', report.groups, report.totals || {});
  for (const i of report.intervals || []) add(cell(i.start || i.label), i.groups, i.totals || {});
  return `${lines.join('\n')}\n`;
}
