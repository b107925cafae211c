// The dashboard in a real browser (Debian's Chromium through playwright-core) against the
// running stack: login, every page, figures equal to the API's for the same range, no
// console errors or failed requests (except 501s of services not built yet), axe-core
// scan, token refresh, the viewer role, logout. Screenshots go to $ZOE_ARTIFACTS.
//
// Token refresh is forced two ways instead of waiting 15 minutes: (1) the app's test hook
// (window.__zoeTest, on when localStorage zoe_test_hooks=1) spoils the in-memory access
// token, so the next call gets a real 401 and must refresh once and retry; (2) Playwright's
// fake clock jumps 14½ minutes so the app's own timer fires its silent refresh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  URL_BASE, ADMIN, launch, newContext, apiLogin, apiGet, watch, axeScan, seriousOrWorse,
  screenshot, uiLogin, settled, ensureUser, saveJson,
} from './helpers.mjs';
import { vital, metric, num, pct, bucketLabel, dateRange, dateField } from '../../static/src/lib/format.js';

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
let browser; let closeBrowser; let token;

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
});
after(async () => { await closeBrowser?.(); });

/** A page in a fresh context, watched; fails the test on unexpected errors at the end. */
async function session(t, opts = {}) {
  const context = await newContext(browser, opts.context);
  const page = await context.newPage();
  const w = watch(page);
  t.after(async () => { await context.close(); });
  return { context, page, w };
}

function assertClean(w, what) {
  assert.deepEqual(w.check(), [], `${what}: console errors or failed requests`);
}

async function assertAccessible(page, name) {
  const v = await axeScan(page);
  saveJson(`axe-${name}`, v);
  assert.deepEqual(seriousOrWorse(v), [], `${name}: serious/critical axe violations`);
}

function berlinToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
// the API's rounding of a change: percent, one decimal, half away from zero, none from 0
const overviewChange = (c, p) => (p === 0 ? null : Math.sign((c - p) / p) * Math.round(Math.abs((c - p) / p * 1000)) / 10);
function minusDays(iso, n) { const d = new Date(`${iso}T12:00:00Z`); d.setUTCDate(d.getUTCDate() - n); return d.toISOString().slice(0, 10); }

test('login page is accessible and a wrong password shows the API problem detail', async (t) => {
  const { page, w } = await session(t);
  w.allow((path, status) => path === '/api/auth/login' && status === 401);
  await page.goto(URL_BASE + '/');
  await page.getByTestId('login-form').waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'de');
  await assertAccessible(page, 'login');
  await screenshot(page, '01-login');
  await page.getByLabel('E-Mail').fill(ADMIN.email);
  await page.getByLabel('Passwort').fill('definitely-wrong');
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
    page.getByRole('button', { name: 'Anmelden' }).click(),
  ]);
  const problem = await res.json();
  const shown = await page.getByTestId('login-error').innerText();
  assert.ok(shown.includes('Anmeldung fehlgeschlagen'));
  assert.ok(problem.detail && shown.includes(problem.detail), `shows "${problem.detail}"`);
  assertClean(w, 'login');
});

test('overview: tiles, chart, CWV verdict and p75 per vital equal the API; change against the period before', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page);
  await settled(page);
  const api = (await apiGet(token, '/api/level2/ux-signals/metrics', { tz: 'Europe/Berlin', device: 'all' })).body;
  assert.ok(api.n > 0, 'demo data has vitals');
  assert.equal(await page.getByTestId('overview-cwv').getAttribute('data-value'), api.overall.cwv);
  for (const k of VITALS) {
    const el = page.getByTestId(`overview-${k}`);
    const v = api.overall.vitals[k];
    assert.equal(await el.getAttribute('data-value'), String(v.p75), `${k} raw`);
    assert.equal(await el.innerText(), vital(v.p75, v.unit, 'de'), `${k} shown`);
  }
  assert.equal(await page.getByTestId('card-health').count(), 0, 'API health is on the system page, not here');
  // the tiles (#45) for the default range, the last 28 days in Berlin, against the 28 before
  const to = berlinToday();
  const ts = await apiGet(token, '/api/level5/analytics/timeseries', { from: minusDays(to, 27), to, tz: 'Europe/Berlin', interval: 'day' });
  assert.equal(ts.status, 200, 'timeseries answers');
  assert.ok(ts.body.totals.visitors > 0 && ts.body.totals.conversions > 0, 'demo data has visits and leads');
  // the comparison range read on its own (#45's own "previous" cuts visits at its start: one
  // running across it counts as a visit there; read alone, it belongs to the day before)
  const pv = (await apiGet(token, '/api/level5/analytics/timeseries', { from: minusDays(to, 55), to: minusDays(to, 28), tz: 'Europe/Berlin', interval: 'day' })).body;
  assert.equal(pv.range.from, ts.body.previous.from, 'the same period before');
  for (const m of ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration', 'conversions']) {
    const el = page.getByTestId(`overview-${m}`);
    assert.equal(await el.getAttribute('data-value'), String(ts.body.totals[m]), `${m} raw`);
    assert.equal(await el.innerText(), metric(m, ts.body.totals[m], 'de'), `${m} shown`);
    const prev = page.getByTestId(`overview-${m}-previous`);
    assert.equal(await prev.getAttribute('data-value'), String(pv.totals[m]), `${m} previous`);
    assert.ok((await prev.innerText()).includes(metric(m, pv.totals[m], 'de')), `${m} previous shown`);
    const ch = page.getByTestId(`overview-${m}-change`);
    const change = pv.totals[m] === ts.body.previous.totals[m] ? ts.body.change[m] : overviewChange(ts.body.totals[m], pv.totals[m]);
    assert.equal(await ch.getAttribute('data-value'), change === null ? '' : String(change), `${m} change equals the API's`);
    if (change !== null) assert.ok((await ch.innerText()).includes(`${num(Math.abs(change), 'de', 1)} %`), `${m} change shown`);
  }
  const rate = page.getByTestId('overview-conversion_rate');
  assert.equal(await rate.getAttribute('data-value'), String(ts.body.totals.conversion_rate), 'conversion rate');
  assert.ok((await rate.innerText()).includes(pct(ts.body.totals.conversion_rate, 'de', 1)), 'conversion rate shown');
  // the chart: every bucket of the range with its German date and figure, and the comparison's
  const label = await page.getByTestId('overview-chart').getAttribute('aria-label');
  for (const b of [ts.body.buckets[0], ts.body.buckets.at(-1)]) {
    assert.ok(label.includes(`${bucketLabel(b.bucket, 'day', 'de', true)} ${num(b.visitors, 'de')}`), `chart has ${b.bucket}`);
  }
  const p0 = pv.buckets[0];
  assert.ok(label.includes(`${bucketLabel(p0.bucket, 'day', 'de', true)} ${num(p0.visitors, 'de')}`), 'chart has the comparison');
  assert.equal(ts.body.buckets.at(-1).complete, false, "today's bucket is incomplete");
  assert.ok(await page.locator('[data-testid=overview-chart] path[stroke-dasharray]').count() > 0, 'the running day is drawn dashed');
  // the metric switch redraws the chart with bounce rates as percentages
  await page.getByTestId('tile-bounce_rate').click();
  await page.waitForURL(/metric=bounce_rate/);
  const b0 = ts.body.buckets[0];
  await page.waitForFunction((s) => document.querySelector('[data-testid=overview-chart]')?.getAttribute('aria-label').includes(s),
    `${bucketLabel(b0.bucket, 'day', 'de', true)} ${pct(b0.bounce_rate, 'de', 1)}`);
  // cards of services not built yet say so, with the API's own detail
  for (const [card, path] of [['card-chart', '/api/level5/analytics/timeseries'],
    ['card-rating', '/api/level2/social-proof/report'], ['card-recs', '/api/level2/optimization/status']]) {
    const r = await apiGet(token, path);
    const text = await page.getByTestId(card).innerText();
    if (r.status === 501) {
      assert.ok(text.includes('Noch nicht verfügbar'), `${card}: not available yet`);
      assert.ok(text.includes(r.body.detail), `${card}: shows "${r.body.detail}"`);
    } else {
      assert.equal(r.status, 200, `${path} answers`);
      assert.equal(await page.getByTestId(card).locator('[data-state=error]').count(), 0, `${card}: no error`);
    }
  }
  await assertAccessible(page, 'overview');
  await screenshot(page, '02-overview');
  assertClean(w, 'overview');
});

test('overview: "Gestern" compares with the same weekday a week earlier, "Vorjahr" with the year before', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page);
  await settled(page);
  await page.getByTestId('range-preset').selectOption('yesterday');
  const day = minusDays(berlinToday(), 1);
  await page.waitForURL(new RegExp(`from=${day}&to=${day}`));
  await settled(page);
  const week = minusDays(day, 7);
  const ts = (await apiGet(token, '/api/level5/analytics/timeseries', { from: day, to: day, tz: 'Europe/Berlin', interval: 'hour' })).body;
  const before = (await apiGet(token, '/api/level5/analytics/timeseries', { from: week, to: week, tz: 'Europe/Berlin', interval: 'hour' })).body;
  assert.equal(await page.getByTestId('overview-visitors').getAttribute('data-value'), String(ts.totals.visitors));
  assert.equal(await page.getByTestId('overview-visitors-previous').getAttribute('data-value'), String(before.totals.visitors),
    'the comparison is the same weekday last week');
  assert.ok((await page.getByTestId('overview-vs').innerText()).includes(dateRange(week, week, 'de')), 'says which day it compares with');
  assert.equal(await page.getByTestId('chart-interval').inputValue(), 'hour', 'one day reads by hour');
  await page.getByTestId('chart-compare').selectOption('year');
  await page.waitForURL(/compare=year/);
  await settled(page);
  const lastYear = `${Number(day.slice(0, 4)) - 1}${day.slice(4)}`;
  const ly = (await apiGet(token, '/api/level5/analytics/timeseries', { from: lastYear, to: lastYear, tz: 'Europe/Berlin', interval: 'hour' })).body;
  assert.equal(await page.getByTestId('overview-visitors-previous').getAttribute('data-value'), String(ly.totals.visitors), 'previous year');
  if (ly.totals.visitors === 0) {
    assert.equal(await page.getByTestId('overview-visitors-change').innerText(), 'kein Vergleichswert', 'no change against nothing');
  }
  assertClean(w, 'overview comparisons');
});

test('overview: "Heute" by the hour ends at the running hour, drawn dashed; hours to come are not drawn', async (t) => {
  const { page, w } = await session(t);
  const today = berlinToday();
  await uiLogin(page, ADMIN, `/?from=${today}&to=${today}`);
  await settled(page);
  assert.equal(await page.getByTestId('range-preset').inputValue(), 'today');
  const ts = (await apiGet(token, '/api/level5/analytics/timeseries', { from: today, to: today, tz: 'Europe/Berlin', interval: 'hour' })).body;
  const running = ts.buckets.findIndex((b) => !b.complete);
  assert.ok(running >= 0, "today's hours are not all complete");
  // the range's own points come before the comparison's (last week's whole day, for the shape ahead)
  const label = (await page.getByTestId('overview-chart').getAttribute('aria-label')).split('. Vergleich')[0];
  const hour = (b) => `${bucketLabel(b.bucket, 'hour', 'de', true)} ${num(b.visitors, 'de')}`;
  assert.ok(label.includes(hour(ts.buckets[running])), 'the running hour is in the chart');
  if (running + 1 < ts.buckets.length) {
    assert.ok(!label.includes(bucketLabel(ts.buckets[running + 1].bucket, 'hour', 'de', true).split(', ')[1] + ' '),
      'the next hour is not drawn as zero');
  }
  assertClean(w, 'overview today');
});

test('tables sort by a column header (aria-sort) and the CSV follows the order shown', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page, ADMIN, '/ux-signals');
  await settled(page);
  const rows = () => page.locator('[data-testid=ux-pages-table] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.path));
  const asSent = await rows();
  const api = (await apiGet(token, '/api/level2/ux-signals/metrics', { tz: 'Europe/Berlin', device: 'all' })).body;
  const pv = Object.fromEntries(api.pages.map((p) => [p.path, p.pageviews]));
  const header = page.locator('[data-testid=ux-pages-table] thead th').nth(1);
  await page.getByTestId('ux-pages-table-sort-pv').click();
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  const desc = (await rows()).map((p) => pv[p]);
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a), 'most pageviews first');
  await page.getByTestId('ux-pages-table-sort-pv').click();
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  const asc = (await rows()).map((p) => pv[p]);
  assert.deepEqual(asc, [...asc].sort((a, b) => a - b), 'fewest pageviews first');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ux-pages-table-csv').click()]);
  const csv = (await import('node:fs')).readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r\n/);
  // the CSV holds every page of the range (the table the pages loaded), in the order shown
  const csvPv = csv.slice(1).map((l) => Number(l.split(';')[1]));
  assert.equal(csvPv.length, api.pages_total, 'every page in the CSV');
  assert.deepEqual(csvPv, [...csvPv].sort((a, b) => a - b), 'CSV in the order shown');
  if (!api.next_cursor) assert.ok(csv[1].startsWith(`${(await rows())[0]};`), 'CSV in the order shown');
  await page.getByTestId('ux-pages-table-sort-pv').click();
  assert.equal(await header.getAttribute('aria-sort'), 'none');
  assert.deepEqual(await rows(), asSent, 'a third click restores the order as sent');
  assertClean(w, 'table sort');
});

test('UX signals: the first 100 pages, more on request, and the CSV has every page', async (t) => {
  // 120 pages viewed today on the demo site make more than one request's worth
  const tag = randomBytes(3).toString('hex');
  for (let b = 0; b < 2; b++) {
    const beacons = Array.from({ length: 60 }, (_, i) => ({ type: 'pageview', url: `/ux-more-${tag}/${b * 60 + i}` }));
    const res = await fetch(`${URL_BASE}/api/level2/ux-signals/track`, {
      method: 'POST', body: JSON.stringify(beacons),
      headers: { 'Content-Type': 'application/json', 'X-Site-Key': 'site_demo_zoe_solar', Origin: 'https://zoe-solar.de',
        'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36' },
    });
    assert.equal(res.status, 202, await res.text());
  }
  const { page, w } = await session(t);
  await uiLogin(page, ADMIN, '/ux-signals');
  await settled(page);
  const api = (await apiGet(token, '/api/level2/ux-signals/metrics', { tz: 'Europe/Berlin', device: 'all' })).body;
  const total = api.pages_total;
  assert.ok(total > 100 && api.pages.length === 100 && api.next_cursor, `pages_total ${total}`);
  const loaded = page.getByTestId('ux-pages-loaded');
  assert.ok((await loaded.innerText()).startsWith(`100 von ${num(total, 'de')} Seiten geladen`));
  await page.getByTestId('ux-pages-more').click();
  const more = Math.min(200, total);
  if (more < total) await page.waitForFunction((n) => document.querySelector('[data-testid=ux-pages-loaded]')?.textContent.startsWith(n), num(more, 'de'));
  else await page.getByTestId('ux-pages-more').waitFor({ state: 'detached' });
  await page.getByTestId('ux-pages').getByRole('button', { name: 'Alle anzeigen' }).click();
  assert.equal(await page.locator('[data-testid=ux-pages-table] tbody tr').count(), more, 'the pages loaded are listed');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ux-pages-table-csv').click()]);
  const csv = (await import('node:fs')).readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r\n/);
  assert.equal(csv.length - 1, total, 'the CSV has every page, loaded or not');
  assert.ok(csv.some((l) => l.startsWith(`/ux-more-${tag}/`)), 'the new pages are in the CSV');
  assertClean(w, 'ux pages more');
});

test('overview: a range without data says so (no tracker.js advice); a failing report reads as a sentence', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page, ADMIN, '/?from=2020-01-01&to=2020-01-31');
  await settled(page);
  const main = await page.locator('main').innerText();
  assert.ok(main.includes('Keine Besuche im Zeitraum'), 'no visits in the range');
  assert.ok(main.includes('Keine Vitals-Messungen im Zeitraum'), 'no vitals in the range');
  assert.ok(!main.includes('tracker.js'), 'no installation advice when the tracker simply had nothing to send');
  // the timeseries fails with a 500: the tiles and the chart say what happened in a sentence
  w.allow((path, status) => path === '/api/level5/analytics/timeseries' && status === 500);
  await page.route('**/api/level5/analytics/timeseries**', (route) => route.fulfill({
    status: 500, contentType: 'application/problem+json',
    body: JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'the time series query failed' }),
  }));
  await page.getByTestId('range-preset').selectOption('7d');
  await page.locator('[data-testid=card-chart] [data-state=error]').waitFor();
  const box = await page.getByTestId('card-chart').innerText();
  assert.ok(box.includes('Der Server konnte die Anfrage gerade nicht beantworten.'), 'a sentence');
  assert.ok(box.includes('the time series query failed'), "the API's detail");
  assert.ok(!/Fehler 500|Internal Server Error/.test(box), 'no status line');
  assertClean(w, 'overview empty and failing');
});

test('the chart code loads alongside the first data, not after it', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page);
  // hold every timeseries answer until the chart chunk has been requested (5 s at most): an
  // app that loads the chart code only after its data would leave the answers waiting
  let seen;
  const chunk = new Promise((resolve) => { seen = resolve; });
  page.on('request', (r) => { if (/\/assets\/echarts-[\w-]+\.js$/.test(r.url())) seen(true); });
  const held = [];
  await page.route('**/api/level5/analytics/timeseries**', async (route) => {    // routing also bypasses the cache
    held.push(await Promise.race([chunk, new Promise((resolve) => { setTimeout(resolve, 5000, false); })]));
    await route.continue();
  });
  await page.reload();
  await page.getByTestId('overview-chart').waitFor();
  assert.ok(held.length >= 1, 'the overview asked for its data');
  assert.deepEqual(held, held.map(() => true), 'the chart chunk was requested while the data was on its way');
  assertClean(w, 'preload');
});

test('system page: API health and readiness straight from the API', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page, ADMIN, '/system');
  await settled(page);
  const ready = (await apiGet(token, '/api/ready')).body;
  const el = page.getByTestId('health');
  assert.equal(await el.locator('[data-value]').nth(1).getAttribute('data-value'), ready.status);
  assert.ok((await el.innerText()).includes(ready.status === 'ready' ? 'bereit' : 'nicht bereit'), 'status in German');
  await assertAccessible(page, 'system');
  await screenshot(page, '12-system');
  assertClean(w, 'system');
});

test('UX signals: overall p75 and the worst page equal the API for the range in the URL', async (t) => {
  const { page, w } = await session(t);
  const to = berlinToday();
  const from = minusDays(to, 59);
  await uiLogin(page, ADMIN, `/ux-signals?from=${from}&to=${to}`);
  await settled(page);
  assert.ok(page.url().includes(`from=${from}`) && page.url().includes(`to=${to}`), 'range kept in the URL');
  assert.equal(await page.locator('input[name=from]').inputValue(), dateField(from, 'de'), 'the date field speaks German');
  const api = (await apiGet(token, '/api/level2/ux-signals/metrics', { from, to, tz: 'Europe/Berlin', device: 'all' })).body;
  assert.equal(api.range.days, 60);
  for (const k of VITALS) {
    const v = api.overall.vitals[k];
    const el = page.getByTestId(`ux-overall-${k}`);
    assert.equal(await el.getAttribute('data-value'), String(v.p75), `overall ${k}`);
    assert.equal(await el.innerText(), vital(v.p75, v.unit, 'de'), `overall ${k} text`);
  }
  assert.equal(await page.getByTestId('ux-cwv').getAttribute('data-value'), api.overall.cwv);
  // worst page first: the highest LCP p75 among pages with enough samples
  const withLcp = api.pages.filter((p) => typeof p.vitals?.LCP?.p75 === 'number');
  const worst = withLcp.reduce((a, b) => (b.vitals.LCP.p75 > a.vitals.LCP.p75 ? b : a));
  const firstRow = page.locator('[data-testid=ux-pages-table] tbody tr').first();
  assert.equal(await firstRow.getAttribute('data-path'), worst.path, 'worst page first');
  const cellEl = firstRow.locator('[data-vital=LCP]');
  assert.equal(await cellEl.getAttribute('data-value'), String(worst.vitals.LCP.p75));
  assert.equal(await cellEl.innerText(), vital(worst.vitals.LCP.p75, 'ms', 'de'));
  const shownRows = Math.min(api.pages.length, 50);          // the table shows 50, "show all" the rest
  assert.equal(await page.locator('[data-testid=ux-pages-table] tbody tr').count(), shownRows, 'pages listed');
  // every shown page's every p75 equals the API's
  const shownPaths = await page.locator('[data-testid=ux-pages-table] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.path));
  for (const p of api.pages.filter((x) => shownPaths.includes(x.path))) {
    for (const k of VITALS) {
      const shown = await page.locator(`[data-testid=ux-pages-table] tr[data-path="${p.path}"] [data-vital=${k}]`).getAttribute('data-value');
      assert.equal(shown, p.vitals?.[k]?.p75 === undefined ? '' : String(p.vitals[k].p75), `${p.path} ${k}`);
    }
  }
  // CSV of the table shown
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ux-pages-table-csv').click()]);
  const csv = (await import('node:fs')).readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r\n/);
  // the CSV holds every page of the range, loaded or not: worst LCP of them all first
  const all = [];
  for (let cursor; ;) {
    const r = (await apiGet(token, '/api/level2/ux-signals/metrics', { from, to, tz: 'Europe/Berlin', device: 'all', limit: 1000, ...(cursor ? { cursor } : {}) })).body;
    all.push(...r.pages);
    if (!(cursor = r.next_cursor)) break;
  }
  const worstAll = all.filter((p) => typeof p.vitals?.LCP?.p75 === 'number').reduce((a, b) => (b.vitals.LCP.p75 > a.vitals.LCP.p75 ? b : a));
  assert.equal(csv.length, api.pages_total + 1, 'CSV header + one line per page');
  assert.ok(csv[1].startsWith(`${worstAll.path};`), 'CSV in the order shown');
  assert.ok(csv[1].includes(`;${String(worstAll.vitals.LCP.p75).replace('.', ',')};`), 'CSV carries the raw p75, with a decimal comma in German');
  await assertAccessible(page, 'ux-signals');
  await screenshot(page, '03-ux-signals');
  assertClean(w, 'ux-signals');
});

test('UX signals: the device filter goes into the URL; with no vitals the page says what is missing', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page, ADMIN, '/ux-signals');
  await settled(page);
  await page.getByTestId('device-filter').selectOption('mobile');
  await page.waitForURL(/device=mobile/);
  await settled(page);
  const api = (await apiGet(token, '/api/level2/ux-signals/metrics', { tz: 'Europe/Berlin', device: 'mobile' })).body;
  if (Object.keys(api.overall.vitals).length === 0) {
    const text = await page.getByTestId('ux-overall').innerText();
    assert.ok(text.includes('tracker.js'), 'empty state names tracker.js');
  } else {
    assert.equal(await page.getByTestId('ux-overall-LCP').getAttribute('data-value'), String(api.overall.vitals.LCP.p75));
  }
  // a range with no data at all
  await page.goto(`${URL_BASE}/ux-signals?from=2020-01-01&to=2020-01-31`);
  await settled(page);
  assert.ok((await page.locator('main').innerText()).includes('Noch keine Vitals – binden Sie tracker.js auf der Website ein'));
  await screenshot(page, '04-ux-signals-empty');
  assertClean(w, 'ux-signals device');
});

const LEVEL2_PAGES = [
  { path: '/entities', api: ['GET', '/api/level2/entity-seo/report'], name: '05-entities' },
  { path: '/reviews', api: ['GET', '/api/level2/social-proof/report'], name: '06-reviews' },
  { path: '/recommendations', api: ['GET', '/api/level2/optimization/status'], name: '07-recommendations' },
  { path: '/metadata', api: ['POST', '/api/level2/data/optimize'], name: '08-metadata', click: 'run-audit' },
  { path: '/performance', api: ['GET', '/api/level2/performance/monitor'], name: '09-performance' },
];

test('every Level 2 page renders its data or "not available yet" with the API detail, accessibly', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page);
  const failures = [];
  for (const p of LEVEL2_PAGES) {
    await page.getByTestId(`nav-${p.path.slice(1)}`).click();
    await page.waitForURL(`**${p.path}*`);
    let clicked = null;
    if (p.click) {
      [clicked] = await Promise.all([page.waitForResponse((r) => r.url().includes(p.api[1])), page.getByTestId(p.click).click()]);
    }
    await settled(page);
    await screenshot(page, p.name);       // first, so a failing page is still there to look at
    try {
      const direct = p.api[0] === 'GET' ? await apiGet(token, p.api[1]) : { status: clicked.status(), body: await clicked.json().catch(() => ({})) };
      const main = await page.locator('main').innerText();
      if (direct.status === 501) {
        assert.ok(main.includes('Noch nicht verfügbar'), `${p.path}: not available yet`);
        assert.ok(main.includes(direct.body.detail), `${p.path}: shows "${direct.body.detail}"`);
      } else {
        assert.equal(direct.status, 200, `${p.api[0]} ${p.api[1]} answers ${direct.status}: ${direct.body?.detail ?? ''}`);
        assert.ok(!/Fehler \d+/.test(main), `${p.path}: no error box`);
        assert.equal(await page.locator('[data-state=notyet]').count(), 0, `${p.path}: data shown`);
      }
      await assertAccessible(page, p.name.slice(3));
    } catch (e) {
      failures.push(e.message);
    }
  }
  assert.deepEqual(failures, [], 'pages that failed');
  // a 5xx of a service under construction shows as its problem box above; only that is allowed here
  assertClean(w, 'level 2 pages');
});

test('token refresh: a spoiled access token gets one refresh and the calls are retried', async (t) => {
  const { page, w, context } = await session(t);
  await uiLogin(page, ADMIN, '/ux-signals');
  await settled(page);
  const cookieBefore = (await context.cookies()).find((c) => c.name === 'zoe_refresh');
  assert.ok(cookieBefore?.httpOnly && cookieBefore.sameSite === 'Strict' && cookieBefore.path === '/api/auth', 'refresh cookie HttpOnly, Strict, /api/auth');
  assert.equal(await page.evaluate(() => document.cookie.includes('zoe_refresh')), false, 'script cannot read the refresh cookie');
  const before = await page.evaluate(() => window.__zoeTest.state());
  // the overview fires several calls at once: each 401s, one shared refresh, then retries
  w.allow((path, status) => status === 401 && path.startsWith('/api/') && path !== '/api/auth/refresh');
  const refreshes = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/auth/refresh')) refreshes.push(r); });
  await page.evaluate(() => window.__zoeTest.expireAccessToken());
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh'));
  await page.getByTestId('nav-overview').click();
  assert.equal((await refreshed).status(), 200);
  await settled(page);
  const after = await page.evaluate(() => window.__zoeTest.state());
  assert.equal(after.loggedIn, true);
  assert.equal(after.refreshes, before.refreshes + 1);
  assert.equal(refreshes.length, 1, 'concurrent 401s share one refresh');
  const api = (await apiGet(token, '/api/level2/ux-signals/metrics', { tz: 'Europe/Berlin', device: 'all' })).body;
  assert.equal(await page.getByTestId('overview-LCP').getAttribute('data-value'), String(api.overall.vitals.LCP.p75), 'data after retry');
  const cookieAfter = (await context.cookies()).find((c) => c.name === 'zoe_refresh');
  assert.notEqual(cookieAfter.value, cookieBefore.value, 'refresh token rotated');
  assertClean(w, 'refresh after 401');
});

test('two tabs refreshing at the same moment keep the session (refresh serialised across tabs)', async (t) => {
  const { page, w, context } = await session(t);
  await uiLogin(page, ADMIN, '/ux-signals');
  await settled(page);
  const second = await context.newPage();
  await second.goto(page.url());
  await second.waitForFunction(() => window.__zoeTest?.state().loggedIn === true);
  // both tabs rotate the shared cookie at once; unserialised, the second would present a
  // spent token and the server would revoke the whole session
  const at = Date.now() + 400;          // both tabs start at the same instant
  const [a, b] = await Promise.all([page, second].map((p) => p.evaluate((when) => new Promise((done) => {
    setTimeout(() => window.__zoeTest.refreshNow().then(done), when - Date.now());
  }), at)));
  assert.deepEqual([a, b], [true, true], 'both refreshes succeed');
  const again = await page.evaluate(() => window.__zoeTest.refreshNow());
  assert.equal(again, true, 'the session is still alive afterwards');
  await second.close();
  assertClean(w, 'two tabs');
});

test('token refresh: the timer refreshes silently 60 s before expiry (fake clock)', async (t) => {
  const { page, w } = await session(t);
  await page.clock.install();
  await uiLogin(page);
  const s = await page.evaluate(() => window.__zoeTest.state());
  assert.equal(s.expiresAt - s.refreshAt, 60_000, 'scheduled 60 s before expiry');
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh'));
  await page.clock.fastForward('14:30');
  assert.equal((await refreshed).status(), 200);
  await page.waitForFunction((n) => window.__zoeTest.state().refreshes > n, s.refreshes);
  const s2 = await page.evaluate(() => window.__zoeTest.state());
  assert.ok(s2.expiresAt > s.expiresAt, 'new expiry');
  await page.getByTestId('nav-ux-signals').click();
  await page.getByTestId('ux-overall-LCP').waitFor();
  assertClean(w, 'silent refresh');
});

test('a reload keeps the session through the refresh cookie; English is switchable', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page, ADMIN, '/ux-signals');
  await page.reload();
  await page.getByTestId('logout').waitFor();
  assert.match(page.url(), /\/ux-signals/);
  await page.getByTestId('lang-switch').click();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.getByTestId('nav-overview').innerText(), 'Overview');
  await page.reload();
  await page.getByTestId('logout').waitFor();
  assert.equal(await page.getByTestId('nav-ux-signals').innerText(), 'UX signals', 'language remembered');
  await settled(page);
  await assertAccessible(page, 'ux-signals-en');
  await screenshot(page, '10-ux-signals-en');
  assertClean(w, 'reload and language');
});

test('viewer: no editor actions, no API performance link, and its 403 shown plainly', async (t) => {
  const password = randomBytes(12).toString('base64url');
  if (!ensureUser('viewer@zoe-solar.de', 'viewer', password)) { t.skip('zoe binary or stack.env not found'); return; }
  const { page, w } = await session(t);
  w.allow((path, status) => path === '/api/level2/performance/monitor' && status === 403);
  await uiLogin(page, { email: 'viewer@zoe-solar.de', password });
  assert.equal(await page.getByTestId('role').innerText(), 'Betrachter');
  assert.equal(await page.getByTestId('nav-performance').count(), 0, 'no link above the role');
  await page.getByTestId('nav-recommendations').click();
  await page.getByTestId('viewer-note').waitFor();
  assert.equal(await page.getByTestId('run-engine').count(), 0);
  await page.getByTestId('nav-metadata').click();
  await page.getByTestId('viewer-note').waitFor();
  assert.equal(await page.getByTestId('run-audit').count(), 0);
  await page.getByTestId('nav-entities').click();
  await settled(page);
  assert.equal(await page.getByTestId('entities-analyze').count(), 0, 'no analyse form');
  await page.goto(`${URL_BASE}/performance`);
  await page.locator('[data-state=forbidden]').waitFor();
  const vtoken = await apiLogin({ email: 'viewer@zoe-solar.de', password });
  const r = await apiGet(vtoken, '/api/level2/performance/monitor');
  assert.equal(r.status, 403);
  assert.ok((await page.locator('[data-state=forbidden]').innerText()).includes(r.body.detail || 'Keine Berechtigung'));
  await screenshot(page, '11-viewer-performance-403');
  assertClean(w, 'viewer');
});

test('logout revokes the refresh token and returns to the login', async (t) => {
  const { page, w, context } = await session(t);
  await uiLogin(page);
  const cookie = (await context.cookies()).find((c) => c.name === 'zoe_refresh');
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/auth/logout')),
    page.getByTestId('logout').click(),
  ]);
  assert.equal(res.status(), 204);
  await page.getByTestId('login-form').waitFor();
  assert.equal((await context.cookies()).find((c) => c.name === 'zoe_refresh'), undefined, 'cookie cleared');
  const again = await fetch(`${URL_BASE}/api/auth/refresh`, { method: 'POST', headers: { Cookie: `zoe_refresh=${cookie.value}` } });
  assert.equal(again.status, 401, 'the old refresh token is revoked');
  await page.reload();
  await page.getByTestId('login-form').waitFor();
  assertClean(w, 'logout');
});
