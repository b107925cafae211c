// Shared pieces of the browser suite: environment, Chromium (Debian's, never a downloaded
// build), API access with a token of our own, page watchers for console errors and failed
// requests, the axe-core scan and screenshots.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
export const URL_BASE = (process.env.ZOE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const VAR = process.env.ZOE_VAR || join(root, 'var');
export const ARTIFACTS = process.env.ZOE_ARTIFACTS || join(root, 'var', 'artifacts');
export const ZOE_BIN = process.env.ZOE_BIN || join(root, 'build', 'zoe');
export const ADMIN = { email: 'admin@zoe-solar.de', password: readFileSync(join(VAR, 'admin.password'), 'utf8').trim() };
export const CHROMIUM = process.env.ZOE_CHROMIUM || '/usr/bin/chromium';
mkdirSync(ARTIFACTS, { recursive: true });

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Chromium with a fresh profile: playwright's launch() makes a new temporary user-data-dir
 *  per launch (it refuses --user-data-dir) and deletes it on close. */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--lang=de-DE'],
  });
  const close = async () => { await browser.close(); };
  return { browser, close };
}

/** A fresh context at laptop size with the app's test hook switched on. */
export async function newContext(browser, opts = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 }, locale: 'de-DE', timezoneId: 'Europe/Berlin', acceptDownloads: true, ...opts,
  });
  await context.addInitScript(() => { try { localStorage.setItem('zoe_test_hooks', '1'); } catch { /* about:blank */ } });
  return context;
}

// ---- the API, directly ---------------------------------------------------------------
export async function apiLogin(creds = ADMIN) {
  const res = await fetch(`${URL_BASE}/api/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: creds.email, password: creds.password }),
  });
  if (!res.ok) throw new Error(`login ${res.status}: ${await res.text()}`);
  return (await res.json()).access_token;
}

export async function apiGet(token, path, params) {
  const q = params ? `?${new URLSearchParams(params)}` : '';
  const res = await fetch(`${URL_BASE}${path}${q}`, { headers: { Authorization: `Bearer ${token}` } });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  return { status: res.status, body };
}

/** Creates (or updates) a user through the zoe CLI against the stack's database. */
export function ensureUser(email, role, password) {
  if (!existsSync(ZOE_BIN) || !existsSync(join(VAR, 'stack.env'))) {
    if (process.env.ZOE_BIN) throw new Error(`ZOE_BIN=${ZOE_BIN} or ${VAR}/stack.env missing`);
    return false;     // run by hand without a zoe binary: the viewer test is skipped
  }
  const script = '. "$ZOE_VAR/stack.env"; export DATABASE_URL; exec "$ZOE_BIN" user add --email "$1" --role "$2" --password "$3" --update';
  execFileSync('bash', ['-c', script, 'bash', email, role, password], { env: { ...process.env, ZOE_VAR: VAR, ZOE_BIN }, stdio: 'pipe' });
  return true;
}

// ---- watching a page ------------------------------------------------------------------
/**
 * Records console errors, page errors and failed requests. A response >= 400 is allowed
 * only when allow(url, status, body) says so; by default that is a 501 "not built yet"
 * problem from a Level 2+ service (endpoints still being built).
 */
export function watch(page) {
  const problems = [];
  const allowed = new Set();          // URLs whose failing status was accepted
  const extra = [];
  const w = {
    problems,
    allow(fn) { extra.push(fn); },
    clearAllowances() { extra.length = 0; },
    check() { return problems.slice(); },
  };
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', async (res) => {
    const status = res.status();
    if (status < 400) return;
    const url = res.url();
    let body = null;
    try { body = await res.json(); } catch { /* not json */ }
    const path = new URL(url).pathname;
    const notBuilt = status === 501 && /^\/api\/level\d\//.test(path) && /not built yet/.test(body?.detail || '');
    if (notBuilt || extra.some((fn) => fn(path, status, body))) { allowed.add(url); return; }
    problems.push(`response ${status} ${res.request().method()} ${path}`);
  });
  page.on('requestfailed', (req) => {
    const f = req.failure()?.errorText || '';
    if (f.includes('ERR_ABORTED')) return;     // aborted on navigation: not a failure
    problems.push(`requestfailed ${req.method()} ${req.url()} ${f}`);
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location()?.url || '';
    // Chromium logs every HTTP error response as a console error; those are judged above.
    if (/Failed to load resource: the server responded with a status of \d+/.test(msg.text())) {
      if (loc && [...allowed].some((u) => u === loc)) return;
      if (loc) {
        const p = new URL(loc).pathname;
        const st = Number(msg.text().match(/status of (\d+)/)[1]);
        if (st === 501 && /^\/api\/level\d\//.test(p)) return;
        if (extra.some((fn) => fn(p, st, null))) return;
      }
    }
    problems.push(`console.error: ${msg.text()} ${loc}`);
  });
  return w;
}

// ---- accessibility and screenshots ------------------------------------------------------
/** Runs axe-core in the page (evaluated through the DevTools protocol, so the CSP stays on). */
export async function axeScan(page) {
  await page.evaluate(`${AXE_SOURCE}\n;0`);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return result;
}

export function seriousOrWorse(violations) {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The page at laptop width, full length up to 2400 px (long tables are cut, not shrunk). */
export async function screenshot(page, name) {
  const file = join(ARTIFACTS, `${name}.png`);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: page.viewportSize().width, height: Math.min(height, 2400) } });
  return file;
}

export function saveJson(name, data) {
  writeFileSync(join(ARTIFACTS, `${name}.json`), JSON.stringify(data, null, 2));
}

/** Logs in through the form and waits for the shell. */
export async function uiLogin(page, creds = ADMIN, path = '/') {
  await page.goto(`${URL_BASE}${path}`);
  await page.getByLabel(/E-Mail|Email/).fill(creds.email);
  await page.getByLabel(/Passwort|Password/).fill(creds.password);
  await page.getByRole('button', { name: /^(Anmelden|Sign in)$/ }).click();
  await page.getByTestId('logout').waitFor({ timeout: 15_000 });
}

/** Waits until no "Lädt …" status is left on the page. */
export async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('.state-loading'), null, { timeout: 15_000 });
  await page.waitForTimeout(400);     // charts draw (animation 300 ms)
}

/** A page in a fresh context of `browser`, watched; the context closes after test `t`. */
export async function openSession(browser, t) {
  const context = await newContext(browser);
  const page = await context.newPage();
  const w = watch(page);
  t.after(async () => { await context.close(); });
  return { page, w };
}

/** Fails when axe-core finds serious or critical violations; keeps its report as `name`. */
export async function assertAxeClean(page, name) {
  const { default: assert } = await import('node:assert/strict');
  const v = await axeScan(page);
  saveJson(`axe-${name}`, v);
  assert.deepEqual(seriousOrWorse(v), [], `${name}: serious/critical axe violations`);
}
