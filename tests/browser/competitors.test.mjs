// The "Wettbewerber" page (#52–#55) in Chromium against the running stack (started, as
// scripts/dev test does, with ZOE_OUTBOUND_ALLOW=127.0.0.1/32, so a server of this process
// may be fetched). Two competitors of this run are stored through the API with rankings
// for a keyword of their own over two days and a page snapshot with a word found nowhere
// else. The page's list, share of voice (for that keyword set: shares computed here from
// the API's CTR curve), keyword, content and schema gaps must equal the API's; the CSV
// exports are German (BOM, semicolons, decimal comma); the add and snapshot forms show the
// API's refusals (a field error at once, a fetch blocked by robots.txt in the snapshot
// list). A viewer gets no forms; the English texts switch. No console errors; axe clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  launch, apiLogin, apiGet, screenshot, uiLogin, settled, openSession, assertAxeClean, ensureUser, URL_BASE,
} from './helpers.mjs';
import { num, pct, date } from '../../static/src/lib/format.js';

const LIST = '/api/level5/competitors';
const GAP = '/api/level5/competitors/gap';
const RUN = randomBytes(3).toString('hex');
const TAG = RUN.replace(/\d/g, (d) => 'ghijklmnop'[d]);           // letters only: one word
const KEYWORD = `bt${RUN} speicher`;
const WORD = `Kupferfalzdach${TAG}`;
const A = { name: `Sonnenprobe ${RUN}`, domain: `bt${RUN}a.example.org` };
const B = { name: `Dachprobe ${RUN}`, domain: `bt${RUN}b.example.org` };
const DAYS = ['2026-10-05', '2026-10-12'];
const VIEWER = { email: `bt-comp-${RUN}@zoe-solar.de`, password: `Viewer-${RUN}-Passwort!` };
let browser; let closeBrowser; let token; let server; let ids;

async function post(path, body, status) {
  const res = await fetch(`${URL_BASE}${path}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await res.json();
  assert.equal(res.status, status, JSON.stringify(json));
  return json;
}

const pageHtml = (title) => `<!doctype html><html lang="de"><head><title>${title}</title></head><body>
<h1>${WORD} für Hausdächer</h1><p>Das ${WORD} hält Regen ab. Ein ${WORD} trägt Module.</p></body></html>`;

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
  // robots.txt of this server shuts every crawler out: a fetch of it must come back blocked
  server = http.createServer((req, res) => {
    if (req.url === '/robots.txt') { res.writeHead(200, { 'Content-Type': 'text/plain' }).end('User-agent: *\nDisallow: /\n'); return; }
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(pageHtml('Gesperrt'));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const a = await post(LIST, { ...A, region: 'Kiel', keywords: [KEYWORD] }, 200);
  const b = await post(LIST, { ...B, keywords: [KEYWORD] }, 200);
  ids = { a: a.id, b: b.id };
  // A: position 1, then 3; B: 2, then 1; 500 searches a month
  await post(`${LIST}/${a.id}/snapshots`, { rankings: [
    { keyword: KEYWORD, position: 1, day: DAYS[0], volume: 500 }, { keyword: KEYWORD, position: 3, day: DAYS[1] }] }, 201);
  await post(`${LIST}/${b.id}/snapshots`, { rankings: [
    { keyword: KEYWORD, position: 2, day: DAYS[0] }, { keyword: KEYWORD, position: 1, day: DAYS[1] }] }, 201);
  await post(`${LIST}/${a.id}/snapshots`, { url: `https://www.${A.domain}/dach`, html: pageHtml(`Dach ${RUN}`) }, 201);
});
after(async () => {
  server?.close();
  await closeBrowser?.();
});

const isList = (r) => new URL(r.url()).pathname === LIST && r.request().method() === 'GET';
const isGap = (r) => new URL(r.url()).pathname === GAP;

async function rows(page, id) {
  return page.locator(`[data-testid="${id}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((td) => td.innerText.trim())));
}

/** Shows every row of a table that holds more than a page of them. */
async function showAll(page, testid, label = 'Alle anzeigen') {
  const more = page.locator('.table-block', { has: page.getByTestId(testid) }).getByRole('button', { name: label });
  if (await more.count()) await more.click();
}

async function csvOf(page, testid) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`${testid}-csv`).click()]);
  const text = readFileSync(await download.path(), 'utf8');
  assert.ok(text.startsWith('\uFEFF'), `${testid}: UTF-8 BOM`);
  return text.slice(1).trim().split('\r\n');
}

/** The CTR of a position on the API's curve: linear between whole positions, 0 beyond 10. */
function ctr(curve, pos) {
  if (pos === null || pos > 10) return 0;
  const i = Math.floor(pos); const f = pos - i;
  return i >= 10 ? curve[9] : curve[i - 1] * (1 - f) + curve[i] * f;
}

test('competitors: list, share of voice, gaps and CSV equal the API, in German', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page);
  const [listResp] = await Promise.all([page.waitForResponse(isList), page.waitForResponse(isGap), page.getByTestId('nav-competitors').click()]);
  const list = await listResp.json();
  await settled(page);
  await screenshot(page, '45-competitors');
  assert.equal(await page.locator('h1').innerText(), 'Wettbewerber');

  // the list: every competitor with its figures
  assert.equal((await rows(page, 'comp-list')).length, Math.min(50, list.n));
  await showAll(page, 'comp-list');
  const table = await rows(page, 'comp-list');
  assert.equal(table.length, list.n);
  const a = list.items.find((c) => c.id === ids.a);
  assert.equal(a.snapshot_count, 2, 'one snapshot of rankings, one of a page');
  const row = table.find((r) => r[0] === A.name);
  assert.ok(row, 'competitor A is listed');
  assert.deepEqual(row.slice(1, 9), [A.domain, 'Kiel', KEYWORD, pct(a.share_of_voice, 'de'), num(a.ranking.mean_position, 'de', 1),
    num(a.latest.content_score, 'de'), '2', row[8]]);
  assert.equal(a.ranking.mean_position, 3, 'the latest position of A');
  assert.match(row[8], /^erfasst · /, 'the latest snapshot is taken');
  assert.equal(await page.getByTestId('comp-us').getAttribute('data-value'), String(list.us.share_of_voice));

  // share of voice for the keyword set of this run: computed here from the API's curve
  const [gapResp] = await Promise.all([page.waitForResponse((r) => isGap(r) && new URL(r.url()).searchParams.get('keywords') === KEYWORD),
    page.getByTestId('comp-set').fill(KEYWORD).then(() => page.getByTestId('comp-set-apply').click())]);
  const gap = await gapResp.json();
  await settled(page);
  const sov = gap.share_of_voice;
  assert.deepEqual(sov.keywords, [KEYWORD]);
  assert.equal(sov.weighting, 'volume');
  assert.deepEqual(sov.series.map((p) => p.day), DAYS);
  const curve = sov.curve.ctr_by_position;
  const ix = Object.fromEntries(sov.domains.map((d, i) => [d.id, i]));
  const pos = { [ids.a]: [1, 3], [ids.b]: [2, 1] };
  DAYS.forEach((day, k) => {
    const clicks = sov.domains.map((d) => 500 * ctr(curve, pos[d.id]?.[k] ?? null));
    const total = clicks.reduce((x, y) => x + y, 0);
    for (const d of sov.domains) {
      assert.ok(Math.abs(sov.series[k].shares[ix[d.id]] - clicks[ix[d.id]] / total) < 1e-6, `${day} ${d.domain}`);
    }
  });
  // the series table: a row per day (newest first) for us and every competitor with a share
  const drawn = [0, ids.a, ids.b];
  const series = await page.locator('[data-testid="comp-sov-series"] tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.day, Number(tr.dataset.id)]));
  assert.deepEqual(series, [DAYS[1], DAYS[0]].flatMap((day) => drawn.map((id) => [day, id])), 'newest day first');
  const name = (id) => (id === 0 ? `Wir (${list.us.domain})` : id === ids.a ? A.name : B.name);
  assert.deepEqual((await rows(page, 'comp-sov-series')).slice(0, 3),
    drawn.map((id) => [date(DAYS[1], 'de'), name(id), pct(sov.series[1].shares[ix[id]], 'de')]));
  assert.ok((await page.getByTestId('comp-sov-meta').innerText()).includes(`Nicht gezeichnet: ${sov.domains.length - 3} Wettbewerber`));
  const share = await rows(page, 'comp-sov-table');
  const order = [...sov.domains].sort((x, y) => y.share - x.share || x.id - y.id).slice(0, 50);
  assert.deepEqual(share.map((r) => r[0]), order.map((d) => (d.id === 0 ? `Wir (${d.domain})` : d.name)), 'largest voice first');
  const rb = share.find((r) => r[0] === B.name);
  assert.deepEqual(rb.slice(1, 3), [pct(sov.domains[ix[ids.b]].share, 'de'), pct(sov.domains[ix[ids.b]].visibility, 'de')]);
  assert.equal(await page.locator('[data-testid="comp-sov-chart"] svg').count(), 1, 'the chart is drawn as SVG');
  assert.ok((await page.getByTestId('comp-sov-chart').getAttribute('aria-label')).includes(`${B.name} ${pct(sov.series[1].shares[ix[ids.b]], 'de')}`));
  // the curve and its source as the API states them
  const shown = await page.locator('[data-testid="comp-curve-values"] li').evaluateAll((lis) => lis.map((li) => Number(li.dataset.value)));
  assert.deepEqual(shown, curve);
  assert.equal(await page.locator('[data-testid="comp-curve-source"] cite').innerText(), sov.curve.source);
  assert.equal(await page.getByTestId('comp-curve-between').innerText(), sov.curve.between);

  // keyword gap: the keyword of this run, B best at 1, A at 3, we nowhere
  const kw = gap.keyword_gap.find((k) => k.keyword === KEYWORD);
  assert.deepEqual([kw.volume, kw.best_position, kw.our_position, kw.competitors.map((c) => c.id)], [500, 1, null, [ids.b, ids.a]]);
  await showAll(page, 'comp-kwgap');
  const kwRow = (await rows(page, 'comp-kwgap')).find((r) => r[0] === KEYWORD);
  assert.deepEqual(kwRow, [KEYWORD, '500', 'Suchvolumen', '—', '1,0', `${B.domain} (1,0), ${A.domain} (3,0)`]);
  // sortable: by volume ascending puts the smallest first
  await page.getByTestId('comp-kwgap-sort-volume').click();
  await page.getByTestId('comp-kwgap-sort-volume').click();
  const vols = gap.keyword_gap.map((k) => k.volume).filter((v) => v !== null).sort((x, y) => x - y);
  assert.equal((await rows(page, 'comp-kwgap'))[0][1], num(vols[0], 'de'));
  assert.equal(await page.locator('[data-testid="comp-kwgap"] th[aria-sort=ascending]').count(), 1);
  const kwCsv = await csvOf(page, 'comp-kwgap');
  assert.equal(kwCsv[0], 'Keyword;Suchvolumen;Volumen aus;Unsere Position;Beste Position;Wettbewerber (Position)');
  assert.equal(kwCsv.length, gap.keyword_gap.length + 1);
  assert.ok(kwCsv.includes(`${KEYWORD};500;Suchvolumen;;1;${B.domain} (1,0), ${A.domain} (3,0)`), kwCsv.join('\n'));

  // content gap: the word of this run, on A's page only, in the group without an entity
  const group = gap.content_gap.groups.find((g) => g.terms.some((x) => x.term === WORD));
  assert.ok(group, 'the word of this run is a content gap');
  const term = group.terms.find((x) => x.term === WORD);
  assert.deepEqual(term.competitors, [A.domain]);
  const terms = gap.content_gap.groups.reduce((n, g) => n + g.terms.length, 0);
  assert.equal(await page.locator('[data-testid="comp-contentgap"] tbody tr').count(), Math.min(50, terms));
  await showAll(page, 'comp-contentgap');
  const cRow = page.locator(`[data-testid="comp-contentgap"] tr[data-stem="${term.stem}"]`);
  assert.deepEqual(await cRow.evaluate((tr) => [...tr.querySelectorAll('th, td')].map((td) => td.innerText.trim())),
    [group.entity ?? '(keine Entität)', WORD, num(term.weight, 'de', 4), A.domain]);
  // the groups: one row per entity, its terms counted and their weights added up
  const groupRows = await rows(page, 'comp-contentgroups');
  assert.deepEqual(groupRows.map((r) => r[0]), gap.content_gap.groups.slice(0, 50).map((g) => g.entity ?? '(keine Entität)'));
  const gRow = groupRows[gap.content_gap.groups.indexOf(group)];
  const sum = group.terms.reduce((n, x) => n + x.weight, 0);
  assert.deepEqual(gRow.slice(1, 3), [num(group.terms.length, 'de'), num(sum, 'de', 4)]);
  assert.ok(gRow[3].split(', ').includes(WORD));
  assert.equal(await page.locator('[data-testid="comp-contentgap"] tbody tr').count(), terms);
  const cCsv = await csvOf(page, 'comp-contentgap');
  assert.equal(cCsv[0], 'Entität;Begriff;TF-IDF-Gewicht;Gefunden bei');
  assert.equal(cCsv.length, terms + 1);
  assert.ok(cCsv.includes(`${group.entity ?? '(keine Entität)'};${WORD};${String(term.weight).replace('.', ',')};${A.domain}`), cCsv.join('\n'));

  // schema gap: the API's list in its order
  const schema = await rows(page, 'comp-schemagap');
  assert.deepEqual(schema.map((r) => r[0]), gap.schema_gap.missing.slice(0, 50).map((s) => s.type));
  assert.deepEqual(schema.map((r) => r[1]), gap.schema_gap.missing.slice(0, 50).map((s) => num(s.pages, 'de')));
  const sCsv = await csvOf(page, 'comp-schemagap');
  assert.equal(sCsv[0], 'Schema-Typ;Seiten;Gefunden bei');
  assert.equal(sCsv.length, gap.schema_gap.missing.length + 1);

  // the method as the API states it
  await page.getByTestId('comp-method').locator('summary').click();
  assert.equal(await page.getByTestId('comp-method').locator('p[lang=en]').first().innerText(), gap.method);

  // the share-of-voice series as CSV: decimal commas
  const vCsv = await csvOf(page, 'comp-sov-series');
  assert.deepEqual(vCsv, ['Ranking-Tag;Wettbewerber;Share of Voice', ...[1, 0].flatMap((k) => drawn.map((id) =>
    `${DAYS[k]};${name(id)};${String(sov.series[k].shares[ix[id]]).replace('.', ',')}`))]);

  await assertAxeClean(page, 'competitors');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('competitors: the forms show what the API says, refusals included', async (t) => {
  const { page, w } = await openSession(browser, t);
  w.allow((path, status) => status === 422 && path.startsWith(LIST));
  await uiLogin(page, undefined, '/competitors');
  await settled(page);

  // add: a bad domain is refused with the field named, a good one is stored
  await page.getByTestId('comp-add-name').fill(`Neu ${RUN}`);
  await page.getByTestId('comp-add-domain').fill('kein domain');
  const [bad] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === LIST && r.request().method() === 'POST'),
    page.getByTestId('comp-add-save').click()]);
  const problem = await bad.json();
  assert.equal(bad.status(), 422);
  const err = page.getByTestId('comp-add-error');
  await err.waitFor();
  assert.equal(await err.locator('.field-errors li code').innerText(), 'domain');
  assert.ok((await err.innerText()).includes(problem.errors[0].message));
  const dom = `bt${RUN}c.example.org`;
  await page.getByTestId('comp-add-domain').fill(`https://www.${dom}/start`);
  await page.getByTestId('comp-add-keywords').fill('Balkonkraftwerk, wallbox ');
  await page.getByTestId('comp-add-save').click();
  await page.locator('[data-testid="comp-add-result"][data-status="inserted"]').waitFor();
  assert.equal(await page.getByTestId('comp-add-result').innerText(), `Neu ${RUN} (${dom}) angelegt.`);
  await settled(page);
  const stored = (await apiGet(token, LIST)).body.items.find((c) => c.domain === dom);
  assert.deepEqual(stored.keywords, ['balkonkraftwerk', 'wallbox']);
  await showAll(page, 'comp-list');
  assert.ok((await rows(page, 'comp-list')).some((r) => r[0] === `Neu ${RUN}` && r[1] === dom), 'the list reloaded');

  // snapshot with pasted HTML: a URL off the competitor's domain is refused, then taken
  await page.getByTestId('comp-snap-competitor').selectOption(String(ids.a));
  await page.getByTestId('comp-snap-url').fill('https://woanders.example/dach');
  await page.getByTestId('comp-snap-html').fill(pageHtml(`Formular ${RUN}`));
  await page.getByTestId('comp-snap-save').click();
  const snapErr = page.getByTestId('comp-snap-error');
  await snapErr.waitFor();
  assert.equal(await snapErr.locator('.field-errors li code').innerText(), 'url');
  assert.ok((await snapErr.innerText()).includes(`must be a page of ${A.domain}`));
  await page.getByTestId('comp-snap-url').fill(`https://${A.domain}/formular`);
  const [okResp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/${ids.a}/snapshots`) && r.status() === 201),
    page.getByTestId('comp-snap-save').click()]);
  const snap = await okResp.json();
  await page.locator('[data-testid="comp-snap-result"][data-status="201"]').waitFor();
  assert.equal(await page.getByTestId('comp-snap-result').innerText(),
    `Erfasst: „Formular ${RUN}“, ${num(snap.word_count, 'de')} Wörter, Inhaltswert ${num(snap.content_score, 'de')}, JSON-LD-Typen: —.`);

  // a URL to fetch: queued, and robots.txt of the server blocks it; the list shows why
  const tsrv = await post(LIST, { name: 'Testserver', domain: '127.0.0.1' }, 200);
  await page.reload();
  await settled(page);
  await page.getByTestId('comp-snap-competitor').selectOption(String(tsrv.id));
  await page.getByTestId('comp-snap-mode-fetch').check();
  assert.equal(await page.getByTestId('comp-snap-html').count(), 0, 'no HTML field for a fetch');
  await page.getByTestId('comp-snap-url').fill(`http://127.0.0.1:${server.address().port}/privat`);
  const [qResp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/${tsrv.id}/snapshots`)), page.getByTestId('comp-snap-save').click()]);
  const queued = await qResp.json();
  assert.equal(qResp.status(), 202);
  await page.locator('[data-testid="comp-snap-result"][data-status="202"]').waitFor();
  assert.equal(await page.getByTestId('comp-snap-result').innerText(),
    `Abruf eingereiht (Snapshot ${num(queued.id, 'de')}, Auftrag ${num(queued.job_id, 'de')}). Das Ergebnis – erfasst, fehlgeschlagen oder gesperrt – erscheint in der Liste der Snapshots.`);
  let done;
  for (let i = 0; i < 60 && !done; i++) {
    const it = (await apiGet(token, LIST)).body.items.find((c) => c.id === tsrv.id);
    done = it.snapshots.find((s) => s.id === queued.id && s.state !== 'queued');
    if (!done) await page.waitForTimeout(250);
  }
  assert.ok(done, 'the job runner took the fetch');
  assert.equal(done.state, 'blocked', JSON.stringify(done));
  await page.reload();
  await settled(page);
  const snapRow = page.locator(`[data-testid="comp-snapshots"] tr[data-id="${queued.id}"]`);
  assert.equal(await snapRow.getAttribute('data-state'), 'blocked');
  const cells = await snapRow.evaluate((tr) => [...tr.querySelectorAll('th, td')].map((td) => td.innerText.trim()));
  assert.deepEqual(cells.slice(0, 5), ['Testserver', 'URL abgerufen', done.url, 'durch robots.txt gesperrt', done.error]);
  await screenshot(page, '46-competitors-forms');
  await assertAxeClean(page, 'competitors-forms');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('competitors: a viewer reads without forms; English texts', async (t) => {
  if (!ensureUser(VIEWER.email, 'viewer', VIEWER.password)) { t.skip('no zoe binary to create a viewer'); return; }
  const { page, w } = await openSession(browser, t);
  await uiLogin(page, VIEWER, '/competitors');
  await settled(page);
  await showAll(page, 'comp-list');
  assert.ok((await rows(page, 'comp-list')).some((r) => r[0] === A.name));
  assert.equal(await page.getByTestId('comp-add').count(), 0, 'no add form for a viewer');
  assert.equal(await page.getByTestId('comp-snap').count(), 0, 'no snapshot form for a viewer');
  await page.getByTestId('lang-switch').click();
  await settled(page);
  assert.equal(await page.locator('h1').innerText(), 'Competitors');
  assert.equal(await page.locator('#comp-kwgap-caption, [data-testid="comp-kwgap-card"] h2').first().innerText(), 'Keyword gap');
  const kwCsv = await csvOf(page, 'comp-kwgap');
  assert.equal(kwCsv[0], 'Keyword,Volume,Volume from,Our position,Best position,Competitors (position)');
  await assertAxeClean(page, 'competitors-en');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
