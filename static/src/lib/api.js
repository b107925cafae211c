// The API client and the session.
//
// The access token lives only in this module's memory. The refresh token is an HttpOnly,
// SameSite=Strict cookie scoped to /api/auth that JavaScript never sees; POST /api/auth/refresh
// with an empty body rotates it. A refresh is scheduled 60 s before the access token
// expires; a 401 on any call triggers one refresh and one retry, and if that fails the
// session ends and the app shows the login. Concurrent refreshes share one request, since
// the server revokes the whole family when a rotated refresh token is reused.
//
// localStorage holds only the flag "zoe_session" (no token), so a reload knows whether a
// refresh cookie is worth trying without sending a request doomed to fail.
//
// Test hook: with localStorage "zoe_test_hooks" = "1", window.__zoeTest offers
// expireAccessToken() (replace the token by an invalid one, as after expiry),
// refreshNow(), and state() ({refreshes, expiresAt, refreshAt}); never the token itself.

export const ROLES = ['viewer', 'analyst', 'editor', 'admin'];
export const roleAtLeast = (role, need) => ROLES.indexOf(role) >= ROLES.indexOf(need);

const REFRESH_LEAD_MS = 60_000;
const SESSION_FLAG = 'zoe_session';

let accessToken = null;
let expiresAt = 0;
let refreshAt = 0;
let user = null;
let timer = null;
let inflight = null;
let refreshes = 0;
const listeners = new Set();

function setFlag(on) {
  try { on ? localStorage.setItem(SESSION_FLAG, '1') : localStorage.removeItem(SESSION_FLAG); } catch { /* ignore */ }
}
export function hasSessionFlag() {
  try { return localStorage.getItem(SESSION_FLAG) === '1'; } catch { return false; }
}

export function onSession(fn) { listeners.add(fn); return () => listeners.delete(fn); }
function emit(reason) { for (const fn of listeners) fn(user, reason); }
export const currentUser = () => user;

function schedule(expiresIn) {
  clearTimeout(timer);
  const now = Date.now();     // once: both instants from the same clock reading
  expiresAt = now + expiresIn * 1000;
  const delay = Math.max(5_000, expiresIn * 1000 - REFRESH_LEAD_MS);
  refreshAt = now + delay;
  timer = setTimeout(() => { refresh().catch(() => {}); }, delay);
}

function accept(body) {
  accessToken = body.access_token;
  user = body.user ? { ...user, ...body.user } : user;
  schedule(Number(body.expires_in) || 900);
  setFlag(true);
}

function clearSession(reason) {
  clearTimeout(timer);
  accessToken = null;
  expiresAt = refreshAt = 0;
  const had = user !== null;
  user = null;
  setFlag(false);
  if (had || reason) emit(reason || 'logout');
}

async function readBody(res) {
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') || '';
  if (type.includes('json')) { try { return await res.json(); } catch { return null; } }
  const text = await res.text();
  return text ? { detail: text } : null;
}

/** An API failure: status plus the RFC 9457 problem (type, title, status, detail, errors). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || { status, title: `HTTP ${status}` };
  }
}

export async function login(email, password) {
  const res = await fetch('/api/auth/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ email, password, cookie: true }),
  });
  const body = await readBody(res);
  if (!res.ok) throw new ApiError(res.status, body);
  user = null;
  accept(body);
  await loadMe();
  emit('login');
  return user;
}

async function loadMe() {
  try {
    const me = await request('/api/auth/me', {}, false);
    user = { ...user, ...me };
  } catch { /* the login answer already carries id, email, role */ }
}

/** Runs `fn` while holding a lock shared by every tab of the dashboard: two tabs refreshing
 *  at once would present the same refresh cookie twice, which the server treats as reuse and
 *  answers by revoking the whole session. Serialised, the second tab sends the cookie the
 *  first one just received. */
function acrossTabs(fn) {
  return navigator.locks ? navigator.locks.request('zoe-refresh', fn) : fn();
}

/** Rotates the refresh cookie; resolves true when a new access token arrived. */
export function refresh() {
  if (inflight) return inflight;
  inflight = (async () => {
    try {
      const res = await acrossTabs(() => fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' }));
      const body = await readBody(res);
      if (!res.ok || !body?.access_token) { clearSession('expired'); return false; }
      const first = user === null;
      accept(body);
      refreshes += 1;
      if (first) { await loadMe(); emit('restore'); }
      return true;
    } catch {
      return false;          // network trouble: keep the session, the next call retries
    } finally {
      inflight = null;
    }
  })();
  return inflight;
}

/** On start-up: restore the session from the refresh cookie when a previous login left one. */
export async function restore() {
  if (!hasSessionFlag()) return null;
  await refresh();
  return user;
}

export async function logout() {
  const token = accessToken;
  clearTimeout(timer);
  try {
    if (token) {
      await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { Authorization: `Bearer ${token}` } });
    }
  } finally {
    clearSession('logout');
  }
}

async function request(path, opts = {}, retry = true) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  let body = opts.body;
  if (body !== undefined && typeof body !== 'string') {
    body = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(path, { method: opts.method || 'GET', headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'network', detail: null, status: 0 });
  }
  if (res.status === 401 && retry && user) {
    if (await refresh()) return request(path, opts, false);
    throw new ApiError(401, await readBody(res));
  }
  const data = opts.text && res.ok ? await res.text() : await readBody(res);
  if (res.status === 401 && user) clearSession('expired');
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const api = {
  get: (path, params, opts = {}) => {
    const q = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')) : null;
    return request(q && q.toString() ? `${path}?${q}` : path, opts);
  },
  post: (path, body, opts = {}) => request(path, { ...opts, method: 'POST', body: body ?? {} }),
  /** opts.headers carries If-Match where the resource is versioned. */
  patch: (path, body, opts = {}) => request(path, { ...opts, method: 'PATCH', body: body ?? {} }),
  /** A non-JSON reply (a CSV export) as text. */
  text: (path, params, opts = {}) => api.get(path, params, { ...opts, text: true }),
};

function installTestHook() {
  try { if (localStorage.getItem('zoe_test_hooks') !== '1') return; } catch { return; }
  window.__zoeTest = {
    expireAccessToken() { if (accessToken) accessToken = `${accessToken.slice(0, -4)}xxxx`; },
    refreshNow: () => refresh(),
    state: () => ({ refreshes, expiresAt, refreshAt, loggedIn: user !== null, role: user?.role ?? null }),
  };
}
installTestHook();
