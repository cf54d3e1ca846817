// When a queue tile turns amber or red. Each level is also said in words and
// with a symbol on the tile, so colour is never the only signal.

export const thresholds = {
  waiting: { warn: 3, alarm: 6 },            // callers waiting
  oldestWaitMs: { warn: 30000, alarm: 60000 },
  serviceLevel: { warn: 0.8, alarm: 0.6 },   // lower is worse
  abandonRate: { warn: 0.05, alarm: 0.1 },   // abandoned / offered
};

const rank = { ok: 0, warn: 1, alarm: 2 };

function higher(value, t) {
  return value >= t.alarm ? 'alarm' : value >= t.warn ? 'warn' : 'ok';
}

/** The level of each figure of a queue, and the tile's (the worst of them). */
export function levels(f, t = thresholds) {
  const out = {
    waiting: higher(f.waiting, t.waiting),
    oldest: higher(f.oldestWaitMs, t.oldestWaitMs),
    sl: f.answered === 0 ? 'ok' : f.serviceLevel < t.serviceLevel.alarm ? 'alarm'
      : f.serviceLevel < t.serviceLevel.warn ? 'warn' : 'ok',
    abandoned: f.offered === 0 ? 'ok' : higher(f.abandoned / f.offered, t.abandonRate),
  };
  let tile = 'ok';
  for (const v of Object.values(out)) if (rank[v] > rank[tile]) tile = v;
  out.tile = tile;
  return out;
}

/** The symbol shown with a level. */
export const symbols = { ok: '✓', warn: '▲', alarm: '■' };
