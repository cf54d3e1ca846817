// What every signed-in page does first: who is there (else back to the
// login page), the language, the header's controls, and the message lines.
import { whoAmI, logout } from './api.js';
import { chooseLanguage, translatePage, languageSelect, errorText, t } from './i18n.js';
import { watchSession } from './session.js';

/** Resolves to the user (`GET /api/me`), or leaves for the login page. */
export async function startPage() {
  let me = null;
  try { me = await whoAmI(); } catch { /* the node is down: the login page says so */ }
  if (!me) {
    location.assign('/');
    return new Promise(() => {});
  }
  chooseLanguage(me.username);
  translatePage();
  languageSelect(document.getElementById('lang'));
  document.getElementById('logout').addEventListener('click', logout);
  const who = document.getElementById('who');
  if (who) {
    who.textContent = `${me.username} · ${me.tenant}`;
    who.before(navigation(me));
  }
  // A warning before the session ends, then the login page (lib/session.js).
  watchSession(me, {
    ask: whoAmI,
    t,
    // At the end: the login page says why. Before it, *Sign in again* ends this session
    // (the login page would otherwise send a valid one straight back) for a fresh one.
    signIn: (ended) => (ended === true ? sessionEnded() : logout()),
  });
  return me;
}

/** The pages this user's roles open, as links in the header (the current one marked). */
export function pagesOf(me) {
  const roles = new Set(me.roles || []);
  const any = (...r) => r.some((x) => roles.has(x));
  const out = [];
  if (me.agent_id && roles.has('agent')) out.push(['/agent.html', 'nav.agent']);
  if (any('supervisor', 'admin', 'operator', 'auditor')) out.push(['/supervisor.html', 'nav.supervisor']);
  if (any('admin', 'operator')) out.push(['/admin.html', 'nav.admin']);
  if (any('auditor', 'admin', 'operator')) out.push(['/audit.html', 'nav.audit'], ['/kpi.html', 'nav.kpi']);
  return out;
}

function navigation(me) {
  const nav = document.createElement('nav');
  nav.className = 'pages';
  nav.id = 'pages';
  nav.setAttribute('data-i18n-label', 'nav.pages');
  nav.setAttribute('aria-label', t('nav.pages'));
  for (const [href, key] of pagesOf(me)) {
    const a = document.createElement('a');
    a.href = href;
    a.dataset.i18n = key;
    a.textContent = t(key);
    if (location.pathname === href) a.setAttribute('aria-current', 'page');
    nav.append(a);
  }
  return nav;
}

/** The session is gone (expired, revoked): the login page, which says so. */
export function sessionEnded() {
  if (!location.search.includes('expired=1') || location.pathname !== '/') location.assign('/?expired=1');
}

let noticeTimer = 0;

/** Shows a refusal or failure in the page's alert line (until the next success); a 401 goes back to the login page. */
export function showError(e) {
  // The session expired or was revoked: sign in again.
  if (e && e.status === 401) {
    sessionEnded();
    return;
  }
  const el = document.getElementById('error');
  el.textContent = errorText(e);
  el.hidden = false;
}

export function clearError() {
  document.getElementById('error').hidden = true;
}

/** A short confirmation in the status line. */
export function notice(text) {
  const el = document.getElementById('notice');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

/** Shows the feed's state ('connecting', 'live', 'offline') in the header. */
export function feedStatus(state) {
  const el = document.getElementById('feed-status');
  el.dataset.state = state;
  el.textContent = t(`feed.${state}`);
}

/** Makes an element with text (never HTML: what the node sends is data). */
export function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
