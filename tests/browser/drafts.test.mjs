// The "Entwürfe" page (autonomous content #48–#51) in Chromium against the running stack.
// The list, its status filter and counts must equal GET .../drafts; a landing page draft
// generated through the page's form shows the API's title, per paragraph the rows it used,
// what is missing and the candidates' scores, and its score equals what the content analysis
// (#26) gives for its text on its own. Two editors edit one draft: the first saves, the
// second gets the German conflict message with the server's version and applies the change
// again on it; the first, now behind, gets a 412 and reloads. Approve and publish (twice:
// nothing changes) follow the API. A viewer reads the drafts without the controls that
// change them; English texts. The drafts, the analysis and the user this run makes are
// deleted afterwards (the demo drafts are not touched). A product page generated in the
// form for a product the select offers (the API's Product snippets) cites that snippet
// in its fact trace, as the API's draft does, and the demo Solarcarport's price, stored as
// "8.990,00", is named among the missing facts; a landing page for a location chosen in
// the form (the locations report's) is built on it and the view names it; a location gone
// before the form is sent gets the API's 422 next to the location field. The locations this
// run stores are deleted too. No console errors (but the 412, 409 and 422 the test
// provokes); axe clean. With an LLM provider (a local OpenAI-compatible endpoint that
// writes from the facts it is sent, through a pool of its own with ZOE_LLM_URL) the
// model's candidate is marked "KI-Vorschlag" among the candidates and, kept, on the draft.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  launch, apiLogin, apiGet, screenshot, uiLogin, settled, openSession, assertAxeClean, ensureUser, URL_BASE, VAR, ZOE_BIN, fcgiPost, startPool, fakeLlm,
} from './helpers.mjs';
import { num } from '../../static/src/lib/format.js';

const LIST = '/api/level5/content/drafts';
const GENERATE = '/api/level5/content/generate';
const ANALYZE = '/api/level4/ai-content/analyze';
const PRODUCTS = '/api/level4/schema/automotive-report';
const LOCATIONS = '/api/level4/intl-local/locations';
const LOC_REPORT = '/api/level4/intl-local/locations-report';
const RUN = randomBytes(3).toString('hex');
const CITY = `Prüfstadt${RUN}`;
const STATUS_DE = { draft: 'Entwurf', approved: 'freigegeben', rejected: 'abgelehnt', published: 'veröffentlicht' };
let browser; let closeBrowser; let token;
const mine = [];                        // ids of the drafts this run made

function sql(statement) {
  const script = '. "$ZOE_VAR/stack.env"; export DATABASE_URL; exec psql "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1 -c "$1"';
  return execFileSync('bash', ['-c', script, 'bash', statement], { env: { ...process.env, ZOE_VAR: VAR, ZOE_BIN }, encoding: 'utf8' }).trim();
}

async function call(method, path, body, headers = {}) {
  const res = await fetch(`${URL_BASE}${path}`, {
    method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json(), etag: res.headers.get('etag') };
}

/** A draft of this run through the API (kept for the clean-up). */
async function generate(kind, keyphrase, parameters = {}) {
  const r = await call('POST', GENERATE, { kind, keyphrase, parameters });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  mine.push(r.body.id);
  return r.body;
}

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
});
after(async () => {
  if (mine.length) sql(`DELETE FROM content_drafts WHERE id IN (${mine.map(Number).join(',')})`);
  sql(`DELETE FROM local_locations WHERE key LIKE 'bt-${RUN}-%'`);
  sql(`DELETE FROM content_analyses WHERE url LIKE 'https://bt${RUN}.example.org/%'`);
  await closeBrowser?.();
});

const isList = (r) => new URL(r.url()).pathname === LIST && r.request().method() === 'GET';
const isPatch = (id) => (r) => new URL(r.url()).pathname === `${LIST}/${id}` && r.request().method() === 'PATCH';
const isPublish = (id) => (r) => new URL(r.url()).pathname === `${LIST}/${id}/publish`;

async function tableRows(page) {
  return page.locator('[data-testid="drafts-table"] tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    id: Number(tr.dataset.id), status: tr.dataset.status, score: tr.dataset.score, version: Number(tr.dataset.version),
    cells: [...tr.querySelectorAll('td')].map((td) => td.innerText.trim()),
  })));
}

/** Opens draft `id` from the list (the newest is open already) and waits for its view. */
async function choose(page, id) {
  const row = page.locator(`[data-testid="drafts-table"] tbody tr[data-id="${id}"]`);
  await row.getByRole('button').click();
  assert.equal(await row.getByRole('button').getAttribute('aria-pressed'), 'true');
  await page.locator(`[data-testid="draft"][data-id="${id}"]`).waitFor();
  await settled(page);
}

test('drafts: list, status filter and counts equal the API, in German', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page);
  const [resp] = await Promise.all([page.waitForResponse(isList), page.getByTestId('nav-drafts').click()]);
  const body = await resp.json();
  await settled(page);
  await screenshot(page, '40-drafts');
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Entwürfe');
  const direct = (await apiGet(token, LIST, { limit: 50 })).body;
  assert.deepEqual(direct.counts, body.counts);
  const total = Object.values(body.counts).reduce((a, b) => a + b, 0);
  assert.ok(total >= 4, 'the demo drafts are there');
  // the filter buttons: every status with the API's count, "Alle" with their sum
  const filter = await page.locator('[data-testid="drafts-filter"] button').evaluateAll((bs) => bs.map((b) => [b.dataset.status, Number(b.dataset.count), b.innerText.trim()]));
  assert.deepEqual(filter, [['', total, `Alle (${num(total, 'de')})`],
    ...['draft', 'approved', 'rejected', 'published'].map((s) => [s, body.counts[s], `${STATUS_DE[s]} (${num(body.counts[s], 'de')})`])]);
  // the table: the API's drafts in its order, with score, status and version
  const rows = await tableRows(page);
  assert.deepEqual(rows.map((r) => [r.id, r.status, r.score, r.version]),
    direct.items.map((d) => [d.id, d.status, String(d.score ?? ''), d.version]));
  assert.deepEqual(rows[0].cells.slice(0, 6), [direct.items[0].title, { landing: 'Stadtseite', faq: 'FAQ-Seite', blog_outline: 'Blog-Gliederung', product: 'Produktseite' }[direct.items[0].kind],
    direct.items[0].keyphrase, STATUS_DE[direct.items[0].status], num(direct.items[0].score, 'de'), num(direct.items[0].version, 'de')]);
  // the kind and status words stay whole ("Produktseite" was broken mid-word when the
  // table let every column shrink to a letter)
  const broken = await page.locator('[data-testid="drafts-table"] tbody tr td:nth-child(2), [data-testid="drafts-table"] tbody tr td:nth-child(4)').evaluateAll((tds) => tds.filter((td) => {
    // a line may end after a space or a hyphen ("Blog-|Gliederung"), nowhere else
    const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      let top = null;
      for (let i = 0; i < n.length; i++) {
        const r = document.createRange();
        r.setStart(n, i);
        r.setEnd(n, i + 1);
        const y = Math.round(r.getBoundingClientRect().top);
        if (top !== null && y > top + 2 && !/[ -]/.test(n.data[i - 1]) && n.data[i] !== ' ') return true;
        top = y;
      }
    }
    return false;
  }).map((td) => td.innerText));
  assert.deepEqual(broken, []);
  // filtered by status: only the API's published drafts
  const [fresp] = await Promise.all([page.waitForResponse((r) => isList(r) && new URL(r.url()).searchParams.get('status') === 'published'),
    page.locator('[data-testid="drafts-filter"] button[data-status="published"]').click()]);
  await settled(page);
  const published = (await fresp.json()).items;
  assert.ok(published.length >= 1);
  assert.deepEqual((await tableRows(page)).map((r) => [r.id, r.status]), published.map((d) => [d.id, 'published']));
  assert.equal(await page.locator('[data-testid="drafts-filter"] button[data-status="published"]').getAttribute('aria-pressed'), 'true');
  await assertAxeClean(page, 'drafts');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('drafts: a draft generated in the form shows its facts, missing facts and scores as the API', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page, undefined, '/drafts');
  await settled(page);
  await page.getByTestId('drafts-generate').locator('summary').click();
  const form = page.getByTestId('drafts-generate');
  await form.getByRole('combobox', { name: 'Art' }).selectOption('landing');
  await form.getByRole('textbox', { name: 'Keyphrase' }).fill(`Photovoltaik ${CITY}`);
  await form.getByRole('textbox', { name: 'Stadt', exact: true }).fill(CITY);
  await form.getByRole('spinbutton', { name: 'Kandidaten (1–12)' }).fill('4');
  const isGen = (r) => new URL(r.url()).pathname === GENERATE;
  const [gen] = await Promise.all([page.waitForResponse(isGen), form.getByRole('button', { name: 'Erzeugen' }).click()]);
  assert.equal(gen.status(), 201);
  const made = await gen.json();
  mine.push(made.id);
  await page.locator(`[data-testid="draft"][data-id="${made.id}"]`).waitFor();
  await settled(page);
  await screenshot(page, '41-draft');
  const d = (await apiGet(token, `${LIST}/${made.id}`)).body;
  assert.equal(d.parameters.candidates, 4);
  assert.equal(d.parameters.city, CITY);
  // title, meta, score and version as stored
  const view = page.getByTestId('draft');
  assert.equal(await view.getByTestId('draft-title').innerText(), d.title);
  assert.equal(await view.getByTestId('draft-meta').innerText(), d.meta);
  assert.equal(await view.getByTestId('draft-score').getAttribute('data-value'), String(d.score));
  assert.equal((await view.getByTestId('draft-score').innerText()).trim(), num(d.score, 'de'));
  // the score is the content analysis of the text, computed on its own
  const a = await call('POST', ANALYZE, { url: `https://bt${RUN}.example.org/${d.slug}`, text: d.body, title: d.title,
    meta_description: d.meta, slug: d.slug, keyphrase: d.keyphrase });
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.equal(a.body.score, d.score);
  // per paragraph its rows; the facts the city lacks; the candidates with theirs
  const pars = await view.locator('[data-testid="draft-paragraphs"] > li').evaluateAll((lis) => lis.map((li) => [li.querySelector('.draft-text').innerText, li.dataset.facts]));
  assert.deepEqual(pars, d.paragraphs.map((p) => [p.text, p.facts.join(' ')]));
  assert.ok(d.paragraphs.some((p) => p.facts.some((f) => /^reviews:/.test(f))), 'a paragraph cites reviews');
  const firstWithFacts = d.paragraphs.findIndex((p) => p.facts.length);
  const codes = await view.locator('[data-testid="draft-paragraphs"] > li').nth(firstWithFacts).locator('code[data-fact]').allInnerTexts();
  assert.deepEqual(codes, d.paragraphs[firstWithFacts].facts);
  assert.ok(d.missing.length >= 1, `a city of its own has no reviews: ${JSON.stringify(d.missing)}`);
  const missing = await view.locator('[data-testid="draft-missing"] li').evaluateAll((lis) => lis.map((li) => [li.dataset.variable, li.innerText]));
  assert.deepEqual(missing.map((m) => m[0]), d.missing.map((m) => m.variable));
  for (const [i, [, text]] of missing.entries()) assert.ok(text.includes(d.missing[i].add), text);
  const cands = await view.locator('[data-testid="draft-candidates"] tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.variant, tr.dataset.ordering, Number(tr.dataset.score), tr.dataset.kept]));
  assert.deepEqual(cands, d.candidates.map((c) => [c.template.variant, c.ordering, c.score, String(c.kept)]));
  assert.ok(cands.length >= 2 && cands.length <= 4, `${cands.length} candidates`);
  assert.equal(Math.max(...cands.map((c) => c[2])), d.score, 'the best candidate was kept');
  assert.deepEqual(cands.filter((c) => c[3] === 'true').map((c) => c[2]), [d.score]);
  const hist = await view.locator('[data-testid="draft-history"] tbody tr').evaluateAll((trs) => trs.map((tr) => [Number(tr.dataset.version), tr.dataset.change]));
  assert.deepEqual(hist, [[1, 'generated']]);
  // a missing fact blocks approval: the API's 409 is shown as its sentence
  w.allow((path, status) => path === `${LIST}/${d.id}` && status === 409);
  const [ap] = await Promise.all([page.waitForResponse(isPatch(d.id)), page.getByTestId('draft-approve').click()]);
  assert.equal(ap.status(), 409);
  await page.getByTestId('draft-actions').locator('[data-state="error"]').waitFor();
  await assertAxeClean(page, 'draft');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('drafts: two editors: the first saves, the second gets the conflict and applies the change again', async (t) => {
  const d = await generate('faq', 'Balkonkraftwerk');
  const a = await openSession(browser, t);
  const b = await openSession(browser, t);
  for (const s of [a, b]) {
    await uiLogin(s.page, undefined, '/drafts');
    await settled(s.page);
    await choose(s.page, d.id);
    await s.page.getByTestId('draft-edit').click();
  }
  const titleA = `Balkonkraftwerk: Fragen und Antworten ${RUN}`;
  const metaB = `Antworten rund um das Balkonkraftwerk, geprüft ${RUN}.`;
  // editor A changes the title and saves: version 2
  await a.page.getByTestId('draft-editor').getByLabel('Titel').fill(titleA);
  const [sa] = await Promise.all([a.page.waitForResponse(isPatch(d.id)), a.page.getByTestId('draft-save').click()]);
  assert.equal(sa.status(), 200);
  assert.equal(sa.request().headers()['if-match'], '"1"');
  await a.page.locator(`[data-testid="draft"][data-version="2"]`).waitFor();
  assert.equal(await a.page.getByTestId('draft-title').innerText(), titleA);
  // editor B, still on version 1, changes the meta description: 412 and the message
  b.w.allow((path, status) => path === `${LIST}/${d.id}` && status === 412);
  await b.page.getByTestId('draft-editor').getByLabel('Meta-Beschreibung').fill(metaB);
  const [sb] = await Promise.all([b.page.waitForResponse(isPatch(d.id)), b.page.getByTestId('draft-save').click()]);
  assert.equal(sb.status(), 412);
  const conflict = b.page.getByTestId('draft-conflict');
  await conflict.locator('[data-testid="conflict-reapply"]').waitFor();
  const text = await conflict.innerText();
  assert.match(text, /Jemand anderes hat den Entwurf geändert/);
  assert.match(text, /Auf dem Server ist jetzt Version 2/);
  assert.equal(await conflict.getAttribute('data-version'), '2');
  assert.equal(await conflict.getByTestId('conflict-title').innerText(), titleA);
  assert.equal(await b.page.getByTestId('draft-editor').getByLabel('Meta-Beschreibung').inputValue(), metaB, 'the form keeps B\'s change');
  await screenshot(b.page, '42-draft-conflict');
  await assertAxeClean(b.page, 'draft-conflict');
  // B applies the change again on version 2: only the meta description is sent
  const [re] = await Promise.all([b.page.waitForResponse(isPatch(d.id)), conflict.getByTestId('conflict-reapply').click()]);
  assert.equal(re.status(), 200);
  assert.equal(re.request().headers()['if-match'], '"2"');
  assert.deepEqual(Object.keys(re.request().postDataJSON()), ['meta']);
  await b.page.locator(`[data-testid="draft"][data-version="3"]`).waitFor();
  const now = (await apiGet(token, `${LIST}/${d.id}`)).body;
  assert.deepEqual([now.version, now.title, now.meta], [3, titleA, metaB]);
  assert.equal(await b.page.getByTestId('draft-meta').innerText(), metaB);
  assert.equal(await b.page.getByTestId('draft-score').getAttribute('data-value'), String(now.score));
  assert.deepEqual(await b.page.locator('[data-testid="draft-history"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.change)),
    ['edited', 'edited', 'generated']);
  // editor A, still on version 2, rejects: 412; "Neu laden" shows version 3, then it works
  a.w.allow((path, status) => path === `${LIST}/${d.id}` && status === 412);
  const [ra] = await Promise.all([a.page.waitForResponse(isPatch(d.id)), a.page.getByTestId('draft-reject').click()]);
  assert.equal(ra.status(), 412);
  const c2 = a.page.getByTestId('draft-conflict');
  await c2.getByTestId('conflict-reload').waitFor();
  assert.equal(await c2.getAttribute('data-version'), '3');
  assert.equal(await c2.getByTestId('conflict-reapply').count(), 0, 'a status change is not re-applied blindly');
  await c2.getByTestId('conflict-reload').click();
  await a.page.locator(`[data-testid="draft"][data-version="3"]`).waitFor();
  assert.equal(await a.page.getByTestId('draft-conflict').count(), 0);
  assert.equal(await a.page.getByTestId('draft-meta').innerText(), metaB);
  const [rb] = await Promise.all([a.page.waitForResponse(isPatch(d.id)), a.page.getByTestId('draft-reject').click()]);
  assert.equal(rb.status(), 200);
  assert.equal(rb.request().headers()['if-match'], '"3"');
  await a.page.locator(`[data-testid="draft"][data-status="rejected"][data-version="4"]`).waitFor();
  assert.deepEqual(a.w.check(), [], 'editor A: console errors or failed requests');
  assert.deepEqual(b.w.check(), [], 'editor B: console errors or failed requests');
});

test('drafts: approve and publish (twice: the same version) as the API', async (t) => {
  const d = await generate('blog_outline', 'Wärmepumpe');
  assert.deepEqual(d.missing, [], 'the demo data holds every fact of the outline');
  const { page, w } = await openSession(browser, t);
  await uiLogin(page, undefined, '/drafts');
  await settled(page);
  await choose(page, d.id);
  const [ap] = await Promise.all([page.waitForResponse(isPatch(d.id)), page.getByTestId('draft-approve').click()]);
  assert.equal(ap.status(), 200);
  assert.deepEqual(ap.request().postDataJSON(), { status: 'approved' });
  await page.locator(`[data-testid="draft"][data-status="approved"]`).waitFor();
  const [p1] = await Promise.all([page.waitForResponse(isPublish(d.id)), page.getByTestId('draft-publish').click()]);
  assert.equal(p1.status(), 200);
  await page.locator(`[data-testid="draft"][data-status="published"]`).waitFor();
  await settled(page);
  const first = (await apiGet(token, `${LIST}/${d.id}`)).body;
  assert.deepEqual([first.status, first.version, first.published_version], ['published', 3, 3]);
  assert.equal(await page.getByTestId('draft-version').getAttribute('data-value'), '3');
  assert.match(await page.getByTestId('draft-published').innerText(), /\(Version 3\)$/);
  // again: idempotent, the same version and time
  const [p2] = await Promise.all([page.waitForResponse(isPublish(d.id)), page.getByTestId('draft-publish').click()]);
  assert.equal(p2.status(), 200);
  await settled(page);
  const again = (await apiGet(token, `${LIST}/${d.id}`)).body;
  assert.deepEqual([again.version, again.published_at, again.revisions], [3, first.published_at, 3]);
  const hist = await page.locator('[data-testid="draft-history"] tbody tr').evaluateAll((trs) => trs.map((tr) => [Number(tr.dataset.version), tr.dataset.change]));
  assert.deepEqual(hist, again.history.map((h) => [h.version, h.change]));
  assert.deepEqual(hist, [[3, 'published'], [2, 'approved'], [1, 'generated']]);
  const row = (await tableRows(page)).find((r) => r.id === d.id);
  assert.deepEqual([row.status, row.version], ['published', 3]);
  assert.equal(sql(`SELECT count(*) FROM event_log WHERE type = 'content.published' AND (data->>'id')::bigint = ${Number(d.id)}`), '1');
  await assertAxeClean(page, 'draft-published');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('drafts: a viewer reads drafts but gets neither the form nor the buttons that change them', async (t) => {
  const email = `viewer-drafts-${RUN}@example.org`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  if (!ensureUser(email, 'viewer', password)) { t.skip('no zoe binary'); return; }
  t.after(() => sql(`DELETE FROM users WHERE email = '${email}'`));
  const { page, w } = await openSession(browser, t);
  await uiLogin(page, { email, password }, '/drafts');
  await settled(page);
  await page.getByTestId('draft').waitFor();
  const direct = (await apiGet(token, LIST, { limit: 50 })).body;
  assert.equal(await page.getByTestId('draft').getAttribute('data-id'), String(direct.items[0].id));
  assert.equal(await page.getByTestId('drafts-generate').count(), 0);
  assert.equal(await page.getByTestId('draft-actions').count(), 0);
  assert.equal(await page.getByTestId('draft-edit').count(), 0);
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('drafts: English texts', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page, undefined, '/drafts');
  await settled(page);
  await page.getByTestId('lang-switch').click();
  await settled(page);
  assert.equal(await page.locator('h1').innerText(), 'Content drafts');
  const body = (await apiGet(token, LIST, { limit: 50 })).body;
  const labels = await page.locator('[data-testid="drafts-filter"] button').allInnerTexts();
  assert.deepEqual(labels.slice(1), ['draft', 'approved', 'rejected', 'published'].map((s) => `${s} (${num(body.counts[s], 'en')})`));
  assert.ok((await page.getByTestId('draft').innerText()).includes('Text and where its facts come from'));
  await assertAxeClean(page, 'drafts-en');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

const isGen = (r) => new URL(r.url()).pathname === GENERATE;

/** Opens the generate form and chooses the kind. */
async function openForm(page, kind) {
  await uiLogin(page, undefined, '/drafts');
  await settled(page);
  await page.getByTestId('drafts-generate').locator('summary').click();
  const form = page.getByTestId('drafts-generate');
  await form.getByRole('combobox', { name: 'Art' }).selectOption(kind);
  return form;
}

/** A select's options as [value, text]. */
const options = (select) => select.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));

test('drafts: a product page generated in the form cites its snippet; the Solarcarport\'s price is named missing', async (t) => {
  const products = (await apiGet(token, PRODUCTS, { type: 'Product', limit: 500 })).body.items;
  const carport = products.find((p) => new URL(p.url).pathname === '/produkte/solarcarport');
  assert.ok(carport, 'the demo Solarcarport is stored');
  // what the snippet stores as its price, read from the table itself
  const storedPrice = sql(`SELECT markup->'offers'->>'price' FROM schema_snippets WHERE id = ${Number(carport.id)}`);
  assert.equal(storedPrice, '8.990,00', 'the demo price has its decimal comma');
  const { page, w } = await openSession(browser, t);
  const form = await openForm(page, 'product');
  assert.equal(await form.getByRole('combobox', { name: 'Art' }).locator('option[value="product"]').textContent(), 'Produktseite');
  const select = form.getByRole('combobox', { name: 'Produkt' });
  await select.locator(`option[value="${carport.id}"]`).waitFor({ state: 'attached' });
  assert.deepEqual((await options(select)).slice(1), products.map((p) => [String(p.id), p.name || p.url]));
  assert.equal(await form.getByRole('combobox', { name: 'Standort' }).count(), 0, 'no location for a product page');
  await select.selectOption(String(carport.id));
  await form.getByRole('textbox', { name: 'Keyphrase' }).fill(`Solarcarport ${RUN}`);
  const [gen] = await Promise.all([page.waitForResponse(isGen), form.getByRole('button', { name: 'Erzeugen' }).click()]);
  assert.equal(gen.status(), 201, await gen.text());
  const made = await gen.json();
  mine.push(made.id);
  assert.deepEqual(gen.request().postDataJSON(), { kind: 'product', keyphrase: `Solarcarport ${RUN}`, parameters: { candidates: 6, product: carport.id } });
  const view = page.locator(`[data-testid="draft"][data-id="${made.id}"]`);
  await view.waitFor();
  await settled(page);
  await screenshot(page, '43-draft-product');
  const d = (await apiGet(token, `${LIST}/${made.id}`)).body;
  const ref = `schema_snippets:${carport.id}`;
  assert.deepEqual([d.kind, d.parameters.product], ['product', ref]);
  // the fact trace: per paragraph the API's, and it cites the snippet
  const pars = await view.locator('[data-testid="draft-paragraphs"] > li').evaluateAll((lis) => lis.map((li) => [li.querySelector('.draft-text').innerText, li.dataset.facts]));
  assert.deepEqual(pars, d.paragraphs.map((p) => [p.text, p.facts.join(' ')]));
  assert.ok(pars.some(([, f]) => f.split(' ').includes(ref)), `a paragraph cites ${ref}: ${JSON.stringify(pars)}`);
  assert.ok(d.paragraphs.every((p) => p.facts.every((f) => !/^schema_snippets:/.test(f) || f === ref)), 'no other snippet is cited');
  // the view names the product it was built from
  const pv = view.getByTestId('draft-product');
  assert.equal(await pv.getAttribute('data-ref'), ref);
  await pv.getByText(carport.name).waitFor();
  assert.equal((await pv.innerText()).trim(), `${carport.name} ${ref}`);
  // the missing facts: the API's, with the price that schema.org does not read
  const missing = await view.locator('[data-testid="draft-missing"] li').evaluateAll((lis) => lis.map((li) => [li.dataset.variable, li.innerText]));
  assert.deepEqual(missing.map((m) => m[0]), d.missing.map((m) => m.variable));
  const price = missing.find((m) => m[0] === 'produkt.preis');
  assert.ok(price, `the price is missing: ${JSON.stringify(missing)}`);
  assert.ok(price[1].includes('Preis fehlt') && price[1].includes(carport.name) && price[1].includes(`„${storedPrice}“`), price[1]);
  assert.ok(price[1].includes(d.missing.find((m) => m.variable === 'produkt.preis').add));
  // what is to be sent as it is stands as code: the path, the field, the JSON number
  const codes = await view.locator('[data-testid="draft-missing"] li[data-variable="produkt.preis"] code').allInnerTexts();
  assert.deepEqual(codes, ['produkt.preis', '/api/level4/schema/automotive', 'offers.price', '1299.00']);
  await assertAxeClean(page, 'draft-product');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('drafts: a landing page for a location chosen in the form; a location gone meanwhile is a 422 at its field', async (t) => {
  const city = `Lagestadt${RUN}`;
  const loc = (key, name, street) => ({ key, name, street, postal_code: '04109', city, country: 'DE', lat: 51.3397, lon: 12.3731,
    phone: '0341 7654321', hours: 'Mo-Fr 08:00-17:00', service_area: { radius_km: 25 } });
  const stored = await call('POST', LOCATIONS, { organization: { name: 'ZOE Solar GmbH', url: 'https://zoe-solar.de' },
    locations: [loc(`bt-${RUN}-mitte`, `ZOE Solar ${city} Mitte`, 'Beispielweg 7'), loc(`bt-${RUN}-weg`, `ZOE Solar ${city} Nord`, 'Nordstraße 2')] });
  assert.equal(stored.status, 200, JSON.stringify(stored.body));
  const report = (await apiGet(token, LOC_REPORT)).body;
  const chosen = report.locations.find((l) => l.key === `bt-${RUN}-mitte`);
  const locId = Number(sql(`SELECT id FROM local_locations WHERE key = 'bt-${RUN}-mitte'`));
  const { page, w } = await openSession(browser, t);
  const form = await openForm(page, 'landing');
  const select = form.getByRole('combobox', { name: 'Standort' });
  await select.locator(`option[value="bt-${RUN}-weg"]`).waitFor({ state: 'attached' });
  // the report's locations, after the default "the city's location"
  assert.deepEqual(await options(select), [['', 'Standort der Stadt'], ...report.locations.map((l) => [l.key, `${l.name} (${l.city})`])]);
  assert.equal(await select.inputValue(), '');
  await select.selectOption(`bt-${RUN}-mitte`);
  await form.getByRole('textbox', { name: 'Keyphrase' }).fill(`Photovoltaik ${city}`);
  // with a location the city may stay empty
  assert.equal(await form.getByRole('textbox', { name: 'Stadt (optional)' }).inputValue(), '');
  const [gen] = await Promise.all([page.waitForResponse(isGen), form.getByRole('button', { name: 'Erzeugen' }).click()]);
  assert.equal(gen.status(), 201, await gen.text());
  const made = await gen.json();
  mine.push(made.id);
  assert.deepEqual(gen.request().postDataJSON().parameters, { candidates: 6, location: `bt-${RUN}-mitte` });
  const view = page.locator(`[data-testid="draft"][data-id="${made.id}"]`);
  await view.waitFor();
  await settled(page);
  const d = (await apiGet(token, `${LIST}/${made.id}`)).body;
  assert.deepEqual([d.kind, d.parameters.location, d.parameters.city], ['landing', `bt-${RUN}-mitte`, city]);
  const pars = await view.locator('[data-testid="draft-paragraphs"] > li').evaluateAll((lis) => lis.map((li) => [li.querySelector('.draft-text').innerText, li.dataset.facts]));
  assert.deepEqual(pars, d.paragraphs.map((p) => [p.text, p.facts.join(' ')]));
  assert.ok(pars.some(([, f]) => f.split(' ').includes(`local_locations:${locId}`)), `a paragraph cites the location: ${JSON.stringify(pars)}`);
  assert.ok(d.body.includes('Beispielweg 7'), 'the chosen location\'s street, not the other\'s');
  assert.ok(!d.body.includes('Nordstraße 2'));
  assert.ok(!d.missing.some((m) => m.variable === 'standort_in_der_stadt'), JSON.stringify(d.missing));
  const lv = view.getByTestId('draft-location');
  assert.equal(await lv.getAttribute('data-key'), `bt-${RUN}-mitte`);
  await lv.getByText(chosen.name, { exact: false }).waitFor();
  assert.equal((await lv.innerText()).trim(), `${chosen.name}, ${chosen.address} bt-${RUN}-mitte`);
  await assertAxeClean(page, 'draft-location');
  // the other location is deleted after the form offered it: the API's 422 next to the field
  w.allow((path, status) => path === GENERATE && status === 422);
  await select.selectOption(`bt-${RUN}-weg`);
  sql(`DELETE FROM local_locations WHERE key = 'bt-${RUN}-weg'`);
  const [bad] = await Promise.all([page.waitForResponse(isGen), form.getByRole('button', { name: 'Erzeugen' }).click()]);
  assert.equal(bad.status(), 422);
  const problem = await bad.json();
  const apiErr = problem.errors.find((e) => e.field === 'parameters.location');
  assert.ok(apiErr, JSON.stringify(problem));
  const shown = form.locator('[data-testid="field-error"][data-field="parameters.location"]');
  await shown.waitFor();
  assert.equal(await shown.innerText(), apiErr.message);
  assert.equal(await select.getAttribute('aria-invalid'), 'true');
  assert.equal(await select.getAttribute('aria-describedby'), await shown.getAttribute('id'));
  assert.equal(await form.locator('[data-testid="field-error"]').count(), 1, 'only the field named');
  await screenshot(page, '44-draft-location-422');
  await assertAxeClean(page, 'draft-location-422');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

// ---- the LLM provider: a local endpoint and a pool of its own that uses it ----------------

/** The model's answer: the product's facts, every paragraph with a figure citing its row,
 *  and enough advice without figures to outscore the templates' data sheet. */
function llmWrite(facts) {
  const p = facts.produkt;
  const ref = `[[${p._ref}]]`;
  const price = p.preis.toFixed(2).replace('.', ',');
  const props = p.eigenschaften.filter((e) => typeof e.wert !== 'boolean')
    .map((e) => `${e.name}: ${String(e.wert).replace('.', ',')}${e.einheit ? ` ${e.einheit}` : ''} ${ref}`);
  return {
    title: `Wallbox ${p.name}: Preis und Daten`,
    meta: `Die ${p.name} von ${p.marke}: Preis, technische Daten und Lieferbarkeit auf einen Blick. Wir beraten Sie gern und persönlich.`,
    body: [`Die Wallbox von ${p.marke}: ${p.name}. ${p.beschreibung} ${ref}`, '## Preis und Lieferbarkeit der Wallbox',
      `${p.name} kostet ${price} €. Sie ist ${p.verfuegbarkeit}. ${ref}`, '## Technische Daten', ...props,
      '## Beratung zur Wallbox',
      'Passt eine Wallbox zu Ihrem Haus und Ihrer Anlage? Wir sagen es Ihnen gern. Rufen Sie an oder schreiben Sie uns.',
      'Zuerst sehen wir uns gemeinsam Ihren Hausanschluss an. Danach planen wir den Weg der Leitung von der Verteilung bis zum Stellplatz. Außerdem klären wir, ob Ihr Netzbetreiber die Anlage kennen muss. So wissen Sie vorher, was auf Sie zukommt.',
      'Wer eine Solaranlage auf dem Dach hat, lädt das Auto am liebsten mit eigenem Strom. Deshalb stimmen wir die Ladung auf den Überschuss Ihrer Anlage ab. Dadurch fließt weniger Strom ins Netz, und Sie fahren günstiger. Trotzdem bleibt das Laden einfach: Auto anstecken, fertig.',
      'Unsere Fachleute montieren, prüfen und erklären alles vor Ort. Anschließend erhalten Sie eine Übergabe mit allen Unterlagen. Auch später sind wir für Sie da, wenn Fragen aufkommen oder ein Update ansteht.',
      '## Laden mit eigenem Strom',
      'Am Morgen steht das Auto oft noch in der Einfahrt, während die Sonne schon auf das Dach scheint. Genau dann lohnt es sich, den Strom direkt in den Akku zu schicken. Am Abend hilft ein Speicher, damit auch nach Sonnenuntergang noch eigener Strom bereitsteht. Wir zeigen Ihnen, wie die Geräte zusammenspielen.',
      'Viele Kunden fragen uns, ob sich das alles für ihren Alltag lohnt. Die Antwort hängt davon ab, wie oft Sie fahren, wann das Auto zu Hause steht und wie groß Ihre Anlage ist. Deshalb rechnen wir mit Ihnen gemeinsam, statt Ihnen eine Pauschale zu nennen. Sprechen Sie uns einfach an, wir nehmen uns Zeit für Ihre Fragen und finden eine Lösung, die zu Ihnen passt.',
    ].join('\n'),
  };
}

test('drafts: an LLM candidate is marked "KI-Vorschlag" among the candidates and on the draft it became', async (t) => {
  const seen = [];
  const url = await fakeLlm(t, `bt-model-${RUN}`,
    (user) => llmWrite(JSON.parse(/Fakten \(JSON\): (.*)\n\nBester/s.exec(user)[1])), seen);
  const port = await startPool(t, { ZOE_LLM_URL: url, ZOE_LLM_TIMEOUT: '10', ZOE_OUTBOUND_ALLOW: '127.0.0.1/32' });
  const products = (await apiGet(token, PRODUCTS, { type: 'Product', limit: 500 })).body.items;
  const wallbox = products.find((p) => new URL(p.url).pathname === '/produkte/wallbox');
  const r = await fcgiPost(port, GENERATE, { kind: 'product', keyphrase: 'Wallbox', parameters: { product: wallbox.id, candidates: 4 } },
    { HTTP_AUTHORIZATION: `Bearer ${token}` });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  mine.push(r.body.id);
  assert.equal(seen.length, 1, 'the model was asked once');
  const d = (await apiGet(token, `${LIST}/${r.body.id}`)).body;
  const cand = d.candidates.filter((c) => c.source === 'llm');
  assert.equal(cand.length, 1, JSON.stringify(d.candidates));
  assert.equal(cand[0].model, `bt-model-${RUN}`);
  assert.ok(cand[0].kept && d.source === 'llm', `the model's text scores best: ${JSON.stringify(d.candidates)}`);
  const { page, w } = await openSession(browser, t);
  await uiLogin(page, undefined, '/drafts');
  await settled(page);
  await choose(page, d.id);
  const view = page.getByTestId('draft');
  // the candidates: the API's, the model's marked with its model and score
  const rows = await view.locator('[data-testid="draft-candidates"] tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.source, tr.dataset.score, tr.dataset.kept, tr.cells[0].innerText.trim()]));
  assert.deepEqual(rows.map((x) => x.slice(0, 3)), d.candidates.map((c) => [c.source, String(c.score), String(c.kept)]));
  const mark = rows.find((x) => x[0] === 'llm');
  assert.equal(mark[3], `KI-Vorschlag bt-model-${RUN}`);
  assert.equal(await view.locator('[data-testid="draft-candidates"] tr[data-source="template"] [data-testid="llm-badge"]').count(), 0);
  // the draft is the model's: marked, and its paragraphs cite the product as the API says
  assert.equal(await view.getByTestId('draft-source').innerText(), 'KI-Vorschlag');
  assert.equal(await view.getByTestId('draft-title').innerText(), d.title);
  const pars = await view.locator('[data-testid="draft-paragraphs"] > li').evaluateAll((lis) => lis.map((li) => li.dataset.facts));
  assert.deepEqual(pars, d.paragraphs.map((p) => p.facts.join(' ')));
  assert.ok(pars.includes(`schema_snippets:${wallbox.id}`));
  const none = await view.locator('[data-testid="draft-paragraphs"] > li[data-facts=""] .muted').allInnerTexts();
  assert.ok(none.length >= 1 && none.every((x) => x === 'Ohne gespeicherte Daten (Text des KI-Vorschlags, ohne Zahlen).'), JSON.stringify(none));
  assert.equal((await view.getByTestId('draft-product').innerText()).trim(), `${wallbox.name} schema_snippets:${wallbox.id}`);
  await screenshot(page, '45-draft-llm');
  await assertAxeClean(page, 'draft-llm');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
