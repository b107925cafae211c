// The "Wege" page in Chromium against the running stack: the journey figures (visits,
// conversions, top paths, heat table of transitions, drop-offs, attribution bars) equal
// the API's #24 reply for the same range, the next-page prediction equals #23's, a viewer
// sees the prediction's 403 plainly; no console errors; axe-core finds nothing serious.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  URL_BASE, launch, newContext, apiLogin, apiGet, watch, axeScan, seriousOrWorse,
  screenshot, uiLogin, settled, ensureUser, saveJson,
} from './helpers.mjs';
import { num, pct } from '../../static/src/lib/format.js';

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

test('Wege: visits, paths, heat table, drop-offs and attribution equal the API', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page);
  await page.getByTestId('nav-journeys').click();
  await page.getByTestId('journey-visits').waitFor();
  await settled(page);
  const api = (await apiGet(token, '/api/level3/behavioral/journey', { tz: 'Europe/Berlin' })).body;
  assert.ok(api.visits > 0 && api.conversions > 0, 'demo data has visits with leads');
  assert.equal(await page.getByTestId('journey-visits').innerText(), num(api.visits, 'de'));
  assert.equal(await page.getByTestId('journey-conversions').innerText(), num(api.conversions, 'de'));
  assert.equal(await page.getByTestId('journey-chainprob').innerText(), pct(api.attribution.conversion_probability, 'de', 2));

  const firstPath = await page.getByTestId('journey-paths').locator('tbody tr').first().innerText();
  assert.ok(firstPath.startsWith(api.top_paths[0].path.join(' → ')), firstPath);
  assert.ok(firstPath.includes(num(api.top_paths[0].conversions, 'de')));

  const probs = api.transitions.probabilities;
  assert.equal(await page.getByTestId('journey-heat').locator('tbody tr').count(), probs.length);
  for (const [i, j] of [[0, 1], [0, 2], [1, probs[1].length - 1], [probs.length - 1, probs[0].length - 2]]) {
    assert.equal(Number(await page.getByTestId(`heat-${i}-${j}`).getAttribute('data-value')), probs[i][j], `cell ${i},${j}`);
  }
  const drop = await page.getByTestId('journey-drops').locator('tbody tr').first().innerText();
  assert.ok(drop.startsWith(api.drop_offs[0].group) && drop.includes(pct(api.drop_offs[0].exit_rate, 'de')), drop);

  const bars = page.getByTestId('journey-attribution').locator('li');
  assert.equal(await bars.count(), api.attribution.groups.length);
  for (let i = 0; i < 3; i++) {
    const g = api.attribution.groups[i];
    assert.equal(await bars.nth(i).getAttribute('data-group'), g.group);
    assert.equal(Number(await bars.nth(i).getAttribute('data-value')), g.share);
  }

  await page.getByTestId('next-path').fill('/ /ratgeber/kfw-foerderung-photovoltaik');
  await page.getByTestId('next-submit').click();
  await page.getByTestId('next-order').waitFor();
  const next = (await apiPost('/api/level3/behavioral/predictive',
    { type: 'next_page', path: ['/', '/ratgeber/kfw-foerderung-photovoltaik'] })).body;
  assert.equal(Number(await page.getByTestId('next-order').getAttribute('data-value')), next.context.order);
  assert.ok(next.predictions.length > 0, 'demo data has a next page after the path');
  const row = await page.getByTestId('next-predictions').locator('tbody tr').first().innerText();
  assert.ok(row.startsWith(next.predictions[0].path) && row.includes(pct(next.predictions[0].probability, 'de')), row);
  assert.deepEqual(JSON.parse(await page.getByTestId('next-rules').innerText()), next.speculation_rules);

  const v = await axeScan(page);
  saveJson('axe-journeys', v);
  assert.deepEqual(seriousOrWorse(v), [], 'serious/critical axe violations');
  await screenshot(page, '20-journeys');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('Wege as a viewer: the report, and the prediction refused plainly (analyst role)', async (t) => {
  const password = randomBytes(12).toString('base64url');
  if (!ensureUser('viewer@zoe-solar.de', 'viewer', password)) { t.skip('zoe binary or stack.env not found'); return; }
  const { page, w } = await session(t);
  w.allow((path, status) => path === '/api/level3/behavioral/predictive' && status === 403);
  await uiLogin(page, { email: 'viewer@zoe-solar.de', password }, '/journeys');
  await page.getByTestId('journey-visits').waitFor();
  await page.getByTestId('next-submit').click();
  await page.getByTestId('journey-next').locator('[data-state=forbidden]').waitFor();
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
