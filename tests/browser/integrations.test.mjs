// The "Integrationen" page (#59–#62) in Chromium against the running stack (started, as
// scripts/dev test does, with ZOE_OUTBOUND_ALLOW=127.0.0.1/32 so a local receiver may be
// subscribed). A receiver in this process is subscribed through the API; "Testereignis
// senden" appends a hub.test event, the job runner delivers it, and the page's endpoint
// figures, schedule and attempts must equal the API's. The event log browser shows the
// API's events, filters by type and pages with the API's cursor. An analyst sees the log
// and a notice instead of the admin-only webhooks. No console errors; axe clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  launch, apiLogin, apiGet, screenshot, uiLogin, settled, openSession, assertAxeClean, ensureUser, URL_BASE,
} from './helpers.mjs';
import { num, pct } from '../../static/src/lib/format.js';

const HOOKS = '/api/level5/hub/webhooks';
const EVENTS = '/api/level5/hub/events';
const TEST = '/api/level5/hub/test-event';
const RUN = randomBytes(3).toString('hex');
let browser; let closeBrowser; let token; let server; let endpoint;
const received = [];

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  token = await apiLogin();
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => { received.push(req.headers['webhook-id']); res.writeHead(204).end(); });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const res = await fetch(`${URL_BASE}${HOOKS}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/page-${RUN}`, types: [`ui${RUN}.none`] }),
  });
  endpoint = await res.json();
  assert.equal(res.status, 201, JSON.stringify(endpoint));
});
after(async () => {
  await fetch(`${URL_BASE}${HOOKS}/${endpoint?.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
  server?.close();
  await closeBrowser?.();
});

const isHooks = (r) => new URL(r.url()).pathname === HOOKS && r.request().method() === 'GET';
const isEvents = (r) => new URL(r.url()).pathname === EVENTS;

async function rows(page, id) {
  return page.locator(`[data-testid="${id}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((td) => td.innerText.trim())));
}

const unit = (sec) => {
  const [u, n] = sec >= 3600 ? ['hour', sec / 3600] : sec >= 60 ? ['minute', sec / 60] : ['second', sec];
  return new Intl.NumberFormat('de-DE', { style: 'unit', unit: u, unitDisplay: 'short', maximumFractionDigits: 1 }).format(n);
};

test('integrations: a test event is delivered and the endpoint figures equal the API', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page);
  await Promise.all([page.waitForResponse(isHooks), page.getByTestId('nav-integrations').click()]);
  await settled(page);
  assert.equal(await page.locator('h1').innerText(), 'Integrationen');
  const [sent] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === TEST),
    page.getByTestId('hub-test').click(),
  ]);
  const ev = await sent.json();
  assert.equal(sent.status(), 202);
  assert.equal(await page.getByTestId('hub-test-result').getAttribute('data-value'), String(ev.event_id));
  assert.match(await page.getByTestId('hub-test-result').innerText(), new RegExp(`Testereignis Nr\\. ${num(ev.event_id, 'de').replace('.', '\\.')} gesendet`));
  // the job runner delivers it; the page reads the figures again
  for (let i = 0; i < 100 && !received.includes(`msg_${ev.event_id}`); i++) await page.waitForTimeout(100);
  assert.ok(received.includes(`msg_${ev.event_id}`), 'the receiver got the test event');
  for (let i = 0; i < 100; i++) {        // recorded: succeeded, nothing pending
    const st = (await apiGet(token, HOOKS)).body.endpoints.find((e) => e.id === endpoint.id).stats;
    if (st.succeeded >= 1 && !st.pending) break;
    await page.waitForTimeout(100);
  }
  await Promise.all([page.waitForResponse(isHooks), page.reload()]);
  await settled(page);
  const direct = await apiGet(token, HOOKS, { attempts: 20 });
  const mine = direct.body.endpoints.find((e) => e.id === endpoint.id);
  await page.waitForTimeout(300);
  const row = (await rows(page, 'hub-endpoints')).find((r) => r[1].startsWith(endpoint.url));
  assert.ok(row, 'the endpoint is listed');
  assert.equal(row[1], `${endpoint.url}\n${endpoint.types.join(', ')}`);
  assert.equal(row[2], 'aktiv');
  const all = await rows(page, 'hub-endpoints');
  assert.ok(!all.some((r) => /no successful|answered 410/.test(r[2])), 'disabling reasons in German');
  // deliveries, succeeded, given up, pending, success rate as the API says (same moment)
  const s = mine.stats;
  assert.deepEqual(row.slice(3, 8), [num(s.deliveries, 'de'), num(s.succeeded, 'de'), num(s.failed, 'de'), num(s.pending, 'de'), pct(s.success_rate, 'de', 1)]);
  assert.ok(s.succeeded >= 1);
  const sched = direct.body.retry_schedule_seconds.map(unit).join(' · ');
  assert.equal(await page.getByTestId('hub-schedule').innerText(), `Wiederholungen nach: ${sched} (je ±20 %)`);
  const attempts = await rows(page, 'hub-attempts');
  const a = attempts.find((r) => r[2] === `msg_${ev.event_id}` && r[1] === endpoint.url);
  assert.ok(a, `the attempt of msg_${ev.event_id} is listed`);
  assert.equal(a[4], '204');
  assert.equal(a[3], 'hub.test');
  await screenshot(page, '40-integrations');
  await assertAxeClean(page, 'integrations');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('integrations: the event log browser shows, filters and pages the API log', async (t) => {
  const { page, w } = await openSession(browser, t);
  const [first] = await Promise.all([page.waitForResponse(isEvents), uiLogin(page, undefined, '/integrations')]);
  await settled(page);
  const body = await first.json();
  const direct = await apiGet(token, EVENTS, { after: 0, limit: 50 });
  assert.deepEqual(body.events.map((e) => e.id), direct.body.events.map((e) => e.id));
  const ids = (await rows(page, 'hub-events')).map((r) => r[0]);
  assert.deepEqual(ids, direct.body.events.map((e) => num(e.id, 'de')));
  if (direct.body.has_more) {
    const [next] = await Promise.all([page.waitForResponse(isEvents), page.getByTestId('hub-next').click()]);
    assert.equal(new URL(next.url()).searchParams.get('after'), String(direct.body.next_after));
    await settled(page);
    const second = await apiGet(token, EVENTS, { after: direct.body.next_after, limit: 50 });
    assert.deepEqual((await rows(page, 'hub-events')).map((r) => r[0]), second.body.events.map((e) => num(e.id, 'de')));
    await Promise.all([page.waitForResponse(isEvents), page.getByTestId('hub-prev').click()]);
    await settled(page);
    assert.deepEqual((await rows(page, 'hub-events')).map((r) => r[0]), ids);
  }
  const [filtered] = await Promise.all([
    page.waitForResponse((r) => isEvents(r) && new URL(r.url()).searchParams.get('types') === 'hub.test'),
    page.getByTestId('hub-types').fill('hub.test'),
  ]);
  await settled(page);
  const fb = await filtered.json();
  const shown = await rows(page, 'hub-events');
  assert.ok(shown.length >= 1, 'the test events are there');
  assert.deepEqual(shown.map((r) => r[0]), fb.events.map((e) => num(e.id, 'de')));
  assert.ok(shown.every((r) => r[1] === 'hub.test'));
  await assertAxeClean(page, 'integrations-log');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('integrations: an analyst sees the log and no webhooks', async (t) => {
  const email = `ui-hub-${RUN}@example.org`; const password = `pw-${RUN}-analyst`;
  if (!ensureUser(email, 'analyst', password)) return t.skip('no zoe binary');
  const { page, w } = await openSession(browser, t);
  const [resp] = await Promise.all([page.waitForResponse(isEvents), uiLogin(page, { email, password }, '/integrations')]);
  assert.equal(resp.status(), 200);
  await settled(page);
  await page.getByTestId('hub-admin-only').waitFor();
  assert.equal(await page.getByTestId('hub-endpoints').count(), 0);
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
