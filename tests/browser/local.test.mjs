// The "Standorte & Sprachen" page (international and local, #38–#42) in Chromium against
// the running stack. Locations, events and an hreflang cluster of this run are stored
// through the API first; the page's tiles, location table, NAP findings (in German), map
// points, events and cluster issues must equal what the API reports. No console errors;
// axe clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  launch, apiLogin, apiGet, screenshot, uiLogin, settled, openSession, assertAxeClean, URL_BASE,
} from './helpers.mjs';
import { num } from '../../static/src/lib/format.js';

const LOCATIONS = '/api/level4/intl-local/locations';
const REPORT = '/api/level4/intl-local/locations-report';
const EVENTS = '/api/level4/intl-local/events-report';
const LANGS = '/api/level4/intl-local/languages';
const RUN = randomBytes(3).toString('hex');
let browser; let closeBrowser; let token;

async function post(path, body) {
  const res = await fetch(`${URL_BASE}${path}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
  await post(LOCATIONS, {
    organization: { name: 'ZOE Solar GmbH', url: 'https://zoe-solar.de' },
    locations: [{
      key: `bt-${RUN}-leipzig`, name: 'ZOE Solar Leipzig', street: 'Beispielstraße 4', postal_code: '04109',
      city: 'Leipzig', country: 'DE', lat: 51.3397, lon: 12.3731, phone: '0341 1234567',
      hours: 'Mo-Fr 08:00-17:00', service_area: { radius_km: 30 },
      citations: [{ source: `Verzeichnis ${RUN}`, name: 'ZOE Solar Leipzig', postal_code: '04103' }],
    }],
  });
  await post('/api/level4/intl-local/events', {
    events: [{ key: `bt-${RUN}-abend`, name: `Infoabend ${RUN}`, start: '2031-02-05T18:30', end: '2031-02-05T20:00',
      location: { name: 'ZOE Solar Leipzig', street: 'Beispielstraße 4', postal_code: '04109', city: 'Leipzig', country: 'DE' } }],
  });
  await post(LANGS, {
    name: `Cluster ${RUN}`, versions: [
      { hreflang: 'de-DE', url: 'https://zoe-solar.de/' }, { hreflang: 'en-UK', url: 'https://zoe-solar.de/en/' }],
  });
});
after(async () => { await closeBrowser?.(); });

const isReport = (r) => new URL(r.url()).pathname === REPORT && r.request().method() === 'GET';

async function rows(page, id) {
  return page.locator(`[data-testid="${id}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((td) => td.innerText.trim())));
}

test('local: locations, NAP findings, map, events and clusters equal the API, in German', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page);
  const [resp] = await Promise.all([page.waitForResponse(isReport), page.getByTestId('nav-local').click()]);
  const body = await resp.json();
  await settled(page);
  await screenshot(page, '40-local');
  assert.equal(await page.locator('h1').innerText(), 'Standorte & Sprachen');
  // tiles
  assert.equal(await page.getByTestId('local-n').getAttribute('data-value'), String(body.n));
  assert.equal((await page.getByTestId('local-n').innerText()).trim(), num(body.n, 'de'));
  assert.equal(await page.getByTestId('local-with-issues').getAttribute('data-value'), String(body.with_issues));
  assert.equal(await page.getByTestId('local-overlaps-n').getAttribute('data-value'), String(body.overlaps.length));
  // the table: every location with its NAP findings in German
  const table = await rows(page, 'local-locations');
  assert.equal(table.length, Math.min(50, body.locations.length));
  const mine = body.locations.find((l) => l.key === `bt-${RUN}-leipzig`);
  assert.ok(mine, 'the location of this run is reported');
  assert.equal(mine.phone, '+493411234567');
  assert.equal(mine.nap_issues.length, 1);
  const row = table.find((r) => r[0] === 'ZOE Solar Leipzig');
  assert.ok(row, 'the location is in the table');
  assert.deepEqual(row.slice(1, 3), ['Beispielstraße 4, 04109 Leipzig', '+49 341 1234567']);
  assert.equal(row[3], `Verzeichnis ${RUN} führt die Postleitzahl „04103“`);
  // the map: one point per location, no tile images
  const points = await page.locator('[data-testid="local-map"] g').evaluateAll((gs) => gs.map((g) => g.dataset.key));
  assert.deepEqual(points, body.map.points.map((p) => p.key));
  assert.equal(await page.locator('[data-testid="local-map"] image').count(), 0);
  // events and clusters against their reports
  const events = (await apiGet(token, EVENTS, { limit: 500 })).body;
  assert.equal(await page.getByTestId('local-upcoming-n').getAttribute('data-value'), String(events.n_upcoming));
  assert.equal(await page.getByTestId('local-past-n').getAttribute('data-value'), String(events.n_past));
  const up = await rows(page, 'local-upcoming');
  const ev = up.find((r) => r[0] === `Infoabend ${RUN}`);
  assert.ok(ev, 'the event of this run is upcoming');
  assert.equal(ev[1], '05.02.2031, 18:30');
  assert.equal(ev[2], 'Leipzig');
  const clusters = (await apiGet(token, LANGS, { limit: 500 })).body;
  const cl = clusters.items.find((c) => c.name === `Cluster ${RUN}`);
  const card = page.getByTestId(`local-cluster-${cl.id}`);
  const codes = await card.locator('[data-code]').evaluateAll((lis) => lis.map((li) => li.dataset.code));
  assert.deepEqual(codes, cl.issues.map((i) => i.code));
  const text = await card.innerText();
  assert.ok(text.includes('Sprach- oder Regionscode falsch (korrigiert)'), text);
  assert.doesNotMatch(text, /code_corrected|x_default_missing/);
  await assertAxeClean(page, 'local');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('local: English texts', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page, undefined, '/local');
  await settled(page);
  await page.getByTestId('lang-switch').click();
  await settled(page);
  assert.equal(await page.locator('h1').innerText(), 'Locations & languages');
  const table = await rows(page, 'local-locations');
  const row = table.find((r) => r[0] === 'ZOE Solar Leipzig');
  assert.equal(row[3], `Verzeichnis ${RUN} lists the postal code “04103”`);
  await assertAxeClean(page, 'local-en');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
