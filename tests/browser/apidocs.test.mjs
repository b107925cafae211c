// apidocs.test.mjs - /api/docs: Swagger UI from the local copy renders every operation of
// /api/openapi.json, with no request leaving this host and no console error under the CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { URL_BASE, launch, newContext, watch } from './helpers.mjs';

let browser, close;
before(async () => { ({ browser, close } = await launch()); });
after(async () => { await close?.(); });

test('API reference at /api/docs: every operation listed, nothing loaded from outside', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const w = watch(page);
  const outside = [];
  page.on('request', (req) => { if (!req.url().startsWith(URL_BASE)) outside.push(req.url()); });
  const doc = await (await fetch(`${URL_BASE}/api/openapi.json`)).json();
  const ops = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  await page.goto(`${URL_BASE}/api/docs`);
  await page.waitForSelector('.opblock', { timeout: 20000 });
  assert.equal(await page.locator('.opblock').count(), ops);
  assert.match(await page.locator('.info .title').innerText(), /ZOE Solar platform API/);
  assert.deepEqual(outside, []);
  assert.deepEqual(w.check(), []);
  await ctx.close();
});
