// The session's end (docs/web.md, "The session's end"): `GET /api/me` says how
// long the session has left (`expires_in_s`). A few minutes before the end
// a warning says so (role=alert) with a button to sign in again (it signs
// out, so the login page opens a fresh session of the full length); at the end
// the page checks the session once more (a new sign-in in another tab
// counts) and goes to the login page, which says why.
//
// How early the warning comes: 5 minutes, or `?session_warn_s=N` in the
// page's address (the browser test uses a node with a short session_ttl_s).

/** Seconds before the end at which the warning shows, from the page's query string. */
export function warnLeadS(search, fallback = 300) {
  const v = new URLSearchParams(search || '').get('session_warn_s');
  const n = v === null || v.trim() === '' ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/**
 * When to warn and when the session ends, in ms from now: `expiresInS`
 * from /api/me (undefined: the node did not say, nothing is planned).
 */
export function sessionPlan(expiresInS, warnS) {
  if (typeof expiresInS !== 'number' || !Number.isFinite(expiresInS)) return null;
  const endMs = Math.max(0, expiresInS * 1000);
  return { warnInMs: Math.max(0, endMs - warnS * 1000), endInMs: endMs };
}

/** m:ss of a number of ms left (never negative). */
export function leftText(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Watches `me`'s session in this page. `ask()` re-reads /api/me (null: no
 * session); `t` translates; `signIn()` leaves for the login page.
 */
export function watchSession(me, { ask, t, signIn, now = () => Date.now() }) {
  const warnS = warnLeadS(location.search);
  let plan = sessionPlan(me.expires_in_s, warnS);
  if (!plan) return;
  let deadline = now() + plan.endInMs;
  const box = document.createElement('div');
  box.id = 'session-warning';
  box.className = 'session-warning banner';
  box.setAttribute('role', 'alert');
  box.hidden = true;
  const text = document.createElement('span');
  const again = document.createElement('button');
  again.type = 'button';
  again.id = 'session-again';
  again.addEventListener('click', () => signIn(false));
  box.append(text, ' ', again);
  const header = document.querySelector('header');
  if (header) header.after(box);
  else document.body.prepend(box);
  let checking = false;
  const tick = async () => {
    const left = deadline - now();
    if (left <= 0) {
      if (checking) return;
      checking = true;
      const fresh = await ask().catch(() => null);
      checking = false;
      if (fresh) {
        // Still valid: the last second (expires_in_s is whole seconds), or a sign-in in
        // another tab gave the browser a new session. Ask again at its end, at least 1 s on.
        const next = sessionPlan(fresh.expires_in_s, warnS);
        deadline = now() + Math.max(next ? next.endInMs : 0, 1000);
        if (next && next.endInMs > warnS * 1000) box.hidden = true;
        return;
      }
      clearInterval(timer);
      signIn(true);
      return;
    }
    const warn = left <= warnS * 1000;
    if (warn) {
      text.textContent = t('session.ending', { time: leftText(left) });
      again.textContent = t('session.again');
    }
    if (box.hidden === warn) box.hidden = !warn;
  };
  const timer = setInterval(tick, 1000);
  tick();
}
