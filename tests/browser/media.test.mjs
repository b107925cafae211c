// The "Medien" page (image and video SEO #16–#19) in Chromium against the running stack.
// Images of this run are audited through the API first (real files from tests/data/images);
// the page's tiles, distribution, formats, top issues and image table must equal the report
// the API gives, in German, with every issue code translated; the form audits a real PNG
// uploaded as a file and shows what the API answered; the video section shows the video
// report's figures (a 501 would show a calm "noch nicht verfügbar" instead of an error).
// No console errors; axe clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import {
  launch, apiLogin, apiGet, screenshot, uiLogin, settled, openSession, assertAxeClean, URL_BASE,
} from './helpers.mjs';
import { num, bytes } from '../../static/src/lib/format.js';

const REPORT = '/api/level3/multimodal/image-report';
const AUDIT = '/api/level3/multimodal/image';
const VIDEOS = '/api/level3/multimodal/video-report';
const DATA = join(dirname(fileURLToPath(import.meta.url)), '../data/images');
const RUN = randomBytes(3).toString('hex');
let browser; let closeBrowser; let token;

async function audit(body) {
  const res = await fetch(`${URL_BASE}${AUDIT}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}
const b64 = (name) => readFileSync(join(DATA, name)).toString('base64');

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
  const base = `https://media-${RUN}.example/bilder`;
  await audit({ url: `${base}/IMG_0042.jpg`, bytes: b64('node-stripe.jpg'), displayed_width: 200 });
  await audit({ url: `${base}/farbverlauf.png`, alt: 'Bild von Farbverläufen', bytes: b64('rickshaw-colors.png') });
  await audit({ url: `${base}/python-logo.webp`, alt: 'Python-Logo', bytes: b64('python.webp'), license: 'https://www.python.org/psf/trademarks/', creator: 'Python Software Foundation', creator_type: 'Organization' });
  await audit({ url: `${base}/xslt-baum.gif`, alt: 'Knotenbaum eines XSLT-Dokuments', bytes: b64('libxslt-node.gif') });
});
after(async () => { await closeBrowser?.(); });

const isReport = (r) => new URL(r.url()).pathname === REPORT && r.request().method() === 'GET';

/** The rows of a DataTable as arrays of cell texts. */
async function rows(page, id) {
  return page.locator(`[data-testid="${id}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((td) => td.innerText.trim())));
}

test('media: tiles, distribution, formats, issues and images equal the API report, in German', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page);
  const [resp] = await Promise.all([page.waitForResponse(isReport), page.getByTestId('nav-media').click()]);
  const body = await resp.json();
  await settled(page);
  await screenshot(page, '30-media');
  const direct = await apiGet(token, REPORT, { limit: 500 });
  assert.equal(direct.status, 200);
  assert.equal(direct.body.n, body.n);
  assert.equal(direct.body.savings_bytes, body.savings_bytes);
  assert.ok(body.n >= 4, 'the images of this run are there');
  assert.equal(await page.getByTestId('media-n').getAttribute('data-value'), String(body.n));
  assert.equal((await page.getByTestId('media-n').innerText()).trim(), num(body.n, 'de'));
  assert.equal((await page.getByTestId('media-score').innerText()).trim(), num(body.mean_score, 'de', 1));
  const savings = (await page.getByTestId('media-savings').innerText()).trim();
  assert.equal(savings, bytes(body.savings_bytes, 'de'));
  assert.match(savings, /^\d{1,3}(\.\d{3})*(,\d)? (B|kB|MB)$/, `German byte format: ${savings}`);
  // distribution: the three bands with the API's counts
  const bands = await page.locator('[data-testid="media-distribution"] li').evaluateAll((lis) => lis.map((li) => [li.dataset.key, Number(li.dataset.value)]));
  assert.deepEqual(bands, body.score_distribution.map((b) => [`${b.from}-${b.to}`, b.count]));
  const formats = await page.locator('[data-testid="media-formats"] li').evaluateAll((lis) => lis.map((li) => [li.dataset.key, Number(li.dataset.value)]));
  assert.deepEqual(formats, body.formats.map((f) => [f.format, f.count]));
  // top issues: translated labels (no API code), the API's counts in its order
  const top = await rows(page, 'media-top');
  assert.equal(top.length, Math.min(50, body.top_issues.length));
  for (const [i, r] of top.entries()) {
    assert.doesNotMatch(r[0], /[a-z]+_[a-z]+/, `untranslated issue code: ${r[0]}`);
    assert.equal(r[1], num(body.top_issues[i].count, 'de'));
  }
  const labels = top.map((r) => r[0]);
  assert.ok(labels.includes('Alt-Text fehlt') && labels.includes('Dateiname nicht beschreibend'), labels.join(' | '));
  // the images: worst score first, as the API lists them
  const items = await rows(page, 'media-items');
  assert.deepEqual(items.map((r) => r[0]), body.items.slice(0, items.length).map((i) => i.url));
  const camera = body.items.find((i) => i.url.endsWith(`media-${RUN}.example/bilder/IMG_0042.jpg`));
  const row = items.find((r) => r[0] === camera.url);
  assert.deepEqual(row.slice(1, 6), ['JPEG', `${num(493, 'de')} × 58`, bytes(camera.file_size, 'de'), num(camera.score, 'de'), bytes(camera.savings_bytes, 'de')]);
  assert.equal(camera.file_size, readFileSync(join(DATA, 'node-stripe.jpg')).length);
  assert.ok(row[6].includes('Alt-Text fehlt') && row[6].includes('Mehr als doppelt so breit wie angezeigt'), row[6]);
  // CSV export of the image table: the rows shown
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByTestId('media-items-csv').click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.ok(csv.includes(camera.url), 'the CSV lists the images');
  await assertAxeClean(page, 'media');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('media: the video section shows the video report of the demo videos', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page, undefined, '/media');
  await settled(page);
  const direct = await apiGet(token, VIDEOS, { limit: 500 });
  assert.equal(direct.status, 200);
  assert.ok(direct.body.n > 0, 'the demo has videos');
  assert.equal(await page.getByTestId('media-videos-notyet').count(), 0);
  assert.equal(await page.getByTestId('media-video-n').getAttribute('data-value'), String(direct.body.n));
  assert.equal(await page.getByTestId('media-video-eligible').getAttribute('data-value'), String(direct.body.eligible));
  const vtop = await rows(page, 'media-video-top');
  assert.ok(vtop.length > 0, 'the top issues are listed');
  assert.deepEqual(vtop.map((r) => r[1]), direct.body.top_issues.slice(0, vtop.length).map((x) => num(x.count, 'de')));
  await assertAxeClean(page, 'media-videos');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('media: the form audits an uploaded PNG and shows what the API answered', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page, undefined, '/media');
  await settled(page);
  const form = page.getByTestId('media-form');
  const url = `https://media-${RUN}.example/upload/solarpark-luftbild.png`;
  await form.getByLabel('Bild-URL').fill(url);
  await form.getByLabel('Alt-Text').fill('Solarpark aus der Luft');
  await form.getByLabel('Angezeigte Breite in CSS-Pixeln (optional)').fill('100');
  await page.getByTestId('media-file').setInputFiles(join(DATA, 'rickshaw-colors.png'));
  const [resp, reload] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === AUDIT),
    page.waitForResponse(isReport),
    form.getByRole('button', { name: 'Bild prüfen' }).click(),
  ]);
  const body = await resp.json();
  assert.equal(resp.status(), 200, JSON.stringify(body));
  assert.equal(body.format, 'png');
  assert.equal(body.measured, true);
  assert.deepEqual([body.width, body.height], [300, 162]);
  assert.equal(body.file_size, readFileSync(join(DATA, 'rickshaw-colors.png')).length);
  await page.getByTestId('media-result').waitFor();
  await screenshot(page, '31-media-form');
  assert.equal((await page.getByTestId('media-result-score').innerText()).trim(), num(body.score, 'de'));
  assert.equal((await page.getByTestId('media-result-size').innerText()).trim(), '300 × 162');
  assert.equal((await page.getByTestId('media-result-savings').innerText()).trim(), bytes(body.savings_bytes, 'de'));
  const codes = await page.locator('[data-testid="media-result-issues"] li').evaluateAll((lis) => lis.map((li) => li.dataset.code));
  assert.deepEqual(codes, body.issues.map((i) => i.code));
  const texts = await page.getByTestId('media-result-issues').innerText();
  assert.ok(texts.includes('Mehr als doppelt so breit wie angezeigt') && texts.includes('Hinweis'), texts);
  // the report was read again and lists the new image
  const after = await reload.json();
  assert.ok(after.items.some((i) => i.url === url), 'the report lists the new image');
  await settled(page);
  assert.equal(await page.getByTestId('media-n').getAttribute('data-value'), String(after.n));
  await assertAxeClean(page, 'media-form');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
