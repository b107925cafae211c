// The "Inhalte" page (content analysis #26–#28) in Chromium against the running stack.
// The demo pages are analysed in two versions by `zoe seed --demo`; the page's tiles, the
// weakest checks and the page table must equal the report the API gives, in German; the
// checks of the chosen page show the API's traffic lights and German explanations; the
// rewrite suggestions equal what the optimize endpoint answers, and with an LLM provider its
// checked suggestions are marked "KI-Vorschlag". No console errors; axe clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, apiLogin, apiGet, screenshot, uiLogin, settled, openSession, assertAxeClean, URL_BASE, ARTIFACTS, fcgiPost, startPool, fakeLlm,
} from './helpers.mjs';
import { join } from 'node:path';
import { num } from '../../static/src/lib/format.js';

const REPORT = '/api/level4/ai-content/report';
const OPTIMIZE = '/api/level4/ai-content/optimize';
let browser; let closeBrowser; let token;

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
});
after(async () => { await closeBrowser?.(); });

const isReport = (r) => new URL(r.url()).pathname === REPORT && r.request().method() === 'GET';

test('content: tiles, weakest checks, pages and checks equal the API report, in German', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page);
  const [resp] = await Promise.all([page.waitForResponse(isReport), page.getByTestId('nav-content').click()]);
  const body = await resp.json();
  await settled(page);
  await screenshot(page, '40-content');
  const direct = await apiGet(token, REPORT, { limit: 500 });
  assert.equal(direct.status, 200);
  assert.equal(direct.body.pages_count, body.pages_count);
  assert.ok(body.pages_count >= 30, 'the demo pages are analysed');
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Inhalte: Lesbarkeit und Keyphrase');
  assert.equal((await page.getByTestId('content-pages').innerText()).trim(), num(body.pages_count, 'de'));
  assert.equal((await page.getByTestId('content-mean').innerText()).trim(), num(body.mean_score, 'de', 1));
  const worst = await page.locator('[data-testid="content-worst"] li').evaluateAll((lis) => lis.map((li) => [li.dataset.id, Number(li.dataset.red)]));
  assert.deepEqual(worst, body.worst_checks.slice(0, 8).map((c) => [c.id, c.red]));
  const rows = await page.locator('[data-testid="content-table"] tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.url, tr.dataset.score]));
  assert.deepEqual(rows, body.pages.map((p) => [p.url, String(p.score ?? '')]));
  // the first (weakest) page's checks: the API's lights and German explanations
  const first = body.pages[0];
  const checks = await page.locator('[data-testid="content-checks"] li').evaluateAll((lis) => lis.map((li) => [li.dataset.id, li.dataset.light, li.innerText]));
  assert.equal(checks.length, first.checks.length);
  for (const [i, [id, light, text]] of checks.entries()) {
    assert.equal(id, first.checks[i].id);
    assert.equal(light, first.checks[i].light);
    assert.ok(text.includes(first.checks[i].explanation.de), text);
  }
  assert.equal(await page.getByTestId('content-page-score').getAttribute('data-value'), String(first.score));
  await assertAxeClean(page, 'content');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('content: the rewrite suggestions equal the optimize answer, with copy buttons', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page, undefined, '/content');
  await settled(page);
  const target = (await apiGet(token, REPORT, { limit: 500 })).body.pages[0].url;
  const isOpt = (r) => new URL(r.url()).pathname === OPTIMIZE && r.request().method() === 'POST';
  const [resp] = await Promise.all([page.waitForResponse(isOpt), page.getByRole('button', { name: 'Vorschläge berechnen' }).click()]);
  const opt = await resp.json();
  assert.equal(opt.url, target);
  await page.getByTestId('content-rewrites').waitFor();
  const box = page.getByTestId('content-rewrites');
  const titles = await box.locator('li[data-px]').evaluateAll((lis) => lis.map((li) => Number(li.dataset.px)));
  assert.deepEqual(titles, opt.title_candidates.map((c) => c.px));
  const metas = await box.locator('li[data-chars]').evaluateAll((lis) => lis.map((li) => Number(li.dataset.chars)));
  assert.deepEqual(metas, opt.meta_candidates.map((c) => c.chars));
  // passive sentences: those Yoast counts and those only German grammar finds, as the API says
  const passives = await box.locator('li[data-yoast]').evaluateAll((lis) => lis.map((li) => [li.dataset.yoast, li.innerText]));
  assert.deepEqual(passives.map(([y]) => y), opt.passive_sentences.map((p) => String(p.yoast)));
  for (const [y, text] of passives)
    assert.equal(text.includes('den Yoast nicht mitzählt'), y === 'false', text);
  assert.equal(await box.getByRole('button', { name: 'Kopieren' }).count(),
    opt.title_candidates.length + opt.meta_candidates.length + opt.internal_links.length);
  await assertAxeClean(page, 'content-rewrites');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

// With an LLM provider (a local OpenAI-compatible endpoint, through a pool of its own with
// ZOE_LLM_URL): the page's optimize request is answered by that pool, and its kept
// suggestions come after the computed ones marked "KI-Vorschlag" with the model, the
// dropped one behind its count with the reason.
test('content: the LLM provider\'s checked suggestions are marked "KI-Vorschlag"', async (t) => {
  const seen = [];
  const url = await fakeLlm(t, 'bt-model', (user) => {
    const kp = /^Keyphrase: (.*)$/m.exec(user)[1];
    const named = JSON.parse(/Sätze \(JSON\): (.*)\nText:/.exec(user)[1]);
    return { title: `${kp}: unser Ratgeber | ZOE Solar`, meta: `${kp} kurz erklärt.`,
      sentences: named.slice(0, 1).map((s) => ({ sentence: s, rewrite: 'Das ist der erste Teil. Das ist der zweite Teil.' })) };
  }, seen);
  const port = await startPool(t, { ZOE_LLM_URL: url, ZOE_LLM_TIMEOUT: '10', ZOE_OUTBOUND_ALLOW: '127.0.0.1/32' });
  const { page, w } = await openSession(browser, t);
  let opt;
  await page.route((u) => u.pathname === OPTIMIZE, async (route) => {
    const r = await fcgiPost(port, OPTIMIZE, JSON.parse(route.request().postData()), { HTTP_AUTHORIZATION: `Bearer ${token}` });
    opt = r.body;
    await route.fulfill({ status: r.status, contentType: 'application/json', body: JSON.stringify(r.body) });
  });
  await uiLogin(page, undefined, '/content');
  await settled(page);
  // a page with a keyphrase (without one the provider is not asked: llm.error says so) and
  // long or passive sentences to rewrite
  const target = (await apiGet(token, REPORT, { limit: 500 })).body.pages
    .find((p) => p.keyphrase && p.stats.long_sentences + p.stats.passive_sentences > 0);
  await page.locator(`[data-testid="content-table"] tr[data-url="${target.url}"] button`).click();
  await page.getByRole('button', { name: 'Vorschläge berechnen' }).click();
  const box = page.getByTestId('content-rewrites');
  await box.waitFor();
  assert.equal(seen.length, 1, `the model was asked once: ${JSON.stringify(opt)?.slice(0, 300)}`);
  const kp = opt.keyphrase;
  assert.equal(opt.url, target.url);
  assert.equal(kp, target.keyphrase);
  // the server kept the title (within 580 px, with the keyphrase) and dropped the short meta
  assert.equal(opt.llm.error, null);
  assert.deepEqual(opt.llm.title_candidates.map((c) => [c.title, c.source, c.model]), [[`${kp}: unser Ratgeber | ZOE Solar`, 'llm', 'bt-model']]);
  assert.deepEqual(opt.llm.dropped.map((x) => [x.field, x.text]), [['meta', `${kp} kurz erklärt.`]]);
  const titles = await box.locator('li[data-px]').evaluateAll((lis) => lis.map((li) => [li.dataset.source, Number(li.dataset.px), li.querySelector('[data-testid="llm-badge"]')?.innerText ?? null]));
  assert.deepEqual(titles, [...opt.title_candidates.map((c) => ['computed', c.px, null]),
    ...opt.llm.title_candidates.map((c) => ['llm', c.px, 'KI-Vorschlag bt-model'])]);
  assert.equal(await box.locator('li[data-chars] [data-testid="llm-badge"]').count(), 0);
  // the first named sentence rewritten in two sentences of 5 words: kept
  const first = [...opt.long_sentences, ...opt.passive_sentences][0].sentence;
  assert.deepEqual(opt.llm.sentence_rewrites.map((r) => [r.sentence, r.max_words, r.source]), [[first, 5, 'llm']]);
  const shown = await box.locator('[data-testid="content-llm-rewrites"] li').evaluateAll((lis) => lis.map((li) => [li.dataset.maxWords, li.innerText]));
  assert.equal(shown.length, 1);
  assert.equal(shown[0][0], '5');
  assert.ok(shown[0][1].startsWith(`${first} → Das ist der erste Teil. Das ist der zweite Teil. KI-Vorschlag bt-model`), shown[0][1]);
  const dropped = box.getByTestId('content-llm-dropped');
  assert.equal(await dropped.locator('summary').innerText(), '1 KI-Vorschläge verworfen (bestehen unsere Prüfung nicht)');
  await dropped.locator('summary').click();
  // the reason in German, from the reply's code and figures (not its English text)
  const d = opt.llm.dropped[0];
  assert.equal(d.code, 'length');
  assert.equal(await dropped.locator('li').innerText(), `Meta-Beschreibung: „${kp} kurz erklärt.“ (${d.params.chars} Zeichen statt 120–156)`);
  await box.screenshot({ path: join(ARTIFACTS, '41-content-llm.png') });    // the suggestions only
  await assertAxeClean(page, 'content-llm');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
