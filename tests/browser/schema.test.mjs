// The "Strukturierte Daten" page (schema markup #32–#37) in Chromium against the running stack.
// A snippet of this run is sent to each service first (one invalid product, a HowTo, an FAQ);
// for each service the tiles must equal the API's report, the snippets must be listed invalid
// first with the API's states and error counts, in German; a snippet opens to its errors and
// its JSON-LD, and the copy button puts the <script> block on the clipboard. No console
// errors; axe clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import {
  launch, apiLogin, apiGet, screenshot, uiLogin, settled, openSession, assertAxeClean, URL_BASE,
} from './helpers.mjs';
import { num } from '../../static/src/lib/format.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../data/jsonld');
const RUN = randomBytes(3).toString('hex');
const KINDS = ['automotive', 'howto', 'qa'];
let browser; let closeBrowser; let token;
const fixture = (name) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')).markup;

async function send(kind, path, markup) {
  const res = await fetch(`${URL_BASE}/api/level4/schema/${kind}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: `https://schema-${RUN}.example${path}`, markup }),
  });
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

let broken;
before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
  broken = await send('automotive', '/carport', fixture('product-broken'));
  await send('howto', '/fliesen', fixture('howto-ok'));
  await send('qa', '/faq', fixture('faqpage-ok'));
});
after(async () => { await closeBrowser?.(); });

test('schema: tiles and snippets equal the reports, invalid first, in German', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page);
  await page.getByTestId('nav-schema').click();
  await page.getByRole('heading', { level: 1, name: 'Strukturierte Daten' }).waitFor();
  await settled(page);
  await screenshot(page, '40-schema');
  for (const kind of KINDS) {
    const { status, body } = await apiGet(token, `/api/level4/schema/${kind}-report`, { limit: 500 });
    assert.equal(status, 200);
    assert.ok(body.n >= 1, `${kind}: the snippet of this run is there`);
    for (const [id, v] of [['n', body.n], ['valid', body.by_state.valid], ['warnings', body.by_state.warnings], ['invalid', body.by_state.invalid]]) {
      const tile = page.getByTestId(`schema-${kind}-${id}`);
      assert.equal(await tile.getAttribute('data-value'), String(v), `${kind} ${id}`);
      assert.equal((await tile.innerText()).trim(), num(v, 'de'));
    }
    const items = await page.locator(`[data-testid="schema-${kind}-items"] > li`).evaluateAll((lis) => lis.map((li) => [
      Number(li.dataset.id), li.dataset.state, Number(li.dataset.errors), Number(li.dataset.warnings)]));
    assert.deepEqual(items, body.items.map((s) => [s.id, s.state, s.errors.length, s.warnings.length]));
    const order = items.map((i) => ['invalid', 'warnings', 'valid'].indexOf(i[1]));
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `${kind}: invalid first`);
  }
  const badges = await page.locator('[data-testid="snippet"] .badge').allInnerTexts();
  assert.ok(badges.every((b) => ['Gültig', 'Mit Hinweisen', 'Ungültig'].includes(b.trim())), badges.join(','));
  await assertAxeClean(page, 'schema');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('schema: a snippet shows its errors and copies its JSON-LD', async (t) => {
  const { page, w } = await openSession(browser, t);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: URL_BASE });
  await uiLogin(page, undefined, '/schema');
  await settled(page);
  const item = page.locator(`[data-testid="snippet"][data-id="${broken.id}"]`);
  await item.locator('summary').click();
  const errors = await item.locator('[data-testid="snippet-errors"] li code').allInnerTexts();
  assert.deepEqual(errors, broken.errors.map((e) => e.path));
  assert.match(await item.locator('summary').innerText(), new RegExp(`${broken.errors.length} Fehler`));
  await item.getByTestId('snippet-copy').click();
  await item.getByText('Kopiert').waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(copied.startsWith('<script type="application/ld+json">'), copied.slice(0, 60));
  const json = JSON.parse(copied.replace(/^<script[^>]*>/, '').replace(/<\/script>$/, ''));
  assert.deepEqual(json, broken.markup);
  await assertAxeClean(page, 'schema-open');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
