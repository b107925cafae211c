// The "Besucher" page in Chromium against the running stack: its totals and top lists
// show the breakdown API's figures for the range in the URL; clicking a value filters
// every list (a removable chip, the filter in the URL) to the API's filtered figures;
// removing the chip restores them; a list's CSV holds every value; accessible, no errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  URL_BASE, launch, newContext, apiLogin, apiGet, watch, axeScan, seriousOrWorse,
  screenshot, uiLogin, settled, saveJson,
} from './helpers.mjs';

const BREAKDOWN = '/api/level5/analytics/breakdown';
const LISTS = { pages: 'page', sources: 'source', campaigns: 'utm_campaign', devices: 'device', countries: 'country', goals: 'goal' };
let browser; let closeBrowser; let token;

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
});
after(async () => { await closeBrowser?.(); });

function berlinToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
function minusDays(iso, n) { const d = new Date(`${iso}T12:00:00Z`); d.setUTCDate(d.getUTCDate() - n); return d.toISOString().slice(0, 10); }
const TO = berlinToday();
const FROM = minusDays(TO, 27);

/** The rows a list shows: [[value, visitors]]. */
async function shown(page, list) {
  const table = page.getByTestId(`table-${list}`);
  if (await table.count() === 0) return [];
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [
    tr.getAttribute('data-value'), Number(tr.querySelector('[data-testid=visitors]').getAttribute('data-value'))]));
}

async function expected(filters) {
  const out = {};
  for (const [list, property] of Object.entries(LISTS)) {
    const r = await apiGet(token, BREAKDOWN, { from: FROM, to: TO, tz: 'Europe/Berlin', property, limit: 10, ...(filters ? { filters: JSON.stringify(filters) } : {}) });
    assert.equal(r.status, 200, `${property}: ${JSON.stringify(r.body)}`);
    out[list] = r.body;
  }
  return out;
}

async function assertLists(page, want, what) {
  for (const list of Object.keys(LISTS)) {
    assert.deepEqual(await shown(page, list), want[list].items.map((i) => [i.value, i.visitors]), `${what}: list ${list}`);
  }
  assert.equal(Number(await page.getByTestId('visitors-visitors').getAttribute('data-value')), want.pages.totals.visitors, `${what}: total visitors`);
}

test('Besucher: the API figures, click-to-filter narrows every list, the chip removes it, CSV of every value', async (t) => {
  const context = await newContext(browser);
  t.after(async () => { await context.close(); });
  const page = await context.newPage();
  const w = watch(page);
  await uiLogin(page, undefined, `/visitors?from=${FROM}&to=${TO}`);
  await page.getByTestId('nav-visitors').waitFor();
  await settled(page);
  assert.equal(await page.locator('h1').innerText(), 'Besucher');

  const all = await expected(null);
  assert.ok(all.sources.items.length > 1, 'the demo data has several sources');
  await assertLists(page, all, 'unfiltered');
  assert.equal(await page.getByTestId('chip-source').count(), 0);
  await screenshot(page, 'visitors-01');
  const axe = await axeScan(page);
  saveJson('axe-visitors', axe);
  assert.deepEqual(seriousOrWorse(axe), [], 'serious/critical axe violations');

  // click the second source: every list narrows to the API's figures for that filter
  const pick = all.sources.items[1].value;
  await page.getByTestId('table-sources').locator('tbody tr').nth(1).getByRole('button').click();
  await page.getByTestId('chip-source').waitFor();
  await page.waitForURL(/filters=/);
  await settled(page);
  const filtered = await expected([['is', 'source', [pick]]]);
  await assertLists(page, filtered, `source is ${pick}`);
  assert.deepEqual(await shown(page, 'sources'), [[pick, all.sources.items[1].visitors]]);
  assert.ok(filtered.pages.totals.visitors < all.pages.totals.visitors, 'the total narrowed');
  for (const list of ['pages', 'devices']) {
    const before = new Map(all[list].items.map((i) => [i.value, i.visitors]));
    for (const [value, visitors] of await shown(page, list)) {
      assert.ok(!before.has(value) || visitors <= before.get(value), `${list} ${value} narrowed`);
    }
  }
  assert.ok((await page.getByTestId('chip-source').innerText()).includes(pick));
  await screenshot(page, 'visitors-02-filtered');

  // a second click adds a device filter on top (combined)
  const dev = filtered.devices.items[0].value;
  await page.getByTestId('table-devices').locator('tbody tr').first().getByRole('button').click();
  await page.getByTestId('chip-device').waitFor();
  await settled(page);
  await assertLists(page, await expected([['is', 'source', [pick]], ['is', 'device', [dev]]]), 'source and device');

  // removing the chips restores the unfiltered figures
  await page.getByTestId('chip-device').getByRole('button').click();
  await page.getByTestId('chip-source').getByRole('button').click();
  await page.getByTestId('visitors-nofilter').waitFor();
  await settled(page);
  await assertLists(page, all, 'after removing the filters');

  // the pages list downloads every value, not only the ten shown
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('list-pages-csv').click()]);
  const rows = readFileSync(await download.path(), 'utf8').trim().split(/\r\n/);
  const full = await apiGet(token, BREAKDOWN, { from: FROM, to: TO, tz: 'Europe/Berlin', property: 'page' });
  assert.equal(rows[0], 'page,visitors,visits,pageviews,bounce_rate,visit_duration,conversions,conversion_rate');
  assert.equal(rows.length, full.body.total_values + 1);
  assert.ok(rows.length > 11, 'more rows than the list shows');

  assert.equal(await page.getByTestId('geo-source').innerText(), `Länder aus: ${all.countries.geo_source}`);
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
