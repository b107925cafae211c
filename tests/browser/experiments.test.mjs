// The "Experimente" page (A/B tests #30/#31 and the click prediction #29) in Chromium
// against the running stack with the demo data: every test's variant rows equal the
// results the API gives (exposures, conversions, rate, uplift, p, chance to beat the
// control in German number format), the decision badge and the reason are German, the
// sample-ratio-mismatch warning shows exactly on the tests the API flags, and the
// prediction table lists the API's standardised weights. No console errors; axe clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, apiLogin, apiGet, screenshot, uiLogin, settled, openSession, assertAxeClean } from './helpers.mjs';
import { num, pct } from '../../static/src/lib/format.js';
import { dictionaries } from '../../static/src/lib/i18n.js';

const RESULTS = '/api/level4/ai-content/results';
const PREDICTIONS = '/api/level4/ai-content/predictions';
const de = dictionaries.de;
let browser; let closeBrowser; let token;

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
});
after(async () => { await closeBrowser?.(); });

const isResults = (r) => new URL(r.url()).pathname === RESULTS && r.request().method() === 'GET';
const signed = (v, digits) => `${v > 0 ? '+' : ''}${pct(v, 'de', digits)}`;
const DECISION = { ship: 'exp.decision.ship', stop: 'exp.decision.stop', 'keep running': 'exp.decision.keep' };

test('experiments: every test equals the API results, in German, with SRM warnings and decisions', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page);
  const [resp] = await Promise.all([page.waitForResponse(isResults), page.getByTestId('nav-experiments').click()]);
  const body = await resp.json();
  await settled(page);
  await screenshot(page, '40-experiments');
  assert.equal(await page.locator('h1').innerText(), de['exp.title']);
  const direct = await apiGet(token, RESULTS, { limit: 100 });
  assert.equal(direct.status, 200);
  assert.deepEqual(direct.body.items.map((x) => x.id), body.items.map((x) => x.id));
  const names = body.items.map((x) => x.name);
  for (const demo of ['Startseite: Angebots-Button', 'Ratgeber: Newsletter-Box', 'Wärmepumpe: Preisrechner oben']) {
    assert.ok(names.includes(demo), `demo test ${demo}`);
  }
  const demo = body.items.filter((x) => x.site === 'zoe-solar.de');
  for (const test of [...body.items.slice(0, 5), ...demo]) {
    const card = page.getByTestId(`test-${test.id}`);
    await card.scrollIntoViewIfNeeded();
    assert.equal((await card.getByTestId('decision').innerText()).trim(), de[DECISION[test.decision.decision]]);
    assert.ok((await card.getByTestId('reason').innerText()).includes(de[`exp.reason.${test.decision.code}`]));
    assert.equal(await card.getByTestId('srm').count(), test.srm.mismatch ? 1 : 0, `${test.name}: SRM warning`);
    const rows = await card.locator('[data-testid="variant"]').evaluateAll((trs) => trs.map((tr) => Object.fromEntries(
      [...tr.querySelectorAll('[data-field]')].map((td) => [td.dataset.field, td.innerText.trim()]))));
    assert.equal(rows.length, test.variants.length);
    test.variants.forEach((v, i) => {
      assert.equal(rows[i].exposures, num(v.exposures, 'de'));
      assert.equal(rows[i].conversions, num(v.conversions, 'de'));
      assert.equal(rows[i].rate, pct(v.rate, 'de', 2));
      if (i === 0) return;
      assert.equal(rows[i].uplift, signed(v.uplift.absolute, 2));
      assert.equal(rows[i].p, num(v.p_value, 'de', 4));
      assert.equal(rows[i].chance, pct(v.chance_to_beat_control, 'de', 1));
    });
  }
  const winner = body.items.find((x) => x.name === 'Startseite: Angebots-Button');
  assert.equal(winner.decision.decision, 'ship');
  const srm = body.items.find((x) => x.name === 'Ratgeber: Newsletter-Box');
  assert.ok(srm.srm.mismatch);
  assert.match(await page.getByTestId(`test-${srm.id}`).getByTestId('srm').innerText(), /Stichproben-Verhältnis/);
  await assertAxeClean(page, 'experiments');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('experiments: the prediction table lists the API model weights', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page, undefined, '/experiments');
  await settled(page);
  const api = await apiGet(token, PREDICTIONS);
  const card = page.getByTestId('predictions');
  assert.equal(api.status, 200, 'the demo inventory has enough pages with pageviews');
  const cells = await card.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.innerText.trim())));
  assert.deepEqual(cells, api.body.weights.map((x) => [de[`exp.feature.${x.name}`], num(x.standardised, 'de', 2), num(x.per_unit, 'de', 4)]));
  assert.equal(await card.getByTestId('cv-rmse').innerText(), num(api.body.metrics.cv_rmse, 'de', 1));
  assert.equal(await card.getByTestId('baseline-rmse').innerText(), num(api.body.metrics.baseline_rmse, 'de', 1));
  await assertAxeClean(page, 'experiments-predictions');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
