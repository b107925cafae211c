// tracker.js end to end: a page of "the website" (served here on its own origin) includes
// the tracker from the stack; Chromium sends real beacons; the API then reports them.
// Once with the tracker's own PerformanceObserver measurements, once with Google's
// web-vitals library loaded first (its callbacks are used then).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { URL_BASE, VAR, ZOE_BIN, launch, apiLogin, apiGet } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const WEB_VITALS = readFileSync(join(here, 'node_modules/web-vitals/dist/web-vitals.iife.js'), 'utf8');

const VISITOR_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
let server, origin, browser, close, token;

/** Runs the zoe CLI or psql against the stack's database; returns stdout. */
function stack(cmd, ...args) {
  const script = `. "$ZOE_VAR/stack.env"; export DATABASE_URL; ${cmd}`;
  return execFileSync('bash', ['-c', script, 'bash', ...args],
    { env: { ...process.env, ZOE_VAR: VAR, ZOE_BIN }, encoding: 'utf8' }).trim();
}

const page = (key, withLibrary) => `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Photovoltaik für Gewerbe</title>
${withLibrary ? '<script src="/web-vitals.iife.js"></script>' : ''}
<script src="${URL_BASE}/tracker.js" data-site="${key}" defer></script></head>
<body><h1>Photovoltaik für Ihr Unternehmen</h1>
<p style="font-size:28px">Senken Sie Ihre Stromkosten mit einer eigenen Solaranlage – geplant,
installiert und gewartet von ZOE Solar.</p>
<button id="lead" onclick="zoe.track('lead', {form: 'angebot', kwp: 30})">Angebot anfordern</button>
${'<p>Ratgeber: Eigenverbrauch, Speicher, Wallbox und Wärmepumpe.</p>'.repeat(40)}
</body></html>`;

before(async () => {
  // "the website": its own origin on loopback
  let key = '';
  let library = false;
  server = createServer((req, res) => {
    if (req.url === '/web-vitals.iife.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      return res.end(WEB_VITALS);
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page(key, library));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  server.setSite = (k, lib) => { key = k; library = lib; };
  ({ browser, close } = await launch());
  token = await apiLogin();
});

after(async () => {
  await close?.();
  server?.close();
});

/** A site of its own for a test, allowed from the website's origin. */
function newSite() {
  const domain = `tracker-${randomBytes(4).toString('hex')}.example`;
  const key = stack('exec "$ZOE_BIN" site add --domain "$1" --origin "$2"', domain, origin);
  return { domain, key };
}

async function visit(path) {
  // a visitor's browser: headless Chromium's own agent counts as a bot and is dropped
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, userAgent: VISITOR_UA });
  const tab = await context.newPage();
  let beacons = 0;      // sendBeacon bodies are not visible to the driver: the DB tells
  tab.on('request', (r) => { if (r.url().includes('/ux-signals/track')) beacons++; });
  await tab.goto(origin + path, { waitUntil: 'load' });
  await tab.waitForTimeout(300);                   // paint entries, buffered observers
  await tab.mouse.click(5, 5);                     // an interaction, for INP
  await tab.click('#lead');
  await tab.keyboard.press('End');                 // scroll depth
  await tab.waitForTimeout(300);
  // the visitor switches tabs: the page turns hidden, final vitals and engagement go out
  await tab.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await tab.waitForTimeout(500);
  await context.close();
  assert.ok(beacons >= 2, `beacon requests sent: ${beacons}`);
}

/** The rows stored for the site: [{kind, name, value, rating, id, source, props}]. */
function stored(domain) {
  const out = stack(`psql "$DATABASE_URL" -qAtc "select coalesce(json_agg(json_build_object('kind', kind, 'name', name, 'value', value, 'rating', rating, 'id', metric_id, 'source', source, 'props', props)), '[]') from events e join sites s on s.id = e.site_id where s.domain = '$1'"`, domain);
  return JSON.parse(out);
}

/** The report for the site, polled until `ready(report)` (beacons may still be in flight). */
async function report(domain, path, ready) {
  let doc;
  for (let i = 0; i < 40; i++) {
    const r = await apiGet(token, '/api/level2/ux-signals/metrics', { site: domain, path });
    assert.equal(r.status, 200);
    doc = r.body;
    if (ready(doc)) return doc;
    await new Promise((ok) => setTimeout(ok, 250));
  }
  return doc;
}

const pageOf = (doc, path) => doc.pages.find((p) => p.path === path);

test('tracker.js alone: pageview, FCP/TTFB/LCP/CLS, engagement and the lead goal arrive', async () => {
  const { domain, key } = newSite();
  server.setSite(key, false);
  await visit('/photovoltaik-gewerbe?utm_source=newsletter');
  const doc = await report(domain, '/photovoltaik-gewerbe',
    (d) => pageOf(d, '/photovoltaik-gewerbe')?.vitals?.CLS && pageOf(d, '/photovoltaik-gewerbe')?.engagement);
  const p = pageOf(doc, '/photovoltaik-gewerbe');
  assert.ok(p, 'the page is reported');
  assert.equal(p.pageviews, 1);
  const rows = stored(domain);
  for (const name of ['FCP', 'TTFB', 'LCP', 'CLS']) {
    const row = rows.find((r) => r.kind === 'vital' && r.name === name);
    assert.ok(row, `${name} stored`);
    assert.equal(p.vitals[name]?.samples, 1, `${name} reported`);
    assert.ok(Math.abs(p.vitals[name].p75 - row.value) < 0.001, `${name} p75 is the value measured`);
  }
  assert.equal(p.vitals.CLS.status, 'insufficient data');     // one sample < min_samples
  assert.equal(p.engagement.samples, 1);
  assert.ok(p.engagement.engaged_ms_median > 0);
  const lead = rows.find((r) => r.kind === 'event');
  assert.deepEqual([lead.name, lead.source, lead.props], ['lead', 'newsletter', { form: 'angebot', kwp: 30 }]);
  assert.ok(rows.every((r) => r.source === 'newsletter'), 'utm_source names the source');
});

test('with web-vitals loaded first, its callbacks report (ratings and ids as the library sends)', async () => {
  const { domain, key } = newSite();
  server.setSite(key, true);
  await visit('/batteriespeicher');
  const doc = await report(domain, '/batteriespeicher', (d) => pageOf(d, '/batteriespeicher')?.vitals?.CLS);
  const vitals = stored(domain).filter((r) => r.kind === 'vital');
  assert.ok(vitals.length >= 4, `vitals stored: ${JSON.stringify(vitals)}`);
  for (const v of vitals) {
    assert.match(v.id, /^v[45]-/, 'a web-vitals metric id');
    assert.ok(['good', 'needs-improvement', 'poor'].includes(v.rating));
  }
  const p = pageOf(doc, '/batteriespeicher');
  const ttfb = vitals.find((v) => v.name === 'TTFB');
  assert.ok(Math.abs(p.vitals.TTFB.p75 - ttfb.value) < 0.001);
});

/** Fakes the page turning hidden or visible again (a tab switch); the browser's own
 *  visibilitychange bubbles, so listeners on window hear it too. */
const setVisibility = (tab, state) => tab.evaluate((s) => {
  Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
  Object.defineProperty(document, 'hidden', { value: s === 'hidden', configurable: true });
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
}, state);

test('web-vitals: a page load reports CLS again after a later shift; it counts once, with its last value', async () => {
  const { domain, key } = newSite();
  server.setSite(key, true);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, userAgent: VISITOR_UA });
  await context.addInitScript(() => {
    // what the tracker asks of the library, and the batches it sends
    window.zoeSeen = { opts: [], batches: [] };
    const send = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url, blob) => {
      blob.text().then((t) => window.zoeSeen.batches.push(JSON.parse(t)));
      return send(url, blob);
    };
    let lib;
    Object.defineProperty(window, 'webVitals', {
      configurable: true,
      get: () => lib,
      set: (v) => {
        lib = {};
        for (const [k, f] of Object.entries(v)) {
          lib[k] = typeof f !== 'function' ? f
            : (cb, opts) => { window.zoeSeen.opts.push([k, opts]); return f(cb, opts); };
        }
      },
    });
  });
  const tab = await context.newPage();
  // content pushed down without input: a layout shift
  const shift = (px) => tab.evaluate((h) => {
    const gap = document.createElement('div');
    gap.style.height = `${h}px`;
    document.body.prepend(gap);
  }, px);
  await tab.goto(origin + '/waermepumpe', { waitUntil: 'load' });
  await tab.waitForTimeout(300);
  await shift(100);
  await tab.waitForTimeout(300);
  await setVisibility(tab, 'hidden');                  // CLS so far goes out
  await tab.waitForTimeout(300);
  await setVisibility(tab, 'visible');
  await shift(300);
  await tab.waitForTimeout(500);
  await setVisibility(tab, 'hidden');                  // the larger CLS, same id
  await tab.waitForTimeout(500);
  const seen = await tab.evaluate(() => window.zoeSeen);
  await context.close();

  const asked = seen.opts.filter(([k]) => ['onLCP', 'onCLS', 'onINP', 'onFCP', 'onTTFB'].includes(k));
  assert.equal(asked.length, 5, JSON.stringify(seen.opts));
  assert.ok(asked.every(([, o]) => o?.reportAllChanges === false), 'final values only');
  for (const batch of seen.batches) {
    const ids = batch.filter((b) => b.type === 'vital').map((b) => `${b.name} ${b.id}`);
    assert.equal(new Set(ids).size, ids.length, `one report per vital and id: ${ids}`);
  }
  const doc = await report(domain, '/waermepumpe', (d) => stored(domain).filter((r) => r.name === 'CLS').length >= 2
    && pageOf(d, '/waermepumpe')?.vitals?.CLS);
  const cls = stored(domain).filter((r) => r.kind === 'vital' && r.name === 'CLS');
  assert.equal(cls.length, 2, `the library reported CLS twice: ${JSON.stringify(cls)}`);
  assert.equal(cls[0].id, cls[1].id, 'one page load');
  const last = Math.max(...cls.map((r) => r.value));
  assert.ok(last > Math.min(...cls.map((r) => r.value)), 'the shift raised CLS');
  const p = pageOf(doc, '/waermepumpe');
  assert.equal(p.vitals.CLS.samples, 1);
  assert.ok(Math.abs(p.vitals.CLS.p75 - last) < 0.001, 'the last report counts');
});
