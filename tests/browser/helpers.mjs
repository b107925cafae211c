// Shared pieces of the browser suite: environment, Chromium (Debian's, never a downloaded
// build), API access with a token of our own, page watchers for console errors and failed
// requests, the axe-core scan and screenshots.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import { createServer } from 'node:http';
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

// ---- a pool of its own (e.g. with an LLM provider configured), spoken to over FastCGI ----

/** One FastCGI record (version 1, request 1). */
function record(type, content = Buffer.alloc(0)) {
  const head = Buffer.alloc(8);
  head.writeUInt8(1, 0); head.writeUInt8(type, 1); head.writeUInt16BE(1, 2);
  head.writeUInt16BE(content.length, 4);
  return Buffer.concat([head, content]);
}
const pairLen = (n) => (n < 128 ? Buffer.from([n]) : Buffer.from([((n >>> 24) & 0x7f) | 0x80, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]));

/** A POST over FastCGI to the pool on `port`: {status, body}. */
export function fcgiPost(port, path, body, headers) {
  const data = Buffer.from(JSON.stringify(body));
  const params = { REQUEST_METHOD: 'POST', DOCUMENT_URI: path, QUERY_STRING: '', REMOTE_ADDR: '192.0.2.9',
    CONTENT_TYPE: 'application/json', CONTENT_LENGTH: String(data.length), ...headers };
  const nv = Buffer.concat(Object.entries(params).flatMap(([k, v]) => [pairLen(Buffer.byteLength(k)), pairLen(Buffer.byteLength(v)), Buffer.from(k), Buffer.from(v)]));
  const chunks = [];
  for (let i = 0; i < data.length; i += 32768) chunks.push(record(5, data.subarray(i, i + 32768)));
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0); let out = Buffer.alloc(0);
    sock.setTimeout(30000, () => { sock.destroy(); reject(new Error('FastCGI timeout')); });
    sock.on('error', reject);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8) {
        const type = buf.readUInt8(1); const len = buf.readUInt16BE(4); const pad = buf.readUInt8(6);
        if (buf.length < 8 + len + pad) break;
        if (type === 6) out = Buffer.concat([out, buf.subarray(8, 8 + len)]);
        buf = buf.subarray(8 + len + pad);
        if (type === 3) {
          sock.end();
          const text = out.toString('utf8'); const at = text.indexOf('\r\n\r\n');
          resolve({ status: Number(/^Status: (\d+)/m.exec(text.slice(0, at))?.[1] ?? 200), body: JSON.parse(text.slice(at + 4)) });
          return;
        }
      }
    });
    const begin = Buffer.alloc(8); begin.writeUInt16BE(1, 0);
    sock.write(Buffer.concat([record(1, begin), record(4, nv), record(4), ...chunks, record(5)]));
  });
}

async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** A local OpenAI-compatible chat completions endpoint, closed when test t ends: each
 *  request body is pushed to `seen`, and write(user message) gives the JSON the answer's
 *  content holds; the answer names `model`. Resolves to its URL. */
export async function fakeLlm(t, model, write, seen = []) {
  const srv = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const body = JSON.parse(raw);
      seen.push(body);
      const content = JSON.stringify(write(body.messages[1].content));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: 'bt', object: 'chat.completion',
        model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  return `http://127.0.0.1:${srv.address().port}/v1/chat/completions`;
}

/** A pool of the stack's binary on a free port with `env` added (one worker); stopped
 *  when test t ends. Resolves to the port once it listens. */
export async function startPool(t, env) {
  const port = await freePort();
  const pool = spawn('bash', ['-c', '. "$ZOE_VAR/stack.env"; export DATABASE_URL; exec "$ZOE_BIN" serve'], {
    env: { ...process.env, ZOE_VAR: VAR, ZOE_BIN, ZOE_WORKERS: '1', ZOE_LISTEN: `127.0.0.1:${port}`, ...env },
    stdio: 'ignore' });
  t.after(() => pool.kill());
  for (let i = 0; ; i++) {
    const up = await new Promise((r) => { const c = net.connect(port, '127.0.0.1', () => { c.end(); r(true); }); c.on('error', () => r(false)); });
    if (up) break;
    if (i >= 200) throw new Error('the pool of its own did not listen');
    await new Promise((r) => setTimeout(r, 50));
  }
  return port;
}
