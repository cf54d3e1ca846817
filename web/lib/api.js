// The node API from the pages: JSON in and out over the session cookie
// (docs/api.md). Errors become ApiError with the API's code and detail.

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(`${code}: ${detail}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** Calls `method path` with an optional JSON body; resolves to the JSON answer. */
export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', String(e && e.message ? e.message : e));
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : {}; } catch { json = null; }
  if (!res.ok) {
    throw new ApiError(res.status, json && json.error ? json.error : `http_${res.status}`,
      json && json.detail ? json.detail : text.slice(0, 200));
  }
  return json;
}

/** Who is logged in, or null (no or an expired session). */
export async function whoAmI() {
  try {
    return await api('GET', '/api/me');
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

/** The page a user lands on after logging in, by role. */
export function homeOf(me) {
  const roles = me.roles || [];
  if (roles.includes('supervisor') || roles.includes('admin') || roles.includes('operator') ||
      roles.includes('auditor')) return '/supervisor.html';
  if (roles.includes('agent')) return '/agent.html';
  return '/supervisor.html';
}

/** Logs out and goes back to the login page. */
export async function logout() {
  try { await api('POST', '/api/logout'); } catch { /* gone already */ }
  location.assign('/');
}
