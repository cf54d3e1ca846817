// Forms of the admin, auditor and supervisor pages: a refusal from the API
// is shown beside the field it names (its detail says "field 'x' …" or
// "query parameter 'x' …"), or under the form when it names none (a 409).
// Skills travel as text "name=level, name=level" in the pages.
import { errorText } from './i18n.js';

// Refusals of a decider that are about one field, though their detail does not say "field".
const fieldOfCode = {
  invalid_roles: 'roles', invalid_username: 'username', user_exists: 'username', missing_password: 'password',
};

/** The body field a refusal is about ("field 'skills.sales' …" → "skills"), or ''. */
export function fieldOf(e) {
  const m = /(?:field|query parameter) '([A-Za-z_]+)/.exec((e && e.detail) || '');
  return m ? m[1] : (e && fieldOfCode[e.code]) || '';
}

/** Removes the errors a previous submit left in `form`. */
export function clearFormErrors(form) {
  for (const p of form.querySelectorAll('.field-error[data-for]')) p.remove();
  for (const c of form.querySelectorAll('[aria-invalid="true"]')) {
    c.removeAttribute('aria-invalid');
    c.setAttribute('aria-describedby', (c.getAttribute('aria-describedby') || '').replace(/\S+-err\b/g, '').trim());
  }
}

/**
 * Shows API error `e` in `form`: beside the control named like the field
 * (marked aria-invalid, described by the message, focused), else at the end
 * of the form. Returns the message element.
 */
export function showFormError(form, e) {
  clearFormErrors(form);
  const field = fieldOf(e);
  const control = field ? form.querySelector(`[name="${field}"], [data-field="${field}"]`) : null;
  const p = document.createElement('p');
  p.className = 'error field-error';
  p.setAttribute('role', 'alert');
  p.textContent = errorText(e);
  p.dataset.for = control ? field : '';
  p.dataset.code = (e && e.code) || '';
  p.id = `${form.getAttribute('id')}-${control ? field : 'form'}-err`;
  if (control) {
    // Inside the field's box (label, control, message stay one cell of a grid of fields).
    const box = control.closest('.field');
    if (box) box.append(p); else control.after(p);
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', `${control.getAttribute('aria-describedby') || ''} ${p.id}`.trim());
    control.focus();
  } else {
    form.append(p);
  }
  return p;
}

/** "sales=50, vip=20" → {sales: 50, vip: 20}; a level that is no number is sent as written (the API names it). */
export function parseSkills(text) {
  const out = {};
  for (const part of text.split(/[,;\n]/)) {
    const s = part.trim();
    if (!s) continue;
    const at = s.search(/[=:]/);
    const name = (at < 0 ? s : s.slice(0, at)).trim();
    const raw = at < 0 ? '' : s.slice(at + 1).trim();
    out[name] = /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  return out;
}

/** {sales: 50, vip: 20} → "sales=50, vip=20". */
export function skillsText(skills) {
  return Object.entries(skills || {}).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** "a, b c" → ['a', 'b', 'c']. */
export function parseList(text) {
  return text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

/** An input's number: undefined when empty, a number when whole, else the text as typed (the API names it). */
export function numberOr(text) {
  const s = String(text).trim();
  if (!s) return undefined;
  return /^-?\d+$/.test(s) ? Number(s) : s;
}
