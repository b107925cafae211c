// The "Keywords" page (predictive search #11–#15) in Chromium against the running stack
// with the demo keywords: its figures equal the report the API gives for the same metric
// (count, median MAPE, interval coverage, the rising and falling lists, the forecast in the
// chart's label, the seasonal calendar, the upcoming events); the event form registers the
// demo's past Intersolar Europe and shows the uplift of the reply; no console errors; axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, apiLogin, apiGet, screenshot, uiLogin, settled, openSession, assertAxeClean,
} from './helpers.mjs';
import { num, pct } from '../../static/src/lib/format.js';

const REPORT = '/api/level3/predictive/report';
const EVENTS = '/api/level3/predictive/events';
let browser; let closeBrowser; let token;

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
});
after(async () => { await closeBrowser?.(); });

const isReport = (r) => new URL(r.url()).pathname === REPORT && r.request().method() === 'GET';

/** The rows of a DataTable as arrays of cell texts. */
async function rows(page, id) {
  return page.locator(`[data-testid="${id}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((td) => td.innerText.trim())));
}

test('keywords: figures, lists, forecast, calendar and events equal the API report', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page);
  const [resp] = await Promise.all([page.waitForResponse(isReport), page.getByTestId('nav-keywords').click()]);
  const body = await resp.json();
  await settled(page);
  await screenshot(page, '20-keywords');
  const direct = await apiGet(token, REPORT, { metric: 'clicks' });
  assert.equal(direct.status, 200);
  assert.equal(direct.body.n, body.n);
  assert.ok(body.n >= 40, 'the demo keywords are there');
  assert.equal(await page.getByTestId('kw-n').getAttribute('data-value'), String(body.n));
  assert.equal((await page.getByTestId('kw-mape').innerText()).trim(), `${num(body.accuracy.median_mape, 'de', 1)} %`);
  assert.equal((await page.getByTestId('kw-cover80').innerText()).trim(), pct(body.accuracy.coverage80, 'de'));
  assert.equal((await page.getByTestId('kw-cover95').innerText()).trim(), pct(body.accuracy.coverage95, 'de'));
  // rising and falling: the same keywords in the same order, with the API's p-values
  const rising = await rows(page, 'kw-rising');
  assert.deepEqual(rising.map((r) => r[0]), body.rising.map((k) => k.keyword).slice(0, rising.length));
  assert.ok(body.rising.some((k) => k.keyword === 'dynamischer stromtarif'), 'a demo keyword rises');
  assert.ok(body.falling.some((k) => k.keyword === 'solarthermie'), 'a demo keyword falls');
  const falling = await rows(page, 'kw-falling');
  assert.deepEqual(falling.map((r) => r[0]), body.falling.map((k) => k.keyword).slice(0, falling.length));
  for (const [i, k] of body.rising.slice(0, rising.length).entries()) {
    assert.equal(rising[i][3], num(k.slope_pct_of_mean, 'de', 2), `${k.keyword}: slope`);
  }
  // the forecast of the first keyword: every point and 95 % interval in the chart label
  const first = body.keywords[0];
  const label = await page.getByTestId('kw-chart').getAttribute('aria-label');
  for (const p of first.forecast) {
    assert.ok(label.includes(`${p.month} ${num(p.point, 'de')} (${num(p.lo95, 'de')}–${num(p.hi95, 'de')})`), `forecast ${p.month}`);
  }
  assert.equal(await page.getByTestId('kw-method').getAttribute('data-method'), first.method);
  // the model is named in words, not by its API key ("Holt-Winters, multiplikativ")
  assert.ok(!(await page.getByTestId('kw-method').innerText()).includes(first.method));
  // seasonal calendar: Balkonkraftwerk peaks in spring, publish two months ahead
  const cal = await rows(page, 'kw-calendar');
  const balkon = body.keywords.find((k) => k.keyword === 'balkonkraftwerk');
  const row = cal.find((r) => r[0] === 'balkonkraftwerk');
  assert.ok(row, 'balkonkraftwerk in the calendar');
  assert.deepEqual(row.slice(1, 4), [balkon.window.peak_name, balkon.window.next_peak, `${balkon.window.publish_from} – ${balkon.window.publish_to}`]);
  assert.ok([3, 4, 5].includes(balkon.window.peak_month), 'spring peak');
  const events = await rows(page, 'kw-events');
  assert.deepEqual(events.map((r) => r[0]), body.events.map((e) => e.name));
  assert.ok(body.events.some((e) => e.name.startsWith('Intersolar Europe')), 'the next Intersolar');
  // another keyword chosen: its forecast in the label
  const other = body.keywords.find((k) => k.keyword === 'wärmepumpe');
  await page.getByTestId('kw-choose').selectOption(other.keyword);
  await page.waitForTimeout(400);
  const label2 = await page.getByTestId('kw-chart').getAttribute('aria-label');
  assert.ok(label2.includes(`${other.forecast[0].month} ${num(other.forecast[0].point, 'de')}`));
  await assertAxeClean(page, 'keywords');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('keywords: the event form shows the uplift of the past Intersolar Europe as the API answers', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page, undefined, '/keywords');
  await settled(page);
  const d = new Date(); d.setUTCMonth(d.getUTCMonth() - 7);
  const year = d.getUTCFullYear();
  const form = page.getByTestId('kw-event-form');
  await form.getByLabel('Name').fill(`Intersolar Europe ${year}`);
  await form.getByLabel('Beginn').fill(`${year}-06-23`);
  await form.getByLabel('Ende').fill(`${year}-06-25`);
  await form.getByLabel('Keywords (kommagetrennt)').fill('intersolar, batteriespeicher, stromspeicher, stromspeicher nachrüsten');
  const [resp] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === EVENTS),
    form.getByRole('button', { name: /Ereignis speichern/ }).click(),
  ]);
  const body = await resp.json();
  assert.equal(resp.status(), 200, JSON.stringify(body));
  assert.equal(body.uplift.status, 'estimated');
  await page.getByTestId('kw-uplift').waitFor();
  await screenshot(page, '21-keywords-event');
  const shown = await rows(page, 'kw-uplift');
  assert.deepEqual(shown.map((r) => r[0]), body.uplift.keywords.map((k) => k.keyword));
  for (const [i, k] of body.uplift.keywords.entries()) {
    assert.deepEqual(shown[i].slice(1, 4), [num(k.actual, 'de'), num(k.expected, 'de'), num(k.uplift_pct, 'de', 1)]);
  }
  const own = body.uplift.keywords.find((k) => k.keyword === 'intersolar');
  assert.ok(own.uplift_pct > 100, `the fair lifts its own name (${own.uplift_pct} %)`);
  await assertAxeClean(page, 'keywords-event');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
