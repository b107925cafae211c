// The "Verhalten" page in Chromium against the running stack: every figure of the
// behavioural metrics (#22) equals the API's for the same range and device, the
// comparison and the tables list what the API lists, and an editor's dynamic-content
// rules (#21) are listed, replaced from the JSON editor and refused with the API's field
// errors when wrong. Screenshots go to $ZOE_ARTIFACTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  URL_BASE, ADMIN, launch, newContext, apiLogin, apiGet, watch, axeScan, seriousOrWorse,
  screenshot, uiLogin, settled, saveJson,
} from './helpers.mjs';
import { num, pct } from '../../static/src/lib/format.js';

const METRICS = '/api/level3/behavioral/metrics';
const DYNAMIC = '/api/level3/behavioral/dynamic';
const TILES = ['sessions', 'engaged_sessions', 'engagement_rate', 'bounce_rate', 'plausible_bounce_rate',
  'pages_per_session', 'avg_engaged_seconds', 'conversion_rate'];
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

async function apiPost(path, body) {
  const res = await fetch(`${URL_BASE}${path}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

function lastDays(n) {
  const fmt = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  const to = fmt(new Date());
  const from = new Date(`${to}T12:00:00Z`);
  from.setUTCDate(from.getUTCDate() - (n - 1));
  return { from: from.toISOString().slice(0, 10), to };
}

const rows = (page, id, attr) => page.locator(`[data-testid=${id}] tbody tr`).evaluateAll(
  (trs, a) => trs.map((tr) => tr.getAttribute(a)), attr);

test('Verhalten: every figure, table and the device comparison equal the API for the range and device', async (t) => {
  const { page, w } = await session(t);
  const { from, to } = lastDays(60);
  await uiLogin(page, ADMIN, `/behaviour?from=${from}&to=${to}`);
  await settled(page);
  const api = (await apiGet(token, METRICS, { from, to, tz: 'Europe/Berlin', device: 'all' })).body;
  assert.ok(api.overall.sessions > 0, 'the demo data has sessions in the range');
  for (const k of TILES) {
    assert.equal(await page.getByTestId(`behav-${k}`).getAttribute('data-value'), String(api.overall[k]), k);
  }
  assert.equal(await page.getByTestId('behav-sessions').innerText(), num(api.overall.sessions, 'de'));
  assert.equal(await page.getByTestId('behav-engagement_rate').innerText(), pct(api.overall.engagement_rate, 'de'));
  assert.equal(await page.getByTestId('behav-bounce_rate').innerText(), pct(api.overall.bounce_rate, 'de'));
  assert.equal(await page.getByTestId('behav-scroll-p50').getAttribute('data-value'), String(api.overall.scroll.p50 ?? ''));
  assert.deepEqual(await rows(page, 'behav-device-table', 'data-key'), api.by_device.map((d) => d.device));
  assert.deepEqual(await rows(page, 'behav-source-table', 'data-key'), api.by_source.slice(0, 50).map((s) => s.source));
  assert.deepEqual(await rows(page, 'behav-comparison-table', 'data-device'), api.comparison.map((c) => c.device));
  const mobile = api.comparison.find((c) => c.device === 'mobile');
  if (mobile) {
    const text = await page.locator('[data-testid=behav-comparison-table] tr[data-device=mobile]').innerText();
    assert.ok(text.includes(pct(mobile.engagement_rate.device, 'de')), `mobile engagement rate in "${text}"`);
  }
  const a = await axeScan(page);
  saveJson('axe-behaviour', a);
  assert.deepEqual(seriousOrWorse(a), [], 'serious/critical axe violations');
  await screenshot(page, '09-behaviour');
  // the device filter goes into the URL and the figures follow the API's
  await page.getByTestId('device-filter').selectOption('mobile');
  await page.waitForURL('**device=mobile*');
  await settled(page);
  const m = (await apiGet(token, METRICS, { from, to, tz: 'Europe/Berlin', device: 'mobile' })).body;
  assert.equal(await page.getByTestId('behav-sessions').getAttribute('data-value'), String(m.overall.sessions));
  assert.equal(await page.getByTestId('behav-conversion_rate').getAttribute('data-value'), String(m.overall.conversion_rate));
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('Verhalten: an editor lists, replaces and is refused dynamic-content rules as the API says', async (t) => {
  const { page, w } = await session(t);
  const first = [{ name: 'Mobil', priority: 3, conditions: { device: ['mobile'] }, variant: { headline: 'Mobil' } }];
  assert.equal((await apiPost(DYNAMIC, { rules: first })).status, 200);
  await uiLogin(page, ADMIN, '/behaviour');
  await settled(page);
  assert.deepEqual(await rows(page, 'behav-rules-table', 'data-rule'), ['Mobil']);
  const next = [
    { name: 'Wochenende', priority: 5, conditions: { time: { days: [6, 7] } }, variant: { headline: 'Samstags beraten wir auch' } },
    { name: 'Standard', variants: [{ weight: 1, content: { headline: 'A' } }, { weight: 1, content: { headline: 'B' } }] },
  ];
  await page.getByTestId('behav-rules-json').fill(JSON.stringify(next));
  await page.getByTestId('behav-rules-save').click();
  await page.getByTestId('behav-rules-saved').waitFor();
  await settled(page);
  const stored = (await apiPost(DYNAMIC, {})).body;
  assert.deepEqual(stored.rules.map((r) => [r.name, r.priority, r.variants.length]), [['Wochenende', 5, 1], ['Standard', 0, 2]]);
  assert.deepEqual(await rows(page, 'behav-rules-table', 'data-rule'), ['Wochenende', 'Standard']);
  // a wrong rule: the API's 422 names the field, the page shows it, nothing changes
  w.allow((path, status) => path === DYNAMIC && status === 422);
  await page.getByTestId('behav-rules-json').fill(JSON.stringify([{ name: 'X', conditions: { device: ['phone'] }, variant: {} }]));
  await page.getByTestId('behav-rules-save').click();
  await page.locator('[data-testid=behav-rules] .field-errors').waitFor();
  assert.ok((await page.getByTestId('behav-rules').innerText()).includes('rules[0].conditions.device'));
  assert.equal((await apiPost(DYNAMIC, {})).body.count, 2);
  await screenshot(page, '10-behaviour-rules');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
