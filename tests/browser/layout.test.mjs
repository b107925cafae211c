// Layout and language of every page, at a phone's size (390×844) and a desktop's (1440×900):
// nothing overflows its box (the document, cards, tiles, tables), the overview's layout
// shift while loading stays small (CLS from a PerformanceObserver, written to
// var/artifacts/cls.json), focus lands on the heading after sign-in, and in German mode no
// English word, raw API key or English-formatted number shows anywhere (chart axes included).
// Screenshots of every page at both sizes go to $ZOE_ARTIFACTS (layout-<page>-<width>.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN, launch, newContext, uiLogin, settled, watch, screenshot, saveJson, axeScan, URL_BASE } from './helpers.mjs';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '../../static/dist');

const SIZES = [{ width: 390, height: 844 }, { width: 1440, height: 900 }];
// every page an admin reaches from the navigation, by its nav test id: read from App.jsx's
// PAGES table, so a page added there is checked here without a second list to keep
const APP = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../static/src/App.jsx'), 'utf8');
const PAGES = [...APP.matchAll(/\{ path: '\/([\w-]*)'[^}]*\}/g)]
  .filter((m) => !/nav: false/.test(m[0])).map((m) => m[1] || 'overview');

// English words the dashboard showed in German mode (status badges, categories, severities,
// entity types, state texts), and the shapes of untranslated output: snake_case API keys,
// dotted dictionary keys, literal null/undefined/NaN.
const ENGLISH = /\b(ready|not ready|loading|error|errors|warning|warnings|resolved|dismissed|passed|failed|good|poor|needs improvement|insufficient data|content|metadata|reviews|vitals|samples|concept|product|place|organization|internal server error|not found|previous period|visitors|pageviews|bounce rate|the|and|with|none|true|false)\b/i;
const RAW = /\b([a-z]+_[a-z0-9_]+|(?:nav|overview|range|state|metric|compare|interval|category|status|ux|recs|meta|perf|reviews|entities)\.[a-z][\w.]*|null|undefined|NaN)\b/;
// numbers in English form: a thousands comma ("1,000", "17,860") or a decimal point ("4.38")
const EN_NUMBER = /(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d,])|(?<![\d.,])\d+\.\d{1,2}(?![\d.])/;

let browser; let closeBrowser;
before(async () => { ({ browser, close: closeBrowser } = await launch()); });
after(async () => { await closeBrowser?.(); });

/** The visible text of the page in German, one entry per text node or SVG text, without
 *  what is meant to stay as it is: other-language bits (lang="en"), code, URLs and e-mails. */
async function germanText(page) {
  const texts = await page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('code, pre, script, style, [lang]:not([lang=de]), [translate=no], .native-picker')) continue;
      if (!el.getClientRects().length) continue;              // not shown
      const s = n.textContent.trim();
      if (s) out.push(s);
    }
    for (const a of document.querySelectorAll('[aria-label]')) out.push(a.getAttribute('aria-label'));
    return out;
  });
  return texts.map((s) => s.replace(/\b[\w.+-]+@[\w.-]+\b/g, '').replace(/(https?:\/\/|\/)[^\s,;]*/g, '')
    .replace(/Core Web Vitals/g, '').replace(/\b\d{1,2}\.\d{1,2}\.\d{4}\b/g, '').replace(/\b\d+\.\s/g, ''));
}

/** The elements wider than their box: [what, scrollWidth, clientWidth]. */
function overflowing(page) {
  return page.evaluate(() => {
    const bad = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) bad.push(['document', doc.scrollWidth, doc.clientWidth]);
    for (const el of document.querySelectorAll('.card, .tile, .topbar, .range-picker, .kpi, .vital-tile, table, .chart')) {
      if (el.closest('.table-scroll') && el.tagName !== 'TABLE') continue;
      const region = el.tagName === 'TABLE' && el.closest('.scroll-region');
      if (region) {                 // a matrix scrolls inside its own region, which must fit
        const r = region.getBoundingClientRect();
        if (r.right > window.innerWidth + 1 || region.offsetWidth > region.parentElement.clientWidth + 1) {
          bad.push([`div.scroll-region ${el.dataset.testid || ''}`.trim(), region.offsetWidth, region.parentElement.clientWidth]);
        }
        continue;
      }
      const box = el.tagName === 'TABLE' ? el.closest('.table-scroll') || el.parentElement : el;
      const limit = el.tagName === 'TABLE' && window.innerWidth > 720 ? Infinity : box.clientWidth + 1;   // wide tables scroll on a desktop
      const r = el.getBoundingClientRect();
      if (el.scrollWidth > limit || r.right > window.innerWidth + 1) {
        bad.push([`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${el.dataset.testid || ''}`.trim(), el.scrollWidth, box.clientWidth]);
      }
    }
    return bad;
  });
}

async function openPage(page, name, size) {
  if (name !== 'overview' || page.url().includes('/system')) {
    if (size.width <= 720) await page.getByTestId('menu').click();
    await page.getByTestId(`nav-${name}`).click();
  }
  await settled(page);
}

for (const size of SIZES) {
  test(`${size.width}×${size.height}: no page overflows its box; screenshots`, async (t) => {
    const context = await newContext(browser, { viewport: size });
    t.after(() => context.close());
    const page = await context.newPage();
    const w = watch(page);
    await uiLogin(page);
    await settled(page);
    const failures = {};
    const landmarks = {};
    for (const name of PAGES) {
      await openPage(page, name, size);
      await screenshot(page, `layout-${name}-${size.width}`);
      const bad = await overflowing(page);
      if (bad.length) failures[name] = bad.slice(0, 5);
      const axe = await axeScan(page);
      const dup = axe.filter((v) => v.id === 'landmark-unique' || v.impact === 'serious' || v.impact === 'critical');
      if (dup.length) landmarks[name] = dup.map((v) => `${v.id}: ${v.nodes.join(', ')}`);
    }
    assert.deepEqual(failures, {}, 'elements wider than their box');
    assert.deepEqual(landmarks, {}, 'axe at this size: landmark-unique, serious or critical violations');
    assert.deepEqual(w.check(), [], 'console errors or failed requests');
  });

  test(`${size.width}×${size.height}: the overview's layout shift while loading is small (CLS)`, async (t) => {
    const context = await newContext(browser, { viewport: size });
    t.after(() => context.close());
    await context.addInitScript(() => {
      window.__cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const page = await context.newPage();
    await uiLogin(page);
    await page.reload();                          // a cold load of the overview with a session
    await page.getByTestId('logout').waitFor();
    await settled(page);
    await page.waitForTimeout(500);
    const cls = await page.evaluate(() => window.__cls);
    saveJson(`cls-overview-${size.width}`, { viewport: size, cls });
    t.diagnostic(`CLS overview ${size.width}: ${cls.toFixed(4)}`);
    assert.ok(cls < 0.1, `CLS ${cls} below Google's "good" 0.1`);
  });
}

test('phone: the header is compact and the menu opens the navigation', async (t) => {
  const context = await newContext(browser, { viewport: SIZES[0] });
  t.after(() => context.close());
  const page = await context.newPage();
  await uiLogin(page);
  const header = await page.locator('.topbar').boundingBox();
  assert.ok(header.height <= 120, `header ${header.height} px high`);
  assert.equal(await page.locator('#sidenav').isVisible(), false, 'navigation folded away');
  await page.getByTestId('menu').click();
  assert.equal(await page.getByTestId('menu').getAttribute('aria-expanded'), 'true');
  assert.ok(await page.getByTestId('nav-system').isVisible(), 'navigation shown');
  await page.getByTestId('nav-system').click();
  await page.getByTestId('health').waitFor();
  assert.equal(await page.locator('#sidenav').isVisible(), false, 'menu closes after navigating');
});

test('after sign-in the focus is on the page heading; the calendar buttons show a focus ring', async (t) => {
  const context = await newContext(browser, { viewport: SIZES[1] });
  t.after(() => context.close());
  const page = await context.newPage();
  await uiLogin(page);
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Übersicht');
  await page.getByTestId('from-calendar').focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');                 // keyboard focus: :focus-visible applies
  const outline = await page.getByTestId('from-calendar').evaluate((el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth);
  assert.match(outline, /^solid [1-9]/, `focus ring: ${outline}`);
});

test('date fields follow the DE/EN switch, not the browser', async (t) => {
  const context = await newContext(browser, { viewport: SIZES[1], locale: 'en-US' });
  t.after(() => context.close());
  const page = await context.newPage();
  await uiLogin(page, ADMIN, '/?from=2026-11-04&to=2026-11-30');
  assert.equal(await page.locator('input[name=from]').inputValue(), '04.11.2026');
  await page.getByTestId('lang-switch').click();
  assert.equal(await page.locator('input[name=from]').inputValue(), '04/11/2026');
  // typing a date of one's own in the language's order moves the range
  await page.locator('input[name=to]').fill('20/11/2026');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/to=2026-11-20/);
  await page.getByTestId('lang-switch').click();
});

for (const name of PAGES) {
  test(`German mode: no English word or English number on ${name}`, async (t) => {
    const context = await newContext(browser, { viewport: SIZES[1] });
    t.after(() => context.close());
    const page = await context.newPage();
    await uiLogin(page, ADMIN, name === 'overview' ? '/' : `/${name}`);
    await settled(page);
    await page.waitForTimeout(300);
    const found = [];
    for (const s of await germanText(page)) {
      const m = s.match(ENGLISH) || s.match(RAW) || s.match(EN_NUMBER);
      if (m) found.push(`"${m[0]}" in "${s.slice(0, 80)}"`);
    }
    assert.deepEqual([...new Set(found)], [], `${URL_BASE}/${name}: English in German mode`);
  });
}

test('nginx sends the build precompressed: brotli or gzip -9 files as they are', async () => {
  const html = await (await fetch(`${URL_BASE}/`)).text();
  const assets = [...html.matchAll(/\/assets\/[\w.-]+\.(?:js|css)/g)].map((m) => m[0]);
  assert.ok(assets.length >= 2, 'index.html names its script and style');
  for (const path of assets) {
    for (const [accept, ext] of [['br', 'br'], ['gzip', 'gz']]) {
      const res = await fetch(`${URL_BASE}${path}`, { headers: { 'Accept-Encoding': accept } });
      await res.arrayBuffer();
      assert.equal(res.headers.get('content-encoding'), accept, `${path} as ${accept}`);
      // a precompressed file is sent with its length; one compressed per request is chunked
      assert.equal(Number(res.headers.get('content-length')), statSync(join(DIST, `${path}.${ext}`)).size, `${path}.${ext} sent as built`);
    }
  }
  assert.ok(readFileSync(join(DIST, 'index.html'), 'utf8').includes('/assets/'), 'the build is the one served');
});
