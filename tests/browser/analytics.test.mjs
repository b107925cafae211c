// The web-analytics parts of the dashboard in Chromium against the running stack: the
// realtime counter on the Overview (#44: figures equal to the reply the page received and
// to a direct API call, refreshed every 30 s on a fake clock) and the "Trichter" page
// (#47: a 3-step funnel built in the form, its figures equal to the API's, the steps kept
// in the URL, a bad step shown with the API's field error). Screenshots to $ZOE_ARTIFACTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  URL_BASE, launch, newContext, apiLogin, apiGet, watch, axeScan, seriousOrWorse, screenshot,
  uiLogin, settled, saveJson,
} from './helpers.mjs';
import { num, pct, duration } from '../../static/src/lib/format.js';

const REALTIME = '/api/level5/analytics/realtime';
const FUNNEL = '/api/level5/analytics/funnel';
const STEPS = ['/', '/photovoltaik*', 'goal:lead'];
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
let browser; let closeBrowser; let token;

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
});
after(async () => { await closeBrowser?.(); });

async function session(t) {
  const context = await newContext(browser);
  const page = await context.newPage();
  const w = watch(page);
  t.after(async () => { await context.close(); });
  return { page, w };
}

async function assertAccessible(page, name) {
  const v = await axeScan(page);
  saveJson(`axe-${name}`, v);
  assert.deepEqual(seriousOrWorse(v), [], `${name}: serious/critical axe violations`);
}

/** A pageview of the demo site through the tracker endpoint, so someone is live now. */
async function beacon(path) {
  const res = await fetch(`${URL_BASE}/api/level2/ux-signals/track`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Site-Key': 'site_demo_zoe_solar', Origin: 'https://zoe-solar.de', 'User-Agent': CHROME },
    body: JSON.stringify({ type: 'pageview', url: `https://zoe-solar.de${path}` }),
  });
  assert.equal(res.status, 202, 'beacon accepted');
}

const isRealtime = (r) => new URL(r.url()).pathname === REALTIME && r.request().method() === 'GET';

test('overview: the realtime counter shows the API figures and refreshes every 30 s', async (t) => {
  const { page, w } = await session(t);
  await beacon('/photovoltaik-privat');
  await page.clock.install();
  const first = page.waitForResponse(isRealtime);
  await uiLogin(page);
  const body = await (await first).json();
  await settled(page);
  const direct = await apiGet(token, REALTIME);
  assert.equal(direct.status, 200);
  assert.equal(direct.body.per_minute.length, 30);
  assert.ok(body.visitors >= 1, 'the beacon is live');
  const visitors = page.getByTestId('realtime-visitors');
  assert.equal(await visitors.getAttribute('data-value'), String(body.visitors));
  assert.equal((await visitors.innerText()).trim(), num(body.visitors, 'de'));
  const pv = page.getByTestId('realtime-pageviews');
  assert.equal(await pv.getAttribute('data-value'), String(body.pageviews_30_minutes));
  assert.equal(body.pageviews_30_minutes, body.per_minute.reduce((s, m) => s + m.pageviews, 0));
  const label = await page.getByTestId('realtime-chart').getAttribute('aria-label');
  const figures = label.slice(label.indexOf(': ') + 2).split(', ');
  assert.equal(figures.length, 30, 'one figure per minute in the chart label');
  assert.deepEqual(figures.map((f) => f.split(' ')[1]), body.per_minute.map((m) => num(m.pageviews, 'de')));
  const pages = await page.getByTestId('realtime-pages').innerText();
  for (const p of body.top_pages.slice(0, 5)) assert.ok(pages.includes(p.path), `top page ${p.path}`);
  // pageviews of the last k minutes (the current one last)
  const recent = (r, k) => r.per_minute.slice(-k).reduce((n, m) => n + m.pageviews, 0);
  assert.ok(recent(body, 2) >= 1, 'the beacon is in the last minutes');
  const sources = await page.getByTestId('realtime-sources').innerText();
  for (const s of body.top_sources.slice(0, 5)) assert.ok(sources.includes(s.source), `top source ${s.source}`);
  // the next refresh 30 s later, then a new figure is shown
  await beacon('/waermepumpe');
  const again = page.waitForResponse(isRealtime);
  await page.clock.fastForward(31_000);
  const next = await (await again).json();
  await page.waitForFunction((v) => document.querySelector('[data-testid="realtime-visitors"]')?.dataset.value === String(v), next.visitors);
  // one more minute covers a minute turning in between
  assert.ok(recent(next, 3) >= recent(body, 2) + 1, 'the refresh counts the new pageview');
  await screenshot(page, '20-overview-realtime');
  assert.deepEqual(w.check(), [], 'realtime: console errors or failed requests');
});

test('Trichter: a 3-step funnel built in the form shows the API figures per step', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page);
  await page.getByTestId('nav-funnel').click();
  await page.getByTestId('funnel-form').waitFor();
  assert.equal((await page.locator('h1').innerText()).trim(), 'Trichter');
  await page.getByTestId('funnel-input-1').fill(STEPS[0]);
  await page.getByTestId('funnel-input-2').fill(STEPS[1]);
  await page.getByTestId('funnel-add').click();
  await page.getByTestId('funnel-input-3').fill(STEPS[2]);
  const reply = page.waitForResponse((r) => new URL(r.url()).pathname === FUNNEL);
  await page.getByTestId('funnel-run').click();
  const shown = await (await reply).json();
  await page.getByTestId('funnel-result').waitFor();
  await settled(page);
  assert.equal(new URL(page.url()).searchParams.get('steps'), STEPS.join(','), 'steps kept in the URL');
  const q = new URL((await reply).url()).searchParams;
  const api = (await apiGet(token, FUNNEL, { from: q.get('from'), to: q.get('to'), tz: 'Europe/Berlin', steps: STEPS.join(',') })).body;
  assert.deepEqual(shown.steps, api.steps, 'the page asked the API for the same funnel');
  assert.equal(api.steps.length, 3);
  assert.ok(api.steps[0].visitors > 0 && api.steps[1].visitors > 0, 'demo data reaches step 2');
  for (const s of api.steps) {
    const cell = (k) => page.getByTestId(`funnel-${k}-${s.step}`);
    assert.equal(await cell('visitors').getAttribute('data-value'), String(s.visitors), `step ${s.step} visitors`);
    assert.equal(await cell('visitors').innerText(), num(s.visitors, 'de'));
    assert.equal(await cell('conversion_from_previous').innerText(), pct(s.conversion_from_previous, 'de', 1));
    assert.equal(await cell('conversion_from_first').innerText(), pct(s.conversion_from_first, 'de', 1));
    assert.equal(await cell('dropoff').getAttribute('data-value'), String(s.dropoff));
    assert.equal(await cell('dropoff_rate').innerText(), pct(s.dropoff_rate, 'de', 1));
    const med = s.median_seconds_from_previous;
    assert.equal(await cell('median_seconds_from_previous').innerText(), med === null ? '—' : duration(med * 1000, 'de'));
  }
  assert.equal(await page.getByTestId('funnel-conversion').getAttribute('data-value'), String(api.conversion_rate));
  const label = await page.getByTestId('funnel-chart').getAttribute('aria-label');
  for (const s of api.steps) assert.ok(label.includes(`${s.step}. ${s.step_spec} ${num(s.visitors, 'de')}`), `chart label step ${s.step}`);
  await assertAccessible(page, 'funnel');
  await screenshot(page, '21-funnel');
  // a bad step: the API's 422 naming `steps` is shown
  w.allow((path, status) => path === FUNNEL && status === 422);
  await page.getByTestId('funnel-input-3').fill('kontakt');
  await page.getByTestId('funnel-run').click();
  const err = page.locator('[data-state="error"]');
  await err.waitFor();
  assert.ok((await err.innerText()).includes('steps'), 'names the field');
  assert.deepEqual(w.check(), [], 'funnel: console errors or failed requests');
});
