// The pages that answer the marketing team's questions, in Chromium against the running
// stack, each compared with the API: which pages are slow (worst first, mobile and desktop,
// grouped by template), what to fix first (to-do list, readable evidence, confirmation and
// undo), what the reviews say (texts, filters, all-time headline), which titles are too
// long (real titles, SERP preview, filters, search; also for a viewer), and one page's
// view reached by clicking its URL. In German mode no English word and no English number
// may show; at 390×844 and 1440×900 nothing may overflow the window. Screenshots go to
// $ZOE_ARTIFACTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  URL_BASE, ADMIN, launch, newContext, apiLogin, apiGet, watch, axeScan, seriousOrWorse,
  screenshot, uiLogin, settled, ensureUser, saveJson,
} from './helpers.mjs';
import { num } from '../../static/src/lib/format.js';

const SIZES = [{ name: 'mobile', width: 390, height: 844 }, { name: 'desktop', width: 1440, height: 900 }];
const CORE = ['LCP', 'INP', 'CLS'];
let browser; let closeBrowser; let token;

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
});
after(async () => { await closeBrowser?.(); });

async function session(t, viewport = { width: 1440, height: 900 }) {
  const context = await newContext(browser, { viewport });
  const page = await context.newPage();
  const w = watch(page);
  t.after(async () => { await context.close(); });
  return { page, w };
}

/** The text a reader sees in main, one text node a line, without code, preformatted
 *  JSON-LD and quotes marked English. */
const readerText = (page, extraSkip = '') => page.locator('main').evaluate((m, extra) => {
  const skip = `pre, code, [lang="en"], script, .serp-url${extra}`;
  const out = [];
  const walk = document.createTreeWalker(m, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) if (!n.parentElement.closest(skip)) out.push(n.data);
  return out.join('\n');
}, extraSkip);

// English words that leaked into German mode before (status, categories, severities, keys).
const ENGLISH = /\b(samples|pageviews_28d|ready|error|warning|info|Concept|Product|Place|Organization|vitals|metadata|content|reviews|behaviour|open|resolved|dismissed|needs improvement|poor|good|insufficient data|Title wider)\b/;
// An English number: a decimal point with one or two digits, or a comma before three digits.
const ENGLISH_NUMBER = /(?<![\d.,])\d+\.\d{1,2}(?![\d.])|(?<![\d.,])[1-9]\d{0,2},\d{3}(?![\d,])/;

async function assertGerman(page, what) {
  const text = await readerText(page);
  const word = text.match(ENGLISH);
  assert.equal(word, null, `${what}: English word "${word?.[0]}" in German mode`);
  // CLS has three decimals and no unit: "1,000" is German there, so it is left out here
  const n = (await readerText(page, ', [data-vital="CLS"]')).match(ENGLISH_NUMBER);
  assert.equal(n, null, `${what}: English number "${n?.[0]}" in German mode`);
}

async function assertFits(page, what) {
  const over = await page.evaluate(() => {
    const wide = [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1
      && !e.closest('.table-scroll, .chart'));
    return { by: document.documentElement.scrollWidth - window.innerWidth, what: wide.slice(-3).map((e) => `${e.tagName}.${e.className}`) };
  });
  assert.ok(over.by <= 1, `${what}: page ${over.by} px wider than the window (${over.what.join(', ')})`);
}

/** Both sizes: screenshot, nothing wider than the window, axe clean. */
async function atBothSizes(page, name) {
  for (const s of SIZES) {
    await page.setViewportSize({ width: s.width, height: s.height });
    await page.waitForTimeout(300);
    await screenshot(page, `pages-${name}-${s.width}`);
    await assertFits(page, `${name} at ${s.width}px`);
  }
  const v = await axeScan(page);
  saveJson(`axe-pages-${name}`, v);
  assert.deepEqual(seriousOrWorse(v), [], `${name}: serious/critical axe violations`);
}

/** The worst core vital of a metrics page as p75 / good threshold. */
function worstMiss(p, thresholds) {
  let m = 0;
  for (const k of CORE) {
    const v = p.vitals?.[k];
    if (typeof v?.p75 === 'number' && v.rating) m = Math.max(m, v.p75 / thresholds[k].good);
  }
  return m;
}

test('slow pages: worst first by how far they miss, mobile and desktop side by side, grouped by template', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page, ADMIN, '/ux-signals');
  await page.getByTestId('ux-slow-table').waitFor();
  await settled(page);
  const miss = new Map();
  for (const device of ['mobile', 'desktop']) {
    const api = (await apiGet(token, '/api/level2/ux-signals/metrics', { tz: 'Europe/Berlin', device })).body;
    for (const p of api.pages) miss.set(p.path, Math.max(miss.get(p.path) ?? 0, worstMiss(p, api.thresholds)));
  }
  const expected = [...miss].filter(([, m]) => m > 1).sort((a, b) => b[1] - a[1]);
  assert.ok(expected.length > 0, 'the demo data has slow pages');
  const rows = await page.locator('[data-testid=ux-slow-table] tbody tr[data-path]').evaluateAll((trs) => trs.map((tr) => [tr.dataset.path, Number(tr.dataset.miss)]));
  assert.equal(rows.length, expected.length, 'every slow page listed once');
  assert.equal(rows[0][0], expected[0][0], 'the worst page first');
  assert.ok(Math.abs(rows[0][1] - expected[0][1]) < 1e-9);
  const groups = await page.getByTestId('ux-slow-group').evaluateAll((gs) => gs.map((g) => [g.dataset.group, Number(g.dataset.miss)]));
  for (let i = 1; i < groups.length; i++) assert.ok(groups[i - 1][1] >= groups[i][1], 'groups worst first');
  const blog = groups.find(([g]) => g === '/ratgeber/*');
  assert.ok(blog, 'the /ratgeber/* pages form one group');
  const inBlog = await page.locator('[data-group="/ratgeber/*"] tr[data-path]').count();
  assert.equal(inBlog, expected.filter(([p]) => p.startsWith('/ratgeber/')).length);
  const head = await page.locator('[data-testid=ux-slow-table] thead').innerText();
  assert.match(head, /Mobil|Smartphone/i);
  assert.match(head, /Desktop/);
  await assertGerman(page, 'ux-signals');
  await atBothSizes(page, 'ux-signals');
  assert.deepEqual(w.check(), []);
});

test('recommendations: worst page first, readable evidence, confirmation before dismissing, undo', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page, ADMIN, '/recommendations');
  await page.getByTestId('recs-list').waitFor();
  await settled(page);
  const api = (await apiGet(token, '/api/level2/optimization/status', { status: 'open', limit: 500 })).body;
  const first = page.getByTestId('recs-item').first();
  assert.equal(await first.getAttribute('data-id'), String(api.items[0].id), 'the highest priority first');
  const lcp = api.items.filter((r) => r.rule === 'cwv-lcp').sort((a, b) => b.evidence.p75 - a.evidence.p75)[0];
  assert.equal(api.items[0].id, lcp.id, 'the slowest LCP page has the highest priority');
  const evidence = await first.getByTestId('recs-evidence').innerText();
  assert.ok(evidence.includes(`${num(lcp.evidence.p75 / 1000, 'de', 2)} s`), `p75 in seconds, German: ${evidence}`);
  assert.match(await page.getByTestId('recs-group').first().innerText(), /Warum[\s\S]*So beheben/, 'why and how in words');
  await assertGerman(page, 'recommendations');
  await atBothSizes(page, 'recommendations');
  await page.setViewportSize({ width: 1440, height: 900 });

  // dismissing asks first; "Abbrechen" sends nothing
  const target = page.locator(`[data-testid=recs-item][data-id="${lcp.id}"]`);
  let posts = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/optimization/recommend')) posts++; });
  await target.getByTestId('recs-dismiss').click();
  await target.getByRole('button', { name: 'Abbrechen' }).click();
  assert.equal(posts, 0, 'no request before the confirmation');
  await target.getByTestId('recs-dismiss').click();
  await Promise.all([page.waitForResponse((r) => r.url().includes('/optimization/recommend')), target.getByTestId('recs-dismiss-yes').click()]);
  await page.getByTestId('recs-undo-note').waitFor();
  let status = (await apiGet(token, '/api/level2/optimization/status', { status: 'dismissed', limit: 500 })).body;
  assert.ok(status.items.some((r) => r.id === lcp.id), 'dismissed');
  await Promise.all([page.waitForResponse((r) => r.url().includes('/optimization/recommend')), page.getByTestId('recs-undo').click()]);
  await page.locator(`[data-testid=recs-item][data-id="${lcp.id}"]`).waitFor();
  status = (await apiGet(token, '/api/level2/optimization/status', { status: 'open', limit: 500 })).body;
  assert.ok(status.items.some((r) => r.id === lcp.id), 'open again after undo');

  // grouped by page template
  await page.getByTestId('group-by').selectOption('template');
  await page.locator('[data-testid=recs-group][data-group="/ratgeber/*"]').waitFor();
  assert.deepEqual(w.check(), []);
});

test('reviews: the texts, negative and unanswered filters, all-time headline with the change', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page, ADMIN, '/reviews');
  await page.getByTestId('reviews-latest').waitFor();
  await settled(page);
  const all = (await apiGet(token, '/api/level2/social-proof/report', { tz: 'Europe/Berlin', latest: 50 })).body;
  const latest = all.latest;
  assert.equal(await page.getByTestId('review').count(), latest.length);
  assert.ok((await page.getByTestId('reviews-latest').innerText()).includes(latest[0].text.slice(0, 40)));
  const head = page.getByTestId('reviews-alltime');
  assert.ok((await head.innerText()).includes(num(all.overall.mean, 'de', 2)), 'all-time mean');
  assert.ok((await head.innerText()).includes(num(all.overall.count, 'de')), 'all-time count');
  await page.getByTestId('reviews-filter-unanswered').click();
  const unanswered = latest.filter((r) => !r.reply).length;
  assert.equal(await page.getByTestId('review').count(), unanswered);
  assert.equal(await page.getByTestId('review-unanswered').count(), unanswered);
  await page.getByTestId('reviews-filter-negative').click();
  const ratings = await page.getByTestId('review').evaluateAll((rs) => rs.map((r) => Number(r.dataset.rating)));
  assert.equal(ratings.length, latest.filter((r) => r.rating <= 2 || r.sentiment?.label === 'negative').length);
  await page.getByTestId('reviews-filter-all').click();
  await assertGerman(page, 'reviews');
  await atBothSizes(page, 'reviews');
  assert.deepEqual(w.check(), []);
});

test('metadata for a viewer: the stored audit with real titles, SERP preview cut at the limit, filters, search', async (t) => {
  const email = `viewer-${randomBytes(4).toString('hex')}@zoe-solar.de`;
  const password = randomBytes(12).toString('base64url');
  if (!ensureUser(email, 'viewer', password)) { t.skip('no zoe binary to create a viewer'); return; }
  const { page, w } = await session(t);
  await uiLogin(page, { email, password }, '/metadata');
  await page.getByTestId('meta-pages').waitFor();
  await settled(page);
  assert.equal(await page.getByTestId('run-audit').count(), 0, 'no editor action');
  const api = (await apiGet(token, '/api/level2/data/optimize')).body;
  const byUrl = new Map(api.pages.map((p) => [p.url, p]));
  const shownTitles = await page.locator('[data-testid=meta-pages] tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.url, tr.querySelector('[data-testid=meta-title]').innerText]));
  assert.ok(shownTitles.length > 0);
  for (const [url, title] of shownTitles) assert.equal(title, byUrl.get(url).title || '—', `title of ${url}`);
  await page.getByTestId('meta-filter-title-long').click();
  const long = api.pages.filter((p) => p.issues.some((i) => i.check === 'title_too_long'));
  const rows = await page.locator('[data-testid=meta-pages] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.url));
  assert.deepEqual(rows.sort(), long.map((p) => p.url).sort(), '"Titel zu lang" leaves exactly those');
  const row = page.locator(`[data-testid=meta-pages] tr[data-url="${long[0].url}"]`);
  await row.getByTestId('meta-preview-toggle').click();
  const serp = row.getByTestId('serp-preview');
  assert.equal(await serp.getAttribute('data-cut'), 'yes');
  const shown = await serp.getByTestId('serp-title').innerText();
  assert.ok(shown.endsWith('…') && shown.length < long[0].title.length, `cut: ${shown}`);
  await page.getByTestId('meta-filter-desc-missing').click();
  assert.equal(await page.locator('[data-testid=meta-pages] tbody tr').count(),
    api.pages.filter((p) => p.issues.some((i) => i.check === 'description_missing')).length);
  await page.getByTestId('meta-filter-all').click();
  await page.getByTestId('meta-search').fill('muenchen');
  assert.equal(await page.locator('[data-testid=meta-pages] tbody tr').count(), api.pages.filter((p) => p.url.includes('muenchen')).length);
  await page.getByTestId('meta-search').fill('');
  await assertGerman(page, 'metadata');
  await atBothSizes(page, 'metadata');
  assert.deepEqual(w.check(), []);
});

test('one page: clicking a URL opens its traffic, vitals, metadata, recommendations and entities', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page, ADMIN, '/ux-signals');
  // a demo page that is slow on the demo data (the test stack adds pages of its own)
  const link = page.locator('[data-testid=ux-slow-table] tr[data-path="/ratgeber/eeg-verguetung-2026"] a.page-link');
  await link.waitFor();
  const path = await link.getAttribute('data-url');
  await link.click();
  await page.waitForURL('**/seite?**');
  assert.equal(new URL(page.url()).searchParams.get('url'), path);
  await page.getByTestId('page-visitors').waitFor();
  await settled(page);
  assert.equal(await page.getByTestId('page-path').innerText(), path);
  const ts = (await apiGet(token, '/api/level5/analytics/timeseries', { tz: 'Europe/Berlin', path })).body;
  assert.equal(await page.getByTestId('page-visitors').getAttribute('data-value'), String(ts.totals.visitors));
  const ux = (await apiGet(token, '/api/level2/ux-signals/metrics', { tz: 'Europe/Berlin', device: 'mobile', path })).body;
  const mobile = ux.pages.find((p) => p.path === path);
  assert.equal(await page.getByTestId('pv-mobile-LCP').getAttribute('data-value'), String(mobile.vitals.LCP.p75 ?? ''));
  const recs = (await apiGet(token, '/api/level2/optimization/status', { status: 'open', limit: 500 })).body;
  const mine = recs.items.filter((r) => new URL(r.target, 'https://x').pathname === path);
  assert.equal(await page.getByTestId('page-rec').count(), mine.length);
  assert.ok(mine.length > 0, 'a slow page has recommendations');
  await page.getByTestId('serp-preview').waitFor();
  const entities = (await apiGet(token, '/api/level2/entity-seo/report')).body.top_entities
    .filter((e) => (e.urls || []).some((u) => new URL(u).pathname === path));
  assert.ok(entities.length > 0, 'the demo page mentions entities');
  await page.getByTestId('page-entity-list').waitFor();
  assert.equal(await page.locator('[data-testid=page-entity-list] li').count(), entities.length);
  await assertGerman(page, 'page view');
  await atBothSizes(page, 'page-view');
  assert.deepEqual(w.check(), []);
});

test('entities: German types and topic areas, decoded sameAs links, the graph inside its box', async (t) => {
  const { page, w } = await session(t);
  await uiLogin(page, ADMIN, '/entities');
  await page.locator('[data-testid=entities-top]').waitFor();
  await settled(page);
  const table = await page.locator('[data-testid=entities-top]').innerText();
  assert.ok(!/\b(Concept|Product|Place)\b/.test(table), 'entity types in German');
  assert.ok(!/%[0-9A-F]{2}/.test(table), 'sameAs decoded');
  const box = await page.locator('.chart').first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    const texts = [...el.querySelectorAll('text')].filter((x) => x.getAttribute('display') !== 'none' && x.style.display !== 'none' && Number(x.getAttribute('fill-opacity') ?? 1) > 0);
    const outside = texts.filter((x) => { const b = x.getBoundingClientRect(); return b.width > 0 && (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1); });
    const sizes = texts.map((x) => parseFloat(getComputedStyle(x).fontSize) || 12);
    return { outside: outside.map((x) => x.textContent), min: Math.min(...sizes) };
  });
  assert.deepEqual(box.outside, [], 'graph labels inside the box');
  assert.ok(box.min >= 11, `labels readable (${box.min}px)`);
  await atBothSizes(page, 'entities');
  assert.deepEqual(w.check(), []);
});
