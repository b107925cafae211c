// Plausible's own tracker (@plausible-analytics/tracker from npm) end to end: a page of
// "the website" (served here on its own origin) loads it with the stack as its endpoint,
// exactly as a site that switches by changing only the apiHost; Chromium sends the
// pageview, a custom event with props and revenue, and the engagement on leaving; the
// rows and the #45 report then show them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { URL_BASE, VAR, ZOE_BIN, launch, apiLogin, apiGet } from './helpers.mjs';

const require = createRequire(import.meta.url);
const TRACKER = readFileSync(require.resolve('@plausible-analytics/tracker'), 'utf8');
const VISITOR_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
let server, origin, browser, close, token, domain;

function stack(cmd, ...args) {
  const script = `. "$ZOE_VAR/stack.env"; export DATABASE_URL; ${cmd}`;
  return execFileSync('bash', ['-c', script, 'bash', ...args],
    { env: { ...process.env, ZOE_VAR: VAR, ZOE_BIN }, encoding: 'utf8' }).trim();
}

const page = () => `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Stromspeicher</title>
<script type="module">
  import { init, track } from '/plausible.js';
  init({ domain: '${domain}', endpoint: '${URL_BASE}/api/event', captureOnLocalhost: true });
  document.getElementById('offer').addEventListener('click', () => track('Angebot', {
    props: { form: 'speicher', kwh: 10 }, revenue: { amount: 8990, currency: 'EUR' },
    callback: (r) => { window.offerStatus = r && r.status; },
  }));
</script></head>
<body><h1>Stromspeicher für Ihre Solaranlage</h1>
<button id="offer">Angebot anfordern</button>
${'<p>Speicher, Eigenverbrauch und Notstrom: was sich für Ihr Haus rechnet.</p>'.repeat(60)}
</body></html>`;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/plausible.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      return res.end(TRACKER);
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page());
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  domain = `plausible-${randomBytes(4).toString('hex')}.example`;
  stack('exec "$ZOE_BIN" site add --domain "$1" --origin "$2"', domain, origin);
  ({ browser, close } = await launch());
  token = await apiLogin();
});

after(async () => {
  await close?.();
  server?.close();
});

/** The rows stored for the site, oldest first. */
function stored() {
  const out = stack(`psql "$DATABASE_URL" -qAtc "select coalesce(json_agg(json_build_object('kind', kind, 'name', name, 'path', path, 'props', props, 'revenue', revenue, 'currency', currency, 'engaged_ms', engaged_ms, 'scroll_pct', scroll_pct) order by ts, kind), '[]') from events e join sites s on s.id = e.site_id where s.domain = '$1'"`, domain);
  return JSON.parse(out);
}

async function until(ready) {
  let rows;
  for (let i = 0; i < 40; i++) {
    rows = stored();
    if (ready(rows)) return rows;
    await new Promise((ok) => setTimeout(ok, 250));
  }
  return rows;
}

test("Plausible's tracker: pageview, custom event with revenue and engagement are stored and reported", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, userAgent: VISITOR_UA });
  // the tracker stays silent under automation unless the page says it is being tested
  await context.addInitScript(() => { window.__plausible = true; });
  const tab = await context.newPage();
  const posts = [];
  tab.on('request', (r) => { if (r.url().endsWith('/api/event')) posts.push(JSON.parse(r.postData())); });
  await tab.goto(origin + '/stromspeicher?utm_source=newsletter', { waitUntil: 'load' });
  await tab.click('#offer');
  await tab.waitForFunction(() => window.offerStatus !== undefined, null, { timeout: 5000 });
  assert.equal(await tab.evaluate(() => window.offerStatus), 202);
  await tab.keyboard.press('End');                  // scroll depth
  await tab.waitForTimeout(300);
  await tab.evaluate(() => {                        // the visitor leaves: engagement goes out
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const rows = await until((r) => r.some((x) => x.kind === 'engagement'));
  await context.close();

  assert.deepEqual(posts.map((p) => p.n), ['pageview', 'Angebot', 'engagement'], JSON.stringify(posts));
  const view = rows.find((r) => r.kind === 'pageview');
  assert.equal(view?.path, '/stromspeicher');
  const offer = rows.find((r) => r.kind === 'event');
  assert.deepEqual([offer?.name, offer?.props, offer?.revenue, offer?.currency],
    ['Angebot', { form: 'speicher', kwh: 10 }, 8990, 'EUR']);
  const engaged = rows.find((r) => r.kind === 'engagement');
  assert.ok(engaged.engaged_ms > 0, JSON.stringify(engaged));
  assert.equal(engaged.scroll_pct, posts[2].sd);
  assert.ok(engaged.scroll_pct > 50, `scroll depth ${engaged.scroll_pct}`);
  assert.equal(rows.length, 3, JSON.stringify(rows));

  // #45 for today, filtered to the goal: one visitor, one pageview, one conversion
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
  const r = await apiGet(token, '/api/level5/analytics/timeseries',
    { site: domain, from: today, to: today, goal: 'Angebot' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.totals.visitors, 1);
  assert.equal(r.body.totals.pageviews, 1);
  assert.equal(r.body.totals.conversions, 1);
  assert.equal(r.body.totals.bounce_rate, 0);       // the event was interactive
});
